/*
 * Crash consistency of GP Trusted Storage. A client process runs a long
 * mixed workload on a set of objects through storage_ta: create (and
 * create-with-OVERWRITE), write at random offsets (across blocks, past the
 * end), truncate (shrink and grow), rename and delete. Before each
 * operation it appends the object's intended new state (id and full
 * content) to a journal file and fsyncs it; after success it appends a
 * completion record. At a random instant 0-50 ms into the workload the
 * harness SIGKILLs edgeteed and its child processes (TA hosts,
 * supplicant), restarts the instance on the same directory and checks:
 *  - every object whose operation completed is byte-exact in its
 *    committed state (no committed object lost);
 *  - the object of the operation in flight is byte-exact in its old or
 *    its new state (a rename: exactly one of the two ids);
 *  - nothing else exists (enumeration lists exactly these objects).
 * 200 kill points by default; EDGETEE_CRASH_POINTS=N or --points N for
 * more. Progress lines on stderr; every wait is bounded.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "st_util.h"

#define NSLOT	   6
#define MAXSZ	   (16 * 1024)
#define J_MAGIC	   0x4a524e4cu
#define CLIENT_MAX 1500 /* ms a client may run when no kill comes */

enum { J_INTENT = 1, J_DONE, J_FAIL };
enum { OP_CREATE, OP_OVERWRITE, OP_WRITE, OP_TRUNCATE, OP_RENAME, OP_DELETE, OP_N };
static const char *const op_name[OP_N] = {"create",   "overwrite", "write",
					  "truncate", "rename",	   "delete"};

struct mobj {
	uint32_t present, gen, size;
	uint8_t data[MAXSZ];
};

struct jrec {
	uint32_t magic, kind, seq, slot, op;
	uint32_t present, gen, size; /* the new state (INTENT) */
	uint32_t code;		     /* FAIL: the TEEC result */
	uint32_t pad;
	uint64_t t_ns; /* FAIL: when (CLOCK_MONOTONIC) */
};

static struct et_test_inst inst;
static struct mobj model[NSLOT];
static char journal[300];
static unsigned long long stat_ops, stat_inflight_old, stat_inflight_new, stat_noflight;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "test_crash: FAIL: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	fprintf(stderr, "test_crash: instance kept in %s, journal %s\n", inst.dir,
		journal);
	int pid = st_daemon_pid(inst.dir);
	if (pid > 1)
		kill(pid, SIGKILL);
	exit(1);
}

static void name_of(uint32_t slot, uint32_t gen, char *out, size_t n)
{
	snprintf(out, n, "crash-%u-g%u", slot, gen);
}

static uint64_t rng_s;
static uint32_t rnd(void)
{
	rng_s ^= rng_s << 13;
	rng_s ^= rng_s >> 7;
	rng_s ^= rng_s << 17;
	return (uint32_t)(rng_s >> 16);
}

/* ---- the client -------------------------------------------------------------------- */

static int jfd = -1;

static void jwrite(const struct jrec *r, const void *data, size_t len)
{
	struct iovec {
		const void *b;
		size_t n;
	} v[2] = {{r, sizeof(*r)}, {data, len}};
	for (int i = 0; i < 2; i++) {
		const uint8_t *p = v[i].b;
		size_t left = v[i].n;
		while (left) {
			ssize_t k = write(jfd, p, left);
			if (k <= 0)
				_exit(3);
			p += k;
			left -= (size_t)k;
		}
	}
	if (fdatasync(jfd))
		_exit(3);
}

/* Do one operation on slot i; the new state is in *nw. TEEC result. */
static TEEC_Result do_op(TEEC_Session *s, int op, uint32_t i, const struct mobj *old,
			 const struct mobj *nw, uint32_t woff, uint32_t wlen)
{
	char name[40], nname[40];
	name_of(i, old->gen, name, sizeof(name));
	name_of(i, nw->gen, nname, sizeof(nname));
	uint32_t slot;
	TEEC_Result r;
	switch (op) {
	case OP_CREATE:
	case OP_OVERWRITE:
		return st_create_ex(s, ST_PRIVATE, nname, strlen(nname),
				    F_RW | (op == OP_OVERWRITE ? F_OVERWRITE : 0),
				    nw->size ? nw->data : NULL, nw->size, ST_OPT_CLOSE, 0,
				    NULL);
	default:
		break;
	}
	r = st_open(s, name, F_RW, &slot);
	if (r != TEEC_SUCCESS)
		return r;
	switch (op) {
	case OP_WRITE:
		r = st_seek(s, slot, woff, 0);
		if (r == TEEC_SUCCESS)
			r = st_write(s, slot, nw->data + woff, wlen);
		break;
	case OP_TRUNCATE:
		r = st_truncate(s, slot, nw->size);
		break;
	case OP_RENAME:
		r = st_rename(s, slot, nname);
		break;
	case OP_DELETE:
		return st_delete(s, slot);
	}
	TEEC_Result rc = st_close(s, slot);
	return r != TEEC_SUCCESS ? r : rc;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void client(int ready_fd, uint64_t seed)
{
	TEEC_Context ctx;
	TEEC_Session s;
	rng_s = seed | 1;
	jfd = open(journal, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0600);
	if (jfd < 0)
		_exit(3);
	if (TEEC_InitializeContext(NULL, &ctx) != TEEC_SUCCESS ||
	    st_session(&ctx, &s, STORAGE_TA_UUID_STR) != TEEC_SUCCESS)
		_exit(4);
	char c = 'r';
	if (write(ready_fd, &c, 1) != 1)
		_exit(3);
	close(ready_fd);
	static struct mobj nw;
	uint64_t end = st_now_ms() + CLIENT_MAX;
	for (uint32_t seq = 0; st_now_ms() < end; seq++) {
		uint32_t i = rnd() % NSLOT;
		struct mobj *old = &model[i];
		int op;
		if (!old->present) {
			op = OP_CREATE;
		} else {
			uint32_t x = rnd() % 100;
			op = x < 10   ? OP_OVERWRITE
			     : x < 50 ? OP_WRITE
			     : x < 68 ? OP_TRUNCATE
			     : x < 85 ? OP_RENAME
				      : OP_DELETE;
		}
		memcpy(&nw, old, sizeof(nw));
		uint32_t woff = 0, wlen = 0;
		switch (op) {
		case OP_CREATE:
		case OP_OVERWRITE:
			nw.present = 1;
			nw.gen = old->gen + (op == OP_CREATE);
			nw.size = rnd() % 12001;
			for (uint32_t k = 0; k < nw.size; k++)
				nw.data[k] = (uint8_t)rnd();
			break;
		case OP_WRITE:
			woff = rnd() % (old->size + 3000);
			if (woff > MAXSZ - 1)
				woff = MAXSZ - 1;
			wlen = 1 + rnd() % 6000;
			if (woff + wlen > MAXSZ)
				wlen = MAXSZ - woff;
			if (woff > nw.size)
				memset(nw.data + nw.size, 0, woff - nw.size);
			for (uint32_t k = 0; k < wlen; k++)
				nw.data[woff + k] = (uint8_t)rnd();
			if (woff + wlen > nw.size)
				nw.size = woff + wlen;
			break;
		case OP_TRUNCATE:
			nw.size = rnd() % (MAXSZ / 2 + 1);
			if (nw.size > old->size)
				memset(nw.data + old->size, 0, nw.size - old->size);
			break;
		case OP_RENAME:
			nw.gen = old->gen + 1;
			break;
		case OP_DELETE:
			nw.present = 0;
			nw.size = 0;
			break;
		}
		struct jrec jr = {J_MAGIC,    J_INTENT, seq,	 i, (uint32_t)op,
				  nw.present, nw.gen,	nw.size, 0, 0,
				  0};
		jwrite(&jr, nw.data, nw.size);
		TEEC_Result r = do_op(&s, op, i, old, &nw, woff, wlen);
		if (r != TEEC_SUCCESS) {
			jr.kind = J_FAIL;
			jr.code = r;
			jr.size = 0;
			jr.t_ns = now_ns();
			jwrite(&jr, NULL, 0);
			_exit(0);
		}
		jr.kind = J_DONE;
		jr.size = 0;
		jwrite(&jr, NULL, 0);
		memcpy(old, &nw, sizeof(nw));
	}
	TEEC_CloseSession(&s);
	TEEC_FinalizeContext(&ctx);
	_exit(0);
}

/* ---- killing and restarting the core -------------------------------------------------
 */

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

/* The live descendants of pid (two levels are enough: tahost, supplicant). */
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
	int r = ppid_of(pid, &st);
	return r < 0 || st == 'Z' || st == 'X';
}

static void reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static uint64_t kill_core(void)
{
	int pid = st_daemon_pid(inst.dir);
	if (pid <= 1)
		die("no daemon pid in %s", inst.dir);
	int kids[64];
	int nk = descendants(pid, kids, 64);
	/* Taken before the kill: a failure reported from then on may be
	 * the core's death seen by the TA (e.g. STORAGE_NOT_AVAILABLE). */
	uint64_t t = now_ns();
	kill(pid, SIGKILL);
	for (int i = 0; i < nk; i++)
		kill(kids[i], SIGKILL);
	uint64_t end = st_now_ms() + 5000;
	for (;;) {
		int all = gone(pid);
		for (int i = 0; i < nk; i++)
			all = all && gone(kids[i]);
		if (all)
			break;
		if (st_now_ms() > end)
			die("the killed core (pid %d) did not go away", pid);
		st_sleep_ms(1);
	}
	return t;
}

/* ---- verification -------------------------------------------------------------------
 */

static const uint8_t *jbuf;
static size_t jlen;

struct flight {
	int have;
	uint32_t slot, op, seq;
	struct mobj nw;
};

/* Apply the journal to the model; return the operation in flight. */
static void replay_journal(uint64_t kill_t, struct flight *fl)
{
	size_t len;
	uint8_t *b = st_slurp(journal, &len);
	if (!b)
		die("cannot read the journal %s", journal);
	jbuf = b;
	jlen = len;
	fl->have = 0;
	size_t off = 0;
	while (off + sizeof(struct jrec) <= len) {
		struct jrec r;
		memcpy(&r, b + off, sizeof(r));
		if (r.magic != J_MAGIC || r.slot >= NSLOT)
			die("journal damaged at %zu", off);
		off += sizeof(r);
		if (r.kind == J_INTENT) {
			if (off + r.size > len)
				break; /* the client wrote it partially: not invoked */
			fl->have = 1;
			fl->slot = r.slot;
			fl->op = r.op;
			fl->seq = r.seq;
			fl->nw.present = r.present;
			fl->nw.gen = r.gen;
			fl->nw.size = r.size;
			memcpy(fl->nw.data, b + off, r.size);
			off += r.size;
		} else if (r.kind == J_DONE) {
			if (!fl->have || fl->seq != r.seq)
				die("journal: completion without intent");
			memcpy(&model[r.slot], &fl->nw, sizeof(fl->nw));
			fl->have = 0;
			stat_ops++;
		} else if (r.kind == J_FAIL) {
			if (r.code != TEEC_ERROR_COMMUNICATION &&
			    r.code != TEEC_ERROR_TARGET_DEAD && r.t_ns < kill_t)
				die("%s of slot %u failed with 0x%08x before the kill "
				    "(%llu us earlier)",
				    op_name[r.op], r.slot, r.code,
				    (unsigned long long)(kill_t - r.t_ns) / 1000);
		}
	}
	free(b);
}

static TEEC_Result probe(TEEC_Session *s, const char *name, uint8_t *buf, size_t *got)
{
	return st_read_all(s, name, buf, MAXSZ + 1, got);
}

/* Does the store hold slot i in state x? (names: the ids to look at) */
static int matches(const struct mobj *x, uint32_t i, char names[2][40], int nn,
		   const TEEC_Result *res, uint8_t bufs[2][MAXSZ + 1], const size_t *got)
{
	char want[40];
	name_of(i, x->gen, want, sizeof(want));
	for (int k = 0; k < nn; k++) {
		int here = x->present && !strcmp(names[k], want);
		if (here) {
			if (res[k] != TEEC_SUCCESS || got[k] != x->size ||
			    memcmp(bufs[k], x->data, x->size))
				return 0;
		} else if (res[k] != TEEC_ERROR_ITEM_NOT_FOUND) {
			return 0;
		}
	}
	return 1;
}

static void verify(int round, const struct flight *fl)
{
	TEEC_Context ctx;
	TEEC_Session s;
	if (TEEC_InitializeContext(NULL, &ctx) != TEEC_SUCCESS)
		die("round %d: no context after restart", round);
	TEEC_Result r = st_session(&ctx, &s, STORAGE_TA_UUID_STR);
	if (r != TEEC_SUCCESS)
		die("round %d: no session after restart: 0x%08x", round, r);
	static uint8_t bufs[2][MAXSZ + 1];
	uint32_t present = 0;
	for (uint32_t i = 0; i < NSLOT; i++) {
		const struct mobj *old = &model[i];
		const struct mobj *nw = fl->have && fl->slot == i ? &fl->nw : NULL;
		char names[2][40];
		int nn = 0;
		name_of(i, old->gen, names[nn++], 40);
		if (nw && nw->gen != old->gen)
			name_of(i, nw->gen, names[nn++], 40);
		TEEC_Result res[2];
		size_t got[2];
		for (int k = 0; k < nn; k++)
			res[k] = probe(&s, names[k], bufs[k], &got[k]);
		if (matches(old, i, names, nn, res, bufs, got)) {
			if (nw)
				stat_inflight_old++;
		} else if (nw && matches(nw, i, names, nn, res, bufs, got)) {
			memcpy(&model[i], nw, sizeof(*nw));
			stat_inflight_new++;
		} else {
			die("round %d: slot %u is neither %s (%s, %u bytes) nor the new "
			    "state of the op in flight (%s); reads: %s -> 0x%08x (%zu "
			    "bytes)%s%s",
			    round, i, names[0], old->present ? "present" : "absent",
			    old->size, nw ? op_name[fl->op] : "none", names[0], res[0],
			    got[0], nn > 1 ? ", " : "", nn > 1 ? names[1] : "");
		}
		present += model[i].present;
	}
	if (!fl->have)
		stat_noflight++;
	/* Nothing else: the enumeration lists exactly the present objects. */
	static uint8_t e[16384];
	size_t used;
	uint32_t cnt;
	r = st_enum(&s, ST_PRIVATE, e, sizeof(e), &used, &cnt, NULL);
	if (r != TEEC_SUCCESS)
		die("round %d: enumeration failed: 0x%08x", round, r);
	if (cnt != present)
		die("round %d: %u objects enumerated, %u expected", round, cnt, present);
	for (uint32_t i = 0; i < NSLOT; i++) {
		char n[40];
		name_of(i, model[i].gen, n, sizeof(n));
		long sz = st_enum_find(e, used, n);
		if (model[i].present && sz != (long)model[i].size)
			die("round %d: enumeration: %s size %ld, expected %u", round, n,
			    sz, model[i].size);
	}
	TEEC_CloseSession(&s);
	TEEC_FinalizeContext(&ctx);
}

/* ---- the harness --------------------------------------------------------------------
 */

static int wait_client(int pid, unsigned ms)
{
	uint64_t end = st_now_ms() + ms;
	for (;;) {
		int st;
		int r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (st_now_ms() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -1;
		}
		st_sleep_ms(1);
	}
}

int main(int argc, char **argv)
{
	unsigned points = 200;
	const char *env = getenv("EDGETEE_CRASH_POINTS");
	if (env && atoi(env) > 0)
		points = (unsigned)atoi(env);
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--points") && i + 1 < argc)
			points = (unsigned)atoi(argv[++i]);
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20);
	env = getenv("EDGETEE_CRASH_SEED");
	if (env)
		seed = strtoull(env, NULL, 0);
	fprintf(stderr, "test_crash: %u kill points, seed 0x%llx (EDGETEE_CRASH_SEED)\n",
		points, (unsigned long long)seed);
	/* Orphans (the killed daemon and its TA hosts) come to us to be reaped. */
	prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0, 0, 0);
	signal(SIGPIPE, SIG_IGN);
	char jdir[] = "/tmp/edgetee-crash-journal-XXXXXX";
	if (!mkdtemp(jdir) || et_test_up(&inst)) {
		fprintf(stderr, "test_crash: cannot start an instance\n");
		return 1;
	}
	snprintf(journal, sizeof(journal), "%s/journal", jdir);
	rng_s = seed | 1;
	uint64_t t0 = st_now_ms();
	for (unsigned round = 1; round <= points; round++) {
		int pfd[2];
		if (pipe(pfd))
			die("pipe: %s", strerror(errno));
		uint64_t cseed = ((uint64_t)rnd() << 32) | rnd();
		unsigned delay = rnd() % 51;
		fflush(stderr);
		int pid = fork();
		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (pid == 0) {
			close(pfd[0]);
			client(pfd[1], cseed);
		}
		close(pfd[1]);
		/* The workload starts when the client has its session. */
		char c;
		ssize_t k;
		do {
			k = read(pfd[0], &c, 1);
		} while (k < 0 && errno == EINTR);
		close(pfd[0]);
		if (k != 1) {
			int st = wait_client(pid, 5000);
			die("round %u: the client did not start (exit %d)", round, st);
		}
		st_sleep_ms(delay);
		uint64_t kt = kill_core();
		int st = wait_client(pid, 10000);
		if (st != 0)
			die("round %u: the client failed (exit %d)", round, st);
		reap();
		struct flight *fl = malloc(sizeof(*fl));
		if (!fl)
			die("out of memory");
		replay_journal(kt, fl);
		if (st_up_again(&inst))
			die("round %u: the instance did not restart on %s", round,
			    inst.dir);
		verify((int)round, fl);
		free(fl);
		if (round % 20 == 0 || round == points)
			fprintf(stderr,
				"test_crash: %u/%u kill points, %llu ops committed, in "
				"flight: %llu old / %llu new state, %llu between ops, "
				"%.1f s\n",
				round, points, stat_ops, stat_inflight_old,
				stat_inflight_new, stat_noflight,
				(double)(st_now_ms() - t0) / 1000.0);
	}
	/* A clean stop and start at the end: still the same state. */
	st_down_keep(&inst);
	reap();
	if (st_up_again(&inst))
		die("final restart failed");
	struct flight none = {0};
	verify((int)points + 1, &none);
	et_test_down(&inst);
	reap();
	unlink(journal);
	rmdir(jdir);
	fprintf(stderr, "test_crash: PASS\n");
	return 0;
}
