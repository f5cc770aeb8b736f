/*
 * TA instances and sessions. The core decides which TA process serves a new
 * session (GP singleInstance / multiSession / instanceKeepAlive), starts TA
 * processes, and hands each session's mailbox to the TA process. After that
 * the caller and the TA talk directly; the core only hears when a session
 * ends, and it marks every mailbox of a TA process that died so callers get
 * TEE_ERROR_TARGET_DEAD instead of waiting forever.
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core.h"
#include "doorbell.h"
#include "fdio.h"
#include "tee_client_api.h"
#include "et_util.h"
#include "storage.h" /* GP Trusted Storage: fd 6 of each TA host */

#define TA_FLAG_SINGLE_INSTANCE_     (1u << 2)
#define TA_FLAG_MULTI_SESSION_	     (1u << 3)
#define TA_FLAG_INSTANCE_KEEP_ALIVE_ (1u << 4)

static void mb_dead(struct et_mailbox *mb)
{
	atomic_store(&mb->state, ET_MB_DEAD);
	et_futex_wake(&mb->resp, 1 << 30);
}

static struct session *session_find(uint32_t sid)
{
	for (struct session *s = g.sessions; s; s = s->next)
		if (s->sid == sid)
			return s;
	return NULL;
}

static void session_free(struct session *s)
{
	for (struct session **p = &g.sessions; *p; p = &(*p)->next) {
		if (*p == s) {
			*p = s->next;
			break;
		}
	}
	if (s->mb)
		munmap(s->mb, ET_MAILBOX_SIZE);
	free(s);
}

static void instance_free(struct instance *in)
{
	for (struct instance **p = &g.instances; *p; p = &(*p)->next) {
		if (*p == in) {
			*p = in->next;
			break;
		}
	}
	if (in->ctl >= 0) {
		ep_del(in->ctl);
		close(in->ctl);
	}
	if (in->svc >= 0) {
		ep_del(in->svc);
		close(in->svc);
	}
	store_put(in->img);
	free(in);
}

static void maybe_destroy(struct instance *in)
{
	if (in->nsess > 0 || in->dying)
		return;
	uint32_t f = in->img->man.flags;
	if ((f & TA_FLAG_SINGLE_INSTANCE_) && (f & TA_FLAG_INSTANCE_KEEP_ALIVE_) &&
	    !g.stopping)
		return;
	struct et_ctl_sid m = {.type = ET_CTL_DESTROY};
	in->dying = 1;
	if (et_send(in->ctl, &m, sizeof(m), NULL, 0))
		kill(in->pid, SIGKILL);
}

/* Fork and exec a TA host that waits for its TA on fd 3 (ctl). */
static int start_host(struct spare *sp)
{
	int ctl[2], svc[2], net[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl))
		return -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, svc)) {
		close(ctl[0]);
		close(ctl[1]);
		return -1;
	}
	/* GP Sockets: fd 5 of the host <-> edgetee-supplicant (supp.c). */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, net)) {
		close(ctl[0]);
		close(ctl[1]);
		close(svc[0]);
		close(svc[1]);
		return -1;
	}
	/* GP Trusted Storage: fd 6 of the host <-> the storage service (storage.c). */
	int stor[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, stor)) {
		close(ctl[0]);
		close(ctl[1]);
		close(svc[0]);
		close(svc[1]);
		close(net[0]);
		close(net[1]);
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(ctl[0]);
		close(ctl[1]);
		close(svc[0]);
		close(svc[1]);
		close(net[0]);
		close(net[1]);
		close(stor[0]); /* storage */
		close(stor[1]);
		return -1;
	}
	if (pid == 0) {
		/* Child: fds 3 = ctl, 4 = svc, 5 = net; stdout/stderr = instance log. */
		int devnull = open("/dev/null", O_RDWR);
		int fds[4] = {fcntl(ctl[1], F_DUPFD, 10), fcntl(svc[1], F_DUPFD, 10),
			      fcntl(net[1], F_DUPFD, 10),
			      fcntl(stor[1], F_DUPFD, 10)}; /* 6 = storage */
		dup2(devnull, 0);
		dup2(g.logfd, 1);
		dup2(g.logfd, 2);
		for (int i = 0; i < 4; i++)
			dup2(fds[i], 3 + i);
		close_range(7, ~0u, 0);
		sigset_t all;
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		if (g.drop_user &&
		    (setgroups(0, NULL) || setgid(g.ta_gid) || setuid(g.ta_uid)))
			_exit(126);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		char *argv[] = {"edgetee-tahost", (char *)g.name, g.device_id, NULL};
		/* Sanitizer settings pass through so test builds report properly.
		 * In a sanitizer build a TA fault must stay a plain signal: ASan's
		 * own SEGV report would need files the sandbox does not allow. */
		static char asan[1100], ubsan[1100];
		const char *av = getenv("ASAN_OPTIONS"), *uv = getenv("UBSAN_OPTIONS");
		snprintf(asan, sizeof(asan),
			 "ASAN_OPTIONS=%s%shandle_segv=0:detect_leaks=0", av ? av : "",
			 av && *av ? ":" : "");
		snprintf(ubsan, sizeof(ubsan), "UBSAN_OPTIONS=%s",
			 uv ? uv : "print_stacktrace=0");
		char *envp[] = {"PATH=/usr/bin:/bin", asan, ubsan, NULL};
		execve(g.tahost, argv, envp);
		_exit(127);
	}
	close(ctl[1]);
	close(svc[1]);
	close(net[1]);
	supp_connect(pid, net[0]);
	close(stor[1]);
	storage_connect(pid, stor[0]); /* unbound until spawn() names the TA */
	sp->pid = pid;
	sp->ctl = ctl[0];
	sp->svc = svc[0];
	return 0;
}

/*
 * Keep one TA host started ahead of need, so that a cold OpenSession pays
 * for loading the TA but not for fork, exec and dynamic linking.
 */
void ta_replenish(void)
{
	if (!g.spare.pid && !g.stopping && start_host(&g.spare))
		g.spare.pid = 0;
}

static struct instance *spawn(struct ta_image *img)
{
	struct spare sp;
	if (g.spare.pid) {
		sp = g.spare;
		g.spare.pid = 0;
	} else if (start_host(&sp)) {
		return NULL;
	}
	char us[37];
	et_uuid_format(img->uuid, us);
	struct et_ctl_load lm = {.type = ET_CTL_LOAD};
	memcpy(lm.uuid, img->uuid, 16);
	struct instance *in = calloc(1, sizeof(*in));
	/* Storage: bind the host's connection to this TA before the TA runs. */
	storage_bind(sp.pid, img->uuid);
	if (!in || et_send(sp.ctl, &lm, sizeof(lm), &img->elf_fd, 1)) {
		/* The host is reaped like any child; it is just not ours to use. */
		kill(sp.pid, SIGKILL);
		close(sp.ctl);
		close(sp.svc);
		free(in);
		return NULL;
	}
	in->img = img;
	img->refs++;
	in->pid = sp.pid;
	in->ctl = sp.ctl;
	fcntl(in->ctl, F_SETFL, fcntl(in->ctl, F_GETFL) | O_NONBLOCK);
	in->svc = sp.svc;
	in->ctl_ev = (struct ev){EV_TA_CTL, in};
	in->svc_ev = (struct ev){EV_TA_SVC, in};
	in->as_client.fd = sp.svc;
	in->as_client.ta = in;
	in->as_client.cred.pid = sp.pid;
	in->as_client.cred.uid = g.drop_user ? g.ta_uid : getuid();
	in->as_client.cred.gid = g.drop_user ? g.ta_gid : getgid();
	ep_add(in->ctl, &in->ctl_ev);
	ep_add(in->svc, &in->svc_ev);
	in->next = g.instances;
	g.instances = in;
	core_log("TA %s: started instance pid %d", us, (int)sp.pid);
	return in;
}

void ta_open(struct client *cl, const struct et_msg_open *m, int mbfd, int sidefd)
{
	struct et_mailbox *mb =
	    mmap(NULL, ET_MAILBOX_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, mbfd, 0);
	size_t mbsize = 0;
	if (mb == MAP_FAILED || et_memfd_check(mbfd, &mbsize) ||
	    mbsize < ET_MAILBOX_SIZE) {
		/* No mailbox to answer in: the caller sees the socket close. */
		if (mb != MAP_FAILED)
			munmap(mb, ET_MAILBOX_SIZE);
		close(sidefd);
		return;
	}
	uint32_t ret;
	uint8_t ident[16];
	struct ta_image *img = NULL;
	struct instance *in = NULL;
	uint32_t login = cl->ta ? TEE_LOGIN_TRUSTED_APP_ : m->login;
	if (cl->ta) {
		memcpy(ident, cl->ta->img->uuid, 16);
		ret = TEEC_SUCCESS;
	} else {
		ret = login_identity(cl, m->login, m->conn_gid, ident);
	}
	if (ret != TEEC_SUCCESS)
		goto fail;
	ret = store_lookup(m->uuid, &img);
	if (ret != TEEC_SUCCESS)
		goto fail;
	uint32_t f = img->man.flags;
	if (f & TA_FLAG_SINGLE_INSTANCE_) {
		for (struct instance *i = g.instances; i; i = i->next) {
			if (!i->dying && i->ctl >= 0 && i->img == img) {
				in = i;
				break;
			}
		}
		if (in && !(f & TA_FLAG_MULTI_SESSION_) && in->nsess > 0) {
			/*
			 * The TA reports a session's end before it answers the
			 * close, but on another socket than this open came in:
			 * read what it has said before calling it busy.
			 */
			ta_on_ctl(in);
			if (in->dying)
				in = NULL;
			else if (in->nsess > 0) {
				ret = TEEC_ERROR_BUSY;
				goto fail;
			}
		}
	}
	if (!in)
		in = spawn(img);
	if (!in) {
		ret = TEEC_ERROR_OUT_OF_MEMORY;
		goto fail;
	}
	store_put(img);
	img = NULL;
	struct session *s = calloc(1, sizeof(*s));
	if (!s) {
		ret = TEEC_ERROR_OUT_OF_MEMORY;
		goto fail;
	}
	s->sid = ++g.next_sid;
	s->inst = in;
	s->cl = cl;
	s->cookie = m->cookie;
	s->mb = mb;
	s->next = g.sessions;
	g.sessions = s;
	in->nsess++;
	struct et_ctl_session cs = {
	    .type = ET_CTL_SESSION, .sid = s->sid, .login = login};
	memcpy(cs.client_uuid, ident, 16);
	int fds[2] = {mbfd, sidefd};
	if (et_send(in->ctl, &cs, sizeof(cs), fds, 2)) {
		/* The process is on its way out; reaping will mark the mailbox. */
		mb_dead(mb);
	}
	close(sidefd);
	return;
fail:
	if (img)
		store_put(img);
	close(sidefd);
	et_mb_answer_unrun(mb, ret, TEEC_ORIGIN_TEE);
	munmap(mb, ET_MAILBOX_SIZE);
}

static void session_end(struct session *s)
{
	struct instance *in = s->inst;
	in->nsess--;
	session_free(s);
	maybe_destroy(in);
}

/* Read every pending message from a TA process (its ctl end is non-blocking). */
void ta_on_ctl(struct instance *in)
{
	while (in->ctl >= 0) {
		union {
			struct et_ctl_sid sid;
			char buf[256];
		} m;
		int nfds = 0;
		ssize_t n = et_recv(in->ctl, &m, sizeof(m), NULL, &nfds);
		if (n == -EAGAIN)
			return;
		if (n <= 0) {
			/* EOF: the process is exiting; SIGCHLD finishes the job. */
			ep_del(in->ctl);
			close(in->ctl);
			in->ctl = -1;
			return;
		}
		if ((size_t)n >= sizeof(m.sid) && m.sid.type == ET_CTL_SESSION_END) {
			struct session *s = session_find(m.sid.sid);
			if (s && s->inst == in)
				session_end(s);
		}
	}
}

static void ptime_path(struct instance *in, char *p, size_t len)
{
	char us[37];
	et_uuid_format(in->img->uuid, us);
	snprintf(p, len, "%s/ta_time/%s", g.dir, us);
}

static uint64_t realtime_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * TA persistent time is kept as (value at set, REE time at set); reading it
 * adds the REE time elapsed since. REE time going backwards means the
 * reference can no longer be trusted: TIME_NEEDS_RESET, as GP describes.
 */
static void svc_ptime(struct instance *in, const struct et_svc_req *r,
		      struct et_svc_reply *rep)
{
	char p[4200];
	ptime_path(in, p, sizeof(p));
	if (r->type == ET_SVC_PTIME_SET) {
		char tmp[4300], dir[4200];
		snprintf(dir, sizeof(dir), "%s/ta_time", g.dir);
		mkdir(dir, 0700);
		snprintf(tmp, sizeof(tmp), "%s.tmp", p);
		FILE *f = fopen(tmp, "we");
		if (!f) {
			rep->ret = TEEC_ERROR_STORAGE_NOT_AVAILABLE;
			return;
		}
		uint64_t val = r->seconds * 1000 + r->millis;
		fprintf(f, "%llu %llu\n", (unsigned long long)val,
			(unsigned long long)realtime_ms());
		int ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
		ok = fclose(f) == 0 && ok;
		rep->ret = ok && rename(tmp, p) == 0 ? TEEC_SUCCESS
						     : TEEC_ERROR_STORAGE_NOT_AVAILABLE;
		return;
	}
	FILE *f = fopen(p, "re");
	unsigned long long val, ref;
	if (!f) {
		rep->ret = 0xFFFF5000; /* TEE_ERROR_TIME_NOT_SET */
		return;
	}
	int ok = fscanf(f, "%llu %llu", &val, &ref) == 2;
	fclose(f);
	uint64_t now = realtime_ms();
	if (!ok || now < ref) {
		rep->ret = 0xFFFF5001; /* TEE_ERROR_TIME_NEEDS_RESET */
		return;
	}
	uint64_t t = val + (now - ref);
	rep->seconds = t / 1000;
	rep->millis = (uint32_t)(t % 1000);
	rep->ret = TEEC_SUCCESS;
}

void ta_on_svc(struct instance *in)
{
	struct et_svc_req r;
	int fds[2], nfds = 2;
	ssize_t n = et_recv(in->svc, &r, sizeof(r), fds, &nfds);
	if (n <= 0) {
		ep_del(in->svc);
		close(in->svc);
		in->svc = -1;
		return;
	}
	if ((size_t)n < sizeof(r)) {
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		return;
	}
	struct et_svc_reply rep = {0};
	switch (r.type) {
	case ET_SVC_OPEN_TA:
		if (nfds == 2) {
			struct et_msg_open m = {.type = ET_MSG_OPEN, .cookie = r.cookie};
			memcpy(m.uuid, r.uuid, 16);
			ta_open(&in->as_client, &m, fds[0], fds[1]);
			close(fds[0]);
		} else {
			for (int i = 0; i < nfds; i++)
				close(fds[i]);
		}
		return; /* answered in the mailbox */
	case ET_SVC_KILL_SESSION:
		ta_kill(&in->as_client, r.cookie);
		return;
	case ET_SVC_PTIME_GET:
	case ET_SVC_PTIME_SET:
		svc_ptime(in, &r, &rep);
		break;
	default:
		rep.ret = TEEC_ERROR_NOT_SUPPORTED;
	}
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
	et_send(in->svc, &rep, sizeof(rep), NULL, 0);
}

/* Sessions whose caller vanished are closed on the TA side. */
void ta_client_gone(struct client *cl)
{
	for (struct session *s = g.sessions; s; s = s->next) {
		if (s->cl != cl)
			continue;
		s->cl = NULL;
		struct et_ctl_sid m = {.type = ET_CTL_CLOSE, .sid = s->sid};
		if (s->inst->ctl >= 0)
			et_send(s->inst->ctl, &m, sizeof(m), NULL, 0);
	}
}

void ta_kill(struct client *cl, uint64_t cookie)
{
	for (struct session *s = g.sessions; s; s = s->next) {
		if (s->cl == cl && s->cookie == cookie) {
			char us[37];
			et_uuid_format(s->inst->img->uuid, us);
			core_log("TA %s pid %d: killed after cancellation timed out", us,
				 (int)s->inst->pid);
			kill(s->inst->pid, SIGKILL);
			return;
		}
	}
}

static void instance_died(struct instance *in, int status)
{
	char us[37];
	et_uuid_format(in->img->uuid, us);
	if (WIFSIGNALED(status))
		core_log("TA %s pid %d: killed by signal %d (%s)%s", us, (int)in->pid,
			 WTERMSIG(status), strsignal(WTERMSIG(status)),
			 WTERMSIG(status) == SIGSYS ? ": sandbox violation" : "");
	else if (WEXITSTATUS(status))
		core_log("TA %s pid %d: exited with status %d", us, (int)in->pid,
			 WEXITSTATUS(status));
	else
		core_log("TA %s pid %d: instance ended", us, (int)in->pid);
	struct session **p = &g.sessions;
	while (*p) {
		struct session *s = *p;
		if (s->inst == in) {
			mb_dead(s->mb);
			*p = s->next;
			munmap(s->mb, ET_MAILBOX_SIZE);
			free(s);
			continue;
		}
		p = &s->next;
	}
	in->nsess = 0;
	/* Sessions this TA had opened to other TAs lose their caller. */
	ta_client_gone(&in->as_client);
	instance_free(in);
}

void ta_reap(void)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == g.supp_pid) {
			supp_died(status);
			continue;
		}
		if (pid == g.spare.pid) {
			core_log("spare TA host pid %d ended unexpectedly (status 0x%x)",
				 (int)pid, status);
			close(g.spare.ctl);
			close(g.spare.svc);
			g.spare.pid = 0;
			continue;
		}
		for (struct instance *in = g.instances; in; in = in->next) {
			if (in->pid == pid) {
				instance_died(in, status);
				break;
			}
		}
	}
}

void ta_shutdown(void)
{
	g.stopping = 1;
	if (g.spare.pid) {
		kill(g.spare.pid, SIGKILL);
		waitpid(g.spare.pid, NULL, 0);
		close(g.spare.ctl);
		close(g.spare.svc);
		g.spare.pid = 0;
	}
	for (struct instance *in = g.instances; in; in = in->next)
		kill(in->pid, SIGKILL);
	while (g.instances) {
		int status;
		pid_t pid = waitpid(-1, &status, 0);
		if (pid < 0)
			break;
		for (struct instance *in = g.instances; in; in = in->next) {
			if (in->pid == pid) {
				instance_died(in, status);
				break;
			}
		}
	}
}

char *ta_status_json(void)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "instance", g.name);
	cJSON_AddStringToObject(o, "dir", g.dir);
	cJSON_AddNumberToObject(o, "pid", getpid());
	cJSON *tas = cJSON_AddArrayToObject(o, "ta_instances");
	int nsess = 0;
	for (struct instance *in = g.instances; in; in = in->next) {
		char us[37];
		et_uuid_format(in->img->uuid, us);
		cJSON *t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "uuid", us);
		cJSON_AddNumberToObject(t, "pid", in->pid);
		cJSON_AddNumberToObject(t, "sessions", in->nsess);
		cJSON_AddItemToArray(tas, t);
		nsess += in->nsess;
	}
	cJSON_AddNumberToObject(o, "sessions", nsess);
	char *s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}
