/*
 * Client library of the key-value store TA (ta/kvstore) over libteec, with
 * the three ways GP lets a client pass buffers, as compared in the DAIS
 * 2019 study:
 *  - KVC_WHOLE: allocated shared memory blocks, one per parameter, sized to
 *    the data and passed as TEEC_MEMREF_WHOLE (kept and reused while the
 *    sizes stay the same, as the benchmark's 1 KiB values do);
 *  - KVC_PARTIAL: one allocated block; the parameters are PARTIAL memrefs
 *    at offsets inside it;
 *  - KVC_TEMP: temporary memrefs on the caller's buffers (libteec copies
 *    them through the session's bounce buffer).
 * Results are TEEC_Result codes; c->origin holds the last origin.
 */
#ifndef ET_KV_CLIENT_H
#define ET_KV_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <tee_client_api.h>

enum kvc_transport { KVC_WHOLE, KVC_PARTIAL, KVC_TEMP };

struct kvc {
	TEEC_Context ctx;
	TEEC_Session sess;
	enum kvc_transport tr;
	uint32_t origin;
	int ctx_ok, sess_ok;
	/* WHOLE: one block per parameter slot and direction (a command mix
	 * then never reallocates); PARTIAL: blk[0] only. */
	TEEC_SharedMemory blk[4];
	int have[4];
	void *tmp; /* KVC_TEMP: kvc_get_ref's buffer */
	size_t tmp_cap;
};

/* "whole", "partial", "temp" */
const char *kvc_transport_name(enum kvc_transport t);
int kvc_transport_parse(const char *s, enum kvc_transport *t);

/* Connect (socket NULL: EDGETEE_SOCKET or the default instance) and open a
 * session; flags KV_OPEN_PERSISTENT (kvstore_ta.h) asks for the persistent
 * table. On failure nothing needs closing. */
TEEC_Result kvc_open(struct kvc *c, const char *socket, enum kvc_transport t,
		     uint32_t flags);
void kvc_close(struct kvc *c);

TEEC_Result kvc_put(struct kvc *c, const void *key, size_t klen, const void *val,
		    size_t vlen);
/* *vlen: capacity in, value size out (also on SHORT_BUFFER: the size needed). */
TEEC_Result kvc_get(struct kvc *c, const void *key, size_t klen, void *val, size_t *vlen);
/*
 * GET without a copy: the TA writes the value straight into this session's
 * shared memory (WHOLE, PARTIAL), where *val points until the next call on
 * c. cap is the room to offer. KVC_TEMP copies into a buffer of c's, as
 * temporary memrefs always copy.
 */
TEEC_Result kvc_get_ref(struct kvc *c, const void *key, size_t klen, size_t cap,
			const void **val, size_t *vlen);
TEEC_Result kvc_del(struct kvc *c, const void *key, size_t klen);
TEEC_Result kvc_count(struct kvc *c, uint32_t *keys, uint32_t *bytes);
/* One page of keys from index start: *len capacity in, bytes out; the page
 * is (u32 LE length, key bytes) per key. */
TEEC_Result kvc_list(struct kvc *c, uint32_t start, void *page, size_t *len,
		     uint32_t *nkeys, uint32_t *total);
/* A kv_batch.h request; *resp_len capacity in, response length out. */
TEEC_Result kvc_batch(struct kvc *c, const void *req, size_t len, void *resp,
		      size_t *resp_len);
TEEC_Result kvc_clear(struct kvc *c);

/* "item not found", "out of memory", ... for one-line messages. */
const char *kvc_strerror(TEEC_Result r);

#endif
