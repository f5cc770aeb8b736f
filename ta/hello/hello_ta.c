/*
 * Hello world: the smallest useful TA. It increments a value and tells the
 * client who the TEE thinks it is (login method and identity UUID).
 */
#include <stdio.h>
#include <tee_internal_api.h>

#include "hello_ta.h"

TEE_Result TA_CreateEntryPoint(void)
{
	IMSG("hello TA instance created");
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

static TEE_Result whoami(TEE_Param *p)
{
	TEE_Identity id;
	TEE_Result r = TEE_GetPropertyAsIdentity(TEE_PROPSET_CURRENT_CLIENT,
						 "gpd.client.identity", &id);
	if (r != TEE_SUCCESS)
		return r;
	const uint8_t *c = id.uuid.clockSeqAndNode;
	char text[128];
	int n = snprintf(
	    text, sizeof(text),
	    "login 0x%x, identity %08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    id.login, id.uuid.timeLow, id.uuid.timeMid, id.uuid.timeHiAndVersion, c[0],
	    c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
	if (p->memref.size < (size_t)n + 1) {
		p->memref.size = (size_t)n + 1;
		return TEE_ERROR_SHORT_BUFFER;
	}
	TEE_MemMove(p->memref.buffer, text, (size_t)n + 1);
	p->memref.size = (size_t)n + 1;
	return TEE_SUCCESS;
}

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t types,
				      TEE_Param params[4])
{
	(void)ctx;
	switch (cmd) {
	case HELLO_CMD_INC:
		if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INOUT,
					     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE,
					     TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		params[0].value.a++;
		return TEE_SUCCESS;
	case HELLO_CMD_WHOAMI:
		if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_OUTPUT,
					     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE,
					     TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return whoami(&params[0]);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
