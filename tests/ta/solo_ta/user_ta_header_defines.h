/* solo_ta: a single instance that takes one session at a time. */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include "core_ta.h"

#define TA_UUID	       SOLO_TA_UUID
#define TA_FLAGS       TA_FLAG_SINGLE_INSTANCE
#define TA_STACK_SIZE  (16 * 1024)
#define TA_DATA_SIZE   (64 * 1024)
#define TA_VERSION     "1.0"
#define TA_DESCRIPTION "edgetee single-session test TA"

#endif
