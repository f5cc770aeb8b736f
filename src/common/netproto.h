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
 */
#ifndef ET_NETPROTO_H
#define ET_NETPROTO_H

#include <stdint.h>

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
	uint32_t pad;
	uint64_t ree_ns; /* time the supplicant spent on this request */
};

/* core -> supplicant (its fd 3): a new TA host's connection, + that fd. */
#define ET_SUPP_CONN 1
struct et_supp_conn {
	uint32_t type; /* ET_SUPP_CONN */
	int32_t pid;   /* the TA host, for the log */
};

#endif
