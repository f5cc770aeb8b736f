/*
 * edgetee iperf: iperfTZ, an iperf3-compatible network test whose data path
 * runs inside a TA through the GP TEE Sockets API. The control protocol
 * (cookie, parameters, state bytes, results) is spoken here; each
 * data stream is one session to the iperfTZ TA, driven in time slices so
 * this process can report intervals and where the time went (TA, REE socket
 * service, world crossings, CPU of each process, RAPL energy). --ree runs
 * the same loop in this process as the baseline. A stock iperf3 can be the
 * peer in either direction.
 *
 * Server mode: the TA listens and accepts (edgetee's listen/accept
 * extension of GP Sockets) and owns the control connection too; a bridge
 * thread here proxies its bytes to one end of a socketpair with the TA's
 * CTRL_SEND / CTRL_RECV, so the control protocol code below reads and
 * writes a plain fd in both modes. TCP data streams are accepted, checked
 * (cookie) and run by the TA; UDP streams and --ree stay native.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "iperf3_proto.h"
#include "iperf_cmd.h"
#include "iperf_dp.h"
#include "iperf_sys.h"

#define RING		   64		/* interval snapshots kept per stream */
#define SLICE_MAX_NS	   250000000ull /* longest RUN: bounds reaction time */
#define SLICE_TA_SERVER_NS 20000000ull	/* the same, TA server (see serve_one) */
#define DRAIN_IDLE_US	   50000	/* receiver drain: stop after this idle */
#define CTRL_TIMEOUT	   30000	/* ms to wait for a control message */

struct opts {
	int server, one_off, reverse, udp, json, ree, parallel;
	const char *host;
	int port;
	double time, interval;
	uint64_t num, len, window, rate;
	int len_set, rate_set, time_set;
};

struct snap {
	struct iperf_ta_result r;
	uint64_t run_ns;
};

struct test;

struct strm {
	struct dp_stream dp;
	struct test *t;
	pthread_t th;
	int running;
	pthread_mutex_t mu;
	struct snap cum; /* latest, under mu */
	int64_t posted;	 /* highest interval index with a snapshot */
	struct snap ring[RING];
	atomic_int done;
	uint32_t status;
};

/* Totals at one instant: what intervals are differences of. */
struct sample {
	uint64_t ns; /* since t0 */
	uint64_t bytes[IP3_MAX_STREAMS];
	uint64_t packets[IP3_MAX_STREAMS], lost[IP3_MAX_STREAMS];
	uint64_t run_ns, crossings, ree_ns, wait_ns;
	int has_sock;
	int64_t cpu_self, cpu_ta, cpu_supp, energy;
};

struct test {
	struct opts o;
	int is_server, sender, udp, n;
	uint32_t blksize;
	uint64_t rate, num;
	struct strm s[IP3_MAX_STREAMS];
	uint64_t t0, interval_ns, q_ns, end_rel; /* end_rel 0: no duration */
	atomic_int stop, drain_eof, hard_stop;
	atomic_uint_fast64_t left; /* -n: bytes still to send */
	pid_t ta_pid, supp_pid;
	struct sample first, last;
	cJSON *top, *intervals;
	char cookie[IP3_COOKIE_SIZE];
	double cpu_user0, cpu_sys0;
	uint64_t wall0;
};

static volatile sig_atomic_t interrupted;
static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* ---- output ---------------------------------------------------------------- */

static FILE *out; /* text report: stdout, or stderr-free NULL with -J */

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	if (!out)
		return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fflush(out);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: edgetee iperf -s [options]        server\n"
		"       edgetee iperf -c HOST [options]   client\n"
		"\n"
		"An iperf3-compatible network test whose data path (sender/receiver\n"
		"loop) runs in the iperfTZ TA over the GP TEE Sockets API; a stock\n"
		"iperf3 can be the peer either way.\n"
		"\n"
		"  -s, --server          run as server (the TA listens and accepts;\n"
		"                        UDP streams run natively)\n"
		"  -c, --client HOST     run as client, connecting to HOST\n"
		"  -p, --port PORT       server port (default 5201)\n"
		"  -t, --time SECONDS    test length (default 10)\n"
		"  -n, --bytes N[KMG]    bytes to transmit instead of a time\n"
		"  -l, --length N[KMG]   buffer length (TCP 128K, UDP 1460)\n"
		"  -w, --window N[KMG]   socket buffer size\n"
		"  -P, --parallel N      parallel streams (default 1)\n"
		"  -R, --reverse         server sends, client receives\n"
		"  -u, --udp             UDP (default rate 1 Mbit/s)\n"
		"  -b, --bitrate N[KMG]  target bit rate per stream (UDP; TCP if given)\n"
		"  -i, --interval SEC    report interval (default 1, 0 = none)\n"
		"  -J, --json            iperf3-shaped JSON output\n"
		"  -1, --one-off         server: handle one test, then exit\n"
		"      --ree             run the data path natively in this process\n"
		"                        (the baseline); server mode always does\n"
		"  -h, --help            this text\n"
		"\n"
		"Beyond iperf3: per interval and in total, time in the TA, in the REE\n"
		"socket service and in world crossings, CPU time of this process,\n"
		"the TA and the supplicant, and RAPL energy when readable.\n");
}

/* ---- sampling -------------------------------------------------------------- */

static void take_sample(struct test *t, struct sample *sm, int64_t interval_idx)
{
	memset(sm, 0, sizeof(*sm));
	sm->ns = dp_now_ns() - t->t0;
	for (int i = 0; i < t->n; i++) {
		struct strm *s = &t->s[i];
		pthread_mutex_lock(&s->mu);
		const struct snap *sn = &s->cum;
		if (interval_idx >= 0 && s->posted >= interval_idx &&
		    s->posted - interval_idx < RING)
			sn = &s->ring[interval_idx % RING];
		sm->bytes[i] = sn->r.bytes;
		sm->packets[i] = sn->r.packets;
		sm->lost[i] = sn->r.lost;
		sm->run_ns += sn->run_ns;
		/* Socket counters are per TA process: take the latest seen. */
		if (sn->r.has_sock_stats && sn->r.sock_crossings >= sm->crossings) {
			sm->crossings = sn->r.sock_crossings;
			sm->ree_ns = sn->r.sock_ree_ns;
			sm->wait_ns = sn->r.sock_wait_ns;
			sm->has_sock = 1;
		}
		pthread_mutex_unlock(&s->mu);
	}
	sm->cpu_self = sys_self_cpu_us();
	sm->cpu_ta = sys_proc_cpu_us(t->ta_pid);
	sm->cpu_supp = sys_proc_cpu_us(t->supp_pid);
	sm->energy = sys_rapl_uj();
}

static double d_us(int64_t a, int64_t b)
{
	return (a < 0 || b < 0) ? -1 : (double)(b - a);
}

/* The "where the time went" part of an interval (or of the whole test). */
static cJSON *costs_json(const struct test *t, const struct sample *a,
			 const struct sample *b)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "data_path", t->s[0].dp.ta ? "ta" : "ree");
	double run_us = (double)(b->run_ns - a->run_ns) / 1000.0;
	cJSON_AddNumberToObject(o, "data_path_us", run_us);
	if (b->has_sock) {
		double wait = (double)(b->wait_ns - a->wait_ns) / 1000.0;
		double ree = (double)(b->ree_ns - a->ree_ns) / 1000.0;
		/* TCP moves through rings: the supplicant's syscalls run while
		 * the TA works, so ree is not a part of wait any more; the TA's
		 * wall time is its own work plus its waits for the supplicant. */
		cJSON_AddNumberToObject(o, "ta_us", run_us > wait ? run_us - wait : 0);
		cJSON_AddNumberToObject(o, "ree_socket_us", ree);
		cJSON_AddNumberToObject(o, "crossings",
					(double)(b->crossings - a->crossings));
		cJSON_AddNumberToObject(o, "crossing_and_blocking_us", wait);
	}
	cJSON *c = cJSON_AddObjectToObject(o, "cpu_us");
	double v;
	if ((v = d_us(a->cpu_self, b->cpu_self)) >= 0)
		cJSON_AddNumberToObject(c, "cli", v);
	if ((v = d_us(a->cpu_ta, b->cpu_ta)) >= 0)
		cJSON_AddNumberToObject(c, "ta", v);
	else if (t->s[0].dp.ta)
		cJSON_AddStringToObject(c, "ta", "unavailable");
	if ((v = d_us(a->cpu_supp, b->cpu_supp)) >= 0)
		cJSON_AddNumberToObject(c, "supplicant", v);
	else if (t->s[0].dp.ta)
		cJSON_AddStringToObject(c, "supplicant", "unavailable");
	int64_t e = sys_rapl_delta(a->energy, b->energy);
	if (e >= 0)
		cJSON_AddNumberToObject(o, "energy_uj", (double)e);
	else
		cJSON_AddStringToObject(o, "energy", "unavailable");
	return o;
}

static void fmt_us(char *buf, size_t len, double us)
{
	if (us < 0)
		snprintf(buf, len, "unavailable");
	else if (us >= 1e6)
		snprintf(buf, len, "%.2f s", us / 1e6);
	else
		snprintf(buf, len, "%.1f ms", us / 1e3);
}

static void say_costs(const struct test *t, const struct sample *a,
		      const struct sample *b)
{
	if (!out)
		return;
	char x[32], y[32], z[32];
	double run_us = (double)(b->run_ns - a->run_ns) / 1000.0;
	if (t->s[0].dp.ta && b->has_sock) {
		double wait = (double)(b->wait_ns - a->wait_ns) / 1000.0;
		double ree = (double)(b->ree_ns - a->ree_ns) / 1000.0;
		fmt_us(x, sizeof(x), run_us > wait ? run_us - wait : 0);
		fmt_us(y, sizeof(y), ree);
		fmt_us(z, sizeof(z), wait);
		say("        time: TA %s + waiting %s (%llu crossings); REE sockets %s "
		    "(concurrent)\n",
		    x, z, (unsigned long long)(b->crossings - a->crossings), y);
	} else if (t->s[0].dp.ta) {
		fmt_us(x, sizeof(x), run_us);
		say("        time: in the TA %s (no socket counters)\n", x);
	}
	fmt_us(x, sizeof(x), d_us(a->cpu_self, b->cpu_self));
	if (t->s[0].dp.ta) {
		fmt_us(y, sizeof(y), d_us(a->cpu_ta, b->cpu_ta));
		fmt_us(z, sizeof(z), d_us(a->cpu_supp, b->cpu_supp));
		say("        cpu: edgetee %s, TA %s, supplicant %s", x, y, z);
	} else {
		say("        cpu: edgetee %s", x);
	}
	int64_t e = sys_rapl_delta(a->energy, b->energy);
	if (e >= 0)
		say(", energy %.3f J\n", (double)e / 1e6);
	else
		say(", energy: unavailable\n");
}

static cJSON *ival_json(int sock, double st, double en, uint64_t bytes, int sender,
			int udp, uint64_t packets)
{
	cJSON *o = cJSON_CreateObject();
	double secs = en - st;
	cJSON_AddNumberToObject(o, "socket", sock);
	cJSON_AddNumberToObject(o, "start", st);
	cJSON_AddNumberToObject(o, "end", en);
	cJSON_AddNumberToObject(o, "seconds", secs);
	cJSON_AddNumberToObject(o, "bytes", (double)bytes);
	cJSON_AddNumberToObject(o, "bits_per_second", secs > 0 ? bytes * 8.0 / secs : 0);
	if (udp)
		cJSON_AddNumberToObject(o, "packets", (double)packets);
	cJSON_AddBoolToObject(o, "omitted", 0);
	cJSON_AddBoolToObject(o, "sender", sender);
	return o;
}

static void report_interval(struct test *t, const struct sample *a,
			    const struct sample *b)
{
	double st = a->ns / 1e9, en = b->ns / 1e9;
	char tb[32], rb[32];
	uint64_t sum = 0, sump = 0;
	cJSON *iv = cJSON_CreateObject();
	cJSON *arr = cJSON_AddArrayToObject(iv, "streams");
	for (int i = 0; i < t->n; i++) {
		uint64_t by = b->bytes[i] - a->bytes[i];
		uint64_t pk = b->packets[i] - a->packets[i];
		sum += by;
		sump += pk;
		ip3_fmt_bytes(tb, sizeof(tb), (double)by);
		ip3_fmt_rate(rb, sizeof(rb), en > st ? by * 8.0 / (en - st) : 0);
		if (t->udp && t->sender)
			say("[%3d] %6.2f-%-6.2f sec  %s  %s  %llu\n", t->s[i].dp.id, st,
			    en, tb, rb, (unsigned long long)pk);
		else
			say("[%3d] %6.2f-%-6.2f sec  %s  %s\n", t->s[i].dp.id, st, en, tb,
			    rb);
		cJSON_AddItemToArray(
		    arr, ival_json(t->s[i].dp.id, st, en, by, t->sender, t->udp, pk));
	}
	if (t->n > 1) {
		ip3_fmt_bytes(tb, sizeof(tb), (double)sum);
		ip3_fmt_rate(rb, sizeof(rb), en > st ? sum * 8.0 / (en - st) : 0);
		say("[SUM] %6.2f-%-6.2f sec  %s  %s\n", st, en, tb, rb);
	}
	say_costs(t, a, b);
	cJSON_AddItemToObject(iv, "sum",
			      ival_json(0, st, en, sum, t->sender, t->udp, sump));
	cJSON_DeleteItemFromObject(cJSON_GetObjectItem(iv, "sum"), "socket");
	cJSON_AddItemToObject(iv, "edgetee", costs_json(t, a, b));
	cJSON_AddItemToArray(t->intervals, iv);
}

/* ---- stream threads ---------------------------------------------------------- */

static void publish(struct strm *s)
{
	struct test *t = s->t;
	pthread_mutex_lock(&s->mu);
	s->cum.r = s->dp.r;
	s->cum.run_ns = s->dp.run_ns;
	if (t->interval_ns) {
		int64_t k = (int64_t)((dp_now_ns() - t->t0) / t->interval_ns);
		for (int64_t j = s->posted + 1; j <= k; j++)
			s->ring[j % RING] = s->cum;
		if (k > s->posted)
			s->posted = k;
	}
	pthread_mutex_unlock(&s->mu);
}

static void *stream_main(void *arg)
{
	struct strm *s = arg;
	struct test *t = s->t;
	uint64_t last_bytes = 0;
	for (;;) {
		uint64_t rel = dp_now_ns() - t->t0, budget_us, maxb = 0;
		if (atomic_load(&t->stop)) {
			/* Senders stop; receivers take what is still in flight. */
			if (t->sender || atomic_load(&t->hard_stop))
				break;
			budget_us = DRAIN_IDLE_US;
		} else {
			if (t->sender && t->end_rel && rel >= t->end_rel)
				break;
			/* Slices end on multiples of q, so interval boundaries
			 * fall between two RUNs. */
			uint64_t next = (rel / t->q_ns + 1) * t->q_ns;
			if (t->sender && t->end_rel && next > t->end_rel)
				next = t->end_rel;
			budget_us = (next - rel) / 1000;
			if (budget_us < 1000)
				budget_us = 1000;
		}
		if (t->sender && t->num) {
			maxb = atomic_load(&t->left);
			if (!maxb)
				break;
		}
		uint32_t st = dp_run(&s->dp, budget_us, maxb);
		uint64_t moved = s->dp.r.bytes - last_bytes;
		last_bytes = s->dp.r.bytes;
		if (t->sender && t->num) {
			uint64_t l = atomic_load(&t->left);
			while (!atomic_compare_exchange_weak(&t->left, &l,
							     l > moved ? l - moved : 0))
				;
		}
		publish(s);
		if (st != IPERF_ST_OK) {
			s->status = st;
			break;
		}
		if (atomic_load(&t->stop) && !t->sender && !moved &&
		    !atomic_load(&t->drain_eof))
			break; /* drained: nothing arrived for a whole slice */
	}
	publish(s);
	atomic_store(&s->done, 1);
	return NULL;
}

static int start_streams(struct test *t)
{
	t->t0 = dp_now_ns();
	t->wall0 = t->t0;
	for (int i = 0; i < t->n; i++) {
		struct strm *s = &t->s[i];
		s->t = t;
		s->posted = 0;
		if (pthread_create(&s->th, NULL, stream_main, s)) {
			fprintf(stderr, "edgetee iperf: cannot start a stream thread\n");
			atomic_store(&t->stop, 1);
			atomic_store(&t->hard_stop, 1);
			return -1;
		}
		s->running = 1;
	}
	return 0;
}

static void join_streams(struct test *t, int max_ms)
{
	uint64_t until = dp_now_ns() + (uint64_t)max_ms * 1000000u;
	for (;;) {
		int all = 1;
		for (int i = 0; i < t->n; i++)
			all &= !t->s[i].running || atomic_load(&t->s[i].done);
		if (all || dp_now_ns() > until)
			break;
		struct timespec ts = {0, 5000000};
		nanosleep(&ts, NULL);
	}
	atomic_store(&t->hard_stop, 1);
	for (int i = 0; i < t->n; i++) {
		if (t->s[i].running)
			pthread_join(t->s[i].th, NULL);
		t->s[i].running = 0;
	}
}

static int all_done(struct test *t)
{
	for (int i = 0; i < t->n; i++)
		if (!atomic_load(&t->s[i].done))
			return 0;
	return 1;
}

static uint64_t total_bytes(struct test *t)
{
	uint64_t b = 0;
	for (int i = 0; i < t->n; i++) {
		pthread_mutex_lock(&t->s[i].mu);
		b += t->s[i].cum.r.bytes;
		pthread_mutex_unlock(&t->s[i].mu);
	}
	return b;
}

/*
 * The running phase as seen from the control connection: print intervals
 * until the test is over. Client: over by time, byte count or all streams
 * ending. Server: over when the client says TEST_END. Returns 0, or -1 on
 * a control connection error / unexpected state (*state tells which).
 */
static int run_phase(struct test *t, int ctrl, int *state)
{
	int64_t j = 1;
	struct sample prev = t->first, cur;
	*state = 0;
	for (;;) {
		uint64_t boundary = t->interval_ns ? j * t->interval_ns : UINT64_MAX;
		if (!t->is_server && t->end_rel && boundary > t->end_rel)
			boundary = t->end_rel;
		int over = 0;
		for (;;) {
			uint64_t rel = dp_now_ns() - t->t0;
			if (rel >= boundary)
				break;
			if (interrupted)
				return -1;
			if (!t->is_server &&
			    ((t->num && total_bytes(t) >= t->num) || all_done(t))) {
				over = 1;
				break;
			}
			uint64_t wait_ms = (boundary - rel) / 1000000 + 1;
			struct pollfd pf = {.fd = ctrl, .events = POLLIN};
			int r = poll(&pf, 1, (int)(wait_ms > 50 ? 50 : wait_ms));
			if (r > 0) {
				if (ip3_recv_state(ctrl, state, 1000))
					return -1;
				if (t->is_server && *state == IP3_TEST_END) {
					over = 1;
					break;
				}
				return -1; /* the peer ended or failed the test */
			}
		}
		if (over || !t->interval_ns)
			break;
		/* Let each stream finish the slice that ended at the boundary. */
		uint64_t until = dp_now_ns() + 300000000ull;
		for (;;) {
			int ready = 1;
			for (int i = 0; i < t->n; i++) {
				pthread_mutex_lock(&t->s[i].mu);
				ready &=
				    t->s[i].posted >= j || atomic_load(&t->s[i].done);
				pthread_mutex_unlock(&t->s[i].mu);
			}
			if (ready || dp_now_ns() > until)
				break;
			struct timespec ts = {0, 1000000};
			nanosleep(&ts, NULL);
		}
		take_sample(t, &cur, j);
		cur.ns = boundary;
		report_interval(t, &prev, &cur);
		prev = cur;
		if (!t->is_server && t->end_rel && boundary >= t->end_rel)
			break;
		j++;
	}
	t->last = prev;
	return 0;
}

/* The partial interval after the last boundary, if anything moved in it. */
static void final_interval(struct test *t)
{
	struct sample cur;
	take_sample(t, &cur, -1);
	uint64_t moved = 0;
	for (int i = 0; i < t->n; i++)
		moved += cur.bytes[i] - t->last.bytes[i];
	if (t->interval_ns && moved && cur.ns > t->last.ns + 1000000)
		report_interval(t, &t->last, &cur);
	t->last = cur;
}

/* ---- results ------------------------------------------------------------------ */

static void cpu_util(struct test *t, double *total, double *user, double *sys)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double u = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 - t->cpu_user0;
	double s = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6 - t->cpu_sys0;
	double wall = (dp_now_ns() - t->wall0) / 1e9;
	if (wall <= 0)
		wall = 1e-9;
	*user = 100.0 * u / wall;
	*sys = 100.0 * s / wall;
	*total = *user + *sys;
}

static void own_results(struct test *t, struct ip3_results *r)
{
	memset(r, 0, sizeof(*r));
	cpu_util(t, &r->cpu_total, &r->cpu_user, &r->cpu_system);
	r->sender_has_retransmits = t->sender ? 0 : -1;
	r->n = t->n;
	double secs = t->last.ns / 1e9;
	for (int i = 0; i < t->n; i++) {
		const struct iperf_ta_result *x = &t->s[i].cum.r;
		struct ip3_stream_result *s = &r->s[i];
		s->id = t->s[i].dp.id;
		s->bytes = x->bytes;
		s->retransmits = t->sender ? 0 : -1;
		s->jitter = x->jitter_ns / 1e9;
		s->errors = (int64_t)x->lost;
		s->packets = (int64_t)x->packets;
		s->start_time = 0;
		s->end_time = secs;
	}
}

static const struct ip3_stream_result *peer_stream(const struct ip3_results *p, int id)
{
	for (int i = 0; i < p->n; i++)
		if (p->s[i].id == id)
			return &p->s[i];
	return NULL;
}

static cJSON *end_entry(int sock, double secs, uint64_t bytes, int sender, int udp,
			const struct ip3_stream_result *rx, uint64_t sent_packets)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "socket", sock);
	cJSON_AddNumberToObject(o, "start", 0);
	cJSON_AddNumberToObject(o, "end", secs);
	cJSON_AddNumberToObject(o, "seconds", secs);
	cJSON_AddNumberToObject(o, "bytes", (double)bytes);
	cJSON_AddNumberToObject(o, "bits_per_second", secs > 0 ? bytes * 8.0 / secs : 0);
	if (udp && rx) {
		double pk = rx->packets > 0 ? (double)rx->packets : (double)sent_packets;
		cJSON_AddNumberToObject(o, "jitter_ms", rx->jitter * 1000.0);
		cJSON_AddNumberToObject(o, "lost_packets", (double)rx->errors);
		cJSON_AddNumberToObject(o, "packets", pk);
		cJSON_AddNumberToObject(o, "lost_percent",
					pk > 0 ? 100.0 * rx->errors / pk : 0);
	} else if (!udp && sender) {
		cJSON_AddNumberToObject(o, "retransmits", 0);
	}
	cJSON_AddBoolToObject(o, "sender", sender);
	return o;
}

/* Final report: both ends' view of each stream, iperf3-style. */
static void report_end(struct test *t, const struct ip3_results *mine,
		       const struct ip3_results *peer, const char *host, int port)
{
	cJSON *end = cJSON_AddObjectToObject(t->top, "end");
	cJSON *streams = cJSON_AddArrayToObject(end, "streams");
	uint64_t ssum = 0, rsum = 0, spk = 0, lost = 0, rpk = 0;
	double ssecs = 0, rsecs = 0, jit = 0;
	char tb[32], rb[32];
	say("- - - - - - - - - - - - - - - - - - - - - - - - -\n");
	say("[ ID] Interval           Transfer     Bitrate\n");
	for (int i = 0; i < t->n; i++) {
		int id = t->s[i].dp.id;
		const struct ip3_stream_result *me = &mine->s[i];
		const struct ip3_stream_result *pe = peer_stream(peer, id);
		/* Sender view and receiver view of the same stream. */
		const struct ip3_stream_result *tx = t->sender ? me : pe;
		const struct ip3_stream_result *rx = t->sender ? pe : me;
		uint64_t sb = tx ? tx->bytes : 0, rbts = rx ? rx->bytes : 0;
		double sd = tx ? tx->end_time - tx->start_time : 0;
		double rd = rx ? rx->end_time - rx->start_time : 0;
		if (sd <= 0)
			sd = t->last.ns / 1e9;
		if (rd <= 0)
			rd = sd;
		ssum += sb;
		rsum += rbts;
		ssecs = sd > ssecs ? sd : ssecs;
		rsecs = rd > rsecs ? rd : rsecs;
		cJSON *e = cJSON_CreateObject();
		uint64_t sent_packets = tx ? (uint64_t)tx->packets : 0;
		spk += sent_packets;
		if (t->udp) {
			lost += rx ? (uint64_t)rx->errors : 0;
			rpk += rx ? (uint64_t)rx->packets : 0;
			jit += rx ? rx->jitter : 0;
			cJSON_AddItemToObject(
			    e, "udp", end_entry(id, sd, sb, 1, 1, rx, sent_packets));
		} else {
			cJSON_AddItemToObject(e, "sender",
					      end_entry(id, sd, sb, 1, 0, NULL, 0));
			cJSON_AddItemToObject(e, "receiver",
					      end_entry(id, rd, rbts, 0, 0, NULL, 0));
		}
		cJSON_AddItemToArray(streams, e);
		ip3_fmt_bytes(tb, sizeof(tb), (double)sb);
		ip3_fmt_rate(rb, sizeof(rb), sd > 0 ? sb * 8.0 / sd : 0);
		say("[%3d] %6.2f-%-6.2f sec  %s  %s                  sender\n", id, 0.0,
		    sd, tb, rb);
		ip3_fmt_bytes(tb, sizeof(tb), (double)rbts);
		ip3_fmt_rate(rb, sizeof(rb), rd > 0 ? rbts * 8.0 / rd : 0);
		if (t->udp && rx)
			say("[%3d] %6.2f-%-6.2f sec  %s  %s  %.3f ms  %lld/%lld  "
			    "receiver\n",
			    id, 0.0, rd, tb, rb, rx->jitter * 1000.0,
			    (long long)rx->errors, (long long)rx->packets);
		else
			say("[%3d] %6.2f-%-6.2f sec  %s  %s                  receiver\n",
			    id, 0.0, rd, tb, rb);
	}
	if (t->n > 1) {
		ip3_fmt_bytes(tb, sizeof(tb), (double)ssum);
		ip3_fmt_rate(rb, sizeof(rb), ssecs > 0 ? ssum * 8.0 / ssecs : 0);
		say("[SUM] %6.2f-%-6.2f sec  %s  %s                  sender\n", 0.0,
		    ssecs, tb, rb);
		ip3_fmt_bytes(tb, sizeof(tb), (double)rsum);
		ip3_fmt_rate(rb, sizeof(rb), rsecs > 0 ? rsum * 8.0 / rsecs : 0);
		say("[SUM] %6.2f-%-6.2f sec  %s  %s                  receiver\n", 0.0,
		    rsecs, tb, rb);
	}
	cJSON *ss = end_entry(0, ssecs, ssum, 1, 0, NULL, 0);
	cJSON_DeleteItemFromObject(ss, "socket");
	cJSON_AddItemToObject(end, "sum_sent", ss);
	cJSON *rs = end_entry(0, rsecs, rsum, 0, 0, NULL, 0);
	cJSON_DeleteItemFromObject(rs, "socket");
	cJSON_AddItemToObject(end, "sum_received", rs);
	if (t->udp) {
		struct ip3_stream_result agg = {.errors = (int64_t)lost,
						.packets = (int64_t)rpk,
						.jitter = jit / t->n};
		cJSON *u = end_entry(0, ssecs, ssum, t->sender, 1, &agg, spk);
		cJSON_DeleteItemFromObject(u, "socket");
		cJSON_AddItemToObject(end, "sum", u);
	}
	cJSON *cpu = cJSON_AddObjectToObject(end, "cpu_utilization_percent");
	cJSON_AddNumberToObject(cpu, "host_total", mine->cpu_total);
	cJSON_AddNumberToObject(cpu, "host_user", mine->cpu_user);
	cJSON_AddNumberToObject(cpu, "host_system", mine->cpu_system);
	cJSON_AddNumberToObject(cpu, "remote_total", peer->cpu_total);
	cJSON_AddNumberToObject(cpu, "remote_user", peer->cpu_user);
	cJSON_AddNumberToObject(cpu, "remote_system", peer->cpu_system);
	say("where the time went (whole test, data path: %s):\n",
	    t->s[0].dp.ta ? "TA over GP Sockets" : "native REE");
	say_costs(t, &t->first, &t->last);
	cJSON *et = costs_json(t, &t->first, &t->last);
	cJSON_AddNumberToObject(et, "ta_pid", t->ta_pid);
	if (t->supp_pid)
		cJSON_AddNumberToObject(et, "supplicant_pid", t->supp_pid);
	cJSON_AddItemToObject(end, "edgetee", et);
	(void)host;
	(void)port;
}

static void json_start(struct test *t, const char *host, int port, int ctrl)
{
	t->top = cJSON_CreateObject();
	cJSON *st = cJSON_AddObjectToObject(t->top, "start");
	cJSON *conn = cJSON_AddArrayToObject(st, "connected");
	for (int i = 0; i < t->n; i++) {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddNumberToObject(c, "socket", t->s[i].dp.id);
		if (!t->s[i].dp.ta) {
			char lh[64], rh[64];
			int lp = 0, rp = 0;
			if (sscanf(t->s[i].dp.local, "%63s port %d", lh, &lp) == 2)
				cJSON_AddStringToObject(c, "local_host", lh);
			cJSON_AddNumberToObject(c, "local_port", lp);
			if (sscanf(t->s[i].dp.peer, "%63s port %d", rh, &rp) == 2)
				cJSON_AddStringToObject(c, "remote_host", rh);
			cJSON_AddNumberToObject(c, "remote_port", rp);
		} else {
			cJSON_AddStringToObject(c, "via", "iperfTZ TA");
		}
		cJSON_AddItemToArray(conn, c);
	}
	cJSON_AddStringToObject(st, "version",
				"edgetee iperf (iperf3 " IP3_VERSION " protocol)");
	struct utsname u;
	if (uname(&u) == 0) {
		char sys[512];
		snprintf(sys, sizeof(sys), "%s %s %s %s %s", u.sysname, u.nodename,
			 u.release, u.version, u.machine);
		cJSON_AddStringToObject(st, "system_info", sys);
	}
	time_t now = time(NULL);
	char tbuf[64];
	strftime(tbuf, sizeof(tbuf), "%a, %d %b %Y %H:%M:%S GMT", gmtime(&now));
	cJSON *ts = cJSON_AddObjectToObject(st, "timestamp");
	cJSON_AddStringToObject(ts, "time", tbuf);
	cJSON_AddNumberToObject(ts, "timesecs", (double)now);
	if (host) {
		cJSON *ct = cJSON_AddObjectToObject(st, "connecting_to");
		cJSON_AddStringToObject(ct, "host", host);
		cJSON_AddNumberToObject(ct, "port", port);
	}
	cJSON_AddStringToObject(st, "cookie", t->cookie);
	int mss = 0;
	socklen_t ml = sizeof(mss);
	if (!t->udp && getsockopt(ctrl, IPPROTO_TCP, TCP_MAXSEG, &mss, &ml) == 0)
		cJSON_AddNumberToObject(st, "tcp_mss_default", mss);
	cJSON_AddNumberToObject(st, "sock_bufsize", (double)t->o.window);
	cJSON *ts2 = cJSON_AddObjectToObject(st, "test_start");
	cJSON_AddStringToObject(ts2, "protocol", t->udp ? "UDP" : "TCP");
	cJSON_AddNumberToObject(ts2, "num_streams", t->n);
	cJSON_AddNumberToObject(ts2, "blksize", t->blksize);
	cJSON_AddNumberToObject(ts2, "omit", 0);
	cJSON_AddNumberToObject(ts2, "duration", t->end_rel / 1e9);
	cJSON_AddNumberToObject(ts2, "bytes", (double)t->num);
	cJSON_AddNumberToObject(ts2, "blocks", 0);
	cJSON_AddNumberToObject(ts2, "reverse", t->o.reverse);
	cJSON_AddNumberToObject(ts2, "tos", 0);
	cJSON_AddStringToObject(ts2, "data_path", t->n && t->s[0].dp.ta ? "ta" : "ree");
	t->intervals = cJSON_AddArrayToObject(t->top, "intervals");
}

static void json_print(struct test *t, const char *error)
{
	if (!t->o.json)
		return;
	if (!t->top)
		t->top = cJSON_CreateObject();
	if (error)
		cJSON_AddStringToObject(t->top, "error", error);
	char *s = cJSON_Print(t->top);
	if (s) {
		printf("%s\n", s);
		fflush(stdout);
	}
	cJSON_free(s);
}

static void test_init(struct test *t, const struct opts *o)
{
	memset(t, 0, sizeof(*t));
	t->o = *o;
	for (int i = 0; i < IP3_MAX_STREAMS; i++) {
		pthread_mutex_init(&t->s[i].mu, NULL);
		t->s[i].dp.fd = -1;
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	t->cpu_user0 = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
	t->cpu_sys0 = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	t->wall0 = dp_now_ns();
}

static void test_free(struct test *t)
{
	atomic_store(&t->stop, 1);
	join_streams(t, 0);
	for (int i = 0; i < t->n; i++)
		dp_close(&t->s[i].dp);
	for (int i = 0; i < IP3_MAX_STREAMS; i++)
		pthread_mutex_destroy(&t->s[i].mu);
	cJSON_Delete(t->top);
	t->top = NULL;
}

/* Interval length and the slice quantum (a divisor of it, ≤ slice_max). */
static void set_timing(struct test *t, double interval, double duration,
		       uint64_t slice_max)
{
	t->interval_ns = (uint64_t)(interval * 1e9);
	uint64_t base = t->interval_ns ? t->interval_ns : 1000000000ull;
	uint64_t k = (base + slice_max - 1) / slice_max;
	t->q_ns = base / (k ? k : 1);
	t->end_rel = (uint64_t)(duration * 1e9);
}

/* ---- client --------------------------------------------------------------------- */

static int tcp_connect(const char *host, int port, char *numeric, size_t nlen, int *v6,
		       char *err, size_t errlen)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL, *a;
	char ps[16];
	snprintf(ps, sizeof(ps), "%d", port);
	int g = getaddrinfo(host, ps, &hints, &ai);
	if (g) {
		snprintf(err, errlen, "cannot resolve %s: %s", host, gai_strerror(g));
		return -1;
	}
	int fd = -1, e = 0;
	for (a = ai; a; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) == 0)
			break;
		e = errno;
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	if (fd < 0) {
		snprintf(err, errlen, "cannot connect to %s port %d: %s", host, port,
			 strerror(e));
	} else {
		getnameinfo(a->ai_addr, a->ai_addrlen, numeric, (socklen_t)nlen, NULL, 0,
			    NI_NUMERICHOST);
		*v6 = a->ai_family == AF_INET6;
	}
	freeaddrinfo(ai);
	return fd;
}

static const char *state_name(int s)
{
	switch (s) {
	case IP3_ACCESS_DENIED:
		return "the server is busy running a test (access denied)";
	case IP3_SERVER_ERROR:
		return "the server reported an error";
	case IP3_SERVER_TERMINATE:
		return "the server terminated the test";
	case IP3_CLIENT_TERMINATE:
		return "the client terminated the test";
	default:
		return "unexpected state from the peer";
	}
}

static int run_client(const struct opts *o)
{
	static struct test T;
	struct test *t = &T;
	test_init(t, o);
	char err[512] = "", numeric[INET6_ADDRSTRLEN + 1] = "";
	int v6 = 0, rc = 1, state = 0, ctx_open = 0;
	TEEC_Context ctx;
	t->udp = o->udp;
	t->sender = !o->reverse;
	t->n = o->parallel;
	t->blksize =
	    (uint32_t)(o->len_set ? o->len
				  : (o->udp ? IP3_UDP_BLKSIZE : IP3_TCP_BLKSIZE));
	t->rate = o->rate_set ? o->rate : (o->udp ? IP3_UDP_RATE : 0);
	t->num = o->num;
	atomic_store(&t->left, o->num);
	set_timing(t, o->interval, o->num ? 0 : o->time, SLICE_MAX_NS);

	if (!o->ree) {
		TEEC_Result r = TEEC_InitializeContext(NULL, &ctx);
		if (r != TEEC_SUCCESS) {
			snprintf(
			    err, sizeof(err),
			    "no TEE instance (0x%08x): start one with `edgetee up`, or "
			    "use --ree",
			    r);
			goto fail;
		}
		ctx_open = 1;
	}
	int ctrl = tcp_connect(o->host, o->port, numeric, sizeof(numeric), &v6, err,
			       sizeof(err));
	if (ctrl < 0)
		goto fail;
	say("Connecting to host %s, port %d (data path: %s)\n", o->host, o->port,
	    o->ree ? "native REE (--ree)" : "iperfTZ TA over GP Sockets");
	if (o->reverse)
		say("Reverse mode, remote host %s is sending\n", o->host);
	ip3_make_cookie(t->cookie);
	if (ip3_write_all(ctrl, t->cookie, IP3_COOKIE_SIZE)) {
		snprintf(err, sizeof(err), "control connection: %s", strerror(errno));
		goto fail_ctrl;
	}
	for (;;) {
		if (ip3_recv_state(ctrl, &state, CTRL_TIMEOUT)) {
			snprintf(err, sizeof(err),
				 "control connection closed by the server");
			goto fail_ctrl;
		}
		if (state == IP3_PARAM_EXCHANGE) {
			struct ip3_params p = {.udp = o->udp,
					       .time = o->num ? 0 : (int)o->time,
					       .num = o->num,
					       .parallel = o->parallel,
					       .reverse = o->reverse,
					       .window = (uint32_t)o->window,
					       .len = t->blksize,
					       .bandwidth = t->rate};
			snprintf(p.client_version, sizeof(p.client_version), "%s",
				 IP3_VERSION);
			cJSON *j = ip3_params_to_json(&p);
			int w = j ? ip3_send_json(ctrl, j) : -1;
			cJSON_Delete(j);
			if (w) {
				snprintf(err, sizeof(err),
					 "cannot send the test parameters");
				goto fail_ctrl;
			}
		} else if (state == IP3_CREATE_STREAMS) {
			struct iperf_ta_open op;
			memset(&op, 0, sizeof(op));
			op.flags = (o->udp ? IPERF_F_UDP : 0) |
				   (t->sender ? IPERF_F_SENDER : 0) |
				   (v6 ? IPERF_F_IPV6 : 0);
			op.port = (uint32_t)o->port;
			op.blksize = t->blksize;
			op.window = (uint32_t)o->window;
			op.rate_bps = t->rate;
			memcpy(op.cookie, t->cookie, IP3_COOKIE_SIZE);
			snprintf(op.host, sizeof(op.host), "%s", numeric);
			for (int i = 0; i < t->n; i++) {
				struct dp_stream *d = &t->s[i].dp;
				d->id = ip3_stream_id(i);
				int r = o->ree
					    ? dp_open_native(d, &op, err, sizeof(err))
					    : dp_open_ta(&ctx, d, &op, err, sizeof(err));
				if (r) {
					ip3_send_state(ctrl, IP3_CLIENT_TERMINATE);
					goto fail_ctrl;
				}
				if (d->ta)
					say("[%3d] data stream connected by the iperfTZ "
					    "TA to %s "
					    "port %d\n",
					    d->id, numeric, o->port);
				else
					say("[%3d] local %s connected to %s\n", d->id,
					    d->local, d->peer);
			}
			if (!o->ree)
				sys_instance_pids(IPERF_TA_UUID_STR, &t->ta_pid,
						  &t->supp_pid);
		} else if (state == IP3_TEST_START) {
			json_start(t, o->host, o->port, ctrl);
		} else if (state == IP3_TEST_RUNNING) {
			take_sample(t, &t->first, -1);
			say("[ ID] Interval           Transfer     Bitrate%s\n",
			    o->udp && t->sender ? "         Total Datagrams" : "");
			if (start_streams(t)) {
				snprintf(err, sizeof(err), "cannot start the streams");
				goto fail_ctrl;
			}
			t->first.ns = 0;
			int pr = run_phase(t, ctrl, &state);
			if (pr) {
				if (interrupted) {
					ip3_send_state(ctrl, IP3_CLIENT_TERMINATE);
					snprintf(err, sizeof(err), "interrupted");
				} else {
					snprintf(err, sizeof(err), "%s",
						 state_name(state));
				}
				goto fail_ctrl;
			}
			atomic_store(&t->stop, 1);
			if (t->sender) {
				join_streams(t, 2000);
				ip3_send_state(ctrl, IP3_TEST_END);
			} else {
				/* The server stops sending on TEST_END and closes
				 * the streams; count what is still on the way. */
				atomic_store(&t->drain_eof, !o->udp);
				ip3_send_state(ctrl, IP3_TEST_END);
				join_streams(t, 3000);
			}
			final_interval(t);
		} else if (state == IP3_EXCHANGE_RESULTS) {
			struct ip3_results mine, peer;
			own_results(t, &mine);
			cJSON *j = ip3_results_to_json(&mine);
			int w = j ? ip3_send_json(ctrl, j) : -1;
			cJSON_Delete(j);
			cJSON *pj = w ? NULL : ip3_recv_json(ctrl, CTRL_TIMEOUT);
			if (!pj || ip3_results_from_json(pj, &peer)) {
				cJSON_Delete(pj);
				snprintf(err, sizeof(err), "results exchange failed");
				goto fail_ctrl;
			}
			cJSON_Delete(pj);
			report_end(t, &mine, &peer, o->host, o->port);
		} else if (state == IP3_DISPLAY_RESULTS) {
			ip3_send_state(ctrl, IP3_IPERF_DONE);
			say("\niperf Done.\n");
			rc = 0;
			break;
		} else if (state == IP3_TEST_END || state == IP3_IPERF_START) {
			continue;
		} else {
			if (state == IP3_SERVER_ERROR) {
				uint32_t e[2];
				if (ip3_read_all(ctrl, e, sizeof(e), 1000) == 0)
					snprintf(
					    err, sizeof(err),
					    "the server reported error %u (errno %u)",
					    ntohl(e[0]), ntohl(e[1]));
				else
					snprintf(err, sizeof(err), "%s",
						 state_name(state));
			} else {
				snprintf(err, sizeof(err), "%s (state %d)",
					 state_name(state), state);
			}
			goto fail_ctrl;
		}
	}
	close(ctrl);
	json_print(t, NULL);
	test_free(t);
	if (ctx_open)
		TEEC_FinalizeContext(&ctx);
	return rc;
fail_ctrl:
	close(ctrl);
fail:
	fprintf(stderr, "edgetee iperf: %s\n", err);
	json_print(t, err);
	test_free(t);
	if (ctx_open)
		TEEC_FinalizeContext(&ctx);
	return 1;
}

/* ---- server ------------------------------------------------------------------------ */

static int listen_on(int port, int type)
{
	/* Dual-stack like iperf3, falling back to IPv4 only. */
	int fd = socket(AF_INET6, type | SOCK_CLOEXEC, 0), one = 1, zero = 0;
	if (fd >= 0) {
		struct sockaddr_in6 a = {.sin6_family = AF_INET6,
					 .sin6_port = htons((uint16_t)port),
					 .sin6_addr = in6addr_any};
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
		    (type != SOCK_STREAM || listen(fd, 16) == 0))
			return fd;
		close(fd);
	}
	fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons((uint16_t)port),
				.sin_addr.s_addr = htonl(INADDR_ANY)};
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    (type != SOCK_STREAM || listen(fd, 16) == 0))
		return fd;
	close(fd);
	return -1;
}

static int accept_timeout(int lfd, int ms)
{
	struct pollfd pf = {.fd = lfd, .events = POLLIN};
	for (;;) {
		int r = poll(&pf, 1, ms);
		if (r < 0 && errno == EINTR && !interrupted)
			continue;
		if (r <= 0)
			return -1;
		return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	}
}

/* A bound, unconnected UDP socket for the next stream to "connect" to. */
static int udp_listen(int port, char *err, size_t errlen)
{
	int fd = listen_on(port, SOCK_DGRAM);
	if (fd < 0)
		snprintf(err, errlen, "cannot bind UDP port %d: %s", port,
			 strerror(errno));
	return fd;
}

/*
 * UDP "accept" on lfd (from udp_listen): the first datagram names the
 * client; lfd is connected to it and answered. A datagram sent before the
 * port is bound is lost (the client does not resend it), so, as iperf3's
 * server does, lfd is bound before CREATE_STREAMS goes out, and with more
 * streams to come the next one's socket (*next) before this one is
 * answered. lfd is consumed.
 */
static int udp_accept(int lfd, int port, int *next, int ms, char *err, size_t errlen)
{
	struct pollfd pf = {.fd = lfd, .events = POLLIN};
	struct sockaddr_storage peer;
	socklen_t pl = sizeof(peer);
	uint32_t msg;
	if (poll(&pf, 1, ms) <= 0 ||
	    recvfrom(lfd, &msg, sizeof(msg), 0, (struct sockaddr *)&peer, &pl) < 0 ||
	    connect(lfd, (struct sockaddr *)&peer, pl) < 0) {
		snprintf(err, errlen, "no UDP stream arrived");
		close(lfd);
		return -1;
	}
	if (next && (*next = udp_listen(port, err, errlen)) < 0) {
		close(lfd);
		return -1;
	}
	uint32_t reply = IP3_UDP_CONNECT_REPLY;
	if (send(lfd, &reply, sizeof(reply), 0) != (ssize_t)sizeof(reply)) {
		snprintf(err, errlen, "cannot answer the UDP stream: %s",
			 strerror(errno));
		close(lfd);
		if (next) {
			close(*next);
			*next = -1;
		}
		return -1;
	}
	return lfd;
}

/* ---- server: the TA listens and accepts ------------------------------------------- */

#define BRIDGE_IDLE_MS 5    /* control bridge: poll period when idle */
#define BRIDGE_BUF     4096 /* control messages are small */
/* TEE_ISOCKET_ERROR_TIMEOUT (tee_isocket.h, a TA-side header), as the TA
 * returns it through libteec. */
#define TA_SOCK_TIMEOUT 0xF1007003u

/* The server session of the iperfTZ TA: owns the listener and the control
 * connection; mu serializes its invocations (bridge and main thread). */
struct tsrv {
	TEEC_Context ctx;
	TEEC_Session sess;
	pthread_mutex_t mu;
	int sp[2]; /* [0]: the control "fd" of serve_one, [1]: the bridge's */
	pthread_t bridge;
	int bridge_on;
	atomic_int bridge_stop;
};

static TEEC_Result tsrv_invoke(struct tsrv *ts, uint32_t cmd, TEEC_Operation *op)
{
	uint32_t origin;
	return TEEC_InvokeCommand(&ts->sess, cmd, op, &origin);
}

static TEEC_Result tsrv_ctrl_send(struct tsrv *ts, const void *buf, size_t n)
{
	TEEC_Operation op;
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_VALUE_INPUT,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)buf;
	op.params[0].tmpref.size = n;
	op.params[1].value.a = CTRL_TIMEOUT;
	return tsrv_invoke(ts, IPERF_CMD_CTRL_SEND, &op);
}

/* Forward what serve_one wrote to the control connection (call under mu). */
static int tsrv_push(struct tsrv *ts, int *moved)
{
	char b[BRIDGE_BUF];
	for (;;) {
		ssize_t n = recv(ts->sp[1], b, sizeof(b), MSG_DONTWAIT);
		if (n > 0) {
			*moved = 1;
			if (tsrv_ctrl_send(ts, b, (size_t)n) != TEEC_SUCCESS)
				return -1;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return 0;
		return -1; /* serve_one closed its end: the test is over */
	}
}

/*
 * The control bridge. Polling with timeout 0 keeps each TA invocation
 * short: a blocking CTRL_RECV would hold the TA (whose entry points run
 * one at a time) and stall the stream slices for its whole timeout.
 */
static void *tsrv_bridge(void *arg)
{
	struct tsrv *ts = arg;
	char b[BRIDGE_BUF];
	int peer_eof = 0;
	while (!atomic_load(&ts->bridge_stop)) {
		int moved = 0;
		pthread_mutex_lock(&ts->mu);
		int rc = tsrv_push(ts, &moved);
		TEEC_Result r = TEEC_ERROR_GENERIC;
		size_t got = 0;
		if (rc == 0 && !peer_eof) {
			TEEC_Operation op;
			memset(&op, 0, sizeof(op));
			op.paramTypes =
			    TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT, TEEC_VALUE_INPUT,
					     TEEC_NONE, TEEC_NONE);
			op.params[0].tmpref.buffer = b;
			op.params[0].tmpref.size = sizeof(b);
			op.params[1].value.a = 0;
			r = tsrv_invoke(ts, IPERF_CMD_CTRL_RECV, &op);
			got = op.params[0].tmpref.size;
		}
		pthread_mutex_unlock(&ts->mu);
		if (rc)
			break;
		if (!peer_eof && r == TEEC_SUCCESS && got == 0) {
			peer_eof = 1; /* the client closed: pass the EOF on */
			shutdown(ts->sp[1], SHUT_WR);
		} else if (!peer_eof && r == TEEC_SUCCESS) {
			moved = 1;
			if (ip3_write_all(ts->sp[1], b, got))
				break;
		} else if (!peer_eof && r != TA_SOCK_TIMEOUT) {
			shutdown(ts->sp[1], SHUT_WR); /* a reset is an end too */
			peer_eof = 1;
		}
		if (!moved) {
			struct pollfd pf = {.fd = ts->sp[1], .events = POLLIN};
			poll(&pf, 1, BRIDGE_IDLE_MS);
		}
	}
	/* Whatever ended the bridge, serve_one must not wait on a dead link. */
	shutdown(ts->sp[1], SHUT_RDWR);
	return NULL;
}

static int tsrv_start(struct tsrv *ts, int port)
{
	memset(ts, 0, sizeof(*ts));
	ts->sp[0] = ts->sp[1] = -1;
	pthread_mutex_init(&ts->mu, NULL);
	TEEC_Result r = TEEC_InitializeContext(NULL, &ts->ctx);
	if (r != TEEC_SUCCESS) {
		fprintf(stderr, "edgetee iperf: cannot reach the TEE: 0x%08x\n", r);
		return -1;
	}
	TEEC_UUID uuid = IPERF_TA_UUID;
	uint32_t origin;
	r = TEEC_OpenSession(&ts->ctx, &ts->sess, &uuid, TEEC_LOGIN_PUBLIC, NULL, NULL,
			     &origin);
	if (r != TEEC_SUCCESS) {
		fprintf(stderr,
			"edgetee iperf: cannot open a session to the iperfTZ TA: "
			"0x%08x\n",
			r);
		TEEC_FinalizeContext(&ts->ctx);
		return -1;
	}
	TEEC_Operation op;
	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_VALUE_OUTPUT);
	op.params[0].value.a = (uint32_t)port;
	r = tsrv_invoke(ts, IPERF_CMD_LISTEN, &op);
	if (r != TEEC_SUCCESS) {
		uint32_t e = op.params[3].value.b;
		fprintf(stderr, "edgetee iperf: the TA cannot listen on port %d: %s\n",
			port, e && e < 4096 ? strerror((int)e) : "error");
		TEEC_CloseSession(&ts->sess);
		TEEC_FinalizeContext(&ts->ctx);
		return -1;
	}
	return 0;
}

static void tsrv_stop(struct tsrv *ts)
{
	TEEC_CloseSession(&ts->sess); /* closes the listener in the TA */
	TEEC_FinalizeContext(&ts->ctx);
	pthread_mutex_destroy(&ts->mu);
}

/* Wait for the next test's control connection (in the TA); returns the fd
 * serve_one speaks the protocol on, -1 when interrupted or on an error. */
static int tsrv_accept_ctrl(struct tsrv *ts)
{
	for (;;) {
		if (interrupted)
			return -1;
		TEEC_Operation op;
		memset(&op, 0, sizeof(op));
		op.paramTypes =
		    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
		/* Short waits, so Ctrl-C is noticed between them. */
		op.params[0].value.a = 500;
		TEEC_Result r = tsrv_invoke(ts, IPERF_CMD_ACCEPT_CTRL, &op);
		if (r == TA_SOCK_TIMEOUT)
			continue;
		if (r != TEEC_SUCCESS) {
			fprintf(stderr,
				"edgetee iperf: accept in the TA failed: 0x%08x\n", r);
			return -1;
		}
		break;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ts->sp))
		return -1;
	atomic_store(&ts->bridge_stop, 0);
	if (pthread_create(&ts->bridge, NULL, tsrv_bridge, ts)) {
		close(ts->sp[0]);
		close(ts->sp[1]);
		return -1;
	}
	ts->bridge_on = 1;
	return ts->sp[0];
}

/* After serve_one closed its control fd: let the bridge flush, then close
 * the control connection in the TA. */
static void tsrv_end_test(struct tsrv *ts)
{
	if (ts->bridge_on) {
		/* The bridge ends on its own at serve_one's EOF; this is for
		 * a client that never closes. */
		uint64_t until = dp_now_ns() + 2000000000ull;
		struct timespec tw = {0, 5000000};
		while (pthread_tryjoin_np(ts->bridge, NULL) == EBUSY) {
			if (dp_now_ns() > until)
				atomic_store(&ts->bridge_stop, 1);
			nanosleep(&tw, NULL);
		}
		ts->bridge_on = 0;
		close(ts->sp[1]);
	}
	TEEC_Operation op;
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_NONE, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	tsrv_invoke(ts, IPERF_CMD_CTRL_CLOSE, &op);
}

/* Accept the test's n TCP data connections in the TA (it checks the
 * cookies) and give each to a stream session of its own. */
static int tsrv_streams(struct tsrv *ts, struct test *t, uint32_t flags, uint32_t window,
			char *err, size_t errlen)
{
	TEEC_Operation op;
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_VALUE_INPUT,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = t->cookie;
	op.params[0].tmpref.size = IP3_COOKIE_SIZE;
	op.params[1].value.a = (uint32_t)t->n;
	op.params[1].value.b = CTRL_TIMEOUT;
	pthread_mutex_lock(&ts->mu);
	/* CREATE_STREAMS must be out before the TA blocks in accept. */
	int moved = 0;
	TEEC_Result r = tsrv_push(ts, &moved)
			    ? TEEC_ERROR_COMMUNICATION
			    : tsrv_invoke(ts, IPERF_CMD_ACCEPT_STREAMS, &op);
	pthread_mutex_unlock(&ts->mu);
	if (r != TEEC_SUCCESS) {
		snprintf(err, errlen, "data streams did not arrive (TA: 0x%08x)", r);
		return -1;
	}
	struct iperf_ta_open o = {
	    .flags = flags, .blksize = t->blksize, .window = window, .rate_bps = t->rate};
	for (int i = 0; i < t->n; i++) {
		t->s[i].dp.id = ip3_stream_id(i);
		if (dp_attach_ta(&ts->ctx, &t->s[i].dp, (uint32_t)i, &o, err, errlen))
			return -1;
		say("[%3d] data stream accepted in the iperfTZ TA\n", t->s[i].dp.id);
	}
	sys_instance_pids(IPERF_TA_UUID_STR, &t->ta_pid, &t->supp_pid);
	return 0;
}

/* One test. ts: the TA listens, accepts and runs TCP streams; NULL: all
 * native on lfd (--ree). */
static int serve_one(const struct opts *o, int lfd, struct tsrv *ts)
{
	static struct test T;
	struct test *t = &T;
	char err[512] = "";
	int ufd = -1; /* UDP: the socket the next stream "connects" to */
	int ctrl = ts ? tsrv_accept_ctrl(ts) : accept_timeout(lfd, -1);
	if (ctrl < 0)
		return interrupted ? 2 : 1;
	test_init(t, o);
	char lh[64], ph[64];
	dp_describe(ctrl, lh, sizeof(lh), ph, sizeof(ph));
	say("-----------------------------------------------------------\n");
	if (ts)
		say("Accepted connection in the iperfTZ TA\n");
	else
		say("Accepted connection from %s\n", ph);
	if (ip3_read_all(ctrl, t->cookie, IP3_COOKIE_SIZE, CTRL_TIMEOUT)) {
		snprintf(err, sizeof(err), "no cookie from the client");
		goto fail;
	}
	t->cookie[IP3_COOKIE_SIZE - 1] = 0;
	struct ip3_params p;
	ip3_send_state(ctrl, IP3_PARAM_EXCHANGE);
	cJSON *pj = ip3_recv_json(ctrl, CTRL_TIMEOUT);
	if (!pj || ip3_params_from_json(pj, &p, err, sizeof(err))) {
		if (!err[0])
			snprintf(err, sizeof(err), "bad test parameters");
		cJSON_Delete(pj);
		ip3_send_state(ctrl, IP3_SERVER_ERROR);
		uint32_t e[2] = {htonl(1), htonl(0)};
		ip3_write_all(ctrl, e, sizeof(e));
		goto fail;
	}
	cJSON_Delete(pj);
	t->is_server = 1;
	t->udp = p.udp;
	t->sender = p.reverse;
	t->n = p.parallel;
	t->blksize = p.len ? p.len : (p.udp ? IP3_UDP_BLKSIZE : IP3_TCP_BLKSIZE);
	t->rate = p.bandwidth ? p.bandwidth : (p.udp ? IP3_UDP_RATE : 0);
	t->num = p.num;
	atomic_store(&t->left, p.num);
	t->o.window = p.window;
	t->o.reverse = p.reverse;
	if (t->blksize > IPERF_MAX_BLKSIZE || (t->udp && t->blksize < 16)) {
		snprintf(err, sizeof(err), "unsupported block size %u", t->blksize);
		goto fail;
	}
	/* With the TA accepting, TEST_END reaches us through the TA, whose
	 * entry points run one at a time: short slices let the control bridge
	 * in quickly, so a sending server stops soon after the client's end. */
	set_timing(t, o->interval, p.time,
		   ts && !t->udp ? SLICE_TA_SERVER_NS : SLICE_MAX_NS);
	if (t->udp && (ufd = udp_listen(o->port, err, sizeof(err))) < 0)
		goto fail;
	ip3_send_state(ctrl, IP3_CREATE_STREAMS);
	uint32_t flags = (t->udp ? IPERF_F_UDP : 0) | (t->sender ? IPERF_F_SENDER : 0) |
			 (p.udp_counters_64bit ? IPERF_F_CTR64 : 0);
	if (ts && !t->udp) {
		if (tsrv_streams(ts, t, flags, p.window, err, sizeof(err)))
			goto fail;
	}
	/* UDP streams stay native: see run_server. */
	for (int i = 0; i < t->n && !(ts && !t->udp); i++) {
		int fd;
		if (t->udp) {
			fd = udp_accept(ufd, o->port, i + 1 < t->n ? &ufd : NULL,
					CTRL_TIMEOUT, err, sizeof(err));
			if (i + 1 == t->n || fd < 0)
				ufd = -1;
		} else {
			char ck[IP3_COOKIE_SIZE];
			fd = accept_timeout(lfd, CTRL_TIMEOUT);
			if (fd >= 0 && (ip3_read_all(fd, ck, sizeof(ck), CTRL_TIMEOUT) ||
					memcmp(ck, t->cookie, IP3_COOKIE_SIZE - 1))) {
				close(fd);
				fd = -1;
			}
			if (fd < 0)
				snprintf(err, sizeof(err),
					 "data stream %d did not arrive", i);
			else if (p.window) {
				int v = (int)p.window;
				setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
				setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
			}
		}
		if (fd < 0)
			goto fail;
		t->s[i].dp.id = ip3_stream_id(i);
		if (dp_attach_native(&t->s[i].dp, fd, flags, t->blksize, t->rate)) {
			close(fd);
			snprintf(err, sizeof(err), "out of memory");
			goto fail;
		}
		say("[%3d] local %s connected to %s\n", t->s[i].dp.id, t->s[i].dp.local,
		    t->s[i].dp.peer);
	}
	json_start(t, NULL, o->port, ctrl);
	take_sample(t, &t->first, -1);
	if (ip3_send_state(ctrl, IP3_TEST_START) ||
	    ip3_send_state(ctrl, IP3_TEST_RUNNING)) {
		snprintf(err, sizeof(err), "control connection lost");
		goto fail;
	}
	say("[ ID] Interval           Transfer     Bitrate\n");
	if (start_streams(t)) {
		snprintf(err, sizeof(err), "cannot start the streams");
		goto fail;
	}
	t->first.ns = 0;
	int state;
	if (run_phase(t, ctrl, &state)) {
		snprintf(err, sizeof(err), "%s",
			 interrupted ? "interrupted" : state_name(state));
		goto fail;
	}
	atomic_store(&t->stop, 1);
	join_streams(t, 2000);
	final_interval(t);
	/* Closing the streams tells a receiving client that all was sent. */
	for (int i = 0; i < t->n; i++)
		dp_shutdown(&t->s[i].dp);
	struct ip3_results mine, peer;
	if (ip3_send_state(ctrl, IP3_EXCHANGE_RESULTS)) {
		snprintf(err, sizeof(err), "control connection lost");
		goto fail;
	}
	cJSON *cj = ip3_recv_json(ctrl, CTRL_TIMEOUT);
	if (!cj || ip3_results_from_json(cj, &peer)) {
		cJSON_Delete(cj);
		snprintf(err, sizeof(err), "bad results from the client");
		goto fail;
	}
	cJSON_Delete(cj);
	own_results(t, &mine);
	cJSON *mj = ip3_results_to_json(&mine);
	int w = mj ? ip3_send_json(ctrl, mj) : -1;
	cJSON_Delete(mj);
	if (w || ip3_send_state(ctrl, IP3_DISPLAY_RESULTS)) {
		snprintf(err, sizeof(err), "control connection lost");
		goto fail;
	}
	report_end(t, &mine, &peer, NULL, o->port);
	int st;
	ip3_recv_state(ctrl, &st, 5000); /* IPERF_DONE, or the client just closes */
	close(ctrl);
	if (ts)
		tsrv_end_test(ts);
	json_print(t, NULL);
	test_free(t);
	return 0;
fail:
	fprintf(stderr, "edgetee iperf: %s\n", err);
	json_print(t, err);
	if (ufd >= 0)
		close(ufd);
	close(ctrl);
	if (ts)
		tsrv_end_test(ts);
	test_free(t);
	return 1;
}

static int run_server(const struct opts *o)
{
	/*
	 * Default: the TA owns the TCP listener on the port (edgetee's
	 * listen/accept extension) and accepts the control and data
	 * connections. UDP data streams stay native: an iperf3 UDP stream
	 * "connects" with a datagram to the server's port, which needs a bound,
	 * unconnected UDP socket that learns its peer from recvfrom; GP's UDP
	 * sockets are connected to a peer named at open.
	 */
	struct tsrv tsv, *ts = NULL;
	int lfd = -1;
	if (o->ree) {
		lfd = listen_on(o->port, SOCK_STREAM);
		if (lfd < 0) {
			fprintf(stderr, "edgetee iperf: cannot listen on port %d: %s\n",
				o->port, strerror(errno));
			return 1;
		}
	} else {
		if (tsrv_start(&tsv, o->port))
			return 1;
		ts = &tsv;
		if (!o->json)
			fprintf(stderr,
				"edgetee iperf: server mode: TCP data path in the "
				"iperfTZ TA (UDP streams run natively)\n");
	}
	int rc = 0;
	for (;;) {
		say("-----------------------------------------------------------\n");
		say("Server listening on %d (test #1%s)\n", o->port,
		    o->one_off ? ", one-off" : "");
		say("-----------------------------------------------------------\n");
		rc = serve_one(o, lfd, ts);
		if (o->one_off || interrupted || rc == 2)
			break;
	}
	if (ts)
		tsrv_stop(ts);
	else
		close(lfd);
	return interrupted ? 130 : (rc == 2 ? 1 : rc);
}

/* ---- options ------------------------------------------------------------------------
 */

static int bad(const char *what, const char *v)
{
	fprintf(stderr, "edgetee iperf: bad %s '%s' (see --help)\n", what, v);
	return 2;
}

int cmd_iperf(int argc, char **argv)
{
	static const struct option lo[] = {{"server", no_argument, NULL, 's'},
					   {"client", required_argument, NULL, 'c'},
					   {"port", required_argument, NULL, 'p'},
					   {"time", required_argument, NULL, 't'},
					   {"bytes", required_argument, NULL, 'n'},
					   {"length", required_argument, NULL, 'l'},
					   {"window", required_argument, NULL, 'w'},
					   {"parallel", required_argument, NULL, 'P'},
					   {"reverse", no_argument, NULL, 'R'},
					   {"udp", no_argument, NULL, 'u'},
					   {"bitrate", required_argument, NULL, 'b'},
					   {"bandwidth", required_argument, NULL, 'b'},
					   {"interval", required_argument, NULL, 'i'},
					   {"json", no_argument, NULL, 'J'},
					   {"one-off", no_argument, NULL, '1'},
					   {"ree", no_argument, NULL, 'E'},
					   {"help", no_argument, NULL, 'h'},
					   {NULL, 0, NULL, 0}};
	struct opts o = {
	    .port = IP3_DEFAULT_PORT, .time = 10, .interval = 1, .parallel = 1};
	int ch;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":sc:p:t:n:l:w:P:Rub:i:J1h", lo, NULL)) !=
	       -1) {
		char *end;
		uint64_t v;
		switch (ch) {
		case 's':
			o.server = 1;
			break;
		case 'c':
			o.host = optarg;
			break;
		case 'p': {
			long p = strtol(optarg, &end, 10);
			if (*end || p < 1 || p > 65535)
				return bad("port", optarg);
			o.port = (int)p;
			break;
		}
		case 't':
			o.time = strtod(optarg, &end);
			if (*end || !*optarg || o.time <= 0 || o.time > 86400)
				return bad("time", optarg);
			o.time_set = 1;
			break;
		case 'n':
			if (ip3_parse_size(optarg, &v) || !v)
				return bad("byte count", optarg);
			o.num = v;
			break;
		case 'l':
			if (ip3_parse_size(optarg, &v) || !v || v > IPERF_MAX_BLKSIZE)
				return bad("length", optarg);
			o.len = v;
			o.len_set = 1;
			break;
		case 'w':
			if (ip3_parse_size(optarg, &v) || v > (1u << 30))
				return bad("window", optarg);
			o.window = v;
			break;
		case 'P': {
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > IP3_MAX_STREAMS)
				return bad("number of streams", optarg);
			o.parallel = (int)n;
			break;
		}
		case 'R':
			o.reverse = 1;
			break;
		case 'u':
			o.udp = 1;
			break;
		case 'b':
			if (ip3_parse_rate(optarg, &v))
				return bad("bitrate", optarg);
			o.rate = v;
			o.rate_set = 1;
			break;
		case 'i':
			o.interval = strtod(optarg, &end);
			if (*end || !*optarg || o.interval < 0 ||
			    (o.interval > 0 && o.interval < 0.1) || o.interval > 60)
				return bad("interval (0 or 0.1..60)", optarg);
			break;
		case 'J':
			o.json = 1;
			break;
		case '1':
			o.one_off = 1;
			break;
		case 'E':
			o.ree = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "edgetee iperf: option '%s' needs an argument\n",
				argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr,
				"edgetee iperf: unknown option '%s' (see --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "edgetee iperf: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}
	if (o.server == !!o.host) {
		fprintf(
		    stderr,
		    "edgetee iperf: give exactly one of -s or -c HOST (see --help)\n");
		return 2;
	}
	if (o.udp && o.len_set && (o.len < 16 || o.len > 65507)) {
		fprintf(stderr, "edgetee iperf: UDP length must be 16..65507\n");
		return 2;
	}
	out = o.json ? NULL : stdout;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	interrupted = 0;
	int rc = o.server ? run_server(&o) : run_client(&o);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return rc;
}
