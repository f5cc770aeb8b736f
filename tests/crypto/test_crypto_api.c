/*
 * GP error behaviour of the Cryptographic Operations API, through crypto_ta
 * (tests/ta/crypto_ta) in a private edgeteed instance:
 *  - TEE_ERROR_SHORT_BUFFER with the needed size written back, for digest,
 *    cipher and asymmetric (RSA sign and encrypt) outputs;
 *  - TEE_IsAlgorithmSupported for supported algorithm/element pairs and for
 *    unsupported ones;
 *  - unsupported key sizes (AES with 100 bits) and algorithm/mode pairs give
 *    TEE_ERROR_NOT_SUPPORTED at allocation;
 *  - misuse where GP says the TA panics (TEE_CipherUpdate or TEE_AEUpdate
 *    before init, a key of the wrong type or too big for the operation, a
 *    digest call on a MAC operation, reading the secret of a non-extractable
 *    key): the client sees TEEC_ERROR_TARGET_DEAD (origin TEE) and a new
 *    session gets a fresh, working instance;
 *  - key objects: TEE_GetObjectInfo1 fields before and after
 *    TEE_GenerateKey, TEE_GetObjectBufferAttribute (short buffer, secret
 *    value, missing attribute, public attribute of a restricted key),
 *    TEE_GetObjectValueAttribute, TEE_CopyObjectAttributes1 and
 *    TEE_RestrictObjectUsage1.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <tee_api_defines.h>

#include "crypto_ta.h"
#include "harness.h"

static struct et_test_inst inst;
static TEEC_Context ctx;
static TEEC_Session sess;
static int inst_up;

#define assert_res(expr, want)                                                           \
	do {                                                                             \
		uint32_t r_ = (expr);                                                    \
		if (r_ != (uint32_t)(want))                                              \
			fail_msg("%s = 0x%08x, expected 0x%08x", #expr, r_,              \
				 (unsigned)(want));                                      \
	} while (0)

static TEEC_Result open_sess(TEEC_Session *s)
{
	TEEC_UUID u;
	uint32_t o;
	et_test_uuid(CRYPTO_TA_UUID_STR, &u);
	return TEEC_OpenSession(&ctx, s, &u, TEEC_LOGIN_PUBLIC, NULL, NULL, &o);
}

struct pk {
	uint8_t b[4096];
	size_t n;
};

static void pk_add(struct pk *p, uint32_t role, uint32_t attr, const void *d, size_t len)
{
	uint32_t h[3] = {role, attr, (uint32_t)len};
	assert_true(p->n + 12 + len <= sizeof(p->b));
	memcpy(p->b + p->n, h, 12);
	memcpy(p->b + p->n + 12, d, len);
	p->n += 12 + len;
}

/* A vector-style command with an output buffer of outcap bytes. */
static TEEC_Result vcall(TEEC_Session *s, uint32_t cmd, uint32_t alg, uint32_t type,
			 uint32_t bits, uint32_t aux, const struct pk *in, void *out,
			 size_t outcap, size_t *outlen, uint32_t *origin)
{
	TEEC_Operation op;
	uint32_t o = 0;
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_INPUT,
					 TEEC_MEMREF_TEMP_OUTPUT, TEEC_VALUE_INOUT);
	op.params[0].value.a = alg;
	op.params[0].value.b = type;
	op.params[1].tmpref.buffer = (void *)in->b;
	op.params[1].tmpref.size = in->n;
	op.params[2].tmpref.buffer = out;
	op.params[2].tmpref.size = outcap;
	op.params[3].value.a = bits;
	op.params[3].value.b = aux;
	TEEC_Result r = TEEC_InvokeCommand(s, cmd, &op, &o);
	if (outlen)
		*outlen = op.params[2].tmpref.size;
	if (origin)
		*origin = o;
	return r;
}

static TEEC_Result value_call(TEEC_Session *s, uint32_t cmd, uint32_t a, uint32_t b,
			      uint32_t c, uint32_t *origin)
{
	TEEC_Operation op;
	uint32_t o = 0;
	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = a;
	op.params[0].value.b = b;
	op.params[1].value.a = c;
	TEEC_Result r = TEEC_InvokeCommand(s, cmd, &op, &o);
	if (origin)
		*origin = o;
	return r;
}

/* SHA-256 of "abc" in the TA, checked against the known value. */
static void digest_works(TEEC_Session *s)
{
	static const uint8_t abc_sha256[32] = {
	    0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
	    0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
	    0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
	struct pk in = {.n = 0};
	uint8_t out[64];
	size_t len = 0;
	pk_add(&in, CT_ROLE_DATA, 0, "abc", 3);
	assert_res(vcall(s, CT_CMD_DIGEST, TEE_ALG_SHA256, 0, 0, 0, &in, out, sizeof(out),
			 &len, NULL),
		   TEEC_SUCCESS);
	assert_int_equal(len, 32);
	assert_memory_equal(out, abc_sha256, 32);
}

/* ---- short buffers -------------------------------------------------------- */

static void test_short_buffer_digest(void **state)
{
	(void)state;
	struct pk in = {.n = 0};
	uint8_t out[64];
	size_t len = 0;
	pk_add(&in, CT_ROLE_DATA, 0, "abc", 3);
	assert_res(vcall(&sess, CT_CMD_DIGEST, TEE_ALG_SHA256, 0, 0, 0, &in, out, 10,
			 &len, NULL),
		   TEEC_ERROR_SHORT_BUFFER);
	assert_int_equal(len, 32);
	assert_res(vcall(&sess, CT_CMD_DIGEST, TEE_ALG_SHA512, 0, 0, 0, &in, out, 63,
			 &len, NULL),
		   TEEC_ERROR_SHORT_BUFFER);
	assert_int_equal(len, 64);
	digest_works(&sess);
}

static void test_short_buffer_cipher(void **state)
{
	(void)state;
	uint8_t key[16] = {1, 2, 3}, iv[16] = {4}, data[48] = {5}, out[64];
	size_t len = 0;
	struct pk in = {.n = 0};
	pk_add(&in, CT_ROLE_KEY, TEE_ATTR_SECRET_VALUE, key, 16);
	pk_add(&in, CT_ROLE_IV, 0, iv, 16);
	pk_add(&in, CT_ROLE_DATA, 0, data, 48);
	assert_res(vcall(&sess, CT_CMD_CIPHER, TEE_ALG_AES_CBC_NOPAD, TEE_TYPE_AES, 128,
			 CT_AUX(0, TEE_MODE_ENCRYPT, 0), &in, out, 20, &len, NULL),
		   TEEC_ERROR_SHORT_BUFFER);
	assert_int_equal(len, 48);
	assert_res(vcall(&sess, CT_CMD_CIPHER, TEE_ALG_AES_CBC_NOPAD, TEE_TYPE_AES, 128,
			 CT_AUX(0, TEE_MODE_ENCRYPT, 0), &in, out, 48, &len, NULL),
		   TEEC_SUCCESS);
	assert_int_equal(len, 48);
}

static void add_bn(struct pk *in, EVP_PKEY *k, const char *name, uint32_t attr)
{
	BIGNUM *bn = NULL;
	uint8_t b[512];
	assert_int_equal(EVP_PKEY_get_bn_param(k, name, &bn), 1);
	int n = BN_bn2bin(bn, b);
	pk_add(in, CT_ROLE_KEY, attr, b, (size_t)n);
	BN_free(bn);
}

static void test_short_buffer_asymmetric(void **state)
{
	(void)state;
	EVP_PKEY *k = EVP_RSA_gen(2048);
	assert_non_null(k);
	struct pk in = {.n = 0};
	add_bn(&in, k, OSSL_PKEY_PARAM_RSA_N, TEE_ATTR_RSA_MODULUS);
	add_bn(&in, k, OSSL_PKEY_PARAM_RSA_E, TEE_ATTR_RSA_PUBLIC_EXPONENT);
	add_bn(&in, k, OSSL_PKEY_PARAM_RSA_D, TEE_ATTR_RSA_PRIVATE_EXPONENT);
	add_bn(&in, k, OSSL_PKEY_PARAM_RSA_FACTOR1, TEE_ATTR_RSA_PRIME1);
	add_bn(&in, k, OSSL_PKEY_PARAM_RSA_FACTOR2, TEE_ATTR_RSA_PRIME2);
	add_bn(&in, k, OSSL_PKEY_PARAM_RSA_EXPONENT1, TEE_ATTR_RSA_EXPONENT1);
	add_bn(&in, k, OSSL_PKEY_PARAM_RSA_EXPONENT2, TEE_ATTR_RSA_EXPONENT2);
	add_bn(&in, k, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, TEE_ATTR_RSA_COEFFICIENT);
	EVP_PKEY_free(k);
	uint8_t dig[32] = {7, 7, 7}, out[512];
	size_t len = 0;
	struct pk sign = in;
	pk_add(&sign, CT_ROLE_DATA, 0, dig, 32);
	assert_res(vcall(&sess, CT_CMD_ASYM, TEE_ALG_RSASSA_PKCS1_V1_5_SHA256,
			 TEE_TYPE_RSA_KEYPAIR, 2048, CT_AUX(0, TEE_MODE_SIGN, 0), &sign,
			 out, 100, &len, NULL),
		   TEEC_ERROR_SHORT_BUFFER);
	assert_int_equal(len, 256);
	assert_res(vcall(&sess, CT_CMD_ASYM, TEE_ALG_RSASSA_PKCS1_V1_5_SHA256,
			 TEE_TYPE_RSA_KEYPAIR, 2048, CT_AUX(0, TEE_MODE_SIGN, 0), &sign,
			 out, 256, &len, NULL),
		   TEEC_SUCCESS);
	assert_int_equal(len, 256);
	struct pk enc = in;
	pk_add(&enc, CT_ROLE_DATA, 0, "secret", 6);
	assert_res(vcall(&sess, CT_CMD_ASYM, TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA256,
			 TEE_TYPE_RSA_KEYPAIR, 2048, CT_AUX(0, TEE_MODE_ENCRYPT, 0), &enc,
			 out, 10, &len, NULL),
		   TEEC_ERROR_SHORT_BUFFER);
	assert_int_equal(len, 256);
}

/* ---- supported algorithms and sizes ---------------------------------------- */

static void test_is_algorithm_supported(void **state)
{
	(void)state;
	static const uint32_t yes[][2] = {
	    {TEE_ALG_SHA256, TEE_CRYPTO_ELEMENT_NONE},
	    {TEE_ALG_SHA3_256, TEE_CRYPTO_ELEMENT_NONE},
	    {TEE_ALG_AES_GCM, TEE_CRYPTO_ELEMENT_NONE},
	    {TEE_ALG_AES_XTS, TEE_CRYPTO_ELEMENT_NONE},
	    {TEE_ALG_AES_CMAC, TEE_CRYPTO_ELEMENT_NONE},
	    {TEE_ALG_HMAC_SHA256, TEE_CRYPTO_ELEMENT_NONE},
	    {TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256, TEE_CRYPTO_ELEMENT_NONE},
	    {TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA1, TEE_CRYPTO_ELEMENT_NONE},
	    {TEE_ALG_ECDSA_SHA256, TEE_ECC_CURVE_NIST_P256},
	    {TEE_ALG_ECDSA_SHA384, TEE_ECC_CURVE_NIST_P384},
	    {TEE_ALG_ECDH_DERIVE_SHARED_SECRET, TEE_ECC_CURVE_NIST_P521},
	    {TEE_ALG_ED25519, TEE_ECC_CURVE_25519},
	    {TEE_ALG_X25519, TEE_ECC_CURVE_25519},
	    {TEE_ALG_HKDF, TEE_CRYPTO_ELEMENT_NONE},
	};
	static const uint32_t no[][2] = {
	    {0x12345678, TEE_CRYPTO_ELEMENT_NONE},
	    {TEE_ALG_ILLEGAL_VALUE, TEE_CRYPTO_ELEMENT_NONE},
	    {TEE_ALG_ECDSA_SHA256, 0x7777},
	};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (value_call(&sess, CT_CMD_IS_SUPPORTED, yes[i][0], yes[i][1], 0, NULL))
			fail_msg("TEE_IsAlgorithmSupported(0x%08x, 0x%x) is not SUCCESS",
				 yes[i][0], yes[i][1]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_res(
		    value_call(&sess, CT_CMD_IS_SUPPORTED, no[i][0], no[i][1], 0, NULL),
		    TEE_ERROR_NOT_SUPPORTED);
}

static void test_unsupported_sizes(void **state)
{
	(void)state;
	assert_res(value_call(&sess, CT_CMD_ALLOC_OBJECT, TEE_TYPE_AES, 100, 0, NULL),
		   TEE_ERROR_NOT_SUPPORTED);
	assert_res(value_call(&sess, CT_CMD_ALLOC_OBJECT, TEE_TYPE_AES, 192, 0, NULL),
		   TEE_SUCCESS);
	assert_res(
	    value_call(&sess, CT_CMD_ALLOC_OBJECT, TEE_TYPE_HMAC_SHA256, 100, 0, NULL),
	    TEE_ERROR_NOT_SUPPORTED);
	assert_res(
	    value_call(&sess, CT_CMD_ALLOC_OBJECT, TEE_TYPE_ILLEGAL_VALUE, 128, 0, NULL),
	    TEE_ERROR_NOT_SUPPORTED);
	assert_res(value_call(&sess, CT_CMD_ALLOC_OPERATION, TEE_ALG_AES_CBC_NOPAD,
			      TEE_MODE_ENCRYPT, 100, NULL),
		   TEE_ERROR_NOT_SUPPORTED);
	assert_res(value_call(&sess, CT_CMD_ALLOC_OPERATION, TEE_ALG_AES_CBC_NOPAD,
			      TEE_MODE_ENCRYPT, 256, NULL),
		   TEE_SUCCESS);
	/* A digest algorithm in encrypt mode, a MAC in sign mode. */
	assert_res(value_call(&sess, CT_CMD_ALLOC_OPERATION, TEE_ALG_SHA256,
			      TEE_MODE_ENCRYPT, 0, NULL),
		   TEE_ERROR_NOT_SUPPORTED);
	assert_res(value_call(&sess, CT_CMD_ALLOC_OPERATION, TEE_ALG_HMAC_SHA256,
			      TEE_MODE_SIGN, 256, NULL),
		   TEE_ERROR_NOT_SUPPORTED);
}

/* ---- panics ----------------------------------------------------------------- */

static void test_misuse_panics(void **state)
{
	(void)state;
	static const struct {
		uint32_t what;
		const char *name;
	} cases[] = {
	    {CT_MISUSE_CIPHER_UPDATE_NO_INIT, "TEE_CipherUpdate before TEE_CipherInit"},
	    {CT_MISUSE_KEY_TYPE, "HMAC key set on an AES operation"},
	    {CT_MISUSE_DIGEST_ON_MAC, "TEE_DigestUpdate on a MAC operation"},
	    {CT_MISUSE_AE_UPDATE_NO_INIT, "TEE_AEUpdate before TEE_AEInit"},
	    {CT_MISUSE_READ_NONEXTRACTABLE,
	     "TEE_GetObjectBufferAttribute(secret) of a non-extractable key"},
	    {CT_MISUSE_KEY_TOO_BIG, "256-bit key on an operation with maxKeySize 128"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TEEC_Session s;
		uint32_t origin = 0;
		assert_res(open_sess(&s), TEEC_SUCCESS);
		digest_works(&s);
		TEEC_Result r =
		    value_call(&s, CT_CMD_MISUSE, cases[i].what, 0, 0, &origin);
		if (r != TEEC_ERROR_TARGET_DEAD || origin != TEEC_ORIGIN_TEE)
			fail_msg("%s: got 0x%08x origin %u, expected the TA to panic "
				 "(TEEC_ERROR_TARGET_DEAD, origin TEE)",
				 cases[i].name, r, origin);
		/* The dead session stays dead... */
		assert_res(
		    value_call(&s, CT_CMD_IS_SUPPORTED, TEE_ALG_SHA256, 0, 0, NULL),
		    TEEC_ERROR_TARGET_DEAD);
		TEEC_CloseSession(&s);
		/* ... and a new session gets a fresh instance that works. */
		TEEC_Session s2;
		assert_res(open_sess(&s2), TEEC_SUCCESS);
		digest_works(&s2);
		TEEC_CloseSession(&s2);
	}
	/* The shared session's instance died with the others: reopen it. */
	TEEC_CloseSession(&sess);
	assert_res(open_sess(&sess), TEEC_SUCCESS);
	digest_works(&sess);
}

/* ---- key objects ------------------------------------------------------------ */

static void test_key_objects(void **state)
{
	(void)state;
	struct ct_keyobj_report r;
	TEEC_Operation op;
	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = &r;
	op.params[0].tmpref.size = sizeof(r);
	assert_res(TEEC_InvokeCommand(&sess, CT_CMD_KEYOBJ, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[0].tmpref.size, sizeof(r));

	/* Fresh transient object: no key yet. */
	assert_res(r.empty_res, TEE_SUCCESS);
	assert_res(r.empty_type, TEE_TYPE_AES);
	assert_res(r.empty_size, 0);
	assert_res(r.empty_max, 256);
	assert_res(r.empty_usage, 0xFFFFFFFF);
	assert_int_equal(r.empty_flags & TEE_HANDLE_FLAG_INITIALIZED, 0);
	/* After TEE_GenerateKey(256). */
	assert_res(r.gen_res, TEE_SUCCESS);
	assert_res(r.info_res, TEE_SUCCESS);
	assert_res(r.info_type, TEE_TYPE_AES);
	assert_res(r.info_size, 256);
	assert_res(r.info_max, 256);
	assert_res(r.info_usage, 0xFFFFFFFF);
	assert_int_not_equal(r.info_flags & TEE_HANDLE_FLAG_INITIALIZED, 0);
	assert_int_equal(r.info_flags & TEE_HANDLE_FLAG_PERSISTENT, 0);
	/* Secret value: short buffer with the needed size, then the key. */
	assert_res(r.short_res, TEE_ERROR_SHORT_BUFFER);
	assert_res(r.short_size, 32);
	assert_res(r.get_res, TEE_SUCCESS);
	assert_res(r.get_size, 32);
	/* Copy. */
	assert_res(r.copy_res, TEE_SUCCESS);
	assert_res(r.copy_size, 256);
	assert_res(r.copy_equal, 1);
	/* Restricted: no longer extractable, still usable for encryption. */
	assert_res(r.restrict_res, TEE_SUCCESS);
	assert_res(r.restrict_usage, 0xFFFFFFFF & ~(uint32_t)TEE_USAGE_EXTRACTABLE);
	assert_res(r.restrict_encrypt_res, TEE_SUCCESS);
	/* ECDSA key restricted to signing: public parts stay readable. */
	assert_res(r.ecc_gen_res, TEE_SUCCESS);
	assert_res(r.ecc_pub_res, TEE_SUCCESS);
	assert_res(r.ecc_pub_size, 32);
	assert_res(r.ecc_curve_res, TEE_SUCCESS);
	assert_res(r.ecc_curve, TEE_ECC_CURVE_NIST_P256);
	assert_res(r.missing_res, TEE_ERROR_ITEM_NOT_FOUND);
}

/* ---- setup ----------------------------------------------------------------- */

static int group_up(void **state)
{
	(void)state;
	if (et_test_up(&inst))
		return -1;
	inst_up = 1;
	if (TEEC_InitializeContext(NULL, &ctx) != TEEC_SUCCESS)
		return -1;
	if (open_sess(&sess) != TEEC_SUCCESS) {
		fprintf(stderr, "cannot open a session to crypto_ta\n");
		return -1;
	}
	return 0;
}

static int group_down(void **state)
{
	(void)state;
	if (inst_up) {
		TEEC_CloseSession(&sess);
		TEEC_FinalizeContext(&ctx);
		et_test_down(&inst);
	}
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_short_buffer_digest),
	    cmocka_unit_test(test_short_buffer_cipher),
	    cmocka_unit_test(test_short_buffer_asymmetric),
	    cmocka_unit_test(test_is_algorithm_supported),
	    cmocka_unit_test(test_unsupported_sizes),
	    cmocka_unit_test(test_key_objects),
	    cmocka_unit_test(test_misuse_panics),
	};
	return cmocka_run_group_tests(tests, group_up, group_down);
}
