/*
 * The key-value store TA: PUT, GET, DEL, LIST, COUNT, CLEAR and BATCH over
 * the kazlib-style table of src/kv, with keys and values copied into the
 * TA heap (TEE_Malloc, bounded by TA_DATA_SIZE). Entry points of one
 * instance never run concurrently (libutee serialises them), so the tables
 * need no lock.
 *
 * Two tables: the in-memory one, and the persistent one of --persistent
 * sessions, loaded from GP trusted storage when the first such session
 * opens and committed there by every change before it is answered (see
 * kv_persist.h: one object per chain, a journal for multi-chain batches).
 */
#include <string.h>
#include <tee_internal_api.h>

#include "kv_batch.h"
#include "kv_persist.h"
#include "kv_table.h"
#include "kvstore_ta.h"

struct store {
	struct kv_table t;
	struct kv_persist *p; /* NULL: in memory only */
	int ready;
};

static struct store mem_store, persist_store;

/* No zero fill: every byte of a node is written right after allocation. */
static void *ta_alloc(size_t n)
{
	return TEE_Malloc(n, TEE_MALLOC_NO_FILL);
}

static const struct kv_alloc ta_allocator = {ta_alloc, TEE_Free};

TEE_Result TA_CreateEntryPoint(void)
{
	kv_init(&mem_store.t, &ta_allocator);
	mem_store.ready = 1;
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
	kv_clear(&mem_store.t);
	if (persist_store.ready) {
		kv_clear(&persist_store.t);
		kv_persist_close(persist_store.p);
	}
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t types, TEE_Param params[4], void **ctx)
{
	uint32_t flags = 0;
	if (types == TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_NONE,
				     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE))
		flags = params[0].value.a;
	else if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE,
					  TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	if (flags & ~KV_OPEN_PERSISTENT)
		return TEE_ERROR_BAD_PARAMETERS;
	if (!(flags & KV_OPEN_PERSISTENT)) {
		*ctx = &mem_store;
		return TEE_SUCCESS;
	}
	if (!persist_store.ready) {
		kv_init(&persist_store.t, &ta_allocator);
		TEE_Result r = kv_persist_open(&persist_store.p, &persist_store.t);
		if (r != TEE_SUCCESS) {
			kv_clear(&persist_store.t);
			EMSG("kvstore: persistent mode unavailable: 0x%08x", r);
			return r;
		}
		persist_store.ready = 1;
	}
	*ctx = &persist_store;
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *ctx)
{
	(void)ctx;
}

/* ---- parameters --------------------------------------------------------- */

static int is_in(uint32_t t)
{
	return t == TEE_PARAM_TYPE_MEMREF_INPUT || t == TEE_PARAM_TYPE_MEMREF_INOUT;
}

static int is_out(uint32_t t)
{
	return t == TEE_PARAM_TYPE_MEMREF_OUTPUT || t == TEE_PARAM_TYPE_MEMREF_INOUT;
}

/* Types as a string of per-slot predicates: 'i' input memref, 'o' output
 * memref, 'k' a key (input memref or VALUE_INPUT small key), 'v'
 * VALUE_INOUT, 'w' VALUE_OUTPUT, '-' none. */
static int types_are(uint32_t types, const char *want)
{
	for (unsigned i = 0; i < 4; i++) {
		uint32_t t = TEE_PARAM_TYPE_GET(types, i);
		int ok = 0;
		switch (want[i]) {
		case 'i':
			ok = is_in(t);
			break;
		case 'o':
			ok = is_out(t);
			break;
		case 'k':
			ok = is_in(t) || t == TEE_PARAM_TYPE_VALUE_INPUT;
			break;
		case 'v':
			ok = t == TEE_PARAM_TYPE_VALUE_INOUT;
			break;
		case 'w':
			ok = t == TEE_PARAM_TYPE_VALUE_OUTPUT;
			break;
		default:
			ok = t == TEE_PARAM_TYPE_NONE;
		}
		if (!ok)
			return 0;
	}
	return 1;
}

static TEE_Result from_kv(enum kv_status s)
{
	switch (s) {
	case KV_OK:
		return TEE_SUCCESS;
	case KV_ENOENT:
		return TEE_ERROR_ITEM_NOT_FOUND;
	case KV_ENOMEM:
		return TEE_ERROR_OUT_OF_MEMORY;
	case KV_ECORRUPT:
		return TEE_ERROR_CORRUPT_OBJECT;
	default:
		return TEE_ERROR_BAD_PARAMETERS;
	}
}

/* ---- persistence around a change ------------------------------------------ */

/*
 * A change of a persistent store touches one chain (a batch: several):
 * keep each chain's old image, apply the change, commit the chains; if the
 * commit fails, put the old images back, so memory always matches what
 * storage holds.
 */
struct undo {
	void *img;
	size_t len;
	uint32_t chain;
};

static TEE_Result undo_save_chain(struct store *s, uint32_t chain, struct undo *u)
{
	u->chain = chain;
	u->len = kv_chain_encode(&s->t, chain, NULL, 0);
	u->img = TEE_Malloc(u->len, TEE_MALLOC_NO_FILL);
	if (!u->img)
		return TEE_ERROR_OUT_OF_MEMORY;
	kv_chain_encode(&s->t, chain, u->img, u->len);
	return TEE_SUCCESS;
}

static TEE_Result undo_save(struct store *s, const void *key, size_t klen, struct undo *u)
{
	u->img = NULL;
	if (!s->p)
		return TEE_SUCCESS;
	return undo_save_chain(s, kv_chain_of(kv_hash(key, klen)), u);
}

/*
 * Put a chain back to its saved image. The chain is emptied first (loading
 * an empty image allocates nothing), so the old nodes get the room the new
 * ones held: a value that fit in the table but not in its commit image
 * (OUT_OF_MEMORY) is undone without needing more memory. If even that
 * fails, memory and storage disagree: end the instance rather than serve a
 * wrong table.
 */
static void undo_restore(struct store *s, const struct undo *u, TEE_Result why)
{
	unsigned char empty[12] = {'K', 'V', 'C', '1'};
	empty[4] = (unsigned char)u->chain;
	kv_chain_load(&s->t, u->chain, empty, sizeof(empty));
	if (kv_chain_load(&s->t, u->chain, u->img, u->len) != KV_OK)
		TEE_Panic(why);
}

static TEE_Result undo_commit(struct store *s, struct undo *u, TEE_Result r)
{
	if (!s->p)
		return r;
	if (r == TEE_SUCCESS) {
		r = kv_persist_commit(s->p, &s->t, u->chain);
		if (r != TEE_SUCCESS)
			undo_restore(s, u, r);
	}
	TEE_Free(u->img);
	return r;
}

/* ---- commands ------------------------------------------------------------- */

/* The key of [0]: in shared memory, or a small key unpacked into buf. */
static TEE_Result key_of(uint32_t types, TEE_Param p[4],
			 unsigned char buf[KV_SMALL_KEY_MAX], const void **key,
			 size_t *klen)
{
	if (TEE_PARAM_TYPE_GET(types, 0) == TEE_PARAM_TYPE_VALUE_INPUT) {
		*klen = kv_small_key_unpack(p[0].value.a, p[0].value.b, buf);
		*key = buf;
	} else {
		*klen = p[0].memref.size;
		*key = p[0].memref.buffer;
	}
	return !*klen || *klen > KV_KEY_MAX ? TEE_ERROR_BAD_PARAMETERS : TEE_SUCCESS;
}

static TEE_Result cmd_put(struct store *s, uint32_t types, TEE_Param p[4])
{
	if (!types_are(types, "ki--"))
		return TEE_ERROR_BAD_PARAMETERS;
	struct undo u = {0};
	unsigned char kb[KV_SMALL_KEY_MAX];
	const void *key;
	size_t klen;
	TEE_Result r = key_of(types, p, kb, &key, &klen);
	if (r != TEE_SUCCESS)
		return r;
	r = undo_save(s, key, klen, &u);
	if (r != TEE_SUCCESS)
		return r;
	r = from_kv(kv_put(&s->t, key, klen, p[1].memref.buffer, p[1].memref.size));
	return undo_commit(s, &u, r);
}

static TEE_Result cmd_get(struct store *s, uint32_t types, TEE_Param p[4])
{
	if (!types_are(types, "ko--"))
		return TEE_ERROR_BAD_PARAMETERS;
	unsigned char kb[KV_SMALL_KEY_MAX];
	const void *key, *val;
	size_t klen, vlen;
	TEE_Result r = key_of(types, p, kb, &key, &klen);
	if (r != TEE_SUCCESS)
		return r;
	enum kv_status st = kv_get(&s->t, key, klen, &val, &vlen);
	if (st != KV_OK)
		return from_kv(st);
	if (p[1].memref.size < vlen) {
		p[1].memref.size = vlen;
		return TEE_ERROR_SHORT_BUFFER;
	}
	if (vlen)
		TEE_MemMove(p[1].memref.buffer, val, vlen);
	p[1].memref.size = vlen;
	return TEE_SUCCESS;
}

static TEE_Result cmd_del(struct store *s, uint32_t types, TEE_Param p[4])
{
	if (!types_are(types, "k---"))
		return TEE_ERROR_BAD_PARAMETERS;
	unsigned char kb[KV_SMALL_KEY_MAX];
	const void *key;
	size_t klen;
	TEE_Result r = key_of(types, p, kb, &key, &klen);
	if (r != TEE_SUCCESS)
		return r;
	struct undo u = {0};
	r = undo_save(s, key, klen, &u);
	if (r != TEE_SUCCESS)
		return r;
	r = from_kv(kv_del(&s->t, key, klen));
	return undo_commit(s, &u, r);
}

static TEE_Result cmd_list(struct store *s, uint32_t types, TEE_Param p[4])
{
	if (!types_are(types, "vo--"))
		return TEE_ERROR_BAD_PARAMETERS;
	struct kv_cursor c;
	size_t total = kv_count(&s->t);
	kv_cursor_seek(&s->t, &c, p[0].value.a);
	unsigned char *out = p[1].memref.buffer;
	size_t cap = p[1].memref.size, used = 0;
	uint32_t n = 0;
	const void *key;
	size_t klen;
	while (p[0].value.a < total && kv_next(&s->t, &c, &key, &klen, NULL)) {
		if (cap - used < 4 + klen) {
			if (!n) {
				p[1].memref.size = 4 + klen;
				return TEE_ERROR_SHORT_BUFFER;
			}
			break;
		}
		uint32_t l = (uint32_t)klen;
		out[used] = (unsigned char)l;
		out[used + 1] = (unsigned char)(l >> 8);
		out[used + 2] = (unsigned char)(l >> 16);
		out[used + 3] = (unsigned char)(l >> 24);
		TEE_MemMove(out + used + 4, key, klen);
		used += 4 + klen;
		n++;
	}
	p[0].value.a = n;
	p[0].value.b = (uint32_t)total;
	p[1].memref.size = used;
	return TEE_SUCCESS;
}

static TEE_Result cmd_count(struct store *s, uint32_t types, TEE_Param p[4])
{
	if (!types_are(types, "w---"))
		return TEE_ERROR_BAD_PARAMETERS;
	p[0].value.a = (uint32_t)kv_count(&s->t);
	p[0].value.b = (uint32_t)s->t.bytes;
	return TEE_SUCCESS;
}

/*
 * The request is copied into the TA heap before it is validated: it may be
 * shared memory that the client changes while the TA reads it, and the
 * checks must hold for the bytes that are executed.
 */
/* The chains a batch may change (those of its PUTs and DELs), with their
 * images before it runs; *n = how many. */
static TEE_Result batch_save(struct store *s, const void *req, size_t len, struct undo *u,
			     size_t *n)
{
	uint8_t seen[KV_CHAINS];
	memset(seen, 0, sizeof(seen));
	size_t off = KVB_HDR;
	struct kvb_opv o;
	*n = 0;
	while (!kvb_next_op(req, len, &off, &o)) {
		if (o.op == KVB_GET)
			continue;
		uint32_t c = kv_chain_of(kv_hash(o.key, o.klen));
		if (seen[c])
			continue;
		seen[c] = 1;
		TEE_Result r = undo_save_chain(s, c, &u[*n]);
		if (r != TEE_SUCCESS)
			return r;
		(*n)++;
	}
	return TEE_SUCCESS;
}

/* Did the batch change this chain (so that it must be committed)? */
static int chain_changed(const struct store *s, const struct undo *u)
{
	size_t len = kv_chain_encode(&s->t, u->chain, NULL, 0);
	if (len != u->len)
		return 1;
	void *now = TEE_Malloc(len, TEE_MALLOC_NO_FILL);
	if (!now)
		return 1;
	kv_chain_encode(&s->t, u->chain, now, len);
	int d = TEE_MemCompare(now, u->img, len) != 0;
	TEE_Free(now);
	return d;
}

/* Commit a batch that ran on a persistent store, all chains in one atomic
 * step (kv_persist_commit_set); on failure restore every chain. */
static TEE_Result batch_commit(struct store *s, struct undo *u, size_t n)
{
	uint32_t changed[KV_CHAINS] = {0};
	size_t nc = 0;
	for (size_t i = 0; i < n; i++)
		if (chain_changed(s, &u[i]))
			changed[nc++] = u[i].chain;
	TEE_Result r = kv_persist_commit_set(s->p, &s->t, changed, nc);
	if (r != TEE_SUCCESS)
		for (size_t i = 0; i < n; i++)
			undo_restore(s, &u[i], r);
	return r;
}

static TEE_Result cmd_batch(struct store *s, uint32_t types, TEE_Param p[4])
{
	if (!types_are(types, "io--"))
		return TEE_ERROR_BAD_PARAMETERS;
	size_t len = p[0].memref.size;
	uint32_t count;
	if (len < KVB_HDR)
		return TEE_ERROR_BAD_PARAMETERS;
	void *req = TEE_Malloc(len, TEE_MALLOC_NO_FILL);
	if (!req)
		return TEE_ERROR_OUT_OF_MEMORY;
	TEE_MemMove(req, p[0].memref.buffer, len);
	TEE_Result r = TEE_SUCCESS;
	size_t out_len = 0, nu = 0;
	struct undo *u = NULL;
	if (kvb_validate(req, len, &count)) {
		r = TEE_ERROR_BAD_PARAMETERS;
	} else if (s->p &&
		   !(u = TEE_Malloc(KV_CHAINS * sizeof(*u), TEE_MALLOC_FILL_ZERO))) {
		r = TEE_ERROR_OUT_OF_MEMORY;
	} else if (s->p && (r = batch_save(s, req, len, u, &nu)) != TEE_SUCCESS) {
		/* out of memory for the old images: nothing ran */
	} else {
		int e = kvb_execute(&s->t, req, len, p[1].memref.buffer, p[1].memref.size,
				    &out_len);
		if (e == -2)
			r = TEE_ERROR_SHORT_BUFFER;
		else if (e)
			r = TEE_ERROR_BAD_PARAMETERS;
		else if (s->p)
			r = batch_commit(s, u, nu);
		p[1].memref.size = out_len;
	}
	for (size_t i = 0; u && i < nu; i++)
		TEE_Free(u[i].img);
	TEE_Free(u);
	TEE_Free(req);
	return r;
}

static TEE_Result cmd_clear(struct store *s, uint32_t types)
{
	if (!types_are(types, "----"))
		return TEE_ERROR_BAD_PARAMETERS;
	if (s->p) {
		TEE_Result r = kv_persist_clear(s->p);
		if (r != TEE_SUCCESS)
			return r;
	}
	kv_clear(&s->t);
	return TEE_SUCCESS;
}

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t types,
				      TEE_Param params[4])
{
	struct store *s = ctx;
	switch (cmd) {
	case KV_CMD_PUT:
		return cmd_put(s, types, params);
	case KV_CMD_GET:
		return cmd_get(s, types, params);
	case KV_CMD_DEL:
		return cmd_del(s, types, params);
	case KV_CMD_LIST:
		return cmd_list(s, types, params);
	case KV_CMD_COUNT:
		return cmd_count(s, types, params);
	case KV_CMD_BATCH:
		return cmd_batch(s, types, params);
	case KV_CMD_CLEAR:
		return cmd_clear(s, types);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
