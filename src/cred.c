/* relaymail: the secret, and everywhere it lives. ISC licence.
 * The secret is read when a session needs it, never at start-up. The
 * token cache is one file of the queue for both kinds of token, read
 * and rewritten in place under its lock (state.c), and only in a queue
 * that outlives this run (never a private spool in /tmp); a token the
 * server refuses is dropped at once. Every buffer that held a secret is
 * wiped before it goes out of scope. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "cred.h"
#include "log.h"
#include "state.h"
#include "util.h"

/* see cred.h */
int
cred_line(const char *p, size_t n, int cut, char *out, size_t outlen,
    char *err, size_t errlen)
{
	size_t k = 0;

	while (k < n && p[k] != '\r' && p[k] != '\n' && p[k] != '\0')
		k++;
	if ((k == n && cut) || k >= outlen)	/* its end is not in p */
		return util_err(err, errlen, "the first line is longer than "
		    "%zu bytes", outlen - 1);
	if (k == 0)
		return util_err(err, errlen, "the first line is empty");
	memmove(out, p, k);
	out[k] = '\0';
	return 0;
}

/* see cred.h */
int
cred_file_line(const char *key, const char *path, char *buf, size_t len,
    char *err, size_t errlen)
{
	char why[100];
	size_t n = 0;
	ssize_t r = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return util_err(err, errlen, "%s: %s: %s%s", key, path,
		    strerror(errno), errno == ENOENT && strstr(key,
		    "refresh_token_file") != NULL ? " (run sendmail "
		    "--oauth-login)" : "");
	/* len bytes at most: a line that does not end within them cannot
	 * fit with its NUL, whatever follows. */
	while (n < len && (r = read(fd, buf + n, len - n)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (r == -1) {
		explicit_bzero(buf, len);
		return util_err(err, errlen, "%s: %s: %s", key, path,
		    strerror(errno));
	}
	if (cred_line(buf, n, n == len, buf, len, why, sizeof(why)) == -1) {
		explicit_bzero(buf, len);
		return util_err(err, errlen, "%s: %s: %s", key, path, why);
	}
	return 0;
}

static int
cred_password_command(const char *cmd, char *buf, size_t len, char *err,
    size_t errlen)
{
	char why[300], diag[300];
	size_t n;
	int cut;

	if (cmd_run(cmd, buf, len, &n, &cut, diag, sizeof(diag), why,
	    sizeof(why)) == 0 && cred_line(buf, n, cut, buf, len, why,
	    sizeof(why)) == 0) {
		if (diag[0] != '\0')	/* a warning, for the log */
			snprintf(err, errlen, "[relay] password_command: "
			    "stderr: %s", diag);
		return 0;
	}
	explicit_bzero(buf, len);
	return util_err(err, errlen, "[relay] password_command: %s%s%s", why,
	    diag[0] ? ": " : "", diag);
}

/* see cred.h */
int
cred_password(const struct conf *c, char *buf, size_t len, char *err,
    size_t errlen)
{
	buf[0] = '\0';
	if (errlen > 0)
		err[0] = '\0';
	if (c->password != NULL) {
		if (util_strlcpy(buf, c->password, len) >= len) {
			explicit_bzero(buf, len);
			return util_err(err, errlen, "[relay] password: too "
			    "long");
		}
		return 0;
	}
	if (c->password_file != NULL)
		return cred_file_line("[relay] password_file",
		    c->password_file, buf, len, err, errlen);
	if (c->password_command != NULL)
		return cred_password_command(c->password_command, buf, len,
		    err, errlen);
	return 0;
}

/* see cred.h */
int
cred_check_perms(const struct conf *c, const char *path, char *warn,
    size_t len)
{
	struct stat st;
	int i, secret = c->password != NULL || c->oauth_client_secret != NULL;

	for (i = 0; i < c->nroutes; i++)	/* a route's secret too */
		secret |= c->routes[i]->password != NULL ||
		    c->routes[i]->oauth_client_secret != NULL;
	if (!secret || stat(path, &st) == -1 || !(st.st_mode & S_IROTH))
		return 0;
	snprintf(warn, len, "%s: readable by all users but holds a "
	    "password; chmod 600 (or 640 with a group)", path);
	return 1;
}

/* see cred.h */
int
cred_client_secret(const struct conf *c, char *buf, size_t len, char *err,
    size_t errlen)
{
	buf[0] = '\0';
	if (c->oauth_client_secret_file != NULL)
		return cred_file_line("[oauth] client_secret_file",
		    c->oauth_client_secret_file, buf, len, err, errlen);
	if (c->oauth_client_secret != NULL && util_strlcpy(buf,
	    c->oauth_client_secret, len) >= len) {
		explicit_bzero(buf, len);
		return util_err(err, errlen, "[oauth] client_secret: too long");
	}
	return 0;
}

/* see cred.h */
int
cred_refresh_save(const struct conf *c, const char *token, char *err,
    size_t errlen)
{
	char buf[OAUTH_REFRESH_MAX + 1];
	int n, r = -1;

	n = snprintf(buf, sizeof(buf), "%s\n", token);
	if (n < 0 || (size_t)n >= sizeof(buf))
		util_err(err, errlen, "[oauth] refresh_token_file: the token "
		    "is too long");
	else if (state_write_path(c->oauth_refresh_token_file, buf,
	    (size_t)n) == 0)
		r = 0;
	else
		util_err(err, errlen, "[oauth] refresh_token_file: %s: %s",
		    c->oauth_refresh_token_file, strerror(errno));
	explicit_bzero(buf, sizeof(buf));
	return r;
}

/* The token cache. */

/* The cache's lock, for a queue that outlives this run: its descriptor,
 * or -1 to go on without the cache (said in the log when another run
 * held it too long). */
static int
cred_cache_lock(struct spool *s, const struct conf *c)
{
	char buf[80];
	const char *name = conf_route_file(c, CRED_CACHE_FILE, buf,
	    sizeof(buf));
	int fd;

	if (s == NULL || s->private)
		return -1;
	if ((fd = state_lock(s->fd, name, CRED_LOCK_WAIT_MS)) == -1)
		log_warn("%s/%s: %s; going on without the token cache",
		    s->dir, name, errno == EWOULDBLOCK ?
		    "another run holds its lock" : strerror(errno));
	return fd;
}

/* The cached token for id, still good at now, into tok. 0 or -1. */
static int
cred_cache_get(int fd, const char *id, char *tok, size_t toklen,
    time_t *expires)
{
	char buf[CRED_MAX + 1300], *l2, *l3;
	int r = -1;

	if (fd == -1 || state_locked_read(fd, buf, sizeof(buf)) <= 0)
		return -1;
	if ((l2 = strchr(buf, '\n')) != NULL &&
	    (l3 = strchr(l2 + 1, '\n')) != NULL) {
		*l2++ = *l3++ = '\0';
		l3[strcspn(l3, "\n")] = '\0';
		*expires = (time_t)strtoll(buf, NULL, 10);
		if (strcmp(l2, id) == 0 && *expires > time(NULL) &&
		    l3[0] != '\0' && util_strlcpy(tok, l3, toklen) < toklen)
			r = 0;
	}
	explicit_bzero(buf, sizeof(buf));
	return r;
}

static void
cred_cache_put(struct spool *s, int fd, const char *id, const char *tok,
    time_t expires)
{
	char buf[CRED_MAX + 1300];
	int n;

	if (fd == -1 || expires <= time(NULL))
		return;		/* one that expires at once is not kept */
	n = snprintf(buf, sizeof(buf), "%lld\n%s\n%s\n", (long long)expires,
	    id, tok);
	if (n > 0 && (size_t)n < sizeof(buf) &&
	    state_locked_write(fd, buf, (size_t)n) == -1)
		log_warn("%s/%s: %s", s->dir, CRED_CACHE_FILE,
		    strerror(errno));
	explicit_bzero(buf, sizeof(buf));
	/* The two caches of earlier releases, never read again. */
	state_remove(s->fd, ".oauth-token");
	state_remove(s->fd, ".oauth-access");
}

/* Empties the cache (a token the server refused). The file stays: it is
 * the lock other runs may be waiting on. */
static void
cred_cache_drop(struct spool *s, const struct conf *c)
{
	int fd = cred_cache_lock(s, c);

	if (fd != -1) {
		state_locked_write(fd, "", 0);
		close(fd);
	}
}

/* The line that ties a cached token to the settings that got it. */
static void
cred_cache_id(const struct conf *c, const char *url, char *id, size_t len)
{
	size_t i;

	if (url != NULL)
		snprintf(id, len, "%s %s %s %d", url, c->oauth_client_id,
		    c->user, (int)c->oauth_grant);
	else
		snprintf(id, len, "password_command %s %s", c->user,
		    c->password_command);
	for (i = 0; id[i] != '\0'; i++)	/* one printable line */
		if (id[i] < ' ' || id[i] > '~')
			id[i] = '?';
}

/* [oauth]: the endpoint's answer, the rotated refresh token saved first
 * (the provider may have revoked the old one already, RFC 6749 6). */
static int
cred_oauth_fetch(const struct conf *c, const struct oauth_ends *e,
    struct oauth_reply *r, enum err_class *class, char *err, size_t errlen)
{
	char secret[1024], rt[OAUTH_REFRESH_MAX], why[600];
	int rc = -1;

	*class = ERR_CONFIG;
	rt[0] = '\0';
	if (cred_client_secret(c, secret, sizeof(secret), err, errlen) == -1)
		return -1;
	if (c->oauth_grant == CONF_GRANT_REFRESH_TOKEN && cred_file_line(
	    "[oauth] refresh_token_file", c->oauth_refresh_token_file, rt,
	    sizeof(rt), err, errlen) == -1)
		goto out;
	if (oauth_fetch(c, e, secret, rt, r, class, err, errlen) == -1)
		goto out;
	/* Kept as it was when it cannot be replaced: this access token
	 * still works, and a person can fix the directory. */
	if (r->refresh[0] != '\0' && cred_refresh_save(c, r->refresh, why,
	    sizeof(why)) == -1)
		log_warn("%s: cannot save the rotated refresh token; the old "
		    "one is kept", why);
	rc = 0;
out:
	explicit_bzero(secret, sizeof(secret));
	explicit_bzero(rt, sizeof(rt));
	return rc;
}

/* see cred.h */
int
cred_oauth_token(const struct conf *c, struct spool *s, int fresh,
    char *tok, size_t toklen, time_t *expires, int *cached,
    enum err_class *class, char *err, size_t errlen)
{
	struct oauth_ends e;
	struct oauth_reply *r;
	char id[1200];
	long life;
	int fd, rc = -1;

	*class = ERR_CONFIG;
	*cached = 0;
	if (oauth_endpoints(c, &e, err, errlen) == -1)
		return -1;
	cred_cache_id(c, e.token_url, id, sizeof(id));
	fd = cred_cache_lock(s, c);
	if (!fresh && cred_cache_get(fd, id, tok, toklen, expires) == 0) {
		*cached = 1;
		rc = 0;
		goto out;
	}
	if ((r = malloc(sizeof(*r))) == NULL) {
		util_err(err, errlen, "out of memory");
		goto out;
	}
	if (cred_oauth_fetch(c, &e, r, class, err, errlen) == 0) {
		if (util_strlcpy(tok, r->access, toklen) >= toklen)
			util_err(err, errlen, "[oauth] access token too long");
		else {
			/* Renewed shortly before the provider's expiry
			 * (expires_in is 0..a day: no overflow). */
			life = r->expires_in > 2 * OAUTH_MARGIN_S ?
			    r->expires_in - OAUTH_MARGIN_S : r->expires_in / 2;
			*expires = time(NULL) + life;
			cred_cache_put(s, fd, id, tok, *expires);
			rc = 0;
		}
	}
	explicit_bzero(r, sizeof(*r));
	free(r);
out:
	if (fd != -1)
		close(fd);
	return rc;
}

/* see cred.h */
int
cred_oauth_cached(const struct conf *c, struct spool *s, time_t *expires)
{
	struct oauth_ends e;
	char id[1200], tok[OAUTH_ACCESS_MAX], err[300];
	int fd, r;

	if (oauth_endpoints(c, &e, err, sizeof(err)) == -1)
		return -1;
	cred_cache_id(c, e.token_url, id, sizeof(id));
	fd = cred_cache_lock(s, c);
	r = cred_cache_get(fd, id, tok, sizeof(tok), expires);
	explicit_bzero(tok, sizeof(tok));
	if (fd != -1)
		close(fd);
	return r;
}

/* The secret of one session. */

/* see cred.h */
void
cred_init(struct cred *c, const struct conf *conf, struct spool *spool)
{
	memset(c, 0, sizeof(*c));
	c->conf = conf;
	c->spool = spool;
}

/* A token from password_command is cached; a password never is. */
static int
cred_is_token(const struct cred *c)
{
	const struct conf *conf = c->conf;

	return conf->password_command != NULL &&
	    (conf->auth == CONF_AUTH_XOAUTH2 ||
	    conf->auth == CONF_AUTH_OAUTHBEARER);
}

/* password_command's token: the cache's, else the command's, then
 * cached; one run at a time runs the command. */
static int
cred_token_load(struct cred *c, char *why, size_t len)
{
	char id[1200];
	time_t expires;
	int fd, r;

	cred_cache_id(c->conf, NULL, id, sizeof(id));
	fd = cred_cache_lock(c->spool, c->conf);
	if (cred_cache_get(fd, id, c->secret, sizeof(c->secret),
	    &expires) == 0) {
		c->cached = 1;
		r = 0;
	} else if ((r = cred_password(c->conf, c->secret, sizeof(c->secret),
	    why, len)) == 0)
		cred_cache_put(c->spool, fd, id, c->secret, time(NULL) +
		    CRED_TOKEN_S);
	if (fd != -1)
		close(fd);
	return r;
}

/* [oauth]: a token from the cache or the token endpoint. */
static int
cred_oauth_load(struct cred *c, int fresh, char *why, size_t len)
{
	if (cred_oauth_token(c->conf, c->spool, fresh, c->secret,
	    sizeof(c->secret), &c->expires, &c->cached, &c->class, why,
	    len) == -1)
		return -1;
	c->have = 1;
	return 0;
}

/* see cred.h */
int
cred_load(struct cred *c, char *why, size_t len)
{
	int r;

	if (c->have || c->conf->user == NULL)
		return 0;
	if (len > 0)
		why[0] = '\0';
	c->class = ERR_CONFIG;
	if (conf_oauth_on(c->conf))
		return cred_oauth_load(c, 0, why, len);
	if (cred_is_token(c))
		r = cred_token_load(c, why, len);
	else
		r = cred_password(c->conf, c->secret, sizeof(c->secret), why,
		    len);
	if (r == -1)
		return -1;
	if (len > 0 && why[0] != '\0')
		log_warn("%s", why);
	c->have = 1;
	return 0;
}

/* see cred.h */
int
cred_refused(struct cred *c)
{
	char why[600];

	if (conf_oauth_on(c->conf)) {
		/* Replaced once, cached or not: the provider may have
		 * revoked it early. */
		if (c->refetched)
			return 0;
		c->refetched = 1;
		cred_cache_drop(c->spool, c->conf);
		cred_wipe(c);
		return cred_oauth_load(c, 1, why, sizeof(why)) == 0;
	}
	if (!c->cached)
		return 0;
	cred_cache_drop(c->spool, c->conf);
	cred_wipe(c);
	return cred_load(c, why, sizeof(why)) == 0;
}

/* see cred.h */
int
cred_expired(const struct cred *c)
{
	return c->have && c->expires != 0 && time(NULL) >= c->expires;
}

/* see cred.h */
void
cred_wipe(struct cred *c)
{
	explicit_bzero(c->secret, sizeof(c->secret));
	c->have = c->cached = 0;
}
