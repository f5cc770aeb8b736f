/*
 * Unit tests of src/kv without a TEE: the hash table (insert, replace,
 * delete, chaining, iteration and paging, an allocator that refuses, the
 * per-chain persistent encoding) and the batch codec (round trip, strict
 * validation of every malformed form, short responses).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kv_batch.h"
#include "kv_table.h"

/* An allocator with a budget, to make kv_put fail on purpose. */
static size_t budget = SIZE_MAX;
static size_t live_allocs;

static void *t_alloc(size_t n)
{
	if (n > budget)
		return NULL;
	budget -= n;
	void *p = malloc(n + sizeof(size_t));
	if (!p)
		return NULL;
	*(size_t *)p = n;
	live_allocs++;
	return (char *)p + sizeof(size_t);
}

static void t_free(void *p)
{
	if (!p)
		return;
	char *b = (char *)p - sizeof(size_t);
	if (budget != SIZE_MAX)
		budget += *(size_t *)b;
	live_allocs--;
	free(b);
}

static const struct kv_alloc test_alloc = {t_alloc, t_free};

static struct kv_table t;

static int setup(void **state)
{
	(void)state;
	budget = SIZE_MAX;
	live_allocs = 0;
	kv_init(&t, &test_alloc);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kv_clear(&t);
	assert_int_equal(live_allocs, 0); /* nothing leaked */
	return 0;
}

static void put_str(const char *k, const char *v)
{
	assert_int_equal(kv_put(&t, k, strlen(k), v, strlen(v)), KV_OK);
}

static void expect(const char *k, const char *v)
{
	const void *val;
	size_t vl;
	assert_int_equal(kv_get(&t, k, strlen(k), &val, &vl), KV_OK);
	assert_int_equal(vl, strlen(v));
	assert_memory_equal(val, v, vl);
}

static void test_put_get_del(void **state)
{
	(void)state;
	const void *val;
	size_t vl;
	assert_int_equal(kv_get(&t, "a", 1, &val, &vl), KV_ENOENT);
	put_str("a", "one");
	put_str("b", "two");
	expect("a", "one");
	expect("b", "two");
	assert_int_equal(kv_count(&t), 2);
	assert_int_equal(t.bytes, 2 + 6);
	/* Replace keeps one entry and the new value. */
	put_str("a", "uno!");
	expect("a", "uno!");
	assert_int_equal(kv_count(&t), 2);
	assert_int_equal(t.bytes, 2 + 7);
	assert_int_equal(kv_del(&t, "a", 1), KV_OK);
	assert_int_equal(kv_del(&t, "a", 1), KV_ENOENT);
	assert_int_equal(kv_get(&t, "a", 1, &val, &vl), KV_ENOENT);
	assert_int_equal(kv_count(&t), 1);
	/* Keys are byte strings: embedded NULs, prefixes are distinct keys. */
	assert_int_equal(kv_put(&t, "x\0y", 3, "1", 1), KV_OK);
	assert_int_equal(kv_put(&t, "x", 1, "2", 1), KV_OK);
	assert_int_equal(kv_get(&t, "x\0y", 3, &val, &vl), KV_OK);
	assert_memory_equal(val, "1", 1);
	/* Empty values are values. */
	assert_int_equal(kv_put(&t, "e", 1, NULL, 0), KV_OK);
	assert_int_equal(kv_get(&t, "e", 1, &val, &vl), KV_OK);
	assert_int_equal(vl, 0);
}

static void test_bad_keys(void **state)
{
	(void)state;
	static char big[KV_KEY_MAX + 1];
	const void *val;
	size_t vl;
	assert_int_equal(kv_put(&t, "", 0, "v", 1), KV_EINVAL);
	assert_int_equal(kv_put(&t, big, sizeof(big), "v", 1), KV_EINVAL);
	assert_int_equal(kv_put(&t, big, KV_KEY_MAX, "v", 1), KV_OK);
	assert_int_equal(kv_get(&t, "", 0, &val, &vl), KV_EINVAL);
	assert_int_equal(kv_del(&t, "", 0), KV_EINVAL);
	assert_int_equal(kv_put(&t, "k", 1, "v", (size_t)KV_VALUE_MAX + 1), KV_EINVAL);
}

/* Many keys: all chains are used, all keys found, iteration sees each once. */
static void test_many_and_cursor(void **state)
{
	(void)state;
	enum { N = 5000 };
	for (uint32_t i = 0; i < N; i++)
		assert_int_equal(kv_put(&t, &i, sizeof(i), &i, sizeof(i)), KV_OK);
	assert_int_equal(kv_count(&t), N);
	unsigned used = 0;
	for (unsigned c = 0; c < KV_CHAINS; c++)
		used += t.chain[c] != NULL;
	assert_int_equal(used, KV_CHAINS);
	static unsigned char seen[N];
	memset(seen, 0, sizeof(seen));
	struct kv_cursor cur;
	kv_cursor_init(&cur);
	const void *k;
	size_t kl, vl, n = 0;
	while (kv_next(&t, &cur, &k, &kl, &vl)) {
		uint32_t i;
		assert_int_equal(kl, 4);
		memcpy(&i, k, 4);
		assert_true(i < N);
		assert_int_equal(seen[i], 0);
		seen[i] = 1;
		n++;
	}
	assert_int_equal(n, N);
	/* Seeking to index i yields the same key as the i-th step. */
	for (size_t idx = 0; idx < N; idx += 777) {
		struct kv_cursor a, b;
		const void *ka, *kb;
		kv_cursor_init(&a);
		for (size_t j = 0; j <= idx; j++)
			assert_true(kv_next(&t, &a, &ka, &kl, NULL));
		kv_cursor_seek(&t, &b, idx);
		assert_true(kv_next(&t, &b, &kb, &kl, NULL));
		assert_ptr_equal(ka, kb);
	}
	struct kv_cursor end;
	kv_cursor_seek(&t, &end, N);
	assert_false(kv_next(&t, &end, &k, &kl, NULL));
	for (uint32_t i = 0; i < N; i += 2)
		assert_int_equal(kv_del(&t, &i, sizeof(i)), KV_OK);
	assert_int_equal(kv_count(&t), N / 2);
	for (uint32_t i = 0; i < N; i++) {
		const void *v;
		assert_int_equal(kv_get(&t, &i, sizeof(i), &v, &vl),
				 i % 2 ? KV_OK : KV_ENOENT);
	}
}

/* The allocator refuses: the put fails and nothing else changes. */
static void test_out_of_memory(void **state)
{
	(void)state;
	put_str("keep", "old value");
	put_str("other", "x");
	size_t bytes = t.bytes;
	budget = 64;
	static char large[4096];
	assert_int_equal(kv_put(&t, "new", 3, large, sizeof(large)), KV_ENOMEM);
	assert_int_equal(kv_put(&t, "keep", 4, large, sizeof(large)), KV_ENOMEM);
	expect("keep", "old value");
	expect("other", "x");
	assert_int_equal(kv_count(&t), 2);
	assert_int_equal(t.bytes, bytes);
	budget = SIZE_MAX;
}

static void test_chain_encoding(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < 2000; i++) {
		char v[16];
		snprintf(v, sizeof(v), "value-%u", i);
		assert_int_equal(kv_put(&t, &i, sizeof(i), v, strlen(v)), KV_OK);
	}
	size_t count = kv_count(&t);
	for (uint32_t c = 0; c < KV_CHAINS; c++) {
		size_t need = kv_chain_encode(&t, c, NULL, 0);
		unsigned char *img = malloc(need);
		assert_non_null(img);
		assert_int_equal(kv_chain_encode(&t, c, img, need), need);
		/* Reload into the same chain: identical contents. */
		assert_int_equal(kv_chain_load(&t, c, img, need), KV_OK);
		assert_int_equal(kv_count(&t), count);
		assert_int_equal(kv_chain_encode(&t, c, NULL, 0), need);
		/* Wrong chain, truncation, trailing byte, a flipped length. */
		assert_int_equal(kv_chain_load(&t, (c + 1) % KV_CHAINS, img, need),
				 KV_ECORRUPT);
		for (size_t cut = 0; cut < need; cut += 1 + need / 7)
			assert_int_equal(kv_chain_load(&t, c, img, cut), KV_ECORRUPT);
		if (need > 12) {
			img[12] ^= 0x40;
			assert_int_equal(kv_chain_load(&t, c, img, need), KV_ECORRUPT);
		}
		free(img);
		assert_int_equal(kv_count(&t), count);
	}
	for (uint32_t i = 0; i < 2000; i++) {
		const void *v;
		size_t vl;
		char want[16];
		snprintf(want, sizeof(want), "value-%u", i);
		assert_int_equal(kv_get(&t, &i, sizeof(i), &v, &vl), KV_OK);
		assert_int_equal(vl, strlen(want));
		assert_memory_equal(v, want, vl);
	}
}

/* ---- batch codec ---------------------------------------------------------- */

static unsigned char req[8192], resp[8192];

static size_t sample_batch(void)
{
	struct kvb_writer w;
	kvb_begin(&w, req, sizeof(req));
	assert_int_equal(kvb_add(&w, KVB_PUT, "k1", 2, "hello", 5), 0);
	assert_int_equal(kvb_add(&w, KVB_PUT, "k2", 2, "world!", 6), 0);
	assert_int_equal(kvb_add(&w, KVB_GET, "k1", 2, NULL, 0), 0);
	assert_int_equal(kvb_add(&w, KVB_DEL, "k2", 2, NULL, 0), 0);
	assert_int_equal(kvb_add(&w, KVB_GET, "k2", 2, NULL, 0), 0);
	assert_int_equal(kvb_add(&w, KVB_DEL, "nope", 4, NULL, 0), 0);
	size_t len = kvb_finish(&w);
	assert_true(len > 0);
	return len;
}

static void test_batch_roundtrip(void **state)
{
	(void)state;
	size_t len = sample_batch(), out = 0;
	uint32_t n;
	assert_int_equal(kvb_validate(req, len, &n), 0);
	assert_int_equal(n, 6);
	assert_int_equal(kvb_execute(&t, req, len, resp, sizeof(resp), &out), 0);
	struct kvb_reader r;
	struct kvb_result res;
	assert_int_equal(kvb_response_open(&r, resp, out, &n), 0);
	assert_int_equal(n, 6);
	const uint32_t want[] = {KVB_R_OK, KVB_R_OK,	    KVB_R_OK,
				 KVB_R_OK, KVB_R_NOT_FOUND, KVB_R_NOT_FOUND};
	for (int i = 0; i < 6; i++) {
		assert_int_equal(kvb_response_next(&r, &res), 1);
		assert_int_equal(res.result, want[i]);
		if (i == 2) {
			assert_int_equal(res.vlen, 5);
			assert_memory_equal(res.val, "hello", 5);
		}
	}
	assert_int_equal(kvb_response_next(&r, &res), 0);
	expect("k1", "hello");
	assert_int_equal(kv_count(&t), 1);
}

static void test_batch_short_response(void **state)
{
	(void)state;
	size_t len = sample_batch(), out = 0;
	/* Smaller than the result headers: nothing runs, the minimum is told. */
	assert_int_equal(kvb_execute(&t, req, len, resp, 20, &out), -2);
	assert_int_equal(out, kvb_response_min(6));
	assert_int_equal(kv_count(&t), 0);
	/* Room for the headers only: the GET's value is reported, not sent. */
	assert_int_equal(kvb_execute(&t, req, len, resp, kvb_response_min(6), &out), 0);
	struct kvb_reader r;
	struct kvb_result res;
	uint32_t n;
	assert_int_equal(kvb_response_open(&r, resp, out, &n), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(kvb_response_next(&r, &res), 1);
	assert_int_equal(res.result, KVB_R_SHORT);
	assert_int_equal(res.vlen, 5);
}

static void test_batch_malformed(void **state)
{
	(void)state;
	size_t len = sample_batch(), out;
	uint32_t n;
	static unsigned char bad[8192];
	/* Every truncation and one trailing byte. */
	for (size_t cut = 0; cut < len; cut++)
		assert_int_equal(kvb_validate(req, cut, &n), -1);
	memcpy(bad, req, len);
	bad[len] = 0;
	assert_int_equal(kvb_validate(bad, len + 1, &n), -1);
	/* Flip each header byte of the first op and of the batch header. */
	for (size_t i = 0; i < KVB_HDR + KVB_OP_HDR; i++) {
		memcpy(bad, req, len);
		bad[i] ^= 0x01;
		assert_int_equal(kvb_validate(bad, len, &n), -1);
	}
	/* A GET carrying a value, an unknown op, a zero count, an empty key. */
	struct kvb_writer w;
	kvb_begin(&w, bad, sizeof(bad));
	assert_int_equal(kvb_add(&w, KVB_GET, "k", 1, NULL, 0), 0);
	size_t l = kvb_finish(&w);
	bad[KVB_HDR + 8] = 1; /* vlen = 1 ... */
	unsigned char withval[64];
	memcpy(withval, bad, l);
	withval[l] = 'x'; /* ... and the byte it claims */
	assert_int_equal(kvb_validate(withval, l + 1, &n), -1);
	kvb_begin(&w, bad, sizeof(bad));
	assert_int_equal(kvb_add(&w, KVB_DEL, "k", 1, NULL, 0), 0);
	l = kvb_finish(&w);
	bad[KVB_HDR] = 9;
	assert_int_equal(kvb_validate(bad, l, &n), -1);
	bad[KVB_HDR] = KVB_DEL;
	bad[4] = 0;
	assert_int_equal(kvb_validate(bad, l, &n), -1);
	/* The writer refuses what the validator would. */
	kvb_begin(&w, bad, sizeof(bad));
	assert_int_equal(kvb_add(&w, KVB_PUT, "", 0, "v", 1), -1);
	assert_int_equal(kvb_finish(&w), 0);
	kvb_begin(&w, bad, 20);
	assert_int_equal(kvb_add(&w, KVB_PUT, "k", 1, "too long for 20", 15), -1);
	/* Nothing of a malformed batch runs. */
	assert_int_equal(kvb_execute(&t, req, len - 1, resp, sizeof(resp), &out), -1);
	assert_int_equal(kv_count(&t), 0);
	/* A response is read as strictly. */
	struct kvb_reader r;
	assert_int_equal(kvb_response_open(&r, "junk1234", 8, &n), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_put_get_del, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_keys, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_many_and_cursor, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_out_of_memory, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_chain_encoding, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_batch_roundtrip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_batch_short_response, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_batch_malformed, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
