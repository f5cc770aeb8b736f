/*
 * edgetee bench: the benchmarks of the `edgetee` tool. `bench invoke`
 * measures what one TEE round trip costs against the machine's own limit:
 * a two-process ping-pong over a shared page with the same doorbell ("raw
 * IPC"), then null / value / memref invocations, warm session open and
 * close, and cold open (a new TA process each time), all on a private
 * instance that is started for the run and removed afterwards.
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_cold_ta.h"
#include "bench_ta.h"
#include "bench_util.h"
#include "cli.h"
#include "doorbell.h"
#include "iperf_cmd.h"
#include "tee_client_api.h"
#include "et_util.h"

#define KIB 1024u
#define MIB (1024u * 1024u)

/* Set by SIGINT/SIGTERM/SIGHUP: loops stop and the instance is still torn down. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* ---- results ------------------------------------------------------------ */

enum {
	R_RAW,
	R_RAW_SLEEP,
	R_NULL,
	R_VALUE,
	R_TEMP_4K,
	R_TEMP_1M,
	R_WHOLE_1M,
	R_OPEN_WARM,
	R_CLOSE,
	R_OPEN_COLD,
	R_COUNT
};

struct result {
	const char *key;  /* JSON prefix: <key>_p50_us, <key>_p99_us */
	const char *name; /* table row */
	struct bu_samples s;
	struct bu_stats st;
};

static struct result res[R_COUNT] = {
    [R_RAW] = {"raw_ipc", "raw IPC (spin)"},
    [R_RAW_SLEEP] = {"raw_ipc_sleep", "raw IPC (sleep)"},
    [R_NULL] = {"null_invoke", "null invoke"},
    [R_VALUE] = {"value_inout", "VALUE_INOUT invoke"},
    [R_TEMP_4K] = {"temp_4k", "TEMP memref INOUT 4 KiB"},
    [R_TEMP_1M] = {"temp_1mib", "TEMP memref INOUT 1 MiB"},
    [R_WHOLE_1M] = {"whole_1mib", "WHOLE memref 1 MiB"},
    [R_OPEN_WARM] = {"open_session_warm", "OpenSession (warm)"},
    [R_CLOSE] = {"close_session", "CloseSession (warm)"},
    [R_OPEN_COLD] = {"open_session_cold", "OpenSession (cold)"},
};

struct cfg {
	size_t n_inv, n_mib, n_cold; /* measured iterations per kind of case */
	int quick;
	const char *json;
	const char *csv;  /* case,p50_us,p99_us for the plot (bench/invoke.gp) */
	uint64_t spin_ns; /* the doorbell's budget, as the invoke path uses it */
	long nproc;
	double busy_pct; /* CPU busy before the run (other load), -1 unknown */
};

/* Warm-up: enough to fault in buffers, start the TA and settle the caches. */
static size_t warmup(size_t n)
{
	size_t w = n / 10;
	return w < 10 ? 10 : w;
}

/* ---- progress ----------------------------------------------------------- */

#define NCASES 9
static int case_no;

static void progress(const char *name, size_t n)
{
	bu_progress_begin(++case_no, NCASES, name, n);
}

/* ---- raw IPC: the doorbell with no TEE on either side -------------------- */

/*
 * Same shape as the mailbox: the word the parent rings and the child's
 * sleeping flag share one cache line, the answer and the parent's flag
 * another, so the cache-line traffic per round trip matches an invocation.
 */
struct pingpong {
	_Atomic uint32_t ping; /* parent -> child: round number */
	_Atomic uint32_t child_sleeping;
	_Atomic uint32_t stop;
	char pad0[52];
	_Atomic uint32_t pong; /* child -> parent: the round echoed */
	_Atomic uint32_t parent_sleeping;
	char pad1[56];
};

static _Noreturn void pong_child(struct pingpong *pp, uint64_t spin_ns, pid_t parent)
{
	/* Never outlive the benchmark, whatever happens to it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	signal(SIGINT, SIG_IGN);
	uint32_t last = 0;
	/* The same adaptive spin as the TEE's own session threads. */
	struct et_spin sp;
	et_spin_init_max(&sp, spin_ns);
	for (;;) {
		et_bell_wait_adaptive(&pp->ping, last, &pp->child_sleeping, &pp->stop,
				      &sp, -1);
		if (atomic_load(&pp->stop))
			_exit(0);
		last = atomic_load_explicit(&pp->ping, memory_order_acquire);
		et_bell_ring(&pp->pong, last, &pp->parent_sleeping);
	}
}

static int raw_ipc(uint64_t spin_ns, size_t n, struct bu_samples *out)
{
	int fd = memfd_create("edgetee-bench-pingpong", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 4096)) {
		perror("edgetee bench: memfd");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct pingpong *pp = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (pp == MAP_FAILED) {
		perror("edgetee bench: mmap");
		return -1;
	}
	fflush(NULL);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		perror("edgetee bench: fork");
		munmap(pp, 4096);
		return -1;
	}
	if (pid == 0)
		pong_child(pp, spin_ns, parent);

	int rc = 0;
	size_t warm = warmup(n);
	uint32_t seq = 0;
	struct et_spin sp;
	et_spin_init_max(&sp, spin_ns);
	for (size_t i = 0; i < warm + n; i++) {
		seq++;
		uint64_t t0 = et_now_ns();
		et_bell_ring(&pp->ping, seq, &pp->child_sleeping);
		/* A bounded wait: a dead child must not hang the benchmark. */
		int w = et_bell_wait_adaptive(&pp->pong, seq - 1, &pp->parent_sleeping,
					      NULL, &sp, 5000);
		uint64_t t1 = et_now_ns();
		if (w || atomic_load(&pp->pong) != seq) {
			fprintf(stderr,
				"edgetee bench: raw IPC peer stopped answering\n");
			rc = -1;
			break;
		}
		if (i >= warm)
			bu_record(out, t1 - t0);
		if (interrupted) {
			rc = -1;
			break;
		}
	}
	/* Stop, then ring: a child between its last check and FUTEX_WAIT sees
	 * the word change, so it cannot sleep through the stop. */
	atomic_store(&pp->stop, 1);
	et_bell_ring(&pp->ping, seq + 1, &pp->child_sleeping);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	munmap(pp, 4096);
	return rc;
}

/* ---- TEE cases -------------------------------------------------------- */

static int failed(TEEC_Result r, uint32_t origin, const char *what)
{
	fprintf(stderr, "edgetee bench: %s failed: 0x%08x (origin %u)\n", what, r,
		origin);
	return -1;
}

enum inv_kind { K_NULL, K_VALUE, K_TEMP, K_WHOLE };

/*
 * Times TEEC_InvokeCommand alone; setting up the operation and checking the
 * TA's answer (so that a broken path cannot post good numbers) is outside
 * the timed region.
 */
static int invoke_case(TEEC_Session *s, enum inv_kind k, unsigned char *buf, size_t size,
		       TEEC_SharedMemory *shm, size_t n, struct bu_samples *out,
		       const char *what)
{
	size_t warm = warmup(n);
	for (size_t i = 0; i < warm + n; i++) {
		TEEC_Operation op;
		TEEC_Operation *opp = &op;
		uint32_t cmd = BENCH_CMD_MEMREF;
		unsigned char first = 0;
		memset(&op, 0, sizeof(op));
		switch (k) {
		case K_NULL:
			opp = NULL;
			cmd = BENCH_CMD_NULL;
			break;
		case K_VALUE:
			cmd = BENCH_CMD_VALUE;
			op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE,
							 TEEC_NONE, TEEC_NONE);
			op.params[0].value.a = (uint32_t)i;
			break;
		case K_TEMP:
			op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INOUT,
							 TEEC_NONE, TEEC_NONE, TEEC_NONE);
			op.params[0].tmpref.buffer = buf;
			op.params[0].tmpref.size = size;
			first = buf[0];
			break;
		case K_WHOLE:
			op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_NONE,
							 TEEC_NONE, TEEC_NONE);
			op.params[0].memref.parent = shm;
			first = ((unsigned char *)shm->buffer)[0];
			break;
		}
		uint32_t origin = 0;
		uint64_t t0 = et_now_ns();
		TEEC_Result r = TEEC_InvokeCommand(s, cmd, opp, &origin);
		uint64_t t1 = et_now_ns();
		if (r != TEEC_SUCCESS)
			return failed(r, origin, what);
		int ok = 1;
		if (k == K_VALUE)
			ok = op.params[0].value.a == (uint32_t)i + 1;
		else if (k == K_TEMP)
			ok = buf[0] == (first ^ 1) && op.params[0].tmpref.size == size;
		else if (k == K_WHOLE)
			ok = ((unsigned char *)shm->buffer)[0] == (first ^ 1);
		if (!ok) {
			fprintf(stderr, "edgetee bench: %s: the TA's answer is wrong\n",
				what);
			return -1;
		}
		if (i >= warm)
			bu_record(out, t1 - t0);
		if (interrupted)
			return -1;
	}
	return 0;
}

static const TEEC_UUID bench_uuid = BENCH_TA_UUID;
static const TEEC_UUID cold_uuid = BENCH_COLD_TA_UUID;

/* Warm open: the bench TA's instance lives on (another session holds it). */
static int open_warm_case(TEEC_Context *ctx, size_t n)
{
	size_t warm = warmup(n);
	for (size_t i = 0; i < warm + n; i++) {
		TEEC_Session s;
		uint32_t origin = 0;
		uint64_t t0 = et_now_ns();
		TEEC_Result r = TEEC_OpenSession(ctx, &s, &bench_uuid, TEEC_LOGIN_PUBLIC,
						 NULL, NULL, &origin);
		uint64_t t1 = et_now_ns();
		if (r != TEEC_SUCCESS)
			return failed(r, origin, "OpenSession (warm)");
		TEEC_CloseSession(&s);
		uint64_t t2 = et_now_ns();
		if (i >= warm) {
			bu_record(&res[R_OPEN_WARM].s, t1 - t0);
			bu_record(&res[R_CLOSE].s, t2 - t1);
		}
		if (interrupted)
			return -1;
	}
	return 0;
}

/*
 * Cold open: the cold TA is not single-instance, so each OpenSession forks,
 * execs and loads a new TA process. The TA counts its sessions; anything but
 * 1 means a process was reused and the number would not be a cold start.
 */
static int open_cold_case(TEEC_Context *ctx, size_t n)
{
	size_t warm = 3; /* the first open also reads and verifies the .ta file */
	for (size_t i = 0; i < warm + n; i++) {
		TEEC_Session s;
		uint32_t origin = 0;
		uint64_t t0 = et_now_ns();
		TEEC_Result r = TEEC_OpenSession(ctx, &s, &cold_uuid, TEEC_LOGIN_PUBLIC,
						 NULL, NULL, &origin);
		uint64_t t1 = et_now_ns();
		if (r != TEEC_SUCCESS)
			return failed(r, origin, "OpenSession (cold)");
		TEEC_Operation op;
		memset(&op, 0, sizeof(op));
		op.paramTypes =
		    TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
		r = TEEC_InvokeCommand(&s, BENCH_COLD_CMD_OPENS, &op, &origin);
		TEEC_CloseSession(&s);
		if (r != TEEC_SUCCESS)
			return failed(r, origin, "cold TA session count");
		if (op.params[0].value.a != 1) {
			fprintf(stderr,
				"edgetee bench: cold TA process served %u sessions: "
				"OpenSession did not start a new process\n",
				op.params[0].value.a);
			return -1;
		}
		if (i >= warm)
			bu_record(&res[R_OPEN_COLD].s, t1 - t0);
		if (interrupted)
			return -1;
		/* Let the previous process finish exiting, so that its teardown
		 * does not compete with the next start on a small machine. */
		nanosleep(&(struct timespec){0, 5 * 1000 * 1000}, NULL);
	}
	return 0;
}

static int tee_cases(const struct cfg *c, const char *sock)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_SharedMemory shm;
	unsigned char *buf = NULL;
	int ctx_ok = 0, sess_ok = 0, shm_ok = 0, rc = -1;
	uint32_t origin = 0;

	TEEC_Result r = TEEC_InitializeContext(sock, &ctx);
	if (r != TEEC_SUCCESS) {
		failed(r, TEEC_ORIGIN_API, "InitializeContext");
		goto out;
	}
	ctx_ok = 1;
	r = TEEC_OpenSession(&ctx, &s, &bench_uuid, TEEC_LOGIN_PUBLIC, NULL, NULL,
			     &origin);
	if (r != TEEC_SUCCESS) {
		failed(r, origin, "OpenSession (bench TA)");
		goto out;
	}
	sess_ok = 1;
	buf = calloc(1, MIB);
	memset(&shm, 0, sizeof(shm));
	shm.size = MIB;
	shm.flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT;
	if (!buf || TEEC_AllocateSharedMemory(&ctx, &shm) != TEEC_SUCCESS) {
		fprintf(stderr, "edgetee bench: out of memory\n");
		goto out;
	}
	shm_ok = 1;
	memset(shm.buffer, 0, MIB);

	progress(res[R_NULL].name, c->n_inv);
	if (invoke_case(&s, K_NULL, NULL, 0, NULL, c->n_inv, &res[R_NULL].s,
			"null invoke"))
		goto out;
	bu_progress_end(1);
	progress(res[R_VALUE].name, c->n_inv);
	if (invoke_case(&s, K_VALUE, NULL, 0, NULL, c->n_inv, &res[R_VALUE].s,
			"VALUE_INOUT invoke"))
		goto out;
	bu_progress_end(1);
	progress(res[R_TEMP_4K].name, c->n_inv);
	if (invoke_case(&s, K_TEMP, buf, 4 * KIB, NULL, c->n_inv, &res[R_TEMP_4K].s,
			"TEMP 4 KiB invoke"))
		goto out;
	bu_progress_end(1);
	progress(res[R_TEMP_1M].name, c->n_mib);
	if (invoke_case(&s, K_TEMP, buf, MIB, NULL, c->n_mib, &res[R_TEMP_1M].s,
			"TEMP 1 MiB invoke"))
		goto out;
	bu_progress_end(1);
	progress(res[R_WHOLE_1M].name, c->n_mib);
	if (invoke_case(&s, K_WHOLE, NULL, 0, &shm, c->n_mib, &res[R_WHOLE_1M].s,
			"WHOLE 1 MiB invoke"))
		goto out;
	bu_progress_end(1);
	progress("OpenSession + CloseSession (warm)", c->n_inv);
	if (open_warm_case(&ctx, c->n_inv))
		goto out;
	bu_progress_end(1);
	progress(res[R_OPEN_COLD].name, c->n_cold);
	if (open_cold_case(&ctx, c->n_cold))
		goto out;
	bu_progress_end(1);
	rc = 0;
out:
	bu_progress_end(0);
	if (shm_ok)
		TEEC_ReleaseSharedMemory(&shm);
	free(buf);
	if (sess_ok)
		TEEC_CloseSession(&s);
	if (ctx_ok)
		TEEC_FinalizeContext(&ctx);
	return rc;
}

/* ---- the private instance ---------------------------------------------- */

/* ---- report ------------------------------------------------------------- */

static double r3(double v)
{
	return round(v * 1000.0) / 1000.0;
}

struct target {
	const char *label;
	double value, limit;
	const char *unit; /* "×" or " µs" */
	int pass;
};

static void report(const struct cfg *c)
{
	for (int i = 0; i < R_COUNT; i++)
		res[i].st = bu_stats(&res[i].s);
	double raw = res[R_RAW].st.p50_us;
	double ratio = raw > 0 ? res[R_NULL].st.p50_us / raw : 0;
	struct target t[] = {
	    {"null invoke p50 / raw IPC p50", ratio, 1.5, "×", 0},
	    {"null invoke p50", res[R_NULL].st.p50_us, 5, " µs", 0},
	    {"TEMP 1 MiB p50", res[R_TEMP_1M].st.p50_us, 150, " µs", 0},
	    {"warm OpenSession p50", res[R_OPEN_WARM].st.p50_us, 50, " µs", 0},
	    {"cold OpenSession p50", res[R_OPEN_COLD].st.p50_us, 2000, " µs", 0},
	};
	size_t nt = sizeof(t) / sizeof(t[0]);
	for (size_t i = 0; i < nt; i++)
		t[i].pass = t[i].value <= t[i].limit;

	char v_null[32];
	snprintf(v_null, sizeof(v_null), "%s (%.2fx raw)",
		 t[0].pass && t[1].pass ? "PASS" : "MISS", ratio);
	printf("\nedgetee bench invoke: nproc %ld, spin budget %llu ns%s, iterations %zu "
	       "(1 MiB: %zu, cold: %zu)\n",
	       c->nproc, (unsigned long long)c->spin_ns, c->quick ? ", quick" : "",
	       c->n_inv, c->n_mib, c->n_cold);
	if (c->busy_pct >= 0)
		printf("CPU busy before the run: %.0f%% of %ld CPUs%s\n", c->busy_pct,
		       c->nproc,
		       c->busy_pct > 10 ? " (other load: expect noisy, bimodal numbers)"
					: "");
	putchar('\n');
	bu_table_header();
	for (int i = 0; i < R_COUNT; i++) {
		const char *tg = NULL, *v = NULL;
		switch (i) {
		case R_NULL:
			tg = "<=1.5x raw, <=5";
			v = v_null;
			break;
		case R_TEMP_1M:
			tg = "<= 150";
			v = t[2].pass ? "PASS" : "MISS";
			break;
		case R_OPEN_WARM:
			tg = "<= 50";
			v = t[3].pass ? "PASS" : "MISS";
			break;
		case R_OPEN_COLD:
			tg = "<= 2000";
			v = t[4].pass ? "PASS" : "MISS";
			break;
		}
		bu_table_row(res[i].name, &res[i].st, tg, v);
	}
	bu_table_rule();
	if (c->spin_ns == 0)
		printf("note: EDGETEE_SPIN_NS=0, so the spin and sleep paths are the "
		       "same\n");
	else if (res[R_RAW].st.p50_us > res[R_RAW_SLEEP].st.p50_us)
		printf(
		    "note: the spin path was slower than the sleep path: the ping-pong "
		    "peers\n"
		    "      did not run at the same time (busy CPUs?), so spinning burnt "
		    "its\n"
		    "      budget; the null/raw ratio is not meaningful in this run\n");
	printf("\nTargets:\n");
	for (size_t i = 0; i < nt; i++) {
		int ratio_row = !strcmp(t[i].unit, "×");
		printf("  %-30s = %9.3f%s (target ≤ %g%s)  %s\n", t[i].label, t[i].value,
		       t[i].unit, t[i].limit, ratio_row ? "×" : " µs",
		       t[i].pass ? "PASS" : "MISS");
	}
	printf("(timings never fail the benchmark: PASS/MISS is for the reader)\n");
}

static int write_json(const struct cfg *c)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return -1;
	char k[64];
	for (int i = 0; i < R_COUNT; i++) {
		snprintf(k, sizeof(k), "%s_p50_us", res[i].key);
		cJSON_AddNumberToObject(o, k, r3(res[i].st.p50_us));
		snprintf(k, sizeof(k), "%s_p99_us", res[i].key);
		cJSON_AddNumberToObject(o, k, r3(res[i].st.p99_us));
		snprintf(k, sizeof(k), "%s_mean_us", res[i].key);
		cJSON_AddNumberToObject(o, k, r3(res[i].st.mean_us));
	}
	double raw = res[R_RAW].st.p50_us;
	cJSON_AddNumberToObject(o, "null_over_raw_ratio",
				r3(raw > 0 ? res[R_NULL].st.p50_us / raw : 0));
	cJSON_AddNumberToObject(o, "iterations", (double)c->n_inv);
	cJSON_AddNumberToObject(o, "iterations_1mib", (double)c->n_mib);
	cJSON_AddNumberToObject(o, "iterations_cold", (double)c->n_cold);
	cJSON_AddNumberToObject(o, "nproc", (double)c->nproc);
	cJSON_AddNumberToObject(o, "busy_before_pct", r3(c->busy_pct));
	cJSON_AddBoolToObject(o, "quick", c->quick);
	cJSON_AddNumberToObject(o, "spin_budget_ns", (double)c->spin_ns);
	int rc = bu_json_write(o, c->json);
	cJSON_Delete(o);
	return rc;
}

static int write_csv(const struct cfg *c)
{
	FILE *f = fopen(c->csv, "w");
	if (!f) {
		fprintf(stderr, "edgetee bench: cannot write %s: %s\n", c->csv,
			strerror(errno));
		return -1;
	}
	fprintf(f, "case,p50_us,p99_us\n");
	for (int i = 0; i < R_COUNT; i++)
		fprintf(f, "%s,%.3f,%.3f\n", res[i].name, res[i].st.p50_us,
			res[i].st.p99_us);
	return fclose(f) == 0 ? 0 : -1;
}

/* ---- command line ------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: edgetee bench invoke [--json FILE] [--csv FILE] [--quick] "
	    "[--iterations N]\n"
	    "\n"
	    "  Start a private instance and measure, as p50 and p99 per operation:\n"
	    "  raw IPC (a two-process doorbell ping-pong, spin and sleep paths), null,\n"
	    "  VALUE_INOUT, TEMP 4 KiB / 1 MiB and WHOLE 1 MiB invocations, warm\n"
	    "  OpenSession and CloseSession, and cold OpenSession (a new TA process).\n"
	    "\n"
	    "  --iterations N  invocations per case (default 20000); 1 MiB cases use\n"
	    "                  N/10, cold open N/100\n"
	    "  --quick         a tenth of the iterations\n"
	    "  --json FILE     also write the results as a flat JSON object\n"
	    "  --csv FILE      also write case,p50_us,p99_us (for bench/invoke.gp)\n"
	    "\n"
	    "  TAs come from EDGETEE_TA_PATH, else this build's tas/ directory.\n"
	    "  Targets are reported as PASS/MISS; the exit status is 0 whenever the\n"
	    "  measurements ran.\n");
}

static int bench_invoke(int argc, char **argv)
{
	static const struct option opts[] = {{"json", required_argument, NULL, 'j'},
					     {"csv", required_argument, NULL, 'c'},
					     {"quick", no_argument, NULL, 'q'},
					     {"iterations", required_argument, NULL, 'n'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	struct cfg c = {0};
	size_t base = 20000;
	int ch;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:hj:c:qn:", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			c.json = optarg;
			break;
		case 'c':
			c.csv = optarg;
			break;
		case 'q':
			c.quick = 1;
			break;
		case 'n': {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (errno || *end || !*optarg || optarg[0] == '-' || v == 0 ||
			    v > 10000000ull) {
				fprintf(stderr,
					"edgetee bench invoke: bad --iterations '%s' "
					"(want 1..10000000)\n",
					optarg);
				return 2;
			}
			base = (size_t)v;
			break;
		}
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr,
				"edgetee bench invoke: option '%s' needs an argument\n",
				argv[optind - 1]);
			return 2;
		default:
			if (optopt)
				fprintf(stderr,
					"edgetee bench invoke: bad option '-%c' "
					"(see --help)\n",
					optopt);
			else
				fprintf(stderr,
					"edgetee bench invoke: bad option '%s' (see "
					"--help)\n",
					argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "edgetee bench invoke: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}
	size_t div = c.quick ? 10 : 1;
	c.n_inv = base / div;
	c.n_mib = base / 10 / div;
	c.n_cold = base / 100 / div;
	if (!c.n_inv)
		c.n_inv = 1;
	if (!c.n_mib)
		c.n_mib = 1;
	if (!c.n_cold)
		c.n_cold = 1;
	c.spin_ns = et_spin_budget_ns();
	c.nproc = sysconf(_SC_NPROCESSORS_ONLN);

	/* Fail early on a bad path, before minutes of measuring are lost. */
	if (bu_ta_path("edgetee bench",
		       (const char *const[]){BENCH_TA_UUID_STR, BENCH_COLD_TA_UUID_STR},
		       2, "ta/bench and ta/bench_cold") ||
	    (c.json && bu_path_writable("edgetee bench", c.json)) ||
	    (c.csv && bu_path_writable("edgetee bench", c.csv)))
		return 1;
	size_t cap[R_COUNT] = {
	    [R_RAW] = c.n_inv,	      [R_RAW_SLEEP] = c.n_inv, [R_NULL] = c.n_inv,
	    [R_VALUE] = c.n_inv,      [R_TEMP_4K] = c.n_inv,   [R_TEMP_1M] = c.n_mib,
	    [R_WHOLE_1M] = c.n_mib,   [R_OPEN_WARM] = c.n_inv, [R_CLOSE] = c.n_inv,
	    [R_OPEN_COLD] = c.n_cold,
	};
	/* No SA_RESTART: a blocked wait returns and the loops see the flag. */
	sigset_t sigs;
	bu_signals_catch(on_signal, &sigs);
	int rc = 1;
	char dir[] = "/tmp/edgetee-bench-XXXXXX";
	int have_dir = 0, up = 0;
	for (int i = 0; i < R_COUNT; i++) {
		if (bu_samples_init(&res[i].s, cap[i])) {
			fprintf(stderr, "edgetee bench: out of memory\n");
			goto out;
		}
	}

	c.busy_pct = bu_busy_pct();
	/* Raw IPC first, while no TEE process exists to compete for a CPU. */
	progress(res[R_RAW].name, c.n_inv);
	if (raw_ipc(c.spin_ns, c.n_inv, &res[R_RAW].s))
		goto out;
	bu_progress_end(1);
	progress(res[R_RAW_SLEEP].name, c.n_inv);
	if (raw_ipc(0, c.n_inv, &res[R_RAW_SLEEP].s))
		goto out;
	bu_progress_end(1);
	if (interrupted)
		goto out;

	if (!mkdtemp(dir)) {
		perror("edgetee bench: mkdtemp");
		goto out;
	}
	have_dir = 1;
	/* cli_up waits for the daemon's ready byte; an interrupted read would
	 * make it wait for the (healthy) daemon to exit, so hold signals. */
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	int u = cli_up("bench", dir, 1, 1);
	sigprocmask(SIG_UNBLOCK, &sigs, NULL);
	if (u) {
		fprintf(stderr, "edgetee bench: cannot start a private instance in %s\n",
			dir);
		bu_dump_log_tail(dir);
		goto out;
	}
	up = 1;
	char sock[PATH_MAX];
	et_socket_path(dir, sock, sizeof(sock));
	setenv("EDGETEE_SOCKET", sock, 1);
	if (tee_cases(&c, sock)) {
		if (!interrupted)
			bu_dump_log_tail(dir);
		goto out;
	}
	rc = 0;
out:
	bu_progress_end(0);
	/* A second Ctrl-C must not cut the teardown short. */
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	if (up)
		cli_down(dir, 1);
	if (have_dir)
		bu_rmtree(dir);
	if (rc == 0) {
		report(&c);
		if (c.json && write_json(&c))
			rc = 1;
		if (c.csv && write_csv(&c))
			rc = 1;
	} else if (interrupted) {
		fprintf(stderr, "edgetee bench: interrupted\n");
		rc = 130;
	}
	for (int i = 0; i < R_COUNT; i++)
		bu_samples_free(&res[i].s);
	bu_signals_restore(&sigs);
	return rc;
}

int bench_kv(int argc, char **argv);	  /* bench_kv.c */
int bench_crypto(int argc, char **argv);  /* bench_crypto.c */
int bench_storage(int argc, char **argv); /* bench_storage.c */

int cmd_bench(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		FILE *f = argc < 2 ? stderr : stdout;
		fprintf(f,
			"usage: edgetee bench BENCHMARK [OPTIONS]\n"
			"\n"
			"Benchmarks:\n"
			"  crypto   TA crypto throughput vs OpenSSL in the client (see "
			"`edgetee bench crypto --help`)\n"
			"  invoke   invocation, session and raw IPC costs (see "
			"`edgetee bench invoke --help`)\n"
			"  kv       key-value store TA, DAIS 2019 throughput-latency "
			"(see `edgetee bench kv --help`)\n"
			"  net      iperfTZ TCP throughput by buffer size: TA, --ree, "
			"stock iperf3\n"
			"  storage  GP Trusted Storage, xtest WRITE/READ/REWRITE vs "
			"an AES-GCM file (see `edgetee bench storage --help`)\n");
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "invoke"))
		return bench_invoke(argc - 1, argv + 1);
	if (!strcmp(argv[1], "crypto"))
		return bench_crypto(argc - 1, argv + 1);
	if (!strcmp(argv[1], "kv"))
		return bench_kv(argc - 1, argv + 1);
	if (!strcmp(argv[1], "net"))
		return bench_net(argc - 1, argv + 1);
	if (!strcmp(argv[1], "storage"))
		return bench_storage(argc - 1, argv + 1);
	fprintf(stderr, "edgetee bench: unknown benchmark '%s'\n", argv[1]);
	return 2;
}
