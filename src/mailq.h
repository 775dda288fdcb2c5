/* relaymail: mailq, the queue as a person reads it. ISC licence.
 * Lists q/ and failed/ in a Postfix-like layout. */
#ifndef MAILQ_H
#define MAILQ_H

#include <stdio.h>

#include "spool.h"

/* Prints the queue to fp. Returns the number of messages listed. */
int	 mailq_print(struct spool *, FILE *fp);

#endif
