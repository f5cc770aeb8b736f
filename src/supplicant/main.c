/*
 * edgetee-supplicant: the REE-side service process of one TEE instance. It
 * makes the socket syscalls that sandboxed TAs may not make (GP TEE Sockets
 * API), like OP-TEE's tee-supplicant does for OP-TEE TAs.
 *
 * edgeteed starts it with a control socket on fd 3 and sends it, for every
 * TA host it starts, one end of a SOCK_SEQPACKET pair whose other end is fd
 * 5 in that TA host. Each such connection is served by its own thread:
 * it creates the connection's shared data region (a sealed memfd, sent to
 * the TA once), then answers the TA's requests one at a time, sending from
 * and receiving into that region (src/common/netproto.h). Sockets are
 * non-blocking; a blocking request polls its socket together with the TA
 * connection, so an ET_NET_ABORT from the TA (cancellation) or the TA's
 * death ends the wait at once. As an edgetee extension
 * (tee_tcpsocket_server.h) a TA may also listen and accept: an accepted
 * connection gets a ring like an opened one.
 *
 * A TCP socket gets a ring (struct et_net_ring) and two pump threads: the
 * TX pump drains what the TA wrote behind into the socket, the RX pump reads
 * ahead into the RX ring, each sleeping on a doorbell when its ring is empty
 * (TX) or full (RX) and in poll() when the kernel is. Errors are left in
 * the ring header for the TA's next call. On close, what the TA already
 * handed over is still sent: the TA waits a moment for the drain, after
 * which the TX pump lingers on its own (like the kernel does for a closed
 * socket with unsent data) for at most ET_NET_RING_LINGER_MS.
 *
 * It dies with the core (PR_SET_PDEATHSIG) and when fd 3 reaches EOF.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <tee_api_defines.h>
#include <tee_tcpsocket.h>
#include <tee_udpsocket.h>

#include "doorbell.h"
#include "fdio.h"
#include "netproto.h"

#define MAX_SOCKS 256

enum { RING_LIVE, RING_LINGER, RING_TX_DONE };

/* One TCP socket's ring and pumps (see netproto.h). */
struct ring {
	struct et_net_ring *h;
	size_t map_len;
	uint8_t *tx, *rx;
	uint32_t tx_size, rx_size; /* private copies: the header is shared */
	int fd;			   /* the socket; the ring owns it */
	int tx_efd, rx_efd;	   /* end a pump's poll() */
	_Atomic uint32_t tx_stop, rx_stop;
	_Atomic uint32_t rcv_limit; /* TEE_TCP_SET_RECVBUF: caps read-ahead */
	_Atomic int owner;	    /* RING_*: who frees it, changed under lk */
	pthread_mutex_t lk;
	uint32_t final_head; /* LINGER: drain up to here */
	uint64_t linger_end;
	pthread_t txt, rxt;
};

struct conn {
	int fd; /* our end of the TA host's fd 5 */
	pid_t pid;
	uint8_t *region;
	int socks[MAX_SOCKS]; /* handle h is socks[h - 1]; -1 free */
	uint8_t proto[MAX_SOCKS];
	struct ring *rings[MAX_SOCKS]; /* TCP: its ring, else NULL */
	uint8_t listening[MAX_SOCKS];  /* a listener (edgetee extension) */
	int reply_fd;		       /* sent with the current reply, then closed */
};

static uint64_t spin_ns;
static uint32_t ring_tx_size = ET_NET_RING_TX, ring_rx_size = ET_NET_RING_RX;
static pthread_attr_t thread_attr;

static uint64_t now_ns(void)
{
	return et_now_ns();
}

static TEE_Result map_errno(int e)
{
	switch (e) {
	case EPIPE:
	case ECONNRESET:
	case ENOTCONN:
	case ESHUTDOWN:
		return TEE_ISOCKET_ERROR_REMOTE_CLOSED;
	case ENOMEM:
	case ENOBUFS:
	case EMFILE:
	case ENFILE:
		return TEE_ISOCKET_ERROR_OUT_OF_RESOURCES;
	case EMSGSIZE:
		return TEE_ISOCKET_ERROR_LARGE_BUFFER;
	case ETIMEDOUT:
		return TEE_ISOCKET_ERROR_TIMEOUT;
	default:
		return TEE_ISOCKET_ERROR_PROTOCOL;
	}
}

/*
 * Wait until fd is ready for events, the deadline passes (TIMEOUT) or the TA
 * sends ABORT or goes away (CANCEL). Only an ABORT is consumed here: the TA
 * has no other request in flight.
 */
static TEE_Result wait_io(struct conn *c, int fd, short events, uint64_t deadline)
{
	for (;;) {
		int to = -1;
		if (deadline != ET_NET_NO_DEADLINE) {
			uint64_t now = now_ns();
			if (now >= deadline)
				return TEE_ISOCKET_ERROR_TIMEOUT;
			uint64_t ms = (deadline - now + 999999) / 1000000;
			to = ms > 3600000 ? 3600000 : (int)ms;
		}
		struct pollfd p[2] = {{.fd = fd, .events = events},
				      {.fd = c->fd, .events = POLLIN}};
		int n = poll(p, 2, to);
		if (n < 0 && errno != EINTR)
			return TEE_ERROR_COMMUNICATION;
		if (n <= 0)
			continue;
		if (p[1].revents & (POLLHUP | POLLERR))
			return TEE_ERROR_CANCEL;
		if (p[1].revents & POLLIN) {
			struct et_net_req r;
			ssize_t k = recv(c->fd, &r, sizeof(r), MSG_PEEK | MSG_DONTWAIT);
			if (k == (ssize_t)sizeof(r) && r.type == ET_NET_ABORT) {
				k = recv(c->fd, &r, sizeof(r), MSG_DONTWAIT);
				return TEE_ERROR_CANCEL;
			}
			if (k == 0)
				return TEE_ERROR_CANCEL;
		}
		if (p[0].revents)
			return TEE_SUCCESS;
	}
}

static int sock_get(struct conn *c, uint32_t h)
{
	return h >= 1 && h <= MAX_SOCKS ? c->socks[h - 1] : -1;
}

/* ---- TCP rings: write-behind and read-ahead ---------------------------- */

static void ring_free(struct ring *r)
{
	close(r->fd);
	close(r->tx_efd);
	close(r->rx_efd);
	munmap(r->h, r->map_len);
	pthread_mutex_destroy(&r->lk);
	free(r);
}

static void add_ns(_Atomic uint64_t *c, uint64_t t0)
{
	atomic_fetch_add_explicit(c, now_ns() - t0, memory_order_relaxed);
}

/* Wait for the socket (events) or a kick on the pump's eventfd (stop, or
 * linger: re-read the state); timeout in ms. */
static void pump_poll(int fd, short events, int efd, int timeout_ms)
{
	struct pollfd p[2] = {{.fd = fd, .events = events},
			      {.fd = efd, .events = POLLIN}};
	if (poll(p, 2, timeout_ms) > 0 && (p[1].revents & POLLIN)) {
		uint64_t v;
		ssize_t n = read(efd, &v, sizeof(v));
		(void)n;
	}
}

static void kick(int efd)
{
	uint64_t one = 1;
	ssize_t w = write(efd, &one, sizeof(one));
	(void)w;
}

static void tx_fail(struct ring *r, int e)
{
	atomic_store(&r->h->tx_err, (uint32_t)e);
	atomic_store(&r->h->tx_ret, map_errno(e));
	/* Unconditionally: a TA waiting for room must see the error now. */
	et_net_bump(&r->h->tx.prod_ev, &r->h->tx.prod_sleep);
}

/*
 * TX pump: send() whatever the TA has written behind, as one sendmsg per
 * contiguous stretch (two iovecs across the wrap), so a TA writing small
 * blocks gets them batched. Sleeps on the doorbell when the ring is empty.
 */
static void *tx_pump(void *arg)
{
	struct ring *r = arg;
	struct et_net_dir *d = &r->h->tx;
	struct et_spin sp;
	et_spin_init_max(&sp, spin_ns);
	uint32_t tail = 0, mask = r->tx_size - 1;
	while (!atomic_load(&r->tx_stop)) {
		int linger = atomic_load(&r->owner) == RING_LINGER;
		uint32_t ev = atomic_load(&d->cons_ev);
		uint32_t head =
		    linger ? r->final_head
			   : atomic_load_explicit(&d->head, memory_order_acquire);
		uint32_t avail = head - tail;
		if (avail > r->tx_size) {
			tx_fail(r, EPROTO); /* the TA corrupted its header */
			break;
		}
		if (avail == 0) {
			if (linger)
				break;
			et_bell_wait_adaptive(&d->cons_ev, ev, &d->cons_sleep,
					      &r->tx_stop, &sp, 1000);
			continue;
		}
		uint32_t off = tail & mask, first = r->tx_size - off;
		struct iovec iov[2] = {{r->tx + off, avail < first ? avail : first},
				       {r->tx, avail > first ? avail - first : 0}};
		struct msghdr m = {.msg_iov = iov, .msg_iovlen = avail > first ? 2 : 1};
		uint64_t t0 = now_ns();
		ssize_t n = sendmsg(r->fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
		add_ns(&r->h->tx_ree_ns, t0);
		if (n > 0) {
			tail += (uint32_t)n;
			atomic_store(&d->tail, tail);
			atomic_fetch_add_explicit(&r->h->tx_bytes, (uint64_t)n,
						  memory_order_relaxed);
			if ((int32_t)(tail - atomic_load(&d->prod_wake_at)) >= 0)
				et_net_bump(&d->prod_ev, &d->prod_sleep);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int to = -1;
			if (linger) {
				uint64_t now = now_ns();
				if (now >= r->linger_end)
					break; /* the peer does not read: give up */
				to = (int)((r->linger_end - now) / 1000000) + 1;
			}
			pump_poll(r->fd, POLLOUT, r->tx_efd, to);
			continue;
		}
		tx_fail(r, n < 0 ? errno : EPIPE);
		break;
	}
	/* A lingering ring belongs to this thread (detached) now. */
	pthread_mutex_lock(&r->lk);
	int was = atomic_exchange(&r->owner, RING_TX_DONE);
	pthread_mutex_unlock(&r->lk);
	if (was == RING_LINGER)
		ring_free(r);
	return NULL;
}

static void rx_end(struct ring *r, uint32_t end, int e)
{
	if (end == 2) {
		atomic_store(&r->h->rx_err, (uint32_t)e);
		atomic_store(&r->h->rx_ret, map_errno(e));
	}
	atomic_store(&r->h->rx_end, end);
	et_net_bump(&r->h->rx.cons_ev, &r->h->rx.cons_sleep);
}

/*
 * RX pump: recv() into the RX ring as long as it has room, up to the
 * TA's SO_RCVBUF if it set one, so data waits in shared memory when the TA
 * asks for it. A full ring stops reading (TCP flow control then pushes back
 * on the peer) until the TA has consumed a quarter of it.
 */
static void *rx_pump(void *arg)
{
	struct ring *r = arg;
	struct et_net_dir *d = &r->h->rx;
	struct et_spin sp;
	et_spin_init_max(&sp, spin_ns);
	uint32_t head = 0, mask = r->rx_size - 1;
	while (!atomic_load(&r->rx_stop)) {
		uint32_t ev = atomic_load(&d->prod_ev);
		uint32_t used =
		    head - atomic_load_explicit(&d->tail, memory_order_acquire);
		if (used > r->rx_size) {
			rx_end(r, 2, EPROTO);
			break;
		}
		uint32_t lim = atomic_load(&r->rcv_limit);
		if (!lim || lim > r->rx_size)
			lim = r->rx_size;
		uint32_t want = lim / 4, room = used < lim ? lim - used : 0;
		if (room < want) {
			/* Ask to be woken once the TA has made room for want. */
			atomic_store(&d->prod_wake_at, head + want - lim);
			used = head - atomic_load(&d->tail);
			if (used > lim - want)
				et_bell_wait_adaptive(&d->prod_ev, ev, &d->prod_sleep,
						      &r->rx_stop, &sp, 1000);
			continue;
		}
		uint32_t off = head & mask, first = r->rx_size - off;
		struct iovec iov[2] = {{r->rx + off, room < first ? room : first},
				       {r->rx, room > first ? room - first : 0}};
		struct msghdr m = {.msg_iov = iov, .msg_iovlen = room > first ? 2 : 1};
		uint64_t t0 = now_ns();
		ssize_t n = recvmsg(r->fd, &m, MSG_DONTWAIT);
		add_ns(&r->h->rx_ree_ns, t0);
		if (n > 0) {
			head += (uint32_t)n;
			atomic_store_explicit(&d->head, head, memory_order_release);
			atomic_fetch_add_explicit(&r->h->rx_bytes, (uint64_t)n,
						  memory_order_relaxed);
			et_net_bump(&d->cons_ev, &d->cons_sleep);
			continue;
		}
		if (n == 0) {
			rx_end(r, 1, 0);
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			pump_poll(r->fd, POLLIN, r->rx_efd, -1);
			continue;
		}
		rx_end(r, 2, errno);
		break;
	}
	return NULL;
}

static void pump_stop(_Atomic uint32_t *stop, _Atomic uint32_t *ev, _Atomic uint32_t *sl,
		      int efd, pthread_t t)
{
	atomic_store(stop, 1);
	et_net_bump(ev, sl); /* out of a doorbell wait */
	kick(efd);	     /* out of poll() */
	pthread_join(t, NULL);
}

static void ring_stop_rx(struct ring *r)
{
	pump_stop(&r->rx_stop, &r->h->rx.prod_ev, &r->h->rx.prod_sleep, r->rx_efd,
		  r->rxt);
}

/* Stop both pumps at once and free the ring (TA gone, or nothing to send). */
static void ring_kill(struct ring *r)
{
	ring_stop_rx(r);
	pump_stop(&r->tx_stop, &r->h->tx.cons_ev, &r->h->tx.cons_sleep, r->tx_efd,
		  r->txt);
	ring_free(r);
}

/*
 * The TA closed the socket. Read-ahead ends (unread data is dropped, as by
 * close()); unsent data is still sent: the TX pump drains the ring on its
 * own, up to ET_NET_RING_LINGER_MS, then closes the socket.
 */
static void ring_close(struct ring *r)
{
	ring_stop_rx(r);
	uint32_t head = atomic_load(&r->h->tx.head), tail = atomic_load(&r->h->tx.tail);
	if (head != tail && head - tail <= r->tx_size && !atomic_load(&r->h->tx_ret)) {
		r->final_head = head;
		r->linger_end = now_ns() + (uint64_t)ET_NET_RING_LINGER_MS * 1000000u;
		/* The lock keeps the pump from freeing the ring before the kick. */
		pthread_mutex_lock(&r->lk);
		if (atomic_load(&r->owner) != RING_TX_DONE) {
			atomic_store(&r->owner, RING_LINGER);
			pthread_detach(r->txt);
			/* A pump blocked in poll() must start counting the linger. */
			kick(r->tx_efd);
			pthread_mutex_unlock(&r->lk);
			return;
		}
		pthread_mutex_unlock(&r->lk);
	}
	pump_stop(&r->tx_stop, &r->h->tx.cons_ev, &r->h->tx.cons_sleep, r->tx_efd,
		  r->txt);
	ring_free(r);
}

/* A connected TCP socket's ring; its memfd goes to the TA with the reply.
 * NULL (the request path then serves the socket) if anything is missing. */
static struct ring *ring_new(struct conn *c, int fd)
{
	if (!ring_tx_size)
		return NULL; /* EDGETEE_NET_RING=0: rings disabled */
	struct ring *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->tx_size = ring_tx_size;
	r->rx_size = ring_rx_size;
	r->map_len = ET_NET_RING_HDR + (size_t)r->tx_size + r->rx_size;
	r->fd = fd;
	pthread_mutex_init(&r->lk, NULL);
	r->tx_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	r->rx_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	int mfd = et_memfd_sealed("edgetee-ring", r->map_len);
	void *p = mfd >= 0
		      ? mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0)
		      : MAP_FAILED;
	if (p == MAP_FAILED || r->tx_efd < 0 || r->rx_efd < 0)
		goto fail;
	r->h = p;
	r->h->tx_size = r->tx_size;
	r->h->rx_size = r->rx_size;
	r->tx = (uint8_t *)p + ET_NET_RING_HDR;
	r->rx = r->tx + r->tx_size;
	if (pthread_create(&r->txt, &thread_attr, tx_pump, r))
		goto fail;
	if (pthread_create(&r->rxt, &thread_attr, rx_pump, r)) {
		pump_stop(&r->tx_stop, &r->h->tx.cons_ev, &r->h->tx.cons_sleep, r->tx_efd,
			  r->txt);
		goto fail;
	}
	c->reply_fd = mfd;
	return r;
fail:
	if (p != MAP_FAILED)
		munmap(p, r->map_len);
	if (mfd >= 0)
		close(mfd);
	if (r->tx_efd >= 0)
		close(r->tx_efd);
	if (r->rx_efd >= 0)
		close(r->rx_efd);
	pthread_mutex_destroy(&r->lk);
	free(r);
	return NULL;
}

/* EDGETEE_NET_RING: bytes per direction (power of two), 0 = no rings. */
static void ring_config(void)
{
	const char *e = getenv("EDGETEE_NET_RING");
	if (!e)
		return;
	unsigned long v = strtoul(e, NULL, 0);
	if (v == 0) {
		ring_tx_size = ring_rx_size = 0;
		return;
	}
	if (v < ET_NET_RING_MIN || v > ET_NET_RING_MAX || (v & (v - 1))) {
		fprintf(stderr,
			"edgetee-supplicant: EDGETEE_NET_RING=%s ignored (a power "
			"of two, 64 KiB .. 16 MiB, or 0)\n",
			e);
		return;
	}
	ring_tx_size = ring_rx_size = (uint32_t)v;
}

static int free_slot(struct conn *c)
{
	for (int i = 0; i < MAX_SOCKS; i++)
		if (c->socks[i] < 0)
			return i;
	return -1;
}

static void do_open(struct conn *c, const struct et_net_req *q, struct et_net_rep *p)
{
	char host[ET_NET_HOST_MAX];
	if (q->len == 0 || q->len > ET_NET_HOST_MAX) {
		p->ret = TEE_ISOCKET_ERROR_PROTOCOL;
		p->err = TEE_ISOCKET_ERROR_HOSTNAME;
		return;
	}
	memcpy(host, c->region + ET_NET_OUT, q->len);
	host[q->len - 1] = 0;
	struct addrinfo hints = {0}, *res = NULL;
	hints.ai_family = q->ipver == TEE_IP_VERSION_4	 ? AF_INET
			  : q->ipver == TEE_IP_VERSION_6 ? AF_INET6
							 : AF_UNSPEC;
	if (q->proto == TEE_ISOCKET_PROTOCOLID_TCP)
		hints.ai_socktype = SOCK_STREAM;
	else if (q->proto == TEE_ISOCKET_PROTOCOLID_UDP)
		hints.ai_socktype = SOCK_DGRAM;
	if (!hints.ai_socktype || q->ipver > TEE_IP_VERSION_6 || q->port > 65535) {
		p->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	int slot = free_slot(c);
	if (slot < 0) {
		p->ret = TEE_ISOCKET_ERROR_OUT_OF_RESOURCES;
		p->err = EMFILE;
		return;
	}
	char port[8];
	snprintf(port, sizeof(port), "%u", q->port);
	hints.ai_flags = AI_NUMERICSERV;
	if (getaddrinfo(host, port, &hints, &res) || !res) {
		p->ret = TEE_ISOCKET_ERROR_PROTOCOL;
		p->err = TEE_ISOCKET_ERROR_HOSTNAME;
		return;
	}
	p->ret = TEE_ISOCKET_ERROR_PROTOCOL;
	p->err = ECONNREFUSED;
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		int fd =
		    socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			   a->ai_protocol);
		if (fd < 0) {
			p->ret = map_errno(errno);
			p->err = (uint32_t)errno;
			continue;
		}
		int r = connect(fd, a->ai_addr, a->ai_addrlen);
		if (r < 0 && errno == EINPROGRESS) {
			/* Open has no timeout in GP; it still ends on cancellation. */
			TEE_Result w = wait_io(c, fd, POLLOUT, ET_NET_NO_DEADLINE);
			if (w != TEE_SUCCESS) {
				close(fd);
				p->ret = w;
				p->err = 0;
				break;
			}
			int e = 0;
			socklen_t l = sizeof(e);
			getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l);
			r = e ? -1 : 0;
			errno = e;
		}
		if (r < 0) {
			p->ret = errno == ETIMEDOUT ? TEE_ISOCKET_ERROR_TIMEOUT
						    : TEE_ISOCKET_ERROR_PROTOCOL;
			p->err = (uint32_t)errno;
			close(fd);
			continue;
		}
		c->socks[slot] = fd;
		c->proto[slot] = (uint8_t)q->proto;
		if (q->proto == TEE_ISOCKET_PROTOCOLID_TCP) {
			c->rings[slot] = ring_new(c, fd);
			p->ring = c->rings[slot] != NULL;
		}
		p->handle = (uint32_t)slot + 1;
		p->ret = TEE_SUCCESS;
		p->err = 0;
		break;
	}
	freeaddrinfo(res);
}

/*
 * edgetee extension (tee_tcpsocket_server.h): a listening TCP socket. No
 * ring: nothing but ACCEPT and CLOSE may be asked of it. Any address is
 * "::" with IPV6_V6ONLY off (IPv4 too), falling back to 0.0.0.0 where the
 * host has no IPv6, like iperf3's server.
 */
static void do_listen(struct conn *c, const struct et_net_req *q, struct et_net_rep *p)
{
	char host[ET_NET_HOST_MAX] = "";
	if (q->len > ET_NET_HOST_MAX || q->ipver > TEE_IP_VERSION_6 || q->port > 65535) {
		p->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	if (q->len) {
		memcpy(host, c->region + ET_NET_OUT, q->len);
		host[q->len - 1] = 0;
	}
	int slot = free_slot(c);
	if (slot < 0) {
		p->ret = TEE_ISOCKET_ERROR_OUT_OF_RESOURCES;
		p->err = EMFILE;
		return;
	}
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE | AI_NUMERICSERV},
			*res = NULL;
	hints.ai_family = q->ipver == TEE_IP_VERSION_4	 ? AF_INET
			  : q->ipver == TEE_IP_VERSION_6 ? AF_INET6
							 : AF_UNSPEC;
	char port[8];
	snprintf(port, sizeof(port), "%u", q->port);
	if (!host[0] && q->ipver != TEE_IP_VERSION_4)
		hints.ai_family = AF_INET6; /* dual-stack "::" first */
	int gai = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
	if ((gai || !res) && !host[0] && q->ipver == TEE_IP_VERSION_DC) {
		hints.ai_family = AF_INET;
		gai = getaddrinfo(NULL, port, &hints, &res);
	}
	if (gai || !res) {
		p->ret = TEE_ISOCKET_ERROR_PROTOCOL;
		p->err = TEE_ISOCKET_ERROR_HOSTNAME;
		return;
	}
	p->ret = TEE_ISOCKET_ERROR_PROTOCOL;
	p->err = EADDRNOTAVAIL;
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		int fd =
		    socket(a->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0 && !host[0] && a->ai_family == AF_INET6 &&
		    q->ipver == TEE_IP_VERSION_DC) {
			/* No IPv6 on this host: any IPv4 address instead. */
			struct sockaddr_in v4 = {.sin_family = AF_INET,
						 .sin_port = htons((uint16_t)q->port)};
			fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
				    0);
			if (fd >= 0 && (bind(fd, (struct sockaddr *)&v4, sizeof(v4)) ||
					listen(fd, SOMAXCONN))) {
				p->err = (uint32_t)errno;
				close(fd);
				fd = -1;
			}
			if (fd >= 0)
				goto bound;
			continue;
		}
		if (fd < 0) {
			p->ret = map_errno(errno);
			p->err = (uint32_t)errno;
			continue;
		}
		int one = 1, zero = 0;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (a->ai_family == AF_INET6 && !host[0])
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		if (bind(fd, a->ai_addr, a->ai_addrlen) || listen(fd, SOMAXCONN)) {
			p->ret = TEE_ISOCKET_ERROR_PROTOCOL;
			p->err = (uint32_t)errno;
			close(fd);
			continue;
		}
	bound:;
		struct sockaddr_storage ss;
		socklen_t l = sizeof(ss);
		uint16_t bport = 0;
		if (getsockname(fd, (struct sockaddr *)&ss, &l) == 0)
			bport = ntohs(ss.ss_family == AF_INET6
					  ? ((struct sockaddr_in6 *)&ss)->sin6_port
					  : ((struct sockaddr_in *)&ss)->sin_port);
		c->socks[slot] = fd;
		c->proto[slot] = TEE_ISOCKET_PROTOCOLID_TCP;
		c->listening[slot] = 1;
		p->handle = (uint32_t)slot + 1;
		p->port = bport;
		p->ret = TEE_SUCCESS;
		p->err = 0;
		break;
	}
	freeaddrinfo(res);
}

/* One connection from a listener, served by a ring like an opened socket.
 * Waits as a recv does: deadline, ABORT (cancellation) and TA death. */
static void do_accept(struct conn *c, int lfd, const struct et_net_req *q,
		      struct et_net_rep *p)
{
	int slot = free_slot(c);
	if (slot < 0) {
		p->ret = TEE_ISOCKET_ERROR_OUT_OF_RESOURCES;
		p->err = EMFILE;
		return;
	}
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			c->socks[slot] = fd;
			c->proto[slot] = TEE_ISOCKET_PROTOCOLID_TCP;
			c->listening[slot] = 0;
			c->rings[slot] = ring_new(c, fd);
			p->ring = c->rings[slot] != NULL;
			p->handle = (uint32_t)slot + 1;
			p->ret = TEE_SUCCESS;
			return;
		}
		/* A connection reset while queued is not the listener's error. */
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			p->ret = map_errno(errno);
			p->err = (uint32_t)errno;
			return;
		}
		if (q->deadline == 0) {
			p->ret = TEE_ISOCKET_ERROR_TIMEOUT;
			return;
		}
		TEE_Result w = wait_io(c, lfd, POLLIN, q->deadline);
		if (w != TEE_SUCCESS) {
			p->ret = w;
			return;
		}
	}
}

/* Send all of OUT[0, len) unless the deadline, an error or an abort stops it. */
static void do_send(struct conn *c, int fd, const struct et_net_req *q,
		    struct et_net_rep *p)
{
	uint32_t done = 0;
	const uint8_t *b = c->region + ET_NET_OUT;
	p->ret = TEE_SUCCESS;
	while (done < q->len) {
		ssize_t n =
		    send(fd, b + done, q->len - done, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n >= 0) {
			done += (uint32_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			p->ret = map_errno(errno);
			p->err = (uint32_t)errno;
			break;
		}
		if (q->deadline == 0) {
			p->ret = TEE_ISOCKET_ERROR_TIMEOUT;
			break;
		}
		TEE_Result w = wait_io(c, fd, POLLOUT, q->deadline);
		if (w != TEE_SUCCESS) {
			p->ret = w;
			break;
		}
	}
	p->len = done;
}

/* Receive what is there (at least one byte, or EOF) into IN. */
static void do_recv(struct conn *c, int fd, const struct et_net_req *q,
		    struct et_net_rep *p)
{
	uint32_t len = q->len > ET_NET_CHUNK ? ET_NET_CHUNK : q->len;
	for (;;) {
		ssize_t n = recv(fd, c->region + ET_NET_IN, len, MSG_DONTWAIT);
		if (n >= 0) {
			p->ret = TEE_SUCCESS;
			p->len = (uint32_t)n;
			return;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			p->ret = map_errno(errno);
			p->err = (uint32_t)errno;
			return;
		}
		if (q->deadline == 0) {
			p->ret = TEE_ISOCKET_ERROR_TIMEOUT;
			return;
		}
		TEE_Result w = wait_io(c, fd, POLLIN, q->deadline);
		if (w != TEE_SUCCESS) {
			p->ret = w;
			return;
		}
	}
}

static void udp_reconnect(int fd, const char *host, int port_given, uint16_t port,
			  struct et_net_rep *p)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &l)) {
		p->ret = TEE_ISOCKET_ERROR_PROTOCOL;
		p->err = (uint32_t)errno;
		return;
	}
	uint16_t *pp = ss.ss_family == AF_INET6 ? &((struct sockaddr_in6 *)&ss)->sin6_port
						: &((struct sockaddr_in *)&ss)->sin_port;
	if (port_given)
		*pp = htons(port);
	if (host) {
		/* Same address family as the socket, current port. */
		struct addrinfo hints = {.ai_family = ss.ss_family,
					 .ai_socktype = SOCK_DGRAM,
					 .ai_flags = AI_NUMERICSERV},
				*res = NULL;
		char ps[8];
		snprintf(ps, sizeof(ps), "%u", ntohs(*pp));
		if (getaddrinfo(host, ps, &hints, &res) || !res) {
			p->ret = TEE_ISOCKET_ERROR_PROTOCOL;
			p->err = TEE_ISOCKET_ERROR_HOSTNAME;
			return;
		}
		memcpy(&ss, res->ai_addr, res->ai_addrlen);
		l = res->ai_addrlen;
		freeaddrinfo(res);
	}
	if (connect(fd, (struct sockaddr *)&ss, l)) {
		p->ret = map_errno(errno);
		p->err = (uint32_t)errno;
		return;
	}
	p->ret = TEE_SUCCESS;
}

static void do_ioctl(struct conn *c, int fd, uint8_t proto, struct ring *ring,
		     const struct et_net_req *q, struct et_net_rep *p)
{
	const uint8_t *arg = c->region + ET_NET_OUT;
	if (proto == TEE_ISOCKET_PROTOCOLID_TCP &&
	    (q->cmd == TEE_TCP_SET_RECVBUF || q->cmd == TEE_TCP_SET_SENDBUF)) {
		int v;
		if (q->len != sizeof(v)) {
			p->ret = TEE_ERROR_BAD_PARAMETERS;
			return;
		}
		memcpy(&v, arg, sizeof(v));
		int opt = q->cmd == TEE_TCP_SET_RECVBUF ? SO_RCVBUF : SO_SNDBUF;
		if (setsockopt(fd, SOL_SOCKET, opt, &v, sizeof(v))) {
			p->ret = TEE_ISOCKET_ERROR_PROTOCOL;
			p->err = (uint32_t)errno;
			return;
		}
		/* Read-ahead holds no more than the TA allowed the kernel to. */
		if (ring && opt == SO_RCVBUF)
			atomic_store(&ring->rcv_limit, v < 4096 ? 4096u : (uint32_t)v);
		p->ret = TEE_SUCCESS;
	} else if (proto == TEE_ISOCKET_PROTOCOLID_UDP && q->cmd == TEE_UDP_CHANGEADDR) {
		char host[ET_NET_HOST_MAX];
		if (q->len == 0 || q->len > ET_NET_HOST_MAX || arg[q->len - 1]) {
			p->ret = TEE_ISOCKET_ERROR_PROTOCOL;
			p->err = TEE_ISOCKET_ERROR_HOSTNAME;
			return;
		}
		memcpy(host, arg, q->len);
		udp_reconnect(fd, host, 0, 0, p);
	} else if (proto == TEE_ISOCKET_PROTOCOLID_UDP && q->cmd == TEE_UDP_CHANGEPORT) {
		uint16_t port;
		if (q->len != sizeof(port)) {
			p->ret = TEE_ERROR_BAD_PARAMETERS;
			return;
		}
		memcpy(&port, arg, sizeof(port));
		udp_reconnect(fd, NULL, 1, port, p);
	} else {
		p->ret = TEE_ERROR_NOT_SUPPORTED;
	}
}

static void handle(struct conn *c, const struct et_net_req *q, struct et_net_rep *p)
{
	if (q->type == ET_NET_OPEN) {
		do_open(c, q, p);
		return;
	}
	if (q->type == ET_NET_LISTEN) {
		do_listen(c, q, p);
		return;
	}
	int fd = sock_get(c, q->handle);
	if (fd < 0 || (q->type != ET_NET_CLOSE && q->len > ET_NET_CHUNK)) {
		p->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	struct ring *ring = c->rings[q->handle - 1];
	int listening = c->listening[q->handle - 1];
	/* A listener only accepts; only a listener accepts. */
	if (listening != (q->type == ET_NET_ACCEPT) && q->type != ET_NET_CLOSE) {
		p->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	/* A ring socket's data moves through its ring only. */
	if (ring && (q->type == ET_NET_SEND || q->type == ET_NET_RECV)) {
		p->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	switch (q->type) {
	case ET_NET_CLOSE:
		if (ring)
			ring_close(ring); /* closes fd, maybe after a linger */
		else
			close(fd);
		c->socks[q->handle - 1] = -1;
		c->rings[q->handle - 1] = NULL;
		c->listening[q->handle - 1] = 0;
		p->ret = TEE_SUCCESS;
		break;
	case ET_NET_ACCEPT:
		do_accept(c, fd, q, p);
		break;
	case ET_NET_SEND:
		do_send(c, fd, q, p);
		break;
	case ET_NET_RECV:
		do_recv(c, fd, q, p);
		break;
	case ET_NET_IOCTL:
		do_ioctl(c, fd, c->proto[q->handle - 1], ring, q, p);
		break;
	default:
		p->ret = TEE_ERROR_NOT_SUPPORTED;
	}
}

/*
 * Next request. Spin briefly first (non-blocking receives): a TA in a
 * send/recv loop posts its next request within microseconds, and catching
 * it without a scheduler round trip halves the cost of a crossing.
 */
static ssize_t next_req(struct conn *c, struct et_net_req *q)
{
	uint64_t end = now_ns() + spin_ns;
	do {
		ssize_t n = recv(c->fd, q, sizeof(*q), MSG_DONTWAIT);
		if (n >= 0 || (errno != EAGAIN && errno != EINTR))
			return n;
	} while (now_ns() < end);
	for (;;) {
		ssize_t n = recv(c->fd, q, sizeof(*q), 0);
		if (n >= 0 || errno != EINTR)
			return n;
	}
}

static void *serve(void *arg)
{
	struct conn *c = arg;
	for (int i = 0; i < MAX_SOCKS; i++)
		c->socks[i] = -1;
	int mfd = et_memfd_sealed("edgetee-net", ET_NET_REGION);
	if (mfd >= 0) {
		c->region =
		    mmap(NULL, ET_NET_REGION, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
		struct et_net_hello h = {.type = ET_NET_HELLO, .size = ET_NET_REGION};
		if (c->region == MAP_FAILED || et_send(c->fd, &h, sizeof(h), &mfd, 1)) {
			if (c->region != MAP_FAILED)
				munmap(c->region, ET_NET_REGION);
			c->region = NULL;
		}
		close(mfd);
	}
	if (!c->region) {
		fprintf(stderr, "edgetee-supplicant: no data region for TA pid %d\n",
			(int)c->pid);
		goto out;
	}
	for (;;) {
		struct et_net_req q;
		ssize_t n = next_req(c, &q);
		if (n <= 0)
			break; /* the TA process ended */
		if (n != (ssize_t)sizeof(q) || q.type == ET_NET_ABORT)
			continue; /* an abort that came after its request finished */
		uint64_t t0 = now_ns();
		struct et_net_rep p = {.seq = q.seq};
		c->reply_fd = -1;
		handle(c, &q, &p);
		p.ree_ns = now_ns() - t0;
		int rf = c->reply_fd;
		int sr = et_send(c->fd, &p, sizeof(p), rf >= 0 ? &rf : NULL, rf >= 0);
		if (rf >= 0)
			close(rf);
		if (sr < 0)
			break;
	}
	/* The TA process is gone: its rings stop at once (nothing to send to). */
	for (int i = 0; i < MAX_SOCKS; i++) {
		if (c->rings[i])
			ring_kill(c->rings[i]); /* closes the socket */
		else if (c->socks[i] >= 0)
			close(c->socks[i]);
	}
	munmap(c->region, ET_NET_REGION);
out:
	close(c->fd);
	free(c);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: edgetee-supplicant INSTANCE\n"
		       "  Internal to edgeteed: the REE-side socket service of a TEE\n"
		       "  instance. Expects its control socket from the core on fd 3.\n");
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr,
			"edgetee-supplicant: started by edgeteed only (see --help)\n");
		return 2;
	}
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		return 0; /* the core is already gone */
	signal(SIGPIPE, SIG_IGN);
	spin_ns = et_spin_budget_ns();
	ring_config();
	pthread_attr_init(&thread_attr); /* pumps: joinable, small stacks */
	pthread_attr_setstacksize(&thread_attr, 64 * 1024);
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&a, 256 * 1024);
	for (;;) {
		struct et_supp_conn m;
		int fd = -1, nfds = 1;
		ssize_t n = et_recv(3, &m, sizeof(m), &fd, &nfds);
		if (n == 0 || (n < 0 && n != -EINTR))
			return 0; /* the core stopped */
		if (n != (ssize_t)sizeof(m) || m.type != ET_SUPP_CONN || nfds != 1) {
			if (nfds == 1)
				close(fd);
			continue;
		}
		struct conn *c = calloc(1, sizeof(*c));
		pthread_t t;
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->pid = m.pid;
		if (pthread_create(&t, &a, serve, c)) {
			close(fd);
			free(c);
		}
	}
}
