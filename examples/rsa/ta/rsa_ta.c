/*
 * rsa example TA: one RSA key pair per session, generated here
 * (TEE_GenerateKey) and made non-extractable, so that only its public
 * part (TEE_GetObjectBufferAttribute on the modulus and the public
 * exponent) ever leaves the TA. Encryption and decryption use RSAES-OAEP
 * with SHA-256, signatures RSASSA-PSS or RSASSA-PKCS1-v1_5 over a SHA-256
 * digest. A second, public-only key from the client (the "peer") verifies
 * signatures made in the normal world.
 */
#include <tee_internal_api.h>
#include <tee_internal_api_extensions.h>

#include <rsa_ta.h>

struct rsa_session {
	TEE_ObjectHandle key;  /* the TA's key pair */
	TEE_ObjectHandle peer; /* the client's public key */
};

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t __unused param_types,
				    TEE_Param __unused params[TEE_NUM_PARAMS],
				    void **sess_ctx)
{
	struct rsa_session *s = TEE_Malloc(sizeof(*s), TEE_MALLOC_FILL_ZERO);

	if (!s)
		return TEE_ERROR_OUT_OF_MEMORY;
	s->key = TEE_HANDLE_NULL;
	s->peer = TEE_HANDLE_NULL;
	*sess_ctx = s;
	return TEE_SUCCESS;
}

static void drop(TEE_ObjectHandle *o)
{
	if (*o != TEE_HANDLE_NULL)
		TEE_FreeTransientObject(*o);
	*o = TEE_HANDLE_NULL;
}

void TA_CloseSessionEntryPoint(void *sess_ctx)
{
	struct rsa_session *s = sess_ctx;

	drop(&s->key);
	drop(&s->peer);
	TEE_Free(s);
}

static TEE_Result gen_key(struct rsa_session *s, uint32_t param_types,
			  TEE_Param params[TEE_NUM_PARAMS])
{
	const uint32_t expected =
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_NONE,
			    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);
	uint32_t bits = params[0].value.a;
	TEE_Result res;

	if (param_types != expected)
		return TEE_ERROR_BAD_PARAMETERS;
	if (bits < 2048 || bits > TA_RSA_MAX_BITS || bits % 8)
		return TEE_ERROR_NOT_SUPPORTED;
	drop(&s->key);
	res = TEE_AllocateTransientObject(TEE_TYPE_RSA_KEYPAIR, bits, &s->key);
	if (res != TEE_SUCCESS) {
		s->key = TEE_HANDLE_NULL;
		return res;
	}
	/* No attribute: the public exponent is 65537. */
	res = TEE_GenerateKey(s->key, bits, NULL, 0);
	if (res != TEE_SUCCESS) {
		EMSG("TEE_GenerateKey(%u bits) failed: 0x%x", bits, res);
		drop(&s->key);
		return res;
	}
	/* From now on the private part cannot be read out of the object. */
	res = TEE_RestrictObjectUsage1(s->key, ~(uint32_t)TEE_USAGE_EXTRACTABLE);
	if (res != TEE_SUCCESS)
		drop(&s->key);
	IMSG("generated an RSA-%u key pair", bits);
	return res;
}

static TEE_Result get_public_key(struct rsa_session *s, uint32_t param_types,
				 TEE_Param params[TEE_NUM_PARAMS])
{
	const uint32_t expected =
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_MEMREF_OUTPUT,
			    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);
	size_t n_len = params[0].memref.size, e_len = params[1].memref.size;
	TEE_Result r1, r2;

	if (param_types != expected)
		return TEE_ERROR_BAD_PARAMETERS;
	if (s->key == TEE_HANDLE_NULL)
		return TEE_ERROR_BAD_STATE;
	/* Public attributes: readable although the key is not extractable. */
	r1 = TEE_GetObjectBufferAttribute(s->key, TEE_ATTR_RSA_MODULUS,
					  params[0].memref.buffer, &n_len);
	r2 = TEE_GetObjectBufferAttribute(s->key, TEE_ATTR_RSA_PUBLIC_EXPONENT,
					  params[1].memref.buffer, &e_len);
	params[0].memref.size = n_len;
	params[1].memref.size = e_len;
	return r1 != TEE_SUCCESS ? r1 : r2;
}

/* An operation on `key` for `alg` in `mode`, sized after the key. */
static TEE_Result operation_for(TEE_ObjectHandle key, uint32_t alg, uint32_t mode,
				TEE_OperationHandle *op)
{
	TEE_ObjectInfo info;
	TEE_Result res;

	if (key == TEE_HANDLE_NULL)
		return TEE_ERROR_BAD_STATE;
	res = TEE_GetObjectInfo1(key, &info);
	if (res != TEE_SUCCESS)
		return res;
	res = TEE_AllocateOperation(op, alg, mode, info.objectSize);
	if (res != TEE_SUCCESS)
		return res;
	res = TEE_SetOperationKey(*op, key);
	if (res != TEE_SUCCESS)
		TEE_FreeOperation(*op);
	return res;
}

static TEE_Result rsa_crypt(struct rsa_session *s, uint32_t mode, uint32_t param_types,
			    TEE_Param params[TEE_NUM_PARAMS])
{
	const uint32_t expected =
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INPUT, TEE_PARAM_TYPE_MEMREF_OUTPUT,
			    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);
	TEE_OperationHandle op;
	size_t out_len = params[1].memref.size;
	TEE_Result res;

	if (param_types != expected)
		return TEE_ERROR_BAD_PARAMETERS;
	res = operation_for(s->key, TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA256, mode, &op);
	if (res != TEE_SUCCESS)
		return res;
	if (mode == TEE_MODE_ENCRYPT)
		res = TEE_AsymmetricEncrypt(op, NULL, 0, params[0].memref.buffer,
					    params[0].memref.size,
					    params[1].memref.buffer, &out_len);
	else
		res = TEE_AsymmetricDecrypt(op, NULL, 0, params[0].memref.buffer,
					    params[0].memref.size,
					    params[1].memref.buffer, &out_len);
	TEE_FreeOperation(op);
	if (res == TEE_SUCCESS || res == TEE_ERROR_SHORT_BUFFER)
		params[1].memref.size = out_len;
	return res;
}

static uint32_t sig_algorithm(uint32_t scheme)
{
	switch (scheme) {
	case TA_RSA_SIG_PSS:
		return TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256;
	case TA_RSA_SIG_PKCS1:
		return TEE_ALG_RSASSA_PKCS1_V1_5_SHA256;
	default:
		return 0;
	}
}

/* SIGN with the TA's key pair, VERIFY with the client's public key. */
static TEE_Result sign_verify(struct rsa_session *s, uint32_t mode, uint32_t param_types,
			      TEE_Param params[TEE_NUM_PARAMS])
{
	const uint32_t expected =
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_MEMREF_INPUT,
			    mode == TEE_MODE_SIGN ? TEE_PARAM_TYPE_MEMREF_OUTPUT
						  : TEE_PARAM_TYPE_MEMREF_INPUT,
			    TEE_PARAM_TYPE_NONE);
	uint32_t alg = sig_algorithm(params[0].value.a);
	size_t sig_len = params[2].memref.size;
	TEE_OperationHandle op;
	TEE_Attribute salt;
	TEE_Result res;

	if (param_types != expected)
		return TEE_ERROR_BAD_PARAMETERS;
	if (!alg)
		return TEE_ERROR_NOT_SUPPORTED;
	if (params[1].memref.size != TA_RSA_DIGEST_SIZE)
		return TEE_ERROR_BAD_PARAMETERS;
	res = operation_for(mode == TEE_MODE_SIGN ? s->key : s->peer, alg, mode, &op);
	if (res != TEE_SUCCESS)
		return res;
	/* The salt length is PSS's only parameter (PKCS#1 v1.5 has none). */
	TEE_InitValueAttribute(&salt, TEE_ATTR_RSA_PSS_SALT_LENGTH, TA_RSA_PSS_SALT_SIZE,
			       0);
	if (mode == TEE_MODE_SIGN) {
		res = TEE_AsymmetricSignDigest(
		    op, &salt, params[0].value.a == TA_RSA_SIG_PSS,
		    params[1].memref.buffer, params[1].memref.size,
		    params[2].memref.buffer, &sig_len);
		if (res == TEE_SUCCESS || res == TEE_ERROR_SHORT_BUFFER)
			params[2].memref.size = sig_len;
	} else {
		res = TEE_AsymmetricVerifyDigest(
		    op, &salt, params[0].value.a == TA_RSA_SIG_PSS,
		    params[1].memref.buffer, params[1].memref.size,
		    params[2].memref.buffer, params[2].memref.size);
	}
	TEE_FreeOperation(op);
	return res;
}

static TEE_Result set_peer_key(struct rsa_session *s, uint32_t param_types,
			       TEE_Param params[TEE_NUM_PARAMS])
{
	const uint32_t expected =
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INPUT, TEE_PARAM_TYPE_MEMREF_INPUT,
			    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);
	TEE_Attribute attrs[2];
	TEE_Result res;

	if (param_types != expected)
		return TEE_ERROR_BAD_PARAMETERS;
	if (params[0].memref.size > TA_RSA_MAX_BITS / 8)
		return TEE_ERROR_NOT_SUPPORTED;
	drop(&s->peer);
	res = TEE_AllocateTransientObject(TEE_TYPE_RSA_PUBLIC_KEY, TA_RSA_MAX_BITS,
					  &s->peer);
	if (res != TEE_SUCCESS) {
		s->peer = TEE_HANDLE_NULL;
		return res;
	}
	TEE_InitRefAttribute(&attrs[0], TEE_ATTR_RSA_MODULUS, params[0].memref.buffer,
			     params[0].memref.size);
	TEE_InitRefAttribute(&attrs[1], TEE_ATTR_RSA_PUBLIC_EXPONENT,
			     params[1].memref.buffer, params[1].memref.size);
	res = TEE_PopulateTransientObject(s->peer, attrs, 2);
	if (res != TEE_SUCCESS)
		drop(&s->peer);
	return res;
}

TEE_Result TA_InvokeCommandEntryPoint(void *sess_ctx, uint32_t cmd_id,
				      uint32_t param_types,
				      TEE_Param params[TEE_NUM_PARAMS])
{
	struct rsa_session *s = sess_ctx;

	switch (cmd_id) {
	case TA_RSA_CMD_GEN_KEY:
		return gen_key(s, param_types, params);
	case TA_RSA_CMD_GET_PUBLIC_KEY:
		return get_public_key(s, param_types, params);
	case TA_RSA_CMD_ENCRYPT:
		return rsa_crypt(s, TEE_MODE_ENCRYPT, param_types, params);
	case TA_RSA_CMD_DECRYPT:
		return rsa_crypt(s, TEE_MODE_DECRYPT, param_types, params);
	case TA_RSA_CMD_SIGN:
		return sign_verify(s, TEE_MODE_SIGN, param_types, params);
	case TA_RSA_CMD_SET_PEER_KEY:
		return set_peer_key(s, param_types, params);
	case TA_RSA_CMD_VERIFY:
		return sign_verify(s, TEE_MODE_VERIFY, param_types, params);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
