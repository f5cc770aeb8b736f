/*
 * edgetee: constants of the GP TEE Sockets API UDP instance (Annex B):
 * protocol id, instance-specific warning and ioctls. GP's names and values.
 *  - TEE_UDP_CHANGEADDR: buf = new peer host (NUL-terminated string,
 *    *length counts the NUL); the port stays.
 *  - TEE_UDP_CHANGEPORT: buf = uint16_t new peer port, *length = 2.
 */
#ifndef ____TEE_UDPSOCKET_DEFINES_H
#define ____TEE_UDPSOCKET_DEFINES_H

#define TEE_ISOCKET_PROTOCOLID_UDP 0x66

#define TEE_ISOCKET_UDP_WARNING_UNKNOWN_OUT_OF_BAND 0xF1020002

#define TEE_UDP_CHANGEADDR 0x66000001
#define TEE_UDP_CHANGEPORT 0x66000002

#endif /* ____TEE_UDPSOCKET_DEFINES_H */
