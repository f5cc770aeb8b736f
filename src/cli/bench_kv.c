/*
 * edgetee bench kv: the DAIS 2019 key-value benchmark (Fig. 2 of the
 * study), then further. A 512 KiB random region; a random offset is the key
 * and the 1 KiB chunk at that offset the value. Workloads PUT (from empty),
 * GET and DEL (from 256 objects), MIX20 and MIX50 (20 % / 50 % PUT, the rest
 * GET, pre-populated in proportion). Each point is 256 operations offered
 * open loop at a fixed rate: the i-th is scheduled at t0 + i/rate and its
 * latency is completion - scheduled time (queueing included), all on
 * CLOCK_MONOTONIC. The rate doubles until the achieved throughput stops
 * growing; the maximum is the saturation throughput of the case.
 *
 * Transports: whole, partial and temporary shared memory through the
 * kvstore TA of a private instance, and REE: the same table code linked
 * into this process (malloc instead of TEE_Malloc), no TEE at all.
 *
 * --persistent adds PUT, GET and DEL on the TA's persistent table (GP
 * trusted storage: every PUT and DEL is durable before it is answered) on
 * each transport (whole only with --quick), reported apart as
 * <op>_<shm>_persistent_*.
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "cli.h"
#include "doorbell.h"
#include "kv_batch.h"
#include "kv_client.h"
#include "kv_table.h"
#include "kvstore_ta.h"
#include "et_util.h"

#ifndef EDGETEE_BENCH_GP_DIR
#define EDGETEE_BENCH_GP_DIR "bench"
#endif

#define REGION	  (512u * 1024u)
#define CHUNK	  1024u
#define N_OBJECTS 256u
#define MAX_RATE  (1u << 26) /* far beyond any machine: a safety stop */
#define MAX_PTS	  32

extern char **environ;

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* ---- cases ---------------------------------------------------------------- */

enum { W_PUT, W_GET, W_DEL, W_MIX20, W_MIX50, W_COUNT };
static const char *const wl_name[W_COUNT] = {"PUT", "GET", "DEL", "MIX20", "MIX50"};
static const unsigned wl_put_pct[W_COUNT] = {100, 0, 0, 20, 50};

/* Transport index 0 is the REE baseline, then the kvc transports. */
enum { T_REE, T_WHOLE, T_PARTIAL, T_TEMP, T_COUNT };
static const char *const tr_name[T_COUNT] = {"ree", "whole", "partial", "temp"};
static const char *const tr_label[T_COUNT] = {"REE (no TEE)", "whole shm", "partial shm",
					      "temp memref"};

struct point {
	double offered, achieved; /* op/s */
	double p50_us, p99_us;
};

struct sweep {
	struct point pt[MAX_PTS];
	int n;
	double sat; /* maximum achieved throughput, op/s */
};

static struct sweep res[W_COUNT][T_COUNT];
/* The persistent table: PUT, GET, DEL on the TEE transports. */
#define W_PERSIST 3
static struct sweep res_p[W_PERSIST][T_COUNT];

struct cfg {
	unsigned ops;	   /* per run */
	unsigned reps;	   /* runs per point */
	double start_rate; /* op/s */
	int quick, full;
	const char *json, *plot;
	long nproc;
	double busy_pct;
	double handoff_before, handoff_after; /* ns, bu_handoff_rt_ns() */
};

/* ---- the operations ------------------------------------------------------- */

enum { OP_PUT, OP_GET, OP_DEL };

struct plan_op {
	uint8_t op;
	uint32_t off; /* key, and where the value lies in the region */
};

/* Where operations go: the REE table, or a kvstore session. */
struct target {
	int ree;
	struct kv_table table;
	struct kvc kvc;
	unsigned char out[CHUNK];
};

static unsigned char *region;

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	/* xorshift64*: a fixed seed makes runs comparable. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static uint32_t rand_offset(void)
{
	return (uint32_t)(rng() % (REGION - CHUNK + 1));
}

static void key_of(uint32_t off, unsigned char k[4])
{
	k[0] = (unsigned char)off;
	k[1] = (unsigned char)(off >> 8);
	k[2] = (unsigned char)(off >> 16);
	k[3] = (unsigned char)(off >> 24);
}

static void *ree_alloc(size_t n)
{
	return malloc(n);
}

static const struct kv_alloc ree_allocator = {ree_alloc, free};

/*
 * One operation; 0 if it did what the plan expects. check: compare values.
 * A GET gives the client the value in memory of its own: the REE copies it
 * out of the table into a buffer; whole and partial shared memory are the
 * client's buffer, so the TA's copy lands there and is used in place (GP
 * shared memory semantics: no second copy); a temporary memref is copied
 * from the bounce buffer into the client's buffer by libteec.
 */
static int do_op(struct target *g, const struct plan_op *o, int check)
{
	unsigned char k[4];
	key_of(o->off, k);
	const unsigned char *v = region + o->off;
	const void *got = g->out;
	if (g->ree) {
		const void *val;
		size_t vl;
		switch (o->op) {
		case OP_PUT:
			return kv_put(&g->table, k, 4, v, CHUNK) == KV_OK ? 0 : -1;
		case OP_GET:
			if (kv_get(&g->table, k, 4, &val, &vl) != KV_OK || vl != CHUNK)
				return -1;
			memcpy(g->out, val, vl);
			break;
		default:
			return kv_del(&g->table, k, 4) == KV_OK ? 0 : -1;
		}
	} else {
		size_t vl = CHUNK;
		TEEC_Result r;
		switch (o->op) {
		case OP_PUT:
			return kvc_put(&g->kvc, k, 4, v, CHUNK) == TEEC_SUCCESS ? 0 : -1;
		case OP_GET:
			if (g->kvc.tr == KVC_TEMP)
				r = kvc_get(&g->kvc, k, 4, g->out, &vl);
			else
				r = kvc_get_ref(&g->kvc, k, 4, CHUNK, &got, &vl);
			if (r != TEEC_SUCCESS || vl != CHUNK)
				return -1;
			break;
		default:
			return kvc_del(&g->kvc, k, 4) == TEEC_SUCCESS ? 0 : -1;
		}
	}
	return check && memcmp(got, v, CHUNK) ? -1 : 0;
}

static int reset(struct target *g)
{
	if (g->ree) {
		kv_clear(&g->table);
		return 0;
	}
	return kvc_clear(&g->kvc) == TEEC_SUCCESS ? 0 : -1;
}

/* ---- plans: what each point does, decided before it is timed ------------- */

/* Distinct offsets: a small open-addressing set of the ones in use. */
#define SET_SIZE (1u << 18) /* > twice the most offsets a point uses */
struct offset_set {
	uint32_t v[SET_SIZE]; /* offset + 1, 0 = empty */
};

static int set_add(struct offset_set *s, uint32_t off)
{
	uint32_t h = (off * 2654435761u) % SET_SIZE;
	while (s->v[h]) {
		if (s->v[h] == off + 1)
			return 0;
		h = (h + 1) % SET_SIZE;
	}
	s->v[h] = off + 1;
	return 1;
}

static uint32_t fresh_offset(struct offset_set *s)
{
	for (;;) {
		uint32_t off = rand_offset();
		if (set_add(s, off))
			return off;
	}
}

/*
 * Fill pre[] (objects stored before the point) and ops[] (the timed ops).
 * PUTs always insert a new key, GETs and DELs always hit a stored one, so
 * every operation must succeed.
 */
static void make_plan(int w, unsigned n, struct plan_op *pre, unsigned *npre,
		      struct plan_op *ops)
{
	static struct offset_set set;
	static uint32_t live[2 * 65536];
	memset(&set, 0, sizeof(set));
	unsigned nlive = 0;
	unsigned put_pct = wl_put_pct[w];
	*npre = w == W_PUT ? 0 : (N_OBJECTS * (100 - put_pct) + 50) / 100;
	if (w == W_DEL && *npre < n) /* every DEL must find its object */
		*npre = n;
	for (unsigned i = 0; i < *npre; i++) {
		pre[i].op = OP_PUT;
		pre[i].off = live[nlive++] = fresh_offset(&set);
	}
	for (unsigned i = 0; i < n; i++) {
		if (w == W_DEL) {
			/* Each stored object once, in random order. */
			unsigned j = (unsigned)(rng() % nlive);
			ops[i].op = OP_DEL;
			ops[i].off = live[j];
			live[j] = live[--nlive];
		} else if (put_pct == 100 || rng() % 100 < put_pct || !nlive) {
			ops[i].op = OP_PUT;
			ops[i].off = fresh_offset(&set);
			if (nlive < sizeof(live) / sizeof(live[0]))
				live[nlive++] = ops[i].off;
		} else {
			ops[i].op = OP_GET;
			ops[i].off = live[rng() % nlive];
		}
	}
}

/* ---- one point: n operations offered at rate, open loop ------------------- */

static void wait_until(uint64_t t)
{
	uint64_t now = et_now_ns();
	/* Sleep most of a long gap, spin the end: a sleep overshoots by tens
	 * of µs, which would be counted as the operation's latency. */
	if (t > now + 200000) {
		uint64_t s = t - 100000;
		struct timespec ts = {(time_t)(s / 1000000000u), (long)(s % 1000000000u)};
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
			   EINTR &&
		       !interrupted)
			;
	}
	while (et_now_ns() < t)
		;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/*
 * One point: reps runs of n operations at this rate, each from a fresh
 * table. Achieved throughput is the best run (a scheduler hiccup caused by
 * other load in a sub-millisecond run must not end the sweep); latency
 * percentiles are over the operations of all runs.
 */
static int run_point(struct target *g, int w, unsigned n, unsigned reps, double rate,
		     int check, struct bu_samples *lat, struct point *pt)
{
	static struct plan_op pre[65536], ops[65536];
	double achieved[16];
	unsigned npre;
	lat->n = 0;
	for (unsigned r = 0; r < reps; r++) {
		make_plan(w, n, pre, &npre, ops);
		if (reset(g))
			return -1;
		for (unsigned i = 0; i < npre; i++)
			if (do_op(g, &pre[i], 0))
				return -1;
		double gap_ns = 1e9 / rate;
		/*
		 * The first operation comes one inter-arrival gap after the
		 * set-up, like every later one after its predecessor: a fixed
		 * pause here (it was 20 µs) let the TA fall asleep before a
		 * burst at rates where it never sleeps between operations, and
		 * its wake-up (20-60 µs on a VM) was then charged to 256
		 * operations of ~0.3 µs each.
		 */
		uint64_t t0 = et_now_ns() + (uint64_t)gap_ns, done = t0;
		for (unsigned i = 0; i < n; i++) {
			uint64_t sched = t0 + (uint64_t)(gap_ns * i);
			wait_until(sched);
			int e = do_op(g, &ops[i], check && r == 0);
			done = et_now_ns();
			if (e) {
				fprintf(stderr,
					"edgetee bench kv: %s %s failed (op %u at %.0f "
					"op/s)\n",
					wl_name[w],
					ops[i].op == OP_PUT   ? "PUT"
					: ops[i].op == OP_GET ? "GET"
							      : "DEL",
					i, rate);
				return -1;
			}
			bu_record(lat, done - sched);
			if (interrupted)
				return -1;
		}
		achieved[r] = (double)n * 1e9 / (double)(done - t0);
	}
	qsort(achieved, reps, sizeof(achieved[0]), cmp_double);
	struct bu_stats st = bu_stats(lat);
	pt->offered = rate;
	pt->achieved = achieved[reps - 1];
	pt->p50_us = st.p50_us;
	pt->p99_us = st.p99_us;
	return 0;
}

/* ---- progress bar ------------------------------------------------------------ */

static int bar_on;

static void bar(int done, int total, const char *w, const char *t, double rate)
{
	if (!bar_on)
		return;
	char b[31];
	int fill = total ? done * 30 / total : 0;
	for (int i = 0; i < 30; i++)
		b[i] = i < fill ? '#' : '.';
	b[30] = 0;
	fprintf(stderr, "\r[%s] %2d/%d %-5s %-7s %9.0f op/s ", b, done, total, w, t,
		rate);
	fflush(stderr);
}

static void bar_end(void)
{
	if (bar_on)
		fprintf(stderr, "\r%-80s\r", "");
}

/* ---- a sweep: double the rate until throughput saturates -------------------- */

static int sweep(const struct cfg *c, struct target *g, int w, struct sweep *s,
		 const char *tname, int idx, int total)
{
	struct bu_samples lat;
	if (bu_samples_init(&lat, (size_t)c->ops * c->reps))
		return -1;
	int rc = 0, flat = 0;
	s->n = 0;
	s->sat = 0;
	for (double rate = c->start_rate; rate <= MAX_RATE && s->n < MAX_PTS; rate *= 2) {
		bar(idx, total, wl_name[w], tname, rate);
		struct point pt;
		/* Values are compared at the first point only: a memcmp per GET
		 * would be a large part of the REE's own cost at saturation. */
		if (run_point(g, w, c->ops, c->reps, rate, s->n == 0, &lat, &pt)) {
			rc = -1;
			break;
		}
		s->pt[s->n++] = pt;
		if (pt.achieved > s->sat * 1.05)
			flat = 0;
		else
			flat++;
		if (pt.achieved > s->sat)
			s->sat = pt.achieved;
		/* Saturated: three doublings in a row gained less than 5 % and the
		 * offered rate is far past what was achieved (so a hiccup at a
		 * rate the machine can still follow does not end the sweep). */
		if ((flat >= 3 && rate >= 4 * s->sat) || pt.p99_us > 2e6)
			break;
	}
	bu_samples_free(&lat);
	return rc;
}

/* ---- beyond the paper: GETs batched into one invocation ----------------------- */

#define BATCH_OPS 64
static double batch_ops_s; /* GETs per second, closed loop */

/*
 * What the crossing costs per operation once it is amortised: 256 objects,
 * then BATCH_OPS GETs per KV_CMD_BATCH invocation, back to back for 0.3 s
 * (closed loop: the rate is the service rate). The response is checked.
 */
static int batched_get(struct target *g)
{
	static unsigned char req[BATCH_OPS * (KVB_OP_HDR + 4) + KVB_HDR],
	    resp[KVB_HDR + BATCH_OPS * (KVB_RESULT_HDR + CHUNK)];
	static struct offset_set set;
	uint32_t live[N_OBJECTS], want[BATCH_OPS];
	memset(&set, 0, sizeof(set));
	if (reset(g))
		return -1;
	for (unsigned i = 0; i < N_OBJECTS; i++) {
		struct plan_op o = {OP_PUT, fresh_offset(&set)};
		live[i] = o.off;
		if (do_op(g, &o, 0))
			return -1;
	}
	struct kvb_writer w;
	kvb_begin(&w, req, sizeof(req));
	for (unsigned i = 0; i < BATCH_OPS; i++) {
		unsigned char k[4];
		want[i] = live[rng() % N_OBJECTS];
		key_of(want[i], k);
		kvb_add(&w, KVB_GET, k, 4, NULL, 0);
	}
	size_t len = kvb_finish(&w);
	uint64_t n = 0, t0 = et_now_ns(), t1 = t0;
	while (t1 - t0 < 300000000ull && !interrupted) {
		size_t rl = sizeof(resp);
		if (kvc_batch(&g->kvc, req, len, resp, &rl) != TEEC_SUCCESS)
			return -1;
		t1 = et_now_ns();
		if (!n) {
			struct kvb_reader r;
			struct kvb_result res;
			uint32_t cnt;
			if (kvb_response_open(&r, resp, rl, &cnt) || cnt != BATCH_OPS)
				return -1;
			for (unsigned i = 0; i < BATCH_OPS; i++)
				if (kvb_response_next(&r, &res) != 1 ||
				    res.result != KVB_R_OK || res.vlen != CHUNK ||
				    memcmp(res.val, region + want[i], CHUNK))
					return -1;
		}
		n += BATCH_OPS;
	}
	batch_ops_s = (double)n * 1e9 / (double)(t1 - t0);
	return reset(g);
}

/* ---- the persistent table ------------------------------------------------------ */

/*
 * PUT, GET, DEL on a persistent session of transport t (same plans and
 * open-loop points as the in-memory table). The table is cleared before
 * and after, so the instance's storage holds nothing afterwards.
 */
static int persistent_sweeps(const struct cfg *c, struct target *g, const char *sock,
			     int t, int *idx, int total)
{
	TEEC_Result r =
	    kvc_open(&g->kvc, sock, (enum kvc_transport)(t - 1), KV_OPEN_PERSISTENT);
	if (r != TEEC_SUCCESS) {
		fprintf(stderr,
			"edgetee bench kv: cannot open the persistent table: 0x%08x "
			"(origin %u)\n",
			r, g->kvc.origin);
		return -1;
	}
	char name[32];
	snprintf(name, sizeof(name), "%s/p", tr_name[t]);
	int rc = reset(g);
	/* Warm up, unmeasured: the storage service's first commits. */
	struct plan_op put = {OP_PUT, 0}, del = {OP_DEL, 0};
	for (uint64_t end = et_now_ns() + 100000000ull; !rc && et_now_ns() < end;) {
		put.off = del.off = rand_offset();
		rc = do_op(g, &put, 0) || do_op(g, &del, 0);
	}
	if (rc)
		fprintf(stderr, "edgetee bench kv: persistent warm-up failed\n");
	for (int w = 0; w < W_PERSIST && !rc; w++)
		rc = sweep(c, g, w, &res_p[w][t], name, (*idx)++, total);
	kvc_clear(&g->kvc);
	kvc_close(&g->kvc);
	return rc;
}

/* ---- the private instance ------------------------------------------------------ */

/* ---- report ------------------------------------------------------------------ */

static double r3(double v)
{
	return round(v * 1000.0) / 1000.0;
}

/* REE saturation / TEE saturation: how many times slower the TEE path is. */
static double ratio(int w, int t)
{
	double tee = res[w][t].sat, ree = res[w][T_REE].sat;
	return tee > 0 ? ree / tee : 0;
}

static void report(const struct cfg *c)
{
	printf("\nedgetee bench kv: %u runs of %u ops per point, offered rate from %.0f "
	       "op/s doubling to saturation%s, nproc %ld\n",
	       c->reps, c->ops, c->start_rate,
	       c->quick	 ? " (quick)"
	       : c->full ? " (full sweep)"
			 : "",
	       c->nproc);
	if (c->busy_pct >= 0)
		printf("CPU busy before the run: %.0f%% of %ld CPUs%s\n", c->busy_pct,
		       c->nproc, c->busy_pct > 10 ? " (other load: expect noise)" : "");
	if (c->handoff_before > 0)
		printf("cache-line round trip between two CPUs: %.0f ns before, %.0f ns "
		       "after the run\n(every TEE operation pays about one; a VM moved "
		       "to distant cores pays several times more)\n",
		       c->handoff_before, c->handoff_after);
	printf("latency p50/p99 at the lowest offered rate (unloaded); saturation = "
	       "highest achieved throughput\n\n");
	printf("%-6s | %-12s | %14s | %10s | %10s | %8s\n", "op", "transport",
	       "sat. op/s", "p50 µs", "p99 µs", "REE/TEE");
	for (int i = 0; i < 6 + 12 + 14 + 10 + 10 + 8 + 15; i++)
		putchar('-');
	putchar('\n');
	for (int w = 0; w < W_COUNT; w++) {
		for (int t = 0; t < T_COUNT; t++) {
			const struct sweep *s = &res[w][t];
			if (!s->n)
				continue;
			printf("%-6s | %-12s | %14.0f | %10.2f | %10.2f |", wl_name[w],
			       tr_label[t], s->sat, s->pt[0].p50_us, s->pt[0].p99_us);
			if (t != T_REE)
				printf(" %7.2fx", ratio(w, t));
			putchar('\n');
		}
	}
	if (batch_ops_s > 0)
		printf("%-6s | %-12s | %14.0f | %10s | %10s | %7.2fx\n", "GET",
		       "batch of 64", batch_ops_s, "-", "-",
		       res[W_GET][T_REE].sat / batch_ops_s);
	printf("(batch of 64: %d GETs per invocation, partial shm, closed loop)\n",
	       BATCH_OPS);
	int any_p = 0;
	for (int w = 0; w < W_PERSIST; w++)
		for (int t = T_WHOLE; t < T_COUNT; t++)
			any_p |= res_p[w][t].n > 0;
	if (any_p) {
		printf("\nPersistent table (GP trusted storage; PUT and DEL durable "
		       "before the reply):\n");
		printf("%-6s | %-12s | %14s | %10s | %10s | %8s\n", "op", "transport",
		       "sat. op/s", "p50 µs", "p99 µs", "mem/pers");
		for (int w = 0; w < W_PERSIST; w++) {
			for (int t = T_WHOLE; t < T_COUNT; t++) {
				const struct sweep *s = &res_p[w][t];
				if (!s->n)
					continue;
				printf(
				    "%-6s | %-12s | %14.0f | %10.2f | %10.2f | %7.2fx\n",
				    wl_name[w], tr_label[t], s->sat, s->pt[0].p50_us,
				    s->pt[0].p99_us,
				    s->sat > 0 ? res[w][t].sat / s->sat : 0);
			}
		}
	}
	printf("\nTargets (REE saturation / TEE saturation, whole shared memory):\n");
	for (int w = 0; w < 2; w++) {
		int ww = w ? W_PUT : W_GET;
		double v = ratio(ww, T_WHOLE);
		printf("  %s_whole_tee_over_ree = %6.2f (target ≤ 3)  %s\n", wl_name[ww],
		       v, v > 0 && v <= 3 ? "PASS" : "MISS");
	}
	printf("(timings never fail the benchmark: PASS/MISS is for the reader)\n");
}

static int write_json(const struct cfg *c)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *curves = cJSON_CreateArray();
	if (!o || !curves) {
		cJSON_Delete(o);
		cJSON_Delete(curves);
		return -1;
	}
	char k[64];
	for (int w = 0; w < W_COUNT; w++) {
		for (int t = 0; t < T_COUNT; t++) {
			const struct sweep *s = &res[w][t];
			snprintf(k, sizeof(k), "%s_%s_sat_ops", wl_name[w], tr_name[t]);
			cJSON_AddNumberToObject(o, k, round(s->sat));
			snprintf(k, sizeof(k), "%s_%s_p50_us", wl_name[w], tr_name[t]);
			cJSON_AddNumberToObject(o, k, r3(s->n ? s->pt[0].p50_us : 0));
			snprintf(k, sizeof(k), "%s_%s_p99_us", wl_name[w], tr_name[t]);
			cJSON_AddNumberToObject(o, k, r3(s->n ? s->pt[0].p99_us : 0));
			if (t != T_REE) {
				snprintf(k, sizeof(k), "%s_%s_tee_over_ree", wl_name[w],
					 tr_name[t]);
				cJSON_AddNumberToObject(o, k, r3(ratio(w, t)));
			}
			for (int i = 0; i < s->n; i++) {
				cJSON *p = cJSON_CreateObject();
				if (!p)
					continue;
				cJSON_AddStringToObject(p, "op", wl_name[w]);
				cJSON_AddStringToObject(p, "shm", tr_name[t]);
				cJSON_AddNumberToObject(p, "offered_ops",
							s->pt[i].offered);
				cJSON_AddNumberToObject(p, "achieved_ops",
							round(s->pt[i].achieved));
				cJSON_AddNumberToObject(p, "p50_us", r3(s->pt[i].p50_us));
				cJSON_AddNumberToObject(p, "p99_us", r3(s->pt[i].p99_us));
				cJSON_AddItemToArray(curves, p);
			}
		}
	}
	for (int w = 0; w < W_PERSIST; w++) {
		for (int t = T_WHOLE; t < T_COUNT; t++) {
			const struct sweep *s = &res_p[w][t];
			if (!s->n)
				continue;
			snprintf(k, sizeof(k), "%s_%s_persistent_sat_ops", wl_name[w],
				 tr_name[t]);
			cJSON_AddNumberToObject(o, k, round(s->sat));
			snprintf(k, sizeof(k), "%s_%s_persistent_p50_us", wl_name[w],
				 tr_name[t]);
			cJSON_AddNumberToObject(o, k, r3(s->pt[0].p50_us));
			snprintf(k, sizeof(k), "%s_%s_persistent_p99_us", wl_name[w],
				 tr_name[t]);
			cJSON_AddNumberToObject(o, k, r3(s->pt[0].p99_us));
		}
	}
	cJSON_AddNumberToObject(o, "GET_batch64_sat_ops", round(batch_ops_s));
	cJSON_AddNumberToObject(
	    o, "GET_batch64_tee_over_ree",
	    r3(batch_ops_s > 0 ? res[W_GET][T_REE].sat / batch_ops_s : 0));
	cJSON_AddNumberToObject(o, "ops_per_run", c->ops);
	cJSON_AddNumberToObject(o, "runs_per_point", c->reps);
	cJSON_AddNumberToObject(o, "start_rate_ops", c->start_rate);
	cJSON_AddBoolToObject(o, "quick", c->quick);
	cJSON_AddBoolToObject(o, "full_sweep", c->full);
	cJSON_AddNumberToObject(o, "nproc", (double)c->nproc);
	cJSON_AddNumberToObject(o, "busy_before_pct", r3(c->busy_pct));
	cJSON_AddNumberToObject(o, "handoff_rt_ns_before", r3(c->handoff_before));
	cJSON_AddNumberToObject(o, "handoff_rt_ns_after", r3(c->handoff_after));
	cJSON_AddItemToObject(o, "curves", curves);
	int rc = bu_json_write(o, c->json);
	cJSON_Delete(o);
	return rc;
}

/*
 * The plot data: one gnuplot data block per (transport, op), blocks
 * separated by two blank lines so that bench/kv.gp selects them with
 * `index transport*5 + op`. Columns: offered, achieved, p50 µs, p99 µs.
 */
static int write_plot(const struct cfg *c)
{
	char dat[PATH_MAX], base[PATH_MAX];
	snprintf(dat, sizeof(dat), "%s/kv.dat", c->plot);
	snprintf(base, sizeof(base), "%s/kv", c->plot);
	FILE *f = fopen(dat, "w");
	if (!f) {
		fprintf(stderr, "edgetee bench kv: cannot write %s: %s\n", dat,
			strerror(errno));
		return -1;
	}
	fprintf(f, "# edgetee bench kv: offered_ops achieved_ops p50_us p99_us\n");
	for (int t = 0; t < T_COUNT; t++) {
		for (int w = 0; w < W_COUNT; w++) {
			const struct sweep *s = &res[w][t];
			fprintf(f, "# %s %s\n", tr_name[t], wl_name[w]);
			for (int i = 0; i < s->n; i++)
				fprintf(f, "%.0f %.0f %.3f %.3f\n", s->pt[i].offered,
					s->pt[i].achieved, s->pt[i].p50_us,
					s->pt[i].p99_us);
			if (!s->n) /* an empty block would shift every index */
				fprintf(f, "NaN NaN NaN NaN\n");
			fprintf(f, "\n\n");
		}
	}
	if (fclose(f)) {
		fprintf(stderr, "edgetee bench kv: cannot write %s\n", dat);
		return -1;
	}
	return bu_gnuplot("edgetee bench kv", "kv.gp", dat, base);
}

/* ---- command line ---------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: edgetee bench kv [--json FILE] [--plot DIR] [--quick] "
	    "[--full-sweep]\n"
	    "                        [--ops N] [--repeat N] [--start-rate R]\n"
	    "\n"
	    "  The DAIS 2019 key-value benchmark: PUT, GET, DEL, MIX20, MIX50 on 1 KiB\n"
	    "  values keyed by random offsets of a 512 KiB region, through whole, "
	    "partial\n"
	    "  and temporary shared memory to the kvstore TA of a private instance, and\n"
	    "  the same table in this process (REE). Each point offers N operations "
	    "open\n"
	    "  loop at a fixed rate (latency includes queueing); the rate doubles until\n"
	    "  the achieved throughput saturates.\n"
	    "\n"
	    "  --quick         start at 4096 op/s (CI, make run: a few seconds)\n"
	    "  --full-sweep    start at 1 op/s as the paper does (hours: 256 ops at\n"
	    "                  1 op/s alone take 256 s); the low-rate part of the curve\n"
	    "                  is flat (latency = service time), so it is skipped by\n"
	    "                  default, which starts at 1024 op/s\n"
	    "  --start-rate R  first offered rate in op/s\n"
	    "  --ops N         operations per run (default 256)\n"
	    "  --repeat N      runs per point (default 3): the best run's throughput\n"
	    "                  counts, latency percentiles are over all runs\n"
	    "  --json FILE     write <op>_<shm>_sat_ops, _p50_us, _p99_us, "
	    "_tee_over_ree\n"
	    "                  and every curve point\n"
	    "  --plot DIR      write DIR/kv.dat and draw DIR/kv.svg and DIR/kv.png\n"
	    "                  (gnuplot, bench/kv.gp; EDGETEE_BENCH_DIR overrides)\n"
	    "  --persistent    also PUT, GET and DEL on the persistent table (GP "
	    "trusted\n"
	    "                  storage; every PUT/DEL durable before it is answered)\n"
	    "                  on each transport (--quick: whole only); JSON keys\n"
	    "                  <op>_<shm>_persistent_sat_ops, _p50_us, _p99_us\n");
}

static int parse_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end || !*s || !(v >= lo && v <= hi))
		return -1;
	*out = v;
	return 0;
}

int bench_kv(int argc, char **argv)
{
	static const struct option opts[] = {{"json", required_argument, NULL, 'j'},
					     {"plot", required_argument, NULL, 'p'},
					     {"quick", no_argument, NULL, 'q'},
					     {"full-sweep", no_argument, NULL, 'f'},
					     {"ops", required_argument, NULL, 'n'},
					     {"start-rate", required_argument, NULL, 'r'},
					     {"repeat", required_argument, NULL, 'R'},
					     {"persistent", no_argument, NULL, 'P'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	struct cfg c = {.ops = N_OBJECTS, .reps = 3};
	double start = 0, v;
	int persistent = 0, ch;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:hj:p:qfn:r:R:", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			c.json = optarg;
			break;
		case 'p':
			c.plot = optarg;
			break;
		case 'q':
			c.quick = 1;
			break;
		case 'f':
			c.full = 1;
			break;
		case 'P':
			persistent = 1;
			break;
		case 'n':
			if (parse_num(optarg, 1, 65536, &v) || v != floor(v)) {
				fprintf(
				    stderr,
				    "edgetee bench kv: bad --ops '%s' (want 1..65536)\n",
				    optarg);
				return 2;
			}
			c.ops = (unsigned)v;
			break;
		case 'r':
			if (parse_num(optarg, 1, MAX_RATE, &start)) {
				fprintf(stderr,
					"edgetee bench kv: bad --start-rate '%s' (want "
					"1..%u op/s)\n",
					optarg, MAX_RATE);
				return 2;
			}
			break;
		case 'R':
			if (parse_num(optarg, 1, 15, &v) || v != floor(v)) {
				fprintf(
				    stderr,
				    "edgetee bench kv: bad --repeat '%s' (want 1..15)\n",
				    optarg);
				return 2;
			}
			c.reps = (unsigned)v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr,
				"edgetee bench kv: option '%s' needs an argument\n",
				argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr,
				"edgetee bench kv: bad option '%s' (see --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "edgetee bench kv: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}
	c.start_rate = start ? start : c.full ? 1 : c.quick ? 4096 : 1024;
	c.nproc = sysconf(_SC_NPROCESSORS_ONLN);
	if (bu_ta_path("edgetee bench kv", (const char *const[]){KVSTORE_TA_UUID_STR}, 1,
		       "ta/kvstore"))
		return 1;
	if (c.plot && bu_plot_dir_ok("edgetee bench kv", c.plot))
		return 1;

	sigset_t sigs;
	bu_signals_catch(on_signal, &sigs);
	/* Waits end on time: the default 50 µs timer slack would be latency. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);

	int rc = 1, up = 0, have_dir = 0;
	char dir[] = "/tmp/edgetee-bench-kv-XXXXXX";
	static struct target g;
	memset(&g, 0, sizeof(g));
	region = malloc(REGION);
	if (!region) {
		fprintf(stderr, "edgetee bench kv: out of memory\n");
		goto out;
	}
	for (size_t i = 0; i < REGION; i += 8) {
		uint64_t x = rng();
		memcpy(region + i, &x, 8);
	}
	c.busy_pct = bu_busy_pct();
	c.handoff_before = bu_handoff_rt_ns();
	bar_on = isatty(STDERR_FILENO);
	int total = W_COUNT * T_COUNT, idx = 0;
	if (persistent)
		total += W_PERSIST * (c.quick ? 1 : T_COUNT - 1);

	/* REE first, while no TEE process competes for a CPU. */
	g.ree = 1;
	kv_init(&g.table, &ree_allocator);
	for (int w = 0; w < W_COUNT; w++)
		if (sweep(&c, &g, w, &res[w][T_REE], tr_name[T_REE], idx++, total))
			goto out;
	kv_clear(&g.table);
	g.ree = 0;

	if (!mkdtemp(dir)) {
		perror("edgetee bench kv: mkdtemp");
		goto out;
	}
	have_dir = 1;
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	int u = cli_up("bench-kv", dir, 1, 1);
	sigprocmask(SIG_UNBLOCK, &sigs, NULL);
	if (u) {
		fprintf(stderr,
			"edgetee bench kv: cannot start a private instance in %s\n", dir);
		goto out;
	}
	up = 1;
	char sock[PATH_MAX];
	et_socket_path(dir, sock, sizeof(sock));
	for (int t = T_WHOLE; t < T_COUNT; t++) {
		TEEC_Result r = kvc_open(&g.kvc, sock, (enum kvc_transport)(t - 1), 0);
		if (r != TEEC_SUCCESS) {
			fprintf(stderr,
				"edgetee bench kv: cannot open the kvstore TA: 0x%08x "
				"(origin %u)\n",
				r, g.kvc.origin);
			goto out;
		}
		/* Warm up for 0.3 s, unmeasured: the new instance finishes starting
		 * (it prepares a spare TA process in the background) and the TA
		 * process faults in its heap. */
		struct plan_op put = {OP_PUT, 0}, del = {OP_DEL, 0};
		for (uint64_t end = et_now_ns() + 300000000ull; et_now_ns() < end;) {
			put.off = del.off = rand_offset();
			if (do_op(&g, &put, 0) || do_op(&g, &del, 0)) {
				fprintf(stderr, "edgetee bench kv: warm-up PUT failed\n");
				kvc_close(&g.kvc);
				goto out;
			}
		}
		for (int w = 0; w < W_COUNT; w++) {
			if (sweep(&c, &g, w, &res[w][t], tr_name[t], idx++, total)) {
				kvc_close(&g.kvc);
				goto out;
			}
		}
		if (t == T_PARTIAL && batched_get(&g)) {
			fprintf(stderr, "edgetee bench kv: batched GET failed\n");
			kvc_close(&g.kvc);
			goto out;
		}
		kvc_clear(&g.kvc);
		kvc_close(&g.kvc);
		if (persistent && (t == T_WHOLE || !c.quick) &&
		    persistent_sweeps(&c, &g, sock, t, &idx, total))
			goto out;
	}
	rc = 0;
	c.handoff_after = bu_handoff_rt_ns();
out:
	bar_end();
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	if (up)
		cli_down(dir, 1);
	if (have_dir)
		bu_rmtree(dir);
	if (rc == 0) {
		report(&c);
		if (c.json && write_json(&c))
			rc = 1;
		if (c.plot && write_plot(&c))
			rc = 1;
	} else if (interrupted) {
		fprintf(stderr, "edgetee bench kv: interrupted\n");
		rc = 130;
	}
	free(region);
	region = NULL;
	bu_signals_restore(&sigs);
	return rc;
}
