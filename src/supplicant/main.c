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
 * death ends the wait at once.
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
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <tee_api_defines.h>
#include <tee_tcpsocket.h>
#include <tee_udpsocket.h>

#include "doorbell.h"
#include "fdio.h"
#include "netproto.h"

#define MAX_SOCKS 256

struct conn {
	int fd; /* our end of the TA host's fd 5 */
	pid_t pid;
	uint8_t *region;
	int socks[MAX_SOCKS]; /* handle h is socks[h - 1]; -1 free */
	uint8_t proto[MAX_SOCKS];
};

static uint64_t spin_ns;

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
	int slot = -1;
	for (int i = 0; i < MAX_SOCKS && slot < 0; i++)
		if (c->socks[i] < 0)
			slot = i;
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
		p->handle = (uint32_t)slot + 1;
		p->ret = TEE_SUCCESS;
		p->err = 0;
		break;
	}
	freeaddrinfo(res);
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

static void do_ioctl(struct conn *c, int fd, uint8_t proto, const struct et_net_req *q,
		     struct et_net_rep *p)
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
	int fd = sock_get(c, q->handle);
	if (fd < 0 || (q->type != ET_NET_CLOSE && q->len > ET_NET_CHUNK)) {
		p->ret = TEE_ERROR_BAD_PARAMETERS;
		return;
	}
	switch (q->type) {
	case ET_NET_CLOSE:
		close(fd);
		c->socks[q->handle - 1] = -1;
		p->ret = TEE_SUCCESS;
		break;
	case ET_NET_SEND:
		do_send(c, fd, q, p);
		break;
	case ET_NET_RECV:
		do_recv(c, fd, q, p);
		break;
	case ET_NET_IOCTL:
		do_ioctl(c, fd, c->proto[q->handle - 1], q, p);
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
		handle(c, &q, &p);
		p.ree_ns = now_ns() - t0;
		if (send(c->fd, &p, sizeof(p), MSG_NOSIGNAL) < 0)
			break;
	}
	for (int i = 0; i < MAX_SOCKS; i++)
		if (c->socks[i] >= 0)
			close(c->socks[i]);
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
