/*
 * edgeteed: one TEE instance. It owns the instance's state directory, listens
 * on <dir>/edgeteed.sock for client applications, brokers session opens
 * (TA store, login, instance policy) and supervises TA processes. It never
 * sits on the invocation path.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "core.h"
#include "fdio.h"
#include "et_util.h"
#include "storage.h"

struct core g;

void core_log(const char *fmt, ...)
{
	char buf[1024];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	localtime_r(&ts.tv_sec, &tm);
	int n = (int)strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	n += snprintf(buf + n, sizeof(buf) - (size_t)n,
		      ".%03ld edgeteed[%d]: ", ts.tv_nsec / 1000000, (int)getpid());
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	n += m < 0 ? 0 : (m > (int)sizeof(buf) - n - 2 ? (int)sizeof(buf) - n - 2 : m);
	buf[n++] = '\n';
	if (write(g.logfd >= 0 ? g.logfd : 2, buf, (size_t)n) < 0) {
		/* nowhere else to report */
	}
}

int ep_add(int fd, struct ev *ev)
{
	struct epoll_event e = {.events = EPOLLIN, .data.ptr = ev};
	return epoll_ctl(g.epfd, EPOLL_CTL_ADD, fd, &e);
}

void ep_del(int fd)
{
	epoll_ctl(g.epfd, EPOLL_CTL_DEL, fd, NULL);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: edgeteed [--dir DIR] [--instance NAME] [--ready-fd FD]\n"
		   "  Runs one edgetee TEE instance in the foreground.\n"
		   "  --dir DIR        state directory (default: per-user runtime dir)\n"
		   "  --instance NAME  instance name (default: default)\n"
		   "  --ready-fd FD    write \"ready\" to FD once the socket listens\n"
		   "  --ta-user USER   when run as root, TA processes run as USER\n"
		   "                   (default: edgetee, else nobody)\n"
		   "Use `edgetee up` to start it in the background.\n");
}

static int mkdirs(const char *path, mode_t mode)
{
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, mode) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, mode) && errno != EEXIST ? -1 : 0;
}

/* The device id is random per instance and kept in the state directory. */
static void load_device_id(void)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s/device_id", g.dir);
	FILE *f = fopen(p, "re");
	uint8_t u[16];
	if (f) {
		char s[64] = "";
		int ok = fgets(s, sizeof(s), f) != NULL;
		fclose(f);
		s[strcspn(s, "\n")] = 0;
		if (ok && et_uuid_parse(s, u) == 0) {
			et_uuid_format(u, g.device_id);
			return;
		}
	}
	RAND_bytes(u, 16);
	u[6] = (uint8_t)((u[6] & 0x0F) | 0x40);
	u[8] = (uint8_t)((u[8] & 0x3F) | 0x80);
	et_uuid_format(u, g.device_id);
	f = fopen(p, "we");
	if (f) {
		fprintf(f, "%s\n", g.device_id);
		fclose(f);
	}
}

static int listen_socket(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "edgeteed: socket path too long: %s\n", path);
		close(fd);
		return -1;
	}
	strcpy(a.sun_path, path);
	/* A live daemon answers a connect; only a stale socket is removed. */
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
		fprintf(stderr, "edgeteed: an instance is already running on %s\n", path);
		close(fd);
		return -2;
	}
	unlink(path);
	mode_t old = umask(0);
	int r = bind(fd, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (r < 0 || listen(fd, 128) < 0) {
		fprintf(stderr, "edgeteed: cannot listen on %s: %s\n", path,
			strerror(errno));
		close(fd);
		return -1;
	}
	/* Any local user may connect; login identity comes from SO_PEERCRED. */
	chmod(path, 0666);
	return fd;
}

static void client_accept(int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	struct client *c = calloc(1, sizeof(*c));
	socklen_t l = sizeof(c->cred);
	if (!c || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c->cred, &l) < 0) {
		free(c);
		close(fd);
		return;
	}
	c->fd = fd;
	c->ev = (struct ev){EV_CLIENT, c};
	c->next = g.clients;
	g.clients = c;
	ep_add(fd, &c->ev);
}

static void client_close(struct client *c)
{
	ta_client_gone(c);
	ep_del(c->fd);
	close(c->fd);
	for (struct client **p = &g.clients; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	free(c);
}

static void client_msg(struct client *c)
{
	union {
		struct et_msg_hdr h;
		struct et_msg_open open;
		struct et_msg_kill kill;
		char buf[256];
	} m;
	int fds[ET_MAX_FDS], nfds = ET_MAX_FDS;
	ssize_t n = et_recv(c->fd, &m, sizeof(m), fds, &nfds);
	if (n <= 0) {
		client_close(c);
		return;
	}
	int used = 0;
	if ((size_t)n >= sizeof(m.h)) {
		switch (m.h.type) {
		case ET_MSG_OPEN:
			if ((size_t)n == sizeof(m.open) && nfds == 2) {
				ta_open(c, &m.open, fds[0], fds[1]);
				close(fds[0]);
				used = 2;
			}
			break;
		case ET_MSG_KILL:
			if ((size_t)n == sizeof(m.kill))
				ta_kill(c, m.kill.cookie);
			break;
		case ET_MSG_STATUS: {
			char *s = ta_status_json();
			if (s)
				et_send(c->fd, s, strlen(s), NULL, 0);
			free(s);
			break;
		}
		case ET_MSG_SHUTDOWN:
			if (c->cred.uid == getuid() || c->cred.uid == 0) {
				core_log("shutdown requested by pid %d",
					 (int)c->cred.pid);
				g.stopping = 1;
			}
			break;
		default:
			break;
		}
	}
	for (int i = used; i < nfds; i++)
		close(fds[i]);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"dir", required_argument, NULL, 'd'},
					     {"instance", required_argument, NULL, 'i'},
					     {"ready-fd", required_argument, NULL, 'r'},
					     {"ta-user", required_argument, NULL, 'u'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	const char *dir = NULL, *name = "default", *ta_user = NULL;
	int ready_fd = -1, o;
	while ((o = getopt_long(argc, argv, "d:i:r:u:h", opts, NULL)) != -1) {
		switch (o) {
		case 'd':
			dir = optarg;
			break;
		case 'i':
			name = optarg;
			break;
		case 'r':
			ready_fd = atoi(optarg);
			break;
		case 'u':
			ta_user = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "edgeteed: unexpected argument '%s' (see --help)\n",
			argv[optind]);
		return 2;
	}
	static char dirbuf[4096];
	if (!dir) {
		if (et_default_dir(name, dirbuf, sizeof(dirbuf))) {
			fprintf(stderr, "edgeteed: state directory path too long\n");
			return 1;
		}
		dir = dirbuf;
	}
	g.dir = dir;
	g.name = name;
	g.logfd = -1;
	/* Secrets of the instance live in this process: keep debuggers out. */
	prctl(PR_SET_DUMPABLE, 0);
	if (mkdirs(dir, 0700)) {
		fprintf(stderr, "edgeteed: cannot create %s: %s\n", dir, strerror(errno));
		return 1;
	}
	char p[4200];
	snprintf(p, sizeof(p), "%s/ta", dir);
	mkdir(p, 0700);
	snprintf(g.trust_dir0, sizeof(g.trust_dir0), "%s/keys", dir);
	mkdir(g.trust_dir0, 0700);
	g.trust_dirs[0] = g.trust_dir0;
	if (et_sibling_path("edgetee-tahost", g.tahost, sizeof(g.tahost)) ||
	    access(g.tahost, X_OK)) {
		fprintf(stderr, "edgeteed: TA host %s not found\n", g.tahost);
		return 1;
	}
	/* GP Sockets: without the supplicant the instance still runs, TA
	 * socket calls then fail (TEE_ERROR_COMMUNICATION). */
	g.supp_ctl = -1;
	if (et_sibling_path("edgetee-supplicant", g.supplicant, sizeof(g.supplicant)) ||
	    access(g.supplicant, X_OK)) {
		fprintf(stderr, "edgeteed: warning: %s not found, TAs get no sockets\n",
			g.supplicant);
		g.supplicant[0] = 0;
	}
	if (getuid() == 0) {
		struct passwd *pw = getpwnam(ta_user ? ta_user : "edgetee");
		if (!pw && !ta_user)
			pw = getpwnam("nobody");
		if (!pw) {
			fprintf(stderr, "edgeteed: unknown TA user %s\n", ta_user);
			return 1;
		}
		g.drop_user = 1;
		g.ta_uid = pw->pw_uid;
		g.ta_gid = pw->pw_gid;
	}
	snprintf(p, sizeof(p), "%s/edgeteed.log", dir);
	g.logfd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (g.logfd < 0) {
		fprintf(stderr, "edgeteed: cannot open %s: %s\n", p, strerror(errno));
		return 1;
	}
	if (g.drop_user)
		fchown(g.logfd, 0, g.ta_gid) == 0 ? (void)fchmod(g.logfd, 0620) : (void)0;
	load_device_id();
	/* GP Trusted Storage: HUK/SSK now, before any TA host is started. */
	storage_init(dir, name);
	char sock[4200];
	if (et_socket_path(dir, sock, sizeof(sock))) {
		fprintf(stderr, "edgeteed: socket path too long\n");
		return 1;
	}
	int lfd = listen_socket(sock);
	if (lfd < 0)
		return lfd == -2 ? 3 : 1;
	sigset_t ss;
	sigemptyset(&ss);
	sigaddset(&ss, SIGCHLD);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGHUP);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	signal(SIGPIPE, SIG_IGN);
	int sfd = signalfd(-1, &ss, SFD_CLOEXEC | SFD_NONBLOCK);
	g.epfd = epoll_create1(EPOLL_CLOEXEC);
	struct ev lev = {EV_LISTEN, NULL}, sev = {EV_SIGNAL, NULL};
	ep_add(lfd, &lev);
	ep_add(sfd, &sev);
	snprintf(p, sizeof(p), "%s/edgeteed.pid", dir);
	FILE *pf = fopen(p, "we");
	if (pf) {
		fprintf(pf, "%d\n", (int)getpid());
		fclose(pf);
	}
	core_log("instance '%s' listening on %s", name, sock);
	supp_start(); /* before any TA host: each gets a connection to it */
	/* From here on, diagnostics of any kind (sanitizers too) go to the log. */
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull >= 0) {
		dup2(devnull, 0);
		close(devnull);
	}
	dup2(g.logfd, 1);
	dup2(g.logfd, 2);
	if (ready_fd >= 0) {
		if (write(ready_fd, "ready\n", 6) < 0) {
			/* the starter went away; keep serving */
		}
		close(ready_fd);
	}
	while (!g.stopping) {
		/* The spare TA host is started once the core has been idle for a
		 * moment, so its start-up does not compete with a TA being loaded. */
		struct epoll_event evs[32];
		int n = epoll_wait(g.epfd, evs, 32, g.spare.pid ? -1 : 1);
		if (n == 0) {
			ta_replenish();
			continue;
		}
		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++) {
			struct ev *e = evs[i].data.ptr;
			enum ev_kind kind = e->kind; /* handlers may free e */
			switch (kind) {
			case EV_LISTEN:
				client_accept(lfd);
				break;
			case EV_CLIENT:
				client_msg(e->obj);
				break;
			case EV_TA_CTL:
				ta_on_ctl(e->obj);
				break;
			case EV_TA_SVC:
				ta_on_svc(e->obj);
				break;
			case EV_SIGNAL: {
				struct signalfd_siginfo si;
				while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
					if (si.ssi_signo == SIGCHLD)
						ta_reap();
					else
						g.stopping = 1;
				}
				break;
			}
			}
			/* A reap may free objects that later events point to. */
			if (kind == EV_SIGNAL)
				break;
		}
	}
	core_log("instance '%s' stopping", name);
	ta_shutdown();
	storage_stop(); /* storage workers end with their TA hosts */
	supp_stop();
	unlink(sock);
	snprintf(p, sizeof(p), "%s/edgeteed.pid", dir);
	unlink(p);
	return 0;
}
