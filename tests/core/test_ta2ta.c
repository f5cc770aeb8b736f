/*
 * GP Internal Client API (TA-to-TA): core_ta opens a session to peer_ta
 * with TEE_OpenTASession, invokes its ECHO with a value and a memref of
 * TA-private memory, and closes it. The peer must see the caller as
 * TEE_LOGIN_TRUSTED_APP with core_ta's UUID, its value answer and its
 * in-place memref write must come back to core_ta (and from there to the
 * client), and the peer's process must go away with its session.
 */
#define _GNU_SOURCE
#include "core_util.h"

static const uint8_t core_uuid[16] = CORE_TA_UUID_BYTES;

struct ta2ta {
	uint32_t value, peer_check;
	uint32_t open_res, invoke_res;
	uint8_t ident[CORE_IDENTITY_SIZE];
};

static TEEC_Result run_ta2ta(TEEC_Session *s, uint32_t a, uint8_t *data, size_t n,
			     struct ta2ta *out, uint32_t *origin)
{
	TEEC_Operation op =
	    op_of(TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_MEMREF_TEMP_INOUT,
				   TEEC_MEMREF_TEMP_OUTPUT, TEEC_VALUE_OUTPUT));
	op.params[0].value.a = a;
	op.params[1].tmpref.buffer = data;
	op.params[1].tmpref.size = n;
	op.params[2].tmpref.buffer = out->ident;
	op.params[2].tmpref.size = sizeof(out->ident);
	TEEC_Result r = invoke(s, CORE_CMD_TA2TA, &op, origin);
	out->value = op.params[0].value.a;
	out->peer_check = op.params[0].value.b;
	out->open_res = op.params[3].value.a;
	out->invoke_res = op.params[3].value.b;
	return r;
}

static void check_one(TEEC_Session *s, size_t n, unsigned seed)
{
	uint8_t *data = malloc(n ? n : 1), *orig = malloc(n ? n : 1);
	assert_non_null(data);
	assert_non_null(orig);
	for (size_t i = 0; i < n; i++)
		data[i] = (uint8_t)(i * 13 + seed);
	memcpy(orig, data, n);
	struct ta2ta t;
	uint32_t origin = 0;
	TEEC_Result r = run_ta2ta(s, 41 + seed, n ? data : NULL, n, &t, &origin);
	if (r != TEEC_SUCCESS)
		fail_msg("TA2TA: 0x%08x origin %u, open 0x%08x invoke 0x%08x", r, origin,
			 t.open_res, t.invoke_res);
	assert_int_equal(t.open_res, TEEC_SUCCESS);
	assert_int_equal(t.invoke_res, TEEC_SUCCESS);
	/* The peer's answer came back. */
	assert_int_equal(t.value, 42 + seed);
	/* The peer's in-place write came back. */
	for (size_t i = 0; i < n; i++)
		if (data[i] != orig[n - 1 - i])
			fail_msg("byte %zu of %zu not reversed by the peer", i, n);
	/* The peer saw a TA caller: TEE_LOGIN_TRUSTED_APP + core_ta's UUID. */
	uint32_t login;
	memcpy(&login, t.ident, 4);
	assert_int_equal(login, 0xF0000000u);
	assert_memory_equal(t.ident + 4, core_uuid, 16);
	assert_int_equal(t.peer_check, 1);
	free(data);
	free(orig);
}

static void test_ta2ta_basic(void **state)
{
	(void)state;
	TEEC_Session s;
	open_ok(&s, CORE_TA_UUID_STR);
	check_one(&s, 100, 0);
	/* The peer's session is closed, so its process is gone. */
	assert_int_equal(wait_ta_count(1, 20000), 1);
	assert_int_equal(ta_sessions(PEER_TA_UUID_STR), -1);
	TEEC_CloseSession(&s);
	assert_int_equal(wait_ta_count(0, 20000), 0);
}

static void test_ta2ta_sizes_and_repeats(void **state)
{
	(void)state;
	TEEC_Session s;
	open_ok(&s, CORE_TA_UUID_STR);
	static const size_t sizes[] = {1, 2, 63, 64, 65, 4096, 65537, 300 * 1024};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		check_one(&s, sizes[i], (unsigned)i);
	for (unsigned i = 0; i < 30; i++)
		check_one(&s, 256, i);
	assert_int_equal(wait_ta_count(1, 20000), 1);
	TEEC_CloseSession(&s);
	assert_int_equal(wait_ta_count(0, 20000), 0);
}

/* Two client sessions of core_ta calling the peer: each call gets its own
 * peer process and the right identity. */
static void test_ta2ta_two_clients(void **state)
{
	(void)state;
	TEEC_Session a, b;
	open_ok(&a, CORE_TA_UUID_STR);
	open_ok(&b, CORE_TA_UUID_STR);
	for (unsigned i = 0; i < 5; i++) {
		check_one(&a, 10, i);
		check_one(&b, 11, i);
	}
	TEEC_CloseSession(&a);
	TEEC_CloseSession(&b);
	assert_int_equal(wait_ta_count(0, 20000), 0);
}

/* A client calling the peer directly is a client, not a TA: the peer's
 * identity check tells the two apart. */
static void test_peer_direct(void **state)
{
	(void)state;
	TEEC_Session s;
	open_ok(&s, PEER_TA_UUID_STR);
	uint8_t data[4] = {1, 2, 3, 4}, ident[CORE_IDENTITY_SIZE];
	TEEC_Operation op =
	    op_of(TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_MEMREF_TEMP_INOUT,
				   TEEC_MEMREF_TEMP_OUTPUT, TEEC_VALUE_OUTPUT));
	op.params[0].value.a = 7;
	op.params[1].tmpref.buffer = data;
	op.params[1].tmpref.size = sizeof(data);
	op.params[2].tmpref.buffer = ident;
	op.params[2].tmpref.size = sizeof(ident);
	assert_teec(invoke(&s, PEER_CMD_ECHO, &op, NULL), TEEC_SUCCESS);
	assert_int_equal(op.params[0].value.a, 8);
	assert_int_equal(data[0], 4);
	assert_int_equal(op.params[3].value.a, 0);
	assert_int_equal(op.params[3].value.b, TEEC_LOGIN_PUBLIC);
	static const uint8_t nil[16];
	assert_memory_equal(ident + 4, nil, 16);
	TEEC_CloseSession(&s);
	assert_int_equal(wait_ta_count(0, 20000), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ta2ta_basic),
	    cmocka_unit_test(test_ta2ta_sizes_and_repeats),
	    cmocka_unit_test(test_ta2ta_two_clients),
	    cmocka_unit_test(test_peer_direct),
	};
	return cmocka_run_group_tests(tests, core_group_up, core_group_down);
}
