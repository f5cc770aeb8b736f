/*
 * GP parameter passing between a client application and a TA (core_ta):
 * values; temporary memrefs in/out/inout (bounce buffer), including large
 * ones, a small one before one that grows the bounce buffer, zero-size and
 * NULL ones; TEEC_ERROR_SHORT_BUFFER with the needed
 * size written back; allocated shared memory (zero copy) as WHOLE and
 * PARTIAL memrefs with offsets; registered shared memory (a shadow memfd
 * synchronised around each invocation) in both directions; release and
 * reuse of shared memory; a client that rewrites its mailbox while the TA
 * reads it (refused, never a TA fault); a TA session thread that moves
 * off its caller's CPU. Also the TA side memory functions that concern
 * parameters: TEE_CheckMemoryAccessRights on memrefs, and TEE_Malloc /
 * TEE_Realloc / TEE_Free edge cases.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>

#include <stdatomic.h>
#include <time.h>

#include "core_util.h"
#include "proto.h"

static TEEC_Session sess;

static int sess_up(void **state)
{
	(void)state;
	uint32_t origin;
	return open_login(&ctx, &sess, CORE_TA_UUID_STR, TEEC_LOGIN_PUBLIC, NULL,
			  &origin) == TEEC_SUCCESS
		   ? 0
		   : -1;
}

static int sess_down(void **state)
{
	(void)state;
	TEEC_CloseSession(&sess);
	return 0;
}

static void pattern(uint8_t *b, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 7 + seed + (i >> 8));
}

static uint32_t byte_sum(const uint8_t *b, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += b[i];
	return s;
}

static int is_reverse(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[n - 1 - i])
			return 0;
	return 1;
}

static int all_bytes(const uint8_t *b, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] != v)
			return 0;
	return 1;
}

/* ---- values --------------------------------------------------------------- */

static void test_values(void **state)
{
	(void)state;
	static const uint32_t as[] = {0, 41, 0x7fffffff, 0xfffffffe, 0xffffffff};
	for (size_t i = 0; i < sizeof(as) / sizeof(as[0]); i++) {
		TEEC_Operation op = op_of(
		    TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
		op.params[0].value.a = as[i];
		op.params[0].value.b = 0x12345678u ^ (uint32_t)i;
		uint32_t origin;
		assert_teec(invoke(&sess, CORE_CMD_ECHO_VALUE, &op, &origin),
			    TEEC_SUCCESS);
		assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
		assert_int_equal(op.params[0].value.a, (uint32_t)(as[i] + 1));
		assert_int_equal(op.params[0].value.b, ~(0x12345678u ^ (uint32_t)i));
	}
	/* The TA checks the types it gets: a VALUE_INPUT is not an INOUT. */
	TEEC_Operation op =
	    op_of(TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	op.params[0].value.a = 1;
	uint32_t origin;
	assert_teec(invoke(&sess, CORE_CMD_ECHO_VALUE, &op, &origin),
		    TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(op.params[0].value.a, 1);
	/* An unknown command reaches the TA as such. */
	op = op_of(0);
	assert_teec(invoke(&sess, 0x7777, &op, &origin), TEEC_ERROR_NOT_SUPPORTED);
	assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
	/* A NULL operation is no parameters. */
	assert_teec(invoke(&sess, 0x7777, NULL, &origin), TEEC_ERROR_NOT_SUPPORTED);
}

/* ---- temporary memrefs ---------------------------------------------------- */

static void test_temp_in_out_inout(void **state)
{
	(void)state;
	uint8_t in[1000], copy[1000];
	pattern(in, sizeof(in), 3);
	memcpy(copy, in, sizeof(in));

	/* INPUT */
	TEEC_Operation op = op_of(TEEC_PARAM_TYPES(
	    TEEC_MEMREF_TEMP_INPUT, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE));
	op.params[0].tmpref.buffer = in;
	op.params[0].tmpref.size = sizeof(in);
	assert_teec(invoke(&sess, CORE_CMD_SUM, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[1].value.a, byte_sum(in, sizeof(in)));
	assert_int_equal(op.params[1].value.b, sizeof(in));
	assert_memory_equal(in, copy, sizeof(in));
	assert_int_equal(op.params[0].tmpref.size, sizeof(in));

	/* INOUT */
	op = op_of(
	    TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	op.params[0].tmpref.buffer = in;
	op.params[0].tmpref.size = sizeof(in);
	assert_teec(invoke(&sess, CORE_CMD_REVERSE, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[0].tmpref.size, sizeof(in));
	assert_true(is_reverse(in, copy, sizeof(in)));

	/* OUTPUT: fewer bytes than the buffer holds; the rest is untouched. */
	uint8_t out[200];
	memset(out, 0xEE, sizeof(out));
	op = op_of(TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT, TEEC_VALUE_INPUT, TEEC_NONE,
				    TEEC_NONE));
	op.params[0].tmpref.buffer = out;
	op.params[0].tmpref.size = sizeof(out);
	op.params[1].value.a = 0x42;
	op.params[1].value.b = 150;
	assert_teec(invoke(&sess, CORE_CMD_FILL, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[0].tmpref.size, 150);
	assert_true(all_bytes(out, 150, 0x42));
	assert_true(all_bytes(out + 150, 50, 0xEE));
}

static void test_temp_large(void **state)
{
	(void)state;
	/* Larger than any initial bounce buffer: it has to grow. */
	size_t n = 3 * 1024 * 1024 + 17;
	uint8_t *b = malloc(n), *c = malloc(n);
	assert_non_null(b);
	assert_non_null(c);
	pattern(b, n, 11);
	memcpy(c, b, n);
	TEEC_Operation op = op_of(
	    TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	op.params[0].tmpref.buffer = b;
	op.params[0].tmpref.size = n;
	assert_teec(invoke(&sess, CORE_CMD_REVERSE, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[0].tmpref.size, n);
	assert_true(is_reverse(b, c, n));
	/* And a small one after the big one still works. */
	uint8_t s[3] = {1, 2, 3};
	op.params[0].tmpref.buffer = s;
	op.params[0].tmpref.size = sizeof(s);
	assert_teec(invoke(&sess, CORE_CMD_REVERSE, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(s[0], 3);
	assert_int_equal(s[2], 1);
	free(b);
	free(c);
}

/* A small temporary memref placed before a large one that makes the bounce
 * buffer grow: the first one's bytes must move with the buffer. */
static void test_temp_grow_keeps_earlier(void **state)
{
	(void)state;
	static const char name[] = "gpd.ta.appID";
	size_t cap = 300 * 1024; /* more than the bounce buffer starts with */
	char *out = calloc(1, cap);
	assert_non_null(out);
	size_t len = 0;
	assert_teec(prop_string(&sess, CORE_PROPSET_TA, name, out, cap, &len),
		    TEEC_SUCCESS);
	assert_string_equal(out, CORE_TA_UUID_STR);
	assert_int_equal(len, strlen(CORE_TA_UUID_STR) + 1);
	free(out);
}

static void test_short_buffer(void **state)
{
	(void)state;
	uint8_t small[16];
	memset(small, 0x11, sizeof(small));
	TEEC_Operation op = op_of(TEEC_PARAM_TYPES(
	    TEEC_MEMREF_TEMP_OUTPUT, TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE));
	op.params[0].tmpref.buffer = small;
	op.params[0].tmpref.size = sizeof(small);
	op.params[1].value.a = 0x77;
	op.params[1].value.b = 100;
	uint32_t origin;
	assert_teec(invoke(&sess, CORE_CMD_FILL, &op, &origin), TEEC_ERROR_SHORT_BUFFER);
	assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
	assert_int_equal(op.params[0].tmpref.size, 100);
	assert_true(all_bytes(small, sizeof(small), 0x11));

	/* The size-query idiom: NULL buffer, size 0. */
	op.params[0].tmpref.buffer = NULL;
	op.params[0].tmpref.size = 0;
	assert_teec(invoke(&sess, CORE_CMD_FILL, &op, &origin), TEEC_ERROR_SHORT_BUFFER);
	assert_int_equal(op.params[0].tmpref.size, 100);

	/* Retry with the size the TA asked for. */
	uint8_t *big = malloc(op.params[0].tmpref.size);
	assert_non_null(big);
	op.params[0].tmpref.buffer = big;
	assert_teec(invoke(&sess, CORE_CMD_FILL, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[0].tmpref.size, 100);
	assert_true(all_bytes(big, 100, 0x77));
	free(big);

	/* The same through a PARTIAL memref of shared memory. */
	TEEC_SharedMemory sm = {.size = 64, .flags = TEEC_MEM_OUTPUT};
	assert_teec(TEEC_AllocateSharedMemory(&ctx, &sm), TEEC_SUCCESS);
	memset(sm.buffer, 0x22, 64);
	op = op_of(TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_OUTPUT, TEEC_VALUE_INPUT,
				    TEEC_NONE, TEEC_NONE));
	op.params[0].memref.parent = &sm;
	op.params[0].memref.offset = 8;
	op.params[0].memref.size = 32;
	op.params[1].value.a = 0x33;
	op.params[1].value.b = 40;
	assert_teec(invoke(&sess, CORE_CMD_FILL, &op, NULL), TEEC_ERROR_SHORT_BUFFER);
	assert_int_equal(op.params[0].memref.size, 40);
	assert_true(all_bytes(sm.buffer, 64, 0x22));
	op.params[0].memref.size = 40;
	assert_teec(invoke(&sess, CORE_CMD_FILL, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[0].memref.size, 40);
	assert_true(all_bytes(sm.buffer, 8, 0x22));
	assert_true(all_bytes((uint8_t *)sm.buffer + 8, 40, 0x33));
	assert_true(all_bytes((uint8_t *)sm.buffer + 48, 16, 0x22));
	TEEC_ReleaseSharedMemory(&sm);
}

static void test_temp_zero_and_null(void **state)
{
	(void)state;
	uint32_t origin;
	/* NULL buffer, size 0: a valid (empty) memref. */
	TEEC_Operation op = op_of(TEEC_PARAM_TYPES(
	    TEEC_MEMREF_TEMP_INPUT, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE));
	op.params[0].tmpref.buffer = NULL;
	op.params[0].tmpref.size = 0;
	op.params[1].value.a = 99;
	op.params[1].value.b = 99;
	assert_teec(invoke(&sess, CORE_CMD_SUM, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[1].value.a, 0);
	assert_int_equal(op.params[1].value.b, 0);

	/* Non-NULL buffer, size 0 (the session has not passed a non-empty
	 * temporary memref yet). */
	uint8_t one = 5;
	op.params[0].tmpref.buffer = &one;
	op.params[0].tmpref.size = 0;
	TEEC_Result r = invoke(&sess, CORE_CMD_SUM, &op, &origin);
	if (r != TEEC_SUCCESS)
		fail_msg("zero-size non-NULL TEMP_INPUT as the session's first temporary "
			 "memref: 0x%08x origin %u",
			 r, origin);
	assert_int_equal(op.params[1].value.a, 0);
	assert_int_equal(op.params[1].value.b, 0);

	/* Output of nothing into nothing. */
	op = op_of(TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT, TEEC_VALUE_INPUT, TEEC_NONE,
				    TEEC_NONE));
	op.params[0].tmpref.buffer = NULL;
	op.params[0].tmpref.size = 0;
	op.params[1].value.b = 0;
	assert_teec(invoke(&sess, CORE_CMD_FILL, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[0].tmpref.size, 0);

	/* INOUT NULL/0 */
	op = op_of(
	    TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	assert_teec(invoke(&sess, CORE_CMD_REVERSE, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[0].tmpref.size, 0);

	/* NULL buffer with a size is the caller's error. */
	op = op_of(TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_VALUE_OUTPUT, TEEC_NONE,
				    TEEC_NONE));
	op.params[0].tmpref.buffer = NULL;
	op.params[0].tmpref.size = 10;
	assert_teec(invoke(&sess, CORE_CMD_SUM, &op, &origin), TEEC_ERROR_BAD_PARAMETERS);
	assert_int_not_equal(origin, TEEC_ORIGIN_TRUSTED_APP);

	/* The session is still fine. */
	op = op_of(TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	op.params[0].value.a = 1;
	assert_teec(invoke(&sess, CORE_CMD_ECHO_VALUE, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[0].value.a, 2);
}

/* ---- allocated shared memory ---------------------------------------------- */

static void test_alloc_whole(void **state)
{
	(void)state;
	const size_t n = 4096 + 100;
	TEEC_SharedMemory sm = {.size = n, .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT};
	assert_teec(TEEC_AllocateSharedMemory(&ctx, &sm), TEEC_SUCCESS);
	assert_non_null(sm.buffer);
	uint8_t *buf = sm.buffer;
	uint8_t *copy = malloc(n);
	assert_non_null(copy);
	pattern(buf, n, 1);
	memcpy(copy, buf, n);

	/* WHOLE of an IN|OUT block is INOUT for the TA: reversed in place. */
	TEEC_Operation op =
	    op_of(TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	op.params[0].memref.parent = &sm;
	assert_teec(invoke(&sess, CORE_CMD_REVERSE, &op, NULL), TEEC_SUCCESS);
	assert_ptr_equal(sm.buffer, buf);
	assert_true(is_reverse(buf, copy, n));
	assert_int_equal(op.params[0].memref.size, n);

	/* SUM wants MEMREF_INPUT: the TA refuses the INOUT it gets. */
	op = op_of(
	    TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE));
	op.params[0].memref.parent = &sm;
	assert_teec(invoke(&sess, CORE_CMD_SUM, &op, NULL), TEEC_ERROR_BAD_PARAMETERS);

	/* An OUTPUT-only block as WHOLE is MEMREF_OUTPUT for the TA. */
	TEEC_SharedMemory out = {.size = 300, .flags = TEEC_MEM_OUTPUT};
	assert_teec(TEEC_AllocateSharedMemory(&ctx, &out), TEEC_SUCCESS);
	memset(out.buffer, 0, 300);
	op = op_of(
	    TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE));
	op.params[0].memref.parent = &out;
	op.params[1].value.a = 0xA5;
	op.params[1].value.b = 300;
	assert_teec(invoke(&sess, CORE_CMD_FILL, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[0].memref.size, 300);
	assert_true(all_bytes(out.buffer, 300, 0xA5));

	/* An INPUT-only block as WHOLE is MEMREF_INPUT. */
	TEEC_SharedMemory in = {.size = 1000, .flags = TEEC_MEM_INPUT};
	assert_teec(TEEC_AllocateSharedMemory(&ctx, &in), TEEC_SUCCESS);
	pattern(in.buffer, 1000, 9);
	op = op_of(
	    TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE));
	op.params[0].memref.parent = &in;
	assert_teec(invoke(&sess, CORE_CMD_SUM, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[1].value.a, byte_sum(in.buffer, 1000));
	assert_int_equal(op.params[1].value.b, 1000);

	TEEC_ReleaseSharedMemory(&in);
	TEEC_ReleaseSharedMemory(&out);
	TEEC_ReleaseSharedMemory(&sm);
	assert_null(sm.buffer);
	free(copy);
}

/*
 * A hostile client rewrites its own mailbox while the TA reads it: memref
 * offsets and sizes flip between valid and far out of range. The TA must
 * check and use one copy of each word: every invocation either succeeds or
 * is refused (BAD_PARAMETERS); the TA never faults on a bad pointer.
 */
static _Atomic int scribbling;

static void *scribble(void *arg)
{
	struct et_mailbox *mb = arg;
	volatile uint64_t *a = &mb->p_lo[0].a, *b = &mb->p_lo[0].b;
	while (atomic_load_explicit(&scribbling, memory_order_relaxed)) {
		*a = 1ull << 40;
		*b = 1ull << 40;
		*a = 0;
		*b = 64;
	}
	return NULL;
}

/* This process's mailbox mappings, from /proc/self/maps. */
static size_t find_mailboxes(struct et_mailbox **out, size_t max)
{
	FILE *f = fopen("/proc/self/maps", "r");
	assert_non_null(f);
	char line[512];
	size_t n = 0;
	while (n < max && fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		if (strstr(line, "edgetee-mailbox") &&
		    sscanf(line, "%lx-%lx", &lo, &hi) == 2)
			out[n++] = (struct et_mailbox *)lo;
	}
	fclose(f);
	return n;
}

static void test_mailbox_scribbled(void **state)
{
	(void)state;
	struct et_mailbox *mbs[16];
	size_t nmb = find_mailboxes(mbs, 16);
	assert_true(nmb >= 1);
	TEEC_SharedMemory sm = {.size = 4096, .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT};
	assert_teec(TEEC_AllocateSharedMemory(&ctx, &sm), TEEC_SUCCESS);
	atomic_store(&scribbling, 1);
	pthread_t t[16];
	for (size_t i = 0; i < nmb; i++)
		assert_int_equal(pthread_create(&t[i], NULL, scribble, mbs[i]), 0);
	unsigned ok = 0, refused = 0;
	/* On a loaded machine the scribbler may not run beside the TA for a
	 * while: go on until it has been seen, within a bound. */
	time_t t0 = time(NULL);
	for (int i = 0; i < 20000 || (!refused && time(NULL) - t0 < 20); i++) {
		TEEC_Operation op = op_of(TEEC_PARAM_TYPES(
		    TEEC_MEMREF_PARTIAL_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
		op.params[0].memref.parent = &sm;
		op.params[0].memref.offset = 0;
		op.params[0].memref.size = 64;
		uint32_t origin;
		TEEC_Result r = TEEC_InvokeCommand(&sess, CORE_CMD_REVERSE, &op, &origin);
		if (r == TEEC_SUCCESS) {
			ok++;
		} else if (r == TEEC_ERROR_BAD_PARAMETERS && origin == TEEC_ORIGIN_TEE) {
			refused++;
		} else {
			atomic_store(&scribbling, 0);
			fail_msg("invocation %d: 0x%08x origin %u", i, r, origin);
		}
	}
	atomic_store(&scribbling, 0);
	for (size_t i = 0; i < nmb; i++)
		pthread_join(t[i], NULL);
	print_message("scribbled mailbox: %u answered, %u refused\n", ok, refused);
	/* The scribbler did reach the TA, and the session still works. */
	assert_true(refused > 0);
	TEEC_Operation op = op_of(
	    TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	op.params[0].memref.parent = &sm;
	op.params[0].memref.offset = 0;
	op.params[0].memref.size = 64;
	assert_teec(invoke(&sess, CORE_CMD_REVERSE, &op, NULL), TEEC_SUCCESS);
	TEEC_ReleaseSharedMemory(&sm);
}

static void test_alloc_partial(void **state)
{
	(void)state;
	const size_t n = 8192;
	TEEC_SharedMemory sm = {.size = n, .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT};
	assert_teec(TEEC_AllocateSharedMemory(&ctx, &sm), TEEC_SUCCESS);
	uint8_t *buf = sm.buffer, *copy = malloc(n);
	assert_non_null(copy);
	pattern(buf, n, 5);
	memcpy(copy, buf, n);

	/* INOUT at an offset: only that window changes. */
	TEEC_Operation op = op_of(
	    TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	op.params[0].memref.parent = &sm;
	op.params[0].memref.offset = 4000;
	op.params[0].memref.size = 333;
	assert_teec(invoke(&sess, CORE_CMD_REVERSE, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[0].memref.size, 333);
	assert_memory_equal(buf, copy, 4000);
	assert_true(is_reverse(buf + 4000, copy + 4000, 333));
	assert_memory_equal(buf + 4333, copy + 4333, n - 4333);

	/* INPUT at an offset. */
	op = op_of(TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INPUT, TEEC_VALUE_OUTPUT,
				    TEEC_NONE, TEEC_NONE));
	op.params[0].memref.parent = &sm;
	op.params[0].memref.offset = 7000;
	op.params[0].memref.size = 1192; /* to the very end */
	assert_teec(invoke(&sess, CORE_CMD_SUM, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[1].value.a, byte_sum(buf + 7000, 1192));
	assert_int_equal(op.params[1].value.b, 1192);

	/* OUTPUT at an offset, fewer bytes than the window. */
	memcpy(copy, buf, n);
	op = op_of(TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_OUTPUT, TEEC_VALUE_INPUT,
				    TEEC_NONE, TEEC_NONE));
	op.params[0].memref.parent = &sm;
	op.params[0].memref.offset = 1;
	op.params[0].memref.size = 500;
	op.params[1].value.a = 0xC3;
	op.params[1].value.b = 123;
	assert_teec(invoke(&sess, CORE_CMD_FILL, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[0].memref.size, 123);
	assert_int_equal(buf[0], copy[0]);
	assert_true(all_bytes(buf + 1, 123, 0xC3));
	assert_memory_equal(buf + 124, copy + 124, n - 124);

	/* Windows outside the block, or of the wrong direction, are refused. */
	op = op_of(TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INPUT, TEEC_VALUE_OUTPUT,
				    TEEC_NONE, TEEC_NONE));
	op.params[0].memref.parent = &sm;
	op.params[0].memref.offset = 8000;
	op.params[0].memref.size = 193;
	assert_teec(invoke(&sess, CORE_CMD_SUM, &op, NULL), TEEC_ERROR_BAD_PARAMETERS);
	op.params[0].memref.offset = n + 1;
	op.params[0].memref.size = 0;
	assert_teec(invoke(&sess, CORE_CMD_SUM, &op, NULL), TEEC_ERROR_BAD_PARAMETERS);
	op.params[0].memref.offset = SIZE_MAX - 2;
	op.params[0].memref.size = 4;
	assert_teec(invoke(&sess, CORE_CMD_SUM, &op, NULL), TEEC_ERROR_BAD_PARAMETERS);

	TEEC_SharedMemory ro = {.size = 64, .flags = TEEC_MEM_INPUT};
	assert_teec(TEEC_AllocateSharedMemory(&ctx, &ro), TEEC_SUCCESS);
	op = op_of(TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_OUTPUT, TEEC_VALUE_INPUT,
				    TEEC_NONE, TEEC_NONE));
	op.params[0].memref.parent = &ro;
	op.params[0].memref.size = 64;
	op.params[1].value.b = 1;
	assert_teec(invoke(&sess, CORE_CMD_FILL, &op, NULL), TEEC_ERROR_BAD_PARAMETERS);
	TEEC_ReleaseSharedMemory(&ro);

	/* A zero-size window at the end is valid. */
	op = op_of(TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INPUT, TEEC_VALUE_OUTPUT,
				    TEEC_NONE, TEEC_NONE));
	op.params[0].memref.parent = &sm;
	op.params[0].memref.offset = n;
	op.params[0].memref.size = 0;
	assert_teec(invoke(&sess, CORE_CMD_SUM, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[1].value.b, 0);

	TEEC_ReleaseSharedMemory(&sm);
	free(copy);
}

struct handshake {
	TEEC_Session *s;
	TEEC_Operation op;
	TEEC_Result r;
};

static void *handshake_thread(void *arg)
{
	struct handshake *h = arg;
	h->r = TEEC_InvokeCommand(h->s, CORE_CMD_SHM_HANDSHAKE, &h->op, NULL);
	return NULL;
}

/* The TA writes while the command runs and sees the client's write: the
 * memory is mapped by both, not copied. */
static void test_alloc_zero_copy(void **state)
{
	(void)state;
	TEEC_SharedMemory sm = {.size = 4096, .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT};
	assert_teec(TEEC_AllocateSharedMemory(&ctx, &sm), TEEC_SUCCESS);
	uint8_t *b = sm.buffer;
	memset(b, 0, sm.size);
	struct handshake h = {.s = &sess};
	h.op = op_of(
	    TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	h.op.params[0].memref.parent = &sm;
	h.op.params[0].memref.offset = 100;
	h.op.params[0].memref.size = 2;
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, handshake_thread, &h), 0);
	uint64_t end = now_ms() + 20000;
	int seen = 0;
	while (!(seen = __atomic_load_n(&b[100], __ATOMIC_SEQ_CST)) && now_ms() < end)
		sleep_ms(1);
	__atomic_store_n(&b[101], 1, __ATOMIC_SEQ_CST);
	pthread_join(t, NULL);
	assert_true(seen);
	assert_teec(h.r, TEEC_SUCCESS);
	TEEC_ReleaseSharedMemory(&sm);
}

/* ---- registered shared memory --------------------------------------------- */

static void test_registered(void **state)
{
	(void)state;
	const size_t n = 10000;
	uint8_t *user = malloc(n), *copy = malloc(n);
	assert_non_null(user);
	assert_non_null(copy);
	pattern(user, n, 2);
	memcpy(copy, user, n);
	TEEC_SharedMemory sm = {
	    .buffer = user, .size = n, .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT};
	assert_teec(TEEC_RegisterSharedMemory(&ctx, &sm), TEEC_SUCCESS);
	assert_ptr_equal(sm.buffer, user);

	/* WHOLE: the TA sees the data, its changes come back. */
	TEEC_Operation op =
	    op_of(TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	op.params[0].memref.parent = &sm;
	assert_teec(invoke(&sess, CORE_CMD_REVERSE, &op, NULL), TEEC_SUCCESS);
	assert_true(is_reverse(user, copy, n));

	/* The client changes its buffer between invocations: the TA sees it. */
	pattern(user, n, 77);
	memcpy(copy, user, n);
	op = op_of(TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INPUT, TEEC_VALUE_OUTPUT,
				    TEEC_NONE, TEEC_NONE));
	op.params[0].memref.parent = &sm;
	op.params[0].memref.offset = 0;
	op.params[0].memref.size = n;
	assert_teec(invoke(&sess, CORE_CMD_SUM, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[1].value.a, byte_sum(user, n));

	/* PARTIAL INOUT: the window is reversed, everything else stays as the
	 * client has it now (no stale copy is written over it). */
	op = op_of(
	    TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	op.params[0].memref.parent = &sm;
	op.params[0].memref.offset = 5000;
	op.params[0].memref.size = 1001;
	assert_teec(invoke(&sess, CORE_CMD_REVERSE, &op, NULL), TEEC_SUCCESS);
	assert_memory_equal(user, copy, 5000);
	assert_true(is_reverse(user + 5000, copy + 5000, 1001));
	assert_memory_equal(user + 6001, copy + 6001, n - 6001);

	/* Client writes outside a later window must survive that invocation. */
	memset(user, 0x99, 100);
	memcpy(copy, user, n);
	op = op_of(TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_OUTPUT, TEEC_VALUE_INPUT,
				    TEEC_NONE, TEEC_NONE));
	op.params[0].memref.parent = &sm;
	op.params[0].memref.offset = 200;
	op.params[0].memref.size = 400;
	op.params[1].value.a = 0x5C;
	op.params[1].value.b = 300;
	assert_teec(invoke(&sess, CORE_CMD_FILL, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[0].memref.size, 300);
	assert_memory_equal(user, copy, 200);
	assert_true(all_bytes(user + 200, 300, 0x5C));
	assert_memory_equal(user + 500, copy + 500, n - 500);

	TEEC_ReleaseSharedMemory(&sm);
	/* Registered memory stays the caller's. */
	assert_ptr_equal(sm.buffer, user);
	assert_true(all_bytes(user + 200, 300, 0x5C));

	/* Direction flags of registered memory are enforced like allocated. */
	TEEC_SharedMemory in = {.buffer = user, .size = 16, .flags = TEEC_MEM_INPUT};
	assert_teec(TEEC_RegisterSharedMemory(&ctx, &in), TEEC_SUCCESS);
	op = op_of(
	    TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	op.params[0].memref.parent = &in;
	op.params[0].memref.size = 16;
	assert_teec(invoke(&sess, CORE_CMD_REVERSE, &op, NULL),
		    TEEC_ERROR_BAD_PARAMETERS);
	TEEC_ReleaseSharedMemory(&in);
	free(user);
	free(copy);
}

static void test_shm_zero_size(void **state)
{
	(void)state;
	TEEC_SharedMemory sm = {.size = 0, .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT};
	assert_teec(TEEC_AllocateSharedMemory(&ctx, &sm), TEEC_SUCCESS);
	TEEC_Operation op = op_of(TEEC_PARAM_TYPES(
	    TEEC_MEMREF_PARTIAL_INPUT, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE));
	op.params[0].memref.parent = &sm;
	op.params[1].value.b = 7;
	assert_teec(invoke(&sess, CORE_CMD_SUM, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[1].value.b, 0);
	TEEC_ReleaseSharedMemory(&sm);

	TEEC_SharedMemory reg = {.buffer = NULL, .size = 0, .flags = TEEC_MEM_INPUT};
	assert_teec(TEEC_RegisterSharedMemory(&ctx, &reg), TEEC_SUCCESS);
	op.params[0].memref.parent = &reg;
	op.params[1].value.b = 7;
	assert_teec(invoke(&sess, CORE_CMD_SUM, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[1].value.b, 0);
	TEEC_ReleaseSharedMemory(&reg);
}

static void test_release_reuse(void **state)
{
	(void)state;
	TEEC_SharedMemory a = {.size = 512, .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT};
	assert_teec(TEEC_AllocateSharedMemory(&ctx, &a), TEEC_SUCCESS);
	pattern(a.buffer, 512, 4);
	TEEC_Operation op =
	    op_of(TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	op.params[0].memref.parent = &a;
	assert_teec(invoke(&sess, CORE_CMD_REVERSE, &op, NULL), TEEC_SUCCESS);
	TEEC_ReleaseSharedMemory(&a);

	/* Released memory can no longer be passed. */
	assert_teec(invoke(&sess, CORE_CMD_REVERSE, &op, NULL),
		    TEEC_ERROR_BAD_PARAMETERS);

	/* Other blocks, new and old, keep working; many cycles leak nothing. */
	TEEC_SharedMemory keep = {.size = 4096, .flags = TEEC_MEM_INPUT};
	assert_teec(TEEC_AllocateSharedMemory(&ctx, &keep), TEEC_SUCCESS);
	memset(keep.buffer, 1, 4096);
	for (int i = 0; i < 300; i++) {
		TEEC_SharedMemory b = {.size = 1000 + (size_t)i,
				       .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT};
		uint8_t reg_buf[64];
		TEEC_SharedMemory r = {.buffer = reg_buf,
				       .size = sizeof(reg_buf),
				       .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT};
		if (i % 2)
			assert_teec(TEEC_AllocateSharedMemory(&ctx, &b), TEEC_SUCCESS);
		else
			assert_teec(TEEC_RegisterSharedMemory(&ctx, &r), TEEC_SUCCESS);
		TEEC_SharedMemory *m = i % 2 ? &b : &r;
		pattern(m->buffer, m->size, (unsigned)i);
		op = op_of(TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_VALUE_OUTPUT,
					    TEEC_NONE, TEEC_NONE));
		op.params[0].memref.parent = m;
		/* IN|OUT WHOLE is INOUT: SUM wants INPUT, so use a PARTIAL_INPUT. */
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INPUT,
						 TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE);
		op.params[0].memref.offset = 0;
		op.params[0].memref.size = m->size;
		assert_teec(invoke(&sess, CORE_CMD_SUM, &op, NULL), TEEC_SUCCESS);
		assert_int_equal(op.params[1].value.a, byte_sum(m->buffer, m->size));
		TEEC_ReleaseSharedMemory(m);
		if (i % 50 == 0) {
			op = op_of(TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_VALUE_OUTPUT,
						    TEEC_NONE, TEEC_NONE));
			op.params[0].memref.parent = &keep;
			assert_teec(invoke(&sess, CORE_CMD_SUM, &op, NULL), TEEC_SUCCESS);
			assert_int_equal(op.params[1].value.a, 4096);
		}
	}
	TEEC_ReleaseSharedMemory(&keep);

	/* Shared memory is per context, usable by all its sessions. */
	TEEC_Session s2;
	open_ok(&s2, CORE_TA_UUID_STR);
	TEEC_SharedMemory both = {.size = 128, .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT};
	assert_teec(TEEC_AllocateSharedMemory(&ctx, &both), TEEC_SUCCESS);
	pattern(both.buffer, 128, 8);
	uint8_t orig[128];
	memcpy(orig, both.buffer, 128);
	op = op_of(TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	op.params[0].memref.parent = &both;
	assert_teec(invoke(&sess, CORE_CMD_REVERSE, &op, NULL), TEEC_SUCCESS);
	assert_teec(invoke(&s2, CORE_CMD_REVERSE, &op, NULL), TEEC_SUCCESS);
	assert_memory_equal(both.buffer, orig, 128);
	TEEC_ReleaseSharedMemory(&both);
	TEEC_CloseSession(&s2);
}

/*
 * One thread invokes with a block the TA has had for long while another
 * passes new blocks on the same session and releases them. libteec finds
 * an already-sent block without its shared-memory lock, while a release
 * rearranges the list under that lock: every invocation must still name
 * the right block.
 */
struct churn {
	int bad;	  /* invocations that failed or summed wrong */
	_Atomic int done; /* the churning thread has finished */
};

/* CORE_CMD_SUM over the whole of m. */
static TEEC_Operation sum_op(TEEC_SharedMemory *m)
{
	TEEC_Operation op = op_of(
	    TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE));
	op.params[0].memref.parent = m;
	return op;
}

static void *churn_blocks(void *p)
{
	struct churn *ch = p;
	for (int i = 0; i < 400; i++) {
		TEEC_SharedMemory b = {.size = 64 + (size_t)i, .flags = TEEC_MEM_INPUT};
		if (TEEC_AllocateSharedMemory(&ctx, &b) != TEEC_SUCCESS) {
			ch->bad++;
			continue;
		}
		pattern(b.buffer, b.size, (unsigned)i);
		TEEC_Operation op = sum_op(&b);
		if (TEEC_InvokeCommand(&sess, CORE_CMD_SUM, &op, NULL) != TEEC_SUCCESS ||
		    op.params[1].value.a != byte_sum(b.buffer, b.size) ||
		    op.params[1].value.b != b.size)
			ch->bad++;
		TEEC_ReleaseSharedMemory(&b);
	}
	atomic_store(&ch->done, 1);
	return NULL;
}

static void test_release_while_invoking(void **state)
{
	(void)state;
	TEEC_SharedMemory keep = {.size = 4096, .flags = TEEC_MEM_INPUT};
	assert_teec(TEEC_AllocateSharedMemory(&ctx, &keep), TEEC_SUCCESS);
	pattern(keep.buffer, keep.size, 3);
	uint32_t want = byte_sum(keep.buffer, keep.size);
	/* Several blocks already sent, so a release moves entries around. */
	TEEC_SharedMemory old[6];
	for (int i = 0; i < 6; i++) {
		old[i] = (TEEC_SharedMemory){.size = 32, .flags = TEEC_MEM_INPUT};
		assert_teec(TEEC_AllocateSharedMemory(&ctx, &old[i]), TEEC_SUCCESS);
		TEEC_Operation op = sum_op(&old[i]);
		assert_teec(invoke(&sess, CORE_CMD_SUM, &op, NULL), TEEC_SUCCESS);
	}
	struct churn ch = {0};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, churn_blocks, &ch), 0);
	int n = 0, wrong = 0;
	while (!atomic_load(&ch.done) || n < 1000) {
		TEEC_Operation op = sum_op(&keep);
		if (invoke(&sess, CORE_CMD_SUM, &op, NULL) != TEEC_SUCCESS ||
		    op.params[1].value.a != want)
			wrong++;
		/* Release the older blocks while the churn runs. */
		if (n < 6)
			TEEC_ReleaseSharedMemory(&old[n]);
		n++;
	}
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(wrong, 0);
	assert_int_equal(ch.bad, 0);
	TEEC_ReleaseSharedMemory(&keep);
}

/* ---- TA memory functions -------------------------------------------------- */

static void check_access(TEEC_Operation *op, uint32_t in_type)
{
	assert_teec(invoke(&sess, CORE_CMD_CHECK_ACCESS, op, NULL), TEEC_SUCCESS);
	/* Client memory is not the TA's own: denied without ANY_OWNER. */
	assert_int_equal(op->params[1].value.a, TEEC_ERROR_ACCESS_DENIED);
	assert_int_equal(op->params[1].value.b, TEEC_SUCCESS);
	/* Writing an INPUT memref is not allowed; an INOUT one is. */
	assert_int_equal(op->params[2].value.a, in_type == TEEC_MEMREF_TEMP_INPUT
						    ? TEEC_ERROR_ACCESS_DENIED
						    : TEEC_SUCCESS);
	/* The TA's own heap is readable and writable. */
	assert_int_equal(op->params[2].value.b, TEEC_SUCCESS);
	/* Read-only data is not writable; unmapped memory not readable. */
	assert_int_equal(op->params[3].value.a, TEEC_ERROR_ACCESS_DENIED);
	assert_int_equal(op->params[3].value.b, TEEC_ERROR_ACCESS_DENIED);
}

/*
 * A client held on the CPU its TA's session thread runs on: the TA side
 * moves itself to another CPU (doorbell.c, unpair) instead of handing
 * every request over by sleep and wake-up on one CPU, and its sandbox
 * lets it (a killed TA would fail the invocations).
 */
static void test_ta_moves_off_caller_cpu(void **state)
{
	(void)state;
	cpu_set_t all, one;
	assert_int_equal(sched_getaffinity(0, sizeof(all), &all), 0);
	if (CPU_COUNT(&all) < 2)
		skip();
	struct et_mailbox *mb;
	assert_int_equal(find_mailboxes(&mb, 1), 1);
	TEEC_Operation op =
	    op_of(TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	assert_teec(invoke(&sess, CORE_CMD_ECHO_VALUE, &op, NULL), TEEC_SUCCESS);
	int cpu = (int)atomic_load(&mb->ta_cpu);
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	unsigned away = 0;
	for (uint32_t i = 0; i < 2000; i++) {
		op = op_of(
		    TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
		op.params[0].value.a = i;
		assert_teec(invoke(&sess, CORE_CMD_ECHO_VALUE, &op, NULL), TEEC_SUCCESS);
		assert_int_equal(op.params[0].value.a, i + 1);
		away += atomic_load(&mb->ta_cpu) != (uint32_t)cpu;
	}
	sched_setaffinity(0, sizeof(all), &all);
	/* It answered from elsewhere. (Whether it stays there is the
	 * scheduler's call: with the other CPU busy, it may bring the TA
	 * back, and the TA moves again at most every ET_UNPAIR_GAP_NS.) */
	assert_true(away > 0);
}

static void test_check_access(void **state)
{
	(void)state;
	uint8_t buf[256];
	memset(buf, 1, sizeof(buf));
	uint32_t types[] = {TEEC_MEMREF_TEMP_INPUT, TEEC_MEMREF_TEMP_INOUT};
	for (int i = 0; i < 2; i++) {
		TEEC_Operation op = op_of(TEEC_PARAM_TYPES(
		    types[i], TEEC_VALUE_OUTPUT, TEEC_VALUE_OUTPUT, TEEC_VALUE_OUTPUT));
		op.params[0].tmpref.buffer = buf;
		op.params[0].tmpref.size = sizeof(buf);
		check_access(&op, types[i]);
	}
	/* The same through shared memory (PARTIAL_x is MEMREF_x for the TA). */
	TEEC_SharedMemory sm = {.size = 8192, .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT};
	assert_teec(TEEC_AllocateSharedMemory(&ctx, &sm), TEEC_SUCCESS);
	uint32_t ptypes[] = {TEEC_MEMREF_PARTIAL_INPUT, TEEC_MEMREF_PARTIAL_INOUT};
	for (int i = 0; i < 2; i++) {
		TEEC_Operation op = op_of(TEEC_PARAM_TYPES(
		    ptypes[i], TEEC_VALUE_OUTPUT, TEEC_VALUE_OUTPUT, TEEC_VALUE_OUTPUT));
		op.params[0].memref.parent = &sm;
		op.params[0].memref.offset = 4096 - 10;
		op.params[0].memref.size = 20;
		check_access(&op, types[i]);
	}
	TEEC_ReleaseSharedMemory(&sm);
}

static void test_tee_malloc(void **state)
{
	(void)state;
	TEEC_Operation op =
	    op_of(TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	assert_teec(invoke(&sess, CORE_CMD_MALLOC_ZERO, &op, NULL), TEEC_SUCCESS);
	if (op.params[0].value.a)
		fail_msg("TEE_Malloc/TEE_Realloc checks failed: mask 0x%x of %u checks "
			 "(bit numbers in core_ta.c cmd_malloc)",
			 op.params[0].value.a, op.params[0].value.b);
	assert_true(op.params[0].value.b >= 8);
	/* The heap was given back: the same checks pass again. */
	assert_teec(invoke(&sess, CORE_CMD_MALLOC_ZERO, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[0].value.a, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_values, sess_up, sess_down),
	    cmocka_unit_test_setup_teardown(test_temp_in_out_inout, sess_up, sess_down),
	    cmocka_unit_test_setup_teardown(test_temp_large, sess_up, sess_down),
	    cmocka_unit_test_setup_teardown(test_temp_grow_keeps_earlier, sess_up,
					    sess_down),
	    cmocka_unit_test_setup_teardown(test_short_buffer, sess_up, sess_down),
	    cmocka_unit_test_setup_teardown(test_temp_zero_and_null, sess_up, sess_down),
	    cmocka_unit_test_setup_teardown(test_alloc_whole, sess_up, sess_down),
	    cmocka_unit_test_setup_teardown(test_alloc_partial, sess_up, sess_down),
	    cmocka_unit_test_setup_teardown(test_mailbox_scribbled, sess_up, sess_down),
	    cmocka_unit_test_setup_teardown(test_alloc_zero_copy, sess_up, sess_down),
	    cmocka_unit_test_setup_teardown(test_registered, sess_up, sess_down),
	    cmocka_unit_test_setup_teardown(test_shm_zero_size, sess_up, sess_down),
	    cmocka_unit_test_setup_teardown(test_release_reuse, sess_up, sess_down),
	    cmocka_unit_test_setup_teardown(test_release_while_invoking, sess_up,
					    sess_down),
	    cmocka_unit_test_setup_teardown(test_ta_moves_off_caller_cpu, sess_up,
					    sess_down),
	    cmocka_unit_test_setup_teardown(test_check_access, sess_up, sess_down),
	    cmocka_unit_test_setup_teardown(test_tee_malloc, sess_up, sess_down),
	};
	return cmocka_run_group_tests(tests, core_group_up, core_group_down);
}
