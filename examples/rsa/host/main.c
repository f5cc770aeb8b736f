/*
 * rsa example: client application. Has the TA generate an RSA-2048 key
 * pair and export its public key, then checks with OpenSSL in the normal
 * world that
 *  - the modulus has 2048 bits and the exponent is 65537;
 *  - OAEP (SHA-256) ciphertexts of the TA decrypt in the TA, are
 *    randomised, and a ciphertext OpenSSL makes with the exported key
 *    decrypts in the TA, while a tampered one is refused;
 *  - PSS and PKCS#1 v1.5 signatures of a SHA-256 digest made by the TA
 *    verify with the exported key (and not for another digest);
 *  - signatures OpenSSL makes with a key of its own verify in the TA once
 *    it has the public key, and a tampered one fails with
 *    TEE_ERROR_SIGNATURE_INVALID.
 * Exit status 0 only if everything holds.
 */
#include <err.h>
#include <stdio.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <tee_client_api.h>

#include <rsa_ta.h>

/* GP results the TA returns as is (not in the TEE Client API). */
#ifndef TEEC_ERROR_CIPHERTEXT_INVALID
#define TEEC_ERROR_CIPHERTEXT_INVALID 0xF0100006
#endif
#ifndef TEEC_ERROR_SIGNATURE_INVALID
#define TEEC_ERROR_SIGNATURE_INVALID 0xFFFF3072
#endif

#define KEY_BITS  2048
#define KEY_BYTES (KEY_BITS / 8)

static TEEC_Session sess;
static int failed;

static void check(int ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "rsa: %s\n", what);
	failed = 1;
}

static TEEC_Result invoke(uint32_t cmd, TEEC_Operation *op)
{
	uint32_t origin;

	return TEEC_InvokeCommand(&sess, cmd, op, &origin);
}

/* Two memrefs, the first input, the second output (its size updated). */
static TEEC_Result in_out(uint32_t cmd, const void *in, size_t in_len, void *out,
			  size_t *out_len)
{
	TEEC_Operation op;
	TEEC_Result res;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_MEMREF_TEMP_OUTPUT,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)in;
	op.params[0].tmpref.size = in_len;
	op.params[1].tmpref.buffer = out;
	op.params[1].tmpref.size = *out_len;
	res = invoke(cmd, &op);
	*out_len = op.params[1].tmpref.size;
	return res;
}

/* SIGN (signature out) or VERIFY (signature in). */
static TEEC_Result sig_cmd(uint32_t cmd, uint32_t scheme, const unsigned char *digest,
			   unsigned char *sig, size_t *sig_len)
{
	TEEC_Operation op;
	TEEC_Result res;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_INPUT,
					 cmd == TA_RSA_CMD_SIGN ? TEEC_MEMREF_TEMP_OUTPUT
								: TEEC_MEMREF_TEMP_INPUT,
					 TEEC_NONE);
	op.params[0].value.a = scheme;
	op.params[1].tmpref.buffer = (void *)digest;
	op.params[1].tmpref.size = TA_RSA_DIGEST_SIZE;
	op.params[2].tmpref.buffer = sig;
	op.params[2].tmpref.size = *sig_len;
	res = invoke(cmd, &op);
	*sig_len = op.params[2].tmpref.size;
	return res;
}

static EVP_PKEY *public_key(const unsigned char *n, size_t n_len, const unsigned char *e,
			    size_t e_len)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *bn = BN_bin2bn(n, (int)n_len, NULL), *be = BN_bin2bn(e, (int)e_len, NULL);
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	OSSL_PARAM *params = NULL;
	EVP_PKEY *pkey = NULL;

	if (!bld || !bn || !be || !ctx ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) ||
	    !(params = OSSL_PARAM_BLD_to_param(bld)) ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		errx(1, "cannot make an OpenSSL key of the TA's public key");
	OSSL_PARAM_free(params);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn);
	BN_free(be);
	return pkey;
}

/* Padding, digest and salt of a scheme on an OpenSSL sign/verify context. */
static int set_scheme(EVP_PKEY_CTX *c, uint32_t scheme)
{
	if (EVP_PKEY_CTX_set_signature_md(c, EVP_sha256()) != 1)
		return 0;
	if (scheme == TA_RSA_SIG_PKCS1)
		return EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) == 1;
	return EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PSS_PADDING) == 1 &&
	       EVP_PKEY_CTX_set_rsa_mgf1_md(c, EVP_sha256()) == 1 &&
	       EVP_PKEY_CTX_set_rsa_pss_saltlen(c, TA_RSA_PSS_SALT_SIZE) == 1;
}

static int openssl_verify(EVP_PKEY *pkey, uint32_t scheme, const unsigned char *digest,
			  const unsigned char *sig, size_t sig_len)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pkey, NULL);
	int ok = c && EVP_PKEY_verify_init(c) == 1 && set_scheme(c, scheme) &&
		 EVP_PKEY_verify(c, sig, sig_len, digest, TA_RSA_DIGEST_SIZE) == 1;

	EVP_PKEY_CTX_free(c);
	return ok;
}

static void openssl_sign(EVP_PKEY *pkey, uint32_t scheme, const unsigned char *digest,
			 unsigned char *sig, size_t *sig_len)
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(pkey, NULL);

	if (!c || EVP_PKEY_sign_init(c) != 1 || !set_scheme(c, scheme) ||
	    EVP_PKEY_sign(c, sig, sig_len, digest, TA_RSA_DIGEST_SIZE) != 1)
		errx(1, "OpenSSL signing failed");
	EVP_PKEY_CTX_free(c);
}

static void sha256(const void *msg, size_t len, unsigned char *digest)
{
	unsigned int l = 0;

	if (EVP_Digest(msg, len, digest, &l, EVP_sha256(), NULL) != 1 ||
	    l != TA_RSA_DIGEST_SIZE)
		errx(1, "SHA-256 failed");
}

static void check_encryption(EVP_PKEY *pkey)
{
	static const char msg[] = "edgetee rsa example: OAEP with SHA-256";
	const unsigned char *umsg = (const unsigned char *)msg;
	unsigned char ct[KEY_BYTES], ct2[KEY_BYTES], pt[KEY_BYTES];
	size_t ct_len = sizeof(ct), ct2_len = sizeof(ct2), pt_len = sizeof(pt);
	EVP_PKEY_CTX *c;
	TEEC_Result res;

	/* The TA encrypts and decrypts. */
	res = in_out(TA_RSA_CMD_ENCRYPT, msg, sizeof(msg), ct, &ct_len);
	check(res == TEEC_SUCCESS && ct_len == KEY_BYTES, "TA encryption failed");
	res = in_out(TA_RSA_CMD_ENCRYPT, msg, sizeof(msg), ct2, &ct2_len);
	check(res == TEEC_SUCCESS && ct2_len == KEY_BYTES, "TA encryption failed");
	check(memcmp(ct, ct2, KEY_BYTES) != 0, "OAEP ciphertexts are not randomised");
	res = in_out(TA_RSA_CMD_DECRYPT, ct, ct_len, pt, &pt_len);
	check(res == TEEC_SUCCESS && pt_len == sizeof(msg) && !memcmp(pt, msg, pt_len),
	      "TA decryption does not give the message back");

	/* OpenSSL encrypts with the exported key, the TA decrypts. */
	c = EVP_PKEY_CTX_new(pkey, NULL);
	ct_len = sizeof(ct);
	if (!c || EVP_PKEY_encrypt_init(c) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_OAEP_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_oaep_md(c, EVP_sha256()) != 1 ||
	    EVP_PKEY_CTX_set_rsa_mgf1_md(c, EVP_sha256()) != 1 ||
	    EVP_PKEY_encrypt(c, ct, &ct_len, umsg, sizeof(msg)) != 1)
		errx(1, "OpenSSL encryption failed");
	EVP_PKEY_CTX_free(c);
	pt_len = sizeof(pt);
	memset(pt, 0, sizeof(pt));
	res = in_out(TA_RSA_CMD_DECRYPT, ct, ct_len, pt, &pt_len);
	check(res == TEEC_SUCCESS && pt_len == sizeof(msg) && !memcmp(pt, msg, pt_len),
	      "TA does not decrypt OpenSSL's OAEP ciphertext");
	ct[ct_len / 2] ^= 0x04;
	pt_len = sizeof(pt);
	res = in_out(TA_RSA_CMD_DECRYPT, ct, ct_len, pt, &pt_len);
	check(res == TEEC_ERROR_CIPHERTEXT_INVALID,
	      "tampered ciphertext not refused with TEE_ERROR_CIPHERTEXT_INVALID");
	printf("OAEP SHA-256: TA round trip and OpenSSL -> TA checked\n");
}

static void check_ta_signatures(EVP_PKEY *pkey)
{
	static const uint32_t schemes[] = {TA_RSA_SIG_PSS, TA_RSA_SIG_PKCS1};
	static const char msg[] = "signed in the TA", other[] = "not signed";
	unsigned char digest[TA_RSA_DIGEST_SIZE], other_digest[TA_RSA_DIGEST_SIZE];
	unsigned char sig[KEY_BYTES], sig2[KEY_BYTES];

	sha256(msg, sizeof(msg), digest);
	sha256(other, sizeof(other), other_digest);
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		const char *name = schemes[i] == TA_RSA_SIG_PSS ? "PSS" : "PKCS#1 v1.5";
		size_t sig_len = sizeof(sig), sig2_len = sizeof(sig2);
		TEEC_Result res =
		    sig_cmd(TA_RSA_CMD_SIGN, schemes[i], digest, sig, &sig_len);

		if (res != TEEC_SUCCESS || sig_len != KEY_BYTES) {
			fprintf(stderr, "rsa: %s: SIGN gave 0x%x, %zu bytes\n", name, res,
				sig_len);
			failed = 1;
			continue;
		}
		check(openssl_verify(pkey, schemes[i], digest, sig, sig_len),
		      "OpenSSL does not verify the TA's signature");
		check(!openssl_verify(pkey, schemes[i], other_digest, sig, sig_len),
		      "the TA's signature verifies for another digest");
		res = sig_cmd(TA_RSA_CMD_SIGN, schemes[i], digest, sig2, &sig2_len);
		check(res == TEEC_SUCCESS, "second SIGN failed");
		/* PSS is randomised by its salt, PKCS#1 v1.5 is deterministic. */
		check((memcmp(sig, sig2, KEY_BYTES) != 0) ==
			  (schemes[i] == TA_RSA_SIG_PSS),
		      "signature randomisation is not as the scheme says");
		printf("%s: TA signature verified by OpenSSL\n", name);
	}
}

static void check_host_signatures(void)
{
	static const uint32_t schemes[] = {TA_RSA_SIG_PSS, TA_RSA_SIG_PKCS1};
	static const char msg[] = "signed in the normal world";
	unsigned char digest[TA_RSA_DIGEST_SIZE], n[KEY_BYTES], e[8], sig[KEY_BYTES];
	EVP_PKEY *host_key = EVP_RSA_gen(KEY_BITS);
	BIGNUM *bn = NULL, *be = NULL;
	TEEC_Operation op;
	TEEC_Result res;
	int n_len, e_len;

	if (!host_key || !EVP_PKEY_get_bn_param(host_key, OSSL_PKEY_PARAM_RSA_N, &bn) ||
	    !EVP_PKEY_get_bn_param(host_key, OSSL_PKEY_PARAM_RSA_E, &be) ||
	    (n_len = BN_bn2bin(bn, n)) <= 0 || BN_num_bytes(be) > (int)sizeof(e) ||
	    (e_len = BN_bn2bin(be, e)) <= 0)
		errx(1, "OpenSSL key generation failed");
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_MEMREF_TEMP_INPUT,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = n;
	op.params[0].tmpref.size = (size_t)n_len;
	op.params[1].tmpref.buffer = e;
	op.params[1].tmpref.size = (size_t)e_len;
	res = invoke(TA_RSA_CMD_SET_PEER_KEY, &op);
	if (res != TEEC_SUCCESS) {
		fprintf(stderr, "rsa: SET_PEER_KEY failed with code 0x%x\n", res);
		failed = 1;
		goto out;
	}

	sha256(msg, sizeof(msg), digest);
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		const char *name = schemes[i] == TA_RSA_SIG_PSS ? "PSS" : "PKCS#1 v1.5";
		size_t sig_len = sizeof(sig);

		openssl_sign(host_key, schemes[i], digest, sig, &sig_len);
		res = sig_cmd(TA_RSA_CMD_VERIFY, schemes[i], digest, sig, &sig_len);
		if (res != TEEC_SUCCESS) {
			fprintf(stderr, "rsa: %s: TA rejects OpenSSL's signature: 0x%x\n",
				name, res);
			failed = 1;
		}
		sig[10] ^= 0x20;
		res = sig_cmd(TA_RSA_CMD_VERIFY, schemes[i], digest, sig, &sig_len);
		if (res != TEEC_ERROR_SIGNATURE_INVALID) {
			fprintf(stderr, "rsa: %s: tampered signature gave 0x%x\n", name,
				res);
			failed = 1;
		}
		printf("%s: OpenSSL signature verified by the TA\n", name);
	}
out:
	BN_free(bn);
	BN_free(be);
	EVP_PKEY_free(host_key);
}

int main(void)
{
	unsigned char n[KEY_BYTES + 8], e[8];
	TEEC_Context ctx;
	TEEC_UUID uuid = TA_RSA_UUID;
	TEEC_Operation op;
	EVP_PKEY *pkey;
	uint32_t origin;
	TEEC_Result res;

	res = TEEC_InitializeContext(NULL, &ctx);
	if (res != TEEC_SUCCESS)
		errx(1, "TEEC_InitializeContext failed with code 0x%x", res);
	res =
	    TEEC_OpenSession(&ctx, &sess, &uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin);
	if (res != TEEC_SUCCESS)
		errx(1, "TEEC_OpenSession failed with code 0x%x origin 0x%x", res,
		     origin);

	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = KEY_BITS;
	res = invoke(TA_RSA_CMD_GEN_KEY, &op);
	if (res != TEEC_SUCCESS)
		errx(1, "GEN_KEY failed with code 0x%x", res);

	/* The public key: first ask for the sizes, then fetch it. */
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT, TEEC_MEMREF_TEMP_OUTPUT,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = n;
	op.params[1].tmpref.buffer = e;
	res = invoke(TA_RSA_CMD_GET_PUBLIC_KEY, &op);
	check(res == TEEC_ERROR_SHORT_BUFFER && op.params[0].tmpref.size == KEY_BYTES &&
		  op.params[1].tmpref.size == 3,
	      "GET_PUBLIC_KEY with empty buffers does not say 256 and 3 bytes");
	op.params[0].tmpref.size = sizeof(n);
	op.params[1].tmpref.size = sizeof(e);
	res = invoke(TA_RSA_CMD_GET_PUBLIC_KEY, &op);
	if (res != TEEC_SUCCESS)
		errx(1, "GET_PUBLIC_KEY failed with code 0x%x", res);
	check(op.params[0].tmpref.size == KEY_BYTES && (n[0] & 0x80),
	      "the modulus does not have 2048 bits");
	check(op.params[1].tmpref.size == 3 && !memcmp(e, "\x01\x00\x01", 3),
	      "the public exponent is not 65537");
	pkey = public_key(n, op.params[0].tmpref.size, e, op.params[1].tmpref.size);
	check(EVP_PKEY_get_bits(pkey) == KEY_BITS, "OpenSSL sees no 2048-bit key");
	printf("RSA-%d key pair generated in the TA, public key exported\n", KEY_BITS);

	check_encryption(pkey);
	check_ta_signatures(pkey);
	check_host_signatures();

	EVP_PKEY_free(pkey);
	TEEC_CloseSession(&sess);
	TEEC_FinalizeContext(&ctx);
	if (failed)
		return 1;
	printf("rsa: OK\n");
	return 0;
}
