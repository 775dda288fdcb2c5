/* relaymail: the queue commands. ISC licence, see LICENSE.
 * -M, -Mrm and -Mg on the messages an administrator names, and the
 * expiry of failed/ that each -q run does. One line per message on the
 * caller's stream; the outcome counts tell main.c the exit status. */
#ifndef ADMIN_H
#define ADMIN_H

#include <stdio.h>
#include <time.h>

#include "cli.h"
#include "conf.h"
#include "spool.h"

/* How long failed/ keeps a message, until [queue] failed_max_age. */
#define ADMIN_FAILED_MAX_AGE_S	(7L * 86400)

struct admin_result {
	int	 done;		/* handled as asked */
	int	 unknown;	/* no such message (or not a queue id) */
	int	 busy;		/* locked: being delivered right now */
	int	 errors;	/* damaged, or the queue could not be changed */
};

/* Applies op to each of the n ids: CLI_MSG_RUN relays it now (a failed
 * one is retried for its refused recipients and goes back to q/ if
 * deferred), CLI_MSG_REMOVE removes it, CLI_MSG_GIVEUP queues and relays
 * a report to its sender (none for a message already in failed/) and
 * then removes it. Writes "ID: what happened" lines to out; says each
 * unknown, busy or failing id on stderr (log_error). Fills res. */
void	 admin_messages(const struct conf *, struct spool *, enum cli_msg_op,
	    char *const *ids, int n, FILE *out, struct admin_result *res);

/* Removes failed/ entries older than age seconds (0 keeps them), one
 * log line each. Returns how many. */
int	 admin_expire(struct spool *, time_t age);

#endif
