/* fault_ta: multi-instance (one process per session), 256 KiB heap. */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include "fault_ta.h"

#define TA_UUID	       FAULT_TA_UUID
#define TA_FLAGS       0
#define TA_STACK_SIZE  (16 * 1024)
#define TA_DATA_SIZE   FAULT_TA_DATA_SIZE
#define TA_VERSION     "1.0"
#define TA_DESCRIPTION "edgetee fault-containment test TA"

#endif
