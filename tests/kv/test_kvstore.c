/*
 * Integration tests of the key-value store TA (ta/kvstore) through a real
 * edgeteed and TA process, on each transport of the client library (whole
 * and partial shared memory, temporary memrefs): PUT/GET/DEL/LIST/COUNT,
 * GET into a short buffer, missing keys, bad parameters, small keys carried
 * in a value parameter (the same table entries as memref keys, malformed
 * ones refused), GET in place (kvc_get_ref), batches (good and
 * malformed), a value larger than the TA heap that fails with
 * OUT_OF_MEMORY and loses nothing else, the persistent table kept apart
 * from the in-memory one (its restarts and crashes: test_kv_persist.c),
 * and the edgetee-kv command.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "kv_batch.h"
#include "kv_client.h"
#include "kvstore_ta.h"

static struct et_test_inst inst;

#define assert_teec(expr, want)                                                          \
	do {                                                                             \
		TEEC_Result r_ = (expr);                                                 \
		if (r_ != (TEEC_Result)(want))                                           \
			fail_msg("%s = 0x%08x, expected 0x%08x", #expr, r_,              \
				 (unsigned)(want));                                      \
	} while (0)

static int group_up(void **state)
{
	(void)state;
	return et_test_up(&inst) ? -1 : 0;
}

static int group_down(void **state)
{
	(void)state;
	et_test_down(&inst);
	return 0;
}

/* Each test gets a session on its transport and an empty table. */
struct fx {
	struct kvc c;
};

static int open_tr(void **state, enum kvc_transport t)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f || kvc_open(&f->c, NULL, t, 0) != TEEC_SUCCESS ||
	    kvc_clear(&f->c) != TEEC_SUCCESS) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int up_whole(void **state)
{
	return open_tr(state, KVC_WHOLE);
}

static int up_partial(void **state)
{
	return open_tr(state, KVC_PARTIAL);
}

static int up_temp(void **state)
{
	return open_tr(state, KVC_TEMP);
}

static int down(void **state)
{
	struct fx *f = *state;
	kvc_clear(&f->c);
	kvc_close(&f->c);
	free(f);
	return 0;
}

static void put_ok(struct kvc *c, const char *k, const void *v, size_t vl)
{
	assert_teec(kvc_put(c, k, strlen(k), v, vl), TEEC_SUCCESS);
}

static void get_is(struct kvc *c, const char *k, const void *v, size_t vl)
{
	static unsigned char buf[65536];
	size_t n = sizeof(buf);
	assert_teec(kvc_get(c, k, strlen(k), buf, &n), TEEC_SUCCESS);
	assert_int_equal(n, vl);
	assert_memory_equal(buf, v, vl);
}

static void test_basic(void **state)
{
	struct kvc *c = &((struct fx *)*state)->c;
	uint32_t n, bytes;
	assert_teec(kvc_count(c, &n, &bytes), TEEC_SUCCESS);
	assert_int_equal(n, 0);
	put_ok(c, "alpha", "1", 1);
	put_ok(c, "beta", "22", 2);
	unsigned char big[3000];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 13);
	put_ok(c, "gamma", big, sizeof(big));
	get_is(c, "alpha", "1", 1);
	get_is(c, "gamma", big, sizeof(big));
	put_ok(c, "alpha", "replaced", 8);
	get_is(c, "alpha", "replaced", 8);
	put_ok(c, "empty", "", 0);
	get_is(c, "empty", "", 0);
	assert_teec(kvc_count(c, &n, &bytes), TEEC_SUCCESS);
	assert_int_equal(n, 4);
	assert_int_equal(bytes, 5 + 8 + 4 + 2 + 5 + sizeof(big) + 5);
	assert_teec(kvc_del(c, "beta", 4), TEEC_SUCCESS);
	assert_teec(kvc_count(c, &n, &bytes), TEEC_SUCCESS);
	assert_int_equal(n, 3);
	/* Missing keys. */
	unsigned char buf[16];
	size_t len = sizeof(buf);
	assert_teec(kvc_get(c, "beta", 4, buf, &len), TEEC_ERROR_ITEM_NOT_FOUND);
	assert_int_equal(c->origin, TEEC_ORIGIN_TRUSTED_APP);
	assert_teec(kvc_del(c, "beta", 4), TEEC_ERROR_ITEM_NOT_FOUND);
	/* A short buffer reports the size needed, and nothing else changes. */
	len = 10;
	assert_teec(kvc_get(c, "gamma", 5, buf, &len), TEEC_ERROR_SHORT_BUFFER);
	assert_int_equal(len, sizeof(big));
	get_is(c, "gamma", big, sizeof(big));
}

static void test_bad_params(void **state)
{
	struct kvc *c = &((struct fx *)*state)->c;
	static char longkey[KV_KEY_MAX + 1];
	memset(longkey, 'k', sizeof(longkey));
	assert_teec(kvc_put(c, "", 0, "v", 1), TEEC_ERROR_BAD_PARAMETERS);
	assert_teec(kvc_put(c, longkey, sizeof(longkey), "v", 1),
		    TEEC_ERROR_BAD_PARAMETERS);
	assert_teec(kvc_del(c, "", 0), TEEC_ERROR_BAD_PARAMETERS);
	/* Wrong parameter types reach the TA and are refused there. */
	TEEC_Operation op;
	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	uint32_t origin;
	for (uint32_t cmd = KV_CMD_PUT; cmd <= KV_CMD_CLEAR; cmd++) {
		assert_teec(TEEC_InvokeCommand(&c->sess, cmd, &op, &origin),
			    TEEC_ERROR_BAD_PARAMETERS);
		assert_int_equal(origin, TEEC_ORIGIN_TRUSTED_APP);
	}
	assert_teec(TEEC_InvokeCommand(&c->sess, 99, NULL, &origin),
		    TEEC_ERROR_NOT_SUPPORTED);
}

/* A raw GET with the key as a temporary memref: the TA's memref path. */
static TEEC_Result get_memref_key(struct kvc *c, const void *k, size_t kl, void *out,
				  size_t *n)
{
	TEEC_Operation op;
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_MEMREF_TEMP_OUTPUT,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)k;
	op.params[0].tmpref.size = kl;
	op.params[1].tmpref.buffer = out;
	op.params[1].tmpref.size = *n;
	uint32_t origin;
	TEEC_Result r = TEEC_InvokeCommand(&c->sess, KV_CMD_GET, &op, &origin);
	*n = op.params[1].tmpref.size;
	return r;
}

static TEEC_Result get_value_key(struct kvc *c, uint32_t a, uint32_t b)
{
	static char out[64];
	TEEC_Operation op;
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_OUTPUT,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = a;
	op.params[0].value.b = b;
	op.params[1].tmpref.buffer = out;
	op.params[1].tmpref.size = sizeof(out);
	uint32_t origin;
	return TEEC_InvokeCommand(&c->sess, KV_CMD_GET, &op, &origin);
}

static void test_small_keys(void **state)
{
	struct kvc *c = &((struct fx *)*state)->c;
	/* Keys of 1..9 bytes, with zero bytes inside: up to 7 travel as a
	 * value, longer ones as memrefs; all are the same kind of entry. */
	unsigned char key[9] = {0x00, 'k', 0xff, 0x00, 'e', 0x80, 'y', 0x01, 0x00};
	char val[32], out[32];
	for (size_t kl = 1; kl <= sizeof(key); kl++) {
		snprintf(val, sizeof(val), "value-%zu", kl);
		assert_teec(kvc_put(c, key, kl, val, strlen(val)), TEEC_SUCCESS);
	}
	uint32_t keys;
	assert_teec(kvc_count(c, &keys, NULL), TEEC_SUCCESS);
	assert_int_equal(keys, sizeof(key));
	for (size_t kl = 1; kl <= sizeof(key); kl++) {
		snprintf(val, sizeof(val), "value-%zu", kl);
		size_t n = sizeof(out);
		assert_teec(kvc_get(c, key, kl, out, &n), TEEC_SUCCESS);
		assert_int_equal(n, strlen(val));
		assert_memory_equal(out, val, n);
		n = sizeof(out);
		assert_teec(get_memref_key(c, key, kl, out, &n), TEEC_SUCCESS);
		assert_int_equal(n, strlen(val));
		assert_memory_equal(out, val, n);
	}
	/* A key stored through a memref is found through a value and deleted. */
	assert_teec(kvc_del(c, key, 3), TEEC_SUCCESS);
	size_t n = sizeof(out);
	assert_teec(get_memref_key(c, key, 3, out, &n), TEEC_ERROR_ITEM_NOT_FOUND);
	/* Malformed small keys: no length, too long, bytes past the length. */
	assert_teec(get_value_key(c, 'a', 0), TEEC_ERROR_BAD_PARAMETERS);
	assert_teec(get_value_key(c, 'a', 8u << 24), TEEC_ERROR_BAD_PARAMETERS);
	assert_teec(get_value_key(c, 0x6261u, 1u << 24), TEEC_ERROR_BAD_PARAMETERS);
	assert_teec(get_value_key(c, 0, 1u | 4u << 24), TEEC_ERROR_BAD_PARAMETERS);
	assert_teec(get_value_key(c, 0x6261u, 2u << 24), TEEC_ERROR_ITEM_NOT_FOUND);
}

/* GET in place: the value is where kvc_get_ref says, in shared memory for
 * whole and partial memrefs, and stays right across calls. */
static void test_get_ref(void **state)
{
	struct kvc *c = &((struct fx *)*state)->c;
	put_ok(c, "one", "first value", 11);
	put_ok(c, "a-longer-key-than-seven", "second", 6);
	const void *v;
	size_t n;
	assert_teec(kvc_get_ref(c, "one", 3, 64, &v, &n), TEEC_SUCCESS);
	assert_int_equal(n, 11);
	assert_memory_equal(v, "first value", 11);
	int in_shm = 0;
	for (int i = 0; i < 4; i++) {
		const char *b = c->blk[i].buffer;
		if (c->have[i] && (const char *)v >= b &&
		    (const char *)v < b + c->blk[i].size)
			in_shm = 1;
	}
	assert_int_equal(in_shm, c->tr != KVC_TEMP);
	assert_teec(kvc_get_ref(c, "a-longer-key-than-seven", 23, 64, &v, &n),
		    TEEC_SUCCESS);
	assert_int_equal(n, 6);
	assert_memory_equal(v, "second", 6);
	assert_teec(kvc_get_ref(c, "one", 3, 4, &v, &n), TEEC_ERROR_SHORT_BUFFER);
	assert_int_equal(n, 11);
	assert_null(v);
	assert_teec(kvc_get_ref(c, "none", 4, 64, &v, &n), TEEC_ERROR_ITEM_NOT_FOUND);
	assert_null(v);
}

static void test_list_paged(void **state)
{
	struct kvc *c = &((struct fx *)*state)->c;
	enum { N = 300 };
	static unsigned char seen[N];
	memset(seen, 0, sizeof(seen));
	for (int i = 0; i < N; i++) {
		char k[16];
		snprintf(k, sizeof(k), "key-%03d", i);
		put_ok(c, k, "v", 1);
	}
	/* A 100-byte page holds 9 keys of 11 bytes: many pages. */
	uint32_t start = 0, n, total, pages = 0;
	unsigned char page[100];
	do {
		size_t len = sizeof(page);
		assert_teec(kvc_list(c, start, page, &len, &n, &total), TEEC_SUCCESS);
		assert_int_equal(total, N);
		size_t off = 0;
		for (uint32_t i = 0; i < n; i++) {
			uint32_t kl = page[off] | page[off + 1] << 8;
			assert_int_equal(kl, 7);
			/* "key-NNN": the digits end where the key ends. */
			char digits[4] = {0};
			memcpy(digits, page + off + 4 + 4, 3);
			int idx = atoi(digits);
			assert_true(idx >= 0 && idx < N);
			assert_int_equal(seen[idx], 0);
			seen[idx] = 1;
			off += 4 + kl;
		}
		assert_int_equal(off, len);
		start += n;
		pages++;
	} while (n && start < total);
	assert_int_equal(start, N);
	assert_true(pages > 20);
	/* A page too small for one key says what one key needs. */
	size_t len = 5;
	assert_teec(kvc_list(c, 0, page, &len, &n, &total), TEEC_ERROR_SHORT_BUFFER);
	assert_int_equal(len, 4 + 7);
	/* Past the end: an empty page. */
	len = sizeof(page);
	assert_teec(kvc_list(c, N + 5, page, &len, &n, &total), TEEC_SUCCESS);
	assert_int_equal(n, 0);
	assert_int_equal(len, 0);
}

static void test_batch(void **state)
{
	struct kvc *c = &((struct fx *)*state)->c;
	static unsigned char req[65536], resp[65536];
	struct kvb_writer w;
	kvb_begin(&w, req, sizeof(req));
	char k[16], v[32];
	for (int i = 0; i < 100; i++) {
		snprintf(k, sizeof(k), "b%d", i);
		snprintf(v, sizeof(v), "value %d", i);
		assert_int_equal(kvb_add(&w, KVB_PUT, k, strlen(k), v, strlen(v)), 0);
	}
	for (int i = 0; i < 100; i += 10) {
		snprintf(k, sizeof(k), "b%d", i);
		assert_int_equal(kvb_add(&w, KVB_GET, k, strlen(k), NULL, 0), 0);
		assert_int_equal(kvb_add(&w, KVB_DEL, k, strlen(k), NULL, 0), 0);
	}
	assert_int_equal(kvb_add(&w, KVB_GET, "b0", 2, NULL, 0), 0);
	size_t len = kvb_finish(&w), rl = sizeof(resp);
	assert_true(len > 0);
	assert_teec(kvc_batch(c, req, len, resp, &rl), TEEC_SUCCESS);
	struct kvb_reader r;
	struct kvb_result res;
	uint32_t n;
	assert_int_equal(kvb_response_open(&r, resp, rl, &n), 0);
	assert_int_equal(n, 121);
	for (uint32_t i = 0; i < 100; i++) {
		assert_int_equal(kvb_response_next(&r, &res), 1);
		assert_int_equal(res.result, KVB_R_OK);
	}
	for (int i = 0; i < 100; i += 10) {
		snprintf(v, sizeof(v), "value %d", i);
		assert_int_equal(kvb_response_next(&r, &res), 1);
		assert_int_equal(res.result, KVB_R_OK);
		assert_int_equal(res.vlen, strlen(v));
		assert_memory_equal(res.val, v, res.vlen);
		assert_int_equal(kvb_response_next(&r, &res), 1);
		assert_int_equal(res.result, KVB_R_OK);
	}
	assert_int_equal(kvb_response_next(&r, &res), 1);
	assert_int_equal(res.result, KVB_R_NOT_FOUND);
	assert_int_equal(kvb_response_next(&r, &res), 0);
	uint32_t keys;
	assert_teec(kvc_count(c, &keys, NULL), TEEC_SUCCESS);
	assert_int_equal(keys, 90);
	get_is(c, "b1", "value 1", 7);

	/* Malformed: truncated, trailing byte, bad op. Nothing runs. */
	kvb_begin(&w, req, sizeof(req));
	assert_int_equal(kvb_add(&w, KVB_DEL, "b1", 2, NULL, 0), 0);
	assert_int_equal(kvb_add(&w, KVB_PUT, "z", 1, "zz", 2), 0);
	len = kvb_finish(&w);
	rl = sizeof(resp);
	assert_teec(kvc_batch(c, req, len - 1, resp, &rl), TEEC_ERROR_BAD_PARAMETERS);
	req[len] = 0;
	rl = sizeof(resp);
	assert_teec(kvc_batch(c, req, len + 1, resp, &rl), TEEC_ERROR_BAD_PARAMETERS);
	req[KVB_HDR] = 7;
	rl = sizeof(resp);
	assert_teec(kvc_batch(c, req, len, resp, &rl), TEEC_ERROR_BAD_PARAMETERS);
	rl = sizeof(resp);
	assert_teec(kvc_batch(c, "KVB1", 4, resp, &rl), TEEC_ERROR_BAD_PARAMETERS);
	get_is(c, "b1", "value 1", 7);
	assert_teec(kvc_count(c, &keys, NULL), TEEC_SUCCESS);
	assert_int_equal(keys, 90);
	/* Response space below one header per op: SHORT_BUFFER with the minimum. */
	req[KVB_HDR] = KVB_DEL;
	rl = 8;
	assert_teec(kvc_batch(c, req, len, resp, &rl), TEEC_ERROR_SHORT_BUFFER);
	assert_int_equal(rl, kvb_response_min(2));
	get_is(c, "b1", "value 1", 7);
}

/*
 * A value larger than the whole TA heap (4 MiB) fails with OUT_OF_MEMORY;
 * then the heap is filled with 512 KiB values until one more fails. Every
 * key stored before either failure is still there, intact, and deleting
 * makes room again.
 */
static void test_out_of_memory(void **state)
{
	struct kvc *c = &((struct fx *)*state)->c;
	put_ok(c, "before", "still here", 10);
	size_t big = 5u << 20;
	unsigned char *v = malloc(big);
	assert_non_null(v);
	memset(v, 0x5a, big);
	assert_teec(kvc_put(c, "huge", 4, v, big), TEEC_ERROR_OUT_OF_MEMORY);
	assert_int_equal(c->origin, TEEC_ORIGIN_TRUSTED_APP);
	/* Replacing an existing key with a huge value keeps the old value. */
	assert_teec(kvc_put(c, "before", 6, v, big), TEEC_ERROR_OUT_OF_MEMORY);
	get_is(c, "before", "still here", 10);

	size_t chunk = 512u << 10;
	int stored = 0;
	for (int i = 0; i < 16; i++) {
		char k[16];
		snprintf(k, sizeof(k), "fill%d", i);
		v[0] = (unsigned char)i;
		TEEC_Result r = kvc_put(c, k, strlen(k), v, chunk);
		if (r == TEEC_ERROR_OUT_OF_MEMORY)
			break;
		assert_teec(r, TEEC_SUCCESS);
		stored++;
	}
	assert_true(stored >= 4 && stored < 16);
	uint32_t keys;
	assert_teec(kvc_count(c, &keys, NULL), TEEC_SUCCESS);
	assert_int_equal(keys, 1 + stored);
	get_is(c, "before", "still here", 10);
	unsigned char *out = malloc(chunk);
	assert_non_null(out);
	for (int i = 0; i < stored; i++) {
		char k[16];
		snprintf(k, sizeof(k), "fill%d", i);
		size_t n = chunk;
		assert_teec(kvc_get(c, k, strlen(k), out, &n), TEEC_SUCCESS);
		assert_int_equal(n, chunk);
		assert_int_equal(out[0], i);
		assert_int_equal(out[chunk - 1], 0x5a);
	}
	/* Room again after deleting. */
	assert_teec(kvc_del(c, "fill0", 5), TEEC_SUCCESS);
	put_ok(c, "after", v, chunk);
	free(out);
	free(v);
}

/* The session survives everything above; the TA keeps one table. */
static void test_shared_table(void **state)
{
	struct kvc *c = &((struct fx *)*state)->c;
	struct kvc other;
	put_ok(c, "shared", "yes", 3);
	assert_teec(kvc_open(&other, NULL, KVC_TEMP, 0), TEEC_SUCCESS);
	get_is(&other, "shared", "yes", 3);
	kvc_close(&other);
}

static void test_persistent_apart(void **state)
{
	(void)state;
	struct kvc p, m;
	assert_teec(kvc_open(&p, NULL, KVC_WHOLE, KV_OPEN_PERSISTENT), TEEC_SUCCESS);
	assert_teec(kvc_open(&m, NULL, KVC_PARTIAL, 0), TEEC_SUCCESS);
	put_ok(&p, "where", "storage", 7);
	put_ok(&m, "where", "memory", 6);
	get_is(&p, "where", "storage", 7);
	get_is(&m, "where", "memory", 6);
	assert_teec(kvc_clear(&p), TEEC_SUCCESS);
	get_is(&m, "where", "memory", 6);
	assert_teec(kvc_del(&m, "where", 5), TEEC_SUCCESS);
	kvc_close(&p);
	kvc_close(&m);
	/* Unknown open flags are bad parameters. */
	assert_teec(kvc_open(&p, NULL, KVC_WHOLE, 0x80), TEEC_ERROR_BAD_PARAMETERS);
}

static void test_cli(void **state)
{
	(void)state;
	const char *kv = et_test_bin("edgetee-kv");
	char out[256];
	snprintf(out, sizeof(out), "%s/cli.out", inst.dir);
	assert_int_equal(et_test_sh("'%s' put city Neuchatel", kv), 0);
	assert_int_equal(et_test_sh("'%s' --transport temp get city > '%s'", kv, out), 0);
	assert_int_equal(et_test_sh("grep -qx Neuchatel '%s'", out), 0);
	assert_int_equal(
	    et_test_sh("printf 'a b\\nc' | '%s' --transport partial put multi -", kv), 0);
	assert_int_equal(et_test_sh("test \"$('%s' get multi | od -c | head -1)\" = "
				    "\"$(printf 'a b\\nc' | od -c | head -1)\"",
				    kv),
			 0);
	assert_int_equal(et_test_sh("'%s' list | grep -qx city", kv), 0);
	assert_int_equal(et_test_sh("test \"$('%s' count)\" -ge 2", kv), 0);
	assert_int_equal(et_test_sh("'%s' del city", kv), 0);
	/* Errors: one line on stderr, non-zero status. */
	snprintf(out, sizeof(out), "%s/cli.err", inst.dir);
	assert_int_equal(et_test_sh("'%s' get city 2> '%s'", kv, out), 1);
	assert_int_equal(et_test_sh("test $(wc -l < '%s') -eq 1 && grep -q 'no such key' "
				    "'%s'",
				    out, out),
			 0);
	assert_int_equal(et_test_sh("'%s' --persistent put pcity Bern", kv), 0);
	assert_int_equal(et_test_sh("'%s' get pcity 2>/dev/null", kv), 1);
	assert_int_equal(et_test_sh("test \"$('%s' --persistent get pcity)\" = Bern", kv),
			 0);
	assert_int_equal(et_test_sh("'%s' --persistent del pcity", kv), 0);
	assert_int_equal(et_test_sh("'%s' frobnicate 2>/dev/null", kv), 2);
	assert_int_equal(et_test_sh("'%s' put onlykey 2>/dev/null", kv), 2);
	assert_int_equal(et_test_sh("'%s' --transport nope count 2>/dev/null", kv), 2);
	assert_int_equal(et_test_sh("'%s' --help | grep -q usage", kv), 0);
}

#define ON_ALL(t)                                                                        \
	cmocka_unit_test_setup_teardown(t, up_whole, down),                              \
	    cmocka_unit_test_setup_teardown(t, up_partial, down),                        \
	    cmocka_unit_test_setup_teardown(t, up_temp, down)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    ON_ALL(test_basic),
	    ON_ALL(test_bad_params),
	    ON_ALL(test_small_keys),
	    ON_ALL(test_get_ref),
	    ON_ALL(test_list_paged),
	    ON_ALL(test_batch),
	    ON_ALL(test_out_of_memory),
	    cmocka_unit_test_setup_teardown(test_shared_table, up_whole, down),
	    cmocka_unit_test(test_persistent_apart),
	    cmocka_unit_test(test_cli),
	};
	return cmocka_run_group_tests(tests, group_up, group_down);
}
