/*
 * gp11_api example TA: written against GP TEE Internal Core API 1.1, where
 * lengths are uint32_t (TEE_Param.memref.size, TEE_Malloc, TEE_MemMove,
 * TEE_GetPropertyAsString's length). Built with
 * CFG_TA_OPTEE_CORE_API_COMPAT_1_1=y it gets the 1.1 prototypes and
 * layouts, exactly as on OP-TEE, and compiles without warnings on 64-bit
 * hosts; passing &uint32_t where 1.3 wants size_t * would otherwise be an
 * incompatible pointer and an 8-byte write into a 4-byte variable.
 */
#include <tee_internal_api.h>
#include <tee_internal_api_extensions.h>

#include <gp11_api_ta.h>

#if !__OPTEE_CORE_API_COMPAT_1_1
#error "this TA must be built with CFG_TA_OPTEE_CORE_API_COMPAT_1_1=y"
#endif

/* The 1.1 layout: a 32-bit memref size, two words per parameter on 32 bits. */
_Static_assert(sizeof(((TEE_Param *)0)->memref.size) == sizeof(uint32_t),
	       "GP 1.1 TEE_Param.memref.size is a uint32_t");

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t param_types,
				    TEE_Param __unused params[TEE_NUM_PARAMS],
				    void __unused **sess_ctx)
{
	if (param_types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE,
					   TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void __unused *sess_ctx)
{
}

static TEE_Result reverse(uint32_t param_types, TEE_Param params[TEE_NUM_PARAMS])
{
	const uint32_t expected =
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INOUT, TEE_PARAM_TYPE_VALUE_OUTPUT,
			    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);
	uint32_t len;
	uint8_t *copy;
	uint8_t *buf;
	uint32_t i;

	if (param_types != expected)
		return TEE_ERROR_BAD_PARAMETERS;
	len = params[0].memref.size;
	buf = params[0].memref.buffer;
	if (TEE_CheckMemoryAccessRights(TEE_MEMORY_ACCESS_READ | TEE_MEMORY_ACCESS_WRITE |
					    TEE_MEMORY_ACCESS_ANY_OWNER,
					buf, len) != TEE_SUCCESS)
		return TEE_ERROR_ACCESS_DENIED;
	/* Copy first: the client could change shared memory under us. */
	copy = TEE_Malloc(len, TEE_MALLOC_FILL_ZERO);
	if (!copy && len)
		return TEE_ERROR_OUT_OF_MEMORY;
	TEE_MemMove(copy, buf, len);
	if (TEE_MemCompare(copy, buf, len) != 0) {
		TEE_Free(copy);
		return TEE_ERROR_BAD_STATE;
	}
	for (i = 0; i < len; i++)
		buf[i] = copy[len - 1 - i];
	TEE_Free(copy);
	params[1].value.a = len;
	params[1].value.b = 1;
	return TEE_SUCCESS;
}

static TEE_Result get_description(uint32_t param_types, TEE_Param params[TEE_NUM_PARAMS])
{
	const uint32_t expected =
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_NONE,
			    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE);
	uint32_t len;
	TEE_Result res;

	if (param_types != expected)
		return TEE_ERROR_BAD_PARAMETERS;
	len = params[0].memref.size;
	res = TEE_GetPropertyAsString(TEE_PROPSET_CURRENT_TA, "gpd.ta.description",
				      params[0].memref.buffer, &len);
	if (res == TEE_SUCCESS || res == TEE_ERROR_SHORT_BUFFER)
		params[0].memref.size = len;
	DMSG("description: 0x%x, %u bytes", res, len);
	return res;
}

TEE_Result TA_InvokeCommandEntryPoint(void __unused *sess_ctx, uint32_t cmd_id,
				      uint32_t param_types,
				      TEE_Param params[TEE_NUM_PARAMS])
{
	switch (cmd_id) {
	case TA_GP11_API_CMD_REVERSE:
		return reverse(param_types, params);
	case TA_GP11_API_CMD_GET_DESCRIPTION:
		return get_description(param_types, params);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
