/* relaymail: the connections to the smart host that every sender on the
 * host shares. ISC licence, see LICENSE.
 * [relay] max_connections slots, each a file DIR/pool/slot.N of the
 * queue (slot.NAME.N for [route NAME]: each route has its own pool). A process holds a slot (flock, exclusive) for as long as it has
 * a connection open, so that all the senders of every user together
 * never open more than that many: a burst shares a few connections
 * instead of opening one each, and stays under a provider's cap. A
 * refusal over the provider's cap (421 at the greeting, 432 4.3.2)
 * lowers the number of slots in use for POOL_COOL_S, as Postfix's
 * concurrency feedback does. A crash drops its slot with its lock. */
#ifndef POOL_H
#define POOL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define POOL_DIR		"pool"
#define POOL_SLOTS_MAX		32	/* [relay] max_connections at most */
#define POOL_COOL_S		300	/* a lowered cap holds this long */

struct pool {
	int	 dirfd;		/* DIR/pool; -1: no pool (every take succeeds) */
	int	 max;		/* [relay] max_connections */
	char	 slot[48];	/* its slots' name: "slot" ("slot.NAME" for a
				 * route), then ".N" */
	char	 cap[48];	/* its lowered cap's file: "cap", "cap.NAME" */
};

#define POOL_ZERO	{ -1, 0, "", "" }

/* One slot held: its locked file, or -1. */
struct pool_slot {
	int	 fd;
	int	 index;
};

#define POOL_SLOT_ZERO	{ -1, -1 }

struct conf;
struct spool;

/* Opens the pool of route c ([relay] or a [route NAME]: each has its
 * own, of its max_connections slots) in the queue s (its pool/, made as
 * spool_dir_open makes it); with s NULL or a private spool, no pool. 0,
 * or -1 with err: then p works as no pool. */
int	 pool_open(struct pool *p, struct spool *s, const struct conf *c,
	    char *err, size_t errlen);
void	 pool_close(struct pool *p);

/* The slots in use now: max, or fewer after a refusal over the cap. */
int	 pool_cap(const struct pool *p, time_t now);

/* Takes a free slot, trying until deadline_ms (conn_now_ms(); 0: try
 * once). 1 with slot held; 0 when every slot stayed busy. With no pool,
 * 1 and no file held. */
int	 pool_take(const struct pool *p, struct pool_slot *slot,
	    int64_t deadline_ms);

/* Gives the slot back (a slot not held is left alone). */
void	 pool_give(struct pool_slot *slot);

/* The server refused a connection over its cap while others were open:
 * one slot fewer (at least one) for POOL_COOL_S from now. */
void	 pool_refused(const struct pool *p, time_t now);

#endif
