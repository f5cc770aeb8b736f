/*
 * GP Trusted Storage API semantics, through storage_ta and storage_ta2 of a
 * private edgeteed (tests/lib/harness.c), with exact GP result codes:
 * creation with initial data and attributes, overwrite semantics, share
 * flags and access conflicts, read/write/seek/truncate (seek past the end,
 * sparse zero fill), rename and delete, enumeration, TEE_GetObjectInfo1,
 * persistent keys, persistence across a restart of the instance, isolation
 * between TAs, object id and position limits, and the storage ids
 * (TEE_STORAGE_PRIVATE = OP-TEE's PRIVATE_REE; RPMB is not available).
 * Hangs are bounded by alarm().
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "st_util.h"

#define TEST_ALARM_S 90
#define TYPE_AES     0xA0000010u
#define TYPE_ECDSA   0xA1000041u
#define HF_PERSIST   0x00010000u
#define HF_INIT	     0x00020000u

static struct et_test_inst inst;
static TEEC_Context ctx;
static TEEC_Session sess;
static uint8_t aes_ct[16]; /* the stored AES key's ciphertext, before restart */

#define assert_teec(expr, want)                                                          \
	do {                                                                             \
		TEEC_Result r_ = (expr);                                                 \
		if (r_ != (TEEC_Result)(want))                                           \
			fail_msg("%s = 0x%08x, expected 0x%08x", #expr, r_,              \
				 (unsigned)(want));                                      \
	} while (0)

#define assert_ok(expr) assert_teec(expr, TEEC_SUCCESS)

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "test_storage: a call hung (alarm fired)\n";
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing to do */
	}
	int pid = st_daemon_pid(inst.dir);
	if (pid > 1)
		kill(pid, SIGTERM);
	_exit(99);
}

static int group_up(void **state)
{
	(void)state;
	signal(SIGALRM, on_alarm);
	alarm(TEST_ALARM_S);
	if (et_test_up(&inst))
		return -1;
	if (TEEC_InitializeContext(NULL, &ctx) != TEEC_SUCCESS)
		return -1;
	if (st_session(&ctx, &sess, STORAGE_TA_UUID_STR) != TEEC_SUCCESS)
		return -1;
	alarm(0);
	return 0;
}

static int group_down(void **state)
{
	(void)state;
	TEEC_CloseSession(&sess);
	TEEC_FinalizeContext(&ctx);
	et_test_down(&inst);
	return 0;
}

static int test_setup(void **state)
{
	(void)state;
	alarm(TEST_ALARM_S);
	return 0;
}

static int test_teardown(void **state)
{
	(void)state;
	st_close_all(&sess);
	alarm(0);
	return 0;
}

/* Read the whole object id and compare it with want[0..len). */
static void assert_content(TEEC_Session *s, const char *id, const void *want, size_t len)
{
	static uint8_t buf[1 << 20];
	size_t got = 0;
	assert_ok(st_read_all(s, id, buf, sizeof(buf), &got));
	if (got != len)
		fail_msg("%s: %zu bytes, expected %zu", id, got, len);
	if (len && memcmp(buf, want, len))
		fail_msg("%s: data differs", id);
}

/* ---- creation ------------------------------------------------------------ */

static void test_create_initial_data(void **state)
{
	(void)state;
	uint8_t data[300];
	st_fill(data, 1, sizeof(data));
	uint32_t slot;
	assert_ok(
	    st_create(&sess, "create-init", F_RW | F_SHARE_R, data, sizeof(data), &slot));
	struct st_info si;
	assert_ok(st_info(&sess, slot, &si));
	assert_int_equal(si.objectType, ST_TYPE_DATA);
	assert_int_equal(si.dataSize, sizeof(data));
	assert_int_equal(si.dataPosition, 0);
	assert_int_equal(si.objectSize, 0);
	assert_true(si.handleFlags & HF_PERSIST);
	assert_true(si.handleFlags & HF_INIT);
	assert_int_equal(si.handleFlags & (F_RW | F_SHARE_R | F_SHARE_W),
			 F_RW | F_SHARE_R);
	/* The new handle reads the initial data from position 0. */
	uint8_t buf[400];
	size_t n;
	assert_ok(st_read(&sess, slot, buf, sizeof(buf), &n));
	assert_int_equal(n, sizeof(data));
	assert_memory_equal(buf, data, sizeof(data));
	assert_ok(st_info(&sess, slot, &si));
	assert_int_equal(si.dataPosition, sizeof(data));
	assert_ok(st_close(&sess, slot));
	assert_content(&sess, "create-init", data, sizeof(data));

	/* No initial data; NULL handle pointer (GP: the object is closed). */
	assert_ok(st_create_ex(&sess, ST_PRIVATE, "create-empty", 12, F_RW, NULL, 0,
			       ST_OPT_NOOUT, 0, NULL));
	assert_content(&sess, "create-empty", NULL, 0);
	assert_ok(st_open(&sess, "create-empty", F_READ, &slot));
	assert_ok(st_info(&sess, slot, &si));
	assert_int_equal(si.dataSize, 0);
	assert_ok(st_read(&sess, slot, buf, sizeof(buf), &n));
	assert_int_equal(n, 0);
}

static void test_create_with_attributes(void **state)
{
	(void)state;
	uint8_t data[64];
	st_fill(data, 2, sizeof(data));
	uint32_t slot;
	assert_ok(st_create_ex(&sess, ST_PRIVATE, "create-attrs", 12, F_RW, data,
			       sizeof(data), ST_OPT_ATTRS, 256, &slot));
	struct st_info si;
	assert_ok(st_info(&sess, slot, &si));
	assert_int_equal(si.objectType, TYPE_AES);
	assert_int_equal(si.objectSize, 256);
	assert_int_equal(si.dataSize, sizeof(data));
	assert_true(si.handleFlags & HF_PERSIST);
	assert_true(si.handleFlags & HF_INIT);
	assert_ok(st_close(&sess, slot));
	assert_content(&sess, "create-attrs", data, sizeof(data));
}

static void test_overwrite(void **state)
{
	(void)state;
	uint8_t a[100], b[50];
	st_fill(a, 3, sizeof(a));
	st_fill(b, 4, sizeof(b));
	assert_ok(st_create(&sess, "ow", F_RW, a, sizeof(a), NULL));
	/* Without OVERWRITE an existing id is an access conflict. */
	assert_teec(st_create(&sess, "ow", F_RW, b, sizeof(b), NULL),
		    TEEC_ERROR_ACCESS_CONFLICT);
	assert_content(&sess, "ow", a, sizeof(a));
	/* With it, the object is replaced. */
	assert_ok(st_create(&sess, "ow", F_RW | F_OVERWRITE, b, sizeof(b), NULL));
	assert_content(&sess, "ow", b, sizeof(b));
	/* Not while it is open, though. */
	uint32_t slot;
	assert_ok(st_open(&sess, "ow", F_READ, &slot));
	assert_teec(st_create(&sess, "ow", F_RW | F_OVERWRITE, a, sizeof(a), NULL),
		    TEEC_ERROR_ACCESS_CONFLICT);
	assert_ok(st_close(&sess, slot));
	assert_content(&sess, "ow", b, sizeof(b));
}

/* ---- share flags ----------------------------------------------------------- */

static void test_share_flags(void **state)
{
	(void)state;
	uint8_t d[10] = "0123456789";
	uint32_t s1, s2, s3;
	assert_ok(st_create(&sess, "share", F_RW, d, sizeof(d), NULL));
	/* Exclusive read handle: a second reader conflicts. */
	assert_ok(st_open(&sess, "share", F_READ, &s1));
	assert_teec(st_open(&sess, "share", F_READ | F_SHARE_R, &s2),
		    TEEC_ERROR_ACCESS_CONFLICT);
	assert_ok(st_close(&sess, s1));
	/* Shared readers. */
	assert_ok(st_open(&sess, "share", F_READ | F_SHARE_R, &s1));
	assert_ok(st_open(&sess, "share", F_READ | F_SHARE_R, &s2));
	/* A writer conflicts: the readers did not share write. */
	assert_teec(st_open(&sess, "share", F_WRITE | F_SHARE_R, &s3),
		    TEEC_ERROR_ACCESS_CONFLICT);
	/* A reader that does not share read conflicts with them. */
	assert_teec(st_open(&sess, "share", F_READ, &s3), TEEC_ERROR_ACCESS_CONFLICT);
	/* Delete of an object open elsewhere needs a WRITE_META handle, and
	 * WRITE_META cannot be opened while others hold it. */
	assert_teec(st_open(&sess, "share", F_WRITE_META | F_SHARE_R | F_SHARE_W, &s3),
		    TEEC_ERROR_ACCESS_CONFLICT);
	assert_ok(st_close(&sess, s1));
	assert_ok(st_close(&sess, s2));
	/* Read+write sharing both ways. */
	assert_ok(st_open(&sess, "share", F_READ | F_WRITE | F_SHARE_R | F_SHARE_W, &s1));
	assert_ok(st_open(&sess, "share", F_READ | F_SHARE_R | F_SHARE_W, &s2));
	assert_ok(st_write(&sess, s1, "AB", 2));
	uint8_t buf[16];
	size_t n;
	assert_ok(st_read(&sess, s2, buf, sizeof(buf), &n));
	assert_int_equal(n, 10);
	assert_memory_equal(buf, "AB23456789", 10);
	assert_ok(st_close(&sess, s1));
	assert_ok(st_close(&sess, s2));
	/* Handles in another session of the same TA count too. */
	TEEC_Session other;
	assert_ok(st_session(&ctx, &other, STORAGE_TA_UUID_STR));
	assert_ok(st_open(&other, "share", F_READ, &s1));
	assert_teec(st_open(&sess, "share", F_READ, &s2), TEEC_ERROR_ACCESS_CONFLICT);
	assert_ok(st_close(&other, s1));
	TEEC_CloseSession(&other);
	assert_ok(st_open(&sess, "share", F_READ, &s2));
}

/* ---- data stream ----------------------------------------------------------- */

static void test_read_write_seek(void **state)
{
	(void)state;
	uint32_t s;
	uint8_t buf[256], want[256];
	size_t n;
	struct st_info si;
	assert_ok(st_create(&sess, "rws", F_RW, NULL, 0, &s));
	assert_ok(st_write(&sess, s, "hello, world", 12));
	assert_ok(st_info(&sess, s, &si));
	assert_int_equal(si.dataSize, 12);
	assert_int_equal(si.dataPosition, 12);
	/* SEEK_SET, SEEK_CUR, SEEK_END. */
	assert_ok(st_seek(&sess, s, 7, 0));
	assert_ok(st_read(&sess, s, buf, 5, &n));
	assert_int_equal(n, 5);
	assert_memory_equal(buf, "world", 5);
	assert_ok(st_seek(&sess, s, -12, 1));
	assert_ok(st_read(&sess, s, buf, 5, &n));
	assert_memory_equal(buf, "hello", 5);
	assert_ok(st_seek(&sess, s, -5, 2));
	assert_ok(st_read(&sess, s, buf, sizeof(buf), &n));
	assert_int_equal(n, 5);
	assert_memory_equal(buf, "world", 5);
	/* At the end: a read returns 0 bytes, no error. */
	assert_ok(st_read(&sess, s, buf, sizeof(buf), &n));
	assert_int_equal(n, 0);
	/* Overwrite in the middle. */
	assert_ok(st_seek(&sess, s, 5, 0));
	assert_ok(st_write(&sess, s, "; ", 2));
	/* Seek past the end does not grow the object... */
	assert_ok(st_seek(&sess, s, 100, 0));
	assert_ok(st_info(&sess, s, &si));
	assert_int_equal(si.dataSize, 12);
	assert_int_equal(si.dataPosition, 100);
	assert_ok(st_read(&sess, s, buf, sizeof(buf), &n));
	assert_int_equal(n, 0);
	/* ...a write there does, and the gap reads as zeros. */
	assert_ok(st_write(&sess, s, "tail", 4));
	assert_ok(st_info(&sess, s, &si));
	assert_int_equal(si.dataSize, 104);
	memset(want, 0, sizeof(want));
	memcpy(want, "hello; world", 12);
	memcpy(want + 100, "tail", 4);
	assert_ok(st_close(&sess, s));
	assert_content(&sess, "rws", want, 104);

	/* Truncate: shrink, then grow with zeros; the position stays. */
	assert_ok(st_open(&sess, "rws", F_RW, &s));
	assert_ok(st_seek(&sess, s, 3, 0));
	assert_ok(st_truncate(&sess, s, 8));
	assert_ok(st_info(&sess, s, &si));
	assert_int_equal(si.dataSize, 8);
	assert_int_equal(si.dataPosition, 3);
	assert_ok(st_truncate(&sess, s, 20));
	assert_ok(st_info(&sess, s, &si));
	assert_int_equal(si.dataSize, 20);
	assert_ok(st_close(&sess, s));
	memset(want + 8, 0, sizeof(want) - 8);
	assert_content(&sess, "rws", want, 20);
	/* Truncate to 0, then write from a position past 0. */
	assert_ok(st_open(&sess, "rws", F_RW, &s));
	assert_ok(st_truncate(&sess, s, 0));
	assert_ok(st_seek(&sess, s, 2, 0));
	assert_ok(st_write(&sess, s, "x", 1));
	assert_ok(st_close(&sess, s));
	assert_content(&sess, "rws", "\0\0x", 3);
}

/* Larger objects, chunked writes across block boundaries, random I/O. */
static void test_large_random_io(void **state)
{
	(void)state;
	static uint8_t model[300000], buf[65536];
	const char *id = "large";
	assert_ok(st_write_pattern(&sess, id, 200000, 77, 1000));
	uint32_t found;
	assert_ok(st_verify_pattern(&sess, id, 200000, 77, &found));
	assert_int_equal(found, 200000);
	assert_teec(st_verify_pattern(&sess, id, 200000, 78, &found), ST_ERR_MISMATCH);
	for (uint32_t i = 0; i < 200000; i++)
		model[i] = st_pattern_byte(77, i);
	size_t size = 200000;
	uint32_t s;
	assert_ok(st_open(&sess, id, F_RW, &s));
	srand(1234);
	for (int k = 0; k < 60; k++) {
		size_t off = (size_t)rand() % 250000, len = 1 + (size_t)rand() % 9000;
		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)rand();
		assert_ok(st_seek(&sess, s, (int64_t)off, 0));
		assert_ok(st_write(&sess, s, buf, len));
		if (off > size)
			memset(model + size, 0, off - size);
		memcpy(model + off, buf, len);
		if (off + len > size)
			size = off + len;
		if (k % 10 == 9) {
			size_t ts = (size_t)rand() % 280000;
			assert_ok(st_truncate(&sess, s, (uint32_t)ts));
			if (ts > size)
				memset(model + size, 0, ts - size);
			size = ts;
		}
		/* Read back a random window. */
		size_t ro = (size_t)rand() % (size + 1), rl = (size_t)rand() % 20000, n;
		assert_ok(st_seek(&sess, s, (int64_t)ro, 0));
		assert_ok(st_read(&sess, s, buf, rl, &n));
		size_t exp = ro + rl <= size ? rl : size - ro;
		assert_int_equal(n, exp);
		if (memcmp(buf, model + ro, n))
			fail_msg("round %d: data at %zu+%zu differs", k, ro, n);
	}
	assert_ok(st_close(&sess, s));
	static uint8_t all[300000];
	size_t got;
	assert_ok(st_read_all(&sess, id, all, sizeof(all), &got));
	assert_int_equal(got, size);
	assert_true(memcmp(all, model, size) == 0);
}

/* ---- rename, delete, enumerate ------------------------------------------------ */

static void test_rename(void **state)
{
	(void)state;
	uint32_t s;
	assert_ok(st_create(&sess, "ren-a", F_RW, "AAAA", 4, NULL));
	assert_ok(st_create(&sess, "ren-b", F_RW, "BBBB", 4, NULL));
	assert_ok(st_open(&sess, "ren-a", F_RW, &s));
	/* To an existing id: conflict, both unchanged. */
	assert_teec(st_rename(&sess, s, "ren-b"), TEEC_ERROR_ACCESS_CONFLICT);
	assert_ok(st_rename(&sess, s, "ren-c"));
	/* The handle stays valid under the new name. */
	assert_ok(st_write(&sess, s, "C", 1));
	assert_ok(st_close(&sess, s));
	assert_teec(st_open(&sess, "ren-a", F_READ, &s), TEEC_ERROR_ITEM_NOT_FOUND);
	assert_content(&sess, "ren-b", "BBBB", 4);
	assert_content(&sess, "ren-c", "CAAA", 4);
	/* Rename to itself is allowed or a conflict, never a loss. */
	assert_ok(st_open(&sess, "ren-c", F_RW, &s));
	TEEC_Result r = st_rename(&sess, s, "ren-c");
	assert_true(r == TEEC_SUCCESS || r == TEEC_ERROR_ACCESS_CONFLICT);
	assert_ok(st_close(&sess, s));
	assert_content(&sess, "ren-c", "CAAA", 4);
}

static void test_delete(void **state)
{
	(void)state;
	uint32_t s;
	assert_ok(st_create(&sess, "del", F_RW, "x", 1, &s));
	assert_ok(st_delete(&sess, s));
	assert_teec(st_open(&sess, "del", F_READ, &s), TEEC_ERROR_ITEM_NOT_FOUND);
	/* The id can be created again. */
	assert_ok(st_create(&sess, "del", F_RW, "yy", 2, NULL));
	assert_content(&sess, "del", "yy", 2);
	assert_ok(st_open(&sess, "del", F_RW, &s));
	assert_ok(st_delete(&sess, s));
	static uint8_t e[65536];
	size_t used;
	uint32_t cnt;
	assert_ok(st_enum(&sess, ST_PRIVATE, e, sizeof(e), &used, &cnt, NULL));
	assert_int_equal(st_enum_find(e, used, "del"), -1);
}

static void test_enumerate(void **state)
{
	(void)state;
	static uint8_t e[65536];
	size_t used;
	uint32_t cnt, start, s;
	/* storage_ta2 has no objects yet: the enumerator starts empty. */
	TEEC_Session s2;
	assert_ok(st_session(&ctx, &s2, STORAGE_TA2_UUID_STR));
	assert_ok(st_enum(&s2, ST_PRIVATE, e, sizeof(e), &used, &cnt, &start));
	assert_int_equal(cnt, 0);
	assert_int_equal(start, TEEC_ERROR_ITEM_NOT_FOUND);
	/* Five objects, each listed once with its size. */
	char id[32];
	for (int i = 0; i < 5; i++) {
		uint8_t d[64];
		snprintf(id, sizeof(id), "enum-%d", i);
		st_fill(d, (uint32_t)i, sizeof(d));
		assert_ok(st_create(&s2, id, F_RW, d, (size_t)i * 10, NULL));
	}
	assert_ok(st_enum(&s2, ST_PRIVATE, e, sizeof(e), &used, &cnt, &start));
	assert_int_equal(start, TEEC_SUCCESS);
	assert_int_equal(cnt, 5);
	for (int i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "enum-%d", i);
		assert_int_equal(st_enum_find(e, used, id), i * 10);
	}
	/* TEE_STORAGE_PRIVATE_REE is the same store. */
	assert_ok(st_enum(&s2, ST_PRIVATE_REE, e, sizeof(e), &used, &cnt, &start));
	assert_int_equal(cnt, 5);
	/* Too small an output: SHORT_BUFFER (the TA's own check, GP-style). */
	assert_teec(st_enum(&s2, ST_PRIVATE, e, 20, &used, &cnt, NULL),
		    TEEC_ERROR_SHORT_BUFFER);
	/* Delete them while enumerating is over: empty again. */
	for (int i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "enum-%d", i);
		assert_ok(st_open(&s2, id, F_RW, &s));
		assert_ok(st_delete(&s2, s));
	}
	assert_ok(st_enum(&s2, ST_PRIVATE, e, sizeof(e), &used, &cnt, &start));
	assert_int_equal(cnt, 0);
	TEEC_CloseSession(&s2);
	/* storage_ta's objects of the earlier tests are listed. */
	assert_ok(st_enum(&sess, ST_PRIVATE, e, sizeof(e), &used, &cnt, &start));
	assert_int_equal(st_enum_find(e, used, "ren-c"), 4);
	assert_int_equal(st_enum_find(e, used, "create-init"), 300);
	assert_int_equal(st_enum_find(e, used, "enum-0"), -1);
}

/* ---- keys ---------------------------------------------------------------------- */

static TEEC_Result key_use(TEEC_Session *s, uint32_t kt, const char *id, uint8_t *ct,
			   uint32_t *type, uint32_t *bits)
{
	uint8_t out[16];
	TEEC_Operation op =
	    st_op(TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_INPUT,
				   TEEC_MEMREF_TEMP_OUTPUT, TEEC_VALUE_OUTPUT));
	op.params[0].value.a = kt;
	st_memin(&op, 1, id, strlen(id));
	op.params[2].tmpref.buffer = out;
	op.params[2].tmpref.size = sizeof(out);
	TEEC_Result r = st_invoke(s, ST_CMD_KEY_USE, &op);
	if (ct)
		memcpy(ct, out, 16);
	*type = op.params[3].value.a;
	*bits = op.params[3].value.b;
	return r;
}

static TEEC_Result key_store(TEEC_Session *s, uint32_t kt, const char *id)
{
	TEEC_Operation op = st_op(TEEC_PARAM_TYPES(
	    TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_INPUT, TEEC_NONE, TEEC_NONE));
	op.params[0].value.a = kt;
	st_memin(&op, 1, id, strlen(id));
	return st_invoke(s, ST_CMD_KEY_STORE, &op);
}

static void test_persistent_key(void **state)
{
	(void)state;
	uint32_t type, bits;
	assert_ok(key_store(&sess, ST_KEY_AES256, "key-aes"));
	assert_ok(key_use(&sess, ST_KEY_AES256, "key-aes", aes_ct, &type, &bits));
	assert_int_equal(type, TYPE_AES);
	assert_int_equal(bits, 256);
	assert_ok(key_store(&sess, ST_KEY_ECP256, "key-ec"));
	assert_ok(key_use(&sess, ST_KEY_ECP256, "key-ec", NULL, &type, &bits));
	assert_int_equal(type, TYPE_ECDSA);
	assert_int_equal(bits, 256);
}

/* ---- persistence across a restart ------------------------------------------------ */

static void test_persistence_restart(void **state)
{
	(void)state;
	char id[32];
	for (uint32_t i = 0; i < 6; i++) {
		snprintf(id, sizeof(id), "persist-%u", i);
		assert_ok(st_write_pattern(&sess, id, 1000 + i * 3000, 100 + i, 0));
	}
	TEEC_CloseSession(&sess);
	TEEC_FinalizeContext(&ctx);
	assert_int_equal(st_down_keep(&inst), 0);
	assert_int_equal(st_up_again(&inst), 0);
	assert_ok(TEEC_InitializeContext(NULL, &ctx));
	assert_ok(st_session(&ctx, &sess, STORAGE_TA_UUID_STR));
	uint32_t found;
	for (uint32_t i = 0; i < 6; i++) {
		snprintf(id, sizeof(id), "persist-%u", i);
		assert_ok(st_verify_pattern(&sess, id, 1000 + i * 3000, 100 + i, &found));
	}
	/* Objects of the earlier tests too. */
	assert_content(&sess, "ren-c", "CAAA", 4);
	/* The keys: the same AES key (same ciphertext), a working EC key. */
	uint8_t ct[16];
	uint32_t type, bits;
	assert_ok(key_use(&sess, ST_KEY_AES256, "key-aes", ct, &type, &bits));
	assert_int_equal(type, TYPE_AES);
	assert_memory_equal(ct, aes_ct, 16);
	assert_ok(key_use(&sess, ST_KEY_ECP256, "key-ec", NULL, &type, &bits));
	assert_int_equal(type, TYPE_ECDSA);
}

/* ---- isolation ------------------------------------------------------------------- */

static void test_isolation(void **state)
{
	(void)state;
	TEEC_Session s2;
	uint32_t slot;
	assert_ok(st_create(&sess, "iso-secret", F_RW, "ta1-data", 8, NULL));
	assert_ok(st_session(&ctx, &s2, STORAGE_TA2_UUID_STR));
	assert_teec(st_open(&s2, "iso-secret", F_READ, &slot), TEEC_ERROR_ITEM_NOT_FOUND);
	assert_teec(st_open_ex(&s2, ST_PRIVATE_REE, "iso-secret", 10, F_READ, &slot),
		    TEEC_ERROR_ITEM_NOT_FOUND);
	assert_teec(st_open(&s2, "key-aes", F_READ, &slot), TEEC_ERROR_ITEM_NOT_FOUND);
	/* TA2's own object of the same id is another object. */
	assert_ok(st_create(&s2, "iso-secret", F_RW, "ta2", 3, NULL));
	assert_content(&s2, "iso-secret", "ta2", 3);
	assert_content(&sess, "iso-secret", "ta1-data", 8);
	/* TA2 enumerates only its own. */
	static uint8_t e[65536];
	size_t used;
	uint32_t cnt;
	assert_ok(st_enum(&s2, ST_PRIVATE, e, sizeof(e), &used, &cnt, NULL));
	assert_int_equal(cnt, 1);
	assert_int_equal(st_enum_find(e, used, "iso-secret"), 3);
	/* Deleting its own leaves TA1's. */
	assert_ok(st_open(&s2, "iso-secret", F_RW, &slot));
	assert_ok(st_delete(&s2, slot));
	assert_content(&sess, "iso-secret", "ta1-data", 8);
	st_close_all(&s2);
	TEEC_CloseSession(&s2);
}

/* ---- limits --------------------------------------------------------------------------
 */

static void test_object_id_length(void **state)
{
	(void)state;
	char id[80];
	uint32_t slot;
	memset(id, 'i', sizeof(id));
	id[0] = 0; /* ids are bytes, not strings */
	assert_ok(st_create_ex(&sess, ST_PRIVATE, id, 64, F_RW, "64", 2, 0, 0, &slot));
	assert_ok(st_close(&sess, slot));
	assert_ok(st_open_ex(&sess, ST_PRIVATE, id, 64, F_READ, &slot));
	assert_ok(st_close(&sess, slot));
	/* One byte more: BAD_PARAMETERS, or a panic of the TA (GP 1.3). */
	TEEC_Session s;
	assert_ok(st_session(&ctx, &s, STORAGE_TA2_UUID_STR));
	TEEC_Result r = st_create_ex(&s, ST_PRIVATE, id, 65, F_RW, "65", 2, 0, 0, &slot);
	if (r != TEEC_ERROR_BAD_PARAMETERS && r != TEEC_ERROR_TARGET_DEAD)
		fail_msg("create with a 65-byte id: 0x%08x", r);
	TEEC_CloseSession(&s);
	assert_ok(st_session(&ctx, &s, STORAGE_TA2_UUID_STR));
	r = st_open_ex(&s, ST_PRIVATE, id, 65, F_READ, &slot);
	if (r != TEEC_ERROR_BAD_PARAMETERS && r != TEEC_ERROR_TARGET_DEAD)
		fail_msg("open with a 65-byte id: 0x%08x", r);
	TEEC_CloseSession(&s);
	assert_ok(st_session(&ctx, &s, STORAGE_TA2_UUID_STR));
	assert_ok(st_create(&s, "short", F_RW, "s", 1, &slot));
	r = st_rename_ex(&s, slot, id, 65);
	if (r != TEEC_ERROR_BAD_PARAMETERS && r != TEEC_ERROR_TARGET_DEAD)
		fail_msg("rename to a 65-byte id: 0x%08x", r);
	st_close_all(&s);
	TEEC_CloseSession(&s);
	assert_ok(st_session(&ctx, &s, STORAGE_TA2_UUID_STR));
	assert_content(&s, "short", "s", 1);
	TEEC_CloseSession(&s);
	/* The 64-byte one is intact. */
	assert_ok(st_open_ex(&sess, ST_PRIVATE, id, 64, F_READ, &slot));
	uint8_t b[8];
	size_t n;
	assert_ok(st_read(&sess, slot, b, sizeof(b), &n));
	assert_int_equal(n, 2);
	assert_memory_equal(b, "64", 2);
}

static void test_max_position(void **state)
{
	(void)state;
	uint32_t s;
	struct st_info si;
	assert_ok(st_create(&sess, "maxpos", F_RW, "data", 4, &s));
	/* Past TEE_DATA_MAX_POSITION: OVERFLOW, position unchanged. */
	assert_teec(st_seek(&sess, s, 0x100000000ll, 0), ST_OVERFLOW);
	assert_ok(st_info(&sess, s, &si));
	assert_int_equal(si.dataPosition, 0);
	assert_ok(st_seek(&sess, s, 0xFFFFFFFFll - 1, 0));
	/* A write ending past the maximum position: OVERFLOW, nothing written. */
	assert_teec(st_write(&sess, s, "xyz", 3), ST_OVERFLOW);
	assert_teec(st_seek(&sess, s, 10, 1), ST_OVERFLOW);
	assert_ok(st_info(&sess, s, &si));
	assert_int_equal(si.dataSize, 4);
	assert_ok(st_close(&sess, s));
	assert_content(&sess, "maxpos", "data", 4);
}

/* ---- storage ids ----------------------------------------------------------------------
 */

static void test_storage_ids(void **state)
{
	(void)state;
	uint32_t s;
	/* PRIVATE and OP-TEE's PRIVATE_REE name the same store. */
	assert_ok(st_create_ex(&sess, ST_PRIVATE_REE, "via-ree", 7, F_RW, "ree", 3,
			       ST_OPT_CLOSE, 0, NULL));
	assert_content(&sess, "via-ree", "ree", 3);
	assert_ok(st_open_ex(&sess, ST_PRIVATE_REE, "create-init", 11, F_READ, &s));
	assert_ok(st_close(&sess, s));
	/* RPMB: not available here. */
	TEEC_Result r = st_open_ex(&sess, ST_PRIVATE_RPMB, "via-ree", 7, F_READ, &s);
	if (r != TEEC_ERROR_ITEM_NOT_FOUND && r != ST_NOT_AVAILABLE &&
	    r != ST_NOT_AVAILABLE_2)
		fail_msg("open in RPMB storage: 0x%08x", r);
	r = st_create_ex(&sess, ST_PRIVATE_RPMB, "rpmb", 4, F_RW, "x", 1, ST_OPT_CLOSE, 0,
			 NULL);
	if (r != TEEC_ERROR_ITEM_NOT_FOUND && r != ST_NOT_AVAILABLE &&
	    r != ST_NOT_AVAILABLE_2)
		fail_msg("create in RPMB storage: 0x%08x", r);
	assert_teec(st_open(&sess, "rpmb", F_READ, &s), TEEC_ERROR_ITEM_NOT_FOUND);
}

#define T(f) cmocka_unit_test_setup_teardown(f, test_setup, test_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_create_initial_data),
	    T(test_create_with_attributes),
	    T(test_overwrite),
	    T(test_share_flags),
	    T(test_read_write_seek),
	    T(test_large_random_io),
	    T(test_rename),
	    T(test_delete),
	    T(test_enumerate),
	    T(test_persistent_key),
	    T(test_persistence_restart),
	    T(test_isolation),
	    T(test_object_id_length),
	    T(test_max_position),
	    T(test_storage_ids),
	};
	return cmocka_run_group_tests(tests, group_up, group_down);
}
