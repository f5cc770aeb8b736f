/*
 * storage_ta, storage_ta2: driver TAs of the GP Trusted Storage tests
 * (tests/storage). Both are built from tests/ta/storage_ta/storage_ta.c and
 * differ only in their UUID, which is what the isolation tests need: the
 * second TA must not see the first one's objects. UUIDs, command ids and
 * the parameter encoding shared by the TAs and the test programs.
 *
 * Open objects live in handle slots of the (single, keep-alive) TA
 * instance, shared by all its sessions. Every command returns the GP result
 * of the storage call under test unchanged; ST_ERR_MISMATCH is the TA's own
 * "read back different data" answer.
 */
#ifndef STORAGE_TA_H
#define STORAGE_TA_H

#include <stdint.h>

/* clang-format off */
#define STORAGE_TA_UUID \
	{ 0x85ba2a55, 0x23e3, 0x4ed2, { 0xb3, 0x2e, 0x58, 0x5b, 0xc7, 0xa1, 0x6c, 0x8f } }
#define STORAGE_TA_UUID_STR "85ba2a55-23e3-4ed2-b32e-585bc7a16c8f"
#define STORAGE_TA2_UUID \
	{ 0xe6036279, 0x681b, 0x4c30, { 0xba, 0xb7, 0x0c, 0x1c, 0xa6, 0x6d, 0xee, 0xb2 } }
#define STORAGE_TA2_UUID_STR "e6036279-681b-4c30-bab7-0c1ca66deeb2"
/* clang-format on */

#define STORAGE_TA_VERSION    "1.0"
#define STORAGE_TA_STACK_SIZE (32 * 1024)
#define STORAGE_TA_DATA_SIZE  (4 * 1024 * 1024)

#define ST_SLOTS	16	   /* open object handles per TA instance */
#define ST_ERR_MISMATCH 0x8000ED01 /* data read back differs from the pattern */

/* CREATE options (p3.a in). */
#define ST_OPT_CLOSE 0x1 /* close the new object at once (no slot) */
#define ST_OPT_ATTRS 0x2 /* attributes from a fresh AES key of p3.b bits */
#define ST_OPT_NOOUT 0x4 /* pass NULL as the handle pointer (GP allows it) */

/* Key types of KEY_STORE / KEY_USE (p0.a). */
#define ST_KEY_AES256 0
#define ST_KEY_ECP256 1

enum storage_ta_cmd {
	/* p0 VALUE_INPUT a = TEE_DATA_FLAG_*, b = storage id; p1 MEMREF_INPUT
	 * object id; p2 MEMREF_INPUT initial data (or NONE); p3 VALUE_INOUT
	 * in a = ST_OPT_*, b = key bits for ST_OPT_ATTRS; out a = slot. */
	ST_CMD_CREATE = 0,
	/* p0 VALUE_INPUT a = flags, b = storage id; p1 MEMREF_INPUT id;
	 * p3 VALUE_OUTPUT a = slot. */
	ST_CMD_OPEN,
	/* p0 VALUE_INPUT a = slot; p2 MEMREF_OUTPUT buffer (its size is the
	 * count asked for; the memref size comes back as the count read). */
	ST_CMD_READ,
	/* p0 VALUE_INPUT a = slot; p1 MEMREF_INPUT data. */
	ST_CMD_WRITE,
	/* p0 VALUE_INPUT a = slot, b = whence; p1 VALUE_INPUT offset (int64:
	 * a = low 32 bits, b = high 32 bits). */
	ST_CMD_SEEK,
	/* p0 VALUE_INPUT a = slot, b = new size. */
	ST_CMD_TRUNCATE,
	/* p0 VALUE_INPUT a = slot; p1 MEMREF_INPUT new id. */
	ST_CMD_RENAME,
	/* p0 VALUE_INPUT a = slot: TEE_CloseAndDeletePersistentObject1 (the
	 * slot is freed whatever the result). */
	ST_CMD_DELETE,
	/* p0 VALUE_INPUT a = slot. */
	ST_CMD_CLOSE,
	/* p0 VALUE_INPUT a = slot; p2 MEMREF_OUTPUT struct st_info. */
	ST_CMD_INFO,
	/* p0 VALUE_INPUT a = storage id; p2 MEMREF_OUTPUT packed entries: u32
	 * id length, u32 data size, id bytes; p3 VALUE_OUTPUT a = count, b =
	 * result of TEE_StartPersistentObjectEnumerator. SHORT_BUFFER if p2 is
	 * too small. */
	ST_CMD_ENUM,
	/* p0 VALUE_INPUT a = size, b = seed; p1 MEMREF_INPUT id; p3 VALUE_INPUT
	 * a = chunk size (0: 1024), b = extra create flags. Creates the object
	 * (OVERWRITE) and writes size bytes of pattern(seed) chunk by chunk. */
	ST_CMD_WRITE_PATTERN,
	/* p0 VALUE_INPUT a = size, b = seed; p1 MEMREF_INPUT id; p3
	 * VALUE_OUTPUT a = data size found. Opens and reads the whole object:
	 * SUCCESS if it is exactly pattern(seed) of size bytes, ST_ERR_MISMATCH
	 * if the data differs, else the GP error of open/read. */
	ST_CMD_VERIFY_PATTERN,
	/* p0 VALUE_INPUT a = ST_KEY_*; p1 MEMREF_INPUT id. Generates a key,
	 * stores it as a persistent object (no data) and keeps the transient
	 * original in the TA instance. */
	ST_CMD_KEY_STORE,
	/* p0 VALUE_INPUT a = ST_KEY_*; p1 MEMREF_INPUT id; p2 MEMREF_OUTPUT
	 * 16 bytes: AES-ECB of a fixed block under the stored key (AES), or
	 * nothing (EC); p3 VALUE_OUTPUT a = objectType, b = key size in bits.
	 * Reopens the key and uses it; when the transient original still
	 * exists, compares: AES ciphertexts equal, EC signatures of each key
	 * verify under the other. ST_ERR_MISMATCH if they do not. */
	ST_CMD_KEY_USE,
	/* Closes every slot (test clean-up). */
	ST_CMD_CLOSE_ALL,
};

/* TEE_ObjectInfo, as fixed-width fields. */
struct st_info {
	uint32_t objectType, objectSize, maxObjectSize, objectUsage;
	uint32_t dataSize, dataPosition, handleFlags;
};

/* The pattern of WRITE_PATTERN / VERIFY_PATTERN: byte i of seed s. */
static inline uint8_t st_pattern_byte(uint32_t seed, uint32_t i)
{
	uint32_t x = (i / 4) * 2654435761u ^ (seed * 0x9e3779b9u + 0x7f4a7c15u);
	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	x ^= x >> 12;
	return (uint8_t)(x >> (8 * (i % 4)));
}

#endif
