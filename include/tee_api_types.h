/*
 * edgetee: data types of the GlobalPlatform TEE Internal Core API used by
 * trusted applications.
 *
 * Layouts follow GP TEE Internal Core API 1.3(.1) as declared by OP-TEE's
 * libutee (size_t lengths in TEE_Param, TEE_Attribute and TEE_ObjectInfo).
 * The GP 1.1 variants (__GP11_*) are intentionally not provided here.
 *
 * The include guard has the same name as OP-TEE's so the two cannot both be
 * processed in one translation unit.
 */
#ifndef TEE_API_TYPES_H
#define TEE_API_TYPES_H

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tee_api_defines.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Common definitions
 * ------------------------------------------------------------------------ */

typedef uint32_t TEE_Result;

/*
 * Same type as the Client API's TEEC_Result (tee_client_api.h declares it
 * identically; repeating a typedef with the same type is valid C11).
 */
typedef uint32_t TEEC_Result;

typedef struct {
	uint32_t timeLow;
	uint16_t timeMid;
	uint16_t timeHiAndVersion;
	uint8_t clockSeqAndNode[8];
} TEE_UUID;

/* Who is calling: login is a TEE_LOGIN_* value, uuid is nil if unused. */
typedef struct {
	uint32_t login;
	TEE_UUID uuid;
} TEE_Identity;

/*
 * One operation parameter as seen by TA entry points and by
 * TEE_OpenTASession()/TEE_InvokeTACommand(). The member to use is selected by
 * the matching nibble of paramTypes.
 */
typedef union {
	struct {
		void *buffer;
		size_t size;
	} memref;
	struct {
		uint32_t a;
		uint32_t b;
	} value;
} TEE_Param;

/* Opaque handles: pointers to structures that are never defined for TAs. */
typedef struct __TEE_TASessionHandle *TEE_TASessionHandle;
typedef struct __TEE_PropSetHandle *TEE_PropSetHandle;
typedef struct __TEE_ObjectHandle *TEE_ObjectHandle;
typedef struct __TEE_ObjectEnumHandle *TEE_ObjectEnumHandle;
typedef struct __TEE_OperationHandle *TEE_OperationHandle;

/* ------------------------------------------------------------------------
 * Trusted storage
 * ------------------------------------------------------------------------ */

typedef uint32_t TEE_ObjectType;

typedef struct {
	uint32_t objectType;
	uint32_t objectSize;
	uint32_t maxObjectSize;
	uint32_t objectUsage;
	size_t dataSize;
	size_t dataPosition;
	uint32_t handleFlags;
} TEE_ObjectInfo;

/* One of TEE_DATA_SEEK_SET / _CUR / _END (see tee_api_defines.h). */
typedef uint32_t TEE_Whence;

typedef struct {
	uint32_t attributeID;
	union {
		struct {
			void *buffer;
			size_t length;
		} ref;
		struct {
			uint32_t a, b;
		} value;
	} content;
} TEE_Attribute;

/* ------------------------------------------------------------------------
 * Cryptographic operations
 * ------------------------------------------------------------------------ */

/*
 * One of TEE_MODE_ENCRYPT ... TEE_MODE_DERIVE. As in OP-TEE this is an
 * integer type and the modes are macros in tee_api_defines.h (an enum with
 * the same names would collide with those macros).
 */
typedef uint32_t TEE_OperationMode;

typedef struct {
	uint32_t algorithm;
	uint32_t operationClass;
	uint32_t mode;
	uint32_t digestLength;
	uint32_t maxKeySize;
	uint32_t keySize;
	uint32_t requiredKeyUsage;
	uint32_t handleState;
} TEE_OperationInfo;

typedef struct {
	uint32_t keySize;
	uint32_t requiredKeyUsage;
} TEE_OperationInfoKey;

typedef struct {
	uint32_t algorithm;
	uint32_t operationClass;
	uint32_t mode;
	uint32_t digestLength;
	uint32_t maxKeySize;
	uint32_t handleState;
	uint32_t operationState;
	uint32_t numberOfKeys;
	TEE_OperationInfoKey keyInformation[];
} TEE_OperationInfoMultiple;

/* ------------------------------------------------------------------------
 * Time
 * ------------------------------------------------------------------------ */

typedef struct {
	uint32_t seconds;
	uint32_t millis;
} TEE_Time;

/* ------------------------------------------------------------------------
 * Arithmetical API: storage units (arrays of these hold the numbers)
 * ------------------------------------------------------------------------ */

typedef uint32_t TEE_BigInt;
typedef uint32_t TEE_BigIntFMM;
typedef uint32_t TEE_BigIntFMMContext;

/* ------------------------------------------------------------------------
 * Secure Element API types (declared by OP-TEE in this header as well)
 * ------------------------------------------------------------------------ */

typedef struct __TEE_SEServiceHandle *TEE_SEServiceHandle;
typedef struct __TEE_SEReaderHandle *TEE_SEReaderHandle;
typedef struct __TEE_SESessionHandle *TEE_SESessionHandle;
typedef struct __TEE_SEChannelHandle *TEE_SEChannelHandle;

typedef struct {
	bool sePresent;
	bool teeOnly;
	bool selectResponseEnable;
} TEE_SEReaderProperties;

typedef struct {
	uint8_t *buffer;
	size_t bufferLen;
} TEE_SEAID;

#define TEE_SE_READER_NAME_MAX	20

/* ------------------------------------------------------------------------
 * Other OP-TEE definitions kept for source compatibility
 * ------------------------------------------------------------------------ */

typedef uint32_t TEE_ErrorOrigin;
typedef void *TEE_Session;

#define TEE_MEM_INPUT   0x00000001
#define TEE_MEM_OUTPUT  0x00000002

#define TEE_MEMREF_0_USED  0x00000001
#define TEE_MEMREF_1_USED  0x00000002
#define TEE_MEMREF_2_USED  0x00000004
#define TEE_MEMREF_3_USED  0x00000008

#ifdef __cplusplus
}
#endif

/*
 * GP 1.1 layouts (uint32_t lengths), used through the __GP11_ names by TAs
 * built for the 1.1 API; see tee_api_compat.h.
 */
typedef union {
	struct {
		void *buffer;
		uint32_t size;
	} memref;
	struct {
		uint32_t a;
		uint32_t b;
	} value;
} __GP11_TEE_Param;

typedef struct {
	uint32_t attributeID;
	union {
		struct {
			void *buffer;
			uint32_t length;
		} ref;
		struct {
			uint32_t a, b;
		} value;
	} content;
} __GP11_TEE_Attribute;

typedef struct {
	uint32_t objectType;
	uint32_t keySize;
	uint32_t maxKeySize;
	uint32_t objectUsage;
	uint32_t dataSize;
	uint32_t dataPosition;
	uint32_t handleFlags;
} __GP11_TEE_ObjectInfo;

#endif /* TEE_API_TYPES_H */
