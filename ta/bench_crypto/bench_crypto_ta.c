/*
 * The crypto benchmark TA: `edgetee bench crypto` compares the GP crypto API
 * inside a TA with the same OpenSSL calls in a normal process. SETUP makes
 * the keys, the operations and the random messages once; RUN repeats one
 * operation N times in a single invocation, so what the client times is the
 * crypto and not the round trip. Messages stay in TA memory: the benchmark
 * is about libutee's crypto path, not about copying data in.
 */
#include <tee_internal_api.h>

#include "bench_crypto_ta.h"

static uint8_t *msg; /* random plaintext / message, BENCH_CRYPTO_MAX_MSG bytes */
static uint8_t *out; /* ciphertext, same size */
static uint8_t digest[32];
static uint8_t ec_sig[64]; /* a valid signature of digest, for the verify case */
static TEE_ObjectHandle aes_key, ec_key, rsa_key;
static TEE_OperationHandle gcm, sha, ec_sign, ec_verify, rsa_sign;
static int ready;

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
	TEE_FreeOperation(gcm);
	TEE_FreeOperation(sha);
	TEE_FreeOperation(ec_sign);
	TEE_FreeOperation(ec_verify);
	TEE_FreeOperation(rsa_sign);
	TEE_FreeTransientObject(aes_key);
	TEE_FreeTransientObject(ec_key);
	TEE_FreeTransientObject(rsa_key);
	TEE_Free(msg);
	TEE_Free(out);
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t types, TEE_Param params[4], void **ctx)
{
	(void)types;
	(void)params;
	*ctx = NULL;
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *ctx)
{
	(void)ctx;
}

/* A keyed operation: allocate, then attach key (one key schedule, reused). */
static TEE_Result keyed_op(TEE_OperationHandle *op, uint32_t alg, uint32_t mode,
			   uint32_t bits, TEE_ObjectHandle key)
{
	TEE_Result r = TEE_AllocateOperation(op, alg, mode, bits);
	if (r == TEE_SUCCESS)
		r = TEE_SetOperationKey(*op, key);
	return r;
}

static TEE_Result gen_key(TEE_ObjectHandle *key, uint32_t type, uint32_t bits,
			  const TEE_Attribute *params, uint32_t n)
{
	TEE_Result r = TEE_AllocateTransientObject(type, bits, key);
	if (r == TEE_SUCCESS)
		r = TEE_GenerateKey(*key, bits, params, n);
	return r;
}

static TEE_Result setup(void)
{
	if (ready)
		return TEE_SUCCESS;
	msg = TEE_Malloc(BENCH_CRYPTO_MAX_MSG, TEE_MALLOC_NO_FILL);
	out = TEE_Malloc(BENCH_CRYPTO_MAX_MSG, TEE_MALLOC_NO_FILL);
	if (!msg || !out)
		return TEE_ERROR_OUT_OF_MEMORY;
	/* Random data also faults every page in before anything is timed. */
	TEE_GenerateRandom(msg, BENCH_CRYPTO_MAX_MSG);
	TEE_GenerateRandom(out, BENCH_CRYPTO_MAX_MSG);
	TEE_GenerateRandom(digest, sizeof(digest));

	TEE_Attribute curve;
	TEE_InitValueAttribute(&curve, TEE_ATTR_ECC_CURVE, TEE_ECC_CURVE_NIST_P256, 0);
	TEE_Result r = gen_key(&aes_key, TEE_TYPE_AES, 128, NULL, 0);
	if (r == TEE_SUCCESS)
		r = gen_key(&ec_key, TEE_TYPE_ECDSA_KEYPAIR, 256, &curve, 1);
	if (r == TEE_SUCCESS)
		r = gen_key(&rsa_key, TEE_TYPE_RSA_KEYPAIR, 2048, NULL, 0);
	if (r == TEE_SUCCESS)
		r = keyed_op(&gcm, TEE_ALG_AES_GCM, TEE_MODE_ENCRYPT, 128, aes_key);
	if (r == TEE_SUCCESS)
		r = TEE_AllocateOperation(&sha, TEE_ALG_SHA256, TEE_MODE_DIGEST, 0);
	if (r == TEE_SUCCESS)
		r = keyed_op(&ec_sign, TEE_ALG_ECDSA_SHA256, TEE_MODE_SIGN, 256, ec_key);
	if (r == TEE_SUCCESS)
		r = keyed_op(&ec_verify, TEE_ALG_ECDSA_SHA256, TEE_MODE_VERIFY, 256,
			     ec_key);
	if (r == TEE_SUCCESS)
		r = keyed_op(&rsa_sign, TEE_ALG_RSASSA_PKCS1_V1_5_SHA256, TEE_MODE_SIGN,
			     2048, rsa_key);
	if (r == TEE_SUCCESS) {
		size_t sl = sizeof(ec_sig);
		r = TEE_AsymmetricSignDigest(ec_sign, NULL, 0, digest, sizeof(digest),
					     ec_sig, &sl);
		if (r == TEE_SUCCESS && sl != sizeof(ec_sig))
			r = TEE_ERROR_GENERIC;
	}
	if (r == TEE_SUCCESS)
		ready = 1;
	return r;
}

/* The first four bytes of a result, returned so the work is observable. */
static uint32_t word(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static TEE_Result gcm_run(size_t len, uint32_t n, uint32_t *res)
{
	uint8_t nonce[12] = {0}, tag[16];
	for (uint32_t i = 0; i < n; i++) {
		/* A fresh nonce per message, as a real user must (and the REE
		 * side does the same). */
		nonce[8] = (uint8_t)(i >> 24);
		nonce[9] = (uint8_t)(i >> 16);
		nonce[10] = (uint8_t)(i >> 8);
		nonce[11] = (uint8_t)i;
		TEE_Result r = TEE_AEInit(gcm, nonce, sizeof(nonce), 128, 0, len);
		if (r != TEE_SUCCESS)
			return r;
		size_t ol = BENCH_CRYPTO_MAX_MSG, tl = sizeof(tag);
		r = TEE_AEEncryptFinal(gcm, msg, len, out, &ol, tag, &tl);
		if (r != TEE_SUCCESS)
			return r;
		if (ol != len || tl != sizeof(tag))
			return TEE_ERROR_GENERIC;
	}
	*res = word(tag);
	return TEE_SUCCESS;
}

static TEE_Result sha_run(size_t len, uint32_t n, uint32_t *res)
{
	uint8_t h[32];
	for (uint32_t i = 0; i < n; i++) {
		size_t hl = sizeof(h);
		TEE_Result r = TEE_DigestDoFinal(sha, msg, len, h, &hl);
		if (r != TEE_SUCCESS)
			return r;
		if (hl != sizeof(h))
			return TEE_ERROR_GENERIC;
	}
	*res = word(h);
	return TEE_SUCCESS;
}

static TEE_Result sign_run(TEE_OperationHandle op, size_t want, uint32_t n, uint32_t *res)
{
	uint8_t sig[256];
	for (uint32_t i = 0; i < n; i++) {
		size_t sl = sizeof(sig);
		TEE_Result r = TEE_AsymmetricSignDigest(op, NULL, 0, digest,
							sizeof(digest), sig, &sl);
		if (r != TEE_SUCCESS)
			return r;
		if (sl != want)
			return TEE_ERROR_GENERIC;
	}
	*res = word(sig);
	return TEE_SUCCESS;
}

static TEE_Result verify_run(uint32_t n, uint32_t *res)
{
	for (uint32_t i = 0; i < n; i++) {
		TEE_Result r = TEE_AsymmetricVerifyDigest(
		    ec_verify, NULL, 0, digest, sizeof(digest), ec_sig, sizeof(ec_sig));
		if (r != TEE_SUCCESS)
			return r;
	}
	*res = word(ec_sig);
	return TEE_SUCCESS;
}

static TEE_Result run(uint32_t c, uint32_t n, uint32_t *res)
{
	if (!ready)
		return TEE_ERROR_BAD_STATE;
	switch (c) {
	case BENCH_CRYPTO_AES_GCM_1K:
		return gcm_run(1024, n, res);
	case BENCH_CRYPTO_AES_GCM_1M:
		return gcm_run(BENCH_CRYPTO_MAX_MSG, n, res);
	case BENCH_CRYPTO_SHA256_1K:
		return sha_run(1024, n, res);
	case BENCH_CRYPTO_SHA256_1M:
		return sha_run(BENCH_CRYPTO_MAX_MSG, n, res);
	case BENCH_CRYPTO_ECDSA_SIGN:
		return sign_run(ec_sign, 64, n, res);
	case BENCH_CRYPTO_ECDSA_VERIFY:
		return verify_run(n, res);
	case BENCH_CRYPTO_RSA2048_SIGN:
		return sign_run(rsa_sign, 256, n, res);
	default:
		return TEE_ERROR_BAD_PARAMETERS;
	}
}

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t types,
				      TEE_Param params[4])
{
	(void)ctx;
	switch (cmd) {
	case BENCH_CRYPTO_CMD_SETUP:
		if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE,
					     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return setup();
	case BENCH_CRYPTO_CMD_RUN:
		if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT,
					     TEE_PARAM_TYPE_VALUE_OUTPUT,
					     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return run(params[0].value.a, params[0].value.b, &params[1].value.a);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
