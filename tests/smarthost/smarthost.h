/* relaymail test smart host: what its identity provider mode shares with
 * it. ISC licence, see LICENSE. */
#ifndef SMARTHOST_H
#define SMARTHOST_H

#include <stddef.h>

extern char line[];		/* the last get_line(), without CR LF */

size_t	 get_line(void);	/* exits on EOF */
void	 get_bytes(char *buf, size_t len);	/* exits on EOF */
void	 out_raw(const void *buf, size_t len);	/* exits on error */
int	 starttls(void);	/* implicit TLS with -c and -k */

/* -m idp: one HTTPS request to the loopback identity provider whose
 * state lives in dir (idp.c). */
void	 idp_serve(const char *dir);

/* -m dns: the test resolver on UDP 127.0.0.1:port (dns.c); writes the
 * port to portfile and answers until SIGTERM. */
void	 dns_serve(const char *dir, int port, const char *portfile);

/* -T FILE: 1 when token is a line of file and user is -u's user. */
int	 idp_token_ok(const char *file, const char *userpass, const char *user,
	    const char *token);

#endif
