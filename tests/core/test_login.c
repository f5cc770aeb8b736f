/*
 * GP login methods and client identity: for each TEEC_LOGIN_* method the
 * TA (core_ta) reads gpd.client.identity and must see the login method and
 * the identity UUID the core derives from SO_PEERCRED: nil for PUBLIC, a
 * UUIDv5 (namespace 58ac9ca0-2086-4683-a1b8-ec4bc08e01b6, SHA-1, computed
 * here with OpenSSL) of "uid=<hex>", "gid=<hex>" or "app=<exe path>".
 * A GROUP the process is not in is TEEC_ERROR_ACCESS_DENIED; invalid
 * methods and connection data are TEEC_ERROR_BAD_PARAMETERS.
 */
#define _GNU_SOURCE
#include <grp.h>
#include <limits.h>
#include <strings.h>
#include <openssl/evp.h>
#include <sys/types.h>

#include "core_util.h"

static const uint8_t login_ns[16] = {0x58, 0xac, 0x9c, 0xa0, 0x20, 0x86, 0x46, 0x83,
				     0xa1, 0xb8, 0xec, 0x4b, 0xc0, 0x8e, 0x01, 0xb6};

static void uuid_v5(const char *name, uint8_t out[16])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned len = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	assert_non_null(c);
	assert_int_equal(EVP_DigestInit_ex(c, EVP_sha1(), NULL), 1);
	assert_int_equal(EVP_DigestUpdate(c, login_ns, 16), 1);
	assert_int_equal(EVP_DigestUpdate(c, name, strlen(name)), 1);
	assert_int_equal(EVP_DigestFinal_ex(c, md, &len), 1);
	EVP_MD_CTX_free(c);
	assert_int_equal(len, 20);
	memcpy(out, md, 16);
	out[6] = (uint8_t)((out[6] & 0x0F) | 0x50);
	out[8] = (uint8_t)((out[8] & 0x3F) | 0x80);
}

static void fmt_uuid(const uint8_t u[16], char *s)
{
	sprintf(s, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
		u[12], u[13], u[14], u[15]);
}

/* Open with this login, read the identity the TA sees, close. */
static TEEC_Result identity_for(uint32_t login, const void *data, uint32_t *got_login,
				uint8_t got_uuid[16], uint32_t *origin)
{
	TEEC_Session s;
	TEEC_Result r = open_login(&ctx, &s, CORE_TA_UUID_STR, login, data, origin);
	if (r != TEEC_SUCCESS)
		return r;
	uint8_t id[CORE_IDENTITY_SIZE];
	TEEC_Operation op = op_of(
	    TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE));
	op.params[0].tmpref.buffer = id;
	op.params[0].tmpref.size = sizeof(id);
	assert_teec(invoke(&s, CORE_CMD_GET_CLIENT_IDENTITY, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[0].tmpref.size, CORE_IDENTITY_SIZE);
	memcpy(got_login, id, 4);
	memcpy(got_uuid, id + 4, 16);

	/* The string view of the property agrees: "<login>:<uuid>". */
	static const char name[] = "gpd.client.identity";
	char str[128];
	memset(str, 0, sizeof(str));
	assert_teec(
	    prop_string(&s, CORE_PROPSET_CLIENT, name, str, sizeof(str) - 1, NULL),
	    TEEC_SUCCESS);
	char us[40], want[80];
	fmt_uuid(got_uuid, us);
	snprintf(want, sizeof(want), "%u:%s", *got_login, us);
	char want_hex[80];
	snprintf(want_hex, sizeof(want_hex), "0x%x:%s", *got_login, us);
	if (strcasecmp(str, want) && strcasecmp(str, want_hex))
		fail_msg("gpd.client.identity as string is \"%s\", expected \"%s\"", str,
			 want);
	TEEC_CloseSession(&s);
	return TEEC_SUCCESS;
}

static void expect_identity(uint32_t login, const void *data, const char *name)
{
	uint32_t got_login = 0xdead, origin = 0;
	uint8_t got[16], want[16];
	TEEC_Result r = identity_for(login, data, &got_login, got, &origin);
	if (r != TEEC_SUCCESS)
		fail_msg("open with login 0x%x = 0x%08x origin %u", login, r, origin);
	assert_int_equal(got_login, login);
	if (name)
		uuid_v5(name, want);
	else
		memset(want, 0, 16);
	if (memcmp(got, want, 16)) {
		char g[40], w[40];
		fmt_uuid(got, g);
		fmt_uuid(want, w);
		fail_msg("login 0x%x: TA sees %s, expected %s (name \"%s\")", login, g, w,
			 name ? name : "(nil)");
	}
}

static void exe_path(char *out, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", out, len - 1);
	assert_true(n > 0);
	out[n] = 0;
}

static void test_public(void **state)
{
	(void)state;
	expect_identity(TEEC_LOGIN_PUBLIC, NULL, NULL);
}

static void test_user(void **state)
{
	(void)state;
	char name[64];
	snprintf(name, sizeof(name), "uid=%x", (unsigned)getuid());
	expect_identity(TEEC_LOGIN_USER, NULL, name);
}

static void test_group(void **state)
{
	(void)state;
	char name[64];
	uint32_t gid = (uint32_t)getgid();
	snprintf(name, sizeof(name), "gid=%x", gid);
	expect_identity(TEEC_LOGIN_GROUP, &gid, name);
	/* A supplementary group works as well. */
	gid_t groups[256];
	int n = getgroups(256, groups);
	for (int i = 0; i < n; i++) {
		if (groups[i] == getgid())
			continue;
		uint32_t g = (uint32_t)groups[i];
		snprintf(name, sizeof(name), "gid=%x", g);
		expect_identity(TEEC_LOGIN_GROUP, &g, name);
		break;
	}
}

static int in_my_groups(gid_t g)
{
	if (g == getgid() || g == getegid())
		return 1;
	gid_t groups[1024];
	int n = getgroups(1024, groups);
	for (int i = 0; i < n; i++)
		if (groups[i] == g)
			return 1;
	return 0;
}

static void test_group_not_member(void **state)
{
	(void)state;
	/* Even root is not in a group it does not belong to. */
	uint32_t gid = 54321;
	while (in_my_groups((gid_t)gid))
		gid++;
	uint32_t l, origin = 0;
	uint8_t u[16];
	assert_teec(identity_for(TEEC_LOGIN_GROUP, &gid, &l, u, &origin),
		    TEEC_ERROR_ACCESS_DENIED);
	assert_int_not_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
	/* The denied open left nothing behind; a normal one still works. */
	expect_identity(TEEC_LOGIN_PUBLIC, NULL, NULL);
}

static void test_application(void **state)
{
	(void)state;
	char exe[PATH_MAX], name[PATH_MAX + 16];
	exe_path(exe, sizeof(exe));
	snprintf(name, sizeof(name), "app=%s", exe);
	expect_identity(TEEC_LOGIN_APPLICATION, NULL, name);
}

/* The combined methods: edgetee names them "uid=<hex>:app=<exe>" and
 * "gid=<hex>:app=<exe>" (src/core/login.c). */
static void test_combined(void **state)
{
	(void)state;
	char exe[PATH_MAX], name[PATH_MAX + 32];
	exe_path(exe, sizeof(exe));
	snprintf(name, sizeof(name), "uid=%x:app=%s", (unsigned)getuid(), exe);
	expect_identity(TEEC_LOGIN_USER_APPLICATION, NULL, name);
	uint32_t gid = (uint32_t)getgid();
	snprintf(name, sizeof(name), "gid=%x:app=%s", gid, exe);
	expect_identity(TEEC_LOGIN_GROUP_APPLICATION, &gid, name);
	uint32_t bad = 54321;
	while (in_my_groups((gid_t)bad))
		bad++;
	uint32_t l;
	uint8_t u[16];
	assert_teec(identity_for(TEEC_LOGIN_GROUP_APPLICATION, &bad, &l, u, NULL),
		    TEEC_ERROR_ACCESS_DENIED);
}

/* Different methods give different identities for the same process. */
static void test_distinct(void **state)
{
	(void)state;
	uint32_t methods[] = {TEEC_LOGIN_USER, TEEC_LOGIN_GROUP, TEEC_LOGIN_APPLICATION};
	uint8_t ids[3][16];
	uint32_t gid = (uint32_t)getgid();
	for (int i = 0; i < 3; i++) {
		uint32_t l;
		assert_teec(identity_for(methods[i],
					 methods[i] == TEEC_LOGIN_GROUP ? &gid : NULL, &l,
					 ids[i], NULL),
			    TEEC_SUCCESS);
		assert_int_equal(l, methods[i]);
		/* RFC 4122 version 5, variant 10 */
		assert_int_equal(ids[i][6] >> 4, 5);
		assert_int_equal(ids[i][8] >> 6, 2);
	}
	/* uid 0 and gid 0 hash differently because of the prefix. */
	assert_memory_not_equal(ids[0], ids[1], 16);
	assert_memory_not_equal(ids[0], ids[2], 16);
	assert_memory_not_equal(ids[1], ids[2], 16);
}

static void test_bad_methods(void **state)
{
	(void)state;
	TEEC_Session s;
	uint32_t gid = (uint32_t)getgid();
	uint32_t origin;
	static const uint32_t bad[] = {
	    0x3, 0x7, 0x8, 0x80000000u, 0xF0000000u /* TA only */, 0xFFFFFFFFu};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		TEEC_Result r =
		    open_login(&ctx, &s, CORE_TA_UUID_STR, bad[i], NULL, &origin);
		if (r != TEEC_ERROR_BAD_PARAMETERS)
			fail_msg("login 0x%x: 0x%08x, expected BAD_PARAMETERS", bad[i],
				 r);
	}
	/* GROUP needs its gid; the others take no connection data. */
	assert_teec(open_login(&ctx, &s, CORE_TA_UUID_STR, TEEC_LOGIN_GROUP, NULL, NULL),
		    TEEC_ERROR_BAD_PARAMETERS);
	assert_teec(open_login(&ctx, &s, CORE_TA_UUID_STR, TEEC_LOGIN_PUBLIC, &gid, NULL),
		    TEEC_ERROR_BAD_PARAMETERS);
	assert_teec(open_login(&ctx, &s, CORE_TA_UUID_STR, TEEC_LOGIN_USER, &gid, NULL),
		    TEEC_ERROR_BAD_PARAMETERS);
	/* Nothing was left open. */
	assert_int_equal(wait_ta_count(0, 20000), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_public),	cmocka_unit_test(test_user),
	    cmocka_unit_test(test_group),	cmocka_unit_test(test_group_not_member),
	    cmocka_unit_test(test_application), cmocka_unit_test(test_combined),
	    cmocka_unit_test(test_distinct),	cmocka_unit_test(test_bad_methods),
	};
	return cmocka_run_group_tests(tests, core_group_up, core_group_down);
}
