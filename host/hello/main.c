/*
 * edgetee-hello: the client side of the hello-world TA. Opens a session
 * with USER login, increments a value in the TA and asks the TA who it
 * thinks the caller is. Exit status 0 only if every step worked.
 */
#include <stdio.h>
#include <string.h>
#include <tee_client_api.h>

#include "hello_ta.h"

int main(int argc, char **argv)
{
	if (argc > 1) {
		printf("usage: edgetee-hello\n"
		       "  Talk to the hello-world TA of the running instance\n"
		       "  (EDGETEE_SOCKET selects it; start one with `edgetee up`).\n");
		return strcmp(argv[1], "--help") && strcmp(argv[1], "-h") ? 2 : 0;
	}
	TEEC_Context ctx;
	TEEC_Session sess;
	TEEC_UUID uuid = HELLO_TA_UUID;
	uint32_t origin;
	TEEC_Result r = TEEC_InitializeContext(NULL, &ctx);
	if (r != TEEC_SUCCESS) {
		fprintf(stderr, "edgetee-hello: TEEC_InitializeContext: 0x%08x\n", r);
		return 1;
	}
	r = TEEC_OpenSession(&ctx, &sess, &uuid, TEEC_LOGIN_USER, NULL, NULL, &origin);
	if (r != TEEC_SUCCESS) {
		fprintf(stderr, "edgetee-hello: TEEC_OpenSession: 0x%08x (origin %u)\n",
			r, origin);
		TEEC_FinalizeContext(&ctx);
		return 1;
	}
	TEEC_Operation op;
	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = 41;
	r = TEEC_InvokeCommand(&sess, HELLO_CMD_INC, &op, &origin);
	if (r == TEEC_SUCCESS)
		printf("hello TA: 41 + 1 = %u\n", op.params[0].value.a);
	char text[128];
	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = text;
	op.params[0].tmpref.size = sizeof(text);
	TEEC_Result r2 = TEEC_InvokeCommand(&sess, HELLO_CMD_WHOAMI, &op, &origin);
	if (r2 == TEEC_SUCCESS)
		printf("hello TA: you are %s\n", text);
	TEEC_CloseSession(&sess);
	TEEC_FinalizeContext(&ctx);
	if (r != TEEC_SUCCESS || r2 != TEEC_SUCCESS) {
		fprintf(stderr, "edgetee-hello: invoke failed: 0x%08x / 0x%08x\n", r, r2);
		return 1;
	}
	return 0;
}
