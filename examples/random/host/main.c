/*
 * random example: client application. Asks the random TA twice for 64
 * bytes and checks that they look random: not all zero, and the two draws
 * differ. Also checks that an oversized request is refused. Exit status 0
 * only if all of that holds.
 */
#include <err.h>
#include <stdio.h>
#include <string.h>
#include <tee_client_api.h>

#include <random_ta.h>

#define DRAW_SIZE 64

static TEEC_Result draw(TEEC_Session *sess, void *buf, size_t len)
{
	TEEC_Operation op;
	uint32_t origin;

	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = buf;
	op.params[0].tmpref.size = len;
	return TEEC_InvokeCommand(sess, TA_RANDOM_CMD_GENERATE, &op, &origin);
}

static void print_hex(const char *what, const unsigned char *p, size_t len)
{
	printf("%s:", what);
	for (size_t i = 0; i < len; i++)
		printf(" %02x", p[i]);
	printf("\n");
}

int main(void)
{
	static unsigned char big[TA_RANDOM_MAX_SIZE + 1];
	unsigned char a[DRAW_SIZE], b[DRAW_SIZE], zero[DRAW_SIZE] = {0};
	TEEC_Context ctx;
	TEEC_Session sess;
	TEEC_UUID uuid = TA_RANDOM_UUID;
	uint32_t origin;
	TEEC_Result res;
	int failed = 0;

	res = TEEC_InitializeContext(NULL, &ctx);
	if (res != TEEC_SUCCESS)
		errx(1, "TEEC_InitializeContext failed with code 0x%x", res);
	res =
	    TEEC_OpenSession(&ctx, &sess, &uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin);
	if (res != TEEC_SUCCESS)
		errx(1, "TEEC_OpenSession failed with code 0x%x origin 0x%x", res,
		     origin);

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	res = draw(&sess, a, sizeof(a));
	if (res == TEEC_SUCCESS)
		res = draw(&sess, b, sizeof(b));
	if (res != TEEC_SUCCESS) {
		fprintf(stderr, "random: generate failed with code 0x%x\n", res);
		failed = 1;
	} else {
		print_hex("first ", a, sizeof(a));
		print_hex("second", b, sizeof(b));
		if (!memcmp(a, zero, sizeof(a)) || !memcmp(b, zero, sizeof(b))) {
			fprintf(stderr, "random: got all-zero bytes\n");
			failed = 1;
		}
		if (!memcmp(a, b, sizeof(a))) {
			fprintf(stderr, "random: two draws are identical\n");
			failed = 1;
		}
	}
	res = draw(&sess, big, sizeof(big));
	if (res != TEEC_ERROR_EXCESS_DATA) {
		fprintf(stderr, "random: oversized request gave 0x%x, not EXCESS_DATA\n",
			res);
		failed = 1;
	}

	TEEC_CloseSession(&sess);
	TEEC_FinalizeContext(&ctx);
	if (failed)
		return 1;
	printf("random: OK\n");
	return 0;
}
