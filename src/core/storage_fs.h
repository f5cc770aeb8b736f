/*
 * On-disk trusted storage of one TA (README "Trusted storage"): an
 * append-only, authenticated, encrypted log per TA under
 * <instance dir>/storage/<name>/, its rollback counter in
 * <instance dir>/rollback/<name>, and the in-memory object table rebuilt
 * from the log. Every function that changes an object commits it durably
 * (one fdatasync) before it returns. Callers hold the store's lock.
 */
#ifndef ET_STORAGE_FS_H
#define ET_STORAGE_FS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <tee_api_types.h>

/* Plaintext bytes per data block: 1 KiB, so the common 1 KiB-aligned GP
 * write is one record, without reading and re-sealing a bigger block. */
#define SFS_BLK	   1024u
#define SFS_ID_MAX 64u

struct sfs_blk {
	uint64_t off; /* record offset in the log; 0 = never written (zeros) */
	uint32_t len; /* plaintext bytes stored (the rest of the block reads 0) */
	uint32_t pad;
};

struct sfs_obj {
	uint8_t uid[16]; /* random per object: names its records, not its ID */
	uint8_t id[SFS_ID_MAX];
	uint32_t id_len;
	uint8_t fek[32];
	uint8_t wrapped[60]; /* FEK under the TSK: IV, ciphertext, tag */
	uint32_t type, osize, maxsize, usage;
	uint8_t *attrs;
	uint32_t attr_len;
	uint64_t size;
	struct sfs_blk *blk;
	uint32_t nblk, cap;
	int hidden;  /* staged create, not visible yet */
	int corrupt; /* a block failed authentication */
	/* open handles (kept by the storage service) */
	uint32_t *opens;
	uint32_t nopen, open_cap;
	struct sfs_obj *next;
};

struct sfs_store {
	uint8_t uuid[16];
	char name[33];
	pthread_mutex_t lock;
	TEE_Result state; /* TEE_SUCCESS, or why nothing can be used */
	int loaded;
	int logfd, ctrfd;
	uint64_t gen, nrec, end;
	uint64_t live; /* bytes of the log still needed (compaction trigger) */
	uint8_t chain[32];
	uint8_t tsk[32], dirkey[32];
	struct stat lst, cst; /* what we last wrote, to notice outside changes */
	struct sfs_obj *objs;
	struct sfs_store *next;
};

/* Set the instance directory (storage/ and rollback/ live under it). */
void sfs_init(const char *instance_dir);

/* The store of a TA (created on first use; never freed). Not locked. */
struct sfs_store *sfs_store_get(const uint8_t uuid[16]);

/* Load the store or notice outside changes since the last look: a store
 * whose files changed while nothing is open is reloaded and checked again.
 * Returns st->state. */
TEE_Result sfs_check(struct sfs_store *st, int busy);

struct sfs_obj *sfs_find(struct sfs_store *st, const void *id, uint32_t id_len);
struct sfs_obj *sfs_nth(struct sfs_store *st, uint64_t idx);

TEE_Result sfs_create(struct sfs_store *st, const void *id, uint32_t id_len,
		      const uint32_t info[4], const void *attrs, uint32_t attr_len,
		      const void *data, size_t len, int hidden, struct sfs_obj *replace,
		      struct sfs_obj **out);
TEE_Result sfs_publish(struct sfs_store *st, struct sfs_obj *o, struct sfs_obj *replace);
TEE_Result sfs_read(struct sfs_store *st, struct sfs_obj *o, uint64_t pos, void *buf,
		    size_t len, size_t *got);
TEE_Result sfs_write(struct sfs_store *st, struct sfs_obj *o, uint64_t pos,
		     const void *buf, size_t len);
TEE_Result sfs_truncate(struct sfs_store *st, struct sfs_obj *o, uint64_t size);
TEE_Result sfs_rename(struct sfs_store *st, struct sfs_obj *o, const void *id,
		      uint32_t id_len);
TEE_Result sfs_set_usage(struct sfs_store *st, struct sfs_obj *o, uint32_t usage);
TEE_Result sfs_delete(struct sfs_store *st, struct sfs_obj *o);
/* Drop a staged object that was never published (memory only). */
void sfs_forget(struct sfs_store *st, struct sfs_obj *o);

#endif
