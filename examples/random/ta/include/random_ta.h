/*
 * random example: what the TA and its client application share — the TA's
 * UUID, its command id and the largest request it serves.
 */
#ifndef TA_RANDOM_H
#define TA_RANDOM_H

/* d139ecc6-edb8-405c-b38d-af5172f21581 */
#define TA_RANDOM_UUID                                                                   \
	{                                                                                \
		0xd139ecc6, 0xedb8, 0x405c,                                              \
		{                                                                        \
			0xb3, 0x8d, 0xaf, 0x51, 0x72, 0xf2, 0x15, 0x81                   \
		}                                                                        \
	}

/*
 * Fill the buffer of parameter 0 (TEE_PARAM_TYPE_MEMREF_OUTPUT) with random
 * bytes from TEE_GenerateRandom(). At most TA_RANDOM_MAX_SIZE bytes.
 */
#define TA_RANDOM_CMD_GENERATE 0

#define TA_RANDOM_MAX_SIZE 4096

#endif /* TA_RANDOM_H */
