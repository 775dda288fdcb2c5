/* relaymail: the secret, and everywhere it lives. ISC licence.
 * The password that AUTH sends (password, password_file, or the first
 * line of password_command's output); an OAuth access token, from
 * password_command (auth = xoauth2 or oauthbearer) or from the [oauth]
 * token endpoint; the one cache both kinds of token share; the client
 * secret; the refresh token file and its rotation. One rule reads a
 * first line (cred_line), one writer replaces a shared file (state.c).
 * Every buffer that held a secret is wiped before it goes out of scope;
 * no secret ever reaches an error or the log. */
#ifndef CRED_H
#define CRED_H

#include <stddef.h>
#include <time.h>

#include "conf.h"
#include "oauth.h"
#include "relaymail.h"
#include "spool.h"

#define CRED_TOKEN_S	3000	/* a password_command token: 50 minutes */
#define CRED_MAX	2816	/* an OAuth JWT; smtp.c sends it in 4 KiB */
/* The token cache in the queue directory: "EXPIRY\nID\nTOKEN\n", where
 * ID names the settings that got the token (its endpoint, client and
 * user, or password_command and user). Group-owned 0660 in a group
 * queue (state.c), read and rewritten under its lock. */
#define CRED_CACHE_FILE	"oauth-token"
/* A run that holds the cache's lock may be asking the token endpoint (or
 * password_command) for a token: wait for it that long, then go on
 * without the cache. */
#define CRED_LOCK_WAIT_MS	((OAUTH_TIMEOUT_S + 5) * 1000)

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

/* The one rule for a secret's first line, from a file or a command: the
 * bytes p[0..n) up to the first CR, LF or NUL, copied into out. cut: the
 * source had more than n bytes. 0, or -1 with the reason ("the first
 * line is empty", "the first line is longer than N bytes") in err. */
int	 cred_line(const char *p, size_t n, int cut, char *out, size_t outlen,
	    char *err, size_t errlen);

/* The first line of the file at path (cred_line) into buf. 0, or -1 with
 * "[section] key: PATH: reason" in err. */
int	 cred_file_line(const char *key, const char *path, char *buf,
	    size_t len, char *err, size_t errlen);

/* The password from password, password_file or password_command, into
 * buf (NUL-terminated). 0, or -1 with err. On 0, err holds the first
 * line password_command wrote to stderr (a warning to log), or "". The
 * caller wipes buf. */
int	 cred_password(const struct conf *c, char *buf, size_t buflen,
	    char *err, size_t errlen);

/* 1 and a warning line when the file holds a password and is readable by
 * all users; else 0. */
int	 cred_check_perms(const struct conf *c, const char *path, char *warn,
	    size_t len);

/* The client secret (client_secret or client_secret_file's first line)
 * into buf; "" when none is set. 0, or -1 with err. Caller wipes buf. */
int	 cred_client_secret(const struct conf *, char *buf, size_t len,
	    char *err, size_t errlen);

/* Replaces refresh_token_file with token and a newline (state.c: a new
 * file beside it, fsync, rename, fsync of the directory; 0660 with the
 * group when the group can enter the directory, else 0600). On -1 (err
 * set) the old file is as it was. */
int	 cred_refresh_save(const struct conf *, const char *token, char *err,
	    size_t errlen);

/* An [oauth] access token for AUTH into tok and when to stop using it
 * into *expires: from the cache in spool (not when fresh, or when spool
 * is NULL or private) or from the token endpoint, then cached. The
 * cache's lock is held while the endpoint is asked, so that two runs
 * never spend one refresh token; a rotated refresh token is saved before
 * the new access token is used, and when it cannot be, the old file
 * stays and a warning is logged. *cached says where it came from. 0, or
 * -1 with one sentence in err and *class (oauth_fetch). */
int	 cred_oauth_token(const struct conf *, struct spool *, int fresh,
	    char *tok, size_t toklen, time_t *expires, int *cached,
	    enum err_class *class, char *err, size_t errlen);

/* 0 and the renewal time in *expires when the cache in s holds an
 * [oauth] token for these settings that is still good; else -1. */
int	 cred_oauth_cached(const struct conf *, struct spool *,
	    time_t *expires);

#endif
