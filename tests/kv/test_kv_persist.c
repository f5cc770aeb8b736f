/*
 * Integration tests of the kvstore TA's persistent table (KV_OPEN_PERSISTENT,
 * GP trusted storage) through a real edgeteed that is stopped and started
 * again on the same directory:
 *  - restart: hundreds of keys (two large values sharing one chain), some
 *    replaced, some deleted, a multi-chain batch; after `edgetee down` and
 *    `edgetee up` a new session finds exactly the committed keys with their
 *    exact values and none of the deleted ones;
 *  - bad inputs on a persistent session: a value larger than the TA heap
 *    and one that fits the table but not its commit image fail with
 *    OUT_OF_MEMORY, missing keys with ITEM_NOT_FOUND, a malformed batch
 *    with BAD_PARAMETERS; nothing is lost, checked after a restart;
 *  - crash: a child process does persistent PUTs and multi-chain batches
 *    in a loop, recording each intent and each reply in an fdatasync'd
 *    journal file; edgeteed and its TA processes are SIGKILLed at a random
 *    moment, the instance restarted, and every acknowledged change must be
 *    there, the one in flight old or new (a batch: all old or all new);
 *    EDGETEE_KV_CRASH_POINTS (default 25) kill points, bounded time;
 *  - edgetee-kv --persistent across a restart.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "kv_batch.h"
#include "kv_client.h"
#include "kv_table.h"
#include "kvstore_ta.h"

static struct et_test_inst inst;

#define assert_teec(expr, want)                                                          \
	do {                                                                             \
		TEEC_Result r_ = (expr);                                                 \
		if (r_ != (TEEC_Result)(want))                                           \
			fail_msg("%s = 0x%08x, expected 0x%08x", #expr, r_,              \
				 (unsigned)(want));                                      \
	} while (0)

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* `edgetee down` and `edgetee up` on the same directory (and TA path). */
static void restart(void)
{
	assert_int_equal(et_test_sh("'%s' down --dir '%s' >/dev/null 2>&1",
				    et_test_bin("edgetee"), inst.dir),
			 0);
	assert_int_equal(
	    et_test_sh("'%s' up --dir '%s' >/dev/null", et_test_bin("edgetee"), inst.dir),
	    0);
}

static void open_p(struct kvc *c)
{
	assert_teec(kvc_open(c, NULL, KVC_WHOLE, KV_OPEN_PERSISTENT), TEEC_SUCCESS);
}

static void put_ok(struct kvc *c, const char *k, const void *v, size_t vl)
{
	assert_teec(kvc_put(c, k, strlen(k), v, vl), TEEC_SUCCESS);
}

static unsigned char getbuf[2u << 20];

static void get_is(struct kvc *c, const char *k, const void *v, size_t vl)
{
	size_t n = sizeof(getbuf);
	TEEC_Result r = kvc_get(c, k, strlen(k), getbuf, &n);
	if (r != TEEC_SUCCESS)
		fail_msg("get %s = 0x%08x", k, r);
	if (n != vl || memcmp(getbuf, v, vl))
		fail_msg("get %s: %zu bytes, expected %zu (or different bytes)", k, n,
			 vl);
}

static void get_absent(struct kvc *c, const char *k)
{
	size_t n = sizeof(getbuf);
	assert_teec(kvc_get(c, k, strlen(k), getbuf, &n), TEEC_ERROR_ITEM_NOT_FOUND);
}

static uint32_t count_of(struct kvc *c)
{
	uint32_t n;
	assert_teec(kvc_count(c, &n, NULL), TEEC_SUCCESS);
	return n;
}

/* ---- restart ---------------------------------------------------------------- */

#define NK 400

struct model {
	int present;
	uint32_t gen, len;
};

static void fill(unsigned char *v, size_t len, uint32_t i, uint32_t gen)
{
	for (size_t j = 0; j < len; j++)
		v[j] = (unsigned char)(i * 31u + j * 7u + gen * 101u + (j >> 8));
}

static uint32_t chain_of(const char *k)
{
	return kv_chain_of(kv_hash(k, strlen(k)));
}

static void test_restart(void **state)
{
	(void)state;
	static struct model m[NK];
	static unsigned char v[4096];
	struct kvc c;
	char k[32];
	open_p(&c);
	assert_teec(kvc_clear(&c), TEEC_SUCCESS);
	for (uint32_t i = 0; i < NK; i++) {
		snprintf(k, sizeof(k), "key-%04u", i);
		m[i] = (struct model){1, 0, (i * 37u) % 3000};
		fill(v, m[i].len, i, 0);
		put_ok(&c, k, v, m[i].len);
	}
	/* Replace every 5th key, delete every 7th. */
	for (uint32_t i = 0; i < NK; i += 5) {
		snprintf(k, sizeof(k), "key-%04u", i);
		m[i].gen = 1;
		m[i].len = (i * 53u) % 4096;
		fill(v, m[i].len, i, 1);
		put_ok(&c, k, v, m[i].len);
	}
	for (uint32_t i = 3; i < NK; i += 7) {
		snprintf(k, sizeof(k), "key-%04u", i);
		assert_teec(kvc_del(&c, k, strlen(k)), TEEC_SUCCESS);
		m[i].present = 0;
	}
	/* Two large values in one chain: a chain image of 1.25 MiB (more
	 * than one storage chunk). */
	char big2[32];
	uint32_t bc = chain_of("big-a");
	for (int i = 0;; i++) {
		snprintf(big2, sizeof(big2), "big-%d", i);
		if (chain_of(big2) == bc)
			break;
	}
	size_t blen = 640u << 10;
	unsigned char *bv = malloc(blen), *bw = malloc(blen);
	assert_non_null(bv);
	assert_non_null(bw);
	fill(bv, blen, 1000, 0);
	fill(bw, blen, 1001, 0);
	put_ok(&c, "big-a", bv, blen);
	put_ok(&c, big2, bw, blen);
	/* A value that fits in the table but not in the commit of its chain
	 * (table node + old image + new image > the 4 MiB TA heap): refused,
	 * and the chain, with both large values, is as it was. */
	size_t hlen = 1900u << 10;
	unsigned char *hv = malloc(hlen);
	assert_non_null(hv);
	memset(hv, 0x77, hlen);
	assert_teec(kvc_put(&c, "big-a", 5, hv, hlen), TEEC_ERROR_OUT_OF_MEMORY);
	get_is(&c, "big-a", bv, blen);
	get_is(&c, big2, bw, blen);
	free(hv);

	/* A batch over many chains: 50 PUTs, 10 DELs (one missing), GETs. */
	static unsigned char req[1 << 18], resp[1 << 18];
	struct kvb_writer w;
	kvb_begin(&w, req, sizeof(req));
	for (uint32_t i = 0; i < 50; i++) {
		uint32_t x = i * 8 + 1; /* never a multiple of 7 plus 3 below */
		snprintf(k, sizeof(k), "key-%04u", x);
		m[x].present = 1;
		m[x].gen = 2;
		m[x].len = 100 + i;
		fill(v, m[x].len, x, 2);
		assert_int_equal(kvb_add(&w, KVB_PUT, k, strlen(k), v, m[x].len), 0);
	}
	for (uint32_t i = 0; i < 10; i++) {
		uint32_t x = 6 + i * 10; /* 6, 16, ...: even, never batch-PUT */
		snprintf(k, sizeof(k), "key-%04u", x);
		assert_int_equal(kvb_add(&w, KVB_DEL, k, strlen(k), NULL, 0), 0);
	}
	assert_int_equal(kvb_add(&w, KVB_DEL, "nope", 4, NULL, 0), 0);
	assert_int_equal(kvb_add(&w, KVB_GET, "key-0009", 8, NULL, 0), 0);
	size_t len = kvb_finish(&w), rl = sizeof(resp);
	assert_teec(kvc_batch(&c, req, len, resp, &rl), TEEC_SUCCESS);
	struct kvb_reader rd;
	struct kvb_result res;
	uint32_t n;
	assert_int_equal(kvb_response_open(&rd, resp, rl, &n), 0);
	assert_int_equal(n, 62);
	for (uint32_t i = 0; i < 60; i++) {
		assert_int_equal(kvb_response_next(&rd, &res), 1);
		uint32_t x = 6 + (i - 50) * 10;
		int was_there = i < 50 || m[x].present;
		assert_int_equal(res.result, was_there ? KVB_R_OK : KVB_R_NOT_FOUND);
		if (i >= 50)
			m[x].present = 0;
	}
	assert_int_equal(kvb_response_next(&rd, &res), 1);
	assert_int_equal(res.result, KVB_R_NOT_FOUND);
	assert_int_equal(kvb_response_next(&rd, &res), 1);
	assert_int_equal(res.result, KVB_R_OK);
	fill(v, m[9].len, 9, m[9].gen);
	assert_int_equal(res.vlen, m[9].len);
	assert_memory_equal(res.val, v, m[9].len);
	uint32_t expect = 2;
	for (uint32_t i = 0; i < NK; i++)
		expect += (uint32_t)m[i].present;
	assert_int_equal(count_of(&c), expect);
	kvc_close(&c);
	/* The in-memory table is another table. */
	struct kvc mem;
	assert_teec(kvc_open(&mem, NULL, KVC_TEMP, 0), TEEC_SUCCESS);
	get_absent(&mem, "key-0001");
	kvc_close(&mem);

	for (int round = 0; round < 2; round++) {
		restart();
		open_p(&c);
		assert_int_equal(count_of(&c), expect);
		for (uint32_t i = 0; i < NK; i++) {
			snprintf(k, sizeof(k), "key-%04u", i);
			if (!m[i].present) {
				get_absent(&c, k);
				continue;
			}
			fill(v, m[i].len, i, m[i].gen);
			get_is(&c, k, v, m[i].len);
		}
		get_is(&c, "big-a", bv, blen);
		if (round == 0)
			get_is(&c, big2, bw, blen);
		else
			get_absent(&c, big2);
		/* LIST pages through exactly the committed keys. */
		static unsigned char page[65536];
		uint32_t start = 0, nk = 0, total = 0;
		do {
			size_t pl = sizeof(page);
			assert_teec(kvc_list(&c, start, page, &pl, &nk, &total),
				    TEEC_SUCCESS);
			assert_int_equal(total, expect);
			start += nk;
		} while (nk && start < total);
		assert_int_equal(start, expect);
		if (round == 0) {
			/* Delete the large pair: the chain object goes away. */
			assert_teec(kvc_del(&c, "big-a", 5), TEEC_SUCCESS);
			assert_teec(kvc_del(&c, big2, strlen(big2)), TEEC_SUCCESS);
			put_ok(&c, "big-a", bv, blen);
		}
		kvc_close(&c);
		if (round == 0)
			expect--;
	}
	/* CLEAR is durable too. */
	open_p(&c);
	assert_teec(kvc_clear(&c), TEEC_SUCCESS);
	kvc_close(&c);
	restart();
	open_p(&c);
	assert_int_equal(count_of(&c), 0);
	kvc_close(&c);
	free(bv);
	free(bw);
}

/* ---- bad inputs ---------------------------------------------------------------- */

static void test_bad_inputs(void **state)
{
	(void)state;
	struct kvc c;
	open_p(&c);
	assert_teec(kvc_clear(&c), TEEC_SUCCESS);
	put_ok(&c, "before", "still here", 10);
	put_ok(&c, "other", "x", 1);
	size_t big = 5u << 20;
	unsigned char *v = malloc(big);
	assert_non_null(v);
	memset(v, 0x5a, big);
	assert_teec(kvc_put(&c, "huge", 4, v, big), TEEC_ERROR_OUT_OF_MEMORY);
	assert_int_equal(c.origin, TEEC_ORIGIN_TRUSTED_APP);
	assert_teec(kvc_put(&c, "before", 6, v, big), TEEC_ERROR_OUT_OF_MEMORY);
	/* Fits the heap as a node, not with the images of its commit. */
	assert_teec(kvc_put(&c, "before", 6, v, 3u << 20), TEEC_ERROR_OUT_OF_MEMORY);
	get_is(&c, "before", "still here", 10);
	get_absent(&c, "missing");
	assert_teec(kvc_del(&c, "missing", 7), TEEC_ERROR_ITEM_NOT_FOUND);
	assert_teec(kvc_put(&c, "", 0, "v", 1), TEEC_ERROR_BAD_PARAMETERS);
	/* Malformed batches run nothing. */
	static unsigned char req[256], resp[256];
	struct kvb_writer w;
	kvb_begin(&w, req, sizeof(req));
	assert_int_equal(kvb_add(&w, KVB_DEL, "before", 6, NULL, 0), 0);
	assert_int_equal(kvb_add(&w, KVB_PUT, "z", 1, "zz", 2), 0);
	size_t len = kvb_finish(&w), rl = sizeof(resp);
	assert_teec(kvc_batch(&c, req, len - 1, resp, &rl), TEEC_ERROR_BAD_PARAMETERS);
	req[KVB_HDR] = 9;
	rl = sizeof(resp);
	assert_teec(kvc_batch(&c, req, len, resp, &rl), TEEC_ERROR_BAD_PARAMETERS);
	req[KVB_HDR] = KVB_DEL;
	rl = 8;
	assert_teec(kvc_batch(&c, req, len, resp, &rl), TEEC_ERROR_SHORT_BUFFER);
	/* A good batch afterwards commits. */
	kvb_begin(&w, req, sizeof(req));
	assert_int_equal(kvb_add(&w, KVB_PUT, "b1", 2, "one", 3), 0);
	assert_int_equal(kvb_add(&w, KVB_DEL, "other", 5, NULL, 0), 0);
	len = kvb_finish(&w);
	rl = sizeof(resp);
	assert_teec(kvc_batch(&c, req, len, resp, &rl), TEEC_SUCCESS);
	assert_int_equal(count_of(&c), 2);
	kvc_close(&c);
	free(v);

	restart();
	open_p(&c);
	assert_int_equal(count_of(&c), 2);
	get_is(&c, "before", "still here", 10);
	get_is(&c, "b1", "one", 3);
	get_absent(&c, "huge");
	get_absent(&c, "other");
	get_absent(&c, "z");
	assert_teec(kvc_clear(&c), TEEC_SUCCESS);
	kvc_close(&c);
}

/* ---- edgetee-kv --persistent ------------------------------------------------------ */

static void test_cli(void **state)
{
	(void)state;
	const char *kv = et_test_bin("edgetee-kv");
	char out[320];
	snprintf(out, sizeof(out), "%s/cli.out", inst.dir);
	assert_int_equal(et_test_sh("'%s' --persistent put city Neuchatel", kv), 0);
	assert_int_equal(et_test_sh("'%s' --persistent put gone soon", kv), 0);
	assert_int_equal(et_test_sh("'%s' --persistent del gone", kv), 0);
	assert_int_equal(et_test_sh("'%s' get city 2>/dev/null", kv), 1);
	restart();
	assert_int_equal(
	    et_test_sh("'%s' --persistent --transport temp get city > '%s'", kv, out), 0);
	assert_int_equal(et_test_sh("grep -qx Neuchatel '%s'", out), 0);
	assert_int_equal(et_test_sh("test \"$('%s' --persistent list)\" = city", kv), 0);
	assert_int_equal(et_test_sh("test \"$('%s' --persistent count)\" = 1", kv), 0);
	assert_int_equal(et_test_sh("'%s' --persistent get gone 2>/dev/null", kv), 1);
	assert_int_equal(et_test_sh("'%s' --persistent del city", kv), 0);
	assert_int_equal(et_test_sh("'%s' --help | grep -q 'survives'", kv), 0);
}

/* ---- crash ---------------------------------------------------------------------- */

#define CK	   40	       /* keys of the crash workload */
#define CV_MAX	   6000	       /* largest value */
#define CB_MAX	   8	       /* PUTs in a batch */
#define J_MAGIC	   0x4b564a4cu /* journal record */
#define CLIENT_MAX 1500	       /* ms a client runs when no kill comes */

enum { J_INTENT = 1, J_DONE, J_FAIL };

struct jrec {
	uint32_t magic, kind, seq, n; /* n entries follow an INTENT */
	uint32_t code, pad;	      /* FAIL: the result */
	uint64_t t_ns;		      /* FAIL: when (CLOCK_MONOTONIC) */
};

struct jent {
	uint32_t key, len; /* then len bytes */
};

struct cval {
	int present;
	uint32_t len;
	unsigned char v[CV_MAX];
};

static struct cval cmodel[CK];
static char cjournal[300];
static int cjfd = -1;
static uint64_t crng;

static uint32_t rnd(void)
{
	crng ^= crng << 13;
	crng ^= crng >> 7;
	crng ^= crng << 17;
	return (uint32_t)(crng >> 16);
}

static void ckey(uint32_t i, char k[16])
{
	snprintf(k, 16, "crash-%02u", i);
}

static void jput(const void *p, size_t n)
{
	const unsigned char *b = p;
	while (n) {
		ssize_t k = write(cjfd, b, n);
		if (k <= 0)
			_exit(3);
		b += k;
		n -= (size_t)k;
	}
}

/* The client: single PUTs, and every 6th change a batch of PUTs of
 * distinct keys; the intent is durable before the request is sent, the
 * completion before the next one. */
static void crash_client(int ready_fd, uint64_t seed)
{
	crng = seed | 1;
	cjfd = open(cjournal, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
	struct kvc c;
	if (cjfd < 0 ||
	    kvc_open(&c, NULL, KVC_PARTIAL, KV_OPEN_PERSISTENT) != TEEC_SUCCESS)
		_exit(4);
	char x = 'r';
	if (write(ready_fd, &x, 1) != 1)
		_exit(3);
	close(ready_fd);
	static unsigned char vals[CB_MAX][CV_MAX], req[CB_MAX * (CV_MAX + 64) + 64],
	    resp[4096];
	uint32_t keys[CB_MAX], lens[CB_MAX];
	uint64_t end = now_ms() + CLIENT_MAX;
	for (uint32_t seq = 0; now_ms() < end; seq++) {
		uint32_t n = seq % 6 == 5 ? 2 + rnd() % (CB_MAX - 1) : 1;
		for (uint32_t i = 0; i < n; i++) {
			int dup;
			do {
				keys[i] = rnd() % CK;
				dup = 0;
				for (uint32_t j = 0; j < i; j++)
					dup |= keys[j] == keys[i];
			} while (dup);
			lens[i] = rnd() % CV_MAX;
			for (uint32_t b = 0; b < lens[i]; b++)
				vals[i][b] = (unsigned char)rnd();
		}
		struct jrec r = {J_MAGIC, J_INTENT, seq, n, 0, 0, 0};
		jput(&r, sizeof(r));
		for (uint32_t i = 0; i < n; i++) {
			struct jent e = {keys[i], lens[i]};
			jput(&e, sizeof(e));
			jput(vals[i], lens[i]);
		}
		if (fdatasync(cjfd))
			_exit(3);
		TEEC_Result res;
		char k[16];
		if (n == 1) {
			ckey(keys[0], k);
			res = kvc_put(&c, k, strlen(k), vals[0], lens[0]);
		} else {
			struct kvb_writer w;
			kvb_begin(&w, req, sizeof(req));
			for (uint32_t i = 0; i < n; i++) {
				ckey(keys[i], k);
				kvb_add(&w, KVB_PUT, k, strlen(k), vals[i], lens[i]);
			}
			size_t rl = sizeof(resp), len = kvb_finish(&w);
			res = kvc_batch(&c, req, len, resp, &rl);
			struct kvb_reader rd;
			struct kvb_result rr;
			uint32_t cnt;
			if (res == TEEC_SUCCESS &&
			    (kvb_response_open(&rd, resp, rl, &cnt) || cnt != n))
				_exit(5);
			for (uint32_t i = 0; res == TEEC_SUCCESS && i < n; i++)
				if (kvb_response_next(&rd, &rr) != 1 ||
				    rr.result != KVB_R_OK)
					_exit(5);
		}
		r.kind = res == TEEC_SUCCESS ? J_DONE : J_FAIL;
		r.n = 0;
		r.code = res;
		r.t_ns = now_ns();
		jput(&r, sizeof(r));
		if (fdatasync(cjfd))
			_exit(3);
		if (res != TEEC_SUCCESS)
			_exit(0);
	}
	kvc_close(&c);
	_exit(0);
}

static int ppid_of(int pid, char *state)
{
	char p[64], b[512];
	snprintf(p, sizeof(p), "/proc/%d/stat", pid);
	int fd = open(p, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, b, sizeof(b) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	b[n] = 0;
	char *q = strrchr(b, ')');
	char st = 0;
	int pp = -1;
	if (!q || sscanf(q + 1, " %c %d", &st, &pp) != 2)
		return -1;
	if (state)
		*state = st;
	return pp;
}

/* The live descendants of pid, two levels (TA hosts, supplicant). */
static int descendants(int pid, int *out, int max)
{
	int n = 0;
	for (int lvl = 0; lvl < 2; lvl++) {
		int start = n;
		DIR *d = opendir("/proc");
		if (!d)
			return n;
		struct dirent *e;
		while ((e = readdir(d)) && n < max) {
			int p = atoi(e->d_name);
			if (p <= 1)
				continue;
			int pp = ppid_of(p, NULL);
			int match = lvl == 0 && pp == pid;
			for (int k = 0; lvl == 1 && k < start && !match; k++)
				match = pp == out[k];
			if (match)
				out[n++] = p;
		}
		closedir(d);
	}
	return n;
}

static int gone(int pid)
{
	char st = 0;
	return ppid_of(pid, &st) < 0 || st == 'Z' || st == 'X';
}

static int daemon_pid(void)
{
	char p[400];
	snprintf(p, sizeof(p), "%s/edgeteed.pid", inst.dir);
	FILE *f = fopen(p, "r");
	int pid = 0;
	if (f) {
		if (fscanf(f, "%d", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return pid;
}

/* SIGKILL edgeteed and its processes; the time just before the kill. */
static uint64_t kill_core(void)
{
	int pid = daemon_pid();
	if (pid <= 1)
		fail_msg("no daemon pid in %s", inst.dir);
	int kids[64];
	int nk = descendants(pid, kids, 64);
	uint64_t t = now_ns();
	kill(pid, SIGKILL);
	for (int i = 0; i < nk; i++)
		kill(kids[i], SIGKILL);
	uint64_t end = now_ms() + 5000;
	for (;;) {
		int all = gone(pid);
		for (int i = 0; i < nk; i++)
			all = all && gone(kids[i]);
		if (all)
			return t;
		if (now_ms() > end)
			fail_msg("the killed core (pid %d) did not go away", pid);
		sleep_ms(1);
	}
}

static int wait_child(int pid, unsigned ms)
{
	uint64_t end = now_ms() + ms;
	for (;;) {
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (now_ms() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -1;
		}
		sleep_ms(1);
	}
}

struct flight {
	int have;
	uint32_t n, keys[CB_MAX];
	struct cval nw[CB_MAX];
};

static unsigned long long st_ops, st_old, st_new, st_batch_new, st_batch_old;

/* Apply the journal to cmodel; the change in flight into *fl. */
static void replay(uint64_t kill_t, struct flight *fl)
{
	FILE *f = fopen(cjournal, "rb");
	assert_non_null(f);
	fl->have = 0;
	struct jrec r;
	while (fread(&r, sizeof(r), 1, f) == 1) {
		if (r.magic != J_MAGIC)
			fail_msg("journal damaged");
		if (r.kind == J_INTENT) {
			int whole = r.n >= 1 && r.n <= CB_MAX;
			for (uint32_t i = 0; whole && i < r.n; i++) {
				struct jent e;
				whole = fread(&e, sizeof(e), 1, f) == 1 && e.key < CK &&
					e.len <= CV_MAX &&
					fread(fl->nw[i].v, 1, e.len, f) == e.len;
				fl->keys[i] = e.key;
				fl->nw[i].present = 1;
				fl->nw[i].len = e.len;
			}
			if (!whole) {
				fl->have = 0; /* written partly: never sent */
				break;
			}
			fl->have = 1;
			fl->n = r.n;
		} else if (r.kind == J_DONE) {
			if (!fl->have)
				fail_msg("journal: completion without intent");
			for (uint32_t i = 0; i < fl->n; i++)
				cmodel[fl->keys[i]] = fl->nw[i];
			fl->have = 0;
			st_ops++;
		} else if (r.kind == J_FAIL) {
			if (r.t_ns < kill_t)
				fail_msg("a change failed with 0x%08x %llu us before the "
					 "kill",
					 r.code,
					 (unsigned long long)(kill_t - r.t_ns) / 1000);
		}
	}
	fclose(f);
}

static int same(const struct cval *x, TEEC_Result r, const unsigned char *b, size_t n)
{
	if (!x->present)
		return r == TEEC_ERROR_ITEM_NOT_FOUND;
	return r == TEEC_SUCCESS && n == x->len && !memcmp(b, x->v, n);
}

static void verify(int round, const struct flight *fl)
{
	struct kvc c;
	TEEC_Result r = kvc_open(&c, NULL, KVC_WHOLE, KV_OPEN_PERSISTENT);
	if (r != TEEC_SUCCESS)
		fail_msg("round %d: no persistent session after restart: 0x%08x", round,
			 r);
	static unsigned char b[CV_MAX];
	int olds = 0, news = 0;
	uint32_t present = 0;
	for (uint32_t i = 0; i < CK; i++) {
		char k[16];
		ckey(i, k);
		size_t n = sizeof(b);
		r = kvc_get(&c, k, strlen(k), b, &n);
		const struct cval *nw = NULL;
		for (uint32_t j = 0; fl->have && j < fl->n; j++)
			if (fl->keys[j] == i)
				nw = &fl->nw[j];
		if (same(&cmodel[i], r, b, n) && !(nw && same(nw, r, b, n))) {
			olds += nw != NULL;
		} else if (nw && same(nw, r, b, n)) {
			if (!same(&cmodel[i], r, b, n))
				news++;
			cmodel[i] = *nw;
		} else {
			fail_msg("round %d: %s is neither its committed value (%s, %u "
				 "bytes) nor the one in flight (%s): 0x%08x, %zu bytes",
				 round, k, cmodel[i].present ? "present" : "absent",
				 cmodel[i].len, nw ? "yes" : "none", r, n);
		}
		present += (uint32_t)cmodel[i].present;
	}
	/* A batch in flight is all old or all new (a key whose old and new
	 * values are equal counts as either). */
	if (fl->have && fl->n > 1) {
		if (olds && news)
			fail_msg("round %d: a batch of %u PUTs is half applied (%d old, "
				 "%d new)",
				 round, fl->n, olds, news);
		if (news)
			st_batch_new++;
		else
			st_batch_old++;
	} else if (fl->have) {
		if (news)
			st_new++;
		else
			st_old++;
	}
	assert_int_equal(count_of(&c), present);
	kvc_close(&c);
}

static void test_crash(void **state)
{
	(void)state;
	unsigned points = 25;
	const char *env = getenv("EDGETEE_KV_CRASH_POINTS");
	if (env && atoi(env) > 0)
		points = (unsigned)atoi(env);
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20);
	env = getenv("EDGETEE_KV_CRASH_SEED");
	if (env)
		seed = strtoull(env, NULL, 0);
	fprintf(stderr, "test_kv_persist: crash: %u kill points, seed 0x%llx\n", points,
		(unsigned long long)seed);
	prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0, 0, 0);
	signal(SIGPIPE, SIG_IGN);
	snprintf(cjournal, sizeof(cjournal), "%s.journal", inst.dir);
	/* Start from an empty persistent table. */
	struct kvc c;
	open_p(&c);
	assert_teec(kvc_clear(&c), TEEC_SUCCESS);
	kvc_close(&c);
	memset(cmodel, 0, sizeof(cmodel));
	crng = seed | 1;
	uint64_t t0 = now_ms();
	for (unsigned round = 1; round <= points; round++) {
		int pfd[2];
		assert_int_equal(pipe(pfd), 0);
		uint64_t cseed = ((uint64_t)rnd() << 32) | rnd();
		unsigned delay = rnd() % 61;
		fflush(stderr);
		int pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(pfd[0]);
			crash_client(pfd[1], cseed);
		}
		close(pfd[1]);
		char x;
		ssize_t k;
		do {
			k = read(pfd[0], &x, 1);
		} while (k < 0 && errno == EINTR);
		close(pfd[0]);
		if (k != 1)
			fail_msg("round %u: the client did not start (exit %d)", round,
				 wait_child(pid, 5000));
		sleep_ms(delay);
		uint64_t kt = kill_core();
		int st = wait_child(pid, 10000);
		if (st != 0)
			fail_msg("round %u: the client failed (exit %d)", round, st);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		static struct flight fl;
		replay(kt, &fl);
		assert_int_equal(et_test_sh("'%s' up --dir '%s' >/dev/null",
					    et_test_bin("edgetee"), inst.dir),
				 0);
		verify((int)round, &fl);
	}
	/* A clean restart at the end: still the same. */
	restart();
	static struct flight none;
	verify((int)points + 1, &none);
	unlink(cjournal);
	/* How often a kill left a batch journal that the restart replayed. */
	char lp[400], line[512];
	unsigned replays = 0;
	snprintf(lp, sizeof(lp), "%s/edgeteed.log", inst.dir);
	FILE *lf = fopen(lp, "r");
	while (lf && fgets(line, sizeof(line), lf))
		replays += strstr(line, "replaying the journal") != NULL;
	if (lf)
		fclose(lf);
	fprintf(stderr,
		"test_kv_persist: crash: %u kill points in %.1f s, %llu changes "
		"acknowledged; in flight: PUT %llu old / %llu new, batch %llu old / "
		"%llu new; %u batch journals replayed at restart\n",
		points, (double)(now_ms() - t0) / 1000.0, st_ops, st_old, st_new,
		st_batch_old, st_batch_new, replays);
	assert_true(now_ms() - t0 < 60000);
}

static int group_up(void **state)
{
	(void)state;
	return et_test_up(&inst) ? -1 : 0;
}

static int group_down(void **state)
{
	(void)state;
	et_test_down(&inst);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bad_inputs),
	    cmocka_unit_test(test_restart),
	    cmocka_unit_test(test_cli),
	    cmocka_unit_test(test_crash),
	};
	return cmocka_run_group_tests(tests, group_up, group_down);
}
