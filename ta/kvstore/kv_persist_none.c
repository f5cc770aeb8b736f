/*
 * kv_persist for a build without GP Trusted Storage: the persistent mode
 * cannot be opened, so a client asking for it gets TEE_ERROR_NOT_SUPPORTED
 * at OpenSession instead of a table that would silently be lost.
 */
#include "kv_persist.h"

TEE_Result kv_persist_open(struct kv_persist **p, struct kv_table *t)
{
	(void)t;
	*p = NULL;
	return TEE_ERROR_NOT_SUPPORTED;
}

TEE_Result kv_persist_commit(struct kv_persist *p, const struct kv_table *t,
			     uint32_t chain)
{
	(void)p;
	(void)t;
	(void)chain;
	return TEE_ERROR_NOT_SUPPORTED;
}

TEE_Result kv_persist_clear(struct kv_persist *p)
{
	(void)p;
	return TEE_ERROR_NOT_SUPPORTED;
}

void kv_persist_close(struct kv_persist *p)
{
	(void)p;
}
