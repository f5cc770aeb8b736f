/*
 * Attacks on the REE-side files of GP Trusted Storage: with a few objects
 * stored through storage_ta in a private instance, the test edits the
 * files under <instance>/storage/ and <instance>/rollback/ directly (their
 * names are keyed hashes: it walks the trees, it does not rely on names)
 * and reads every object back through the TA:
 *  - tamper: one byte flipped at the first, middle, last and 16 random
 *    offsets of every file; each object must read back exactly right, or
 *    fail with TEE_ERROR_CORRUPT_OBJECT / ITEM_NOT_FOUND: never other data,
 *    never a dead core. The file is restored after each flip;
 *  - damage: every file deleted, truncated to half, emptied in turn;
 *  - replay: every file of an older state put back alone, and rollback:
 *    the whole storage/ tree of state A restored after state B (instance
 *    stopped, rollback/ untouched) - detected, never state A's data;
 *  - full disk (root only: a 4 MiB tmpfs as the instance directory):
 *    TEE_ERROR_STORAGE_NO_SPACE, committed data intact, space reusable.
 * Hangs are bounded by alarm().
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cmocka.h>

#include "st_util.h"

#define TEST_ALARM_S 240

static struct et_test_inst inst;
static TEEC_Context ctx;
static TEEC_Session sess;
static int up;

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "test_storage_attacks: a call hung (alarm fired)\n";
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing to do */
	}
	int pid = st_daemon_pid(inst.dir);
	if (pid > 1)
		kill(pid, SIGTERM);
	_exit(99);
}

/* ---- the objects and what they must contain ------------------------------------ */

struct obj {
	const char *id;
	uint32_t size, seed;
	int present;
};

#define NOBJ 6
static struct obj objs[NOBJ];

static void objs_init(void)
{
	static const struct obj init[NOBJ] = {
	    {"obj-small", 100, 1, 1},	   {"obj-mid", 5000, 2, 1},
	    {"obj-big", 70000, 3, 1},	   {"obj-empty", 0, 4, 1},
	    {"obj-rewritten", 3000, 5, 1}, {"obj-2k", 2048, 6, 1},
	};
	memcpy(objs, init, sizeof(init));
}

static int alive(void)
{
	int pid = st_daemon_pid(inst.dir);
	return pid > 1 && kill(pid, 0) == 0;
}

/* Start a fresh instance in dir (already created), open a session. */
static void inst_start(void)
{
	assert_int_equal(st_up_again(&inst), 0);
	setenv("EDGETEE_SOCKET", inst.sock, 1);
	assert_int_equal(TEEC_InitializeContext(NULL, &ctx), TEEC_SUCCESS);
	assert_int_equal(st_session(&ctx, &sess, STORAGE_TA_UUID_STR), TEEC_SUCCESS);
	up = 1;
}

static void inst_stop(void)
{
	if (!up)
		return;
	TEEC_CloseSession(&sess);
	TEEC_FinalizeContext(&ctx);
	st_down_keep(&inst);
	up = 0;
}

static void store_all(void)
{
	objs_init();
	/* obj-rewritten is written twice: the files hold a history. */
	assert_int_equal(st_write_pattern(&sess, "obj-rewritten", 9000, 99, 700),
			 TEEC_SUCCESS);
	for (int i = 0; i < NOBJ; i++)
		assert_int_equal(
		    st_write_pattern(&sess, objs[i].id, objs[i].size, objs[i].seed, 1024),
		    TEEC_SUCCESS);
}

enum verdict { V_OK, V_DETECTED, V_WRONG };

struct tally {
	unsigned ok, detected, rounds_undetected;
};

/*
 * Read one object; V_OK if exactly right, V_DETECTED for an accepted error
 * (its code in *code), V_WRONG otherwise (message in why).
 */
static enum verdict check_obj(const struct obj *o, int allow_security, uint32_t *code,
			      char *why, size_t whylen)
{
	static uint8_t buf[80000], want[80000];
	size_t got = 0;
	TEEC_Result r = st_read_all(&sess, o->id, buf, sizeof(buf), &got);
	*code = r;
	if (r == TEEC_SUCCESS) {
		if (!o->present) {
			snprintf(why, whylen, "%s: deleted, but reads back %zu bytes",
				 o->id, got);
			return V_WRONG;
		}
		st_fill(want, o->seed, o->size);
		if (got != o->size || memcmp(buf, want, got)) {
			snprintf(why, whylen,
				 "%s: SUCCESS with wrong data (%zu bytes, expected %u)",
				 o->id, got, o->size);
			return V_WRONG;
		}
		return V_OK;
	}
	if (r == ST_CORRUPT || r == ST_CORRUPT_2 || r == TEEC_ERROR_ITEM_NOT_FOUND ||
	    (allow_security && r == ST_SECURITY))
		return V_DETECTED;
	snprintf(why, whylen, "%s: unexpected result 0x%08x", o->id, r);
	return V_WRONG;
}

/* Check every object; fail the test on wrong data, another code or a crash. */
static void check_all(const char *what, int allow_security, struct tally *t)
{
	char why[256];
	int detected = 0;
	for (int i = 0; i < NOBJ; i++) {
		uint32_t code;
		enum verdict v =
		    check_obj(&objs[i], allow_security, &code, why, sizeof(why));
		if (v == V_WRONG)
			fail_msg("%s: %s", what, why);
		if (v == V_DETECTED)
			detected = 1;
		if (t)
			*(v == V_OK ? &t->ok : &t->detected) += 1;
	}
	if (t && !detected)
		t->rounds_undetected++;
	if (!alive())
		fail_msg("%s: the core died", what);
}

/* After a restore every object must read back right again (a deleted one:
 * ITEM_NOT_FOUND). */
static void check_intact(const char *what)
{
	char why[256];
	for (int i = 0; i < NOBJ; i++) {
		uint32_t code;
		why[0] = 0;
		enum verdict v = check_obj(&objs[i], 0, &code, why, sizeof(why));
		if (v == V_OK)
			continue;
		if (!objs[i].present && code == TEEC_ERROR_ITEM_NOT_FOUND)
			continue;
		fail_msg("after restoring (%s): %s: 0x%08x %s", what, objs[i].id, code,
			 why);
	}
}

static void list_files(struct st_files *f)
{
	char p[512];
	memset(f, 0, sizeof(*f));
	snprintf(p, sizeof(p), "%s/storage", inst.dir);
	st_walk(p, f);
	snprintf(p, sizeof(p), "%s/rollback", inst.dir);
	st_walk(p, f);
}

static int is_rollback_file(const char *p)
{
	char pre[512];
	snprintf(pre, sizeof(pre), "%s/rollback/", inst.dir);
	return !strncmp(p, pre, strlen(pre));
}

static int setup(void **state)
{
	(void)state;
	signal(SIGALRM, on_alarm);
	alarm(TEST_ALARM_S);
	if (et_test_up(&inst))
		return -1;
	if (TEEC_InitializeContext(NULL, &ctx) != TEEC_SUCCESS ||
	    st_session(&ctx, &sess, STORAGE_TA_UUID_STR) != TEEC_SUCCESS)
		return -1;
	up = 1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (up) {
		TEEC_CloseSession(&sess);
		TEEC_FinalizeContext(&ctx);
		up = 0;
	}
	/* The full-disk test's tmpfs: stop the daemon, then unmount. */
	st_down_keep(&inst);
	umount2(inst.dir, MNT_DETACH);
	et_test_down(&inst);
	alarm(0);
	return 0;
}

/* ---- tamper: single byte flips ------------------------------------------------ */

static void test_tamper_flip(void **state)
{
	(void)state;
	store_all();
	check_intact("initial state");
	struct st_files f;
	list_files(&f);
	if (f.n == 0)
		fail_msg("no files under %s/storage and %s/rollback", inst.dir, inst.dir);
	struct tally t = {0, 0, 0};
	unsigned flips = 0;
	srand(4242);
	for (size_t k = 0; k < f.n; k++) {
		size_t len = 0;
		uint8_t *orig = st_slurp(f.path[k], &len);
		assert_non_null(orig);
		if (len == 0) {
			free(orig);
			continue;
		}
		uint8_t *mod = malloc(len);
		assert_non_null(mod);
		size_t offs[19] = {0, len / 2, len - 1};
		for (int i = 3; i < 19; i++)
			offs[i] = (size_t)rand() % len;
		int sec = is_rollback_file(f.path[k]);
		unsigned undet_before = t.rounds_undetected;
		for (int i = 0; i < 19; i++) {
			memcpy(mod, orig, len);
			mod[offs[i]] ^= (uint8_t)(1u << (rand() % 8)) | 0x40;
			assert_int_equal(st_spit(f.path[k], mod, len), 0);
			char what[600];
			snprintf(what, sizeof(what), "byte %zu of %s (%zu bytes) flipped",
				 offs[i], f.path[k], len);
			unsigned undet = t.rounds_undetected;
			check_all(what, sec, &t);
			if (t.rounds_undetected != undet)
				fprintf(stderr,
					"note: flip at byte %zu of %s undetected\n",
					offs[i], f.path[k]);
			flips++;
			assert_int_equal(st_spit(f.path[k], orig, len), 0);
		}
		if (t.rounds_undetected - undet_before)
			fprintf(stderr,
				"note: %u of 19 flips in %s (%zu bytes) went undetected "
				"(all objects still read back exactly right)\n",
				t.rounds_undetected - undet_before, f.path[k], len);
		check_intact(f.path[k]);
		free(mod);
		free(orig);
	}
	fprintf(stderr,
		"tamper: %zu files, %u flips, %u reads exact, %u detected, %u flips "
		"without any detection\n",
		f.n, flips, t.ok, t.detected, t.rounds_undetected);
	st_files_free(&f);
	/* And after a restart (no cache can help any more). */
	inst_stop();
	inst_start();
	check_intact("restart after tampering");
}

/* ---- damage: deleted, truncated, emptied files ----------------------------------- */

static void test_damage(void **state)
{
	(void)state;
	store_all();
	struct st_files f;
	list_files(&f);
	assert_true(f.n > 0);
	struct tally t = {0, 0, 0};
	for (size_t k = 0; k < f.n; k++) {
		size_t len = 0;
		uint8_t *orig = st_slurp(f.path[k], &len);
		assert_non_null(orig);
		int sec = is_rollback_file(f.path[k]);
		char what[600];
		/* Deleted. */
		assert_int_equal(unlink(f.path[k]), 0);
		snprintf(what, sizeof(what), "%s deleted", f.path[k]);
		check_all(what, sec, &t);
		/* Truncated to half, and emptied. */
		for (int h = 0; h < 2; h++) {
			assert_int_equal(st_spit(f.path[k], orig, h ? 0 : len / 2), 0);
			snprintf(what, sizeof(what), "%s cut to %zu bytes", f.path[k],
				 h ? 0 : len / 2);
			check_all(what, sec, &t);
		}
		/* One byte appended. */
		uint8_t *ext = malloc(len + 1);
		assert_non_null(ext);
		memcpy(ext, orig, len);
		ext[len] = 0;
		assert_int_equal(st_spit(f.path[k], ext, len + 1), 0);
		snprintf(what, sizeof(what), "%s grown by a byte", f.path[k]);
		check_all(what, sec, &t);
		free(ext);
		assert_int_equal(st_spit(f.path[k], orig, len), 0);
		check_intact(f.path[k]);
		free(orig);
	}
	fprintf(stderr, "damage: %zu files, %u reads exact, %u detected\n", f.n, t.ok,
		t.detected);
	st_files_free(&f);
}

/* ---- replay of single files and rollback of the whole tree ---------------------- */

static void change_objects(void)
{
	/* State B: obj-small and obj-big rewritten, obj-mid deleted,
	 * obj-2k extended; obj-empty and obj-rewritten unchanged. */
	uint32_t s;
	assert_int_equal(st_write_pattern(&sess, "obj-small", 100, 11, 0), TEEC_SUCCESS);
	objs[0].seed = 11;
	assert_int_equal(st_write_pattern(&sess, "obj-big", 65000, 13, 0), TEEC_SUCCESS);
	objs[2].size = 65000;
	objs[2].seed = 13;
	assert_int_equal(st_open(&sess, "obj-mid", F_RW, &s), TEEC_SUCCESS);
	assert_int_equal(st_delete(&sess, s), TEEC_SUCCESS);
	objs[1].present = 0;
	assert_int_equal(st_write_pattern(&sess, "obj-2k", 4096, 6, 0), TEEC_SUCCESS);
	objs[5].size = 4096;
}

/* A state-A object: never acceptable after the change. */
static int is_state_a(const struct obj *a, const uint8_t *buf, size_t got)
{
	static uint8_t want[80000];
	if (got != a->size)
		return 0;
	st_fill(want, a->seed, a->size);
	return !memcmp(buf, want, got);
}

static void test_replay_files(void **state)
{
	(void)state;
	store_all();
	struct obj a[NOBJ];
	memcpy(a, objs, sizeof(a));
	struct st_files fa;
	list_files(&fa);
	size_t *lens = calloc(fa.n, sizeof(size_t));
	uint8_t **old = calloc(fa.n, sizeof(uint8_t *));
	assert_non_null(lens);
	assert_non_null(old);
	for (size_t k = 0; k < fa.n; k++)
		old[k] = st_slurp(fa.path[k], &lens[k]);
	change_objects();
	check_intact("state B");
	/* Put back each state-A file alone (where it still exists or not). */
	static uint8_t buf[80000];
	unsigned replays = 0;
	for (size_t k = 0; k < fa.n; k++) {
		size_t cl = 0;
		uint8_t *cur = st_slurp(fa.path[k], &cl);
		if (cur && cl == lens[k] && !memcmp(cur, old[k], cl)) {
			free(cur);
			continue; /* unchanged */
		}
		assert_int_equal(st_spit(fa.path[k], old[k], lens[k]), 0);
		replays++;
		char what[600];
		snprintf(what, sizeof(what), "state-A %s replayed", fa.path[k]);
		int sec = 1;
		check_all(what, sec, NULL);
		for (int i = 0; i < NOBJ; i++) {
			size_t got;
			if (a[i].seed == objs[i].seed && a[i].size == objs[i].size &&
			    objs[i].present)
				continue;
			if (st_read_all(&sess, a[i].id, buf, sizeof(buf), &got) ==
				TEEC_SUCCESS &&
			    is_state_a(&a[i], buf, got))
				fail_msg("%s: %s reads back its old state", what,
					 a[i].id);
		}
		if (cur)
			assert_int_equal(st_spit(fa.path[k], cur, cl), 0);
		else
			unlink(fa.path[k]);
		free(cur);
		check_intact(what);
	}
	fprintf(stderr, "replay: %u of %zu files differed and were replayed alone\n",
		replays, fa.n);
	for (size_t k = 0; k < fa.n; k++)
		free(old[k]);
	free(old);
	free(lens);
	st_files_free(&fa);
}

static void test_rollback(void **state)
{
	(void)state;
	store_all();
	struct obj a[NOBJ];
	memcpy(a, objs, sizeof(a));
	/* Copy storage/ in state A (instance stopped: a consistent copy). */
	inst_stop();
	assert_int_equal(
	    et_test_sh("cp -a '%s/storage' '%s/storage.A'", inst.dir, inst.dir), 0);
	inst_start();
	change_objects();
	check_intact("state B");
	inst_stop();
	assert_int_equal(et_test_sh("rm -rf '%s/storage' && cp -a '%s/storage.A' "
				    "'%s/storage'",
				    inst.dir, inst.dir, inst.dir),
			 0);
	inst_start();
	static uint8_t buf[80000];
	unsigned errors = 0;
	for (int i = 0; i < NOBJ; i++) {
		size_t got;
		TEEC_Result r = st_read_all(&sess, a[i].id, buf, sizeof(buf), &got);
		int changed = a[i].seed != objs[i].seed || a[i].size != objs[i].size ||
			      !objs[i].present;
		fprintf(stderr, "rollback: %-14s %s -> 0x%08x\n", a[i].id,
			changed ? "changed in B" : "unchanged  ", r);
		if (r == TEEC_SUCCESS) {
			if (changed && is_state_a(&a[i], buf, got))
				fail_msg("rollback undetected: %s reads back state A",
					 a[i].id);
			if (!changed && !is_state_a(&a[i], buf, got))
				fail_msg("rollback: %s reads back wrong data", a[i].id);
			if (changed)
				fail_msg("rollback: %s reads SUCCESS (neither A nor an "
					 "error)",
					 a[i].id);
		} else if (r == ST_CORRUPT || r == ST_CORRUPT_2 || r == ST_SECURITY) {
			errors++;
		} else if (r == TEEC_ERROR_ITEM_NOT_FOUND && !objs[i].present) {
			/* deleted in B: not found is its true state */
		} else {
			fail_msg("rollback: %s: unexpected 0x%08x", a[i].id, r);
		}
		if (!alive())
			fail_msg("rollback: the core died");
	}
	assert_true(errors > 0);
	/* A new object cannot be created on top of a rolled back store
	 * silently either: an error, or success that does not revive A. */
	TEEC_Result r = st_write_pattern(&sess, "obj-after", 10, 1, 0);
	fprintf(stderr, "rollback: create after detection -> 0x%08x\n", r);
	assert_true(alive());
}

/* ---- full disk ----------------------------------------------------------------------
 */

static void test_full_disk(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		skip(); /* needs root for the tmpfs */
		return;
	}
	/* Our own instance on a 4 MiB tmpfs. */
	inst_stop();
	et_test_down(&inst);
	snprintf(inst.dir, sizeof(inst.dir), "/tmp/edgetee-test-XXXXXX");
	assert_non_null(mkdtemp(inst.dir));
	snprintf(inst.sock, sizeof(inst.sock), "%s/edgeteed.sock", inst.dir);
	if (mount("tmpfs", inst.dir, "tmpfs", 0, "size=4m,mode=0700")) {
		fprintf(stderr, "full disk: cannot mount a tmpfs (%s): skipped\n",
			strerror(errno));
		skip();
		return;
	}
	inst_start();
	objs_init();
	for (int i = 0; i < 3; i++)
		assert_int_equal(
		    st_write_pattern(&sess, objs[i].id, objs[i].size, objs[i].seed, 0),
		    TEEC_SUCCESS);
	/* One growing object, 256 KiB per write, until the disk is full. */
	static uint8_t chunk[256 * 1024];
	uint32_t s, written = 0;
	assert_int_equal(st_create(&sess, "filler", F_RW, NULL, 0, &s), TEEC_SUCCESS);
	TEEC_Result r = TEEC_SUCCESS;
	for (int i = 0; i < 64 && r == TEEC_SUCCESS; i++) {
		for (size_t j = 0; j < sizeof(chunk); j++)
			chunk[j] = st_pattern_byte(7, written + (uint32_t)j);
		r = st_write(&sess, s, chunk, sizeof(chunk));
		if (r == TEEC_SUCCESS)
			written += sizeof(chunk);
	}
	fprintf(stderr, "full disk: %u bytes written, then 0x%08x\n", written, r);
	if (r != ST_NO_SPACE)
		fail_msg("write on a full disk: 0x%08x, expected "
			 "TEE_ERROR_STORAGE_NO_SPACE",
			 r);
	/* The failed write changed nothing; small creates fail cleanly too. */
	struct st_info si;
	assert_int_equal(st_info(&sess, s, &si), TEEC_SUCCESS);
	assert_int_equal(si.dataSize, written);
	assert_int_equal(st_close(&sess, s), TEEC_SUCCESS);
	uint32_t found;
	assert_int_equal(st_verify_pattern(&sess, "filler", written, 7, &found),
			 TEEC_SUCCESS);
	r = st_write_pattern(&sess, "late", 64 * 1024, 8, 0);
	assert_true(r == TEEC_SUCCESS || r == ST_NO_SPACE);
	for (int i = 0; i < 3; i++)
		assert_int_equal(st_verify_pattern(&sess, objs[i].id, objs[i].size,
						   objs[i].seed, &found),
				 TEEC_SUCCESS);
	/* Deleting the filler must work on a full disk. Whether its space
	 * comes back at once depends on the store's layout: noted, not failed. */
	assert_int_equal(st_open(&sess, "filler", F_RW, &s), TEEC_SUCCESS);
	assert_int_equal(st_delete(&sess, s), TEEC_SUCCESS);
	r = st_write_pattern(&sess, "late", 64 * 1024, 8, 0);
	fprintf(stderr, "full disk: 64 KiB object after deleting the filler -> 0x%08x\n",
		r);
	assert_true(r == TEEC_SUCCESS || r == ST_NO_SPACE);
	/* And all of it survives a restart. */
	inst_stop();
	inst_start();
	for (int i = 0; i < 3; i++)
		assert_int_equal(st_verify_pattern(&sess, objs[i].id, objs[i].size,
						   objs[i].seed, &found),
				 TEEC_SUCCESS);
	assert_int_equal(st_open(&sess, "filler", F_READ, &s), TEEC_ERROR_ITEM_NOT_FOUND);
	if (r == TEEC_SUCCESS) {
		assert_int_equal(st_verify_pattern(&sess, "late", 64 * 1024, 8, &found),
				 TEEC_SUCCESS);
	} else {
		r = st_write_pattern(&sess, "late", 64 * 1024, 8, 0);
		fprintf(stderr, "full disk: %s after a restart -> 0x%08x%s\n",
			"64 KiB object", r,
			r == ST_NO_SPACE ? " (deleted space is never reclaimed)" : "");
		assert_true(r == TEEC_SUCCESS || r == ST_NO_SPACE);
	}
	inst_stop();
	if (umount2(inst.dir, MNT_DETACH))
		fprintf(stderr, "full disk: umount %s: %s\n", inst.dir, strerror(errno));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_tamper_flip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_damage, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_replay_files, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_full_disk, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
