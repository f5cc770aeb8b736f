/*
 * Trace output of TAs (OP-TEE's EMSG/IMSG/DMSG/FMSG). TA processes cannot
 * open files; their stderr is the instance log opened by the core, so a
 * line written here lands in <dir>/edgeteed.log.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "utee_priv.h"

void trace_printf(const char *func, int line, int level, bool level_ok, const char *fmt,
		  ...)
{
	static const char lvl[] = "?EIDF";
	char buf[1024];
	(void)level_ok;
	const TEE_UUID *u = &__et_ta_head.uuid;
	int n = snprintf(buf, sizeof(buf), "TA %08x-%04x %c %s:%d: ", u->timeLow,
			 u->timeMid, level >= 1 && level <= 4 ? lvl[level] : lvl[0],
			 func ? func : "-", line);
	if (n < 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(buf + n, sizeof(buf) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	n += m;
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	/* One write per line keeps lines of concurrent TAs whole (O_APPEND). */
	if (write(2, buf, (size_t)n) < 0) {
		/* the log is gone; nothing better to do */
	}
}
