/*
 * fault_ta_si: the bystander of the fault-containment tests. One keep-alive
 * instance serves every session, so its static counter of
 * TA_CloseSessionEntryPoint calls survives the sessions it counts; the tests
 * use it to see that the core closed the sessions of a client that died,
 * and PING to see that a crash elsewhere left this process alone.
 */
#include <tee_internal_api.h>

#include "fault_ta.h"

static uint32_t closed_sessions;

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
	closed_sessions++;
}

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t types,
				      TEE_Param params[4])
{
	(void)ctx;
	switch (cmd) {
	case FAULT_CMD_PING:
		if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INOUT,
					     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE,
					     TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		params[0].value.a++;
		return TEE_SUCCESS;
	case FAULT_SI_CMD_CLOSE_COUNT:
		if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT,
					     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE,
					     TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		params[0].value.a = closed_sessions;
		params[0].value.b = 0;
		return TEE_SUCCESS;
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
