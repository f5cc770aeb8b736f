/*
 * single_multi example: what the TA and its client application share —
 * the TA's UUID and its command ids.
 */
#ifndef TA_SINGLE_MULTI_H
#define TA_SINGLE_MULTI_H

/* fbaba059-1f7f-47e7-a095-7b363dd50476 */
#define TA_SINGLE_MULTI_UUID                                                             \
	{                                                                                \
		0xfbaba059, 0x1f7f, 0x47e7,                                              \
		{                                                                        \
			0xa0, 0x95, 0x7b, 0x36, 0x3d, 0xd5, 0x04, 0x76                   \
		}                                                                        \
	}

/*
 * Increment the counter shared by every session of the (single) instance
 * and this session's own counter. Parameter 0 (VALUE_OUTPUT): value.a =
 * shared counter, value.b = session counter, both after the increment.
 */
#define TA_SINGLE_MULTI_CMD_INC 0
/*
 * Parameter 0 (VALUE_OUTPUT): value.a = sessions open now, value.b = times
 * TA_CreateEntryPoint ran. Parameter 1 (VALUE_OUTPUT): value.a =
 * gpd.ta.singleInstance, value.b = gpd.ta.multiSession.
 */
#define TA_SINGLE_MULTI_CMD_STATUS 1

#endif /* TA_SINGLE_MULTI_H */
