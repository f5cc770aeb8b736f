/*
 * Helpers shared by the `edgetee bench` benchmarks: latency samples and
 * their percentiles, the result table printed on the terminal, progress
 * lines on stderr, and the flat JSON result file.
 */
#ifndef ET_BENCH_UTIL_H
#define ET_BENCH_UTIL_H

#include <stddef.h>
#include <signal.h>
#include <stdint.h>

/* A run of per-operation latencies in nanoseconds. */
struct bu_samples {
	uint64_t *ns;
	size_t n, cap;
};

/* Percentiles of one case, in microseconds. */
struct bu_stats {
	double p50_us, p99_us, min_us, max_us, mean_us;
	size_t n;
};

/* Preallocate room for cap samples (so recording never allocates). */
int bu_samples_init(struct bu_samples *s, size_t cap);
void bu_samples_free(struct bu_samples *s);
static inline void bu_record(struct bu_samples *s, uint64_t ns)
{
	if (s->n < s->cap)
		s->ns[s->n++] = ns;
}
/* Sort the samples and compute nearest-rank percentiles. */
struct bu_stats bu_stats(struct bu_samples *s);

/* Progress on stderr, only when stderr is a terminal. */
void bu_progress_begin(int idx, int total, const char *name, size_t iterations);
/* ok = 0: the case was cut short (error or interrupt). */
void bu_progress_end(int ok);

/* Percent of the machine's CPU time that was busy over a short window
 * before the run (other load makes the numbers noisy); -1 if unknown. */
double bu_busy_pct(void);
/* Mean round trip of one cache line between two threads, ns (-1: one CPU).
 * Shared machines move vCPUs between near and far cores: the same code then
 * runs several times slower, so benchmarks print this beside their ratios. */
double bu_handoff_rt_ns(void);

/* --plot DIR: 0 if DIR is a writable directory, else a one-line error. */
int bu_plot_dir_ok(const char *who, const char *dir);
/* SIGINT, SIGTERM and SIGHUP call handler while a benchmark runs; *sigs is
 * that set (blocked around cleanup). Restore: default actions, unblocked. */
void bu_signals_catch(void (*handler)(int), sigset_t *sigs);
void bu_signals_restore(const sigset_t *sigs);

/* The terminal table: one row per case, target and verdict optional. */
void bu_table_header(void);
void bu_table_row(const char *name, const struct bu_stats *st, const char *target,
		  const char *verdict);
void bu_table_rule(void);

/* Write a cJSON object to path ("-" = stdout); 0 or -1 with a message. */
struct cJSON;
int bu_json_write(const struct cJSON *obj, const char *path);

/*
 * The private instance every benchmark runs against. bu_ta_path sets
 * EDGETEE_TA_PATH for the daemon (the caller's, else this build's tas/) and
 * checks that the TAs the benchmark needs are on it; `who` names the
 * benchmark in messages and `hint` says what to build.
 */
int bu_ta_path(const char *who, const char *const *uuids, size_t n, const char *hint);
/* Remove a benchmark's temporary instance directory. */
void bu_rmtree(const char *dir);
/* A failed run is easier to understand with the daemon's last words. */
void bu_dump_log_tail(const char *dir);

/* Can path be written ("-" = stdout)? Checked up front, without creating it. */
int bu_path_writable(const char *who, const char *path);

/*
 * Draw a figure: run gnuplot on bench/<script> (EDGETEE_BENCH_DIR overrides
 * the directory) with datafile and outbase set; it writes outbase.svg and
 * outbase.png. 0, or -1 with a one-line message.
 */
int bu_gnuplot(const char *who, const char *script, const char *datafile,
	       const char *outbase);

#endif
