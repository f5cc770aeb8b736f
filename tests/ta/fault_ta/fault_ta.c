/*
 * fault_ta: a deliberately badly behaved TA for the fault-containment tests
 * (tests/faults/test_faults.c). Each command breaks something on purpose:
 * crashes (NULL store, abort, TEE_Panic), system calls the sandbox forbids
 * (open, socket, execve), a loop that ignores cancellation, heap exhaustion.
 * The TA is multi-instance, so every session is its own process and the
 * tests can check that the damage stays inside that one process.
 */
#define _GNU_SOURCE
/* System headers before tee_internal_api.h (it defines __unused). */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <tee_internal_api.h>

#include "fault_ta.h"

#define ONE_VALUE(t)                                                                     \
	TEE_PARAM_TYPES(t, TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE)

/* Loaded through a volatile: the compiler cannot see that it is NULL. */
static int *volatile null_ptr;

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t types, TEE_Param params[4], void **ctx)
{
	(void)types;
	(void)params;
	*ctx = NULL;
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *ctx)
{
	(void)ctx;
}

/* Allocate 64 KiB blocks until TEE_Malloc says no; free them all again. */
static TEE_Result heap_exhaust(uint32_t types, TEE_Param params[4])
{
	static void *blocks[1024];
	uint32_t n = 0;
	if (types != ONE_VALUE(TEE_PARAM_TYPE_VALUE_OUTPUT))
		return TEE_ERROR_BAD_PARAMETERS;
	while (n < sizeof(blocks) / sizeof(blocks[0])) {
		void *p = TEE_Malloc(64 * 1024, TEE_MALLOC_FILL_ZERO);
		if (!p)
			break;
		blocks[n++] = p;
	}
	params[0].value.a = n;
	params[0].value.b = 0;
	while (n)
		TEE_Free(blocks[--n]);
	return TEE_SUCCESS;
}

static TEE_Result heap_over(void)
{
	void *p = TEE_Malloc((size_t)FAULT_TA_DATA_SIZE + 1, TEE_MALLOC_FILL_ZERO);
	if (!p)
		return TEE_ERROR_OUT_OF_MEMORY;
	TEE_Free(p);
	return TEE_SUCCESS;
}

TEE_Result TA_InvokeCommandEntryPoint(void *ctx, uint32_t cmd, uint32_t types,
				      TEE_Param params[4])
{
	(void)ctx;
	switch (cmd) {
	case FAULT_CMD_PING:
		if (types != ONE_VALUE(TEE_PARAM_TYPE_VALUE_INOUT))
			return TEE_ERROR_BAD_PARAMETERS;
		params[0].value.a++;
		return TEE_SUCCESS;
	case FAULT_CMD_SEGFAULT:
		*null_ptr = 0x5e6f;
		return TEE_ERROR_GENERIC; /* not reached */
	case FAULT_CMD_ABORT:
		abort();
	case FAULT_CMD_PANIC:
		TEE_Panic(0xBAD);
	case FAULT_CMD_HEAP_EXHAUST:
		return heap_exhaust(types, params);
	case FAULT_CMD_HEAP_OVER:
		return heap_over();
	case FAULT_CMD_FORBIDDEN_SYSCALL: {
		int fd = open("/etc/passwd", O_RDONLY);
		if (fd >= 0)
			close(fd);
		return TEE_ERROR_SECURITY; /* the sandbox should have killed us */
	}
	case FAULT_CMD_FORBIDDEN_SOCKET: {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd >= 0)
			close(fd);
		return TEE_ERROR_SECURITY;
	}
	case FAULT_CMD_FORBIDDEN_EXEC: {
		char *argv[] = {"true", NULL};
		char *envp[] = {NULL};
		execve("/bin/true", argv, envp);
		return TEE_ERROR_SECURITY;
	}
	case FAULT_CMD_LOOP_FOREVER:
		for (;;)
			__asm__ volatile("");
	case FAULT_CMD_WAIT_CANCELLABLE:
		TEE_UnmaskCancellation();
		return TEE_Wait(TEE_TIMEOUT_INFINITE);
	case FAULT_CMD_CHECK_PARAMS:
		if (types != ONE_VALUE(TEE_PARAM_TYPE_VALUE_INPUT))
			return TEE_ERROR_BAD_PARAMETERS;
		return TEE_SUCCESS;
	case FAULT_CMD_SLEEP_MS:
		if (types != ONE_VALUE(TEE_PARAM_TYPE_VALUE_INPUT))
			return TEE_ERROR_BAD_PARAMETERS;
		return TEE_Wait(params[0].value.a);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
