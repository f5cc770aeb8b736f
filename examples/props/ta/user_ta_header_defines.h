/*
 * props example: the TA's properties, including extension properties of
 * every USER_TA_PROP_TYPE_* (the binary block as base64 text), as an
 * OP-TEE TA declares them. Read by the dev kit when it builds the TA header.
 */
#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include <props_ta.h>

#define TA_UUID TA_PROPS_UUID

#define TA_FLAGS       TA_FLAG_EXEC_DDR
#define TA_STACK_SIZE  (4 * 1024)
#define TA_DATA_SIZE   TA_PROPS_DATA_SIZE
#define TA_VERSION     TA_PROPS_VERSION
#define TA_DESCRIPTION TA_PROPS_DESCRIPTION

#define TA_CURRENT_TA_EXT_PROPERTIES                                                     \
	{"com.example.edgetee.string", USER_TA_PROP_TYPE_STRING, TA_PROPS_STRING_VALUE}, \
	    {"com.example.edgetee.u32", USER_TA_PROP_TYPE_U32,                           \
	     &(const uint32_t){TA_PROPS_U32_VALUE}},                                     \
	    {"com.example.edgetee.bool", USER_TA_PROP_TYPE_BOOL,                         \
	     &(const bool){TA_PROPS_BOOL_VALUE}},                                        \
	    {"com.example.edgetee.uuid", USER_TA_PROP_TYPE_UUID,                         \
	     &(const TEE_UUID)TA_PROPS_UUID_VALUE},                                      \
	    {"com.example.edgetee.identity", USER_TA_PROP_TYPE_IDENTITY,                 \
	     &(const TEE_Identity){TA_PROPS_IDENTITY_LOGIN, TA_PROPS_IDENTITY_UUID}},    \
	    {"com.example.edgetee.u64", USER_TA_PROP_TYPE_U64,                           \
	     &(const uint64_t){TA_PROPS_U64_VALUE}},                                     \
	    {"com.example.edgetee.blob", USER_TA_PROP_TYPE_BINARY_BLOCK,                 \
	     TA_PROPS_BLOB_BASE64},

#endif /* USER_TA_HEADER_DEFINES_H */
