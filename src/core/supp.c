/*
 * The instance's edgetee-supplicant (src/supplicant): the REE-side process
 * that makes socket syscalls for TAs (GP TEE Sockets API). The core starts
 * it at startup, hands it one end of each TA host's socket connection (the
 * other end is fd 5 in the host, see start_host() in ta.c) and restarts it
 * if it dies. Sockets of TA instances connected to a dead supplicant are
 * gone with it (their calls fail with TEE_ERROR_COMMUNICATION); TA hosts
 * started after the restart are served by the new one.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core.h"
#include "doorbell.h"
#include "fdio.h"
#include "netproto.h"

void supp_start(void)
{
	int sp[2];
	if (!g.supplicant[0] || g.stopping)
		return;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp)) {
		core_log("cannot start edgetee-supplicant: socketpair failed");
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(sp[0]);
		close(sp[1]);
		core_log("cannot start edgetee-supplicant: fork failed");
		return;
	}
	if (pid == 0) {
		/* Not sandboxed, the core's user; fd 3 = control, logs to the log. */
		int devnull = open("/dev/null", O_RDWR);
		int fd = fcntl(sp[1], F_DUPFD, 10);
		dup2(devnull, 0);
		dup2(g.logfd, 1);
		dup2(g.logfd, 2);
		dup2(fd, 3);
		close_range(4, ~0u, 0);
		sigset_t all;
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		char *argv[] = {"edgetee-supplicant", (char *)g.name, NULL};
		execv(g.supplicant, argv);
		_exit(127);
	}
	close(sp[1]);
	/* Never let a stuck supplicant stall the core's event loop. */
	fcntl(sp[0], F_SETFL, fcntl(sp[0], F_GETFL) | O_NONBLOCK);
	g.supp_pid = pid;
	g.supp_ctl = sp[0];
	g.supp_started_ns = et_now_ns();
	core_log("edgetee-supplicant started, pid %d", (int)pid);
}

/* Give the supplicant its end of a new TA host's connection (fd is closed). */
void supp_connect(pid_t host, int fd)
{
	struct et_supp_conn m = {.type = ET_SUPP_CONN, .pid = host};
	if (g.supp_pid && et_send(g.supp_ctl, &m, sizeof(m), &fd, 1))
		core_log("edgetee-supplicant: cannot hand over TA pid %d", (int)host);
	/* Without a supplicant the host sees EOF: its socket calls fail cleanly. */
	close(fd);
}

/* SIGCHLD for the supplicant: log it and start a new one. */
void supp_died(int status)
{
	if (WIFSIGNALED(status))
		core_log("edgetee-supplicant pid %d killed by signal %d (%s)",
			 (int)g.supp_pid, WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		core_log("edgetee-supplicant pid %d exited with status %d",
			 (int)g.supp_pid, WEXITSTATUS(status));
	close(g.supp_ctl);
	g.supp_pid = 0;
	g.supp_ctl = -1;
	if (g.stopping)
		return;
	/* A supplicant that keeps dying at once is not restarted forever. */
	if (et_now_ns() - g.supp_started_ns < 1000000000ull)
		g.supp_fast_fails++;
	else
		g.supp_fast_fails = 0;
	if (g.supp_fast_fails >= 5) {
		core_log("edgetee-supplicant keeps failing: not restarted, TA sockets "
			 "unavailable");
		return;
	}
	core_log("restarting edgetee-supplicant");
	/* The spare TA host is wired to the dead one: replace it too. */
	if (g.spare.pid) {
		kill(g.spare.pid, SIGKILL);
		close(g.spare.ctl);
		close(g.spare.svc);
		g.spare.pid = 0;
	}
	supp_start();
}

void supp_stop(void)
{
	if (!g.supp_pid)
		return;
	kill(g.supp_pid, SIGKILL);
	waitpid(g.supp_pid, NULL, 0);
	close(g.supp_ctl);
	g.supp_pid = 0;
}
