/* relaymail: a committed message and a caller who may be waiting. ISC
 * licence, see LICENSE.
 * The one place that turns "the message is sealed" into "the caller has
 * its answer", the same for the command line and for each -bs DATA:
 * whether a worker process delivers it, which connection it goes over
 * (a slot of the pool, pool.h), the connection started while the disk
 * makes the message durable, go or no-go, the attempt, the answer (an
 * exit status, or -bs's reply line), the bounce when nobody heard, the
 * removal made durable after the answer, the other due messages over
 * the same connection, and the runner when something is left.
 *
 * A slot free: a worker holds it, connects while the caller commits,
 * delivers the caller's message, answers within [relay] wait, then
 * drains the queue over the same connection. Every slot busy: the
 * message is committed for the connections already open and the caller
 * waits up to [relay] wait for its outcome (waiter.c), hearing it as if
 * it had sent it itself. */
#ifndef HANDOFF_H
#define HANDOFF_H

#include "conf.h"
#include "detach.h"
#include "spool.h"
#include "submit.h"

#define HANDOFF_REPLY_MAX	700	/* -bs: a code and a report's text */

struct handoff {
	const struct conf *conf;
	struct spool *spool;
	int	 dialogue;	/* -bs: the answer is a reply line */
	int	 background;	/* -odb: the caller never waits */
	int	 wait_s;	/* the caller waits at most: the route's
				 * [relay] wait, 0 with -odb */
	int	 queue_only;	/* -odq: committed, left to a queue run */
	struct detach det;	/* -bs: the worker that holds a connection
				 * across the dialogue's messages */
	const struct conf *det_route;	/* the route of that connection */
	const struct conf *route;	/* the message's (submit_sender's) */
};

struct handoff_answer {
	int	 status;		/* the command line's exit status */
	char	 reply[HANDOFF_REPLY_MAX];	/* -bs's reply line */
};

/* dialogue: answers are -bs reply lines (nothing is said on stderr);
 * else exit statuses, with their line on stderr. background: -odb, the
 * caller waits for no outcome; queue_only: -odq. */
void	 handoff_init(struct handoff *, const struct conf *, struct spool *,
	    int dialogue, int background, int queue_only);

/* Takes a sealed submission (submit_seal) to its answer: the promise
 * point (submit_durable), then the delivery as above. 0 in the caller,
 * with ans; the submission is reset either way. 1 in a worker process
 * whose work is done: its caller must return straight to exit (-bs:
 * leave the dialogue, which is the caller's). */
int	 handoff_message(struct handoff *, struct submit *,
	    struct handoff_answer *ans);

/* The dialogue is over: a -bs worker goes on to drain the queue and
 * exits. */
void	 handoff_end(struct handoff *);

#endif
