/* Integration-test harness: private edgeteed instances in temp directories. */
#define _GNU_SOURCE
#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *et_test_bin(const char *name)
{
	static char buf[4][1024];
	static int k;
	const char *d = getenv("EDGETEE_BIN_DIR");
	char *b = buf[k++ % 4];
	snprintf(b, sizeof(buf[0]), "%s/%s", d ? d : ".", name);
	return b;
}

int et_test_sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int st = system(cmd);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

int et_test_up_opts(struct et_test_inst *in, const char *opts)
{
	snprintf(in->dir, sizeof(in->dir), "/tmp/edgetee-test-XXXXXX");
	if (!mkdtemp(in->dir))
		return -1;
	snprintf(in->sock, sizeof(in->sock), "%s/edgeteed.sock", in->dir);
	int r = et_test_sh("'%s' up --dir '%s' %s >/dev/null", et_test_bin("edgetee"),
			   in->dir, opts ? opts : "");
	if (r != 0)
		return -1;
	setenv("EDGETEE_SOCKET", in->sock, 1);
	return 0;
}

int et_test_up(struct et_test_inst *in)
{
	return et_test_up_opts(in, NULL);
}

void et_test_down(struct et_test_inst *in)
{
	et_test_sh("'%s' down --dir '%s' >/dev/null 2>&1", et_test_bin("edgetee"),
		   in->dir);
	/* Sanitizer reports of the daemon and TA processes land in the log:
	 * any of them fails the test. */
	if (et_test_log_has(in, "AddressSanitizer") ||
	    et_test_log_has(in, "runtime error:") ||
	    et_test_log_has(in, "LeakSanitizer")) {
		fprintf(stderr, "sanitizer report in %s/edgeteed.log:\n", in->dir);
		et_test_sh("cat '%s/edgeteed.log' >&2", in->dir);
		abort();
	}
	if (getenv("EDGETEE_KEEP_TEST_DIR"))
		fprintf(stderr, "kept %s\n", in->dir);
	else
		et_test_sh("rm -rf '%s'", in->dir);
}

int et_test_log_has(const struct et_test_inst *in, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/edgeteed.log", in->dir);
	FILE *f = fopen(p, "r");
	if (!f)
		return 0;
	char line[4096];
	int found = 0;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, text) != NULL;
	fclose(f);
	return found;
}

int et_test_ta_count(const struct et_test_inst *in)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "'%s' status --json --dir '%s'",
		 et_test_bin("edgetee"), in->dir);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	char buf[65536];
	size_t n = fread(buf, 1, sizeof(buf) - 1, p);
	pclose(p);
	buf[n] = 0;
	int count = 0;
	for (char *s = buf; (s = strstr(s, "\"pid\":")); s++)
		count++;
	return count - 1; /* the daemon's own pid */
}

void et_test_uuid(const char *s, TEEC_UUID *u)
{
	unsigned a, b, c, d[8];
	sscanf(s, "%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x", &a, &b, &c, &d[0], &d[1],
	       &d[2], &d[3], &d[4], &d[5], &d[6], &d[7]);
	u->timeLow = a;
	u->timeMid = (uint16_t)b;
	u->timeHiAndVersion = (uint16_t)c;
	for (int i = 0; i < 8; i++)
		u->clockSeqAndNode[i] = (uint8_t)d[i];
}
