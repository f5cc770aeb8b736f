/* The crypto benchmark TA: one instance whose keys outlive its commands. */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include "bench_crypto_ta.h"

#define TA_UUID	      BENCH_CRYPTO_TA_UUID
#define TA_FLAGS      TA_FLAG_SINGLE_INSTANCE
#define TA_STACK_SIZE (32 * 1024)
/* Two 1 MiB buffers (plaintext, ciphertext) from TEE_Malloc plus the
 * operation and key objects: 4 MiB leaves room for allocator overhead. */
#define TA_DATA_SIZE   (4 * 1024 * 1024)
#define TA_VERSION     "1.0"
#define TA_DESCRIPTION "edgetee crypto throughput benchmark TA"

#endif
