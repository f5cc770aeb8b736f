/*
 * Helpers shared by the GP core-semantics integration tests (tests/core):
 * one private edgeteed per test program (group setup), sessions to the test
 * TAs of tests/ta/include/core_ta.h, reading a property through core_ta,
 * and bounded polls of the instance's status (TA process count, sessions of one TA
 * instance).
 */
#ifndef CORE_UTIL_H
#define CORE_UTIL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core_ta.h"
#include "harness.h"

static struct et_test_inst inst;
static TEEC_Context ctx;

static inline int core_group_up(void **state)
{
	(void)state;
	if (et_test_up(&inst))
		return -1;
	if (TEEC_InitializeContext(NULL, &ctx) != TEEC_SUCCESS) {
		et_test_down(&inst);
		return -1;
	}
	return 0;
}

static inline int core_group_down(void **state)
{
	(void)state;
	TEEC_FinalizeContext(&ctx);
	et_test_down(&inst);
	return 0;
}

static inline uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static inline void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts))
		;
}

/* Open a session to the TA with this UUID string; returns the TEEC result. */
static inline TEEC_Result open_login(TEEC_Context *c, TEEC_Session *s, const char *uuid,
				     uint32_t login, const void *data, uint32_t *origin)
{
	TEEC_UUID u;
	uint32_t o = 0;
	et_test_uuid(uuid, &u);
	TEEC_Result r = TEEC_OpenSession(c, s, &u, login, data, NULL, &o);
	if (origin)
		*origin = o;
	return r;
}

static inline void open_ok(TEEC_Session *s, const char *uuid)
{
	uint32_t origin = 0;
	TEEC_Result r = open_login(&ctx, s, uuid, TEEC_LOGIN_PUBLIC, NULL, &origin);
	if (r != TEEC_SUCCESS)
		fail_msg("TEEC_OpenSession(%s) = 0x%08x origin %u", uuid, r, origin);
}

static inline TEEC_Operation op_of(uint32_t types)
{
	TEEC_Operation op;
	memset(&op, 0, sizeof(op));
	op.paramTypes = types;
	return op;
}

/* Invoke and return the result; *origin if asked. */
static inline TEEC_Result invoke(TEEC_Session *s, uint32_t cmd, TEEC_Operation *op,
				 uint32_t *origin)
{
	uint32_t o = 0;
	TEEC_Result r = TEEC_InvokeCommand(s, cmd, op, &o);
	if (origin)
		*origin = o;
	return r;
}

/* core_ta's CORE_CMD_GET_PROP_STRING on s: property name of set into buf
 * (cap bytes); *len, if asked, gets the size the TA wrote back. */
static inline TEEC_Result prop_string(TEEC_Session *s, uint32_t set, const char *name,
				      char *buf, size_t cap, size_t *len)
{
	TEEC_Operation op =
	    op_of(TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_VALUE_INPUT,
				   TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE));
	op.params[0].tmpref.buffer = (void *)name;
	op.params[0].tmpref.size = strlen(name);
	op.params[1].value.a = set;
	op.params[2].tmpref.buffer = buf;
	op.params[2].tmpref.size = cap;
	TEEC_Result r = invoke(s, CORE_CMD_GET_PROP_STRING, &op, NULL);
	if (len)
		*len = op.params[2].tmpref.size;
	return r;
}

#define assert_teec(expr, want)                                                          \
	do {                                                                             \
		TEEC_Result r_ = (expr);                                                 \
		if (r_ != (TEEC_Result)(want))                                           \
			fail_msg("%s = 0x%08x, expected 0x%08x", #expr, r_,              \
				 (unsigned)(want));                                      \
	} while (0)

/* Poll `edgetee status` until the TA process count is want (bounded). */
static inline int wait_ta_count(int want, unsigned max_ms)
{
	uint64_t end = now_ms() + max_ms;
	int n;
	for (;;) {
		n = et_test_ta_count(&inst);
		if (n == want || now_ms() >= end)
			return n;
		sleep_ms(50);
	}
}

/*
 * Sessions the core counts for the instance of TA `uuid`, or -1 when no
 * instance of it runs (first instance found; for single-instance TAs).
 */
static inline int ta_sessions(const char *uuid)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "'%s' status --json --dir '%s'",
		 et_test_bin("edgetee"), inst.dir);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -2;
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof(buf) - 1, p);
	pclose(p);
	buf[n] = 0;
	char key[64];
	snprintf(key, sizeof(key), "\"uuid\":\"%s\"", uuid);
	char *s = strstr(buf, key);
	if (!s)
		return -1;
	char *e = strchr(s, '}');
	char *q = strstr(s, "\"sessions\":");
	if (!q || (e && q > e))
		return -2;
	return atoi(q + strlen("\"sessions\":"));
}

static inline int wait_ta_sessions(const char *uuid, int want, unsigned max_ms)
{
	uint64_t end = now_ms() + max_ms;
	int n;
	for (;;) {
		n = ta_sessions(uuid);
		if (n == want || now_ms() >= end)
			return n;
		sleep_ms(50);
	}
}

#endif
