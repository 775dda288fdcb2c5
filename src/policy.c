/* relaymail: the outcome table. ISC licence, see LICENSE.
 * Every decision about what an attempt means is made here, from values
 * alone, so that a table-driven unit test (tests/unit/t_policy.c) covers
 * it whole. A session-level refusal is never the message's fault. */
#include <sysexits.h>

#include "policy.h"

/* see policy.h */
struct policy_verdict
policy_attempt(enum smtp_stage stage, int code, enum err_class class)
{
	struct policy_verdict v = { OUT_DEFERRED, 0 };

	if (code == 0) {
		/* No reply decided it: a local reason. Only a message that
		 * can never be sent as it is (no SMTPUTF8 upstream, over
		 * the server's SIZE) fails; connection, timeout, TLS and
		 * settings problems wait for the next run. */
		if (class == ERR_DATA) {
			v.out = OUT_FAILED;
			v.exit_status = EX_DATAERR;
		}
		return v;
	}
	if (code >= 200 && code < 300 && stage == SMTP_EOM) {
		v.out = OUT_SENT;
		return v;
	}
	if (code < 500 || code > 599)
		return v;	/* 4xx, or a reply of the wrong class */
	switch (stage) {
	case SMTP_RCPT:
		v.exit_status = EX_NOUSER;
		break;
	case SMTP_MAIL:
	case SMTP_DATA:
	case SMTP_EOM:
		/* RFC 5321 4.5.3.1.10: 552 is "too much mail data". */
		v.exit_status = code == 552 ? EX_DATAERR : EX_UNAVAILABLE;
		break;
	default:
		/* Greeting, EHLO, STARTTLS, AUTH: the session failed, not
		 * this message; another host or a later run may take it. */
		return v;
	}
	v.out = OUT_FAILED;
	return v;
}

/* see policy.h */
struct policy_verdict
policy_message(int sent, int refused, int pending, int *partial)
{
	struct policy_verdict v = { OUT_SENT, 0 };

	*partial = 0;
	if (pending > 0) {
		v.out = OUT_DEFERRED;
		return v;
	}
	if (refused > 0) {
		v.out = OUT_FAILED;
		/* Never non-zero once anyone accepted it: callers retry on
		 * failure, and the accepted recipients would get it twice. */
		*partial = sent > 0;
		v.exit_status = sent > 0 ? 0 : EX_NOUSER;
	}
	return v;
}

/* see policy.h */
int
policy_exit(enum err_class class)
{
	switch (class) {
	case ERR_NONE:
		return 0;
	case ERR_USAGE:
		return EX_USAGE;
	case ERR_CONFIG:
		return EX_CONFIG;
	case ERR_DATA:
		return EX_DATAERR;
	case ERR_INPUT:
	case ERR_IO:
		return EX_IOERR;
	case ERR_QUEUE:
		return EX_CANTCREAT;
	case ERR_PROTO:
		return EX_PROTOCOL;
	case ERR_TEMP:
		break;
	}
	return EX_OSERR;
}

/* see policy.h */
long
policy_backoff(int attempts, unsigned jitter)
{
	long delay = POLICY_RETRY_MIN_S;

	while (attempts-- > 0 && delay < POLICY_RETRY_MAX_S)
		delay *= 2;
	if (delay > POLICY_RETRY_MAX_S)
		delay = POLICY_RETRY_MAX_S;
	/* Spread retries so that a queue does not come back at once. */
	return delay + (long)(jitter % 65536) * (delay / 2) / 65535 -
	    delay / 4;
}
