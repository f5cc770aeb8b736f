/*
 * Readers for the known-answer vector files of Debian's
 * python3-cryptography-vectors package, used by test_crypto_vectors.c:
 *  - NIST CAVP .rsp files and the RFC-derived .txt files in the same
 *    "key = value" style: blocks separated by blank lines, "# comments",
 *    [section] headers ("[ENCRYPT]", "[P-256,SHA-256]", "[Keylen = 128]",
 *    "[Alen = 0, Plen = 0, Nlen = 7, Tlen = 4]") and bare words ("FAIL");
 *  - the PKCS #1 test vector files, where "# Label:" comment lines are
 *    followed by hex data lines (pkcs-1v2-1d2-vec, pkcs1v15*-vectors.txt,
 *    oaep-custom).
 * Vectors are read at test time, never copied into the repository.
 */
#ifndef ET_CRYPTO_VECTORS_H
#define ET_CRYPTO_VECTORS_H

#include <stddef.h>
#include <stdint.h>

struct vfield {
	const char *key;
	const char *val;
};

/* One vector: the fields of its block, plus the context in force there
 * (section header values and fields of earlier blocks without the marker
 * key, e.g. "n = ..." before RSA vectors or "Key = ..." before CCM ones). */
struct vrec {
	int line;
	const char *section; /* last bare [NAME], or "" */
	size_t nf, nc;
	struct vfield *f;
	struct vfield *ctx;
};

struct vfile {
	char path[512];
	char *text;
	size_t nrec;
	struct vrec *rec;
};

/* Parse a key = value file; a block is a vector when it has the field
 * `marker` (case-insensitive). 0 on success, -1 if unreadable. */
int vf_load_kv(struct vfile *vf, const char *path, const char *marker);
void vf_free(struct vfile *vf);

/* Field of the vector, else of its context (case-insensitive); NULL if
 * absent. */
const char *vrec_get(const struct vrec *r, const char *key);

/* Decode hex (whitespace ignored; an odd digit count has an implicit
 * leading zero) into a malloc'd buffer; returns the length
 * or -1 on bad input. An empty string gives length 0 (and a valid pointer). */
long hex_decode(const char *s, uint8_t **out);

/* One "# Label:" entry of a PKCS #1 style file with its decoded data. */
struct ventry {
	int line;
	char *label;
	uint8_t *data;
	size_t len;
};

struct vlabels {
	char path[512];
	size_t n;
	struct ventry *e;
};

int vf_load_labels(struct vlabels *vl, const char *path);
void vl_free(struct vlabels *vl);

#endif
