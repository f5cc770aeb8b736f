/* The storage benchmark TA: one instance, the object outlives commands. */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include "bench_storage_ta.h"

#define TA_UUID	       BENCH_STORAGE_TA_UUID
#define TA_FLAGS       (TA_FLAG_SINGLE_INSTANCE | TA_FLAG_INSTANCE_KEEP_ALIVE)
#define TA_STACK_SIZE  (32 * 1024)
#define TA_DATA_SIZE   (2 * 1024 * 1024)
#define TA_VERSION     "1.0"
#define TA_DESCRIPTION "edgetee storage benchmark TA (xtest WRITE/READ/REWRITE)"

#endif
