/*
 * arith_ta (tests/ta/arith_ta) and its host test tests/crypto_arith: the
 * TA runs one GP Arithmetical API operation (TEE_BigInt*) per command on
 * operands the host sends as big-endian octet strings, and sends the
 * results back the same way, so the host can check them against OpenSSL.
 */
#ifndef ARITH_TA_H
#define ARITH_TA_H

/* clang-format off */
/* Multi-instance: every session is its own TA process (panics stay local). */
#define ARITH_TA_UUID \
	{ 0x402816a6, 0x010b, 0x4027, { 0x84, 0x97, 0xe2, 0x63, 0x90, 0xb6, 0x04, 0xad } }
#define ARITH_TA_UUID_STR "402816a6-010b-4027-8497-e26390b604ad"
#define ARITH_TA_DATA_SIZE (1024 * 1024)

/*
 * ARITH_CMD_OP
 *   params[0] VALUE_INOUT   in:  a = ARITH_OP_*, b = scalar argument
 *                           out: a = scalar result, b = second scalar result
 *   params[1] MEMREF_INPUT  operands, each { uint32 neg; uint32 len; len
 *                           octets, big endian magnitude }, back to back
 *   params[2] MEMREF_OUTPUT results in the same format
 *   params[3] VALUE_INPUT   a = ARITH_FLAG_*, b = destination capacity in
 *                           bits (0: just enough for the result)
 * Operands are initialised with TEE_BigIntSizeInU32(8 * len) words, so a
 * host can ask for spare capacity with leading zero octets.
 */
#define ARITH_CMD_OP    0
/* ARITH_CMD_PANIC: params[0] VALUE_INPUT a = ARITH_PANIC_*. Every case but
 * ARITH_PANIC_NONE panics the TA (GP: TEE_Panic), so the session dies. */
#define ARITH_CMD_PANIC 1

#define ARITH_FLAG_ALIAS    0x1 /* the destination is op1's own array */
#define ARITH_FLAG_SETVALUE 0x2 /* ARITH_OP_SETBIT: set (else clear) */

/* op                   operands   results         scalars */
#define ARITH_OP_ROUNDTRIP  0  /* a        a                                */
#define ARITH_OP_ADD        1  /* a b      a+b                              */
#define ARITH_OP_SUB        2  /* a b      a-b                              */
#define ARITH_OP_MUL        3  /* a b      a*b                              */
#define ARITH_OP_SQUARE     4  /* a        a*a                              */
#define ARITH_OP_NEG        5  /* a        -a                               */
#define ARITH_OP_DIV        6  /* a b      q r                              */
#define ARITH_OP_MOD        7  /* a n      a mod n                          */
#define ARITH_OP_ADDMOD     8  /* a b n    a+b mod n                        */
#define ARITH_OP_SUBMOD     9  /* a b n    a-b mod n                        */
#define ARITH_OP_MULMOD     10 /* a b n    a*b mod n                        */
#define ARITH_OP_SQUAREMOD  11 /* a n      a*a mod n                        */
#define ARITH_OP_INVMOD     12 /* a n      a^-1 mod n                       */
#define ARITH_OP_EXPMOD     13 /* a e n    a^e mod n       a = TEE_Result   */
#define ARITH_OP_GCD        14 /* a b      gcd u v                          */
#define ARITH_OP_RELPRIME   15 /* a b                      a = bool         */
#define ARITH_OP_PRIME      16 /* a, b = confidence level  a = int32 result */
#define ARITH_OP_CMP        17 /* a b                      a = int32 result */
#define ARITH_OP_CMPS32     18 /* a, b = int32             a = int32 result */
#define ARITH_OP_SHR        19 /* a, b = bits  a >> b                       */
#define ARITH_OP_GETBIT     20 /* a, b = index             a = bool         */
#define ARITH_OP_BITCOUNT   21 /* a                        a = count        */
#define ARITH_OP_SETBIT     22 /* a, b = index  a'         a = TEE_Result   */
#define ARITH_OP_ASSIGN     23 /* a        a               a = TEE_Result   */
#define ARITH_OP_ABS        24 /* a        |a|             a = TEE_Result   */
#define ARITH_OP_FROMS32    25 /* b = int32  b                              */
#define ARITH_OP_TOS32      26 /* a              a = TEE_Result, b = value  */
#define ARITH_OP_FROMOCTET  27 /* a        a               a = TEE_Result   */
#define ARITH_OP_TOOCTET    28 /* a, b = buffer size  a = TEE_Result,
				  b = size reported; result: the octets      */
#define ARITH_OP_FMM        29 /* a b n    a*b mod n via ConvertToFMM,
				  ComputeFMM, ConvertFromFMM                */

#define ARITH_PANIC_NONE       0 /* control: returns TEE_SUCCESS */
#define ARITH_PANIC_ADD        1 /* 0xffffffff + 1 into one word */
#define ARITH_PANIC_MUL        2 /* 64 x 64 bits into two words */
#define ARITH_PANIC_NEG        3 /* a 33-bit number into one word */
#define ARITH_PANIC_SHR        4 /* 2^95 >> 1 into two words */
#define ARITH_PANIC_FROMS32    5 /* ConvertFromS32(5) into zero capacity */
#define ARITH_PANIC_DIV_ZERO   6 /* 7 / 0 */
#define ARITH_PANIC_MOD_ONE    7 /* 7 mod 1 */
#define ARITH_PANIC_INVMOD     8 /* 6^-1 mod 9 (not invertible) */
#define ARITH_PANIC_EXPMOD     9 /* 3^5 mod 0 */
#define ARITH_PANIC_MULMOD_NEG 10 /* 3*5 mod -7 */
#define ARITH_PANIC_COUNT      11
/* clang-format on */

#endif
