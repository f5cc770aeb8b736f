/*
 * GP Internal Core API 4.10, Cancellation. The client's
 * TEEC_RequestCancellation sets a word in the session's mailbox; these
 * functions read it, subject to the session's mask (masked by default, as
 * in OP-TEE, until the TA unmasks it).
 */
#define _GNU_SOURCE
#include "utee_priv.h"

bool TEE_GetCancellationFlag(void)
{
	struct utee_session *s = utee_cur;
	if (!s || s->cancel_masked)
		return false;
	return atomic_load(&s->mb->cancel) != 0;
}

bool TEE_UnmaskCancellation(void)
{
	struct utee_session *s = utee_cur;
	if (!s)
		return true;
	bool was = s->cancel_masked;
	s->cancel_masked = 0;
	return was;
}

bool TEE_MaskCancellation(void)
{
	struct utee_session *s = utee_cur;
	if (!s)
		return true;
	bool was = s->cancel_masked;
	s->cancel_masked = 1;
	return was;
}
