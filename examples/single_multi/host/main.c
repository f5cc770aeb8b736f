/*
 * single_multi example: client application. Opens two sessions to the
 * SINGLE_INSTANCE | MULTI_SESSION TA (one from a second context) and
 * checks that they share one instance: one counter across both sessions,
 * separate per-session counters, one TA_CreateEntryPoint call, two open
 * sessions, and both flags visible as gpd.ta.* properties. Exit status 0
 * only if all of that holds.
 */
#include <err.h>
#include <stdio.h>
#include <string.h>
#include <tee_client_api.h>

#include <single_multi_ta.h>

static int failed;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok  " : "FAIL", what);
	if (!ok)
		failed = 1;
}

static void open_session(TEEC_Context *ctx, TEEC_Session *sess)
{
	TEEC_UUID uuid = TA_SINGLE_MULTI_UUID;
	uint32_t origin;
	TEEC_Result res;

	res = TEEC_OpenSession(ctx, sess, &uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin);
	if (res != TEEC_SUCCESS)
		errx(1, "TEEC_OpenSession failed with code 0x%x origin 0x%x", res,
		     origin);
}

static void invoke(TEEC_Session *sess, uint32_t cmd, TEEC_Operation *op)
{
	uint32_t origin;
	TEEC_Result res;

	memset(op, 0, sizeof(*op));
	op->paramTypes =
	    TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE);
	if (cmd == TA_SINGLE_MULTI_CMD_INC)
		op->paramTypes =
		    TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	res = TEEC_InvokeCommand(sess, cmd, op, &origin);
	if (res != TEEC_SUCCESS)
		errx(1, "TEEC_InvokeCommand failed with code 0x%x origin 0x%x", res,
		     origin);
}

int main(void)
{
	TEEC_Context ctx1, ctx2;
	TEEC_Session a, b;
	TEEC_Operation op;
	TEEC_Result res;
	uint32_t base;

	res = TEEC_InitializeContext(NULL, &ctx1);
	if (res == TEEC_SUCCESS)
		res = TEEC_InitializeContext(NULL, &ctx2);
	if (res != TEEC_SUCCESS)
		errx(1, "TEEC_InitializeContext failed with code 0x%x", res);
	open_session(&ctx1, &a);
	open_session(&ctx2, &b);

	/* Counts are relative: another client may already hold the instance. */
	invoke(&a, TA_SINGLE_MULTI_CMD_INC, &op);
	base = op.params[0].value.a;
	check(op.params[0].value.b == 1, "session A: first increment");
	invoke(&b, TA_SINGLE_MULTI_CMD_INC, &op);
	check(op.params[0].value.a == base + 1, "session B sees A's increment");
	check(op.params[0].value.b == 1, "session B: own counter starts at 1");
	invoke(&a, TA_SINGLE_MULTI_CMD_INC, &op);
	check(op.params[0].value.a == base + 2, "session A sees B's increment");
	check(op.params[0].value.b == 2, "session A: own counter at 2");
	printf("      shared counter %u after three increments\n", op.params[0].value.a);

	invoke(&b, TA_SINGLE_MULTI_CMD_STATUS, &op);
	check(op.params[0].value.a == 2, "two sessions open in one instance");
	check(op.params[0].value.b == 1, "TA_CreateEntryPoint ran once");
	check(op.params[1].value.a == 1, "gpd.ta.singleInstance is true");
	check(op.params[1].value.b == 1, "gpd.ta.multiSession is true");

	TEEC_CloseSession(&a);
	invoke(&b, TA_SINGLE_MULTI_CMD_STATUS, &op);
	check(op.params[0].value.a == 1, "one session left after closing A");
	TEEC_CloseSession(&b);
	TEEC_FinalizeContext(&ctx2);
	TEEC_FinalizeContext(&ctx1);
	if (failed)
		return 1;
	printf("single_multi: OK\n");
	return 0;
}
