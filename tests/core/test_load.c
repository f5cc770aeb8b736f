/*
 * Load: 64 client processes (fork), each with its own context and session
 * to core_ta (single instance, multi session: all 64 sessions share one TA
 * process), each doing 1000 ECHO_VALUE invocations and checking every
 * answer. A child exits 0 only if all its answers were right. The parent
 * waits for all of them under an overall alarm(300), so a hang fails the
 * test instead of blocking it. Afterwards the daemon must still open a new
 * session, and no TA process may be left once every session has ended
 * (bounded poll).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>

#include "core_util.h"

#define NCHILD	64
#define NINVOKE 1000

static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

/* Exit codes: 0 ok, 10 context, 11 open, 12 invoke error, 13 wrong answer,
 * 14 start barrier. */
static int child(int start_fd, unsigned id)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	char c;
	if (read(start_fd, &c, 1) != 0) /* EOF: the parent let everyone go */
		return 14;
	close(start_fd);
	TEEC_Context cx;
	TEEC_Session s;
	if (TEEC_InitializeContext(NULL, &cx) != TEEC_SUCCESS)
		return 10;
	if (open_login(&cx, &s, CORE_TA_UUID_STR, TEEC_LOGIN_PUBLIC, NULL, NULL) !=
	    TEEC_SUCCESS)
		return 11;
	int rc = 0;
	uint32_t x = 0x9e3779b9u * (id + 1);
	for (unsigned i = 0; i < NINVOKE && !rc; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		uint32_t a = x, b = x * 2654435761u + i;
		TEEC_Operation op = op_of(
		    TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
		op.params[0].value.a = a;
		op.params[0].value.b = b;
		uint32_t origin;
		TEEC_Result r = TEEC_InvokeCommand(&s, CORE_CMD_ECHO_VALUE, &op, &origin);
		if (r != TEEC_SUCCESS) {
			fprintf(stderr, "child %u: invoke %u = 0x%08x origin %u\n", id, i,
				r, origin);
			rc = 12;
		} else if (op.params[0].value.a != a + 1 || op.params[0].value.b != ~b) {
			fprintf(stderr, "child %u: invoke %u: (%u,%u) -> (%u,%u)\n", id,
				i, a, b, op.params[0].value.a, op.params[0].value.b);
			rc = 13;
		}
	}
	TEEC_CloseSession(&s);
	TEEC_FinalizeContext(&cx);
	return rc;
}

static void test_load(void **state)
{
	(void)state;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART: waitpid returns EINTR */
	sigaction(SIGALRM, &sa, NULL);
	alarm(300);

	int start[2];
	assert_int_equal(pipe(start), 0);
	pid_t pids[NCHILD];
	for (unsigned i = 0; i < NCHILD; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			close(start[1]);
			_exit(child(start[0], i));
		}
	}
	close(start[0]);
	uint64_t t0 = now_ms();
	close(start[1]); /* go */

	int ok = 0, done = 0, codes[16] = {0};
	while (done < NCHILD && !timed_out) {
		int st;
		pid_t p = waitpid(-1, &st, 0);
		if (p < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (unsigned i = 0; i < NCHILD; i++) {
			if (pids[i] != p)
				continue;
			pids[i] = 0;
			done++;
			if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
				ok++;
			else
				codes[WIFEXITED(st) ? WEXITSTATUS(st) % 16 : 15]++;
		}
	}
	alarm(0);
	if (timed_out) {
		for (unsigned i = 0; i < NCHILD; i++)
			if (pids[i] > 0)
				kill(pids[i], SIGKILL);
		while (waitpid(-1, NULL, 0) > 0)
			;
		fail_msg("hang: only %d of %d clients finished within 300 s", done,
			 NCHILD);
	}
	fprintf(stderr, "%d clients x %d invokes in %llu ms\n", NCHILD, NINVOKE,
		(unsigned long long)(now_ms() - t0));
	if (ok != NCHILD)
		fail_msg("%d of %d clients failed (exit codes: context %d, open %d, "
			 "invoke %d, "
			 "answer %d, other %d)",
			 NCHILD - ok, NCHILD, codes[10], codes[11], codes[12], codes[13],
			 NCHILD - ok - codes[10] - codes[11] - codes[12] - codes[13]);

	/* Every session ended: the (non keep-alive) instance goes away. */
	int n = wait_ta_count(0, 30000);
	if (n != 0)
		fail_msg("%d TA processes left after all clients exited", n);

	/* The daemon still serves. */
	TEEC_Session s;
	open_ok(&s, CORE_TA_UUID_STR);
	TEEC_Operation op =
	    op_of(TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	op.params[0].value.a = 1;
	assert_teec(invoke(&s, CORE_CMD_ECHO_VALUE, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[0].value.a, 2);
	/* A fresh instance: the load did not leave an old one behind. */
	op = op_of(TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	assert_teec(invoke(&s, CORE_CMD_INSTANCE_COUNTER, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[0].value.a, 1);
	assert_int_equal(et_test_ta_count(&inst), 1);
	TEEC_CloseSession(&s);
	assert_int_equal(wait_ta_count(0, 30000), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_load),
	};
	return cmocka_run_group_tests(tests, core_group_up, core_group_down);
}
