/*
 * The cold-start benchmark TA: neither single-instance nor keep-alive, so
 * every OpenSession starts a new TA process and the last close ends it.
 */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include "bench_cold_ta.h"

#define TA_UUID	       BENCH_COLD_TA_UUID
#define TA_FLAGS       0
#define TA_STACK_SIZE  (16 * 1024)
#define TA_DATA_SIZE   (256 * 1024)
#define TA_VERSION     "1.0"
#define TA_DESCRIPTION "edgetee cold-start benchmark TA"

#endif
