/*
 * kv_persist over GP Trusted Storage (kv_persist.h): the kvstore TA's
 * persistent table as one TEE_STORAGE_PRIVATE object per non-empty hash
 * chain ("kv.chain.NNN") plus, while a multi-chain change is in progress,
 * one journal object ("kv.journal").
 *
 * One chain: TEE_CreatePersistentObject(OVERWRITE) with the chain's new
 * image as initial data, a single durable and atomic replace; a chain that
 * became empty has its object deleted (also one atomic step).
 *
 * Several chains (BATCH, CLEAR): the journal is written first, atomically,
 * with the new image of every chain the change touches: that is the commit
 * point. Then each chain object is replaced and the journal deleted. Open
 * loads every chain object, then a journal left behind by a crash
 * overrides the chains it names and is applied again (idempotent: it holds
 * whole images). If applying fails after the journal is durable (storage
 * error, no crash) the change is still committed: its chains stay
 * "pending" and the next change rewrites a journal holding them too before
 * it touches anything, so no chain object ever gets ahead of a journal
 * that a later open would replay over it.
 */
#include <string.h>
#include <tee_internal_api.h>

#include "kv_persist.h"

#define STORAGE	      TEE_STORAGE_PRIVATE
#define JOURNAL_ID    "kv.journal"
#define JOURNAL_MAGIC 0x314a564bu /* "KVJ1" little-endian */
#define CHAIN_HDR     12u	  /* an empty chain's image */
#define CHAIN_MAGIC   0x3143564bu /* "KVC1", as kv_table.c writes it */
#define ID_MAX	      16u
#define WRITE_FLAGS                                                                      \
	(TEE_DATA_FLAG_ACCESS_READ | TEE_DATA_FLAG_ACCESS_WRITE |                        \
	 TEE_DATA_FLAG_ACCESS_WRITE_META | TEE_DATA_FLAG_OVERWRITE)

struct kv_persist {
	uint8_t present[KV_CHAINS]; /* the chain has an object in storage */
	uint8_t pending[KV_CHAINS]; /* named by the durable journal, not applied */
	int journal;		    /* a journal object exists */
};

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* "kv.chain.NNN"; returns the length. */
static size_t chain_id(uint32_t chain, char id[ID_MAX])
{
	static const char pre[] = "kv.chain.";
	memcpy(id, pre, sizeof(pre) - 1);
	id[9] = (char)('0' + chain / 100);
	id[10] = (char)('0' + chain / 10 % 10);
	id[11] = (char)('0' + chain % 10);
	return 12;
}

static void empty_image(uint32_t chain, unsigned char img[CHAIN_HDR])
{
	put32(img, CHAIN_MAGIC);
	put32(img + 4, chain);
	put32(img + 8, 0);
}

/* ---- objects --------------------------------------------------------------- */

/* The whole data of an object into a new TEE_Malloc buffer; *buf NULL and
 * ITEM_NOT_FOUND if there is no such object. */
static TEE_Result read_object(const char *id, size_t idlen, unsigned char **buf,
			      size_t *len)
{
	TEE_ObjectHandle h;
	TEE_ObjectInfo info;
	*buf = NULL;
	*len = 0;
	TEE_Result r =
	    TEE_OpenPersistentObject(STORAGE, id, idlen, TEE_DATA_FLAG_ACCESS_READ, &h);
	if (r != TEE_SUCCESS)
		return r;
	r = TEE_GetObjectInfo1(h, &info);
	unsigned char *b = NULL;
	size_t done = 0;
	int api_closed = 0;
	if (r == TEE_SUCCESS) {
		b = TEE_Malloc(info.dataSize ? info.dataSize : 1, TEE_MALLOC_NO_FILL);
		if (!b)
			r = TEE_ERROR_OUT_OF_MEMORY;
	}
	while (r == TEE_SUCCESS && done < info.dataSize) {
		size_t n = 0;
		r = TEE_ReadObjectData(h, b + done, info.dataSize - done, &n);
		/* GP: the API closes a corrupt object's handle itself. */
		api_closed = r == TEE_ERROR_CORRUPT_OBJECT;
		if (r == TEE_SUCCESS && !n)
			r = TEE_ERROR_CORRUPT_OBJECT; /* shorter than it said */
		done += n;
	}
	if (!api_closed)
		TEE_CloseObject(h);
	if (r != TEE_SUCCESS) {
		TEE_Free(b);
		return r;
	}
	*buf = b;
	*len = done;
	return TEE_SUCCESS;
}

static TEE_Result delete_object(const char *id, size_t idlen)
{
	TEE_ObjectHandle h;
	TEE_Result r = TEE_OpenPersistentObject(STORAGE, id, idlen,
						TEE_DATA_FLAG_ACCESS_WRITE_META, &h);
	if (r == TEE_ERROR_ITEM_NOT_FOUND)
		return TEE_SUCCESS;
	if (r != TEE_SUCCESS)
		return r;
	return TEE_CloseAndDeletePersistentObject1(h);
}

/* Atomic replace (or create) with exactly these bytes. */
static TEE_Result replace_object(const char *id, size_t idlen, const void *data,
				 size_t len)
{
	return TEE_CreatePersistentObject(STORAGE, id, idlen, WRITE_FLAGS,
					  TEE_HANDLE_NULL, data, len, NULL);
}

/* Make chain's object hold its current image in t (no object if empty). */
static TEE_Result write_chain(struct kv_persist *p, const struct kv_table *t,
			      uint32_t chain)
{
	char id[ID_MAX];
	size_t idlen = chain_id(chain, id);
	size_t len = kv_chain_encode(t, chain, NULL, 0);
	TEE_Result r;
	if (len <= CHAIN_HDR) {
		if (!p->present[chain])
			return TEE_SUCCESS;
		r = delete_object(id, idlen);
		if (r == TEE_SUCCESS)
			p->present[chain] = 0;
		return r;
	}
	void *img = TEE_Malloc(len, TEE_MALLOC_NO_FILL);
	if (!img)
		return TEE_ERROR_OUT_OF_MEMORY;
	kv_chain_encode(t, chain, img, len);
	r = replace_object(id, idlen, img, len);
	TEE_Free(img);
	if (r == TEE_SUCCESS)
		p->present[chain] = 1;
	return r;
}

/* ---- the journal --------------------------------------------------------------- */

/*
 * Layout: "KVJ1", count, then per chain: index, image length, image (all
 * u32 little-endian). A chain that a CLEAR empties has the empty image.
 */

/* Apply the durable journal: write every pending chain from t (which holds
 * what the journal holds for them), then delete the journal. An error
 * leaves the rest pending; the change stays committed either way. */
static void journal_apply(struct kv_persist *p, const struct kv_table *t)
{
	for (uint32_t c = 0; c < KV_CHAINS; c++) {
		if (!p->pending[c])
			continue;
		TEE_Result r = write_chain(p, t, c);
		if (r != TEE_SUCCESS) {
			EMSG("kvstore: chain %u stays in the journal: 0x%08x", c, r);
			return;
		}
		p->pending[c] = 0;
	}
	TEE_Result r = delete_object(JOURNAL_ID, sizeof(JOURNAL_ID) - 1);
	if (r != TEE_SUCCESS) {
		EMSG("kvstore: the applied journal stays: 0x%08x", r);
		return;
	}
	p->journal = 0;
}

/*
 * Commit the chains in set (new images from t, or empty images if
 * cleared) through the journal: set also takes in every chain still
 * pending from an earlier journal, since the new journal replaces it.
 */
static TEE_Result journal_commit(struct kv_persist *p, const struct kv_table *t,
				 uint8_t set[KV_CHAINS], int cleared)
{
	size_t len = 8;
	uint32_t count = 0;
	for (uint32_t c = 0; c < KV_CHAINS; c++) {
		set[c] |= p->pending[c];
		if (!set[c])
			continue;
		len += 8 + (cleared ? CHAIN_HDR : kv_chain_encode(t, c, NULL, 0));
		count++;
	}
	if (!count)
		return TEE_SUCCESS;
	unsigned char *j = TEE_Malloc(len, TEE_MALLOC_NO_FILL);
	if (!j)
		return TEE_ERROR_OUT_OF_MEMORY;
	put32(j, JOURNAL_MAGIC);
	put32(j + 4, count);
	size_t off = 8;
	for (uint32_t c = 0; c < KV_CHAINS; c++) {
		if (!set[c])
			continue;
		size_t n;
		if (cleared) {
			empty_image(c, j + off + 8);
			n = CHAIN_HDR;
		} else {
			n = kv_chain_encode(t, c, j + off + 8, len - off - 8);
		}
		put32(j + off, c);
		put32(j + off + 4, (uint32_t)n);
		off += 8 + n;
	}
	TEE_Result r = replace_object(JOURNAL_ID, sizeof(JOURNAL_ID) - 1, j, off);
	TEE_Free(j);
	if (r != TEE_SUCCESS)
		return r; /* nothing committed; an older journal is still intact */
	p->journal = 1;
	memcpy(p->pending, set, KV_CHAINS);
	return TEE_SUCCESS;
}

/* Load a journal found at open into t and mark its chains pending. */
static TEE_Result journal_load(struct kv_persist *p, struct kv_table *t,
			       const unsigned char *j, size_t len)
{
	if (len < 8 || get32(j) != JOURNAL_MAGIC || get32(j + 4) > KV_CHAINS)
		return TEE_ERROR_CORRUPT_OBJECT;
	uint32_t count = get32(j + 4);
	size_t off = 8;
	/* Check the framing whole before any chain changes. */
	for (uint32_t i = 0; i < count; i++) {
		if (len - off < 8 || get32(j + off) >= KV_CHAINS ||
		    len - off - 8 < get32(j + off + 4))
			return TEE_ERROR_CORRUPT_OBJECT;
		off += 8 + (size_t)get32(j + off + 4);
	}
	if (off != len)
		return TEE_ERROR_CORRUPT_OBJECT;
	off = 8;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t c = get32(j + off), n = get32(j + off + 4);
		enum kv_status s = kv_chain_load(t, c, j + off + 8, n);
		if (s != KV_OK)
			return s == KV_ENOMEM ? TEE_ERROR_OUT_OF_MEMORY
					      : TEE_ERROR_CORRUPT_OBJECT;
		p->pending[c] = 1;
		off += 8 + n;
	}
	p->journal = 1;
	return TEE_SUCCESS;
}

/* ---- the interface ------------------------------------------------------------- */

TEE_Result kv_persist_open(struct kv_persist **pp, struct kv_table *t)
{
	*pp = NULL;
	struct kv_persist *p = TEE_Malloc(sizeof(*p), TEE_MALLOC_FILL_ZERO);
	if (!p)
		return TEE_ERROR_OUT_OF_MEMORY;
	TEE_Result r = TEE_SUCCESS;
	for (uint32_t c = 0; c < KV_CHAINS && r == TEE_SUCCESS; c++) {
		char id[ID_MAX];
		unsigned char *img;
		size_t len;
		r = read_object(id, chain_id(c, id), &img, &len);
		if (r == TEE_ERROR_ITEM_NOT_FOUND) {
			r = TEE_SUCCESS;
			continue;
		}
		if (r != TEE_SUCCESS) {
			EMSG("kvstore: cannot read chain %u: 0x%08x", c, r);
			break;
		}
		enum kv_status s = kv_chain_load(t, c, img, len);
		TEE_Free(img);
		if (s != KV_OK) {
			EMSG("kvstore: chain %u does not load (%d)", c, (int)s);
			r = s == KV_ENOMEM ? TEE_ERROR_OUT_OF_MEMORY
					   : TEE_ERROR_CORRUPT_OBJECT;
		}
		p->present[c] = 1;
	}
	if (r == TEE_SUCCESS) {
		unsigned char *j;
		size_t len;
		r = read_object(JOURNAL_ID, sizeof(JOURNAL_ID) - 1, &j, &len);
		if (r == TEE_SUCCESS) {
			r = journal_load(p, t, j, len);
			TEE_Free(j);
			if (r == TEE_SUCCESS) {
				/* EMSG: the only level built in by default. */
				EMSG("kvstore: replaying the journal of an "
				     "interrupted batch");
				journal_apply(p, t);
			} else {
				EMSG("kvstore: the journal does not load: 0x%08x", r);
			}
		} else if (r == TEE_ERROR_ITEM_NOT_FOUND) {
			r = TEE_SUCCESS;
		}
	}
	if (r != TEE_SUCCESS) {
		TEE_Free(p);
		return r;
	}
	*pp = p;
	return TEE_SUCCESS;
}

TEE_Result kv_persist_commit(struct kv_persist *p, const struct kv_table *t,
			     uint32_t chain)
{
	if (!p || chain >= KV_CHAINS)
		return TEE_ERROR_BAD_PARAMETERS;
	if (!p->journal)
		return write_chain(p, t, chain);
	return kv_persist_commit_set(p, t, &chain, 1);
}

TEE_Result kv_persist_commit_set(struct kv_persist *p, const struct kv_table *t,
				 const uint32_t *chains, size_t n)
{
	if (!p)
		return TEE_ERROR_BAD_PARAMETERS;
	if (!n)
		return TEE_SUCCESS;
	if (n == 1 && !p->journal)
		return write_chain(p, t, chains[0]);
	uint8_t set[KV_CHAINS];
	memset(set, 0, sizeof(set));
	for (size_t i = 0; i < n; i++) {
		if (chains[i] >= KV_CHAINS)
			return TEE_ERROR_BAD_PARAMETERS;
		set[chains[i]] = 1;
	}
	TEE_Result r = journal_commit(p, t, set, 0);
	if (r == TEE_SUCCESS)
		journal_apply(p, t);
	return r;
}

TEE_Result kv_persist_clear(struct kv_persist *p)
{
	if (!p)
		return TEE_ERROR_BAD_PARAMETERS;
	uint8_t set[KV_CHAINS];
	memcpy(set, p->present, sizeof(set));
	/* t is only read for chains that are not cleared: none here. */
	TEE_Result r = journal_commit(p, NULL, set, 1);
	if (r != TEE_SUCCESS)
		return r;
	/* Committed: delete the objects (the table is emptied by the caller,
	 * so a chain still pending is written empty later). */
	for (uint32_t c = 0; c < KV_CHAINS; c++) {
		if (!p->pending[c])
			continue;
		char id[ID_MAX];
		if (delete_object(id, chain_id(c, id)) != TEE_SUCCESS)
			return TEE_SUCCESS;
		p->present[c] = 0;
		p->pending[c] = 0;
	}
	if (p->journal &&
	    delete_object(JOURNAL_ID, sizeof(JOURNAL_ID) - 1) == TEE_SUCCESS)
		p->journal = 0;
	return TEE_SUCCESS;
}

void kv_persist_close(struct kv_persist *p)
{
	TEE_Free(p);
}
