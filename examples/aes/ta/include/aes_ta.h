/*
 * aes example: what the TA and its client application share — the TA's
 * UUID, its command ids and their parameters, and the algorithm and mode
 * values the client passes to TA_AES_CMD_PREPARE.
 *
 * A client prepares an operation (PREPARE), gives it a key (SET_KEY with
 * the key bytes, or GENERATE_KEY for a key that never leaves the TA),
 * starts it with an IV (SET_IV), then ciphers its buffer in place: CIPHER
 * for each chunk but the last, FINAL for the last one (and, for GCM, the
 * tag).
 */
#ifndef TA_AES_H
#define TA_AES_H

/* dea7e2d0-7ae7-48ad-9b2f-af48ce22c968 */
#define TA_AES_UUID                                                                      \
	{                                                                                \
		0xdea7e2d0, 0x7ae7, 0x48ad,                                              \
		{                                                                        \
			0x9b, 0x2f, 0xaf, 0x48, 0xce, 0x22, 0xc9, 0x68                   \
		}                                                                        \
	}

/* Algorithms (value a of PREPARE's parameter 0). */
#define TA_AES_ALGO_CBC 0 /* AES-CBC without padding: whole blocks only */
#define TA_AES_ALGO_CTR 1
#define TA_AES_ALGO_GCM 2 /* 12-byte nonce, 128-bit tag, optional AAD */

/* Directions (value b of PREPARE's parameter 0). */
#define TA_AES_MODE_ENCODE 1
#define TA_AES_MODE_DECODE 0

#define TA_AES_GCM_TAG_SIZE 16

/*
 * PREPARE: param 0 value in (a: TA_AES_ALGO_*, b: TA_AES_MODE_*),
 *          param 1 value in (a: key size in bytes, 16 or 32).
 * A key set or generated before with the same size is kept and set on the
 * new operation, so a generated key can decrypt what it encrypted.
 */
#define TA_AES_CMD_PREPARE 0
/* SET_KEY: param 0 memref in, the key (as many bytes as PREPARE said). */
#define TA_AES_CMD_SET_KEY 1
/* GENERATE_KEY: no parameters; TEE_GenerateKey of PREPARE's key size. */
#define TA_AES_CMD_GENERATE_KEY 2
/*
 * SET_IV: param 0 memref in, the IV (16 bytes; the GCM nonce: 12 bytes),
 *         param 1 memref in or none: GCM additional authenticated data.
 */
#define TA_AES_CMD_SET_IV 3
/* CIPHER: param 0 memref inout, a chunk ciphered in place. */
#define TA_AES_CMD_CIPHER 4
/*
 * FINAL: param 0 memref inout, the last chunk ciphered in place;
 *        GCM: param 1 memref out (encode) or in (decode), the tag.
 * A GCM decode whose tag does not match returns TEE_ERROR_MAC_INVALID and
 * hands back no plaintext (the chunk is zeroed).
 */
#define TA_AES_CMD_FINAL 5

/* The largest chunk one CIPHER or FINAL takes. */
#define TA_AES_MAX_CHUNK (64 * 1024)

#endif /* TA_AES_H */
