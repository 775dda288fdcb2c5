/* relaymail: queue runs and the drain of a connection. ISC licence,
 * see LICENSE.
 * Over a struct relay (relay.h): which queued messages a run takes, and
 * what a holder of a connection slot does with it. */
#ifndef FLUSH_H
#define FLUSH_H

#include <stdint.h>
#include <time.h>

#include "relay.h"

/* Delivers every queued message (only those due unless all or
 * r->filter, which also picks the messages), until
 * deadline_ms (CLOCK_MONOTONIC; 0 = none). A caller waiting for one of
 * them (waiter.c) hears its outcome. Returns how many were tried. */
int	 flush_queue(struct relay *, int all, int64_t deadline_ms);

/* When the earliest message of q/ that this process may deliver is due
 * (0 or a past time: now), or -1 when there is none. */
time_t	 flush_next_due(struct relay *);

/* What a holder of a connection slot does with it: every due message
 * over the one connection, until none is left; then it closes the
 * connection, gives the slot back, and looks once more, taking a slot
 * again if a message came meanwhile. Stops early when throttled.
 * Returns how many messages were tried. */
int	 flush_drain(struct relay *);

#endif
