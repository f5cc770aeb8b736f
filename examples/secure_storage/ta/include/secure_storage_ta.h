/*
 * secure_storage example: what the TA and its client application share —
 * the TA's UUID, its command ids and their parameters. Objects live in
 * TEE_STORAGE_PRIVATE, named by the client's object id.
 */
#ifndef TA_SECURE_STORAGE_H
#define TA_SECURE_STORAGE_H

/* 140789a0-7504-465b-8954-35adfdaaaf12 */
#define TA_SECURE_STORAGE_UUID                                                           \
	{                                                                                \
		0x140789a0, 0x7504, 0x465b,                                              \
		{                                                                        \
			0x89, 0x54, 0x35, 0xad, 0xfd, 0xaa, 0xaf, 0x12                   \
		}                                                                        \
	}

/*
 * WRITE_RAW: param 0 memref in, the object id; param 1 memref in, the data.
 * Creates the object, or replaces it if it exists.
 */
#define TA_SECURE_STORAGE_CMD_WRITE_RAW 0
/*
 * READ_RAW: param 0 memref in, the object id; param 1 memref out, the data.
 * TEE_ERROR_ITEM_NOT_FOUND if there is no such object,
 * TEE_ERROR_SHORT_BUFFER (with the size needed) if param 1 is too small.
 */
#define TA_SECURE_STORAGE_CMD_READ_RAW 1
/* DELETE: param 0 memref in, the object id. TEE_ERROR_ITEM_NOT_FOUND if none. */
#define TA_SECURE_STORAGE_CMD_DELETE 2

#define TA_SECURE_STORAGE_MAX_ID   64 /* TEE_OBJECT_ID_MAX_LEN */
#define TA_SECURE_STORAGE_MAX_DATA (32 * 1024)

#endif /* TA_SECURE_STORAGE_H */
