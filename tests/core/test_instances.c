/*
 * GP TA instance semantics (gpd.ta.singleInstance / multiSession /
 * instanceKeepAlive) as TA processes: core_ta (single instance, multi
 * session) serves all sessions from one process whose static counter and
 * instance data they share, and goes away after its last session; peer_ta
 * (not single instance) gets a process per session; solo_ta (single
 * instance without multi session) answers a second concurrent session with
 * TEEC_ERROR_BUSY and takes a new one as soon as the first is closed;
 * keep_ta (keep-alive) survives its last session with its state.
 */
#define _GNU_SOURCE
#include "core_util.h"

static uint32_t counter(TEEC_Session *s, uint32_t cmd)
{
	TEEC_Operation op =
	    op_of(TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	assert_teec(invoke(s, cmd, &op, NULL), TEEC_SUCCESS);
	return op.params[0].value.a;
}

/* Each test starts and ends with no TA process. */
static int no_tas(void **state)
{
	(void)state;
	return wait_ta_count(0, 20000) == 0 ? 0 : -1;
}

static void test_single_instance_shared(void **state)
{
	(void)state;
	TEEC_Session s[3];
	/* A second context is another client of the same instance. */
	TEEC_Context c2;
	assert_teec(TEEC_InitializeContext(NULL, &c2), TEEC_SUCCESS);
	open_ok(&s[0], CORE_TA_UUID_STR);
	open_ok(&s[1], CORE_TA_UUID_STR);
	assert_teec(
	    open_login(&c2, &s[2], CORE_TA_UUID_STR, TEEC_LOGIN_PUBLIC, NULL, NULL),
	    TEEC_SUCCESS);
	assert_int_equal(et_test_ta_count(&inst), 1);
	assert_int_equal(ta_sessions(CORE_TA_UUID_STR), 3);

	/* One counter for all sessions: a fresh instance counts 1, 2, 3, ... */
	uint32_t want = 1;
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 3; i++)
			assert_int_equal(counter(&s[i], CORE_CMD_INSTANCE_COUNTER),
					 want++);

	/* Instance data set in one session is seen by the others. */
	TEEC_Operation op =
	    op_of(TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	assert_teec(invoke(&s[2], CORE_CMD_GET_INSTANCE_DATA, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[0].value.b, 0); /* not set yet */
	op = op_of(TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	op.params[0].value.a = 0xBEEF;
	assert_teec(invoke(&s[0], CORE_CMD_SET_INSTANCE_DATA, &op, NULL), TEEC_SUCCESS);
	for (int i = 1; i < 3; i++) {
		op = op_of(
		    TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
		assert_teec(invoke(&s[i], CORE_CMD_GET_INSTANCE_DATA, &op, NULL),
			    TEEC_SUCCESS);
		assert_int_equal(op.params[0].value.b, 1);
		assert_int_equal(op.params[0].value.a, 0xBEEF);
	}

	/* Closing some sessions keeps the instance and its state. */
	TEEC_CloseSession(&s[0]);
	TEEC_CloseSession(&s[2]);
	assert_int_equal(wait_ta_sessions(CORE_TA_UUID_STR, 1, 20000), 1);
	assert_int_equal(et_test_ta_count(&inst), 1);
	assert_int_equal(counter(&s[1], CORE_CMD_INSTANCE_COUNTER), want++);
	TEEC_Session s3;
	open_ok(&s3, CORE_TA_UUID_STR);
	assert_int_equal(counter(&s3, CORE_CMD_INSTANCE_COUNTER), want++);
	assert_int_equal(et_test_ta_count(&inst), 1);
	TEEC_CloseSession(&s3);
	TEEC_CloseSession(&s[1]);
	TEEC_FinalizeContext(&c2);

	/* No keep-alive: the process ends after the last session. */
	assert_int_equal(wait_ta_count(0, 20000), 0);
	assert_int_equal(ta_sessions(CORE_TA_UUID_STR), -1);

	/* A new session gets a new instance: fresh counter, no instance data. */
	open_ok(&s[0], CORE_TA_UUID_STR);
	assert_int_equal(counter(&s[0], CORE_CMD_INSTANCE_COUNTER), 1);
	op = op_of(TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	assert_teec(invoke(&s[0], CORE_CMD_GET_INSTANCE_DATA, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[0].value.b, 0);
	TEEC_CloseSession(&s[0]);
	assert_int_equal(wait_ta_count(0, 20000), 0);
}

static void test_multi_instance(void **state)
{
	(void)state;
	TEEC_Session s[3];
	for (int i = 0; i < 3; i++) {
		open_ok(&s[i], PEER_TA_UUID_STR);
		assert_int_equal(et_test_ta_count(&inst), i + 1);
	}
	/* Each process has its own counter. */
	for (int round = 1; round <= 2; round++)
		for (int i = 0; i < 3; i++)
			assert_int_equal(counter(&s[i], PEER_CMD_COUNTER), round);
	TEEC_CloseSession(&s[1]);
	assert_int_equal(wait_ta_count(2, 20000), 2);
	assert_int_equal(counter(&s[0], PEER_CMD_COUNTER), 3);
	assert_int_equal(counter(&s[2], PEER_CMD_COUNTER), 3);
	TEEC_CloseSession(&s[0]);
	TEEC_CloseSession(&s[2]);
	assert_int_equal(wait_ta_count(0, 20000), 0);
}

static void test_single_session_busy(void **state)
{
	(void)state;
	TEEC_Session a, b;
	uint32_t origin = 0;
	open_ok(&a, SOLO_TA_UUID_STR);
	assert_int_equal(counter(&a, SMALL_CMD_COUNTER), 1);
	assert_teec(
	    open_login(&ctx, &b, SOLO_TA_UUID_STR, TEEC_LOGIN_PUBLIC, NULL, &origin),
	    TEEC_ERROR_BUSY);
	assert_int_not_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
	/* From another context too. */
	TEEC_Context c2;
	assert_teec(TEEC_InitializeContext(NULL, &c2), TEEC_SUCCESS);
	assert_teec(open_login(&c2, &b, SOLO_TA_UUID_STR, TEEC_LOGIN_PUBLIC, NULL, NULL),
		    TEEC_ERROR_BUSY);
	/* The refused open did not disturb the session it bounced off. */
	assert_int_equal(counter(&a, SMALL_CMD_COUNTER), 2);
	assert_int_equal(et_test_ta_count(&inst), 1);
	TEEC_CloseSession(&a);

	/* Once TEEC_CloseSession has returned, the TA takes a new session. */
	for (int i = 0; i < 200; i++) {
		TEEC_Context *c = i % 2 ? &c2 : &ctx;
		TEEC_Result r =
		    open_login(c, &b, SOLO_TA_UUID_STR, TEEC_LOGIN_PUBLIC, NULL, &origin);
		if (r != TEEC_SUCCESS)
			fail_msg("round %d: open right after close = 0x%08x origin %u", i,
				 r, origin);
		assert_int_equal(counter(&b, SMALL_CMD_COUNTER) >= 1, 1);
		TEEC_CloseSession(&b);
	}
	TEEC_FinalizeContext(&c2);
	assert_int_equal(wait_ta_count(0, 20000), 0);
}

static void test_keep_alive(void **state)
{
	(void)state;
	TEEC_Session s, t;
	open_ok(&s, KEEP_TA_UUID_STR);
	open_ok(&t, KEEP_TA_UUID_STR);
	assert_int_equal(counter(&s, SMALL_CMD_COUNTER), 1);
	assert_int_equal(counter(&t, SMALL_CMD_COUNTER), 2);
	assert_int_equal(et_test_ta_count(&inst), 1);
	TEEC_CloseSession(&s);
	TEEC_CloseSession(&t);
	/* The core has seen both sessions end ... */
	assert_int_equal(wait_ta_sessions(KEEP_TA_UUID_STR, 0, 20000), 0);
	/* ... and the process is still there. */
	assert_int_equal(et_test_ta_count(&inst), 1);
	/* A later session finds the same instance: the counter continues. */
	open_ok(&s, KEEP_TA_UUID_STR);
	assert_int_equal(counter(&s, SMALL_CMD_COUNTER), 3);
	assert_int_equal(et_test_ta_count(&inst), 1);
	TEEC_CloseSession(&s);
	assert_int_equal(wait_ta_sessions(KEEP_TA_UUID_STR, 0, 20000), 0);

	/* Contrast: core_ta without keep-alive is gone after its last session
	 * while keep_ta stays. */
	open_ok(&s, CORE_TA_UUID_STR);
	assert_int_equal(et_test_ta_count(&inst), 2);
	TEEC_CloseSession(&s);
	assert_int_equal(wait_ta_count(1, 20000), 1);
	assert_int_equal(ta_sessions(CORE_TA_UUID_STR), -1);
	assert_int_equal(ta_sessions(KEEP_TA_UUID_STR), 0);
	open_ok(&s, KEEP_TA_UUID_STR);
	assert_int_equal(counter(&s, SMALL_CMD_COUNTER), 4);
	TEEC_CloseSession(&s);
}

/* A client that exits without closing: its sessions end, the instance too. */
static void test_client_exit_closes(void **state)
{
	(void)state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		TEEC_Context c;
		TEEC_Session s1, s2;
		if (TEEC_InitializeContext(NULL, &c) != TEEC_SUCCESS ||
		    open_login(&c, &s1, CORE_TA_UUID_STR, TEEC_LOGIN_PUBLIC, NULL,
			       NULL) ||
		    open_login(&c, &s2, PEER_TA_UUID_STR, TEEC_LOGIN_PUBLIC, NULL, NULL))
			_exit(1);
		_exit(0); /* no close, no finalize */
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(wait_ta_count(0, 20000), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_single_instance_shared, no_tas, NULL),
	    cmocka_unit_test_setup_teardown(test_multi_instance, no_tas, NULL),
	    cmocka_unit_test_setup_teardown(test_single_session_busy, no_tas, NULL),
	    cmocka_unit_test_setup_teardown(test_client_exit_closes, no_tas, NULL),
	    /* Last: keep_ta's process stays for the rest of the run. */
	    cmocka_unit_test_setup_teardown(test_keep_alive, no_tas, NULL),
	};
	return cmocka_run_group_tests(tests, core_group_up, core_group_down);
}
