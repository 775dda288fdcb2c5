/* relaymail: delivery in the background. ISC licence, see LICENSE.
 * A caller never waits on the network longer than [relay] wait: once a
 * message is committed, a worker process (own session, stdio on
 * /dev/null) makes the attempt while the caller's process waits for its
 * report up to that bound. A worker whose caller stopped waiting goes on
 * alone, as a queue run would, and keeps the queue lock it inherited. */
#ifndef DETACH_H
#define DETACH_H

#include <stddef.h>

#include "relaymail.h"

/* One reply line: a code and a relay_report's text (600), bytes. */
#define DETACH_LINE_MAX	640

/* What the worker tells the waiting caller. */
struct detach_report {
	enum outcome out;
	int	 status;		/* exit status for the caller */
	char	 line[DETACH_LINE_MAX];	/* -bs: the reply to send */
};

struct detach {
	int	 ctl;		/* socket to the other side, or -1 */
	int	 errfd;		/* caller: the worker's stderr; worker: -1 */
	int	 worker;	/* 1 in the worker process */
	int	 gone;		/* worker: its caller stopped waiting */
};

#define DETACH_ZERO	{ -1, -1, 0, 0 }

/* Starts a worker: it leaves the session (setsid), reopens stdin and
 * stdout on /dev/null and sends stderr to the caller through a pipe (a
 * terminal is kept); it is init's child once the caller exits, and
 * finished workers are reaped by the next detach_start.
 * Inherited fds (the message's lock) stay open in both. 0 in the
 * worker, 1 in the caller, -1 (err set) when no worker could start. */
int	 detach_start(struct detach *, char *err, size_t errlen);

/* Caller: tells the worker, which connects while the caller makes the
 * message durable, to go on (go = 1) or to leave it alone (0). */
void	 detach_go(struct detach *, int go);

/* Worker: waits for the caller's word. 1 to go on; 0 when the caller
 * said no, left, or said nothing for DETACH_GO_S seconds. */
int	 detach_await_go(struct detach *);

/* Caller: waits up to wait_s seconds for the worker's report, copying
 * its stderr to ours meanwhile. 1 with rep filled; 0 when the time ran
 * out or the worker died: then the worker is left on its own (the link
 * is closed, d can start another). */
int	 detach_wait(struct detach *, int wait_s, struct detach_report *rep);

/* Worker: sends rep. 0 when the caller took it; -1 when it is gone
 * (d->gone set): the outcome is nobody's to hear but the sender's. */
int	 detach_report(struct detach *, const struct detach_report *rep);

/* Worker: the next queue id the caller hands over (-bs), into id. 1, or
 * 0 when the caller is done or gone. */
int	 detach_next(struct detach *, char *id, size_t idlen);

/* Caller: hands id to an idle worker. 0, or -1 (the worker is gone:
 * start another). */
int	 detach_give(struct detach *, const char *id);

/* Either side: closes the link. */
void	 detach_end(struct detach *);

#endif
