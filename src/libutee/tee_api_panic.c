/*
 * GP Internal Core API 4.9, TEE_Panic. A panic ends the TA instance, never
 * the TEE: the process exits, the core reaps it and marks every session of
 * the instance dead, so their clients get TEE_ERROR_TARGET_DEAD.
 */
#define _GNU_SOURCE
#include <unistd.h>

#include "utee_priv.h"

void TEE_Panic(TEE_Result panicCode)
{
	EMSG("TA panicked with code 0x%08x", panicCode);
	_exit(101);
}
