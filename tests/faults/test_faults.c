/*
 * Fault containment: a TA that crashes, breaks out of its sandbox, runs
 * away, exhausts its heap or is handed garbage must hurt nobody but itself.
 * Against one private edgeteed (tests/lib/harness.c) these tests make
 * fault_ta misbehave and check, with exact GP codes and origins, that
 *  - its own session ends with TEEC_ERROR_TARGET_DEAD (origin TEE) and stays
 *    dead without hanging, and the core logs why (sandbox violations too);
 *  - other sessions, of the same TA and of the single-instance bystander
 *    fault_ta_si, keep working, and new sessions can still be opened;
 *  - TEE_Malloc is bounded by the TA's declared data size;
 *  - a TA that ignores a cancellation is killed after the grace period,
 *    while one that honours it answers TEEC_ERROR_CANCEL and lives on;
 *  - the sessions of a client that dies are closed on the TA side and the
 *    instances they kept alive go away;
 *  - malformed operations are refused with BAD_PARAMETERS, never a crash.
 * Hangs are bounded by alarm(): a hang is a failure, not a stuck CI job.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
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

#include "fault_ta.h"
#include "harness.h"

#define TEST_ALARM_S 60

static struct et_test_inst inst;
static TEEC_Context ctx;
static int ctx_ok;

/* ---- helpers ---------------------------------------------------------- */

/* A hang fails the test: stop our daemon (async-signal-safe) and exit. */
static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "test_faults: a call hung (alarm fired)\n";
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing to do */
	}
	char p[400];
	size_t n = strlen(inst.dir);
	if (n && n + 14 < sizeof(p)) {
		memcpy(p, inst.dir, n);
		memcpy(p + n, "/edgeteed.pid", 14);
		int fd = open(p, O_RDONLY);
		if (fd >= 0) {
			char b[32];
			ssize_t k = read(fd, b, sizeof(b) - 1);
			close(fd);
			int pid = 0;
			for (ssize_t i = 0; i < k && b[i] >= '0' && b[i] <= '9'; i++)
				pid = pid * 10 + (b[i] - '0');
			if (pid > 1)
				kill(pid, SIGTERM);
		}
	}
	_exit(99);
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static TEEC_Result open_uuid(TEEC_Context *c, TEEC_Session *s, const char *uuid,
			     uint32_t *origin)
{
	TEEC_UUID u;
	et_test_uuid(uuid, &u);
	return TEEC_OpenSession(c, s, &u, TEEC_LOGIN_PUBLIC, NULL, NULL, origin);
}

static void open_ok(TEEC_Session *s, const char *uuid)
{
	uint32_t origin = 0;
	TEEC_Result r = open_uuid(&ctx, s, uuid, &origin);
	assert_int_equal(r, TEEC_SUCCESS);
	assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
}

static TEEC_Result ping(TEEC_Session *s, uint32_t *origin)
{
	TEEC_Operation op;
	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = 41;
	TEEC_Result r = TEEC_InvokeCommand(s, FAULT_CMD_PING, &op, origin);
	if (r == TEEC_SUCCESS && op.params[0].value.a != 42)
		return TEEC_ERROR_GENERIC; /* answered, but wrongly */
	return r;
}

static void assert_alive(TEEC_Session *s)
{
	uint32_t origin = 0;
	assert_int_equal(ping(s, &origin), TEEC_SUCCESS);
	assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
}

static void assert_dead(TEEC_Session *s)
{
	uint32_t origin = 0;
	assert_int_equal(ping(s, &origin), TEEC_ERROR_TARGET_DEAD);
	assert_int_equal(origin, TEEC_ORIGIN_TEE);
}

static uint32_t si_close_count(TEEC_Session *si)
{
	TEEC_Operation op;
	uint32_t origin = 0;
	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	assert_int_equal(TEEC_InvokeCommand(si, FAULT_SI_CMD_CLOSE_COUNT, &op, &origin),
			 TEEC_SUCCESS);
	return op.params[0].value.a;
}

/* PIDs of the live instances of one TA, from `edgetee status --json`. */
static int ta_pids(const char *uuid, int *pids, int max)
{
	char cmd[1024], key[80];
	snprintf(cmd, sizeof(cmd), "'%s' status --json --dir '%s'",
		 et_test_bin("edgetee"), inst.dir);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof(buf) - 1, p);
	int st = pclose(p);
	buf[n] = 0;
	if (st != 0 || !strstr(buf, "\"ta_instances\""))
		return -1;
	snprintf(key, sizeof(key), "\"uuid\":\"%s\",\"pid\":", uuid);
	int k = 0;
	for (char *s = buf; (s = strstr(s, key)); s++)
		if (k < max)
			pids[k++] = atoi(s + strlen(key));
	return k;
}

static int has_pid(const int *pids, int n, int pid)
{
	for (int i = 0; i < n; i++)
		if (pids[i] == pid)
			return 1;
	return 0;
}

/* Open a fault_ta session and return the pid of the process serving it. */
static int open_fault_pid(TEEC_Session *s)
{
	int before[64], after[64];
	int nb = ta_pids(FAULT_TA_UUID_STR, before, 64);
	assert_true(nb >= 0);
	open_ok(s, FAULT_TA_UUID_STR);
	int na = ta_pids(FAULT_TA_UUID_STR, after, 64);
	assert_true(na >= 1);
	int pid = 0;
	for (int i = 0; i < na; i++) {
		if (!has_pid(before, nb, after[i])) {
			assert_int_equal(pid, 0); /* exactly one new process */
			pid = after[i];
		}
	}
	assert_true(pid > 0);
	return pid;
}

static int pid_alive(int pid)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/status", pid);
	FILE *f = fopen(p, "r");
	if (!f)
		return 0;
	char line[256];
	int zombie = 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "State:", 6))
			zombie = strchr(line, 'Z') != NULL;
	fclose(f);
	return !zombie;
}

/* The log line the core wrote about the end of TA process pid, or "". */
static void death_line(int pid, char *out, size_t len)
{
	char p[512], key[96], line[4096];
	snprintf(p, sizeof(p), "%s/edgeteed.log", inst.dir);
	snprintf(key, sizeof(key), "TA %s pid %d: ", FAULT_TA_UUID_STR, pid);
	out[0] = 0;
	FILE *f = fopen(p, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, key) && !strstr(line, "started instance")) {
			snprintf(out, len, "%s", line);
			break;
		}
	}
	fclose(f);
}

/* ---- fixtures --------------------------------------------------------- */

static int group_up(void **state)
{
	(void)state;
	signal(SIGALRM, on_alarm);
	signal(SIGPIPE, SIG_IGN);
	if (et_test_up(&inst))
		return -1;
	if (TEEC_InitializeContext(NULL, &ctx) != TEEC_SUCCESS)
		return -1;
	ctx_ok = 1;
	return 0;
}

static int group_down(void **state)
{
	(void)state;
	alarm(0);
	if (ctx_ok)
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
	alarm(0);
	return 0;
}

/* ---- 1. crashes and sandbox violations --------------------------------- */

enum death { BY_SIGNAL, BY_EXIT, BY_SANDBOX };

static void crash_case(uint32_t cmd, enum death how, int signo)
{
	TEEC_Session victim, other, si, fresh;
	uint32_t origin = 0;

	int vpid = open_fault_pid(&victim);
	int opid = open_fault_pid(&other);
	assert_int_not_equal(vpid, opid); /* multi-instance: own processes */
	open_ok(&si, FAULT_TA_SI_UUID_STR);
	assert_alive(&victim);

	uint64_t t0 = now_ms();
	TEEC_Result r = TEEC_InvokeCommand(&victim, cmd, NULL, &origin);
	assert_int_equal(r, TEEC_ERROR_TARGET_DEAD);
	assert_int_equal(origin, TEEC_ORIGIN_TEE);
	assert_true(now_ms() - t0 < 10000);

	/* Dead stays dead, and says so at once. */
	t0 = now_ms();
	assert_dead(&victim);
	r = TEEC_InvokeCommand(&victim, cmd, NULL, &origin);
	assert_int_equal(r, TEEC_ERROR_TARGET_DEAD);
	assert_int_equal(origin, TEEC_ORIGIN_TEE);
	assert_true(now_ms() - t0 < 2000);

	/* Nobody else noticed. */
	assert_alive(&other);
	assert_alive(&si);
	assert_true(pid_alive(opid));

	/* The core says why the process ended. */
	char line[4096];
	death_line(vpid, line, sizeof(line));
	print_message("victim pid %d: %s", vpid, line[0] ? line : "(no log line)\n");
	assert_true(line[0] != 0);
	char want[64];
	if (how == BY_EXIT) {
		assert_non_null(strstr(line, "exited with status"));
	} else {
		snprintf(want, sizeof(want), "killed by signal %d ", signo);
		assert_non_null(strstr(line, want));
	}
	if (how == BY_SANDBOX)
		assert_non_null(strstr(line, "sandbox violation"));
	else
		assert_null(strstr(line, "sandbox violation"));
	if (how == BY_SANDBOX)
		assert_true(et_test_log_has(&inst, "sandbox violation"));

	TEEC_CloseSession(&victim);

	/* The core still serves: a new instance of the same TA works. */
	open_ok(&fresh, FAULT_TA_UUID_STR);
	assert_alive(&fresh);
	TEEC_CloseSession(&fresh);
	TEEC_CloseSession(&other);
	assert_alive(&si);
	TEEC_CloseSession(&si);
}

static void test_crash_segfault(void **state)
{
	(void)state;
	crash_case(FAULT_CMD_SEGFAULT, BY_SIGNAL, SIGSEGV);
}

static void test_crash_abort(void **state)
{
	(void)state;
	crash_case(FAULT_CMD_ABORT, BY_SIGNAL, SIGABRT);
}

static void test_crash_panic(void **state)
{
	(void)state;
	crash_case(FAULT_CMD_PANIC, BY_EXIT, 0);
}

static void test_sandbox_open(void **state)
{
	(void)state;
	crash_case(FAULT_CMD_FORBIDDEN_SYSCALL, BY_SANDBOX, SIGSYS);
}

static void test_sandbox_socket(void **state)
{
	(void)state;
	crash_case(FAULT_CMD_FORBIDDEN_SOCKET, BY_SANDBOX, SIGSYS);
}

static void test_sandbox_exec(void **state)
{
	(void)state;
	crash_case(FAULT_CMD_FORBIDDEN_EXEC, BY_SANDBOX, SIGSYS);
}

/* ---- 2. heap limit ------------------------------------------------------ */

static uint32_t heap_exhaust(TEEC_Session *s)
{
	TEEC_Operation op;
	uint32_t origin = 0;
	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = 0xdeadbeef;
	assert_int_equal(TEEC_InvokeCommand(s, FAULT_CMD_HEAP_EXHAUST, &op, &origin),
			 TEEC_SUCCESS);
	assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
	return op.params[0].value.a;
}

static void test_heap_limit(void **state)
{
	(void)state;
	TEEC_Session s;
	uint32_t origin = 0;
	open_ok(&s, FAULT_TA_UUID_STR);

	uint32_t n = heap_exhaust(&s);
	print_message("64 KiB blocks within a 256 KiB TA_DATA_SIZE: %u\n", n);
	assert_true(n > 0);
	assert_true(n < FAULT_TA_DATA_SIZE / (64 * 1024) + 1);
	/* TEE_Free gave the budget back: the same again. */
	assert_int_equal(heap_exhaust(&s), n);

	TEEC_Result r = TEEC_InvokeCommand(&s, FAULT_CMD_HEAP_OVER, NULL, &origin);
	assert_int_equal(r, TEEC_ERROR_OUT_OF_MEMORY);
	assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
	assert_alive(&s);
	assert_int_equal(heap_exhaust(&s), n);
	TEEC_CloseSession(&s);
}

/* ---- 3./4. cancellation -------------------------------------------------- */

struct invoker {
	TEEC_Session *s;
	uint32_t cmd;
	TEEC_Operation op;
	TEEC_Result r;
	uint32_t origin;
	int done;
};

static void *invoke_thread(void *arg)
{
	struct invoker *iv = arg;
	iv->r = TEEC_InvokeCommand(iv->s, iv->cmd, &iv->op, &iv->origin);
	__atomic_store_n(&iv->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/*
 * Start cmd in a thread, wait until the invocation has started, then
 * request cancellation (again every interval_ms, in case the first request
 * raced with the start) until the call returns or limit_ms has passed.
 * Returns how long the call took after the first request.
 */
static uint64_t invoke_and_cancel(struct invoker *iv, unsigned interval_ms,
				  unsigned limit_ms)
{
	pthread_t t;
	memset(&iv->op, 0, sizeof(iv->op));
	iv->op.started = 0;
	iv->op.paramTypes = TEEC_PARAM_TYPES(TEEC_NONE, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	iv->done = 0;
	assert_int_equal(pthread_create(&t, NULL, invoke_thread, iv), 0);
	uint64_t t0 = now_ms();
	while (!__atomic_load_n(&iv->op.started, __ATOMIC_SEQ_CST) &&
	       now_ms() - t0 < 5000)
		sleep_ms(5);
	assert_true(__atomic_load_n(&iv->op.started, __ATOMIC_SEQ_CST));
	sleep_ms(200);
	assert_false(__atomic_load_n(&iv->done, __ATOMIC_SEQ_CST)); /* it must be busy */
	uint64_t c0 = now_ms(), last = 0;
	while (!__atomic_load_n(&iv->done, __ATOMIC_SEQ_CST) &&
	       now_ms() - c0 < limit_ms) {
		if (!last || now_ms() - last >= interval_ms) {
			TEEC_RequestCancellation(&iv->op);
			last = now_ms();
		}
		sleep_ms(10);
	}
	uint64_t took = now_ms() - c0;
	assert_true(__atomic_load_n(&iv->done, __ATOMIC_SEQ_CST));
	pthread_join(t, NULL);
	return took;
}

static void test_cancel_runaway_loop(void **state)
{
	(void)state;
	TEEC_Session victim, si, other;
	setenv("EDGETEE_CANCEL_GRACE_MS", "300", 1);
	int vpid = open_fault_pid(&victim);
	open_ok(&other, FAULT_TA_UUID_STR);
	open_ok(&si, FAULT_TA_SI_UUID_STR);

	/* Requests 1 s apart: each one restarts the 300 ms grace period. */
	struct invoker iv = {.s = &victim, .cmd = FAULT_CMD_LOOP_FOREVER};
	uint64_t took = invoke_and_cancel(&iv, 1000, 10000);
	print_message("runaway TA ended %llu ms after the cancellation request\n",
		      (unsigned long long)took);
	assert_int_equal(iv.r, TEEC_ERROR_TARGET_DEAD);
	assert_int_equal(iv.origin, TEEC_ORIGIN_TEE);
	assert_dead(&victim);

	char line[4096];
	death_line(vpid, line, sizeof(line));
	assert_true(line[0] != 0);
	assert_true(et_test_log_has(&inst, "killed after cancellation timed out"));
	assert_false(pid_alive(vpid));

	assert_alive(&other);
	assert_alive(&si);
	TEEC_CloseSession(&victim);
	TEEC_CloseSession(&other);
	TEEC_CloseSession(&si);
	unsetenv("EDGETEE_CANCEL_GRACE_MS");
}

static void test_cancel_cooperative(void **state)
{
	(void)state;
	TEEC_Session s;
	/* Generous: a TA that honours the request must never be killed. */
	setenv("EDGETEE_CANCEL_GRACE_MS", "5000", 1);
	int pid = open_fault_pid(&s);

	struct invoker iv = {.s = &s, .cmd = FAULT_CMD_WAIT_CANCELLABLE};
	invoke_and_cancel(&iv, 500, 10000);
	assert_int_equal(iv.r, TEEC_ERROR_CANCEL);
	assert_int_equal(iv.origin, TEEC_ORIGIN_TRUSTED_APP);
	assert_alive(&s);
	assert_true(pid_alive(pid));

	/* A later, uncancelled wait runs to its end. */
	TEEC_Operation op;
	uint32_t origin = 0;
	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = 50;
	assert_int_equal(TEEC_InvokeCommand(&s, FAULT_CMD_SLEEP_MS, &op, &origin),
			 TEEC_SUCCESS);
	assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
	TEEC_CloseSession(&s);
	unsetenv("EDGETEE_CANCEL_GRACE_MS");
}

/*
 * A long invocation on one session must not stall the rest of the client:
 * while it runs, the same context can still allocate and release unrelated
 * shared memory, open, use and close other sessions.
 */
static void test_slow_invoke_isolated(void **state)
{
	(void)state;
	TEEC_Session slow, other;
	pthread_t t;
	open_ok(&slow, FAULT_TA_UUID_STR);
	struct invoker iv = {.s = &slow, .cmd = FAULT_CMD_SLEEP_MS};
	iv.op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	iv.op.params[0].value.a = 3000;
	assert_int_equal(pthread_create(&t, NULL, invoke_thread, &iv), 0);
	uint64_t t0 = now_ms();
	while (!__atomic_load_n(&iv.op.started, __ATOMIC_SEQ_CST) && now_ms() - t0 < 5000)
		sleep_ms(5);
	sleep_ms(200);
	assert_false(__atomic_load_n(&iv.done, __ATOMIC_SEQ_CST));

	t0 = now_ms();
	open_ok(&other, FAULT_TA_UUID_STR);
	assert_alive(&other);
	TEEC_CloseSession(&other);
	uint64_t sess_ms = now_ms() - t0;
	/* Shared memory the slow operation does not use. */
	t0 = now_ms();
	TEEC_SharedMemory sm;
	memset(&sm, 0, sizeof(sm));
	sm.size = 4096;
	sm.flags = TEEC_MEM_INPUT;
	assert_int_equal(TEEC_AllocateSharedMemory(&ctx, &sm), TEEC_SUCCESS);
	TEEC_ReleaseSharedMemory(&sm);
	uint64_t shm_ms = now_ms() - t0;
	print_message("during a 3 s invocation: open+ping+close %llu ms, "
		      "shm alloc+release %llu ms\n",
		      (unsigned long long)sess_ms, (unsigned long long)shm_ms);
	pthread_join(t, NULL);
	assert_int_equal(iv.r, TEEC_SUCCESS);
	assert_int_equal(iv.origin, TEEC_ORIGIN_TRUSTED_APP);
	TEEC_CloseSession(&slow);
	assert_true(sess_ms < 1500);
	assert_true(shm_ms < 1500);
}

/* ---- 5. client dies mid-session ------------------------------------------ */

static void child_main(int up, int hold)
{
	alarm(30);
	TEEC_Context c;
	TEEC_Session a, b;
	uint32_t origin;
	char res = 'x';
	if (TEEC_InitializeContext(NULL, &c) == TEEC_SUCCESS &&
	    open_uuid(&c, &a, FAULT_TA_SI_UUID_STR, &origin) == TEEC_SUCCESS &&
	    open_uuid(&c, &b, FAULT_TA_UUID_STR, &origin) == TEEC_SUCCESS &&
	    ping(&a, &origin) == TEEC_SUCCESS && ping(&b, &origin) == TEEC_SUCCESS)
		res = 'k';
	if (write(up, &res, 1) != 1)
		_exit(2);
	char x;
	/* Wait to be killed, sessions open. */
	if (read(hold, &x, 1) < 0)
		_exit(3);
	_exit(0);
}

static void test_client_dies(void **state)
{
	(void)state;
	TEEC_Session si;
	open_ok(&si, FAULT_TA_SI_UUID_STR);
	uint32_t c0 = si_close_count(&si);
	int pids0[64], pids1[64], pids2[64];
	int n0 = ta_pids(FAULT_TA_UUID_STR, pids0, 64);
	assert_true(n0 >= 0);
	int total0 = et_test_ta_count(&inst);

	int up[2], hold[2];
	assert_int_equal(pipe(up), 0);
	assert_int_equal(pipe(hold), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(up[0]);
		close(hold[1]);
		child_main(up[1], hold[0]);
	}
	close(up[1]);
	close(hold[0]);
	char res = 0;
	ssize_t got = read(up[0], &res, 1);
	close(up[0]);
	assert_int_equal(got, 1);
	assert_int_equal(res, 'k');

	/* The child's fault_ta session is a new process; fault_ta_si is shared. */
	int n1 = ta_pids(FAULT_TA_UUID_STR, pids1, 64);
	assert_int_equal(n1, n0 + 1);
	int cpid = 0;
	for (int i = 0; i < n1; i++)
		if (!has_pid(pids0, n0, pids1[i]))
			cpid = pids1[i];
	assert_true(cpid > 0);
	assert_int_equal(et_test_ta_count(&inst), total0 + 1);

	kill(pid, SIGKILL);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	close(hold[1]);

	/* The core closes the dead client's sessions: the close entry point
	 * of the shared instance runs once, within a bounded time. */
	uint32_t c = c0;
	uint64_t t0 = now_ms();
	while ((c = si_close_count(&si)) == c0 && now_ms() - t0 < 3000)
		sleep_ms(20);
	assert_int_equal(c, c0 + 1);

	/* ... and the child's fault_ta instance, with no session left, ends. */
	int n2 = -1, gone = 0;
	t0 = now_ms();
	while (now_ms() - t0 < 3000) {
		n2 = ta_pids(FAULT_TA_UUID_STR, pids2, 64);
		gone = n2 >= 0 && !has_pid(pids2, n2, cpid) && !pid_alive(cpid);
		if (gone)
			break;
		sleep_ms(20);
	}
	assert_true(gone);
	assert_int_equal(n2, n0);
	assert_int_equal(et_test_ta_count(&inst), total0);
	assert_int_equal(si_close_count(&si), c0 + 1);
	assert_alive(&si);
	TEEC_CloseSession(&si);
}

/* ---- 6. malformed operations ---------------------------------------------- */

static void expect_bad(TEEC_Session *s, uint32_t cmd, TEEC_Operation *op,
		       uint32_t want_origin)
{
	uint32_t origin = 0;
	assert_int_equal(TEEC_InvokeCommand(s, cmd, op, &origin),
			 TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, want_origin);
}

static void test_bad_parameters(void **state)
{
	(void)state;
	TEEC_Session s;
	TEEC_Operation op;
	uint32_t origin = 0;
	TEEC_Result r;
	char buf[64];
	open_ok(&s, FAULT_TA_UUID_STR);

	/* Temporary memref: NULL buffer with a size. */
	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = NULL;
	op.params[0].tmpref.size = 16;
	expect_bad(&s, FAULT_CMD_PING, &op, TEEC_ORIGIN_API);

	/* Partial memrefs outside a 4 KiB shared block. */
	TEEC_SharedMemory sm;
	memset(&sm, 0, sizeof(sm));
	sm.size = 4096;
	sm.flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT;
	assert_int_equal(TEEC_AllocateSharedMemory(&ctx, &sm), TEEC_SUCCESS);
	static const struct {
		size_t offset, size;
	} outside[] = {
	    {4000, 200},	  {4096, 1},	    {0, 4097},	   {1, 4096},
	    {SIZE_MAX, 0},	  {SIZE_MAX, 1},    {0, SIZE_MAX}, {1, SIZE_MAX},
	    {SIZE_MAX, SIZE_MAX}, {4095, SIZE_MAX},
	};
	for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
		memset(&op, 0, sizeof(op));
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INOUT, TEEC_NONE,
						 TEEC_NONE, TEEC_NONE);
		op.params[0].memref.parent = &sm;
		op.params[0].memref.offset = outside[i].offset;
		op.params[0].memref.size = outside[i].size;
		print_message("partial memref offset %zu size %zu\n", outside[i].offset,
			      outside[i].size);
		expect_bad(&s, FAULT_CMD_PING, &op, TEEC_ORIGIN_API);
	}
	/* Control: the whole block is fine as far as the API goes, so the TA
	 * itself answers (PING wants a value, hence BAD_PARAMETERS from it). */
	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].memref.parent = &sm;
	op.params[0].memref.offset = 96;
	op.params[0].memref.size = 4000;
	expect_bad(&s, FAULT_CMD_PING, &op, TEEC_ORIGIN_TRUSTED_APP);

	/* Temporary memref of SIZE_MAX bytes on a real buffer: refused, no crash. */
	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = buf;
	op.params[0].tmpref.size = SIZE_MAX;
	r = TEEC_InvokeCommand(&s, FAULT_CMD_PING, &op, &origin);
	print_message("SIZE_MAX temporary memref: 0x%08x origin %u\n", r, origin);
	assert_int_not_equal(r, TEEC_SUCCESS);
	assert_true(r == TEEC_ERROR_OUT_OF_MEMORY || r == TEEC_ERROR_BAD_PARAMETERS);
	assert_alive(&s);
	/* Two large ones whose sum overflows. */
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_MEMREF_TEMP_INPUT,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = buf;
	op.params[0].tmpref.size = SIZE_MAX / 2;
	op.params[1].tmpref.buffer = buf;
	op.params[1].tmpref.size = SIZE_MAX / 2 + 64;
	r = TEEC_InvokeCommand(&s, FAULT_CMD_PING, &op, &origin);
	assert_true(r == TEEC_ERROR_OUT_OF_MEMORY || r == TEEC_ERROR_BAD_PARAMETERS);
	assert_alive(&s);

	/* Types the TA does not accept: its own BAD_PARAMETERS. */
	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	assert_int_equal(TEEC_InvokeCommand(&s, FAULT_CMD_CHECK_PARAMS, &op, &origin),
			 TEEC_SUCCESS);
	assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
	static const uint32_t wrong[] = {
	    TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE),
	    TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE),
	    TEEC_PARAM_TYPES(TEEC_NONE, TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE),
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE),
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_VALUE_OUTPUT),
	    TEEC_PARAM_TYPES(TEEC_NONE, TEEC_NONE, TEEC_NONE, TEEC_NONE),
	};
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		memset(&op, 0, sizeof(op));
		op.paramTypes = wrong[i];
		expect_bad(&s, FAULT_CMD_CHECK_PARAMS, &op, TEEC_ORIGIN_TRUSTED_APP);
	}
	expect_bad(&s, FAULT_CMD_CHECK_PARAMS, NULL, TEEC_ORIGIN_TRUSTED_APP);

	/* Type nibbles the API does not define, in the first and the last slot. */
	static const uint32_t invalid[] = {0x4, 0x8, 0x9, 0xA, 0xB};
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		memset(&op, 0, sizeof(op));
		op.paramTypes =
		    TEEC_PARAM_TYPES(invalid[i], TEEC_NONE, TEEC_NONE, TEEC_NONE);
		expect_bad(&s, FAULT_CMD_CHECK_PARAMS, &op, TEEC_ORIGIN_API);
		op.paramTypes =
		    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, invalid[i]);
		expect_bad(&s, FAULT_CMD_CHECK_PARAMS, &op, TEEC_ORIGIN_API);
	}
	/* Bits above the four nibbles. */
	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE) | 0x10000;
	r = TEEC_InvokeCommand(&s, FAULT_CMD_CHECK_PARAMS, &op, &origin);
	assert_true(r == TEEC_SUCCESS || r == TEEC_ERROR_BAD_PARAMETERS);

	/* Registered memrefs without a usable parent. */
	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].memref.parent = NULL;
	expect_bad(&s, FAULT_CMD_PING, &op, TEEC_ORIGIN_API);
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	expect_bad(&s, FAULT_CMD_PING, &op, TEEC_ORIGIN_API);
	TEEC_SharedMemory never;
	memset(&never, 0, sizeof(never));
	never.size = 64;
	never.flags = TEEC_MEM_INPUT;
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].memref.parent = &never; /* never allocated */
	expect_bad(&s, FAULT_CMD_PING, &op, TEEC_ORIGIN_API);
	/* Direction the block was not allocated for. */
	TEEC_SharedMemory in_only;
	memset(&in_only, 0, sizeof(in_only));
	in_only.size = 64;
	in_only.flags = TEEC_MEM_INPUT;
	assert_int_equal(TEEC_AllocateSharedMemory(&ctx, &in_only), TEEC_SUCCESS);
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].memref.parent = &in_only;
	op.params[0].memref.offset = 0;
	op.params[0].memref.size = 8;
	expect_bad(&s, FAULT_CMD_PING, &op, TEEC_ORIGIN_API);
	/* Released block. */
	TEEC_ReleaseSharedMemory(&in_only);
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	expect_bad(&s, FAULT_CMD_PING, &op, TEEC_ORIGIN_API);

	/* No session, or one that was never opened. */
	origin = 0;
	assert_int_equal(TEEC_InvokeCommand(NULL, FAULT_CMD_PING, NULL, &origin),
			 TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEEC_ORIGIN_API);
	assert_int_equal(TEEC_InvokeCommand(NULL, FAULT_CMD_PING, NULL, NULL),
			 TEEC_ERROR_BAD_PARAMETERS);
	TEEC_Session blank;
	memset(&blank, 0, sizeof(blank));
	origin = 0;
	assert_int_equal(TEEC_InvokeCommand(&blank, FAULT_CMD_PING, NULL, &origin),
			 TEEC_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEEC_ORIGIN_API);
	TEEC_RequestCancellation(NULL);

	/* After all that, the session and the daemon still work. */
	assert_alive(&s);
	TEEC_ReleaseSharedMemory(&sm);
	TEEC_CloseSession(&s);
	TEEC_Session s2;
	open_ok(&s2, FAULT_TA_UUID_STR);
	assert_alive(&s2);
	TEEC_CloseSession(&s2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_crash_segfault, test_setup,
					    test_teardown),
	    cmocka_unit_test_setup_teardown(test_crash_abort, test_setup, test_teardown),
	    cmocka_unit_test_setup_teardown(test_crash_panic, test_setup, test_teardown),
	    cmocka_unit_test_setup_teardown(test_sandbox_open, test_setup, test_teardown),
	    cmocka_unit_test_setup_teardown(test_sandbox_socket, test_setup,
					    test_teardown),
	    cmocka_unit_test_setup_teardown(test_sandbox_exec, test_setup, test_teardown),
	    cmocka_unit_test_setup_teardown(test_heap_limit, test_setup, test_teardown),
	    cmocka_unit_test_setup_teardown(test_cancel_runaway_loop, test_setup,
					    test_teardown),
	    cmocka_unit_test_setup_teardown(test_cancel_cooperative, test_setup,
					    test_teardown),
	    cmocka_unit_test_setup_teardown(test_slow_invoke_isolated, test_setup,
					    test_teardown),
	    cmocka_unit_test_setup_teardown(test_client_dies, test_setup, test_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_parameters, test_setup,
					    test_teardown),
	};
	return cmocka_run_group_tests(tests, group_up, group_down);
}
