/*
 * Known-answer tests of the GP Cryptographic Operations API: published NIST
 * CAVP and RFC vectors from Debian's python3-cryptography-vectors package,
 * read at run time (never copied into the repository), run through
 * crypto_ta (tests/ta/crypto_ta) in a private edgeteed instance:
 *  - digests: SHA-1, SHA-224/256/384/512 and SHA3-224/256/384/512 CAVP
 *    short and long messages, MD5 (RFC 1321); one-shot and streamed;
 *  - AES ECB/CBC (CAVP GFSbox, KeySbox, MMT, VarKey, VarTxt), CTR (RFC
 *    3686), XTS (CAVP XTSGen), one-shot and streamed in odd-sized chunks;
 *  - AES-GCM CAVP encrypt and decrypt (FAIL vectors must give
 *    TEE_ERROR_MAC_INVALID), AES-CCM CAVP (VADT/VNT/VPT/VTT, DVPT with
 *    Fail vectors);
 *  - HMAC (RFC 2202, RFC 4231) and AES-CMAC (SP 800-38B), with
 *    TEE_MACCompareFinal of the right and of a corrupted MAC;
 *  - RSA: PKCS #1 v1.5 signatures (deterministic, compared) and decryption,
 *    OAEP decryption (SHA-1 and SHA-2), PSS verification and sign/verify,
 *    CAVP SigVer PKCS #1 v1.5 and PSS with their Result = F vectors;
 *  - ECDSA P-192..P-521 CAVP SigVer (F vectors rejected with
 *    TEE_ERROR_SIGNATURE_INVALID) and generated-key sign/verify checked
 *    against OpenSSL; Ed25519 RFC 8032 / sign.input (deterministic
 *    signatures compared); X25519 RFC 7748; HKDF RFC 5869.
 * Long CAVP files are sampled deterministically (every Nth vector; set
 * ET_CRYPTO_FULL=1 for all). Every family prints "name: passed/total" and
 * the test fails on any mismatch, naming the vector's file and line. If the
 * vector package is absent the tests are skipped.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <tee_api_defines.h>

#include "crypto_ta.h"
#include "harness.h"
#include "vectors.h"

#ifndef ET_CRYPTO_VECTORS_DIR
#define ET_CRYPTO_VECTORS_DIR "/usr/lib/python3/dist-packages/cryptography_vectors"
#endif

#define MAX_REPORT 10
#define OUT_CAP	   (256 * 1024)

static struct et_test_inst inst;
static TEEC_Context ctx;
static TEEC_Session sess;
static int have_vectors, inst_up;
static char vroot[512];
static uint8_t *outbuf;
static int long_stride = 4;

/* ---- reporting -------------------------------------------------------- */

struct fam {
	const char *name;
	unsigned pass, fail, skip;
};

static void vfail(struct fam *f, const char *path, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void vfail(struct fam *f, const char *path, int line, const char *fmt, ...)
{
	if (f->fail++ < MAX_REPORT) {
		va_list ap;
		const char *base = strstr(path, "cryptography_vectors/");
		printf("FAIL %s: %s:%d: ", f->name, base ? base + 21 : path, line);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
		fflush(stdout);
	}
}

static const char *hexs(const uint8_t *b, size_t n)
{
	static char buf[4][200];
	static int k;
	char *o = buf[k++ & 3];
	size_t m = n > 48 ? 48 : n;
	for (size_t i = 0; i < m; i++)
		sprintf(o + 2 * i, "%02x", b[i]);
	if (m < n)
		strcpy(o + 2 * m, "...");
	else if (!n)
		strcpy(o, "(empty)");
	return o;
}

static void report(struct fam *f)
{
	printf("%-40s %u/%u passed", f->name, f->pass, f->pass + f->fail);
	if (f->skip)
		printf(" (%u skipped)", f->skip);
	printf("\n");
	fflush(stdout);
	if (f->fail)
		fail_msg("%s: %u vector(s) failed", f->name, f->fail);
	if (!f->pass)
		fail_msg("%s: no vector passed", f->name);
}

/* ---- TA calls ------------------------------------------------------------- */

struct pk {
	uint8_t *b;
	size_t n, cap;
};

static void pk_add(struct pk *p, uint32_t role, uint32_t attr, const void *d, size_t len)
{
	if (p->n + 12 + len > p->cap) {
		p->cap = (p->n + 12 + len) * 2;
		p->b = realloc(p->b, p->cap);
	}
	uint32_t h[3] = {role, attr, (uint32_t)len};
	memcpy(p->b + p->n, h, 12);
	if (len)
		memcpy(p->b + p->n + 12, d, len);
	p->n += 12 + len;
}

static void pk_val(struct pk *p, uint32_t role, uint32_t attr, uint32_t a, uint32_t b)
{
	uint32_t v[2] = {a, b};
	pk_add(p, role, attr, v, 8);
}

static void reopen(void)
{
	TEEC_UUID u;
	uint32_t o;
	TEEC_CloseSession(&sess);
	et_test_uuid(CRYPTO_TA_UUID_STR, &u);
	if (TEEC_OpenSession(&ctx, &sess, &u, TEEC_LOGIN_PUBLIC, NULL, NULL, &o))
		fail_msg("cannot reopen a session to crypto_ta");
}

struct res {
	TEEC_Result r;
	size_t len;
	uint32_t a, b;
};

static struct res call(uint32_t cmd, uint32_t alg, uint32_t type, uint32_t bits,
		       uint32_t aux, const struct pk *in, size_t outcap)
{
	static uint8_t empty[4];
	TEEC_Operation op;
	uint32_t origin = 0;
	struct res r;
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_INPUT,
					 TEEC_MEMREF_TEMP_OUTPUT, TEEC_VALUE_INOUT);
	op.params[0].value.a = alg;
	op.params[0].value.b = type;
	op.params[1].tmpref.buffer = in->n ? in->b : empty;
	op.params[1].tmpref.size = in->n;
	op.params[2].tmpref.buffer = outbuf;
	op.params[2].tmpref.size = outcap > OUT_CAP ? OUT_CAP : outcap;
	op.params[3].value.a = bits;
	op.params[3].value.b = aux;
	r.r = TEEC_InvokeCommand(&sess, cmd, &op, &origin);
	r.len = op.params[2].tmpref.size;
	r.a = op.params[3].value.a;
	r.b = op.params[3].value.b;
	if (r.r != TEEC_SUCCESS && origin != TEEC_ORIGIN_TRUSTED_APP) {
		printf("  (crypto_ta died: 0x%08x origin %u; new session)\n", r.r,
		       origin);
		reopen();
	}
	return r;
}

/* The output of a call, for messages (nothing unless it succeeded). */
static const char *got(const struct res *r)
{
	return hexs(outbuf, r->r == TEEC_SUCCESS ? r->len : 0);
}

static int same(const struct res *r, const uint8_t *exp, size_t n)
{
	return r->r == TEEC_SUCCESS && r->len == n && !memcmp(outbuf, exp, n);
}

/* ---- files ---------------------------------------------------------------- */

static const char *vp(const char *rel)
{
	static char buf[4][700];
	static int k;
	char *o = buf[k++ & 3];
	snprintf(o, sizeof(buf[0]), "%s/%s", vroot, rel);
	return o;
}

static void load_kv(struct vfile *vf, const char *rel, const char *marker)
{
	if (vf_load_kv(vf, vp(rel), marker))
		fail_msg("cannot read vector file %s", vp(rel));
	if (!vf->nrec)
		fail_msg("no vectors in %s", vp(rel));
}

static long hexf(const struct vrec *r, const char *key, uint8_t **out)
{
	const char *v = vrec_get(r, key);
	if (!v) {
		*out = malloc(1);
		return -1;
	}
	return hex_decode(v, out);
}

static long numf(const struct vrec *r, const char *key)
{
	const char *v = vrec_get(r, key);
	return v ? strtol(v, NULL, 10) : -1;
}

static void need_vectors(void)
{
	if (!have_vectors) {
		printf("python3-cryptography-vectors not found at %s: skipped\n", vroot);
		skip();
	}
}

static const EVP_MD *md_of(const char *name)
{
	static const struct {
		const char *n, *o;
	} map[] = {{"MD5", "MD5"},	  {"SHA-1", "SHA1"},	 {"SHA1", "SHA1"},
		   {"SHA-224", "SHA224"}, {"SHA224", "SHA224"},	 {"SHA-256", "SHA256"},
		   {"SHA256", "SHA256"},  {"SHA-384", "SHA384"}, {"SHA384", "SHA384"},
		   {"SHA-512", "SHA512"}, {"SHA512", "SHA512"}};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcasecmp(map[i].n, name))
			return EVP_get_digestbyname(map[i].o);
	return NULL;
}

static size_t digest(const char *name, const uint8_t *m, size_t n, uint8_t *out)
{
	unsigned len = 0;
	const EVP_MD *md = md_of(name);
	assert_non_null(md);
	assert_int_equal(EVP_Digest(m, n, out, &len, md, NULL), 1);
	return len;
}

/* ---- digests ------------------------------------------------------------ */

static void digest_family(const char *name, uint32_t alg, const char *shortf,
			  const char *longf)
{
	struct fam f = {name, 0, 0, 0};
	const char *files[2] = {shortf, longf};
	for (int fi = 0; fi < 2; fi++) {
		if (!files[fi])
			continue;
		struct vfile vf;
		load_kv(&vf, files[fi], "Len");
		int stride = fi ? long_stride : 1;
		for (size_t i = 0; i < vf.nrec; i += stride) {
			struct vrec *r = &vf.rec[i];
			long bits = numf(r, "Len");
			uint8_t *msg, *md;
			long ml = hexf(r, "Msg", &msg);
			long dl = hexf(r, "MD", &md);
			if (bits % 8 || ml < bits / 8 || dl <= 0) {
				f.skip++;
			} else {
				int ok = 1;
				for (int ch = 0; ch < 2 && ok; ch++) {
					struct pk in = {0};
					pk_add(&in, CT_ROLE_DATA, 0, msg, bits / 8);
					struct res x =
					    call(CT_CMD_DIGEST, alg, 0, 0,
						 CT_AUX(0, 0, ch ? CT_F_CHUNKED : 0), &in,
						 128);
					if (!same(&x, md, dl)) {
						ok = 0;
						vfail(&f, vf.path, r->line,
						      "%s Len=%ld: expected %s, got "
						      "0x%08x %s",
						      ch ? "streamed" : "one-shot", bits,
						      hexs(md, dl), x.r, got(&x));
					}
					free(in.b);
				}
				f.pass += ok;
			}
			free(msg);
			free(md);
		}
		vf_free(&vf);
	}
	report(&f);
}

static void test_sha1_md5(void **state)
{
	(void)state;
	need_vectors();
	digest_family("SHA-1", TEE_ALG_SHA1, "hashes/SHA1/SHA1ShortMsg.rsp",
		      "hashes/SHA1/SHA1LongMsg.rsp");
	digest_family("MD5 (RFC 1321)", TEE_ALG_MD5, "hashes/MD5/rfc-1321.txt", NULL);
}

static void test_sha2(void **state)
{
	(void)state;
	need_vectors();
	digest_family("SHA-224", TEE_ALG_SHA224, "hashes/SHA2/SHA224ShortMsg.rsp",
		      "hashes/SHA2/SHA224LongMsg.rsp");
	digest_family("SHA-256", TEE_ALG_SHA256, "hashes/SHA2/SHA256ShortMsg.rsp",
		      "hashes/SHA2/SHA256LongMsg.rsp");
	digest_family("SHA-384", TEE_ALG_SHA384, "hashes/SHA2/SHA384ShortMsg.rsp",
		      "hashes/SHA2/SHA384LongMsg.rsp");
	digest_family("SHA-512", TEE_ALG_SHA512, "hashes/SHA2/SHA512ShortMsg.rsp",
		      "hashes/SHA2/SHA512LongMsg.rsp");
}

static void test_sha3(void **state)
{
	(void)state;
	need_vectors();
	digest_family("SHA3-224", TEE_ALG_SHA3_224, "hashes/SHA3/SHA3_224ShortMsg.rsp",
		      "hashes/SHA3/SHA3_224LongMsg.rsp");
	digest_family("SHA3-256", TEE_ALG_SHA3_256, "hashes/SHA3/SHA3_256ShortMsg.rsp",
		      "hashes/SHA3/SHA3_256LongMsg.rsp");
	digest_family("SHA3-384", TEE_ALG_SHA3_384, "hashes/SHA3/SHA3_384ShortMsg.rsp",
		      "hashes/SHA3/SHA3_384LongMsg.rsp");
	digest_family("SHA3-512", TEE_ALG_SHA3_512, "hashes/SHA3/SHA3_512ShortMsg.rsp",
		      "hashes/SHA3/SHA3_512LongMsg.rsp");
}

/* ---- symmetric ciphers -------------------------------------------------- */

static const char *first_of(const struct vrec *r, const char *a, const char *b)
{
	const char *v = vrec_get(r, a);
	return v ? v : vrec_get(r, b);
}

static void cipher_file(struct fam *f, const char *rel, uint32_t alg, int xts, int stride,
			int streamed)
{
	struct vfile vf;
	load_kv(&vf, rel, "COUNT");
	for (size_t i = 0; i < vf.nrec; i += stride) {
		struct vrec *r = &vf.rec[i];
		int dec = !strcasecmp(r->section, "DECRYPT");
		uint8_t *key, *iv, *pt, *ct;
		const char *ivs = first_of(r, "IV", "i");
		long kl = hex_decode(first_of(r, "KEY", "Key"), &key);
		long ivl = ivs ? hex_decode(ivs, &iv) : (iv = malloc(1), 0);
		long pl = hex_decode(first_of(r, "PLAINTEXT", "PT"), &pt);
		long cl = hex_decode(first_of(r, "CIPHERTEXT", "CT"), &ct);
		long du = numf(r, "DataUnitLen");
		if (kl <= 0 || pl < 0 || cl != pl || (xts && (du % 8 || du / 8 != pl))) {
			f->skip++;
			goto next;
		}
		int ok = 1;
		for (int ch = 0; ch <= streamed && ok; ch++) {
			struct pk in = {0};
			size_t half = xts ? (size_t)kl / 2 : (size_t)kl;
			pk_add(&in, CT_ROLE_KEY, TEE_ATTR_SECRET_VALUE, key, half);
			if (xts)
				pk_add(&in, CT_ROLE_KEY2, TEE_ATTR_SECRET_VALUE,
				       key + half, half);
			if (ivl > 0)
				pk_add(&in, CT_ROLE_IV, 0, iv, ivl);
			pk_add(&in, CT_ROLE_DATA, 0, dec ? ct : pt, pl);
			struct res x =
			    call(CT_CMD_CIPHER, alg, TEE_TYPE_AES, half * 8,
				 CT_AUX(0, dec ? TEE_MODE_DECRYPT : TEE_MODE_ENCRYPT,
					ch ? CT_F_CHUNKED : 0),
				 &in, pl + 64);
			const uint8_t *exp = dec ? pt : ct;
			if (!same(&x, exp, pl)) {
				ok = 0;
				vfail(f, vf.path, r->line,
				      "%s %s COUNT=%s: expected %s, got 0x%08x %s",
				      dec ? "decrypt" : "encrypt",
				      ch ? "streamed" : "one-shot", vrec_get(r, "COUNT"),
				      hexs(exp, pl), x.r, got(&x));
			}
			free(in.b);
		}
		f->pass += ok;
	next:
		free(key);
		free(iv);
		free(pt);
		free(ct);
	}
	vf_free(&vf);
}

static void block_mode_family(const char *name, const char *dir, const char *prefix,
			      uint32_t alg)
{
	static const char *const kinds[] = {"GFSbox", "KeySbox", "MMT", "VarKey",
					    "VarTxt"};
	static const int sizes[] = {128, 192, 256};
	struct fam f = {name, 0, 0, 0};
	char rel[256];
	for (size_t k = 0; k < 5; k++)
		for (size_t s = 0; s < 3; s++) {
			snprintf(rel, sizeof(rel), "ciphers/AES/%s/%s%s%d.rsp", dir,
				 prefix, kinds[k], sizes[s]);
			cipher_file(&f, rel, alg, 0, 1, 1);
		}
	report(&f);
}

static void test_aes_ecb_cbc(void **state)
{
	(void)state;
	need_vectors();
	block_mode_family("AES-ECB (CAVP)", "ECB", "ECB", TEE_ALG_AES_ECB_NOPAD);
	block_mode_family("AES-CBC (CAVP)", "CBC", "CBC", TEE_ALG_AES_CBC_NOPAD);
}

static void test_aes_ctr(void **state)
{
	(void)state;
	need_vectors();
	struct fam f = {"AES-CTR (RFC 3686)", 0, 0, 0};
	cipher_file(&f, "ciphers/AES/CTR/aes-128-ctr.txt", TEE_ALG_AES_CTR, 0, 1, 1);
	cipher_file(&f, "ciphers/AES/CTR/aes-192-ctr.txt", TEE_ALG_AES_CTR, 0, 1, 1);
	cipher_file(&f, "ciphers/AES/CTR/aes-256-ctr.txt", TEE_ALG_AES_CTR, 0, 1, 1);
	report(&f);
}

static void test_aes_xts(void **state)
{
	(void)state;
	need_vectors();
	struct fam f = {"AES-XTS (CAVP)", 0, 0, 0};
	cipher_file(&f, "ciphers/AES/XTS/tweak-128hexstr/XTSGenAES128.rsp",
		    TEE_ALG_AES_XTS, 1, long_stride, 0);
	cipher_file(&f, "ciphers/AES/XTS/tweak-128hexstr/XTSGenAES256.rsp",
		    TEE_ALG_AES_XTS, 1, long_stride, 0);
	report(&f);
}

/* ---- AE ------------------------------------------------------------------ */

static struct res ae_call(uint32_t alg, int dec, const uint8_t *key, size_t kl,
			  const uint8_t *nonce, size_t nl, const uint8_t *aad, size_t al,
			  const uint8_t *data, size_t dl, const uint8_t *tag, size_t tl,
			  uint32_t tagbits, int chunked)
{
	struct pk in = {0};
	pk_add(&in, CT_ROLE_KEY, TEE_ATTR_SECRET_VALUE, key, kl);
	pk_add(&in, CT_ROLE_IV, 0, nonce, nl);
	if (al)
		pk_add(&in, CT_ROLE_AAD, 0, aad, al);
	pk_add(&in, CT_ROLE_DATA, 0, data, dl);
	if (dec)
		pk_add(&in, CT_ROLE_TAG, 0, tag, tl);
	struct res x = call(CT_CMD_AE, alg, TEE_TYPE_AES, kl * 8,
			    CT_AUX(tagbits, dec ? TEE_MODE_DECRYPT : TEE_MODE_ENCRYPT,
				   chunked ? CT_F_CHUNKED : 0),
			    &in, dl + 64);
	free(in.b);
	return x;
}

static void gcm_file(struct fam *f, const char *rel, int dec, int stride)
{
	struct vfile vf;
	load_kv(&vf, rel, "Count");
	for (size_t i = 0; i < vf.nrec; i += stride) {
		struct vrec *r = &vf.rec[i];
		uint8_t *key, *iv, *pt, *aad, *ct, *tag;
		long kl = hexf(r, "Key", &key), ivl = hexf(r, "IV", &iv);
		long pl = hexf(r, "PT", &pt), al = hexf(r, "AAD", &aad);
		long cl = hexf(r, "CT", &ct), tl = hexf(r, "Tag", &tag);
		long taglen = numf(r, "Taglen");
		int bad = vrec_get(r, "FAIL") != NULL;
		int chunked = (i / stride) & 1;
		if (kl <= 0 || ivl <= 0 || al < 0 || cl < 0 || tl <= 0 ||
		    taglen != tl * 8 || (!bad && pl != cl)) {
			f->skip++;
			goto next;
		}
		struct res x = ae_call(TEE_ALG_AES_GCM, dec, key, kl, iv, ivl, aad, al,
				       dec ? ct : pt, cl, tag, tl, taglen, chunked);
		if (x.r == TEEC_ERROR_NOT_SUPPORTED && taglen < 96) {
			f->skip++; /* GP lists 96..128-bit GCM tags only */
			goto next;
		}
		if (dec && bad) {
			if (x.r == TEE_ERROR_MAC_INVALID)
				f->pass++;
			else
				vfail(f, vf.path, r->line,
				      "decrypt FAIL vector Count=%s: expected "
				      "TEE_ERROR_MAC_INVALID, got 0x%08x",
				      vrec_get(r, "Count"), x.r);
		} else if (dec) {
			if (same(&x, pt, pl))
				f->pass++;
			else
				vfail(f, vf.path, r->line,
				      "decrypt%s Count=%s: expected %s, got 0x%08x %s",
				      chunked ? " (streamed)" : "", vrec_get(r, "Count"),
				      hexs(pt, pl), x.r, got(&x));
		} else {
			uint8_t *exp = malloc(cl + tl + 1);
			memcpy(exp, ct, cl);
			memcpy(exp + cl, tag, tl);
			if (same(&x, exp, cl + tl))
				f->pass++;
			else
				vfail(f, vf.path, r->line,
				      "encrypt%s Count=%s: expected CT||tag %s, got "
				      "0x%08x %s",
				      chunked ? " (streamed)" : "", vrec_get(r, "Count"),
				      hexs(exp, cl + tl), x.r, got(&x));
			free(exp);
		}
	next:
		free(key);
		free(iv);
		free(pt);
		free(aad);
		free(ct);
		free(tag);
	}
	vf_free(&vf);
}

static void test_aes_gcm(void **state)
{
	(void)state;
	need_vectors();
	int stride = long_stride > 1 ? 7 : 1;
	struct fam e = {"AES-GCM encrypt (CAVP)", 0, 0, 0};
	gcm_file(&e, "ciphers/AES/GCM/gcmEncryptExtIV128.rsp", 0, stride);
	gcm_file(&e, "ciphers/AES/GCM/gcmEncryptExtIV192.rsp", 0, stride);
	gcm_file(&e, "ciphers/AES/GCM/gcmEncryptExtIV256.rsp", 0, stride);
	struct fam d = {"AES-GCM decrypt incl. FAIL (CAVP)", 0, 0, 0};
	gcm_file(&d, "ciphers/AES/GCM/gcmDecrypt128.rsp", 1, stride);
	gcm_file(&d, "ciphers/AES/GCM/gcmDecrypt192.rsp", 1, stride);
	gcm_file(&d, "ciphers/AES/GCM/gcmDecrypt256.rsp", 1, stride);
	report(&e);
	report(&d);
}

static void ccm_file(struct fam *f, const char *rel, int dec)
{
	struct vfile vf;
	load_kv(&vf, rel, "Count");
	for (size_t i = 0; i < vf.nrec; i++) {
		struct vrec *r = &vf.rec[i];
		uint8_t *key, *nonce, *aad, *pay, *ct;
		long kl = hexf(r, "Key", &key), nl = hexf(r, "Nonce", &nonce);
		long al = hexf(r, "Adata", &aad), pl = hexf(r, "Payload", &pay);
		long cl = hexf(r, "CT", &ct);
		long alen = numf(r, "Alen"), plen = numf(r, "Plen"),
		     tlen = numf(r, "Tlen");
		const char *result = vrec_get(r, "Result");
		int bad = result && !strncasecmp(result, "Fail", 4);
		int chunked = i & 1;
		if (kl <= 0 || nl <= 0 || alen < 0 || al < alen || plen < 0 ||
		    tlen <= 0 || cl != plen + tlen || (!bad && pl < plen)) {
			f->skip++;
			goto next;
		}
		struct res x =
		    ae_call(TEE_ALG_AES_CCM, dec, key, kl, nonce, nl, aad, alen,
			    dec ? ct : pay, plen, ct + plen, tlen, tlen * 8, chunked);
		if (dec && bad) {
			if (x.r == TEE_ERROR_MAC_INVALID)
				f->pass++;
			else
				vfail(f, vf.path, r->line,
				      "[%s] Count=%s Fail vector: expected "
				      "TEE_ERROR_MAC_INVALID, got 0x%08x",
				      r->section, vrec_get(r, "Count"), x.r);
		} else if (dec) {
			if (same(&x, pay, plen))
				f->pass++;
			else
				vfail(f, vf.path, r->line,
				      "decrypt%s Count=%s: expected %s, got 0x%08x %s",
				      chunked ? " (streamed)" : "", vrec_get(r, "Count"),
				      hexs(pay, plen), x.r, got(&x));
		} else {
			if (same(&x, ct, cl))
				f->pass++;
			else
				vfail(
				    f, vf.path, r->line,
				    "encrypt%s Count=%s (Alen %ld Plen %ld Nlen %ld Tlen "
				    "%ld): expected %s, got 0x%08x %s",
				    chunked ? " (streamed)" : "", vrec_get(r, "Count"),
				    alen, plen, nl, tlen, hexs(ct, cl), x.r, got(&x));
		}
	next:
		free(key);
		free(nonce);
		free(aad);
		free(pay);
		free(ct);
	}
	vf_free(&vf);
}

static void test_aes_ccm(void **state)
{
	(void)state;
	need_vectors();
	static const char *const enc[] = {"VADT", "VNT", "VPT", "VTT"};
	static const int sizes[] = {128, 192, 256};
	char rel[128];
	struct fam e = {"AES-CCM encrypt (CAVP)", 0, 0, 0};
	struct fam d = {"AES-CCM decrypt incl. Fail (CAVP)", 0, 0, 0};
	for (size_t s = 0; s < 3; s++) {
		for (size_t k = 0; k < 4; k++) {
			snprintf(rel, sizeof(rel), "ciphers/AES/CCM/%s%d.rsp", enc[k],
				 sizes[s]);
			ccm_file(&e, rel, 0);
		}
		snprintf(rel, sizeof(rel), "ciphers/AES/CCM/DVPT%d.rsp", sizes[s]);
		ccm_file(&d, rel, 1);
	}
	report(&e);
	report(&d);
}

/* ---- MAC ----------------------------------------------------------------- */

/* One MAC vector; 1 if it passed. */
static int mac_one(struct fam *f, const char *path, int line, uint32_t alg, uint32_t type,
		   const uint8_t *key, size_t kl, const uint8_t *msg, size_t ml,
		   const uint8_t *mac, size_t macl, int chunked, int accept_unsupported,
		   const char *what)
{
	struct pk in = {0};
	pk_add(&in, CT_ROLE_KEY, TEE_ATTR_SECRET_VALUE, key, kl);
	pk_add(&in, CT_ROLE_DATA, 0, msg, ml);
	pk_add(&in, CT_ROLE_TAG, 0, mac, macl);
	struct res x = call(CT_CMD_MAC, alg, type, kl * 8,
			    CT_AUX(0, 0, chunked ? CT_F_CHUNKED : 0), &in, 128);
	free(in.b);
	if (accept_unsupported && x.r == TEEC_ERROR_NOT_SUPPORTED)
		return -1;
	if (!same(&x, mac, macl)) {
		vfail(f, path, line, "%s: expected %s, got 0x%08x %s", what,
		      hexs(mac, macl), x.r, got(&x));
		return 0;
	}
	if (x.a != TEE_SUCCESS || x.b != TEE_ERROR_MAC_INVALID) {
		vfail(f, path, line,
		      "%s: TEE_MACCompareFinal gave 0x%08x for the right MAC, 0x%08x "
		      "for a corrupted one",
		      what, x.a, x.b);
		return 0;
	}
	return 1;
}

static void hmac_family(const char *name, const char *rel, uint32_t alg, uint32_t type,
			const char *mdname, size_t block, unsigned minbits,
			unsigned maxbits)
{
	struct fam f = {name, 0, 0, 0};
	struct vfile vf;
	load_kv(&vf, rel, "MD");
	for (size_t i = 0; i < vf.nrec; i++) {
		struct vrec *r = &vf.rec[i];
		uint8_t *key, *msg, *md;
		long kl = hexf(r, "Key", &key), ml = hexf(r, "Msg", &msg);
		long dl = hexf(r, "MD", &md);
		if (kl <= 0 || ml < 0 || dl <= 0) {
			f.skip++;
			goto next;
		}
		int in_range = kl * 8 >= (long)minbits && kl * 8 <= (long)maxbits;
		int ok = mac_one(&f, vf.path, r->line, alg, type, key, kl, msg, ml, md,
				 dl, i & 1, !in_range, "key as given");
		if (!in_range && ok != 0) {
			/* Same HMAC with a key inside GP's size range for this type:
			 * hash a long key (RFC 2104), zero-pad a short one. */
			uint8_t nk[256];
			size_t nl = kl;
			if ((size_t)kl > block)
				nl = digest(mdname, key, kl, nk);
			else
				memcpy(nk, key, kl);
			if (nl * 8 < minbits) {
				memset(nk + nl, 0, minbits / 8 - nl);
				nl = minbits / 8;
			}
			ok = mac_one(&f, vf.path, r->line, alg, type, nk, nl, msg, ml, md,
				     dl, 0, 0, "key brought into GP's size range");
		}
		f.pass += ok == 1;
	next:
		free(key);
		free(msg);
		free(md);
	}
	vf_free(&vf);
	report(&f);
}

static void test_hmac(void **state)
{
	(void)state;
	need_vectors();
	hmac_family("HMAC-MD5 (RFC 2202)", "HMAC/rfc-2202-md5.txt", TEE_ALG_HMAC_MD5,
		    TEE_TYPE_HMAC_MD5, "MD5", 64, 64, 512);
	hmac_family("HMAC-SHA1 (RFC 2202)", "HMAC/rfc-2202-sha1.txt", TEE_ALG_HMAC_SHA1,
		    TEE_TYPE_HMAC_SHA1, "SHA1", 64, 80, 512);
	hmac_family("HMAC-SHA224 (RFC 4231)", "HMAC/rfc-4231-sha224.txt",
		    TEE_ALG_HMAC_SHA224, TEE_TYPE_HMAC_SHA224, "SHA224", 64, 112, 512);
	hmac_family("HMAC-SHA256 (RFC 4231)", "HMAC/rfc-4231-sha256.txt",
		    TEE_ALG_HMAC_SHA256, TEE_TYPE_HMAC_SHA256, "SHA256", 64, 192, 1024);
	hmac_family("HMAC-SHA384 (RFC 4231)", "HMAC/rfc-4231-sha384.txt",
		    TEE_ALG_HMAC_SHA384, TEE_TYPE_HMAC_SHA384, "SHA384", 128, 256, 1024);
	hmac_family("HMAC-SHA512 (RFC 4231)", "HMAC/rfc-4231-sha512.txt",
		    TEE_ALG_HMAC_SHA512, TEE_TYPE_HMAC_SHA512, "SHA512", 128, 256, 1024);
}

static void test_cmac(void **state)
{
	(void)state;
	need_vectors();
	struct fam f = {"AES-CMAC (SP 800-38B)", 0, 0, 0};
	static const char *const files[] = {"CMAC/nist-800-38b-aes128.txt",
					    "CMAC/nist-800-38b-aes192.txt",
					    "CMAC/nist-800-38b-aes256.txt"};
	for (size_t fi = 0; fi < 3; fi++) {
		struct vfile vf;
		load_kv(&vf, files[fi], "COUNT");
		for (size_t i = 0; i < vf.nrec; i++) {
			struct vrec *r = &vf.rec[i];
			uint8_t *key, *msg, *mac;
			long kl = hexf(r, "KEY", &key), ml = hexf(r, "MESSAGE", &msg);
			long tl = hexf(r, "OUTPUT", &mac);
			int ok = kl > 0 && ml >= 0 && tl > 0;
			if (!ok)
				f.skip++;
			for (int ch = 0; ch < 2 && ok; ch++)
				ok = mac_one(&f, vf.path, r->line, TEE_ALG_AES_CMAC,
					     TEE_TYPE_AES, key, kl, msg, ml, mac, tl, ch,
					     0, ch ? "streamed" : "one-shot") == 1;
			f.pass += ok;
			free(key);
			free(msg);
			free(mac);
		}
		vf_free(&vf);
	}
	report(&f);
}

/* ---- RSA ----------------------------------------------------------------- */

struct bn {
	const uint8_t *p;
	size_t n;
};

struct rsakey {
	struct bn n, e, d, p, q, dp, dq, qi;
};

static struct bn bn_strip(const uint8_t *p, size_t n)
{
	while (n > 1 && !*p) {
		p++;
		n--;
	}
	return (struct bn){p, n};
}

static uint32_t bn_bits(struct bn b)
{
	if (!b.n)
		return 0;
	uint32_t bits = (uint32_t)(b.n - 1) * 8;
	for (uint8_t t = b.p[0]; t; t >>= 1)
		bits++;
	return bits;
}

static void pk_rsa(struct pk *in, const struct rsakey *k, int priv)
{
	pk_add(in, CT_ROLE_KEY, TEE_ATTR_RSA_MODULUS, k->n.p, k->n.n);
	pk_add(in, CT_ROLE_KEY, TEE_ATTR_RSA_PUBLIC_EXPONENT, k->e.p, k->e.n);
	if (!priv)
		return;
	pk_add(in, CT_ROLE_KEY, TEE_ATTR_RSA_PRIVATE_EXPONENT, k->d.p, k->d.n);
	if (k->p.n && k->q.n && k->dp.n && k->dq.n && k->qi.n) {
		pk_add(in, CT_ROLE_KEY, TEE_ATTR_RSA_PRIME1, k->p.p, k->p.n);
		pk_add(in, CT_ROLE_KEY, TEE_ATTR_RSA_PRIME2, k->q.p, k->q.n);
		pk_add(in, CT_ROLE_KEY, TEE_ATTR_RSA_EXPONENT1, k->dp.p, k->dp.n);
		pk_add(in, CT_ROLE_KEY, TEE_ATTR_RSA_EXPONENT2, k->dq.p, k->dq.n);
		pk_add(in, CT_ROLE_KEY, TEE_ATTR_RSA_COEFFICIENT, k->qi.p, k->qi.n);
	}
}

static struct res rsa_call(const struct rsakey *k, uint32_t alg, uint32_t mode,
			   const uint8_t *data, size_t dl, const uint8_t *sig, size_t sl,
			   long salt)
{
	struct pk in = {0};
	int priv = mode == TEE_MODE_SIGN || mode == TEE_MODE_DECRYPT;
	pk_rsa(&in, k, priv);
	if (salt >= 0)
		pk_val(&in, CT_ROLE_PARAM, TEE_ATTR_RSA_PSS_SALT_LENGTH, (uint32_t)salt,
		       0);
	pk_add(&in, CT_ROLE_DATA, 0, data, dl);
	if (sig)
		pk_add(&in, CT_ROLE_TAG, 0, sig, sl);
	struct res x =
	    call(CT_CMD_ASYM, alg, priv ? TEE_TYPE_RSA_KEYPAIR : TEE_TYPE_RSA_PUBLIC_KEY,
		 bn_bits(k->n), CT_AUX(0, mode, 0), &in, k->n.n + 64);
	free(in.b);
	return x;
}

/* A vector of a PKCS #1 style file: the key in force and message/output. */
struct rsavec {
	int line;
	struct rsakey k;
	struct bn msg, out;
};

static size_t rsa_walk(const struct vlabels *vl, struct rsavec *v, size_t max)
{
	struct rsakey k;
	struct bn msg = {0};
	int priv = 0;
	size_t n = 0;
	memset(&k, 0, sizeof(k));
	for (size_t i = 0; i < vl->n && n < max; i++) {
		const struct ventry *e = &vl->e[i];
		struct bn b = {e->data, e->len};
		const char *l = e->label;
		if (!strcasecmp(l, "Modulus")) {
			k.n = bn_strip(e->data, e->len);
			priv = 0;
		} else if (!strcasecmp(l, "Exponent")) {
			if (priv)
				k.d = bn_strip(e->data, e->len);
			else
				k.e = bn_strip(e->data, e->len);
		} else if (!strcasecmp(l, "Public exponent")) {
			k.e = bn_strip(e->data, e->len);
			priv = 1;
		} else if (!strcasecmp(l, "Prime 1")) {
			k.p = b;
		} else if (!strcasecmp(l, "Prime 2")) {
			k.q = b;
		} else if (!strcasecmp(l, "Prime exponent 1")) {
			k.dp = b;
		} else if (!strcasecmp(l, "Prime exponent 2")) {
			k.dq = b;
		} else if (!strcasecmp(l, "Coefficient")) {
			k.qi = b;
		} else if (!strcasecmp(l, "Message to be signed") ||
			   !strcasecmp(l, "Message")) {
			msg = b;
		} else if (!strcasecmp(l, "Signature") || !strcasecmp(l, "Encryption")) {
			v[n].line = e->line;
			v[n].k = k;
			v[n].msg = msg;
			v[n].out = b;
			n++;
		}
	}
	return n;
}

#define MAX_RSAVEC 1024

static int rsa_size_ok(struct fam *f, const struct rsakey *k, TEEC_Result r)
{
	/* Key sizes other than multiples of 64 bits are optional in GP. */
	if (r == TEEC_ERROR_NOT_SUPPORTED && bn_bits(k->n) % 64) {
		f->skip++;
		return 0;
	}
	return 1;
}

static void test_rsa_pkcs1v15(void **state)
{
	(void)state;
	need_vectors();
	struct vlabels vl;
	struct rsavec *v = calloc(MAX_RSAVEC, sizeof(*v));
	struct fam s = {"RSA PKCS#1 v1.5 sign+verify (SHA-1)", 0, 0, 0};
	const char *path = vp("asymmetric/RSA/pkcs1v15sign-vectors.txt");
	if (vf_load_labels(&vl, path))
		fail_msg("cannot read %s", path);
	size_t n = rsa_walk(&vl, v, MAX_RSAVEC);
	for (size_t i = 0; i < n; i++) {
		uint8_t dig[64];
		size_t dl = digest("SHA1", v[i].msg.p, v[i].msg.n, dig);
		struct res x = rsa_call(&v[i].k, TEE_ALG_RSASSA_PKCS1_V1_5_SHA1,
					TEE_MODE_SIGN, dig, dl, NULL, 0, -1);
		if (!rsa_size_ok(&s, &v[i].k, x.r))
			continue;
		if (!same(&x, v[i].out.p, v[i].out.n)) {
			vfail(&s, path, v[i].line,
			      "sign (%u-bit): expected %s, got 0x%08x %s",
			      bn_bits(v[i].k.n), hexs(v[i].out.p, v[i].out.n), x.r,
			      got(&x));
			continue;
		}
		x = rsa_call(&v[i].k, TEE_ALG_RSASSA_PKCS1_V1_5_SHA1, TEE_MODE_VERIFY,
			     dig, dl, v[i].out.p, v[i].out.n, -1);
		dig[0] ^= 1;
		struct res y =
		    rsa_call(&v[i].k, TEE_ALG_RSASSA_PKCS1_V1_5_SHA1, TEE_MODE_VERIFY,
			     dig, dl, v[i].out.p, v[i].out.n, -1);
		if (x.r != TEEC_SUCCESS || y.r != TEE_ERROR_SIGNATURE_INVALID)
			vfail(
			    &s, path, v[i].line,
			    "verify: 0x%08x (expected 0), other digest: 0x%08x (expected "
			    "SIGNATURE_INVALID)",
			    x.r, y.r);
		else
			s.pass++;
	}
	vl_free(&vl);

	struct fam d = {"RSA PKCS#1 v1.5 decrypt", 0, 0, 0};
	path = vp("asymmetric/RSA/pkcs1v15crypt-vectors.txt");
	if (vf_load_labels(&vl, path))
		fail_msg("cannot read %s", path);
	n = rsa_walk(&vl, v, MAX_RSAVEC);
	for (size_t i = 0; i < n; i++) {
		struct res x =
		    rsa_call(&v[i].k, TEE_ALG_RSAES_PKCS1_V1_5, TEE_MODE_DECRYPT,
			     v[i].out.p, v[i].out.n, NULL, 0, -1);
		if (!rsa_size_ok(&d, &v[i].k, x.r))
			continue;
		if (same(&x, v[i].msg.p, v[i].msg.n))
			d.pass++;
		else
			vfail(&d, path, v[i].line,
			      "decrypt (%u-bit): expected %s, got 0x%08x %s",
			      bn_bits(v[i].k.n), hexs(v[i].msg.p, v[i].msg.n), x.r,
			      got(&x));
	}
	vl_free(&vl);
	free(v);
	report(&s);
	report(&d);
}

static void oaep_file(struct fam *f, const char *rel, uint32_t alg, int roundtrip)
{
	struct vlabels vl;
	struct rsavec *v = calloc(MAX_RSAVEC, sizeof(*v));
	const char *path = vp(rel);
	if (vf_load_labels(&vl, path))
		fail_msg("cannot read %s", path);
	size_t n = rsa_walk(&vl, v, MAX_RSAVEC);
	for (size_t i = 0; i < n; i++) {
		struct res x = rsa_call(&v[i].k, alg, TEE_MODE_DECRYPT, v[i].out.p,
					v[i].out.n, NULL, 0, -1);
		if (!rsa_size_ok(f, &v[i].k, x.r))
			continue;
		if (!same(&x, v[i].msg.p, v[i].msg.n)) {
			vfail(f, path, v[i].line,
			      "decrypt (%u-bit): expected %s, got 0x%08x %s",
			      bn_bits(v[i].k.n), hexs(v[i].msg.p, v[i].msg.n), x.r,
			      got(&x));
			continue;
		}
		if (roundtrip && !(i % 4)) {
			/* OAEP is randomised: encrypt in the TA, decrypt again. */
			x = rsa_call(&v[i].k, alg, TEE_MODE_ENCRYPT, v[i].msg.p,
				     v[i].msg.n, NULL, 0, -1);
			uint8_t *c = malloc(x.len + 1);
			memcpy(c, outbuf, x.len);
			struct res y = rsa_call(&v[i].k, alg, TEE_MODE_DECRYPT, c, x.len,
						NULL, 0, -1);
			if (x.r != TEEC_SUCCESS || x.len != v[i].k.n.n ||
			    !same(&y, v[i].msg.p, v[i].msg.n)) {
				vfail(f, path, v[i].line,
				      "encrypt -> decrypt round trip: 0x%08x (%zu "
				      "bytes), then "
				      "0x%08x %s",
				      x.r, x.len, y.r, got(&y));
				free(c);
				continue;
			}
			free(c);
		}
		f->pass++;
	}
	vl_free(&vl);
	free(v);
}

static void test_rsa_oaep(void **state)
{
	(void)state;
	need_vectors();
	struct fam a = {"RSA OAEP decrypt (SHA-1, PKCS#1 v2.1)", 0, 0, 0};
	oaep_file(&a, "asymmetric/RSA/pkcs-1v2-1d2-vec/oaep-vect.txt",
		  TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA1, 1);
	struct fam b = {"RSA OAEP SHA-2 decrypt + round trip", 0, 0, 0};
	oaep_file(&b, "asymmetric/RSA/oaep-custom/oaep-sha224-sha224.txt",
		  TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA224, 1);
	oaep_file(&b, "asymmetric/RSA/oaep-custom/oaep-sha256-sha256.txt",
		  TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA256, 1);
	oaep_file(&b, "asymmetric/RSA/oaep-custom/oaep-sha384-sha384.txt",
		  TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA384, 1);
	oaep_file(&b, "asymmetric/RSA/oaep-custom/oaep-sha512-sha512.txt",
		  TEE_ALG_RSAES_PKCS1_OAEP_MGF1_SHA512, 1);
	report(&a);
	report(&b);
}

static void test_rsa_pss(void **state)
{
	(void)state;
	need_vectors();
	struct vlabels vl;
	struct rsavec *v = calloc(MAX_RSAVEC, sizeof(*v));
	struct fam f = {"RSA PSS verify + sign/verify (SHA-1)", 0, 0, 0};
	const char *path = vp("asymmetric/RSA/pkcs-1v2-1d2-vec/pss-vect.txt");
	if (vf_load_labels(&vl, path))
		fail_msg("cannot read %s", path);
	size_t n = rsa_walk(&vl, v, MAX_RSAVEC);
	for (size_t i = 0; i < n; i++) {
		uint8_t dig[64];
		size_t dl = digest("SHA1", v[i].msg.p, v[i].msg.n, dig);
		uint32_t alg = TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA1;
		struct res x = rsa_call(&v[i].k, alg, TEE_MODE_VERIFY, dig, dl,
					v[i].out.p, v[i].out.n, 20);
		if (!rsa_size_ok(&f, &v[i].k, x.r))
			continue;
		uint8_t *bad = malloc(v[i].out.n);
		memcpy(bad, v[i].out.p, v[i].out.n);
		bad[v[i].out.n / 2] ^= 0x40;
		struct res y =
		    rsa_call(&v[i].k, alg, TEE_MODE_VERIFY, dig, dl, bad, v[i].out.n, 20);
		free(bad);
		if (x.r != TEEC_SUCCESS || y.r != TEE_ERROR_SIGNATURE_INVALID) {
			vfail(&f, path, v[i].line,
			      "verify: 0x%08x (expected 0); corrupted signature: 0x%08x "
			      "(expected SIGNATURE_INVALID)",
			      x.r, y.r);
			continue;
		}
		x = rsa_call(&v[i].k, alg, TEE_MODE_SIGN, dig, dl, NULL, 0, 20);
		uint8_t *sig = malloc(x.len + 1);
		memcpy(sig, outbuf, x.len);
		y = rsa_call(&v[i].k, alg, TEE_MODE_VERIFY, dig, dl, sig, x.len, 20);
		if (x.r != TEEC_SUCCESS || x.len != v[i].k.n.n || y.r != TEEC_SUCCESS)
			vfail(&f, path, v[i].line,
			      "sign: 0x%08x (%zu bytes), verify of it: 0x%08x", x.r,
			      x.len, y.r);
		else
			f.pass++;
		free(sig);
	}
	vl_free(&vl);
	free(v);
	report(&f);
}

static uint32_t rsa_alg(const char *sha, int pss)
{
	static const struct {
		const char *n;
		uint32_t v15, pss;
	} map[] = {
	    {"SHA1", TEE_ALG_RSASSA_PKCS1_V1_5_SHA1, TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA1},
	    {"SHA224", TEE_ALG_RSASSA_PKCS1_V1_5_SHA224,
	     TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA224},
	    {"SHA256", TEE_ALG_RSASSA_PKCS1_V1_5_SHA256,
	     TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA256},
	    {"SHA384", TEE_ALG_RSASSA_PKCS1_V1_5_SHA384,
	     TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA384},
	    {"SHA512", TEE_ALG_RSASSA_PKCS1_V1_5_SHA512,
	     TEE_ALG_RSASSA_PKCS1_PSS_MGF1_SHA512},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcasecmp(map[i].n, sha))
			return pss ? map[i].pss : map[i].v15;
	return 0;
}

static void rsa_cavp_file(struct fam *f, const char *rel, int pss, int has_result)
{
	struct vfile vf;
	load_kv(&vf, rel, "Msg");
	for (size_t i = 0; i < vf.nrec; i++) {
		struct vrec *r = &vf.rec[i];
		uint8_t *n, *e, *msg, *s, *salt;
		long nl = hexf(r, "n", &n), el = hexf(r, "e", &e);
		long ml = hexf(r, "Msg", &msg), sl = hexf(r, "S", &s);
		long saltl = hexf(r, "SaltVal", &salt);
		const char *sha = vrec_get(r, "SHAAlg");
		const char *result = vrec_get(r, "Result");
		uint32_t alg = sha ? rsa_alg(sha, pss) : 0;
		if (nl <= 0 || el <= 0 || ml < 0 || sl <= 0 || !alg ||
		    (has_result && !result)) {
			f->skip++;
			goto next;
		}
		if (saltl == 1 && salt[0] == 0)
			saltl = 0;
		struct rsakey k;
		memset(&k, 0, sizeof(k));
		k.n = bn_strip(n, nl);
		k.e = bn_strip(e, el);
		uint8_t dig[64];
		size_t dl = digest(sha, msg, ml, dig);
		struct res x = rsa_call(&k, alg, TEE_MODE_VERIFY, dig, dl, s, sl,
					pss ? (saltl < 0 ? 0 : saltl) : -1);
		int want_ok = !has_result || result[0] == 'P';
		int ok =
		    want_ok
			? x.r == TEEC_SUCCESS
			: (x.r == TEE_ERROR_SIGNATURE_INVALID ||
			   (x.r == TEEC_ERROR_BAD_PARAMETERS && strstr(result, "e ")));
		if (ok)
			f->pass++;
		else
			vfail(
			    f, vf.path, r->line,
			    "[mod = %ld] %s verify, Result = %s: expected %s, got 0x%08x",
			    numf(r, "mod"), sha, result ? result : "(valid)",
			    want_ok ? "TEE_SUCCESS" : "TEE_ERROR_SIGNATURE_INVALID", x.r);
	next:
		free(n);
		free(e);
		free(msg);
		free(s);
		free(salt);
	}
	vf_free(&vf);
}

static void test_rsa_cavp(void **state)
{
	(void)state;
	need_vectors();
	struct fam a = {"RSA SigVer PKCS#1 v1.5 (CAVP, P and F)", 0, 0, 0};
	rsa_cavp_file(&a, "asymmetric/RSA/FIPS_186-2/SigVer15_186-3.rsp", 0, 1);
	struct fam b = {"RSA SigVer PSS (CAVP, P and F)", 0, 0, 0};
	rsa_cavp_file(&b, "asymmetric/RSA/FIPS_186-2/SigVerPSS_186-3.rsp", 1, 1);
	struct fam c = {"RSA SigGen PKCS#1 v1.5 verify (CAVP)", 0, 0, 0};
	rsa_cavp_file(&c, "asymmetric/RSA/FIPS_186-2/SigGen15_186-3.rsp", 0, 0);
	report(&a);
	report(&b);
	report(&c);
}

/* ---- ECDSA ---------------------------------------------------------------- */

struct curve {
	const char *name, *sha, *ossl;
	uint32_t id, bits, alg;
};

static const struct curve curves[] = {
    {"P-192", "SHA-1", "P-192", TEE_ECC_CURVE_NIST_P192, 192, TEE_ALG_ECDSA_SHA1},
    {"P-224", "SHA-224", "P-224", TEE_ECC_CURVE_NIST_P224, 224, TEE_ALG_ECDSA_SHA224},
    {"P-256", "SHA-256", "P-256", TEE_ECC_CURVE_NIST_P256, 256, TEE_ALG_ECDSA_SHA256},
    {"P-384", "SHA-384", "P-384", TEE_ECC_CURVE_NIST_P384, 384, TEE_ALG_ECDSA_SHA384},
    {"P-521", "SHA-512", "P-521", TEE_ECC_CURVE_NIST_P521, 521, TEE_ALG_ECDSA_SHA512},
};

static void pad_into(uint8_t *dst, size_t n, const uint8_t *src, size_t sl)
{
	struct bn b = bn_strip(src, sl);
	memset(dst, 0, n);
	if (b.n <= n)
		memcpy(dst + n - b.n, b.p, b.n);
}

static void test_ecdsa_sigver(void **state)
{
	(void)state;
	need_vectors();
	struct vfile vf;
	char name[64];
	load_kv(&vf, "asymmetric/ECDSA/FIPS_186-3/SigVer.rsp", "Msg");
	for (size_t c = 0; c < sizeof(curves) / sizeof(curves[0]); c++) {
		const struct curve *cv = &curves[c];
		char sect[32];
		snprintf(name, sizeof(name), "ECDSA %s/%s SigVer (CAVP, P and F)",
			 cv->name, cv->sha);
		snprintf(sect, sizeof(sect), "%s,%s", cv->name, cv->sha);
		struct fam f = {name, 0, 0, 0};
		size_t cl = (cv->bits + 7) / 8;
		for (size_t i = 0; i < vf.nrec; i++) {
			struct vrec *r = &vf.rec[i];
			if (strcmp(r->section, sect))
				continue;
			uint8_t *msg, *qx, *qy, *rr, *ss;
			long ml = hexf(r, "Msg", &msg), xl = hexf(r, "Qx", &qx);
			long yl = hexf(r, "Qy", &qy), rl = hexf(r, "R", &rr);
			long sl = hexf(r, "S", &ss);
			const char *result = vrec_get(r, "Result");
			if (ml < 0 || xl <= 0 || yl <= 0 || rl <= 0 || sl <= 0 ||
			    !result) {
				f.skip++;
			} else {
				uint8_t x[66], y[66], sig[132], dig[64];
				pad_into(x, cl, qx, xl);
				pad_into(y, cl, qy, yl);
				pad_into(sig, cl, rr, rl);
				pad_into(sig + cl, cl, ss, sl);
				size_t dl = digest(cv->sha, msg, ml, dig);
				struct pk in = {0};
				pk_add(&in, CT_ROLE_KEY, TEE_ATTR_ECC_PUBLIC_VALUE_X, x,
				       cl);
				pk_add(&in, CT_ROLE_KEY, TEE_ATTR_ECC_PUBLIC_VALUE_Y, y,
				       cl);
				pk_val(&in, CT_ROLE_KEY, TEE_ATTR_ECC_CURVE, cv->id, 0);
				pk_add(&in, CT_ROLE_DATA, 0, dig, dl);
				pk_add(&in, CT_ROLE_TAG, 0, sig, 2 * cl);
				struct res z = call(
				    CT_CMD_ASYM, cv->alg, TEE_TYPE_ECDSA_PUBLIC_KEY,
				    cv->bits, CT_AUX(0, TEE_MODE_VERIFY, 0), &in, 64);
				free(in.b);
				int want_ok = result[0] == 'P';
				int ok = want_ok ? z.r == TEEC_SUCCESS
						 : (z.r == TEE_ERROR_SIGNATURE_INVALID ||
						    (z.r == TEEC_ERROR_BAD_PARAMETERS &&
						     strstr(result, "Q changed")));
				if (ok)
					f.pass++;
				else
					vfail(&f, vf.path, r->line,
					      "Result = %s: expected %s, got 0x%08x",
					      result,
					      want_ok ? "TEE_SUCCESS"
						      : "TEE_ERROR_SIGNATURE_INVALID",
					      z.r);
			}
			free(msg);
			free(qx);
			free(qy);
			free(rr);
			free(ss);
		}
		report(&f);
	}
	vf_free(&vf);
}

/* Verify an ECDSA signature (r || s) with OpenSSL. */
static int ossl_ecdsa_verify(const char *group, const uint8_t *x, const uint8_t *y,
			     size_t cl, const uint8_t *dig, size_t dl, const uint8_t *sig,
			     size_t sl)
{
	uint8_t pub[1 + 2 * 66];
	int ok = 0;
	if (sl != 2 * cl)
		return 0;
	pub[0] = 4;
	memcpy(pub + 1, x, cl);
	memcpy(pub + 1 + cl, y, cl);
	OSSL_PARAM params[] = {
	    OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)group, 0),
	    OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pub, 1 + 2 * cl),
	    OSSL_PARAM_END};
	EVP_PKEY *pk = NULL;
	EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (pc && EVP_PKEY_fromdata_init(pc) == 1 &&
	    EVP_PKEY_fromdata(pc, &pk, EVP_PKEY_PUBLIC_KEY, params) == 1) {
		ECDSA_SIG *s = ECDSA_SIG_new();
		ECDSA_SIG_set0(s, BN_bin2bn(sig, (int)cl, NULL),
			       BN_bin2bn(sig + cl, (int)cl, NULL));
		unsigned char *der = NULL;
		int derl = i2d_ECDSA_SIG(s, &der);
		EVP_PKEY_CTX *vc = EVP_PKEY_CTX_new(pk, NULL);
		ok = derl > 0 && vc && EVP_PKEY_verify_init(vc) == 1 &&
		     EVP_PKEY_verify(vc, der, derl, dig, dl) == 1;
		EVP_PKEY_CTX_free(vc);
		OPENSSL_free(der);
		ECDSA_SIG_free(s);
	}
	EVP_PKEY_free(pk);
	EVP_PKEY_CTX_free(pc);
	return ok;
}

/* Find a packed output item. */
static const uint8_t *item_of(const uint8_t *b, size_t n, uint32_t role, uint32_t attr,
			      size_t *len)
{
	size_t off = 0;
	while (off + 12 <= n) {
		uint32_t h[3];
		memcpy(h, b + off, 12);
		if (off + 12 + h[2] > n)
			break;
		if (h[0] == role && (role == CT_ROLE_TAG || h[1] == attr)) {
			*len = h[2];
			return b + off + 12;
		}
		off += 12 + h[2];
	}
	return NULL;
}

static void test_ecdsa_roundtrip(void **state)
{
	(void)state;
	need_vectors();
	char name[64];
	for (size_t c = 0; c < sizeof(curves) / sizeof(curves[0]); c++) {
		const struct curve *cv = &curves[c];
		snprintf(name, sizeof(name), "ECDSA %s generated key sign->verify",
			 cv->name);
		struct fam f = {name, 0, 0, 0};
		for (int it = 0; it < 8; it++) {
			uint8_t dig[64];
			size_t dl = cv->bits == 192   ? 20
				    : cv->bits == 521 ? 64
						      : cv->bits / 8;
			RAND_bytes(dig, (int)dl);
			struct pk in = {0};
			pk_val(&in, CT_ROLE_PARAM, TEE_ATTR_ECC_CURVE, cv->id, 0);
			pk_add(&in, CT_ROLE_DATA, 0, dig, dl);
			struct res x =
			    call(CT_CMD_GENKEY_SIGN, cv->alg, TEE_TYPE_ECDSA_KEYPAIR,
				 cv->bits, 0, &in, 1024);
			free(in.b);
			size_t sl = 0, xl = 0, yl = 0;
			const uint8_t *sig = item_of(outbuf, x.len, CT_ROLE_TAG, 0, &sl);
			const uint8_t *px = item_of(outbuf, x.len, CT_ROLE_KEY,
						    TEE_ATTR_ECC_PUBLIC_VALUE_X, &xl);
			const uint8_t *py = item_of(outbuf, x.len, CT_ROLE_KEY,
						    TEE_ATTR_ECC_PUBLIC_VALUE_Y, &yl);
			size_t cl = (cv->bits + 7) / 8;
			uint8_t xx[66], yy[66];
			if (x.r != TEEC_SUCCESS || !sig || !px || !py || xl > cl ||
			    yl > cl) {
				vfail(&f, "(generated)", it,
				      "generate+sign: 0x%08x, output %zu bytes", x.r,
				      x.len);
				continue;
			}
			pad_into(xx, cl, px, xl);
			pad_into(yy, cl, py, yl);
			if (x.a != TEEC_SUCCESS || x.b != TEE_ERROR_SIGNATURE_INVALID)
				vfail(&f, "(generated)", it,
				      "TA verify: 0x%08x, of another digest: 0x%08x", x.a,
				      x.b);
			else if (!ossl_ecdsa_verify(cv->ossl, xx, yy, cl, dig, dl, sig,
						    sl))
				vfail(&f, "(generated)", it,
				      "OpenSSL rejects the TA's signature %s",
				      hexs(sig, sl));
			else
				f.pass++;
		}
		report(&f);
	}
}

/* ---- Ed25519, X25519, HKDF ---------------------------------------------- */

static void test_ed25519(void **state)
{
	(void)state;
	need_vectors();
	struct fam f = {"Ed25519 (RFC 8032, sign.input)", 0, 0, 0};
	const char *path = vp("asymmetric/Ed25519/sign.input");
	FILE *fp = fopen(path, "r");
	if (!fp)
		fail_msg("cannot read %s", path);
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0;
	while (getline(&line, &cap, fp) > 0) {
		lineno++;
		char *fld[5] = {0};
		char *p = line;
		int nf = 0;
		for (; nf < 5; nf++) {
			fld[nf] = strsep(&p, ":");
			if (!fld[nf])
				break;
		}
		if (nf < 4) {
			f.skip++;
			continue;
		}
		uint8_t *sk, *pub, *msg, *sm;
		long skl = hex_decode(fld[0], &sk), pl = hex_decode(fld[1], &pub);
		long ml = hex_decode(fld[2], &msg), sml = hex_decode(fld[3], &sm);
		if (skl != 64 || pl != 32 || ml < 0 || sml != ml + 64) {
			f.skip++;
			goto next;
		}
		struct pk in = {0};
		pk_add(&in, CT_ROLE_KEY, TEE_ATTR_ED25519_PRIVATE_VALUE, sk, 32);
		pk_add(&in, CT_ROLE_KEY, TEE_ATTR_ED25519_PUBLIC_VALUE, pub, 32);
		pk_add(&in, CT_ROLE_DATA, 0, msg, ml);
		struct res x =
		    call(CT_CMD_ASYM, TEE_ALG_ED25519, TEE_TYPE_ED25519_KEYPAIR, 256,
			 CT_AUX(0, TEE_MODE_SIGN, 0), &in, 128);
		free(in.b);
		if (!same(&x, sm, 64)) {
			vfail(&f, path, lineno, "sign: expected %s, got 0x%08x %s",
			      hexs(sm, 64), x.r, got(&x));
			goto next;
		}
		struct res y[2];
		for (int bad = 0; bad < 2; bad++) {
			memset(&in, 0, sizeof(in));
			pk_add(&in, CT_ROLE_KEY, TEE_ATTR_ED25519_PUBLIC_VALUE, pub, 32);
			pk_add(&in, CT_ROLE_DATA, 0, msg, ml);
			sm[10] ^= bad;
			pk_add(&in, CT_ROLE_TAG, 0, sm, 64);
			sm[10] ^= bad;
			y[bad] = call(CT_CMD_ASYM, TEE_ALG_ED25519,
				      TEE_TYPE_ED25519_PUBLIC_KEY, 256,
				      CT_AUX(0, TEE_MODE_VERIFY, 0), &in, 64);
			free(in.b);
		}
		if (y[0].r != TEEC_SUCCESS || y[1].r != TEE_ERROR_SIGNATURE_INVALID)
			vfail(&f, path, lineno,
			      "verify: 0x%08x (expected 0), corrupted: 0x%08x (expected "
			      "SIGNATURE_INVALID)",
			      y[0].r, y[1].r);
		else
			f.pass++;
	next:
		free(sk);
		free(pub);
		free(msg);
		free(sm);
	}
	free(line);
	fclose(fp);
	report(&f);
}

static int x25519_pub(const uint8_t *priv, uint8_t *pub)
{
	size_t l = 32;
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, 32);
	int ok = k && EVP_PKEY_get_raw_public_key(k, pub, &l) == 1 && l == 32;
	EVP_PKEY_free(k);
	return ok;
}

static void test_x25519(void **state)
{
	(void)state;
	need_vectors();
	struct fam f = {"X25519 (RFC 7748)", 0, 0, 0};
	struct vfile vf;
	load_kv(&vf, "asymmetric/X25519/rfc7748.txt", "COUNT");
	for (size_t i = 0; i < vf.nrec; i++) {
		struct vrec *r = &vf.rec[i];
		uint8_t *k, *u, *o, pub[32];
		long kl = hexf(r, "INPUT_SCALAR", &k), ul = hexf(r, "INPUT_U", &u);
		long ol = hexf(r, "OUTPUT_U", &o);
		if (kl != 32 || ul != 32 || ol != 32 || !x25519_pub(k, pub)) {
			f.skip++;
		} else {
			struct pk in = {0};
			pk_add(&in, CT_ROLE_KEY, TEE_ATTR_X25519_PRIVATE_VALUE, k, 32);
			pk_add(&in, CT_ROLE_KEY, TEE_ATTR_X25519_PUBLIC_VALUE, pub, 32);
			pk_add(&in, CT_ROLE_PARAM, TEE_ATTR_X25519_PUBLIC_VALUE, u, 32);
			struct res x = call(CT_CMD_DERIVE, TEE_ALG_X25519,
					    TEE_TYPE_X25519_KEYPAIR, 256, 256, &in, 64);
			free(in.b);
			if (same(&x, o, 32))
				f.pass++;
			else
				vfail(&f, vf.path, r->line, "expected %s, got 0x%08x %s",
				      hexs(o, 32), x.r, got(&x));
		}
		free(k);
		free(u);
		free(o);
	}
	vf_free(&vf);
	report(&f);
}

static void test_hkdf(void **state)
{
	(void)state;
	need_vectors();
	struct fam f = {"HKDF (RFC 5869)", 0, 0, 0};
	static const char *const files[] = {"KDF/rfc-5869-HKDF-SHA256.txt",
					    "KDF/rfc-5869-HKDF-SHA1.txt"};
	for (size_t fi = 0; fi < 2; fi++) {
		struct vfile vf;
		/* "COUNT = n" and the output are blocks of their own here */
		load_kv(&vf, files[fi], "OKM");
		for (size_t i = 0; i < vf.nrec; i++) {
			struct vrec *r = &vf.rec[i];
			uint8_t *ikm, *salt, *info, *okm;
			long il = hexf(r, "IKM", &ikm), sl = hexf(r, "salt", &salt);
			long nl = hexf(r, "info", &info), ol = hexf(r, "OKM", &okm);
			long l = numf(r, "L");
			const char *h = vrec_get(r, "Hash");
			uint32_t hash = h && !strcasecmp(h, "SHA-1")	 ? TEE_ALG_SHA1
					: h && !strcasecmp(h, "SHA-256") ? TEE_ALG_SHA256
									 : 0;
			if (il <= 0 || sl < 0 || nl < 0 || ol != l || !hash) {
				f.skip++;
			} else {
				struct pk in = {0};
				pk_add(&in, CT_ROLE_KEY, TEE_ATTR_SECRET_VALUE, ikm, il);
				if (sl)
					pk_add(&in, CT_ROLE_PARAM, TEE_ATTR_HKDF_SALT,
					       salt, sl);
				if (nl)
					pk_add(&in, CT_ROLE_PARAM, TEE_ATTR_HKDF_INFO,
					       info, nl);
				pk_val(&in, CT_ROLE_PARAM, TEE_ATTR_HKDF_HASH_ALGORITHM,
				       hash, 0);
				pk_val(&in, CT_ROLE_PARAM, TEE_ATTR_KDF_KEY_SIZE,
				       (uint32_t)l, 0);
				struct res x =
				    call(CT_CMD_DERIVE, TEE_ALG_HKDF, TEE_TYPE_HKDF,
					 il * 8, l * 8, &in, l + 64);
				free(in.b);
				if (same(&x, okm, ol))
					f.pass++;
				else
					vfail(&f, vf.path, r->line,
					      "%s L=%ld: expected %s, got 0x%08x %s", h,
					      l, hexs(okm, ol), x.r, got(&x));
			}
			free(ikm);
			free(salt);
			free(info);
			free(okm);
		}
		vf_free(&vf);
	}
	report(&f);
}

/* ---- setup ----------------------------------------------------------------- */

static int group_up(void **state)
{
	(void)state;
	const char *env = getenv("ET_CRYPTO_VECTORS");
	struct stat st;
	snprintf(vroot, sizeof(vroot), "%s", env && *env ? env : ET_CRYPTO_VECTORS_DIR);
	have_vectors = !stat(vroot, &st) && S_ISDIR(st.st_mode);
	const char *full = getenv("ET_CRYPTO_FULL");
	if (full && *full == '1')
		long_stride = 1;
	outbuf = malloc(OUT_CAP);
	if (!have_vectors)
		return 0;
	if (et_test_up(&inst))
		return -1;
	inst_up = 1;
	if (TEEC_InitializeContext(NULL, &ctx) != TEEC_SUCCESS)
		return -1;
	TEEC_UUID u;
	uint32_t o;
	et_test_uuid(CRYPTO_TA_UUID_STR, &u);
	if (TEEC_OpenSession(&ctx, &sess, &u, TEEC_LOGIN_PUBLIC, NULL, NULL, &o) !=
	    TEEC_SUCCESS) {
		fprintf(stderr, "cannot open a session to crypto_ta\n");
		return -1;
	}
	return 0;
}

static int group_down(void **state)
{
	(void)state;
	if (inst_up) {
		TEEC_CloseSession(&sess);
		TEEC_FinalizeContext(&ctx);
		et_test_down(&inst);
	}
	free(outbuf);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sha1_md5),	 cmocka_unit_test(test_sha2),
	    cmocka_unit_test(test_sha3),	 cmocka_unit_test(test_aes_ecb_cbc),
	    cmocka_unit_test(test_aes_ctr),	 cmocka_unit_test(test_aes_xts),
	    cmocka_unit_test(test_aes_gcm),	 cmocka_unit_test(test_aes_ccm),
	    cmocka_unit_test(test_hmac),	 cmocka_unit_test(test_cmac),
	    cmocka_unit_test(test_rsa_pkcs1v15), cmocka_unit_test(test_rsa_oaep),
	    cmocka_unit_test(test_rsa_pss),	 cmocka_unit_test(test_rsa_cavp),
	    cmocka_unit_test(test_ecdsa_sigver), cmocka_unit_test(test_ecdsa_roundtrip),
	    cmocka_unit_test(test_ed25519),	 cmocka_unit_test(test_x25519),
	    cmocka_unit_test(test_hkdf),
	};
	return cmocka_run_group_tests(tests, group_up, group_down);
}
