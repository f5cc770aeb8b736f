/*
 * edgetee EXTENSION to the GP TEE Sockets API: listening TCP sockets.
 *
 * GP's TEE Sockets API 1.0 has client sockets only (TEE_tcpSocket->open
 * connects). A TA that serves a protocol (iperfTZ's server mode, where a
 * stock iperf3 client connects to the TA) needs listen and accept, so
 * edgetee adds them here, outside GP's TEE_iSocket interface. Not available
 * on OP-TEE: guard uses with #ifdef EDGETEE_TCP_SERVER.
 *
 * As for every socket of a TA, the syscalls happen in edgetee-supplicant on
 * the REE side. A connection returned by edgetee_tcp_accept() is a normal
 * TEE_tcpSocket handle: send, recv, ioctl, error and close work on it
 * exactly as on an opened one (same write-behind / read-ahead rings). A
 * listener handle is closed with TEE_tcpSocket->close; send and recv on it
 * fail with TEE_ISOCKET_ERROR_PROTOCOL (protocol error ENOTCONN), ioctl with
 * TEE_ERROR_NOT_SUPPORTED.
 */
#ifndef __TEE_TCPSOCKET_SERVER_H
#define __TEE_TCPSOCKET_SERVER_H

#include "tee_tcpsocket.h"

#ifdef __cplusplus
extern "C" {
#endif

#define EDGETEE_TCP_SERVER 1

/*
 * Create a TCP socket, bind it to addr:port and listen. addr is a numeric
 * address or host name, or NULL / "" for all local addresses (dual-stack
 * "::" unless ipVersion is TEE_IP_VERSION_4, as iperf3 does). port 0 picks
 * a free port (see edgetee_tcp_listener_port). SO_REUSEADDR is set.
 * Returns TEE_SUCCESS with *listener set; TEE_ISOCKET_ERROR_PROTOCOL with
 * *protocolError = errno (EADDRINUSE, EACCES, ...) or
 * TEE_ISOCKET_ERROR_HOSTNAME; TEE_ERROR_BAD_PARAMETERS for a bad ipVersion;
 * TEE_ISOCKET_ERROR_OUT_OF_RESOURCES; TEE_ERROR_CANCEL; errors of the link
 * to the supplicant as for open.
 */
TEE_Result edgetee_tcp_listen(const char *addr, uint16_t port, uint32_t ipVersion,
			      TEE_iSocketHandle *listener, uint32_t *protocolError);

/*
 * Wait for and accept one connection on listener. timeout as for recv: 0 =
 * only a connection already pending, ms, or TEE_TIMEOUT_INFINITE.
 * Cancellation of the TA's operation ends the wait (TEE_ERROR_CANCEL).
 * Returns TEE_SUCCESS with *conn a connected TEE_tcpSocket handle;
 * TEE_ISOCKET_ERROR_TIMEOUT; TEE_ERROR_BAD_PARAMETERS if listener is a
 * connected socket or a UDP one; TEE_ISOCKET_ERROR_PROTOCOL or
 * _OUT_OF_RESOURCES with *protocolError = errno. An unknown handle panics
 * the TA, as for the GP calls.
 */
TEE_Result edgetee_tcp_accept(TEE_iSocketHandle listener, TEE_iSocketHandle *conn,
			      uint32_t timeout, uint32_t *protocolError);

/* The local port a listener is bound to (useful after port 0); 0 for a
 * handle that is not a listener. */
uint16_t edgetee_tcp_listener_port(TEE_iSocketHandle listener);

#ifdef __cplusplus
}
#endif

#endif /* __TEE_TCPSOCKET_SERVER_H */
