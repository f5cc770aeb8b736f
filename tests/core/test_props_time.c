/*
 * GP Property API and Time API as a TA (core_ta) sees them:
 *  - TEE_PROPSET_CURRENT_TA: gpd.ta.* match core_ta's header defines
 *    (core_ta.h / user_ta_header_defines.h), extension properties are
 *    served, the enumerator lists every gpd.ta.* name once;
 *  - TEE_PROPSET_TEE_IMPLEMENTATION: gpd.tee.apiversion present,
 *    gpd.tee.deviceID = the instance's device id;
 *  - missing properties are TEE_ERROR_ITEM_NOT_FOUND, wrong types
 *    TEE_ERROR_BAD_FORMAT, short string buffers TEE_ERROR_SHORT_BUFFER;
 *  - TA persistent time: TEE_ERROR_TIME_NOT_SET until set, then at least
 *    the value set and advancing, kept by the core per TA across instances;
 *  - system time advances; REE time is the REE clock.
 */
#define _GNU_SOURCE
#include <strings.h>

#include "core_util.h"

/* GP Internal Core API result codes the client sees as is. */
#define TEE_ERROR_TIME_NOT_SET 0xFFFF5000u

static TEEC_Session sess;

static int sess_up(void **state)
{
	(void)state;
	return open_login(&ctx, &sess, CORE_TA_UUID_STR, TEEC_LOGIN_PUBLIC, NULL, NULL) ==
		       TEEC_SUCCESS
		   ? 0
		   : -1;
}

static int sess_down(void **state)
{
	(void)state;
	TEEC_CloseSession(&sess);
	return 0;
}

static TEEC_Result prop_val(uint32_t cmd, uint32_t set, const char *name, uint32_t *v)
{
	TEEC_Operation op = op_of(TEEC_PARAM_TYPES(
	    TEEC_MEMREF_TEMP_INPUT, TEEC_VALUE_INPUT, TEEC_VALUE_OUTPUT, TEEC_NONE));
	op.params[0].tmpref.buffer = (void *)name;
	op.params[0].tmpref.size = strlen(name);
	op.params[1].value.a = set;
	op.params[2].value.a = 0xdeadbeef;
	TEEC_Result r = invoke(&sess, cmd, &op, NULL);
	*v = op.params[2].value.a;
	return r;
}

static void expect_str(uint32_t set, const char *name, const char *want)
{
	char buf[256];
	size_t len = 0;
	memset(buf, 0, sizeof(buf));
	TEEC_Result r = prop_string(&sess, set, name, buf, sizeof(buf) - 1, &len);
	if (r != TEEC_SUCCESS)
		fail_msg("%s: 0x%08x", name, r);
	if (strcmp(buf, want))
		fail_msg("%s = \"%s\", expected \"%s\"", name, buf, want);
	/* The size written back counts the terminating zero. */
	assert_int_equal(len, strlen(want) + 1);
}

static void expect_u32(uint32_t set, const char *name, uint32_t want)
{
	uint32_t v;
	TEEC_Result r = prop_val(CORE_CMD_GET_PROP_U32, set, name, &v);
	if (r != TEEC_SUCCESS)
		fail_msg("%s as u32: 0x%08x", name, r);
	if (v != want)
		fail_msg("%s = %u, expected %u", name, v, want);
}

static void expect_bool(uint32_t set, const char *name, int want)
{
	uint32_t v;
	TEEC_Result r = prop_val(CORE_CMD_GET_PROP_BOOL, set, name, &v);
	if (r != TEEC_SUCCESS)
		fail_msg("%s as bool: 0x%08x", name, r);
	if ((int)v != want)
		fail_msg("%s = %u, expected %d", name, v, want);
}

static void test_ta_props(void **state)
{
	(void)state;
	const uint32_t T = CORE_PROPSET_TA;
	expect_str(T, "gpd.ta.appID", CORE_TA_UUID_STR);
	expect_bool(T, "gpd.ta.singleInstance", 1);
	expect_bool(T, "gpd.ta.multiSession", 1);
	expect_bool(T, "gpd.ta.instanceKeepAlive", 0);
	expect_u32(T, "gpd.ta.dataSize", CORE_TA_DATA_SIZE);
	expect_u32(T, "gpd.ta.stackSize", CORE_TA_STACK_SIZE);
	expect_str(T, "gpd.ta.version", CORE_TA_VERSION);
	expect_str(T, "gpd.ta.description", CORE_TA_DESCRIPTION);
	/* String views of typed properties. */
	expect_str(T, "gpd.ta.singleInstance", "true");
	expect_str(T, "gpd.ta.instanceKeepAlive", "false");
	char num[32];
	snprintf(num, sizeof(num), "%u", (unsigned)CORE_TA_DATA_SIZE);
	expect_str(T, "gpd.ta.dataSize", num);
	/* The TA's own extension properties. */
	expect_str(T, CORE_TA_EXT_STR_NAME, CORE_TA_EXT_STR_VALUE);
	expect_u32(T, CORE_TA_EXT_U32_NAME, CORE_TA_EXT_U32_VALUE);
	expect_bool(T, CORE_TA_EXT_BOOL_NAME, 1);
}

static void test_tee_and_client_props(void **state)
{
	(void)state;
	char buf[256];
	size_t len;
	memset(buf, 0, sizeof(buf));
	assert_teec(prop_string(&sess, CORE_PROPSET_TEE, "gpd.tee.apiversion", buf,
				sizeof(buf) - 1, &len),
		    TEEC_SUCCESS);
	assert_true(strlen(buf) > 0);
	assert_int_equal(len, strlen(buf) + 1);

	/* The device id is the instance's own (kept in its state directory). */
	char p[512], want[64] = "";
	snprintf(p, sizeof(p), "%s/device_id", inst.dir);
	FILE *f = fopen(p, "r");
	assert_non_null(f);
	assert_non_null(fgets(want, sizeof(want), f));
	fclose(f);
	want[strcspn(want, "\n")] = 0;
	assert_int_equal(strlen(want), 36);
	memset(buf, 0, sizeof(buf));
	assert_teec(prop_string(&sess, CORE_PROPSET_TEE, "gpd.tee.deviceID", buf,
				sizeof(buf) - 1, NULL),
		    TEEC_SUCCESS);
	if (strcasecmp(buf, want))
		fail_msg("gpd.tee.deviceID = \"%s\", instance device id \"%s\"", buf,
			 want);

	uint32_t v;
	assert_teec(prop_val(CORE_CMD_GET_PROP_U32, CORE_PROPSET_TEE,
			     "gpd.tee.internalCore.version", &v),
		    TEEC_SUCCESS);
	assert_true(v != 0);
	/* The client set has the client's endianness. */
	assert_teec(
	    prop_val(CORE_CMD_GET_PROP_U32, CORE_PROPSET_CLIENT, "gpd.client.endian", &v),
	    TEEC_SUCCESS);
}

static void test_prop_errors(void **state)
{
	(void)state;
	char buf[64];
	uint32_t v;
	uint32_t sets[] = {CORE_PROPSET_TA, CORE_PROPSET_CLIENT, CORE_PROPSET_TEE};
	for (int i = 0; i < 3; i++) {
		assert_teec(prop_string(&sess, sets[i], "gpd.no.such.property", buf,
					sizeof(buf), NULL),
			    TEEC_ERROR_ITEM_NOT_FOUND);
		assert_teec(
		    prop_val(CORE_CMD_GET_PROP_U32, sets[i], "gpd.no.such.property", &v),
		    TEEC_ERROR_ITEM_NOT_FOUND);
		assert_teec(prop_val(CORE_CMD_GET_PROP_BOOL, sets[i], "", &v),
			    TEEC_ERROR_ITEM_NOT_FOUND);
	}
	/* Properties are per set: a TA property is not a TEE one. */
	assert_teec(
	    prop_string(&sess, CORE_PROPSET_TEE, "gpd.ta.appID", buf, sizeof(buf), NULL),
	    TEEC_ERROR_ITEM_NOT_FOUND);
	/* Names are exact. */
	assert_teec(
	    prop_string(&sess, CORE_PROPSET_TA, "gpd.ta.appid", buf, sizeof(buf), NULL),
	    TEEC_ERROR_ITEM_NOT_FOUND);
	assert_teec(
	    prop_string(&sess, CORE_PROPSET_TA, "gpd.ta.appID ", buf, sizeof(buf), NULL),
	    TEEC_ERROR_ITEM_NOT_FOUND);
	/* A string that is no number or boolean has the wrong format. */
	assert_teec(
	    prop_val(CORE_CMD_GET_PROP_U32, CORE_PROPSET_TA, "gpd.ta.description", &v),
	    TEEC_ERROR_BAD_FORMAT);
	assert_teec(
	    prop_val(CORE_CMD_GET_PROP_BOOL, CORE_PROPSET_TA, "gpd.ta.dataSize", &v),
	    TEEC_ERROR_BAD_FORMAT);
	/* Short buffer: the needed size (with the zero) comes back. */
	size_t len = 0;
	assert_teec(
	    prop_string(&sess, CORE_PROPSET_TA, "gpd.ta.description", buf, 4, &len),
	    TEEC_ERROR_SHORT_BUFFER);
	assert_int_equal(len, strlen(CORE_TA_DESCRIPTION) + 1);
	assert_teec(prop_string(&sess, CORE_PROPSET_TA, "gpd.ta.description", buf,
				strlen(CORE_TA_DESCRIPTION), &len),
		    TEEC_ERROR_SHORT_BUFFER);
	assert_int_equal(len, strlen(CORE_TA_DESCRIPTION) + 1);
	/* Exactly enough. */
	char exact[sizeof(CORE_TA_DESCRIPTION)];
	assert_teec(prop_string(&sess, CORE_PROPSET_TA, "gpd.ta.description", exact,
				sizeof(exact), &len),
		    TEEC_SUCCESS);
	assert_string_equal(exact, CORE_TA_DESCRIPTION);
}

/* Names of a set as the TA's enumerator lists them ('\n' after each). */
static char *enum_names(uint32_t set)
{
	static char buf[16384];
	TEEC_Operation op = op_of(TEEC_PARAM_TYPES(
	    TEEC_MEMREF_TEMP_OUTPUT, TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE));
	op.params[0].tmpref.buffer = buf;
	op.params[0].tmpref.size = sizeof(buf) - 1;
	op.params[1].value.a = set;
	assert_teec(invoke(&sess, CORE_CMD_ENUM_TA_PROPS, &op, NULL), TEEC_SUCCESS);
	assert_true(op.params[0].tmpref.size < sizeof(buf));
	buf[op.params[0].tmpref.size] = 0;
	return buf;
}

static int count_name(const char *list, const char *name)
{
	int n = 0;
	size_t l = strlen(name);
	for (const char *s = list; *s;) {
		const char *e = strchr(s, '\n');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len == l && !memcmp(s, name, l))
			n++;
		s += len + (e ? 1 : 0);
	}
	return n;
}

static void test_enumerate(void **state)
{
	(void)state;
	static const char *ta_names[] = {
	    "gpd.ta.appID",	   "gpd.ta.singleInstance",
	    "gpd.ta.multiSession", "gpd.ta.instanceKeepAlive",
	    "gpd.ta.dataSize",	   "gpd.ta.stackSize",
	    "gpd.ta.version",	   "gpd.ta.description",
	    CORE_TA_EXT_STR_NAME,  CORE_TA_EXT_U32_NAME,
	    CORE_TA_EXT_BOOL_NAME,
	};
	/* Without a set parameter the command enumerates the current TA. */
	static char list[16384];
	TEEC_Operation op = op_of(
	    TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	op.params[0].tmpref.buffer = list;
	op.params[0].tmpref.size = sizeof(list) - 1;
	assert_teec(invoke(&sess, CORE_CMD_ENUM_TA_PROPS, &op, NULL), TEEC_SUCCESS);
	list[op.params[0].tmpref.size] = 0;
	size_t n = sizeof(ta_names) / sizeof(ta_names[0]);
	for (size_t i = 0; i < n; i++)
		if (count_name(list, ta_names[i]) != 1)
			fail_msg("%s listed %d times in:\n%s", ta_names[i],
				 count_name(list, ta_names[i]), list);
	/* Every name is listed once and is one the TA can read. */
	for (char *s = list; *s;) {
		char *e = strchr(s, '\n');
		assert_non_null(e);
		*e = 0;
		char buf[256];
		if (prop_string(&sess, CORE_PROPSET_TA, s, buf, sizeof(buf), NULL) !=
		    TEEC_SUCCESS)
			fail_msg("listed property %s cannot be read", s);
		if (count_name(e + 1, s))
			fail_msg("property %s listed more than once", s);
		s = e + 1;
	}

	/* The TEE set lists the API version and the device id. */
	char *tee = enum_names(CORE_PROPSET_TEE);
	assert_int_equal(count_name(tee, "gpd.tee.apiversion"), 1);
	assert_int_equal(count_name(tee, "gpd.tee.deviceID"), 1);
	/* The client set lists the identity. */
	char *cl = enum_names(CORE_PROPSET_CLIENT);
	assert_int_equal(count_name(cl, "gpd.client.identity"), 1);
}

static TEEC_Result ptime_get(TEEC_Session *s, uint32_t cmd, uint64_t *ms,
			     uint32_t *origin)
{
	TEEC_Operation op =
	    op_of(TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	TEEC_Result r = invoke(s, cmd, &op, origin);
	*ms = (uint64_t)op.params[0].value.a * 1000 + op.params[0].value.b;
	if (r == TEEC_SUCCESS)
		assert_true(op.params[0].value.b < 1000);
	return r;
}

static void test_persistent_time(void **state)
{
	(void)state;
	uint64_t t0, t1, t2;
	uint32_t origin = 0;
	/* A fresh instance has no persistent time for the TA. */
	assert_teec(ptime_get(&sess, CORE_CMD_PTIME_GET, &t0, &origin),
		    TEE_ERROR_TIME_NOT_SET);
	assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);

	const uint32_t secs = 1000000, millis = 250;
	const uint64_t set = (uint64_t)secs * 1000 + millis;
	TEEC_Operation op =
	    op_of(TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	op.params[0].value.a = secs;
	op.params[0].value.b = millis;
	assert_teec(invoke(&sess, CORE_CMD_PTIME_SET, &op, NULL), TEEC_SUCCESS);
	assert_teec(ptime_get(&sess, CORE_CMD_PTIME_GET, &t1, NULL), TEEC_SUCCESS);
	assert_true(t1 >= set);
	assert_true(t1 < set + 60000); /* generous: seconds, not ages */

	/* It runs: after a second of REE time, it has advanced by a second. */
	sleep_ms(1100);
	assert_teec(ptime_get(&sess, CORE_CMD_PTIME_GET, &t2, NULL), TEEC_SUCCESS);
	assert_true(t2 >= t1 + 1000);

	/* Persistent time is per TA: solo_ta has none. */
	TEEC_Session so;
	open_ok(&so, SOLO_TA_UUID_STR);
	uint64_t x;
	assert_teec(ptime_get(&so, SMALL_CMD_PTIME_GET, &x, NULL),
		    TEE_ERROR_TIME_NOT_SET);
	TEEC_CloseSession(&so);

	/* It outlives the TA instance: close, let the process go, reopen. */
	TEEC_CloseSession(&sess);
	assert_int_equal(wait_ta_count(0, 20000), 0);
	assert_teec(
	    open_login(&ctx, &sess, CORE_TA_UUID_STR, TEEC_LOGIN_PUBLIC, NULL, NULL),
	    TEEC_SUCCESS);
	uint64_t t3;
	assert_teec(ptime_get(&sess, CORE_CMD_PTIME_GET, &t3, NULL), TEEC_SUCCESS);
	assert_true(t3 >= t2);

	/* Setting it again (backwards) takes the new value. */
	op.params[0].value.a = 5;
	op.params[0].value.b = 0;
	assert_teec(invoke(&sess, CORE_CMD_PTIME_SET, &op, NULL), TEEC_SUCCESS);
	assert_teec(ptime_get(&sess, CORE_CMD_PTIME_GET, &t3, NULL), TEEC_SUCCESS);
	assert_true(t3 >= 5000 && t3 < 5000 + 60000);
}

static void systime(uint64_t *sys, uint64_t *ree)
{
	TEEC_Operation op = op_of(
	    TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE));
	assert_teec(invoke(&sess, CORE_CMD_SYSTIME, &op, NULL), TEEC_SUCCESS);
	assert_true(op.params[0].value.b < 1000);
	assert_true(op.params[1].value.b < 1000);
	*sys = (uint64_t)op.params[0].value.a * 1000 + op.params[0].value.b;
	*ree = (uint64_t)op.params[1].value.a * 1000 + op.params[1].value.b;
}

static void test_system_time(void **state)
{
	(void)state;
	uint64_t s1, r1, s2, r2;
	struct timespec before, after;
	clock_gettime(CLOCK_REALTIME, &before);
	systime(&s1, &r1);
	clock_gettime(CLOCK_REALTIME, &after);
	/* REE time is the REE's clock. */
	uint64_t b = (uint64_t)before.tv_sec * 1000 + (uint64_t)before.tv_nsec / 1000000;
	uint64_t a = (uint64_t)after.tv_sec * 1000 + (uint64_t)after.tv_nsec / 1000000;
	assert_true(r1 + 1 >= b);
	assert_true(r1 <= a + 1);
	/* Both advance. */
	sleep_ms(1100);
	systime(&s2, &r2);
	assert_true(s2 >= s1 + 1000);
	assert_true(r2 >= r1 + 1000);
	/* System time never goes back between calls. */
	uint64_t prev = s2;
	for (int i = 0; i < 100; i++) {
		systime(&s1, &r1);
		assert_true(s1 >= prev);
		prev = s1;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    /* First: needs a TA that never set its persistent time. */
	    cmocka_unit_test_setup_teardown(test_persistent_time, sess_up, sess_down),
	    cmocka_unit_test_setup_teardown(test_ta_props, sess_up, sess_down),
	    cmocka_unit_test_setup_teardown(test_tee_and_client_props, sess_up,
					    sess_down),
	    cmocka_unit_test_setup_teardown(test_prop_errors, sess_up, sess_down),
	    cmocka_unit_test_setup_teardown(test_enumerate, sess_up, sess_down),
	    cmocka_unit_test_setup_teardown(test_system_time, sess_up, sess_down),
	};
	return cmocka_run_group_tests(tests, core_group_up, core_group_down);
}
