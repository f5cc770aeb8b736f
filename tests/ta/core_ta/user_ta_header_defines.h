/* core_ta: one instance for all sessions, destroyed after the last one. */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include "core_ta.h"

#define TA_UUID	       CORE_TA_UUID
#define TA_FLAGS       (TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION)
#define TA_STACK_SIZE  CORE_TA_STACK_SIZE
#define TA_DATA_SIZE   CORE_TA_DATA_SIZE
#define TA_VERSION     CORE_TA_VERSION
#define TA_DESCRIPTION CORE_TA_DESCRIPTION

#define TA_CURRENT_TA_EXT_PROPERTIES                                                     \
	{CORE_TA_EXT_STR_NAME, USER_TA_PROP_TYPE_STRING, CORE_TA_EXT_STR_VALUE},         \
	    {CORE_TA_EXT_U32_NAME, USER_TA_PROP_TYPE_U32,                                \
	     &(const uint32_t){CORE_TA_EXT_U32_VALUE}},                                  \
	    {CORE_TA_EXT_BOOL_NAME, USER_TA_PROP_TYPE_BOOL, &(const bool){true}},

#endif
