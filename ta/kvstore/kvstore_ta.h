/*
 * The key-value store TA's interface, shared by the TA, its client library
 * (host/kv) and `edgetee bench kv`. Keys and values are byte strings; a
 * memref parameter declared INPUT also accepts INOUT, OUTPUT also INOUT
 * (a WHOLE memref of an INOUT shared block reaches the TA as INOUT).
 */
#ifndef KVSTORE_TA_H
#define KVSTORE_TA_H

#define KVSTORE_TA_UUID                                                                  \
	{                                                                                \
		0xdf157ed8, 0x0332, 0x472f,                                              \
		{                                                                        \
			0x80, 0xae, 0x3b, 0xb0, 0x17, 0x2a, 0x87, 0xd7                   \
		}                                                                        \
	}
#define KVSTORE_TA_UUID_STR "df157ed8-0332-472f-80ae-3bb0172a87d7"

/*
 * OpenSession: no parameters, or [0] VALUE_INPUT a = KV_OPEN_* flags.
 * KV_OPEN_PERSISTENT selects the table kept in GP trusted storage (loaded
 * when the first such session opens; every PUT, DEL, BATCH and CLEAR on it
 * is durable when it is answered, a BATCH all or nothing across chains).
 * Its errors are the storage's (e.g. CORRUPT_OBJECT, STORAGE_NO_SPACE).
 */
#define KV_OPEN_PERSISTENT 0x1u

/*
 * PUT, GET and DEL take the key in [0]: a MEMREF_INPUT, or, for a key of at
 * most KV_SMALL_KEY_MAX bytes, a VALUE_INPUT (kv_small_key_pack) so that
 * a small key travels in the invocation itself and the TA touches no
 * shared memory to read it (the DAIS study passed its integer keys so).
 */
#define KV_SMALL_KEY_MAX 7u

/* [0] key, [1] MEMREF_INPUT value. OUT_OF_MEMORY: nothing changed. */
#define KV_CMD_PUT 0
/* [0] key, [1] MEMREF_OUTPUT value. SHORT_BUFFER: [1].size = needed. */
#define KV_CMD_GET 1
/* [0] key. ITEM_NOT_FOUND if absent (GET too). */
#define KV_CMD_DEL 2
/*
 * [0] VALUE_INOUT in a = index of the first key; out a = keys in this page,
 * b = keys in the table. [1] MEMREF_OUTPUT: per key u32 length (LE) and
 * the key bytes. SHORT_BUFFER if not even one key fits ([1].size = needed).
 */
#define KV_CMD_LIST 3
/* [0] VALUE_OUTPUT a = keys, b = key + value bytes held. */
#define KV_CMD_COUNT 4
/* [0] MEMREF_INPUT request, [1] MEMREF_OUTPUT response (src/kv/kv_batch.h).
 * BAD_PARAMETERS: malformed, nothing ran. SHORT_BUFFER: [1].size = minimum. */
#define KV_CMD_BATCH 5
/* No parameters: drop every key (benchmarks reset between points). */
#define KV_CMD_CLEAR 6

#include <stddef.h>
#include <stdint.h>

/* A small key as VALUE_INPUT: a = bytes 0..3, b = bytes 4..6 | length << 24
 * (little endian). klen must be 1..KV_SMALL_KEY_MAX. */
static inline void kv_small_key_pack(const void *key, size_t klen, uint32_t *a,
				     uint32_t *b)
{
	const unsigned char *k = key;
	uint64_t v = 0;
	for (size_t i = 0; i < klen; i++)
		v |= (uint64_t)k[i] << (8 * i);
	*a = (uint32_t)v;
	*b = (uint32_t)(v >> 32) | (uint32_t)klen << 24;
}

/* The key back into k[KV_SMALL_KEY_MAX]; its length, 0 if malformed. */
static inline size_t kv_small_key_unpack(uint32_t a, uint32_t b, unsigned char *k)
{
	size_t klen = b >> 24;
	uint64_t v = a | (uint64_t)(b & 0xFFFFFFu) << 32;
	if (!klen || klen > KV_SMALL_KEY_MAX || v >> (8 * klen))
		return 0;
	for (size_t i = 0; i < klen; i++)
		k[i] = (unsigned char)(v >> (8 * i));
	return klen;
}

#endif
