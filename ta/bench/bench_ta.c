/*
 * The invocation benchmark TA: commands that do as little as possible, so
 * that `edgetee bench invoke` measures the TEE's own path and nothing else.
 */
#include <tee_internal_api.h>

#include "bench_ta.h"

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
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

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t types,
				      TEE_Param params[4])
{
	(void)ctx;
	switch (cmd) {
	case BENCH_CMD_NULL:
		return TEE_SUCCESS;
	case BENCH_CMD_VALUE:
		if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INOUT,
					     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE,
					     TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		params[0].value.a++;
		return TEE_SUCCESS;
	case BENCH_CMD_MEMREF: {
		uint32_t t = TEE_PARAM_TYPE_GET(types, 0);
		if (t != TEE_PARAM_TYPE_MEMREF_INOUT &&
		    t != TEE_PARAM_TYPE_MEMREF_INPUT && t != TEE_PARAM_TYPE_MEMREF_OUTPUT)
			return TEE_ERROR_BAD_PARAMETERS;
		unsigned char *b = params[0].memref.buffer;
		size_t n = params[0].memref.size;
		if (n && t != TEE_PARAM_TYPE_MEMREF_INPUT) {
			b[0] ^= 1;
			b[n - 1] ^= 1;
		}
		return TEE_SUCCESS;
	}
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
