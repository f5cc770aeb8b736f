/*
 * aes example TA: AES-CBC (no padding), AES-CTR and AES-GCM on a buffer
 * the client shares, ciphered in place. The session keeps one operation
 * and one key object. A key comes from the client (SET_KEY,
 * TEE_PopulateTransientObject) or is generated here (GENERATE_KEY,
 * TEE_GenerateKey) and then never leaves the TA. Each chunk is first
 * copied into TA-private memory, so the client cannot change the input
 * while it is being ciphered, and the result is written back over it.
 */
#include <stdbool.h>
#include <string.h>

#include <tee_internal_api.h>
#include <tee_internal_api_extensions.h>

#include <aes_ta.h>

#define AES_BLOCK   16
#define GCM_NONCE   12
#define GCM_TAG_BIT (TA_AES_GCM_TAG_SIZE * 8)

struct aes_session {
	uint32_t algo;		  /* TA_AES_ALGO_* */
	uint32_t mode;		  /* TEE_MODE_ENCRYPT / TEE_MODE_DECRYPT */
	uint32_t key_size;	  /* bytes */
	TEE_OperationHandle op;	  /* TEE_HANDLE_NULL until PREPARE */
	TEE_ObjectHandle key;	  /* TEE_HANDLE_NULL until a key is set */
	uint32_t key_object_size; /* bytes of the key in `key` */
	bool op_keyed;		  /* `op` has a key: ready for SET_IV */
	bool started;		  /* SET_IV done: ready for CIPHER/FINAL */
	uint8_t *chunk;		  /* private copy of the chunk being ciphered */
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
	struct aes_session *s = TEE_Malloc(sizeof(*s), TEE_MALLOC_FILL_ZERO);

	if (!s)
		return TEE_ERROR_OUT_OF_MEMORY;
	s->chunk = TEE_Malloc(TA_AES_MAX_CHUNK, TEE_MALLOC_FILL_ZERO);
	if (!s->chunk) {
		TEE_Free(s);
		return TEE_ERROR_OUT_OF_MEMORY;
	}
	s->op = TEE_HANDLE_NULL;
	s->key = TEE_HANDLE_NULL;
	*sess_ctx = s;
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *sess_ctx)
{
	struct aes_session *s = sess_ctx;

	if (s->op != TEE_HANDLE_NULL)
		TEE_FreeOperation(s->op);
	if (s->key != TEE_HANDLE_NULL)
		TEE_FreeTransientObject(s->key);
	TEE_MemFill(s->chunk, 0, TA_AES_MAX_CHUNK);
	TEE_Free(s->chunk);
	TEE_Free(s);
}

static uint32_t tee_algorithm(uint32_t algo)
{
	switch (algo) {
	case TA_AES_ALGO_CBC:
		return TEE_ALG_AES_CBC_NOPAD;
	case TA_AES_ALGO_CTR:
		return TEE_ALG_AES_CTR;
	case TA_AES_ALGO_GCM:
		return TEE_ALG_AES_GCM;
	default:
		return 0;
	}
}

/* Set the session's key on its operation, which may be mid-way. */
static TEE_Result use_key(struct aes_session *s)
{
	TEE_Result res;

	if (s->op_keyed)
		TEE_ResetOperation(s->op); /* a key is only set in the initial state */
	res = TEE_SetOperationKey(s->op, s->key);
	s->op_keyed = res == TEE_SUCCESS;
	s->started = false;
	return res;
}

static TEE_Result prepare(struct aes_session *s, uint32_t param_types,
			  TEE_Param params[TEE_NUM_PARAMS])
{
	const uint32_t expected =
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_VALUE_INPUT,
			    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);
	uint32_t alg, mode, size = params[1].value.a;
	TEE_Result res;

	if (param_types != expected)
		return TEE_ERROR_BAD_PARAMETERS;
	alg = tee_algorithm(params[0].value.a);
	if (!alg)
		return TEE_ERROR_NOT_SUPPORTED;
	if (params[0].value.b == TA_AES_MODE_ENCODE)
		mode = TEE_MODE_ENCRYPT;
	else if (params[0].value.b == TA_AES_MODE_DECODE)
		mode = TEE_MODE_DECRYPT;
	else
		return TEE_ERROR_BAD_PARAMETERS;
	if (size != 16 && size != 32)
		return TEE_ERROR_NOT_SUPPORTED;

	if (s->op != TEE_HANDLE_NULL) {
		TEE_FreeOperation(s->op);
		s->op = TEE_HANDLE_NULL;
	}
	s->op_keyed = false;
	s->started = false;
	res = TEE_AllocateOperation(&s->op, alg, mode, size * 8);
	if (res != TEE_SUCCESS) {
		EMSG("TEE_AllocateOperation failed: 0x%x", res);
		s->op = TEE_HANDLE_NULL;
		return res;
	}
	s->algo = params[0].value.a;
	s->mode = mode;
	s->key_size = size;
	DMSG("prepared algorithm 0x%x, mode %u, %u-bit key", alg, mode, size * 8);

	/* A key of the right size from before: reuse it (a generated key). */
	if (s->key != TEE_HANDLE_NULL && s->key_object_size == size)
		return use_key(s);
	return TEE_SUCCESS;
}

/* A fresh, empty key object of the prepared size. */
static TEE_Result new_key_object(struct aes_session *s)
{
	TEE_Result res;

	if (s->op_keyed) {
		/* The operation holds a copy of the old key: drop it first. */
		TEE_ResetOperation(s->op);
		TEE_SetOperationKey(s->op, TEE_HANDLE_NULL);
		s->op_keyed = false;
		s->started = false;
	}
	if (s->key != TEE_HANDLE_NULL) {
		TEE_FreeTransientObject(s->key);
		s->key = TEE_HANDLE_NULL;
	}
	res = TEE_AllocateTransientObject(TEE_TYPE_AES, s->key_size * 8, &s->key);
	if (res != TEE_SUCCESS) {
		s->key = TEE_HANDLE_NULL;
		return res;
	}
	s->key_object_size = s->key_size;
	return TEE_SUCCESS;
}

static TEE_Result set_key(struct aes_session *s, uint32_t param_types,
			  TEE_Param params[TEE_NUM_PARAMS])
{
	const uint32_t expected =
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INPUT, TEE_PARAM_TYPE_NONE,
			    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);
	TEE_Attribute attr;
	TEE_Result res;

	if (param_types != expected)
		return TEE_ERROR_BAD_PARAMETERS;
	if (s->op == TEE_HANDLE_NULL)
		return TEE_ERROR_BAD_STATE;
	if (params[0].memref.size != s->key_size)
		return TEE_ERROR_BAD_PARAMETERS;
	res = new_key_object(s);
	if (res != TEE_SUCCESS)
		return res;
	TEE_InitRefAttribute(&attr, TEE_ATTR_SECRET_VALUE, params[0].memref.buffer,
			     params[0].memref.size);
	res = TEE_PopulateTransientObject(s->key, &attr, 1);
	if (res != TEE_SUCCESS) {
		EMSG("TEE_PopulateTransientObject failed: 0x%x", res);
		return res;
	}
	return use_key(s);
}

static TEE_Result generate_key(struct aes_session *s, uint32_t param_types)
{
	TEE_Result res;

	if (param_types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE,
					   TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	if (s->op == TEE_HANDLE_NULL)
		return TEE_ERROR_BAD_STATE;
	res = new_key_object(s);
	if (res != TEE_SUCCESS)
		return res;
	res = TEE_GenerateKey(s->key, s->key_size * 8, NULL, 0);
	if (res != TEE_SUCCESS) {
		EMSG("TEE_GenerateKey failed: 0x%x", res);
		return res;
	}
	return use_key(s);
}

static TEE_Result set_iv(struct aes_session *s, uint32_t param_types,
			 TEE_Param params[TEE_NUM_PARAMS])
{
	const uint32_t with_aad =
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INPUT, TEE_PARAM_TYPE_MEMREF_INPUT,
			    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);
	const uint32_t without_aad =
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INPUT, TEE_PARAM_TYPE_NONE,
			    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);
	size_t iv_len = params[0].memref.size;
	TEE_Result res;

	if (param_types != without_aad &&
	    (param_types != with_aad || s->algo != TA_AES_ALGO_GCM))
		return TEE_ERROR_BAD_PARAMETERS;
	if (!s->op_keyed)
		return TEE_ERROR_BAD_STATE;
	if (iv_len != (s->algo == TA_AES_ALGO_GCM ? GCM_NONCE : AES_BLOCK))
		return TEE_ERROR_BAD_PARAMETERS;

	s->started = false;
	if (s->algo != TA_AES_ALGO_GCM) {
		TEE_CipherInit(s->op, params[0].memref.buffer, iv_len);
		s->started = true;
		return TEE_SUCCESS;
	}
	/* A GCM operation starts afresh from INITIAL: reset a previous one. */
	TEE_ResetOperation(s->op);
	res = TEE_AEInit(s->op, params[0].memref.buffer, iv_len, GCM_TAG_BIT, 0, 0);
	if (res != TEE_SUCCESS)
		return res;
	if (param_types == with_aad)
		TEE_AEUpdateAAD(s->op, params[1].memref.buffer, params[1].memref.size);
	s->started = true;
	return TEE_SUCCESS;
}

/* Copy the client's chunk into private memory; ciphering writes it back. */
static TEE_Result take_chunk(struct aes_session *s, const TEE_Param *p, size_t *len)
{
	*len = p->memref.size;
	if (*len > TA_AES_MAX_CHUNK)
		return TEE_ERROR_EXCESS_DATA;
	if (!s->started)
		return TEE_ERROR_BAD_STATE;
	if (s->algo == TA_AES_ALGO_CBC && *len % AES_BLOCK)
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_MemMove(s->chunk, p->memref.buffer, *len);
	return TEE_SUCCESS;
}

static TEE_Result cipher(struct aes_session *s, uint32_t param_types,
			 TEE_Param params[TEE_NUM_PARAMS])
{
	const uint32_t expected =
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INOUT, TEE_PARAM_TYPE_NONE,
			    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);
	size_t len, out_len;
	TEE_Result res;

	if (param_types != expected)
		return TEE_ERROR_BAD_PARAMETERS;
	res = take_chunk(s, &params[0], &len);
	if (res != TEE_SUCCESS)
		return res;
	out_len = len;
	if (s->algo == TA_AES_ALGO_GCM)
		res =
		    TEE_AEUpdate(s->op, s->chunk, len, params[0].memref.buffer, &out_len);
	else
		res = TEE_CipherUpdate(s->op, s->chunk, len, params[0].memref.buffer,
				       &out_len);
	if (res == TEE_SUCCESS && out_len != len)
		res = TEE_ERROR_GENERIC; /* CBC on whole blocks and CTR/GCM: no lag */
	return res;
}

static TEE_Result final(struct aes_session *s, uint32_t param_types,
			TEE_Param params[TEE_NUM_PARAMS])
{
	const uint32_t plain =
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INOUT, TEE_PARAM_TYPE_NONE,
			    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);
	const uint32_t gcm_enc =
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INOUT, TEE_PARAM_TYPE_MEMREF_OUTPUT,
			    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);
	const uint32_t gcm_dec =
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INOUT, TEE_PARAM_TYPE_MEMREF_INPUT,
			    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);
	uint8_t tag[TA_AES_GCM_TAG_SIZE];
	size_t len, out_len, tag_len = sizeof(tag);
	TEE_Result res;

	if (s->algo != TA_AES_ALGO_GCM) {
		if (param_types != plain)
			return TEE_ERROR_BAD_PARAMETERS;
		res = take_chunk(s, &params[0], &len);
		if (res != TEE_SUCCESS)
			return res;
		out_len = len;
		s->started = false; /* a new SET_IV starts the next message */
		return TEE_CipherDoFinal(s->op, s->chunk, len, params[0].memref.buffer,
					 &out_len);
	}

	if (param_types != (s->mode == TEE_MODE_ENCRYPT ? gcm_enc : gcm_dec))
		return TEE_ERROR_BAD_PARAMETERS;
	res = take_chunk(s, &params[0], &len);
	if (res != TEE_SUCCESS)
		return res;
	out_len = len;
	if (s->mode == TEE_MODE_ENCRYPT) {
		if (params[1].memref.size < TA_AES_GCM_TAG_SIZE) {
			params[1].memref.size = TA_AES_GCM_TAG_SIZE;
			return TEE_ERROR_SHORT_BUFFER;
		}
		s->started = false;
		res = TEE_AEEncryptFinal(s->op, s->chunk, len, params[0].memref.buffer,
					 &out_len, tag, &tag_len);
		if (res == TEE_SUCCESS) {
			TEE_MemMove(params[1].memref.buffer, tag, tag_len);
			params[1].memref.size = tag_len;
		}
		return res;
	}
	if (params[1].memref.size != TA_AES_GCM_TAG_SIZE)
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_MemMove(tag, params[1].memref.buffer, TA_AES_GCM_TAG_SIZE);
	s->started = false;
	/* Decrypt into private memory: nothing unauthenticated reaches the client. */
	res = TEE_AEDecryptFinal(s->op, s->chunk, len, s->chunk, &out_len, tag,
				 TA_AES_GCM_TAG_SIZE);
	if (res == TEE_SUCCESS)
		TEE_MemMove(params[0].memref.buffer, s->chunk, out_len);
	else
		TEE_MemFill(params[0].memref.buffer, 0, len);
	return res;
}

TEE_Result TA_InvokeCommandEntryPoint(void *sess_ctx, uint32_t cmd_id,
				      uint32_t param_types,
				      TEE_Param params[TEE_NUM_PARAMS])
{
	struct aes_session *s = sess_ctx;

	switch (cmd_id) {
	case TA_AES_CMD_PREPARE:
		return prepare(s, param_types, params);
	case TA_AES_CMD_SET_KEY:
		return set_key(s, param_types, params);
	case TA_AES_CMD_GENERATE_KEY:
		return generate_key(s, param_types);
	case TA_AES_CMD_SET_IV:
		return set_iv(s, param_types, params);
	case TA_AES_CMD_CIPHER:
		return cipher(s, param_types, params);
	case TA_AES_CMD_FINAL:
		return final(s, param_types, params);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
