/*
 * hello_world example TA: the smallest useful TA. Accepts sessions without
 * parameters and adds or subtracts one from a value parameter. Written
 * exactly as for OP-TEE; it builds with edgetee's TA dev kit unchanged.
 */
#include <tee_internal_api.h>
#include <tee_internal_api_extensions.h>

#include <hello_world_ta.h>

TEE_Result TA_CreateEntryPoint(void)
{
	DMSG("instance created");
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
	DMSG("instance destroyed");
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t param_types,
				    TEE_Param __maybe_unused params[TEE_NUM_PARAMS],
				    void __maybe_unused **sess_ctx)
{
	const uint32_t expected =
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE,
			    TEE_PARAM_TYPE_NONE);

	if (param_types != expected)
		return TEE_ERROR_BAD_PARAMETERS;
	IMSG("hello from the hello_world TA");
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void __maybe_unused *sess_ctx)
{
	IMSG("goodbye from the hello_world TA");
}

static TEE_Result add_to_value(uint32_t param_types, TEE_Param params[TEE_NUM_PARAMS],
			       int32_t delta)
{
	const uint32_t expected =
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INOUT, TEE_PARAM_TYPE_NONE,
			    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);

	if (param_types != expected)
		return TEE_ERROR_BAD_PARAMETERS;
	DMSG("got value %u from the client", params[0].value.a);
	params[0].value.a += (uint32_t)delta;
	DMSG("returning value %u", params[0].value.a);
	return TEE_SUCCESS;
}

TEE_Result TA_InvokeCommandEntryPoint(void __maybe_unused *sess_ctx, uint32_t cmd_id,
				      uint32_t param_types,
				      TEE_Param params[TEE_NUM_PARAMS])
{
	switch (cmd_id) {
	case TA_HELLO_WORLD_CMD_INC_VALUE:
		return add_to_value(param_types, params, 1);
	case TA_HELLO_WORLD_CMD_DEC_VALUE:
		return add_to_value(param_types, params, -1);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
