/*
 * Compiled into every TA, against that TA's user_ta_header_defines.h: the
 * TA head (UUID, flags, stack and heap sizes) that edgetee-tahost and
 * `edgetee sign` read, and the TA property table (gpd.ta.* plus the TA's
 * own TA_CURRENT_TA_EXT_PROPERTIES), as OP-TEE's dev kit does.
 */
#include <tee_internal_api.h>
#include <user_ta_header.h>
#include <user_ta_header_defines.h>

#ifndef TA_VERSION
#define TA_VERSION "0.0"
#endif
#ifndef TA_DESCRIPTION
#define TA_DESCRIPTION "Undescribed TA"
#endif

__attribute__((visibility("default"))) const struct et_ta_head __et_ta_head = {
    .magic = ET_TA_HEAD_MAGIC,
    .flags = TA_FLAGS,
    .uuid = TA_UUID,
    .stack_size = TA_STACK_SIZE,
    .data_size = TA_DATA_SIZE,
    .version = TA_VERSION,
    .description = TA_DESCRIPTION,
};

static const bool prop_single = (TA_FLAGS & TA_FLAG_SINGLE_INSTANCE) != 0;
static const bool prop_multi = (TA_FLAGS & TA_FLAG_MULTI_SESSION) != 0;
static const bool prop_keep = (TA_FLAGS & TA_FLAG_INSTANCE_KEEP_ALIVE) != 0;
static const uint32_t prop_data = TA_DATA_SIZE;
static const uint32_t prop_stack = TA_STACK_SIZE;

const struct user_ta_property ta_props[] = {
    {"gpd.ta.singleInstance", USER_TA_PROP_TYPE_BOOL, &prop_single},
    {"gpd.ta.multiSession", USER_TA_PROP_TYPE_BOOL, &prop_multi},
    {"gpd.ta.instanceKeepAlive", USER_TA_PROP_TYPE_BOOL, &prop_keep},
    {"gpd.ta.dataSize", USER_TA_PROP_TYPE_U32, &prop_data},
    {"gpd.ta.stackSize", USER_TA_PROP_TYPE_U32, &prop_stack},
    {"gpd.ta.version", USER_TA_PROP_TYPE_STRING, TA_VERSION},
    {"gpd.ta.description", USER_TA_PROP_TYPE_STRING, TA_DESCRIPTION},
#ifdef TA_CURRENT_TA_EXT_PROPERTIES
    TA_CURRENT_TA_EXT_PROPERTIES
#endif
};

const size_t ta_num_props = sizeof(ta_props) / sizeof(ta_props[0]);

#if __OPTEE_CORE_API_COMPAT_1_1
/*
 * A GP 1.1 TA defines __GP11_TA_OpenSessionEntryPoint and
 * __GP11_TA_InvokeCommandEntryPoint (tee_api_compat.h renames them); the
 * runtime calls the 1.3 names, which adapt the parameters here.
 */
#undef TA_OpenSessionEntryPoint
#undef TA_InvokeCommandEntryPoint
#undef TEE_Param

TEE_Result __et_gp11_open_session(
    uint32_t types, TEE_Param params[TEE_NUM_PARAMS], void **ctx,
    TEE_Result (*fn)(uint32_t, __GP11_TEE_Param[TEE_NUM_PARAMS], void **));
TEE_Result __et_gp11_invoke_command(void *ctx, uint32_t cmd, uint32_t types,
				    TEE_Param params[TEE_NUM_PARAMS],
				    TEE_Result (*fn)(void *, uint32_t, uint32_t,
						     __GP11_TEE_Param[TEE_NUM_PARAMS]));

TEE_Result TA_OpenSessionEntryPoint(uint32_t types, TEE_Param params[TEE_NUM_PARAMS],
				    void **ctx)
{
	return __et_gp11_open_session(types, params, ctx,
				      __GP11_TA_OpenSessionEntryPoint);
}

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t types,
				      TEE_Param params[TEE_NUM_PARAMS])
{
	return __et_gp11_invoke_command(ctx, cmd, types, params,
					__GP11_TA_InvokeCommandEntryPoint);
}
#endif
