/*
 * The cold-start benchmark TA: does nothing but count its sessions, so that
 * `edgetee bench invoke` times TA process start-up and nothing else, and can
 * check that each OpenSession really got a fresh process.
 */
#include <tee_internal_api.h>

#include "bench_cold_ta.h"

/* One process per session: any value above 1 means an instance was reused. */
static uint32_t opens;

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
	opens++;
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
	if (cmd != BENCH_COLD_CMD_OPENS)
		return TEE_ERROR_NOT_SUPPORTED;
	if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT, TEE_PARAM_TYPE_NONE,
				     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	params[0].value.a = opens;
	params[0].value.b = 0;
	return TEE_SUCCESS;
}
