/* peer_ta: a plain TA, one process per session. */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include "core_ta.h"

#define TA_UUID	       PEER_TA_UUID
#define TA_FLAGS       0
#define TA_STACK_SIZE  (16 * 1024)
#define TA_DATA_SIZE   (256 * 1024)
#define TA_VERSION     "1.0"
#define TA_DESCRIPTION "edgetee TA-to-TA peer test TA"

#endif
