/*
 * hello_world example: client application. Opens a session with the
 * hello_world TA, sends it 42 to increment and 42 to decrement, and checks
 * the answers. Exit status 0 only if both are right.
 */
#include <err.h>
#include <stdio.h>
#include <string.h>
#include <tee_client_api.h>

#include <hello_world_ta.h>

static uint32_t call(TEEC_Session *sess, uint32_t cmd, uint32_t value)
{
	TEEC_Operation op;
	uint32_t origin;
	TEEC_Result res;

	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = value;
	res = TEEC_InvokeCommand(sess, cmd, &op, &origin);
	if (res != TEEC_SUCCESS)
		errx(1, "TEEC_InvokeCommand failed with code 0x%x origin 0x%x", res,
		     origin);
	return op.params[0].value.a;
}

int main(void)
{
	TEEC_Context ctx;
	TEEC_Session sess;
	TEEC_UUID uuid = TA_HELLO_WORLD_UUID;
	uint32_t origin;
	TEEC_Result res;
	uint32_t inc, dec;

	res = TEEC_InitializeContext(NULL, &ctx);
	if (res != TEEC_SUCCESS)
		errx(1, "TEEC_InitializeContext failed with code 0x%x", res);
	res =
	    TEEC_OpenSession(&ctx, &sess, &uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin);
	if (res != TEEC_SUCCESS)
		errx(1, "TEEC_OpenSession failed with code 0x%x origin 0x%x", res,
		     origin);

	printf("Invoking TA to increment 42\n");
	inc = call(&sess, TA_HELLO_WORLD_CMD_INC_VALUE, 42);
	printf("TA incremented value to %u\n", inc);
	dec = call(&sess, TA_HELLO_WORLD_CMD_DEC_VALUE, 42);
	printf("TA decremented value to %u\n", dec);

	TEEC_CloseSession(&sess);
	TEEC_FinalizeContext(&ctx);
	if (inc != 43 || dec != 41) {
		fprintf(stderr, "hello_world: wrong answers %u and %u\n", inc, dec);
		return 1;
	}
	printf("hello_world: OK\n");
	return 0;
}
