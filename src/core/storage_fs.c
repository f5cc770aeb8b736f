/*
 * Trusted storage on disk: one authenticated, encrypted, append-only log
 * per TA, and a rollback counter kept apart from it (README "Trusted
 * storage" has the whole design; this comment is the format).
 *
 *   <instance dir>/storage/<name>/log   the TA's objects
 *   <instance dir>/rollback/<name>      its counter (128 bytes)
 *
 * <name> is a keyed hash of the TA UUID (keys_ta_name). The log is a
 * sequence of records:  header (72 bytes, plaintext, authenticated as AAD)
 * | body (AES-256-GCM ciphertext) | tag (16 bytes).  The header names the
 * record type, its own file offset and the log generation (so a record
 * cannot be moved or replayed from an older log), the object's random uid
 * (never its ID), and for data blocks the block index and the object size.
 * Data blocks hold up to SFS_BLK (1 KiB) of plaintext.
 *
 *   SNAP   first record of a generation: where the previous one ended
 *   OBJ    an object's metadata: ID, TSK-wrapped FEK, type/usage,
 *          attributes, size (create, rename, truncate, restrict usage)
 *   BLOCK  up to 1 KiB of object data, encrypted under the object's FEK
 *   DEL    the object is gone
 *
 * Metadata records are encrypted under a key derived from the TSK; block
 * records under the FEK. A running hash chain = SHA-256(chain || header ||
 * tag) over all records authenticates their order and completeness (it is
 * this design's hash tree: the chain value covers every block tag). The
 * counter holds (generation, record count, chain) under an HMAC with the
 * SSK, so a log that is shorter or older than the counter is a rollback.
 *
 * Commits: the records of one operation are appended with one pwrite, the
 * last one flagged COMMIT, then fdatasync'ed; only then is the in-memory
 * table changed and the counter rewritten in place (one sector, no fsync:
 * see README for why). A crash leaves either the whole commit or a torn
 * tail after the last COMMIT, which recovery cuts off. When the dead records
 * outweigh the live ones, the log is compacted into a new generation: written to
 * log.tmp, fsynced, renamed over log, directory fsynced, counter synced.
 */
#define _GNU_SOURCE
#include "storage_fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <tee_api_defines.h>

#include "core.h" /* core_log */
#include "keys.h"

#define REC_MAGIC  0x31525445u /* "ETR1" */
#define CTR_MAGIC  "ETROLLB1"
#define TAG_LEN	   16u
#define META_MAX   (128u * 1024)
#define RF_COMMIT  1u
#define OF_HIDDEN  1u
#define OF_CORRUPT 2u

enum { R_SNAP = 1, R_OBJ, R_BLOCK, R_DEL };

struct rec_hdr {
	uint32_t magic;
	uint16_t type;
	uint16_t flags;
	uint32_t len; /* body bytes; the tag follows */
	uint32_t index;
	uint64_t gen;
	uint64_t off;
	uint64_t size;
	uint8_t uid[16];
	uint8_t iv[12];
	uint32_t pad;
};
_Static_assert(sizeof(struct rec_hdr) == 72, "record header layout");
#define REC_OVER (sizeof(struct rec_hdr) + TAG_LEN)

struct obj_meta {
	uint32_t flags;
	uint32_t id_len;
	uint8_t id[SFS_ID_MAX];
	uint8_t wrapped[60];
	uint32_t type, osize, maxsize, usage;
	uint64_t size;
	uint32_t attr_len;
	uint32_t pad;
};

struct snap_body {
	uint64_t prev_gen, prev_nrec;
	uint8_t prev_chain[32];
};

struct ctr_rec {
	char magic[8];
	uint64_t gen, nrec;
	uint8_t chain[32];
	uint8_t pad[40];
	uint8_t mac[32];
};
_Static_assert(sizeof(struct ctr_rec) == 128, "counter layout");

static char inst_dir[4096];
static struct sfs_store *stores;
static pthread_mutex_t stores_lock = PTHREAD_MUTEX_INITIALIZER;
static EVP_CIPHER *aes_gcm;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void fetch_cipher(void)
{
	aes_gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
}

static void reserve_make(void);

void sfs_init(const char *instance_dir)
{
	snprintf(inst_dir, sizeof(inst_dir), "%s", instance_dir);
	pthread_once(&once, fetch_cipher);
	reserve_make();
}

/* ---- crypto helpers ----------------------------------------------------- */

static int gcm(int enc, const uint8_t key[32], const uint8_t iv[12], const void *aad,
	       size_t alen, const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t dummy[16];
	int l = 0;
	int ok = c && aes_gcm && EVP_CipherInit_ex2(c, aes_gcm, key, iv, enc, NULL) == 1;
	if (ok && alen)
		ok = EVP_CipherUpdate(c, NULL, &l, aad, (int)alen) == 1;
	if (ok && len)
		ok = EVP_CipherUpdate(c, out, &l, in, (int)len) == 1;
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) == 1;
	if (ok)
		ok = EVP_CipherFinal_ex(c, dummy, &l) == 1;
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) == 1;
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

static void chain_step(uint8_t chain[32], const struct rec_hdr *h, const uint8_t *tag)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	unsigned int l = 32;
	EVP_DigestInit_ex(m, EVP_sha256(), NULL);
	EVP_DigestUpdate(m, chain, 32);
	EVP_DigestUpdate(m, h, sizeof(*h));
	EVP_DigestUpdate(m, tag, TAG_LEN);
	EVP_DigestFinal_ex(m, chain, &l);
	EVP_MD_CTX_free(m);
}

static void ctr_mac(const struct sfs_store *st, const struct ctr_rec *c, uint8_t out[32])
{
	uint8_t msg[33 + offsetof(struct ctr_rec, mac)];
	memcpy(msg, st->name, 33);
	memcpy(msg + 33, c, offsetof(struct ctr_rec, mac));
	keys_ssk_mac("edgetee rollback", msg, sizeof(msg), out);
}

/* ---- paths and small I/O helpers --------------------------------------- */

static void path_of(const struct sfs_store *st, const char *what, char *p, size_t n)
{
	if (!strcmp(what, "ctr"))
		snprintf(p, n, "%s/rollback/%s", inst_dir, st->name);
	else if (!strcmp(what, "dir"))
		snprintf(p, n, "%s/storage/%s", inst_dir, st->name);
	else
		snprintf(p, n, "%s/storage/%s/%s", inst_dir, st->name, what);
}

static void fsync_dir(const char *p)
{
	int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

static int pwrite_all(int fd, const void *b, size_t n, uint64_t off)
{
	const uint8_t *p = b;
	while (n) {
		ssize_t w = pwrite(fd, p, n, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

static int pread_all(int fd, void *b, size_t n, uint64_t off)
{
	uint8_t *p = b;
	while (n) {
		ssize_t r = pread(fd, p, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

static TEE_Result io_err(int e)
{
	core_log("storage: %s", strerror(-e));
	return e == -ENOSPC || e == -EDQUOT ? TEE_ERROR_STORAGE_NO_SPACE
					    : TEE_ERROR_STORAGE_NOT_AVAILABLE;
}

/* Write the counter in place. Durable only with sync (see README). */
static int ctr_write(struct sfs_store *st, int sync)
{
	struct ctr_rec c;
	memset(&c, 0, sizeof(c));
	memcpy(c.magic, CTR_MAGIC, 8);
	c.gen = st->gen;
	c.nrec = st->nrec;
	memcpy(c.chain, st->chain, 32);
	ctr_mac(st, &c, c.mac);
	if (st->ctrfd < 0) {
		char p[4300], d[4200];
		snprintf(d, sizeof(d), "%s/rollback", inst_dir);
		mkdir(d, 0700);
		path_of(st, "ctr", p, sizeof(p));
		st->ctrfd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (st->ctrfd < 0)
			return -errno;
		sync = 2;
	}
	int r = pwrite_all(st->ctrfd, &c, sizeof(c), 0);
	if (!r && sync && fdatasync(st->ctrfd))
		r = -errno;
	if (!r && sync == 2) {
		char d[4200];
		snprintf(d, sizeof(d), "%s/rollback", inst_dir);
		fsync_dir(d);
	}
	fstat(st->ctrfd, &st->cst);
	return r;
}

/* ---- the in-memory object table --------------------------------------- */

static struct sfs_obj *by_uid(struct sfs_store *st, const uint8_t uid[16])
{
	for (struct sfs_obj *o = st->objs; o; o = o->next)
		if (!memcmp(o->uid, uid, 16))
			return o;
	return NULL;
}

static uint64_t obj_live(const struct sfs_obj *o)
{
	uint64_t n = REC_OVER + sizeof(struct obj_meta) + o->attr_len;
	for (uint32_t i = 0; i < o->nblk; i++)
		if (o->blk[i].off)
			n += REC_OVER + o->blk[i].len;
	return n;
}

static void obj_free(struct sfs_obj *o)
{
	OPENSSL_cleanse(o->fek, sizeof(o->fek));
	if (o->attrs) {
		OPENSSL_cleanse(o->attrs, o->attr_len);
		free(o->attrs);
	}
	free(o->blk);
	free(o->opens);
	free(o);
}

static void unlink_obj(struct sfs_store *st, struct sfs_obj *o)
{
	for (struct sfs_obj **p = &st->objs; *p; p = &(*p)->next) {
		if (*p == o) {
			*p = o->next;
			break;
		}
	}
}

static int set_nblk(struct sfs_obj *o, uint32_t n)
{
	if (n > o->cap) {
		uint32_t c = o->cap ? o->cap : 4;
		while (c < n)
			c *= 2;
		struct sfs_blk *b = realloc(o->blk, sizeof(*b) * c);
		if (!b)
			return -1;
		memset(b + o->cap, 0, sizeof(*b) * (c - o->cap));
		o->blk = b;
		o->cap = c;
	}
	if (n < o->nblk)
		memset(o->blk + n, 0, sizeof(*o->blk) * (o->nblk - n));
	o->nblk = n;
	return 0;
}

static uint32_t blocks_for(uint64_t size)
{
	return (uint32_t)((size + SFS_BLK - 1) / SFS_BLK);
}

/* Apply an OBJ record: create the object or update its metadata. */
static TEE_Result apply_obj(struct sfs_store *st, const struct rec_hdr *h,
			    const struct obj_meta *m, const uint8_t *attrs)
{
	struct sfs_obj *o = by_uid(st, h->uid);
	int fresh = !o;
	if (fresh) {
		o = calloc(1, sizeof(*o));
		if (!o)
			return TEE_ERROR_OUT_OF_MEMORY;
		memcpy(o->uid, h->uid, 16);
		memcpy(o->wrapped, m->wrapped, sizeof(o->wrapped));
		/* FEK = GCM-unwrap(TSK, wrapped), bound to the object's uid. */
		if (gcm(0, st->tsk, m->wrapped, h->uid, 16, m->wrapped + 12, 32, o->fek,
			(uint8_t *)m->wrapped + 44)) {
			free(o);
			return TEE_ERROR_CORRUPT_OBJECT;
		}
	}
	uint8_t *a = NULL;
	if (m->attr_len) {
		a = malloc(m->attr_len);
		if (!a) {
			if (fresh)
				obj_free(o);
			return TEE_ERROR_OUT_OF_MEMORY;
		}
		memcpy(a, attrs, m->attr_len);
	}
	if (set_nblk(o, blocks_for(m->size) < o->nblk ? blocks_for(m->size) : o->nblk)) {
		free(a);
		if (fresh)
			obj_free(o);
		return TEE_ERROR_OUT_OF_MEMORY;
	}
	if (o->attrs) {
		OPENSSL_cleanse(o->attrs, o->attr_len);
		free(o->attrs);
	}
	o->attrs = a;
	o->attr_len = m->attr_len;
	memcpy(o->id, m->id, SFS_ID_MAX);
	o->id_len = m->id_len;
	o->type = m->type;
	o->osize = m->osize;
	o->maxsize = m->maxsize;
	o->usage = m->usage;
	o->size = m->size;
	o->hidden = !!(m->flags & OF_HIDDEN);
	o->corrupt |= !!(m->flags & OF_CORRUPT);
	if (fresh) {
		/* Appended at the tail: enumeration order is creation order. */
		struct sfs_obj **p = &st->objs;
		while (*p)
			p = &(*p)->next;
		*p = o;
	}
	return TEE_SUCCESS;
}

static TEE_Result apply_block(struct sfs_store *st, const struct rec_hdr *h)
{
	struct sfs_obj *o = by_uid(st, h->uid);
	if (!o)
		return TEE_ERROR_CORRUPT_OBJECT;
	if (h->index >= o->nblk && set_nblk(o, h->index + 1))
		return TEE_ERROR_OUT_OF_MEMORY;
	o->blk[h->index].off = h->off;
	o->blk[h->index].len = h->len;
	o->size = h->size;
	return TEE_SUCCESS;
}

static void apply_del(struct sfs_store *st, const uint8_t uid[16])
{
	struct sfs_obj *o = by_uid(st, uid);
	if (o) {
		unlink_obj(st, o);
		obj_free(o);
	}
}

/* ---- building commits ---------------------------------------------------- */

/* Records of one commit, with what to apply once it is durable. */
struct pend {
	struct rec_hdr h;
	uint8_t key[32];
	uint8_t *meta; /* OBJ: obj_meta + attributes (plaintext) */
};

struct batch {
	uint8_t *b;   /* records in plaintext (kept: a batch can be re-based) */
	uint8_t *out; /* the same records sealed */
	size_t len, cap;
	int frees; /* deletes or shrinks: may use the space reserve */
	struct pend *p;
	size_t np, pcap;
	uint8_t chain[32];
	uint64_t base; /* file offset of b[0] */
	uint64_t gen;
};

static void batch_init(struct batch *w, const struct sfs_store *st)
{
	memset(w, 0, sizeof(*w));
	memcpy(w->chain, st->chain, 32);
	w->base = st->end;
	w->gen = st->gen;
}

static void batch_free(struct batch *w)
{
	for (size_t i = 0; i < w->np; i++) {
		OPENSSL_cleanse(w->p[i].key, 32);
		free(w->p[i].meta);
	}
	free(w->p);
	if (w->b)
		OPENSSL_cleanse(w->b, w->len);
	free(w->b);
	free(w->out);
}

/* Queue a record (plaintext for now: sealed by batch_seal). */
static int batch_add(struct batch *w, uint16_t type, const uint8_t uid[16],
		     uint32_t index, uint64_t size, const uint8_t key[32],
		     const void *body, size_t blen, int keep_meta)
{
	size_t need = w->len + REC_OVER + blen;
	if (need > w->cap) {
		size_t c = w->cap ? w->cap : 16384;
		while (c < need)
			c *= 2;
		uint8_t *nb = realloc(w->b, c);
		if (!nb)
			return -1;
		w->b = nb;
		w->cap = c;
	}
	if (w->np == w->pcap) {
		size_t c = w->pcap ? w->pcap * 2 : 16;
		struct pend *np = realloc(w->p, sizeof(*np) * c);
		if (!np)
			return -1;
		w->p = np;
		w->pcap = c;
	}
	struct pend *p = &w->p[w->np];
	memset(p, 0, sizeof(*p));
	p->h.magic = REC_MAGIC;
	p->h.type = type;
	p->h.len = (uint32_t)blen;
	p->h.index = index;
	p->h.gen = w->gen;
	p->h.off = w->base + w->len;
	p->h.size = size;
	if (uid)
		memcpy(p->h.uid, uid, 16);
	RAND_bytes(p->h.iv, sizeof(p->h.iv));
	memcpy(p->key, key, 32);
	if (keep_meta) {
		p->meta = malloc(blen ? blen : 1);
		if (!p->meta)
			return -1;
		memcpy(p->meta, body, blen);
	}
	if (blen)
		memcpy(w->b + w->len + sizeof(struct rec_hdr), body, blen);
	w->len = need;
	w->np++;
	return 0;
}

/*
 * Seal the records once the batch is complete: only now is it known which
 * one is last and carries COMMIT (the flag is in the authenticated header).
 */
static int batch_seal(struct batch *w, int all_commit)
{
	size_t off = 0;
	free(w->out);
	w->out = malloc(w->len ? w->len : 1);
	if (!w->out)
		return -1;
	for (size_t i = 0; i < w->np; i++) {
		struct pend *p = &w->p[i];
		if (all_commit || i + 1 == w->np)
			p->h.flags |= RF_COMMIT;
		uint8_t *rec = w->out + off;
		memcpy(rec, &p->h, sizeof(p->h));
		uint8_t *body = rec + sizeof(p->h);
		if (gcm(1, p->key, p->h.iv, &p->h, sizeof(p->h),
			w->b + off + sizeof(p->h), p->h.len, body, body + p->h.len))
			return -1;
		chain_step(w->chain, &p->h, body + p->h.len);
		off += REC_OVER + p->h.len;
	}
	return 0;
}

/* Move a batch to the current end of the log (after a compaction). */
static void batch_rebase(struct batch *w, const struct sfs_store *st)
{
	size_t off = 0;
	w->base = st->end;
	w->gen = st->gen;
	memcpy(w->chain, st->chain, 32);
	for (size_t i = 0; i < w->np; i++) {
		w->p[i].h.gen = st->gen;
		w->p[i].h.off = st->end + off;
		w->p[i].h.flags = 0;
		RAND_bytes(w->p[i].h.iv, sizeof(w->p[i].h.iv));
		off += REC_OVER + w->p[i].h.len;
	}
}

/*
 * The space reserve: a file beside storage/ that is given up when a delete
 * or a shrink finds the disk full, so that space can always be freed
 * (appending the DEL record, then compacting the dead data away).
 */
#define RESERVE_SIZE (512u * 1024)
static pthread_mutex_t reserve_lock = PTHREAD_MUTEX_INITIALIZER;

static void reserve_path(char *p, size_t n)
{
	snprintf(p, n, "%s/storage.reserve", inst_dir);
}

static void reserve_make(void)
{
	char p[4200];
	struct stat sb;
	reserve_path(p, sizeof(p));
	pthread_mutex_lock(&reserve_lock);
	if (stat(p, &sb) || sb.st_size != RESERVE_SIZE) {
		int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd >= 0) {
			if (posix_fallocate(fd, 0, RESERVE_SIZE))
				unlink(p); /* no room for it now: try again later */
			close(fd);
		}
	}
	pthread_mutex_unlock(&reserve_lock);
}

static int reserve_release(void)
{
	char p[4200];
	reserve_path(p, sizeof(p));
	pthread_mutex_lock(&reserve_lock);
	int r = unlink(p) == 0;
	pthread_mutex_unlock(&reserve_lock);
	return r;
}

/* Apply a durable batch to the in-memory table. */
static TEE_Result apply_pend(struct sfs_store *st, const struct pend *p)
{
	switch (p->h.type) {
	case R_OBJ: {
		const struct obj_meta *m = (const struct obj_meta *)p->meta;
		return apply_obj(st, &p->h, m, p->meta + sizeof(*m));
	}
	case R_BLOCK:
		return apply_block(st, &p->h);
	case R_DEL:
		apply_del(st, p->h.uid);
		return TEE_SUCCESS;
	default:
		return TEE_SUCCESS;
	}
}

static void recount_live(struct sfs_store *st)
{
	st->live = REC_OVER + sizeof(struct snap_body);
	for (struct sfs_obj *o = st->objs; o; o = o->next)
		st->live += obj_live(o);
}

static TEE_Result compact(struct sfs_store *st);

/* Make sure the TA's log exists (first commit of a TA): an empty generation. */
static TEE_Result ensure_log(struct sfs_store *st)
{
	if (st->state != TEE_SUCCESS)
		return st->state;
	if (st->logfd >= 0)
		return TEE_SUCCESS;
	char p[4200];
	snprintf(p, sizeof(p), "%s/storage", inst_dir);
	mkdir(p, 0700);
	path_of(st, "dir", p, sizeof(p));
	if (mkdir(p, 0700) && errno != EEXIST)
		return io_err(-errno);
	/* The counter exists before the first log, so that a log without a
	 * counter is always tampering, never a crash. */
	if (st->ctrfd < 0) {
		int r = ctr_write(st, 1);
		if (r)
			return io_err(r);
	}
	return compact(st);
}

/* Append a sealed batch, make it durable, then apply it and bump the counter. */
static TEE_Result commit(struct sfs_store *st, struct batch *w)
{
	int released = 0;
	for (int attempt = 0;; attempt++) {
		if (batch_seal(w, 0))
			return TEE_ERROR_GENERIC;
		int r = pwrite_all(st->logfd, w->out, w->len, st->end);
		if (!r && fdatasync(st->logfd))
			r = -errno;
		if (!r)
			break;
		/* Nothing is applied; cut what may have reached the file so the
		 * next commit starts from a clean tail (recovery would too). */
		if (ftruncate(st->logfd, (off_t)st->end)) {
			/* recovery cuts the torn tail at the next start */
		}
		fstat(st->logfd, &st->lst);
		if ((r != -ENOSPC && r != -EDQUOT) || attempt >= 2)
			return io_err(r);
		/* Disk full: dead records may be reclaimable by compaction; a
		 * commit that frees space may also use the reserve. */
		if (attempt == 0 && st->end > st->live + SFS_BLK) {
			if (compact(st) != TEE_SUCCESS && !w->frees)
				return io_err(r);
		} else if (w->frees && !released) {
			released = reserve_release();
			if (released && st->end > st->live + SFS_BLK)
				compact(st);
		} else {
			return io_err(r);
		}
		batch_rebase(w, st);
	}
	st->end += w->len;
	st->nrec += w->np;
	memcpy(st->chain, w->chain, 32);
	TEE_Result res = TEE_SUCCESS;
	for (size_t i = 0; i < w->np && res == TEE_SUCCESS; i++)
		res = apply_pend(st, &w->p[i]);
	if (res != TEE_SUCCESS) {
		/* out of memory half-way: reload before use */
		core_log("storage: cannot apply a commit (0x%08x)", res);
		st->state = res;
	}
	fstat(st->logfd, &st->lst);
	int cr = ctr_write(st, 0);
	if (cr) {
		core_log("storage: cannot write the rollback counter: %s", strerror(-cr));
		st->state = TEE_ERROR_STORAGE_NOT_AVAILABLE;
	}
	recount_live(st);
	/* Compact when most of the log is dead; failure (no space) just
	 * leaves the longer log in place. */
	/* Compact when dead records outweigh live ones twice over (and there
	 * are a few MiB of them): rewriting the live data is then cheap
	 * relative to the writes that made the garbage. */
	if (st->state == TEE_SUCCESS &&
	    (st->end > 3 * st->live + (4u << 20) || (released && st->end > st->live))) {
		/* A delete on a full disk: the dead data can only go if the
		 * compaction gets room, which the reserve is there for. */
		if (compact(st) == TEE_ERROR_STORAGE_NO_SPACE && w->frees && !released &&
		    reserve_release()) {
			released = 1;
			compact(st);
		}
	}
	if (released || w->frees)
		reserve_make();
	return res;
}

/* Read and authenticate one data block (plaintext into out, SFS_BLK bytes,
 * zero-filled past what is stored). */
static TEE_Result read_block(struct sfs_store *st, struct sfs_obj *o, uint32_t b,
			     uint8_t *out)
{
	memset(out, 0, SFS_BLK);
	if (b >= o->nblk || !o->blk[b].off)
		return TEE_SUCCESS;
	uint8_t rec[REC_OVER + SFS_BLK];
	uint32_t len = o->blk[b].len;
	struct rec_hdr h;
	if (len > SFS_BLK || pread_all(st->logfd, rec, REC_OVER + len, o->blk[b].off))
		goto bad;
	memcpy(&h, rec, sizeof(h));
	if (h.magic != REC_MAGIC || h.type != R_BLOCK || h.off != o->blk[b].off ||
	    h.gen != st->gen || h.index != b || h.len != len || memcmp(h.uid, o->uid, 16))
		goto bad;
	if (gcm(0, o->fek, h.iv, &h, sizeof(h), rec + sizeof(h), len, out,
		rec + sizeof(h) + len))
		goto bad;
	return TEE_SUCCESS;
bad:
	memset(out, 0, SFS_BLK);
	o->corrupt = 1;
	return TEE_ERROR_CORRUPT_OBJECT;
}

static size_t meta_build(const struct sfs_obj *o, uint8_t **out, int hidden)
{
	size_t n = sizeof(struct obj_meta) + o->attr_len;
	uint8_t *b = calloc(1, n);
	if (!b)
		return 0;
	struct obj_meta *m = (struct obj_meta *)b;
	m->flags = (hidden ? OF_HIDDEN : 0) | (o->corrupt ? OF_CORRUPT : 0);
	m->id_len = o->id_len;
	memcpy(m->id, o->id, SFS_ID_MAX);
	memcpy(m->wrapped, o->wrapped, sizeof(m->wrapped));
	m->type = o->type;
	m->osize = o->osize;
	m->maxsize = o->maxsize;
	m->usage = o->usage;
	m->size = o->size;
	m->attr_len = o->attr_len;
	if (o->attr_len)
		memcpy(b + sizeof(*m), o->attrs, o->attr_len);
	*out = b;
	return n;
}

static int add_obj_rec(struct batch *w, struct sfs_store *st, const struct sfs_obj *o,
		       int hidden)
{
	uint8_t *m;
	size_t n = meta_build(o, &m, hidden);
	if (!n)
		return -1;
	int r = batch_add(w, R_OBJ, o->uid, 0, o->size, st->dirkey, m, n, 1);
	free(m);
	return r;
}

/*
 * Rewrite the live state as a new generation: log.tmp, fsync, rename over
 * log, fsync the directory, then the counter (synced). A crash before the
 * rename leaves the old log (log.tmp is removed at load); after it, the new
 * log's SNAP record names the counter state it continues from.
 */
static TEE_Result compact(struct sfs_store *st)
{
	char tmp[4300], lp[4300], dp[4200];
	path_of(st, "log.tmp", tmp, sizeof(tmp));
	path_of(st, "log", lp, sizeof(lp));
	path_of(st, "dir", dp, sizeof(dp));
	int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return io_err(-errno);
	struct batch w;
	struct sfs_store ns = *st; /* the new generation, built aside */
	ns.gen = st->gen + 1;
	ns.end = 0;
	memset(ns.chain, 0, 32);
	batch_init(&w, &ns);
	TEE_Result res = TEE_SUCCESS;
	uint64_t written = 0, nrec = 0;
	struct snap_body sb = {.prev_gen = st->gen, .prev_nrec = st->nrec};
	memcpy(sb.prev_chain, st->chain, 32);
	/* New block positions, per object, in list order. */
	size_t nobj = 0;
	for (struct sfs_obj *o = st->objs; o; o = o->next)
		nobj++;
	struct sfs_blk **nb = calloc(nobj + 1, sizeof(*nb));
	uint8_t *plain = malloc(SFS_BLK);
	if (!nb || !plain ||
	    batch_add(&w, R_SNAP, NULL, 0, 0, st->dirkey, &sb, sizeof(sb), 0))
		res = TEE_ERROR_OUT_OF_MEMORY;
	size_t k = 0;
	for (struct sfs_obj *o = st->objs; o && res == TEE_SUCCESS; o = o->next, k++) {
		nb[k] = calloc(o->nblk + 1, sizeof(**nb));
		if (!nb[k] || add_obj_rec(&w, st, o, o->hidden)) {
			res = TEE_ERROR_OUT_OF_MEMORY;
			break;
		}
		for (uint32_t b = 0; b < o->nblk && res == TEE_SUCCESS; b++) {
			if (!o->blk[b].off)
				continue;
			/* A block that no longer authenticates is dropped; the
			 * object stays marked corrupt (OF_CORRUPT in its OBJ). */
			if (read_block(st, o, b, plain) != TEE_SUCCESS)
				continue;
			nb[k][b].off = w.base + w.len;
			nb[k][b].len = o->blk[b].len;
			if (batch_add(&w, R_BLOCK, o->uid, b, o->size, o->fek, plain,
				      o->blk[b].len, 0))
				res = TEE_ERROR_OUT_OF_MEMORY;
		}
		/* Flush in pieces so a big store is not held twice in memory. */
		if (res == TEE_SUCCESS && w.len > (4u << 20)) {
			if (batch_seal(&w, 1) || pwrite_all(fd, w.out, w.len, written)) {
				res = TEE_ERROR_STORAGE_NO_SPACE;
				break;
			}
			written += w.len;
			nrec += w.np;
			uint8_t ch[32];
			memcpy(ch, w.chain, 32);
			batch_free(&w);
			memset(&w, 0, sizeof(w));
			memcpy(w.chain, ch, 32);
			w.base = written;
			w.gen = ns.gen;
		}
	}
	if (res == TEE_SUCCESS) {
		int r = batch_seal(&w, 1) ? -EIO : pwrite_all(fd, w.out, w.len, written);
		if (!r && fdatasync(fd))
			r = -errno;
		if (!r && rename(tmp, lp))
			r = -errno;
		if (r)
			res = io_err(r);
	}
	free(plain);
	if (res != TEE_SUCCESS) {
		close(fd);
		unlink(tmp);
		for (size_t i = 0; i < nobj && nb; i++)
			free(nb[i]);
		free(nb);
		batch_free(&w);
		return res;
	}
	fsync_dir(dp);
	written += w.len;
	nrec += w.np;
	if (st->logfd >= 0)
		close(st->logfd);
	st->logfd = fd;
	st->gen = ns.gen;
	st->end = written;
	st->nrec = nrec;
	memcpy(st->chain, w.chain, 32);
	k = 0;
	for (struct sfs_obj *o = st->objs; o; o = o->next, k++) {
		for (uint32_t b = 0; b < o->nblk; b++)
			o->blk[b] = nb[k][b];
		free(nb[k]);
	}
	free(nb);
	batch_free(&w);
	fstat(fd, &st->lst);
	int cr = ctr_write(st, 1);
	if (cr) {
		core_log("storage: cannot write the rollback counter: %s", strerror(-cr));
		st->state = TEE_ERROR_STORAGE_NOT_AVAILABLE;
	}
	recount_live(st);
	return TEE_SUCCESS;
}

/* ---- loading and recovery ------------------------------------------------ */

static void store_reset(struct sfs_store *st)
{
	while (st->objs) {
		struct sfs_obj *o = st->objs;
		st->objs = o->next;
		obj_free(o);
	}
	if (st->logfd >= 0)
		close(st->logfd);
	if (st->ctrfd >= 0)
		close(st->ctrfd);
	st->logfd = st->ctrfd = -1;
	st->gen = st->nrec = st->end = st->live = 0;
	memset(st->chain, 0, 32);
	memset(&st->lst, 0, sizeof(st->lst));
	memset(&st->cst, 0, sizeof(st->cst));
}

/*
 * Replay the log against the counter. Rules (README "Recovery"):
 *  - records the counter covers (same generation, index < its count) must
 *    all authenticate and their chain must equal the counter's; a block
 *    whose ciphertext alone fails marks just its object corrupt;
 *  - records after that are a crash's leftovers: complete commits are
 *    kept (the counter is then moved up), a torn or unauthentic tail is
 *    cut off;
 *  - a log of the next generation is accepted only if its SNAP record
 *    continues exactly from the counter (crash inside compaction);
 *  - anything else (older generation, fewer records, other chain) is a
 *    rollback or tampering: TEE_ERROR_CORRUPT_OBJECT for the whole TA.
 */
static TEE_Result replay(struct sfs_store *st, int fd, const struct ctr_rec *c)
{
	struct stat sb;
	if (fstat(fd, &sb))
		return TEE_ERROR_STORAGE_NOT_AVAILABLE;
	uint64_t size = (uint64_t)sb.st_size, off = 0, idx = 0, fgen = 0;
	uint64_t cut_off = 0, cut_idx = 0;
	uint8_t chain[32] = {0}, cut_chain[32] = {0};
	uint8_t *buf = malloc(REC_OVER + META_MAX), *plain = malloc(META_MAX);
	struct batch grp; /* records of the commit being read */
	memset(&grp, 0, sizeof(grp));
	TEE_Result res = buf && plain ? TEE_SUCCESS : TEE_ERROR_OUT_OF_MEMORY;
	int chain_checked = 0;
	uint8_t bad[64][16];
	size_t nbad = 0;
	while (res == TEE_SUCCESS && off < size) {
		struct rec_hdr h;
		int counted = fgen == c->gen && idx < c->nrec;
		int ok =
		    off + sizeof(h) <= size && pread_all(fd, &h, sizeof(h), off) == 0;
		ok = ok && h.magic == REC_MAGIC && h.off == off &&
		     (idx == 0 ? h.type == R_SNAP : h.type > R_SNAP && h.type <= R_DEL) &&
		     h.len <= (h.type == R_BLOCK ? SFS_BLK : META_MAX) &&
		     (idx == 0 || h.gen == fgen) && off + REC_OVER + h.len <= size;
		if (ok && idx == 0) {
			fgen = h.gen;
			counted = fgen == c->gen && idx < c->nrec;
		}
		ok = ok && pread_all(fd, buf, REC_OVER + h.len, off) == 0;
		const uint8_t *tag = buf + sizeof(h) + h.len;
		int auth = 0;
		if (ok) {
			const uint8_t *key = st->dirkey;
			if (h.type == R_BLOCK) {
				struct sfs_obj *o = by_uid(st, h.uid);
				key = o ? o->fek : NULL;
				for (size_t j = 0; j < grp.np && !key; j++) {
					/* created in the same commit: not applied yet */
					if (grp.p[j].h.type == R_OBJ &&
					    !memcmp(grp.p[j].h.uid, h.uid, 16))
						key = grp.p[j].key;
				}
			}
			auth = key && gcm(0, key, h.iv, &h, sizeof(h), buf + sizeof(h),
					  h.len, plain, (uint8_t *)tag) == 0;
			if (!auth && counted && h.type == R_BLOCK && key &&
			    nbad < sizeof(bad) / sizeof(bad[0])) {
				/* Only this block's ciphertext is bad (the chain
				 * check below vouches for the header): its object
				 * is corrupt, the rest of the TA's storage is not
				 * (decided at the end: see below). */
				memcpy(bad[nbad++], h.uid, 16);
				auth = 1;
			}
		}
		if (!ok || !auth) {
			if (counted)
				res = TEE_ERROR_CORRUPT_OBJECT;
			break; /* uncounted: a torn tail from a crash */
		}
		chain_step(chain, &h, tag);
		if (h.type == R_SNAP) {
			struct snap_body s;
			memcpy(&s, plain, sizeof(s));
			if (h.len != sizeof(s) ||
			    (fgen != c->gen &&
			     (fgen != c->gen + 1 || s.prev_gen != c->gen ||
			      s.prev_nrec != c->nrec ||
			      memcmp(s.prev_chain, c->chain, 32)))) {
				res = TEE_ERROR_CORRUPT_OBJECT;
				break;
			}
		}
		/* Queue for the commit; OBJ records need their plaintext and,
		 * for blocks in the same commit, the FEK they carry. */
		if (batch_add(&grp, h.type, h.uid, h.index, h.size, st->dirkey, plain,
			      h.type == R_OBJ ? h.len : 0, h.type == R_OBJ)) {
			res = TEE_ERROR_OUT_OF_MEMORY;
			break;
		}
		struct pend *p = &grp.p[grp.np - 1];
		p->h = h;
		grp.len = 0; /* only the descriptors are kept */
		if (h.type == R_OBJ) {
			const struct obj_meta *m = (const struct obj_meta *)plain;
			if (h.len < sizeof(*m) || h.len != sizeof(*m) + m->attr_len ||
			    m->id_len > SFS_ID_MAX ||
			    gcm(0, st->tsk, m->wrapped, h.uid, 16, m->wrapped + 12, 32,
				p->key, (uint8_t *)m->wrapped + 44)) {
				res = TEE_ERROR_CORRUPT_OBJECT;
				break;
			}
		}
		off += REC_OVER + h.len;
		idx++;
		if (fgen == c->gen && idx == c->nrec) {
			if (memcmp(chain, c->chain, 32)) {
				res = TEE_ERROR_CORRUPT_OBJECT;
				break;
			}
			chain_checked = 1;
		}
		if (h.flags & RF_COMMIT) {
			for (size_t j = 0; j < grp.np && res == TEE_SUCCESS; j++)
				res = apply_pend(st, &grp.p[j]);
			batch_free(&grp);
			memset(&grp, 0, sizeof(grp));
			cut_off = off;
			cut_idx = idx;
			memcpy(cut_chain, chain, 32);
		}
	}
	batch_free(&grp);
	free(buf);
	if (plain)
		OPENSSL_cleanse(plain, META_MAX);
	free(plain);
	if (res != TEE_SUCCESS)
		return res;
	/* A bad block of an object that still exists makes that object
	 * corrupt; one of a deleted object (dead data) cannot be pinned on
	 * anything the TA can open, and tampering must not go unnoticed:
	 * then the whole store is corrupt. */
	for (size_t i = 0; i < nbad; i++) {
		struct sfs_obj *o = by_uid(st, bad[i]);
		if (!o)
			return TEE_ERROR_CORRUPT_OBJECT;
		o->corrupt = 1;
	}
	/* Fewer committed records than the counter vouches for: rollback. */
	if (fgen == c->gen ? (cut_idx < c->nrec || !chain_checked) : fgen != c->gen + 1)
		return TEE_ERROR_CORRUPT_OBJECT;
	if (cut_off < size) {
		if (ftruncate(fd, (off_t)cut_off) || fdatasync(fd))
			return TEE_ERROR_STORAGE_NOT_AVAILABLE;
	}
	st->gen = fgen;
	st->nrec = cut_idx;
	st->end = cut_off;
	memcpy(st->chain, cut_chain, 32);
	return TEE_SUCCESS;
}

static TEE_Result load(struct sfs_store *st)
{
	char lp[4300], cp[4300], tp[4300];
	store_reset(st);
	path_of(st, "log", lp, sizeof(lp));
	path_of(st, "ctr", cp, sizeof(cp));
	path_of(st, "log.tmp", tp, sizeof(tp));
	unlink(tp); /* an unfinished compaction */
	struct ctr_rec c;
	int have_ctr = 0;
	st->ctrfd = open(cp, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (st->ctrfd >= 0) {
		uint8_t mac[32];
		if (pread_all(st->ctrfd, &c, sizeof(c), 0) ||
		    memcmp(c.magic, CTR_MAGIC, 8))
			return TEE_ERROR_CORRUPT_OBJECT;
		ctr_mac(st, &c, mac);
		if (CRYPTO_memcmp(mac, c.mac, 32))
			return TEE_ERROR_CORRUPT_OBJECT;
		struct stat s;
		if (fstat(st->ctrfd, &s) || s.st_size != sizeof(c))
			return TEE_ERROR_CORRUPT_OBJECT;
		have_ctr = 1;
		st->cst = s;
	} else if (errno != ENOENT) {
		return TEE_ERROR_STORAGE_NOT_AVAILABLE;
	}
	int fd = open(lp, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno != ENOENT)
			return TEE_ERROR_STORAGE_NOT_AVAILABLE;
		/* No log: fine if nothing was ever committed (counter absent or
		 * at generation 0); otherwise the log was removed. */
		if (have_ctr && c.gen != 0)
			return TEE_ERROR_CORRUPT_OBJECT;
		return TEE_SUCCESS;
	}
	if (!have_ctr) {
		close(fd);
		return TEE_ERROR_CORRUPT_OBJECT; /* counter removed */
	}
	st->logfd = fd;
	TEE_Result res = replay(st, fd, &c);
	if (res != TEE_SUCCESS)
		return res;
	fstat(fd, &st->lst);
	/* Staged creates that were never published are dropped. */
	for (struct sfs_obj *o = st->objs, *n; o; o = n) {
		n = o->next;
		if (o->hidden) {
			unlink_obj(st, o);
			obj_free(o);
		}
	}
	recount_live(st);
	if (c.gen != st->gen || c.nrec != st->nrec || memcmp(c.chain, st->chain, 32))
		if (ctr_write(st, 1))
			return TEE_ERROR_STORAGE_NOT_AVAILABLE;
	return TEE_SUCCESS;
}

/* ---- public interface ----------------------------------------------------- */

struct sfs_store *sfs_store_get(const uint8_t uuid[16])
{
	pthread_mutex_lock(&stores_lock);
	struct sfs_store *st = stores;
	while (st && memcmp(st->uuid, uuid, 16))
		st = st->next;
	if (!st) {
		st = calloc(1, sizeof(*st));
		if (st) {
			memcpy(st->uuid, uuid, 16);
			pthread_mutex_init(&st->lock, NULL);
			st->logfd = st->ctrfd = -1;
			keys_ta_name(uuid, st->name);
			keys_tsk(uuid, st->tsk);
			keys_hmac(st->tsk, "edgetee directory key", NULL, 0, st->dirkey);
			st->next = stores;
			stores = st;
		}
	}
	pthread_mutex_unlock(&stores_lock);
	return st;
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev &&
	       a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

TEE_Result sfs_check(struct sfs_store *st, int busy)
{
	if (st->loaded) {
		/* Files changed behind our back (restored, edited, removed)? */
		char lp[4300], cp[4300];
		struct stat a, b;
		path_of(st, "log", lp, sizeof(lp));
		path_of(st, "ctr", cp, sizeof(cp));
		int la = stat(lp, &a), cb = stat(cp, &b);
		int changed =
		    (st->logfd >= 0 ? la || !same_file(&a, &st->lst) : la == 0) ||
		    (st->ctrfd >= 0 ? cb || !same_file(&b, &st->cst) : cb == 0);
		if (!changed)
			return st->state;
		if (busy) {
			/* Objects are open: their state cannot be swapped under
			 * the handles. Nothing of this TA is trusted any more. */
			st->state = TEE_ERROR_CORRUPT_OBJECT;
			return st->state;
		}
	}
	st->state = load(st);
	st->loaded = 1;
	if (st->state != TEE_SUCCESS)
		core_log("storage of TA store %s refused: 0x%08x (%s)", st->name,
			 st->state,
			 st->state == TEE_ERROR_CORRUPT_OBJECT
			     ? "tampered with, rolled back or damaged"
			     : "cannot be read");
	return st->state;
}

struct sfs_obj *sfs_find(struct sfs_store *st, const void *id, uint32_t id_len)
{
	for (struct sfs_obj *o = st->objs; o; o = o->next)
		if (!o->hidden && o->id_len == id_len && !memcmp(o->id, id, id_len))
			return o;
	return NULL;
}

struct sfs_obj *sfs_nth(struct sfs_store *st, uint64_t idx)
{
	for (struct sfs_obj *o = st->objs; o; o = o->next)
		if (!o->hidden && idx-- == 0)
			return o;
	return NULL;
}

/* Block records for data at pos (read-modify-write of partial blocks). */
static TEE_Result add_data(struct batch *w, struct sfs_store *st, struct sfs_obj *o,
			   uint64_t old_size, uint64_t pos, const uint8_t *data,
			   size_t len, uint64_t new_size)
{
	if (!len)
		return TEE_SUCCESS;
	uint8_t *plain = malloc(SFS_BLK);
	if (!plain)
		return TEE_ERROR_OUT_OF_MEMORY;
	TEE_Result res = TEE_SUCCESS;
	uint64_t first = pos / SFS_BLK, last = (pos + len - 1) / SFS_BLK;
	for (uint64_t b = first; b <= last && res == TEE_SUCCESS; b++) {
		uint64_t bstart = b * SFS_BLK;
		uint64_t s = pos > bstart ? pos - bstart : 0;
		uint64_t e = pos + len < bstart + SFS_BLK ? pos + len - bstart : SFS_BLK;
		if (s > 0 || e < SFS_BLK) {
			res = read_block(st, o, (uint32_t)b, plain);
			/* Bytes past the old end read as zero. */
			uint64_t valid = old_size > bstart ? old_size - bstart : 0;
			if (valid < SFS_BLK)
				memset(plain + valid, 0, SFS_BLK - valid);
		}
		if (res != TEE_SUCCESS)
			break;
		memcpy(plain + s, data + (bstart + s - pos), e - s);
		uint64_t blen = new_size - bstart < SFS_BLK ? new_size - bstart : SFS_BLK;
		if (batch_add(w, R_BLOCK, o->uid, (uint32_t)b, new_size, o->fek, plain,
			      blen, 0))
			res = TEE_ERROR_OUT_OF_MEMORY;
	}
	OPENSSL_cleanse(plain, SFS_BLK);
	free(plain);
	return res;
}

TEE_Result sfs_create(struct sfs_store *st, const void *id, uint32_t id_len,
		      const uint32_t info[4], const void *attrs, uint32_t attr_len,
		      const void *data, size_t len, int hidden, struct sfs_obj *replace,
		      struct sfs_obj **out)
{
	TEE_Result res = ensure_log(st);
	if (res != TEE_SUCCESS)
		return res;
	if (id_len > SFS_ID_MAX || attr_len > META_MAX - sizeof(struct obj_meta))
		return TEE_ERROR_BAD_PARAMETERS;
	/* The new object, described on the stack until it is durable. */
	struct sfs_obj n;
	memset(&n, 0, sizeof(n));
	RAND_bytes(n.uid, 16);
	if (RAND_priv_bytes(n.fek, 32) != 1)
		return TEE_ERROR_GENERIC;
	RAND_bytes(n.wrapped, 12);
	if (gcm(1, st->tsk, n.wrapped, n.uid, 16, n.fek, 32, n.wrapped + 12,
		n.wrapped + 44))
		return TEE_ERROR_GENERIC;
	memcpy(n.id, id, id_len);
	n.id_len = id_len;
	n.type = info[0];
	n.osize = info[1];
	n.maxsize = info[2];
	n.usage = info[3];
	n.attrs = (uint8_t *)attrs;
	n.attr_len = attr_len;
	n.size = len;
	struct batch w;
	batch_init(&w, st);
	w.frees = replace != NULL;
	if ((replace &&
	     batch_add(&w, R_DEL, replace->uid, 0, 0, st->dirkey, NULL, 0, 0)) ||
	    add_obj_rec(&w, st, &n, hidden))
		res = TEE_ERROR_OUT_OF_MEMORY;
	if (res == TEE_SUCCESS && len) {
		/* Blocks of the new object: encrypted under its FEK. */
		uint8_t *plain = malloc(SFS_BLK);
		if (!plain)
			res = TEE_ERROR_OUT_OF_MEMORY;
		for (uint64_t b = 0; res == TEE_SUCCESS && b * SFS_BLK < len; b++) {
			size_t bl =
			    len - b * SFS_BLK < SFS_BLK ? len - b * SFS_BLK : SFS_BLK;
			memcpy(plain, (const uint8_t *)data + b * SFS_BLK, bl);
			if (batch_add(&w, R_BLOCK, n.uid, (uint32_t)b, len, n.fek, plain,
				      bl, 0))
				res = TEE_ERROR_OUT_OF_MEMORY;
		}
		if (plain)
			OPENSSL_cleanse(plain, SFS_BLK);
		free(plain);
	}
	if (res == TEE_SUCCESS)
		res = commit(st, &w);
	batch_free(&w);
	OPENSSL_cleanse(n.fek, 32);
	if (res == TEE_SUCCESS) {
		*out = by_uid(st, n.uid);
		if (!*out)
			res = TEE_ERROR_GENERIC;
	}
	return res;
}

TEE_Result sfs_publish(struct sfs_store *st, struct sfs_obj *o, struct sfs_obj *replace)
{
	struct batch w;
	TEE_Result res = ensure_log(st);
	if (res != TEE_SUCCESS)
		return res;
	batch_init(&w, st);
	w.frees = replace != NULL;
	if ((replace &&
	     batch_add(&w, R_DEL, replace->uid, 0, 0, st->dirkey, NULL, 0, 0)) ||
	    add_obj_rec(&w, st, o, 0))
		res = TEE_ERROR_OUT_OF_MEMORY;
	if (res == TEE_SUCCESS)
		res = commit(st, &w);
	batch_free(&w);
	return res;
}

TEE_Result sfs_read(struct sfs_store *st, struct sfs_obj *o, uint64_t pos, void *buf,
		    size_t len, size_t *got)
{
	*got = 0;
	if (st->state != TEE_SUCCESS)
		return st->state;
	if (o->corrupt)
		return TEE_ERROR_CORRUPT_OBJECT;
	if (pos >= o->size)
		return TEE_SUCCESS;
	if (len > o->size - pos)
		len = (size_t)(o->size - pos);
	uint8_t *plain = malloc(SFS_BLK);
	if (!plain)
		return TEE_ERROR_OUT_OF_MEMORY;
	TEE_Result res = TEE_SUCCESS;
	size_t done = 0;
	while (done < len && res == TEE_SUCCESS) {
		uint64_t p = pos + done, b = p / SFS_BLK, s = p % SFS_BLK;
		size_t n = SFS_BLK - s < len - done ? (size_t)(SFS_BLK - s) : len - done;
		res = read_block(st, o, (uint32_t)b, plain);
		if (res == TEE_SUCCESS)
			memcpy((uint8_t *)buf + done, plain + s, n);
		done += n;
	}
	OPENSSL_cleanse(plain, SFS_BLK);
	free(plain);
	if (res == TEE_SUCCESS)
		*got = len;
	return res;
}

TEE_Result sfs_write(struct sfs_store *st, struct sfs_obj *o, uint64_t pos,
		     const void *buf, size_t len)
{
	if (st->state != TEE_SUCCESS)
		return st->state;
	if (o->corrupt)
		return TEE_ERROR_CORRUPT_OBJECT;
	if (!len)
		return TEE_SUCCESS;
	struct batch w;
	batch_init(&w, st);
	uint64_t ns = pos + len > o->size ? pos + len : o->size;
	TEE_Result res = add_data(&w, st, o, o->size, pos, buf, len, ns);
	if (res == TEE_SUCCESS)
		res = commit(st, &w);
	batch_free(&w);
	return res;
}

TEE_Result sfs_truncate(struct sfs_store *st, struct sfs_obj *o, uint64_t size)
{
	if (st->state != TEE_SUCCESS)
		return st->state;
	if (o->corrupt)
		return TEE_ERROR_CORRUPT_OBJECT;
	if (size == o->size)
		return TEE_SUCCESS;
	struct batch w;
	batch_init(&w, st);
	TEE_Result res = TEE_SUCCESS;
	uint64_t old = o->size;
	w.frees = size < old;
	o->size = size; /* for the OBJ record only; restored below */
	if (add_obj_rec(&w, st, o, o->hidden))
		res = TEE_ERROR_OUT_OF_MEMORY;
	o->size = old;
	/* Shrinking into a block: store its kept part again, so bytes past
	 * the new end can never come back if the object grows later. */
	if (res == TEE_SUCCESS && size < old && size % SFS_BLK) {
		uint32_t b = (uint32_t)(size / SFS_BLK);
		uint8_t *plain = malloc(SFS_BLK);
		if (!plain)
			res = TEE_ERROR_OUT_OF_MEMORY;
		else
			res = read_block(st, o, b, plain);
		if (res == TEE_SUCCESS && batch_add(&w, R_BLOCK, o->uid, b, size, o->fek,
						    plain, size % SFS_BLK, 0))
			res = TEE_ERROR_OUT_OF_MEMORY;
		if (plain)
			OPENSSL_cleanse(plain, SFS_BLK);
		free(plain);
	}
	if (res == TEE_SUCCESS)
		res = commit(st, &w);
	batch_free(&w);
	return res;
}

static TEE_Result meta_update(struct sfs_store *st, struct sfs_obj *o, const void *id,
			      uint32_t id_len, uint32_t usage)
{
	if (st->state != TEE_SUCCESS)
		return st->state;
	struct sfs_obj t = *o; /* shallow: only fields for the record change */
	if (id) {
		memset(t.id, 0, SFS_ID_MAX);
		memcpy(t.id, id, id_len);
		t.id_len = id_len;
	}
	t.usage = usage;
	struct batch w;
	batch_init(&w, st);
	TEE_Result res =
	    add_obj_rec(&w, st, &t, o->hidden) ? TEE_ERROR_OUT_OF_MEMORY : commit(st, &w);
	batch_free(&w);
	return res;
}

TEE_Result sfs_rename(struct sfs_store *st, struct sfs_obj *o, const void *id,
		      uint32_t id_len)
{
	return meta_update(st, o, id, id_len, o->usage);
}

TEE_Result sfs_set_usage(struct sfs_store *st, struct sfs_obj *o, uint32_t usage)
{
	return meta_update(st, o, NULL, 0, usage);
}

TEE_Result sfs_delete(struct sfs_store *st, struct sfs_obj *o)
{
	if (st->state != TEE_SUCCESS)
		return st->state;
	struct batch w;
	batch_init(&w, st);
	w.frees = 1;
	TEE_Result res = batch_add(&w, R_DEL, o->uid, 0, 0, st->dirkey, NULL, 0, 0)
			     ? TEE_ERROR_OUT_OF_MEMORY
			     : commit(st, &w);
	batch_free(&w);
	return res;
}

void sfs_forget(struct sfs_store *st, struct sfs_obj *o)
{
	unlink_obj(st, o);
	obj_free(o);
	recount_live(st);
}
