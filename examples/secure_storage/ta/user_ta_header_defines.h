/*
 * secure_storage example: the TA's properties (UUID, flags, stack and heap
 * size, description), read by the dev kit when it builds the TA header.
 */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include <secure_storage_ta.h>

#define TA_UUID TA_SECURE_STORAGE_UUID

#define TA_FLAGS       TA_FLAG_EXEC_DDR
#define TA_STACK_SIZE  (4 * 1024)
#define TA_DATA_SIZE   (128 * 1024)
#define TA_VERSION     "1.0"
#define TA_DESCRIPTION "edgetee example: GP Trusted Storage objects"

#endif /* USER_TA_HEADER_DEFINES_H */
