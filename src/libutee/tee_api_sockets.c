/*
 * GP TEE Sockets API 1.0.x: the TEE_iSocket instances TEE_tcpSocket and
 * TEE_udpSocket, plus edgetee_socket_stats() (include/tee_socket_stats.h).
 *
 * The TA process is sandboxed (no socket()), so every call is a request to
 * edgetee-supplicant over the TA host's connection (fd 5, set up by the
 * core; protocol in src/common/netproto.h). Payload is copied once, between
 * the TA's buffer and the shared region the supplicant sent at the first
 * call; the supplicant send()s from / recv()s into that region. Sends
 * larger than a region slot (1 MiB) go out in slot-sized requests.
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
#include <tee_udpsocket.h>

#include "doorbell.h"
#include "fdio.h"
#include "netproto.h"
#include "utee_priv.h"

#define SOCK_MAGIC	0x534f434bu
#define CANCEL_SLICE_MS 10

struct utee_sock {
	uint32_t magic;
	uint32_t handle; /* the supplicant's */
	uint8_t proto;
	uint32_t proto_error; /* protocol error of the last call (errno) */
	struct utee_sock *next;
};

static pthread_mutex_t net_lock = PTHREAD_MUTEX_INITIALIZER;
static struct utee_sock *socks;
static uint8_t *region;
static int net_dead;
static uint32_t net_seq;
static struct edgetee_socket_stats stats;

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

/*
 * One request/reply crossing. Waits by spinning briefly (the common reply
 * to a send/recv on a fast socket comes within microseconds), then by
 * polling in slices that watch for cancellation.
 */
static TEE_Result call(struct et_net_req *q, struct et_net_rep *p, int blocking)
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
		ssize_t n = recv(ET_NET_FD, p, sizeof(*p), MSG_DONTWAIT);
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

static uint64_t deadline_of(uint32_t timeout)
{
	if (timeout == TEE_TIMEOUT_INFINITE)
		return ET_NET_NO_DEADLINE;
	if (timeout == 0)
		return 0;
	return et_now_ns() + (uint64_t)timeout * 1000000u;
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
	r = call(&q, &p, 1);
	if (r == TEE_SUCCESS)
		r = p.ret;
	if (r != TEE_SUCCESS) {
		*perr = p.err;
		free(s);
		return r;
	}
	s->magic = SOCK_MAGIC;
	s->handle = p.handle;
	s->proto = proto;
	pthread_mutex_lock(&net_lock);
	s->next = socks;
	socks = s;
	pthread_mutex_unlock(&net_lock);
	*ctx = s;
	return TEE_SUCCESS;
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
	struct et_net_req q = {.type = ET_NET_CLOSE, .handle = s->handle};
	struct et_net_rep p = {0};
	TEE_Result r = call(&q, &p, 0);
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
	if (owner != s->proto)
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
	return r;
}

TEE_Result edgetee_socket_stats(struct edgetee_socket_stats *out)
{
	if (!out)
		return TEE_ERROR_BAD_PARAMETERS;
	pthread_mutex_lock(&net_lock);
	*out = stats;
	pthread_mutex_unlock(&net_lock);
	return TEE_SUCCESS;
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
