/*
 * The iperf3 control protocol (see iperf3_proto.h): framing, parameter
 * and result messages, units. All JSON goes through cJSON.
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "iperf3_proto.h"

void ip3_make_cookie(char out[IP3_COOKIE_SIZE])
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	unsigned char r[IP3_COOKIE_SIZE - 1];
	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		for (size_t i = 0; i < sizeof(r); i++)
			r[i] = (unsigned char)rand();
	}
	for (size_t i = 0; i < sizeof(r); i++)
		out[i] = alphabet[r[i] % 32];
	out[IP3_COOKIE_SIZE - 1] = 0;
}

int ip3_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int ip3_read_all(int fd, void *buf, size_t n, int timeout_ms)
{
	char *p = buf;
	while (n) {
		if (timeout_ms >= 0) {
			struct pollfd pf = {.fd = fd, .events = POLLIN};
			int r = poll(&pf, 1, timeout_ms);
			if (r < 0 && errno == EINTR)
				continue;
			if (r == 0) {
				errno = ETIMEDOUT;
				return -1;
			}
			if (r < 0)
				return -1;
		}
		ssize_t g = recv(fd, p, n, 0);
		if (g < 0 && errno == EINTR)
			continue;
		if (g == 0)
			errno = ECONNRESET;
		if (g <= 0)
			return -1;
		p += g;
		n -= (size_t)g;
	}
	return 0;
}

int ip3_send_state(int fd, int state)
{
	signed char b = (signed char)state;
	return ip3_write_all(fd, &b, 1);
}

int ip3_recv_state(int fd, int *state, int timeout_ms)
{
	signed char b;
	if (ip3_read_all(fd, &b, 1, timeout_ms))
		return -1;
	*state = b;
	return 0;
}

int ip3_send_json(int fd, const cJSON *j)
{
	char *s = cJSON_PrintUnformatted(j);
	if (!s)
		return -1;
	size_t n = strlen(s);
	unsigned char h[4] = {(unsigned char)(n >> 24), (unsigned char)(n >> 16),
			      (unsigned char)(n >> 8), (unsigned char)n};
	int r = ip3_write_all(fd, h, 4) || ip3_write_all(fd, s, n) ? -1 : 0;
	cJSON_free(s);
	return r;
}

cJSON *ip3_recv_json(int fd, int timeout_ms)
{
	unsigned char h[4];
	if (ip3_read_all(fd, h, 4, timeout_ms))
		return NULL;
	uint32_t n =
	    (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
	if (n > IP3_MAX_JSON) {
		errno = EMSGSIZE;
		return NULL;
	}
	char *s = malloc(n + 1);
	if (!s)
		return NULL;
	cJSON *j = NULL;
	if (ip3_read_all(fd, s, n, timeout_ms) == 0) {
		s[n] = 0;
		j = cJSON_ParseWithLength(s, n);
		if (!j)
			errno = EPROTO;
	}
	free(s);
	return j;
}

cJSON *ip3_params_to_json(const struct ip3_params *p)
{
	cJSON *j = cJSON_CreateObject();
	if (!j)
		return NULL;
	cJSON_AddTrueToObject(j, p->udp ? "udp" : "tcp");
	cJSON_AddNumberToObject(j, "omit", p->omit);
	if (p->time)
		cJSON_AddNumberToObject(j, "time", p->time);
	if (p->num)
		cJSON_AddNumberToObject(j, "num", (double)p->num);
	if (p->blockcount)
		cJSON_AddNumberToObject(j, "blockcount", (double)p->blockcount);
	cJSON_AddNumberToObject(j, "parallel", p->parallel);
	if (p->reverse)
		cJSON_AddTrueToObject(j, "reverse");
	if (p->window)
		cJSON_AddNumberToObject(j, "window", p->window);
	if (p->len)
		cJSON_AddNumberToObject(j, "len", p->len);
	if (p->bandwidth)
		cJSON_AddNumberToObject(j, "bandwidth", (double)p->bandwidth);
	if (p->pacing_timer)
		cJSON_AddNumberToObject(j, "pacing_timer", p->pacing_timer);
	if (p->udp_counters_64bit)
		cJSON_AddTrueToObject(j, "udp_counters_64bit");
	cJSON_AddStringToObject(j, "client_version", p->client_version);
	return j;
}

static double num(const cJSON *j, const char *key, double dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

int ip3_params_from_json(const cJSON *j, struct ip3_params *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	if (!cJSON_IsObject(j)) {
		snprintf(err, errlen, "parameters are not a JSON object");
		return -1;
	}
	if (cJSON_GetObjectItemCaseSensitive(j, "udp"))
		p->udp = 1;
	else if (!cJSON_GetObjectItemCaseSensitive(j, "tcp")) {
		snprintf(err, errlen, "unsupported protocol (only TCP and UDP)");
		return -1;
	}
	p->omit = (int)num(j, "omit", 0);
	p->time = (int)num(j, "time", 0);
	p->num = (uint64_t)num(j, "num", 0);
	p->blockcount = (uint64_t)num(j, "blockcount", 0);
	p->parallel = (int)num(j, "parallel", 1);
	p->reverse = cJSON_GetObjectItemCaseSensitive(j, "reverse") != NULL;
	p->bidirectional = cJSON_GetObjectItemCaseSensitive(j, "bidirectional") != NULL;
	p->window = (uint32_t)num(j, "window", 0);
	p->len = (uint32_t)num(j, "len", 0);
	p->bandwidth = (uint64_t)num(j, "bandwidth", 0);
	p->pacing_timer = (int)num(j, "pacing_timer", 0);
	p->udp_counters_64bit =
	    cJSON_GetObjectItemCaseSensitive(j, "udp_counters_64bit") != NULL;
	p->get_server_output =
	    cJSON_GetObjectItemCaseSensitive(j, "get_server_output") != NULL;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "client_version");
	snprintf(p->client_version, sizeof(p->client_version), "%s",
		 cJSON_IsString(v) ? v->valuestring : "unknown");
	if (p->parallel < 1 || p->parallel > IP3_MAX_STREAMS) {
		snprintf(err, errlen, "bad number of streams %d", p->parallel);
		return -1;
	}
	if (p->bidirectional) {
		snprintf(err, errlen, "bidirectional tests are not supported");
		return -1;
	}
	return 0;
}

cJSON *ip3_results_to_json(const struct ip3_results *r)
{
	cJSON *j = cJSON_CreateObject();
	if (!j)
		return NULL;
	cJSON_AddNumberToObject(j, "cpu_util_total", r->cpu_total);
	cJSON_AddNumberToObject(j, "cpu_util_user", r->cpu_user);
	cJSON_AddNumberToObject(j, "cpu_util_system", r->cpu_system);
	cJSON_AddNumberToObject(j, "sender_has_retransmits", r->sender_has_retransmits);
	cJSON *a = cJSON_AddArrayToObject(j, "streams");
	for (int i = 0; i < r->n; i++) {
		const struct ip3_stream_result *s = &r->s[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "id", s->id);
		cJSON_AddNumberToObject(o, "bytes", (double)s->bytes);
		cJSON_AddNumberToObject(o, "retransmits", (double)s->retransmits);
		cJSON_AddNumberToObject(o, "jitter", s->jitter);
		cJSON_AddNumberToObject(o, "errors", (double)s->errors);
		cJSON_AddNumberToObject(o, "packets", (double)s->packets);
		cJSON_AddNumberToObject(o, "start_time", s->start_time);
		cJSON_AddNumberToObject(o, "end_time", s->end_time);
		cJSON_AddItemToArray(a, o);
	}
	return j;
}

int ip3_results_from_json(const cJSON *j, struct ip3_results *r)
{
	memset(r, 0, sizeof(*r));
	const cJSON *streams = cJSON_GetObjectItemCaseSensitive(j, "streams");
	if (!cJSON_IsObject(j) || !cJSON_IsArray(streams))
		return -1;
	r->cpu_total = num(j, "cpu_util_total", 0);
	r->cpu_user = num(j, "cpu_util_user", 0);
	r->cpu_system = num(j, "cpu_util_system", 0);
	r->sender_has_retransmits = (int)num(j, "sender_has_retransmits", -1);
	const cJSON *o;
	cJSON_ArrayForEach(o, streams)
	{
		if (r->n >= IP3_MAX_STREAMS || !cJSON_IsObject(o) ||
		    !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "id")) ||
		    !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "bytes")))
			return -1;
		struct ip3_stream_result *s = &r->s[r->n++];
		s->id = (int)num(o, "id", 0);
		s->bytes = (uint64_t)num(o, "bytes", 0);
		s->retransmits = (int64_t)num(o, "retransmits", -1);
		s->jitter = num(o, "jitter", 0);
		s->errors = (int64_t)num(o, "errors", 0);
		s->packets = (int64_t)num(o, "packets", 0);
		s->start_time = num(o, "start_time", 0);
		s->end_time = num(o, "end_time", 0);
	}
	return 0;
}

int ip3_stream_id(int index)
{
	return index == 0 ? 1 : index + 2;
}

static int parse_num(const char *s, uint64_t *out, double unit)
{
	char *end;
	errno = 0;
	if (!s || !*s || *s == '-')
		return -1;
	double v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return -1;
	double m = 1;
	switch (*end) {
	case 'k':
	case 'K':
		m = unit;
		end++;
		break;
	case 'm':
	case 'M':
		m = unit * unit;
		end++;
		break;
	case 'g':
	case 'G':
		m = unit * unit * unit;
		end++;
		break;
	case 't':
	case 'T':
		m = unit * unit * unit * unit;
		end++;
		break;
	default:
		break;
	}
	if (*end || v * m > 1.8e19)
		return -1;
	*out = (uint64_t)llround(v * m);
	return 0;
}

int ip3_parse_rate(const char *s, uint64_t *out)
{
	return parse_num(s, out, 1000.0);
}

int ip3_parse_size(const char *s, uint64_t *out)
{
	return parse_num(s, out, 1024.0);
}

void ip3_fmt_bytes(char *out, size_t len, double b)
{
	if (b >= 1024.0 * 1024 * 1024)
		snprintf(out, len, "%.2f GBytes", b / (1024.0 * 1024 * 1024));
	else if (b >= 1024.0 * 1024)
		snprintf(out, len, "%.1f MBytes", b / (1024.0 * 1024));
	else if (b >= 1024.0)
		snprintf(out, len, "%.1f KBytes", b / 1024.0);
	else
		snprintf(out, len, "%.0f Bytes", b);
}

void ip3_fmt_rate(char *out, size_t len, double r)
{
	if (r >= 1e9)
		snprintf(out, len, "%.2f Gbits/sec", r / 1e9);
	else if (r >= 1e6)
		snprintf(out, len, "%.1f Mbits/sec", r / 1e6);
	else if (r >= 1e3)
		snprintf(out, len, "%.1f Kbits/sec", r / 1e3);
	else
		snprintf(out, len, "%.0f bits/sec", r);
}
