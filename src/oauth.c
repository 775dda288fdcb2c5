/* relaymail: the OAuth 2.0 token endpoint. ISC licence, see LICENSE.
 * The endpoints a provider implies, the form POST and its JSON reply
 * (every number bounded before use), the grant that gets an access token
 * and the sentence for a refusal. Where tokens are kept, and the refresh
 * token's rotation, are cred.c's. Every buffer that held a secret is
 * wiped. */
#include <stdlib.h>
#include <string.h>

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
		snprintf(e->auth_url, sizeof(e->auth_url), OAUTH_MS
		    "%s/oauth2/v2.0/authorize", t);
		snprintf(e->device_url, sizeof(e->device_url), OAUTH_MS
		    "%s/oauth2/v2.0/devicecode", t);
		snprintf(e->scope, sizeof(e->scope), "%s", cc ?
		    "https://outlook.office365.com/.default" :
		    "offline_access https://outlook.office.com/SMTP.Send");
	} else if (c->oauth_provider == CONF_OAUTH_GOOGLE) {
		/* No device endpoint: Google's device flow does not allow
		 * the Gmail scope. */
		snprintf(e->token_url, sizeof(e->token_url), OAUTH_GOOGLE
		    "token");
		snprintf(e->auth_url, sizeof(e->auth_url),
		    "https://accounts.google.com/o/oauth2/v2/auth");
		snprintf(e->scope, sizeof(e->scope), "https://mail.google.com/");
	}
	if (c->oauth_token_url != NULL && util_strlcpy(e->token_url,
	    c->oauth_token_url, sizeof(e->token_url)) >= sizeof(e->token_url))
		return util_err(err, errlen, "[oauth] token_url: too long");
	if (c->oauth_auth_url != NULL && util_strlcpy(e->auth_url,
	    c->oauth_auth_url, sizeof(e->auth_url)) >= sizeof(e->auth_url))
		return util_err(err, errlen, "[oauth] auth_url: too long");
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

/* The grant's form: client credentials, or the refresh token rt. */
static int
oauth_grant_form(const struct conf *c, const struct oauth_ends *e,
    const char *secret, const char *rt, char *form, size_t len, char *err,
    size_t errlen)
{
	int cc = c->oauth_grant == CONF_GRANT_CLIENT_CREDENTIALS;

	form[0] = '\0';
	if (oauth_form_add(form, len, "grant_type", cc ? "client_credentials"
	    : "refresh_token") == -1 || (!cc && oauth_form_add(form, len,
	    "refresh_token", rt) == -1) || oauth_form_add(form, len,
	    "client_id", c->oauth_client_id) == -1 || (secret[0] != '\0' &&
	    oauth_form_add(form, len, "client_secret", secret) == -1) ||
	    (e->scope[0] != '\0' && oauth_form_add(form, len, "scope",
	    e->scope) == -1))
		return util_err(err, errlen, "[oauth] request too long");
	return 0;
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

/* see oauth.h */
int
oauth_fetch(const struct conf *c, const struct oauth_ends *e,
    const char *secret, const char *rt, struct oauth_reply *r,
    enum err_class *class, char *err, size_t errlen)
{
	char form[2 * OAUTH_REFRESH_MAX + 2048];
	int rc;

	*class = ERR_CONFIG;
	if (oauth_grant_form(c, e, secret, rt, form, sizeof(form), err,
	    errlen) == -1)
		return -1;
	rc = oauth_post(c, e->token_url, form, r, err, errlen);
	explicit_bzero(form, sizeof(form));
	if (rc == -1) {
		*class = ERR_TEMP;
		return -1;
	}
	if (r->error[0] != '\0')
		return oauth_refused(c, r, class, err, errlen);
	if (c->oauth_grant != CONF_GRANT_REFRESH_TOKEN)
		r->refresh[0] = '\0';	/* nothing to rotate */
	return 0;
}
