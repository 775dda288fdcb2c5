/* relaymail: the one-time OAuth login and the token state for -bt.
 * ISC licence, see LICENSE. Picks the flow (a browser's authorization
 * code, oauth_code.c; or the device authorization grant, RFC 8628: ask
 * the device endpoint for a code, show it, poll the token endpoint at
 * the interval the provider sets, slower on slow_down, until the person
 * approves) and saves the refresh token (cred.c: atomic, shared with the
 * group). Nothing secret is printed: only the addresses and the user
 * code. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cred.h"
#include "http.h"
#include "json.h"
#include "oauth.h"
#include "priv.h"
#include "util.h"

#define OAUTH_DEVICE_GRANT	"urn:ietf:params:oauth:grant-type:device_code"

struct oauth_device {
	char	 code[1024];		/* device_code: secret, wiped */
	char	 user_code[64];
	char	 uri[512];
	char	 uri_complete[768];
	long	 expires_in, interval;
};

/* Printable ASCII only: the provider's words reach a terminal. */
static int
oauth_login_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s <= ' ' || *s > '~')
			return 0;
	return 1;
}

/* The device authorization reply (RFC 8628 3.2) in buf[0..len). */
static int
oauth_device_parse(const char *buf, size_t len, struct oauth_device *d,
    char *err, size_t errlen)
{
	char error[64];

	if (json_string(buf, len, "error", error, sizeof(error)) == 0)
		return util_err(err, errlen, "[oauth] device_url: the provider "
		    "refused the request: %s", oauth_login_printable(error) ?
		    error : "(unprintable)");
	if (json_string(buf, len, "device_code", d->code, sizeof(d->code)) ==
	    -1 || json_string(buf, len, "user_code", d->user_code,
	    sizeof(d->user_code)) == -1 || (json_string(buf, len,
	    "verification_uri", d->uri, sizeof(d->uri)) == -1 &&
	    json_string(buf, len, "verification_url", d->uri,
	    sizeof(d->uri)) == -1))
		return util_err(err, errlen, "[oauth] device_url: no "
		    "device_code, user_code or verification_uri in the reply");
	if (json_string(buf, len, "verification_uri_complete",
	    d->uri_complete, sizeof(d->uri_complete)) == -1 ||
	    !oauth_login_printable(d->uri_complete))
		d->uri_complete[0] = '\0';
	if (!oauth_login_printable(d->user_code) ||
	    !oauth_login_printable(d->uri))
		return util_err(err, errlen, "[oauth] device_url: unprintable "
		    "user_code or verification_uri");
	if (json_number(buf, len, "expires_in", &d->expires_in) == -1 ||
	    d->expires_in < 1 || d->expires_in > 3600)
		d->expires_in = 900;	/* bounded: it is added to the time */
	if (json_number(buf, len, "interval", &d->interval) == -1 ||
	    d->interval < 1 || d->interval > 60)
		d->interval = 5;	/* RFC 8628 3.2 */
	return 0;
}

static int
oauth_device_start(const struct conf *c, const struct oauth_ends *e,
    struct oauth_device *d, char *err, size_t errlen)
{
	char form[1024] = "", *buf;
	size_t len;
	int status, r = -1;

	if (oauth_form_add(form, sizeof(form), "client_id",
	    c->oauth_client_id) == -1 || (e->scope[0] != '\0' &&
	    oauth_form_add(form, sizeof(form), "scope", e->scope) == -1))
		return util_err(err, errlen, "[oauth] request too long");
	if ((buf = malloc(HTTP_REPLY_MAX)) == NULL)
		return util_err(err, errlen, "out of memory");
	if (http_post_form(e->device_url, c->oauth_ca_file, form,
	    OAUTH_TIMEOUT_S, buf, HTTP_REPLY_MAX, &status, &len, err,
	    errlen) == 0)
		r = oauth_device_parse(buf, len, d, err, errlen);
	explicit_bzero(buf, HTTP_REPLY_MAX);
	free(buf);
	return r;
}

/* Polls the token endpoint until the person approves (0, r filled), or
 * declines, or the code expires (-1). */
static int
oauth_device_poll(const struct conf *c, const struct oauth_ends *e,
    struct oauth_device *d, struct oauth_reply *r, char *err, size_t errlen)
{
	char form[2048] = "", secret[1024] = "";
	time_t until = time(NULL) + d->expires_in;
	int rc = -1;

	if (cred_client_secret(c, secret, sizeof(secret), err, errlen) == -1)
		return -1;
	if (oauth_form_add(form, sizeof(form), "grant_type",
	    OAUTH_DEVICE_GRANT) == -1 || oauth_form_add(form, sizeof(form),
	    "device_code", d->code) == -1 || oauth_form_add(form,
	    sizeof(form), "client_id", c->oauth_client_id) == -1 ||
	    (secret[0] != '\0' && oauth_form_add(form, sizeof(form),
	    "client_secret", secret) == -1)) {
		util_err(err, errlen, "[oauth] request too long");
		goto out;
	}
	while (time(NULL) < until) {
		sleep((unsigned)d->interval);
		if (oauth_post(c, e->token_url, form, r, err, errlen) == -1)
			goto out;
		if (r->error[0] == '\0') {
			rc = 0;
			goto out;
		}
		if (strcmp(r->error, "slow_down") == 0)
			d->interval += 5;	/* RFC 8628 3.5 */
		else if (strcmp(r->error, "authorization_pending") != 0) {
			util_err(err, errlen, "[oauth] sign-in failed: %s%s%s",
			    r->error, r->desc[0] ? ": " : "", r->desc);
			goto out;
		}
	}
	util_err(err, errlen, "[oauth] the code expired before the sign-in; "
	    "run sendmail --oauth-login again");
out:
	explicit_bzero(form, sizeof(form));
	explicit_bzero(secret, sizeof(secret));
	return rc;
}

/* The device flow: the address and the code to enter there, then the
 * polls until the person approves; the tokens into r. */
static int
oauth_device_login(const struct conf *c, const struct oauth_ends *e,
    FILE *out, struct oauth_reply *r, char *err, size_t errlen)
{
	struct oauth_device d;
	int rc = -1;

	memset(&d, 0, sizeof(d));
	if (oauth_device_start(c, e, &d, err, errlen) == -1)
		goto out;
	fprintf(out, "To sign in, open %s and enter the code %s\n", d.uri,
	    d.user_code);
	if (d.uri_complete[0] != '\0')
		fprintf(out, "(or open %s)\n", d.uri_complete);
	fprintf(out, "Waiting for the sign-in...\n");
	fflush(out);
	rc = oauth_device_poll(c, e, &d, r, err, errlen);
out:
	explicit_bzero(&d, sizeof(d));
	return rc;
}

/* The flow to run: the one asked for, if the endpoints allow it. */
static int
oauth_login_flow(const struct conf *c, const struct oauth_ends *e,
    enum oauth_flow *flow, char *err, size_t errlen)
{
	if (*flow == OAUTH_FLOW_AUTO)
		*flow = e->auth_url[0] != '\0' || e->device_url[0] == '\0' ?
		    OAUTH_FLOW_CODE : OAUTH_FLOW_DEVICE;
	if (*flow == OAUTH_FLOW_CODE && e->auth_url[0] == '\0')
		return util_err(err, errlen, "[oauth] auth_url: required for "
		    "the browser sign-in without a provider");
	if (*flow == OAUTH_FLOW_DEVICE && e->device_url[0] == '\0')
		return util_err(err, errlen, c->oauth_provider ==
		    CONF_OAUTH_GOOGLE ? "[oauth] Google's device flow does not "
		    "allow the Gmail scope (https://mail.google.com/): run "
		    "sendmail --oauth-login, which signs in in a browser" :
		    "[oauth] device_url: required for --oauth-login=device "
		    "without a provider");
	return 0;
}

/* see oauth.h */
int
oauth_login(const struct conf *c, enum oauth_flow flow, FILE *out,
    char *err, size_t errlen)
{
	struct oauth_ends e;
	struct oauth_reply *r;
	int rc = -1;

	if (priv_outsider())	/* the token every sender uses */
		return util_err(err, errlen, "--oauth-login: only root or a "
		    "member of group %s may sign in: the refresh token it "
		    "saves is every sender's", priv_group_name());
	if (!conf_oauth_on(c) || c->oauth_grant != CONF_GRANT_REFRESH_TOKEN)
		return util_err(err, errlen, "--oauth-login needs an [oauth] "
		    "section with grant = refresh_token");
	if (oauth_endpoints(c, &e, err, errlen) == -1 ||
	    oauth_login_flow(c, &e, &flow, err, errlen) == -1)
		return -1;
	if ((r = malloc(sizeof(*r))) == NULL)
		return util_err(err, errlen, "out of memory");
	memset(r, 0, sizeof(*r));
	if ((flow == OAUTH_FLOW_CODE ? oauth_code_login(c, &e, out, r, err,
	    errlen) : oauth_device_login(c, &e, out, r, err, errlen)) == -1)
		goto out;
	if (r->refresh[0] == '\0') {
		util_err(err, errlen, "[oauth] the provider sent no refresh "
		    "token (is offline_access in scope?)");
		goto out;
	}
	if (cred_refresh_save(c, r->refresh, err, errlen) == 0) {
		fprintf(out, "Signed in; refresh token saved to %s\n",
		    c->oauth_refresh_token_file);
		rc = 0;
	}
out:
	explicit_bzero(r, sizeof(*r));
	free(r);
	return rc;
}

/* Google issues a "Testing" app's refresh tokens for 7 days: a token
 * saved 5 to 7 days ago may be one (past 7 days, it worked, so it is
 * not). The warning says when it would stop. */
#define OAUTH_TESTING_S		(7L * 86400)
#define OAUTH_TESTING_WARN_S	(2L * 86400)

static void
oauth_probe_expiry(const struct conf *c, time_t saved, FILE *out)
{
	long age = (long)(time(NULL) - saved);
	time_t end = saved + OAUTH_TESTING_S;
	char when[64], span[32];
	struct tm tm;

	if (c->oauth_provider != CONF_OAUTH_GOOGLE || age < OAUTH_TESTING_S -
	    OAUTH_TESTING_WARN_S || age >= OAUTH_TESTING_S)
		return;
	localtime_r(&end, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	util_span(span, sizeof(span), OAUTH_TESTING_S - age);
	fprintf(out, "oauth: warning: if the Google app's publishing status "
	    "is Testing, this refresh token expires on %s (in %s): publish "
	    "the app (In production), or run sendmail --oauth-login again "
	    "before then\n", when, span);
}

/* The cached token and the refresh token file, as they are. */
static void
oauth_probe_state(const struct conf *c, struct spool *s, FILE *out)
{
	struct stat st;
	time_t expires;
	char span[32];

	if (s != NULL && cred_oauth_cached(c, s, &expires) == 0) {
		util_span(span, sizeof(span), (long)(expires - time(NULL)));
		fprintf(out, "oauth: cached access token: renewed in %s\n",
		    span);
	} else
		fprintf(out, "oauth: cached access token: none\n");
	if (c->oauth_grant != CONF_GRANT_REFRESH_TOKEN)
		return;
	if (stat(c->oauth_refresh_token_file, &st) == -1) {
		fprintf(out, "oauth: refresh token: %s missing (run sendmail "
		    "--oauth-login)\n", c->oauth_refresh_token_file);
		return;
	}
	util_span(span, sizeof(span), (long)(time(NULL) - st.st_mtime));
	fprintf(out, "oauth: refresh token: %s, saved %s ago\n",
	    c->oauth_refresh_token_file, span);
	oauth_probe_expiry(c, st.st_mtime, out);
}

/* see oauth.h */
int
oauth_probe(const struct conf *c, FILE *out)
{
	struct oauth_ends e;
	struct spool s, *sp = NULL;
	enum err_class class;
	char tok[OAUTH_ACCESS_MAX], err[600], span[32];
	time_t expires;
	int cached, r;

	if (!conf_oauth_on(c))
		return 0;
	if (oauth_endpoints(c, &e, err, sizeof(err)) == -1) {
		fprintf(out, "oauth: %s\n", err);
		return -1;
	}
	fprintf(out, "oauth: %s grant at %s\n", c->oauth_grant ==
	    CONF_GRANT_REFRESH_TOKEN ? "refresh_token" : "client_credentials",
	    e.token_url);
	if (spool_open(&s, c->queue_dir, 0, err, sizeof(err)) == 0)
		sp = &s;
	oauth_probe_state(c, sp, out);
	r = cred_oauth_token(c, sp, 1, tok, sizeof(tok), &expires, &cached,
	    &class, err, sizeof(err));
	explicit_bzero(tok, sizeof(tok));
	if (r == 0) {
		util_span(span, sizeof(span), (long)(expires - time(NULL)));
		fprintf(out, "oauth: token refresh: ok, renewed in %s\n", span);
	} else
		fprintf(out, "oauth: token refresh: failed: %s\n", err);
	if (sp != NULL)
		spool_close(sp);
	return r;
}
