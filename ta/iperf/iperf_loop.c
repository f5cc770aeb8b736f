/*
 * The iperfTZ sender/receiver loop (see iperf_loop.h). Written against
 * struct ipl_io only, with no libc beyond memcpy/memset, so it builds in a
 * TA for edgetee and for OP-TEE as well as in the `edgetee` CLI.
 *
 * UDP datagrams carry iperf3's header: seconds and microseconds of the send
 * time and a packet counter (32- or 64-bit), all big-endian, so a stock
 * iperf3 peer computes loss and jitter from our packets and we from its.
 */
#include <string.h>

#include "iperf_loop.h"

/* Longest single blocking call: keeps a RUN close to its budget. */
#define MIN_TIMEOUT_MS 1

void ipl_init(struct ipl_stream *s, uint32_t flags, uint32_t blksize, uint64_t rate_bps,
	      uint8_t *buf)
{
	memset(s, 0, sizeof(*s));
	s->flags = flags;
	s->blksize = blksize;
	s->rate_bps = rate_bps;
	s->buf = buf;
	/* Not all zeros, so nothing on the path can compress it away. */
	for (uint32_t i = 0; i < blksize; i++)
		buf[i] = (uint8_t)(i * 131u + 7u);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t timeout_ms(uint64_t now, uint64_t deadline)
{
	uint64_t ms = deadline > now ? (deadline - now + 999) / 1000 : 0;
	return ms < MIN_TIMEOUT_MS ? MIN_TIMEOUT_MS : (uint32_t)ms;
}

static uint32_t io_status(struct ipl_stream *s, int rc)
{
	if (rc == IPL_CLOSED)
		return IPERF_ST_CLOSED;
	s->r.error = (uint32_t)rc;
	return IPERF_ST_ERROR;
}

static uint32_t tcp_send(struct ipl_stream *s, const struct ipl_io *io, uint64_t deadline,
			 uint64_t max_bytes)
{
	uint64_t moved = 0;
	for (;;) {
		uint64_t now = io->now_us(io->ctx);
		if (now >= deadline || (max_bytes && moved >= max_bytes))
			return IPERF_ST_OK;
		uint32_t len = s->blksize;
		if (max_bytes && max_bytes - moved < len)
			len = (uint32_t)(max_bytes - moved);
		int rc = io->send(io->ctx, s->buf, &len, timeout_ms(now, deadline));
		s->r.bytes += len;
		moved += len;
		if (len)
			s->r.blocks++;
		if (rc != IPL_OK && rc != IPL_TIMEOUT)
			return io_status(s, rc);
	}
}

static uint32_t tcp_recv(struct ipl_stream *s, const struct ipl_io *io, uint64_t deadline)
{
	for (;;) {
		uint64_t now = io->now_us(io->ctx);
		if (now >= deadline)
			return IPERF_ST_OK;
		uint32_t len = s->blksize;
		int rc = io->recv(io->ctx, s->buf, &len, timeout_ms(now, deadline));
		if (rc == IPL_OK && len == 0)
			return IPERF_ST_CLOSED; /* orderly shutdown by the peer */
		s->r.bytes += len;
		if (len)
			s->r.blocks++;
		if (rc != IPL_OK && rc != IPL_TIMEOUT)
			return io_status(s, rc);
	}
}

/* Sender pacing: may we send now, else how long until we may (µs)? */
static uint64_t pace_wait_us(const struct ipl_stream *s, uint64_t now)
{
	if (!s->rate_bps)
		return 0;
	/* bytes * 8 s / rate = when the bytes sent so far are due, in µs. */
	unsigned __int128 due =
	    (unsigned __int128)s->r.bytes * 8u * 1000000u / s->rate_bps;
	uint64_t elapsed = now - s->start_us;
	return due > elapsed ? (uint64_t)(due - elapsed) : 0;
}

static uint32_t udp_send(struct ipl_stream *s, const struct ipl_io *io, uint64_t deadline,
			 uint64_t max_bytes)
{
	uint64_t moved = 0;
	for (;;) {
		uint64_t now = io->now_us(io->ctx);
		if (now >= deadline || (max_bytes && moved >= max_bytes))
			return IPERF_ST_OK;
		uint64_t wait = pace_wait_us(s, now);
		if (wait) {
			if (now + wait > deadline)
				wait = deadline - now;
			io->sleep_us(io->ctx, wait);
			continue;
		}
		uint32_t sec, usec;
		io->wall(io->ctx, &sec, &usec);
		uint64_t pc = ++s->r.packets;
		put_be32(s->buf, sec);
		put_be32(s->buf + 4, usec);
		if (s->flags & IPERF_F_CTR64) {
			put_be32(s->buf + 8, (uint32_t)(pc >> 32));
			put_be32(s->buf + 12, (uint32_t)pc);
		} else {
			put_be32(s->buf + 8, (uint32_t)pc);
		}
		uint32_t len = s->blksize;
		int rc = io->send(io->ctx, s->buf, &len, timeout_ms(now, deadline));
		if (rc == IPL_TIMEOUT && len == 0) {
			s->r.packets--; /* not sent: reuse the number */
			continue;
		}
		s->r.bytes += len;
		moved += len;
		s->r.blocks++;
		if (rc != IPL_OK && rc != IPL_TIMEOUT)
			return io_status(s, rc);
	}
}

static void udp_account(struct ipl_stream *s, const struct ipl_io *io, uint32_t len)
{
	if (len < 12)
		return; /* not an iperf3 datagram (e.g. a stray connect message) */
	const uint8_t *p = s->buf;
	uint32_t sec = get_be32(p), usec = get_be32(p + 4);
	uint64_t pc;
	if ((s->flags & IPERF_F_CTR64) && len >= 16)
		pc = (uint64_t)get_be32(p + 8) << 32 | get_be32(p + 12);
	else
		pc = get_be32(p + 8);
	/* Loss and reordering as iperf3 counts them: a gap is loss until
	 * the missing packet turns up late, then it is out of order. */
	if (pc >= s->r.packets + 1) {
		if (pc > s->r.packets + 1)
			s->r.lost += pc - 1 - s->r.packets;
		s->r.packets = pc;
	} else {
		s->r.outoforder++;
		if (s->r.lost)
			s->r.lost--;
	}
	/* RFC 1889 jitter from transit-time differences: the clocks of the
	 * two ends need not agree, only tick at the same rate. */
	uint32_t asec, ausec;
	io->wall(io->ctx, &asec, &ausec);
	int64_t transit = ((int64_t)asec - sec) * 1000000 + ((int64_t)ausec - usec);
	if (!s->started) {
		s->prev_transit_us = transit;
		s->started = 1;
	}
	int64_t d = transit - s->prev_transit_us;
	if (d < 0)
		d = -d;
	s->prev_transit_us = transit;
	int64_t j = (int64_t)s->r.jitter_ns;
	j += (d * 1000 - j) / 16;
	s->r.jitter_ns = (uint64_t)j;
}

static uint32_t udp_recv(struct ipl_stream *s, const struct ipl_io *io, uint64_t deadline)
{
	for (;;) {
		uint64_t now = io->now_us(io->ctx);
		if (now >= deadline)
			return IPERF_ST_OK;
		uint32_t len = s->blksize;
		int rc = io->recv(io->ctx, s->buf, &len, timeout_ms(now, deadline));
		if (rc == IPL_TIMEOUT)
			continue;
		if (rc != IPL_OK)
			return io_status(s, rc);
		s->r.bytes += len;
		s->r.blocks++;
		udp_account(s, io, len);
	}
}

uint32_t ipl_run(struct ipl_stream *s, const struct ipl_io *io, uint64_t budget_us,
		 uint64_t max_bytes)
{
	uint64_t now = io->now_us(io->ctx);
	if (!s->start_us)
		s->start_us = now ? now : 1;
	uint64_t deadline = now + budget_us;
	int send = (s->flags & IPERF_F_SENDER) != 0;
	if (s->flags & IPERF_F_UDP)
		return send ? udp_send(s, io, deadline, max_bytes)
			    : udp_recv(s, io, deadline);
	return send ? tcp_send(s, io, deadline, max_bytes) : tcp_recv(s, io, deadline);
}
