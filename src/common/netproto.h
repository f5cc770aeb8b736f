/*
 * The GP Sockets wire protocol between a TA process (libutee,
 * src/libutee/tee_api_sockets.c) and edgetee-supplicant (src/supplicant),
 * the REE-side process that makes the socket syscalls for TAs.
 *
 * Each TA host has one SOCK_SEQPACKET connection to the supplicant (fd 5 in
 * the TA process), set up by the core when it starts the host. The
 * supplicant's first message on it is ET_NET_HELLO with a sealed memfd: the
 * shared data region. Then the TA sends one request at a time and waits for
 * its reply (GP entry points of a TA instance never run concurrently); only
 * ET_NET_ABORT may follow a pending request: it makes a blocked request
 * return TEE_ERROR_CANCEL and has no reply of its own.
 *
 * Payload never travels in these messages: send data, host names and ioctl
 * data are in the region's OUT slot, received data lands in its IN slot, so
 * a byte is copied once in user space (TA buffer <-> region) and the
 * supplicant's send()/recv() work on the region directly.
 *
 * A TCP socket's data does not use the slots nor requests at all: the OPEN
 * reply carries a second sealed memfd, the socket's ring (struct
 * et_net_ring), with one single-producer/single-consumer byte ring per
 * direction. The TA's send copies into the TX ring and returns (write-behind)
 * while a supplicant thread drains it with send(); another thread keeps
 * recv()ing into the RX ring (read-ahead) while the TA copies out of it. The
 * sides tell each other about progress with doorbells (doorbell.h) on event
 * words in the ring header, so a busy stream needs no round trip per call.
 */
#ifndef ET_NETPROTO_H
#define ET_NETPROTO_H

#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>

#include "doorbell.h"

#define ET_NET_FD	   5		       /* the connection, in the TA process */
#define ET_NET_CHUNK	   (1u << 20)	       /* one slot: largest payload per request */
#define ET_NET_REGION	   (2u * ET_NET_CHUNK) /* OUT slot, then IN slot */
#define ET_NET_OUT	   0u		       /* offsets of the slots in the region */
#define ET_NET_IN	   ET_NET_CHUNK
#define ET_NET_HOST_MAX	   256u	      /* host name incl. NUL */
#define ET_NET_NO_DEADLINE UINT64_MAX /* TEE_TIMEOUT_INFINITE */

enum et_net_type {
	ET_NET_HELLO = 400, /* supplicant -> TA, + fd: the region */
	ET_NET_OPEN,	    /* OUT: host name, len incl. NUL; proto, ipver, port */
	ET_NET_CLOSE,
	ET_NET_SEND,  /* OUT: len bytes */
	ET_NET_RECV,  /* up to len bytes into IN */
	ET_NET_IOCTL, /* cmd; OUT: len bytes of argument */
	ET_NET_ABORT, /* cancel the pending request; no reply */
	/* edgetee extension (tee_tcpsocket_server.h): listening TCP sockets */
	ET_NET_LISTEN, /* OUT: address, len incl. NUL (len 0: any); ipver, port;
			  reply: handle, port = the bound port */
	ET_NET_ACCEPT, /* handle = listener, deadline; reply as OPEN (handle,
			  ring + memfd) */
};

struct et_net_hello {
	uint32_t type;
	uint32_t pad;
	uint64_t size;
};

struct et_net_req {
	uint32_t type;
	uint32_t seq;	 /* echoed in the reply */
	uint32_t handle; /* supplicant's socket handle (not OPEN) */
	uint32_t len;
	uint32_t proto; /* OPEN: TEE_ISOCKET_PROTOCOLID_TCP/UDP */
	uint32_t ipver; /* OPEN: TEE_IP_VERSION_* */
	uint32_t port;	/* OPEN */
	uint32_t cmd;	/* IOCTL */
	/* CLOCK_MONOTONIC ns by which a blocking request gives up: 0 = do not
	 * block at all, ET_NET_NO_DEADLINE = never */
	uint64_t deadline;
};

struct et_net_rep {
	uint32_t seq;
	uint32_t ret;	 /* TEE_Result */
	uint32_t err;	 /* protocol error (errno, or TEE_ISOCKET_ERROR_HOSTNAME) */
	uint32_t len;	 /* bytes sent / received */
	uint32_t handle; /* OPEN */
	uint32_t ring;	 /* OPEN, ACCEPT: 1 = the reply carries the socket's ring memfd */
	uint32_t port;	 /* LISTEN: the local port bound */
	uint32_t pad;
	uint64_t ree_ns; /* time the supplicant spent on this request */
};

/*
 * The ring of one TCP socket: this header (one page), then the TX data
 * (TA -> supplicant), then the RX data (supplicant -> TA). Sizes are powers
 * of two. Positions are free-running byte counts (mod 2^32); a ring holds
 * head - tail bytes. Each position is written by one side only; each side
 * validates what it reads, so a TA scribbling on the header can only break
 * its own socket.
 *
 * Doorbells: a producer bumps cons_ev after publishing data (or an end of
 * stream / error); a consumer bumps prod_ev when its tail passes
 * prod_wake_at, the position the producer said it waits for (so a producer
 * waiting for room for 64 KiB is woken once, not per freed byte). A waiter
 * reads the event word before it looks at the positions, then waits for the
 * word to change (et_bell_wait*), so no wake-up is lost.
 */
#define ET_NET_RING_HDR	      4096u
#define ET_NET_RING_TX	      (1u << 20)
#define ET_NET_RING_RX	      (1u << 20)
#define ET_NET_RING_MIN	      (64u * 1024)
#define ET_NET_RING_MAX	      (16u << 20)
#define ET_NET_RING_FLUSH_MS  1000u  /* how long close waits for TX to drain */
#define ET_NET_RING_LINGER_MS 60000u /* then the supplicant keeps trying */

struct et_net_dir {
	/* written by the producer */
	_Alignas(64) _Atomic uint32_t head;
	_Atomic uint32_t cons_ev;      /* bumped when data or an end is published */
	_Atomic uint32_t prod_sleep;   /* producer sleeps on prod_ev */
	_Atomic uint32_t prod_wake_at; /* wake the producer when tail reaches this */
	/* written by the consumer */
	_Alignas(64) _Atomic uint32_t tail;
	_Atomic uint32_t prod_ev;    /* bumped when tail passes prod_wake_at */
	_Atomic uint32_t cons_sleep; /* consumer sleeps on cons_ev */
};

struct et_net_ring {
	uint32_t tx_size, rx_size; /* set by the supplicant before the TA maps it */
	struct et_net_dir tx;	   /* TA produces, supplicant consumes */
	struct et_net_dir rx;	   /* supplicant produces, TA consumes */
	/* written by the supplicant only */
	_Alignas(64) _Atomic uint32_t tx_ret; /* TEE_Result of a failed send(), sticky */
	_Atomic uint32_t tx_err;	      /* its errno */
	_Atomic uint32_t rx_end;	      /* 1 = EOF, 2 = error (rx_ret, rx_err) */
	_Atomic uint32_t rx_ret;
	_Atomic uint32_t rx_err;
	_Atomic uint64_t tx_bytes, rx_bytes;   /* payload moved by send()/recv() */
	_Atomic uint64_t tx_ree_ns, rx_ree_ns; /* time in those syscalls */
};

_Static_assert(sizeof(struct et_net_ring) <= ET_NET_RING_HDR, "ring header");

/*
 * Bump an event word and wake its waiter if it sleeps (et_bell_ring with an
 * increment: both sides may bump the same word, the supplicant to stop its
 * own thread). Returns 1 if a wake-up was needed: a futex syscall because
 * the peer slept, which is what the statistics count as a crossing.
 */
static inline int et_net_bump(_Atomic uint32_t *ev, _Atomic uint32_t *sleeping)
{
	atomic_fetch_add_explicit(ev, 1, memory_order_seq_cst);
	if (!atomic_load_explicit(sleeping, memory_order_seq_cst))
		return 0;
	et_futex_wake(ev, INT_MAX);
	return 1;
}

/* core -> supplicant (its fd 3): a new TA host's connection, + that fd. */
#define ET_SUPP_CONN 1
struct et_supp_conn {
	uint32_t type; /* ET_SUPP_CONN */
	int32_t pid;   /* the TA host, for the log */
};

#endif
