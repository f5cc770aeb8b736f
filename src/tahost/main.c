/*
 * edgetee-tahost: the process that becomes one TA instance. edgeteed starts
 * it ahead of need (a spare) with its descriptors: 3 ctl and 4 svc to the
 * core, 5 to the socket supplicant, 6 to the storage service. When a TA is
 * needed the core sends the verified ELF over fd 3; the host loads it, makes
 * itself non-dumpable, drops into the seccomp sandbox and hands control to
 * the TA runtime (libutee, linked into the TA). From then on the process
 * cannot open files, create network sockets, exec or trace anything.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <user_ta_header.h>

#include "fdio.h"
#include "proto.h"
#include "et_util.h"

typedef int (*ta_run_fn)(int ctl, int svc, const char *instance, const char *device_id);

/*
 * The allow-list: memory, threads, futexes, time, and I/O on descriptors
 * the process already holds or receives. Everything else kills the whole
 * process, which the core reports as a sandbox violation.
 */
static int sandbox(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return -1;
	static const int allow[] = {
	    SCMP_SYS(read),
	    SCMP_SYS(write),
	    SCMP_SYS(readv),
	    SCMP_SYS(writev),
	    SCMP_SYS(close),
	    SCMP_SYS(fstat),
	    SCMP_SYS(newfstatat),
	    SCMP_SYS(lseek),
	    SCMP_SYS(mmap),
	    SCMP_SYS(munmap),
	    SCMP_SYS(mprotect),
	    SCMP_SYS(mremap),
	    SCMP_SYS(madvise),
	    SCMP_SYS(brk),
	    SCMP_SYS(futex),
	    SCMP_SYS(set_robust_list),
	    SCMP_SYS(get_robust_list),
	    SCMP_SYS(rseq),
	    SCMP_SYS(clock_gettime),
	    SCMP_SYS(clock_nanosleep),
	    SCMP_SYS(nanosleep),
	    SCMP_SYS(gettimeofday),
	    SCMP_SYS(getpid),
	    SCMP_SYS(gettid),
	    SCMP_SYS(sched_yield),
	    SCMP_SYS(getcpu), /* sched_getcpu() when the vDSO cannot answer */
	    SCMP_SYS(sched_getaffinity),
	    SCMP_SYS(exit),
	    SCMP_SYS(exit_group),
	    SCMP_SYS(rt_sigreturn),
	    SCMP_SYS(rt_sigprocmask),
	    SCMP_SYS(rt_sigaction),
	    SCMP_SYS(sigaltstack),
	    SCMP_SYS(tgkill),
	    SCMP_SYS(sendmsg),
	    SCMP_SYS(recvmsg),
	    SCMP_SYS(sendto),
	    SCMP_SYS(recvfrom),
	    SCMP_SYS(memfd_create),
	    SCMP_SYS(ftruncate),
	    SCMP_SYS(fcntl),
	    SCMP_SYS(getrandom),
	    SCMP_SYS(poll),
	    SCMP_SYS(ppoll),
	    SCMP_SYS(membarrier),
	    SCMP_SYS(prlimit64),
	    SCMP_SYS(getuid),
	    SCMP_SYS(geteuid),
	    SCMP_SYS(getgid),
	    SCMP_SYS(getegid),
	    SCMP_SYS(restart_syscall),
	};
	int rc = 0;
	for (size_t i = 0; i < sizeof(allow) / sizeof(allow[0]); i++)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allow[i], 0);
	/* socketpair for TA-to-TA channels, Unix domain only. */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socketpair), 1,
			       SCMP_A0(SCMP_CMP_EQ, AF_UNIX));
	/* New threads only: clone without CLONE_THREAD would be fork. */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
			       SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
	/* A session thread moving itself off its caller's CPU (doorbell.c):
	 * its own affinity only. */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sched_setaffinity), 1,
			       SCMP_A0(SCMP_CMP_EQ, 0));
	/* glibc falls back to clone when clone3 says ENOSYS. */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	/* Self-probes for TEE_CheckMemoryAccessRights only. */
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(process_vm_readv), 1,
			       SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
	rc |= seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(process_vm_writev), 1,
			       SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid()));
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: edgetee-tahost INSTANCE DEVICE_ID\n"
		       "  Internal to edgeteed: becomes one sandboxed TA instance.\n"
		       "  Expects the control sockets on fds 3 and 4; the core sends\n"
		       "  the verified TA ELF over fd 3 when the instance is needed.\n");
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr,
			"edgetee-tahost: started by edgeteed only (see --help)\n");
		return 2;
	}
	prctl(PR_SET_DUMPABLE, 0);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	mallopt(M_ARENA_MAX, 1);
	/* OpenSSL reads its configuration and seeds its DRBG on first use;
	 * do both now, while files may still be opened. */
	unsigned char seed;
	if (!OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, NULL) ||
	    RAND_bytes(&seed, 1) != 1) {
		fprintf(stderr, "edgetee-tahost: cannot initialise OpenSSL\n");
		return 1;
	}

	/* Everything above happens ahead of need; from here on a TA is waiting. */
	struct et_ctl_load lm;
	int elf = -1, nfds = 1;
	ssize_t n = et_recv(3, &lm, sizeof(lm), &elf, &nfds);
	if (n == 0)
		return 0; /* the core stopped before it needed us */
	if (n != sizeof(lm) || lm.type != ET_CTL_LOAD || nfds != 1) {
		fprintf(stderr, "edgetee-tahost: bad load request\n");
		return 1;
	}
	char us[37], path[64];
	et_uuid_format(lm.uuid, us);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", elf);
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	close(elf);
	if (!h) {
		fprintf(stderr, "edgetee-tahost %s: cannot load TA: %s\n", us, dlerror());
		return 1;
	}
	const struct et_ta_head *head = dlsym(h, "__et_ta_head");
	ta_run_fn run = (ta_run_fn)dlsym(h, "__et_ta_run");
	if (!head || head->magic != ET_TA_HEAD_MAGIC || !run) {
		fprintf(stderr,
			"edgetee-tahost %s: not an edgetee TA (no TA head or runtime)\n",
			us);
		return 1;
	}
	/* TEE_Malloc enforces gpd.ta.dataSize exactly; this is the backstop
	 * for TAs that call malloc() directly: all private writable memory of
	 * the process, runtime and thread stacks included, stays bounded. */
#if !defined(__SANITIZE_ADDRESS__)
	struct rlimit rl;
	rl.rlim_cur = rl.rlim_max = (rlim_t)head->data_size + 64u * 1024 * 1024;
	setrlimit(RLIMIT_DATA, &rl);
#endif
	if (sandbox()) {
		fprintf(stderr, "edgetee-tahost %s: cannot install seccomp sandbox\n",
			us);
		return 1;
	}
	return run(3, 4, argv[1], argv[2]);
}
