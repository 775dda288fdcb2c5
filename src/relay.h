/* relaymail: delivery of queued messages. ISC licence, see LICENSE.
 * Takes a loaded, locked message through one attempt over the shared
 * session, asks policy.c what the attempt means, and applies that to the
 * queue: removed when handed off, retry state recorded when deferred,
 * moved to failed/ (and bounced when nobody waits on us) when refused. */
#ifndef RELAY_H
#define RELAY_H

#include <stdint.h>
#include <time.h>

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
	int	 put_back;	/* not tried (out OUT_DEFERRED): a max_per_*
				 * limit, or no connection to be had now */
	int	 busy;		/* put back: every connection of the pool
				 * busy, or refused over the provider's cap */
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
	const struct relay_filter *filter;	/* flush_queue: NULL = all */
	int	 sent, deferred, failed, put_back;
	long	 retry_after;	/* a quota reply's delay for the message
				 * being finished, or 0: the backoff */
	int	 throttled;	/* a quota reply, a max_per_* limit or no
				 * connection to be had: the run stops */
	long	 pace_wait;	/* seconds until a max_per_* limit lets one
				 * more go (0: none reached) */
	int	 sync_q, sync_failed;	/* a removal from q/ or failed/ not
				 * yet durable (relay_sync) */
	struct pace pace;	/* recent sends, for the max_per_* limits:
				 * the queue's record, as last read */
};

void	 relay_init(struct relay *, const struct conf *, struct spool *);

/* Delivers one loaded, locked message and updates the queue (removed,
 * deferred, or moved to failed/); or puts it back untried (rep->put_back).
 * heard: a caller waits for this outcome, so a failure is not bounced
 * (relay_unheard if telling it fails) and a removal is made durable
 * only at relay_sync, once the caller has its answer. Fills rep;
 * returns rep->out. */
enum outcome relay_message(struct relay *, struct spool_msg *, int heard,
	    struct relay_report *rep);

/* The caller that was to hear rep about m did not (it stopped waiting):
 * a failure for every recipient becomes the sender's bounce. */
void	 relay_unheard(struct relay *, const struct spool_msg *m,
	    const struct relay_report *rep);

/* Connects (session_open) before the first message is there: a worker
 * does while its caller makes the message durable. 0 or -1. */
int	 relay_connect(struct relay *);

/* Makes the last removal durable (fsync of its directory) and stops
 * deferring that: called once the waiting caller has its answer. */
void	 relay_sync(struct relay *);



/* QUIT, close, wipe the secret. */
void	 relay_end(struct relay *);

#endif
