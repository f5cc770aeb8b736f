/* storage_ta: one keep-alive instance whose handle slots outlive sessions. */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include "storage_ta.h"

#define TA_UUID STORAGE_TA_UUID
#define TA_FLAGS                                                                         \
	(TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION | TA_FLAG_INSTANCE_KEEP_ALIVE)
#define TA_STACK_SIZE  STORAGE_TA_STACK_SIZE
#define TA_DATA_SIZE   STORAGE_TA_DATA_SIZE
#define TA_VERSION     STORAGE_TA_VERSION
#define TA_DESCRIPTION "edgetee GP Trusted Storage test TA"

#endif
