/*
 * peer_ta: the target of core_ta's TA-to-TA calls (tests/core/test_ta2ta.c)
 * and the non-single-instance TA of test_instances.c. Each session gets its
 * own process; ECHO answers a value + 1, reverses a memref in place and
 * reports the identity of its caller, which must be TEE_LOGIN_TRUSTED_APP
 * with core_ta's UUID when core_ta calls.
 */
#include <string.h>
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

static void put_identity(uint8_t *out, const TEE_Identity *id)
{
	const TEE_UUID *u = &id->uuid;
	memcpy(out, &id->login, 4);
	out[4] = (uint8_t)(u->timeLow >> 24);
	out[5] = (uint8_t)(u->timeLow >> 16);
	out[6] = (uint8_t)(u->timeLow >> 8);
	out[7] = (uint8_t)u->timeLow;
	out[8] = (uint8_t)(u->timeMid >> 8);
	out[9] = (uint8_t)u->timeMid;
	out[10] = (uint8_t)(u->timeHiAndVersion >> 8);
	out[11] = (uint8_t)u->timeHiAndVersion;
	memcpy(out + 12, u->clockSeqAndNode, 8);
}

static TEE_Result echo(uint32_t types, TEE_Param p[4])
{
	if (types !=
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INOUT, TEE_PARAM_TYPE_MEMREF_INOUT,
			    TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_VALUE_OUTPUT))
		return TEE_ERROR_BAD_PARAMETERS;
	if (p[2].memref.size < CORE_IDENTITY_SIZE) {
		p[2].memref.size = CORE_IDENTITY_SIZE;
		return TEE_ERROR_SHORT_BUFFER;
	}
	TEE_Identity id;
	TEE_Result r = TEE_GetPropertyAsIdentity(TEE_PROPSET_CURRENT_CLIENT,
						 "gpd.client.identity", &id);
	if (r != TEE_SUCCESS)
		return r;
	static const TEE_UUID core = CORE_TA_UUID;
	p[3].value.a =
	    id.login == TEE_LOGIN_TRUSTED_APP && !memcmp(&id.uuid, &core, sizeof(core));
	p[3].value.b = id.login;
	put_identity(p[2].memref.buffer, &id);
	p[2].memref.size = CORE_IDENTITY_SIZE;

	p[0].value.a++;
	uint8_t *b = p[1].memref.buffer;
	size_t n = p[1].memref.size;
	for (size_t i = 0; b && i < n / 2; i++) {
		uint8_t t = b[i];
		b[i] = b[n - 1 - i];
		b[n - 1 - i] = t;
	}
	return TEE_SUCCESS;
}

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t types,
				      TEE_Param p[4])
{
	(void)ctx;
	switch (cmd) {
	case PEER_CMD_ECHO:
		return echo(types, p);
	case PEER_CMD_COUNTER:
		if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT,
					     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE,
					     TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		p[0].value.a = ++counter;
		return TEE_SUCCESS;
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
