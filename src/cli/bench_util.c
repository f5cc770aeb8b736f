/*
 * Helpers shared by the `edgetee bench` benchmarks: sample storage and
 * percentiles, the terminal table, progress lines and the JSON file.
 */
#define _GNU_SOURCE
#include "bench_util.h"
#include "doorbell.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <libgen.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "et_util.h"

int bu_samples_init(struct bu_samples *s, size_t cap)
{
	s->n = 0;
	s->cap = cap ? cap : 1;
	s->ns = calloc(s->cap, sizeof(*s->ns));
	return s->ns ? 0 : -1;
}

void bu_samples_free(struct bu_samples *s)
{
	free(s->ns);
	s->ns = NULL;
	s->n = s->cap = 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Nearest-rank: the smallest sample with at least p% of samples <= it. */
static double rank_us(const struct bu_samples *s, unsigned pct)
{
	size_t k = (s->n * pct + 99) / 100;
	if (k == 0)
		k = 1;
	return (double)s->ns[k - 1] / 1000.0;
}

struct bu_stats bu_stats(struct bu_samples *s)
{
	struct bu_stats st = {0};
	if (!s->n)
		return st;
	qsort(s->ns, s->n, sizeof(*s->ns), cmp_u64);
	st.n = s->n;
	st.p50_us = rank_us(s, 50);
	st.p99_us = rank_us(s, 99);
	st.min_us = (double)s->ns[0] / 1000.0;
	st.max_us = (double)s->ns[s->n - 1] / 1000.0;
	double sum = 0;
	for (size_t i = 0; i < s->n; i++)
		sum += (double)s->ns[i];
	st.mean_us = sum / (double)s->n / 1000.0;

	return st;
}

/* Share of all CPUs that was busy over a 200 ms window, from /proc/stat. */
static int cpu_times(unsigned long long *busy, unsigned long long *total)
{
	FILE *f = fopen("/proc/stat", "r");
	if (!f)
		return -1;
	unsigned long long v[8] = {0};
	int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
		       &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	if (n < 5)
		return -1;
	*total = 0;
	for (int i = 0; i < 8; i++)
		*total += v[i];
	*busy = *total - v[3] - v[4]; /* minus idle and iowait */
	return 0;
}

double bu_busy_pct(void)
{
	unsigned long long b0, t0, b1, t1;
	if (cpu_times(&b0, &t0))
		return -1;
	nanosleep(&(struct timespec){0, 200 * 1000 * 1000}, NULL);
	if (cpu_times(&b1, &t1) || t1 <= t0)
		return -1;
	return 100.0 * (double)(b1 - b0) / (double)(t1 - t0);
}

/* Two threads bounce one cache line each way: what a round trip between
 * two CPUs costs on this machine right now. */
struct handoff {
	_Alignas(64) _Atomic uint32_t ping;
	_Alignas(64) _Atomic uint32_t pong;
	uint32_t rounds;
};

static void *handoff_peer(void *arg)
{
	struct handoff *h = arg;
	for (uint32_t i = 1; i <= h->rounds; i++) {
		while (atomic_load_explicit(&h->ping, memory_order_acquire) != i)
			;
		atomic_store_explicit(&h->pong, i, memory_order_release);
	}
	return NULL;
}

double bu_handoff_rt_ns(void)
{
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return -1;
	static struct handoff h;
	atomic_store(&h.ping, 0);
	atomic_store(&h.pong, 0);
	h.rounds = 200000;
	pthread_t t;
	if (pthread_create(&t, NULL, handoff_peer, &h))
		return -1;
	uint64_t t0 = 0;
	for (uint32_t i = 1; i <= h.rounds; i++) {
		if (i == h.rounds / 4) /* the first quarter only warms up */
			t0 = et_now_ns();
		atomic_store_explicit(&h.ping, i, memory_order_release);
		while (atomic_load_explicit(&h.pong, memory_order_acquire) != i)
			;
	}
	uint64_t t1 = et_now_ns();
	pthread_join(t, NULL);
	return (double)(t1 - t0) / (double)(h.rounds - h.rounds / 4 + 1);
}

static int progress_open;

void bu_progress_begin(int idx, int total, const char *name, size_t iterations)
{
	if (!isatty(STDERR_FILENO))
		return;
	fprintf(stderr, "[%d/%d] %s (%zu iterations)...", idx, total, name, iterations);
	fflush(stderr);
	progress_open = 1;
}

void bu_progress_end(int ok)
{
	if (!progress_open)
		return;
	fprintf(stderr, ok ? " done\n" : " stopped\n");
	progress_open = 0;
}

/* Widths in columns; "µ" is two bytes but one column, hence the header by hand. */
#define W_CASE 26
#define W_NUM  10
#define W_TGT  16

void bu_table_rule(void)
{
	int w = W_CASE + 2 * (W_NUM + 3) + 3 + W_TGT + 3 + 8;
	for (int i = 0; i < w; i++)
		putchar('-');
	putchar('\n');
}

void bu_table_header(void)
{
	printf("%-*s | %*s | %*s | %-*s | %s\n", W_CASE, "case", W_NUM + 1, "p50 µs",
	       W_NUM + 1, "p99 µs", W_TGT, "target", "verdict");
	bu_table_rule();
}

void bu_table_row(const char *name, const struct bu_stats *st, const char *target,
		  const char *verdict)
{
	printf("%-*s | %*.3f | %*.3f |", W_CASE, name, W_NUM, st->p50_us, W_NUM,
	       st->p99_us);
	if (target || verdict)
		printf(" %-*s | %s", W_TGT, target ? target : "", verdict ? verdict : "");
	putchar('\n');
}

int bu_json_write(const struct cJSON *obj, const char *path)
{
	char *text = cJSON_Print(obj);
	if (!text) {
		fprintf(stderr, "edgetee bench: out of memory writing JSON\n");
		return -1;
	}
	int ok;
	if (!strcmp(path, "-")) {
		ok = printf("%s\n", text) >= 0;
	} else {
		FILE *f = fopen(path, "w");
		if (!f) {
			fprintf(stderr, "edgetee bench: cannot write %s: %s\n", path,
				strerror(errno));
			cJSON_free(text);
			return -1;
		}
		ok = fprintf(f, "%s\n", text) >= 0;
		ok &= fclose(f) == 0;
		if (!ok)
			fprintf(stderr, "edgetee bench: cannot write %s\n", path);
	}
	cJSON_free(text);
	return ok ? 0 : -1;
}

static int ta_on_path(const char *path, const char *uuid)
{
	char *dup = strdup(path), *save = NULL;
	int found = 0;
	for (char *d = dup ? strtok_r(dup, ":", &save) : NULL; d && !found;
	     d = strtok_r(NULL, ":", &save)) {
		char p[PATH_MAX];
		snprintf(p, sizeof(p), "%s/%s.ta", d, uuid);
		found = access(p, R_OK) == 0;
	}
	free(dup);
	return found;
}

int bu_ta_path(const char *who, const char *const *uuids, size_t n, const char *hint)
{
	const char *tp = getenv("EDGETEE_TA_PATH");
	if (!tp || !*tp) {
		char p[PATH_MAX], real[PATH_MAX];
		if (et_sibling_path("../tas", p, sizeof(p))) {
			fprintf(stderr, "%s: cannot locate this build's tas/\n", who);
			return -1;
		}
		if (realpath(p, real))
			snprintf(p, sizeof(p), "%s", real);
		setenv("EDGETEE_TA_PATH", p, 1);
		tp = getenv("EDGETEE_TA_PATH");
	}
	for (size_t i = 0; i < n; i++) {
		if (!ta_on_path(tp, uuids[i])) {
			fprintf(stderr,
				"%s: %s.ta not found on EDGETEE_TA_PATH=%s (build %s)\n",
				who, uuids[i], tp, hint);
			return -1;
		}
	}
	return 0;
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(p);
	return 0;
}

void bu_rmtree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void bu_dump_log_tail(const char *dir)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s/edgeteed.log", dir);
	FILE *f = fopen(p, "r");
	if (!f)
		return;
	char lines[20][256];
	size_t n = 0;
	while (fgets(lines[n % 20], sizeof(lines[0]), f))
		n++;
	fclose(f);
	if (!n)
		return;
	fprintf(stderr, "edgetee bench: last lines of the instance log:\n");
	for (size_t i = n > 20 ? n - 20 : 0; i < n; i++)
		fprintf(stderr, "  %s", lines[i % 20]);
}

int bu_path_writable(const char *who, const char *path)
{
	if (!strcmp(path, "-"))
		return 0;
	char *dup = strdup(path);
	int ok = dup && (access(path, F_OK) == 0 ? access(path, W_OK) == 0
						 : access(dirname(dup), W_OK) == 0);
	free(dup);
	if (!ok)
		fprintf(stderr, "%s: cannot write %s: %s\n", who, path, strerror(errno));
	return ok ? 0 : -1;
}

int bu_plot_dir_ok(const char *who, const char *dir)
{
	struct stat sb;
	if (stat(dir, &sb) || !S_ISDIR(sb.st_mode) || access(dir, W_OK)) {
		fprintf(stderr, "%s: --plot %s: not a writable directory\n", who, dir);
		return -1;
	}
	return 0;
}

void bu_signals_catch(void (*handler)(int), sigset_t *sigs)
{
	sigemptyset(sigs);
	sigaddset(sigs, SIGINT);
	sigaddset(sigs, SIGTERM);
	sigaddset(sigs, SIGHUP);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

void bu_signals_restore(const sigset_t *sigs)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigprocmask(SIG_UNBLOCK, sigs, NULL);
}

extern char **environ;

int bu_gnuplot(const char *who, const char *script, const char *datafile,
	       const char *outbase)
{
	char gp[PATH_MAX];
	const char *gdir = getenv("EDGETEE_BENCH_DIR");
	snprintf(gp, sizeof(gp), "%s/%s", gdir && *gdir ? gdir : EDGETEE_BENCH_GP_DIR,
		 script);
	if (access(gp, R_OK)) {
		fprintf(
		    stderr,
		    "%s: plot script %s not found (set EDGETEE_BENCH_DIR to the bench/ "
		    "directory)\n",
		    who, gp);
		return -1;
	}
	char expr[2 * PATH_MAX + 64];
	snprintf(expr, sizeof(expr), "datafile='%s'; outbase='%s'", datafile, outbase);
	char *argv[] = {"gnuplot", "-e", expr, gp, NULL};
	pid_t pid;
	int e = posix_spawnp(&pid, "gnuplot", NULL, NULL, argv, environ);
	if (e) {
		fprintf(stderr, "%s: cannot run gnuplot: %s\n", who, strerror(e));
		return -1;
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "%s: gnuplot failed on %s\n", who, gp);
		return -1;
	}
	printf("plots: %s.svg %s.png\n", outbase, outbase);
	return 0;
}
