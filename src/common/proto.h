/*
 * edgetee wire protocol: the messages exchanged between client libraries,
 * the core (edgeteed) and TA processes, and the layout of the per-session
 * mailbox page that carries every invocation on the fast path.
 *
 * Three kinds of channel exist:
 *  - client -> core: a SOCK_SEQPACKET Unix socket. Only session setup and
 *    control (open, kill, status) travel here, never invocations.
 *  - core <-> TA process: two SOCK_SEQPACKET socketpairs, "ctl" (core-driven:
 *    new session, close, destroy; TA notifications) and "svc" (TA-driven
 *    synchronous requests such as persistent time or TA-to-TA opens).
 *  - caller <-> TA process: a shared mailbox page (memfd) plus a "side"
 *    socketpair that carries shared-memory file descriptors, once each.
 *
 * All structures are host-endian and fixed-size: both ends are built from
 * the same tree on the same machine.
 */
#ifndef ET_PROTO_H
#define ET_PROTO_H

#include <stdatomic.h>
#include <stdint.h>

#include "doorbell.h"

#define ET_PROTO_VERSION 2

/* ---- client -> core ---------------------------------------------------- */
enum et_msg_type {
	ET_MSG_OPEN = 1, /* + fds: mailbox, side socket */
	ET_MSG_KILL,	 /* kill the TA instance behind a session (cancel timeout) */
	ET_MSG_STATUS,	 /* reply: JSON text */
	ET_MSG_SHUTDOWN, /* only from the instance's own uid */
};

struct et_msg_open {
	uint32_t type;
	uint32_t version;
	uint32_t login;
	uint32_t conn_gid; /* TEEC_LOGIN_GROUP*: the group asked for */
	uint8_t uuid[16];  /* TA UUID, big-endian RFC 4122 byte order */
	uint64_t cookie;   /* caller's handle for this session (for KILL) */
};

struct et_msg_kill {
	uint32_t type;
	uint32_t pad;
	uint64_t cookie;
};

struct et_msg_hdr {
	uint32_t type;
	uint32_t pad;
};

/* ---- core -> TA (ctl) ---------------------------------------------------- */
enum et_ctl_type {
	ET_CTL_SESSION = 100, /* + fds: mailbox, side socket */
	ET_CTL_CLOSE,	      /* caller vanished: close the session */
	ET_CTL_DESTROY,	      /* last session gone, no keep-alive: exit */
	ET_CTL_SESSION_END,   /* TA -> core: session finished (closed/open failed) */
	ET_CTL_LOAD,	      /* + fd: the verified TA ELF a waiting TA host loads */
};

struct et_ctl_load {
	uint32_t type;
	uint32_t pad;
	uint8_t uuid[16];
};

struct et_ctl_session {
	uint32_t type;
	uint32_t sid;
	uint32_t login; /* TEE_LOGIN_* of the client */
	uint32_t pad;
	uint8_t client_uuid[16];
};

struct et_ctl_sid {
	uint32_t type;
	uint32_t sid;
};

/* ---- TA -> core (svc), request then reply ------------------------------- */
enum et_svc_type {
	ET_SVC_OPEN_TA = 200, /* + fds: mailbox, side; no reply (answer in mailbox) */
	ET_SVC_PTIME_GET,
	ET_SVC_PTIME_SET,
	ET_SVC_KILL_SESSION, /* TA-to-TA cancellation timeout */
};

struct et_svc_req {
	uint32_t type;
	uint32_t pad;
	uint64_t cookie;  /* OPEN_TA / KILL_SESSION */
	uint8_t uuid[16]; /* OPEN_TA: target */
	uint64_t seconds; /* PTIME_SET */
	uint32_t millis;
	uint32_t pad2;
};

struct et_svc_reply {
	uint32_t ret; /* TEE_Result */
	uint32_t millis;
	uint64_t seconds;
};

/* ---- caller -> TA (side socket) ----------------------------------------- */
enum et_side_type {
	ET_SIDE_SHM_ADD = 300, /* + fd: memfd sealed against shrink/grow */
	ET_SIDE_SHM_DEL,
};

struct et_side_msg {
	uint32_t type;
	uint32_t id;
	uint64_t size;
};

/* ---- the mailbox page ---------------------------------------------------- */
enum et_mb_op { ET_OP_OPEN = 1, ET_OP_INVOKE, ET_OP_CLOSE };
enum et_mb_state { ET_MB_LIVE = 0, ET_MB_DEAD = 1 };

#define ET_SHM_BOUNCE 0u	  /* shm id 0: the session's bounce buffer */
#define ET_SHM_NULL   0xFFFFFFFFu /* memref with a NULL buffer */

/* One parameter as the caller passes it in. */
struct et_mparam {
	uint64_t a; /* value.a, or memref offset */
	uint64_t b; /* value.b, or memref size */
};

/*
 * One cache line each way. A round trip between two CPUs costs one line
 * transfer per line touched in turn, so the request line holds all a
 * request with up to two parameters needs (the TA's first miss brings it
 * all), and the response line all the caller reads back. The caller never
 * writes the response line while a request is in flight, the TA never
 * writes the request line, and the words both only read (state) sit apart.
 * Parameter types come from param_types alone.
 */
struct et_mailbox {
	/* Request line: written by the caller, read by the TA. */
	_Atomic uint32_t req;	   /* caller bumps to post a request */
	_Atomic uint32_t side_seq; /* side messages sent before this request */
	uint32_t op;		   /* enum et_mb_op */
	uint32_t cmd;
	uint32_t param_types;
	uint32_t shm_lo[2]; /* memrefs 0, 1: shm id (ET_SHM_BOUNCE, _NULL, registered) */
	_Atomic uint32_t caller_cpu; /* where the caller ran when it posted */
	struct et_mparam p_lo[2];

	/* Parameters 2 and 3, read only when param_types uses them. */
	uint32_t shm_hi[2];
	uint32_t pad1[2];
	struct et_mparam p_hi[2];
	char pad2[16];

	/* Response line: written by the TA (or the core), read by the caller. */
	_Atomic uint32_t resp; /* set = req when answered */
	_Atomic uint32_t caller_sleeping;
	uint32_t ret;
	uint32_t origin;
	_Atomic uint32_t ta_blocked; /* TA waits inside the TEE (TEE_Wait ...) */
	_Atomic uint32_t ta_cpu;     /* where the TA ran when it answered */
	/* Per parameter: value outputs as a | b << 32, memref output sizes. */
	uint64_t out[4];
	_Atomic uint64_t resp_ring_ns; /* when the TA rang a sleeping caller */

	/* Rarely written: both sides read these while spinning. */
	_Atomic uint32_t state;	      /* enum et_mb_state, set DEAD by the core */
	_Atomic uint32_t ta_sleeping; /* TA is (about to be) in FUTEX_WAIT on req */
	_Atomic uint64_t req_ring_ns; /* when the caller rang a sleeping TA */
	uint32_t pad5[12];

	_Atomic uint32_t cancel; /* futex: cancellation requested */
	uint32_t pad6[15];
};

_Static_assert(sizeof(struct et_mailbox) == 5 * 64, "mailbox lines");

static inline uint32_t *et_mb_shm(struct et_mailbox *mb, int i)
{
	return i < 2 ? &mb->shm_lo[i] : &mb->shm_hi[i - 2];
}

static inline struct et_mparam *et_mb_param(struct et_mailbox *mb, int i)
{
	return i < 2 ? &mb->p_lo[i] : &mb->p_hi[i - 2];
}

/* Parameter slots up to the last one that is not NONE: the loops over
 * parameters stop there (most invocations use one or two). */
static inline int et_nparams(uint32_t types)
{
	types &= 0xFFFFu;
	return types ? (35 - __builtin_clz(types)) / 4 : 0;
}
/* Outputs = inputs: an answer from a path that never ran the TA's code. */
static inline void et_mb_echo(struct et_mailbox *mb)
{
	for (int i = 0, n = et_nparams(mb->param_types); i < n; i++) {
		uint32_t t = (mb->param_types >> (4 * i)) & 0xF;
		const struct et_mparam *m = et_mb_param(mb, i);
		mb->out[i] = t >= 1 && t <= 3 ? (m->a & 0xFFFFFFFFu) | m->b << 32 : m->b;
	}
}

/* Answer the pending request from a path that never ran the TA's code (the
 * core, or the TA runtime failing to start a session). */
static inline void et_mb_answer_unrun(struct et_mailbox *mb, uint32_t ret,
				      uint32_t origin)
{
	et_mb_echo(mb);
	mb->ret = ret;
	mb->origin = origin;
	et_bell_ring(&mb->resp, atomic_load(&mb->req), &mb->caller_sleeping);
}

#define ET_MAILBOX_SIZE 4096

#endif
