/*
 * edgetee: the generic interface of the GP TEE Sockets API 1.0.x. A socket
 * instance (TEE_tcpSocket, TEE_udpSocket) is a constant table of functions;
 * a connection is an opaque TEE_iSocketHandle. Implemented in
 * src/libutee/tee_api_sockets.c; the socket syscalls themselves are made on
 * the REE side by edgetee-supplicant (see the README, "GP Sockets API").
 *
 * Timeouts are in milliseconds: 0 = do not block, TEE_TIMEOUT_INFINITE =
 * block until done. A blocking call returns TEE_ERROR_CANCEL early when the
 * session's cancellation is requested and unmasked (edgetee extension).
 */
#ifndef __TEE_ISOCKET_H
#define __TEE_ISOCKET_H

#include <stdint.h>

#include "tee_api_types.h"
#include "__tee_isocket_defines.h"

typedef void *TEE_iSocketHandle;

typedef const struct TEE_iSocket_s {
	uint32_t TEE_iSocketVersion;
	uint8_t protocolID;
	TEE_Result (*open)(TEE_iSocketHandle *ctx, void *setup, uint32_t *protocolError);
	TEE_Result (*close)(TEE_iSocketHandle ctx);
	TEE_Result (*send)(TEE_iSocketHandle ctx, const void *buf, uint32_t *length,
			   uint32_t timeout);
	TEE_Result (*recv)(TEE_iSocketHandle ctx, void *buf, uint32_t *length,
			   uint32_t timeout);
	uint32_t (*error)(TEE_iSocketHandle ctx);
	TEE_Result (*ioctl)(TEE_iSocketHandle ctx, uint32_t commandCode, void *buf,
			    uint32_t *length);
} TEE_iSocket;

#endif /* __TEE_ISOCKET_H */
