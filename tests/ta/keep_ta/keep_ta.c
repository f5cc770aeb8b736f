/*
 * keep_ta: SINGLE_INSTANCE | MULTI_SESSION | INSTANCE_KEEP_ALIVE: its
 * process, and so its counter, outlives the last session
 * (tests/core/test_instances.c).
 */
#include <tee_internal_api.h>

#include "core_ta.h"

static uint32_t counter;

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
				      TEE_Param p[4])
{
	(void)ctx;
	if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT, TEE_PARAM_TYPE_NONE,
				     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	switch (cmd) {
	case SMALL_CMD_COUNTER:
		p[0].value.a = ++counter;
		return TEE_SUCCESS;
	case SMALL_CMD_PTIME_GET: {
		TEE_Time t = {0, 0};
		TEE_Result r = TEE_GetTAPersistentTime(&t);
		p[0].value.a = t.seconds;
		p[0].value.b = t.millis;
		return r;
	}
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
