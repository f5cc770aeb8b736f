/*
 * The persistent mode's storage interface. The table of a --persistent
 * session lives in GP trusted storage (TEE_STORAGE_PRIVATE of the kvstore
 * TA) with one persistent object per hash chain ("kv.chain.NNN", NNN =
 * 000..250, holding the kv_chain_encode() bytes; an empty chain has no
 * object):
 *
 *  - a PUT or DEL changes exactly one chain, so it rewrites one small object
 *    (about 1 KiB per key in the benchmark), not the whole table or a log
 *    that would need compaction;
 *  - crash safety comes from the storage's atomic object replacement
 *    (TEE_CreatePersistentObject with OVERWRITE and the new image as its
 *    initial data is one durable, atomic step): after a crash every chain
 *    is in its old or its new state, and every committed key is found on
 *    restart by loading all chain objects (kv_chain_load checks each);
 *  - a change of several chains (a BATCH, CLEAR) first writes one journal
 *    object ("kv.journal": the new images of every chain it changes) in one
 *    atomic step, which is its commit point, then the chain objects, then
 *    deletes the journal; opening the store replays a journal left by a
 *    crash, so a batch is all or nothing across chains;
 *  - an operation is committed when kv_persist_commit*() or
 *    kv_persist_clear() returned TEE_SUCCESS; if they fail, nothing was
 *    committed and the TA restores the chains' previous images in memory,
 *    so memory and storage never disagree.
 *
 * kv_persist_gp.c implements it over GP Trusted Storage.
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
/* Atomically replace the objects of n chains (a BATCH): all or none. */
TEE_Result kv_persist_commit_set(struct kv_persist *p, const struct kv_table *t,
				 const uint32_t *chains, size_t n);
/* Atomically remove every chain object (CLEAR; the caller then empties t). */
TEE_Result kv_persist_clear(struct kv_persist *p);
void kv_persist_close(struct kv_persist *p);

#endif
