/* The key-value store TA: one instance, kept alive, so the table outlives
 * the sessions of short-lived clients such as `edgetee-kv`. */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include "kvstore_ta.h"

#define TA_UUID KVSTORE_TA_UUID
#define TA_FLAGS                                                                         \
	(TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION | TA_FLAG_INSTANCE_KEEP_ALIVE)
#define TA_STACK_SIZE (16 * 1024)
/* The benchmark keeps 256 values of 1 KiB (about 280 KiB with node and
 * allocator overhead) and copies batches of that size: 4 MiB leaves room. */
#define TA_DATA_SIZE   (4 * 1024 * 1024)
#define TA_VERSION     "1.0"
#define TA_DESCRIPTION "edgetee key-value store"

#endif
