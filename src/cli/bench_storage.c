/*
 * edgetee bench storage: the GP Trusted Storage benchmark of the DAIS 2019
 * TrustZone study (Fig. 3), which is OP-TEE xtest's storage benchmark:
 * WRITE, READ and REWRITE of one persistent object of 256 B ... 1 MiB in
 * chunks of at most 1 KiB, inside a TA (ta/bench_storage) of a private
 * instance. The client times one invocation that runs the TA's whole loop
 * (for READ and REWRITE the object exists beforehand, set up untimed).
 *
 * In the same run, the REE baseline does the same chunked writes, reads
 * and rewrites on a plain file in the same directory, each chunk sealed
 * with OpenSSL AES-256-GCM (fresh 96-bit IV, 16-byte tag) and made durable
 * where the TEE makes it durable: an fdatasync after every chunk write
 * (GP: a TEE_WriteObjectData is durable when it returns), an fsync of the
 * file and its directory after creating it.
 *
 * Output: the xtest-style table (Data Size (B) | Time (s) | Speed (kB/s),
 * kB = 1024 bytes as in xtest) for both and their ratio; JSON keys
 * <op>_<size>_kBps (TEE), <op>_<size>_ree_kBps, <op>_<size>_ratio (TEE /
 * REE); gnuplot figures of time and throughput by data size.
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_storage_ta.h"
#include "bench_util.h"
#include "cli.h"
#include "doorbell.h"
#include "et_util.h"
#include "tee_client_api.h"

#ifndef EDGETEE_BENCH_GP_DIR
#define EDGETEE_BENCH_GP_DIR "bench"
#endif

#define NSIZES	   8
#define GCM_IV	   12
#define GCM_TAG	   16
#define MAX_REPEAT 15

extern char **environ;

static const uint32_t sizes[NSIZES] = {256,  512,	1024,	    2048,
				       4096, 16 * 1024, 512 * 1024, 1024 * 1024};
static const char *const op_name[BS_OPS] = {"write", "read", "rewrite"};
static const char *const op_upper[BS_OPS] = {"WRITE", "READ", "REWRITE"};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

struct cfg {
	int quick;
	unsigned reps;
	uint32_t chunk;
	const char *json, *plot;
};

/* Median time in seconds, per op and size; [0] TEE, [1] REE. */
static double res_s[2][BS_OPS][NSIZES];

static double kbps(uint32_t size, double s)
{
	return s > 0 ? (double)size / 1024.0 / s : 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* ---- the TEE side ----------------------------------------------------------- */

struct tee {
	TEEC_Context ctx;
	TEEC_Session sess;
	int ctx_ok, sess_ok;
};

static TEEC_Result tee_call(struct tee *t, uint32_t cmd, uint32_t a, uint32_t b,
			    uint32_t chunk, uint32_t out[2])
{
	TEEC_Operation op;
	uint32_t origin = 0;
	memset(&op, 0, sizeof(op));
	switch (cmd) {
	case BS_CMD_RUN:
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_VALUE_INPUT,
						 TEEC_VALUE_OUTPUT, TEEC_NONE);
		break;
	case BS_CMD_VERIFY:
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE,
						 TEEC_VALUE_OUTPUT, TEEC_NONE);
		break;
	case BS_CMD_PREPARE:
		op.paramTypes =
		    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
		break;
	default:
		op.paramTypes =
		    TEEC_PARAM_TYPES(TEEC_NONE, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	}
	op.params[0].value.a = a;
	op.params[0].value.b = b;
	op.params[1].value.a = chunk;
	TEEC_Result r = TEEC_InvokeCommand(&t->sess, cmd, &op, &origin);
	if (out) {
		out[0] = op.params[2].value.a;
		out[1] = op.params[2].value.b;
	}
	if (r != TEEC_SUCCESS)
		fprintf(stderr,
			"edgetee bench storage: TA command %u: 0x%08x (origin %u)\n", cmd,
			r, origin);
	return r;
}

/* One timed run of op on size bytes; seconds, or -1. */
static double tee_run(struct tee *t, int op, uint32_t size, uint32_t chunk)
{
	uint32_t out[2];
	if (op != BS_WRITE && tee_call(t, BS_CMD_PREPARE, size, 0, 0, NULL))
		return -1;
	uint64_t t0 = et_now_ns();
	if (tee_call(t, BS_CMD_RUN, (uint32_t)op, size, chunk, out))
		return -1;
	uint64_t t1 = et_now_ns();
	if (out[0] != size) {
		fprintf(stderr, "edgetee bench storage: TEE %s moved %u of %u bytes\n",
			op_name[op], out[0], size);
		return -1;
	}
	if (op == BS_REWRITE) {
		if (tee_call(t, BS_CMD_VERIFY, size, 0, 0, out) || out[0] != 1) {
			fprintf(stderr,
				"edgetee bench storage: TEE REWRITE of %u bytes "
				"left wrong data\n",
				size);
			return -1;
		}
	}
	if (tee_call(t, BS_CMD_CLEAN, 0, 0, 0, NULL))
		return -1;
	return (double)(t1 - t0) / 1e9;
}

/* ---- the REE baseline: AES-GCM sealed chunks in a plain file ------------------ */

struct ree {
	char path[PATH_MAX], dir[PATH_MAX];
	unsigned char key[32];
	EVP_CIPHER_CTX *ctx;
	unsigned char rec[GCM_IV + BS_MAX_CHUNK + GCM_TAG];
	unsigned char pt[BS_MAX_CHUNK];
};

static int seal(struct ree *r, const unsigned char *pt, uint32_t n, unsigned char *out)
{
	int len;
	if (RAND_bytes(out, GCM_IV) != 1 ||
	    EVP_EncryptInit_ex(r->ctx, EVP_aes_256_gcm(), NULL, r->key, out) != 1 ||
	    EVP_EncryptUpdate(r->ctx, out + GCM_IV, &len, pt, (int)n) != 1 ||
	    EVP_EncryptFinal_ex(r->ctx, out + GCM_IV + len, &len) != 1 ||
	    EVP_CIPHER_CTX_ctrl(r->ctx, EVP_CTRL_GCM_GET_TAG, GCM_TAG,
				out + GCM_IV + n) != 1)
		return -1;
	return 0;
}

static int unseal(struct ree *r, const unsigned char *in, uint32_t n, unsigned char *pt)
{
	int len;
	if (EVP_DecryptInit_ex(r->ctx, EVP_aes_256_gcm(), NULL, r->key, in) != 1 ||
	    EVP_DecryptUpdate(r->ctx, pt, &len, in + GCM_IV, (int)n) != 1 ||
	    EVP_CIPHER_CTX_ctrl(r->ctx, EVP_CTRL_GCM_SET_TAG, GCM_TAG,
				(void *)(in + GCM_IV + n)) != 1 ||
	    EVP_DecryptFinal_ex(r->ctx, pt + len, &len) != 1)
		return -1;
	return 0;
}

static int full_pwrite(int fd, const void *b, size_t n, off_t off)
{
	const unsigned char *p = b;
	while (n) {
		ssize_t k = pwrite(fd, p, n, off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
		off += k;
	}
	return 0;
}

static int full_pread(int fd, void *b, size_t n, off_t off)
{
	unsigned char *p = b;
	while (n) {
		ssize_t k = pread(fd, p, n, off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
		off += k;
	}
	return 0;
}

static int sync_dir(const char *dir)
{
	int d = open(dir, O_RDONLY | O_DIRECTORY);
	if (d < 0)
		return -1;
	int e = fsync(d);
	close(d);
	return e;
}

/* Create the file holding size bytes of bs_byte() data (timed or not). */
static int ree_write(struct ree *r, uint32_t size, uint32_t chunk, int pattern)
{
	int fd = open(r->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	int e = fsync(fd) || sync_dir(r->dir);
	if (!pattern)
		for (uint32_t i = 0; i < chunk; i++)
			r->pt[i] = bs_byte(i);
	off_t off = 0;
	for (uint32_t moved = 0; !e && moved < size;) {
		uint32_t n = size - moved < chunk ? size - moved : chunk;
		if (pattern)
			for (uint32_t i = 0; i < n; i++)
				r->pt[i] = bs_byte(moved + i);
		e = seal(r, r->pt, n, r->rec) ||
		    full_pwrite(fd, r->rec, GCM_IV + n + GCM_TAG, off) || fdatasync(fd);
		off += GCM_IV + n + GCM_TAG;
		moved += n;
	}
	return close(fd) || e ? -1 : 0;
}

/* READ (rewrite = 0) or REWRITE of the file, chunk by chunk. */
static int ree_read(struct ree *r, uint32_t size, uint32_t chunk, int rewrite)
{
	int fd = open(r->path, O_RDWR);
	if (fd < 0)
		return -1;
	int e = 0;
	off_t off = 0;
	for (uint32_t moved = 0; !e && moved < size;) {
		uint32_t n = size - moved < chunk ? size - moved : chunk;
		size_t rl = GCM_IV + n + GCM_TAG;
		e = full_pread(fd, r->rec, rl, off) || unseal(r, r->rec, n, r->pt);
		if (!e && rewrite)
			e = seal(r, r->pt, n, r->rec) ||
			    full_pwrite(fd, r->rec, rl, off) || fdatasync(fd);
		off += (off_t)rl;
		moved += n;
	}
	return close(fd) || e ? -1 : 0;
}

/* The file holds exactly the bs_byte() data of size bytes. */
static int ree_verify(struct ree *r, uint32_t size, uint32_t chunk)
{
	int fd = open(r->path, O_RDONLY);
	if (fd < 0)
		return -1;
	int e = 0;
	off_t off = 0;
	for (uint32_t moved = 0; !e && moved < size;) {
		uint32_t n = size - moved < chunk ? size - moved : chunk;
		e = full_pread(fd, r->rec, GCM_IV + n + GCM_TAG, off) ||
		    unseal(r, r->rec, n, r->pt);
		for (uint32_t i = 0; !e && i < n; i++)
			e = r->pt[i] != bs_byte(moved + i);
		off += GCM_IV + n + GCM_TAG;
		moved += n;
	}
	struct stat sb;
	if (!e && (fstat(fd, &sb) || sb.st_size != off))
		e = 1;
	close(fd);
	return e ? -1 : 0;
}

static double ree_run(struct ree *r, int op, uint32_t size, uint32_t chunk)
{
	if (op != BS_WRITE && ree_write(r, size, chunk, 1))
		return -1;
	uint64_t t0 = et_now_ns();
	int e = op == BS_WRITE ? ree_write(r, size, chunk, 0)
			       : ree_read(r, size, chunk, op == BS_REWRITE);
	uint64_t t1 = et_now_ns();
	if (!e && op == BS_REWRITE)
		e = ree_verify(r, size, chunk);
	unlink(r->path);
	if (e) {
		fprintf(stderr, "edgetee bench storage: REE %s of %u bytes failed\n",
			op_name[op], size);
		return -1;
	}
	return (double)(t1 - t0) / 1e9;
}

/* ---- report ------------------------------------------------------------------- */

static double r6(double v)
{
	return round(v * 1e6) / 1e6;
}

static void report(const struct cfg *c)
{
	printf("\nedgetee bench storage: xtest storage benchmark, chunks of %u B, median "
	       "of %u run%s%s\n",
	       c->chunk, c->reps, c->reps > 1 ? "s" : "", c->quick ? " (quick)" : "");
	printf("TEE: GP Trusted Storage in a TA (one invocation per loop); REE: plain "
	       "file,\nAES-256-GCM per chunk, fdatasync after every chunk write; kB = "
	       "1024 B\n");
	for (int op = 0; op < BS_OPS; op++) {
		printf("\n%s\n", op_upper[op]);
		printf("%13s | %-25s | %-25s | %7s\n", "", "TEE", "REE baseline",
		       "ratio");
		printf("%13s | %10s | %12s | %10s | %12s | %7s\n", "Data Size (B)",
		       "Time (s)", "Speed (kB/s)", "Time (s)", "Speed (kB/s)", "TEE/REE");
		for (int i = 0; i < 13 + 10 + 12 + 10 + 12 + 7 + 15; i++)
			putchar('-');
		putchar('\n');
		for (int i = 0; i < NSIZES; i++) {
			double t = res_s[0][op][i], b = res_s[1][op][i];
			double kt = kbps(sizes[i], t), kb = kbps(sizes[i], b);
			printf("%13u | %10.6f | %12.1f | %10.6f | %12.1f | %7.3f\n",
			       sizes[i], t, kt, b, kb, kb > 0 ? kt / kb : 0);
		}
	}
	printf("\nTarget: TEE/REE >= 0.5 at 512 KiB and 1 MiB\n");
	for (int op = 0; op < BS_OPS; op++) {
		for (int i = NSIZES - 2; i < NSIZES; i++) {
			double kt = kbps(sizes[i], res_s[0][op][i]);
			double kb = kbps(sizes[i], res_s[1][op][i]);
			double ratio = kb > 0 ? kt / kb : 0;
			printf("  %s_%u_ratio = %6.3f  %s\n", op_name[op], sizes[i],
			       ratio, ratio >= 0.5 ? "PASS" : "MISS");
		}
	}
	printf("(timings never fail the benchmark: PASS/MISS is for the reader)\n");
}

static int write_json(const struct cfg *c)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return -1;
	char k[64];
	for (int op = 0; op < BS_OPS; op++) {
		for (int i = 0; i < NSIZES; i++) {
			double t = res_s[0][op][i], b = res_s[1][op][i];
			double kt = kbps(sizes[i], t), kb = kbps(sizes[i], b);
			snprintf(k, sizeof(k), "%s_%u_kBps", op_name[op], sizes[i]);
			cJSON_AddNumberToObject(o, k, round(kt * 10) / 10);
			snprintf(k, sizeof(k), "%s_%u_ree_kBps", op_name[op], sizes[i]);
			cJSON_AddNumberToObject(o, k, round(kb * 10) / 10);
			snprintf(k, sizeof(k), "%s_%u_ratio", op_name[op], sizes[i]);
			cJSON_AddNumberToObject(o, k, kb > 0 ? r6(kt / kb) : 0);
			snprintf(k, sizeof(k), "%s_%u_s", op_name[op], sizes[i]);
			cJSON_AddNumberToObject(o, k, r6(t));
			snprintf(k, sizeof(k), "%s_%u_ree_s", op_name[op], sizes[i]);
			cJSON_AddNumberToObject(o, k, r6(b));
		}
	}
	cJSON_AddNumberToObject(o, "chunk_bytes", c->chunk);
	cJSON_AddNumberToObject(o, "runs", c->reps);
	cJSON_AddBoolToObject(o, "quick", c->quick);
	cJSON_AddNumberToObject(o, "nproc", (double)sysconf(_SC_NPROCESSORS_ONLN));
	int rc = bu_json_write(o, c->json);
	cJSON_Delete(o);
	return rc;
}

/*
 * Plot data: one block per op (index 0 write, 1 read, 2 rewrite), blocks
 * separated by two blank lines. Columns: size, TEE s, REE s, TEE kB/s,
 * REE kB/s.
 */
static int write_plot(const struct cfg *c)
{
	char dat[PATH_MAX], base[PATH_MAX];
	snprintf(dat, sizeof(dat), "%s/storage.dat", c->plot);
	snprintf(base, sizeof(base), "%s/storage", c->plot);
	FILE *f = fopen(dat, "w");
	if (!f) {
		fprintf(stderr, "edgetee bench storage: cannot write %s: %s\n", dat,
			strerror(errno));
		return -1;
	}
	fprintf(f, "# edgetee bench storage: size_B tee_s ree_s tee_kBps ree_kBps\n");
	for (int op = 0; op < BS_OPS; op++) {
		fprintf(f, "# %s\n", op_upper[op]);
		for (int i = 0; i < NSIZES; i++)
			fprintf(f, "%u %.6f %.6f %.1f %.1f\n", sizes[i], res_s[0][op][i],
				res_s[1][op][i], kbps(sizes[i], res_s[0][op][i]),
				kbps(sizes[i], res_s[1][op][i]));
		fprintf(f, "\n\n");
	}
	if (fclose(f)) {
		fprintf(stderr, "edgetee bench storage: cannot write %s\n", dat);
		return -1;
	}
	return bu_gnuplot("edgetee bench storage", "storage.gp", dat, base);
}

/* ---- set-up -------------------------------------------------------------------- */

static int setup_ta_path(void)
{
	const char *tp = getenv("EDGETEE_TA_PATH");
	char p[PATH_MAX], real[PATH_MAX];
	if (!tp || !*tp) {
		if (et_sibling_path("../tas", p, sizeof(p))) {
			fprintf(
			    stderr,
			    "edgetee bench storage: cannot locate this build's tas/\n");
			return -1;
		}
		if (realpath(p, real))
			snprintf(p, sizeof(p), "%s", real);
		setenv("EDGETEE_TA_PATH", p, 1);
		tp = getenv("EDGETEE_TA_PATH");
	}
	char *dup = strdup(tp), *save = NULL;
	int found = 0;
	for (char *d = strtok_r(dup, ":", &save); d && !found;
	     d = strtok_r(NULL, ":", &save)) {
		snprintf(p, sizeof(p), "%s/%s.ta", d, BENCH_STORAGE_TA_UUID_STR);
		found = access(p, R_OK) == 0;
	}
	free(dup);
	if (!found)
		fprintf(stderr,
			"edgetee bench storage: %s.ta not found on EDGETEE_TA_PATH=%s "
			"(build ta/bench_storage)\n",
			BENCH_STORAGE_TA_UUID_STR, tp);
	return found ? 0 : -1;
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(p);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: edgetee bench storage [--json FILE] [--plot DIR] [--quick]\n"
		"                             [--repeat N] [--chunk BYTES]\n"
		"\n"
		"  OP-TEE xtest's storage benchmark (the DAIS 2019 study's Fig. 3):\n"
		"  WRITE, READ and REWRITE of a persistent object of 256 B .. 1 MiB in\n"
		"  chunks of 1 KiB, timed around the TA loop, and the same on a plain\n"
		"  file with AES-256-GCM per chunk and an fdatasync per chunk write\n"
		"  (the REE baseline).\n"
		"\n"
		"  --quick        3 runs per point (make run: a few seconds)\n"
		"  --repeat N     runs per point, the median counts (default 9)\n"
		"  --chunk BYTES  chunk size, 1..%u (default 1024)\n"
		"  --json FILE    write <op>_<size>_kBps, _ree_kBps, _ratio (TEE/REE),\n"
		"                 _s, _ree_s for op write|read|rewrite\n"
		"  --plot DIR     write DIR/storage.dat and draw DIR/storage.svg and\n"
		"                 DIR/storage.png (gnuplot, bench/storage.gp;\n"
		"                 EDGETEE_BENCH_DIR overrides)\n",
		BS_MAX_CHUNK);
}

int bench_storage(int argc, char **argv)
{
	static const struct option opts[] = {{"json", required_argument, NULL, 'j'},
					     {"plot", required_argument, NULL, 'p'},
					     {"quick", no_argument, NULL, 'q'},
					     {"repeat", required_argument, NULL, 'R'},
					     {"chunk", required_argument, NULL, 'c'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	struct cfg c = {.reps = 0, .chunk = 1024};
	int ch;
	char *end;
	long v;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:hj:p:qR:c:", opts, NULL)) != -1) {
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
		case 'R':
			v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > MAX_REPEAT) {
				fprintf(stderr,
					"edgetee bench storage: bad --repeat '%s' (want "
					"1..%d)\n",
					optarg, MAX_REPEAT);
				return 2;
			}
			c.reps = (unsigned)v;
			break;
		case 'c':
			v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > (long)BS_MAX_CHUNK) {
				fprintf(stderr,
					"edgetee bench storage: bad --chunk '%s' (want "
					"1..%u)\n",
					optarg, BS_MAX_CHUNK);
				return 2;
			}
			c.chunk = (uint32_t)v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr,
				"edgetee bench storage: option '%s' needs an argument\n",
				argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr,
				"edgetee bench storage: bad option '%s' (see --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "edgetee bench storage: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}
	if (!c.reps)
		c.reps = c.quick ? 3 : 9;
	if (setup_ta_path())
		return 1;
	if (c.plot && bu_plot_dir_ok("edgetee bench storage", c.plot))
		return 1;

	sigset_t sigs;
	bu_signals_catch(on_signal, &sigs);

	int rc = 1, up = 0, have_dir = 0;
	char dir[] = "/tmp/edgetee-bench-storage-XXXXXX";
	static struct tee t;
	static struct ree r;
	memset(&t, 0, sizeof(t));
	r.ctx = EVP_CIPHER_CTX_new();
	if (!r.ctx || RAND_bytes(r.key, sizeof(r.key)) != 1) {
		fprintf(stderr, "edgetee bench storage: OpenSSL set-up failed\n");
		goto out;
	}
	if (!mkdtemp(dir)) {
		perror("edgetee bench storage: mkdtemp");
		goto out;
	}
	have_dir = 1;
	/* The REE file lives beside the instance's storage: same file system. */
	snprintf(r.dir, sizeof(r.dir), "%s/ree", dir);
	snprintf(r.path, sizeof(r.path), "%s/ree/object", dir);
	if (mkdir(r.dir, 0700)) {
		perror("edgetee bench storage: mkdir");
		goto out;
	}
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	int u = cli_up("bench-storage", dir, 1, 1);
	sigprocmask(SIG_UNBLOCK, &sigs, NULL);
	if (u) {
		fprintf(stderr,
			"edgetee bench storage: cannot start a private instance in %s\n",
			dir);
		goto out;
	}
	up = 1;
	char sock[PATH_MAX];
	et_socket_path(dir, sock, sizeof(sock));
	TEEC_UUID uuid = BENCH_STORAGE_TA_UUID;
	uint32_t origin = 0;
	TEEC_Result tr = TEEC_InitializeContext(sock, &t.ctx);
	if (tr == TEEC_SUCCESS) {
		t.ctx_ok = 1;
		tr = TEEC_OpenSession(&t.ctx, &t.sess, &uuid, TEEC_LOGIN_PUBLIC, NULL,
				      NULL, &origin);
	}
	if (tr != TEEC_SUCCESS) {
		fprintf(stderr,
			"edgetee bench storage: cannot open the benchmark TA: 0x%08x "
			"(origin %u)\n",
			tr, origin);
		goto out;
	}
	t.sess_ok = 1;
	/* Warm-up, unmeasured: the TA process faults in, the store is created. */
	if (tee_run(&t, BS_WRITE, 16 * 1024, c.chunk) < 0 ||
	    ree_run(&r, BS_WRITE, 16 * 1024, c.chunk) < 0)
		goto out;
	int total = BS_OPS * NSIZES, idx = 0;
	for (int op = 0; op < BS_OPS; op++) {
		for (int i = 0; i < NSIZES; i++) {
			char name[48];
			snprintf(name, sizeof(name), "%s %u B", op_upper[op], sizes[i]);
			bu_progress_begin(idx++, total, name, c.reps * 2);
			double tv[MAX_REPEAT], rv[MAX_REPEAT];
			for (unsigned k = 0; k < c.reps; k++) {
				/* Alternate which side goes first: drift hits both. */
				int first = k & 1;
				for (int side = 0; side < 2; side++) {
					int s = side ^ first;
					double x =
					    s == 0 ? tee_run(&t, op, sizes[i], c.chunk)
						   : ree_run(&r, op, sizes[i], c.chunk);
					if (x < 0 || interrupted) {
						bu_progress_end(0);
						goto out;
					}
					(s == 0 ? tv : rv)[k] = x;
				}
			}
			res_s[0][op][i] = median(tv, c.reps);
			res_s[1][op][i] = median(rv, c.reps);
			bu_progress_end(1);
		}
	}
	rc = 0;
out:
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	if (t.sess_ok)
		TEEC_CloseSession(&t.sess);
	if (t.ctx_ok)
		TEEC_FinalizeContext(&t.ctx);
	if (up)
		cli_down(dir, 1);
	if (have_dir)
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	EVP_CIPHER_CTX_free(r.ctx);
	if (rc == 0) {
		report(&c);
		if (c.json && write_json(&c))
			rc = 1;
		if (c.plot && write_plot(&c))
			rc = 1;
	} else if (interrupted) {
		fprintf(stderr, "edgetee bench storage: interrupted\n");
		rc = 130;
	}
	bu_signals_restore(&sigs);
	return rc;
}
