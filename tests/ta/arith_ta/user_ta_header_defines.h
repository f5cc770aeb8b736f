/* arith_ta: multi-instance (one process per session), 1 MiB heap. */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include "arith_ta.h"

#define TA_UUID	       ARITH_TA_UUID
#define TA_FLAGS       0
#define TA_STACK_SIZE  (64 * 1024)
#define TA_DATA_SIZE   ARITH_TA_DATA_SIZE
#define TA_VERSION     "1.0"
#define TA_DESCRIPTION "edgetee Arithmetical API test TA"

#endif
