/*
 * gp11_api example: what the GP 1.1 TA and its client application share —
 * the TA's UUID, its command ids and its description string.
 */
#ifndef TA_GP11_API_H
#define TA_GP11_API_H

/* 87f1730a-6572-42e8-b3c6-0cdb6a0782c8 */
#define TA_GP11_API_UUID                                                                 \
	{                                                                                \
		0x87f1730a, 0x6572, 0x42e8,                                              \
		{                                                                        \
			0xb3, 0xc6, 0x0c, 0xdb, 0x6a, 0x07, 0x82, 0xc8                   \
		}                                                                        \
	}

/*
 * Reverse the bytes of parameter 0 (TEE_PARAM_TYPE_MEMREF_INOUT) in place;
 * parameter 1 (VALUE_OUTPUT) gets value.a = bytes seen, value.b = 1.
 */
#define TA_GP11_API_CMD_REVERSE 0
/*
 * Copy the TA's gpd.ta.description, NUL included, into parameter 0
 * (TEE_PARAM_TYPE_MEMREF_OUTPUT). Too small a buffer gives
 * TEE_ERROR_SHORT_BUFFER and the size needed in memref.size.
 */
#define TA_GP11_API_CMD_GET_DESCRIPTION 1

#define TA_GP11_API_DESCRIPTION "edgetee example: a GP 1.1 TA with uint32_t lengths"

#endif /* TA_GP11_API_H */
