/*
 * The storage benchmark TA (`edgetee bench storage`): OP-TEE xtest's
 * storage benchmark (WRITE, READ, REWRITE of one persistent object in
 * chunks), shared by the TA and src/cli/bench_storage.c.
 */
#ifndef BENCH_STORAGE_TA_H
#define BENCH_STORAGE_TA_H

/* clang-format off */
#define BENCH_STORAGE_TA_UUID \
	{ 0x9d26ab7d, 0xf0fb, 0x4643, { 0x91, 0x93, 0x76, 0x04, 0xbf, 0xaf, 0x0e, 0xf3 } }
#define BENCH_STORAGE_TA_UUID_STR "9d26ab7d-f0fb-4643-9193-7604bfaf0ef3"
/* clang-format on */

#define BS_MAX_CHUNK 4096u

/* What BS_CMD_RUN does (p0.a). */
enum bs_op {
	BS_WRITE = 0, /* create the object, write size bytes chunk by chunk */
	BS_READ,      /* open the existing object, read it chunk by chunk */
	BS_REWRITE,   /* open it; per chunk: read, seek back, write it again */
	BS_OPS
};

enum bench_storage_cmd {
	/* p0 VALUE_INPUT a = size: create the benchmark object holding size
	 * bytes (untimed set-up of READ and REWRITE). */
	BS_CMD_PREPARE = 0,
	/* p0 VALUE_INPUT a = enum bs_op, b = size; p1 VALUE_INPUT a = chunk
	 * size (<= BS_MAX_CHUNK); p2 VALUE_OUTPUT a = bytes moved, b = a check
	 * sum of the bytes read (READ, REWRITE). The loop the client times. */
	BS_CMD_RUN,
	/* Delete the benchmark object (if any). */
	BS_CMD_CLEAN,
	/* p0 VALUE_INPUT a = size; p2 VALUE_OUTPUT a = 1 if the object holds
	 * exactly the bytes PREPARE and REWRITE leave there. */
	BS_CMD_VERIFY,
};

/* Byte i of the benchmark data. */
static inline unsigned char bs_byte(unsigned i)
{
	return (unsigned char)((i * 131u) ^ (i >> 8) ^ 0x5a);
}

#endif
