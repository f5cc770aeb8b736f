/*
 * iperfTZ TA interface, shared by the TA (ta/iperf) and `edgetee iperf`
 * (src/cli). One session carries one iperf3 data stream: OPEN connects it
 * through the GP TEE Sockets API, each RUN moves data for a time budget and
 * returns cumulative counters, CLOSE ends it.
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
