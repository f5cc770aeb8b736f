/*
 * Security of TA loading and of the TA process. edgeteed must run only TA
 * code that a trusted key signed, byte for byte: an unsigned ELF, a package
 * signed with an unknown key, a package with one flipped bit (in the code,
 * in the manifest that sets heap size and instance flags, in the header or
 * in the signature) and a dev-signed TA on an instance that does not trust
 * the dev key are all refused with TEEC_ERROR_SECURITY (origin TEE). Each
 * refusal is paired with a control that the same setup accepts a good
 * package, so a refusal for the wrong reason (a bad path) cannot pass.
 * Also: unknown UUIDs give ITEM_NOT_FOUND, a missing daemon COMMUNICATION,
 * and a running TA process is seccomp-filtered, non-dumpable, unprivileged
 * and cannot be ptrace-attached by its own user.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fault_ta.h"
#include "harness.h"
#include "tapkg.h"

static char orig_ta_path[4096]; /* EDGETEE_TA_PATH as CTest set it: build/tas */
static char build_dir[4096];

struct sec {
	struct et_test_inst in;
	int up;
	char tadir[256]; /* private TA directory, EDGETEE_TA_PATH for the instance */
};

/* ---- helpers ------------------------------------------------------------ */

static char cur_dir[256]; /* state directory of the running instance */

/* A hang fails the test: stop our daemon (async-signal-safe) and exit. */
static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "test_security: a call hung (alarm fired)\n";
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing to do */
	}
	char p[300];
	size_t n = strlen(cur_dir);
	if (n && n + 14 < sizeof(p)) {
		memcpy(p, cur_dir, n);
		memcpy(p + n, "/edgeteed.pid", 14);
		int fd = open(p, O_RDONLY);
		if (fd >= 0) {
			char b[32];
			ssize_t k = read(fd, b, sizeof(b) - 1);
			close(fd);
			int pid = 0;
			for (ssize_t i = 0; i < k && b[i] >= '0' && b[i] <= '9'; i++)
				pid = pid * 10 + (b[i] - '0');
			if (pid > 1)
				kill(pid, SIGTERM);
		}
	}
	_exit(99);
}

static int read_all(const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	*buf = malloc(n > 0 ? (size_t)n : 1);
	int ok = *buf && n > 0 && fread(*buf, 1, (size_t)n, f) == (size_t)n;
	fclose(f);
	if (!ok) {
		free(*buf);
		return -1;
	}
	*len = (size_t)n;
	return 0;
}

/*
 * Install bytes as <dir>/<uuid>.ta. The new file is written next to the old
 * one and renamed over it, so it never shares an inode with a version the
 * core may have cached.
 */
static void install(const char *dir, const uint8_t *buf, size_t len)
{
	char tmp[512], dst[512];
	snprintf(tmp, sizeof(tmp), "%s/.new.tmp", dir);
	snprintf(dst, sizeof(dst), "%s/%s.ta", dir, FAULT_TA_UUID_STR);
	FILE *f = fopen(tmp, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, dst), 0);
}

static void load_signed(uint8_t **buf, size_t *len)
{
	char p[4200];
	snprintf(p, sizeof(p), "%s/%s.ta", orig_ta_path, FAULT_TA_UUID_STR);
	assert_int_equal(read_all(p, buf, len), 0);
	assert_true(*len > sizeof(struct et_pkg_hdr) + 64);
	assert_memory_equal(*buf, ET_PKG_MAGIC, 8);
}

static void install_signed(const char *dir)
{
	uint8_t *b;
	size_t n;
	load_signed(&b, &n);
	install(dir, b, n);
	free(b);
}

/* Open a session to uuid on the current instance; close it again. */
static TEEC_Result try_open(const char *uuid, uint32_t *origin)
{
	TEEC_Context c;
	TEEC_Session s;
	TEEC_UUID u;
	*origin = 0;
	TEEC_Result r = TEEC_InitializeContext(NULL, &c);
	if (r != TEEC_SUCCESS) {
		*origin = TEEC_ORIGIN_COMMS;
		return r;
	}
	et_test_uuid(uuid, &u);
	r = TEEC_OpenSession(&c, &s, &u, TEEC_LOGIN_PUBLIC, NULL, NULL, origin);
	if (r == TEEC_SUCCESS) {
		TEEC_Operation op;
		uint32_t o2;
		memset(&op, 0, sizeof(op));
		op.paramTypes =
		    TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
		op.params[0].value.a = 7;
		TEEC_Result pr = TEEC_InvokeCommand(&s, FAULT_CMD_PING, &op, &o2);
		if (pr != TEEC_SUCCESS || op.params[0].value.a != 8)
			r = TEEC_ERROR_GENERIC; /* opened, but does not work */
		TEEC_CloseSession(&s);
	}
	TEEC_FinalizeContext(&c);
	return r;
}

static void expect_open(const char *uuid, TEEC_Result want, uint32_t want_origin)
{
	uint32_t origin;
	TEEC_Result r = try_open(uuid, &origin);
	if (r != want)
		print_message("OpenSession(%s): 0x%08x origin %u, want 0x%08x\n", uuid, r,
			      origin, want);
	assert_int_equal(r, want);
	assert_int_equal(origin, want_origin);
}

static void expect_security(void)
{
	expect_open(FAULT_TA_UUID_STR, TEEC_ERROR_SECURITY, TEEC_ORIGIN_TEE);
}

static void expect_works(void)
{
	expect_open(FAULT_TA_UUID_STR, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
}

/*
 * Start an instance. With a private TA directory (tadir set) it is the
 * instance's only TA source (EDGETEE_TA_PATH, inherited by the daemon);
 * otherwise the build's signed TAs are used.
 */
static int start(void **state, int private_tas, const char *opts)
{
	struct sec *s = calloc(1, sizeof(*s));
	if (!s)
		return -1;
	*state = s;
	if (private_tas) {
		snprintf(s->tadir, sizeof(s->tadir), "/tmp/edgetee-sec-XXXXXX");
		if (!mkdtemp(s->tadir))
			return -1;
		setenv("EDGETEE_TA_PATH", s->tadir, 1);
	}
	int r = et_test_up_opts(&s->in, opts);
	setenv("EDGETEE_TA_PATH", orig_ta_path, 1);
	if (r)
		return -1;
	s->up = 1;
	snprintf(cur_dir, sizeof(cur_dir), "%s", s->in.dir);
	alarm(60);
	return 0;
}

static int private_setup(void **state)
{
	return start(state, 1, NULL);
}

static int plain_setup(void **state)
{
	return start(state, 0, NULL);
}

static int nodev_setup(void **state)
{
	return start(state, 0, "--no-dev-key");
}

static int sec_teardown(void **state)
{
	struct sec *s = *state;
	alarm(0);
	if (!s)
		return 0;
	if (s->up)
		et_test_down(&s->in);
	cur_dir[0] = 0;
	if (s->tadir[0])
		et_test_sh("rm -rf '%s'", s->tadir);
	free(s);
	*state = NULL;
	return 0;
}

/* ---- 1. unsigned -------------------------------------------------------- */

static void test_unsigned_ta(void **state)
{
	struct sec *s = *state;
	uint8_t *elf;
	size_t n;
	char p[4200];
	snprintf(p, sizeof(p), "%s/ta-elf/fault_ta.so", build_dir);
	assert_int_equal(read_all(p, &elf, &n), 0);
	assert_memory_equal(elf, "\177ELF", 4);
	install(s->tadir, elf, n);
	free(elf);
	expect_security();
	assert_true(et_test_log_has(&s->in, "refusing TA " FAULT_TA_UUID_STR));
	/* Control: the signed package in the same place is accepted. */
	install_signed(s->tadir);
	expect_works();
}

/* ---- 2. signed with a key the instance does not trust -------------------- */

static void test_wrong_key(void **state)
{
	struct sec *s = *state;
	char kdir[300];
	snprintf(kdir, sizeof(kdir), "%s/k", s->tadir);
	assert_int_equal(mkdir(kdir, 0700), 0);
	assert_int_equal(
	    et_test_sh("'%s' keygen '%s/other.pem' '%s/other.pub.pem' >/dev/null",
		       et_test_bin("edgetee"), kdir, kdir),
	    0);
	assert_int_equal(et_test_sh("'%s' sign --key '%s/other.pem' --out-dir '%s' "
				    "'%s/ta-elf/fault_ta.so' >/dev/null",
				    et_test_bin("edgetee"), kdir, s->tadir, build_dir),
			 0);
	expect_security();
	/* Control: once the instance trusts that key, the same package loads. */
	assert_int_equal(
	    et_test_sh("cp '%s/other.pub.pem' '%s/keys/other.pub.pem'", kdir, s->in.dir),
	    0);
	expect_works();
}

/* ---- 3. modified packages ------------------------------------------------ */

static void tamper(struct sec *s, const char *what, size_t off)
{
	uint8_t *b;
	size_t n;
	load_signed(&b, &n);
	assert_true(off < n);
	print_message("flipping byte %zu of %zu (%s)\n", off, n, what);
	b[off] ^= 0x01;
	install(s->tadir, b, n);
	free(b);
	expect_security();
}

static void test_modified_package(void **state)
{
	struct sec *s = *state;
	uint8_t *b;
	size_t n;
	load_signed(&b, &n);
	struct et_pkg_hdr h;
	memcpy(&h, b, sizeof(h));
	size_t man = sizeof(h), elf = man + h.manifest_len, sig = elf + (size_t)h.elf_len;
	assert_int_equal(h.sig_len, 64);
	assert_int_equal(sig + 64, n);

	/* The manifest's data_size digits: find them in the JSON text. */
	const char key[] = "\"data_size\":";
	size_t digit = 0;
	for (size_t i = man; i + sizeof(key) < elf; i++) {
		if (!memcmp(b + i, key, sizeof(key) - 1)) {
			digit = i + sizeof(key) - 1;
			break;
		}
	}
	assert_true(digit > man);
	assert_true(b[digit] >= '0' && b[digit] <= '9');
	free(b);

	/* (a) the code */
	tamper(s, "ELF", elf + (size_t)h.elf_len / 2);
	tamper(s, "ELF first byte", elf);
	tamper(s, "ELF last byte", sig - 1);
	/* (b) the manifest: data_size 262144 -> 362144 (a bigger heap) */
	uint8_t *m;
	load_signed(&m, &n);
	m[digit] = m[digit] == '9' ? '1' : (uint8_t)(m[digit] + 1);
	print_message("manifest data_size changed to %.6s\n", (const char *)m + digit);
	install(s->tadir, m, n);
	free(m);
	expect_security();
	tamper(s, "manifest first byte", man);
	/* (c) the signature */
	tamper(s, "signature first byte", sig);
	tamper(s, "signature last byte", n - 1);
	/* (d) the header: signer key id, and the ELF length */
	tamper(s, "header key id", offsetof(struct et_pkg_hdr, key_id) + 5);
	tamper(s, "header elf_len", offsetof(struct et_pkg_hdr, elf_len));
	assert_true(et_test_log_has(&s->in, "refusing TA " FAULT_TA_UUID_STR));

	/* Control, then a tampered copy replacing a good one already in use:
	 * the core must verify the new file, not reuse what it verified before. */
	install_signed(s->tadir);
	expect_works();
	tamper(s, "ELF after a good load", elf + (size_t)h.elf_len / 3);
	/* A truncated package. */
	load_signed(&m, &n);
	install(s->tadir, m, n - 1);
	free(m);
	expect_security();
}

/* ---- 4. instance that does not trust the dev key ------------------------- */

static void test_untrusted_dev_key(void **state)
{
	struct sec *s = *state;
	/* The regular, dev-signed build/tas package. */
	expect_security();
	assert_true(et_test_log_has(&s->in, "refusing TA " FAULT_TA_UUID_STR));
	/* Control: trusting the dev key makes it load. */
	assert_int_equal(et_test_sh("cp '%s/keys/dev_key.pub.pem' '%s/keys/dev.pem'",
				    build_dir, s->in.dir),
			 0);
	expect_works();
}

/* ---- 5. unknown UUID ----------------------------------------------------- */

static void test_not_installed(void **state)
{
	struct sec *s = *state;
	install_signed(s->tadir);
	expect_open("3b0f9c0e-64a1-4f2e-9d55-0e2a7f8c1d99", TEEC_ERROR_ITEM_NOT_FOUND,
		    TEEC_ORIGIN_TEE);
	expect_works();
}

/* ---- 6. no daemon -------------------------------------------------------- */

static void test_no_daemon(void **state)
{
	(void)state;
	TEEC_Context c;
	const char *saved = getenv("EDGETEE_SOCKET");
	char keep[512] = "";
	if (saved)
		snprintf(keep, sizeof(keep), "%s", saved);
	setenv("EDGETEE_SOCKET", "/nonexistent/edgetee-test/edgeteed.sock", 1);
	TEEC_Result r = TEEC_InitializeContext(NULL, &c);
	TEEC_Result r2 =
	    TEEC_InitializeContext("/nonexistent/edgetee-test/other.sock", &c);
	if (keep[0])
		setenv("EDGETEE_SOCKET", keep, 1);
	else
		unsetenv("EDGETEE_SOCKET");
	assert_int_equal(r, TEEC_ERROR_COMMUNICATION);
	assert_int_equal(r2, TEEC_ERROR_COMMUNICATION);
	assert_int_equal(TEEC_InitializeContext(NULL, NULL), TEEC_ERROR_BAD_PARAMETERS);
}

/* ---- 7. the TA process itself ---------------------------------------------- */

static int fault_ta_pid(const struct et_test_inst *in)
{
	char cmd[1024], key[80];
	snprintf(cmd, sizeof(cmd), "'%s' status --json --dir '%s'",
		 et_test_bin("edgetee"), in->dir);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof(buf) - 1, p);
	pclose(p);
	buf[n] = 0;
	snprintf(key, sizeof(key), "\"uuid\":\"%s\",\"pid\":", FAULT_TA_UUID_STR);
	char *s = strstr(buf, key);
	if (!s || strstr(s + 1, key))
		return -1; /* none, or more than one */
	return atoi(s + strlen(key));
}

static int status_field(int pid, const char *name, char *out, size_t len)
{
	char p[64], line[512];
	snprintf(p, sizeof(p), "/proc/%d/status", pid);
	FILE *f = fopen(p, "r");
	if (!f)
		return -1;
	int found = -1;
	size_t nl = strlen(name);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, nl) && line[nl] == ':') {
			snprintf(out, len, "%s", line + nl + 1);
			found = 0;
			break;
		}
	}
	fclose(f);
	return found;
}

static void test_ta_process_sandboxed(void **state)
{
	struct et_test_inst *in = &((struct sec *)*state)->in;
	TEEC_Context c;
	TEEC_Session s;
	TEEC_UUID u;
	uint32_t origin;
	char v[256];
	assert_int_equal(TEEC_InitializeContext(NULL, &c), TEEC_SUCCESS);
	et_test_uuid(FAULT_TA_UUID_STR, &u);
	assert_int_equal(
	    TEEC_OpenSession(&c, &s, &u, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin),
	    TEEC_SUCCESS);
	int pid = fault_ta_pid(in);
	print_message("TA pid %d\n", pid);
	assert_true(pid > 1);

	/* seccomp filter mode, no_new_privs. */
	assert_int_equal(status_field(pid, "Seccomp", v, sizeof(v)), 0);
	assert_string_equal(v, "\t2\n");
	assert_int_equal(status_field(pid, "NoNewPrivs", v, sizeof(v)), 0);
	assert_string_equal(v, "\t1\n");

	/* Its user: never root; when we are root, the daemon drops it. */
	unsigned ruid, euid, suid, fsuid, rgid = 0;
	assert_int_equal(status_field(pid, "Uid", v, sizeof(v)), 0);
	assert_int_equal(sscanf(v, "%u %u %u %u", &ruid, &euid, &suid, &fsuid), 4);
	assert_int_equal(status_field(pid, "Gid", v, sizeof(v)), 0);
	assert_int_equal(sscanf(v, "%u", &rgid), 1);
	print_message("TA uid %u gid %u (we are %u)\n", ruid, rgid, (unsigned)geteuid());
	assert_true(ruid != 0 && euid != 0 && suid != 0 && fsuid != 0);
	if (geteuid() != 0)
		assert_int_equal(ruid, geteuid());

	/* Non-dumpable: the kernel then gives its /proc files to root. */
	char p[64];
	struct stat st;
	snprintf(p, sizeof(p), "/proc/%d/status", pid);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_uid, 0);
	assert_int_not_equal(st.st_uid, ruid);

	/* Nobody without CAP_SYS_PTRACE can attach, not even its own user. */
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		alarm(10);
		if (geteuid() == 0 &&
		    (setgroups(0, NULL) || setgid(rgid) || setuid(ruid)))
			_exit(3);
		if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) == 0) {
			waitpid(pid, NULL, __WALL);
			ptrace(PTRACE_DETACH, pid, NULL, NULL);
			_exit(1);
		}
		_exit(errno == EPERM ? 0 : 2);
	}
	int cst = 0;
	assert_int_equal(waitpid(child, &cst, 0), child);
	assert_true(WIFEXITED(cst));
	assert_int_equal(WEXITSTATUS(cst), 0);

	/* And it still serves its session. */
	TEEC_Operation op;
	memset(&op, 0, sizeof(op));
	op.paramTypes =
	    TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = 1;
	assert_int_equal(TEEC_InvokeCommand(&s, FAULT_CMD_PING, &op, &origin),
			 TEEC_SUCCESS);
	assert_int_equal(op.params[0].value.a, 2);
	TEEC_CloseSession(&s);
	TEEC_FinalizeContext(&c);
}

int main(void)
{
	signal(SIGALRM, on_alarm);
	const char *tp = getenv("EDGETEE_TA_PATH");
	const char *bd = getenv("EDGETEE_BUILD_DIR");
	if (!tp || !bd) {
		fprintf(stderr, "test_security: run under CTest (EDGETEE_TA_PATH, "
				"EDGETEE_BUILD_DIR unset)\n");
		return 1;
	}
	snprintf(orig_ta_path, sizeof(orig_ta_path), "%s", tp);
	snprintf(build_dir, sizeof(build_dir), "%s", bd);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_unsigned_ta, private_setup,
					    sec_teardown),
	    cmocka_unit_test_setup_teardown(test_wrong_key, private_setup, sec_teardown),
	    cmocka_unit_test_setup_teardown(test_modified_package, private_setup,
					    sec_teardown),
	    cmocka_unit_test_setup_teardown(test_untrusted_dev_key, nodev_setup,
					    sec_teardown),
	    cmocka_unit_test_setup_teardown(test_not_installed, private_setup,
					    sec_teardown),
	    cmocka_unit_test(test_no_daemon),
	    cmocka_unit_test_setup_teardown(test_ta_process_sandboxed, plain_setup,
					    sec_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
