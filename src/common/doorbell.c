/*
 * Doorbell implementation: bounded adaptive spin, then FUTEX_WAIT on a word
 * in shared memory. The sleeping flag is the Dekker half of the protocol: a
 * ringer that stores the word and then sees sleeping == 0 knows the waiter
 * will re-check the word before it sleeps, so no wake-up is lost.
 */
#define _GNU_SOURCE
#include "doorbell.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

uint64_t et_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t et_spin_budget_ns(void)
{
	static _Atomic int64_t cached = -1;
	int64_t v = atomic_load_explicit(&cached, memory_order_relaxed);
	if (v >= 0)
		return (uint64_t)v;
	const char *s = getenv("EDGETEE_SPIN_NS");
	v = s ? strtoll(s, NULL, 10) : 50000;
	if (v < 0)
		v = 0;
	atomic_store(&cached, v);
	return (uint64_t)v;
}

int et_futex_wait(_Atomic uint32_t *word, uint32_t old, int timeout_ms)
{
	struct timespec ts, *tp = NULL;
	if (timeout_ms >= 0) {
		ts.tv_sec = timeout_ms / 1000;
		ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
		tp = &ts;
	}
	long r = syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT, old, tp, NULL, 0);
	if (r < 0 && errno == ETIMEDOUT)
		return -1;
	return 0;
}

void et_futex_wake(_Atomic uint32_t *word, int n)
{
	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE, n, NULL, NULL, 0);
}

int et_bell_ring_ts(_Atomic uint32_t *word, uint32_t val, _Atomic uint32_t *sleeping,
		    _Atomic uint64_t *ring_ns)
{
	atomic_store_explicit(word, val, memory_order_seq_cst);
	if (!atomic_load_explicit(sleeping, memory_order_seq_cst))
		return 0;
	if (ring_ns)
		atomic_store_explicit(ring_ns, et_now_ns(), memory_order_relaxed);
	et_futex_wake(word, INT_MAX);
	return 1;
}

void et_bell_ring(_Atomic uint32_t *word, uint32_t val, _Atomic uint32_t *sleeping)
{
	et_bell_ring_ts(word, val, sleeping, NULL);
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#endif
}

static inline int ready(_Atomic uint32_t *word, uint32_t old,
			const _Atomic uint32_t *stop)
{
	if (atomic_load_explicit(word, memory_order_acquire) != old)
		return 1;
	return stop && atomic_load_explicit(stop, memory_order_acquire);
}

/* Is the peer, as last seen, on the CPU we run on? *me: that CPU. */
static int peer_here(const _Atomic uint32_t *peer_cpu, int *me)
{
	if (!peer_cpu)
		return 0;
	*me = sched_getcpu();
	return *me >= 0 &&
	       atomic_load_explicit(peer_cpu, memory_order_relaxed) == (uint32_t)*me;
}

/*
 * Two threads that hand requests to each other through futexes end up on
 * one CPU and stay there: the scheduler wakes each where the other just
 * ran, and since one always sleeps while the other runs, neither CPU ever
 * looks overloaded enough to pull one away. Measured on a 2-vCPU VM: one
 * fresh session in four or five started so, and kept 5000 of 5000 null
 * invocations at ~5.7 µs (a sleep and a wake-up each) instead of ~0.1 µs.
 * The side allowed to (s->unpair) breaks the pair by moving itself: it
 * narrows its affinity to its other permitted CPUs, which migrates it at
 * once, then restores the mask, which does not move it back.
 */
static void unpair(struct et_spin *s, int me)
{
	if (++s->here_run < ET_UNPAIR_WAITS)
		return;
	s->here_run = 0;
	uint64_t now = et_now_ns();
	if (s->moves && now - s->moved_ns < ET_UNPAIR_GAP_NS)
		return;
	s->moved_ns = now;
	cpu_set_t all, others;
	if (sched_getaffinity(0, sizeof(all), &all))
		return;
	others = all;
	CPU_CLR(me, &others);
	if (CPU_COUNT(&others) == 0 || sched_setaffinity(0, sizeof(others), &others))
		return;
	sched_setaffinity(0, sizeof(all), &all);
	s->moves++;
}

/* *waited_ns: how long it took (0 when the first burst caught it). */
static int bell_wait(_Atomic uint32_t *word, uint32_t old, _Atomic uint32_t *sleeping,
		     const _Atomic uint32_t *stop, uint64_t spin_ns, int timeout_ms,
		     const _Atomic uint64_t *ring_ns, const _Atomic uint32_t *peer_cpu,
		     uint64_t *waited_ns, struct et_spin *st)
{
	*waited_ns = 0;
	/*
	 * A peer last seen on our CPU cannot answer while we spin, and
	 * yielding to it keeps both on one CPU: sleep instead. The wake-up
	 * that answers us may place us on an idle CPU; when it keeps not
	 * doing so, a side with st->unpair moves itself.
	 */
	int me;
	if (spin_ns && peer_here(peer_cpu, &me)) {
		spin_ns = 0;
		if (st) {
			st->here++;
			if (st->unpair)
				unpair(st, me);
		}
	} else if (st) {
		st->here_run = 0;
	}
	/* A short burst before reading the clock: a running peer usually
	 * answers within it, and then the wait costs no clock read at all. */
	for (int k = 0; k < 64; k++) {
		if (ready(word, old, stop))
			return 0;
		if (!spin_ns)
			break;
		cpu_relax();
	}
	uint64_t start = et_now_ns();
	if (spin_ns) {
		/*
		 * Pure spinning for the first microseconds catches a peer that is
		 * running on the other CPU; after that, yield between probes so a
		 * spinning waiter never starves a runnable peer on an
		 * oversubscribed machine.
		 */
		unsigned i = 0;
		for (;;) {
			for (int k = 0; k < 64; k++) {
				if (ready(word, old, stop)) {
					*waited_ns = et_now_ns() - start;
					return 0;
				}
				cpu_relax();
			}
			uint64_t el = et_now_ns() - start;
			if (el >= spin_ns)
				break;
			if (++i > 16)
				sched_yield();
		}
	}
	for (;;) {
		atomic_store_explicit(sleeping, 1, memory_order_seq_cst);
		if (ready(word, old, stop)) {
			atomic_store_explicit(sleeping, 0, memory_order_relaxed);
			*waited_ns = et_now_ns() - start;
			return 0;
		}
		int left = -1;
		if (timeout_ms >= 0) {
			uint64_t el = (et_now_ns() - start) / 1000000u;
			if (el >= (uint64_t)timeout_ms) {
				atomic_store_explicit(sleeping, 0, memory_order_relaxed);
				return -1;
			}
			left = timeout_ms - (int)el;
		}
		et_futex_wait(word, old, left);
		atomic_store_explicit(sleeping, 0, memory_order_relaxed);
		if (ready(word, old, stop)) {
			uint64_t now = et_now_ns();
			*waited_ns = now - start;
			/*
			 * Count the peer's answer time, not our own wake-up: when
			 * both sides sleep, each would otherwise see the other's
			 * answer plus two wake-ups, and both would stay asleep.
			 */
			if (ring_ns) {
				uint64_t r =
				    atomic_load_explicit(ring_ns, memory_order_relaxed);
				if (r >= start && r <= now) {
					*waited_ns = r - start;
					if (st)
						st->rings++;
				}
			}
			return 0;
		}
	}
}

int et_bell_wait(_Atomic uint32_t *word, uint32_t old, _Atomic uint32_t *sleeping,
		 const _Atomic uint32_t *stop, uint64_t spin_ns, int timeout_ms)
{
	uint64_t w;
	return bell_wait(word, old, sleeping, stop, spin_ns, timeout_ms, NULL, NULL, &w,
			 NULL);
}

void et_spin_init_max(struct et_spin *s, uint64_t max)
{
	s->max = s->budget = max;
	s->avg_ns = 0;
	s->slow = 0;
	s->woke = 0;
	s->unpair = 0;
	s->here_run = 0;
	s->moved_ns = 0;
	s->here = s->rings = s->moves = 0;
}

void et_spin_init(struct et_spin *s)
{
	et_spin_init_max(s, et_spin_budget_ns());
}

int et_bell_wait_adaptive(_Atomic uint32_t *word, uint32_t old,
			  _Atomic uint32_t *sleeping, const _Atomic uint32_t *stop,
			  struct et_spin *s, int timeout_ms)
{
	return et_bell_wait_adaptive_ts(word, old, sleeping, stop, NULL, NULL, s,
					timeout_ms);
}

int et_bell_wait_adaptive_ts(_Atomic uint32_t *word, uint32_t old,
			     _Atomic uint32_t *sleeping, const _Atomic uint32_t *stop,
			     const _Atomic uint64_t *ring_ns,
			     const _Atomic uint32_t *peer_cpu, struct et_spin *s,
			     int timeout_ms)
{
	uint64_t waited;
	uint64_t spin = s->woke ? s->max : s->budget;
	s->woke = 0;
	int r = bell_wait(word, old, sleeping, stop, spin, timeout_ms, ring_ns, peer_cpu,
			  &waited, s);
	if (r != 0)
		return r;
	/* Average over ~8 waits; a very long wait counts as 4x the budget
	 * so one idle period does not disable spinning for long. */
	uint64_t cap = 4 * s->max;
	uint64_t w = waited < cap ? waited : cap;
	s->avg_ns = s->avg_ns - s->avg_ns / 8 + w / 8;
	/* Spin while answers come within the budget on average, for up to
	 * twice the average; both peers asleep (each answer a wake-up of a
	 * few tens of µs) must still find their way back to spinning. */
	if (s->avg_ns <= s->max) {
		uint64_t want = 2 * s->avg_ns + 1000;
		s->budget = want < s->max ? want : s->max;
		s->slow = 0;
	} else if (++s->slow >= 16) {
		s->budget = s->max; /* probe */
		s->slow = 0;
	} else {
		s->budget = 0;
	}
	return 0;
}
