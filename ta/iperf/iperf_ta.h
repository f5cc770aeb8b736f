/*
 * iperfTZ TA interface, shared by the TA (ta/iperf) and `edgetee iperf`
 * (src/cli). One session carries one iperf3 data stream: OPEN connects it
 * through the GP TEE Sockets API, each RUN moves data for a time budget and
 * returns cumulative counters, CLOSE ends it.
 *
 * Server mode (edgetee listen/accept extension, tee_tcpsocket_server.h):
 * one "server" session LISTENs on the iperf port and accepts every
 * connection in the TA. The first of a test is the control connection
 * (ACCEPT_CTRL); the CLI speaks iperf3's control protocol over it with
 * CTRL_SEND / CTRL_RECV. ACCEPT_STREAMS accepts the test's data
 * connections, checks the cookie each sends (read in the TA) and parks them
 * in instance memory; each stream session then takes one by index (ATTACH)
 * and RUNs on it like a client stream. The TA is single-instance, so the
 * parked handles are visible to all its sessions.
 */
#ifndef IPERF_TA_H
#define IPERF_TA_H

#include <stdint.h>

#define IPERF_TA_UUID                                                                    \
	{                                                                                \
		0x1c5b84d0, 0xa964, 0x4b4c,                                              \
		{                                                                        \
			0x9c, 0x99, 0xf2, 0x21, 0x7c, 0x53, 0xa6, 0xf1                   \
		}                                                                        \
	}
#define IPERF_TA_UUID_STR "1c5b84d0-a964-4b4c-9c99-f2217c53a6f1"

/* MEMREF_INPUT struct iperf_ta_open, NONE, NONE, VALUE_OUTPUT (a = TEE_Result
 * of the open or handshake, b = protocol error): connect the stream. */
#define IPERF_CMD_OPEN 0
/* VALUE_INPUT a = time budget in µs; VALUE_INPUT a:b = byte limit (high:low,
 * 0 = none); MEMREF_OUTPUT struct iperf_ta_result. */
#define IPERF_CMD_RUN 1
/* No parameters: close the socket (also done by CloseSession). */
#define IPERF_CMD_CLOSE 2

/* Server mode (see above); all on the server session unless noted.
 * LISTEN: VALUE_INPUT a = port; VALUE_OUTPUT a = TEE_Result, b = protocol
 * error. The listener stays until the session closes; again = no-op. */
#define IPERF_CMD_LISTEN 3
/* ACCEPT_CTRL: VALUE_INPUT a = timeout ms: accept the control connection of
 * the next test (any previous one and unclaimed streams are closed).
 * TEE_ISOCKET_ERROR_TIMEOUT if nobody came. */
#define IPERF_CMD_ACCEPT_CTRL 4
/* CTRL_SEND: MEMREF_INPUT data, VALUE_INPUT a = timeout ms; all is sent. */
#define IPERF_CMD_CTRL_SEND 5
/* CTRL_RECV: MEMREF_OUTPUT (size: at most; updated: what came, 0 = the
 * client closed), VALUE_INPUT a = timeout ms (0: poll). */
#define IPERF_CMD_CTRL_RECV 6
/* CTRL_CLOSE: no parameters: close the control connection and unclaimed
 * data connections (the listener stays). */
#define IPERF_CMD_CTRL_CLOSE 7
/* ACCEPT_STREAMS: MEMREF_INPUT cookie (IPERF_COOKIE_SIZE), VALUE_INPUT
 * a = count, b = timeout ms per stream: accept count data connections that
 * send that cookie and park them as streams 0 .. count-1. */
#define IPERF_CMD_ACCEPT_STREAMS 8
/* ATTACH (on a fresh stream session): MEMREF_INPUT struct iperf_ta_open
 * (flags, blksize, window, rate_bps; host/port unused), VALUE_INPUT
 * a = parked stream index: make that connection this session's stream. */
#define IPERF_CMD_ATTACH 9

#define IPERF_MAX_PARKED 128 /* as IP3_MAX_STREAMS */

/* struct iperf_ta_open.flags */
#define IPERF_F_UDP    0x1 /* UDP stream (else TCP) */
#define IPERF_F_SENDER 0x2 /* this end sends (else receives) */
#define IPERF_F_CTR64  0x4 /* UDP: 64-bit packet counters */
#define IPERF_F_IPV6   0x8 /* host is an IPv6 literal */

#define IPERF_COOKIE_SIZE 37 /* 36 characters and a NUL, as iperf3 */
#define IPERF_HOST_MAX	  256
#define IPERF_MAX_BLKSIZE (8u * 1024 * 1024)

struct iperf_ta_open {
	uint32_t flags;
	uint32_t port;
	uint32_t blksize;  /* bytes per send/recv (UDP: datagram size) */
	uint32_t window;   /* socket buffer size, 0 = system default */
	uint64_t rate_bps; /* UDP sender: target bit rate, 0 = unlimited */
	char cookie[40];   /* TCP: sent on connect, as iperf3 data streams do */
	char host[IPERF_HOST_MAX];
};

/* Status of a RUN (and of the loop in iperf_loop.h). */
#define IPERF_ST_OK	0 /* budget used up or byte limit reached */
#define IPERF_ST_CLOSED 1 /* the peer closed the stream */
#define IPERF_ST_ERROR	2 /* a socket call failed: see error */

/* Cumulative counters of one stream since OPEN (64-bit everywhere). */
struct iperf_ta_result {
	uint64_t bytes;	     /* payload bytes moved by this stream */
	uint64_t blocks;     /* send/recv calls that moved data */
	uint64_t packets;    /* UDP: sent, or highest sequence number seen */
	uint64_t lost;	     /* UDP receiver: sequence gaps */
	uint64_t outoforder; /* UDP receiver */
	uint64_t jitter_ns;  /* UDP receiver: RFC 1889 jitter */
	/* Socket-service counters of the whole TA instance (all streams),
	 * from edgetee_socket_stats(); all 0 where it does not exist. */
	uint64_t sock_crossings;
	uint64_t sock_ree_ns;
	uint64_t sock_wait_ns;
	uint64_t sock_bytes_sent;
	uint64_t sock_bytes_received;
	uint32_t status;	 /* IPERF_ST_* */
	uint32_t error;		 /* TEE_Result of the failing socket call */
	uint32_t protocol_error; /* from open / error() */
	uint32_t has_sock_stats; /* 1 if the sock_* fields are real */
};

#endif
