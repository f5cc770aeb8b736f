/*
 * OP-TEE extensions to the GP Internal Core API (tee_internal_api_extensions.h)
 * that have a meaning on edgetee: cache maintenance (nothing to maintain:
 * a TA is a coherent user process), the old heap mark/check hooks (no-ops)
 * and tee_uuid_from_str().
 */
#define _GNU_SOURCE
#include <string.h>
#include <tee_internal_api.h>
#include <tee_internal_api_extensions.h>

void tee_user_mem_mark_heap(void)
{
}

size_t tee_user_mem_check_heap(void)
{
	return 0;
}

TEE_Result TEE_CacheClean(char *buf, size_t len)
{
	(void)buf;
	(void)len;
	return TEE_SUCCESS;
}

TEE_Result TEE_CacheFlush(char *buf, size_t len)
{
	(void)buf;
	(void)len;
	return TEE_SUCCESS;
}

TEE_Result TEE_CacheInvalidate(char *buf, size_t len)
{
	(void)buf;
	(void)len;
	return TEE_SUCCESS;
}

/* Value of n hex digits at s, or -1 if one of them is not a hex digit. */
static int64_t hex_field(const char *s, size_t n)
{
	int64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		v = (v << 4) | d;
	}
	return v;
}

TEE_Result tee_uuid_from_str(TEE_UUID *uuid, const char *s)
{
	/* Offsets of the hex groups in "8-4-4-4-12" and their lengths. */
	static const struct {
		unsigned char off, len;
	} grp[] = {{0, 8},  {9, 4},  {14, 4}, {19, 2}, {21, 2}, {24, 2},
		   {26, 2}, {28, 2}, {30, 2}, {32, 2}, {34, 2}};
	int64_t v[sizeof(grp) / sizeof(grp[0])];
	TEE_UUID u;

	if (!uuid || !s || strnlen(s, 37) != 36)
		return TEE_ERROR_BAD_FORMAT;
	if (s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
		return TEE_ERROR_BAD_FORMAT;
	for (size_t i = 0; i < sizeof(grp) / sizeof(grp[0]); i++) {
		v[i] = hex_field(s + grp[i].off, grp[i].len);
		if (v[i] < 0)
			return TEE_ERROR_BAD_FORMAT;
	}
	u.timeLow = (uint32_t)v[0];
	u.timeMid = (uint16_t)v[1];
	u.timeHiAndVersion = (uint16_t)v[2];
	for (size_t i = 0; i < 8; i++)
		u.clockSeqAndNode[i] = (uint8_t)v[3 + i];
	*uuid = u;
	return TEE_SUCCESS;
}
