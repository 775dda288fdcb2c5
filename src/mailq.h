/* relaymail: mailq, the queue as a person reads it. ISC licence.
 * Lists q/ and failed/ in a Postfix-like layout that monitoring parses
 * (check_mailq, sendmail and Postfix modes): each message with its state
 * and each recipient's, a legend, then the totals. */
#ifndef MAILQ_H
#define MAILQ_H

#include <stdio.h>
#include <sys/types.h>

#include "spool.h"

#define MAILQ_EVERYONE	((uid_t)-1)

/* Prints the queue to fp: "Mail queue is empty", or one block per message
 * (q/ first, then failed/, each in arrival order), the legend, a
 * "Total requests: N" line and a last line "-- K Kbytes in N Requests.".
 * Only the messages uid submitted, unless uid is MAILQ_EVERYONE (another
 * user's are not opened). Nothing is locked: a delivery running meanwhile
 * is never kept from a message. Addresses, replies and reasons are
 * printed with control characters escaped. Returns the number of
 * messages listed. */
int	 mailq_print(struct spool *, uid_t uid, FILE *fp);

/* Prints s with bytes below 0x20, DEL and the backslash escaped (\xNN,
 * \\): text read from the queue never reaches a terminal as it is. */
void	 mailq_put(FILE *fp, const char *s);

/* The number of messages in q/ and failed/ together that uid submitted
 * (all with MAILQ_EVERYONE): what -bpc prints and what mailq's totals
 * say, or -1 if a directory cannot be read. */
int	 mailq_count(struct spool *, uid_t uid);

#endif
