/*
 * Message I/O over SOCK_SEQPACKET Unix sockets with file descriptors attached
 * (SCM_RIGHTS), plus the memfd helpers every process uses for shared memory.
 */
#ifndef ET_FDIO_H
#define ET_FDIO_H

#include <stddef.h>
#include <sys/types.h>

#define ET_MAX_FDS 4

/* Send one message with nfds descriptors; returns 0 or -errno. */
int et_send(int sock, const void *buf, size_t len, const int *fds, int nfds);

/*
 * Receive one message. Received descriptors are stored in fds (up to
 * *nfds on entry; count on return), marked close-on-exec. Returns the
 * message length, 0 on EOF, -errno on error. Truncated messages are
 * reported as -EMSGSIZE.
 */
ssize_t et_recv(int sock, void *buf, size_t len, int *fds, int *nfds);

/* A memfd of the given size, sealed so its size can never change. */
int et_memfd_sealed(const char *name, size_t size);

/* 0 if fd is a memfd whose size is sealed and at least min bytes; its size out. */
int et_memfd_check(int fd, size_t *size);

#endif
