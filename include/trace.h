/*
 * edgetee: logging macros for trusted applications (EMSG, IMSG, DMSG, FMSG,
 * MSG and their _RAW forms), source compatible with OP-TEE's trace.h as used
 * by TAs written against GP TEE Internal Core API 1.3 / OP-TEE.
 *
 * TRACE_LEVEL selects what is compiled in (the TA build maps
 * CFG_TEE_TA_LOG_LEVEL onto it); it defaults to TRACE_ERROR. A message
 * whose level is above TRACE_LEVEL compiles to nothing at run time, but
 * its arguments are still type-checked against the format string, and the
 * variables it names count as used, so -Wall -Wextra stays quiet.
 *
 * Every macro ends up in trace_printf(), implemented by the edgetee TA
 * runtime.
 */
#ifndef TRACE_H
#define TRACE_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Levels; the guard matches OP-TEE's trace_levels.h. */
#ifndef TRACE_LEVELS_H
#define TRACE_LEVELS_H
#define TRACE_MIN       1
#define TRACE_ERROR     TRACE_MIN
#define TRACE_INFO      2
#define TRACE_DEBUG     3
#define TRACE_FLOW      4
#define TRACE_MAX       TRACE_FLOW
#define TRACE_PRINTF_LEVEL TRACE_ERROR
#endif /* TRACE_LEVELS_H */

#ifndef TRACE_LEVEL
#define TRACE_LEVEL TRACE_ERROR
#endif

/*
 * Print one trace line.
 *  func, line: call site, or NULL and 0 for the _RAW forms (no prefix)
 *  level:      TRACE_* level of the message (0 for MSG)
 *  level_ok:   the macros always pass true
 */
void trace_printf(const char *func, int line, int level, bool level_ok,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * Building blocks. The "off" forms keep the call in an arm that is never
 * evaluated: the compiler still checks the format and arguments but emits
 * no code. Both forms are void expressions, usable wherever OP-TEE's are.
 */
#define __TRACE_ON(func, line, level, ...) \
	trace_printf((func), (line), (level), true, __VA_ARGS__)
#define __TRACE_OFF(func, line, level, ...) \
	((void)(0 ? trace_printf((func), (line), (level), true, \
				 __VA_ARGS__) : (void)0))

/* Level independent: compiled in unless TRACE_LEVEL is 0 or below */
#if TRACE_LEVEL > 0
#define MSG(...)      __TRACE_ON(__func__, __LINE__, 0, __VA_ARGS__)
#define MSG_RAW(...)  __TRACE_ON(NULL, 0, 0, __VA_ARGS__)
#else
#define MSG(...)      __TRACE_OFF(__func__, __LINE__, 0, __VA_ARGS__)
#define MSG_RAW(...)  __TRACE_OFF(NULL, 0, 0, __VA_ARGS__)
#endif

#if TRACE_LEVEL >= TRACE_ERROR
#define EMSG(...)     __TRACE_ON(__func__, __LINE__, TRACE_ERROR, __VA_ARGS__)
#define EMSG_RAW(...) __TRACE_ON(NULL, 0, TRACE_ERROR, __VA_ARGS__)
#else
#define EMSG(...)     __TRACE_OFF(__func__, __LINE__, TRACE_ERROR, __VA_ARGS__)
#define EMSG_RAW(...) __TRACE_OFF(NULL, 0, TRACE_ERROR, __VA_ARGS__)
#endif

#if TRACE_LEVEL >= TRACE_INFO
#define IMSG(...)     __TRACE_ON(__func__, __LINE__, TRACE_INFO, __VA_ARGS__)
#define IMSG_RAW(...) __TRACE_ON(NULL, 0, TRACE_INFO, __VA_ARGS__)
#else
#define IMSG(...)     __TRACE_OFF(__func__, __LINE__, TRACE_INFO, __VA_ARGS__)
#define IMSG_RAW(...) __TRACE_OFF(NULL, 0, TRACE_INFO, __VA_ARGS__)
#endif

#if TRACE_LEVEL >= TRACE_DEBUG
#define DMSG(...)     __TRACE_ON(__func__, __LINE__, TRACE_DEBUG, __VA_ARGS__)
#define DMSG_RAW(...) __TRACE_ON(NULL, 0, TRACE_DEBUG, __VA_ARGS__)
#else
#define DMSG(...)     __TRACE_OFF(__func__, __LINE__, TRACE_DEBUG, __VA_ARGS__)
#define DMSG_RAW(...) __TRACE_OFF(NULL, 0, TRACE_DEBUG, __VA_ARGS__)
#endif

#if TRACE_LEVEL >= TRACE_FLOW
#define FMSG(...)     __TRACE_ON(__func__, __LINE__, TRACE_FLOW, __VA_ARGS__)
#define FMSG_RAW(...) __TRACE_ON(NULL, 0, TRACE_FLOW, __VA_ARGS__)
#else
#define FMSG(...)     __TRACE_OFF(__func__, __LINE__, TRACE_FLOW, __VA_ARGS__)
#define FMSG_RAW(...) __TRACE_OFF(NULL, 0, TRACE_FLOW, __VA_ARGS__)
#endif

/* Function entry/exit tracing at TRACE_FLOW, as in OP-TEE */
#define INMSG(...)    FMSG("> " __VA_ARGS__)
#define OUTMSG(...)   FMSG("< " __VA_ARGS__)
#define OUTRMSG(r) \
	do { \
		OUTMSG("r=[%x]", r); \
		return r; \
	} while (0)

#ifdef __cplusplus
}
#endif

#endif /* TRACE_H */
