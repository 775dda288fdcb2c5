/* relaymail: delivery in the background. ISC licence, see LICENSE.
 * The process and the link behind handoff.c: a worker process (own
 * session, stdio on /dev/null, stderr through the caller while it
 * waits) and a SOCK_SEQPACKET link to it that carries go/no-go, queue
 * ids and reports. A worker whose caller stopped waiting goes on alone,
 * and keeps the queue lock it inherited. Only handoff.c uses it. */
#ifndef DETACH_H
#define DETACH_H

#include <stddef.h>

#include "relay.h"

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
int	 detach_wait(struct detach *, int wait_s, struct relay_report *rep);

/* Worker: sends rep. 0 when the caller took it; -1 when it is gone
 * (d->gone set): the outcome is nobody's to hear but the sender's. */
int	 detach_report(struct detach *, const struct relay_report *rep);

/* Worker: the next queue id the caller hands over (-bs), into id. 1, or
 * 0 when the caller is done or gone. */
int	 detach_next(struct detach *, char *id, size_t idlen);

/* Caller: hands id to an idle worker. 0, or -1 (the worker is gone:
 * start another). */
int	 detach_give(struct detach *, const char *id);

/* Either side: closes the link (the worker's stderr goes to /dev/null). */
void	 detach_end(struct detach *);

#endif
