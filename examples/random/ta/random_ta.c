/*
 * random example TA: returns random bytes from TEE_GenerateRandom(). The
 * bytes are generated into TA-private memory (TEE_Malloc) and only then
 * copied to the client's buffer, as a TA should do with anything secret.
 */
#include <tee_internal_api.h>
#include <tee_internal_api_extensions.h>

#include <random_ta.h>

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t __unused param_types,
				    TEE_Param __unused params[TEE_NUM_PARAMS],
				    void __unused **sess_ctx)
{
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void __unused *sess_ctx)
{
}

static TEE_Result generate(uint32_t param_types, TEE_Param params[TEE_NUM_PARAMS])
{
	const uint32_t expected =
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_NONE,
			    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);
	size_t len = params[0].memref.size;
	void *buf;

	if (param_types != expected)
		return TEE_ERROR_BAD_PARAMETERS;
	if (len > TA_RANDOM_MAX_SIZE)
		return TEE_ERROR_EXCESS_DATA;
	buf = TEE_Malloc(len, TEE_MALLOC_FILL_ZERO);
	if (!buf)
		return TEE_ERROR_OUT_OF_MEMORY;
	IMSG("generating %zu random bytes", len);
	TEE_GenerateRandom(buf, len);
	TEE_MemMove(params[0].memref.buffer, buf, len);
	TEE_Free(buf);
	return TEE_SUCCESS;
}

TEE_Result TA_InvokeCommandEntryPoint(void __unused *sess_ctx, uint32_t cmd_id,
				      uint32_t param_types,
				      TEE_Param params[TEE_NUM_PARAMS])
{
	switch (cmd_id) {
	case TA_RANDOM_CMD_GENERATE:
		return generate(param_types, params);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
