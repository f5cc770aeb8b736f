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

struct et_cparam {
	uint32_t type;	    /* TEE_PARAM_TYPE_* (0..7) as the TA will see it */
	uint32_t a, b;	    /* values */
	void *buf;	    /* temporary memref (shm == NULL) */
	size_t size;	    /* memref size; updated on return */
	struct et_shm *shm; /* shared-memory memref */
	size_t offset;
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

/* Results and origins are GP TEE(C)_Result / *_ORIGIN_* numbers. */
uint32_t et_chan_open(const struct et_chan_ops *ops, const uint8_t uuid[16],
		      uint32_t login, uint32_t gid, uint32_t ptypes,
		      struct et_cparam p[4], struct et_chan **out, uint32_t *origin);
uint32_t et_chan_invoke(struct et_chan *c, uint32_t cmd, uint32_t ptypes,
			struct et_cparam p[4], uint32_t *origin);
void et_chan_close(struct et_chan *c);
void et_chan_cancel(struct et_chan *c);
/* Automatic cancellation timeout of the following requests. */
void et_chan_set_timeout(struct et_chan *c, uint32_t ms);
/* Tell the TA a shared memory block is gone (no-op if never sent). */
void et_chan_forget_shm(struct et_chan *c, uint32_t id);

/* Shared memory blocks: allocate (zero copy) or shadow a caller buffer. */
int et_shm_alloc(struct et_shm *s, size_t size, void *user);
void et_shm_free(struct et_shm *s);

#endif
