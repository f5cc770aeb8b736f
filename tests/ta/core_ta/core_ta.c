/*
 * core_ta: the multi-purpose TA of the GP core-semantics integration tests
 * (tests/core). One instance serves all sessions (SINGLE_INSTANCE |
 * MULTI_SESSION, no keep-alive). Its commands (core_ta.h) exercise the
 * parameter paths, the Property API, instance data, time, cancellation,
 * TA-to-TA sessions and the memory functions, and report what they saw so
 * the test programs can check it.
 */
#include <string.h>
#include <tee_internal_api.h>

#include "core_ta.h"

#define P(t0, t1, t2, t3)                                                                \
	TEE_PARAM_TYPES(TEE_PARAM_TYPE_##t0, TEE_PARAM_TYPE_##t1, TEE_PARAM_TYPE_##t2,   \
			TEE_PARAM_TYPE_##t3)

/* Shared by every session of the (single) instance. */
static uint32_t instance_counter;
static uint32_t instance_value;

static const char ro_data[16] = "read-only data";

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

static TEE_PropSetHandle propset(uint32_t sel)
{
	switch (sel) {
	case CORE_PROPSET_CLIENT:
		return TEE_PROPSET_CURRENT_CLIENT;
	case CORE_PROPSET_TEE:
		return TEE_PROPSET_TEE_IMPLEMENTATION;
	default:
		return TEE_PROPSET_CURRENT_TA;
	}
}

/* The property name from a memref, zero-terminated. */
static TEE_Result prop_name(const TEE_Param *p, char *name, size_t cap)
{
	size_t n = p->memref.size;
	if (!p->memref.buffer || n >= cap)
		return TEE_ERROR_BAD_PARAMETERS;
	memcpy(name, p->memref.buffer, n);
	name[n] = 0;
	return TEE_SUCCESS;
}

static TEE_Result cmd_fill(uint32_t types, TEE_Param p[4])
{
	if (types != P(MEMREF_OUTPUT, VALUE_INPUT, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	size_t need = p[1].value.b;
	if (p[0].memref.size < need) {
		p[0].memref.size = need;
		return TEE_ERROR_SHORT_BUFFER;
	}
	if (need && !p[0].memref.buffer)
		return TEE_ERROR_BAD_PARAMETERS;
	if (need)
		TEE_MemFill(p[0].memref.buffer, p[1].value.a, need);
	p[0].memref.size = need;
	return TEE_SUCCESS;
}

static TEE_Result cmd_sum(uint32_t types, TEE_Param p[4])
{
	if (types != P(MEMREF_INPUT, VALUE_OUTPUT, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	const uint8_t *b = p[0].memref.buffer;
	uint32_t sum = 0;
	for (size_t i = 0; b && i < p[0].memref.size; i++)
		sum += b[i];
	p[1].value.a = sum;
	p[1].value.b = (uint32_t)p[0].memref.size;
	return TEE_SUCCESS;
}

static TEE_Result cmd_reverse(uint32_t types, TEE_Param p[4])
{
	if (types != P(MEMREF_INOUT, NONE, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	uint8_t *b = p[0].memref.buffer;
	size_t n = p[0].memref.size;
	for (size_t i = 0; b && i < n / 2; i++) {
		uint8_t t = b[i];
		b[i] = b[n - 1 - i];
		b[n - 1 - i] = t;
	}
	return TEE_SUCCESS;
}

static TEE_Result cmd_identity(uint32_t types, TEE_Param p[4])
{
	if (types != P(MEMREF_OUTPUT, NONE, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	if (p[0].memref.size < CORE_IDENTITY_SIZE) {
		p[0].memref.size = CORE_IDENTITY_SIZE;
		return TEE_ERROR_SHORT_BUFFER;
	}
	TEE_Identity id;
	TEE_Result r = TEE_GetPropertyAsIdentity(TEE_PROPSET_CURRENT_CLIENT,
						 "gpd.client.identity", &id);
	if (r != TEE_SUCCESS)
		return r;
	put_identity(p[0].memref.buffer, &id);
	p[0].memref.size = CORE_IDENTITY_SIZE;
	return TEE_SUCCESS;
}

static TEE_Result cmd_prop(uint32_t cmd, uint32_t types, TEE_Param p[4])
{
	uint32_t want = cmd == CORE_CMD_GET_PROP_STRING
			    ? P(MEMREF_INPUT, VALUE_INPUT, MEMREF_OUTPUT, NONE)
			    : P(MEMREF_INPUT, VALUE_INPUT, VALUE_OUTPUT, NONE);
	if (types != want)
		return TEE_ERROR_BAD_PARAMETERS;
	char name[256];
	TEE_Result r = prop_name(&p[0], name, sizeof(name));
	if (r != TEE_SUCCESS)
		return r;
	TEE_PropSetHandle set = propset(p[1].value.a);
	if (cmd == CORE_CMD_GET_PROP_STRING) {
		size_t len = p[2].memref.size;
		r = TEE_GetPropertyAsString(set, name, p[2].memref.buffer, &len);
		if (r == TEE_SUCCESS || r == TEE_ERROR_SHORT_BUFFER)
			p[2].memref.size = len;
		return r;
	}
	if (cmd == CORE_CMD_GET_PROP_U32) {
		uint32_t v = 0;
		r = TEE_GetPropertyAsU32(set, name, &v);
		p[2].value.a = v;
		return r;
	}
	bool b = false;
	r = TEE_GetPropertyAsBool(set, name, &b);
	p[2].value.a = b;
	return r;
}

static TEE_Result cmd_enum(uint32_t types, TEE_Param p[4])
{
	TEE_PropSetHandle set = TEE_PROPSET_CURRENT_TA;
	if (types == P(MEMREF_OUTPUT, VALUE_INPUT, NONE, NONE))
		set = propset(p[1].value.a);
	else if (types != P(MEMREF_OUTPUT, NONE, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_PropSetHandle e;
	TEE_Result r = TEE_AllocatePropertyEnumerator(&e);
	if (r != TEE_SUCCESS)
		return r;
	TEE_StartPropertyEnumerator(e, set);
	char *out = p[0].memref.buffer;
	size_t cap = p[0].memref.size, used = 0;
	for (;;) {
		char name[256];
		size_t len = sizeof(name);
		r = TEE_GetPropertyName(e, name, &len);
		if (r != TEE_SUCCESS)
			break;
		/* len counts the terminating zero, which becomes the '\n'. */
		if (out && used + len <= cap) {
			memcpy(out + used, name, len - 1);
			out[used + len - 1] = '\n';
		}
		used += len;
		if (TEE_GetNextProperty(e) != TEE_SUCCESS)
			break;
	}
	TEE_FreePropertyEnumerator(e);
	if (r != TEE_SUCCESS && r != TEE_ERROR_ITEM_NOT_FOUND)
		return r;
	p[0].memref.size = used;
	return used > cap ? TEE_ERROR_SHORT_BUFFER : TEE_SUCCESS;
}

static TEE_Result cmd_time(uint32_t cmd, uint32_t types, TEE_Param p[4])
{
	TEE_Time t = {0, 0};
	TEE_Result r = TEE_SUCCESS;
	switch (cmd) {
	case CORE_CMD_PTIME_GET:
		if (types != P(VALUE_OUTPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		r = TEE_GetTAPersistentTime(&t);
		p[0].value.a = t.seconds;
		p[0].value.b = t.millis;
		return r;
	case CORE_CMD_PTIME_SET:
		if (types != P(VALUE_INPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		t.seconds = p[0].value.a;
		t.millis = p[0].value.b;
		return TEE_SetTAPersistentTime(&t);
	default: /* CORE_CMD_SYSTIME */
		if (types != P(VALUE_OUTPUT, VALUE_OUTPUT, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		TEE_GetSystemTime(&t);
		p[0].value.a = t.seconds;
		p[0].value.b = t.millis;
		TEE_GetREETime(&t);
		p[1].value.a = t.seconds;
		p[1].value.b = t.millis;
		return TEE_SUCCESS;
	}
}

static uint64_t now_ms(void)
{
	TEE_Time t;
	TEE_GetSystemTime(&t);
	return (uint64_t)t.seconds * 1000 + t.millis;
}

static TEE_Result cmd_cancel(uint32_t cmd, uint32_t types, TEE_Param p[4])
{
	TEE_Result r;
	switch (cmd) {
	case CORE_CMD_WAIT_UNMASKED: {
		if (types != P(VALUE_INPUT, VALUE_OUTPUT, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		p[1].value.a = TEE_UnmaskCancellation();
		r = TEE_Wait(p[0].value.a);
		TEE_MaskCancellation();
		return r;
	}
	case CORE_CMD_WAIT_MASKED: {
		if (types != P(VALUE_INPUT, VALUE_OUTPUT, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		uint64_t t0 = now_ms();
		r = TEE_Wait(p[0].value.a);
		p[1].value.a = TEE_GetCancellationFlag();
		p[1].value.b = (uint32_t)(now_ms() - t0);
		return r;
	}
	default: { /* CORE_CMD_CANCEL_FLAG_LOOP */
		if (types != P(VALUE_OUTPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		TEE_UnmaskCancellation();
		uint64_t t0 = now_ms();
		bool seen = false;
		while (now_ms() - t0 < 10000) {
			if (TEE_GetCancellationFlag()) {
				seen = true;
				break;
			}
			TEE_Wait(10);
		}
		TEE_MaskCancellation();
		p[0].value.a = seen;
		p[0].value.b = TEE_GetCancellationFlag();
		return seen ? TEE_ERROR_CANCEL : TEE_ERROR_TIMEOUT;
	}
	}
}

static TEE_Result cmd_ta2ta(uint32_t types, TEE_Param p[4])
{
	if (types != P(VALUE_INOUT, MEMREF_INOUT, MEMREF_OUTPUT, VALUE_OUTPUT))
		return TEE_ERROR_BAD_PARAMETERS;
	if (p[2].memref.size < CORE_IDENTITY_SIZE)
		return TEE_ERROR_BAD_PARAMETERS;
	static const TEE_UUID peer = PEER_TA_UUID;
	TEE_TASessionHandle s = TEE_HANDLE_NULL;
	uint32_t origin = 0;
	p[3].value.a =
	    TEE_OpenTASession(&peer, TEE_TIMEOUT_INFINITE, 0, NULL, &s, &origin);
	p[3].value.b = TEE_ERROR_GENERIC;
	if (p[3].value.a != TEE_SUCCESS)
		return p[3].value.a;

	/* The data goes through TA-private memory, as a TA's own buffers would. */
	size_t n = p[1].memref.size;
	uint8_t *buf = TEE_Malloc(n, 0);
	uint8_t ident[CORE_IDENTITY_SIZE + 12];
	if (!buf) {
		TEE_CloseTASession(s);
		return TEE_ERROR_OUT_OF_MEMORY;
	}
	if (n)
		TEE_MemMove(buf, p[1].memref.buffer, n);
	TEE_Param q[4];
	memset(q, 0, sizeof(q));
	q[0].value.a = p[0].value.a;
	q[1].memref.buffer = buf;
	q[1].memref.size = n;
	q[2].memref.buffer = ident;
	q[2].memref.size = sizeof(ident);
	uint32_t qt = P(VALUE_INOUT, MEMREF_INOUT, MEMREF_OUTPUT, VALUE_OUTPUT);
	TEE_Result r =
	    TEE_InvokeTACommand(s, TEE_TIMEOUT_INFINITE, PEER_CMD_ECHO, qt, q, &origin);
	p[3].value.b = r;
	TEE_CloseTASession(s);
	if (r == TEE_SUCCESS) {
		p[0].value.a = q[0].value.a;
		p[0].value.b = q[3].value.a; /* peer's own identity check */
		if (q[1].memref.size != n || q[2].memref.size != CORE_IDENTITY_SIZE)
			r = TEE_ERROR_BAD_FORMAT;
	}
	if (r == TEE_SUCCESS) {
		if (n)
			TEE_MemMove(p[1].memref.buffer, buf, n);
		TEE_MemMove(p[2].memref.buffer, ident, CORE_IDENTITY_SIZE);
		p[2].memref.size = CORE_IDENTITY_SIZE;
	}
	TEE_Free(buf);
	return r;
}

static TEE_Result cmd_check_access(uint32_t types, TEE_Param p[4])
{
	if (types != P(MEMREF_INPUT, VALUE_OUTPUT, VALUE_OUTPUT, VALUE_OUTPUT) &&
	    types != P(MEMREF_INOUT, VALUE_OUTPUT, VALUE_OUTPUT, VALUE_OUTPUT))
		return TEE_ERROR_BAD_PARAMETERS;
	void *b = p[0].memref.buffer;
	size_t n = p[0].memref.size;
	const uint32_t R = TEE_MEMORY_ACCESS_READ, W = TEE_MEMORY_ACCESS_WRITE,
		       ANY = TEE_MEMORY_ACCESS_ANY_OWNER;
	p[1].value.a = TEE_CheckMemoryAccessRights(R, b, n);
	p[1].value.b = TEE_CheckMemoryAccessRights(R | ANY, b, n);
	p[2].value.a = TEE_CheckMemoryAccessRights(R | W | ANY, b, n);
	void *m = TEE_Malloc(256, 0);
	if (!m)
		return TEE_ERROR_OUT_OF_MEMORY;
	p[2].value.b = TEE_CheckMemoryAccessRights(R | W, m, 256);
	TEE_Free(m);
	p[3].value.a = TEE_CheckMemoryAccessRights(W, (void *)ro_data, sizeof(ro_data));
	/* The first page is never mapped in a Linux process. */
	p[3].value.b = TEE_CheckMemoryAccessRights(R, (void *)(uintptr_t)0x10, 16);
	return TEE_SUCCESS;
}

static TEE_Result cmd_malloc(uint32_t types, TEE_Param p[4])
{
	if (types != P(VALUE_OUTPUT, NONE, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	uint32_t fail = 0, k = 0;
#define CHECK(c)                                                                         \
	do {                                                                             \
		if (!(c))                                                                \
			fail |= (uint32_t)1 << k;                                        \
		k++;                                                                     \
	} while (0)
	/* 0: a zero-size allocation is a valid pointer that can be freed */
	void *z = TEE_Malloc(0, TEE_MALLOC_FILL_ZERO);
	CHECK(z != NULL);
	TEE_Free(z);
	/* 1: a fresh allocation is zero-filled */
	uint8_t *a = TEE_Malloc(64, TEE_MALLOC_FILL_ZERO);
	int zero = a != NULL;
	for (int i = 0; a && i < 64; i++)
		zero &= a[i] == 0;
	CHECK(zero);
	/* 2: growing keeps the contents */
	if (a)
		for (int i = 0; i < 64; i++)
			a[i] = (uint8_t)i;
	uint8_t *g = a ? TEE_Realloc(a, 4096) : NULL;
	int kept = g != NULL;
	for (int i = 0; g && i < 64; i++)
		kept &= g[i] == (uint8_t)i;
	CHECK(kept);
	if (g)
		a = g;
	/* 3: shrinking keeps the prefix */
	uint8_t *s = a ? TEE_Realloc(a, 16) : NULL;
	int pref = s != NULL;
	for (int i = 0; s && i < 16; i++)
		pref &= s[i] == (uint8_t)i;
	CHECK(pref);
	if (s)
		a = s;
	TEE_Free(a);
	/* 4: TEE_Realloc(NULL, n) behaves as TEE_Malloc(n, 0) */
	uint8_t *r = TEE_Realloc(NULL, 32);
	CHECK(r != NULL);
	TEE_Free(r);
	/* 5: TEE_Free(NULL) does nothing; more than the heap budget fails */
	TEE_Free(NULL);
	void *big = TEE_Malloc(2 * CORE_TA_DATA_SIZE, 0);
	CHECK(big == NULL);
	TEE_Free(big);
	/* 6: a failed TEE_Realloc leaves the block intact */
	uint8_t *c = TEE_Malloc(8, 0);
	int intact = c != NULL;
	if (c) {
		TEE_MemFill(c, 0x5A, 8);
		void *f = TEE_Realloc(c, 2 * CORE_TA_DATA_SIZE);
		intact = f == NULL;
		for (int i = 0; intact && i < 8; i++)
			intact &= c[i] == 0x5A;
		TEE_Free(f ? f : c);
	}
	CHECK(intact);
	/* 7: the budget is usable: most of 1 MiB can be taken and given back */
	void *most = TEE_Malloc(CORE_TA_DATA_SIZE / 2, TEE_MALLOC_NO_FILL);
	CHECK(most != NULL);
	TEE_Free(most);
	/* 8: TEE_Malloc(0) again after all that */
	void *z2 = TEE_Malloc(0, TEE_MALLOC_NO_FILL);
	CHECK(z2 != NULL);
	TEE_Free(z2);
#undef CHECK
	p[0].value.a = fail;
	p[0].value.b = k;
	return TEE_SUCCESS;
}

static TEE_Result cmd_handshake(uint32_t types, TEE_Param p[4])
{
	if (types != P(MEMREF_INOUT, NONE, NONE, NONE) || p[0].memref.size < 2)
		return TEE_ERROR_BAD_PARAMETERS;
	uint8_t *b = p[0].memref.buffer;
	__atomic_store_n(&b[0], 1, __ATOMIC_SEQ_CST);
	uint64_t t0 = now_ms();
	while (now_ms() - t0 < 10000) {
		if (__atomic_load_n(&b[1], __ATOMIC_SEQ_CST))
			return TEE_SUCCESS;
		TEE_Wait(1);
	}
	return TEE_ERROR_TIMEOUT;
}

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t types,
				      TEE_Param p[4])
{
	(void)ctx;
	switch (cmd) {
	case CORE_CMD_ECHO_VALUE:
		if (types != P(VALUE_INOUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		p[0].value.a++;
		p[0].value.b = ~p[0].value.b;
		return TEE_SUCCESS;
	case CORE_CMD_FILL:
		return cmd_fill(types, p);
	case CORE_CMD_SUM:
		return cmd_sum(types, p);
	case CORE_CMD_REVERSE:
		return cmd_reverse(types, p);
	case CORE_CMD_GET_CLIENT_IDENTITY:
		return cmd_identity(types, p);
	case CORE_CMD_GET_PROP_STRING:
	case CORE_CMD_GET_PROP_U32:
	case CORE_CMD_GET_PROP_BOOL:
		return cmd_prop(cmd, types, p);
	case CORE_CMD_ENUM_TA_PROPS:
		return cmd_enum(types, p);
	case CORE_CMD_INSTANCE_COUNTER:
		if (types != P(VALUE_OUTPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		p[0].value.a = ++instance_counter;
		return TEE_SUCCESS;
	case CORE_CMD_SET_INSTANCE_DATA:
		if (types != P(VALUE_INPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		instance_value = p[0].value.a;
		TEE_SetInstanceData(&instance_value);
		return TEE_SUCCESS;
	case CORE_CMD_GET_INSTANCE_DATA: {
		if (types != P(VALUE_OUTPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		const uint32_t *d = TEE_GetInstanceData();
		p[0].value.a = d ? *d : 0;
		p[0].value.b = d != NULL;
		return TEE_SUCCESS;
	}
	case CORE_CMD_PTIME_GET:
	case CORE_CMD_PTIME_SET:
	case CORE_CMD_SYSTIME:
		return cmd_time(cmd, types, p);
	case CORE_CMD_WAIT_UNMASKED:
	case CORE_CMD_WAIT_MASKED:
	case CORE_CMD_CANCEL_FLAG_LOOP:
		return cmd_cancel(cmd, types, p);
	case CORE_CMD_TA2TA:
		return cmd_ta2ta(types, p);
	case CORE_CMD_CHECK_ACCESS:
		return cmd_check_access(types, p);
	case CORE_CMD_MALLOC_ZERO:
		return cmd_malloc(types, p);
	case CORE_CMD_SHM_HANDSHAKE:
		return cmd_handshake(types, p);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
