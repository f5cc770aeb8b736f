/*
 * GP Internal Core API 4.11, Memory Management. The TA heap is bounded by
 * the TA's data size (gpd.ta.dataSize): allocations beyond the budget fail
 * with NULL, as on OP-TEE where the heap is a fixed region of that size.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "utee_priv.h"

static size_t heap_limit;
static _Atomic size_t heap_used;
static const void *instance_data;
/* GP: a zero-size allocation returns a valid pointer that must not be used. */
static char zero_sized;

void utee_heap_init(size_t limit)
{
	heap_limit = limit;
}

static int charge(size_t n)
{
	size_t cur = atomic_load(&heap_used);
	do {
		if (n > heap_limit || cur > heap_limit - n)
			return -1;
	} while (!atomic_compare_exchange_weak(&heap_used, &cur, cur + n));
	return 0;
}

static void *alloc(size_t size, int zero)
{
	void *p = zero ? calloc(1, size) : malloc(size);
	if (!p)
		return NULL;
	if (charge(malloc_usable_size(p))) {
		free(p);
		return NULL;
	}
	return p;
}

void *TEE_Malloc(size_t size, uint32_t hint)
{
	/* 0x80000000 is OP-TEE's TEE_USER_MEM_HINT_NO_FILL_ZERO. */
	if (hint & ~(uint32_t)(TEE_MALLOC_NO_FILL | TEE_MALLOC_NO_SHARE | 0x80000000u))
		return NULL;
	if (!size)
		return &zero_sized;
	return alloc(size, !(hint & (TEE_MALLOC_NO_FILL | 0x80000000u)));
}

void TEE_Free(void *buffer)
{
	if (!buffer || buffer == &zero_sized)
		return;
	atomic_fetch_sub(&heap_used, malloc_usable_size(buffer));
	free(buffer);
}

void *TEE_Realloc(void *buffer, size_t newSize)
{
	if (!buffer || buffer == &zero_sized)
		return TEE_Malloc(newSize, TEE_MALLOC_FILL_ZERO);
	if (!newSize) {
		TEE_Free(buffer);
		return &zero_sized;
	}
	size_t old = malloc_usable_size(buffer);
	/* Allocate-copy-free keeps the budget exact and the old block intact on failure.
	 */
	void *n = alloc(newSize, 0);
	if (!n)
		return NULL;
	size_t keep = old < newSize ? old : newSize;
	memcpy(n, buffer, keep);
	if (newSize > keep)
		memset((char *)n + keep, 0, newSize - keep);
	TEE_Free(buffer);
	return n;
}

void *TEE_MemMove(void *dest, const void *src, size_t size)
{
	return memmove(dest, src, size);
}

int32_t TEE_MemCompare(const void *buffer1, const void *buffer2, size_t size)
{
	int r = memcmp(buffer1, buffer2, size);
	return r < 0 ? -1 : r > 0;
}

void TEE_MemFill(void *buff, uint32_t x, size_t size)
{
	memset(buff, (int)(uint8_t)x, size);
}

void TEE_SetInstanceData(const void *instanceData)
{
	instance_data = instanceData;
}

const void *TEE_GetInstanceData(void)
{
	return instance_data;
}

/*
 * Probe one byte per page through the kernel: process_vm_readv on our own
 * pid fails with EFAULT on an unmapped or unreadable page instead of
 * faulting, and writing a byte back with its own value tests writability.
 * Entry points of an instance are serialised, so the write-back is safe.
 */
static int probe(const void *buf, size_t size, int write)
{
	long pg = sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)buf, end = a + size;
	pid_t me = getpid();
	while (a < end) {
		unsigned char b;
		struct iovec local = {&b, 1}, remote = {(void *)a, 1};
		if (process_vm_readv(me, &local, 1, &remote, 1, 0) != 1)
			return -1;
		if (write && process_vm_writev(me, &local, 1, &remote, 1, 0) != 1)
			return -1;
		uintptr_t next = (a | (uintptr_t)(pg - 1)) + 1;
		if (next <= a)
			break;
		a = next;
	}
	uintptr_t last = end - 1;
	if (last >= (uintptr_t)buf) {
		unsigned char b;
		struct iovec local = {&b, 1}, remote = {(void *)last, 1};
		if (process_vm_readv(me, &local, 1, &remote, 1, 0) != 1)
			return -1;
		if (write && process_vm_writev(me, &local, 1, &remote, 1, 0) != 1)
			return -1;
	}
	return 0;
}

TEE_Result TEE_CheckMemoryAccessRights(uint32_t accessFlags, void *buffer, size_t size)
{
	if (accessFlags & ~(uint32_t)(TEE_MEMORY_ACCESS_READ | TEE_MEMORY_ACCESS_WRITE |
				      TEE_MEMORY_ACCESS_ANY_OWNER))
		return TEE_ERROR_ACCESS_DENIED;
	if (!size)
		return TEE_SUCCESS;
	if ((uintptr_t)buffer + size < (uintptr_t)buffer)
		return TEE_ERROR_ACCESS_DENIED;
	uint32_t type;
	if (utee_in_shared(buffer, size, &type)) {
		/* Client memory can change under the TA: only with ANY_OWNER. */
		if (!(accessFlags & TEE_MEMORY_ACCESS_ANY_OWNER))
			return TEE_ERROR_ACCESS_DENIED;
		if ((accessFlags & TEE_MEMORY_ACCESS_WRITE) &&
		    type == TEE_PARAM_TYPE_MEMREF_INPUT)
			return TEE_ERROR_ACCESS_DENIED;
		if ((accessFlags & TEE_MEMORY_ACCESS_READ) &&
		    type == TEE_PARAM_TYPE_MEMREF_OUTPUT)
			return TEE_ERROR_ACCESS_DENIED;
	}
	int want_w = (accessFlags & TEE_MEMORY_ACCESS_WRITE) != 0;
	return probe(buffer, size, want_w) ? TEE_ERROR_ACCESS_DENIED : TEE_SUCCESS;
}

/* ---- GP 1.1 compatibility (uint32_t lengths), see tee_api_compat.h ---- */

TEE_Result __GP11_TEE_CheckMemoryAccessRights(uint32_t accessFlags, void *buffer,
					      uint32_t size)
{
	return TEE_CheckMemoryAccessRights(accessFlags, buffer, size);
}

void *__GP11_TEE_Malloc(uint32_t size, uint32_t hint)
{
	return TEE_Malloc(size, hint);
}

void *__GP11_TEE_Realloc(void *buffer, uint32_t newSize)
{
	return TEE_Realloc(buffer, newSize);
}

void *__GP11_TEE_MemMove(void *dest, const void *src, uint32_t size)
{
	return TEE_MemMove(dest, src, size);
}

int32_t __GP11_TEE_MemCompare(const void *buffer1, const void *buffer2, uint32_t size)
{
	return TEE_MemCompare(buffer1, buffer2, size);
}

void __GP11_TEE_MemFill(void *buff, uint32_t x, uint32_t size)
{
	TEE_MemFill(buff, x, size);
}
