/* relaymail: the queue drains itself. ISC licence, see LICENSE.
 * When a message is left in the queue (deferred, put back, or handed to
 * the pool's connections by a caller that stopped waiting), one runner
 * per queue goes on in the background: elected by a lock (DIR/pool/
 * runner), it sleeps until the earliest retry, delivers through the pool
 * under the pacing and quota delays, and exits when the queue is empty
 * or the next retry is further away than RUNNER_HORIZON_S. It is a
 * process of its own session, with the privileges of the sendmail that
 * started it and none of its caller's descriptors. `sendmail -q` (the
 * timer or cron job) stays the safety net.
 * A user outside the mail group (priv_outsider) may deliver only its own
 * messages: its runner, elected by DIR/pool/runner.UID, takes only those;
 * the runner of root or the group takes them all. */
#ifndef RUNNER_H
#define RUNNER_H

#include "conf.h"

/* Longer than the longest backoff (policy.h: an hour, +25 %): while a
 * smart host is down the runner stays; a retry further away (a quota's
 * day, a max_per_day limit) is the timer's. */
#define RUNNER_HORIZON_S	7200

/* Makes sure a runner works on conf's queue: when none holds the lock,
 * starts one and returns at once (without waiting for it). Does nothing
 * with [queue] runner = no. */
void	 runner_ensure(const struct conf *conf);

#endif
