/* relaymail: the delivery journal. ISC licence, see LICENSE.
 * A record of every send, for hosts and containers without syslog: one
 * line per event (a message queued; each attempt's outcome) in the queue
 * directory, with the time, id, submitting uid, sender, recipients,
 * status, relay and reply. Bounded: a file past its size is renamed
 * journal.1 (replacing the one before), so the two together hold about
 * twice the size at most. Shared as the queue is: 0660 in a group queue
 * (the set-group-ID installs), else 0600. */
#ifndef JOURNAL_H
#define JOURNAL_H

#include <stdio.h>
#include <sys/types.h>

#include "spool.h"

#define JOURNAL_FILE		"journal"
#define JOURNAL_OLD		"journal.1"
#define JOURNAL_LINE_MAX	2048	/* one event; recipients cut to fit */
#define JOURNAL_SIZE_DEFAULT	(1L << 20)	/* [queue] journal_size */

/* Appends one line for m to s's journal, rotating it first when the
 * line would take it past size bytes (0: no journal). status is a word
 * (queued, sent, deferred, failed, partly-failed, held); relay and
 * reply may be NULL. Best effort: a journal that cannot be written
 * never stops a send. One write(2) with O_APPEND per line, so the lines
 * of concurrent writers never mix. */
void	 journal_note(struct spool *s, long size, const struct spool_msg *m,
	    const char *status, const char *relay, const char *reply);

/* Prints journal.1 then journal to out, the lines whose id, sender or
 * a recipient holds filter (ASCII case ignored; NULL: every line), and
 * for a user outside the queue group (priv_outsider) only the lines of
 * its own uid; control characters escaped as mailq escapes them. The
 * number of lines printed, or -1 when there is no journal to read. */
int	 journal_show(struct spool *s, const char *filter, FILE *out);

#endif
