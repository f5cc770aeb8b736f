/*
 * hello_world example: what the TA and its client application share — the
 * TA's UUID and its command ids. Included by both sides.
 */
#ifndef TA_HELLO_WORLD_H
#define TA_HELLO_WORLD_H

/* 1469bd9c-b98b-4706-87ce-1eddcd0052d4 */
#define TA_HELLO_WORLD_UUID                                                              \
	{                                                                                \
		0x1469bd9c, 0xb98b, 0x4706,                                              \
		{                                                                        \
			0x87, 0xce, 0x1e, 0xdd, 0xcd, 0x00, 0x52, 0xd4                   \
		}                                                                        \
	}

/*
 * Commands. Both take one value parameter, TEE_PARAM_TYPE_VALUE_INOUT:
 * value.a in, value.a +/- 1 out.
 */
#define TA_HELLO_WORLD_CMD_INC_VALUE 0
#define TA_HELLO_WORLD_CMD_DEC_VALUE 1

#endif /* TA_HELLO_WORLD_H */
