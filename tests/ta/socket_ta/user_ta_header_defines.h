/* socket_ta: one instance for all sessions (its socket table is shared). */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include "socket_ta.h"

#define TA_UUID	       SOCKET_TA_UUID
#define TA_FLAGS       (TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION)
#define TA_STACK_SIZE  SOCKET_TA_STACK_SIZE
#define TA_DATA_SIZE   SOCKET_TA_DATA_SIZE
#define TA_DESCRIPTION "edgetee GP Sockets API test TA"

#endif
