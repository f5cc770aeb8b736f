/*
 * The iperf3 control protocol, as spoken by esnet iperf3 (3.x): a TCP
 * control connection opened with a 37-byte cookie, one signed state byte
 * per protocol step, JSON messages prefixed by a 4-byte big-endian length
 * (test parameters from the client, results both ways), and data streams
 * that each start with the same cookie (TCP) or a 4-byte datagram (UDP).
 */
#ifndef IPERF3_PROTO_H
#define IPERF3_PROTO_H

#include <stddef.h>
#include <stdint.h>

struct cJSON;

/* State bytes (iperf.h). */
#define IP3_TEST_START	     1
#define IP3_TEST_RUNNING     2
#define IP3_TEST_END	     4
#define IP3_PARAM_EXCHANGE   9
#define IP3_CREATE_STREAMS   10
#define IP3_SERVER_TERMINATE 11
#define IP3_CLIENT_TERMINATE 12
#define IP3_EXCHANGE_RESULTS 13
#define IP3_DISPLAY_RESULTS  14
#define IP3_IPERF_START	     15
#define IP3_IPERF_DONE	     16
#define IP3_ACCESS_DENIED    (-1)
#define IP3_SERVER_ERROR     (-2)

#define IP3_COOKIE_SIZE 37 /* 36 characters + NUL */
/* UDP stream set-up datagrams, host-order ints as iperf3 writes them. */
#define IP3_UDP_CONNECT_MSG	     0x36373839u
#define IP3_UDP_CONNECT_REPLY	     0x39383736u
#define IP3_LEGACY_UDP_CONNECT_REPLY 987654321u

#define IP3_MAX_STREAMS	 128
#define IP3_MAX_JSON	 (1u << 20)
#define IP3_DEFAULT_PORT 5201
#define IP3_TCP_BLKSIZE	 (128 * 1024)
#define IP3_UDP_BLKSIZE	 1460
#define IP3_UDP_RATE	 (1000u * 1000u) /* 1 Mbit/s */
#define IP3_VERSION	 "3.12"		 /* the protocol level we follow */

/* A fresh random cookie: 36 characters of iperf3's alphabet and a NUL. */
void ip3_make_cookie(char out[IP3_COOKIE_SIZE]);

/* Blocking I/O on the control connection; timeout_ms < 0 = none.
 * Return 0, or -1 (errno set; ECONNRESET for a closed peer). */
int ip3_write_all(int fd, const void *buf, size_t n);
int ip3_read_all(int fd, void *buf, size_t n, int timeout_ms);
int ip3_send_state(int fd, int state);
int ip3_recv_state(int fd, int *state, int timeout_ms);
int ip3_send_json(int fd, const struct cJSON *j);
/* NULL on error, EOF or a message that is not JSON. */
struct cJSON *ip3_recv_json(int fd, int timeout_ms);

/* Test parameters (the PARAM_EXCHANGE message). */
struct ip3_params {
	int udp;
	int omit;
	int time; /* seconds, 0 with -n */
	uint64_t num;
	uint64_t blockcount;
	int parallel;
	int reverse;
	int bidirectional;
	uint32_t window;
	uint32_t len;
	uint64_t bandwidth;
	int pacing_timer;
	int udp_counters_64bit;
	int get_server_output;
	char client_version[64];
};
struct cJSON *ip3_params_to_json(const struct ip3_params *p);
/* 0, or -1 with a reason in err. */
int ip3_params_from_json(const struct cJSON *j, struct ip3_params *p, char *err,
			 size_t errlen);

/* Results (the EXCHANGE_RESULTS message). */
struct ip3_stream_result {
	int id;
	uint64_t bytes;
	int64_t retransmits;
	double jitter; /* seconds */
	int64_t errors;
	int64_t packets;
	double start_time, end_time;
};
struct ip3_results {
	double cpu_total, cpu_user, cpu_system;
	int sender_has_retransmits;
	int n;
	struct ip3_stream_result s[IP3_MAX_STREAMS];
};
struct cJSON *ip3_results_to_json(const struct ip3_results *r);
int ip3_results_from_json(const struct cJSON *j, struct ip3_results *r);

/* iperf3 numbers streams 1, 3, 4, 5, ...; both ends must agree. */
int ip3_stream_id(int index);

/* "100M" -> 100000000 (rates, k/m/g = 1000) or 104857600 (sizes,
 * k/m/g = 1024). 0 on success, -1 for a malformed number. */
int ip3_parse_rate(const char *s, uint64_t *out);
int ip3_parse_size(const char *s, uint64_t *out);

/* iperf3-style unit strings: "1.10 GBytes", "9.41 Gbits/sec". */
void ip3_fmt_bytes(char *out, size_t len, double bytes);
void ip3_fmt_rate(char *out, size_t len, double bits_per_second);

#endif
