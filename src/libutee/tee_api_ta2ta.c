/*
 * GP Internal Core API 4.9, Internal Client API: a TA opening sessions to
 * other TAs. The calling TA is a client like any other, over the same
 * channel code as libteec; the core sees its svc socket as the caller and
 * gives the target the identity TEE_LOGIN_TRUSTED_APP + the caller's UUID.
 * A TA's memory is private to its process, so every memref is copied
 * through the session's bounce buffer.
 */
#define _GNU_SOURCE
#include <string.h>

#include "chan.h"
#include "et_util.h"
#include "utee_priv.h"

struct __TEE_TASessionHandle {
	struct et_chan *chan;
};

static int svc_open(void *arg, const uint8_t uuid[16], uint32_t login, uint32_t gid,
		    uint64_t cookie, const int fds[2])
{
	struct et_svc_req r = {.type = ET_SVC_OPEN_TA, .cookie = cookie};
	memcpy(r.uuid, uuid, 16);
	return utee_svc_send(&r, fds, 2);
}

static void svc_kill(void *arg, uint64_t cookie)
{
	struct et_svc_req r = {.type = ET_SVC_KILL_SESSION, .cookie = cookie};
	utee_svc_send(&r, NULL, 0);
}

static void uuid_bytes(const TEE_UUID *u, uint8_t b[16])
{
	et_uuid_pack(u->timeLow, u->timeMid, u->timeHiAndVersion, u->clockSeqAndNode, b);
}

/* TEE_Param[4] -> the request's parameters (the types need no mapping). */
static TEE_Result put_params(struct et_req *q, uint32_t types, TEE_Param *params)
{
	if (!types) /* params may be NULL then */
		return TEE_SUCCESS;
	for (int i = 0; i < TEE_NUM_PARAMS; i++) {
		uint32_t t = TEE_PARAM_TYPE_GET(types, i);
		TEE_Param *p = &params[i];
		TEE_Result r = TEE_SUCCESS;
		switch (t) {
		case TEE_PARAM_TYPE_NONE:
		case TEE_PARAM_TYPE_VALUE_OUTPUT:
			break;
		case TEE_PARAM_TYPE_VALUE_INPUT:
		case TEE_PARAM_TYPE_VALUE_INOUT:
			et_req_value(q, i, p->value.a, p->value.b);
			break;
		case TEE_PARAM_TYPE_MEMREF_INPUT:
		case TEE_PARAM_TYPE_MEMREF_OUTPUT:
		case TEE_PARAM_TYPE_MEMREF_INOUT:
			if (!p->memref.buffer && p->memref.size)
				return TEE_ERROR_BAD_PARAMETERS;
			r = et_req_temp(q, i, p->memref.buffer, p->memref.size,
					t != TEE_PARAM_TYPE_MEMREF_OUTPUT);
			break;
		default:
			return TEE_ERROR_BAD_PARAMETERS;
		}
		if (r != TEE_SUCCESS)
			return r;
	}
	return TEE_SUCCESS;
}

static void get_params(const struct et_req *q, uint32_t types, TEE_Param *params)
{
	if (!q->answered || !types)
		return;
	for (int i = 0; i < TEE_NUM_PARAMS; i++) {
		uint32_t t = TEE_PARAM_TYPE_GET(types, i);
		TEE_Param *p = &params[i];
		if (t == TEE_PARAM_TYPE_VALUE_OUTPUT || t == TEE_PARAM_TYPE_VALUE_INOUT)
			et_req_value_out(q, i, &p->value.a, &p->value.b);
		else if (t == TEE_PARAM_TYPE_MEMREF_OUTPUT ||
			 t == TEE_PARAM_TYPE_MEMREF_INOUT)
			p->memref.size =
			    et_req_temp_out(q, i, p->memref.buffer, p->memref.size);
	}
}

TEE_Result TEE_OpenTASession(const TEE_UUID *destination,
			     uint32_t cancellationRequestTimeout, uint32_t paramTypes,
			     TEE_Param params[TEE_NUM_PARAMS],
			     TEE_TASessionHandle *session, uint32_t *returnOrigin)
{
	uint32_t dummy, *origin = returnOrigin ? returnOrigin : &dummy;
	*origin = TEE_ORIGIN_API;
	if (!destination || !session)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	*session = TEE_HANDLE_NULL;
	if (!params && paramTypes)
		return TEE_ERROR_BAD_PARAMETERS;
	struct __TEE_TASessionHandle *h = TEE_Malloc(sizeof(*h), TEE_MALLOC_FILL_ZERO);
	if (!h)
		return TEE_ERROR_OUT_OF_MEMORY;
	uint8_t u[16];
	uuid_bytes(destination, u);
	struct et_chan_ops ops = {svc_open, svc_kill, NULL, NULL,
				  cancellationRequestTimeout};
	h->chan = et_chan_new(&ops, u, 0, 0);
	if (!h->chan) {
		TEE_Free(h);
		return TEE_ERROR_OUT_OF_MEMORY;
	}
	struct et_req q;
	et_req_begin(h->chan, &q);
	TEE_Result r = put_params(&q, paramTypes, params);
	if (r == TEE_SUCCESS) {
		r = et_req_open(&q, paramTypes, origin);
		get_params(&q, paramTypes, params);
	}
	et_req_end(&q);
	if (r != TEE_SUCCESS) {
		et_chan_close(h->chan);
		TEE_Free(h);
		return r;
	}
	*session = h;
	return TEE_SUCCESS;
}

void TEE_CloseTASession(TEE_TASessionHandle session)
{
	if (session == TEE_HANDLE_NULL)
		return;
	et_chan_close(session->chan);
	TEE_Free(session);
}

TEE_Result TEE_InvokeTACommand(TEE_TASessionHandle session,
			       uint32_t cancellationRequestTimeout, uint32_t commandID,
			       uint32_t paramTypes, TEE_Param params[TEE_NUM_PARAMS],
			       uint32_t *returnOrigin)
{
	uint32_t dummy, *origin = returnOrigin ? returnOrigin : &dummy;
	*origin = TEE_ORIGIN_API;
	if (session == TEE_HANDLE_NULL)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (!params && paramTypes)
		return TEE_ERROR_BAD_PARAMETERS;
	et_chan_set_timeout(session->chan, cancellationRequestTimeout);
	struct et_req q;
	et_req_begin(session->chan, &q);
	TEE_Result r = put_params(&q, paramTypes, params);
	if (r == TEE_SUCCESS) {
		r = et_req_invoke(&q, commandID, paramTypes, origin);
		get_params(&q, paramTypes, params);
	}
	et_req_end(&q);
	return r;
}

/* ---- GP 1.1 compatibility (uint32_t memref sizes), see tee_api_compat.h ---- */

static void from_gp11(uint32_t types, const __GP11_TEE_Param *in, TEE_Param *out)
{
	for (int i = 0; i < TEE_NUM_PARAMS; i++) {
		uint32_t t = TEE_PARAM_TYPE_GET(types, i);
		if (t >= TEE_PARAM_TYPE_MEMREF_INPUT &&
		    t <= TEE_PARAM_TYPE_MEMREF_INOUT) {
			out[i].memref.buffer = in[i].memref.buffer;
			out[i].memref.size = in[i].memref.size;
		} else {
			out[i].value.a = in[i].value.a;
			out[i].value.b = in[i].value.b;
		}
	}
}

static void to_gp11(uint32_t types, const TEE_Param *in, __GP11_TEE_Param *out)
{
	for (int i = 0; i < TEE_NUM_PARAMS; i++) {
		uint32_t t = TEE_PARAM_TYPE_GET(types, i);
		if (t >= TEE_PARAM_TYPE_MEMREF_INPUT && t <= TEE_PARAM_TYPE_MEMREF_INOUT)
			out[i].memref.size = in[i].memref.size > UINT32_MAX
						 ? UINT32_MAX
						 : (uint32_t)in[i].memref.size;
		else {
			out[i].value.a = in[i].value.a;
			out[i].value.b = in[i].value.b;
		}
	}
}

TEE_Result __GP11_TEE_OpenTASession(const TEE_UUID *destination,
				    uint32_t cancellationRequestTimeout,
				    uint32_t paramTypes,
				    __GP11_TEE_Param params[TEE_NUM_PARAMS],
				    TEE_TASessionHandle *session, uint32_t *returnOrigin)
{
	TEE_Param p[TEE_NUM_PARAMS] = {0};
	if (params)
		from_gp11(paramTypes, params, p);
	TEE_Result r = TEE_OpenTASession(destination, cancellationRequestTimeout,
					 paramTypes, p, session, returnOrigin);
	if (params)
		to_gp11(paramTypes, p, params);
	return r;
}

TEE_Result __GP11_TEE_InvokeTACommand(TEE_TASessionHandle session,
				      uint32_t cancellationRequestTimeout,
				      uint32_t commandID, uint32_t paramTypes,
				      __GP11_TEE_Param params[TEE_NUM_PARAMS],
				      uint32_t *returnOrigin)
{
	TEE_Param p[TEE_NUM_PARAMS] = {0};
	if (params)
		from_gp11(paramTypes, params, p);
	TEE_Result r = TEE_InvokeTACommand(session, cancellationRequestTimeout, commandID,
					   paramTypes, p, returnOrigin);
	if (params)
		to_gp11(paramTypes, p, params);
	return r;
}
