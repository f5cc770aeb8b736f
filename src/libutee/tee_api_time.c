/*
 * GP Internal Core API 7, Time. System time is the monotonic clock; REE time
 * is the REE's wall clock; TA persistent time is kept per TA by the core (so
 * it survives the TA process) as an offset to the REE clock. TEE_Wait sleeps
 * on the mailbox's cancellation word so TEEC_RequestCancellation wakes it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <time.h>

#include "doorbell.h"
#include "utee_priv.h"

static void to_tee_time(const struct timespec *ts, TEE_Time *t)
{
	t->seconds = (uint32_t)ts->tv_sec;
	t->millis = (uint32_t)(ts->tv_nsec / 1000000);
}

void TEE_GetSystemTime(TEE_Time *time)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	to_tee_time(&ts, time);
}

void TEE_GetREETime(TEE_Time *time)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	to_tee_time(&ts, time);
}

static TEE_Result wait_ms(struct utee_session *s, uint32_t timeout);

/*
 * While the TA sleeps here it is not stuck: the caller's cancellation grace
 * period (after which it asks the core to kill a runaway TA) does not run.
 */
TEE_Result TEE_Wait(uint32_t timeout)
{
	struct utee_session *s = utee_cur;
	if (s)
		atomic_store(&s->mb->ta_blocked, 1);
	TEE_Result r = wait_ms(s, timeout);
	if (s)
		atomic_store(&s->mb->ta_blocked, 0);
	return r;
}

static TEE_Result wait_ms(struct utee_session *s, uint32_t timeout)
{
	uint64_t start = et_now_ns();
	for (;;) {
		if (s && !s->cancel_masked && atomic_load(&s->mb->cancel))
			return TEE_ERROR_CANCEL;
		int left = -1;
		if (timeout != TEE_TIMEOUT_INFINITE) {
			uint64_t el = (et_now_ns() - start) / 1000000u;
			if (el >= timeout)
				return TEE_SUCCESS;
			left = (int)(timeout - el);
		}
		if (s) {
			et_futex_wait(&s->mb->cancel, 0, left);
		} else {
			struct timespec ts = {left < 0 ? 3600 : left / 1000,
					      left < 0 ? 0
						       : (long)(left % 1000) * 1000000L};
			nanosleep(&ts, NULL);
		}
	}
}

TEE_Result TEE_GetTAPersistentTime(TEE_Time *time)
{
	struct et_svc_req req = {.type = ET_SVC_PTIME_GET};
	struct et_svc_reply rep = {0};
	TEE_Result r = utee_svc_call(&req, &rep);
	if (r == TEE_SUCCESS && rep.seconds > UINT32_MAX) {
		/* GP: report the wrapped value and TEE_ERROR_OVERFLOW. */
		time->seconds = (uint32_t)rep.seconds;
		time->millis = rep.millis;
		return TEE_ERROR_OVERFLOW;
	}
	if (r == TEE_SUCCESS) {
		time->seconds = (uint32_t)rep.seconds;
		time->millis = rep.millis;
	} else {
		time->seconds = 0;
		time->millis = 0;
	}
	return r;
}

TEE_Result TEE_SetTAPersistentTime(const TEE_Time *time)
{
	struct et_svc_req req = {
	    .type = ET_SVC_PTIME_SET, .seconds = time->seconds, .millis = time->millis};
	struct et_svc_reply rep = {0};
	return utee_svc_call(&req, &rep);
}
