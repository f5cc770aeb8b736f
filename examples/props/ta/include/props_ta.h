/*
 * props example: what the TA and its client application share — the TA's
 * UUID, its command id, the values of its extension properties and the
 * layout of the answer (fixed-size fields only, identical on both sides).
 */
#ifndef TA_PROPS_H
#define TA_PROPS_H

#include <stdint.h>

/* eb035d24-814a-4c95-99ff-45b33ce475fe */
#define TA_PROPS_UUID                                                                    \
	{                                                                                \
		0xeb035d24, 0x814a, 0x4c95,                                              \
		{                                                                        \
			0x99, 0xff, 0x45, 0xb3, 0x3c, 0xe4, 0x75, 0xfe                   \
		}                                                                        \
	}

/*
 * Read every property back through the Property API into a struct
 * props_ta_result in parameter 0 (TEE_PARAM_TYPE_MEMREF_OUTPUT).
 */
#define TA_PROPS_CMD_READ_ALL 0

/* gpd.ta.version and gpd.ta.description */
#define TA_PROPS_VERSION     "2.5.1"
#define TA_PROPS_DESCRIPTION "edgetee example: TA properties"
#define TA_PROPS_DATA_SIZE   (48 * 1024)

/* Values of the TA's extension properties (com.example.edgetee.*) */
#define TA_PROPS_STRING_VALUE "hello from the TA header"
#define TA_PROPS_U32_VALUE    0xC0FFEE
#define TA_PROPS_BOOL_VALUE   1
#define TA_PROPS_U64_VALUE    0x0123456789ABCDEFULL
#define TA_PROPS_UUID_VALUE                                                              \
	{                                                                                \
		0x12345678, 0x9abc, 0x4def,                                              \
		{                                                                        \
			0x80, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07                   \
		}                                                                        \
	}
#define TA_PROPS_IDENTITY_LOGIN 0x00000004 /* TEE_LOGIN_APPLICATION */
#define TA_PROPS_IDENTITY_UUID                                                           \
	{                                                                                \
		0xdeadbeef, 0x1234, 0x5678,                                              \
		{                                                                        \
			0x9a, 0xbc, 0xde, 0xf0, 0x11, 0x22, 0x33, 0x44                   \
		}                                                                        \
	}
/* The binary block is stored as base64 text; these are its bytes. */
#define TA_PROPS_BLOB_BASE64 "ZWRnZXRlZQABAgP/"
#define TA_PROPS_BLOB_BYTES  "edgetee\0\x01\x02\x03\xff"
#define TA_PROPS_BLOB_LEN    12
/* Number of com.example.edgetee.* properties */
#define TA_PROPS_EXT_COUNT 7

/* A UUID as 16 bytes: timeLow, timeMid, timeHiAndVersion in host order. */
struct props_ta_uuid {
	uint32_t time_low;
	uint16_t time_mid;
	uint16_t time_hi_and_version;
	uint8_t clock_seq_and_node[8];
};

struct props_ta_result {
	char string[64];
	char version[16];
	char description[64];
	uint64_t u64;
	uint32_t u32;
	uint32_t boolean;
	struct props_ta_uuid uuid;
	uint32_t identity_login;
	struct props_ta_uuid identity_uuid;
	uint32_t blob_len;
	uint8_t blob[32];
	/* TEE_GetPropertyAsBinaryBlock with a 4-byte buffer: result, length */
	uint32_t blob_short_res;
	uint32_t blob_short_len;
	uint32_t data_size;  /* gpd.ta.dataSize */
	uint32_t ext_count;  /* com.example.edgetee.* names seen by an enumerator */
	uint32_t u32_as_str; /* 1 if the u32 also reads as the string "12648430" */
};

#endif /* TA_PROPS_H */
