/* crypto_ta: one instance for all sessions; restarted after a panic. */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include "crypto_ta.h"

#define TA_UUID	       CRYPTO_TA_UUID
#define TA_FLAGS       (TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION)
#define TA_STACK_SIZE  CRYPTO_TA_STACK_SIZE
#define TA_DATA_SIZE   CRYPTO_TA_DATA_SIZE
#define TA_VERSION     CRYPTO_TA_VERSION
#define TA_DESCRIPTION CRYPTO_TA_DESCRIPTION

#endif
