/*
 * gp11_api example: client application for the GP 1.1 TA. Checks that
 * memrefs make the round trip through a TA with 32-bit lengths (a
 * temporary memref and a partial memref of allocated shared memory), and
 * that a short output buffer gives TEEC_ERROR_SHORT_BUFFER with the size
 * the TA needs, which then works. Exit status 0 only if all of that holds.
 */
#include <err.h>
#include <stdio.h>
#include <string.h>
#include <tee_client_api.h>

#include <gp11_api_ta.h>

static int failed;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok  " : "FAIL", what);
	if (!ok)
		failed = 1;
}

static void reverse_tmpref(TEEC_Session *sess)
{
	char text[] = "edgetee runs OP-TEE TAs";
	const char *expect = "sAT EET-PO snur eetegde";
	TEEC_Operation op;
	uint32_t origin;
	TEEC_Result res;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INOUT, TEEC_VALUE_OUTPUT,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = text;
	op.params[0].tmpref.size = strlen(text);
	res = TEEC_InvokeCommand(sess, TA_GP11_API_CMD_REVERSE, &op, &origin);
	check(res == TEEC_SUCCESS, "reverse a temporary memref");
	check(!strcmp(text, expect), "temporary memref reversed in place");
	check(op.params[0].tmpref.size == strlen(expect), "temporary memref size kept");
	check(op.params[1].value.a == strlen(expect) && op.params[1].value.b == 1,
	      "TA saw the 32-bit length");
}

static void reverse_partial(TEEC_Context *ctx, TEEC_Session *sess)
{
	TEEC_SharedMemory shm;
	TEEC_Operation op;
	uint32_t origin;
	TEEC_Result res;
	char *p;

	memset(&shm, 0, sizeof(shm));
	shm.size = 4096;
	shm.flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT;
	if (TEEC_AllocateSharedMemory(ctx, &shm) != TEEC_SUCCESS) {
		check(0, "allocate shared memory");
		return;
	}
	p = shm.buffer;
	memset(p, '#', shm.size);
	memcpy(p + 100, "0123456789", 10);
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INOUT, TEEC_VALUE_OUTPUT,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].memref.parent = &shm;
	op.params[0].memref.offset = 100;
	op.params[0].memref.size = 10;
	res = TEEC_InvokeCommand(sess, TA_GP11_API_CMD_REVERSE, &op, &origin);
	check(res == TEEC_SUCCESS, "reverse a partial memref");
	check(!memcmp(p + 100, "9876543210", 10), "partial memref reversed in place");
	check(p[99] == '#' && p[110] == '#', "bytes around the partial memref untouched");
	check(op.params[1].value.a == 10, "TA saw the partial memref's length");
	TEEC_ReleaseSharedMemory(&shm);
}

static void description(TEEC_Session *sess)
{
	const size_t need = strlen(TA_GP11_API_DESCRIPTION) + 1;
	char small[4] = "xyz";
	char buf[128];
	TEEC_Operation op;
	uint32_t origin;
	TEEC_Result res;

	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = small;
	op.params[0].tmpref.size = sizeof(small);
	res = TEEC_InvokeCommand(sess, TA_GP11_API_CMD_GET_DESCRIPTION, &op, &origin);
	check(res == TEEC_ERROR_SHORT_BUFFER && origin == TEEC_ORIGIN_TRUSTED_APP,
	      "short buffer refused with TEEC_ERROR_SHORT_BUFFER");
	check(op.params[0].tmpref.size == need, "size needed reported back");
	printf("      size needed: %zu (expected %zu)\n", op.params[0].tmpref.size, need);

	memset(buf, 0, sizeof(buf));
	/* tmpref.size still holds the size the TA asked for */
	op.params[0].tmpref.buffer = buf;
	res = TEEC_InvokeCommand(sess, TA_GP11_API_CMD_GET_DESCRIPTION, &op, &origin);
	check(res == TEEC_SUCCESS, "description with the size asked for");
	check(!strcmp(buf, TA_GP11_API_DESCRIPTION), "description text");
	check(op.params[0].tmpref.size == need, "description length");
	printf("      description: \"%s\"\n", buf);
}

int main(void)
{
	TEEC_Context ctx;
	TEEC_Session sess;
	TEEC_UUID uuid = TA_GP11_API_UUID;
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

	reverse_tmpref(&sess);
	reverse_partial(&ctx, &sess);
	description(&sess);

	TEEC_CloseSession(&sess);
	TEEC_FinalizeContext(&ctx);
	if (failed)
		return 1;
	printf("gp11_api: OK\n");
	return 0;
}
