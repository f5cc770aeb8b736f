/*
 * The doorbell: how one process tells another that a shared word changed.
 * A waiter spins for a bounded budget while the peer is likely running and
 * only then sleeps on a futex, so a round trip between two busy processes
 * costs a cache-line transfer, not two scheduler wake-ups.
 */
#ifndef ET_DOORBELL_H
#define ET_DOORBELL_H

#include <stdatomic.h>
#include <stdint.h>

/* Spin budget in nanoseconds; EDGETEE_SPIN_NS overrides (0 = always sleep). */
uint64_t et_spin_budget_ns(void);

/* Store val into *word and wake the peer if it said it sleeps. */
void et_bell_ring(_Atomic uint32_t *word, uint32_t val, _Atomic uint32_t *sleeping);

/*
 * Wait until *word != old, or *stop (if given) becomes non-zero, or
 * timeout_ms elapses (-1 = forever). Returns 0 on change/stop, -1 on timeout.
 */
int et_bell_wait(_Atomic uint32_t *word, uint32_t old, _Atomic uint32_t *sleeping,
		 const _Atomic uint32_t *stop, uint64_t spin_ns, int timeout_ms);

/*
 * Adaptive spinning: a waiter learns how long its peer usually takes to
 * answer (a moving average) and spins for about twice that, up to the
 * budget. A peer that answers in a few microseconds (running, or woken
 * quickly) is caught by the spin; one that takes longer than the budget is
 * waited for asleep at once, with an occasional full spin to notice when it
 * becomes fast again. The fast path of a running peer reads no clock.
 */
struct et_spin {
	uint64_t budget; /* current spin budget, ns */
	uint64_t max;	 /* et_spin_budget_ns() */
	uint64_t avg_ns; /* moving average of answer times */
	unsigned slow;	 /* waits since the last full probe while budget is 0 */
	int woke;	 /* we just woke the peer: next wait spins the full budget */
	/* Set by a side whose thread is its own (the TA's session thread):
	 * after ET_UNPAIR_WAITS waits in a row that find the peer on our CPU,
	 * move this thread to another CPU it may run on (see doorbell.c). */
	int unpair;
	unsigned here_run; /* such waits in a row */
	uint64_t moved_ns; /* when we last moved, for the rate limit */
	/* What the _ts waits did (for tests and diagnostics): */
	uint64_t here;	/* waits that slept at once: the peer shared our CPU */
	uint64_t rings; /* waits timed to the peer's ring, not our wake-up */
	uint64_t moves; /* times we moved off the peer's CPU */
};

#define ET_UNPAIR_WAITS	 8
#define ET_UNPAIR_GAP_NS 50000000u /* at most one move per 50 ms */

void et_spin_init(struct et_spin *s);
/* Same with an explicit budget instead of EDGETEE_SPIN_NS. */
void et_spin_init_max(struct et_spin *s, uint64_t max);
int et_bell_wait_adaptive(_Atomic uint32_t *word, uint32_t old,
			  _Atomic uint32_t *sleeping, const _Atomic uint32_t *stop,
			  struct et_spin *s, int timeout_ms);

/*
 * The same with a ring timestamp: a ringer that finds the waiter asleep
 * stores when it rang in *ring_ns, and the waiter counts its wait up to
 * then, so its spin budget follows the peer's answer time and not its own
 * wake-up latency. peer_cpu (may be NULL): the CPU the peer last ran on,
 * as it published it; a waiter on that same CPU sleeps at once instead
 * of spinning, since the peer cannot run while it spins.
 *
 * et_bell_ring_ts returns 1 if it had to wake the waiter. Its caller then
 * sets woke in its own et_spin: the peer's answer will take a wake-up
 * longer than usual, and giving up the spin before it comes would add a
 * wake-up of our own (on a VM, tens of µs each).
 */
int et_bell_ring_ts(_Atomic uint32_t *word, uint32_t val, _Atomic uint32_t *sleeping,
		    _Atomic uint64_t *ring_ns);
int et_bell_wait_adaptive_ts(_Atomic uint32_t *word, uint32_t old,
			     _Atomic uint32_t *sleeping, const _Atomic uint32_t *stop,
			     const _Atomic uint64_t *ring_ns,
			     const _Atomic uint32_t *peer_cpu, struct et_spin *s,
			     int timeout_ms);

/* Plain futex helpers (shared, not private: the words live in memfd pages). */
int et_futex_wait(_Atomic uint32_t *word, uint32_t old, int timeout_ms);
void et_futex_wake(_Atomic uint32_t *word, int n);

uint64_t et_now_ns(void);

#endif
