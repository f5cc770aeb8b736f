/*
 * libteec: the GlobalPlatform TEE Client API. A context is a connection to
 * one edgeteed instance; a session is a direct channel to a TA process
 * (src/common/chan.c); shared memory is memfd-backed and mapped by the TA.
 */
#define _GNU_SOURCE
#include <tee_client_api.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "chan.h"
#include "fdio.h"
#include "proto.h"
#include "et_util.h"

#define EXPORT __attribute__((visibility("default")))

struct ctx_imp {
	pthread_mutex_t lock; /* guards the session list and socket writes */
	struct sess_imp *sessions;
};

struct shm_imp {
	struct et_shm shm;
	TEEC_Context *ctx;
};

struct sess_imp {
	struct et_chan *chan;
	TEEC_Context *ctx;
	struct sess_imp *next;
};

static int ctx_open(void *arg, const uint8_t uuid[16], uint32_t login, uint32_t gid,
		    uint64_t cookie, const int fds[2])
{
	TEEC_Context *c = arg;
	struct ctx_imp *ci = c->imp;
	struct et_msg_open m = {.type = ET_MSG_OPEN,
				.version = ET_PROTO_VERSION,
				.login = login,
				.conn_gid = gid,
				.cookie = cookie};
	memcpy(m.uuid, uuid, 16);
	pthread_mutex_lock(&ci->lock);
	int r = et_send(c->fd, &m, sizeof(m), fds, 2);
	pthread_mutex_unlock(&ci->lock);
	return r;
}

static void ctx_kill(void *arg, uint64_t cookie)
{
	TEEC_Context *c = arg;
	struct et_msg_kill m = {.type = ET_MSG_KILL, .cookie = cookie};
	et_send(c->fd, &m, sizeof(m), NULL, 0);
}

static int ctx_alive(void *arg)
{
	TEEC_Context *c = arg;
	struct pollfd p = {.fd = c->fd, .events = POLLIN};
	if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR)))
		return 0;
	return 1;
}

EXPORT TEEC_Result TEEC_InitializeContext(const char *name, TEEC_Context *context)
{
	if (!context)
		return TEEC_ERROR_BAD_PARAMETERS;
	char path[512];
	/* A name selects an instance socket path; NULL means the default. */
	if (name && name[0] == '/') {
		snprintf(path, sizeof(path), "%s", name);
	} else if (et_client_socket(path, sizeof(path))) {
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return TEEC_ERROR_OUT_OF_MEMORY;
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(a.sun_path)) {
		close(fd);
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	strcpy(a.sun_path, path);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		fprintf(
		    stderr,
		    "libteec: no edgetee instance at %s (start one with `edgetee up`)\n",
		    path);
		close(fd);
		return TEEC_ERROR_COMMUNICATION;
	}
	struct ctx_imp *ci = calloc(1, sizeof(*ci));
	if (!ci) {
		close(fd);
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	pthread_mutex_init(&ci->lock, NULL);
	context->fd = fd;
	context->imp = ci;
	return TEEC_SUCCESS;
}

EXPORT void TEEC_FinalizeContext(TEEC_Context *context)
{
	if (!context || !context->imp)
		return;
	struct ctx_imp *ci = context->imp;
	close(context->fd);
	pthread_mutex_destroy(&ci->lock);
	free(ci);
	context->imp = NULL;
	context->fd = -1;
}

static void uuid_bytes(const TEEC_UUID *u, uint8_t b[16])
{
	et_uuid_pack(u->timeLow, u->timeMid, u->timeHiAndVersion, u->clockSeqAndNode, b);
}

static struct et_shm *shm_of(TEEC_SharedMemory *sm)
{
	return &((struct shm_imp *)sm->imp)->shm;
}

/* TEEC_Operation -> the request's parameters; TA-visible types in *ta_types. */
static TEEC_Result put_params(struct et_req *q, TEEC_Operation *op, uint32_t *ta_types)
{
	*ta_types = 0;
	if (!op)
		return TEEC_SUCCESS;
	for (int i = 0, n = et_nparams(op->paramTypes); i < n; i++) {
		uint32_t t = TEEC_PARAM_TYPE_GET(op->paramTypes, i), tt = t;
		TEEC_Parameter *p = &op->params[i];
		TEEC_Result r = TEEC_SUCCESS;
		switch (t) {
		case TEEC_NONE:
		case TEEC_VALUE_OUTPUT:
			break;
		case TEEC_VALUE_INPUT:
		case TEEC_VALUE_INOUT:
			et_req_value(q, i, p->value.a, p->value.b);
			break;
		case TEEC_MEMREF_TEMP_INPUT:
		case TEEC_MEMREF_TEMP_OUTPUT:
		case TEEC_MEMREF_TEMP_INOUT:
			if (!p->tmpref.buffer && p->tmpref.size)
				return TEEC_ERROR_BAD_PARAMETERS;
			r = et_req_temp(q, i, p->tmpref.buffer, p->tmpref.size,
					t != TEEC_MEMREF_TEMP_OUTPUT);
			break;
		case TEEC_MEMREF_WHOLE:
		case TEEC_MEMREF_PARTIAL_INPUT:
		case TEEC_MEMREF_PARTIAL_OUTPUT:
		case TEEC_MEMREF_PARTIAL_INOUT: {
			TEEC_SharedMemory *sm = p->memref.parent;
			if (!sm || !sm->imp)
				return TEEC_ERROR_BAD_PARAMETERS;
			size_t off = 0, size = sm->size;
			if (t == TEEC_MEMREF_WHOLE) {
				/* The TA sees a memref in the block's directions. */
				uint32_t f =
				    sm->flags & (TEEC_MEM_INPUT | TEEC_MEM_OUTPUT);
				if (!f)
					return TEEC_ERROR_BAD_PARAMETERS;
				tt = f == TEEC_MEM_INPUT    ? TEEC_MEMREF_TEMP_INPUT
				     : f == TEEC_MEM_OUTPUT ? TEEC_MEMREF_TEMP_OUTPUT
							    : TEEC_MEMREF_TEMP_INOUT;
			} else {
				tt = t - 8; /* PARTIAL_x -> MEMREF_x as the TA sees it */
				/* MEMREF_INPUT, _OUTPUT, _INOUT (5, 6, 7) need the
				 * block's MEM_INPUT, MEM_OUTPUT, both (1, 2, 3). */
				uint32_t need = tt - TEEC_MEMREF_TEMP_INPUT + 1;
				if ((sm->flags & need) != need)
					return TEEC_ERROR_BAD_PARAMETERS;
				off = p->memref.offset;
				size = p->memref.size;
			}
			r = et_req_shm(q, i, shm_of(sm), off, size,
				       tt != TEEC_MEMREF_TEMP_OUTPUT);
			break;
		}
		default:
			return TEEC_ERROR_BAD_PARAMETERS;
		}
		if (r != TEEC_SUCCESS)
			return r;
		*ta_types |= tt << (4 * i);
	}
	return TEEC_SUCCESS;
}

/* The answer's outputs -> TEEC_Operation. */
static void get_params(const struct et_req *q, TEEC_Operation *op)
{
	if (!op || !q->answered)
		return;
	for (int i = 0, n = et_nparams(op->paramTypes); i < n; i++) {
		uint32_t t = TEEC_PARAM_TYPE_GET(op->paramTypes, i);
		TEEC_Parameter *p = &op->params[i];
		switch (t) {
		case TEEC_VALUE_OUTPUT:
		case TEEC_VALUE_INOUT:
			et_req_value_out(q, i, &p->value.a, &p->value.b);
			break;
		case TEEC_MEMREF_TEMP_OUTPUT:
		case TEEC_MEMREF_TEMP_INOUT:
			p->tmpref.size =
			    et_req_temp_out(q, i, p->tmpref.buffer, p->tmpref.size);
			break;
		case TEEC_MEMREF_WHOLE:
			if (p->memref.parent->flags & TEEC_MEM_OUTPUT)
				p->memref.size =
				    et_req_shm_out(q, i, shm_of(p->memref.parent), 0,
						   p->memref.parent->size);
			break;
		case TEEC_MEMREF_PARTIAL_OUTPUT:
		case TEEC_MEMREF_PARTIAL_INOUT:
			p->memref.size = et_req_shm_out(q, i, shm_of(p->memref.parent),
							p->memref.offset, p->memref.size);
			break;
		default:
			break;
		}
	}
}

EXPORT TEEC_Result TEEC_OpenSession(TEEC_Context *context, TEEC_Session *session,
				    const TEEC_UUID *destination,
				    uint32_t connectionMethod, const void *connectionData,
				    TEEC_Operation *operation, uint32_t *returnOrigin)
{
	uint32_t dummy;
	uint32_t *origin = returnOrigin ? returnOrigin : &dummy;
	*origin = TEEC_ORIGIN_API;
	if (!context || !context->imp || !session || !destination)
		return TEEC_ERROR_BAD_PARAMETERS;
	uint32_t gid = 0;
	switch (connectionMethod) {
	case TEEC_LOGIN_PUBLIC:
	case TEEC_LOGIN_USER:
	case TEEC_LOGIN_APPLICATION:
	case TEEC_LOGIN_USER_APPLICATION:
		if (connectionData)
			return TEEC_ERROR_BAD_PARAMETERS;
		break;
	case TEEC_LOGIN_GROUP:
	case TEEC_LOGIN_GROUP_APPLICATION:
		if (!connectionData)
			return TEEC_ERROR_BAD_PARAMETERS;
		gid = *(const uint32_t *)connectionData;
		break;
	default:
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	struct sess_imp *si = calloc(1, sizeof(*si));
	if (!si)
		return TEEC_ERROR_OUT_OF_MEMORY;
	uint8_t u[16];
	uuid_bytes(destination, u);
	struct et_chan_ops ops = {ctx_open, ctx_kill, ctx_alive, context, 0xFFFFFFFFu};
	si->chan = et_chan_new(&ops, u, connectionMethod, gid);
	if (!si->chan) {
		free(si);
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	struct et_req q;
	uint32_t types;
	et_req_begin(si->chan, &q);
	TEEC_Result r = put_params(&q, operation, &types);
	if (r == TEEC_SUCCESS) {
		if (operation)
			operation->started = 1;
		r = et_req_open(&q, types, origin);
		get_params(&q, operation);
	}
	et_req_end(&q);
	if (r != TEEC_SUCCESS) {
		et_chan_close(si->chan);
		free(si);
		return r;
	}
	struct ctx_imp *ci = context->imp;
	si->ctx = context;
	pthread_mutex_lock(&ci->lock);
	si->next = ci->sessions;
	ci->sessions = si;
	pthread_mutex_unlock(&ci->lock);
	session->ctx = context;
	session->imp = si;
	return TEEC_SUCCESS;
}

EXPORT void TEEC_CloseSession(TEEC_Session *session)
{
	if (!session || !session->imp)
		return;
	struct sess_imp *si = session->imp;
	struct ctx_imp *ci = si->ctx->imp;
	pthread_mutex_lock(&ci->lock);
	for (struct sess_imp **p = &ci->sessions; *p; p = &(*p)->next) {
		if (*p == si) {
			*p = si->next;
			break;
		}
	}
	pthread_mutex_unlock(&ci->lock);
	et_chan_close(si->chan);
	free(si);
	session->imp = NULL;
}

EXPORT TEEC_Result TEEC_InvokeCommand(TEEC_Session *session, uint32_t commandID,
				      TEEC_Operation *operation, uint32_t *returnOrigin)
{
	uint32_t dummy;
	uint32_t *origin = returnOrigin ? returnOrigin : &dummy;
	*origin = TEEC_ORIGIN_API;
	if (!session || !session->imp)
		return TEEC_ERROR_BAD_PARAMETERS;
	struct sess_imp *si = session->imp;
	/* Before waiting for the session: a cancellation may come meanwhile. */
	if (operation) {
		operation->session = session;
		operation->started = 1;
	}
	struct et_req q;
	uint32_t types;
	et_req_begin(si->chan, &q);
	TEEC_Result r = put_params(&q, operation, &types);
	if (r == TEEC_SUCCESS) {
		r = et_req_invoke(&q, commandID, types, origin);
		get_params(&q, operation);
	}
	et_req_end(&q);
	return r;
}

EXPORT void TEEC_RequestCancellation(TEEC_Operation *operation)
{
	if (!operation || !operation->session || !operation->session->imp)
		return;
	struct sess_imp *si = operation->session->imp;
	et_chan_cancel(si->chan);
}

static TEEC_Result shm_setup(TEEC_Context *context, TEEC_SharedMemory *sm, void *user)
{
	if (!context || !context->imp || !sm)
		return TEEC_ERROR_BAD_PARAMETERS;
	if (sm->flags & ~(uint32_t)(TEEC_MEM_INPUT | TEEC_MEM_OUTPUT))
		return TEEC_ERROR_BAD_PARAMETERS;
	struct shm_imp *s = calloc(1, sizeof(*s));
	if (!s)
		return TEEC_ERROR_OUT_OF_MEMORY;
	if (et_shm_alloc(&s->shm, sm->size, user)) {
		free(s);
		return TEEC_ERROR_OUT_OF_MEMORY;
	}
	s->ctx = context;
	sm->imp = s;
	sm->id = (int)s->shm.id;
	sm->registered = user != NULL;
	if (!user)
		sm->buffer = s->shm.map;
	return TEEC_SUCCESS;
}

EXPORT TEEC_Result TEEC_AllocateSharedMemory(TEEC_Context *context, TEEC_SharedMemory *sm)
{
	return shm_setup(context, sm, NULL);
}

/*
 * Memory the application already owns cannot be turned into a memfd after
 * the fact; like optee_client without driver registration support, it is
 * shadowed by a memfd and synchronised around each invocation.
 */
EXPORT TEEC_Result TEEC_RegisterSharedMemory(TEEC_Context *context, TEEC_SharedMemory *sm)
{
	if (!sm || (!sm->buffer && sm->size))
		return TEEC_ERROR_BAD_PARAMETERS;
	static char empty;
	return shm_setup(context, sm, sm->buffer ? sm->buffer : &empty);
}

EXPORT void TEEC_ReleaseSharedMemory(TEEC_SharedMemory *sm)
{
	if (!sm || !sm->imp)
		return;
	struct shm_imp *s = sm->imp;
	struct ctx_imp *ci = s->ctx->imp;
	/* Any session of the context may have handed it to its TA. */
	if (ci) {
		pthread_mutex_lock(&ci->lock);
		for (struct sess_imp *si = ci->sessions; si; si = si->next)
			et_chan_forget_shm(si->chan, s->shm.id);
		pthread_mutex_unlock(&ci->lock);
	}
	et_shm_free(&s->shm);
	free(s);
	if (!sm->registered)
		sm->buffer = NULL;
	sm->imp = NULL;
}
