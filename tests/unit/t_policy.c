/* relaymail: unit tests for the outcome table. ISC licence.
 * Every row of sendmail(8) DELIVERY POLICY, as (stage, code, class) ->
 * (outcome, exit status); the local exit map; the backoff bounds. */
#include <sysexits.h>

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

TEST_MAIN("t_policy", {
	RUN(attempt_table);
	RUN(message_table);
	RUN(local_exit_map);
	RUN(backoff_bounds);
})
