/*
 * edgetee up / down / status: start an edgeteed for an instance in the
 * background, stop it, and ask it what runs. `up` returns only when the
 * daemon listens (or has said why it cannot), so scripts can rely on it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fdio.h"
#include "proto.h"
#include "et_util.h"

int cli_dir(const char *instance, const char *dir, char *out, size_t len)
{
	if (dir) {
		if (dir[0] == '/') {
			snprintf(out, len, "%s", dir);
		} else {
			char cwd[2048];
			if (!getcwd(cwd, sizeof(cwd)))
				return -1;
			snprintf(out, len, "%s/%s", cwd, dir);
		}
		return 0;
	}
	return et_default_dir(instance, out, len);
}

int cli_connect(const char *sock, int quiet)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		if (!quiet)
			fprintf(stderr, "edgetee: no instance running at %s\n", sock);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb");
	if (!in)
		return -1;
	FILE *out = fopen(to, "wb");
	if (!out) {
		fclose(in);
		return -1;
	}
	char buf[4096];
	size_t n;
	int ok = 1;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		ok &= fwrite(buf, 1, n, out) == n;
	fclose(in);
	ok &= fclose(out) == 0;
	return ok ? 0 : -1;
}

int cli_up(const char *instance, const char *dir, int trust_dev_key, int quiet)
{
	char keys[4200], p[4300], daemon[4096];
	snprintf(keys, sizeof(keys), "%s", dir);
	for (char *s = keys + 1; *s; s++) {
		if (*s == '/') {
			*s = 0;
			mkdir(keys, 0700);
			*s = '/';
		}
	}
	mkdir(dir, 0700);
	snprintf(keys, sizeof(keys), "%s/keys", dir);
	mkdir(keys, 0700);
	if (trust_dev_key) {
		char dev[4096];
		if (et_sibling_path("../keys/dev_key.pub.pem", dev, sizeof(dev)) == 0 &&
		    access(dev, R_OK) == 0) {
			snprintf(p, sizeof(p), "%s/dev_key.pub.pem", keys);
			if (copy_file(dev, p))
				fprintf(stderr,
					"edgetee: cannot install developer key in %s\n",
					keys);
		} else if (!quiet) {
			fprintf(
			    stderr,
			    "edgetee: warning: no developer key next to this build\n");
		}
	}
	if (et_sibling_path("edgeteed", daemon, sizeof(daemon))) {
		fprintf(stderr, "edgetee: cannot locate edgeteed\n");
		return 1;
	}
	int pp[2];
	if (pipe2(pp, O_CLOEXEC)) {
		perror("edgetee: pipe");
		return 1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("edgetee: fork");
		return 1;
	}
	if (pid == 0) {
		setsid();
		char fdarg[16];
		int w = fcntl(pp[1], F_DUPFD, 10); /* not close-on-exec */
		snprintf(fdarg, sizeof(fdarg), "%d", w);
		execl(daemon, "edgeteed", "--dir", dir, "--instance", instance,
		      "--ready-fd", fdarg, (char *)NULL);
		fprintf(stderr, "edgetee: cannot run %s: %s\n", daemon, strerror(errno));
		_exit(127);
	}
	close(pp[1]);
	char buf[16];
	ssize_t n = read(pp[0], buf, sizeof(buf));
	close(pp[0]);
	char sock[4200];
	et_socket_path(dir, sock, sizeof(sock));
	if (n <= 0) {
		int st = 0;
		waitpid(pid, &st, 0);
		if (WIFEXITED(st) && WEXITSTATUS(st) == 3)
			return 3; /* already running: edgeteed said so */
		fprintf(stderr,
			"edgetee: instance '%s' failed to start (see %s/edgeteed.log)\n",
			instance, dir);
		return 1;
	}
	if (!quiet)
		printf(
		    "edgetee: instance '%s' is up (pid %d)\nexport EDGETEE_SOCKET=%s\n",
		    instance, (int)pid, sock);
	return 0;
}

int cli_down(const char *dir, int quiet)
{
	char sock[4200], pidf[4200];
	et_socket_path(dir, sock, sizeof(sock));
	int fd = cli_connect(sock, quiet);
	if (fd < 0)
		return 1;
	pid_t pid = 0;
	snprintf(pidf, sizeof(pidf), "%s/edgeteed.pid", dir);
	FILE *f = fopen(pidf, "r");
	if (f) {
		int v;
		if (fscanf(f, "%d", &v) == 1)
			pid = v;
		fclose(f);
	}
	struct et_msg_hdr m = {.type = ET_MSG_SHUTDOWN};
	et_send(fd, &m, sizeof(m), NULL, 0);
	/* The daemon closes our connection when it exits. */
	char b[8];
	struct timeval tv = {10, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ssize_t n = recv(fd, b, sizeof(b), 0);
	close(fd);
	if (n != 0 && pid > 0) {
		fprintf(stderr,
			"edgetee: instance did not stop in time; killing pid %d\n",
			(int)pid);
		kill(pid, SIGKILL);
	}
	if (!quiet)
		printf("edgetee: instance at %s is down\n", dir);
	return 0;
}

struct inst_opts {
	const char *instance, *dir;
	int no_dev_key, json;
};

static int parse(int argc, char **argv, struct inst_opts *o, const char *cmd,
		 const char *extra)
{
	static const struct option opts[] = {{"instance", required_argument, NULL, 'i'},
					     {"dir", required_argument, NULL, 'd'},
					     {"no-dev-key", no_argument, NULL, 'n'},
					     {"json", no_argument, NULL, 'j'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	memset(o, 0, sizeof(*o));
	o->instance = "default";
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "i:d:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			o->instance = optarg;
			break;
		case 'd':
			o->dir = optarg;
			break;
		case 'n':
			o->no_dev_key = 1;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'h':
			printf("usage: edgetee %s [--instance NAME] [--dir DIR]%s\n", cmd,
			       extra);
			return 1;
		default:
			fprintf(stderr, "edgetee %s: bad option (see --help)\n", cmd);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "edgetee %s: unexpected argument '%s'\n", cmd,
			argv[optind]);
		return 2;
	}
	return 0;
}

int cmd_up(int argc, char **argv)
{
	struct inst_opts o;
	int r =
	    parse(argc, argv, &o, "up",
		  " [--no-dev-key]\n"
		  "  Start a TEE instance in the background and print its socket.\n"
		  "  The developer key of this build is trusted unless --no-dev-key.");
	if (r)
		return r == 1 ? 0 : r;
	char dir[4096];
	if (cli_dir(o.instance, o.dir, dir, sizeof(dir))) {
		fprintf(stderr, "edgetee up: state directory path too long\n");
		return 1;
	}
	return cli_up(o.instance, dir, !o.no_dev_key, 0);
}

int cmd_down(int argc, char **argv)
{
	struct inst_opts o;
	int r = parse(argc, argv, &o, "down",
		      "\n  Stop a TEE instance and its TA processes.");
	if (r)
		return r == 1 ? 0 : r;
	char dir[4096];
	if (cli_dir(o.instance, o.dir, dir, sizeof(dir)))
		return 1;
	return cli_down(dir, 0);
}

int cmd_status(int argc, char **argv)
{
	struct inst_opts o;
	int r =
	    parse(argc, argv, &o, "status",
		  " [--json]\n  Show whether the instance runs and its TA processes.");
	if (r)
		return r == 1 ? 0 : r;
	char dir[4096], sock[4200];
	if (cli_dir(o.instance, o.dir, dir, sizeof(dir)))
		return 1;
	et_socket_path(dir, sock, sizeof(sock));
	int fd = cli_connect(sock, 0);
	if (fd < 0)
		return 1;
	struct et_msg_hdr m = {.type = ET_MSG_STATUS};
	char buf[65536];
	ssize_t n = -1;
	if (et_send(fd, &m, sizeof(m), NULL, 0) == 0)
		n = et_recv(fd, buf, sizeof(buf) - 1, NULL, NULL);
	close(fd);
	if (n <= 0) {
		fprintf(stderr, "edgetee status: no answer from %s\n", sock);
		return 1;
	}
	buf[n] = 0;
	if (o.json)
		printf("%s\n", buf);
	else
		printf("instance '%s' running, socket %s\n%s\n", o.instance, sock, buf);
	return 0;
}
