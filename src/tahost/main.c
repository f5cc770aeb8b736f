/*
 * edgetee-tahost: the process that becomes one TA instance. edgeteed starts
 * it with the verified TA ELF on fd 5; it loads the TA, makes itself
 * non-dumpable, drops into the seccomp sandbox and hands control to the TA
 * runtime (libutee, linked into the TA). From then on the process cannot
 * open files, create network sockets, exec or trace anything.
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
		printf("usage: edgetee-tahost UUID INSTANCE DEVICE_ID\n"
		       "  Internal to edgeteed: runs one sandboxed TA instance.\n"
		       "  Expects the control sockets on fds 3 and 4 and the TA ELF on "
		       "fd 5.\n");
		return 0;
	}
	if (argc != 4) {
		fprintf(stderr,
			"edgetee-tahost: started by edgeteed only (see --help)\n");
		return 2;
	}
	prctl(PR_SET_DUMPABLE, 0);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	void *h = dlopen("/proc/self/fd/5", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "edgetee-tahost %s: cannot load TA: %s\n", argv[1],
			dlerror());
		return 1;
	}
	close(5);
	ta_run_fn run = (ta_run_fn)dlsym(h, "__et_ta_run");
	if (!run) {
		fprintf(stderr, "edgetee-tahost %s: not an edgetee TA (no __et_ta_run)\n",
			argv[1]);
		return 1;
	}
	const struct et_ta_head *head = dlsym(h, "__et_ta_head");
	if (!head || head->magic != ET_TA_HEAD_MAGIC) {
		fprintf(stderr, "edgetee-tahost %s: TA has no valid head\n", argv[1]);
		return 1;
	}
	/* TEE_Malloc enforces gpd.ta.dataSize exactly; this is the backstop
	 * for TAs that call malloc() directly: all private writable memory of
	 * the process, runtime and thread stacks included, stays bounded. */
	mallopt(M_ARENA_MAX, 1);
#if !defined(__SANITIZE_ADDRESS__)
	struct rlimit rl;
	rl.rlim_cur = rl.rlim_max = (rlim_t)head->data_size + 64u * 1024 * 1024;
	setrlimit(RLIMIT_DATA, &rl);
#endif
	/* OpenSSL reads its configuration and seeds its DRBG on first use;
	 * do both now, while files may still be opened. */
	unsigned char seed;
	if (!OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, NULL) ||
	    RAND_bytes(&seed, 1) != 1) {
		fprintf(stderr, "edgetee-tahost %s: cannot initialise OpenSSL\n",
			argv[1]);
		return 1;
	}
	if (sandbox()) {
		fprintf(stderr, "edgetee-tahost %s: cannot install seccomp sandbox\n",
			argv[1]);
		return 1;
	}
	return run(3, 4, argv[2], argv[3]);
}
