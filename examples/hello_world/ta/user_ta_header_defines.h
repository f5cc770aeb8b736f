/*
 * hello_world example: the TA's properties, read by the dev kit when it
 * builds the TA header (UUID, flags, stack and heap size, description).
 */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include <hello_world_ta.h>

#define TA_UUID TA_HELLO_WORLD_UUID

/* TA_FLAG_EXEC_DDR is an OP-TEE leftover: accepted, means nothing. */
#define TA_FLAGS       TA_FLAG_EXEC_DDR
#define TA_STACK_SIZE  (2 * 1024)
#define TA_DATA_SIZE   (32 * 1024)
#define TA_VERSION     "1.0"
#define TA_DESCRIPTION "edgetee example: hello world"

#endif /* USER_TA_HEADER_DEFINES_H */
