/*
 * rsa example: what the TA and its client application share — the TA's
 * UUID, its command ids and their parameters.
 *
 * The TA generates an RSA key pair that never leaves it (only the public
 * modulus and exponent do), encrypts and decrypts with RSAES-OAEP
 * (SHA-256, MGF1-SHA-256), signs SHA-256 digests with RSASSA-PSS
 * (SHA-256, MGF1-SHA-256, 32-byte salt) or RSASSA-PKCS1-v1_5, and verifies
 * signatures made by a public key the client gives it.
 */
#ifndef TA_RSA_H
#define TA_RSA_H

/* 16b18a9e-6ddd-4e53-bde2-79c3f38e44e5 */
#define TA_RSA_UUID                                                                      \
	{                                                                                \
		0x16b18a9e, 0x6ddd, 0x4e53,                                              \
		{                                                                        \
			0xbd, 0xe2, 0x79, 0xc3, 0xf3, 0x8e, 0x44, 0xe5                   \
		}                                                                        \
	}

/* Signature schemes (value a of SIGN's and VERIFY's parameter 0). */
#define TA_RSA_SIG_PSS	 0 /* RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32 bytes */
#define TA_RSA_SIG_PKCS1 1 /* RSASSA-PKCS1-v1_5, SHA-256 */

#define TA_RSA_PSS_SALT_SIZE 32
#define TA_RSA_DIGEST_SIZE   32 /* SHA-256 */
#define TA_RSA_MAX_BITS	     4096

/* GEN_KEY: param 0 value in (a: modulus bits, 2048..4096). */
#define TA_RSA_CMD_GEN_KEY 0
/*
 * GET_PUBLIC_KEY: param 0 memref out, the modulus; param 1 memref out, the
 * public exponent (both big-endian, no leading zeros). TEE_ERROR_SHORT_BUFFER
 * with the sizes needed if a buffer is too small.
 */
#define TA_RSA_CMD_GET_PUBLIC_KEY 1
/* ENCRYPT: param 0 memref in, the message; param 1 memref out, the ciphertext. */
#define TA_RSA_CMD_ENCRYPT 2
/*
 * DECRYPT: param 0 memref in, the ciphertext; param 1 memref out, the
 * message. A ciphertext that does not decrypt: TEE_ERROR_CIPHERTEXT_INVALID.
 */
#define TA_RSA_CMD_DECRYPT 3
/*
 * SIGN: param 0 value in (a: TA_RSA_SIG_*), param 1 memref in, the SHA-256
 * digest; param 2 memref out, the signature.
 */
#define TA_RSA_CMD_SIGN 4
/* SET_PEER_KEY: param 0 memref in, modulus; param 1 memref in, exponent. */
#define TA_RSA_CMD_SET_PEER_KEY 5
/*
 * VERIFY: with the peer key, param 0 value in (a: TA_RSA_SIG_*), param 1
 * memref in, the digest; param 2 memref in, the signature. TEE_SUCCESS or
 * TEE_ERROR_SIGNATURE_INVALID.
 */
#define TA_RSA_CMD_VERIFY 6

#endif /* TA_RSA_H */
