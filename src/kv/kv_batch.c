/*
 * The kvstore batch encoding (see kv_batch.h): writer and response reader
 * for clients, validator and executor for the TA and the REE baseline.
 * Every read is bounds-checked against the buffer length, whatever was
 * validated before, so a malformed buffer can never be read past its end.
 */
#include "kv_batch.h"

#include <string.h>

#define REQ_MAGIC  0x3142564bu /* "KVB1" */
#define RESP_MAGIC 0x3152564bu /* "KVR1" */

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

void kvb_begin(struct kvb_writer *w, void *buf, size_t size)
{
	w->buf = buf;
	w->size = size;
	w->len = KVB_HDR;
	w->count = 0;
	w->overflow = size < KVB_HDR;
}

int kvb_add(struct kvb_writer *w, enum kvb_op op, const void *key, size_t klen,
	    const void *val, size_t vlen)
{
	if (w->overflow)
		return -1;
	int ok = klen > 0 && klen <= KV_KEY_MAX && w->count < KVB_MAX_OPS &&
		 (op == KVB_PUT ? vlen <= KV_VALUE_MAX : op == KVB_GET || op == KVB_DEL);
	if (op != KVB_PUT)
		vlen = 0;
	size_t need = KVB_OP_HDR + klen + vlen;
	if (!ok || w->size - w->len < need) {
		w->overflow = 1;
		return -1;
	}
	unsigned char *p = w->buf + w->len;
	p[0] = (unsigned char)op;
	p[1] = p[2] = p[3] = 0;
	put32(p + 4, (uint32_t)klen);
	put32(p + 8, (uint32_t)vlen);
	memcpy(p + KVB_OP_HDR, key, klen);
	if (vlen)
		memcpy(p + KVB_OP_HDR + klen, val, vlen);
	w->len += need;
	w->count++;
	return 0;
}

size_t kvb_finish(struct kvb_writer *w)
{
	if (w->overflow || !w->count)
		return 0;
	put32(w->buf, REQ_MAGIC);
	put32(w->buf + 4, w->count);
	return w->len;
}

/* The op at *off, advancing it; -1 if it is malformed or runs past len. */
static int read_op(const unsigned char *p, size_t len, size_t *off, struct kvb_opv *o)
{
	size_t at = *off;
	if (len - at < KVB_OP_HDR)
		return -1;
	uint8_t op = p[at];
	if ((op != KVB_PUT && op != KVB_GET && op != KVB_DEL) || p[at + 1] || p[at + 2] ||
	    p[at + 3])
		return -1;
	uint32_t kl = get32(p + at + 4), vl = get32(p + at + 8);
	if (!kl || kl > KV_KEY_MAX || vl > KV_VALUE_MAX || (op != KVB_PUT && vl))
		return -1;
	at += KVB_OP_HDR;
	if (len - at < (size_t)kl + vl)
		return -1;
	o->op = (enum kvb_op)op;
	o->key = p + at;
	o->klen = kl;
	o->val = p + at + kl;
	o->vlen = vl;
	*off = at + kl + vl;
	return 0;
}

int kvb_next_op(const void *req, size_t len, size_t *off, struct kvb_opv *o)
{
	if (!req || *off < KVB_HDR || *off >= len)
		return -1;
	return read_op(req, len, off, o);
}

int kvb_validate(const void *req, size_t len, uint32_t *count)
{
	const unsigned char *p = req;
	if (!p || len < KVB_HDR || get32(p) != REQ_MAGIC)
		return -1;
	uint32_t n = get32(p + 4);
	if (!n || n > KVB_MAX_OPS)
		return -1;
	size_t off = KVB_HDR;
	struct kvb_opv o;
	for (uint32_t i = 0; i < n; i++)
		if (read_op(p, len, &off, &o))
			return -1;
	if (off != len)
		return -1;
	*count = n;
	return 0;
}

int kvb_execute(struct kv_table *t, const void *req, size_t len, void *resp,
		size_t resp_size, size_t *out_len)
{
	uint32_t n;
	if (kvb_validate(req, len, &n))
		return -1;
	size_t min = kvb_response_min(n);
	if (!resp || resp_size < min) {
		*out_len = min;
		return -2;
	}
	const unsigned char *p = req;
	unsigned char *r = resp;
	/* Room still free for GET values once every result header is counted. */
	size_t spare = resp_size - min, off = KVB_HDR, w = KVB_HDR;
	put32(r, RESP_MAGIC);
	put32(r + 4, n);
	for (uint32_t i = 0; i < n; i++) {
		struct kvb_opv o;
		if (read_op(p, len, &off, &o))
			return -1; /* cannot happen: validated above */
		uint32_t res = KVB_R_OK, vlen = 0;
		enum kv_status s;
		const void *val = NULL;
		size_t vl = 0;
		switch (o.op) {
		case KVB_PUT:
			s = kv_put(t, o.key, o.klen, o.val, o.vlen);
			res = s == KV_OK ? KVB_R_OK : KVB_R_NO_MEMORY;
			break;
		case KVB_GET:
			s = kv_get(t, o.key, o.klen, &val, &vl);
			if (s != KV_OK) {
				res = KVB_R_NOT_FOUND;
			} else if (vl > spare) {
				res = KVB_R_SHORT;
				vlen = (uint32_t)vl;
			} else {
				vlen = (uint32_t)vl;
				spare -= vl;
			}
			break;
		case KVB_DEL:
			s = kv_del(t, o.key, o.klen);
			res = s == KV_OK ? KVB_R_OK : KVB_R_NOT_FOUND;
			break;
		}
		put32(r + w, res);
		put32(r + w + 4, vlen);
		w += KVB_RESULT_HDR;
		if (o.op == KVB_GET && res == KVB_R_OK && vlen) {
			memcpy(r + w, val, vlen);
			w += vlen;
		}
	}
	*out_len = w;
	return 0;
}

int kvb_response_open(struct kvb_reader *r, const void *resp, size_t len, uint32_t *count)
{
	const unsigned char *p = resp;
	if (!p || len < KVB_HDR || get32(p) != RESP_MAGIC || get32(p + 4) > KVB_MAX_OPS)
		return -1;
	r->p = p;
	r->len = len;
	r->off = KVB_HDR;
	r->left = get32(p + 4);
	*count = r->left;
	return 0;
}

int kvb_response_next(struct kvb_reader *r, struct kvb_result *res)
{
	if (!r->left)
		return r->off == r->len ? 0 : -1;
	if (r->len - r->off < KVB_RESULT_HDR)
		return -1;
	res->result = get32(r->p + r->off);
	res->vlen = get32(r->p + r->off + 4);
	res->val = NULL;
	r->off += KVB_RESULT_HDR;
	if (res->result == KVB_R_OK && res->vlen) {
		if (r->len - r->off < res->vlen)
			return -1;
		res->val = r->p + r->off;
		r->off += res->vlen;
	}
	r->left--;
	return 1;
}
