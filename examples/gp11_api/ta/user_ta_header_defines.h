/*
 * gp11_api example: the TA's properties (UUID, flags, stack and heap size,
 * description), read by the dev kit when it builds the TA header.
 */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include <gp11_api_ta.h>

#define TA_UUID TA_GP11_API_UUID

#define TA_FLAGS       TA_FLAG_EXEC_DDR
#define TA_STACK_SIZE  (2 * 1024)
#define TA_DATA_SIZE   (32 * 1024)
#define TA_VERSION     "1.1"
#define TA_DESCRIPTION TA_GP11_API_DESCRIPTION

#endif /* USER_TA_HEADER_DEFINES_H */
