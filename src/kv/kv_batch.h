/*
 * The batch encoding shared by the kvstore TA and its clients: many PUT,
 * GET and DEL operations in one buffer, so that one invocation pays for
 * many operations. All integers are little-endian u32.
 *
 * Request:  "KVB1" count, then per op: op (u8) 0 0 0, klen, vlen, key, value
 *           (vlen is 0 for GET and DEL). The ops fill the buffer exactly.
 * Response: "KVR1" count, then per op: result, vlen, and for a GET that
 *           succeeded the value bytes. Results are GP result codes:
 *           0, ITEM_NOT_FOUND, OUT_OF_MEMORY, SHORT_BUFFER (a GET whose value
 *           did not fit in what was left of the response; vlen = its size).
 *
 * A request is validated whole before any op runs: a bad magic, count,
 * op, padding byte, key or value length, or a trailing byte rejects it.
 */
#ifndef ET_KV_BATCH_H
#define ET_KV_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "kv_table.h"

#define KVB_MAX_OPS    65536u
#define KVB_HDR	       8u  /* magic + count */
#define KVB_OP_HDR     12u /* op + pad + klen + vlen */
#define KVB_RESULT_HDR 8u  /* result + vlen */

enum kvb_op { KVB_PUT = 1, KVB_GET = 2, KVB_DEL = 3 };

/* Per-op results: the GP codes, so a client reads them as TEEC_Result. */
#define KVB_R_OK	0x00000000u
#define KVB_R_NOT_FOUND 0xFFFF0008u
#define KVB_R_NO_MEMORY 0xFFFF000Cu
#define KVB_R_SHORT	0xFFFF0010u

/* ---- building a request (client) ---- */
struct kvb_writer {
	unsigned char *buf;
	size_t size, len;
	uint32_t count;
	int overflow;
};

void kvb_begin(struct kvb_writer *w, void *buf, size_t size);
/* 0, or -1 if the op is invalid or does not fit (the writer then fails). */
int kvb_add(struct kvb_writer *w, enum kvb_op op, const void *key, size_t klen,
	    const void *val, size_t vlen);
/* Length of the finished request, or 0 if any add failed. */
size_t kvb_finish(struct kvb_writer *w);
/* Response bytes needed before any GET value: header + one result per op. */
static inline size_t kvb_response_min(uint32_t count)
{
	return KVB_HDR + (size_t)count * KVB_RESULT_HDR;
}

/* ---- reading a request (TA) ---- */
struct kvb_opv {
	enum kvb_op op;
	const unsigned char *key, *val;
	uint32_t klen, vlen;
};

/* Check a whole request; 0 and its op count, or -1 if malformed. */
int kvb_validate(const void *req, size_t len, uint32_t *count);
/* Walk a validated request: *off = KVB_HDR first; 0 and the op at *off
 * (then *off is past it), or -1 at the end or on a malformed op. */
int kvb_next_op(const void *req, size_t len, size_t *off, struct kvb_opv *o);

/*
 * Run a request against a table and write the response. Returns 0 with
 * *out_len set; -1 if the request is malformed (nothing ran); -2 if resp
 * is smaller than kvb_response_min (nothing ran; *out_len = that size).
 * The request must not change while this runs (the TA copies it first).
 */
int kvb_execute(struct kv_table *t, const void *req, size_t len, void *resp,
		size_t resp_size, size_t *out_len);

/* ---- reading a response (client) ---- */
struct kvb_reader {
	const unsigned char *p;
	size_t len, off;
	uint32_t left;
};

struct kvb_result {
	uint32_t result;
	const unsigned char *val; /* GET that succeeded, else NULL */
	uint32_t vlen;
};

/* 0 and the result count, or -1 if the response is malformed. */
int kvb_response_open(struct kvb_reader *r, const void *resp, size_t len,
		      uint32_t *count);
/* 1 with the next result, 0 at the end, -1 if malformed. */
int kvb_response_next(struct kvb_reader *r, struct kvb_result *res);

#endif
