/*
 * secure_storage example: client application. Without arguments it writes
 * an object through the TA, reads it back, replaces it (a shorter one),
 * checks that a too small buffer gets TEE_ERROR_SHORT_BUFFER with the
 * size needed, deletes it, and checks that reading or deleting it again
 * gives TEE_ERROR_ITEM_NOT_FOUND. It then writes the object PERSIST_ID,
 * which it leaves in storage. With --after-restart (run once the instance
 * has been restarted) it reads PERSIST_ID back, checks its content and
 * deletes it. The data contains MARKER, which the test script looks for
 * in the instance's storage directory: it must not be found there.
 * Exit status 0 only if everything holds.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tee_client_api.h>

#include <secure_storage_ta.h>

/* run_examples.sh greps the storage for a piece of it: keep in sync. */
#define MARKER	   "edgetee secure_storage example: plaintext that must not reach the disk"
#define PERSIST_ID "persistent#1"

#define DATA_SIZE 10000

static TEEC_Session sess;
static int failed;

static void check(int ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "secure_storage: %s\n", what);
	failed = 1;
}

static TEEC_Result call(uint32_t cmd, const char *id, void *data, size_t *len,
			uint32_t data_type)
{
	TEEC_Operation op;
	uint32_t origin;
	TEEC_Result res;

	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, data_type, TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)id;
	op.params[0].tmpref.size = strlen(id);
	op.params[1].tmpref.buffer = data;
	op.params[1].tmpref.size = len ? *len : 0;
	res = TEEC_InvokeCommand(&sess, cmd, &op, &origin);
	if (len)
		*len = op.params[1].tmpref.size;
	return res;
}

static TEEC_Result write_object(const char *id, const void *data, size_t len)
{
	return call(TA_SECURE_STORAGE_CMD_WRITE_RAW, id, (void *)data, &len,
		    TEEC_MEMREF_TEMP_INPUT);
}

static TEEC_Result read_object(const char *id, void *data, size_t *len)
{
	return call(TA_SECURE_STORAGE_CMD_READ_RAW, id, data, len,
		    TEEC_MEMREF_TEMP_OUTPUT);
}

static TEEC_Result delete_object(const char *id)
{
	return call(TA_SECURE_STORAGE_CMD_DELETE, id, NULL, NULL, TEEC_NONE);
}

/* MARKER over and over, each copy preceded by the digit tag. */
static void fill(unsigned char *buf, size_t len, unsigned tag)
{
	static const char marker[] = MARKER;
	size_t m = sizeof(marker); /* the NUL's place gets the digit */

	for (size_t i = 0; i < len; i++)
		buf[i] = i % m ? (unsigned char)marker[i % m - 1]
			       : (unsigned char)('0' + tag % 10);
}

static void check_object(const char *id, const unsigned char *expect, size_t len,
			 const char *what)
{
	static unsigned char buf[TA_SECURE_STORAGE_MAX_DATA];
	size_t got = sizeof(buf);
	TEEC_Result res = read_object(id, buf, &got);

	if (res != TEEC_SUCCESS) {
		fprintf(stderr, "secure_storage: %s: read gave 0x%x\n", what, res);
		failed = 1;
		return;
	}
	check(got == len && !memcmp(buf, expect, len), what);
}

static void first_run(void)
{
	static unsigned char data[DATA_SIZE], data2[DATA_SIZE];
	unsigned char small[16];
	size_t len;
	TEEC_Result res;

	fill(data, sizeof(data), 1);
	fill(data2, sizeof(data2), 2);

	/* Write, read back. */
	res = write_object("object#1", data, sizeof(data));
	if (res != TEEC_SUCCESS)
		errx(1, "WRITE_RAW failed with code 0x%x", res);
	check_object("object#1", data, sizeof(data), "object#1 does not read back");

	/* A second object does not disturb the first. */
	res = write_object("object#2", data2, 100);
	check(res == TEEC_SUCCESS, "writing object#2 failed");
	check_object("object#2", data2, 100, "object#2 does not read back");
	check_object("object#1", data, sizeof(data), "object#1 changed by object#2");

	/* Replace (TEE_DATA_FLAG_OVERWRITE) with shorter data. */
	res = write_object("object#1", data2, sizeof(data2) / 2);
	check(res == TEEC_SUCCESS, "overwriting object#1 failed");
	check_object("object#1", data2, sizeof(data2) / 2,
		     "object#1 does not read back after overwrite");

	/* Too small a buffer: SHORT_BUFFER and the size needed. */
	len = sizeof(small);
	res = read_object("object#1", small, &len);
	check(res == TEEC_ERROR_SHORT_BUFFER && len == sizeof(data2) / 2,
	      "small buffer: no SHORT_BUFFER with the object's size");

	/* Delete; then it is gone. */
	check(delete_object("object#1") == TEEC_SUCCESS, "deleting object#1 failed");
	check(delete_object("object#2") == TEEC_SUCCESS, "deleting object#2 failed");
	len = sizeof(small);
	res = read_object("object#1", small, &len);
	check(res == TEEC_ERROR_ITEM_NOT_FOUND, "deleted object: no ITEM_NOT_FOUND");
	res = read_object("no such object", small, &len);
	check(res == TEEC_ERROR_ITEM_NOT_FOUND, "missing object: no ITEM_NOT_FOUND");
	res = delete_object("object#1");
	check(res == TEEC_ERROR_ITEM_NOT_FOUND,
	      "deleting a deleted object: no ITEM_NOT_FOUND");
	printf("write, read, overwrite, delete: checked\n");

	/* Left for --after-restart. */
	fill(data, sizeof(data), 7);
	res = write_object(PERSIST_ID, data, sizeof(data));
	check(res == TEEC_SUCCESS, "writing " PERSIST_ID " failed");
	check_object(PERSIST_ID, data, sizeof(data), PERSIST_ID " does not read back");
	printf("%s written (%d bytes)\n", PERSIST_ID, DATA_SIZE);
}

static void after_restart(void)
{
	static unsigned char data[DATA_SIZE];
	unsigned char small[16];
	size_t len = sizeof(small);

	fill(data, sizeof(data), 7);
	check_object(PERSIST_ID, data, sizeof(data),
		     PERSIST_ID " did not survive the restart");
	check(delete_object(PERSIST_ID) == TEEC_SUCCESS,
	      "deleting " PERSIST_ID " failed");
	check(read_object(PERSIST_ID, small, &len) == TEEC_ERROR_ITEM_NOT_FOUND,
	      PERSIST_ID " still there after delete");
	printf("%s read back after the restart, deleted\n", PERSIST_ID);
}

int main(int argc, char *argv[])
{
	TEEC_Context ctx;
	TEEC_UUID uuid = TA_SECURE_STORAGE_UUID;
	uint32_t origin;
	TEEC_Result res;
	int restarted = argc == 2 && !strcmp(argv[1], "--after-restart");

	if (argc > 2 || (argc == 2 && !restarted))
		errx(2, "usage: %s [--after-restart]", argv[0]);
	res = TEEC_InitializeContext(NULL, &ctx);
	if (res != TEEC_SUCCESS)
		errx(1, "TEEC_InitializeContext failed with code 0x%x", res);
	res =
	    TEEC_OpenSession(&ctx, &sess, &uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin);
	if (res != TEEC_SUCCESS)
		errx(1, "TEEC_OpenSession failed with code 0x%x origin 0x%x", res,
		     origin);

	if (restarted)
		after_restart();
	else
		first_run();

	TEEC_CloseSession(&sess);
	TEEC_FinalizeContext(&ctx);
	if (failed)
		return 1;
	printf("secure_storage: OK\n");
	return 0;
}
