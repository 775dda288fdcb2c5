/* relaymail: the local health check, sendmail --health. ISC licence.
 * Never touches the network, so that a provider's outage does not make a
 * container unhealthy by itself: the settings (read by the caller), the
 * queue directory writable, the oldest message waiting in q/ younger
 * than a bound, and how many wait in failed/. One line and a verdict,
 * for a container's HEALTHCHECK and for monitoring. */
#ifndef HEALTH_H
#define HEALTH_H

#include <stddef.h>

#include "conf.h"

#define HEALTH_MAX_AGE_S	3600	/* --health without =AGE */

/* Checks conf's queue with max_age (seconds) as the bound for the
 * oldest queued message. 0 when healthy, -1 when not; either way one
 * line in line ("ok: ..." or "unhealthy: ..."), without a newline. */
int	 health_check(const struct conf *conf, long max_age, char *line,
	    size_t len);

#endif
