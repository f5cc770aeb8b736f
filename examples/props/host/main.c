/*
 * props example: client application. Asks the props TA to read its own
 * properties back and checks every value against what its
 * user_ta_header_defines.h declares (props_ta.h). Exit status 0 only if
 * all of them match.
 */
#include <err.h>
#include <stdio.h>
#include <string.h>
#include <tee_client_api.h>

#include <props_ta.h>

static int failed;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok  " : "FAIL", what);
	if (!ok)
		failed = 1;
}

static int same_uuid(const struct props_ta_uuid *got, const TEEC_UUID *want)
{
	return got->time_low == want->timeLow && got->time_mid == want->timeMid &&
	       got->time_hi_and_version == want->timeHiAndVersion &&
	       !memcmp(got->clock_seq_and_node, want->clockSeqAndNode, 8);
}

int main(void)
{
	const TEEC_UUID want_uuid = TA_PROPS_UUID_VALUE;
	const TEEC_UUID want_id_uuid = TA_PROPS_IDENTITY_UUID;
	struct props_ta_result r;
	TEEC_Context ctx;
	TEEC_Session sess;
	TEEC_Operation op;
	TEEC_UUID uuid = TA_PROPS_UUID;
	uint32_t origin;
	TEEC_Result res;

	res = TEEC_InitializeContext(NULL, &ctx);
	if (res != TEEC_SUCCESS)
		errx(1, "TEEC_InitializeContext failed with code 0x%x", res);
	res =
	    TEEC_OpenSession(&ctx, &sess, &uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin);
	if (res != TEEC_SUCCESS)
		errx(1, "TEEC_OpenSession failed with code 0x%x origin 0x%x", res,
		     origin);

	memset(&r, 0, sizeof(r));
	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = &r;
	op.params[0].tmpref.size = sizeof(r);
	res = TEEC_InvokeCommand(&sess, TA_PROPS_CMD_READ_ALL, &op, &origin);
	TEEC_CloseSession(&sess);
	TEEC_FinalizeContext(&ctx);
	if (res != TEEC_SUCCESS)
		errx(1, "TEEC_InvokeCommand failed with code 0x%x origin 0x%x", res,
		     origin);

	printf("string \"%s\", u32 0x%x, bool %u, u64 0x%llx, blob %u bytes\n", r.string,
	       r.u32, r.boolean, (unsigned long long)r.u64, r.blob_len);
	printf("version \"%s\", description \"%s\", dataSize %u\n", r.version,
	       r.description, r.data_size);
	check(op.params[0].tmpref.size == sizeof(r), "answer size");
	check(!strcmp(r.string, TA_PROPS_STRING_VALUE), "string property");
	check(r.u32 == TA_PROPS_U32_VALUE, "u32 property");
	check(r.boolean == TA_PROPS_BOOL_VALUE, "bool property");
	check(r.u64 == TA_PROPS_U64_VALUE, "u64 property");
	check(same_uuid(&r.uuid, &want_uuid), "UUID property");
	check(r.identity_login == TA_PROPS_IDENTITY_LOGIN &&
		  same_uuid(&r.identity_uuid, &want_id_uuid),
	      "identity property");
	check(r.blob_len == TA_PROPS_BLOB_LEN &&
		  !memcmp(r.blob, TA_PROPS_BLOB_BYTES, TA_PROPS_BLOB_LEN),
	      "binary block decoded from base64");
	check(r.blob_short_res == TEEC_ERROR_SHORT_BUFFER &&
		  r.blob_short_len == TA_PROPS_BLOB_LEN,
	      "binary block: short buffer reports the size");
	check(!strcmp(r.version, TA_PROPS_VERSION), "TA_VERSION as gpd.ta.version");
	check(!strcmp(r.description, TA_PROPS_DESCRIPTION),
	      "TA_DESCRIPTION as gpd.ta.description");
	check(r.data_size == TA_PROPS_DATA_SIZE, "TA_DATA_SIZE as gpd.ta.dataSize");
	check(r.ext_count == TA_PROPS_EXT_COUNT,
	      "enumerator sees every extension property");
	check(r.u32_as_str == 1, "u32 property read as a string");
	if (failed)
		return 1;
	printf("props: OK\n");
	return 0;
}
