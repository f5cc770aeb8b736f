/*
 * socket_ta: drives the GP TEE Sockets API (TEE_tcpSocket, TEE_udpSocket)
 * one call per command for tests/sockets; see socket_ta.h for the commands.
 * It reports GP results unchanged so the test can check exact codes.
 */
#include <string.h>
#include <tee_internal_api.h>
#include <tee_socket_stats.h>
#include <tee_tcpsocket.h>
#include <tee_tcpsocket_server.h>
#include <tee_udpsocket.h>

#include "socket_ta.h"

#define P(t0, t1, t2, t3)                                                                \
	TEE_PARAM_TYPES(TEE_PARAM_TYPE_##t0, TEE_PARAM_TYPE_##t1, TEE_PARAM_TYPE_##t2,   \
			TEE_PARAM_TYPE_##t3)

static struct {
	TEE_iSocket *api;
	TEE_iSocketHandle h;
} slots[SOCKET_TA_SLOTS];

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
	for (int i = 0; i < SOCKET_TA_SLOTS; i++)
		if (slots[i].h)
			slots[i].api->close(slots[i].h);
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t types, TEE_Param params[4], void **ctx)
{
	(void)types;
	(void)params;
	*ctx = NULL;
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *ctx)
{
	(void)ctx;
}

static int slot_ok(uint32_t i)
{
	return i < SOCKET_TA_SLOTS && slots[i].h;
}

static TEE_Result cmd_open(TEE_Param p[4])
{
	uint32_t proto = p[0].value.a & 0xff, ipv = p[0].value.a >> 8;
	char host[512];
	if (p[1].memref.size == 0 || p[1].memref.size > sizeof(host))
		return TEE_ERROR_BAD_PARAMETERS;
	memcpy(host, p[1].memref.buffer, p[1].memref.size);
	host[p[1].memref.size - 1] = 0;
	int i = 0;
	while (i < SOCKET_TA_SLOTS && slots[i].h)
		i++;
	if (i == SOCKET_TA_SLOTS)
		return TEE_ERROR_OUT_OF_MEMORY;
	uint32_t perr = 0xdeadbeef;
	TEE_Result r;
	if (proto == SOCKET_TA_TCP) {
		TEE_tcpSocket_Setup s = {.ipVersion = (TEE_ipSocket_ipVersion)ipv,
					 .server_addr = host,
					 .server_port = (uint16_t)p[0].value.b};
		slots[i].api = TEE_tcpSocket;
		r = TEE_tcpSocket->open(&slots[i].h, &s, &perr);
	} else {
		TEE_udpSocket_Setup s = {.ipVersion = (TEE_ipSocket_ipVersion)ipv,
					 .server_addr = host,
					 .server_port = (uint16_t)p[0].value.b};
		slots[i].api = TEE_udpSocket;
		r = TEE_udpSocket->open(&slots[i].h, &s, &perr);
	}
	if (r != TEE_SUCCESS)
		slots[i].h = NULL;
	p[2].value.a = (uint32_t)i;
	p[2].value.b = perr;
	return r;
}

static int slot_free(void)
{
	int i = 0;
	while (i < SOCKET_TA_SLOTS && slots[i].h)
		i++;
	return i;
}

static TEE_Result cmd_listen(TEE_Param p[4])
{
	char addr[512] = "";
	if (p[1].memref.size > sizeof(addr))
		return TEE_ERROR_BAD_PARAMETERS;
	if (p[1].memref.size) {
		memcpy(addr, p[1].memref.buffer, p[1].memref.size);
		addr[p[1].memref.size - 1] = 0;
	}
	int i = slot_free();
	if (i == SOCKET_TA_SLOTS)
		return TEE_ERROR_OUT_OF_MEMORY;
	uint32_t perr = 0xdeadbeef;
	slots[i].api = TEE_tcpSocket; /* closed with TEE_tcpSocket->close */
	TEE_Result r = edgetee_tcp_listen(addr[0] ? addr : NULL, (uint16_t)p[0].value.b,
					  p[0].value.a, &slots[i].h, &perr);
	if (r != TEE_SUCCESS)
		slots[i].h = NULL;
	p[2].value.a = (uint32_t)i;
	p[2].value.b = perr;
	p[3].value.a = r == TEE_SUCCESS ? edgetee_tcp_listener_port(slots[i].h) : 0;
	return r;
}

static TEE_Result cmd_accept(TEE_Param p[4])
{
	int i = slot_free();
	if (i == SOCKET_TA_SLOTS)
		return TEE_ERROR_OUT_OF_MEMORY;
	uint32_t perr = 0xdeadbeef;
	slots[i].api = TEE_tcpSocket;
	TEE_Result r =
	    edgetee_tcp_accept(slots[p[0].value.a].h, &slots[i].h, p[0].value.b, &perr);
	if (r != TEE_SUCCESS)
		slots[i].h = NULL;
	p[2].value.a = (uint32_t)i;
	p[2].value.b = perr;
	return r;
}

static TEE_Result cmd_recv_all(TEE_Param p[4])
{
	static uint8_t buf[64 * 1024];
	uint32_t total = 0, sum = 0;
	for (;;) {
		uint32_t len = sizeof(buf);
		TEE_Result r = slots[p[0].value.a].api->recv(slots[p[0].value.a].h, buf,
							     &len, TEE_TIMEOUT_INFINITE);
		if (r != TEE_SUCCESS)
			return r;
		if (len == 0)
			break;
		for (uint32_t k = 0; k < len; k++)
			sum += buf[k];
		total += len;
	}
	p[2].value.a = total;
	p[2].value.b = sum;
	return TEE_SUCCESS;
}

static TEE_Result cmd_send_loop(TEE_Param p[4])
{
	uint32_t len = p[0].value.b;
	uint64_t total = (uint64_t)p[2].value.a << 20, sent = 0;
	uint8_t *buf = TEE_Malloc(len, 0);
	if (!buf)
		return TEE_ERROR_OUT_OF_MEMORY;
	memset(buf, 0x5a, len);
	TEE_Time t0, t1;
	TEE_GetSystemTime(&t0);
	TEE_Result r = TEE_SUCCESS;
	while (sent < total && r == TEE_SUCCESS) {
		uint32_t n = len;
		r = slots[p[0].value.a].api->send(slots[p[0].value.a].h, buf, &n,
						  TEE_TIMEOUT_INFINITE);
		sent += n;
	}
	TEE_GetSystemTime(&t1);
	TEE_Free(buf);
	uint64_t ns = ((uint64_t)t1.seconds * 1000 + t1.millis -
		       ((uint64_t)t0.seconds * 1000 + t0.millis)) *
		      1000000u;
	p[3].value.a = (uint32_t)ns;
	p[3].value.b = (uint32_t)(ns >> 32);
	return r;
}

static TEE_Result cmd_misuse(TEE_Param p[4])
{
	static uint32_t fake[8];
	uint32_t len = 4;
	switch (p[0].value.a) {
	case 0:
		return TEE_tcpSocket->send((TEE_iSocketHandle)fake, "abcd", &len, 0);
	case 1:
		return TEE_tcpSocket->close((TEE_iSocketHandle)fake);
	case 2: {
		if (!slot_ok(p[0].value.b))
			return TEE_ERROR_BAD_PARAMETERS;
		TEE_iSocketHandle h = slots[p[0].value.b].h;
		slots[p[0].value.b].api->close(h);
		slots[p[0].value.b].h = NULL;
		return TEE_tcpSocket->send(h, "abcd", &len, 0);
	}
	case 3: {
		if (!slot_ok(p[0].value.b))
			return TEE_ERROR_BAD_PARAMETERS;
		TEE_iSocketHandle h = slots[p[0].value.b].h;
		TEE_Result r = slots[p[0].value.b].api->close(h);
		slots[p[0].value.b].h = NULL;
		if (r != TEE_SUCCESS)
			return TEE_ERROR_GENERIC;
		return TEE_tcpSocket->close(h);
	}
	case 4:
		return TEE_tcpSocket->close(TEE_HANDLE_NULL);
	default:
		return TEE_ERROR_BAD_PARAMETERS;
	}
}

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t types,
				      TEE_Param p[4])
{
	(void)ctx;
	switch (cmd) {
	case SOCKET_TA_CMD_OPEN:
		if (types != P(VALUE_INPUT, MEMREF_INPUT, VALUE_OUTPUT, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return cmd_open(p);
	case SOCKET_TA_CMD_CLOSE: {
		if (types != P(VALUE_INPUT, NONE, NONE, NONE) || !slot_ok(p[0].value.a))
			return TEE_ERROR_BAD_PARAMETERS;
		TEE_Result r = slots[p[0].value.a].api->close(slots[p[0].value.a].h);
		slots[p[0].value.a].h = NULL;
		return r;
	}
	case SOCKET_TA_CMD_SEND: {
		if (types != P(VALUE_INPUT, MEMREF_INPUT, VALUE_OUTPUT, NONE) ||
		    !slot_ok(p[0].value.a))
			return TEE_ERROR_BAD_PARAMETERS;
		uint32_t len = (uint32_t)p[1].memref.size;
		TEE_Result r = slots[p[0].value.a].api->send(
		    slots[p[0].value.a].h, p[1].memref.buffer, &len, p[0].value.b);
		p[2].value.a = len;
		p[2].value.b = slots[p[0].value.a].api->error(slots[p[0].value.a].h);
		return r;
	}
	case SOCKET_TA_CMD_RECV: {
		if (types != P(VALUE_INPUT, MEMREF_OUTPUT, VALUE_OUTPUT, NONE) ||
		    !slot_ok(p[0].value.a))
			return TEE_ERROR_BAD_PARAMETERS;
		uint32_t len = (uint32_t)p[1].memref.size;
		TEE_Result r = slots[p[0].value.a].api->recv(
		    slots[p[0].value.a].h, p[1].memref.buffer, &len, p[0].value.b);
		p[1].memref.size = len;
		p[2].value.a = slots[p[0].value.a].api->error(slots[p[0].value.a].h);
		return r;
	}
	case SOCKET_TA_CMD_RECV_ALL:
		if (types != P(VALUE_INPUT, NONE, VALUE_OUTPUT, NONE) ||
		    !slot_ok(p[0].value.a))
			return TEE_ERROR_BAD_PARAMETERS;
		return cmd_recv_all(p);
	case SOCKET_TA_CMD_IOCTL: {
		if (types != P(VALUE_INPUT, MEMREF_INOUT, VALUE_OUTPUT, NONE) ||
		    !slot_ok(p[0].value.a))
			return TEE_ERROR_BAD_PARAMETERS;
		uint32_t len = (uint32_t)p[1].memref.size;
		TEE_Result r = slots[p[0].value.a].api->ioctl(
		    slots[p[0].value.a].h, p[0].value.b, p[1].memref.buffer, &len);
		p[1].memref.size = len;
		p[2].value.a = slots[p[0].value.a].api->error(slots[p[0].value.a].h);
		return r;
	}
	case SOCKET_TA_CMD_STATS: {
		if (types != P(NONE, MEMREF_OUTPUT, NONE, NONE) ||
		    p[1].memref.size < sizeof(struct edgetee_socket_stats))
			return TEE_ERROR_BAD_PARAMETERS;
		struct edgetee_socket_stats st;
		TEE_Result r = edgetee_socket_stats(&st);
		memcpy(p[1].memref.buffer, &st, sizeof(st));
		p[1].memref.size = sizeof(st);
		return r;
	}
	case SOCKET_TA_CMD_UNMASK:
		TEE_UnmaskCancellation();
		return TEE_SUCCESS;
	case SOCKET_TA_CMD_MISUSE:
		if (types != P(VALUE_INPUT, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return cmd_misuse(p);
	case SOCKET_TA_CMD_SEND_LOOP:
		if (types != P(VALUE_INPUT, NONE, VALUE_INPUT, VALUE_OUTPUT) ||
		    !slot_ok(p[0].value.a) || p[0].value.b == 0 ||
		    p[0].value.b > 2 * 1024 * 1024)
			return TEE_ERROR_BAD_PARAMETERS;
		return cmd_send_loop(p);
	case SOCKET_TA_CMD_INFO:
		if (types != P(NONE, NONE, VALUE_OUTPUT, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		p[2].value.a = TEE_tcpSocket->TEE_iSocketVersion;
		p[2].value.b =
		    (uint32_t)TEE_tcpSocket->protocolID << 8 | TEE_udpSocket->protocolID;
		return TEE_SUCCESS;
	case SOCKET_TA_CMD_LISTEN:
		if (types != P(VALUE_INPUT, MEMREF_INPUT, VALUE_OUTPUT, VALUE_OUTPUT))
			return TEE_ERROR_BAD_PARAMETERS;
		return cmd_listen(p);
	case SOCKET_TA_CMD_ACCEPT:
		if (types != P(VALUE_INPUT, NONE, VALUE_OUTPUT, NONE) ||
		    !slot_ok(p[0].value.a))
			return TEE_ERROR_BAD_PARAMETERS;
		return cmd_accept(p);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
