/*
 * Test TAs for the GP core-semantics integration tests (tests/core): UUIDs,
 * header values and command ids shared by the TAs and the test programs.
 *
 *  core_ta: SINGLE_INSTANCE | MULTI_SESSION, no keep-alive; the
 *           multi-purpose TA (parameters, properties, time, cancellation,
 *           TA-to-TA, memory).
 *  peer_ta: a plain TA (a process per session), the target of core_ta's
 *           TA-to-TA calls.
 *  solo_ta: SINGLE_INSTANCE without MULTI_SESSION (TEEC_ERROR_BUSY).
 *  keep_ta: SINGLE_INSTANCE | MULTI_SESSION | INSTANCE_KEEP_ALIVE.
 */
#ifndef CORE_TA_H
#define CORE_TA_H

/* ---- core_ta ------------------------------------------------------------ */
#define CORE_TA_UUID                                                                     \
	{                                                                                \
		0xa47458d0, 0xe528, 0x41cf,                                              \
		{                                                                        \
			0x89, 0x4b, 0x1f, 0xc2, 0xdd, 0xae, 0x6e, 0xb8                   \
		}                                                                        \
	}
#define CORE_TA_UUID_STR "a47458d0-e528-41cf-894b-1fc2ddae6eb8"
/* The same UUID in RFC 4122 byte order, as identities carry it. */
#define CORE_TA_UUID_BYTES                                                               \
	{                                                                                \
		0xa4, 0x74, 0x58, 0xd0, 0xe5, 0x28, 0x41, 0xcf, 0x89, 0x4b, 0x1f, 0xc2,  \
		    0xdd, 0xae, 0x6e, 0xb8                                               \
	}

#define CORE_TA_VERSION	    "3.14"
#define CORE_TA_DESCRIPTION "edgetee core semantics test TA"
#define CORE_TA_STACK_SIZE  (64 * 1024)
#define CORE_TA_DATA_SIZE   (1024 * 1024)

/* Extension properties (TA_CURRENT_TA_EXT_PROPERTIES) of core_ta. */
#define CORE_TA_EXT_STR_NAME  "org.edgetee.test.string"
#define CORE_TA_EXT_STR_VALUE "hello properties"
#define CORE_TA_EXT_U32_NAME  "org.edgetee.test.u32"
#define CORE_TA_EXT_U32_VALUE 0xC0FFEEu
#define CORE_TA_EXT_BOOL_NAME "org.edgetee.test.bool"

/* Property set selector (value.a) of the GET_PROP_* / ENUM commands. */
#define CORE_PROPSET_TA	    0
#define CORE_PROPSET_CLIENT 1
#define CORE_PROPSET_TEE    2

/* Size of an identity as GET_CLIENT_IDENTITY and peer ECHO return it:
 * login (uint32_t, host order) then the UUID in RFC 4122 byte order. */
#define CORE_IDENTITY_SIZE 20

enum core_ta_cmd {
	/* p0 VALUE_INOUT: a = a + 1, b = ~b */
	CORE_CMD_ECHO_VALUE = 0,
	/* p0 MEMREF_OUTPUT, p1 VALUE_INPUT (a = byte, b = length): fill length
	 * bytes; a memref smaller than length gets size = length and
	 * TEE_ERROR_SHORT_BUFFER. */
	CORE_CMD_FILL,
	/* p0 MEMREF_INPUT, p1 VALUE_OUTPUT: a = byte sum, b = size seen */
	CORE_CMD_SUM,
	/* p0 MEMREF_INOUT: reversed in place */
	CORE_CMD_REVERSE,
	/* p0 MEMREF_OUTPUT (CORE_IDENTITY_SIZE): gpd.client.identity */
	CORE_CMD_GET_CLIENT_IDENTITY,
	/* p0 MEMREF_INPUT name (no terminating zero needed), p1 VALUE_INPUT
	 * a = CORE_PROPSET_*; STRING: p2 MEMREF_OUTPUT (size updated, also on
	 * SHORT_BUFFER); U32/BOOL: p2 VALUE_OUTPUT a */
	CORE_CMD_GET_PROP_STRING,
	CORE_CMD_GET_PROP_U32,
	CORE_CMD_GET_PROP_BOOL,
	/* p0 MEMREF_OUTPUT: property names joined by '\n' (size updated);
	 * optional p1 VALUE_INPUT a = CORE_PROPSET_* (default CURRENT_TA) */
	CORE_CMD_ENUM_TA_PROPS,
	/* p0 VALUE_OUTPUT: a = ++counter of the instance */
	CORE_CMD_INSTANCE_COUNTER,
	/* p0 VALUE_INPUT a: stored with TEE_SetInstanceData */
	CORE_CMD_SET_INSTANCE_DATA,
	/* p0 VALUE_OUTPUT: a = stored value, b = 1 if instance data is set */
	CORE_CMD_GET_INSTANCE_DATA,
	/* p0 VALUE_OUTPUT: seconds, millis; returns TEE_GetTAPersistentTime's result */
	CORE_CMD_PTIME_GET,
	/* p0 VALUE_INPUT: seconds, millis */
	CORE_CMD_PTIME_SET,
	/* p0 VALUE_OUTPUT system time, p1 VALUE_OUTPUT REE time (seconds, millis) */
	CORE_CMD_SYSTIME,
	/* p0 VALUE_INPUT a = ms; p1 VALUE_OUTPUT a = what TEE_UnmaskCancellation
	 * returned (1 = was masked); returns TEE_Wait's result (masked again
	 * afterwards) */
	CORE_CMD_WAIT_UNMASKED,
	/* p0 VALUE_INPUT a = ms; p1 VALUE_OUTPUT a = TEE_GetCancellationFlag()
	 * after the wait, b = ms waited (system time); returns TEE_Wait's result */
	CORE_CMD_WAIT_MASKED,
	/* p0 VALUE_OUTPUT: a = 1 if TEE_GetCancellationFlag() became true while
	 * unmasked, b = the flag as read after masking again; returns
	 * TEE_ERROR_CANCEL when seen, TEE_ERROR_TIMEOUT after 10 s */
	CORE_CMD_CANCEL_FLAG_LOOP,
	/* p0 VALUE_INOUT (a sent to peer ECHO, peer's answer back),
	 * p1 MEMREF_INOUT (reversed by the peer), p2 MEMREF_OUTPUT
	 * (CORE_IDENTITY_SIZE: the identity the peer saw), p3 VALUE_OUTPUT
	 * (a = open result, b = invoke result) */
	CORE_CMD_TA2TA,
	/* p0 MEMREF_INPUT or MEMREF_INOUT; results of TEE_CheckMemoryAccessRights:
	 * p1 VALUE_OUTPUT a = READ on p0, b = READ|ANY_OWNER on p0;
	 * p2 VALUE_OUTPUT a = READ|WRITE|ANY_OWNER on p0, b = READ|WRITE on a
	 *   TEE_Malloc'd buffer;
	 * p3 VALUE_OUTPUT a = WRITE on read-only data, b = READ on an unmapped
	 *   address */
	CORE_CMD_CHECK_ACCESS,
	/* p0 VALUE_OUTPUT: a = bit mask of failed TEE_Malloc/TEE_Realloc
	 * checks (0 = all passed), b = number of checks */
	CORE_CMD_MALLOC_ZERO,
	/* p0 MEMREF_INOUT (>= 2 bytes): the TA sets byte 0 to 1, then waits
	 * (up to 10 s) for the client to set byte 1 while the command is still
	 * running: only memory both sides map passes this. TEE_SUCCESS, or
	 * TEE_ERROR_TIMEOUT. */
	CORE_CMD_SHM_HANDSHAKE,
};

/* ---- peer_ta ------------------------------------------------------------ */
#define PEER_TA_UUID                                                                     \
	{                                                                                \
		0xabf922c7, 0x2dee, 0x4860,                                              \
		{                                                                        \
			0xa7, 0x93, 0x05, 0xae, 0x92, 0x33, 0xdb, 0x6c                   \
		}                                                                        \
	}
#define PEER_TA_UUID_STR "abf922c7-2dee-4860-a793-05ae9233db6c"

enum peer_ta_cmd {
	/* p0 VALUE_INOUT: a = a + 1; p1 MEMREF_INOUT: reversed;
	 * p2 MEMREF_OUTPUT (CORE_IDENTITY_SIZE): the caller's identity;
	 * p3 VALUE_OUTPUT: a = 1 if the caller is TEE_LOGIN_TRUSTED_APP with
	 * core_ta's UUID */
	PEER_CMD_ECHO = 0,
	/* p0 VALUE_OUTPUT: a = ++counter of this instance */
	PEER_CMD_COUNTER,
};

/* ---- solo_ta ------------------------------------------------------------ */
#define SOLO_TA_UUID                                                                     \
	{                                                                                \
		0xfeafdff1, 0x37ea, 0x43a2,                                              \
		{                                                                        \
			0xb3, 0xb0, 0xe1, 0xbb, 0x1b, 0xd9, 0x34, 0xe0                   \
		}                                                                        \
	}
#define SOLO_TA_UUID_STR "feafdff1-37ea-43a2-b3b0-e1bb1bd934e0"

/* ---- keep_ta ------------------------------------------------------------ */
#define KEEP_TA_UUID                                                                     \
	{                                                                                \
		0x7e4e3fec, 0x3479, 0x4df9,                                              \
		{                                                                        \
			0xbf, 0x61, 0x05, 0xf2, 0xeb, 0x9c, 0xc1, 0x0f                   \
		}                                                                        \
	}
#define KEEP_TA_UUID_STR "7e4e3fec-3479-4df9-bf61-05f2eb9cc10f"

/* Commands of solo_ta and keep_ta. */
enum small_ta_cmd {
	/* p0 VALUE_OUTPUT: a = ++counter of the instance */
	SMALL_CMD_COUNTER = 0,
	/* p0 VALUE_OUTPUT: seconds, millis; returns TEE_GetTAPersistentTime's result */
	SMALL_CMD_PTIME_GET,
};

#endif
