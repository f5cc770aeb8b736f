/* keep_ta: a single multi-session instance that outlives its sessions. */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include "core_ta.h"

#define TA_UUID KEEP_TA_UUID
#define TA_FLAGS                                                                         \
	(TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION | TA_FLAG_INSTANCE_KEEP_ALIVE)
#define TA_STACK_SIZE  (16 * 1024)
#define TA_DATA_SIZE   (64 * 1024)
#define TA_VERSION     "1.0"
#define TA_DESCRIPTION "edgetee keep-alive test TA"

#endif
