/* relaymail: the connection test, sendmail -bt. ISC licence.
 * Opens a session as a send would and prints what it found: the host,
 * the TLS version and suite, each certificate (subject, issuer,
 * validity, pin), the server's extensions and the AUTH result; for a
 * server it cannot verify, its chain and the tls_pin line that would
 * trust it. Sends no mail, and no AUTH to an unchecked server. */
#ifndef PROBE_H
#define PROBE_H

#include <stdio.h>

#include "session.h"

/* The test of conf's smart hosts, its summary on fp. 0 when some host
 * is fully usable (AUTH accepted, if a user is set), -1 if not ("FAILED:
 * reason", or AUTH not tried). */
int	 probe_main(const struct conf *, FILE *fp);

#endif
