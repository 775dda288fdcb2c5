/* relaymail: OAuth 2.0 access tokens. ISC licence, see LICENSE.
 * The token endpoint's form POST and JSON reply, the grants that get an
 * access token, its cache in the queue directory ("EXPIRY\nID\nTOKEN\n",
 * as shared as the queue, written through spool.c), and the refresh
 * token file, replaced atomically when the provider rotates it and
 * before the new access token is used. Every buffer that held a secret
 * is wiped. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http.h"
#include "json.h"
#include "oauth.h"
#include "util.h"

#define OAUTH_MS	"https://login.microsoftonline.com/"
#define OAUTH_GOOGLE	"https://oauth2.googleapis.com/"

/* see oauth.h */
int
oauth_endpoints(const struct conf *c, struct oauth_ends *e, char *err,
    size_t errlen)
{
	int ms = c->oauth_provider == CONF_OAUTH_MICROSOFT;
	int cc = c->oauth_grant == CONF_GRANT_CLIENT_CREDENTIALS;
	const char *t = c->oauth_tenant ? c->oauth_tenant : "common";

	memset(e, 0, sizeof(*e));
	if (ms) {
		snprintf(e->token_url, sizeof(e->token_url), OAUTH_MS
		    "%s/oauth2/v2.0/token", t);
		snprintf(e->device_url, sizeof(e->device_url), OAUTH_MS
		    "%s/oauth2/v2.0/devicecode", t);
		snprintf(e->scope, sizeof(e->scope), "%s", cc ?
		    "https://outlook.office365.com/.default" :
		    "offline_access https://outlook.office.com/SMTP.Send");
	} else if (c->oauth_provider == CONF_OAUTH_GOOGLE) {
		snprintf(e->token_url, sizeof(e->token_url), OAUTH_GOOGLE
		    "token");
		snprintf(e->device_url, sizeof(e->device_url), OAUTH_GOOGLE
		    "device/code");
		snprintf(e->scope, sizeof(e->scope), "https://mail.google.com/");
	}
	if (c->oauth_token_url != NULL && util_strlcpy(e->token_url,
	    c->oauth_token_url, sizeof(e->token_url)) >= sizeof(e->token_url))
		return util_err(err, errlen, "[oauth] token_url: too long");
	if (c->oauth_device_url != NULL && util_strlcpy(e->device_url,
	    c->oauth_device_url, sizeof(e->device_url)) >=
	    sizeof(e->device_url))
		return util_err(err, errlen, "[oauth] device_url: too long");
	if (c->oauth_scope != NULL && util_strlcpy(e->scope, c->oauth_scope,
	    sizeof(e->scope)) >= sizeof(e->scope))
		return util_err(err, errlen, "[oauth] scope: too long");
	return 0;
}

/* see oauth.h: RFC 6749 appendix B, application/x-www-form-urlencoded. */
int
oauth_form_add(char *buf, size_t len, const char *name, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(buf);
	const unsigned char *v;

	if (n + strlen(name) + 2 >= len)
		return -1;
	n += (size_t)snprintf(buf + n, len - n, "%s%s=", n ? "&" : "", name);
	for (v = (const unsigned char *)value; *v != '\0'; v++) {
		if (n + 4 >= len)	/* else n + 3 + 1 <= len */
			return -1;
		if ((*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z') ||
		    (*v >= '0' && *v <= '9') || strchr("-._~", *v) != NULL)
			buf[n++] = (char)*v;
		else if (*v == ' ')
			buf[n++] = '+';
		else {
			buf[n++] = '%';
			buf[n++] = hex[*v >> 4];
			buf[n++] = hex[*v & 15];
		}
	}
	buf[n] = '\0';
	return 0;
}

/* Keeps only printable ASCII of s: a provider's text goes to stderr. */
static void
oauth_printable(char *s)
{
	for (; *s != '\0'; s++)
		if (*s < ' ' || *s > '~')
			*s = '?';
}

/* see oauth.h */
int
oauth_post(const struct conf *c, const char *url, const char *form,
    struct oauth_reply *r, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if ((buf = malloc(HTTP_REPLY_MAX)) == NULL)
		return util_err(err, errlen, "out of memory");
	if (http_post_form(url, c->oauth_ca_file, form, OAUTH_TIMEOUT_S, buf,
	    HTTP_REPLY_MAX, &r->status, &len, err, errlen) == -1)
		goto out;
	if (json_string(buf, len, "error", r->error, sizeof(r->error)) == 0) {
		oauth_printable(r->error);
		if (json_string(buf, len, "error_description", r->desc,
		    sizeof(r->desc)) == 0)
			oauth_printable(r->desc);
		rc = 0;
		goto out;
	}
	if (json_string(buf, len, "access_token", r->access,
	    sizeof(r->access)) == -1) {
		util_err(err, errlen, "HTTP %d without a token (or over %d "
		    "bytes)", r->status, OAUTH_ACCESS_MAX - 1);
		goto out;
	}
	json_string(buf, len, "refresh_token", r->refresh, sizeof(r->refresh));
	/* A number from the network, bounded before any arithmetic: a
	 * missing or unreadable one (-1, 1e30, "x") is the usual hour. */
	if (json_number(buf, len, "expires_in", &r->expires_in) == -1)
		r->expires_in = 3600;
	if (r->expires_in < 0)
		r->expires_in = 0;
	if (r->expires_in > OAUTH_LIFE_MAX_S)
		r->expires_in = OAUTH_LIFE_MAX_S;
	rc = 0;
out:
	explicit_bzero(buf, HTTP_REPLY_MAX);
	free(buf);
	return rc;
}

/* see oauth.h */
int
oauth_read_line(const char *key, const char *path, char *buf, size_t len,
    char *err, size_t errlen)
{
	FILE *fp;
	int ok;

	if ((fp = fopen(path, "re")) == NULL)
		return util_err(err, errlen, "[oauth] %s: %s: %s%s", key, path,
		    strerror(errno), errno == ENOENT && strcmp(key,
		    "refresh_token_file") == 0 ? " (run sendmail --oauth-login)"
		    : "");
	ok = fgets(buf, (int)len, fp) != NULL;
	fclose(fp);
	if (ok)
		buf[strcspn(buf, "\r\n")] = '\0';
	if (!ok || buf[0] == '\0' || strlen(buf) + 1 >= len) {
		explicit_bzero(buf, len);
		return util_err(err, errlen, "[oauth] %s: %s: empty or too "
		    "long", key, path);
	}
	return 0;
}

/* see oauth.h */
int
oauth_client_secret(const struct conf *c, char *buf, size_t len, char *err,
    size_t errlen)
{
	buf[0] = '\0';
	if (c->oauth_client_secret_file != NULL)
		return oauth_read_line("client_secret_file",
		    c->oauth_client_secret_file, buf, len, err, errlen);
	if (c->oauth_client_secret != NULL && util_strlcpy(buf,
	    c->oauth_client_secret, len) >= len) {
		explicit_bzero(buf, len);
		return util_err(err, errlen, "[oauth] client_secret: too long");
	}
	return 0;
}

/* see oauth.h */
int
oauth_save(const char *path, const char *token, char *err, size_t errlen)
{
	char tmp[1024], dir[1024];
	int fd, dfd, ok;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    sizeof(tmp) || util_strlcpy(dir, path, sizeof(dir)) >= sizeof(dir))
		return util_err(err, errlen, "%s: path too long", path);
	if ((fd = mkstemp(tmp)) == -1)
		return util_err(err, errlen, "%s: %s", tmp, strerror(errno));
	ok = fchmod(fd, 0600) == 0 && write(fd, token, strlen(token)) ==
	    (ssize_t)strlen(token) && write(fd, "\n", 1) == 1 &&
	    fsync(fd) == 0;
	if (close(fd) == -1 || !ok || rename(tmp, path) == -1) {
		util_err(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	/* The rename itself survives a crash once the directory is synced. */
	if ((dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) !=
	    -1) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

/* The line that ties a cached token to the settings that fetched it. */
static void
oauth_cache_id(const struct conf *c, const char *url, char *id, size_t len)
{
	snprintf(id, len, "%s %s %s %d", url, c->oauth_client_id, c->user,
	    (int)c->oauth_grant);
	oauth_printable(id);
}

static int
oauth_cache_read(struct spool *s, const char *id, char *tok, size_t toklen,
    time_t *expires)
{
	char buf[OAUTH_ACCESS_MAX + 1200], *l2, *l3;
	int r = -1;

	if (spool_private_read(s, OAUTH_CACHE_FILE, buf, sizeof(buf)) <= 0)
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
oauth_cache_write(struct spool *s, const char *id, const char *tok,
    time_t expires)
{
	char buf[OAUTH_ACCESS_MAX + 1200];
	int n;

	n = snprintf(buf, sizeof(buf), "%lld\n%s\n%s\n", (long long)expires,
	    id, tok);
	if (n > 0 && (size_t)n < sizeof(buf))
		spool_private_write(s, OAUTH_CACHE_FILE, buf, (size_t)n,
		    spool_private_mode(s));
	explicit_bzero(buf, sizeof(buf));
}

/* see oauth.h */
int
oauth_cached(const struct conf *c, struct spool *s, time_t *expires)
{
	struct oauth_ends e;
	char id[1200], tok[OAUTH_ACCESS_MAX], err[300];
	int r;

	if (oauth_endpoints(c, &e, err, sizeof(err)) == -1)
		return -1;
	oauth_cache_id(c, e.token_url, id, sizeof(id));
	r = oauth_cache_read(s, id, tok, sizeof(tok), expires);
	explicit_bzero(tok, sizeof(tok));
	return r;
}

/* see oauth.h */
void
oauth_forget(struct spool *s)
{
	if (s != NULL)
		spool_private_remove(s, OAUTH_CACHE_FILE);
}

/* The grant's form: client credentials, or the saved refresh token. */
static int
oauth_grant_form(const struct conf *c, const struct oauth_ends *e,
    char *form, size_t len, char *err, size_t errlen)
{
	char secret[1024] = "", rt[OAUTH_REFRESH_MAX];
	int cc = c->oauth_grant == CONF_GRANT_CLIENT_CREDENTIALS, r = 0;

	form[0] = '\0';
	if (oauth_client_secret(c, secret, sizeof(secret), err, errlen) == -1)
		return -1;
	if (!cc && oauth_read_line("refresh_token_file",
	    c->oauth_refresh_token_file, rt, sizeof(rt), err, errlen) == -1) {
		explicit_bzero(secret, sizeof(secret));
		return -1;
	}
	if (oauth_form_add(form, len, "grant_type", cc ? "client_credentials"
	    : "refresh_token") == -1 || (!cc && oauth_form_add(form, len,
	    "refresh_token", rt) == -1) || oauth_form_add(form, len,
	    "client_id", c->oauth_client_id) == -1 || (secret[0] != '\0' &&
	    oauth_form_add(form, len, "client_secret", secret) == -1) ||
	    (e->scope[0] != '\0' && oauth_form_add(form, len, "scope",
	    e->scope) == -1))
		r = util_err(err, errlen, "[oauth] request too long");
	explicit_bzero(secret, sizeof(secret));
	explicit_bzero(rt, sizeof(rt));
	return r;
}

/* The sentence and class for an error reply (RFC 6749 5.2). */
static int
oauth_refused(const struct conf *c, const struct oauth_reply *r,
    enum err_class *class, char *err, size_t errlen)
{
	*class = ERR_CONFIG;
	if (r->status >= 500 || strcmp(r->error,
	    "temporarily_unavailable") == 0) {
		*class = ERR_TEMP;
		return util_err(err, errlen, "[oauth] token endpoint: HTTP %d "
		    "%s", r->status, r->error);
	}
	if (strcmp(r->error, "invalid_grant") == 0 &&
	    c->oauth_grant == CONF_GRANT_REFRESH_TOKEN)
		return util_err(err, errlen, "[oauth] the refresh token was "
		    "revoked or has expired: run sendmail --oauth-login");
	if (strcmp(r->error, "invalid_client") == 0)
		return util_err(err, errlen, "[oauth] the provider refused "
		    "the client (invalid_client): check client_id and "
		    "client_secret");
	return util_err(err, errlen, "[oauth] the provider refused the "
	    "request: %s%s%s", r->error, r->desc[0] ? ": " : "", r->desc);
}

/* Asks the token endpoint; saves a rotated refresh token first. */
static int
oauth_fetch(const struct conf *c, const struct oauth_ends *e,
    struct oauth_reply *r, enum err_class *class, char *err, size_t errlen)
{
	char form[2 * OAUTH_REFRESH_MAX + 2048];
	int rc;

	*class = ERR_CONFIG;
	if (oauth_grant_form(c, e, form, sizeof(form), err, errlen) == -1)
		return -1;
	rc = oauth_post(c, e->token_url, form, r, err, errlen);
	explicit_bzero(form, sizeof(form));
	if (rc == -1) {
		*class = ERR_TEMP;
		return -1;
	}
	if (r->error[0] != '\0')
		return oauth_refused(c, r, class, err, errlen);
	/* RFC 6749 6: the old refresh token may be revoked already. */
	if (r->refresh[0] != '\0' && c->oauth_grant ==
	    CONF_GRANT_REFRESH_TOKEN && oauth_save(c->oauth_refresh_token_file,
	    r->refresh, err, errlen) == -1)
		return -1;
	return 0;
}

/* see oauth.h */
int
oauth_token(const struct conf *c, struct spool *s, int fresh, char *tok,
    size_t toklen, time_t *expires, int *cached, enum err_class *class,
    char *err, size_t errlen)
{
	struct oauth_ends e;
	struct oauth_reply *r;
	char id[1200];
	long life;
	int rc = -1;

	*class = ERR_CONFIG;
	*cached = 0;
	if (oauth_endpoints(c, &e, err, errlen) == -1)
		return -1;
	oauth_cache_id(c, e.token_url, id, sizeof(id));
	if (s != NULL && !fresh && oauth_cache_read(s, id, tok, toklen,
	    expires) == 0) {
		*cached = 1;
		return 0;
	}
	if ((r = malloc(sizeof(*r))) == NULL)
		return util_err(err, errlen, "out of memory");
	if (oauth_fetch(c, &e, r, class, err, errlen) == 0) {
		if (util_strlcpy(tok, r->access, toklen) >= toklen)
			util_err(err, errlen, "[oauth] access token too long");
		else {
			/* Renewed shortly before the provider's expiry. */
			life = r->expires_in > 2 * OAUTH_MARGIN_S ?
			    r->expires_in - OAUTH_MARGIN_S : r->expires_in / 2;
			*expires = time(NULL) + life;
			if (s != NULL)
				oauth_cache_write(s, id, tok, *expires);
			rc = 0;
		}
	}
	explicit_bzero(r, sizeof(*r));
	free(r);
	return rc;
}
