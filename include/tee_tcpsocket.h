/*
 * edgetee: the TCP instance of the GP TEE Sockets API (Annex A). open()
 * takes a TEE_tcpSocket_Setup: server_addr is a host name or a numeric
 * IPv4/IPv6 address (resolved on the REE side), server_port the port.
 * The OP-TEE ioctl extensions are included (TEE_TCP_SET_RECVBUF/SENDBUF).
 */
#ifndef __TEE_TCPSOCKET_H
#define __TEE_TCPSOCKET_H

#include "tee_isocket.h"
#include "__tee_ipsocket.h"
#include "__tee_tcpsocket_defines.h"
#include "__tee_tcpsocket_defines_extensions.h"

typedef struct TEE_tcpSocket_Setup_s {
	TEE_ipSocket_ipVersion ipVersion;
	char *server_addr;
	uint16_t server_port;
} TEE_tcpSocket_Setup;

extern TEE_iSocket *const TEE_tcpSocket;

#endif /* __TEE_TCPSOCKET_H */
