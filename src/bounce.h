/* relaymail: delivery status notifications. ISC licence, see LICENSE.
 * When a queued message fails for good and nobody is waiting on our exit
 * status, its sender gets an RFC 3464 report (with the original header)
 * through the smart host. Messages from the null sender never bounce. */
#ifndef BOUNCE_H
#define BOUNCE_H

#include "conf.h"
#include "spool.h"

/* Queues a report about m (its SPOOL_RCPT_REFUSED recipients, or all of
 * them when none is) with reason. The new message is
 * committed and locked in *out (the caller relays and releases it).
 * 0; 1 when no bounce is due (null sender, bounce = no); -1 on error. */
int	 bounce_create(const struct conf *, struct spool *,
	    const struct spool_msg *m, const char *reason,
	    struct spool_msg *out, char *err, size_t errlen);

#endif
