/*
 * iperfTZ TA: the data path of `edgetee iperf`. Each session is one iperf3
 * data stream whose socket is opened, written and read through the GP TEE
 * Sockets API (TEE_tcpSocket / TEE_udpSocket), so every byte crosses from
 * the TA to the REE socket service and back — the cost iperfTZ measures.
 * The sender/receiver loop itself is iperf_loop.c, shared with --ree.
 */
#include <string.h>
#include <tee_internal_api.h>
#include <tee_isocket.h>
#include <tee_tcpsocket.h>
#include <tee_udpsocket.h>
#ifdef __has_include
#if __has_include(<tee_socket_stats.h>)
#include <tee_socket_stats.h>
#endif
#endif

#include "iperf_loop.h"
#include "iperf_ta.h"

/* iperf3's UDP "connect" datagram, written as a host-order int like iperf3
 * does (the server only needs a datagram to learn our address). */
#define UDP_CONNECT_MSG	   0x36373839u
#define CONNECT_TIMEOUT_MS 10000u

struct stream {
	TEE_iSocket *sock; /* TEE_tcpSocket or TEE_udpSocket */
	TEE_iSocketHandle h;
	int open;
	uint8_t *buf;
	struct ipl_stream s;
	TEE_Result last_error; /* of the failing socket call */
};

/* ---- struct ipl_io over the GP Sockets API ----------------------------- */

static int map(TEE_Result r)
{
	switch (r) {
	case TEE_SUCCESS:
		return IPL_OK;
	case TEE_ISOCKET_ERROR_TIMEOUT:
		return IPL_TIMEOUT;
	case TEE_ISOCKET_ERROR_REMOTE_CLOSED:
		return IPL_CLOSED;
	default:
		return IPL_ERROR;
	}
}

static int gp_send(void *ctx, const void *buf, uint32_t *len, uint32_t timeout_ms)
{
	struct stream *st = ctx;
	TEE_Result r = st->sock->send(st->h, buf, len, timeout_ms);
	if (r != TEE_SUCCESS && r != TEE_ISOCKET_ERROR_TIMEOUT)
		st->last_error = r;
	return map(r);
}

static int gp_recv(void *ctx, void *buf, uint32_t *len, uint32_t timeout_ms)
{
	struct stream *st = ctx;
	TEE_Result r = st->sock->recv(st->h, buf, len, timeout_ms);
	if (r != TEE_SUCCESS && r != TEE_ISOCKET_ERROR_TIMEOUT)
		st->last_error = r;
	return map(r);
}

/* GP time has millisecond resolution: enough for 100 ms slices and for
 * 1 ms pacing steps, coarse for UDP jitter (documented in the README). */
static uint64_t gp_now_us(void *ctx)
{
	(void)ctx;
	TEE_Time t;
	TEE_GetSystemTime(&t);
	return (uint64_t)t.seconds * 1000000u + (uint64_t)t.millis * 1000u;
}

static void gp_wall(void *ctx, uint32_t *sec, uint32_t *usec)
{
	(void)ctx;
	TEE_Time t;
	TEE_GetREETime(&t);
	*sec = t.seconds;
	*usec = t.millis * 1000u;
}

static void gp_sleep_us(void *ctx, uint64_t us)
{
	(void)ctx;
	TEE_Wait((uint32_t)((us + 999) / 1000));
}

/* ---- commands ------------------------------------------------------------ */

static TEE_Result send_all(struct stream *st, const void *p, uint32_t n)
{
	const uint8_t *b = p;
	while (n) {
		uint32_t len = n;
		TEE_Result r = st->sock->send(st->h, b, &len, CONNECT_TIMEOUT_MS);
		if (r != TEE_SUCCESS)
			return r;
		b += len;
		n -= len;
	}
	return TEE_SUCCESS;
}

static void set_window(struct stream *st, uint32_t window)
{
	/* OP-TEE's extension ioctls; where missing the default buffers stay. */
#if defined(TEE_TCP_SET_SENDBUF) && defined(TEE_TCP_SET_RECVBUF)
	if (!window || st->sock != TEE_tcpSocket)
		return;
	uint32_t v = window, len = sizeof(v);
	st->sock->ioctl(st->h, TEE_TCP_SET_SENDBUF, &v, &len);
	len = sizeof(v);
	st->sock->ioctl(st->h, TEE_TCP_SET_RECVBUF, &v, &len);
#else
	(void)st;
	(void)window;
#endif
}

static TEE_Result cmd_open(struct stream *st, uint32_t types, TEE_Param p[4])
{
	if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INPUT, TEE_PARAM_TYPE_NONE,
				     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_VALUE_OUTPUT) ||
	    p[0].memref.size != sizeof(struct iperf_ta_open))
		return TEE_ERROR_BAD_PARAMETERS;
	if (st->open)
		return TEE_ERROR_BAD_STATE;
	struct iperf_ta_open o;
	TEE_MemMove(&o, p[0].memref.buffer, sizeof(o)); /* copy before checking */
	o.host[sizeof(o.host) - 1] = 0;
	int udp = (o.flags & IPERF_F_UDP) != 0;
	if (!o.blksize || o.blksize > IPERF_MAX_BLKSIZE || o.port == 0 ||
	    o.port > 65535 || (udp && o.blksize < 16))
		return TEE_ERROR_BAD_PARAMETERS;
	st->buf = TEE_Malloc(o.blksize, TEE_MALLOC_FILL_ZERO);
	if (!st->buf)
		return TEE_ERROR_OUT_OF_MEMORY;
	TEE_ipSocket_ipVersion ver =
	    (o.flags & IPERF_F_IPV6) ? TEE_IP_VERSION_6 : TEE_IP_VERSION_4;
	uint32_t perr = 0;
	TEE_Result r;
	if (udp) {
		TEE_udpSocket_Setup su = {.ipVersion = ver,
					  .server_addr = o.host,
					  .server_port = (uint16_t)o.port};
		st->sock = TEE_udpSocket;
		r = st->sock->open(&st->h, &su, &perr);
	} else {
		TEE_tcpSocket_Setup su = {.ipVersion = ver,
					  .server_addr = o.host,
					  .server_port = (uint16_t)o.port};
		st->sock = TEE_tcpSocket;
		r = st->sock->open(&st->h, &su, &perr);
	}
	p[3].value.a = r;
	p[3].value.b = perr;
	if (r != TEE_SUCCESS) {
		EMSG("iperf: open %s:%u failed: 0x%x (protocol error %u)", o.host, o.port,
		     r, perr);
		goto fail;
	}
	st->open = 1;
	if (udp) {
		/* iperf3's UDP handshake: a datagram so the server learns our
		 * address, then wait for its reply before data flows. */
		uint32_t msg = UDP_CONNECT_MSG, reply = 0, len = sizeof(reply);
		r = send_all(st, &msg, sizeof(msg));
		if (r == TEE_SUCCESS)
			r = st->sock->recv(st->h, &reply, &len, CONNECT_TIMEOUT_MS);
		if (r == TEE_SUCCESS && len != sizeof(reply))
			r = TEE_ERROR_COMMUNICATION;
	} else {
		set_window(st, o.window);
		r = send_all(st, o.cookie, IPERF_COOKIE_SIZE);
	}
	if (r != TEE_SUCCESS) {
		p[3].value.a = r;
		goto fail;
	}
	ipl_init(&st->s, o.flags, o.blksize, o.rate_bps, st->buf);
	return TEE_SUCCESS;
fail:
	if (st->open)
		st->sock->close(st->h);
	st->open = 0;
	TEE_Free(st->buf);
	st->buf = NULL;
	return r == TEE_SUCCESS ? TEE_ERROR_COMMUNICATION : r;
}

static void sock_stats(struct iperf_ta_result *r)
{
#ifdef EDGETEE_SOCKET_STATS
	struct edgetee_socket_stats ss;
	if (edgetee_socket_stats(&ss) == TEE_SUCCESS) {
		r->sock_crossings = ss.crossings;
		r->sock_ree_ns = ss.ree_ns;
		r->sock_wait_ns = ss.wait_ns;
		r->sock_bytes_sent = ss.bytes_sent;
		r->sock_bytes_received = ss.bytes_received;
		r->has_sock_stats = 1;
	}
#else
	(void)r;
#endif
}

static TEE_Result cmd_run(struct stream *st, uint32_t types, TEE_Param p[4])
{
	if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT,
				     TEE_PARAM_TYPE_VALUE_INPUT,
				     TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	if (p[2].memref.size < sizeof(struct iperf_ta_result)) {
		p[2].memref.size = sizeof(struct iperf_ta_result);
		return TEE_ERROR_SHORT_BUFFER;
	}
	if (!st->open)
		return TEE_ERROR_BAD_STATE;
	struct ipl_io io = {.ctx = st,
			    .send = gp_send,
			    .recv = gp_recv,
			    .now_us = gp_now_us,
			    .wall = gp_wall,
			    .sleep_us = gp_sleep_us};
	uint64_t max = (uint64_t)p[1].value.a << 32 | p[1].value.b;
	st->last_error = TEE_SUCCESS;
	st->s.r.status = ipl_run(&st->s, &io, p[0].value.a, max);
	if (st->s.r.status == IPERF_ST_ERROR) {
		st->s.r.error = st->last_error;
		st->s.r.protocol_error = st->sock->error(st->h);
	}
	sock_stats(&st->s.r);
	TEE_MemMove(p[2].memref.buffer, &st->s.r, sizeof(st->s.r));
	p[2].memref.size = sizeof(st->s.r);
	return TEE_SUCCESS;
}

static void stream_close(struct stream *st)
{
	if (st->open)
		st->sock->close(st->h);
	st->open = 0;
	TEE_Free(st->buf);
	st->buf = NULL;
}

/* ---- entry points --------------------------------------------------------- */

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t types, TEE_Param params[4], void **ctx)
{
	(void)types;
	(void)params;
	struct stream *st = TEE_Malloc(sizeof(*st), TEE_MALLOC_FILL_ZERO);
	if (!st)
		return TEE_ERROR_OUT_OF_MEMORY;
	*ctx = st;
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *ctx)
{
	stream_close(ctx);
	TEE_Free(ctx);
}

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t types,
				      TEE_Param params[4])
{
	struct stream *st = ctx;
	switch (cmd) {
	case IPERF_CMD_OPEN:
		return cmd_open(st, types, params);
	case IPERF_CMD_RUN:
		return cmd_run(st, types, params);
	case IPERF_CMD_CLOSE:
		stream_close(st);
		return TEE_SUCCESS;
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
