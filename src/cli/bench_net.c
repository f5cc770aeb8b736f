/*
 * edgetee bench net: iperfTZ TCP throughput over loopback by buffer length,
 * the figure of the iperfTZ paper. For each length it runs, in the same
 * run and against a stock `iperf3 -s`: the iperfTZ TA data path (`edgetee
 * iperf`), the same loop natively (`--ree`), and a stock `iperf3 -c`. The
 * ratio TA / stock iperf3 is the result (target >= 0.8 at 128 KiB).
 *
 * The TA runs also say where their time went (end.edgetee of `edgetee iperf
 * -J`: the TA's own work, its waits for the supplicant, the supplicant's
 * socket syscalls, crossings), normalised per MiB moved: the second figure,
 * net_time (bench/net_time.gp).
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "cli.h"
#include "et_util.h"
#include "iperf_cmd.h"
#include "iperf_ta.h"

#ifndef EDGETEE_BENCH_GP_DIR
#define EDGETEE_BENCH_GP_DIR "bench"
#endif

/* Where the TA run's time went, per MiB the TA sent (µs; < 0 = unknown). */
struct costs {
	double ta_us, wait_us, ree_us, wall_us, crossings, cpu_ta_us, cpu_supp_us;
};

struct len_case {
	unsigned len;
	const char *key;
	int quick;
	double gbps[3]; /* TA, REE, iperf3; < 0 = failed */
	struct costs c; /* of the TA run */
};

enum { V_TA, V_REE, V_STOCK };
static const char *vname[] = {"iperfTZ TA", "--ree", "iperf3"};

static struct len_case cases[] = {
    {.len = 1024, .key = "1k", .quick = 1},	{.len = 4096, .key = "4k"},
    {.len = 16384, .key = "16k", .quick = 1},	{.len = 65536, .key = "64k"},
    {.len = 131072, .key = "128k", .quick = 1}, {.len = 524288, .key = "512k"},
    {.len = 1048576, .key = "1m", .quick = 1},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t l = sizeof(a);
	int port = -1;
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &l) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

/* Run argv, stdout into a malloc'd string (NULL on failure/exit != 0). */
static char *run_capture(char *const argv[], int timeout_s)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC))
		return NULL;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		int dn = open("/dev/null", O_WRONLY);
		if (dn >= 0)
			dup2(dn, 2);
		alarm((unsigned)timeout_s);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return NULL;
	}
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (n + 4096 > cap) {
			char *nb = realloc(buf, cap *= 2);
			if (!nb)
				break;
			buf = nb;
		}
		ssize_t r = read(p[0], buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(p[0]);
	int st = 0;
	waitpid(pid, &st, 0);
	if (!buf || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		free(buf);
		return NULL;
	}
	buf[n] = 0;
	return buf;
}

static pid_t start_server(int port)
{
	char ps[16];
	snprintf(ps, sizeof(ps), "%d", port);
	pid_t pid = fork();
	if (pid == 0) {
		int dn = open("/dev/null", O_RDWR);
		if (dn >= 0) {
			dup2(dn, 1);
			dup2(dn, 2);
		}
		execlp("iperf3", "iperf3", "-s", "-1", "-p", ps, "-B", "127.0.0.1",
		       (char *)NULL);
		_exit(127);
	}
	/* Ready when it accepts a connection attempt's port: poll briefly. */
	for (int i = 0; i < 100 && pid > 0; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = {.sin_family = AF_INET,
					.sin_port = htons((uint16_t)port),
					.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		struct timespec ts = {0, 10000000};
		nanosleep(&ts, NULL);
		/* A probe connection would be taken as a test; check bind. */
		int busy = bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0;
		close(fd);
		if (busy)
			break;
	}
	return pid;
}

static void stop_server(pid_t pid)
{
	if (pid <= 0)
		return;
	int st;
	for (int i = 0; i < 100; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return;
		struct timespec ts = {0, 20000000};
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

static double num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* end.edgetee of a TA run, per MiB sent. */
static void costs_of(const cJSON *end, struct costs *c)
{
	*c = (struct costs){-1, -1, -1, -1, -1, -1, -1};
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(end, "edgetee");
	double bytes = num(cJSON_GetObjectItemCaseSensitive(end, "sum_sent"), "bytes");
	if (!e || bytes <= 0)
		return;
	double mib = bytes / 1048576.0;
	const cJSON *cpu = cJSON_GetObjectItemCaseSensitive(e, "cpu_us");
	double v[7] = {num(e, "ta_us"),		num(e, "crossing_and_blocking_us"),
		       num(e, "ree_socket_us"), num(e, "data_path_us"),
		       num(e, "crossings"),	num(cpu, "ta"),
		       num(cpu, "supplicant")};
	double *o[7] = {&c->ta_us,     &c->wait_us,   &c->ree_us,     &c->wall_us,
			&c->crossings, &c->cpu_ta_us, &c->cpu_supp_us};
	for (int i = 0; i < 7; i++)
		*o[i] = v[i] >= 0 ? v[i] / mib : -1;
}

/* One client run against a fresh stock server: receiver-side Gbit/s; a TA
 * run's costs into *c. */
static double measure(int variant, unsigned len, int secs, const char *self,
		      struct costs *c)
{
	int port = free_port();
	if (port < 0)
		return -1;
	pid_t srv = start_server(port);
	char ps[16], ls[16], ts[16];
	snprintf(ps, sizeof(ps), "%d", port);
	snprintf(ls, sizeof(ls), "%u", len);
	snprintf(ts, sizeof(ts), "%d", secs);
	char *out;
	if (variant == V_STOCK) {
		char *const av[] = {"iperf3", "-c", "127.0.0.1", "-p", ps,  "-l",
				    ls,	      "-t", ts,		 "-J", NULL};
		out = run_capture(av, secs + 30);
	} else {
		char *const av[] = {(char *)self, "iperf",
				    "-c",	  "127.0.0.1",
				    "-p",	  ps,
				    "-l",	  ls,
				    "-t",	  ts,
				    "-J",	  "-i",
				    "0",	  variant == V_REE ? "--ree" : NULL,
				    NULL};
		out = run_capture(av, secs + 30);
	}
	stop_server(srv);
	double gbps = -1;
	cJSON *j = out ? cJSON_Parse(out) : NULL;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "end"),
					     "sum_received"),
	    "bits_per_second");
	if (cJSON_IsNumber(v))
		gbps = v->valuedouble / 1e9;
	if (c)
		costs_of(cJSON_GetObjectItemCaseSensitive(j, "end"), c);
	cJSON_Delete(j);
	free(out);
	return gbps;
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
	fprintf(
	    f, "usage: edgetee bench net [--json FILE] [--plot DIR] [--quick]\n"
	       "\n"
	       "TCP throughput over loopback by buffer length (1 KiB .. 1 MiB): the\n"
	       "iperfTZ TA data path, the same loop natively (--ree) and a stock\n"
	       "iperf3 client, each against a stock `iperf3 -s`, in one run on a\n"
	       "private TEE instance.\n"
	       "  --json FILE   flat JSON: tcp_<len>_{ta,ree,iperf3}_gbps and\n"
	       "                tcp_<len>_ta_over_iperf3 (e.g. tcp_128k_ta_over_iperf3)\n"
	       "  --plot DIR    write DIR/net.csv and, with gnuplot, net.svg/net.png;\n"
	       "                where the TA path's time goes: net_time.{csv,svg,png}\n"
	       "  --quick       1 s per run, lengths 1K 16K 128K 1M (for make run)\n");
}

static int write_csv(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "edgetee bench net: cannot write %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	fprintf(f, "# len_bytes ta_gbps ree_gbps iperf3_gbps\n");
	for (size_t i = 0; i < NCASES; i++) {
		struct len_case *c = &cases[i];
		if (c->gbps[0] == 0 && c->gbps[1] == 0 && c->gbps[2] == 0)
			continue; /* not run (quick mode) */
		fprintf(f, "%u", c->len);
		for (int v = 0; v < 3; v++) {
			if (c->gbps[v] >= 0)
				fprintf(f, " %.4f", c->gbps[v]);
			else
				fprintf(f, " NaN");
		}
		fprintf(f, "\n");
	}
	return fclose(f) ? -1 : 0;
}

static void put(FILE *f, double v)
{
	if (v >= 0)
		fprintf(f, " %.3f", v);
	else
		fprintf(f, " NaN");
}

static int write_time_csv(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "edgetee bench net: cannot write %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	fprintf(f, "# per MiB sent by the TA: len_bytes label ta_us wait_us ree_us "
		   "wall_us crossings cpu_ta_us cpu_supp_us\n");
	for (size_t i = 0; i < NCASES; i++) {
		struct len_case *c = &cases[i];
		if (c->gbps[0] == 0 && c->gbps[1] == 0 && c->gbps[2] == 0)
			continue;
		fprintf(f, "%u %s", c->len, c->key);
		put(f, c->c.ta_us);
		put(f, c->c.wait_us);
		put(f, c->c.ree_us);
		put(f, c->c.wall_us);
		put(f, c->c.crossings);
		put(f, c->c.cpu_ta_us);
		put(f, c->c.cpu_supp_us);
		fprintf(f, "\n");
	}
	return fclose(f) ? -1 : 0;
}

/* gnuplot gpfile with datafile=csv, outbase=base; 0 or -1. */
static int gnuplot(const char *gpfile, const char *csv, const char *base)
{
	char gp[PATH_MAX], expr[3 * PATH_MAX];
	snprintf(gp, sizeof(gp), "%s/%s", EDGETEE_BENCH_GP_DIR, gpfile);
	if (access(gp, R_OK)) {
		fprintf(stderr, "edgetee bench net: %s not found: no plot\n", gp);
		return -1;
	}
	snprintf(expr, sizeof(expr), "datafile='%s'; outbase='%s'", csv, base);
	char *const av[] = {"gnuplot", "-e", expr, gp, NULL};
	char *o = run_capture(av, 60);
	if (!o) {
		fprintf(stderr,
			"edgetee bench net: gnuplot failed (is gnuplot installed?)\n");
		return -1;
	}
	free(o);
	printf("plots: %s.svg %s.png\n", base, base);
	return 0;
}

static int plot(const char *dir)
{
	char csv[PATH_MAX], base[PATH_MAX];
	mkdir(dir, 0755);
	snprintf(csv, sizeof(csv), "%s/net.csv", dir);
	snprintf(base, sizeof(base), "%s/net", dir);
	if (write_csv(csv))
		return -1;
	int rc = gnuplot("net.gp", csv, base);
	snprintf(csv, sizeof(csv), "%s/net_time.csv", dir);
	snprintf(base, sizeof(base), "%s/net_time", dir);
	if (write_time_csv(csv))
		return -1;
	return gnuplot("net_time.gp", csv, base) ? -1 : rc;
}

int bench_net(int argc, char **argv)
{
	static const struct option lo[] = {{"json", required_argument, NULL, 'j'},
					   {"plot", required_argument, NULL, 'p'},
					   {"quick", no_argument, NULL, 'q'},
					   {"help", no_argument, NULL, 'h'},
					   {NULL, 0, NULL, 0}};
	const char *json = NULL, *plotdir = NULL;
	int quick = 0, ch;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+hj:p:q", lo, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = optarg;
			break;
		case 'p':
			plotdir = optarg;
			break;
		case 'q':
			quick = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr,
				"edgetee bench net: bad option '%s' (see --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "edgetee bench net: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}
	char self[PATH_MAX];
	ssize_t sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (sl <= 0) {
		fprintf(stderr, "edgetee bench net: cannot find this executable\n");
		return 1;
	}
	self[sl] = 0;
	char *const probe[] = {"iperf3", "--version", NULL};
	char *pv = run_capture(probe, 10);
	if (!pv) {
		fprintf(stderr,
			"edgetee bench net: iperf3 is not installed (scripts/deps.sh)\n");
		return 1;
	}
	free(pv);
	const char *tp = getenv("EDGETEE_TA_PATH");
	if (!tp || !*tp) {
		char p[PATH_MAX], real[PATH_MAX];
		if (et_sibling_path("../tas", p, sizeof(p)) == 0 && realpath(p, real))
			setenv("EDGETEE_TA_PATH", real, 1);
	}
	char dir[] = "/tmp/edgetee-bench-net-XXXXXX";
	if (!mkdtemp(dir)) {
		perror("edgetee bench net: mkdtemp");
		return 1;
	}
	if (cli_up("benchnet", dir, 1, 1)) {
		fprintf(stderr,
			"edgetee bench net: cannot start a private instance in %s\n",
			dir);
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		return 1;
	}
	char sock[PATH_MAX];
	et_socket_path(dir, sock, sizeof(sock));
	setenv("EDGETEE_SOCKET", sock, 1);
	int secs = quick ? 1 : 3, total = 0, idx = 0;
	for (size_t i = 0; i < NCASES; i++)
		total += (!quick || cases[i].quick) * 3;
	for (size_t i = 0; i < NCASES; i++) {
		struct len_case *c = &cases[i];
		if (quick && !c->quick)
			continue;
		for (int v = 0; v < 3; v++) {
			char name[64];
			snprintf(name, sizeof(name), "%s, -l %s", vname[v], c->key);
			bu_progress_begin(++idx, total, name, (size_t)secs);
			c->gbps[v] =
			    measure(v, c->len, secs, self, v == V_TA ? &c->c : NULL);
			bu_progress_end(c->gbps[v] >= 0);
		}
	}
	cli_down(dir, 1);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);

	printf("\nedgetee bench net: TCP over loopback, %d s per run, Gbit/s "
	       "(receiver side)\n\n",
	       secs);
	printf("%-8s %12s %12s %12s %10s %10s\n", "length", "iperfTZ TA", "--ree",
	       "iperf3", "TA/iperf3", "REE/iperf3");
	int rc = 0;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "benchmark", "net");
	cJSON_AddNumberToObject(j, "seconds_per_run", secs);
	cJSON_AddBoolToObject(j, "quick", quick);
	for (size_t i = 0; i < NCASES; i++) {
		struct len_case *c = &cases[i];
		if (quick && !c->quick)
			continue;
		double ta = c->gbps[V_TA], ree = c->gbps[V_REE], st = c->gbps[V_STOCK];
		double r1 = ta > 0 && st > 0 ? ta / st : -1,
		       r2 = ree > 0 && st > 0 ? ree / st : -1;
		printf("%-8s %12.2f %12.2f %12.2f %10.2f %10.2f%s\n", c->key, ta, ree, st,
		       r1, r2,
		       c->len == 131072 ? (r1 >= 0.8 ? "  target >= 0.8: met"
						     : "  target >= 0.8: NOT met")
					: "");
		char k[64];
		const char *vk[] = {"ta", "ree", "iperf3"};
		for (int v = 0; v < 3; v++) {
			snprintf(k, sizeof(k), "tcp_%s_%s_gbps", c->key, vk[v]);
			cJSON_AddNumberToObject(j, k, c->gbps[v]);
			if (c->gbps[v] < 0)
				rc = 1;
		}
		snprintf(k, sizeof(k), "tcp_%s_ta_over_iperf3", c->key);
		cJSON_AddNumberToObject(j, k, r1);
		snprintf(k, sizeof(k), "tcp_%s_ree_over_iperf3", c->key);
		cJSON_AddNumberToObject(j, k, r2);
	}
	printf(
	    "\nwhere the TA path's time goes, per MiB sent (µs; waiting = TA blocked "
	    "on\nthe supplicant; REE = its socket syscalls, concurrent with both)\n\n");
	printf("%-8s %10s %10s %10s %10s %10s %10s %10s\n", "length", "TA", "waiting",
	       "REE", "wall", "crossings", "cpu TA", "cpu supp");
	for (size_t i = 0; i < NCASES; i++) {
		struct len_case *c = &cases[i];
		if (quick && !c->quick)
			continue;
		const struct costs *k = &c->c;
		printf("%-8s %10.1f %10.1f %10.1f %10.1f %10.1f %10.1f %10.1f\n", c->key,
		       k->ta_us, k->wait_us, k->ree_us, k->wall_us, k->crossings,
		       k->cpu_ta_us, k->cpu_supp_us);
		const char *nm[] = {"busy_us", "wait_us", "ree_us", "crossings"};
		double vv[] = {k->ta_us, k->wait_us, k->ree_us, k->crossings};
		for (int q = 0; q < 4; q++) {
			char kk[64];
			snprintf(kk, sizeof(kk), "tcp_%s_ta_%s_per_mib", c->key, nm[q]);
			cJSON_AddNumberToObject(j, kk, vv[q]);
		}
	}
	if (rc)
		fprintf(stderr, "edgetee bench net: some runs failed (shown as -1)\n");
	if (json && bu_json_write(j, json))
		rc = 1;
	cJSON_Delete(j);
	if (plotdir && plot(plotdir))
		rc = 1;
	return rc;
}
