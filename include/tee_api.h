/*
 * edgetee: compatibility header. OP-TEE TAs sometimes include <tee_api.h>
 * instead of <tee_internal_api.h>; both give the complete GP TEE Internal
 * Core API 1.3 (as in OP-TEE). Same include guard name as OP-TEE's.
 */
#ifndef TEE_API_H
#define TEE_API_H

#include "tee_internal_api.h"

#endif /* TEE_API_H */
