/* Paths, UUID text form: the little conventions all edgetee parts share. */
#define _GNU_SOURCE
#include "et_util.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int et_uuid_parse(const char *s, uint8_t out[16])
{
	static const int dash[] = {8, 13, 18, 23};
	if (strlen(s) != 36)
		return -1;
	int n = 0;
	for (int i = 0; i < 36;) {
		if (i == dash[0] || i == dash[1] || i == dash[2] || i == dash[3]) {
			if (s[i] != '-')
				return -1;
			i++;
			continue;
		}
		int h = hexval((unsigned char)s[i]), l = hexval((unsigned char)s[i + 1]);
		if (h < 0 || l < 0)
			return -1;
		out[n++] = (uint8_t)(h << 4 | l);
		i += 2;
	}
	return n == 16 ? 0 : -1;
}

void et_uuid_format(const uint8_t u[16], char out[37])
{
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
		 u[12], u[13], u[14], u[15]);
}

void et_uuid_pack(uint32_t time_low, uint16_t time_mid, uint16_t time_hi,
		  const uint8_t clock_seq_node[8], uint8_t out[16])
{
	out[0] = (uint8_t)(time_low >> 24);
	out[1] = (uint8_t)(time_low >> 16);
	out[2] = (uint8_t)(time_low >> 8);
	out[3] = (uint8_t)time_low;
	out[4] = (uint8_t)(time_mid >> 8);
	out[5] = (uint8_t)time_mid;
	out[6] = (uint8_t)(time_hi >> 8);
	out[7] = (uint8_t)time_hi;
	memcpy(out + 8, clock_seq_node, 8);
}

int et_default_dir(const char *instance, char *out, size_t len)
{
	const char *env = getenv("EDGETEE_DIR");
	int n;
	if (env && *env && (!instance || !strcmp(instance, "default")))
		n = snprintf(out, len, "%s", env);
	else {
		const char *rt = getenv("XDG_RUNTIME_DIR");
		if (!rt || !*rt)
			rt = "/tmp";
		n = snprintf(out, len, "%s/edgetee-%u/%s", rt, (unsigned)getuid(),
			     instance ? instance : "default");
	}
	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

int et_socket_path(const char *dir, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/edgeteed.sock", dir);
	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

int et_client_socket(char *out, size_t len)
{
	const char *env = getenv("EDGETEE_SOCKET");
	if (env && *env) {
		int n = snprintf(out, len, "%s", env);
		return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
	}
	char dir[512];
	int r = et_default_dir(NULL, dir, sizeof(dir));
	if (r)
		return r;
	return et_socket_path(dir, out, len);
}

int et_sibling_path(const char *name, char *out, size_t len)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return -errno;
	self[n] = 0;
	int k = snprintf(out, len, "%s/%s", dirname(self), name);
	return (k < 0 || (size_t)k >= len) ? -ENAMETOOLONG : 0;
}
