/*
 * GP Arithmetical API (TEE_BigInt*, libutee tee_api_arith.c) against
 * OpenSSL. Against one private edgeteed (tests/lib/harness.c), arith_ta
 * runs each operation inside a real TA process on operands sent as
 * big-endian octet strings, and this program computes the same thing with
 * OpenSSL BN directly and compares:
 *  - every operation over many random operands of 0..2048 bits, both signs,
 *    zero, powers of two and all-ones values at word boundaries, with the
 *    destination sized to just fit the result and, at random, aliased to
 *    the first operand;
 *  - IsProbablePrime on known primes, Carmichael numbers and products;
 *  - the error codes GP defines: SHORT_BUFFER (with the size needed),
 *    OVERFLOW for ConvertFromOctetString, ConvertToS32, SetBit, Assign, Abs;
 *  - the panics GP requires (result too large for its destination, modulus
 *    below 2, division by zero, no inverse): TEEC_ERROR_TARGET_DEAD from
 *    the TEE, while other sessions live on.
 * The random cases come from a seeded generator (ARITH_SEED overrides the
 * seed, which every failure prints). Hangs are bounded by alarm().
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/bn.h>

#include "arith_ta.h"
#include "harness.h"

#define TEST_ALARM_S 100
#define RANDOM_CASES 3000
#define MAX_BITS     2048
#define OUT_SIZE     8192
#define MAX_RESULTS  3

static struct et_test_inst inst;
static TEEC_Context ctx;
static int ctx_ok;
static TEEC_Session sess;
static int sess_ok;
static BN_CTX *bnctx;
static uint64_t seed;
static uint64_t run_seed;    /* ARITH_SEED: replays the whole run */
static int case_no = -1;     /* index of the random case running, -1: none */
static unsigned long ncalls; /* operations the TA ran */

/* ---- helpers ---------------------------------------------------------- */

/* A hang fails the test: stop our daemon (async-signal-safe) and exit. */
static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "test_arith: a call hung (alarm fired)\n";
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing to do */
	}
	char p[400];
	size_t n = strlen(inst.dir);
	if (n && n + 14 < sizeof(p)) {
		memcpy(p, inst.dir, n);
		memcpy(p + n, "/edgeteed.pid", 14);
		int fd = open(p, O_RDONLY);
		if (fd >= 0) {
			char b[32];
			ssize_t k = read(fd, b, sizeof(b) - 1);
			close(fd);
			int pid = 0;
			for (ssize_t i = 0; i < k && b[i] >= '0' && b[i] <= '9'; i++)
				pid = pid * 10 + (b[i] - '0');
			if (pid > 1)
				kill(pid, SIGTERM);
		}
	}
	_exit(99);
}

/* splitmix64: reproducible operands from one printed seed. */
static uint64_t rnd(void)
{
	uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd_below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static BIGNUM *bn_new(void)
{
	BIGNUM *b = BN_new();
	assert_non_null(b);
	return b;
}

static BIGNUM *bn_s64(int64_t v)
{
	BIGNUM *b = bn_new();
	assert_true(BN_set_word(b, (BN_ULONG)(v < 0 ? -(uint64_t)v : (uint64_t)v)));
	BN_set_negative(b, v < 0);
	return b;
}

static BIGNUM *bn_dup(const BIGNUM *a)
{
	BIGNUM *b = BN_dup(a);
	assert_non_null(b);
	return b;
}

/* Random magnitude of exactly `bits` bits (0: zero). */
static BIGNUM *bn_rand_bits(int bits)
{
	uint8_t buf[MAX_BITS / 8 + 8];
	int len = (bits + 7) / 8;
	for (int i = 0; i < len; i++)
		buf[i] = (uint8_t)rnd();
	if (bits) {
		int top = (bits - 1) % 8;
		buf[0] &= (uint8_t)((2u << top) - 1);
		buf[0] |= (uint8_t)(1u << top);
	}
	BIGNUM *b = BN_bin2bn(buf, len, NULL);
	assert_non_null(b);
	return b;
}

/* Sizes that sit on the 32-bit word boundaries of TEE_BigInt. */
static int rand_size(int max)
{
	static const int edge[] = {1,	2,    31,   32,	  33,	63,   64,  65,	95,
				   96,	127,  128,  129,  255,	256,  257, 511, 512,
				   513, 1023, 1024, 1025, 1535, 2047, 2048};
	int b;
	if (rnd_below(3) == 0)
		b = edge[rnd_below(sizeof(edge) / sizeof(edge[0]))];
	else if (rnd_below(2))
		b = 1 + (int)rnd_below(96);
	else
		b = 1 + (int)rnd_below((uint32_t)max);
	return b > max ? max : b;
}

/* A random operand of at most max bits: zero, small values, powers of two,
 * all-ones and plain random numbers, either sign. */
static BIGNUM *rand_operand(int max)
{
	BIGNUM *b;
	int bits = rand_size(max);
	switch (rnd_below(10)) {
	case 0:
		b = bn_new();
		BN_zero(b);
		break;
	case 1: /* 2^(bits-1) */
		b = bn_new();
		assert_true(BN_set_bit(b, bits - 1));
		break;
	case 2: /* 2^bits - 1 */
		b = bn_new();
		assert_true(BN_set_bit(b, bits));
		assert_true(BN_sub_word(b, 1));
		break;
	default:
		b = bn_rand_bits(bits);
	}
	BN_set_negative(b, (int)rnd_below(2));
	return b;
}

/* A random positive modulus >= 2 of at most max bits. */
static BIGNUM *rand_modulus(int max)
{
	BIGNUM *n;
	do {
		n = rand_operand(max);
		BN_set_negative(n, 0);
		if (BN_num_bits(n) >= 2)
			break;
		BN_free(n);
	} while (1);
	return n;
}

static void dump(const char *what, const BIGNUM *b)
{
	char *s = BN_bn2hex(b);
	print_error("  %s = %s\n", what, s ? s : "?");
	OPENSSL_free(s);
}

/* ---- talking to arith_ta ---------------------------------------------- */

struct res {
	TEEC_Result rc;
	uint32_t origin;
	uint32_t a, b;
	BIGNUM *v[MAX_RESULTS];
	size_t n;
};

static void res_free(struct res *r)
{
	for (size_t i = 0; i < r->n; i++)
		BN_free(r->v[i]);
	r->n = 0;
}

/*
 * Run one operation. pad[i] leading zero octets go in front of operand i
 * (more capacity in the TA; NULL: none). Results are checked to be in
 * GP's canonical form: minimal octet string, zero never negative.
 */
static void call_pad(TEEC_Session *s, uint32_t op, uint32_t arg, uint32_t flags,
		     uint32_t cap, BIGNUM *const *in, size_t nin, const size_t *pad,
		     struct res *r)
{
	static uint8_t ibuf[MAX_RESULTS * (8 + MAX_BITS / 8 + 64)];
	static uint8_t obuf[OUT_SIZE];
	size_t used = 0;
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < nin; i++) {
		size_t p = pad ? pad[i] : 0;
		uint32_t hdr[2] = {(uint32_t)BN_is_negative(in[i]),
				   (uint32_t)(BN_num_bytes(in[i]) + p)};
		assert_true(used + 8 + hdr[1] <= sizeof(ibuf));
		memcpy(ibuf + used, hdr, 8);
		memset(ibuf + used + 8, 0, p);
		BN_bn2bin(in[i], ibuf + used + 8 + p);
		used += 8 + hdr[1];
	}
	TEEC_Operation o;
	memset(&o, 0, sizeof(o));
	o.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_MEMREF_TEMP_INPUT,
					TEEC_MEMREF_TEMP_OUTPUT, TEEC_VALUE_INPUT);
	o.params[0].value.a = op;
	o.params[0].value.b = arg;
	o.params[1].tmpref.buffer = ibuf;
	o.params[1].tmpref.size = used;
	o.params[2].tmpref.buffer = obuf;
	o.params[2].tmpref.size = sizeof(obuf);
	o.params[3].value.a = flags;
	o.params[3].value.b = cap;
	r->rc = TEEC_InvokeCommand(s, ARITH_CMD_OP, &o, &r->origin);
	ncalls++;
	if (r->rc != TEEC_SUCCESS)
		return;
	r->a = o.params[0].value.a;
	r->b = o.params[0].value.b;
	size_t len = o.params[2].tmpref.size, off = 0;
	assert_true(len <= sizeof(obuf));
	while (off < len) {
		uint32_t hdr[2];
		assert_true(len - off >= 8 && r->n < MAX_RESULTS);
		memcpy(hdr, obuf + off, 8);
		off += 8;
		assert_true(hdr[1] <= len - off);
		/* ConvertToOctetString: no leading zero octet, zero is empty. */
		if (hdr[1])
			assert_int_not_equal(obuf[off], 0);
		BIGNUM *v = BN_bin2bn(obuf + off, (int)hdr[1], NULL);
		assert_non_null(v);
		if (hdr[0])
			assert_false(BN_is_zero(v)); /* no negative zero */
		BN_set_negative(v, hdr[0] != 0);
		r->v[r->n++] = v;
		off += hdr[1];
	}
}

static void call(uint32_t op, uint32_t arg, uint32_t flags, uint32_t cap,
		 BIGNUM *const *in, size_t nin, struct res *r)
{
	call_pad(&sess, op, arg, flags, cap, in, nin, NULL, r);
}

static const char *op_name(uint32_t op)
{
	static const char *const names[] = {
	    "ROUNDTRIP", "ADD",	    "SUB",    "MUL",	   "SQUARE",  "NEG",
	    "DIV",	 "MOD",	    "ADDMOD", "SUBMOD",	   "MULMOD",  "SQUAREMOD",
	    "INVMOD",	 "EXPMOD",  "GCD",    "RELPRIME",  "PRIME",   "CMP",
	    "CMPS32",	 "SHR",	    "GETBIT", "BITCOUNT",  "SETBIT",  "ASSIGN",
	    "ABS",	 "FROMS32", "TOS32",  "FROMOCTET", "TOOCTET", "FMM"};
	return op < sizeof(names) / sizeof(names[0]) ? names[op] : "?";
}

/* Fail with everything needed to replay the case. */
static void mismatch(uint32_t op, uint32_t arg, uint32_t flags, BIGNUM *const *in,
		     size_t nin, const struct res *r, BIGNUM *const *exp, size_t nexp,
		     const char *why)
{
	print_error(
	    "ARITH_OP_%s arg %u flags %#x: %s (ARITH_SEED=%#llx, random case %d)\n",
	    op_name(op), arg, flags, why, (unsigned long long)run_seed, case_no);
	for (size_t i = 0; i < nin; i++)
		dump("operand", in[i]);
	for (size_t i = 0; i < r->n; i++)
		dump("TA result", r->v[i]);
	for (size_t i = 0; i < nexp; i++)
		dump("expected", exp[i]);
	print_error("  TA scalars a=%#x b=%#x rc=%#x\n", r->a, r->b, r->rc);
	fail();
}

/* Run op and compare its results with exp[] (and its scalar a if want_a). */
static void check(uint32_t op, uint32_t arg, uint32_t flags, BIGNUM *const *in,
		  size_t nin, BIGNUM *const *exp, size_t nexp)
{
	struct res r;
	call(op, arg, flags, 0, in, nin, &r);
	if (r.rc != TEEC_SUCCESS)
		mismatch(op, arg, flags, in, nin, &r, exp, nexp, "command failed");
	if (r.n != nexp)
		mismatch(op, arg, flags, in, nin, &r, exp, nexp, "result count");
	for (size_t i = 0; i < nexp; i++)
		if (BN_cmp(r.v[i], exp[i]))
			mismatch(op, arg, flags, in, nin, &r, exp, nexp, "wrong value");
	res_free(&r);
}

static void check_scalar(uint32_t op, uint32_t arg, BIGNUM *const *in, size_t nin,
			 uint32_t exp)
{
	struct res r;
	call(op, arg, 0, 0, in, nin, &r);
	if (r.rc != TEEC_SUCCESS)
		mismatch(op, arg, 0, in, nin, &r, NULL, 0, "command failed");
	if (r.a != exp) {
		print_error("expected scalar %#x\n", exp);
		mismatch(op, arg, 0, in, nin, &r, NULL, 0, "wrong scalar");
	}
	res_free(&r);
}

static void free_all(BIGNUM **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		BN_free(v[i]);
}

static int sgn(int v)
{
	return (v > 0) - (v < 0);
}

/* ---- one random case per operation ------------------------------------ */

static void random_case(uint32_t op)
{
	BIGNUM *in[3] = {NULL, NULL, NULL}, *exp[3] = {NULL, NULL, NULL};
	size_t nin = 0, nexp = 1;
	uint32_t arg = 0;
	uint32_t flags = rnd_below(3) == 0 ? ARITH_FLAG_ALIAS : 0;
	BN_CTX *c = bnctx;

	switch (op) {
	case ARITH_OP_ROUNDTRIP:
	case ARITH_OP_NEG:
	case ARITH_OP_SQUARE:
		in[0] = rand_operand(MAX_BITS);
		nin = 1;
		exp[0] = bn_new();
		if (op == ARITH_OP_ROUNDTRIP) {
			assert_non_null(BN_copy(exp[0], in[0]));
		} else if (op == ARITH_OP_NEG) {
			assert_non_null(BN_copy(exp[0], in[0]));
			BN_set_negative(exp[0], !BN_is_negative(in[0]));
		} else {
			assert_true(BN_sqr(exp[0], in[0], c));
		}
		break;
	case ARITH_OP_ADD:
	case ARITH_OP_SUB:
	case ARITH_OP_MUL:
		in[0] = rand_operand(MAX_BITS);
		/* Same magnitudes now and then: carries, borrows, zero sums. */
		in[1] = rnd_below(8) ? rand_operand(MAX_BITS) : bn_dup(in[0]);
		if (BN_cmp(in[0], in[1]) == 0 && rnd_below(2))
			BN_set_negative(in[1], !BN_is_negative(in[1]));
		nin = 2;
		exp[0] = bn_new();
		if (op == ARITH_OP_ADD)
			assert_true(BN_add(exp[0], in[0], in[1]));
		else if (op == ARITH_OP_SUB)
			assert_true(BN_sub(exp[0], in[0], in[1]));
		else
			assert_true(BN_mul(exp[0], in[0], in[1], c));
		break;
	case ARITH_OP_DIV:
		in[0] = rand_operand(MAX_BITS);
		do {
			BN_free(in[1]);
			in[1] = rand_operand(rnd_below(2) ? MAX_BITS : 96);
		} while (BN_is_zero(in[1]));
		nin = 2;
		nexp = 2;
		exp[0] = bn_new();
		exp[1] = bn_new();
		assert_true(BN_div(exp[0], exp[1], in[0], in[1], c));
		break;
	case ARITH_OP_MOD:
	case ARITH_OP_SQUAREMOD:
		in[0] = rand_operand(MAX_BITS);
		in[1] = rand_modulus(MAX_BITS);
		nin = 2;
		exp[0] = bn_new();
		if (op == ARITH_OP_MOD)
			assert_true(BN_nnmod(exp[0], in[0], in[1], c));
		else
			assert_true(BN_mod_sqr(exp[0], in[0], in[1], c));
		break;
	case ARITH_OP_ADDMOD:
	case ARITH_OP_SUBMOD:
	case ARITH_OP_MULMOD:
	case ARITH_OP_FMM:
		in[2] = rand_modulus(MAX_BITS);
		/* Mostly residues in [0, n-1] as GP expects, sometimes any value. */
		for (int i = 0; i < 2; i++) {
			in[i] = rand_operand(MAX_BITS);
			if (rnd_below(4))
				assert_true(BN_nnmod(in[i], in[i], in[2], c));
		}
		nin = 3;
		exp[0] = bn_new();
		if (op == ARITH_OP_ADDMOD)
			assert_true(BN_mod_add(exp[0], in[0], in[1], in[2], c));
		else if (op == ARITH_OP_SUBMOD)
			assert_true(BN_mod_sub(exp[0], in[0], in[1], in[2], c));
		else
			assert_true(BN_mod_mul(exp[0], in[0], in[1], in[2], c));
		if (op == ARITH_OP_FMM) {
			nexp = 2;
			exp[1] = bn_dup(exp[0]);
			flags = 0;
		}
		break;
	case ARITH_OP_INVMOD:
		in[1] = rand_modulus(MAX_BITS);
		exp[0] = bn_new();
		for (;;) {
			in[0] = rand_operand(MAX_BITS);
			if (!BN_is_zero(in[0]) && BN_mod_inverse(exp[0], in[0], in[1], c))
				break;
			BN_free(in[0]);
		}
		nin = 2;
		break;
	case ARITH_OP_EXPMOD: {
		in[0] = rand_operand(MAX_BITS);
		in[1] = rand_operand(rnd_below(4) ? 64 : MAX_BITS);
		BN_set_negative(in[1], 0);
		in[2] = rand_modulus(MAX_BITS);
		nin = 3;
		exp[0] = bn_new();
		BIGNUM *base = bn_new();
		assert_true(BN_nnmod(base, in[0], in[2], c));
		assert_true(BN_mod_exp(exp[0], base, in[1], in[2], c));
		BN_free(base);
		arg = rnd_below(2); /* with or without the FMM context */
		break;
	}
	case ARITH_OP_GCD: {
		in[0] = rand_operand(MAX_BITS);
		in[1] = rand_operand(MAX_BITS);
		/* A common factor, so that the gcd is more than 1 often. */
		if (rnd_below(2)) {
			BIGNUM *f = rand_operand(128);
			assert_true(BN_mul(in[0], in[0], f, c));
			assert_true(BN_mul(in[1], in[1], f, c));
			BN_free(f);
		}
		nin = 2;
		arg = rnd_below(4) == 0; /* gcd only */
		BIGNUM *g = bn_new();
		assert_true(BN_gcd(g, in[0], in[1], c));
		struct res r;
		call(op, arg, 0, 0, in, nin, &r);
		if (r.rc != TEEC_SUCCESS || r.n != (arg ? 1u : 3u) || BN_cmp(r.v[0], g))
			mismatch(op, arg, 0, in, nin, &r, &g, 1, "wrong gcd");
		if (!arg) {
			/* u*op1 + v*op2 = gcd, with the minimal coefficients. */
			BIGNUM *t = bn_new(), *s = bn_new(), *bound = bn_new();
			assert_true(BN_mul(t, r.v[1], in[0], c));
			assert_true(BN_mul(s, r.v[2], in[1], c));
			assert_true(BN_add(t, t, s));
			if (BN_cmp(t, g))
				mismatch(op, arg, 0, in, nin, &r, &g, 1,
					 "u*a + v*b != gcd");
			if (!BN_is_zero(g)) {
				assert_true(BN_div(bound, NULL, in[1], g, c));
				BN_set_negative(bound, 0);
				if (!BN_is_zero(bound) && BN_ucmp(r.v[1], bound) > 0)
					mismatch(op, arg, 0, in, nin, &r, &g, 1,
						 "|u| too large");
				assert_true(BN_div(bound, NULL, in[0], g, c));
				BN_set_negative(bound, 0);
				if (BN_ucmp(r.v[2], bound) > 0 &&
				    !BN_abs_is_word(r.v[2], 1))
					mismatch(op, arg, 0, in, nin, &r, &g, 1,
						 "|v| too large");
			}
			BN_free(t);
			BN_free(s);
			BN_free(bound);
		}
		res_free(&r);
		BN_free(g);
		free_all(in, nin);
		return;
	}
	case ARITH_OP_RELPRIME: {
		in[0] = rand_operand(MAX_BITS);
		in[1] = rand_operand(rnd_below(2) ? 64 : MAX_BITS);
		if (rnd_below(3) == 0) {
			BIGNUM *f = bn_s64(2 + rnd_below(30));
			assert_true(BN_mul(in[0], in[0], f, c));
			assert_true(BN_mul(in[1], in[1], f, c));
			BN_free(f);
		}
		nin = 2;
		BIGNUM *g = bn_new();
		assert_true(BN_gcd(g, in[0], in[1], c));
		check_scalar(op, 0, in, nin, BN_is_one(g));
		BN_free(g);
		free_all(in, nin);
		return;
	}
	case ARITH_OP_CMP:
		in[0] = rand_operand(MAX_BITS);
		in[1] = rnd_below(4) ? rand_operand(MAX_BITS) : bn_dup(in[0]);
		nin = 2;
		check_scalar(op, 0, in, nin, (uint32_t)sgn(BN_cmp(in[0], in[1])));
		free_all(in, nin);
		return;
	case ARITH_OP_CMPS32: {
		in[0] = rand_operand(rnd_below(2) ? 33 : MAX_BITS);
		int32_t v = (int32_t)(uint32_t)rnd();
		if (rnd_below(4) == 0 && BN_num_bits(in[0]) <= 31) /* equal */
			v = (int32_t)(BN_get_word(in[0]) *
				      (BN_is_negative(in[0]) ? -1 : 1));
		BIGNUM *b = bn_s64(v);
		nin = 1;
		check_scalar(op, (uint32_t)v, in, nin, (uint32_t)sgn(BN_cmp(in[0], b)));
		BN_free(b);
		free_all(in, nin);
		return;
	}
	case ARITH_OP_SHR: {
		in[0] = rand_operand(MAX_BITS);
		nin = 1;
		arg = rnd_below(8) == 0 ? 0xffffffffu
					: rnd_below((uint32_t)BN_num_bits(in[0]) + 40);
		exp[0] = bn_new();
		BIGNUM *m = bn_dup(in[0]);
		BN_set_negative(m, 0);
		if (arg >= (uint32_t)BN_num_bits(m))
			BN_zero(exp[0]);
		else
			assert_true(BN_rshift(exp[0], m, (int)arg));
		BN_set_negative(exp[0], BN_is_negative(in[0]));
		BN_free(m);
		break;
	}
	case ARITH_OP_GETBIT: {
		in[0] = rand_operand(MAX_BITS);
		nin = 1;
		arg = rnd_below(16) == 0 ? 0xffffffffu
					 : rnd_below((uint32_t)BN_num_bits(in[0]) + 40);
		int bit =
		    arg <= (uint32_t)BN_num_bits(in[0]) && BN_is_bit_set(in[0], (int)arg);
		check_scalar(op, arg, in, nin, (uint32_t)bit);
		free_all(in, nin);
		return;
	}
	case ARITH_OP_BITCOUNT:
		in[0] = rand_operand(MAX_BITS);
		nin = 1;
		check_scalar(op, 0, in, nin, (uint32_t)BN_num_bits(in[0]));
		free_all(in, nin);
		return;
	case ARITH_OP_SETBIT: {
		/* Capacity in the TA: the octets sent (with padding), in words. */
		in[0] = rand_operand(MAX_BITS);
		size_t pad = rnd_below(9);
		size_t cap = ((size_t)BN_num_bytes(in[0]) + pad + 3) / 4 * 32;
		arg = rnd_below((uint32_t)cap + 40);
		flags = rnd_below(2) ? ARITH_FLAG_SETVALUE : 0;
		exp[0] = bn_dup(in[0]);
		int neg = BN_is_negative(in[0]);
		uint32_t want = TEEC_SUCCESS;
		if (arg >= cap) {
			want = 0xFFFF300F; /* TEE_ERROR_OVERFLOW, value unchanged */
		} else {
			BN_set_negative(exp[0], 0);
			if (flags)
				assert_true(BN_set_bit(exp[0], (int)arg));
			else if ((int)arg < BN_num_bits(exp[0]))
				assert_true(BN_clear_bit(exp[0], (int)arg));
			BN_set_negative(exp[0], neg);
		}
		struct res r;
		call_pad(&sess, op, arg, flags, 0, in, 1, &pad, &r);
		if (r.rc != TEEC_SUCCESS || r.a != want || r.n != 1 ||
		    BN_cmp(r.v[0], exp[0]))
			mismatch(op, arg, flags, in, 1, &r, exp, 1, "SetBit");
		res_free(&r);
		free_all(in, 1);
		free_all(exp, 1);
		return;
	}
	case ARITH_OP_ASSIGN:
	case ARITH_OP_ABS: {
		in[0] = rand_operand(MAX_BITS);
		nin = 1;
		uint32_t cap = 1 + rnd_below((uint32_t)BN_num_bits(in[0]) + 64);
		int fits = BN_num_bits(in[0]) <= (int)((cap + 31) / 32 * 32);
		struct res r;
		call(op, 0, 0, cap, in, nin, &r);
		BIGNUM *e = bn_dup(in[0]);
		if (op == ARITH_OP_ABS)
			BN_set_negative(e, 0);
		if (r.rc != TEEC_SUCCESS || r.a != (fits ? TEEC_SUCCESS : 0xFFFF300F) ||
		    r.n != (size_t)fits || (fits && BN_cmp(r.v[0], e)))
			mismatch(op, cap, 0, in, nin, &r, &e, 1, "Assign/Abs capacity");
		res_free(&r);
		BN_free(e);
		free_all(in, nin);
		return;
	}
	case ARITH_OP_FROMS32: {
		int32_t v = (int32_t)(uint32_t)rnd();
		if (rnd_below(4) == 0)
			v = rnd_below(2) ? INT32_MIN : INT32_MAX;
		arg = (uint32_t)v;
		exp[0] = bn_s64(v);
		flags = 0;
		break;
	}
	case ARITH_OP_TOS32: {
		in[0] = rand_operand(rnd_below(2) ? 34 : 64);
		nin = 1;
		int fits = BN_num_bits(in[0]) <= 31 ||
			   (BN_is_negative(in[0]) && BN_num_bits(in[0]) == 32 &&
			    BN_get_word(in[0]) == 0x80000000u);
		struct res r;
		call(op, 0, 0, 0, in, nin, &r);
		int64_t v = fits ? (int64_t)BN_get_word(in[0]) : 0;
		if (BN_is_negative(in[0]))
			v = -v;
		if (r.rc != TEEC_SUCCESS || r.a != (fits ? TEEC_SUCCESS : 0xFFFF300F) ||
		    (fits && (int32_t)r.b != v))
			mismatch(op, 0, 0, in, nin, &r, NULL, 0, "ConvertToS32");
		res_free(&r);
		free_all(in, nin);
		return;
	}
	case ARITH_OP_FROMOCTET: {
		in[0] = rand_operand(MAX_BITS);
		nin = 1;
		size_t pad = rnd_below(12);
		uint32_t cap = 1 + rnd_below((uint32_t)BN_num_bits(in[0]) + 64);
		int fits = BN_num_bits(in[0]) <= (int)((cap + 31) / 32 * 32);
		struct res r;
		call_pad(&sess, op, 0, 0, cap, in, nin, &pad, &r);
		if (r.rc != TEEC_SUCCESS || r.a != (fits ? TEEC_SUCCESS : 0xFFFF300F) ||
		    r.n != (size_t)fits || (fits && BN_cmp(r.v[0], in[0])))
			mismatch(op, cap, 0, in, nin, &r, in, 1,
				 "ConvertFromOctetString");
		res_free(&r);
		free_all(in, nin);
		return;
	}
	case ARITH_OP_TOOCTET: {
		in[0] = rand_operand(MAX_BITS);
		nin = 1;
		uint32_t need = (uint32_t)BN_num_bytes(in[0]);
		arg = rnd_below(need + 8);
		struct res r;
		call(op, arg, 0, 0, in, nin, &r);
		int ok = arg >= need;
		BIGNUM *m = bn_dup(in[0]);
		BN_set_negative(m, 0); /* the magnitude only */
		if (r.rc != TEEC_SUCCESS || r.a != (ok ? TEEC_SUCCESS : 0xFFFF0010) ||
		    r.b != need || r.n != (size_t)ok || (ok && BN_cmp(r.v[0], m)))
			mismatch(op, arg, 0, in, nin, &r, &m, 1, "ConvertToOctetString");
		res_free(&r);
		BN_free(m);
		free_all(in, nin);
		return;
	}
	default:
		fail_msg("no random case for op %u", op);
	}
	check(op, arg, flags, in, nin, exp, nexp);
	free_all(in, nin);
	free_all(exp, nexp);
}

/* ---- fixtures --------------------------------------------------------- */

static int group_up(void **state)
{
	(void)state;
	signal(SIGALRM, on_alarm);
	signal(SIGPIPE, SIG_IGN);
	const char *s = getenv("ARITH_SEED");
	seed =
	    s ? strtoull(s, NULL, 0) : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	print_message("test_arith: ARITH_SEED=%#llx\n", (unsigned long long)seed);
	bnctx = BN_CTX_new();
	if (!bnctx)
		return -1;
	if (et_test_up(&inst))
		return -1;
	if (TEEC_InitializeContext(NULL, &ctx) != TEEC_SUCCESS)
		return -1;
	ctx_ok = 1;
	TEEC_UUID u;
	et_test_uuid(ARITH_TA_UUID_STR, &u);
	uint32_t origin = 0;
	if (TEEC_OpenSession(&ctx, &sess, &u, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin) !=
	    TEEC_SUCCESS)
		return -1;
	sess_ok = 1;
	return 0;
}

static int group_down(void **state)
{
	(void)state;
	alarm(0);
	if (sess_ok)
		TEEC_CloseSession(&sess);
	if (ctx_ok)
		TEEC_FinalizeContext(&ctx);
	et_test_down(&inst);
	BN_CTX_free(bnctx);
	return 0;
}

static int test_setup(void **state)
{
	(void)state;
	alarm(TEST_ALARM_S);
	return 0;
}

static int test_teardown(void **state)
{
	(void)state;
	alarm(0);
	return 0;
}

/* ---- tests ------------------------------------------------------------ */

/* Fixed values at the edges: zero, ±1, int32 limits, word boundaries. */
static void test_edges(void **state)
{
	(void)state;
	static const int64_t vals[] = {0,
				       1,
				       -1,
				       2,
				       0x7fffffff,
				       -0x7fffffffLL,
				       -0x80000000LL,
				       0x80000000LL,
				       0xffffffffLL,
				       0x100000000LL,
				       -0x100000000LL};
	const size_t nv = sizeof(vals) / sizeof(vals[0]);
	for (size_t i = 0; i < nv; i++) {
		BIGNUM *a = bn_s64(vals[i]);
		check(ARITH_OP_ROUNDTRIP, 0, 0, &a, 1, &a, 1);
		check_scalar(ARITH_OP_BITCOUNT, 0, &a, 1, (uint32_t)BN_num_bits(a));
		check_scalar(ARITH_OP_CMPS32, 0, &a, 1,
			     BN_is_zero(a)	 ? 0
			     : BN_is_negative(a) ? (uint32_t)-1
						 : 1);
		for (size_t j = 0; j < nv; j++) {
			BIGNUM *in[2] = {a, bn_s64(vals[j])}, *e = bn_new();
			check_scalar(ARITH_OP_CMP, 0, in, 2,
				     (uint32_t)sgn(BN_cmp(in[0], in[1])));
			assert_true(BN_add(e, in[0], in[1]));
			check(ARITH_OP_ADD, 0, 0, in, 2, &e, 1);
			check(ARITH_OP_ADD, 0, ARITH_FLAG_ALIAS, in, 2, &e, 1);
			assert_true(BN_sub(e, in[0], in[1]));
			check(ARITH_OP_SUB, 0, 0, in, 2, &e, 1);
			assert_true(BN_mul(e, in[0], in[1], bnctx));
			check(ARITH_OP_MUL, 0, 0, in, 2, &e, 1);
			if (!BN_is_zero(in[1])) {
				BIGNUM *q = bn_new(), *r = bn_new();
				assert_true(BN_div(q, r, in[0], in[1], bnctx));
				BIGNUM *qr[2] = {q, r};
				check(ARITH_OP_DIV, 0, 0, in, 2, qr, 2);
				check(ARITH_OP_DIV, 0, ARITH_FLAG_ALIAS, in, 2, qr, 2);
				BN_free(q);
				BN_free(r);
			}
			BN_free(in[1]);
			BN_free(e);
		}
		/* CmpS32 against the int32 values themselves. */
		if (vals[i] >= INT32_MIN && vals[i] <= INT32_MAX) {
			check_scalar(ARITH_OP_CMPS32, (uint32_t)(int32_t)vals[i], &a, 1,
				     0);
			BIGNUM *e = bn_s64(vals[i]);
			check(ARITH_OP_FROMS32, (uint32_t)(int32_t)vals[i], 0, NULL, 0,
			      &e, 1);
			BN_free(e);
		}
		BN_free(a);
	}
	/* A zero result of a negative number is not negative zero. */
	BIGNUM *m = bn_s64(-5), *z = bn_s64(0);
	check(ARITH_OP_SHR, 3, 0, &m, 1, &z, 1);
	BIGNUM *ops[2] = {m, m};
	check(ARITH_OP_SUB, 0, 0, ops, 2, &z, 1);
	check(ARITH_OP_NEG, 0, 0, &z, 1, &z, 1);
	BN_free(m);
	BN_free(z);
}

/* Every operation, RANDOM_CASES times in all, against OpenSSL. */
static void test_random(void **state)
{
	(void)state;
	static const uint32_t ops[] = {
	    ARITH_OP_ROUNDTRIP, ARITH_OP_ADD,	 ARITH_OP_SUB,	     ARITH_OP_MUL,
	    ARITH_OP_SQUARE,	ARITH_OP_NEG,	 ARITH_OP_DIV,	     ARITH_OP_MOD,
	    ARITH_OP_ADDMOD,	ARITH_OP_SUBMOD, ARITH_OP_MULMOD,    ARITH_OP_SQUAREMOD,
	    ARITH_OP_INVMOD,	ARITH_OP_EXPMOD, ARITH_OP_GCD,	     ARITH_OP_RELPRIME,
	    ARITH_OP_CMP,	ARITH_OP_CMPS32, ARITH_OP_SHR,	     ARITH_OP_GETBIT,
	    ARITH_OP_BITCOUNT,	ARITH_OP_SETBIT, ARITH_OP_ASSIGN,    ARITH_OP_ABS,
	    ARITH_OP_FROMS32,	ARITH_OP_TOS32,	 ARITH_OP_FROMOCTET, ARITH_OP_TOOCTET,
	    ARITH_OP_FMM};
	const uint32_t nops = sizeof(ops) / sizeof(ops[0]);
	unsigned long before = ncalls;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint32_t i = 0; i < RANDOM_CASES; i++) {
		case_no = (int)i;
		random_case(ops[i % nops]);
	}
	case_no = -1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	print_message("test_random: %u cases, %lu TA operations, %.0f ms\n", RANDOM_CASES,
		      ncalls - before,
		      (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			  (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
}

static void prime_case(const BIGNUM *p, uint32_t level, int32_t want)
{
	BIGNUM *in = bn_dup(p);
	check_scalar(ARITH_OP_PRIME, level, &in, 1, (uint32_t)want);
	BN_free(in);
}

static void test_prime(void **state)
{
	(void)state;
	/* Small numbers, negatives, Carmichael numbers (fool Fermat tests). */
	static const int64_t small[][2] = {{0, 0},
					   {1, 0},
					   {2, 1},
					   {3, 1},
					   {4, 0},
					   {-7, 0},
					   {97, 1},
					   {561, 0},
					   {1105, 0},
					   {41041, 0},
					   {825265, 0},
					   {65537, 1},
					   {2147483647, 1},
					   {4294967297LL, 0},
					   {4294967291LL, 1},
					   {3215031751LL, 0}};
	for (size_t i = 0; i < sizeof(small) / sizeof(small[0]); i++) {
		BIGNUM *b = bn_s64(small[i][0]);
		prime_case(b, 80, (int32_t)small[i][1]);
		BN_free(b);
	}
	/* Generated primes, their products, and p+2 checked by OpenSSL. */
	for (int bits = 64; bits <= 1024; bits *= 2) {
		BIGNUM *p = bn_new(), *q = bn_new(), *n = bn_new();
		assert_true(BN_generate_prime_ex(p, bits, 0, NULL, NULL, NULL));
		assert_true(BN_generate_prime_ex(q, bits, 0, NULL, NULL, NULL));
		prime_case(p, 80, 1);
		prime_case(q, 0, 1);
		prime_case(p, 256, 1); /* above BN_check_prime's own 2^-128 */
		assert_true(BN_mul(n, p, q, bnctx));
		prime_case(n, 80, 0);
		assert_true(BN_add_word(p, 2));
		prime_case(p, 80, BN_check_prime(p, bnctx, NULL));
		BN_set_negative(q, 1);
		prime_case(q, 80, 0);
		BN_free(p);
		BN_free(q);
		BN_free(n);
	}
	/* The RFC 3526 2048-bit MODP prime. */
	BIGNUM *modp = BN_get_rfc3526_prime_2048(NULL);
	assert_non_null(modp);
	prime_case(modp, 100, 1);
	BN_free(modp);
}

/* The return codes GP defines, at their exact boundaries. */
static void test_errors(void **state)
{
	(void)state;
	struct res r;
	/* ConvertToOctetString: SHORT_BUFFER and the size needed. */
	BIGNUM *a = bn_rand_bits(1000);
	call(ARITH_OP_TOOCTET, 124, 0, 0, &a, 1, &r);
	assert_int_equal(r.rc, TEEC_SUCCESS);
	assert_int_equal(r.a, 0xFFFF0010); /* TEE_ERROR_SHORT_BUFFER */
	assert_int_equal(r.b, 125);
	assert_int_equal(r.n, 0);
	call(ARITH_OP_TOOCTET, 125, 0, 0, &a, 1, &r);
	assert_int_equal(r.a, TEEC_SUCCESS);
	assert_int_equal(r.b, 125);
	assert_int_equal(BN_cmp(r.v[0], a), 0);
	res_free(&r);
	BIGNUM *z = bn_s64(0);
	call(ARITH_OP_TOOCTET, 0, 0, 0, &z, 1, &r);
	assert_int_equal(r.a, TEEC_SUCCESS);
	assert_int_equal(r.b, 0);
	res_free(&r);

	/* ConvertFromOctetString: OVERFLOW one bit past the capacity; leading
	 * zero octets are free. */
	BIGNUM *w = bn_new();
	assert_true(BN_set_bit(w, 64)); /* 65 bits */
	call(ARITH_OP_FROMOCTET, 0, 0, 64, &w, 1, &r);
	assert_int_equal(r.a, 0xFFFF300F); /* TEE_ERROR_OVERFLOW */
	assert_int_equal(r.n, 0);
	call(ARITH_OP_FROMOCTET, 0, 0, 65, &w, 1, &r);
	assert_int_equal(r.a, TEEC_SUCCESS);
	assert_int_equal(BN_cmp(r.v[0], w), 0);
	res_free(&r);
	size_t pad = 100;
	call_pad(&sess, ARITH_OP_FROMOCTET, 0, 0, 65, &w, 1, &pad, &r);
	assert_int_equal(r.a, TEEC_SUCCESS);
	assert_int_equal(BN_cmp(r.v[0], w), 0);
	res_free(&r);

	/* ConvertToS32: INT32_MIN and INT32_MAX fit, one more does not. */
	static const struct {
		int64_t v;
		int ok;
	} s32[] = {{INT32_MAX, 1},
		   {INT32_MIN, 1},
		   {(int64_t)INT32_MAX + 1, 0},
		   {(int64_t)INT32_MIN - 1, 0},
		   {0, 1},
		   {0x100000000LL, 0}};
	for (size_t i = 0; i < sizeof(s32) / sizeof(s32[0]); i++) {
		BIGNUM *b = bn_s64(s32[i].v);
		call(ARITH_OP_TOS32, 0, 0, 0, &b, 1, &r);
		assert_int_equal(r.rc, TEEC_SUCCESS);
		assert_int_equal(r.a, s32[i].ok ? TEEC_SUCCESS : 0xFFFF300F);
		if (s32[i].ok)
			assert_int_equal((int32_t)r.b, s32[i].v);
		BN_free(b);
	}

	/* SetBit: the last bit of the capacity works, the next overflows. */
	BIGNUM *one = bn_s64(1);
	size_t p3 = 3; /* 4 octets: one word */
	call_pad(&sess, ARITH_OP_SETBIT, 31, ARITH_FLAG_SETVALUE, 0, &one, 1, &p3, &r);
	assert_int_equal(r.a, TEEC_SUCCESS);
	assert_int_equal(BN_num_bits(r.v[0]), 32);
	res_free(&r);
	call_pad(&sess, ARITH_OP_SETBIT, 32, ARITH_FLAG_SETVALUE, 0, &one, 1, &p3, &r);
	assert_int_equal(r.a, 0xFFFF300F);
	assert_true(BN_is_one(r.v[0]));
	res_free(&r);

	/* Assign / Abs into a destination too small. */
	call(ARITH_OP_ASSIGN, 0, 0, 64, &w, 1, &r);
	assert_int_equal(r.a, 0xFFFF300F);
	call(ARITH_OP_ABS, 0, 0, 64, &w, 1, &r);
	assert_int_equal(r.a, 0xFFFF300F);

	/* ExpMod with an even modulus is supported, not NOT_SUPPORTED. */
	BIGNUM *in[3] = {bn_s64(3), bn_s64(200), bn_s64(1000)}, *e = bn_new();
	assert_true(BN_mod_exp(e, in[0], in[1], in[2], bnctx));
	check(ARITH_OP_EXPMOD, 0, 0, in, 3, &e, 1);
	free_all(in, 3);
	BN_free(e);
	BN_free(a);
	BN_free(z);
	BN_free(w);
	BN_free(one);
}

static void open_arith(TEEC_Session *s)
{
	TEEC_UUID u;
	uint32_t origin = 0;
	et_test_uuid(ARITH_TA_UUID_STR, &u);
	assert_int_equal(
	    TEEC_OpenSession(&ctx, s, &u, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin),
	    TEEC_SUCCESS);
}

static TEEC_Result panic_cmd(TEEC_Session *s, uint32_t which, uint32_t *origin)
{
	TEEC_Operation o;
	memset(&o, 0, sizeof(o));
	o.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	o.params[0].value.a = which;
	return TEEC_InvokeCommand(s, ARITH_CMD_PANIC, &o, origin);
}

/* GP: a result that does not fit, a bad modulus, division by zero, no
 * inverse: the TA is panicked, its client sees TARGET_DEAD from the TEE. */
static void test_panics(void **state)
{
	(void)state;
	uint32_t origin = 0;
	for (uint32_t which = 1; which < ARITH_PANIC_COUNT; which++) {
		TEEC_Session s;
		open_arith(&s);
		assert_int_equal(panic_cmd(&s, ARITH_PANIC_NONE, &origin), TEEC_SUCCESS);
		TEEC_Result r = panic_cmd(&s, which, &origin);
		if (r != TEEC_ERROR_TARGET_DEAD)
			print_error("panic case %u: got %#x\n", which, r);
		assert_int_equal(r, TEEC_ERROR_TARGET_DEAD);
		assert_int_equal(origin, TEEC_ORIGIN_TEE);
		assert_int_equal(panic_cmd(&s, ARITH_PANIC_NONE, &origin),
				 TEEC_ERROR_TARGET_DEAD);
		TEEC_CloseSession(&s);
	}

	/* The same through the generic command: a product into a destination
	 * one word short of it. */
	TEEC_Session s;
	open_arith(&s);
	BIGNUM *in[2] = {bn_rand_bits(100), bn_rand_bits(100)};
	struct res r;
	call_pad(&s, ARITH_OP_MUL, 0, 0, 200, in, 2, NULL, &r);
	assert_int_equal(r.rc, TEEC_SUCCESS); /* 199..200 bits fit in 7 words */
	res_free(&r);
	call_pad(&s, ARITH_OP_MUL, 0, 0, 192, in, 2, NULL, &r);
	assert_int_equal(r.rc, TEEC_ERROR_TARGET_DEAD);
	assert_int_equal(r.origin, TEEC_ORIGIN_TEE);
	TEEC_CloseSession(&s);
	free_all(in, 2);

	/* The long-lived session of the other tests never noticed. */
	BIGNUM *one = bn_s64(1);
	check(ARITH_OP_ROUNDTRIP, 0, 0, &one, 1, &one, 1);
	BN_free(one);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_edges, test_setup, test_teardown),
	    cmocka_unit_test_setup_teardown(test_random, test_setup, test_teardown),
	    cmocka_unit_test_setup_teardown(test_prime, test_setup, test_teardown),
	    cmocka_unit_test_setup_teardown(test_errors, test_setup, test_teardown),
	    cmocka_unit_test_setup_teardown(test_panics, test_setup, test_teardown),
	};
	return cmocka_run_group_tests(tests, group_up, group_down);
}
