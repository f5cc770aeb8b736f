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

/* [0] MEMREF_INPUT key, [1] MEMREF_INPUT value. OUT_OF_MEMORY: nothing changed. */
#define KV_CMD_PUT 0
/* [0] MEMREF_INPUT key, [1] MEMREF_OUTPUT value. SHORT_BUFFER: [1].size = needed. */
#define KV_CMD_GET 1
/* [0] MEMREF_INPUT key. ITEM_NOT_FOUND if absent (GET too). */
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

#endif
