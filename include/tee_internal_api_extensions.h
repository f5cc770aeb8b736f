/*
 * edgetee: the OP-TEE extensions to the GP TEE Internal Core API that make
 * sense on edgetee, under OP-TEE's header name and prototypes, so TAs that
 * include <tee_internal_api_extensions.h> build unchanged. Implemented in
 * src/libutee/tee_api_extensions.c.
 *
 * Like OP-TEE's header it also brings <stdio.h> (TAs use snprintf() from
 * it), the trace macros and the extension constants.
 *
 * Not provided, because edgetee has nothing behind them: TEE_InvokeCACommand
 * (OCALLs), tee_map_zi()/tee_unmap(), tee_invoke_supp_plugin().
 */
#ifndef TEE_INTERNAL_API_EXTENSIONS_H
#define TEE_INTERNAL_API_EXTENSIONS_H

#include <stddef.h>
#include <stdio.h>

#include "tee_internal_api.h"
#include "tee_api_defines_extensions.h"
#include "tee_api_types.h"
#include "trace.h"

#ifdef __cplusplus
extern "C" {
#endif

/* OP-TEE's TEE_Malloc() hint: do not zero the allocation. */
#define TEE_USER_MEM_HINT_NO_FILL_ZERO 0x80000000

/*
 * Heap statistics hooks of OP-TEE's old user memory module. edgetee's heap
 * is accounted elsewhere (gpd.ta.dataSize is enforced by the TA runtime),
 * so marking does nothing and the check always reports 0 bytes leaked.
 */
void tee_user_mem_mark_heap(void);
size_t tee_user_mem_check_heap(void);

/*
 * Data cache maintenance on [buf, buf + len) (OP-TEE: only for TAs with
 * TA_FLAG_CACHE_MAINTENANCE). A TA on edgetee is an ordinary process whose
 * memory is kept coherent by the host CPU and kernel, so there is nothing
 * to clean, flush or invalidate: each returns TEE_SUCCESS.
 */
TEE_Result TEE_CacheClean(char *buf, size_t len);
TEE_Result TEE_CacheFlush(char *buf, size_t len);
TEE_Result TEE_CacheInvalidate(char *buf, size_t len);

/*
 * Parse "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (hex digits, either case)
 * into *uuid. Returns TEE_ERROR_BAD_FORMAT for anything else, leaving
 * *uuid unchanged.
 */
TEE_Result tee_uuid_from_str(TEE_UUID *uuid, const char *s);

#ifdef __cplusplus
}
#endif

#endif /* TEE_INTERNAL_API_EXTENSIONS_H */
