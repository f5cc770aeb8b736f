/*
 * Client identity (GP TEE Client API login methods). The core learns who the
 * caller is from SO_PEERCRED, never from what the caller claims, and derives
 * the identity UUID the TA sees as gpd.client.identity: a name-based UUID
 * (RFC 4122 version 5, SHA-1) of "uid=<hex>", "gid=<hex>" or the
 * application's executable path, in the namespace the OP-TEE Linux driver
 * uses, so the same client gets the same identity on both TEEs.
 */
#define _GNU_SOURCE
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "tee_client_api.h"
#include "et_util.h"

static const char *login_ns = "58ac9ca0-2086-4683-a1b8-ec4bc08e01b6";

static void uuid_v5(const char *name, uint8_t out[16])
{
	uint8_t ns[16], md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	et_uuid_parse(login_ns, ns);
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	EVP_DigestInit_ex(c, EVP_sha1(), NULL);
	EVP_DigestUpdate(c, ns, 16);
	EVP_DigestUpdate(c, name, strlen(name));
	EVP_DigestFinal_ex(c, md, &mdlen);
	EVP_MD_CTX_free(c);
	memcpy(out, md, 16);
	out[6] = (uint8_t)((out[6] & 0x0F) | 0x50);
	out[8] = (uint8_t)((out[8] & 0x3F) | 0x80);
}

/* Is the process a member of group gid (primary or supplementary)? */
static int in_group(pid_t pid, gid_t primary, gid_t gid)
{
	if (primary == gid)
		return 1;
	char p[64], line[4096];
	snprintf(p, sizeof(p), "/proc/%d/status", (int)pid);
	FILE *f = fopen(p, "re");
	if (!f)
		return 0;
	int found = 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Groups:", 7))
			continue;
		char *s = line + 7, *end;
		for (;;) {
			unsigned long v = strtoul(s, &end, 10);
			if (end == s)
				break;
			if ((gid_t)v == gid)
				found = 1;
			s = end;
		}
	}
	fclose(f);
	return found;
}

static int exe_path(pid_t pid, char *out, size_t len)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/exe", (int)pid);
	ssize_t n = readlink(p, out, len - 1);
	if (n < 0)
		return -1;
	out[n] = 0;
	return 0;
}

uint32_t login_identity(const struct client *cl, uint32_t login, uint32_t gid,
			uint8_t out[16])
{
	char name[4200], exe[4096];
	memset(out, 0, 16);
	switch (login) {
	case TEEC_LOGIN_PUBLIC:
		return TEEC_SUCCESS;
	case TEEC_LOGIN_USER:
		snprintf(name, sizeof(name), "uid=%x", (unsigned)cl->cred.uid);
		break;
	case TEEC_LOGIN_GROUP:
		if (!in_group(cl->cred.pid, cl->cred.gid, gid))
			return TEEC_ERROR_ACCESS_DENIED;
		snprintf(name, sizeof(name), "gid=%x", (unsigned)gid);
		break;
	case TEEC_LOGIN_APPLICATION:
	case TEEC_LOGIN_USER_APPLICATION:
	case TEEC_LOGIN_GROUP_APPLICATION:
		if (exe_path(cl->cred.pid, exe, sizeof(exe)))
			return TEEC_ERROR_ACCESS_DENIED;
		if (login == TEEC_LOGIN_APPLICATION)
			snprintf(name, sizeof(name), "app=%s", exe);
		else if (login == TEEC_LOGIN_USER_APPLICATION)
			snprintf(name, sizeof(name), "uid=%x:app=%s",
				 (unsigned)cl->cred.uid, exe);
		else {
			if (!in_group(cl->cred.pid, cl->cred.gid, gid))
				return TEEC_ERROR_ACCESS_DENIED;
			snprintf(name, sizeof(name), "gid=%x:app=%s", (unsigned)gid, exe);
		}
		break;
	default:
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	uuid_v5(name, out);
	return TEEC_SUCCESS;
}
