/*
 * props example TA: entry points. The one command hands the client what
 * readers/read_props.c reads back from the TA's own properties.
 */
#include <tee_internal_api.h>
#include <tee_internal_api_extensions.h>

#include <props_ta.h>
#include <read_props.h>

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

static TEE_Result read_all(uint32_t param_types, TEE_Param params[TEE_NUM_PARAMS])
{
	const uint32_t expected =
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_NONE,
			    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);
	struct props_ta_result *r;
	TEE_Result res;

	if (param_types != expected)
		return TEE_ERROR_BAD_PARAMETERS;
	if (params[0].memref.size < sizeof(*r)) {
		params[0].memref.size = sizeof(*r);
		return TEE_ERROR_SHORT_BUFFER;
	}
	r = TEE_Malloc(sizeof(*r), TEE_MALLOC_FILL_ZERO);
	if (!r)
		return TEE_ERROR_OUT_OF_MEMORY;
	res = props_read_all(r);
	if (res == TEE_SUCCESS) {
		TEE_MemMove(params[0].memref.buffer, r, sizeof(*r));
		params[0].memref.size = sizeof(*r);
	}
	TEE_Free(r);
	return res;
}

TEE_Result TA_InvokeCommandEntryPoint(void __unused *sess_ctx, uint32_t cmd_id,
				      uint32_t param_types,
				      TEE_Param params[TEE_NUM_PARAMS])
{
	switch (cmd_id) {
	case TA_PROPS_CMD_READ_ALL:
		return read_all(param_types, params);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
