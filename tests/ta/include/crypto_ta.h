/*
 * crypto_ta: the generic driver TA of the GP Cryptographic Operations API
 * tests (tests/crypto/test_crypto_vectors.c runs published NIST CAVP and RFC
 * known-answer vectors through it, tests/crypto/test_crypto_api.c checks GP
 * error behaviour). UUID, command ids and the parameter encoding shared by
 * the TA and the test programs.
 *
 * Parameters of the vector commands (CT_CMD_DIGEST ... CT_CMD_GENKEY_SIGN):
 *  p0 VALUE_INPUT   a = algorithm (TEE_ALG_*), b = object type of the key
 *                   (TEE_TYPE_*; for CT_CMD_GENKEY_SIGN the type generated)
 *  p1 MEMREF_INPUT  packed items, each: u32 role, u32 attribute id, u32 len,
 *                   then len bytes, back to back (host byte order). Roles
 *                   below; a value attribute is len 8: u32 a, u32 b.
 *  p2 MEMREF_OUTPUT the result bytes; the TA passes the memref size to the
 *                   GP function as the output length and writes the length
 *                   it got back, so TEE_ERROR_SHORT_BUFFER comes back to the
 *                   client with the needed size.
 *  p3 VALUE_INOUT   in: a = key size in bits (maxObjectSize), b = CT_AUX();
 *                   out: per-command results (see each command).
 * The command returns the GP result of the operation under test.
 */
#ifndef CRYPTO_TA_H
#define CRYPTO_TA_H

#include <stdint.h>

/* clang-format off */
#define CRYPTO_TA_UUID \
	{ 0x3af206a6, 0xff56, 0x48f4, { 0xbc, 0x31, 0xb1, 0xfb, 0x33, 0x2f, 0xea, 0xc4 } }
#define CRYPTO_TA_UUID_STR "3af206a6-ff56-48f4-bc31-b1fb332feac4"
/* clang-format on */

#define CRYPTO_TA_VERSION     "1.0"
#define CRYPTO_TA_DESCRIPTION "edgetee GP crypto API known-answer test TA"
#define CRYPTO_TA_STACK_SIZE  (64 * 1024)
#define CRYPTO_TA_DATA_SIZE   (4 * 1024 * 1024)

/* Roles of the packed input items (p1). */
#define CT_ROLE_KEY   1 /* attribute of the (first) key object */
#define CT_ROLE_KEY2  2 /* attribute of the second key object (AES-XTS) */
#define CT_ROLE_PARAM 3 /* attribute passed to the operation itself */
#define CT_ROLE_DATA  4 /* main input: message, digest, payload, ciphertext */
#define CT_ROLE_IV    5 /* IV, nonce or XTS tweak */
#define CT_ROLE_AAD   6 /* AE additional authenticated data */
#define CT_ROLE_TAG   7 /* expected MAC, AE tag or signature to check */

/* p3.b in: tag length in bits (AE), mode (TEE_MODE_*) and flags. */
#define CT_AUX(tagbits, mode, flags)                                                     \
	((uint32_t)(tagbits) | ((uint32_t)(mode) << 16) | ((uint32_t)(flags) << 24))
#define CT_AUX_TAGBITS(x) ((x)&0xFFFF)
#define CT_AUX_MODE(x)	  (((x) >> 16) & 0xFF)
#define CT_AUX_FLAGS(x)	  (((x) >> 24) & 0xFF)

/* Flags: feed the input through Update calls of odd sizes (1, 3, 5, ...,
 * then 17-byte steps) before the final call, to exercise streaming. */
#define CT_F_CHUNKED 0x01

enum crypto_ta_cmd {
	/* DATA -> p2 digest (TEE_DigestUpdate / TEE_DigestDoFinal). */
	CT_CMD_DIGEST = 0,
	/* KEY SECRET_VALUE, [KEY2 SECRET_VALUE for XTS], [IV], DATA; mode in
	 * CT_AUX -> p2 output (TEE_CipherInit / Update / DoFinal). */
	CT_CMD_CIPHER,
	/* KEY SECRET_VALUE, [IV], DATA, [TAG] -> p2 MAC (TEE_MACComputeFinal);
	 * with TAG: p3.a = TEE_MACCompareFinal(TAG), p3.b = the same with the
	 * last byte of TAG flipped (expected TEE_ERROR_MAC_INVALID). */
	CT_CMD_MAC,
	/* KEY SECRET_VALUE, IV (nonce), [AAD], DATA, tag bits and mode in
	 * CT_AUX. ENCRYPT -> p2 = ciphertext || tag; DECRYPT (TAG = tag) ->
	 * p2 = plaintext, or TEE_ERROR_MAC_INVALID. */
	CT_CMD_AE,
	/* Asymmetric: KEY attributes, [PARAM attributes], DATA (digest, message
	 * or ciphertext), [TAG signature]; mode in CT_AUX: TEE_MODE_ENCRYPT,
	 * DECRYPT, SIGN (-> p2 signature) or VERIFY. */
	CT_CMD_ASYM,
	/* Key derivation (ECDH, X25519, HKDF): KEY attributes of the private
	 * key / IKM, PARAM attributes (peer public value, HKDF salt/info/...);
	 * p3.b in = size in bits of the derived TEE_TYPE_GENERIC_SECRET;
	 * -> p2 = its TEE_ATTR_SECRET_VALUE. */
	CT_CMD_DERIVE,
	/* TEE_GenerateKey(p0.b, p3.a bits, PARAM attributes) then sign DATA
	 * (a digest) with p0.a and verify it in the TA. p2 = packed items:
	 * TAG = signature, KEY items = the public attributes (ECC X/Y, Ed25519
	 * or RSA modulus/exponent). p3.a = verify result, p3.b = verify result
	 * with the first digest byte flipped (expect SIGNATURE_INVALID). */
	CT_CMD_GENKEY_SIGN,

	/* ---- GP behaviour (test_crypto_api.c) ---- */
	/* p0 VALUE_INPUT a = algorithm, b = element: returns
	 * TEE_IsAlgorithmSupported(a, b). */
	CT_CMD_IS_SUPPORTED,
	/* p0 VALUE_INPUT a = object type, b = max size: returns
	 * TEE_AllocateTransientObject's result (object freed again). */
	CT_CMD_ALLOC_OBJECT,
	/* p0 VALUE_INPUT a = algorithm, b = mode; p1 VALUE_INPUT a = maxKeySize:
	 * returns TEE_AllocateOperation's result (operation freed again). */
	CT_CMD_ALLOC_OPERATION,
	/* p0 VALUE_INPUT a = CT_MISUSE_*: does what GP says panics the TA. */
	CT_CMD_MISUSE,
	/* p0 MEMREF_OUTPUT struct ct_keyobj_report: key object checks. */
	CT_CMD_KEYOBJ,
};

/* Misuses for CT_CMD_MISUSE; each must end in TEE_Panic. */
enum ct_misuse {
	CT_MISUSE_CIPHER_UPDATE_NO_INIT = 1, /* TEE_CipherUpdate before Init */
	CT_MISUSE_KEY_TYPE,		     /* HMAC key on an AES operation */
	CT_MISUSE_DIGEST_ON_MAC,	     /* TEE_DigestUpdate on a MAC op */
	CT_MISUSE_AE_UPDATE_NO_INIT,	     /* TEE_AEUpdate before AEInit */
	CT_MISUSE_READ_NONEXTRACTABLE,	     /* secret of a non-extractable key */
	CT_MISUSE_KEY_TOO_BIG,		     /* 256-bit key, maxKeySize 128 */
};

/* What CT_CMD_KEYOBJ found (every field a uint32_t). */
struct ct_keyobj_report {
	/* TEE_GetObjectInfo1 of a fresh TEE_TYPE_AES, 256 transient object */
	uint32_t empty_res, empty_type, empty_size, empty_max, empty_usage, empty_flags;
	/* after TEE_GenerateKey(256) */
	uint32_t gen_res;
	uint32_t info_res, info_type, info_size, info_max, info_usage, info_flags;
	/* TEE_GetObjectBufferAttribute(SECRET_VALUE) with an 8-byte buffer */
	uint32_t short_res, short_size;
	/* ... with a 64-byte buffer */
	uint32_t get_res, get_size;
	/* TEE_CopyObjectAttributes1 into a fresh AES/256 object, its info and
	 * whether its SECRET_VALUE equals the source's (1) */
	uint32_t copy_res, copy_size, copy_usage, copy_equal;
	/* TEE_RestrictObjectUsage1(~TEE_USAGE_EXTRACTABLE), objectUsage after,
	 * and an AES-ECB encryption with the restricted key (still allowed) */
	uint32_t restrict_res, restrict_usage, restrict_encrypt_res;
	/* ECDSA P-256 key restricted to SIGN: the public X is still readable,
	 * and TEE_GetObjectValueAttribute(TEE_ATTR_ECC_CURVE) */
	uint32_t ecc_gen_res, ecc_pub_res, ecc_pub_size, ecc_curve_res, ecc_curve;
	/* TEE_GetObjectBufferAttribute of an attribute the object lacks */
	uint32_t missing_res;
};

#endif
