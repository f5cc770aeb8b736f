/*
 * Data path backends of `edgetee iperf` (see iperf_dp.h). The native
 * backend gives iperf_loop.c the same contract as the GP Sockets API:
 * send/recv with a timeout in ms and partial lengths, so --ree measures
 * the loop without the TEE and nothing else.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "iperf3_proto.h"
#include "iperf_dp.h"

uint64_t dp_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static const char *tee_err(TEEC_Result r)
{
	switch (r) {
	case TEEC_ERROR_ITEM_NOT_FOUND:
		return "iperfTZ TA not found (is EDGETEE_TA_PATH set?)";
	case TEEC_ERROR_COMMUNICATION:
		return "communication error";
	case TEEC_ERROR_OUT_OF_MEMORY:
		return "out of memory in the TA";
	case TEEC_ERROR_BAD_PARAMETERS:
		return "bad parameters";
	case TEEC_ERROR_TARGET_DEAD:
		return "the TA died";
	default:
		return "error";
	}
}

int dp_open_ta(TEEC_Context *ctx, struct dp_stream *s, const struct iperf_ta_open *o,
	       char *err, size_t errlen)
{
	TEEC_UUID uuid = IPERF_TA_UUID;
	uint32_t origin = 0;
	s->ta = 1;
	s->fd = -1;
	s->flags = o->flags;
	TEEC_Result r = TEEC_OpenSession(ctx, &s->sess, &uuid, TEEC_LOGIN_PUBLIC, NULL,
					 NULL, &origin);
	if (r != TEEC_SUCCESS) {
		snprintf(err, errlen,
			 "cannot open a session to the iperfTZ TA: 0x%08x (%s)", r,
			 tee_err(r));
		return -1;
	}
	s->sess_open = 1;
	TEEC_Operation op;
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_NONE, TEEC_NONE,
					 TEEC_VALUE_OUTPUT);
	op.params[0].tmpref.buffer = (void *)o;
	op.params[0].tmpref.size = sizeof(*o);
	r = TEEC_InvokeCommand(&s->sess, IPERF_CMD_OPEN, &op, &origin);
	if (r != TEEC_SUCCESS) {
		snprintf(err, errlen,
			 "the TA cannot connect to %s port %u: 0x%08x (%s, protocol "
			 "error %u)",
			 o->host, o->port, r, tee_err(r), op.params[3].value.b);
		TEEC_CloseSession(&s->sess);
		s->sess_open = 0;
		return -1;
	}
	return 0;
}

int dp_attach_ta(TEEC_Context *ctx, struct dp_stream *s, uint32_t index,
		 const struct iperf_ta_open *o, char *err, size_t errlen)
{
	TEEC_UUID uuid = IPERF_TA_UUID;
	uint32_t origin = 0;
	s->ta = 1;
	s->fd = -1;
	s->flags = o->flags;
	snprintf(s->local, sizeof(s->local), "(TA)");
	snprintf(s->peer, sizeof(s->peer), "(accepted in the TA)");
	TEEC_Result r = TEEC_OpenSession(ctx, &s->sess, &uuid, TEEC_LOGIN_PUBLIC, NULL,
					 NULL, &origin);
	if (r != TEEC_SUCCESS) {
		snprintf(err, errlen,
			 "cannot open a session to the iperfTZ TA: 0x%08x (%s)", r,
			 tee_err(r));
		return -1;
	}
	s->sess_open = 1;
	TEEC_Operation op;
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_VALUE_INPUT,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)o;
	op.params[0].tmpref.size = sizeof(*o);
	op.params[1].value.a = index;
	r = TEEC_InvokeCommand(&s->sess, IPERF_CMD_ATTACH, &op, &origin);
	if (r != TEEC_SUCCESS) {
		snprintf(err, errlen, "the TA cannot take data stream %u: 0x%08x (%s)",
			 index, r, tee_err(r));
		TEEC_CloseSession(&s->sess);
		s->sess_open = 0;
		return -1;
	}
	return 0;
}

void dp_shutdown(struct dp_stream *s)
{
	if (s->sess_open) {
		/* CLOSE flushes the TX ring first, so nothing sent is lost. */
		TEEC_Operation op;
		memset(&op, 0, sizeof(op));
		op.paramTypes =
		    TEEC_PARAM_TYPES(TEEC_NONE, TEEC_NONE, TEEC_NONE, TEEC_NONE);
		uint32_t origin;
		TEEC_InvokeCommand(&s->sess, IPERF_CMD_CLOSE, &op, &origin);
	}
	if (s->fd >= 0)
		shutdown(s->fd, SHUT_RDWR);
}

void dp_describe(int fd, char *local, size_t llen, char *peer, size_t plen)
{
	struct sockaddr_storage a;
	socklen_t al = sizeof(a);
	char h[INET6_ADDRSTRLEN + 1], p[16];
	snprintf(local, llen, "?");
	snprintf(peer, plen, "?");
	if (getsockname(fd, (struct sockaddr *)&a, &al) == 0 &&
	    getnameinfo((struct sockaddr *)&a, al, h, sizeof(h), p, sizeof(p),
			NI_NUMERICHOST | NI_NUMERICSERV) == 0)
		snprintf(local, llen, "%s port %s", h, p);
	al = sizeof(a);
	if (getpeername(fd, (struct sockaddr *)&a, &al) == 0 &&
	    getnameinfo((struct sockaddr *)&a, al, h, sizeof(h), p, sizeof(p),
			NI_NUMERICHOST | NI_NUMERICSERV) == 0)
		snprintf(peer, plen, "%s port %s", h, p);
}

static void set_window(int fd, uint32_t w)
{
	if (!w)
		return;
	int v = (int)w;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
}

int dp_open_native(struct dp_stream *s, const struct iperf_ta_open *o, char *err,
		   size_t errlen)
{
	int udp = (o->flags & IPERF_F_UDP) != 0;
	struct addrinfo hints = {.ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM,
				 .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
	struct addrinfo *ai = NULL;
	char port[16];
	snprintf(port, sizeof(port), "%u", o->port);
	if (getaddrinfo(o->host, port, &hints, &ai) || !ai) {
		snprintf(err, errlen, "bad address %s", o->host);
		return -1;
	}
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
	if (fd < 0 || (set_window(fd, o->window), 0) ||
	    connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		snprintf(err, errlen, "cannot connect a data stream to %s port %u: %s",
			 o->host, o->port, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	int rc;
	if (udp) {
		uint32_t msg = IP3_UDP_CONNECT_MSG, reply;
		rc = ip3_write_all(fd, &msg, sizeof(msg)) ||
		     ip3_read_all(fd, &reply, sizeof(reply), 10000);
	} else {
		rc = ip3_write_all(fd, o->cookie, IP3_COOKIE_SIZE);
	}
	if (rc) {
		snprintf(err, errlen, "data stream set-up with %s port %u failed: %s",
			 o->host, o->port, strerror(errno));
		close(fd);
		return -1;
	}
	return dp_attach_native(s, fd, o->flags, o->blksize, o->rate_bps);
}

int dp_attach_native(struct dp_stream *s, int fd, uint32_t flags, uint32_t blksize,
		     uint64_t rate_bps)
{
	s->ta = 0;
	s->fd = fd;
	s->flags = flags;
	s->buf = malloc(blksize);
	if (!s->buf)
		return -1;
	dp_describe(fd, s->local, sizeof(s->local), s->peer, sizeof(s->peer));
	ipl_init(&s->ls, flags, blksize, rate_bps, s->buf);
	return 0;
}

/* ---- struct ipl_io over POSIX sockets -------------------------------------- */

static int wait_fd(int fd, short ev, uint32_t timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = ev};
	int r = poll(&p, 1, (int)timeout_ms);
	if (r < 0 && errno == EINTR)
		return 0;
	return r;
}

static int nat_send(void *ctx, const void *buf, uint32_t *len, uint32_t timeout_ms)
{
	struct dp_stream *s = ctx;
	uint32_t want = *len, done = 0;
	int waited = 0;
	while (done < want) {
		ssize_t w = send(s->fd, (const char *)buf + done, want - done,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w > 0) {
			done += (uint32_t)w;
			continue;
		}
		if (w < 0 &&
		    (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
			/* One wait per call: the timeout bounds the call. */
			if (waited || wait_fd(s->fd, POLLOUT, timeout_ms) == 0) {
				*len = done;
				return IPL_TIMEOUT;
			}
			waited = 1;
			continue;
		}
		*len = done;
		return (errno == EPIPE || errno == ECONNRESET) ? IPL_CLOSED : IPL_ERROR;
	}
	*len = done;
	return IPL_OK;
}

static int nat_recv(void *ctx, void *buf, uint32_t *len, uint32_t timeout_ms)
{
	struct dp_stream *s = ctx;
	for (int waited = 0;; waited = 1) {
		ssize_t g = recv(s->fd, buf, *len, MSG_DONTWAIT);
		if (g >= 0) {
			*len = (uint32_t)g;
			return IPL_OK;
		}
		if (errno == ECONNRESET) {
			*len = 0;
			return IPL_CLOSED;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			*len = 0;
			return IPL_ERROR;
		}
		if (waited || wait_fd(s->fd, POLLIN, timeout_ms) == 0) {
			*len = 0;
			return IPL_TIMEOUT;
		}
	}
}

static uint64_t nat_now_us(void *ctx)
{
	(void)ctx;
	return dp_now_ns() / 1000;
}

static void nat_wall(void *ctx, uint32_t *sec, uint32_t *usec)
{
	(void)ctx;
	struct timeval tv;
	gettimeofday(&tv, NULL);
	*sec = (uint32_t)tv.tv_sec;
	*usec = (uint32_t)tv.tv_usec;
}

static void nat_sleep_us(void *ctx, uint64_t us)
{
	(void)ctx;
	struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};
	nanosleep(&ts, NULL);
}

uint32_t dp_run(struct dp_stream *s, uint64_t budget_us, uint64_t max_bytes)
{
	uint64_t t0 = dp_now_ns();
	if (s->ta) {
		TEEC_Operation op;
		memset(&op, 0, sizeof(op));
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_VALUE_INPUT,
						 TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE);
		op.params[0].value.a =
		    (uint32_t)(budget_us > 0xffffffffu ? 0xffffffffu : budget_us);
		op.params[1].value.a = (uint32_t)(max_bytes >> 32);
		op.params[1].value.b = (uint32_t)max_bytes;
		struct iperf_ta_result res;
		op.params[2].tmpref.buffer = &res;
		op.params[2].tmpref.size = sizeof(res);
		uint32_t origin;
		TEEC_Result r = TEEC_InvokeCommand(&s->sess, IPERF_CMD_RUN, &op, &origin);
		s->run_ns += dp_now_ns() - t0;
		if (r != TEEC_SUCCESS) {
			s->r.status = IPERF_ST_ERROR;
			s->r.error = r;
			return IPERF_ST_ERROR;
		}
		s->r = res;
		return res.status;
	}
	struct ipl_io io = {.ctx = s,
			    .send = nat_send,
			    .recv = nat_recv,
			    .now_us = nat_now_us,
			    .wall = nat_wall,
			    .sleep_us = nat_sleep_us};
	uint32_t st = ipl_run(&s->ls, &io, budget_us, max_bytes);
	s->ls.r.status = st;
	s->r = s->ls.r;
	s->run_ns += dp_now_ns() - t0;
	return st;
}

void dp_close(struct dp_stream *s)
{
	if (s->sess_open) {
		TEEC_CloseSession(&s->sess);
		s->sess_open = 0;
	}
	if (s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
	free(s->buf);
	s->buf = NULL;
}
