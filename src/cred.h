/* relaymail: the secret that AUTH sends. ISC licence, see LICENSE.
 * The password from the settings (password, password_file or the first
 * line of password_command), or an OAuth token that password_command
 * printed, kept in the queue directory for CRED_TOKEN_S so that a send
 * per cron job does not fetch one each time; or, with [oauth], a token
 * from oauth.c. Wiped when done. */
#ifndef CRED_H
#define CRED_H

#include <stddef.h>
#include <time.h>

#include "conf.h"
#include "spool.h"

#define CRED_TOKEN_S	3000	/* an OAuth token is reused 50 minutes */
#define CRED_MAX	2816	/* an OAuth JWT; smtp.c sends it in 4 KiB */

struct cred {
	const struct conf *conf;
	struct spool *spool;	/* for the token cache; NULL: none */
	char	 secret[CRED_MAX];
	int	 have;		/* secret is loaded */
	int	 cached;	/* it came from the token cache */
	time_t	 expires;	/* [oauth]: stop using it then; 0: never */
	int	 refetched;	/* [oauth]: a refused token was replaced */
	enum err_class class;	/* of cred_load's last failure */
};

void	 cred_init(struct cred *, const struct conf *, struct spool *);

/* Loads the secret once (no-op without [relay] user). 0, or -1 with a
 * reason in why (a missing password file, a failing command). */
int	 cred_load(struct cred *, char *why, size_t len);

/* The server refused the secret. When it came from the token cache the
 * cache is dropped and a fresh one loaded: 1 when it is worth one more
 * try, else 0. */
int	 cred_refused(struct cred *);

/* 1 when the secret is an [oauth] token past its renewal time (a long
 * flush outlived it): the session should AUTH again with a new one. */
int	 cred_expired(const struct cred *);

/* Forgets the secret (explicit_bzero). */
void	 cred_wipe(struct cred *);

#endif
