/*
 * single_multi example: the TA's properties. One instance serves every
 * session (SINGLE_INSTANCE) and it accepts more than one (MULTI_SESSION).
 */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include <single_multi_ta.h>

#define TA_UUID TA_SINGLE_MULTI_UUID

#define TA_FLAGS       (TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION)
#define TA_STACK_SIZE  (2 * 1024)
#define TA_DATA_SIZE   (32 * 1024)
#define TA_VERSION     "1.0"
#define TA_DESCRIPTION "edgetee example: one instance, many sessions"

#endif /* USER_TA_HEADER_DEFINES_H */
