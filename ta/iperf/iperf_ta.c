/*
 * iperfTZ TA: the data path of `edgetee iperf`. Each session is one iperf3
 * data stream whose socket is opened, written and read through the GP TEE
 * Sockets API (TEE_tcpSocket / TEE_udpSocket), so every byte crosses from
 * the TA to the REE socket service and back — the cost iperfTZ measures.
 * The sender/receiver loop itself is iperf_loop.c, shared with --ree.
 *
 * Server mode (iperf_ta.h) uses edgetee's listen/accept extension: the
 * listener, the control connection and the accepted-but-unclaimed data
 * connections live in instance memory (struct server), which every session
 * of this single-instance TA sees; a stream session ATTACHes one of them
 * and from then on is the same as a client stream. GP serializes the entry
 * points of an instance, so several streams take turns in RUN slices, as
 * in client mode with -P; a socket keeps moving data in the supplicant's
 * ring pumps while its stream waits for its turn.
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
#if __has_include(<tee_tcpsocket_server.h>)
#include <tee_tcpsocket_server.h>
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
	int server; /* this session owns the server state (LISTEN) */
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

/* ---- server mode ------------------------------------------------------- */

#ifdef EDGETEE_TCP_SERVER
static struct {
	TEE_iSocketHandle listener, ctrl;
	TEE_iSocketHandle parked[IPERF_MAX_PARKED];
} srv;

static void srv_close_test(void)
{
	for (int i = 0; i < IPERF_MAX_PARKED; i++) {
		if (srv.parked[i])
			TEE_tcpSocket->close(srv.parked[i]);
		srv.parked[i] = NULL;
	}
	if (srv.ctrl)
		TEE_tcpSocket->close(srv.ctrl);
	srv.ctrl = NULL;
}

static void srv_close_all(void)
{
	srv_close_test();
	if (srv.listener)
		TEE_tcpSocket->close(srv.listener);
	srv.listener = NULL;
}

static TEE_Result cmd_listen(struct stream *st, uint32_t types, TEE_Param p[4])
{
	if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_NONE,
				     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_VALUE_OUTPUT) ||
	    p[0].value.a == 0 || p[0].value.a > 65535)
		return TEE_ERROR_BAD_PARAMETERS;
	if (srv.listener)
		return st->server ? TEE_SUCCESS : TEE_ERROR_BUSY;
	uint32_t perr = 0;
	/* All addresses, dual-stack, as a stock iperf3 server listens. */
	TEE_Result r = edgetee_tcp_listen(NULL, (uint16_t)p[0].value.a, TEE_IP_VERSION_DC,
					  &srv.listener, &perr);
	p[3].value.a = r;
	p[3].value.b = perr;
	if (r != TEE_SUCCESS) {
		EMSG("iperf: listen on port %u failed: 0x%x (protocol error %u)",
		     p[0].value.a, r, perr);
		srv.listener = NULL;
		return r;
	}
	st->server = 1;
	return TEE_SUCCESS;
}

static TEE_Result cmd_accept_ctrl(struct stream *st, uint32_t types, TEE_Param p[4])
{
	if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_NONE,
				     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	if (!st->server)
		return TEE_ERROR_BAD_STATE;
	srv_close_test();
	uint32_t perr = 0;
	return edgetee_tcp_accept(srv.listener, &srv.ctrl, p[0].value.a, &perr);
}

static TEE_Result cmd_ctrl_io(struct stream *st, uint32_t cmd, uint32_t types,
			      TEE_Param p[4])
{
	int send = cmd == IPERF_CMD_CTRL_SEND;
	uint32_t mt = send ? TEE_PARAM_TYPE_MEMREF_INPUT : TEE_PARAM_TYPE_MEMREF_OUTPUT;
	if (types != TEE_PARAM_TYPES(mt, TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_NONE,
				     TEE_PARAM_TYPE_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	if (!st->server || !srv.ctrl)
		return TEE_ERROR_BAD_STATE;
	uint32_t timeout = p[1].value.a;
	if (!send) {
		uint32_t len = (uint32_t)p[0].memref.size;
		TEE_Result r =
		    TEE_tcpSocket->recv(srv.ctrl, p[0].memref.buffer, &len, timeout);
		p[0].memref.size = r == TEE_SUCCESS ? len : 0;
		return r;
	}
	/* Control messages are small: all of it, or the connection is dead. */
	const uint8_t *b = p[0].memref.buffer;
	uint32_t left = (uint32_t)p[0].memref.size;
	while (left) {
		uint32_t len = left;
		TEE_Result r = TEE_tcpSocket->send(srv.ctrl, b, &len, timeout);
		if (r != TEE_SUCCESS)
			return r;
		b += len;
		left -= len;
	}
	return TEE_SUCCESS;
}

/* Read exactly n bytes within timeout_ms overall (the cookie). */
static TEE_Result recv_exact(TEE_iSocketHandle h, uint8_t *b, uint32_t n,
			     uint32_t timeout_ms)
{
	TEE_Time t0, now;
	TEE_GetSystemTime(&t0);
	while (n) {
		TEE_GetSystemTime(&now);
		uint32_t el = (now.seconds - t0.seconds) * 1000u + now.millis - t0.millis;
		if (el >= timeout_ms)
			return TEE_ISOCKET_ERROR_TIMEOUT;
		uint32_t len = n;
		TEE_Result r = TEE_tcpSocket->recv(h, b, &len, timeout_ms - el);
		if (r != TEE_SUCCESS)
			return r;
		if (len == 0)
			return TEE_ISOCKET_ERROR_REMOTE_CLOSED;
		b += len;
		n -= len;
	}
	return TEE_SUCCESS;
}

static TEE_Result cmd_accept_streams(struct stream *st, uint32_t types, TEE_Param p[4])
{
	if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INPUT,
				     TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_NONE,
				     TEE_PARAM_TYPE_NONE) ||
	    p[0].memref.size != IPERF_COOKIE_SIZE || p[1].value.a == 0 ||
	    p[1].value.a > IPERF_MAX_PARKED)
		return TEE_ERROR_BAD_PARAMETERS;
	if (!st->server || !srv.ctrl)
		return TEE_ERROR_BAD_STATE;
	char want[IPERF_COOKIE_SIZE], ck[IPERF_COOKIE_SIZE];
	TEE_MemMove(want, p[0].memref.buffer, sizeof(want));
	for (uint32_t i = 0; i < p[1].value.a; i++) {
		if (srv.parked[i]) {
			TEE_tcpSocket->close(srv.parked[i]);
			srv.parked[i] = NULL;
		}
		TEE_iSocketHandle h;
		uint32_t perr = 0;
		TEE_Result r = edgetee_tcp_accept(srv.listener, &h, p[1].value.b, &perr);
		if (r != TEE_SUCCESS)
			return r;
		/* The cookie ties the stream to this test; a stranger's
		 * connection ends the test, as the native server does. */
		r = recv_exact(h, (uint8_t *)ck, sizeof(ck), p[1].value.b);
		if (r == TEE_SUCCESS &&
		    TEE_MemCompare(ck, want, IPERF_COOKIE_SIZE - 1) != 0)
			r = TEE_ERROR_ACCESS_DENIED;
		if (r != TEE_SUCCESS) {
			TEE_tcpSocket->close(h);
			return r;
		}
		srv.parked[i] = h;
	}
	return TEE_SUCCESS;
}

static TEE_Result cmd_attach(struct stream *st, uint32_t types, TEE_Param p[4])
{
	if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_INPUT,
				     TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_NONE,
				     TEE_PARAM_TYPE_NONE) ||
	    p[0].memref.size != sizeof(struct iperf_ta_open) ||
	    p[1].value.a >= IPERF_MAX_PARKED)
		return TEE_ERROR_BAD_PARAMETERS;
	if (st->open || st->server)
		return TEE_ERROR_BAD_STATE;
	struct iperf_ta_open o;
	TEE_MemMove(&o, p[0].memref.buffer, sizeof(o)); /* copy before checking */
	if (!o.blksize || o.blksize > IPERF_MAX_BLKSIZE || (o.flags & IPERF_F_UDP))
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_iSocketHandle h = srv.parked[p[1].value.a];
	if (!h)
		return TEE_ERROR_ITEM_NOT_FOUND;
	st->buf = TEE_Malloc(o.blksize, TEE_MALLOC_FILL_ZERO);
	if (!st->buf)
		return TEE_ERROR_OUT_OF_MEMORY;
	srv.parked[p[1].value.a] = NULL; /* the session owns it now */
	st->sock = TEE_tcpSocket;
	st->h = h;
	st->open = 1;
	set_window(st, o.window);
	ipl_init(&st->s, o.flags, o.blksize, o.rate_bps, st->buf);
	return TEE_SUCCESS;
}
#endif

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
#ifdef EDGETEE_TCP_SERVER
	srv_close_all();
#endif
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
#ifdef EDGETEE_TCP_SERVER
	if (((struct stream *)ctx)->server)
		srv_close_all();
#endif
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
#ifdef EDGETEE_TCP_SERVER
	case IPERF_CMD_LISTEN:
		return cmd_listen(st, types, params);
	case IPERF_CMD_ACCEPT_CTRL:
		return cmd_accept_ctrl(st, types, params);
	case IPERF_CMD_CTRL_SEND:
	case IPERF_CMD_CTRL_RECV:
		return cmd_ctrl_io(st, cmd, types, params);
	case IPERF_CMD_CTRL_CLOSE:
		if (!st->server)
			return TEE_ERROR_BAD_STATE;
		srv_close_test();
		return TEE_SUCCESS;
	case IPERF_CMD_ACCEPT_STREAMS:
		return cmd_accept_streams(st, types, params);
	case IPERF_CMD_ATTACH:
		return cmd_attach(st, types, params);
#endif
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
