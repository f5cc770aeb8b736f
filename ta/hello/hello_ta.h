/* The hello-world TA's interface, shared with its host program. */
#ifndef HELLO_TA_H
#define HELLO_TA_H

#define HELLO_TA_UUID                                                                    \
	{                                                                                \
		0x3b8e4a52, 0x9f0d, 0x4c61,                                              \
		{                                                                        \
			0xa7, 0x2e, 0x51, 0x0b, 0xd4, 0x6c, 0x19, 0x8f                   \
		}                                                                        \
	}

#define HELLO_CMD_INC	 0 /* VALUE_INOUT: a += 1 */
#define HELLO_CMD_WHOAMI 1 /* MEMREF_OUTPUT: text describing the client identity */

#endif
