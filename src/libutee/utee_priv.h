/*
 * libutee internals: the TA runtime's view of its sessions, its heap budget
 * and its line to the core. Every GP chapter file of libutee includes this.
 */
#ifndef UTEE_PRIV_H
#define UTEE_PRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <tee_internal_api.h>
#include <user_ta_header.h>

#include "proto.h"

struct utee_map {
	uint32_t id;
	void *base;
	size_t size;
};

struct utee_session {
	uint32_t sid;
	struct et_mailbox *mb;
	int side;
	uint32_t side_done;
	struct utee_map *maps; /* shared memory the client sent (id 0 = bounce) */
	size_t nmaps;
	TEE_Identity client;
	void *ctx; /* the TA's session context */
	int opened;
	uint32_t served; /* requests answered before the session's thread ran */
	int cancel_masked;
	_Atomic uint32_t gone; /* caller vanished: close at the next chance */
	/* memrefs of the command being served, for CheckMemoryAccessRights */
	struct {
		void *buf;
		size_t size;
		uint32_t type;
	} cur[4];
	struct utee_session *next;
};

/* The session whose entry point is running (NULL in Create/Destroy). A plain
 * global: entry points run one at a time under utee_ta_lock. */
extern struct utee_session *utee_cur;

/* Entry points of one TA instance never run concurrently (GP). */
extern pthread_mutex_t utee_ta_lock;

extern const char *utee_instance_name;
extern const char *utee_device_id;

/* Synchronous request to the core over the svc socket. */
TEE_Result utee_svc_call(struct et_svc_req *req, struct et_svc_reply *rep);
/* Send a request with file descriptors and no reply (TA-to-TA open). */
int utee_svc_send(struct et_svc_req *req, const int *fds, int nfds);

/* Heap budget (gpd.ta.dataSize), enforced by TEE_Malloc/TEE_Realloc. */
void utee_heap_init(size_t limit);

/* Is [buf, buf+len) inside shared memory of the current command? */
int utee_in_shared(const void *buf, size_t len, uint32_t *type);

#endif
