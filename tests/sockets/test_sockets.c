/*
 * GP TEE Sockets API integration tests: socket_ta (tests/ta/socket_ta)
 * calls TEE_tcpSocket / TEE_udpSocket in a sandboxed TA process; the calls
 * are carried out by the instance's edgetee-supplicant. The servers are
 * threads of this test process on loopback addresses only (127.0.0.1, ::1):
 * TCP echo, TCP sink (counts and sums until EOF), TCP source (sends a
 * known stream then closes) and UDP echo (appends a server id byte).
 * Checks exact GP codes for timeouts, refused connections, misuse and
 * cancellation, and that the socket statistics extension counts. The
 * edgetee listen/accept extension (tee_tcpsocket_server.h) is tested the
 * other way round: the TA listens and this process connects.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <tee_socket_stats.h>
#include <tee_tcpsocket.h>
#include <tee_tcpsocket_server.h>
#include <tee_udpsocket.h>

#include "harness.h"
#include "socket_ta.h"

#define TEE_ERROR_CANCEL_ 0xFFFF0002u

static struct et_test_inst inst;
static TEEC_Context ctx;
static TEEC_Session sess;

/* ---- helpers --------------------------------------------------------- */

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts))
		;
}

#define assert_teec(expr, want)                                                          \
	do {                                                                             \
		TEEC_Result r_ = (expr);                                                 \
		if (r_ != (TEEC_Result)(want))                                           \
			fail_msg("%s = 0x%08x, expected 0x%08x", #expr, r_,              \
				 (unsigned)(want));                                      \
	} while (0)

static TEEC_Result sess_open(TEEC_Session *s)
{
	TEEC_UUID u;
	et_test_uuid(SOCKET_TA_UUID_STR, &u);
	return TEEC_OpenSession(&ctx, s, &u, TEEC_LOGIN_PUBLIC, NULL, NULL, NULL);
}

static TEEC_Result ta_open(TEEC_Session *s, int proto, int ipv, const char *host,
			   uint16_t port, uint32_t *slot, uint32_t *perr)
{
	TEEC_Operation op = {0};
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_INPUT,
					 TEEC_VALUE_OUTPUT, TEEC_NONE);
	op.params[0].value.a = (uint32_t)proto | (uint32_t)ipv << 8;
	op.params[0].value.b = port;
	op.params[1].tmpref.buffer = (void *)host;
	op.params[1].tmpref.size = strlen(host) + 1;
	TEEC_Result r = TEEC_InvokeCommand(s, SOCKET_TA_CMD_OPEN, &op, NULL);
	if (slot)
		*slot = op.params[2].value.a;
	if (perr)
		*perr = op.params[2].value.b;
	return r;
}

static TEEC_Result ta_close(uint32_t slot)
{
	TEEC_Operation op = {0};
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = slot;
	return TEEC_InvokeCommand(&sess, SOCKET_TA_CMD_CLOSE, &op, NULL);
}

static TEEC_Result ta_send(uint32_t slot, const void *buf, size_t len, uint32_t timeout,
			   uint32_t *sent, uint32_t *err)
{
	TEEC_Operation op = {0};
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_INPUT,
					 TEEC_VALUE_OUTPUT, TEEC_NONE);
	op.params[0].value.a = slot;
	op.params[0].value.b = timeout;
	op.params[1].tmpref.buffer = (void *)buf;
	op.params[1].tmpref.size = len;
	TEEC_Result r = TEEC_InvokeCommand(&sess, SOCKET_TA_CMD_SEND, &op, NULL);
	if (sent)
		*sent = op.params[2].value.a;
	if (err)
		*err = op.params[2].value.b;
	return r;
}

static TEEC_Result ta_recv_op(TEEC_Operation *op, uint32_t slot, void *buf, size_t len,
			      uint32_t timeout, size_t *got)
{
	memset(op, 0, sizeof(*op));
	op->paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_OUTPUT,
					  TEEC_VALUE_OUTPUT, TEEC_NONE);
	op->params[0].value.a = slot;
	op->params[0].value.b = timeout;
	op->params[1].tmpref.buffer = buf;
	op->params[1].tmpref.size = len;
	TEEC_Result r = TEEC_InvokeCommand(&sess, SOCKET_TA_CMD_RECV, op, NULL);
	if (got)
		*got = op->params[1].tmpref.size;
	return r;
}

static TEEC_Result ta_recv(uint32_t slot, void *buf, size_t len, uint32_t timeout,
			   size_t *got)
{
	TEEC_Operation op;
	return ta_recv_op(&op, slot, buf, len, timeout, got);
}

static TEEC_Result ta_ioctl(uint32_t slot, uint32_t cmd, void *buf, size_t len,
			    uint32_t *err)
{
	TEEC_Operation op = {0};
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_INOUT,
					 TEEC_VALUE_OUTPUT, TEEC_NONE);
	op.params[0].value.a = slot;
	op.params[0].value.b = cmd;
	op.params[1].tmpref.buffer = buf;
	op.params[1].tmpref.size = len;
	TEEC_Result r = TEEC_InvokeCommand(&sess, SOCKET_TA_CMD_IOCTL, &op, NULL);
	if (err)
		*err = op.params[2].value.a;
	return r;
}

static void ta_stats(struct edgetee_socket_stats *st)
{
	TEEC_Operation op = {0};
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_NONE, TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE, TEEC_NONE);
	op.params[1].tmpref.buffer = st;
	op.params[1].tmpref.size = sizeof(*st);
	assert_teec(TEEC_InvokeCommand(&sess, SOCKET_TA_CMD_STATS, &op, NULL),
		    TEEC_SUCCESS);
}

/* ---- servers (threads of this process, loopback only) ---------------- */

enum srv_kind { SRV_ECHO, SRV_SINK, SRV_SOURCE };

struct server {
	enum srv_kind kind;
	int lfd;
	uint16_t port;
	size_t source_len;
	unsigned delay_ms;    /* SINK: wait this long before reading */
	_Atomic uint64_t got; /* SINK: bytes */
	_Atomic uint32_t sum; /* SINK: sum of bytes */
	_Atomic int conns_done;
	pthread_t t;
	/* Live connections, so that stopping the server can end them and wait
	 * for their threads: those read *sv, which lives in a test's frame. */
	pthread_mutex_t lock;
	int fds[64];
	int nconns;
};

static void conn_forget(struct server *sv, int fd)
{
	pthread_mutex_lock(&sv->lock);
	for (int i = 0; i < sv->nconns; i++) {
		if (sv->fds[i] == fd) {
			sv->fds[i] = sv->fds[--sv->nconns];
			break;
		}
	}
	pthread_mutex_unlock(&sv->lock);
}

static void *conn_thread(void *arg)
{
	struct server *sv = ((void **)arg)[0];
	int fd = (int)(intptr_t)((void **)arg)[1];
	free(arg);
	static __thread uint8_t buf[256 * 1024];
	if (sv->kind == SRV_SOURCE) {
		size_t done = 0;
		while (done < sv->source_len) {
			size_t n = sv->source_len - done;
			if (n > sizeof(buf))
				n = sizeof(buf);
			for (size_t k = 0; k < n; k++)
				buf[k] = (uint8_t)((done + k) * 7);
			ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);
			if (w <= 0)
				break;
			done += (size_t)w;
		}
	} else {
		uint64_t got = 0;
		uint32_t sum = 0;
		if (sv->delay_ms)
			sleep_ms(sv->delay_ms);
		for (;;) {
			ssize_t n = recv(fd, buf, sizeof(buf), 0);
			if (n <= 0)
				break;
			if (sv->kind == SRV_ECHO) {
				if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
					break;
			} else {
				for (ssize_t k = 0; k < n; k++)
					sum += buf[k];
				got += (uint64_t)n;
			}
		}
		if (sv->kind == SRV_SINK) {
			atomic_store(&sv->sum, sum);
			atomic_store(&sv->got, got);
		}
	}
	atomic_fetch_add(&sv->conns_done, 1);
	/* Last touch of *sv: once forgotten, server_stop may return. */
	conn_forget(sv, fd);
	close(fd);
	return NULL;
}

static void *accept_thread(void *arg)
{
	struct server *sv = arg;
	for (;;) {
		int fd = accept(sv->lfd, NULL, NULL);
		if (fd < 0)
			return NULL;
		pthread_mutex_lock(&sv->lock);
		if (sv->nconns == (int)(sizeof(sv->fds) / sizeof(sv->fds[0]))) {
			pthread_mutex_unlock(&sv->lock);
			close(fd);
			continue;
		}
		sv->fds[sv->nconns++] = fd;
		pthread_mutex_unlock(&sv->lock);
		void **a = malloc(2 * sizeof(void *));
		a[0] = sv;
		a[1] = (void *)(intptr_t)fd;
		pthread_t t;
		pthread_create(&t, NULL, conn_thread, a);
		pthread_detach(t);
	}
}

/* Listen on 127.0.0.1 (or ::1 when v6) on an ephemeral port. -1 if impossible. */
static int tcp_listen(int v6, uint16_t *port)
{
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_storage ss = {0};
	socklen_t l;
	if (v6) {
		struct sockaddr_in6 *a = (void *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		l = sizeof(*a);
	} else {
		struct sockaddr_in *a = (void *)&ss;
		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		l = sizeof(*a);
	}
	if (bind(fd, (void *)&ss, l) || listen(fd, 16) ||
	    getsockname(fd, (void *)&ss, &l)) {
		close(fd);
		return -1;
	}
	*port = ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
			 : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

static int server_start(struct server *sv, enum srv_kind kind, int v6)
{
	memset(sv, 0, sizeof(*sv));
	pthread_mutex_init(&sv->lock, NULL);
	sv->kind = kind;
	sv->lfd = tcp_listen(v6, &sv->port);
	if (sv->lfd < 0)
		return -1;
	pthread_create(&sv->t, NULL, accept_thread, sv);
	return 0;
}

static void server_stop(struct server *sv)
{
	shutdown(sv->lfd, SHUT_RDWR);
	close(sv->lfd);
	pthread_join(sv->t, NULL);
	/* No new connections now; end the live ones and wait for their threads. */
	for (int tries = 0; tries < 500; tries++) {
		pthread_mutex_lock(&sv->lock);
		int n = sv->nconns;
		for (int i = 0; i < n; i++)
			shutdown(sv->fds[i], SHUT_RDWR);
		pthread_mutex_unlock(&sv->lock);
		if (n == 0)
			break;
		usleep(10000);
	}
	pthread_mutex_destroy(&sv->lock);
}

struct udp_server {
	int fd;
	uint16_t port;
	uint8_t id;
	pthread_t t;
};

static void *udp_thread(void *arg)
{
	struct udp_server *u = arg;
	uint8_t buf[70000];
	for (;;) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(u->fd, buf, sizeof(buf) - 1, 0, (void *)&from, &fl);
		if (n < 0)
			return NULL;
		if (n == 4 && !memcmp(buf, "QUIT", 4))
			return NULL;
		buf[n] = u->id;
		sendto(u->fd, buf, (size_t)n + 1, 0, (void *)&from, fl);
	}
}

static void udp_start(struct udp_server *u, uint8_t id)
{
	u->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t l = sizeof(a);
	assert_int_equal(bind(u->fd, (void *)&a, l), 0);
	getsockname(u->fd, (void *)&a, &l);
	u->port = ntohs(a.sin_port);
	u->id = id;
	pthread_create(&u->t, NULL, udp_thread, u);
}

static void udp_stop(struct udp_server *u)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons(u->port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	sendto(s, "QUIT", 4, 0, (void *)&a, sizeof(a));
	close(s);
	pthread_join(u->t, NULL);
	close(u->fd);
}

static struct server echo;

/* ---- tests --------------------------------------------------------- */

static void test_info(void **state)
{
	(void)state;
	TEEC_Operation op = {0};
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_NONE, TEEC_NONE, TEEC_VALUE_OUTPUT, TEEC_NONE);
	assert_teec(TEEC_InvokeCommand(&sess, SOCKET_TA_CMD_INFO, &op, NULL),
		    TEEC_SUCCESS);
	assert_int_equal(op.params[2].value.a, TEE_ISOCKET_VERSION);
	assert_int_equal(op.params[2].value.b, 0x65 << 8 | 0x66);
}

/* Send n bytes, read n back: the echo server returns exactly what came. */
static void echo_roundtrip(uint32_t slot, size_t n)
{
	uint8_t *out = malloc(n), *in = malloc(n);
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)(i * 31 + n);
	uint32_t sent = 0;
	assert_teec(ta_send(slot, out, n, TEE_TIMEOUT_INFINITE, &sent, NULL),
		    TEEC_SUCCESS);
	assert_int_equal(sent, n);
	size_t got = 0;
	while (got < n) {
		size_t g = 0;
		assert_teec(ta_recv(slot, in + got, n - got, 5000, &g), TEEC_SUCCESS);
		assert_true(g > 0);
		got += g;
	}
	assert_memory_equal(in, out, n);
	free(out);
	free(in);
}

static void test_tcp_echo_sizes(void **state)
{
	(void)state;
	uint32_t slot, perr;
	assert_teec(ta_open(&sess, SOCKET_TA_TCP, TEE_IP_VERSION_4, "127.0.0.1",
			    echo.port, &slot, &perr),
		    TEEC_SUCCESS);
	static const size_t sizes[] = {1, 100, 4096, 65536, 200000};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		echo_roundtrip(slot, sizes[i]);
	assert_teec(ta_close(slot), TEEC_SUCCESS);
}

/* One send() larger than the shared region (1 MiB slots): chunked. */
static void test_tcp_large_send(void **state)
{
	(void)state;
	struct server sink;
	assert_int_equal(server_start(&sink, SRV_SINK, 0), 0);
	uint32_t slot;
	assert_teec(ta_open(&sess, SOCKET_TA_TCP, TEE_IP_VERSION_4, "127.0.0.1",
			    sink.port, &slot, NULL),
		    TEEC_SUCCESS);
	size_t n = 3 * 1024 * 1024 + 12345;
	uint8_t *buf = malloc(n);
	uint32_t sum = 0;
	for (size_t i = 0; i < n; i++) {
		buf[i] = (uint8_t)(i * 13 + 1);
		sum += buf[i];
	}
	uint32_t sent = 0;
	assert_teec(ta_send(slot, buf, n, TEE_TIMEOUT_INFINITE, &sent, NULL),
		    TEEC_SUCCESS);
	assert_int_equal(sent, n);
	assert_teec(ta_close(slot), TEEC_SUCCESS);
	uint64_t end = now_ms() + 10000;
	while (!atomic_load(&sink.conns_done) && now_ms() < end)
		sleep_ms(10);
	assert_int_equal(atomic_load(&sink.got), n);
	assert_int_equal(atomic_load(&sink.sum), sum);
	free(buf);
	server_stop(&sink);
}

/* A stream bigger than the region, received until EOF (length 0). */
static void test_tcp_recv_until_eof(void **state)
{
	(void)state;
	struct server src;
	assert_int_equal(server_start(&src, SRV_SOURCE, 0), 0);
	src.source_len = 2 * 1024 * 1024 + 777;
	uint32_t sum = 0;
	for (size_t i = 0; i < src.source_len; i++)
		sum += (uint8_t)(i * 7);
	uint32_t slot;
	assert_teec(ta_open(&sess, SOCKET_TA_TCP, TEE_IP_VERSION_4, "127.0.0.1", src.port,
			    &slot, NULL),
		    TEEC_SUCCESS);
	TEEC_Operation op = {0};
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_VALUE_OUTPUT, TEEC_NONE);
	op.params[0].value.a = slot;
	assert_teec(TEEC_InvokeCommand(&sess, SOCKET_TA_CMD_RECV_ALL, &op, NULL),
		    TEEC_SUCCESS);
	assert_int_equal(op.params[2].value.a, src.source_len);
	assert_int_equal(op.params[2].value.b, sum);
	/* At EOF recv keeps returning success with length 0. */
	uint8_t b[16];
	size_t got = 99;
	assert_teec(ta_recv(slot, b, sizeof(b), 0, &got), TEEC_SUCCESS);
	assert_int_equal(got, 0);
	assert_teec(ta_close(slot), TEEC_SUCCESS);
	server_stop(&src);
}

static void test_ipv6_and_localhost(void **state)
{
	(void)state;
	uint32_t slot;
	/* "localhost" with don't-care: whichever address answers (127.0.0.1). */
	assert_teec(ta_open(&sess, SOCKET_TA_TCP, TEE_IP_VERSION_DC, "localhost",
			    echo.port, &slot, NULL),
		    TEEC_SUCCESS);
	echo_roundtrip(slot, 1000);
	assert_teec(ta_close(slot), TEEC_SUCCESS);

	struct server e6;
	if (server_start(&e6, SRV_ECHO, 1)) {
		print_message("no IPv6 loopback on this machine: ::1 part skipped\n");
		return;
	}
	assert_teec(
	    ta_open(&sess, SOCKET_TA_TCP, TEE_IP_VERSION_6, "::1", e6.port, &slot, NULL),
	    TEEC_SUCCESS);
	echo_roundtrip(slot, 5000);
	assert_teec(ta_close(slot), TEEC_SUCCESS);
	/* IPv4 only on a v6 address: the name does not resolve for that family. */
	uint32_t perr = 0;
	assert_teec(
	    ta_open(&sess, SOCKET_TA_TCP, TEE_IP_VERSION_4, "::1", e6.port, &slot, &perr),
	    TEE_ISOCKET_ERROR_PROTOCOL);
	assert_int_equal(perr, TEE_ISOCKET_ERROR_HOSTNAME);
	server_stop(&e6);
}

static void test_open_errors(void **state)
{
	(void)state;
	/* A port nobody listens on: bound, never listening. */
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t l = sizeof(a);
	assert_int_equal(bind(fd, (void *)&a, l), 0);
	getsockname(fd, (void *)&a, &l);
	uint32_t slot, perr = 0;
	assert_teec(ta_open(&sess, SOCKET_TA_TCP, TEE_IP_VERSION_4, "127.0.0.1",
			    ntohs(a.sin_port), &slot, &perr),
		    TEE_ISOCKET_ERROR_PROTOCOL);
	assert_int_equal(perr, ECONNREFUSED);
	close(fd);
	/* A host name longer than DNS allows: HOSTNAME without any lookup. */
	char host[400];
	memset(host, 'a', sizeof(host) - 1);
	host[sizeof(host) - 1] = 0;
	assert_teec(
	    ta_open(&sess, SOCKET_TA_TCP, TEE_IP_VERSION_4, host, 1, &slot, &perr),
	    TEE_ISOCKET_ERROR_PROTOCOL);
	assert_int_equal(perr, TEE_ISOCKET_ERROR_HOSTNAME);
	/* An IP version GP does not define. */
	assert_teec(
	    ta_open(&sess, SOCKET_TA_TCP, 7, "127.0.0.1", echo.port, &slot, &perr),
	    TEEC_ERROR_BAD_PARAMETERS);
}

static void test_recv_timeouts(void **state)
{
	(void)state;
	uint32_t slot;
	assert_teec(ta_open(&sess, SOCKET_TA_TCP, TEE_IP_VERSION_4, "127.0.0.1",
			    echo.port, &slot, NULL),
		    TEEC_SUCCESS);
	uint8_t b[64];
	size_t got = 99;
	uint64_t t0 = now_ms();
	assert_teec(ta_recv(slot, b, sizeof(b), 0, &got), TEE_ISOCKET_ERROR_TIMEOUT);
	assert_int_equal(got, 0);
	assert_true(now_ms() - t0 < 500);
	t0 = now_ms();
	assert_teec(ta_recv(slot, b, sizeof(b), 300, &got), TEE_ISOCKET_ERROR_TIMEOUT);
	uint64_t el = now_ms() - t0;
	print_message("recv timeout 300 ms returned after %llu ms\n",
		      (unsigned long long)el);
	assert_true(el >= 290 && el < 3000);
	/* The socket still works afterwards. */
	echo_roundtrip(slot, 10);
	assert_teec(ta_close(slot), TEEC_SUCCESS);
}

struct canceller {
	TEEC_Operation *op;
	_Atomic int done;
	pthread_t t;
};

static void *cancel_thread(void *arg)
{
	struct canceller *c = arg;
	sleep_ms(200);
	while (!atomic_load(&c->done)) {
		if (__atomic_load_n(&c->op->started, __ATOMIC_SEQ_CST))
			TEEC_RequestCancellation(c->op);
		sleep_ms(50);
	}
	return NULL;
}

static void test_cancel_infinite_recv(void **state)
{
	(void)state;
	TEEC_Operation op = {0};
	assert_teec(TEEC_InvokeCommand(&sess, SOCKET_TA_CMD_UNMASK, &op, NULL),
		    TEEC_SUCCESS);
	uint32_t slot;
	assert_teec(ta_open(&sess, SOCKET_TA_TCP, TEE_IP_VERSION_4, "127.0.0.1",
			    echo.port, &slot, NULL),
		    TEEC_SUCCESS);
	struct canceller c = {.op = &op};
	pthread_create(&c.t, NULL, cancel_thread, &c);
	uint8_t b[64];
	uint64_t t0 = now_ms();
	TEEC_Result r = ta_recv_op(&op, slot, b, sizeof(b), TEE_TIMEOUT_INFINITE, NULL);
	atomic_store(&c.done, 1);
	pthread_join(c.t, NULL);
	print_message("infinite recv cancelled after %llu ms\n",
		      (unsigned long long)(now_ms() - t0));
	assert_teec(r, TEE_ERROR_CANCEL_);
	/* Session, TA and socket survive the cancellation. */
	echo_roundtrip(slot, 100);
	assert_teec(ta_close(slot), TEEC_SUCCESS);
}

/* ---- edgetee extension: listen / accept in the TA ------------------------ */

static TEEC_Result ta_listen(const char *addr, uint32_t ipv, uint16_t port,
			     uint32_t *slot, uint32_t *perr, uint16_t *bound)
{
	TEEC_Operation op = {0};
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_INPUT,
					 TEEC_VALUE_OUTPUT, TEEC_VALUE_OUTPUT);
	op.params[0].value.a = ipv;
	op.params[0].value.b = port;
	op.params[1].tmpref.buffer = (void *)addr;
	op.params[1].tmpref.size = addr ? strlen(addr) + 1 : 0;
	TEEC_Result r = TEEC_InvokeCommand(&sess, SOCKET_TA_CMD_LISTEN, &op, NULL);
	if (slot)
		*slot = op.params[2].value.a;
	if (perr)
		*perr = op.params[2].value.b;
	if (bound)
		*bound = (uint16_t)op.params[3].value.a;
	return r;
}

static TEEC_Result ta_accept_op(TEEC_Operation *op, uint32_t lslot, uint32_t timeout,
				uint32_t *slot)
{
	memset(op, 0, sizeof(*op));
	op->paramTypes =
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_VALUE_OUTPUT, TEEC_NONE);
	op->params[0].value.a = lslot;
	op->params[0].value.b = timeout;
	TEEC_Result r = TEEC_InvokeCommand(&sess, SOCKET_TA_CMD_ACCEPT, op, NULL);
	if (slot)
		*slot = op->params[2].value.a;
	return r;
}

static TEEC_Result ta_accept(uint32_t lslot, uint32_t timeout, uint32_t *slot)
{
	TEEC_Operation op;
	return ta_accept_op(&op, lslot, timeout, slot);
}

static int connect_to(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_port = htons(port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void test_listen_accept(void **state)
{
	(void)state;
	uint32_t l, perr;
	uint16_t port = 0;
	assert_teec(ta_listen("127.0.0.1", TEE_IP_VERSION_4, 0, &l, &perr, &port),
		    TEEC_SUCCESS);
	assert_true(port != 0);
	/* Timeouts: 0 = only what is pending, then a finite wait. */
	uint32_t c;
	uint64_t t0 = now_ms();
	assert_teec(ta_accept(l, 0, &c), TEE_ISOCKET_ERROR_TIMEOUT);
	assert_true(now_ms() - t0 < 500);
	t0 = now_ms();
	assert_teec(ta_accept(l, 300, &c), TEE_ISOCKET_ERROR_TIMEOUT);
	uint64_t el = now_ms() - t0;
	print_message("accept timeout 300 ms returned after %llu ms\n",
		      (unsigned long long)el);
	assert_true(el >= 290 && el < 3000);
	/* A listener moves no data. */
	uint32_t sent = 99, err = 0;
	assert_teec(ta_send(l, "x", 1, 100, &sent, &err), TEE_ISOCKET_ERROR_PROTOCOL);
	assert_int_equal(sent, 0);
	assert_int_equal(err, ENOTCONN);
	/* The port is taken while the listener lives. */
	uint32_t l2;
	assert_teec(ta_listen("127.0.0.1", TEE_IP_VERSION_4, port, &l2, &perr, NULL),
		    TEE_ISOCKET_ERROR_PROTOCOL);
	assert_int_equal(perr, EADDRINUSE);
	/* Accept, then echo through the accepted (ring) socket both ways. */
	int fd = connect_to(port);
	assert_true(fd >= 0);
	assert_teec(ta_accept(l, 5000, &c), TEEC_SUCCESS);
	static uint8_t big[300000], back[sizeof(big)];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 3);
	assert_int_equal(write(fd, big, sizeof(big)), (ssize_t)sizeof(big));
	size_t have = 0;
	while (have < sizeof(big)) {
		size_t got = 0;
		assert_teec(ta_recv(c, back + have, sizeof(big) - have, 5000, &got),
			    TEEC_SUCCESS);
		assert_true(got > 0);
		have += got;
	}
	assert_memory_equal(big, back, sizeof(big));
	assert_teec(ta_send(c, back, sizeof(back), 5000, &sent, NULL), TEEC_SUCCESS);
	assert_int_equal(sent, sizeof(back));
	memset(big, 0, sizeof(big));
	have = 0;
	while (have < sizeof(big)) {
		ssize_t n = read(fd, big + have, sizeof(big) - have);
		assert_true(n > 0);
		have += (size_t)n;
	}
	assert_memory_equal(big, back, sizeof(big));
	/* The peer's close is an orderly EOF to the TA. */
	close(fd);
	size_t got = 99;
	assert_teec(ta_recv(c, back, 16, 5000, &got), TEEC_SUCCESS);
	assert_int_equal(got, 0);
	assert_teec(ta_close(c), TEEC_SUCCESS);
	/* Closing the listener frees the port: connecting is refused. */
	assert_teec(ta_close(l), TEEC_SUCCESS);
	assert_int_equal(connect_to(port), -1);
	/* Any address (dual-stack or IPv4), the port is reusable at once. */
	assert_teec(ta_listen(NULL, TEE_IP_VERSION_DC, port, &l, &perr, NULL),
		    TEEC_SUCCESS);
	fd = connect_to(port);
	assert_true(fd >= 0);
	assert_teec(ta_accept(l, 5000, &c), TEEC_SUCCESS);
	close(fd);
	assert_teec(ta_close(c), TEEC_SUCCESS);
	assert_teec(ta_close(l), TEEC_SUCCESS);
	/* Accepting on a connected socket is a usage error, not a panic. */
	assert_teec(ta_open(&sess, SOCKET_TA_TCP, TEE_IP_VERSION_4, "127.0.0.1",
			    echo.port, &c, NULL),
		    TEEC_SUCCESS);
	assert_teec(ta_accept(c, 0, &l2), TEEC_ERROR_BAD_PARAMETERS);
	assert_teec(ta_close(c), TEEC_SUCCESS);
}

static void test_cancel_infinite_accept(void **state)
{
	(void)state;
	TEEC_Operation op = {0};
	assert_teec(TEEC_InvokeCommand(&sess, SOCKET_TA_CMD_UNMASK, &op, NULL),
		    TEEC_SUCCESS);
	uint32_t l, c;
	uint16_t port = 0;
	assert_teec(ta_listen("127.0.0.1", TEE_IP_VERSION_4, 0, &l, NULL, &port),
		    TEEC_SUCCESS);
	struct canceller cc = {.op = &op};
	pthread_create(&cc.t, NULL, cancel_thread, &cc);
	uint64_t t0 = now_ms();
	TEEC_Result r = ta_accept_op(&op, l, TEE_TIMEOUT_INFINITE, &c);
	atomic_store(&cc.done, 1);
	pthread_join(cc.t, NULL);
	print_message("infinite accept cancelled after %llu ms\n",
		      (unsigned long long)(now_ms() - t0));
	assert_teec(r, TEE_ERROR_CANCEL_);
	/* The listener survives the cancellation. */
	int fd = connect_to(port);
	assert_true(fd >= 0);
	assert_teec(ta_accept(l, 5000, &c), TEEC_SUCCESS);
	uint32_t sent;
	assert_teec(ta_send(c, "ok", 2, 1000, &sent, NULL), TEEC_SUCCESS);
	char b[2];
	assert_int_equal(read(fd, b, 2), 2);
	assert_memory_equal(b, "ok", 2);
	close(fd);
	assert_teec(ta_close(c), TEEC_SUCCESS);
	assert_teec(ta_close(l), TEEC_SUCCESS);
}

static void test_udp(void **state)
{
	(void)state;
	struct udp_server u1, u2;
	udp_start(&u1, 'A');
	udp_start(&u2, 'B');
	uint32_t slot;
	assert_teec(ta_open(&sess, SOCKET_TA_UDP, TEE_IP_VERSION_4, "127.0.0.1", u1.port,
			    &slot, NULL),
		    TEEC_SUCCESS);
	uint32_t sent;
	uint8_t b[128];
	size_t got;
	assert_teec(ta_send(slot, "hello", 5, 1000, &sent, NULL), TEEC_SUCCESS);
	assert_int_equal(sent, 5);
	assert_teec(ta_recv(slot, b, sizeof(b), 2000, &got), TEEC_SUCCESS);
	assert_int_equal(got, 6);
	assert_memory_equal(b, "helloA", 6);
	/* A short buffer gets the start of the datagram. */
	assert_teec(ta_send(slot, "0123456789", 10, 1000, &sent, NULL), TEEC_SUCCESS);
	assert_teec(ta_recv(slot, b, 4, 2000, &got), TEEC_SUCCESS);
	assert_int_equal(got, 4);
	assert_memory_equal(b, "0123", 4);
	/* Change the peer's port, then its address (same host, by name). */
	uint16_t p2 = u2.port;
	assert_teec(ta_ioctl(slot, TEE_UDP_CHANGEPORT, &p2, sizeof(p2), NULL),
		    TEEC_SUCCESS);
	assert_teec(ta_send(slot, "x", 1, 1000, &sent, NULL), TEEC_SUCCESS);
	assert_teec(ta_recv(slot, b, sizeof(b), 2000, &got), TEEC_SUCCESS);
	assert_int_equal(got, 2);
	assert_memory_equal(b, "xB", 2);
	char host[] = "127.0.0.1";
	assert_teec(ta_ioctl(slot, TEE_UDP_CHANGEADDR, host, sizeof(host), NULL),
		    TEEC_SUCCESS);
	assert_teec(ta_send(slot, "y", 1, 1000, &sent, NULL), TEEC_SUCCESS);
	assert_teec(ta_recv(slot, b, sizeof(b), 2000, &got), TEEC_SUCCESS);
	assert_memory_equal(b, "yB", 2);
	/* Nothing to receive: timeout. */
	assert_teec(ta_recv(slot, b, sizeof(b), 100, &got), TEE_ISOCKET_ERROR_TIMEOUT);
	/* Oversized datagrams: over the IP limit, and over the region. */
	size_t big = 70000;
	uint8_t *d = calloc(1, 2 * 1024 * 1024 + 1);
	uint32_t err = 0;
	assert_teec(ta_send(slot, d, big, 1000, &sent, &err),
		    TEE_ISOCKET_ERROR_LARGE_BUFFER);
	assert_int_equal(err, EMSGSIZE);
	assert_teec(ta_send(slot, d, 2 * 1024 * 1024 + 1, 1000, &sent, NULL),
		    TEE_ISOCKET_ERROR_LARGE_BUFFER);
	free(d);
	/* TCP commands are not UDP's. */
	int v = 65536;
	assert_teec(ta_ioctl(slot, TEE_TCP_SET_RECVBUF, &v, sizeof(v), NULL),
		    TEEC_ERROR_NOT_SUPPORTED);
	assert_teec(ta_close(slot), TEEC_SUCCESS);
	udp_stop(&u1);
	udp_stop(&u2);
}

static void test_tcp_ioctl(void **state)
{
	(void)state;
	uint32_t slot;
	assert_teec(ta_open(&sess, SOCKET_TA_TCP, TEE_IP_VERSION_4, "127.0.0.1",
			    echo.port, &slot, NULL),
		    TEEC_SUCCESS);
	int v = 256 * 1024;
	assert_teec(ta_ioctl(slot, TEE_TCP_SET_RECVBUF, &v, sizeof(v), NULL),
		    TEEC_SUCCESS);
	assert_teec(ta_ioctl(slot, TEE_TCP_SET_SENDBUF, &v, sizeof(v), NULL),
		    TEEC_SUCCESS);
	/* Wrong argument size, another protocol's command, an unknown command. */
	assert_teec(ta_ioctl(slot, TEE_TCP_SET_SENDBUF, &v, 2, NULL),
		    TEEC_ERROR_BAD_PARAMETERS);
	uint16_t port = 1;
	assert_teec(ta_ioctl(slot, TEE_UDP_CHANGEPORT, &port, sizeof(port), NULL),
		    TEEC_ERROR_NOT_SUPPORTED);
	assert_teec(ta_ioctl(slot, 0x65000099, &v, sizeof(v), NULL),
		    TEEC_ERROR_NOT_SUPPORTED);
	/* Generic commands (protocol 0): none is defined, nothing to do. */
	assert_teec(ta_ioctl(slot, 0x00000001, &v, sizeof(v), NULL), TEEC_SUCCESS);
	echo_roundtrip(slot, 1000);
	assert_teec(ta_close(slot), TEEC_SUCCESS);
}

/* Send after the peer closed: REMOTE_CLOSED (once the kernel knows). */
static void test_remote_closed(void **state)
{
	(void)state;
	struct server src;
	assert_int_equal(server_start(&src, SRV_SOURCE, 0), 0);
	src.source_len = 0; /* accept, close at once */
	uint32_t slot;
	assert_teec(ta_open(&sess, SOCKET_TA_TCP, TEE_IP_VERSION_4, "127.0.0.1", src.port,
			    &slot, NULL),
		    TEEC_SUCCESS);
	uint64_t end = now_ms() + 5000;
	while (!atomic_load(&src.conns_done) && now_ms() < end)
		sleep_ms(10);
	TEEC_Result r = TEEC_SUCCESS;
	uint32_t err = 0;
	for (int i = 0; i < 50 && r == TEEC_SUCCESS; i++) {
		r = ta_send(slot, "data", 4, 1000, NULL, &err);
		sleep_ms(10);
	}
	assert_teec(r, TEE_ISOCKET_ERROR_REMOTE_CLOSED);
	assert_true(err == EPIPE || err == ECONNRESET);
	assert_teec(ta_close(slot), TEEC_SUCCESS);
	server_stop(&src);
}

/*
 * Write-behind: a send returns once the data is accepted; an error of the
 * transmission after that (the peer resets) is reported by a later call,
 * with error() = the errno, and stays reported.
 */
static void test_write_behind_error(void **state)
{
	(void)state;
	uint16_t port;
	int lfd = tcp_listen(0, &port);
	assert_true(lfd >= 0);
	uint32_t slot;
	assert_teec(ta_open(&sess, SOCKET_TA_TCP, TEE_IP_VERSION_4, "127.0.0.1", port,
			    &slot, NULL),
		    TEEC_SUCCESS);
	int afd = accept(lfd, NULL, NULL);
	assert_true(afd >= 0);
	static uint8_t blk[65536];
	uint32_t sent = 0;
	assert_teec(ta_send(slot, blk, sizeof(blk), TEE_TIMEOUT_INFINITE, &sent, NULL),
		    TEEC_SUCCESS);
	assert_int_equal(sent, sizeof(blk));
	/* An abortive close: RST, unread data discarded. */
	struct linger lg = {.l_onoff = 1, .l_linger = 0};
	setsockopt(afd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(afd);
	TEEC_Result r = TEEC_SUCCESS;
	uint32_t err = 0;
	int calls = 0;
	for (; calls < 200 && r == TEEC_SUCCESS; calls++) {
		r = ta_send(slot, blk, 4096, 1000, &sent, &err);
		sleep_ms(5);
	}
	print_message("write-behind: reset reported by send #%d\n", calls);
	assert_teec(r, TEE_ISOCKET_ERROR_REMOTE_CLOSED);
	assert_true(err == EPIPE || err == ECONNRESET);
	assert_int_equal(sent, 0);
	/* Still reported by the next send. The read side ends too: with the
	 * reset, or with EOF if the send consumed the socket's error first
	 * (the kernel reports it once), as on a plain socket. */
	assert_teec(ta_send(slot, blk, 10, 1000, &sent, &err),
		    TEE_ISOCKET_ERROR_REMOTE_CLOSED);
	uint8_t b[16];
	size_t got = 99;
	r = ta_recv(slot, b, sizeof(b), 1000, &got);
	assert_true(r == TEE_ISOCKET_ERROR_REMOTE_CLOSED ||
		    (r == TEEC_SUCCESS && got == 0));
	assert_teec(ta_close(slot), TEEC_SUCCESS);
	close(lfd);
}

/*
 * A full ring applies the send's timeout; close flushes: every byte a send
 * reported accepted reaches the peer, even one that starts reading only
 * after close returned (the supplicant lingers), then EOF.
 */
static void test_flush_on_close(void **state)
{
	(void)state;
	struct server sink;
	assert_int_equal(server_start(&sink, SRV_SINK, 0), 0);
	sink.delay_ms = 1500;
	int small = 16384;
	setsockopt(sink.lfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	uint32_t slot;
	assert_teec(ta_open(&sess, SOCKET_TA_TCP, TEE_IP_VERSION_4, "127.0.0.1",
			    sink.port, &slot, NULL),
		    TEEC_SUCCESS);
	int v = 65536;
	assert_teec(ta_ioctl(slot, TEE_TCP_SET_SENDBUF, &v, sizeof(v), NULL),
		    TEEC_SUCCESS);
	size_t n = 8 * 1024 * 1024;
	uint8_t *buf = malloc(n);
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(i * 29 + 3);
	uint32_t sent = 0;
	uint64_t t0 = now_ms();
	assert_teec(ta_send(slot, buf, n, 300, &sent, NULL), TEE_ISOCKET_ERROR_TIMEOUT);
	uint64_t el = now_ms() - t0;
	print_message("send into a stalled peer: %u bytes accepted, timeout after "
		      "%llu ms\n",
		      sent, (unsigned long long)el);
	assert_true(sent > 0 && sent < n);
	assert_true(el >= 290 && el < 3000);
	t0 = now_ms();
	assert_teec(ta_close(slot), TEEC_SUCCESS);
	el = now_ms() - t0;
	print_message("close with unsent data returned after %llu ms\n",
		      (unsigned long long)el);
	assert_true(el < 3000);
	uint32_t sum = 0;
	for (size_t i = 0; i < sent; i++)
		sum += buf[i];
	uint64_t end = now_ms() + 15000;
	while (!atomic_load(&sink.conns_done) && now_ms() < end)
		sleep_ms(10);
	assert_int_equal(atomic_load(&sink.got), sent);
	assert_int_equal(atomic_load(&sink.sum), sum);
	free(buf);
	server_stop(&sink);
}

static void test_stats(void **state)
{
	(void)state;
	struct edgetee_socket_stats a, b;
	ta_stats(&a);
	uint32_t slot;
	assert_teec(ta_open(&sess, SOCKET_TA_TCP, TEE_IP_VERSION_4, "127.0.0.1",
			    echo.port, &slot, NULL),
		    TEEC_SUCCESS);
	echo_roundtrip(slot, 50000);
	assert_teec(ta_close(slot), TEEC_SUCCESS);
	ta_stats(&b);
	print_message("stats: crossings %llu sent %llu received %llu ree %llu ns wait "
		      "%llu ns\n",
		      (unsigned long long)b.crossings, (unsigned long long)b.bytes_sent,
		      (unsigned long long)b.bytes_received, (unsigned long long)b.ree_ns,
		      (unsigned long long)b.wait_ns);
	/* Open and close are round trips; the data moves through the rings,
	 * where the TA crosses only if it has to wake the pump or wait for the
	 * echo, which depends on timing. */
	assert_true(b.crossings >= a.crossings + 2);
	assert_true(b.bytes_sent >= a.bytes_sent + 50000);
	assert_true(b.bytes_received >= a.bytes_received + 50000);
	assert_true(b.ree_ns > a.ree_ns);
	assert_true(b.wait_ns > a.wait_ns);
	assert_true(b.wait_ns - a.wait_ns >= b.ree_ns - a.ree_ns);
}

static void test_close_misuse(void **state)
{
	(void)state;
	TEEC_Operation op = {0};
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = 1; /* close a made-up handle */
	assert_teec(TEEC_InvokeCommand(&sess, SOCKET_TA_CMD_MISUSE, &op, NULL),
		    TEEC_ERROR_BAD_PARAMETERS);
	op.params[0].value.a = 4; /* close TEE_HANDLE_NULL */
	assert_teec(TEEC_InvokeCommand(&sess, SOCKET_TA_CMD_MISUSE, &op, NULL),
		    TEEC_SUCCESS);
	uint32_t slot;
	assert_teec(ta_open(&sess, SOCKET_TA_TCP, TEE_IP_VERSION_4, "127.0.0.1",
			    echo.port, &slot, NULL),
		    TEEC_SUCCESS);
	op.params[0].value.a = 3; /* double close */
	op.params[0].value.b = slot;
	assert_teec(TEEC_InvokeCommand(&sess, SOCKET_TA_CMD_MISUSE, &op, NULL),
		    TEEC_ERROR_BAD_PARAMETERS);
}

/* Using a bad or closed handle panics the TA (GP); the next session works. */
static void test_bad_handle_panics(void **state)
{
	(void)state;
	for (int what = 0; what <= 2; what += 2) {
		TEEC_Session s;
		assert_teec(sess_open(&s), TEEC_SUCCESS);
		uint32_t slot = 0;
		if (what == 2)
			assert_teec(ta_open(&s, SOCKET_TA_TCP, TEE_IP_VERSION_4,
					    "127.0.0.1", echo.port, &slot, NULL),
				    TEEC_SUCCESS);
		TEEC_Operation op = {0};
		op.paramTypes =
		    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
		op.params[0].value.a = (uint32_t)what;
		op.params[0].value.b = slot;
		uint32_t origin = 0;
		assert_teec(TEEC_InvokeCommand(&s, SOCKET_TA_CMD_MISUSE, &op, &origin),
			    TEEC_ERROR_TARGET_DEAD);
		assert_int_equal(origin, TEEC_ORIGIN_TEE);
		TEEC_CloseSession(&s);
	}
}

/* Rough throughput: the TA's send loop vs plain send() from this process. */
static void test_throughput(void **state)
{
	(void)state;
	const uint32_t mib = 256;
	static const uint32_t lens[] = {128 * 1024, 1024 * 1024};
	for (size_t i = 0; i < 2; i++) {
		struct server sink;
		assert_int_equal(server_start(&sink, SRV_SINK, 0), 0);
		uint32_t slot;
		assert_teec(ta_open(&sess, SOCKET_TA_TCP, TEE_IP_VERSION_4, "127.0.0.1",
				    sink.port, &slot, NULL),
			    TEEC_SUCCESS);
		TEEC_Operation op = {0};
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE,
						 TEEC_VALUE_INPUT, TEEC_VALUE_OUTPUT);
		op.params[0].value.a = slot;
		op.params[0].value.b = lens[i];
		op.params[2].value.a = mib;
		assert_teec(TEEC_InvokeCommand(&sess, SOCKET_TA_CMD_SEND_LOOP, &op, NULL),
			    TEEC_SUCCESS);
		uint64_t ns = op.params[3].value.a | (uint64_t)op.params[3].value.b << 32;
		assert_teec(ta_close(slot), TEEC_SUCCESS);
		server_stop(&sink);

		/* The same loop in the REE. */
		assert_int_equal(server_start(&sink, SRV_SINK, 0), 0);
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct sockaddr_in a = {.sin_family = AF_INET,
					.sin_port = htons(sink.port),
					.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		assert_int_equal(connect(fd, (void *)&a, sizeof(a)), 0);
		uint8_t *buf = malloc(lens[i]);
		memset(buf, 0x5a, lens[i]);
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		uint64_t total = (uint64_t)mib << 20, sent = 0;
		while (sent < total) {
			ssize_t n = send(fd, buf, lens[i], MSG_NOSIGNAL);
			assert_true(n > 0);
			sent += (uint64_t)n;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		close(fd);
		free(buf);
		server_stop(&sink);
		uint64_t rns = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000ull +
			       (uint64_t)t1.tv_nsec - (uint64_t)t0.tv_nsec;
		double ta = (double)total / 1e6 / ((double)ns / 1e9);
		double ree = (double)total / 1e6 / ((double)rns / 1e9);
		print_message("TCP send loop, %u KiB buffers, %u MiB: TA %.0f MB/s, REE "
			      "%.0f MB/s, ratio %.2f\n",
			      lens[i] / 1024, mib, ta, ree, ta / ree);
	}
}

static int group_up(void **state)
{
	(void)state;
	alarm(170);
	if (et_test_up(&inst))
		return -1;
	if (TEEC_InitializeContext(NULL, &ctx) != TEEC_SUCCESS ||
	    sess_open(&sess) != TEEC_SUCCESS || server_start(&echo, SRV_ECHO, 0)) {
		et_test_down(&inst);
		return -1;
	}
	return 0;
}

static int group_down(void **state)
{
	(void)state;
	TEEC_CloseSession(&sess);
	TEEC_FinalizeContext(&ctx);
	server_stop(&echo);
	et_test_down(&inst);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_info),
	    cmocka_unit_test(test_tcp_echo_sizes),
	    cmocka_unit_test(test_tcp_large_send),
	    cmocka_unit_test(test_tcp_recv_until_eof),
	    cmocka_unit_test(test_ipv6_and_localhost),
	    cmocka_unit_test(test_open_errors),
	    cmocka_unit_test(test_recv_timeouts),
	    cmocka_unit_test(test_cancel_infinite_recv),
	    cmocka_unit_test(test_listen_accept),
	    cmocka_unit_test(test_cancel_infinite_accept),
	    cmocka_unit_test(test_udp),
	    cmocka_unit_test(test_tcp_ioctl),
	    cmocka_unit_test(test_remote_closed),
	    cmocka_unit_test(test_write_behind_error),
	    cmocka_unit_test(test_flush_on_close),
	    cmocka_unit_test(test_stats),
	    cmocka_unit_test(test_close_misuse),
	    cmocka_unit_test(test_throughput),
	    cmocka_unit_test(test_bad_handle_panics),
	};
	return cmocka_run_group_tests(tests, group_up, group_down);
}
