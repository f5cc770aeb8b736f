/*
 * The kazlib-style static hash table of the kvstore TA and its REE
 * baseline: 251 chains, separate chaining, chain = hash mod 251. It uses
 * only memcpy/memcmp and the allocator it is given, so the same object code
 * runs inside a TA and in a normal process.
 */
#include "kv_table.h"

#include <string.h>

void kv_init(struct kv_table *t, const struct kv_alloc *a)
{
	memset(t, 0, sizeof(*t));
	t->a = *a;
}

void kv_clear(struct kv_table *t)
{
	for (uint32_t c = 0; c < KV_CHAINS; c++) {
		struct kv_node *n = t->chain[c];
		while (n) {
			struct kv_node *next = n->next;
			t->a.free(n);
			n = next;
		}
		t->chain[c] = NULL;
	}
	t->count = 0;
	t->bytes = 0;
}

/* FNV-1a: cheap, byte-at-a-time, and good enough that mod 251 spreads
 * short integer keys (the benchmark's offsets) evenly. */
uint32_t kv_hash(const void *key, size_t klen)
{
	const unsigned char *p = key;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < klen; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

static int key_ok(size_t klen)
{
	return klen > 0 && klen <= KV_KEY_MAX;
}

/* The link that points at the key's node, or at the chain's NULL end. */
static struct kv_node **find(struct kv_node *const *head, uint32_t h, const void *key,
			     size_t klen)
{
	struct kv_node **pp = (struct kv_node **)head;
	for (; *pp; pp = &(*pp)->next) {
		const struct kv_node *n = *pp;
		if (n->hash == h && n->klen == klen && !memcmp(n->data, key, klen))
			break;
	}
	return pp;
}

static struct kv_node *node_new(struct kv_table *t, const void *key, size_t klen,
				const void *val, size_t vlen)
{
	struct kv_node *n = t->a.alloc(sizeof(*n) + klen + vlen);
	if (!n)
		return NULL;
	n->next = NULL;
	n->klen = (uint32_t)klen;
	n->vlen = (uint32_t)vlen;
	memcpy(n->data, key, klen);
	if (vlen)
		memcpy(n->data + klen, val, vlen);
	/* Hash the private copy: the caller's key may sit in memory shared
	 * with a client that changes it while we work. */
	n->hash = kv_hash(n->data, klen);
	return n;
}

/* Put n in place of the node at *pp (or at the end of the chain). */
static void link_node(struct kv_table *t, struct kv_node **pp, struct kv_node *n)
{
	struct kv_node *old = *pp;
	if (old) {
		n->next = old->next;
		t->bytes -= (size_t)old->klen + old->vlen;
		t->count--;
		t->a.free(old);
	}
	*pp = n;
	t->bytes += (size_t)n->klen + n->vlen;
	t->count++;
}

enum kv_status kv_put(struct kv_table *t, const void *key, size_t klen, const void *val,
		      size_t vlen)
{
	if (!key_ok(klen) || vlen > KV_VALUE_MAX)
		return KV_EINVAL;
	struct kv_node *n = node_new(t, key, klen, val, vlen);
	if (!n)
		return KV_ENOMEM;
	struct kv_node **pp =
	    find(&t->chain[kv_chain_of(n->hash)], n->hash, n->data, klen);
	link_node(t, pp, n);
	return KV_OK;
}

enum kv_status kv_get(const struct kv_table *t, const void *key, size_t klen,
		      const void **val, size_t *vlen)
{
	if (!key_ok(klen))
		return KV_EINVAL;
	uint32_t h = kv_hash(key, klen);
	struct kv_node **pp = find(&t->chain[kv_chain_of(h)], h, key, klen);
	if (!*pp)
		return KV_ENOENT;
	*val = (*pp)->data + klen;
	*vlen = (*pp)->vlen;
	return KV_OK;
}

enum kv_status kv_del(struct kv_table *t, const void *key, size_t klen)
{
	if (!key_ok(klen))
		return KV_EINVAL;
	uint32_t h = kv_hash(key, klen);
	struct kv_node **pp = find(&t->chain[kv_chain_of(h)], h, key, klen);
	struct kv_node *n = *pp;
	if (!n)
		return KV_ENOENT;
	*pp = n->next;
	t->bytes -= (size_t)n->klen + n->vlen;
	t->count--;
	t->a.free(n);
	return KV_OK;
}

void kv_cursor_init(struct kv_cursor *c)
{
	c->chain = 0;
	c->pos = 0;
}

int kv_next(const struct kv_table *t, struct kv_cursor *c, const void **key, size_t *klen,
	    size_t *vlen)
{
	while (c->chain < KV_CHAINS) {
		const struct kv_node *n = t->chain[c->chain];
		for (uint32_t i = 0; n && i < c->pos; i++)
			n = n->next;
		if (n) {
			c->pos++;
			*key = n->data;
			*klen = n->klen;
			if (vlen)
				*vlen = n->vlen;
			return 1;
		}
		c->chain++;
		c->pos = 0;
	}
	return 0;
}

void kv_cursor_seek(const struct kv_table *t, struct kv_cursor *c, size_t idx)
{
	kv_cursor_init(c);
	for (; c->chain < KV_CHAINS; c->chain++) {
		size_t len = 0;
		for (const struct kv_node *n = t->chain[c->chain]; n; n = n->next)
			len++;
		if (idx < len) {
			c->pos = (uint32_t)idx;
			return;
		}
		idx -= len;
	}
}

/* ---- persistent layout of one chain -------------------------------------- */

#define CHAIN_MAGIC 0x3143564bu /* "KVC1" little-endian */

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

size_t kv_chain_encode(const struct kv_table *t, uint32_t chain, void *buf, size_t size)
{
	if (chain >= KV_CHAINS)
		return 0;
	size_t need = 12;
	uint32_t count = 0;
	for (const struct kv_node *n = t->chain[chain]; n; n = n->next) {
		need += 8 + (size_t)n->klen + n->vlen;
		count++;
	}
	if (!buf || size < need)
		return need;
	unsigned char *p = buf;
	put32(p, CHAIN_MAGIC);
	put32(p + 4, chain);
	put32(p + 8, count);
	p += 12;
	for (const struct kv_node *n = t->chain[chain]; n; n = n->next) {
		put32(p, n->klen);
		put32(p + 4, n->vlen);
		memcpy(p + 8, n->data, (size_t)n->klen + n->vlen);
		p += 8 + (size_t)n->klen + n->vlen;
	}
	return need;
}

enum kv_status kv_chain_load(struct kv_table *t, uint32_t chain, const void *buf,
			     size_t size)
{
	const unsigned char *p = buf;
	if (chain >= KV_CHAINS || size < 12 || get32(p) != CHAIN_MAGIC ||
	    get32(p + 4) != chain)
		return KV_ECORRUPT;
	uint32_t count = get32(p + 8);
	size_t off = 12;
	/* First pass: every length and hash checked before anything changes. */
	for (uint32_t i = 0; i < count; i++) {
		if (size - off < 8)
			return KV_ECORRUPT;
		uint32_t kl = get32(p + off), vl = get32(p + off + 4);
		if (!key_ok(kl) || vl > KV_VALUE_MAX ||
		    size - off - 8 < (size_t)kl + vl ||
		    kv_chain_of(kv_hash(p + off + 8, kl)) != chain)
			return KV_ECORRUPT;
		off += 8 + (size_t)kl + vl;
	}
	if (off != size)
		return KV_ECORRUPT;
	/* Second pass: build the new chain aside, swap it in only when whole. */
	struct kv_node *head = NULL, **tail = &head;
	size_t bytes = 0;
	off = 12;
	for (uint32_t i = 0; i < count; i++) {
		uint32_t kl = get32(p + off), vl = get32(p + off + 4);
		struct kv_node *n = node_new(t, p + off + 8, kl, p + off + 8 + kl, vl);
		if (!n) {
			while (head) {
				struct kv_node *next = head->next;
				t->a.free(head);
				head = next;
			}
			return KV_ENOMEM;
		}
		*tail = n;
		tail = &n->next;
		bytes += (size_t)kl + vl;
		off += 8 + (size_t)kl + vl;
	}
	for (struct kv_node *n = t->chain[chain]; n;) {
		struct kv_node *next = n->next;
		t->bytes -= (size_t)n->klen + n->vlen;
		t->count--;
		t->a.free(n);
		n = next;
	}
	t->chain[chain] = head;
	t->count += count;
	t->bytes += bytes;
	return KV_OK;
}
