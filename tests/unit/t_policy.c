/* relaymail: unit tests for the outcome table. ISC licence.
 * Every row of sendmail(8) DELIVERY POLICY, as (stage, code, class) ->
 * (outcome, exit status); the local exit map; the backoff bounds. */
#include <string.h>
#include <sysexits.h>

#include "pace.h"
#include "policy.h"
#include "t.h"

static const struct row {
	enum smtp_stage stage;
	int	 code;
	enum err_class class;
	enum outcome out;
	int	 exit_status;
} rows[] = {
	/* handed off */
	{ SMTP_EOM, 250, ERR_NONE, OUT_SENT, 0 },
	/* no reply: connection, timeout, TLS, settings wait */
	{ SMTP_CONNECT, 0, ERR_TEMP, OUT_DEFERRED, 0 },
	{ SMTP_GREETING, 0, ERR_TEMP, OUT_DEFERRED, 0 },
	{ SMTP_STARTTLS, 0, ERR_CONFIG, OUT_DEFERRED, 0 },
	{ SMTP_AUTH, 0, ERR_CONFIG, OUT_DEFERRED, 0 },
	{ SMTP_EOM, 0, ERR_PROTO, OUT_DEFERRED, 0 },
	{ SMTP_EOM, 0, ERR_TEMP, OUT_DEFERRED, 0 },
	/* a message that can never go as it is */
	{ SMTP_MAIL, 0, ERR_DATA, OUT_FAILED, EX_DATAERR },
	/* 4xx anywhere */
	{ SMTP_GREETING, 421, ERR_NONE, OUT_DEFERRED, 0 },
	{ SMTP_MAIL, 451, ERR_NONE, OUT_DEFERRED, 0 },
	{ SMTP_RCPT, 450, ERR_NONE, OUT_DEFERRED, 0 },
	{ SMTP_DATA, 451, ERR_NONE, OUT_DEFERRED, 0 },
	{ SMTP_EOM, 452, ERR_NONE, OUT_DEFERRED, 0 },
	/* 5xx at the session: not this message's fault */
	{ SMTP_GREETING, 554, ERR_NONE, OUT_DEFERRED, 0 },
	{ SMTP_EHLO, 550, ERR_NONE, OUT_DEFERRED, 0 },
	{ SMTP_STARTTLS, 554, ERR_NONE, OUT_DEFERRED, 0 },
	{ SMTP_AUTH, 535, ERR_NONE, OUT_DEFERRED, 0 },
	/* 5xx to the message */
	{ SMTP_MAIL, 550, ERR_NONE, OUT_FAILED, EX_UNAVAILABLE },
	{ SMTP_MAIL, 552, ERR_NONE, OUT_FAILED, EX_DATAERR },
	{ SMTP_RCPT, 550, ERR_NONE, OUT_FAILED, EX_NOUSER },
	{ SMTP_RCPT, 553, ERR_NONE, OUT_FAILED, EX_NOUSER },
	{ SMTP_DATA, 554, ERR_NONE, OUT_FAILED, EX_UNAVAILABLE },
	{ SMTP_EOM, 554, ERR_NONE, OUT_FAILED, EX_UNAVAILABLE },
	{ SMTP_EOM, 552, ERR_NONE, OUT_FAILED, EX_DATAERR },
	/* replies of the wrong class never fail and never count as sent */
	{ SMTP_EOM, 354, ERR_NONE, OUT_DEFERRED, 0 },
	{ SMTP_MAIL, 354, ERR_NONE, OUT_DEFERRED, 0 },
	{ SMTP_DATA, 250, ERR_NONE, OUT_DEFERRED, 0 },
	{ SMTP_EOM, 199, ERR_NONE, OUT_DEFERRED, 0 },
	{ SMTP_EOM, 600, ERR_NONE, OUT_DEFERRED, 0 },
};

TEST(attempt_table)
{
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct policy_verdict v = policy_attempt(rows[i].stage,
		    rows[i].code, rows[i].class);
		if (v.out != rows[i].out || v.exit_status !=
		    rows[i].exit_status)
			T_FAIL_("row %zu (%s %d class %d): outcome %d exit "
			    "%d, expected %d exit %d", i,
			    smtp_stage_name(rows[i].stage), rows[i].code,
			    (int)rows[i].class, (int)v.out, v.exit_status,
			    (int)rows[i].out, rows[i].exit_status);
	}
}

TEST(message_table)
{
	struct policy_verdict v;
	int partial;

	v = policy_message(2, 0, 0, &partial);
	T_EQ(v.out, OUT_SENT);
	T_EQ(partial, 0);
	v = policy_message(1, 1, 0, &partial);	/* ok@ 250, bad@ 550 */
	T_EQ(v.out, OUT_FAILED);
	T_EQ(v.exit_status, 0);
	T_EQ(partial, 1);
	v = policy_message(0, 2, 0, &partial);	/* all refused */
	T_EQ(v.out, OUT_FAILED);
	T_EQ(v.exit_status, EX_NOUSER);
	T_EQ(partial, 0);
	v = policy_message(1, 1, 1, &partial);	/* a 450 waits */
	T_EQ(v.out, OUT_DEFERRED);
	T_EQ(v.exit_status, 0);
	v = policy_message(0, 0, 1, &partial);
	T_EQ(v.out, OUT_DEFERRED);
	v = policy_message(0, 0, 0, &partial);	/* nothing left: done */
	T_EQ(v.out, OUT_SENT);
}

TEST(local_exit_map)
{
	T_EQ(policy_exit(ERR_NONE), 0);
	T_EQ(policy_exit(ERR_USAGE), EX_USAGE);
	T_EQ(policy_exit(ERR_CONFIG), EX_CONFIG);
	T_EQ(policy_exit(ERR_DATA), EX_DATAERR);
	T_EQ(policy_exit(ERR_INPUT), EX_IOERR);
	T_EQ(policy_exit(ERR_IO), EX_IOERR);
	T_EQ(policy_exit(ERR_QUEUE), EX_CANTCREAT);
	T_EQ(policy_exit(ERR_PROTO), EX_PROTOCOL);
	T_EQ(policy_exit(ERR_TEMP), EX_OSERR);
	/* PHP's mail() counts 75 as success: never for a lost message */
	{
		int c;
		for (c = ERR_NONE; c <= ERR_PROTO; c++)
			T_OK(policy_exit((enum err_class)c) != EX_TEMPFAIL);
	}
}

TEST(backoff_bounds)
{
	T_EQ(policy_backoff(0, 32768), 60);
	T_EQ(policy_backoff(1, 32768), 120);
	T_EQ(policy_backoff(20, 32768), 3600);
	T_EQ(policy_backoff(0, 0), 45);
	T_EQ(policy_backoff(0, 65535), 75);
	T_EQ(policy_backoff(100, 65535), 4500);
	T_EQ(policy_backoff(100, 0), 2700);
}


/* sendmail(8) QUOTAS AND THROTTLING, row by row: a delay (defer), or 0. */
static const struct qrow {
	int	 code;
	const char *text;
	long	 delay;
} qrows[] = {
	{ 550, "5.4.5 Daily user sending limit exceeded. For more "
	    "information visit https://support.google.com/", 3600 },
	{ 550, "5.4.5 Daily SMTP relay limit exceeded for user", 3600 },
	{ 554, "5.2.0 STOREDRV.Submission.Exception:"
	    "SubmissionQuotaExceededException; Failed to process message",
	    3600 },
	{ 432, "4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded",
	    300 },
	{ 550, "5.2.251 Sender throttled due to continuous errors", 3600 },
	{ 550, "5.2.253 Sender throttled due to continuous errors", 3600 },
	{ 550, "5.2.255 Sender throttled due to continuous errors", 3600 },
	{ 454, "Throttling failure: Maximum sending rate exceeded.", 60 },
	{ 454, "Throttling failure: Daily message quota exceeded.", 3600 },
	/* not quotas */
	{ 554, "5.2.252 SendAsDenied; a@x not allowed to send as b@y", 0 },
	{ 550, "5.1.1 no such user", 0 },
	{ 550, "5.2.256 something else", 0 },
	{ 550, "5.4.50 not this one", 0 },
	{ 250, "5.4.5 a 250 is never a quota", 0 },
	{ 454, "4.7.0 TLS not available", 0 },
	{ 550, "", 0 },
	{ 550, NULL, 0 },
};

TEST(quota_table)
{
	size_t i;

	for (i = 0; i < sizeof(qrows) / sizeof(qrows[0]); i++) {
		const struct qrow *q = &qrows[i];
		T_EQ(policy_quota(q->code, q->text), q->delay);
	}
	char hint[300];

	T_EQ(policy_hint(554, "5.2.252 SendAsDenied; a@x not allowed to "
	    "send as b@y", "a@x", hint, sizeof(hint)), 1);
	T_STREQ(hint, "the provider lets this account send only as its own "
	    "mailbox: add to [message] the lines \"from = a@x\" and "
	    "\"rewrite_from = always\"");
	T_EQ(policy_hint(554, "5.2.252 SendAsDenied", "AKIA", hint,
	    sizeof(hint)), 1);
	T_OK(strstr(hint, "\"from = YOUR-MAILBOX\"") != NULL);
	T_EQ(policy_hint(550, "5.1.1 no such user", "a@x", hint,
	    sizeof(hint)), 0);
	T_EQ(policy_hint(550, "5.4.5 Daily user sending limit exceeded", "a@x",
	    hint, sizeof(hint)), 0);
}

/* Refusals over the provider's cap on concurrent connections: put back
 * untried (1), or an ordinary reply (0). */
static const struct caprow {
	enum smtp_stage stage;
	int	 code;
	const char *text;
	int	 over;
} caprows[] = {
	{ SMTP_GREETING, 421, "4.7.0 Too many concurrent SMTP connections", 1 },
	{ SMTP_GREETING, 421, "4.7.0 Try again later, closing connection", 1 },
	{ SMTP_MAIL, 432, "4.3.2 Concurrent connections limit exceeded.", 1 },
	{ SMTP_MAIL, 432, "4.3.2 STOREDRV.ClientSubmit; sender thread limit "
	    "exceeded", 1 },
	{ SMTP_AUTH, 454, "4.7.0 too many connections from your host", 1 },
	{ SMTP_EHLO, 421, "4.4.5 Too many simultaneous connections", 1 },
	/* not over the cap */
	{ SMTP_EHLO, 421, "4.4.2 timeout", 0 },
	{ SMTP_MAIL, 451, "4.3.0 try again later", 0 },
	{ SMTP_RCPT, 432, "4.3.2 after a recipient: the message's", 0 },
	{ SMTP_EOM, 421, "4.7.0 too many concurrent connections", 0 },
	{ SMTP_GREETING, 554, "5.7.1 no service for you", 0 },
	{ SMTP_MAIL, 550, "5.7.1 too many connections", 0 },
	{ SMTP_GREETING, 421, NULL, 1 },
	{ SMTP_MAIL, 450, NULL, 0 },
};

TEST(over_cap_table)
{
	size_t i;

	for (i = 0; i < sizeof(caprows) / sizeof(caprows[0]); i++) {
		const struct caprow *c = &caprows[i];
		T_EQ(policy_over_cap(c->stage, c->code, c->text), c->over);
	}
}

TEST(pace_windows)
{
	static struct pace p, q;
	static char text[PACE_TEXT_MAX];
	char why[128];
	time_t now = 1800000000;
	int i;

	memset(&p, 0, sizeof(p));
	p.per_minute = 5;
	p.per_day = 7;
	for (i = 0; i < 5; i++) {
		T_EQ(pace_wait(&p, now, why, sizeof(why)), 0);
		pace_note(&p, now);
	}
	T_OK(pace_wait(&p, now, why, sizeof(why)) == 60);
	T_STREQ(why, "[relay] max_per_minute = 5 reached; stays queued");
	T_EQ(pace_wait(&p, now + 60, why, sizeof(why)), 0);
	/* Written and read back, merged into a bucket: the minute is free,
	 * the day still counts all five. */
	pace_format(&p, now + 61, text, sizeof(text));
	memset(&q, 0, sizeof(q));
	q.per_minute = 5;
	q.per_day = 7;
	pace_parse(&q, text);
	T_EQ(q.count, 1);
	T_EQ(pace_wait(&q, now + 61, why, sizeof(why)), 0);
	pace_note(&q, now + 61);
	pace_note(&q, now + 62);
	T_OK(pace_wait(&q, now + 63, why, sizeof(why)) > 0);
	T_STREQ(why, "[relay] max_per_day = 7 reached; stays queued");
	T_EQ(pace_wait(&q, now + 86400 + 62, why, sizeof(why)), 0);
	/* A damaged record loses a line, never stops delivery. */
	pace_parse(&q, "x y\n1800000000 2 0\n\n-5\n");
	T_EQ(q.count, 1);
	/* Bounded: a day of one send a second stays within the cap. */
	memset(&p, 0, sizeof(p));
	for (i = 0; i < 86400; i += 7) {
		pace_note(&p, now + i);
		if (i % 700 == 0)
			pace_format(&p, now + i, text, sizeof(text));
	}
	T_OK(p.count <= PACE_ENTRIES_MAX);
	T_OK(pace_format(&p, now + i, text, sizeof(text)) < sizeof(text));
}

TEST_MAIN("t_policy", {
	RUN(quota_table);
	RUN(over_cap_table);
	RUN(pace_windows);
	RUN(attempt_table);
	RUN(message_table);
	RUN(local_exit_map);
	RUN(backoff_bounds);
})
