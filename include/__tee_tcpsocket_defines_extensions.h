/*
 * edgetee: OP-TEE's implementation-specific TCP ioctls (not in GP): set the
 * socket's kernel receive / send buffer size. buf points to an int (bytes),
 * *length is sizeof(int). Same names and values as OP-TEE.
 */
#ifndef ____TEE_TCPSOCKET_DEFINES_EXTENSIONS_H
#define ____TEE_TCPSOCKET_DEFINES_EXTENSIONS_H

#define TEE_TCP_SET_RECVBUF 0x65f00000
#define TEE_TCP_SET_SENDBUF 0x65f00001

#endif /* ____TEE_TCPSOCKET_DEFINES_EXTENSIONS_H */
