/*
 * Unit tests of the pieces every edgetee process shares: UUID text form,
 * SCM_RIGHTS message passing, sealed memfds, the doorbell, and signed TA
 * packages (sign, verify, and refusal of anything altered or untrusted).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "doorbell.h"
#include "fdio.h"
#include "tapkg.h"
#include "et_util.h"

static void test_uuid_roundtrip(void **state)
{
	(void)state;
	uint8_t u[16];
	char s[37];
	assert_int_equal(et_uuid_parse("6e0e1f51-5d3c-4a8e-9b1e-3f21700cbe01", u), 0);
	assert_int_equal(u[0], 0x6e);
	assert_int_equal(u[15], 0x01);
	et_uuid_format(u, s);
	assert_string_equal(s, "6e0e1f51-5d3c-4a8e-9b1e-3f21700cbe01");
	assert_int_equal(et_uuid_parse("6E0E1F51-5D3C-4A8E-9B1E-3F21700CBE01", u), 0);
	assert_int_not_equal(et_uuid_parse("6e0e1f51-5d3c-4a8e-9b1e-3f21700cbe0", u), 0);
	assert_int_not_equal(et_uuid_parse("6e0e1f51x5d3c-4a8e-9b1e-3f21700cbe01", u), 0);
	assert_int_not_equal(et_uuid_parse("6e0e1f51-5d3c-4a8e-9b1e-3f21700cbeZZ", u), 0);
}

static void test_fd_passing(void **state)
{
	(void)state;
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	int mfd = et_memfd_sealed("t", 8192);
	assert_true(mfd >= 0);
	char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	assert_ptr_not_equal(m, MAP_FAILED);
	strcpy(m, "shared");
	assert_int_equal(et_send(sv[0], "hi", 2, &mfd, 1), 0);
	char buf[8];
	int fds[2], n = 2;
	assert_int_equal(et_recv(sv[1], buf, sizeof(buf), fds, &n), 2);
	assert_int_equal(n, 1);
	size_t sz = 0;
	assert_int_equal(et_memfd_check(fds[0], &sz), 0);
	assert_int_equal(sz, 8192);
	char *m2 = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fds[0], 0);
	assert_string_equal(m2, "shared");
	/* Sealed: neither side can shrink it under the other. */
	assert_int_not_equal(ftruncate(fds[0], 10), 0);
	/* Truncated messages are refused, and their descriptors closed. */
	assert_int_equal(et_send(sv[0], "0123456789", 10, &mfd, 1), 0);
	n = 2;
	assert_int_equal(et_recv(sv[1], buf, 4, fds + 1, &n), -EMSGSIZE);
	assert_int_equal(n, 0);
	/* An unsealed memfd is not accepted as shared memory. */
	int raw = memfd_create("raw", 0);
	assert_int_equal(ftruncate(raw, 4096), 0);
	assert_int_not_equal(et_memfd_check(raw, &sz), 0);
	close(raw);
	munmap(m, 8192);
	munmap(m2, 8192);
	close(fds[0]);
	close(mfd);
	close(sv[0]);
	close(sv[1]);
}

/* Ping-pong across two processes through the doorbell, spin and sleep paths. */
static void pingpong(uint64_t spin)
{
	int fd = et_memfd_sealed("bell", 4096);
	assert_true(fd >= 0);
	_Atomic uint32_t *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_ptr_not_equal(w, MAP_FAILED);
	/* w[0] ping, w[1] pong, w[2]/w[3] sleeping flags */
	const uint32_t rounds = 2000;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		for (uint32_t i = 1; i <= rounds; i++) {
			if (et_bell_wait(&w[0], i - 1, &w[2], NULL, spin, 5000))
				_exit(1);
			et_bell_ring(&w[1], i, &w[3]);
		}
		_exit(0);
	}
	for (uint32_t i = 1; i <= rounds; i++) {
		et_bell_ring(&w[0], i, &w[2]);
		assert_int_equal(et_bell_wait(&w[1], i - 1, &w[3], NULL, spin, 5000), 0);
		assert_int_equal(atomic_load(&w[1]), i);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	munmap((void *)w, 4096);
	close(fd);
}

static void test_doorbell_spin(void **state)
{
	(void)state;
	pingpong(50000);
}

static void test_doorbell_sleep(void **state)
{
	(void)state;
	pingpong(0);
}

/*
 * The adaptive doorbell as the mailbox uses it: each side publishes its CPU
 * and rings with a timestamp. Pinned to one CPU, a waiter must notice that
 * its peer shares the CPU and sleep at once (not spin), and must time its
 * wait to the peer's ring; pinned to two CPUs, it must never think so.
 */
struct pp_page {
	_Atomic uint32_t ping, pong, ping_sleep, pong_sleep;
	_Atomic uint32_t parent_cpu, child_cpu;
	_Atomic uint64_t ping_ring, pong_ring;
};

static void pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	assert_int_equal(sched_setaffinity(0, sizeof(set), &set), 0);
}

/* answer_asleep: the child answers only once the parent sleeps on the
 * answer, so each of the parent's waits ends with a ring, whatever the
 * scheduler does on a busy machine. */
static void adaptive_pingpong(int child_cpu, int answer_asleep, struct et_spin *sp)
{
	int fd = et_memfd_sealed("bell", 4096);
	assert_true(fd >= 0);
	struct pp_page *g = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_ptr_not_equal(g, MAP_FAILED);
	atomic_store(&g->parent_cpu, UINT32_MAX);
	atomic_store(&g->child_cpu, UINT32_MAX);
	const uint32_t rounds = 500;
	pid_t pid = fork();
	assert_true(pid >= 0);
	/* A budget no wait exceeds: only the CPU check can make a wait sleep. */
	if (pid == 0) {
		struct et_spin cs;
		et_spin_init_max(&cs, 1000000000);
		pin(child_cpu);
		for (uint32_t i = 1; i <= rounds; i++) {
			if (et_bell_wait_adaptive_ts(&g->ping, i - 1, &g->ping_sleep,
						     NULL, &g->ping_ring, &g->parent_cpu,
						     &cs, 5000))
				_exit(1);
			atomic_store(&g->child_cpu, (uint32_t)sched_getcpu());
			while (answer_asleep && !atomic_load(&g->pong_sleep))
				sched_yield();
			et_bell_ring_ts(&g->pong, i, &g->pong_sleep, &g->pong_ring);
		}
		_exit(0);
	}
	pin(0);
	et_spin_init_max(sp, 1000000000);
	for (uint32_t i = 1; i <= rounds; i++) {
		atomic_store(&g->parent_cpu, (uint32_t)sched_getcpu());
		et_bell_ring_ts(&g->ping, i, &g->ping_sleep, &g->ping_ring);
		assert_int_equal(et_bell_wait_adaptive_ts(&g->pong, i - 1, &g->pong_sleep,
							  NULL, &g->pong_ring,
							  &g->child_cpu, sp, 5000),
				 0);
		assert_int_equal(atomic_load(&g->pong), i);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	cpu_set_t all;
	CPU_ZERO(&all);
	for (int c = 0; c < CPU_SETSIZE && c < sysconf(_SC_NPROCESSORS_ONLN); c++)
		CPU_SET(c, &all);
	sched_setaffinity(0, sizeof(all), &all);
	munmap(g, 4096);
	close(fd);
}

static void test_doorbell_same_cpu(void **state)
{
	(void)state;
	struct et_spin sp;
	/* Every wait finds the peer on our CPU, sleeps at once, and is woken
	 * by a ring that says when it was rung. */
	adaptive_pingpong(0, 1, &sp);
	assert_true(sp.here >= 400);
	assert_true(sp.rings >= 400);
}

static void test_doorbell_two_cpus(void **state)
{
	(void)state;
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		skip();
	struct et_spin sp;
	adaptive_pingpong(1, 0, &sp);
	assert_int_equal(sp.here, 0);
}

/*
 * A waiter that has just woken its peer spins for the answer even when its
 * adaptive budget says sleep: the answer is a wake-up away, and sleeping
 * would add one of ours. Seen from the answering side: its ring finds the
 * waiter awake (returns 0) with woke set, asleep (returns 1) without.
 */
struct woke_arg {
	_Atomic uint32_t word, sleeping, started;
	int rang_asleep;
};

static void *woke_answer(void *p)
{
	struct woke_arg *a = p;
	while (!atomic_load(&a->started))
		sched_yield();
	/* Long enough for a waiter that does not spin to be asleep by now. */
	nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
	a->rang_asleep = et_bell_ring_ts(&a->word, 1, &a->sleeping, NULL);
	return NULL;
}

static int woke_wait(int woke)
{
	struct woke_arg a = {0};
	struct et_spin sp;
	et_spin_init_max(&sp, 2000000000ull); /* 2 s: more than any answer */
	sp.budget = 0;			      /* as after slow answers */
	sp.woke = woke;
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, woke_answer, &a), 0);
	atomic_store(&a.started, 1);
	assert_int_equal(et_bell_wait_adaptive_ts(&a.word, 0, &a.sleeping, NULL, NULL,
						  NULL, &sp, 5000),
			 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(sp.woke, 0); /* one wait only */
	return a.rang_asleep;
}

static void test_doorbell_spins_after_waking_peer(void **state)
{
	(void)state;
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		skip();
	assert_int_equal(woke_wait(0), 1);
	assert_int_equal(woke_wait(1), 0);
}

/*
 * A side with unpair set that keeps finding its peer on its own CPU moves
 * itself to another CPU after ET_UNPAIR_WAITS such waits, leaves its
 * affinity mask as it was, and does not move again within the rate limit.
 */
static int here_waits(struct et_spin *sp, int n)
{
	_Atomic uint32_t word = 1, sleeping = 0, peer = 0;
	int cpu = -1;
	for (int i = 0; i < n; i++) {
		cpu = sched_getcpu();
		atomic_store(&peer, (uint32_t)cpu); /* the peer ran right here */
		assert_int_equal(et_bell_wait_adaptive_ts(&word, 0, &sleeping, NULL, NULL,
							  &peer, sp, 1000),
				 0);
	}
	return cpu;
}

static void test_doorbell_unpair(void **state)
{
	(void)state;
	cpu_set_t all, now;
	assert_int_equal(sched_getaffinity(0, sizeof(all), &all), 0);
	if (CPU_COUNT(&all) < 2)
		skip();
	struct et_spin sp;
	et_spin_init_max(&sp, 1000000000);
	/* Without the flag: it sleeps at once each time, and stays. */
	here_waits(&sp, 2 * ET_UNPAIR_WAITS);
	assert_int_equal(sp.here, 2 * ET_UNPAIR_WAITS);
	assert_int_equal(sp.moves, 0);

	et_spin_init_max(&sp, 1000000000);
	sp.unpair = 1;
	here_waits(&sp, ET_UNPAIR_WAITS - 1);
	assert_int_equal(sp.moves, 0);
	int before = here_waits(&sp, 1);
	uint64_t m = sp.moved_ns; /* the rate limit counts from here */
	assert_int_equal(sp.moves, 1);
	assert_int_not_equal(sched_getcpu(), before);
	assert_int_equal(sched_getaffinity(0, sizeof(now), &now), 0);
	assert_true(CPU_EQUAL(&now, &all));
	here_waits(&sp, ET_UNPAIR_WAITS);
	if (et_now_ns() - m < ET_UNPAIR_GAP_NS) /* not descheduled that long */
		assert_int_equal(sp.moves, 1);
}

static void test_doorbell_timeout_and_stop(void **state)
{
	(void)state;
	_Atomic uint32_t word = 0, sleeping = 0, stop = 0;
	uint64_t t0 = et_now_ns();
	assert_int_equal(et_bell_wait(&word, 0, &sleeping, &stop, 1000, 50), -1);
	assert_true(et_now_ns() - t0 >= 50 * 1000000ull);
	atomic_store(&stop, 1);
	assert_int_equal(et_bell_wait(&word, 0, &sleeping, &stop, 0, 1000), 0);
}

static char tmpdir[64];

static int setup_keys(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/et-unit-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	char a[128], b[128], c[128];
	snprintf(a, sizeof(a), "%s/trusted", tmpdir);
	snprintf(b, sizeof(b), "%s/other", tmpdir);
	mkdir(a, 0700);
	mkdir(b, 0700);
	char err[256];
	snprintf(a, sizeof(a), "%s/dev.pem", tmpdir);
	snprintf(c, sizeof(c), "%s/trusted/dev.pub.pem", tmpdir);
	if (et_keygen(a, c, err, sizeof(err)))
		return -1;
	snprintf(a, sizeof(a), "%s/evil.pem", tmpdir);
	snprintf(c, sizeof(c), "%s/other/evil.pub.pem", tmpdir);
	return et_keygen(a, c, err, sizeof(err));
}

static int teardown_keys(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void flip(const char *path, long off)
{
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	if (off < 0) {
		fseek(f, 0, SEEK_END);
		off = ftell(f) + off;
	}
	fseek(f, off, SEEK_SET);
	int c = fgetc(f);
	fseek(f, off, SEEK_SET);
	fputc(c ^ 0x01, f);
	fclose(f);
}

static void test_pkg_sign_verify(void **state)
{
	(void)state;
	struct et_manifest m;
	memset(&m, 0, sizeof(m));
	assert_int_equal(et_uuid_parse("11111111-2222-4333-8444-555555555555", m.uuid),
			 0);
	m.flags = 12;
	m.stack_size = 4096;
	m.data_size = 65536;
	strcpy(m.version, "1.2");
	const uint8_t elf[] = "\x7f"
			      "ELF pretend shared object";
	char pkg[128], key[128], evil[128], err[256];
	snprintf(pkg, sizeof(pkg), "%s/t.ta", tmpdir);
	snprintf(key, sizeof(key), "%s/dev.pem", tmpdir);
	snprintf(evil, sizeof(evil), "%s/evil.pem", tmpdir);
	char trusted[128];
	snprintf(trusted, sizeof(trusted), "%s/trusted", tmpdir);
	const char *dirs[] = {trusted, NULL};

	assert_int_equal(et_pkg_write(pkg, &m, elf, sizeof(elf), key, err, sizeof(err)),
			 0);
	struct et_pkg p;
	assert_int_equal(et_pkg_load(pkg, dirs, &p, err, sizeof(err)), 0);
	assert_memory_equal(p.man.uuid, m.uuid, 16);
	assert_int_equal(p.man.data_size, 65536);
	assert_int_equal(p.man.flags, 12);
	assert_string_equal(p.man.version, "1.2");
	assert_int_equal(p.elf_len, sizeof(elf));
	assert_memory_equal(p.elf, elf, sizeof(elf));
	et_pkg_free(&p);

	/* Any altered byte, in manifest, code or signature, is refused. */
	long len;
	{
		struct stat st;
		stat(pkg, &st);
		len = st.st_size;
	}
	long offs[] = {(long)sizeof(struct et_pkg_hdr) + 5, len - 64 - 3, -1, 2};
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		assert_int_equal(
		    et_pkg_write(pkg, &m, elf, sizeof(elf), key, err, sizeof(err)), 0);
		flip(pkg, offs[i]);
		assert_int_not_equal(et_pkg_load(pkg, dirs, &p, err, sizeof(err)), 0);
	}
	/* Signed by a key the instance does not trust. */
	assert_int_equal(et_pkg_write(pkg, &m, elf, sizeof(elf), evil, err, sizeof(err)),
			 0);
	assert_int_equal(et_pkg_load(pkg, dirs, &p, err, sizeof(err)), -2);
	assert_non_null(strstr(err, "not trusted"));
	/* Truncated. */
	assert_int_equal(et_pkg_write(pkg, &m, elf, sizeof(elf), key, err, sizeof(err)),
			 0);
	assert_int_equal(truncate(pkg, len - 1), 0);
	assert_int_not_equal(et_pkg_load(pkg, dirs, &p, err, sizeof(err)), 0);
}

static void test_manifest_json(void **state)
{
	(void)state;
	struct et_manifest m;
	const char *good =
	    "{\"uuid\":\"11111111-2222-4333-8444-555555555555\",\"flags\":4,"
	    "\"stack_size\":1,\"data_size\":2}";
	assert_int_equal(et_manifest_from_json(good, strlen(good), &m), 0);
	assert_int_equal(m.flags, 4);
	const char *bad[] = {
	    "{}", "[1]", "{\"uuid\":\"x\",\"flags\":1,\"stack_size\":1,\"data_size\":1}",
	    "{\"uuid\":\"11111111-2222-4333-8444-555555555555\",\"flags\":-1,"
	    "\"stack_size\":1,\"data_size\":1}",
	    "not json"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(et_manifest_from_json(bad[i], strlen(bad[i]), &m),
				     0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_uuid_roundtrip),
	    cmocka_unit_test(test_fd_passing),
	    cmocka_unit_test(test_doorbell_spin),
	    cmocka_unit_test(test_doorbell_sleep),
	    cmocka_unit_test(test_doorbell_same_cpu),
	    cmocka_unit_test(test_doorbell_two_cpus),
	    cmocka_unit_test(test_doorbell_spins_after_waking_peer),
	    cmocka_unit_test(test_doorbell_unpair),
	    cmocka_unit_test(test_doorbell_timeout_and_stop),
	    cmocka_unit_test_setup_teardown(test_pkg_sign_verify, setup_keys,
					    teardown_keys),
	    cmocka_unit_test(test_manifest_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
