/* relaymail: a caller waiting for the outcome of its message. ISC
 * licence, see LICENSE.
 * A caller whose message went to the queue for the connections already
 * open (every slot of the pool was busy) listens on DIR/pool/wait.ID, a
 * SOCK_SEQPACKET socket, for as long as it waits ([relay] wait). Whoever
 * delivers the message looks for it first: found, the caller hears the
 * outcome (a relay_report) and acknowledges it; not found, or gone
 * before the acknowledgement, the outcome is nobody's to hear, and a
 * failure becomes the sender's bounce, as for any queued message. */
#ifndef WAITER_H
#define WAITER_H

#include <stddef.h>
#include <stdint.h>

#include "relay.h"

/* The caller's end: the listening socket and its name. */
struct waiter_ear {
	int	 fd;		/* -1: not listening */
	char	 path[108];	/* sizeof(sun_path) */
};

#define WAITER_EAR_ZERO	{ -1, "" }

/* The deliverer's end: connected to a waiting caller, or -1. */
struct waiter {
	int	 fd;
};

#define WAITER_ZERO	{ -1 }

/* Caller: listens for the outcome of message id of the queue in dir.
 * 0, or -1 with err (nobody will hear it: the caller does not wait). */
int	 waiter_listen(struct waiter_ear *, const char *dir, const char *id,
	    char *err, size_t errlen);

/* Caller: waits for the outcome until deadline_ms (conn_now_ms()). 1
 * with rep filled and acknowledged; 0 when none came by then (a
 * deliverer that looked and left without one does not count). */
int	 waiter_hear(struct waiter_ear *, int64_t deadline_ms,
	    struct relay_report *rep);

/* Caller: stops listening; a deliverer that looks from now on finds
 * nobody. */
void	 waiter_unlisten(struct waiter_ear *);

/* A child of the caller closes its copy of the socket; the caller goes
 * on listening under the name. */
void	 waiter_leave(struct waiter_ear *);

/* Deliverer: looks for a caller waiting on message id. 1 when one is
 * (w connected), else 0. */
int	 waiter_find(struct waiter *w, const char *dir, const char *id);

/* Deliverer: tells the caller the outcome and closes. 0 when it was
 * acknowledged; -1 when the caller was gone. */
int	 waiter_tell(struct waiter *w, const struct relay_report *rep);

/* Deliverer: leaves without an outcome (the message was put back). */
void	 waiter_close(struct waiter *w);

#endif
