/*
 * Test harness for integration tests: every test process starts its own
 * edgeteed in a fresh temporary directory (real daemon, real TA processes)
 * and stops it at the end. CTest passes EDGETEE_BIN_DIR (build/bin) and
 * EDGETEE_TA_PATH (build/tas, the signed test and shipped TAs).
 */
#ifndef ET_TEST_HARNESS_H
#define ET_TEST_HARNESS_H

#include <stddef.h>
#include <tee_client_api.h>

struct et_test_inst {
	char dir[256];	/* state directory (removed by et_test_down) */
	char sock[320]; /* its socket; also exported as EDGETEE_SOCKET */
};

/* Start a private instance trusting the build's developer key. 0 on success. */
int et_test_up(struct et_test_inst *in);
/* Same, with extra options for `edgetee up` (e.g. "--no-dev-key"), may be NULL. */
int et_test_up_opts(struct et_test_inst *in, const char *opts);
/* Stop it and remove its directory. */
void et_test_down(struct et_test_inst *in);

/* Path of a build binary (edgetee, edgeteed, ...). */
const char *et_test_bin(const char *name);
/* Run a shell command, return its exit status (or -1). */
int et_test_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Does the instance log contain this text? */
int et_test_log_has(const struct et_test_inst *in, const char *text);
/* Number of live TA processes reported by `edgetee status`. */
int et_test_ta_count(const struct et_test_inst *in);

/* Parse "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" into a TEEC_UUID. */
void et_test_uuid(const char *s, TEEC_UUID *u);

#endif
