/*
 * The iperfTZ sender/receiver loop. The same source runs inside the TA
 * (over the GP TEE Sockets API) and natively in `edgetee iperf --ree`
 * (over POSIX sockets), so the two data paths differ only in where the
 * socket calls go. The loop sees sockets through struct ipl_io.
 */
#ifndef IPERF_LOOP_H
#define IPERF_LOOP_H

#include <stdint.h>

#include "iperf_ta.h"

/* Results of the I/O callbacks. */
#define IPL_OK	    0
#define IPL_TIMEOUT 1 /* *len says how much moved before the timeout */
#define IPL_CLOSED  2
#define IPL_ERROR   3

struct ipl_io {
	void *ctx;
	/* Move up to *len bytes within timeout_ms; *len = bytes moved. */
	int (*send)(void *ctx, const void *buf, uint32_t *len, uint32_t timeout_ms);
	int (*recv)(void *ctx, void *buf, uint32_t *len, uint32_t timeout_ms);
	uint64_t (*now_us)(void *ctx); /* monotonic */
	/* Wall clock for UDP timestamps (the peer computes jitter from them). */
	void (*wall)(void *ctx, uint32_t *sec, uint32_t *usec);
	void (*sleep_us)(void *ctx, uint64_t us);
};

struct ipl_stream {
	uint32_t flags; /* IPERF_F_* */
	uint32_t blksize;
	uint64_t rate_bps;
	uint8_t *buf;	   /* blksize bytes, owned by the caller */
	uint64_t start_us; /* first RUN: pacing reference */
	int64_t prev_transit_us;
	int started;
	struct iperf_ta_result r; /* cumulative */
};

void ipl_init(struct ipl_stream *s, uint32_t flags, uint32_t blksize, uint64_t rate_bps,
	      uint8_t *buf);
/* Move data for budget_us (and at most max_bytes more if max_bytes != 0).
 * Returns IPERF_ST_*; on IPERF_ST_ERROR s->r.error holds the I/O result. */
uint32_t ipl_run(struct ipl_stream *s, const struct ipl_io *io, uint64_t budget_us,
		 uint64_t max_bytes);

#endif
