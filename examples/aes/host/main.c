/*
 * aes example: client application. For AES-128 and AES-256 in CBC, CTR
 * and GCM it has the TA encrypt a random buffer in place in shared memory
 * (in two chunks) with a key and IV chosen here, compares the ciphertext
 * (and the GCM tag) with what OpenSSL computes in the normal world, and
 * has the TA decrypt it back. For GCM, a flipped ciphertext bit and a
 * flipped tag bit must both fail with TEE_ERROR_MAC_INVALID and return no
 * plaintext. It then repeats the round trip with keys generated in the TA,
 * which never leave it. Exit status 0 only if everything holds.
 */
#include <err.h>
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <tee_client_api.h>

#include <aes_ta.h>

/* GP TEE_ERROR_MAC_INVALID: the TA's result reaches the client as is. */
#ifndef TEEC_ERROR_MAC_INVALID
#define TEEC_ERROR_MAC_INVALID 0xFFFF3071
#endif

#define BUF_SIZE 4096

static TEEC_Session sess;
static TEEC_SharedMemory shm;
static int failed;

static const char *algo_name(uint32_t algo)
{
	return algo == TA_AES_ALGO_CBC ? "CBC" : algo == TA_AES_ALGO_CTR ? "CTR" : "GCM";
}

/* Bytes of the message: CBC without padding needs whole blocks. */
static size_t msg_len(uint32_t algo)
{
	return algo == TA_AES_ALGO_CBC ? 1024 : 1000;
}

static size_t iv_len(uint32_t algo)
{
	return algo == TA_AES_ALGO_GCM ? 12 : 16;
}

static void check(int ok, const char *what, uint32_t algo, size_t key_size)
{
	if (ok)
		return;
	fprintf(stderr, "aes: AES-%zu-%s: %s\n", key_size * 8, algo_name(algo), what);
	failed = 1;
}

static TEEC_Result invoke(uint32_t cmd, TEEC_Operation *op)
{
	uint32_t origin;

	return TEEC_InvokeCommand(&sess, cmd, op, &origin);
}

static TEEC_Result prepare(uint32_t algo, uint32_t mode, size_t key_size)
{
	TEEC_Operation op;

	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = algo;
	op.params[0].value.b = mode;
	op.params[1].value.a = (uint32_t)key_size;
	return invoke(TA_AES_CMD_PREPARE, &op);
}

static TEEC_Result set_key(const unsigned char *key, size_t len)
{
	TEEC_Operation op;

	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)key;
	op.params[0].tmpref.size = len;
	return invoke(TA_AES_CMD_SET_KEY, &op);
}

static TEEC_Result generate_key(void)
{
	TEEC_Operation op;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_NONE, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	return invoke(TA_AES_CMD_GENERATE_KEY, &op);
}

static TEEC_Result set_iv(const unsigned char *iv, size_t len, const unsigned char *aad,
			  size_t aad_len)
{
	TEEC_Operation op;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT,
					 aad ? TEEC_MEMREF_TEMP_INPUT : TEEC_NONE,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)iv;
	op.params[0].tmpref.size = len;
	op.params[1].tmpref.buffer = (void *)aad;
	op.params[1].tmpref.size = aad_len;
	return invoke(TA_AES_CMD_SET_IV, &op);
}

/*
 * CIPHER (last = 0) or FINAL (last = 1) on shm[offset, offset + len), in
 * place. tag: GCM only, TEEC_MEMREF_TEMP_OUTPUT on encode, INPUT on decode.
 */
static TEEC_Result cipher(int last, size_t offset, size_t len, unsigned char *tag,
			  uint32_t tag_type)
{
	TEEC_Operation op;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(
	    TEEC_MEMREF_PARTIAL_INOUT, tag ? tag_type : TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].memref.parent = &shm;
	op.params[0].memref.offset = offset;
	op.params[0].memref.size = len;
	op.params[1].tmpref.buffer = tag;
	op.params[1].tmpref.size = tag ? TA_AES_GCM_TAG_SIZE : 0;
	return invoke(last ? TA_AES_CMD_FINAL : TA_AES_CMD_CIPHER, &op);
}

static const EVP_CIPHER *evp_cipher(uint32_t algo, size_t key_size)
{
	int big = key_size == 32;

	switch (algo) {
	case TA_AES_ALGO_CBC:
		return big ? EVP_aes_256_cbc() : EVP_aes_128_cbc();
	case TA_AES_ALGO_CTR:
		return big ? EVP_aes_256_ctr() : EVP_aes_128_ctr();
	default:
		return big ? EVP_aes_256_gcm() : EVP_aes_128_gcm();
	}
}

/* The normal world's reference: OpenSSL encrypts the same message. */
static void openssl_encrypt(uint32_t algo, const unsigned char *key, size_t key_size,
			    const unsigned char *iv, const unsigned char *aad,
			    size_t aad_len, const unsigned char *in, size_t len,
			    unsigned char *out, unsigned char *tag)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int l = 0, l2 = 0, ok;

	ok = c && EVP_EncryptInit_ex(c, evp_cipher(algo, key_size), NULL, NULL, NULL);
	if (ok && algo == TA_AES_ALGO_GCM)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, (int)iv_len(algo),
					 NULL);
	ok = ok && EVP_EncryptInit_ex(c, NULL, NULL, key, iv) &&
	     EVP_CIPHER_CTX_set_padding(c, 0);
	if (ok && aad)
		ok = EVP_EncryptUpdate(c, NULL, &l, aad, (int)aad_len);
	ok = ok && EVP_EncryptUpdate(c, out, &l, in, (int)len) &&
	     EVP_EncryptFinal_ex(c, out + l, &l2);
	if (ok && algo == TA_AES_ALGO_GCM)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TA_AES_GCM_TAG_SIZE,
					 tag);
	if (!ok || (size_t)(l + l2) != len)
		errx(1, "OpenSSL encryption failed");
	EVP_CIPHER_CTX_free(c);
}

/* One message with a key from the client: TA vs OpenSSL, then back. */
static void known_key(uint32_t algo, size_t key_size)
{
	unsigned char key[32], iv[16], aad[20], plain[BUF_SIZE], expect[BUF_SIZE];
	unsigned char tag[TA_AES_GCM_TAG_SIZE], expect_tag[TA_AES_GCM_TAG_SIZE];
	int gcm = algo == TA_AES_ALGO_GCM;
	size_t len = msg_len(algo), half = 512;
	unsigned char *buf = shm.buffer;
	const unsigned char *a = gcm ? aad : NULL;
	TEEC_Result res;

	if (RAND_bytes(key, sizeof(key)) != 1 || RAND_bytes(iv, sizeof(iv)) != 1 ||
	    RAND_bytes(aad, sizeof(aad)) != 1 || RAND_bytes(plain, (int)len) != 1)
		errx(1, "RAND_bytes failed");
	openssl_encrypt(algo, key, key_size, iv, a, sizeof(aad), plain, len, expect,
			expect_tag);

	/* Encrypt in place: two chunks, the second one with FINAL. */
	memcpy(buf, plain, len);
	res = prepare(algo, TA_AES_MODE_ENCODE, key_size);
	if (res == TEEC_SUCCESS)
		res = set_key(key, key_size);
	if (res == TEEC_SUCCESS)
		res = set_iv(iv, iv_len(algo), a, sizeof(aad));
	if (res == TEEC_SUCCESS)
		res = cipher(0, 0, half, NULL, 0);
	if (res == TEEC_SUCCESS)
		res = cipher(1, half, len - half, gcm ? tag : NULL,
			     TEEC_MEMREF_TEMP_OUTPUT);
	if (res != TEEC_SUCCESS) {
		fprintf(stderr, "aes: encryption failed with code 0x%x\n", res);
		check(0, "encrypt", algo, key_size);
		return;
	}
	check(!memcmp(buf, expect, len), "ciphertext differs from OpenSSL's", algo,
	      key_size);
	if (gcm)
		check(!memcmp(tag, expect_tag, sizeof(tag)), "tag differs from OpenSSL's",
		      algo, key_size);

	/* Decrypt in place, in one FINAL. */
	res = prepare(algo, TA_AES_MODE_DECODE, key_size);
	if (res == TEEC_SUCCESS)
		res = set_key(key, key_size);
	if (res == TEEC_SUCCESS)
		res = set_iv(iv, iv_len(algo), a, sizeof(aad));
	if (res == TEEC_SUCCESS)
		res = cipher(1, 0, len, gcm ? tag : NULL, TEEC_MEMREF_TEMP_INPUT);
	check(res == TEEC_SUCCESS, "decryption failed", algo, key_size);
	check(!memcmp(buf, plain, len), "decryption does not give the plaintext back",
	      algo, key_size);
	if (!gcm)
		return;

	/* Tampered ciphertext, then tampered tag: MAC_INVALID, no plaintext. */
	memcpy(buf, expect, len);
	buf[len / 2] ^= 0x01;
	res = set_iv(iv, iv_len(algo), a, sizeof(aad));
	if (res == TEEC_SUCCESS)
		res = cipher(1, 0, len, tag, TEEC_MEMREF_TEMP_INPUT);
	check(res == TEEC_ERROR_MAC_INVALID, "tampered ciphertext not refused", algo,
	      key_size);
	check(!memcmp(buf, (unsigned char[BUF_SIZE]){0}, len),
	      "tampered ciphertext: plaintext returned", algo, key_size);
	memcpy(buf, expect, len);
	tag[0] ^= 0x80;
	res = set_iv(iv, iv_len(algo), a, sizeof(aad));
	if (res == TEEC_SUCCESS)
		res = cipher(1, 0, len, tag, TEEC_MEMREF_TEMP_INPUT);
	check(res == TEEC_ERROR_MAC_INVALID, "tampered tag not refused", algo, key_size);
	/* Wrong AAD, right ciphertext and tag. */
	memcpy(buf, expect, len);
	tag[0] ^= 0x80;
	aad[3] ^= 0x10;
	res = set_iv(iv, iv_len(algo), a, sizeof(aad));
	if (res == TEEC_SUCCESS)
		res = cipher(1, 0, len, tag, TEEC_MEMREF_TEMP_INPUT);
	check(res == TEEC_ERROR_MAC_INVALID, "tampered AAD not refused", algo, key_size);
}

/* A key generated in the TA: it encrypts and decrypts, never leaves. */
static void generated_key(uint32_t algo, size_t key_size)
{
	unsigned char iv[16], plain[BUF_SIZE], tag[TA_AES_GCM_TAG_SIZE];
	int gcm = algo == TA_AES_ALGO_GCM;
	size_t len = msg_len(algo);
	unsigned char *buf = shm.buffer;
	TEEC_Result res;

	if (RAND_bytes(iv, sizeof(iv)) != 1 || RAND_bytes(plain, (int)len) != 1)
		errx(1, "RAND_bytes failed");
	memcpy(buf, plain, len);
	res = prepare(algo, TA_AES_MODE_ENCODE, key_size);
	if (res == TEEC_SUCCESS)
		res = generate_key();
	if (res == TEEC_SUCCESS)
		res = set_iv(iv, iv_len(algo), NULL, 0);
	if (res == TEEC_SUCCESS)
		res = cipher(1, 0, len, gcm ? tag : NULL, TEEC_MEMREF_TEMP_OUTPUT);
	check(res == TEEC_SUCCESS, "encryption with a generated key failed", algo,
	      key_size);
	check(memcmp(buf, plain, len) != 0, "generated key: ciphertext is the plaintext",
	      algo, key_size);

	/* PREPARE keeps the generated key of the same size. */
	res = prepare(algo, TA_AES_MODE_DECODE, key_size);
	if (res == TEEC_SUCCESS)
		res = set_iv(iv, iv_len(algo), NULL, 0);
	if (res == TEEC_SUCCESS)
		res = cipher(1, 0, len, gcm ? tag : NULL, TEEC_MEMREF_TEMP_INPUT);
	check(res == TEEC_SUCCESS, "decryption with the generated key failed", algo,
	      key_size);
	check(!memcmp(buf, plain, len), "generated key: round trip differs", algo,
	      key_size);
}

int main(void)
{
	static const uint32_t algos[] = {TA_AES_ALGO_CBC, TA_AES_ALGO_CTR,
					 TA_AES_ALGO_GCM};
	static const size_t key_sizes[] = {16, 32};
	unsigned char key[16] = {0}, iv[16] = {0};
	TEEC_Context ctx;
	TEEC_UUID uuid = TA_AES_UUID;
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
	shm.size = BUF_SIZE;
	shm.flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT;
	res = TEEC_AllocateSharedMemory(&ctx, &shm);
	if (res != TEEC_SUCCESS)
		errx(1, "TEEC_AllocateSharedMemory failed with code 0x%x", res);

	for (size_t k = 0; k < sizeof(key_sizes) / sizeof(key_sizes[0]); k++) {
		for (size_t a = 0; a < sizeof(algos) / sizeof(algos[0]); a++) {
			known_key(algos[a], key_sizes[k]);
			generated_key(algos[a], key_sizes[k]);
			printf("AES-%zu-%s: checked\n", key_sizes[k] * 8,
			       algo_name(algos[a]));
		}
	}

	/* Refusals: a key of the wrong size, CBC on a partial block. */
	res = prepare(TA_AES_ALGO_CBC, TA_AES_MODE_ENCODE, 32);
	if (res == TEEC_SUCCESS)
		res = set_key(key, sizeof(key));
	check(res == TEEC_ERROR_BAD_PARAMETERS, "16-byte key for AES-256 not refused",
	      TA_AES_ALGO_CBC, 32);
	res = prepare(TA_AES_ALGO_CBC, TA_AES_MODE_ENCODE, 16);
	if (res == TEEC_SUCCESS)
		res = set_key(key, sizeof(key));
	if (res == TEEC_SUCCESS)
		res = set_iv(iv, sizeof(iv), NULL, 0);
	if (res == TEEC_SUCCESS)
		res = cipher(1, 0, 17, NULL, 0);
	check(res == TEEC_ERROR_BAD_PARAMETERS, "17 bytes not refused", TA_AES_ALGO_CBC,
	      16);

	TEEC_ReleaseSharedMemory(&shm);
	TEEC_CloseSession(&sess);
	TEEC_FinalizeContext(&ctx);
	if (failed)
		return 1;
	printf("aes: OK\n");
	return 0;
}
