/*
 * single_multi example TA: instance-wide state in globals, per-session
 * state in the session context. With TA_FLAG_SINGLE_INSTANCE |
 * TA_FLAG_MULTI_SESSION all sessions share one instance, so they see one
 * counter; entry points of an instance never run concurrently (GP), so no
 * locking is needed.
 */
#include <tee_internal_api.h>
#include <tee_internal_api_extensions.h>

#include <single_multi_ta.h>

struct session {
	uint32_t count;
};

static uint32_t shared_count;
static uint32_t open_sessions;
static uint32_t create_calls;

TEE_Result TA_CreateEntryPoint(void)
{
	create_calls++;
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t param_types,
				    TEE_Param __unused params[TEE_NUM_PARAMS],
				    void **sess_ctx)
{
	struct session *s;

	if (param_types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE,
					   TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	s = TEE_Malloc(sizeof(*s), TEE_MALLOC_FILL_ZERO);
	if (!s)
		return TEE_ERROR_OUT_OF_MEMORY;
	*sess_ctx = s;
	open_sessions++;
	DMSG("session %p opened, %u open", (void *)s, open_sessions);
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *sess_ctx)
{
	TEE_Free(sess_ctx);
	open_sessions--;
}

static TEE_Result status(TEE_Param params[TEE_NUM_PARAMS])
{
	bool single = false;
	bool multi = false;
	TEE_Result res;

	res = TEE_GetPropertyAsBool(TEE_PROPSET_CURRENT_TA, "gpd.ta.singleInstance",
				    &single);
	if (res == TEE_SUCCESS)
		res = TEE_GetPropertyAsBool(TEE_PROPSET_CURRENT_TA, "gpd.ta.multiSession",
					    &multi);
	if (res != TEE_SUCCESS)
		return res;
	params[0].value.a = open_sessions;
	params[0].value.b = create_calls;
	params[1].value.a = single;
	params[1].value.b = multi;
	return TEE_SUCCESS;
}

TEE_Result TA_InvokeCommandEntryPoint(void *sess_ctx, uint32_t cmd_id,
				      uint32_t param_types,
				      TEE_Param params[TEE_NUM_PARAMS])
{
	struct session *s = sess_ctx;

	switch (cmd_id) {
	case TA_SINGLE_MULTI_CMD_INC:
		if (param_types !=
		    TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT, TEE_PARAM_TYPE_NONE,
				    TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		params[0].value.a = ++shared_count;
		params[0].value.b = ++s->count;
		return TEE_SUCCESS;
	case TA_SINGLE_MULTI_CMD_STATUS:
		if (param_types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT,
						   TEE_PARAM_TYPE_VALUE_OUTPUT,
						   TEE_PARAM_TYPE_NONE,
						   TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return status(params);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
