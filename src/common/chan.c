/*
 * Caller side of the fast path. One invocation is: the caller's API writes
 * its parameters into the mailbox (et_req_*; temporary memrefs are copied
 * into the bounce buffer), bumps the request word, waits for the response
 * word and reads the outputs back. Nothing here talks to the core except
 * session open and the rare kill after a cancel timeout.
 */
#define _GNU_SOURCE
#include "chan.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "doorbell.h"
#include "fdio.h"
#include "proto.h"
#include "tee_client_api.h"

struct et_chan {
	struct et_chan_ops ops;
	pthread_mutex_t lock; /* one request in flight per session */
	/* Guards sent[] and the side socket: releasing shared memory must not
	 * wait for a long invocation on the session. */
	pthread_mutex_t shm_lock;
	struct et_mailbox *mb;
	int mbfd;
	int side;      /* our end of the side socketpair */
	int side_peer; /* the TA's end, until the open request hands it over */
	uint8_t uuid[16];
	uint32_t login, gid;
	uint64_t cookie;
	struct et_shm bounce; /* id ET_SHM_BOUNCE, fd -1 until first use */
	/* Shm ids the TA process has mapped. Appended (and reallocated) only
	 * by invocations of this session, under lock and shm_lock; a release
	 * from another thread removes entries under shm_lock alone. */
	_Atomic uint32_t *sent;
	_Atomic size_t nsent;
	size_t capsent;
	_Atomic uint64_t cancel_at; /* when cancellation was requested, 0 = not */
	int dead;		    /* the TA is gone, or the open failed */
	struct et_spin spin;	    /* adaptive spin state of this caller */
};

static _Atomic uint32_t next_shm_id = 1;
static _Atomic uint64_t next_cookie = 1;

int et_shm_alloc(struct et_shm *s, size_t size, void *user)
{
	/* A zero-size block still gets a page so that it can be mapped. */
	size_t len = size ? size : 1;
	int fd = et_memfd_sealed("edgetee-shm", len);
	if (fd < 0)
		return fd;
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		int e = errno;
		close(fd);
		return -e;
	}
	uint32_t id;
	do
		id = atomic_fetch_add(&next_shm_id, 1);
	while (id == ET_SHM_BOUNCE || id == ET_SHM_NULL);
	s->id = id;
	s->fd = fd;
	s->map = m;
	s->size = size;
	s->user = user ? user : m;
	return 0;
}

void et_shm_free(struct et_shm *s)
{
	if (s->map)
		munmap(s->map, s->size ? s->size : 1);
	if (s->fd >= 0)
		close(s->fd);
	s->map = NULL;
	s->fd = -1;
}

static int side_send(struct et_chan *c, uint32_t type, uint32_t id, uint64_t size, int fd)
{
	struct et_side_msg m = {.type = type, .id = id, .size = size};
	int r = et_send(c->side, &m, sizeof(m), fd >= 0 ? &fd : NULL, fd >= 0 ? 1 : 0);
	if (r == 0)
		atomic_fetch_add_explicit(&c->mb->side_seq, 1, memory_order_relaxed);
	return r;
}

static int is_sent(struct et_chan *c, uint32_t id)
{
	size_t n = atomic_load_explicit(&c->nsent, memory_order_acquire);
	for (size_t i = 0; i < n; i++)
		if (atomic_load_explicit(&c->sent[i], memory_order_relaxed) == id)
			return 1;
	return 0;
}

static int ensure_sent_locked(struct et_chan *c, struct et_shm *s)
{
	if (is_sent(c, s->id))
		return 0;
	size_t n = atomic_load_explicit(&c->nsent, memory_order_relaxed);
	if (n == c->capsent) {
		size_t cap = c->capsent ? c->capsent * 2 : 8;
		_Atomic uint32_t *p = realloc((void *)c->sent, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		c->sent = p;
		c->capsent = cap;
	}
	int r = side_send(c, ET_SIDE_SHM_ADD, s->id, s->size ? s->size : 1, s->fd);
	if (r)
		return r;
	atomic_store_explicit(&c->sent[n], s->id, memory_order_relaxed);
	atomic_store_explicit(&c->nsent, n + 1, memory_order_release);
	return 0;
}

/*
 * Called with c->lock held. A block the TA already has is the common case
 * and is found without shm_lock: only this session's invocations, which
 * c->lock serialises, add entries or move the array; a release running
 * meanwhile moves the last entry into a freed slot and shortens the list,
 * so a scan can miss an entry but never find one that is not there (other
 * than the one being released, which a caller must not be using). A miss
 * is settled under shm_lock.
 */
static int ensure_sent(struct et_chan *c, struct et_shm *s)
{
	if (is_sent(c, s->id))
		return 0;
	pthread_mutex_lock(&c->shm_lock);
	int r = ensure_sent_locked(c, s);
	pthread_mutex_unlock(&c->shm_lock);
	return r;
}

void et_chan_forget_shm(struct et_chan *c, uint32_t id)
{
	pthread_mutex_lock(&c->shm_lock);
	size_t n = atomic_load_explicit(&c->nsent, memory_order_relaxed);
	for (size_t i = 0; i < n; i++) {
		if (atomic_load_explicit(&c->sent[i], memory_order_relaxed) != id)
			continue;
		atomic_store_explicit(
		    &c->sent[i],
		    atomic_load_explicit(&c->sent[n - 1], memory_order_relaxed),
		    memory_order_relaxed);
		atomic_store_explicit(&c->nsent, n - 1, memory_order_release);
		/* The TA keeps its own mapping until it reads this, before its
		 * next request: an invocation in flight is not disturbed. */
		if (!c->dead)
			side_send(c, ET_SIDE_SHM_DEL, id, 0, -1);
		break;
	}
	pthread_mutex_unlock(&c->shm_lock);
}

/* Room for need bytes; the first keep bytes (temporary memrefs already
 * placed by this request) move with the buffer when it grows. */
static int bounce_reserve(struct et_chan *c, size_t need, size_t keep)
{
	if (c->bounce.map && c->bounce.size >= need)
		return 0;
	size_t sz = 64 * 1024;
	while (sz < need)
		sz *= 2;
	struct et_shm nb;
	int r = et_shm_alloc(&nb, sz, NULL);
	if (r)
		return r;
	nb.id = ET_SHM_BOUNCE;
	pthread_mutex_lock(&c->shm_lock);
	r = side_send(c, ET_SIDE_SHM_ADD, ET_SHM_BOUNCE, sz, nb.fd);
	pthread_mutex_unlock(&c->shm_lock);
	if (r) {
		et_shm_free(&nb);
		return r;
	}
	if (keep)
		memcpy(nb.map, c->bounce.map, keep);
	et_shm_free(&c->bounce);
	c->bounce = nb;
	return 0;
}

void et_req_begin(struct et_chan *c, struct et_req *q)
{
	pthread_mutex_lock(&c->lock);
	q->c = c;
	q->mb = c->mb;
	q->bounce_used = 0;
	q->answered = 0;
}

void et_req_end(struct et_req *q)
{
	pthread_mutex_unlock(&q->c->lock);
}

void et_req_value(struct et_req *q, int i, uint32_t a, uint32_t b)
{
	struct et_mparam *m = et_mb_param(q->mb, i);
	m->a = a;
	m->b = b;
}

uint32_t et_req_shm(struct et_req *q, int i, struct et_shm *s, size_t offset, size_t size,
		    int copy_in)
{
	if (offset > s->size || size > s->size - offset)
		return TEEC_ERROR_BAD_PARAMETERS;
	/* A closed channel has no TA to send it to; the call says so. */
	if (!q->c->dead && ensure_sent(q->c, s))
		return TEEC_ERROR_COMMUNICATION;
	if (copy_in && s->user != s->map)
		memcpy((char *)s->map + offset, (char *)s->user + offset, size);
	struct et_mparam *m = et_mb_param(q->mb, i);
	*et_mb_shm(q->mb, i) = s->id;
	m->a = offset;
	m->b = size;
	return TEEC_SUCCESS;
}

uint32_t et_req_temp(struct et_req *q, int i, const void *buf, size_t size, int copy_in)
{
	struct et_mparam *m = et_mb_param(q->mb, i);
	m->b = size;
	if (!buf) {
		*et_mb_shm(q->mb, i) = ET_SHM_NULL;
		return TEEC_SUCCESS;
	}
	/* Even an empty one points into the bounce buffer; each starts on a
	 * cache line of its own. */
	size_t off = q->bounce_used;
	if (size > SIZE_MAX / 2 - off || bounce_reserve(q->c, off + size, off))
		return TEEC_ERROR_OUT_OF_MEMORY;
	q->bounce_used = off + ((size + 63) & ~(size_t)63);
	*et_mb_shm(q->mb, i) = ET_SHM_BOUNCE;
	m->a = off;
	if (copy_in)
		memcpy((char *)q->c->bounce.map + off, buf, size);
	return TEEC_SUCCESS;
}

void et_req_value_out(const struct et_req *q, int i, uint32_t *a, uint32_t *b)
{
	uint64_t v = q->mb->out[i]; /* a | b << 32, see et_mb_echo */
	*a = (uint32_t)v;
	*b = (uint32_t)(v >> 32);
}

size_t et_req_shm_out(const struct et_req *q, int i, struct et_shm *s, size_t offset,
		      size_t cap)
{
	size_t n = (size_t)q->mb->out[i];
	/* A larger size is the TA asking for a bigger buffer (SHORT_BUFFER). */
	if (n <= cap && s->user != s->map)
		memcpy((char *)s->user + offset, (char *)s->map + offset, n);
	return n;
}

size_t et_req_temp_out(const struct et_req *q, int i, void *buf, size_t cap)
{
	size_t n = (size_t)q->mb->out[i];
	if (n <= cap && buf)
		memcpy(buf, (char *)q->c->bounce.map + et_mb_param(q->mb, i)->a, n);
	return n;
}

static uint32_t cancel_grace_ms(void)
{
	const char *s = getenv("EDGETEE_CANCEL_GRACE_MS");
	long v = s ? strtol(s, NULL, 10) : 2000;
	return v < 0 ? 0 : (uint32_t)v;
}

/* Wait for the answer to request number seq; TARGET_DEAD if the TA died. */
static uint32_t wait_answer(struct et_chan *c, uint32_t seq, uint32_t *origin)
{
	struct et_mailbox *mb = c->mb;
	uint32_t tmo = c->ops.cancel_timeout_ms;
	uint64_t start = tmo != 0xFFFFFFFFu ? et_now_ns() : 0;
	int killed = 0;
	for (;;) {
		/* Long sleeps are sliced so that a vanished core or an expired
		 * cancellation grace period are noticed. */
		if (et_bell_wait_adaptive_ts(&mb->resp, seq - 1, &mb->caller_sleeping,
					     &mb->state, &mb->resp_ring_ns, &mb->ta_cpu,
					     &c->spin, 200) == 0) {
			if (atomic_load(&mb->resp) == seq)
				break;
			if (atomic_load(&mb->state) == ET_MB_DEAD)
				break;
		}
		if (atomic_load(&mb->resp) == seq ||
		    atomic_load(&mb->state) == ET_MB_DEAD)
			break;
		if (tmo != 0xFFFFFFFFu && !atomic_load(&c->cancel_at) &&
		    et_now_ns() - start >= (uint64_t)tmo * 1000000u)
			et_chan_cancel(c);
		uint64_t ca = atomic_load(&c->cancel_at);
		/* A TA blocked in TEE_Wait is waiting, not running away. */
		if (ca && atomic_load(&mb->ta_blocked)) {
			atomic_store(&c->cancel_at, et_now_ns());
			ca = 0;
		}
		if (!killed && ca &&
		    et_now_ns() - ca > (uint64_t)cancel_grace_ms() * 1000000u) {
			c->ops.kill(c->ops.arg, c->cookie);
			killed = 1;
		}
		if (c->ops.alive && !c->ops.alive(c->ops.arg)) {
			c->dead = 1;
			*origin = TEEC_ORIGIN_COMMS;
			return TEEC_ERROR_COMMUNICATION;
		}
	}
	if (atomic_load(&mb->state) == ET_MB_DEAD && atomic_load(&mb->resp) != seq) {
		c->dead = 1;
		*origin = TEEC_ORIGIN_TEE;
		return TEEC_ERROR_TARGET_DEAD;
	}
	if (mb->ret == TEEC_ERROR_TARGET_DEAD)
		c->dead = 1;
	*origin = mb->origin;
	return mb->ret;
}

/* Post the request in the mailbox and wait for its answer. */
static uint32_t call(struct et_req *q, uint32_t op, uint32_t cmd, uint32_t ptypes,
		     uint32_t *origin)
{
	struct et_chan *c = q->c;
	struct et_mailbox *mb = c->mb;
	*origin = TEEC_ORIGIN_TEE;
	/* Until the open request has handed side_peer over, no TA exists. */
	if (op != ET_OP_OPEN &&
	    (c->dead || c->side_peer >= 0 || atomic_load(&mb->state) == ET_MB_DEAD))
		return TEEC_ERROR_TARGET_DEAD;
	mb->param_types = ptypes;
	mb->op = op;
	mb->cmd = cmd;
	/* Ordered before the request by the doorbell's store. */
	if (atomic_load_explicit(&mb->cancel, memory_order_relaxed))
		atomic_store_explicit(&mb->cancel, 0, memory_order_relaxed);
	atomic_store_explicit(&c->cancel_at, 0, memory_order_relaxed);
	atomic_store_explicit(&mb->caller_cpu, (uint32_t)sched_getcpu(),
			      memory_order_relaxed);
	uint32_t seq = atomic_load(&mb->req) + 1;
	if (op == ET_OP_OPEN) {
		/* Published before any TA process has the mailbox: the core
		 * (or the TA it hands the session to) answers it there, so an
		 * open has the same single way to wait as an invocation. */
		atomic_store(&mb->req, seq);
		int fds[2] = {c->mbfd, c->side_peer};
		int r =
		    c->ops.open(c->ops.arg, c->uuid, c->login, c->gid, c->cookie, fds);
		close(c->side_peer);
		c->side_peer = -1;
		if (r) {
			c->dead = 1;
			*origin = TEEC_ORIGIN_COMMS;
			return TEEC_ERROR_COMMUNICATION;
		}
	} else {
		c->spin.woke =
		    et_bell_ring_ts(&mb->req, seq, &mb->ta_sleeping, &mb->req_ring_ns);
	}
	uint32_t r = wait_answer(c, seq, origin);
	q->answered = r != TEEC_ERROR_TARGET_DEAD || *origin != TEEC_ORIGIN_TEE;
	if (op == ET_OP_OPEN && r != TEEC_SUCCESS)
		c->dead = 1;
	return r;
}

uint32_t et_req_open(struct et_req *q, uint32_t ptypes, uint32_t *origin)
{
	if (q->c->side_peer < 0) { /* opened (or tried) already */
		*origin = TEEC_ORIGIN_API;
		return TEEC_ERROR_BAD_STATE;
	}
	return call(q, ET_OP_OPEN, 0, ptypes, origin);
}

uint32_t et_req_invoke(struct et_req *q, uint32_t cmd, uint32_t ptypes, uint32_t *origin)
{
	return call(q, ET_OP_INVOKE, cmd, ptypes, origin);
}

struct et_chan *et_chan_new(const struct et_chan_ops *ops, const uint8_t uuid[16],
			    uint32_t login, uint32_t gid)
{
	struct et_chan *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->shm_lock, NULL);
	c->ops = *ops;
	memcpy(c->uuid, uuid, 16);
	c->login = login;
	c->gid = gid;
	c->side = c->side_peer = -1;
	c->bounce.fd = -1;
	c->cookie = atomic_fetch_add(&next_cookie, 1);
	et_spin_init(&c->spin);
	c->mbfd = et_memfd_sealed("edgetee-mailbox", ET_MAILBOX_SIZE);
	int sv[2];
	if (c->mbfd < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		goto fail;
	c->side = sv[0];
	c->side_peer = sv[1];
	c->mb =
	    mmap(NULL, ET_MAILBOX_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, c->mbfd, 0);
	if (c->mb == MAP_FAILED) {
		c->mb = NULL;
		goto fail;
	}
	return c;
fail:
	et_chan_close(c);
	return NULL;
}

void et_chan_cancel(struct et_chan *c)
{
	if (!c)
		return;
	atomic_store(&c->cancel_at, et_now_ns());
	atomic_store(&c->mb->cancel, 1);
	et_futex_wake(&c->mb->cancel, 1 << 30);
}

void et_chan_set_timeout(struct et_chan *c, uint32_t ms)
{
	c->ops.cancel_timeout_ms = ms;
}

void et_chan_close(struct et_chan *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	if (!c->dead && c->side_peer < 0) {
		struct et_req q = {c, c->mb, 0, 0};
		uint32_t origin;
		call(&q, ET_OP_CLOSE, 0, 0, &origin);
	}
	pthread_mutex_unlock(&c->lock);
	et_shm_free(&c->bounce);
	if (c->mb)
		munmap(c->mb, ET_MAILBOX_SIZE);
	if (c->mbfd >= 0)
		close(c->mbfd);
	if (c->side >= 0)
		close(c->side);
	if (c->side_peer >= 0)
		close(c->side_peer);
	free((void *)c->sent);
	pthread_mutex_destroy(&c->lock);
	pthread_mutex_destroy(&c->shm_lock);
	free(c);
}
