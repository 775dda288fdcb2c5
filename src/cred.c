/* relaymail: the secret that AUTH sends. ISC licence, see LICENSE.
 * The token cache is "EXPIRY\nTOKEN\n" in DIR/.oauth-token, as shared
 * as the queue (0640 in a group queue), written atomically and read
 * through spool_own.c; a token the server refuses is dropped at once.
 * Every buffer that held a secret is wiped before it goes out of scope. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cred.h"
#include "log.h"
#include "oauth.h"
#include "util.h"

#define CRED_TOKEN_FILE	".oauth-token"


/* see cred.h */
void
cred_init(struct cred *c, const struct conf *conf, struct spool *spool)
{
	memset(c, 0, sizeof(*c));
	c->conf = conf;
	c->spool = spool;
}

/* A token from password_command is cached; a password never is, and
 * nothing is cached in a private spool (it is removed after one message,
 * and lives in /tmp). */
static int
cred_is_oauth(const struct cred *c)
{
	const struct conf *conf = c->conf;

	return c->spool != NULL && !c->spool->private &&
	    conf->password_command != NULL &&
	    (conf->auth == CONF_AUTH_XOAUTH2 ||
	    conf->auth == CONF_AUTH_OAUTHBEARER);
}

static int
cred_cache_read(struct cred *c)
{
	char buf[CRED_MAX + 32], *nl;
	int r = -1;

	if (spool_private_read(c->spool, CRED_TOKEN_FILE, buf,
	    sizeof(buf)) <= 0)
		return -1;
	if ((nl = strchr(buf, '\n')) != NULL &&
	    strtoll(buf, NULL, 10) > (long long)time(NULL)) {
		nl[1 + strcspn(nl + 1, "\n")] = '\0';
		util_strlcpy(c->secret, nl + 1, sizeof(c->secret));
		r = c->secret[0] != '\0' ? 0 : -1;
	}
	explicit_bzero(buf, sizeof(buf));
	return r;
}


static void
cred_cache_write(struct cred *c)
{
	char buf[CRED_MAX + 32];
	int n;

	n = snprintf(buf, sizeof(buf), "%lld\n%s\n",
	    (long long)time(NULL) + CRED_TOKEN_S, c->secret);
	if (n > 0 && (size_t)n < sizeof(buf))
		spool_private_write(c->spool, CRED_TOKEN_FILE, buf, (size_t)n,
		    spool_private_mode(c->spool));
	explicit_bzero(buf, sizeof(buf));
}

/* [oauth]: a token from oauth.c's cache or its token endpoint. */
static int
cred_oauth_load(struct cred *c, int fresh, char *why, size_t len)
{
	if (oauth_token(c->conf, c->spool, fresh, c->secret,
	    sizeof(c->secret), &c->expires, &c->cached, &c->class, why,
	    len) == -1)
		return -1;
	c->have = 1;
	return 0;
}

/* [oauth]: a refused token is replaced once, whether or not it came from
 * the cache (the provider may have revoked it early). */
static int
cred_oauth_refused(struct cred *c)
{
	char why[600];

	if (c->refetched)
		return 0;
	c->refetched = 1;
	oauth_forget(c->spool);
	cred_wipe(c);
	return cred_oauth_load(c, 1, why, sizeof(why)) == 0;
}

/* see cred.h */
int
cred_expired(const struct cred *c)
{
	return c->have && c->expires != 0 && time(NULL) >= c->expires;
}

/* see cred.h */
int
cred_load(struct cred *c, char *why, size_t len)
{
	if (c->have || c->conf->user == NULL)
		return 0;
	c->class = ERR_CONFIG;
	if (conf_oauth_on(c->conf))
		return cred_oauth_load(c, 0, why, len);
	if (cred_is_oauth(c) && cred_cache_read(c) == 0) {
		c->have = c->cached = 1;
		return 0;
	}
	if (conf_password(c->conf, c->secret, sizeof(c->secret), why,
	    len) == -1)
		return -1;
	if (len > 0 && why[0] != '\0')
		log_warn("%s", why);
	c->have = 1;
	if (cred_is_oauth(c))
		cred_cache_write(c);
	return 0;
}

/* see cred.h */
int
cred_refused(struct cred *c)
{
	char why[300];

	if (conf_oauth_on(c->conf))
		return cred_oauth_refused(c);
	if (!c->cached)
		return 0;
	spool_private_remove(c->spool, CRED_TOKEN_FILE);
	cred_wipe(c);
	return cred_load(c, why, sizeof(why)) == 0;
}

/* see cred.h */
void
cred_wipe(struct cred *c)
{
	explicit_bzero(c->secret, sizeof(c->secret));
	c->have = c->cached = 0;
}
