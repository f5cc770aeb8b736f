/*
 * GP TEE Sockets API 1.0.x: the TEE_iSocket instances TEE_tcpSocket and
 * TEE_udpSocket, plus edgetee_socket_stats() (include/tee_socket_stats.h)
 * and the edgetee extension edgetee_tcp_listen/accept
 * (include/tee_tcpsocket_server.h): a listener has no ring and only
 * accepts; an accepted connection is adopted exactly like an opened one.
 *
 * The TA process is sandboxed (no socket()), so every call is a request to
 * edgetee-supplicant over the TA host's connection (fd 5, set up by the
 * core; protocol in src/common/netproto.h). Payload is copied once, between
 * the TA's buffer and the shared region the supplicant sent at the first
 * call; the supplicant send()s from / recv()s into that region. Sends
 * larger than a region slot (1 MiB) go out in slot-sized requests.
 *
 * TCP data does not take that request path: each TCP socket has a ring
 * (netproto.h) that a pair of supplicant threads keep draining (send) and
 * filling (recv). send() returns once the data is in the TX ring, which is
 * what GP's "sent" can mean for a stream socket: accepted for transmission,
 * as by a kernel's socket buffer; it blocks (with its timeout) only while
 * the ring is full. An error of the drain (peer reset, ...) is kept and
 * returned by the next send (error() gives the errno), as the kernel reports
 * an asynchronous socket error on the next call. recv() copies out of the
 * RX ring and waits only when it is empty. close() waits up to
 * ET_NET_RING_FLUSH_MS for the TX ring to drain; what is left after that
 * the supplicant still sends, as the kernel does after close(2).
 *
 * Cancellation: while waiting for a reply the TA polls its connection in
 * short slices and looks at the session's cancellation word; once it is
 * set and unmasked, the TA sends ET_NET_ABORT and the supplicant ends the
 * blocked syscall wait with TEE_ERROR_CANCEL. mb->ta_blocked is set while
 * waiting, as in TEE_Wait, so the client's cancellation grace period does
 * not kill a TA that is merely blocked in recv.
 *
 * Handles are checked against the list of open sockets: an unknown or
 * closed handle panics the TA (GP [ctx] rule; OP-TEE panics too), except
 * close(), which returns TEE_ERROR_BAD_PARAMETERS so a double close is
 * survivable, and accepts TEE_HANDLE_NULL as a no-op.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <tee_socket_stats.h>
#include <tee_tcpsocket.h>
#include <tee_tcpsocket_server.h>
#include <tee_udpsocket.h>

#include "doorbell.h"
#include "fdio.h"
#include "netproto.h"
#include "utee_priv.h"

#define SOCK_MAGIC	0x534f434bu
#define CANCEL_SLICE_MS 10

#define DEAD_SLICE_MS 200	   /* how often a long wait checks the supplicant */
#define TX_BATCH      (64u * 1024) /* publish to the TX pump at least this often */

struct utee_sock {
	uint32_t magic;
	uint32_t handle; /* the supplicant's */
	uint8_t proto;
	uint8_t listener;     /* edgetee_tcp_listen: accepts only, no ring */
	uint16_t lport;	      /* listener: the bound port */
	uint32_t proto_error; /* protocol error of the last call (errno) */
	struct utee_sock *next;
	/* TCP: the socket's ring; NULL = the request path */
	struct et_net_ring *ring;
	size_t ring_len;
	uint8_t *tx, *rx;
	uint32_t tx_size, rx_size;
	uint32_t tx_cap; /* usable TX bytes (TEE_TCP_SET_SENDBUF caps it) */
	/* Our positions; the shared copies are only the peer's input. */
	uint32_t tx_head, rx_tail;
	struct et_spin tx_spin, rx_spin;
};

static pthread_mutex_t net_lock = PTHREAD_MUTEX_INITIALIZER;
static struct utee_sock *socks;
static uint8_t *region;
static int net_dead;
static uint32_t net_seq;
static struct edgetee_socket_stats stats; /* requests, TA waits, closed rings */

static struct utee_sock *sock_check(TEE_iSocketHandle ctx)
{
	pthread_mutex_lock(&net_lock);
	struct utee_sock *s = socks;
	while (s && s != ctx)
		s = s->next;
	pthread_mutex_unlock(&net_lock);
	return s && s->magic == SOCK_MAGIC ? s : NULL;
}

/* Map the region the supplicant sends first; once per TA process. */
static TEE_Result net_init(void)
{
	if (region)
		return TEE_SUCCESS;
	if (net_dead)
		return TEE_ERROR_COMMUNICATION;
	struct et_net_hello h;
	int fd = -1, nfds = 1;
	ssize_t n = et_recv(ET_NET_FD, &h, sizeof(h), &fd, &nfds);
	size_t sz = 0;
	if (n == (ssize_t)sizeof(h) && h.type == ET_NET_HELLO && nfds == 1 &&
	    et_memfd_check(fd, &sz) == 0 && sz >= ET_NET_REGION) {
		void *p =
		    mmap(NULL, ET_NET_REGION, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p != MAP_FAILED)
			region = p;
	}
	if (nfds == 1)
		close(fd);
	if (!region) {
		net_dead = 1;
		EMSG("GP sockets: no connection to edgetee-supplicant");
		return TEE_ERROR_COMMUNICATION;
	}
	return TEE_SUCCESS;
}

static int cancelled(struct utee_session *s)
{
	return s && !s->cancel_masked && atomic_load(&s->mb->cancel);
}

/* One reply, and the descriptor it may carry (OPEN of a TCP socket). */
static ssize_t recv_rep(struct et_net_rep *p, int *rfd)
{
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} cb;
	struct iovec iov = {.iov_base = p, .iov_len = sizeof(*p)};
	struct msghdr m = {.msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = cb.b,
			   .msg_controllen = sizeof(cb.b)};
	ssize_t n = recvmsg(ET_NET_FD, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (n <= 0)
		return n;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len != CMSG_LEN(sizeof(int)))
			continue;
		int fd;
		memcpy(&fd, CMSG_DATA(c), sizeof(fd));
		if (rfd && *rfd < 0)
			*rfd = fd;
		else
			close(fd);
	}
	return n;
}

/*
 * One request/reply crossing. Waits by spinning briefly (the common reply
 * to a send/recv on a fast socket comes within microseconds), then by
 * polling in slices that watch for cancellation. *rfd (if given, -1 on
 * entry) receives a descriptor that comes with the reply.
 */
static TEE_Result call_fd(struct et_net_req *q, struct et_net_rep *p, int blocking,
			  int *rfd)
{
	struct utee_session *s = utee_cur;
	uint64_t t0 = et_now_ns();
	q->seq = ++net_seq;
	if (et_send(ET_NET_FD, q, sizeof(*q), NULL, 0)) {
		net_dead = 1;
		return TEE_ERROR_COMMUNICATION;
	}
	if (blocking && s)
		atomic_store(&s->mb->ta_blocked, 1);
	TEE_Result r = TEE_ERROR_COMMUNICATION;
	int aborted = 0;
	uint64_t spin_end = t0 + et_spin_budget_ns();
	for (;;) {
		ssize_t n = recv_rep(p, rfd);
		if (n == (ssize_t)sizeof(*p)) {
			if (p->seq != q->seq)
				continue; /* cannot happen: one request at a time */
			r = TEE_SUCCESS;
			break;
		}
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) ||
		    (n > 0 && n != (ssize_t)sizeof(*p))) {
			net_dead = 1; /* the supplicant is gone */
			break;
		}
		if (et_now_ns() < spin_end)
			continue;
		if (!aborted && cancelled(s)) {
			struct et_net_req a = {.type = ET_NET_ABORT, .seq = q->seq};
			et_send(ET_NET_FD, &a, sizeof(a), NULL, 0);
			aborted = 1;
		}
		struct pollfd pf = {.fd = ET_NET_FD, .events = POLLIN};
		int cancellable = s && !s->cancel_masked && !aborted;
		poll(&pf, 1, cancellable ? CANCEL_SLICE_MS : -1);
	}
	if (blocking && s)
		atomic_store(&s->mb->ta_blocked, 0);
	pthread_mutex_lock(&net_lock);
	stats.crossings++;
	stats.wait_ns += et_now_ns() - t0;
	if (r == TEE_SUCCESS) {
		stats.ree_ns += p->ree_ns;
		if (q->type == ET_NET_SEND)
			stats.bytes_sent += p->len;
		else if (q->type == ET_NET_RECV)
			stats.bytes_received += p->len;
	}
	pthread_mutex_unlock(&net_lock);
	return r;
}

static TEE_Result call(struct et_net_req *q, struct et_net_rep *p, int blocking)
{
	return call_fd(q, p, blocking, NULL);
}

static uint64_t deadline_of(uint32_t timeout)
{
	if (timeout == TEE_TIMEOUT_INFINITE)
		return ET_NET_NO_DEADLINE;
	if (timeout == 0)
		return 0;
	return et_now_ns() + (uint64_t)timeout * 1000000u;
}

/* ---- TCP rings ------------------------------------------------------------ */

static int pow2(uint32_t v)
{
	return v >= ET_NET_RING_MIN && v <= ET_NET_RING_MAX && !(v & (v - 1));
}

/* Map the ring the OPEN reply carried (fd is consumed). */
static int ring_map(struct utee_sock *s, int fd)
{
	size_t sz = 0;
	void *p = MAP_FAILED;
	if (et_memfd_check(fd, &sz) == 0 && sz > ET_NET_RING_HDR)
		p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	struct et_net_ring *h = p;
	/* Read the sizes once: later changes by anyone are ignored. */
	uint32_t tx = h->tx_size, rx = h->rx_size;
	if (!pow2(tx) || !pow2(rx) || (size_t)ET_NET_RING_HDR + tx + rx > sz) {
		munmap(p, sz);
		return -1;
	}
	s->ring = h;
	s->ring_len = sz;
	s->tx = (uint8_t *)p + ET_NET_RING_HDR;
	s->rx = s->tx + tx;
	s->tx_size = s->tx_cap = tx;
	s->rx_size = rx;
	et_spin_init(&s->tx_spin);
	et_spin_init(&s->rx_spin);
	return 0;
}

/* The ring's counters, added to stats when the socket closes. */
static void ring_counters(const struct et_net_ring *h, struct edgetee_socket_stats *o)
{
	o->bytes_sent += atomic_load_explicit(&h->tx_bytes, memory_order_relaxed);
	o->bytes_received += atomic_load_explicit(&h->rx_bytes, memory_order_relaxed);
	o->ree_ns += atomic_load_explicit(&h->tx_ree_ns, memory_order_relaxed) +
		     atomic_load_explicit(&h->rx_ree_ns, memory_order_relaxed);
}

static void count_wake(int woke)
{
	if (!woke)
		return;
	pthread_mutex_lock(&net_lock);
	stats.crossings++;
	pthread_mutex_unlock(&net_lock);
}

static int supplicant_gone(void)
{
	struct pollfd pf = {.fd = ET_NET_FD, .events = POLLIN};
	return poll(&pf, 1, 0) == 1 && (pf.revents & (POLLHUP | POLLERR));
}

/*
 * Wait until the supplicant bumps *ev away from old (data, room, or an
 * error arrived). The doorbell spins adaptively first (a pump on the other
 * CPU answers within microseconds), then sleeps on the futex in slices so
 * that cancellation (~10 ms) and a dead supplicant are noticed. One call is
 * one crossing in the statistics; its time is wait_ns.
 */
static TEE_Result ring_wait(_Atomic uint32_t *ev, uint32_t old,
			    _Atomic uint32_t *sleeping, struct et_spin *sp,
			    uint64_t deadline)
{
	struct utee_session *s = utee_cur;
	uint64_t t0 = et_now_ns();
	TEE_Result r;
	if (s)
		atomic_store(&s->mb->ta_blocked, 1);
	for (;;) {
		if (cancelled(s)) {
			r = TEE_ERROR_CANCEL;
			break;
		}
		uint64_t slice = s && !s->cancel_masked ? CANCEL_SLICE_MS : DEAD_SLICE_MS;
		if (deadline != ET_NET_NO_DEADLINE) {
			uint64_t now = et_now_ns();
			if (now >= deadline) {
				r = TEE_ISOCKET_ERROR_TIMEOUT;
				break;
			}
			uint64_t ms = (deadline - now + 999999) / 1000000;
			if (ms < slice)
				slice = ms;
		}
		if (et_bell_wait_adaptive(ev, old, sleeping, NULL, sp, (int)slice) == 0) {
			r = TEE_SUCCESS;
			break;
		}
		if (supplicant_gone()) {
			net_dead = 1;
			r = TEE_ERROR_COMMUNICATION;
			break;
		}
	}
	if (s)
		atomic_store(&s->mb->ta_blocked, 0);
	pthread_mutex_lock(&net_lock);
	stats.crossings++;
	stats.wait_ns += et_now_ns() - t0;
	pthread_mutex_unlock(&net_lock);
	return r;
}

/* Copy n bytes into the TX ring at the head, across the wrap. */
static void tx_copy(struct utee_sock *s, const uint8_t *src, uint32_t n)
{
	uint32_t off = s->tx_head & (s->tx_size - 1), first = s->tx_size - off;
	if (n <= first) {
		memcpy(s->tx + off, src, n);
	} else {
		memcpy(s->tx + off, src, first);
		memcpy(s->tx, src + first, n - first);
	}
}

static TEE_Result ring_send(struct utee_sock *s, const uint8_t *buf, uint32_t total,
			    uint32_t *sent, uint32_t timeout)
{
	struct et_net_ring *h = s->ring;
	struct et_net_dir *d = &h->tx;
	uint64_t deadline = deadline_of(timeout);
	uint32_t done = 0;
	TEE_Result r = TEE_SUCCESS;
	s->proto_error = 0;
	while (done < total || total == 0) {
		/* An earlier send failed in the supplicant: report it now. */
		uint32_t e = atomic_load(&h->tx_ret);
		if (e) {
			s->proto_error = atomic_load(&h->tx_err);
			r = e;
			break;
		}
		if (total == 0)
			break;
		uint32_t ev = atomic_load(&d->prod_ev);
		uint32_t used =
		    s->tx_head - atomic_load_explicit(&d->tail, memory_order_acquire);
		if (used > s->tx_size) {
			r = TEE_ERROR_COMMUNICATION; /* the header is corrupt */
			break;
		}
		uint32_t room = used < s->tx_cap ? s->tx_cap - used : 0;
		if (room) {
			/* In batches, so the pump starts on a big buffer early. */
			uint32_t n = total - done;
			if (n > room)
				n = room;
			if (n > TX_BATCH)
				n = TX_BATCH;
			tx_copy(s, buf + done, n);
			s->tx_head += n;
			done += n;
			atomic_store_explicit(&d->head, s->tx_head, memory_order_release);
			count_wake(et_net_bump(&d->cons_ev, &d->cons_sleep));
			continue;
		}
		if (timeout == 0) {
			r = TEE_ISOCKET_ERROR_TIMEOUT;
			break;
		}
		/* Full: wait for room for the rest, or a quarter of the ring. */
		uint32_t want = total - done;
		if (want > s->tx_cap / 4)
			want = s->tx_cap / 4;
		atomic_store(&d->prod_wake_at, s->tx_head + want - s->tx_cap);
		if (s->tx_head - atomic_load(&d->tail) <= s->tx_cap - want)
			continue; /* the pump moved on meanwhile */
		r = ring_wait(&d->prod_ev, ev, &d->prod_sleep, &s->tx_spin, deadline);
		if (r != TEE_SUCCESS)
			break;
	}
	*sent = done;
	return r;
}

static TEE_Result ring_recv(struct utee_sock *s, uint8_t *buf, uint32_t *length,
			    uint32_t timeout)
{
	struct et_net_ring *h = s->ring;
	struct et_net_dir *d = &h->rx;
	uint32_t want = *length;
	uint64_t deadline = 0;
	int have_deadline = 0;
	*length = 0;
	s->proto_error = 0;
	if (!want)
		return TEE_SUCCESS; /* as recv(fd, buf, 0) */
	for (;;) {
		uint32_t ev = atomic_load(&d->cons_ev);
		uint32_t head = atomic_load_explicit(&d->head, memory_order_acquire);
		uint32_t avail = head - s->rx_tail;
		if (avail > s->rx_size)
			return TEE_ERROR_COMMUNICATION; /* the header is corrupt */
		if (avail) {
			uint32_t n = avail < want ? avail : want;
			uint32_t off = s->rx_tail & (s->rx_size - 1),
				 first = s->rx_size - off;
			if (n <= first) {
				memcpy(buf, s->rx + off, n);
			} else {
				memcpy(buf, s->rx + off, first);
				memcpy(buf + first, s->rx, n - first);
			}
			s->rx_tail += n;
			atomic_store(&d->tail, s->rx_tail);
			/* Wake the pump only once it can read a good chunk again. */
			if ((int32_t)(s->rx_tail - atomic_load(&d->prod_wake_at)) >= 0)
				count_wake(et_net_bump(&d->prod_ev, &d->prod_sleep));
			*length = n;
			return TEE_SUCCESS;
		}
		/* Data first, then EOF or the error that ended the stream. */
		uint32_t end = atomic_load(&h->rx_end);
		if (end && atomic_load(&d->head) == head) {
			if (end == 1)
				return TEE_SUCCESS;
			s->proto_error = atomic_load(&h->rx_err);
			return atomic_load(&h->rx_ret);
		}
		if (end)
			continue; /* data came with the end: take it first */
		if (timeout == 0)
			return TEE_ISOCKET_ERROR_TIMEOUT;
		if (!have_deadline) {
			deadline = deadline_of(timeout);
			have_deadline = 1;
		}
		TEE_Result r =
		    ring_wait(&d->cons_ev, ev, &d->cons_sleep, &s->rx_spin, deadline);
		if (r != TEE_SUCCESS)
			return r;
	}
}

/*
 * Before close: give the TX pump a moment to hand what the TA wrote to the
 * kernel, so that after close the data is where a synchronous send would
 * have left it. A peer that does not read gets it from the supplicant's
 * linger instead (no data is dropped here); an error ends the wait.
 */
static void ring_flush(struct utee_sock *s)
{
	struct et_net_dir *d = &s->ring->tx;
	uint64_t deadline = et_now_ns() + (uint64_t)ET_NET_RING_FLUSH_MS * 1000000u;
	for (;;) {
		uint32_t ev = atomic_load(&d->prod_ev);
		if (atomic_load(&d->tail) == s->tx_head || atomic_load(&s->ring->tx_ret))
			return;
		atomic_store(&d->prod_wake_at, s->tx_head);
		if (atomic_load(&d->tail) == s->tx_head)
			return;
		if (ring_wait(&d->prod_ev, ev, &d->prod_sleep, &s->tx_spin, deadline) !=
		    TEE_SUCCESS)
			return;
	}
}

/*
 * A socket the supplicant opened (or accepted) for us: map its ring if the
 * reply carried one and list it. Consumes s and rfd.
 */
static TEE_Result sock_adopt(struct utee_sock *s, uint8_t proto, struct et_net_rep *p,
			     int rfd, TEE_iSocketHandle *ctx, uint32_t *perr)
{
	s->magic = SOCK_MAGIC;
	s->handle = p->handle;
	s->proto = proto;
	/* The supplicant serves a ring socket through its ring only: one we
	 * cannot map is one we cannot use. */
	if (p->ring && (rfd < 0 || ring_map(s, rfd))) {
		struct et_net_req c = {.type = ET_NET_CLOSE, .handle = p->handle};
		call(&c, p, 0);
		free(s);
		*perr = ENOMEM;
		return TEE_ISOCKET_ERROR_OUT_OF_RESOURCES;
	}
	if (!p->ring && rfd >= 0)
		close(rfd);
	pthread_mutex_lock(&net_lock);
	s->next = socks;
	socks = s;
	pthread_mutex_unlock(&net_lock);
	*ctx = s;
	return TEE_SUCCESS;
}

static TEE_Result sock_open(uint8_t proto, TEE_iSocketHandle *ctx,
			    TEE_ipSocket_ipVersion ipv, const char *host, uint16_t port,
			    uint32_t *perr)
{
	*ctx = NULL;
	*perr = 0;
	if (!host || (ipv != TEE_IP_VERSION_DC && ipv != TEE_IP_VERSION_4 &&
		      ipv != TEE_IP_VERSION_6))
		return TEE_ERROR_BAD_PARAMETERS;
	size_t hl = strnlen(host, ET_NET_HOST_MAX);
	if (hl == 0 || hl >= ET_NET_HOST_MAX) {
		*perr = TEE_ISOCKET_ERROR_HOSTNAME;
		return TEE_ISOCKET_ERROR_PROTOCOL;
	}
	struct utee_sock *s = calloc(1, sizeof(*s));
	if (!s)
		return TEE_ERROR_OUT_OF_MEMORY;
	TEE_Result r = net_init();
	if (r != TEE_SUCCESS) {
		free(s);
		return r;
	}
	memcpy(region + ET_NET_OUT, host, hl + 1);
	struct et_net_req q = {.type = ET_NET_OPEN,
			       .len = (uint32_t)hl + 1,
			       .proto = proto,
			       .ipver = (uint32_t)ipv,
			       .port = port};
	struct et_net_rep p = {0};
	int rfd = -1;
	r = call_fd(&q, &p, 1, &rfd);
	if (r == TEE_SUCCESS)
		r = p.ret;
	if (r != TEE_SUCCESS) {
		if (rfd >= 0)
			close(rfd);
		*perr = p.err;
		free(s);
		return r;
	}
	return sock_adopt(s, proto, &p, rfd, ctx, perr);
}

static TEE_Result tcp_open(TEE_iSocketHandle *ctx, void *setup, uint32_t *protocolError)
{
	if (!ctx || !setup || !protocolError)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	TEE_tcpSocket_Setup *su = setup;
	return sock_open(TEE_ISOCKET_PROTOCOLID_TCP, ctx, su->ipVersion, su->server_addr,
			 su->server_port, protocolError);
}

static TEE_Result udp_open(TEE_iSocketHandle *ctx, void *setup, uint32_t *protocolError)
{
	if (!ctx || !setup || !protocolError)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	TEE_udpSocket_Setup *su = setup;
	return sock_open(TEE_ISOCKET_PROTOCOLID_UDP, ctx, su->ipVersion, su->server_addr,
			 su->server_port, protocolError);
}

static TEE_Result sock_close(TEE_iSocketHandle ctx)
{
	if (ctx == NULL)
		return TEE_SUCCESS;
	pthread_mutex_lock(&net_lock);
	struct utee_sock **pp = &socks;
	while (*pp && *pp != ctx)
		pp = &(*pp)->next;
	struct utee_sock *s = *pp;
	if (s)
		*pp = s->next;
	pthread_mutex_unlock(&net_lock);
	if (!s)
		return TEE_ERROR_BAD_PARAMETERS;
	if (s->ring && !net_dead)
		ring_flush(s);
	struct et_net_req q = {.type = ET_NET_CLOSE, .handle = s->handle};
	struct et_net_rep p = {0};
	TEE_Result r = call(&q, &p, 0);
	if (s->ring) {
		/* The RX pump has stopped; a lingering TX pump's last bytes are
		 * not counted (the TA cannot see them any more either). */
		pthread_mutex_lock(&net_lock);
		ring_counters(s->ring, &stats);
		pthread_mutex_unlock(&net_lock);
		munmap(s->ring, s->ring_len);
	}
	s->magic = 0;
	free(s);
	return r == TEE_SUCCESS ? p.ret : r;
}

static TEE_Result sock_send(TEE_iSocketHandle ctx, const void *buf, uint32_t *length,
			    uint32_t timeout)
{
	struct utee_sock *s = sock_check(ctx);
	if (!s || !length || (!buf && *length))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	uint32_t total = *length, done = 0;
	*length = 0;
	if (s->listener) {
		s->proto_error = ENOTCONN;
		return TEE_ISOCKET_ERROR_PROTOCOL;
	}
	if (s->ring)
		return ring_send(s, buf, total, length, timeout);
	/* A datagram goes out whole or not at all. */
	if (s->proto == TEE_ISOCKET_PROTOCOLID_UDP && total > ET_NET_CHUNK) {
		s->proto_error = EMSGSIZE;
		return TEE_ISOCKET_ERROR_LARGE_BUFFER;
	}
	uint64_t deadline = deadline_of(timeout);
	TEE_Result r = TEE_SUCCESS;
	s->proto_error = 0;
	do {
		uint32_t n = total - done > ET_NET_CHUNK ? ET_NET_CHUNK : total - done;
		memcpy(region + ET_NET_OUT, (const uint8_t *)buf + done, n);
		struct et_net_req q = {.type = ET_NET_SEND,
				       .handle = s->handle,
				       .len = n,
				       .deadline = deadline};
		struct et_net_rep p = {0};
		r = call(&q, &p, timeout != 0);
		if (r == TEE_SUCCESS)
			r = p.ret;
		done += p.len;
		s->proto_error = p.err;
		if (r != TEE_SUCCESS || p.len < n)
			break;
	} while (done < total);
	*length = done;
	return r;
}

static TEE_Result sock_recv(TEE_iSocketHandle ctx, void *buf, uint32_t *length,
			    uint32_t timeout)
{
	struct utee_sock *s = sock_check(ctx);
	if (!s || !length || (!buf && *length))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (s->listener) {
		*length = 0;
		s->proto_error = ENOTCONN;
		return TEE_ISOCKET_ERROR_PROTOCOL;
	}
	if (s->ring)
		return ring_recv(s, buf, length, timeout);
	uint32_t want = *length > ET_NET_CHUNK ? ET_NET_CHUNK : *length;
	*length = 0;
	struct et_net_req q = {.type = ET_NET_RECV,
			       .handle = s->handle,
			       .len = want,
			       .deadline = deadline_of(timeout)};
	struct et_net_rep p = {0};
	TEE_Result r = call(&q, &p, timeout != 0);
	if (r == TEE_SUCCESS)
		r = p.ret;
	s->proto_error = p.err;
	if (r == TEE_SUCCESS && p.len <= want) {
		memcpy(buf, region + ET_NET_IN, p.len);
		*length = p.len;
	}
	return r;
}

static uint32_t sock_error(TEE_iSocketHandle ctx)
{
	struct utee_sock *s = sock_check(ctx);
	if (!s)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	return s->proto_error;
}

static TEE_Result sock_ioctl(TEE_iSocketHandle ctx, uint32_t commandCode, void *buf,
			     uint32_t *length)
{
	struct utee_sock *s = sock_check(ctx);
	if (!s || !length || (!buf && *length))
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	uint8_t owner = (uint8_t)(commandCode >> 24);
	/* Generic commands (owner 0): GP defines none, so there is nothing to do. */
	if (owner == 0)
		return TEE_SUCCESS;
	if (owner != s->proto || s->listener)
		return TEE_ERROR_NOT_SUPPORTED;
	if (*length > ET_NET_HOST_MAX)
		return TEE_ISOCKET_ERROR_LARGE_BUFFER;
	memcpy(region + ET_NET_OUT, buf, *length);
	struct et_net_req q = {.type = ET_NET_IOCTL,
			       .handle = s->handle,
			       .cmd = commandCode,
			       .len = *length};
	struct et_net_rep p = {0};
	TEE_Result r = call(&q, &p, 0);
	if (r == TEE_SUCCESS)
		r = p.ret;
	s->proto_error = p.err;
	/* Write-behind adds the TX ring to the kernel's buffer: keep the sum
	 * near what the TA asked for (the supplicant caps read-ahead alike). */
	if (r == TEE_SUCCESS && s->ring && commandCode == TEE_TCP_SET_SENDBUF) {
		int v;
		memcpy(&v, buf, sizeof(v));
		uint32_t cap = v < 4096 ? 4096u : (uint32_t)v;
		s->tx_cap = cap < s->tx_size ? cap : s->tx_size;
	}
	return r;
}

TEE_Result edgetee_socket_stats(struct edgetee_socket_stats *out)
{
	if (!out)
		return TEE_ERROR_BAD_PARAMETERS;
	pthread_mutex_lock(&net_lock);
	*out = stats;
	for (struct utee_sock *s = socks; s; s = s->next)
		if (s->ring)
			ring_counters(s->ring, out);
	pthread_mutex_unlock(&net_lock);
	return TEE_SUCCESS;
}

/* ---- edgetee extension: listening TCP sockets (tee_tcpsocket_server.h) ---- */

TEE_Result edgetee_tcp_listen(const char *addr, uint16_t port, uint32_t ipVersion,
			      TEE_iSocketHandle *listener, uint32_t *protocolError)
{
	if (!listener || !protocolError)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	*listener = NULL;
	*protocolError = 0;
	if (ipVersion != TEE_IP_VERSION_DC && ipVersion != TEE_IP_VERSION_4 &&
	    ipVersion != TEE_IP_VERSION_6)
		return TEE_ERROR_BAD_PARAMETERS;
	size_t hl = addr ? strnlen(addr, ET_NET_HOST_MAX) : 0;
	if (hl >= ET_NET_HOST_MAX) {
		*protocolError = TEE_ISOCKET_ERROR_HOSTNAME;
		return TEE_ISOCKET_ERROR_PROTOCOL;
	}
	struct utee_sock *s = calloc(1, sizeof(*s));
	if (!s)
		return TEE_ERROR_OUT_OF_MEMORY;
	TEE_Result r = net_init();
	if (r != TEE_SUCCESS) {
		free(s);
		return r;
	}
	if (hl)
		memcpy(region + ET_NET_OUT, addr, hl + 1);
	/* len 0 is "any address" to the supplicant */
	struct et_net_req q = {.type = ET_NET_LISTEN,
			       .len = hl ? (uint32_t)hl + 1 : 0,
			       .proto = TEE_ISOCKET_PROTOCOLID_TCP,
			       .ipver = ipVersion,
			       .port = port};
	struct et_net_rep p = {0};
	r = call(&q, &p, 0);
	if (r == TEE_SUCCESS)
		r = p.ret;
	if (r != TEE_SUCCESS) {
		*protocolError = p.err;
		free(s);
		return r;
	}
	s->listener = 1;
	s->lport = (uint16_t)p.port;
	p.ring = 0; /* never one for a listener */
	return sock_adopt(s, TEE_ISOCKET_PROTOCOLID_TCP, &p, -1, listener, protocolError);
}

TEE_Result edgetee_tcp_accept(TEE_iSocketHandle listener, TEE_iSocketHandle *conn,
			      uint32_t timeout, uint32_t *protocolError)
{
	struct utee_sock *l = sock_check(listener);
	if (!l || !conn || !protocolError)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	*conn = NULL;
	*protocolError = 0;
	if (!l->listener)
		return TEE_ERROR_BAD_PARAMETERS;
	struct utee_sock *s = calloc(1, sizeof(*s));
	if (!s)
		return TEE_ERROR_OUT_OF_MEMORY;
	struct et_net_req q = {
	    .type = ET_NET_ACCEPT, .handle = l->handle, .deadline = deadline_of(timeout)};
	struct et_net_rep p = {0};
	int rfd = -1;
	/* Blocking like recv: ta_blocked set, cancellation sends ABORT. */
	TEE_Result r = call_fd(&q, &p, timeout != 0, &rfd);
	if (r == TEE_SUCCESS)
		r = p.ret;
	l->proto_error = p.err;
	if (r != TEE_SUCCESS) {
		if (rfd >= 0)
			close(rfd);
		*protocolError = p.err;
		free(s);
		return r;
	}
	return sock_adopt(s, TEE_ISOCKET_PROTOCOLID_TCP, &p, rfd, conn, protocolError);
}

uint16_t edgetee_tcp_listener_port(TEE_iSocketHandle listener)
{
	struct utee_sock *s = sock_check(listener);
	return s && s->listener ? s->lport : 0;
}

static TEE_iSocket tcp_socket = {
    .TEE_iSocketVersion = TEE_ISOCKET_VERSION,
    .protocolID = TEE_ISOCKET_PROTOCOLID_TCP,
    .open = tcp_open,
    .close = sock_close,
    .send = sock_send,
    .recv = sock_recv,
    .error = sock_error,
    .ioctl = sock_ioctl,
};

static TEE_iSocket udp_socket = {
    .TEE_iSocketVersion = TEE_ISOCKET_VERSION,
    .protocolID = TEE_ISOCKET_PROTOCOLID_UDP,
    .open = udp_open,
    .close = sock_close,
    .send = sock_send,
    .recv = sock_recv,
    .error = sock_error,
    .ioctl = sock_ioctl,
};

TEE_iSocket *const TEE_tcpSocket = &tcp_socket;
TEE_iSocket *const TEE_udpSocket = &udp_socket;
