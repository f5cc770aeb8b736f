/*
 * The key-value table of the kvstore TA and of its REE baseline: a
 * kazlib-style static hash table (a fixed array of 251 chains, separate
 * chaining, chain = hash mod 251, no resizing), as in the DAIS 2019 study.
 * Keys and values are byte strings; both are copied into one node taken
 * from the table's allocator, so the TA charges them to its TEE_Malloc heap
 * and the REE baseline to malloc, running the very same code.
 *
 * The chain is also the unit of the persistent layout: kv_chain_encode()
 * and kv_chain_load() turn one chain into a self-checking byte string, so
 * trusted storage can keep one object per chain (see ta/kvstore/kv_persist.h).
 */
#ifndef ET_KV_TABLE_H
#define ET_KV_TABLE_H

#include <stddef.h>
#include <stdint.h>

/* A prime, so that keys with a common stride spread over every chain. */
#define KV_CHAINS 251u

/* Limits: a key fits in a small stack buffer, a value in 32-bit lengths. */
#define KV_KEY_MAX   1024u
#define KV_VALUE_MAX (256u * 1024u * 1024u)

/* Results; the TA maps them to TEE_Result, the client to messages. */
enum kv_status {
	KV_OK = 0,
	KV_ENOENT,  /* no such key */
	KV_ENOMEM,  /* the allocator refused; the table is unchanged */
	KV_EINVAL,  /* empty or oversized key, oversized value */
	KV_ECORRUPT /* kv_chain_load: the bytes are not a chain encoding */
};

/* The allocator: TEE_Malloc/TEE_Free in the TA, malloc/free in the REE. */
struct kv_alloc {
	void *(*alloc)(size_t size);
	void (*free)(void *ptr);
};

/* One entry: key bytes then value bytes in a single allocation, so that an
 * insert either fully succeeds or leaves nothing behind. */
struct kv_node {
	struct kv_node *next;
	uint32_t hash; /* full hash of the key, compared before the bytes */
	uint32_t klen;
	uint32_t vlen;
	unsigned char data[];
};

struct kv_table {
	struct kv_node *chain[KV_CHAINS];
	size_t count; /* entries */
	size_t bytes; /* key + value bytes held */
	struct kv_alloc a;
};

/* Iteration position: chain, then entries skipped inside it. */
struct kv_cursor {
	uint32_t chain;
	uint32_t pos;
};

void kv_init(struct kv_table *t, const struct kv_alloc *a);
/* Drop every entry (the table stays usable). */
void kv_clear(struct kv_table *t);

uint32_t kv_hash(const void *key, size_t klen);
static inline uint32_t kv_chain_of(uint32_t hash)
{
	return hash % KV_CHAINS;
}

/* Insert or replace. The new node is allocated before the old one is
 * unlinked: on KV_ENOMEM the table, including the old value, is intact. */
enum kv_status kv_put(struct kv_table *t, const void *key, size_t klen, const void *val,
		      size_t vlen);
/* Find a key; *val points into the table until the next change. */
enum kv_status kv_get(const struct kv_table *t, const void *key, size_t klen,
		      const void **val, size_t *vlen);
enum kv_status kv_del(struct kv_table *t, const void *key, size_t klen);
static inline size_t kv_count(const struct kv_table *t)
{
	return t->count;
}

/* Keys in a stable order (chain by chain) while the table does not change.
 * Returns 1 and the next key, or 0 at the end. */
void kv_cursor_init(struct kv_cursor *c);
int kv_next(const struct kv_table *t, struct kv_cursor *c, const void **key, size_t *klen,
	    size_t *vlen);
/* A cursor at the idx-th key (LIST pages by index). */
void kv_cursor_seek(const struct kv_table *t, struct kv_cursor *c, size_t idx);

/*
 * Persistent layout of one chain ("bucket object"): "KVC1", chain index
 * (u32), entry count (u32), then per entry klen (u32), vlen (u32), key,
 * value; all little-endian. kv_chain_encode returns the size needed and
 * writes only if it fits in size (so a NULL buffer asks for the size).
 * kv_chain_load replaces chain `chain` with the decoded entries, checking
 * every length and that each key hashes to that chain; on failure the
 * chain is left as it was.
 */
size_t kv_chain_encode(const struct kv_table *t, uint32_t chain, void *buf, size_t size);
enum kv_status kv_chain_load(struct kv_table *t, uint32_t chain, const void *buf,
			     size_t size);

#endif
