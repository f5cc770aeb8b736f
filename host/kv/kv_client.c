/*
 * Client library of the key-value store TA: every command goes through
 * one helper, call(), which lays out up to two parameters for the chosen
 * transport (whole / partial shared memory, temporary memrefs) and copies
 * outputs back, so the three transports differ only where GP makes them
 * differ.
 */
#include "kv_client.h"

#include <stdlib.h>
#include <string.h>

#include "kvstore_ta.h"

/* One parameter of a command. */
struct io {
	char kind; /* 'k' key (a small one as a value), 'i' memref input,
		      'o' memref output, 'v' value inout, 'w' value output,
		      0 none */
	const void *in;
	void *out;
	size_t size; /* in: bytes or capacity; out: bytes written or needed */
	uint32_t a, b;
	const void *ref; /* 'o' with out == NULL: where the output lies */
};

const char *kvc_transport_name(enum kvc_transport t)
{
	return t == KVC_WHOLE ? "whole" : t == KVC_PARTIAL ? "partial" : "temp";
}

int kvc_transport_parse(const char *s, enum kvc_transport *t)
{
	if (!strcmp(s, "whole"))
		*t = KVC_WHOLE;
	else if (!strcmp(s, "partial"))
		*t = KVC_PARTIAL;
	else if (!strcmp(s, "temp"))
		*t = KVC_TEMP;
	else
		return -1;
	return 0;
}

TEEC_Result kvc_open(struct kvc *c, const char *socket, enum kvc_transport t,
		     uint32_t flags)
{
	static const TEEC_UUID uuid = KVSTORE_TA_UUID;
	memset(c, 0, sizeof(*c));
	c->tr = t;
	c->origin = TEEC_ORIGIN_API;
	TEEC_Result r = TEEC_InitializeContext(socket, &c->ctx);
	if (r != TEEC_SUCCESS)
		return r;
	c->ctx_ok = 1;
	TEEC_Operation op;
	memset(&op, 0, sizeof(op));
	if (flags) {
		op.paramTypes =
		    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
		op.params[0].value.a = flags;
	}
	r = TEEC_OpenSession(&c->ctx, &c->sess, &uuid, TEEC_LOGIN_USER, NULL, &op,
			     &c->origin);
	if (r != TEEC_SUCCESS) {
		TEEC_FinalizeContext(&c->ctx);
		c->ctx_ok = 0;
		return r;
	}
	c->sess_ok = 1;
	return TEEC_SUCCESS;
}

void kvc_close(struct kvc *c)
{
	for (int i = 0; i < 4; i++)
		if (c->have[i])
			TEEC_ReleaseSharedMemory(&c->blk[i]);
	memset(c->have, 0, sizeof(c->have));
	if (c->sess_ok)
		TEEC_CloseSession(&c->sess);
	if (c->ctx_ok)
		TEEC_FinalizeContext(&c->ctx);
	c->sess_ok = c->ctx_ok = 0;
	free(c->tmp);
	c->tmp = NULL;
	c->tmp_cap = 0;
}

/* Block i with this size and flags: reused if it matches, else replaced. */
static TEEC_Result block(struct kvc *c, int i, size_t size, uint32_t flags, int exact)
{
	TEEC_SharedMemory *m = &c->blk[i];
	if (c->have[i] && m->flags == flags &&
	    (exact ? m->size == size : m->size >= size))
		return TEEC_SUCCESS;
	if (c->have[i])
		TEEC_ReleaseSharedMemory(m);
	c->have[i] = 0;
	memset(m, 0, sizeof(*m));
	m->size = size;
	m->flags = flags;
	TEEC_Result r = TEEC_AllocateSharedMemory(&c->ctx, m);
	if (r == TEEC_SUCCESS)
		c->have[i] = 1;
	return r;
}

/* Partial layout: parameters at 64-byte aligned offsets of one block. */
static size_t align64(size_t n)
{
	return (n + 63) & ~(size_t)63;
}

static TEEC_Result call(struct kvc *c, uint32_t cmd, struct io io[2])
{
	TEEC_Operation op;
	memset(&op, 0, sizeof(op));
	uint32_t t[2] = {TEEC_NONE, TEEC_NONE};
	size_t off[2] = {0, 0};
	TEEC_Result r;
	c->origin = TEEC_ORIGIN_API;
	if (!c->sess_ok)
		return TEEC_ERROR_BAD_STATE;
	for (int i = 0; i < 2; i++) {
		if (io[i].kind != 'k')
			continue;
		if (io[i].size && io[i].size <= KV_SMALL_KEY_MAX)
			io[i].kind = 'x'; /* packed into the value parameter below */
		else
			io[i].kind = 'i';
	}
	if (c->tr == KVC_PARTIAL) {
		size_t total = 0;
		for (int i = 0; i < 2; i++) {
			if (io[i].kind == 'i' || io[i].kind == 'o') {
				off[i] = total;
				total = align64(total + io[i].size);
			}
		}
		/* Grown to a power of two so that varying sizes rarely reallocate. */
		size_t want = 4096;
		while (want < total)
			want *= 2;
		if (total && (r = block(c, 0, want, TEEC_MEM_INPUT | TEEC_MEM_OUTPUT,
					0)) != TEEC_SUCCESS)
			return r;
	}
	for (int i = 0; i < 2; i++) {
		TEEC_Parameter *p = &op.params[i];
		struct io *q = &io[i];
		int in = q->kind == 'i';
		switch (q->kind) {
		case 'x':
			t[i] = TEEC_VALUE_INPUT;
			kv_small_key_pack(q->in, q->size, &p->value.a, &p->value.b);
			break;
		case 'v':
			t[i] = TEEC_VALUE_INOUT;
			p->value.a = q->a;
			p->value.b = q->b;
			break;
		case 'w':
			t[i] = TEEC_VALUE_OUTPUT;
			break;
		case 'i':
		case 'o':
			if (c->tr == KVC_TEMP) {
				t[i] =
				    in ? TEEC_MEMREF_TEMP_INPUT : TEEC_MEMREF_TEMP_OUTPUT;
				p->tmpref.buffer = in ? (void *)q->in : q->out;
				p->tmpref.size = q->size;
			} else if (c->tr == KVC_WHOLE) {
				int b = 2 * i + !in;
				r = block(c, b, q->size,
					  in ? TEEC_MEM_INPUT : TEEC_MEM_OUTPUT, 1);
				if (r != TEEC_SUCCESS)
					return r;
				if (in && q->size)
					memcpy(c->blk[b].buffer, q->in, q->size);
				t[i] = TEEC_MEMREF_WHOLE;
				p->memref.parent = &c->blk[b];
			} else {
				if (in && q->size)
					memcpy((char *)c->blk[0].buffer + off[i], q->in,
					       q->size);
				t[i] = in ? TEEC_MEMREF_PARTIAL_INPUT
					  : TEEC_MEMREF_PARTIAL_OUTPUT;
				p->memref.parent = &c->blk[0];
				p->memref.offset = off[i];
				p->memref.size = q->size;
			}
			break;
		default:
			break;
		}
	}
	op.paramTypes = TEEC_PARAM_TYPES(t[0], t[1], TEEC_NONE, TEEC_NONE);
	r = TEEC_InvokeCommand(&c->sess, cmd, &op, &c->origin);
	for (int i = 0; i < 2; i++) {
		TEEC_Parameter *p = &op.params[i];
		struct io *q = &io[i];
		if (q->kind == 'v' || q->kind == 'w') {
			q->a = p->value.a;
			q->b = p->value.b;
		} else if (q->kind == 'o') {
			size_t n = c->tr == KVC_TEMP ? p->tmpref.size : p->memref.size;
			if (r == TEEC_SUCCESS && n > q->size)
				return TEEC_ERROR_COMMUNICATION; /* the TA overran */
			if (r == TEEC_SUCCESS && c->tr != KVC_TEMP) {
				const char *src = c->tr == KVC_WHOLE
						      ? c->blk[2 * i + 1].buffer
						      : (char *)c->blk[0].buffer + off[i];
				/* No out buffer: the caller reads it in place. */
				if (!q->out)
					q->ref = src;
				else if (n)
					memcpy(q->out, src, n);
			}
			if (r == TEEC_SUCCESS || r == TEEC_ERROR_SHORT_BUFFER)
				q->size = n;
		}
	}
	return r;
}

TEEC_Result kvc_put(struct kvc *c, const void *key, size_t klen, const void *val,
		    size_t vlen)
{
	struct io io[2] = {{'k', key, NULL, klen, 0, 0, NULL},
			   {'i', val, NULL, vlen, 0, 0, NULL}};
	return call(c, KV_CMD_PUT, io);
}

TEEC_Result kvc_get(struct kvc *c, const void *key, size_t klen, void *val, size_t *vlen)
{
	struct io io[2] = {{'k', key, NULL, klen, 0, 0, NULL},
			   {'o', NULL, val, *vlen, 0, 0, NULL}};
	TEEC_Result r = call(c, KV_CMD_GET, io);
	if (r == TEEC_SUCCESS || r == TEEC_ERROR_SHORT_BUFFER)
		*vlen = io[1].size;
	return r;
}

TEEC_Result kvc_get_ref(struct kvc *c, const void *key, size_t klen, size_t cap,
			const void **val, size_t *vlen)
{
	*val = NULL;
	if (c->tr == KVC_TEMP) {
		/* A temporary memref is a copy by definition: into our buffer. */
		if (cap > c->tmp_cap) {
			void *n = realloc(c->tmp, cap ? cap : 1);
			if (!n)
				return TEEC_ERROR_OUT_OF_MEMORY;
			c->tmp = n;
			c->tmp_cap = cap;
		}
		*vlen = cap;
		TEEC_Result r = kvc_get(c, key, klen, c->tmp, vlen);
		if (r == TEEC_SUCCESS)
			*val = c->tmp;
		return r;
	}
	struct io io[2] = {{'k', key, NULL, klen, 0, 0, NULL},
			   {'o', NULL, NULL, cap, 0, 0, NULL}};
	TEEC_Result r = call(c, KV_CMD_GET, io);
	if (r == TEEC_SUCCESS || r == TEEC_ERROR_SHORT_BUFFER)
		*vlen = io[1].size;
	if (r == TEEC_SUCCESS)
		*val = io[1].ref;
	return r;
}

TEEC_Result kvc_del(struct kvc *c, const void *key, size_t klen)
{
	struct io io[2] = {{'k', key, NULL, klen, 0, 0, NULL},
			   {0, NULL, NULL, 0, 0, 0, NULL}};
	return call(c, KV_CMD_DEL, io);
}

TEEC_Result kvc_count(struct kvc *c, uint32_t *keys, uint32_t *bytes)
{
	struct io io[2] = {{'w', NULL, NULL, 0, 0, 0, NULL},
			   {0, NULL, NULL, 0, 0, 0, NULL}};
	TEEC_Result r = call(c, KV_CMD_COUNT, io);
	if (r == TEEC_SUCCESS) {
		*keys = io[0].a;
		if (bytes)
			*bytes = io[0].b;
	}
	return r;
}

TEEC_Result kvc_list(struct kvc *c, uint32_t start, void *page, size_t *len,
		     uint32_t *nkeys, uint32_t *total)
{
	struct io io[2] = {{'v', NULL, NULL, 0, start, 0, NULL},
			   {'o', NULL, page, *len, 0, 0, NULL}};
	TEEC_Result r = call(c, KV_CMD_LIST, io);
	if (r == TEEC_SUCCESS || r == TEEC_ERROR_SHORT_BUFFER)
		*len = io[1].size;
	if (r == TEEC_SUCCESS) {
		*nkeys = io[0].a;
		*total = io[0].b;
	}
	return r;
}

TEEC_Result kvc_batch(struct kvc *c, const void *req, size_t len, void *resp,
		      size_t *resp_len)
{
	struct io io[2] = {{'i', req, NULL, len, 0, 0, NULL},
			   {'o', NULL, resp, *resp_len, 0, 0, NULL}};
	TEEC_Result r = call(c, KV_CMD_BATCH, io);
	if (r == TEEC_SUCCESS || r == TEEC_ERROR_SHORT_BUFFER)
		*resp_len = io[1].size;
	return r;
}

TEEC_Result kvc_clear(struct kvc *c)
{
	struct io io[2] = {{0, NULL, NULL, 0, 0, 0, NULL},
			   {0, NULL, NULL, 0, 0, 0, NULL}};
	return call(c, KV_CMD_CLEAR, io);
}

const char *kvc_strerror(TEEC_Result r)
{
	switch (r) {
	case TEEC_SUCCESS:
		return "success";
	case TEEC_ERROR_ITEM_NOT_FOUND:
		return "no such key";
	case TEEC_ERROR_OUT_OF_MEMORY:
		return "out of memory (the value does not fit in the TA heap)";
	case TEEC_ERROR_BAD_PARAMETERS:
		return "bad parameters";
	case TEEC_ERROR_SHORT_BUFFER:
		return "buffer too short";
	case TEEC_ERROR_NOT_SUPPORTED:
		return "not supported";
	case TEEC_ERROR_COMMUNICATION:
		return "cannot reach the TEE (start one with `edgetee up`)";
	case TEEC_ERROR_TARGET_DEAD:
		return "the TA died";
	case TEEC_ERROR_BUSY:
		return "busy";
	case TEEC_ERROR_STORAGE_NO_SPACE:
		return "trusted storage is full";
	case TEEC_ERROR_STORAGE_NOT_AVAILABLE:
		return "trusted storage not available";
	case 0xF0100001: /* TEE_ERROR_CORRUPT_OBJECT */
		return "trusted storage object corrupt";
	default:
		return "TEE error";
	}
}
