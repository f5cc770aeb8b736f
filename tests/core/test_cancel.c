/*
 * GP cancellation: TEEC_RequestCancellation from another client thread
 * against a command of core_ta. Cancellation is masked by default in each
 * session; once the TA unmasks it, TEE_Wait returns TEE_ERROR_CANCEL and
 * TEE_GetCancellationFlag() becomes true. A masked TEE_Wait is not
 * interrupted: it runs its full time and succeeds, and the TA is not harmed
 * for ignoring the request (GP: cancellation is only a hint). A cancelled
 * command leaves the session usable, and the next command does not inherit
 * the request.
 *
 * The canceller repeats its request until the command returns, so the
 * tests do not depend on when the TA starts waiting; hangs are bounded by
 * alarm().
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>

#include "core_util.h"

static TEEC_Session sess;

static int sess_up(void **state)
{
	(void)state;
	alarm(100);
	return open_login(&ctx, &sess, CORE_TA_UUID_STR, TEEC_LOGIN_PUBLIC, NULL, NULL) ==
		       TEEC_SUCCESS
		   ? 0
		   : -1;
}

static int sess_down(void **state)
{
	(void)state;
	TEEC_CloseSession(&sess);
	alarm(0);
	return 0;
}

struct canceller {
	TEEC_Operation *op;
	_Atomic int done;
	unsigned stop_after_ms; /* 0: until done */
	unsigned requests;
	pthread_t t;
};

static void *cancel_thread(void *arg)
{
	struct canceller *c = arg;
	uint64_t start = now_ms();
	while (!atomic_load(&c->done)) {
		if (c->stop_after_ms && now_ms() - start > c->stop_after_ms)
			break;
		/* Only once the command is under way (the operation is started). */
		if (__atomic_load_n(&c->op->started, __ATOMIC_SEQ_CST)) {
			TEEC_RequestCancellation(c->op);
			c->requests++;
		}
		sleep_ms(20);
	}
	return NULL;
}

static void cancel_start(struct canceller *c, TEEC_Operation *op, unsigned stop_after_ms)
{
	memset(c, 0, sizeof(*c));
	c->op = op;
	c->stop_after_ms = stop_after_ms;
	assert_int_equal(pthread_create(&c->t, NULL, cancel_thread, c), 0);
}

static void cancel_stop(struct canceller *c)
{
	atomic_store(&c->done, 1);
	pthread_join(c->t, NULL);
}

static void echo_ok(void)
{
	TEEC_Operation op =
	    op_of(TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	op.params[0].value.a = 10;
	assert_teec(invoke(&sess, CORE_CMD_ECHO_VALUE, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[0].value.a, 11);
}

static void test_unmasked_wait_cancelled(void **state)
{
	(void)state;
	TEEC_Operation op = op_of(
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE));
	op.params[0].value.a = 60000; /* far beyond the bound below */
	struct canceller c;
	cancel_start(&c, &op, 0);
	uint64_t t0 = now_ms();
	uint32_t origin = 0;
	TEEC_Result r = invoke(&sess, CORE_CMD_WAIT_UNMASKED, &op, &origin);
	uint64_t el = now_ms() - t0;
	cancel_stop(&c);
	assert_teec(r, TEEC_ERROR_CANCEL);
	assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
	assert_true(el < 30000);
	/* Cancellation was masked when the command started (GP default). */
	assert_int_equal(op.params[1].value.a, 1);

	/* The session is fine, and a new command is not cancelled by the old
	 * request: a short unmasked wait runs to its end. */
	echo_ok();
	op = op_of(
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE));
	op.params[0].value.a = 50;
	assert_teec(invoke(&sess, CORE_CMD_WAIT_UNMASKED, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[1].value.a, 1);
}

static void test_masked_wait_not_cancelled(void **state)
{
	(void)state;
	const uint32_t wait = 3000;
	TEEC_Operation op = op_of(
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE));
	op.params[0].value.a = wait;
	op.params[1].value.a = 0xdead;
	/* Requests during the first half second only: the TA ignores them and
	 * must still be allowed to finish its wait. */
	struct canceller c;
	cancel_start(&c, &op, 500);
	uint64_t t0 = now_ms();
	uint32_t origin = 0;
	TEEC_Result r = invoke(&sess, CORE_CMD_WAIT_MASKED, &op, &origin);
	uint64_t el = now_ms() - t0;
	cancel_stop(&c);
	if (r != TEEC_SUCCESS)
		fail_msg(
		    "masked TEE_Wait(%u) with %u cancellation requests: 0x%08x origin %u "
		    "after %llu ms",
		    wait, c.requests, r, origin, (unsigned long long)el);
	assert_true(c.requests > 0);
	/* The full time was waited. */
	assert_true(el >= wait);
	assert_true(op.params[1].value.b + 10 >= wait);
	/* Masked: the flag is not visible. */
	assert_int_equal(op.params[1].value.a, 0);
	echo_ok();
}

static void test_masked_wait_requests_throughout(void **state)
{
	(void)state;
	const uint32_t wait = 1000;
	TEEC_Operation op = op_of(
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE));
	op.params[0].value.a = wait;
	struct canceller c;
	cancel_start(&c, &op, 0);
	uint64_t t0 = now_ms();
	TEEC_Result r = invoke(&sess, CORE_CMD_WAIT_MASKED, &op, NULL);
	uint64_t el = now_ms() - t0;
	cancel_stop(&c);
	assert_teec(r, TEEC_SUCCESS);
	assert_true(el >= wait);
	assert_int_equal(op.params[1].value.a, 0);
	echo_ok();
}

static void test_cancel_flag_loop(void **state)
{
	(void)state;
	TEEC_Operation op =
	    op_of(TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	struct canceller c;
	cancel_start(&c, &op, 0);
	uint32_t origin = 0;
	TEEC_Result r = invoke(&sess, CORE_CMD_CANCEL_FLAG_LOOP, &op, &origin);
	cancel_stop(&c);
	assert_teec(r, TEEC_ERROR_CANCEL);
	assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
	/* Seen while unmasked ... */
	assert_int_equal(op.params[0].value.a, 1);
	/* ... and hidden again once masked. */
	assert_int_equal(op.params[0].value.b, 0);
	echo_ok();
}

struct other_wait {
	TEEC_Session *s;
	TEEC_Operation op;
	TEEC_Result r;
};

static void *other_wait_thread(void *arg)
{
	struct other_wait *o = arg;
	o->r = TEEC_InvokeCommand(o->s, CORE_CMD_WAIT_UNMASKED, &o->op, NULL);
	return NULL;
}

/* Without any request nothing is cancelled; requesting cancellation of an
 * operation that is not running is harmless. */
static void test_no_request(void **state)
{
	(void)state;
	TEEC_Operation op = op_of(
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE));
	TEEC_RequestCancellation(&op); /* never started */
	op.params[0].value.a = 100;
	assert_teec(invoke(&sess, CORE_CMD_WAIT_UNMASKED, &op, NULL), TEEC_SUCCESS);
	TEEC_RequestCancellation(&op); /* finished */
	echo_ok();
	/* One session's cancellation does not reach another session of the
	 * same instance, whichever of the two commands runs first. */
	TEEC_Session other;
	open_ok(&other, CORE_TA_UUID_STR);
	struct other_wait ow = {.s = &other};
	ow.op = op_of(
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE));
	ow.op.params[0].value.a = 1000;
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, other_wait_thread, &ow), 0);
	TEEC_Operation w = op_of(
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE));
	w.params[0].value.a = 60000;
	struct canceller c;
	cancel_start(&c, &w, 0);
	TEEC_Result r = invoke(&sess, CORE_CMD_WAIT_UNMASKED, &w, NULL);
	cancel_stop(&c);
	pthread_join(t, NULL);
	assert_teec(r, TEEC_ERROR_CANCEL);
	assert_teec(ow.r, TEEC_SUCCESS);
	TEEC_CloseSession(&other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_unmasked_wait_cancelled, sess_up,
					    sess_down),
	    cmocka_unit_test_setup_teardown(test_masked_wait_requests_throughout, sess_up,
					    sess_down),
	    cmocka_unit_test_setup_teardown(test_masked_wait_not_cancelled, sess_up,
					    sess_down),
	    cmocka_unit_test_setup_teardown(test_cancel_flag_loop, sess_up, sess_down),
	    cmocka_unit_test_setup_teardown(test_no_request, sess_up, sess_down),
	};
	return cmocka_run_group_tests(tests, core_group_up, core_group_down);
}
