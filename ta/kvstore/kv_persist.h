/*
 * The persistent mode's storage interface. The table of a --persistent
 * session lives in GP trusted storage with one persistent object per hash
 * chain ("kv.chain.NNN", NNN = 000..250, the kv_chain_encode() bytes):
 *
 *  - a PUT or DEL changes exactly one chain, so it rewrites one small object
 *    (about 1 KiB per key in the benchmark), not the whole table or a log
 *    that would need compaction;
 *  - crash safety comes from the storage's atomic object replacement
 *    (TEE_CreatePersistentObject with OVERWRITE writes a new object and
 *    switches the directory root in one rename): after a crash every chain
 *    is in its old or its new state, and every committed key is found on
 *    restart by loading all chain objects (kv_chain_load checks each);
 *  - an operation is committed when kv_persist_commit() returned
 *    TEE_SUCCESS; if it fails, the TA restores the chain's previous image
 *    in memory, so memory and storage never disagree.
 *
 * This build has no trusted storage: kv_persist_none.c implements the
 * interface by refusing to open (TEE_ERROR_NOT_SUPPORTED). The storage work
 * replaces that file with one that maps these calls to GP objects.
 */
#ifndef KV_PERSIST_H
#define KV_PERSIST_H

#include <stdint.h>
#include <tee_internal_api.h>

#include "kv_table.h"

struct kv_persist;

/* Open the store and load every chain object into t (empty if none). */
TEE_Result kv_persist_open(struct kv_persist **p, struct kv_table *t);
/* Atomically replace the object of one chain with its current contents. */
TEE_Result kv_persist_commit(struct kv_persist *p, const struct kv_table *t,
			     uint32_t chain);
/* Remove every chain object (CLEAR). */
TEE_Result kv_persist_clear(struct kv_persist *p);
void kv_persist_close(struct kv_persist *p);

#endif
