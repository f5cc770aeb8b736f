/*
 * arith_ta: a calculator over the GP Arithmetical API for
 * tests/crypto_arith/test_arith.c. ARITH_CMD_OP decodes big-endian octet
 * string operands into TEE_BigInts, runs one TEE_BigInt* operation and
 * encodes the results the same way, so the host can compare every result
 * with OpenSSL computed in the host process. Destinations are sized to
 * just what the result may need (or what the host asks for), so the
 * capacity checks of libutee are exercised at their limit, and
 * ARITH_FLAG_ALIAS makes op1 its own destination, as GP permits.
 * ARITH_CMD_PANIC runs operations GP says must panic the TA.
 */
#include <string.h>

#include <tee_internal_api.h>

#include "arith_ta.h"

#define MAX_OPERANDS 3
#define MAX_ALLOCS   16

/* One decoded operand record: sign and big-endian magnitude. */
struct rec {
	int neg;
	const uint8_t *p;
	uint32_t len;
};

/* Everything one command allocates, freed when it ends. */
static void *allocs[MAX_ALLOCS];
static size_t nallocs;

static void *alloc(size_t size)
{
	if (nallocs == MAX_ALLOCS)
		TEE_Panic(TEE_ERROR_OUT_OF_MEMORY);
	void *p = TEE_Malloc(size ? size : 1, TEE_MALLOC_FILL_ZERO);
	if (!p)
		TEE_Panic(TEE_ERROR_OUT_OF_MEMORY);
	allocs[nallocs++] = p;
	return p;
}

static void free_all(void)
{
	while (nallocs)
		TEE_Free(allocs[--nallocs]);
}

static size_t max_sz(size_t a, size_t b)
{
	return a > b ? a : b;
}

static size_t min_sz(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* A TEE_BigInt able to hold `bits` bits. */
static TEE_BigInt *bi_new(size_t bits)
{
	size_t w = TEE_BigIntSizeInU32(bits);
	TEE_BigInt *b = alloc(w * sizeof(uint32_t));
	TEE_BigIntInit(b, w);
	return b;
}

static TEE_BigInt *bi_from(const uint8_t *p, size_t len, int neg)
{
	TEE_BigInt *b = bi_new(len * 8);
	if (TEE_BigIntConvertFromOctetString(b, p, len, neg ? -1 : 1) != TEE_SUCCESS)
		TEE_Panic(TEE_ERROR_GENERIC); /* sized for it: cannot overflow */
	return b;
}

static TEE_BigInt *bi_s32(int32_t v)
{
	TEE_BigInt *b = bi_new(32);
	TEE_BigIntConvertFromS32(b, v);
	return b;
}

/* ---- operand and result encoding --------------------------------------- */

static TEE_Result parse(const uint8_t *p, size_t len, struct rec *r, size_t *n)
{
	*n = 0;
	while (len) {
		uint32_t hdr[2];
		if (len < sizeof(hdr) || *n == MAX_OPERANDS)
			return TEE_ERROR_BAD_FORMAT;
		memcpy(hdr, p, sizeof(hdr));
		p += sizeof(hdr);
		len -= sizeof(hdr);
		if (hdr[1] > len)
			return TEE_ERROR_BAD_FORMAT;
		r[*n] = (struct rec){.neg = hdr[0] != 0, .p = p, .len = hdr[1]};
		(*n)++;
		p += hdr[1];
		len -= hdr[1];
	}
	return TEE_SUCCESS;
}

struct out {
	uint8_t *p;
	size_t size;
	size_t used;
};

static TEE_Result emit_raw(struct out *o, int neg, const uint8_t *p, size_t len)
{
	uint32_t hdr[2] = {(uint32_t)neg, (uint32_t)len};
	if (o->size - o->used < sizeof(hdr) + len)
		return TEE_ERROR_SHORT_BUFFER;
	memcpy(o->p + o->used, hdr, sizeof(hdr));
	if (len)
		memcpy(o->p + o->used + sizeof(hdr), p, len);
	o->used += sizeof(hdr) + len;
	return TEE_SUCCESS;
}

/* The sign comes from TEE_BigIntCmpS32, the magnitude from
 * TEE_BigIntConvertToOctetString: both are under test too. */
static TEE_Result emit(struct out *o, const TEE_BigInt *b)
{
	uint32_t hdr[2];
	if (o->size - o->used < sizeof(hdr))
		return TEE_ERROR_SHORT_BUFFER;
	size_t len = o->size - o->used - sizeof(hdr);
	TEE_Result res =
	    TEE_BigIntConvertToOctetString(o->p + o->used + sizeof(hdr), &len, b);
	if (res)
		return res;
	hdr[0] = TEE_BigIntCmpS32(b, 0) < 0;
	hdr[1] = (uint32_t)len;
	memcpy(o->p + o->used, hdr, sizeof(hdr));
	o->used += sizeof(hdr) + len;
	return TEE_SUCCESS;
}

/* ---- ARITH_CMD_OP ------------------------------------------------------ */

struct call {
	uint32_t op, arg, flags, cap_bits;
	struct rec rec[MAX_OPERANDS];
	size_t nrec;
	TEE_BigInt *v[MAX_OPERANDS];
	size_t bits[MAX_OPERANDS];
	uint32_t ra, rb; /* scalar results */
};

/*
 * The destination of a result of at most `bits` bits: exactly that
 * (or the host's capacity), or, with ARITH_FLAG_ALIAS, op1 itself, moved
 * first into an array large enough for both.
 */
static TEE_BigInt *dest(struct call *c, size_t bits)
{
	if (c->cap_bits)
		bits = c->cap_bits;
	if (!(c->flags & ARITH_FLAG_ALIAS))
		return bi_new(bits);
	TEE_BigInt *d = bi_new(max_sz(bits, c->rec[0].len * 8));
	if (TEE_BigIntAssign(d, c->v[0]) != TEE_SUCCESS)
		TEE_Panic(TEE_ERROR_GENERIC);
	c->v[0] = d;
	return d;
}

static TEE_Result need(const struct call *c, size_t n)
{
	return c->nrec == n ? TEE_SUCCESS : TEE_ERROR_BAD_PARAMETERS;
}

static TEE_Result fmm(struct call *c, struct out *o)
{
	const TEE_BigInt *n = c->v[2];
	size_t nb = c->bits[2];
	size_t cw = TEE_BigIntFMMContextSizeInU32(nb);
	TEE_BigIntFMMContext *ctx = alloc(cw * sizeof(uint32_t));
	if (TEE_BigIntInitFMMContext1(ctx, cw, n) != TEE_SUCCESS)
		return TEE_ERROR_GENERIC;
	TEE_BigIntFMM *f[3];
	for (int i = 0; i < 3; i++) {
		size_t w = TEE_BigIntFMMSizeInU32(nb);
		f[i] = alloc(w * sizeof(uint32_t));
		TEE_BigIntInitFMM(f[i], w);
	}
	TEE_BigIntConvertToFMM(f[0], c->v[0], n, ctx);
	TEE_BigIntConvertToFMM(f[1], c->v[1], n, ctx);
	TEE_BigIntComputeFMM(f[2], f[0], f[1], n, ctx);
	TEE_BigInt *r1 = bi_new(nb), *r2 = bi_new(nb);
	TEE_BigIntConvertFromFMM(r1, f[2], n, ctx);
	TEE_BigIntFMMConvertToBigInt(r2, f[2], n, ctx);
	TEE_Result res = emit(o, r1);
	return res ? res : emit(o, r2);
}

static TEE_Result run(struct call *c, struct out *o)
{
	TEE_BigInt *d, *e;
	TEE_Result res;
	size_t b0 = c->bits[0], b1 = c->bits[1], b2 = c->bits[2];

	switch (c->op) {
	case ARITH_OP_ROUNDTRIP:
		return need(c, 1) ? need(c, 1) : emit(o, c->v[0]);
	case ARITH_OP_ADD:
	case ARITH_OP_SUB:
		if (need(c, 2))
			return TEE_ERROR_BAD_PARAMETERS;
		d = dest(c, max_sz(b0, b1) + 1);
		if (c->op == ARITH_OP_ADD)
			TEE_BigIntAdd(d, c->v[0], c->v[1]);
		else
			TEE_BigIntSub(d, c->v[0], c->v[1]);
		return emit(o, d);
	case ARITH_OP_MUL:
		if (need(c, 2))
			return TEE_ERROR_BAD_PARAMETERS;
		d = dest(c, b0 + b1);
		TEE_BigIntMul(d, c->v[0], c->v[1]);
		return emit(o, d);
	case ARITH_OP_SQUARE:
		if (need(c, 1))
			return TEE_ERROR_BAD_PARAMETERS;
		d = dest(c, 2 * b0);
		TEE_BigIntSquare(d, c->v[0]);
		return emit(o, d);
	case ARITH_OP_NEG:
		if (need(c, 1))
			return TEE_ERROR_BAD_PARAMETERS;
		d = dest(c, b0);
		TEE_BigIntNeg(d, c->v[0]);
		return emit(o, d);
	case ARITH_OP_DIV:
		if (need(c, 2))
			return TEE_ERROR_BAD_PARAMETERS;
		d = dest(c, b0);
		e = bi_new(min_sz(b0, b1));
		TEE_BigIntDiv(d, e, c->v[0], c->v[1]);
		res = emit(o, d);
		return res ? res : emit(o, e);
	case ARITH_OP_MOD:
		if (need(c, 2))
			return TEE_ERROR_BAD_PARAMETERS;
		d = dest(c, b1);
		TEE_BigIntMod(d, c->v[0], c->v[1]);
		return emit(o, d);
	case ARITH_OP_ADDMOD:
	case ARITH_OP_SUBMOD:
	case ARITH_OP_MULMOD:
		if (need(c, 3))
			return TEE_ERROR_BAD_PARAMETERS;
		d = dest(c, b2);
		if (c->op == ARITH_OP_ADDMOD)
			TEE_BigIntAddMod(d, c->v[0], c->v[1], c->v[2]);
		else if (c->op == ARITH_OP_SUBMOD)
			TEE_BigIntSubMod(d, c->v[0], c->v[1], c->v[2]);
		else
			TEE_BigIntMulMod(d, c->v[0], c->v[1], c->v[2]);
		return emit(o, d);
	case ARITH_OP_SQUAREMOD:
	case ARITH_OP_INVMOD:
		if (need(c, 2))
			return TEE_ERROR_BAD_PARAMETERS;
		d = dest(c, b1);
		if (c->op == ARITH_OP_SQUAREMOD)
			TEE_BigIntSquareMod(d, c->v[0], c->v[1]);
		else
			TEE_BigIntInvMod(d, c->v[0], c->v[1]);
		return emit(o, d);
	case ARITH_OP_EXPMOD: {
		if (need(c, 3))
			return TEE_ERROR_BAD_PARAMETERS;
		size_t cw = TEE_BigIntFMMContextSizeInU32(b2);
		TEE_BigIntFMMContext *ctx = alloc(cw * sizeof(uint32_t));
		if (TEE_BigIntInitFMMContext1(ctx, cw, c->v[2]) != TEE_SUCCESS)
			return TEE_ERROR_GENERIC;
		d = dest(c, b2);
		/* arg 1: without the optional context, as GP allows. */
		c->ra =
		    TEE_BigIntExpMod(d, c->v[0], c->v[1], c->v[2], c->arg ? NULL : ctx);
		return c->ra ? TEE_SUCCESS : emit(o, d);
	}
	case ARITH_OP_GCD: {
		if (need(c, 2))
			return TEE_ERROR_BAD_PARAMETERS;
		TEE_BigInt *g = bi_new(max_sz(b0, b1));
		/* arg 1: gcd only, u and v NULL. */
		TEE_BigInt *u = c->arg ? NULL : bi_new(max_sz(b1, 1));
		TEE_BigInt *v = c->arg ? NULL : bi_new(max_sz(b0, 1));
		TEE_BigIntComputeExtendedGcd(g, u, v, c->v[0], c->v[1]);
		res = emit(o, g);
		if (!res && u)
			res = emit(o, u);
		if (!res && v)
			res = emit(o, v);
		return res;
	}
	case ARITH_OP_RELPRIME:
		if (need(c, 2))
			return TEE_ERROR_BAD_PARAMETERS;
		c->ra = TEE_BigIntRelativePrime(c->v[0], c->v[1]);
		return TEE_SUCCESS;
	case ARITH_OP_PRIME:
		if (need(c, 1))
			return TEE_ERROR_BAD_PARAMETERS;
		c->ra = (uint32_t)TEE_BigIntIsProbablePrime(c->v[0], c->arg);
		return TEE_SUCCESS;
	case ARITH_OP_CMP:
		if (need(c, 2))
			return TEE_ERROR_BAD_PARAMETERS;
		c->ra = (uint32_t)TEE_BigIntCmp(c->v[0], c->v[1]);
		return TEE_SUCCESS;
	case ARITH_OP_CMPS32:
		if (need(c, 1))
			return TEE_ERROR_BAD_PARAMETERS;
		c->ra = (uint32_t)TEE_BigIntCmpS32(c->v[0], (int32_t)c->arg);
		return TEE_SUCCESS;
	case ARITH_OP_SHR:
		if (need(c, 1))
			return TEE_ERROR_BAD_PARAMETERS;
		d = dest(c, b0 > c->arg ? b0 - c->arg : 0);
		TEE_BigIntShiftRight(d, c->v[0], c->arg);
		return emit(o, d);
	case ARITH_OP_GETBIT:
		if (need(c, 1))
			return TEE_ERROR_BAD_PARAMETERS;
		c->ra = TEE_BigIntGetBit(c->v[0], c->arg);
		return TEE_SUCCESS;
	case ARITH_OP_BITCOUNT:
		if (need(c, 1))
			return TEE_ERROR_BAD_PARAMETERS;
		c->ra = TEE_BigIntGetBitCount(c->v[0]);
		return TEE_SUCCESS;
	case ARITH_OP_SETBIT:
		if (need(c, 1))
			return TEE_ERROR_BAD_PARAMETERS;
		c->ra = TEE_BigIntSetBit(c->v[0], c->arg, c->flags & ARITH_FLAG_SETVALUE);
		return emit(o, c->v[0]);
	case ARITH_OP_ASSIGN:
	case ARITH_OP_ABS:
		if (need(c, 1))
			return TEE_ERROR_BAD_PARAMETERS;
		d = bi_new(c->cap_bits ? c->cap_bits : b0);
		c->ra = c->op == ARITH_OP_ASSIGN ? TEE_BigIntAssign(d, c->v[0])
						 : TEE_BigIntAbs(d, c->v[0]);
		return c->ra ? TEE_SUCCESS : emit(o, d);
	case ARITH_OP_FROMS32:
		d = bi_new(c->cap_bits ? c->cap_bits : 32);
		TEE_BigIntConvertFromS32(d, (int32_t)c->arg);
		return emit(o, d);
	case ARITH_OP_TOS32: {
		if (need(c, 1))
			return TEE_ERROR_BAD_PARAMETERS;
		int32_t v = 0x5a5a5a5a;
		c->ra = TEE_BigIntConvertToS32(&v, c->v[0]);
		c->rb = (uint32_t)v;
		return TEE_SUCCESS;
	}
	case ARITH_OP_FROMOCTET:
		if (need(c, 1))
			return TEE_ERROR_BAD_PARAMETERS;
		d = bi_new(c->cap_bits);
		c->ra = TEE_BigIntConvertFromOctetString(d, c->rec[0].p, c->rec[0].len,
							 c->rec[0].neg ? -1 : 1);
		return c->ra ? TEE_SUCCESS : emit(o, d);
	case ARITH_OP_TOOCTET: {
		if (need(c, 1))
			return TEE_ERROR_BAD_PARAMETERS;
		uint8_t *buf = alloc(c->arg);
		size_t len = c->arg;
		c->ra = TEE_BigIntConvertToOctetString(buf, &len, c->v[0]);
		c->rb = (uint32_t)len;
		return c->ra ? TEE_SUCCESS : emit_raw(o, 0, buf, len);
	}
	case ARITH_OP_FMM:
		if (need(c, 3))
			return TEE_ERROR_BAD_PARAMETERS;
		return fmm(c, o);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}

static TEE_Result cmd_op(uint32_t types, TEE_Param p[4])
{
	if (types !=
	    TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INOUT, TEE_PARAM_TYPE_MEMREF_INPUT,
			    TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_VALUE_INPUT))
		return TEE_ERROR_BAD_PARAMETERS;
	struct call c = {.op = p[0].value.a,
			 .arg = p[0].value.b,
			 .flags = p[3].value.a,
			 .cap_bits = p[3].value.b};
	TEE_Result res = parse(p[1].memref.buffer, p[1].memref.size, c.rec, &c.nrec);
	if (res)
		return res;
	/* Operands are decoded with ConvertFromOctetString, except for the op
	 * that tests exactly that call on the raw record. */
	if (c.op != ARITH_OP_FROMOCTET) {
		for (size_t i = 0; i < c.nrec; i++) {
			c.v[i] = bi_from(c.rec[i].p, c.rec[i].len, c.rec[i].neg);
			c.bits[i] = TEE_BigIntGetBitCount(c.v[i]);
		}
	}
	struct out o = {.p = p[2].memref.buffer, .size = p[2].memref.size};
	res = run(&c, &o);
	free_all();
	if (res)
		return res;
	p[0].value.a = c.ra;
	p[0].value.b = c.rb;
	p[2].memref.size = o.used;
	return TEE_SUCCESS;
}

/* ---- ARITH_CMD_PANIC --------------------------------------------------- */

static TEE_Result cmd_panic(uint32_t types, TEE_Param p[4])
{
	static const uint8_t ff8[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t two32[5] = {1, 0, 0, 0, 0};
	if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_NONE,
				     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_BigInt *d, *q, *x;
	switch (p[0].value.a) {
	case ARITH_PANIC_NONE:
		return TEE_SUCCESS;
	case ARITH_PANIC_ADD:
		d = bi_new(32);
		TEE_BigIntAdd(d, bi_from(ff8, 4, 0), bi_s32(1));
		break;
	case ARITH_PANIC_MUL:
		x = bi_from(ff8, 8, 0);
		d = bi_new(64);
		TEE_BigIntMul(d, x, x);
		break;
	case ARITH_PANIC_NEG:
		d = bi_new(32);
		TEE_BigIntNeg(d, bi_from(two32, sizeof(two32), 0));
		break;
	case ARITH_PANIC_SHR:
		x = bi_new(96);
		if (TEE_BigIntSetBit(x, 95, true))
			return TEE_ERROR_GENERIC;
		d = bi_new(64);
		TEE_BigIntShiftRight(d, x, 1);
		break;
	case ARITH_PANIC_FROMS32:
		d = bi_new(0);
		TEE_BigIntConvertFromS32(d, 5);
		break;
	case ARITH_PANIC_DIV_ZERO:
		q = bi_new(32);
		d = bi_new(32);
		TEE_BigIntDiv(q, d, bi_s32(7), bi_s32(0));
		break;
	case ARITH_PANIC_MOD_ONE:
		d = bi_new(32);
		TEE_BigIntMod(d, bi_s32(7), bi_s32(1));
		break;
	case ARITH_PANIC_INVMOD:
		d = bi_new(32);
		TEE_BigIntInvMod(d, bi_s32(6), bi_s32(9));
		break;
	case ARITH_PANIC_EXPMOD:
		d = bi_new(32);
		(void)TEE_BigIntExpMod(d, bi_s32(3), bi_s32(5), bi_s32(0), NULL);
		break;
	case ARITH_PANIC_MULMOD_NEG:
		d = bi_new(32);
		TEE_BigIntMulMod(d, bi_s32(3), bi_s32(5), bi_s32(-7));
		break;
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
	free_all();
	/* Still alive: libutee failed to panic. */
	return TEE_ERROR_GENERIC;
}

/* ---- entry points ------------------------------------------------------ */

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t types, TEE_Param params[4], void **ctx)
{
	(void)types;
	(void)params;
	*ctx = NULL;
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *ctx)
{
	(void)ctx;
}

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t types,
				      TEE_Param params[4])
{
	(void)ctx;
	switch (cmd) {
	case ARITH_CMD_OP:
		return cmd_op(types, params);
	case ARITH_CMD_PANIC:
		return cmd_panic(types, params);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
