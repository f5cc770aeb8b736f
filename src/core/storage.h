/*
 * The trusted storage service of edgeteed (storage.c): one worker thread per
 * TA host connection (fd 6 in the host), off the epoll thread, so that no
 * fsync ever stalls the core's event loop.
 */
#ifndef ET_STORAGE_H
#define ET_STORAGE_H

#include <stdint.h>
#include <sys/types.h>

/* Keys and directories; called once at startup. Without it TAs get
 * TEE_ERROR_STORAGE_NOT_AVAILABLE. */
void storage_init(const char *dir, const char *instance_name);

/* Serve a new TA host's connection (fd is taken over). Not bound to a TA
 * yet: every request is refused until storage_bind. */
void storage_connect(pid_t host, int fd);

/* The host is about to run this TA: its requests use the TA's storage. */
void storage_bind(pid_t host, const uint8_t uuid[16]);

/* At shutdown, after the TA hosts are gone: wait (briefly) for the workers
 * to finish, so no commit is cut off by exit(). */
void storage_stop(void);

#endif
