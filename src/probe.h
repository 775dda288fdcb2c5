/* relaymail: the connection test, sendmail -bt. ISC licence.
 * Opens a session as a send would and prints what it found: the host,
 * the TLS version and suite, each certificate (subject, issuer, expiry,
 * pin), the server's extensions and the AUTH result. Sends no mail. */
#ifndef PROBE_H
#define PROBE_H

#include <stdio.h>

#include "session.h"

/* 0 when some host is fully usable, -1 (and "FAILED: reason") if not. */
int	 probe_run(struct session *, FILE *fp);

#endif
