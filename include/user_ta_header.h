/*
 * TA header and property declarations, with OP-TEE's names and flag values,
 * so that a TA's user_ta_header_defines.h written for OP-TEE builds here.
 * The per-TA data (UUID, flags, sizes, extra properties) is emitted by
 * user_ta_header.c, compiled into each TA against its own defines.
 */
#ifndef USER_TA_HEADER_H
#define USER_TA_HEADER_H

#include <stdint.h>
#include <tee_api_types.h>

#define TA_FLAG_USER_MODE                 0
#define TA_FLAG_EXEC_DDR                  0
#define TA_FLAG_SINGLE_INSTANCE           (1 << 2)
#define TA_FLAG_MULTI_SESSION             (1 << 3)
#define TA_FLAG_INSTANCE_KEEP_ALIVE       (1 << 4)
#define TA_FLAG_SECURE_DATA_PATH          (1 << 5)
#define TA_FLAG_REMAP_SUPPORT             0
#define TA_FLAG_CACHE_MAINTENANCE         (1 << 7)
#define TA_FLAG_CONCURRENT                (1 << 8)
#define TA_FLAG_DEVICE_ENUM               (1 << 9)
#define TA_FLAG_DEVICE_ENUM_SUPP          (1 << 10)
#define TA_FLAG_DONT_CLOSE_HANDLE_ON_CORRUPT_OBJECT (1 << 11)
#define TA_FLAG_DEVICE_ENUM_TEE_STORAGE_PRIVATE (1 << 12)
#define TA_FLAG_INSTANCE_KEEP_CRASHED     (1 << 13)

enum user_ta_prop_type {
	USER_TA_PROP_TYPE_BOOL,         /* bool */
	USER_TA_PROP_TYPE_U32,          /* uint32_t */
	USER_TA_PROP_TYPE_UUID,         /* TEE_UUID */
	USER_TA_PROP_TYPE_IDENTITY,     /* TEE_Identity */
	USER_TA_PROP_TYPE_STRING,       /* zero terminated string of char */
	USER_TA_PROP_TYPE_BINARY_BLOCK, /* zero terminated base64 coded string */
	USER_TA_PROP_TYPE_U64,          /* uint64_t */
	USER_TA_PROP_TYPE_INVALID,
};

struct user_ta_property {
	const char *name;
	enum user_ta_prop_type type;
	const void *value;
};

/* What the core and the TA runtime read from a loaded TA. */
#define ET_TA_HEAD_MAGIC 0x45544831u /* "ETH1" */

struct et_ta_head {
	uint32_t magic;
	uint32_t flags;
	TEE_UUID uuid;
	uint32_t stack_size;
	uint32_t data_size;
	const char *version;
	const char *description;
};

extern const struct et_ta_head __et_ta_head;
extern const struct user_ta_property ta_props[];
extern const size_t ta_num_props;

#endif
