/* relaymail: the outcome table. ISC licence, see LICENSE.
 * Every decision about what an attempt means is made here, from values
 * alone, so that a table-driven unit test (tests/unit/t_policy.c) covers
 * it whole. A session-level refusal is never the message's fault. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
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

/* Providers' quota and throttling replies, the most specific first. A row
 * matches when code (0: any), the enhanced status code at the start of the
 * text (NULL: any; a trailing '*' matches one digit 1-5) and the substring
 * (NULL: any, ASCII case ignored) all do. delay 0 is a permanent refusal
 * with a hint. Sources: sendmail(8) QUOTAS AND THROTTLING. */
static const struct policy_quota_row {
	int	 code;
	const char *enh;
	const char *substr;
	long	 delay;		/* seconds; 0: permanent, see hint */
	const char *hint;
} policy_quota_rows[] = {
	/* Microsoft 365: the mailbox may not send as this From. */
	{ 0, "5.2.252", "SendAsDenied", 0, "the provider lets this account "
	    "send only as its own mailbox: add to [message] the lines "
	    "\"from = %s\" and \"rewrite_from = always\"" },
	/* Microsoft 365: 10,000 recipients a day, rolling. */
	{ 0, "5.2.0", "SubmissionQuotaExceeded", 3600, NULL },
	/* Microsoft 365: sender throttled after continuous errors. */
	{ 0, "5.2.25*", NULL, 3600, NULL },
	/* Microsoft 365: too many concurrent connections. */
	{ 432, "4.3.2", NULL, 300, NULL },
	/* Gmail: daily sending or relay limit (RFC 3463 X.4.5: congestion). */
	{ 0, "5.4.5", NULL, 3600, NULL },
	/* Amazon SES: daily quota, then the sending rate. */
	{ 454, NULL, "Daily message quota exceeded", 3600, NULL },
	{ 454, NULL, "Throttling failure", 60, NULL },
};

/* Case-insensitive substring test (pure; no locale). */
static int
policy_has(const char *s, const char *sub)
{
	size_t i, n = strlen(sub);

	for (; *s != '\0'; s++) {
		for (i = 0; i < n && s[i] != '\0' && tolower((unsigned char)
		    s[i]) == tolower((unsigned char)sub[i]); i++)
			;
		if (i == n)
			return 1;
	}
	return 0;
}

/* Does text start with the enhanced status code pattern enh, then a
 * space or its end? */
static int
policy_enh(const char *text, const char *enh)
{
	size_t i;

	for (i = 0; enh[i] != '\0'; i++) {
		if (enh[i] == '*') {
			if (text[i] < '1' || text[i] > '5')
				return 0;
		} else if (text[i] != enh[i])
			return 0;
	}
	return text[i] == '\0' || text[i] == ' ';
}

static const struct policy_quota_row *
policy_quota_find(int code, const char *text)
{
	size_t i;

	if (text == NULL)
		text = "";
	for (i = 0; i < sizeof(policy_quota_rows) /
	    sizeof(policy_quota_rows[0]); i++) {
		const struct policy_quota_row *q = &policy_quota_rows[i];
		if ((q->code == 0 || q->code == code) &&
		    (q->enh == NULL || policy_enh(text, q->enh)) &&
		    (q->substr == NULL || policy_has(text, q->substr)))
			return q;
	}
	return NULL;
}

/* see policy.h */
long
policy_quota(int code, const char *text)
{
	const struct policy_quota_row *q;

	if (code < 400 || code > 599)
		return 0;
	q = policy_quota_find(code, text);
	return q != NULL ? q->delay : 0;
}

/* see policy.h */
int
policy_over_cap(enum smtp_stage stage, int code, const char *text)
{
	static const char *const says[] = { "concurrent connection",
		"too many concurrent", "too many connections",
		"simultaneous connections", NULL };
	int i;

	if (code < 400 || code > 499 || stage > SMTP_MAIL)
		return 0;
	if ((code == 421 && stage == SMTP_GREETING) || code == 432)
		return 1;
	for (i = 0; says[i] != NULL; i++)
		if (text != NULL && policy_has(text, says[i]))
			return 1;
	return 0;
}

/* see policy.h */
int
policy_hint(int code, const char *text, const char *mailbox, char *buf,
    size_t len)
{
	const struct policy_quota_row *q;

	if (code < 500 || code > 599)
		return 0;
	q = policy_quota_find(code, text);
	if (q == NULL || q->delay != 0)
		return 0;
	if (mailbox == NULL || strchr(mailbox, '@') == NULL)
		mailbox = "YOUR-MAILBOX";
	snprintf(buf, len, q->hint, mailbox);
	return 1;
}
