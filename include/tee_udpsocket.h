/*
 * edgetee: the UDP instance of the GP TEE Sockets API (Annex B). open()
 * takes a TEE_udpSocket_Setup naming the peer; send() sends one datagram,
 * recv() receives one (truncated to the buffer if longer).
 */
#ifndef __TEE_UDPSOCKET_H
#define __TEE_UDPSOCKET_H

#include "tee_isocket.h"
#include "__tee_ipsocket.h"
#include "__tee_udpsocket_defines.h"

typedef struct TEE_udpSocket_Setup_s {
	TEE_ipSocket_ipVersion ipVersion;
	char *server_addr;
	uint16_t server_port;
} TEE_udpSocket_Setup;

extern TEE_iSocket *const TEE_udpSocket;

#endif /* __TEE_UDPSOCKET_H */
