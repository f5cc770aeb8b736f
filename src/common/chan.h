/*
 * The caller's end of a session: a mailbox page shared with the TA process,
 * a side socket for shared-memory descriptors, and a bounce buffer for
 * temporary memory references. libteec (client applications) and libutee
 * (TA-to-TA sessions) both call TAs through this one piece of code.
 */
#ifndef ET_CHAN_H
#define ET_CHAN_H

#include <stddef.h>
#include <stdint.h>

struct et_shm {
	uint32_t id; /* process-unique, never ET_SHM_BOUNCE/ET_SHM_NULL */
	int fd;	     /* sealed memfd */
	void *map;   /* our mapping of fd */
	size_t size;
	void *user; /* registered memory: caller's buffer shadowed by map; else map */
};

/* How a channel reaches the core: differs for client apps and TAs. */
struct et_chan_ops {
	/* Ask the core to open a session; fds = {mailbox, side socket}. */
	int (*open)(void *arg, const uint8_t uuid[16], uint32_t login, uint32_t gid,
		    uint64_t cookie, const int fds[2]);
	/* Ask the core to kill the TA instance behind cookie (cancel timeout). */
	void (*kill)(void *arg, uint64_t cookie);
	/* Is the core still there? (called only while waiting long) */
	int (*alive)(void *arg);
	void *arg;
	/* Cancel a request automatically after this many ms (0xFFFFFFFF: never). */
	uint32_t cancel_timeout_ms;
};

struct et_chan;

/*
 * A channel to the TA named by uuid, not yet open: the session opens with
 * the first request (et_req_open). NULL when out of memory.
 */
struct et_chan *et_chan_new(const struct et_chan_ops *ops, const uint8_t uuid[16],
			    uint32_t login, uint32_t gid);
/* Closes the session if it is open, then frees the channel. */
void et_chan_close(struct et_chan *c);
void et_chan_cancel(struct et_chan *c);
/* Automatic cancellation timeout of the following requests. */
void et_chan_set_timeout(struct et_chan *c, uint32_t ms);
/* Tell the TA a shared memory block is gone (no-op if never sent). */
void et_chan_forget_shm(struct et_chan *c, uint32_t id);

/*
 * One request, written in place. Each API turns its own parameters
 * (TEEC_Operation, TEE_Param[4]) straight into the mailbox, one pass in and
 * one pass out, with no intermediate form:
 *
 *   et_req_begin        takes the session: one request in flight at a time
 *   et_req_value/_shm/_temp   parameter i (TA-visible types go to the call)
 *   et_req_open/_invoke       posts the request and waits for the answer
 *   et_req_value_out, _shm_out, _temp_out   outputs, if q->answered
 *   et_req_end          releases the session; always, after et_req_begin
 *
 * Results and origins are GP TEE(C)_Result / *_ORIGIN_* numbers. A failed
 * et_req_open leaves the channel closed: et_chan_close only frees it.
 */
struct et_req {
	struct et_chan *c;
	struct et_mailbox *mb;
	size_t bounce_used; /* bytes of the bounce buffer this request uses */
	int answered;	    /* the mailbox holds the TA's (or core's) answer */
};

void et_req_begin(struct et_chan *c, struct et_req *q);
void et_req_value(struct et_req *q, int i, uint32_t a, uint32_t b);
/* A shared-memory memref; copy_in: an input (registered memory is synced). */
uint32_t et_req_shm(struct et_req *q, int i, struct et_shm *s, size_t offset, size_t size,
		    int copy_in);
/* A temporary memref, copied through the bounce buffer; buf NULL is a null
 * memref (size is still passed: a TA may answer with the size it needs). */
uint32_t et_req_temp(struct et_req *q, int i, const void *buf, size_t size, int copy_in);
uint32_t et_req_open(struct et_req *q, uint32_t ptypes, uint32_t *origin);
uint32_t et_req_invoke(struct et_req *q, uint32_t cmd, uint32_t ptypes, uint32_t *origin);
/* A value output. */
void et_req_value_out(const struct et_req *q, int i, uint32_t *a, uint32_t *b);
/* Memref outputs: the size the TA reports; the data is copied back into
 * registered memory or buf only if it fits in cap. */
size_t et_req_shm_out(const struct et_req *q, int i, struct et_shm *s, size_t offset,
		      size_t cap);
size_t et_req_temp_out(const struct et_req *q, int i, void *buf, size_t cap);
void et_req_end(struct et_req *q);

/* Shared memory blocks: allocate (zero copy) or shadow a caller buffer. */
int et_shm_alloc(struct et_shm *s, size_t size, void *user);
void et_shm_free(struct et_shm *s);

#endif
