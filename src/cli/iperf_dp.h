/*
 * Data path of `edgetee iperf`: one stream moved either by the iperfTZ TA
 * (a libteec session per stream; the TA's sockets go through the GP TEE
 * Sockets API) or natively in this process (--ree, server UDP) by the
 * same loop, ta/iperf/iperf_loop.c, over POSIX sockets.
 */
#ifndef IPERF_DP_H
#define IPERF_DP_H

#include <stddef.h>
#include <stdint.h>

#include "iperf_loop.h"
#include "iperf_ta.h"
#include "tee_client_api.h"

struct dp_stream {
	int id; /* iperf3 stream id */
	int ta; /* 1: data path in the TA */
	uint32_t flags;
	/* TA */
	TEEC_Session sess;
	int sess_open;
	/* native */
	int fd;
	uint8_t *buf;
	struct ipl_stream ls;
	/* latest cumulative counters and the time spent in RUN (ns) */
	struct iperf_ta_result r;
	uint64_t run_ns;
	char local[64], peer[64]; /* "addr port", native streams only */
};

/* TA: open a session and connect the stream from inside the TA. */
int dp_open_ta(TEEC_Context *ctx, struct dp_stream *s, const struct iperf_ta_open *o,
	       char *err, size_t errlen);
/* TA server side: open a session and make parked data connection `index`
 * (accepted by the server session, IPERF_CMD_ACCEPT_STREAMS) its stream. */
int dp_attach_ta(TEEC_Context *ctx, struct dp_stream *s, uint32_t index,
		 const struct iperf_ta_open *o, char *err, size_t errlen);
/* End the stream's connection (TCP: FIN) but keep its counters. */
void dp_shutdown(struct dp_stream *s);
/* Native client: connect (TCP: send the cookie; UDP: iperf3 handshake). */
int dp_open_native(struct dp_stream *s, const struct iperf_ta_open *o, char *err,
		   size_t errlen);
/* Native server side: take an accepted/connected socket. */
int dp_attach_native(struct dp_stream *s, int fd, uint32_t flags, uint32_t blksize,
		     uint64_t rate_bps);
/* Move data for budget_us (max_bytes 0 = no limit); IPERF_ST_*. */
uint32_t dp_run(struct dp_stream *s, uint64_t budget_us, uint64_t max_bytes);
/* Shut the stream down (TCP: FIN, so the peer's receiver sees the end). */
void dp_close(struct dp_stream *s);

/* "127.0.0.1 port 5201" of a connected socket's two ends. */
void dp_describe(int fd, char *local, size_t llen, char *peer, size_t plen);
uint64_t dp_now_ns(void);

#endif
