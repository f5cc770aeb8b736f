/*
 * socket_ta: the test TA of the GP TEE Sockets API tests (tests/sockets).
 * It keeps a small table of open sockets (slots) per instance and exposes
 * each TEE_iSocket function as a command, so the test program drives the
 * API call by call against servers it runs itself on loopback addresses.
 */
#ifndef SOCKET_TA_H
#define SOCKET_TA_H

#define SOCKET_TA_UUID                                                                   \
	{                                                                                \
		0x7d24663c, 0x3844, 0x4323,                                              \
		{                                                                        \
			0xae, 0xe8, 0x9d, 0x18, 0x08, 0xc9, 0x1d, 0xb3                   \
		}                                                                        \
	}
#define SOCKET_TA_UUID_STR "7d24663c-3844-4323-aee8-9d1808c91db3"

#define SOCKET_TA_STACK_SIZE (64 * 1024)
#define SOCKET_TA_DATA_SIZE  (4 * 1024 * 1024)
#define SOCKET_TA_SLOTS	     8

#define SOCKET_TA_TCP 0
#define SOCKET_TA_UDP 1

/*
 * OPEN: [0] value in a = proto (SOCKET_TA_TCP/UDP) | ipVersion << 8,
 *           b = port; [1] memref in: host (NUL-terminated);
 *       [2] value out a = slot, b = protocolError.
 */
#define SOCKET_TA_CMD_OPEN 1
/* CLOSE: [0] value in a = slot. */
#define SOCKET_TA_CMD_CLOSE 2
/* SEND: [0] value in a = slot, b = timeout; [1] memref in: data;
 *       [2] value out a = bytes sent (*length), b = error(). */
#define SOCKET_TA_CMD_SEND 3
/* RECV: [0] value in a = slot, b = timeout; [1] memref out (size = what to
 *       ask for; updated to what came); [2] value out a = error(). */
#define SOCKET_TA_CMD_RECV 4
/* RECV_ALL: [0] value in a = slot; [2] value out a = bytes until EOF,
 *           b = sum of all bytes (mod 2^32). Infinite timeouts. */
#define SOCKET_TA_CMD_RECV_ALL 5
/* IOCTL: [0] value in a = slot, b = commandCode; [1] memref inout;
 *        [2] value out a = error(). */
#define SOCKET_TA_CMD_IOCTL 6
/* STATS: [1] memref out: struct edgetee_socket_stats. */
#define SOCKET_TA_CMD_STATS 7
/* UNMASK: TEE_UnmaskCancellation() for this session. */
#define SOCKET_TA_CMD_UNMASK 8
/* MISUSE: [0] value in a = what: 0 send on a made-up handle (panics),
 *         1 close a made-up handle, 2 send on a closed handle (panics),
 *         3 close the same handle twice (returns the second result),
 *         4 close TEE_HANDLE_NULL. [0] b = slot for 2 and 3. */
#define SOCKET_TA_CMD_MISUSE 9
/* SEND_LOOP: [0] value in a = slot, b = buffer length; [2] value in
 *            a = total MiB; [3] value out a/b = elapsed ns low/high. */
#define SOCKET_TA_CMD_SEND_LOOP 10
/* INFO: [2] value out a = TEE_tcpSocket->TEE_iSocketVersion,
 *       b = protocolID of TCP << 8 | protocolID of UDP. */
#define SOCKET_TA_CMD_INFO 11
/* LISTEN (edgetee extension, tee_tcpsocket_server.h): [0] value in
 *        a = ipVersion, b = port (0: any free one); [1] memref in: address
 *        (NUL-terminated; size 0 or "" = any); [2] value out a = slot,
 *        b = protocolError; [3] value out a = the bound port. */
#define SOCKET_TA_CMD_LISTEN 12
/* ACCEPT: [0] value in a = listener slot, b = timeout; [2] value out
 *         a = slot of the connection, b = protocolError. */
#define SOCKET_TA_CMD_ACCEPT 13

#endif
