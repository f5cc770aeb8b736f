/*
 * GP Internal Core API 1.3 chapter 8, TEE Arithmetical API (TEE_BigInt*), on
 * OpenSSL 3 BIGNUM. No multiprecision arithmetic is done here: every
 * operation loads its operands into BIGNUMs, lets BN_* compute, and stores
 * the result back into the caller's array.
 *
 * Layout of a TEE_BigInt (an array of uint32_t owned by the TA, of
 * TEE_BigIntSizeInU32(bits) words), as OP-TEE's: two header words
 *   int32_t  sign      1 or -1
 *   uint16_t alloc     capacity of the magnitude, in 32-bit words
 *   uint16_t nwords    words of the magnitude in use
 * then the magnitude, least significant word first, each word in host
 * order. On a little-endian host that is exactly a little-endian octet
 * string, which BN_lebin2bn / BN_bn2lebinpad read and write in place.
 *
 * A TEE_BigIntFMM has the same layout and simply holds the residue modulo
 * n (OP-TEE does the same): OpenSSL's Montgomery code cannot live in TA
 * owned memory, and a TA never sees the difference. The FMM context is
 * therefore unused.
 *
 * Errors: where GP defines a return code (ConvertFromOctetString,
 * ConvertToS32, SetBit, Assign, Abs: TEE_ERROR_OVERFLOW; ConvertToOctetString:
 * TEE_ERROR_SHORT_BUFFER) it is returned; every other violation (a result
 * that does not fit its destination, a modulus below 2, division by zero,
 * a non-invertible operand, out of memory) panics the TA with the GP panic
 * ID of the function, as GP's "if the implementation detects any error".
 */
#include <limits.h>
#include <string.h>

#include <openssl/bn.h>

#include "utee_priv.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "tee_api_arith.c stores magnitudes as little-endian octet strings in place"
#endif

#define HDR_WORDS 2
#define MAX_WORDS UINT16_MAX

struct bigint_hdr {
	int32_t sign;
	uint16_t alloc;
	uint16_t nwords;
};

_Static_assert(sizeof(struct bigint_hdr) == HDR_WORDS * sizeof(uint32_t),
	       "the header must take exactly the two words TEE_BigIntSizeInU32 adds");

static __attribute__((noreturn)) void arith_panic(uint32_t id, const char *func,
						  const char *why)
{
	EMSG("%s: %s", func, why);
	TEE_Panic(id);
}

#define PANIC(id, why) arith_panic(id, __func__, why)

/* The header is read and written with memcpy: the array is uint32_t, and a
 * struct view of it would break strict aliasing. */
static struct bigint_hdr read_hdr(const TEE_BigInt *b, uint32_t id, const char *func)
{
	struct bigint_hdr h;
	if (!b)
		arith_panic(id, func, "NULL TEE_BigInt");
	memcpy(&h, b, sizeof(h));
	/* Cheap check that catches most uninitialized or overwritten numbers
	 * before they are read beyond their own array. */
	if (h.nwords > h.alloc || (h.sign != 1 && h.sign != -1))
		arith_panic(id, func, "TEE_BigInt not initialized by TEE_BigIntInit");
	return h;
}

static void write_hdr(TEE_BigInt *b, const struct bigint_hdr *h)
{
	memcpy(b, h, sizeof(*h));
}

static const unsigned char *mag(const TEE_BigInt *b)
{
	return (const unsigned char *)(b + HDR_WORDS);
}

static BIGNUM *bn_new_id(uint32_t id, const char *func)
{
	BIGNUM *r = BN_new();
	if (!r)
		arith_panic(id, func, "out of memory");
	return r;
}

static BN_CTX *ctx_new_id(uint32_t id, const char *func)
{
	BN_CTX *c = BN_CTX_new();
	if (!c)
		arith_panic(id, func, "out of memory");
	return c;
}

/* A fresh BIGNUM holding the value of b. */
static BIGNUM *get_id(const TEE_BigInt *b, uint32_t id, const char *func)
{
	struct bigint_hdr h = read_hdr(b, id, func);
	BIGNUM *r = BN_lebin2bn(mag(b), (int)h.nwords * 4, NULL);
	if (!r)
		arith_panic(id, func, "out of memory");
	BN_set_negative(r, h.sign < 0);
	return r;
}

/* Store v into b; -1 (b untouched) if it does not fit b's capacity. */
static int put_id(TEE_BigInt *b, const BIGNUM *v, uint32_t id, const char *func)
{
	struct bigint_hdr h = read_hdr(b, id, func);
	size_t nw = ((size_t)BN_num_bytes(v) + 3) / 4;
	if (nw > h.alloc)
		return -1;
	unsigned char *m = (unsigned char *)(b + HDR_WORDS);
	if (BN_bn2lebinpad(v, m, (int)nw * 4) < 0)
		arith_panic(id, func, "BN_bn2lebinpad failed");
	/* Words that held the previous value are cleared: it may have been a
	 * secret, and a stale high word would also look like part of it. */
	if (h.nwords > nw)
		memset(m + nw * 4, 0, (h.nwords - nw) * 4);
	h.nwords = (uint16_t)nw;
	h.sign = BN_is_negative(v) ? -1 : 1;
	write_hdr(b, &h);
	return 0;
}

static void put_or_panic_id(TEE_BigInt *b, const BIGNUM *v, uint32_t id, const char *func)
{
	if (put_id(b, v, id, func))
		arith_panic(id, func, "result does not fit the destination");
}

#define BN_NEW(id)	       bn_new_id(id, __func__)
#define CTX_NEW(id)	       ctx_new_id(id, __func__)
#define GET(b, id)	       get_id(b, id, __func__)
#define PUT(b, v, id)	       put_id(b, v, id, __func__)
#define PUT_OR_PANIC(b, v, id) put_or_panic_id(b, v, id, __func__)
#define CHECK(x, id)                                                                     \
	do {                                                                             \
		if (!(x))                                                                \
			PANIC(id, "BN operation failed: " #x);                           \
	} while (0)

/* Operands may be secrets (keys, nonces): their copies are wiped. */
static void bn_free_n(BIGNUM *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		BN_clear_free(v[i]);
}

#define FREE(...)                                                                        \
	bn_free_n((BIGNUM *const[]){__VA_ARGS__},                                        \
		  sizeof((BIGNUM *const[]){__VA_ARGS__}) / sizeof(BIGNUM *))

/* Panic unless n >= 2: GP's modular functions require a modulus above 1. */
static void check_modulus(const BIGNUM *n, uint32_t id, const char *func)
{
	if (BN_is_negative(n) || BN_num_bits(n) < 2)
		arith_panic(id, func, "modulus must be at least 2");
}

/* ---- sizes and initialization ----------------------------------------- */

size_t TEE_BigIntFMMSizeInU32(size_t modulusSizeInBits)
{
	return TEE_BigIntSizeInU32(modulusSizeInBits);
}

size_t TEE_BigIntFMMContextSizeInU32(size_t modulusSizeInBits)
{
	(void)modulusSizeInBits;
	/* The context is unused; one word keeps TEE_Malloc(0)-style corner
	 * cases out of the TA's way. */
	return 1;
}

static void init_id(TEE_BigInt *b, size_t len, uint32_t id, const char *func)
{
	if (!b)
		arith_panic(id, func, "NULL TEE_BigInt");
	if (len < HDR_WORDS || len - HDR_WORDS > MAX_WORDS)
		arith_panic(id, func, "unsupported TEE_BigInt length");
	memset(b, 0, len * sizeof(uint32_t));
	struct bigint_hdr h = {.sign = 1, .alloc = (uint16_t)(len - HDR_WORDS)};
	write_hdr(b, &h);
}

void TEE_BigIntInit(TEE_BigInt *bigInt, size_t len)
{
	init_id(bigInt, len, TEE_PANIC_ID_TEE_BIGINTINIT, __func__);
}

void TEE_BigIntInitFMM(TEE_BigIntFMM *bigIntFMM, size_t len)
{
	init_id(bigIntFMM, len, TEE_PANIC_ID_TEE_BIGINTINITFMM, __func__);
}

void TEE_BigIntInitFMMContext(TEE_BigIntFMMContext *context, size_t len,
			      const TEE_BigInt *modulus)
{
	if (TEE_BigIntInitFMMContext1(context, len, modulus) != TEE_SUCCESS)
		PANIC(TEE_PANIC_ID_TEE_BIGINTINITFMMCONTEXT, "modulus not supported");
}

TEE_Result TEE_BigIntInitFMMContext1(TEE_BigIntFMMContext *context, size_t len,
				     const TEE_BigInt *modulus)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTINITFMMCONTEXT;
	if (!context || !len)
		PANIC(id, "invalid FMM context");
	BIGNUM *n = GET(modulus, id);
	check_modulus(n, id, __func__);
	BN_clear_free(n);
	/* Every modulus >= 2 is supported, so TEE_ERROR_NOT_SUPPORTED never. */
	context[0] = 0;
	return TEE_SUCCESS;
}

/* ---- conversion -------------------------------------------------------- */

TEE_Result TEE_BigIntConvertFromOctetString(TEE_BigInt *dest, const uint8_t *buffer,
					    size_t bufferLen, int32_t sign)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTCONVERTFROMOCTETSTRING;
	struct bigint_hdr h = read_hdr(dest, id, __func__);
	if (!buffer && bufferLen)
		PANIC(id, "NULL buffer");
	/* Leading zero octets do not count against the capacity; without them
	 * an oversized string is refused before any allocation. */
	while (bufferLen && !*buffer) {
		buffer++;
		bufferLen--;
	}
	if (bufferLen > (size_t)h.alloc * 4)
		return TEE_ERROR_OVERFLOW;
	BIGNUM *v = BN_bin2bn(buffer, (int)bufferLen, NULL);
	if (!v)
		PANIC(id, "out of memory");
	BN_set_negative(v, sign < 0);
	int rc = PUT(dest, v, id);
	FREE(v);
	return rc ? TEE_ERROR_OVERFLOW : TEE_SUCCESS;
}

TEE_Result TEE_BigIntConvertToOctetString(uint8_t *buffer, size_t *bufferLen,
					  const TEE_BigInt *bigInt)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTCONVERTTOOCTETSTRING;
	if (!bufferLen)
		PANIC(id, "NULL bufferLen");
	BIGNUM *v = GET(bigInt, id);
	/* The magnitude, big endian, without leading zeros (zero is empty). */
	size_t need = (size_t)BN_num_bytes(v);
	TEE_Result res = TEE_SUCCESS;
	if (need > *bufferLen)
		res = TEE_ERROR_SHORT_BUFFER;
	else if (need && !buffer)
		PANIC(id, "NULL buffer");
	else if (need)
		BN_bn2bin(v, buffer);
	*bufferLen = need;
	FREE(v);
	return res;
}

void TEE_BigIntConvertFromS32(TEE_BigInt *dest, int32_t shortVal)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTCONVERTFROMS32;
	BIGNUM *v = BN_NEW(id);
	/* |INT32_MIN| does not fit int32_t: take the magnitude in 64 bits. */
	int64_t s = shortVal;
	CHECK(BN_set_word(v, (BN_ULONG)(s < 0 ? -s : s)), id);
	BN_set_negative(v, s < 0);
	PUT_OR_PANIC(dest, v, id);
	FREE(v);
}

TEE_Result TEE_BigIntConvertToS32(int32_t *dest, const TEE_BigInt *src)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTCONVERTTOS32;
	if (!dest)
		PANIC(id, "NULL dest");
	BIGNUM *v = GET(src, id);
	TEE_Result res = TEE_ERROR_OVERFLOW;
	if (BN_num_bits(v) <= 32) {
		int64_t m = (int64_t)BN_get_word(v);
		if (BN_is_negative(v))
			m = -m;
		if (m >= INT32_MIN && m <= INT32_MAX) {
			*dest = (int32_t)m;
			res = TEE_SUCCESS;
		}
	}
	FREE(v);
	return res;
}

/* ---- logical operations ----------------------------------------------- */

int32_t TEE_BigIntCmp(const TEE_BigInt *op1, const TEE_BigInt *op2)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTCMP;
	BIGNUM *a = GET(op1, id);
	BIGNUM *b = GET(op2, id);
	int32_t r = BN_cmp(a, b);
	FREE(a, b);
	return r;
}

int32_t TEE_BigIntCmpS32(const TEE_BigInt *op, int32_t shortVal)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTCMPS32;
	BIGNUM *a = GET(op, id);
	BIGNUM *b = BN_NEW(id);
	int64_t s = shortVal;
	CHECK(BN_set_word(b, (BN_ULONG)(s < 0 ? -s : s)), id);
	BN_set_negative(b, s < 0);
	int32_t r = BN_cmp(a, b);
	FREE(a, b);
	return r;
}

void TEE_BigIntShiftRight(TEE_BigInt *dest, const TEE_BigInt *op, size_t bits)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTSHIFTRIGHT;
	BIGNUM *a = GET(op, id);
	BIGNUM *r = BN_NEW(id);
	/* GP: |dest| = |op| >> bits with the sign of op; BN_rshift does just
	 * that, but takes an int, so longer shifts are spelled as zero. */
	if (bits >= (size_t)BN_num_bits(a))
		BN_zero(r);
	else
		CHECK(BN_rshift(r, a, (int)bits), id);
	PUT_OR_PANIC(dest, r, id);
	FREE(a, r);
}

bool TEE_BigIntGetBit(const TEE_BigInt *src, uint32_t bitIndex)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTGETBIT;
	BIGNUM *a = GET(src, id);
	bool r = bitIndex <= INT_MAX && BN_is_bit_set(a, (int)bitIndex);
	FREE(a);
	return r;
}

uint32_t TEE_BigIntGetBitCount(const TEE_BigInt *src)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTGETBITCOUNT;
	BIGNUM *a = GET(src, id);
	uint32_t r = (uint32_t)BN_num_bits(a);
	FREE(a);
	return r;
}

TEE_Result TEE_BigIntSetBit(TEE_BigInt *op, uint32_t bitIndex, bool value)
{
	/* GP 1.3 has no panic ID of its own for SetBit; GetBit's is the closest. */
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTGETBIT;
	struct bigint_hdr h = read_hdr(op, id, __func__);
	if (bitIndex >= (uint32_t)h.alloc * 32)
		return TEE_ERROR_OVERFLOW;
	BIGNUM *a = GET(op, id);
	if (value)
		CHECK(BN_set_bit(a, (int)bitIndex), id);
	else if ((int)bitIndex < BN_num_bits(a))
		CHECK(BN_clear_bit(a, (int)bitIndex), id);
	PUT_OR_PANIC(op, a, id);
	FREE(a);
	return TEE_SUCCESS;
}

static TEE_Result assign(TEE_BigInt *dest, const TEE_BigInt *src, int abs,
			 const char *func)
{
	/* GP 1.3 has no panic IDs for Assign/Abs; Neg's is the closest. */
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTNEG;
	BIGNUM *a = get_id(src, id, func);
	if (abs)
		BN_set_negative(a, 0);
	int rc = put_id(dest, a, id, func);
	FREE(a);
	return rc ? TEE_ERROR_OVERFLOW : TEE_SUCCESS;
}

TEE_Result TEE_BigIntAssign(TEE_BigInt *dest, const TEE_BigInt *src)
{
	return assign(dest, src, 0, __func__);
}

TEE_Result TEE_BigIntAbs(TEE_BigInt *dest, const TEE_BigInt *src)
{
	return assign(dest, src, 1, __func__);
}

/* ---- basic arithmetic -------------------------------------------------- */

/*
 * Operands are always copied into fresh BIGNUMs before dest is written, so
 * GP's permission for dest and the operands to be the same array needs no
 * special case anywhere below.
 */

void TEE_BigIntAdd(TEE_BigInt *dest, const TEE_BigInt *op1, const TEE_BigInt *op2)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTADD;
	BIGNUM *a = GET(op1, id), *b = GET(op2, id), *r = BN_NEW(id);
	CHECK(BN_add(r, a, b), id);
	PUT_OR_PANIC(dest, r, id);
	FREE(a, b, r);
}

void TEE_BigIntSub(TEE_BigInt *dest, const TEE_BigInt *op1, const TEE_BigInt *op2)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTSUB;
	BIGNUM *a = GET(op1, id), *b = GET(op2, id), *r = BN_NEW(id);
	CHECK(BN_sub(r, a, b), id);
	PUT_OR_PANIC(dest, r, id);
	FREE(a, b, r);
}

void TEE_BigIntNeg(TEE_BigInt *dest, const TEE_BigInt *op)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTNEG;
	BIGNUM *a = GET(op, id);
	/* BN_set_negative leaves zero positive, as GP wants. */
	BN_set_negative(a, !BN_is_negative(a));
	PUT_OR_PANIC(dest, a, id);
	FREE(a);
}

void TEE_BigIntMul(TEE_BigInt *dest, const TEE_BigInt *op1, const TEE_BigInt *op2)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTMUL;
	BIGNUM *a = GET(op1, id), *b = GET(op2, id), *r = BN_NEW(id);
	BN_CTX *c = CTX_NEW(id);
	CHECK(BN_mul(r, a, b, c), id);
	PUT_OR_PANIC(dest, r, id);
	BN_CTX_free(c);
	FREE(a, b, r);
}

void TEE_BigIntSquare(TEE_BigInt *dest, const TEE_BigInt *op)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTSQUARE;
	BIGNUM *a = GET(op, id), *r = BN_NEW(id);
	BN_CTX *c = CTX_NEW(id);
	CHECK(BN_sqr(r, a, c), id);
	PUT_OR_PANIC(dest, r, id);
	BN_CTX_free(c);
	FREE(a, r);
}

void TEE_BigIntDiv(TEE_BigInt *dest_q, TEE_BigInt *dest_r, const TEE_BigInt *op1,
		   const TEE_BigInt *op2)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTDIV;
	if (dest_q && dest_q == dest_r)
		PANIC(id, "dest_q and dest_r are the same TEE_BigInt");
	BIGNUM *a = GET(op1, id), *b = GET(op2, id);
	if (BN_is_zero(b))
		PANIC(id, "division by zero");
	BIGNUM *q = BN_NEW(id), *r = BN_NEW(id);
	BN_CTX *c = CTX_NEW(id);
	/* Truncating division: the remainder has the sign of op1, as GP says. */
	CHECK(BN_div(q, r, a, b, c), id);
	if (dest_q)
		PUT_OR_PANIC(dest_q, q, id);
	if (dest_r)
		PUT_OR_PANIC(dest_r, r, id);
	BN_CTX_free(c);
	FREE(a, b, q, r);
}

/* ---- modular arithmetic ------------------------------------------------ */

void TEE_BigIntMod(TEE_BigInt *dest, const TEE_BigInt *op, const TEE_BigInt *n)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTMOD;
	BIGNUM *a = GET(op, id), *m = GET(n, id), *r = BN_NEW(id);
	check_modulus(m, id, __func__);
	BN_CTX *c = CTX_NEW(id);
	/* GP: the result is in [0, n-1] whatever the sign of op. */
	CHECK(BN_nnmod(r, a, m, c), id);
	PUT_OR_PANIC(dest, r, id);
	BN_CTX_free(c);
	FREE(a, m, r);
}

enum mod_op { MOD_ADD, MOD_SUB, MOD_MUL };

static void mod_binary(TEE_BigInt *dest, const TEE_BigInt *op1, const TEE_BigInt *op2,
		       const TEE_BigInt *n, enum mod_op o, uint32_t id, const char *func)
{
	BIGNUM *a = get_id(op1, id, func), *b = get_id(op2, id, func);
	BIGNUM *m = get_id(n, id, func), *r = bn_new_id(id, func);
	check_modulus(m, id, func);
	BN_CTX *c = ctx_new_id(id, func);
	/* BN_mod_add/sub/mul reduce with BN_nnmod: [0, n-1] even for operands
	 * outside that range, which GP leaves to the implementation. */
	int ok = o == MOD_ADD	? BN_mod_add(r, a, b, m, c)
		 : o == MOD_SUB ? BN_mod_sub(r, a, b, m, c)
				: BN_mod_mul(r, a, b, m, c);
	if (!ok)
		arith_panic(id, func, "BN modular operation failed");
	put_or_panic_id(dest, r, id, func);
	BN_CTX_free(c);
	FREE(a, b, m, r);
}

void TEE_BigIntAddMod(TEE_BigInt *dest, const TEE_BigInt *op1, const TEE_BigInt *op2,
		      const TEE_BigInt *n)
{
	mod_binary(dest, op1, op2, n, MOD_ADD, TEE_PANIC_ID_TEE_BIGINTADDMOD, __func__);
}

void TEE_BigIntSubMod(TEE_BigInt *dest, const TEE_BigInt *op1, const TEE_BigInt *op2,
		      const TEE_BigInt *n)
{
	mod_binary(dest, op1, op2, n, MOD_SUB, TEE_PANIC_ID_TEE_BIGINTSUBMOD, __func__);
}

void TEE_BigIntMulMod(TEE_BigInt *dest, const TEE_BigInt *op1, const TEE_BigInt *op2,
		      const TEE_BigInt *n)
{
	mod_binary(dest, op1, op2, n, MOD_MUL, TEE_PANIC_ID_TEE_BIGINTMULMOD, __func__);
}

void TEE_BigIntSquareMod(TEE_BigInt *dest, const TEE_BigInt *op, const TEE_BigInt *n)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTSQUAREMOD;
	BIGNUM *a = GET(op, id), *m = GET(n, id), *r = BN_NEW(id);
	check_modulus(m, id, __func__);
	BN_CTX *c = CTX_NEW(id);
	CHECK(BN_mod_sqr(r, a, m, c), id);
	PUT_OR_PANIC(dest, r, id);
	BN_CTX_free(c);
	FREE(a, m, r);
}

void TEE_BigIntInvMod(TEE_BigInt *dest, const TEE_BigInt *op, const TEE_BigInt *n)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTINVMOD;
	BIGNUM *a = GET(op, id), *m = GET(n, id), *r = BN_NEW(id);
	check_modulus(m, id, __func__);
	if (BN_is_zero(a))
		PANIC(id, "zero has no inverse");
	BN_CTX *c = CTX_NEW(id);
	/* A void function has no way to report "no inverse": panic (GP). */
	if (!BN_mod_inverse(r, a, m, c))
		PANIC(id, "op and n are not relatively prime");
	PUT_OR_PANIC(dest, r, id);
	BN_CTX_free(c);
	FREE(a, m, r);
}

TEE_Result TEE_BigIntExpMod(TEE_BigInt *dest, const TEE_BigInt *op1,
			    const TEE_BigInt *op2, const TEE_BigInt *n,
			    const TEE_BigIntFMMContext *context)
{
	/* GP 1.3 has no panic ID for ExpMod; MulMod's is the closest. */
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTMULMOD;
	(void)context; /* optional, and nothing is precomputed in it */
	BIGNUM *a = GET(op1, id), *e = GET(op2, id), *m = GET(n, id);
	check_modulus(m, id, __func__);
	if (BN_is_negative(e))
		PANIC(id, "negative exponent");
	BIGNUM *base = BN_NEW(id), *r = BN_NEW(id);
	BN_CTX *c = CTX_NEW(id);
	CHECK(BN_nnmod(base, a, m, c), id);
	/* The exponent may be a private key: odd moduli (every RSA/DH case) go
	 * through the constant-time Montgomery ladder. Even moduli cannot use
	 * Montgomery; OpenSSL still handles them, so unlike OP-TEE this never
	 * answers TEE_ERROR_NOT_SUPPORTED. */
	if (BN_is_odd(m)) {
		BN_set_flags(e, BN_FLG_CONSTTIME);
		CHECK(BN_mod_exp_mont_consttime(r, base, e, m, c, NULL), id);
	} else {
		CHECK(BN_mod_exp(r, base, e, m, c), id);
	}
	PUT_OR_PANIC(dest, r, id);
	BN_CTX_free(c);
	FREE(a, e, m, base, r);
	return TEE_SUCCESS;
}

/* ---- other arithmetic -------------------------------------------------- */

bool TEE_BigIntRelativePrime(const TEE_BigInt *op1, const TEE_BigInt *op2)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTRELATIVEPRIME;
	BIGNUM *a = GET(op1, id), *b = GET(op2, id), *g = BN_NEW(id);
	BN_CTX *c = CTX_NEW(id);
	CHECK(BN_gcd(g, a, b, c), id);
	bool r = BN_is_one(g);
	BN_CTX_free(c);
	FREE(a, b, g);
	return r;
}

/*
 * gcd = u*op1 + v*op2. OpenSSL has no extended GCD, but it has the modular
 * inverse, which yields the Bezout coefficients directly: with g = gcd(a, b)
 * for a = |op1|, b = |op2|, a' = a/g and b' = b/g coprime,
 *   u' = a'^-1 mod b'   and   v' = (1 - u'*a') / b'   (an exact division)
 * give u'*a + v'*b = g with |u'| < b' and |v'| <= a', the minimal pair. The
 * signs of op1 and op2 then move onto u and v.
 */
void TEE_BigIntComputeExtendedGcd(TEE_BigInt *gcd, TEE_BigInt *u, TEE_BigInt *v,
				  const TEE_BigInt *op1, const TEE_BigInt *op2)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTCOMPUTEEXTENDEDGCD;
	BIGNUM *a = GET(op1, id), *b = GET(op2, id);
	int neg1 = BN_is_negative(a), neg2 = BN_is_negative(b);
	BN_set_negative(a, 0);
	BN_set_negative(b, 0);
	BIGNUM *g = BN_NEW(id), *uu = BN_NEW(id), *vv = BN_NEW(id);
	BIGNUM *a1 = BN_NEW(id), *b1 = BN_NEW(id), *t = BN_NEW(id), *rem = BN_NEW(id);
	BN_CTX *c = CTX_NEW(id);

	CHECK(BN_gcd(g, a, b, c), id);
	if (BN_is_zero(g)) {
		/* op1 = op2 = 0: gcd 0, and u = v = 0 satisfies the identity. */
		BN_zero(uu);
		BN_zero(vv);
	} else {
		CHECK(BN_div(a1, NULL, a, g, c), id);
		CHECK(BN_div(b1, NULL, b, g, c), id);
		if (BN_is_zero(b1)) { /* op2 = 0: gcd = |op1| */
			CHECK(BN_one(uu), id);
			BN_zero(vv);
		} else if (BN_is_one(b1)) { /* |op2| divides op1: gcd = |op2| */
			BN_zero(uu);
			CHECK(BN_one(vv), id);
		} else {
			if (!BN_mod_inverse(uu, a1, b1, c))
				PANIC(id, "BN_mod_inverse failed on coprime values");
			CHECK(BN_mul(t, uu, a1, c), id);
			CHECK(BN_sub(t, BN_value_one(), t), id);
			CHECK(BN_div(vv, rem, t, b1, c), id);
			if (!BN_is_zero(rem))
				PANIC(id, "Bezout coefficient not exact");
		}
	}
	if (neg1)
		BN_set_negative(uu, !BN_is_negative(uu));
	if (neg2)
		BN_set_negative(vv, !BN_is_negative(vv));

	PUT_OR_PANIC(gcd, g, id);
	if (u)
		PUT_OR_PANIC(u, uu, id);
	if (v)
		PUT_OR_PANIC(v, vv, id);
	BN_CTX_free(c);
	FREE(a, b, g, uu, vv, a1, b1, t, rem);
}

int32_t TEE_BigIntIsProbablePrime(const TEE_BigInt *op, uint32_t confidenceLevel)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTISPROBABLEPRIME;
	BIGNUM *a = GET(op, id);
	BN_CTX *c = CTX_NEW(id);
	/*
	 * BN_check_prime errs on a composite with probability at most 2^-128
	 * (random-base Miller-Rabin). GP asks for at most 2^-max(80,
	 * confidenceLevel); independent repetitions multiply the bounds, so
	 * levels above 128 take more calls. Being exact or "probably prime",
	 * the answer is 0 or 1, never GP's -1 ("unknown"). Numbers below 2,
	 * negatives included, are not prime.
	 */
	uint32_t calls = confidenceLevel <= 128 ? 1 : (confidenceLevel + 127) / 128;
	int32_t r = 1;
	for (uint32_t i = 0; i < calls && r; i++) {
		int k = BN_check_prime(a, c, NULL);
		if (k < 0)
			PANIC(id, "BN_check_prime failed");
		r = k;
	}
	BN_CTX_free(c);
	FREE(a);
	return r;
}

/* ---- fast modular multiplication --------------------------------------- */

void TEE_BigIntConvertToFMM(TEE_BigIntFMM *dest, const TEE_BigInt *src,
			    const TEE_BigInt *n, const TEE_BigIntFMMContext *context)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTCONVERTTOFMM;
	(void)context;
	BIGNUM *a = GET(src, id), *m = GET(n, id), *r = BN_NEW(id);
	check_modulus(m, id, __func__);
	BN_CTX *c = CTX_NEW(id);
	CHECK(BN_nnmod(r, a, m, c), id);
	PUT_OR_PANIC(dest, r, id);
	BN_CTX_free(c);
	FREE(a, m, r);
}

static void from_fmm(TEE_BigInt *dest, const TEE_BigIntFMM *src, const TEE_BigInt *n,
		     const char *func)
{
	const uint32_t id = TEE_PANIC_ID_TEE_BIGINTCONVERTFROMFMM;
	BIGNUM *a = get_id(src, id, func), *m = get_id(n, id, func);
	check_modulus(m, id, func);
	/* The FMM form is the residue itself: nothing to undo. */
	put_or_panic_id(dest, a, id, func);
	FREE(a, m);
}

void TEE_BigIntConvertFromFMM(TEE_BigInt *dest, const TEE_BigIntFMM *src,
			      const TEE_BigInt *n, const TEE_BigIntFMMContext *context)
{
	(void)context;
	from_fmm(dest, src, n, __func__);
}

void TEE_BigIntFMMConvertToBigInt(TEE_BigInt *dest, const TEE_BigIntFMM *src,
				  const TEE_BigInt *n,
				  const TEE_BigIntFMMContext *context)
{
	(void)context;
	from_fmm(dest, src, n, __func__);
}

void TEE_BigIntComputeFMM(TEE_BigIntFMM *dest, const TEE_BigIntFMM *op1,
			  const TEE_BigIntFMM *op2, const TEE_BigInt *n,
			  const TEE_BigIntFMMContext *context)
{
	(void)context;
	mod_binary(dest, op1, op2, n, MOD_MUL, TEE_PANIC_ID_TEE_BIGINTCOMPUTEFMM,
		   __func__);
}

/* ---- GP 1.1 compatibility (uint32_t lengths), see tee_api_compat.h ---- */

uint32_t __GP11_TEE_BigIntFMMContextSizeInU32(uint32_t modulusSizeInBits)
{
	return (uint32_t)TEE_BigIntFMMContextSizeInU32(modulusSizeInBits);
}

uint32_t __GP11_TEE_BigIntFMMSizeInU32(uint32_t modulusSizeInBits)
{
	return (uint32_t)TEE_BigIntFMMSizeInU32(modulusSizeInBits);
}

void __GP11_TEE_BigIntInitFMMContext(TEE_BigIntFMMContext *context, uint32_t len,
				     const TEE_BigInt *modulus)
{
	TEE_BigIntInitFMMContext(context, len, modulus);
}

void __GP11_TEE_BigIntInitFMM(TEE_BigIntFMM *bigIntFMM, uint32_t len)
{
	TEE_BigIntInitFMM(bigIntFMM, len);
}

TEE_Result __GP11_TEE_BigIntConvertFromOctetString(TEE_BigInt *dest,
						   const uint8_t *buffer,
						   uint32_t bufferLen, int32_t sign)
{
	return TEE_BigIntConvertFromOctetString(dest, buffer, bufferLen, sign);
}

TEE_Result __GP11_TEE_BigIntConvertToOctetString(uint8_t *buffer, uint32_t *bufferLen,
						 const TEE_BigInt *bigInt)
{
	size_t l = bufferLen ? *bufferLen : 0;
	TEE_Result r =
	    TEE_BigIntConvertToOctetString(buffer, bufferLen ? &l : NULL, bigInt);
	if (bufferLen)
		*bufferLen = l > UINT32_MAX ? UINT32_MAX : (uint32_t)l;
	return r;
}

void __GP11_TEE_BigIntShiftRight(TEE_BigInt *dest, const TEE_BigInt *op, uint32_t bits)
{
	TEE_BigIntShiftRight(dest, op, bits);
}
