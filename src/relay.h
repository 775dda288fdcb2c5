/* relaymail: delivery of queued messages. ISC licence, see LICENSE.
 * Takes a loaded, locked message through one attempt over the shared
 * session, asks policy.c what the attempt means, and applies that to the
 * queue: removed when handed off, retry state recorded when deferred,
 * moved to failed/ (and bounced when nobody waits on us) when refused. */
#ifndef RELAY_H
#define RELAY_H

#include <stdint.h>

#include "conf.h"
#include "pace.h"
#include "relaymail.h"
#include "session.h"
#include "spool.h"

#define RELAY_OPPORTUNISTIC_S	10	/* flush after a send, at most */

struct relay_report {
	enum outcome out;
	int	 exit_status;	/* sysexits for a waiting caller; 0 unless
				 * out is OUT_FAILED */
	enum err_class class;	/* why it was deferred (ERR_CONFIG: the
				 * settings), or ERR_NONE */
	int	 partial;	/* failed for some recipients, sent to the
				 * others: exit 0, and a warning */
	char	 text[600];	/* one line: what happened */
};

/* Which messages a flush takes (-qI, -qR, -qS): those whose id, one of
 * whose recipients, or whose sender contains substr (ASCII case
 * ignored), due or not. */
enum relay_match { RELAY_MATCH_ID, RELAY_MATCH_RCPT, RELAY_MATCH_SENDER };
struct relay_filter {
	enum relay_match what;
	const char *substr;
};

struct relay {
	const struct conf *conf;
	struct spool *spool;
	struct session sess;
	int	 interactive;	/* the caller sees failures: no bounce */
	const struct relay_filter *filter;	/* relay_flush: NULL = all */
	int	 sent, deferred, failed;
	long	 retry_after;	/* a quota reply's delay for the message
				 * being finished, or 0: the backoff */
	int	 throttled;	/* a quota reply or a max_per_* limit:
				 * the rest of the run waits */
	int	 defer_sync;	/* a caller waits: removals are made durable
				 * after it has its answer (relay_sync) */
	int	 sync_due;	/* 1 + failed: a removal not yet durable */
	struct pace pace;	/* recent sends, for the max_per_* limits:
				 * the queue's record, as last read */
};

void	 relay_init(struct relay *, const struct conf *, struct spool *);

/* Delivers one loaded, locked message and updates the queue (removed,
 * deferred, or moved to failed/). Fills rep; returns rep->out. */
enum outcome relay_message(struct relay *, struct spool_msg *,
	    struct relay_report *rep);

/* Delivers every queued message (only those due unless all or
 * r->filter, which also picks the messages), until
 * deadline_ms (CLOCK_MONOTONIC; 0 = none). Returns how many were tried. */
int	 relay_flush(struct relay *, int all, int64_t deadline_ms);

/* Tells the sender of m, which failed for good (moved to failed/),
 * why: for a first attempt whose caller stopped waiting (detach.c). */
void	 relay_bounce(struct relay *, const struct spool_msg *m,
	    const char *why);

/* Makes the last removal durable (fsync of its directory) and stops
 * deferring that: called once the waiting caller has its answer. */
void	 relay_sync(struct relay *);

/* QUIT, close, wipe the secret. */
void	 relay_end(struct relay *);

#endif
