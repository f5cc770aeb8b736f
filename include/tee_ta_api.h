/*
 * edgetee: the TA interface, i.e. the five entry points every trusted
 * application implements and the framework calls (GP TEE Internal Core API
 * 1.3, section "TA Interface"; signatures as in OP-TEE).
 *
 * Normally reached through tee_internal_api.h; kept as a separate header
 * because OP-TEE has one of this name. Same include guard as OP-TEE's.
 */
#ifndef TEE_TA_API_H
#define TEE_TA_API_H

#include <stdint.h>

#include "tee_api_defines.h"
#include "tee_api_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Entry points must stay visible from the TA's shared object even when it
 * is built with -fvisibility=hidden.
 */
#ifndef TA_EXPORT
#define TA_EXPORT __attribute__((visibility("default")))
#endif

/* Instance constructor. Any result other than TEE_SUCCESS aborts creation. */
TEE_Result TA_EXPORT TA_CreateEntryPoint(void);

/* Instance destructor; no session is open when it is called. */
void TA_EXPORT TA_DestroyEntryPoint(void);

/*
 * A client opens a session. The TA may store a per-session pointer in
 * *sessionContext; it is handed back to the other session entry points.
 */
TEE_Result TA_EXPORT TA_OpenSessionEntryPoint(uint32_t paramTypes,
					      TEE_Param params[TEE_NUM_PARAMS],
					      void **sessionContext);

/* The session is closed; cannot fail. */
void TA_EXPORT TA_CloseSessionEntryPoint(void *sessionContext);

/* A client invokes command commandID within a session. */
TEE_Result TA_EXPORT TA_InvokeCommandEntryPoint(void *sessionContext,
						uint32_t commandID,
						uint32_t paramTypes,
						TEE_Param params[TEE_NUM_PARAMS]);

/* The same two entry points with GP 1.1 parameters (uint32_t memref sizes). */
TEE_Result TA_EXPORT __GP11_TA_OpenSessionEntryPoint(uint32_t paramTypes,
						     __GP11_TEE_Param params[TEE_NUM_PARAMS],
						     void **sessionContext);
TEE_Result TA_EXPORT __GP11_TA_InvokeCommandEntryPoint(void *sessionContext,
						       uint32_t commandID,
						       uint32_t paramTypes,
						       __GP11_TEE_Param params[TEE_NUM_PARAMS]);

#ifdef __cplusplus
}
#endif

#endif /* TEE_TA_API_H */
