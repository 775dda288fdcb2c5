/* relaymail: the outcome table. ISC licence, see LICENSE.
 * Pure: from where an attempt stopped (SMTP stage), the server's reply
 * code and the class of a local failure, decides sent, deferred or failed
 * and the exit status a waiting caller gets; and the exit status of a
 * failure before the message was kept. No other file decides either. */
#ifndef POLICY_H
#define POLICY_H

#include <stddef.h>
#include <time.h>

#include "relaymail.h"
#include "smtp.h"

struct policy_verdict {
	enum outcome out;
	int	 exit_status;	/* sysexits.h; 0 unless out is OUT_FAILED */
};

/* The verdict on one attempt that stopped at stage with reply code (0
 * when no reply decided it; then class says why). A 2xx at the end of
 * data is sent; only a 5xx to MAIL, RCPT, DATA or the end of data, or a
 * local ERR_DATA, fails a message; everything else defers it. */
struct policy_verdict policy_attempt(enum smtp_stage stage, int code,
	    enum err_class class);

/* The verdict on a message from the state of its recipients once an
 * attempt is over: sent (250), refused (5xx, in this attempt or any
 * earlier one) and pending (not yet accepted). Any pending: deferred.
 * Else any refused: failed, kept in failed/ and reported; the exit
 * status is 0 when some recipient accepted it (the caller must not send
 * again), else EX_NOUSER. Else sent. partial is set when the caller must
 * be warned: some accepted and some refused. */
struct policy_verdict policy_message(int sent, int refused, int pending,
	    int *partial);

/* The exit status for a failure before the message was kept (usage,
 * configuration, input, queue). Never EX_TEMPFAIL: PHP counts 75 as
 * success, and nothing was kept. */
int	 policy_exit(enum err_class class);

/* The delay before the next try after attempts failed ones: a minute,
 * doubling to an hour, then moved by jitter (0..65535) within +-25 %. */
long	 policy_backoff(int attempts, unsigned jitter);

/* A provider's quota or throttling reply (sendmail(8) QUOTAS AND
 * THROTTLING): the delay in seconds before the limit can have reset, or
 * 0 when the reply (code and text, the enhanced status code first) is
 * none of the table's. Such a reply defers, whatever its class and stage:
 * it is about the account's rate, not the message or a recipient. */
long	 policy_quota(int code, const char *text);

/* 1 when a reply at stage (before any message was accepted) refuses
 * the connection over the provider's cap on concurrent connections: 421
 * at the greeting, Microsoft's 432 4.3.2, or a 4xx that says so. Such a
 * refusal is not the message's: it is put back untried, and the pool
 * uses fewer connections for a while. */
int	 policy_over_cap(enum smtp_stage stage, int code, const char *text);

/* The sentence that names the fix for a known permanent provider
 * refusal (Microsoft's 5.2.252 SendAsDenied: the exact lines to add,
 * with mailbox, the AUTH user, when it is an address) into buf: 1, or
 * 0 when the reply is none of those. */
int	 policy_hint(int code, const char *text, const char *mailbox,
	    char *buf, size_t len);

#define POLICY_RETRY_MIN_S	60
#define POLICY_RETRY_MAX_S	3600

#endif
