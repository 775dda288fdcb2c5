/* relaymail: the OAuth sign-in in a browser. ISC licence, see LICENSE.
 * The authorization code grant for a native application (RFC 8252) with
 * PKCE (RFC 7636, S256): the address to open is printed; the provider
 * sends the browser back to http://127.0.0.1:PORT/ (or localhost, for
 * Microsoft), where we listen for that one request; on a machine without
 * a browser, the address the browser ends on is pasted instead. The
 * state must come back unchanged; the code and the verifier then get the
 * refresh token. Every buffer that held a secret is wiped. */
#include <bearssl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cred.h"
#include "oauth.h"
#include "util.h"

#define CODE_WAIT_S	600	/* the person signs in within this */
#define CODE_REQ_MAX	8192	/* one request from the browser */
#define CODE_REQ_S	5	/* to send it, once connected */

/* One sign-in: the listener, the PKCE pair, the state, the answer. */
struct oauth_code {
	int	 lfd;
	char	 redirect[64];		/* http://127.0.0.1:PORT/ */
	char	 verifier[64];		/* secret: 43 characters */
	char	 challenge[64];
	char	 state[32];
	char	 code[1024];		/* secret, once answered */
	char	 error[256];		/* or the provider's refusal */
};

/* n random bytes as base64url without padding (RFC 7636 4.1). */
static int
oauth_code_random(char *out, size_t len, size_t n)
{
	unsigned char b[32];

	if (n > sizeof(b) || getentropy(b, n) == -1)
		return -1;
	oauth_b64url(b, n, out, len);
	explicit_bzero(b, sizeof(b));
	return 0;
}

/* see oauth.h */
void
oauth_b64url(const unsigned char *in, size_t n, char *out, size_t len)
{
	char *p;

	if (util_b64_encode(in, n, out, len) == -1) {
		out[0] = '\0';
		return;
	}
	for (p = out; *p != '\0'; p++)
		*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	out[strcspn(out, "=")] = '\0';
}

/* The verifier, its S256 challenge, the state, and the listener on
 * 127.0.0.1 (a port the system picks). */
static int
oauth_code_start(struct oauth_code *c, const char *host, char *err,
    size_t errlen)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	br_sha256_context h;
	unsigned char sum[32];

	if (oauth_code_random(c->verifier, sizeof(c->verifier), 32) == -1 ||
	    oauth_code_random(c->state, sizeof(c->state), 16) == -1)
		return util_err(err, errlen, "no randomness: %s",
		    strerror(errno));
	br_sha256_init(&h);
	br_sha256_update(&h, c->verifier, strlen(c->verifier));
	br_sha256_out(&h, sum);
	oauth_b64url(sum, sizeof(sum), c->challenge, sizeof(c->challenge));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((c->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(c->lfd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(c->lfd, 4) == -1 ||
	    getsockname(c->lfd, (struct sockaddr *)&sa, &sl) == -1)
		return util_err(err, errlen, "127.0.0.1: cannot listen for "
		    "the browser: %s", strerror(errno));
	snprintf(c->redirect, sizeof(c->redirect), "http://%s:%u/", host,
	    (unsigned)ntohs(sa.sin_port));
	return 0;
}

/* The authorization request's address (RFC 6749 4.1.1, RFC 7636 4.3). */
static int
oauth_code_url(const struct conf *conf, const struct oauth_ends *e,
    const struct oauth_code *c, char *url, size_t len)
{
	char q[2048] = "";
	int google = conf->oauth_provider == CONF_OAUTH_GOOGLE;

	if (oauth_form_add(q, sizeof(q), "response_type", "code") == -1 ||
	    oauth_form_add(q, sizeof(q), "client_id", conf->oauth_client_id)
	    == -1 || oauth_form_add(q, sizeof(q), "redirect_uri",
	    c->redirect) == -1 || (e->scope[0] != '\0' && oauth_form_add(q,
	    sizeof(q), "scope", e->scope) == -1) || oauth_form_add(q,
	    sizeof(q), "state", c->state) == -1 || oauth_form_add(q,
	    sizeof(q), "code_challenge", c->challenge) == -1 ||
	    oauth_form_add(q, sizeof(q), "code_challenge_method", "S256") ==
	    -1 || (conf->user != NULL && oauth_form_add(q, sizeof(q),
	    "login_hint", conf->user) == -1) ||
	    /* Google gives a refresh token only for offline access, and
	     * again only when asked to show the consent again. */
	    (google && (oauth_form_add(q, sizeof(q), "access_type", "offline")
	    == -1 || oauth_form_add(q, sizeof(q), "prompt", "consent") == -1)))
		return -1;
	return (size_t)snprintf(url, len, "%s%c%s", e->auth_url,
	    strchr(e->auth_url, '?') ? '&' : '?', q) < len ? 0 : -1;
}

/* Percent-decoding of v[0..n) into out; '+' is a space. */
static void
oauth_code_unescape(const char *v, size_t n, char *out, size_t len)
{
	size_t i, o = 0;
	unsigned x;

	for (i = 0; i < n && o + 1 < len; i++) {
		if (v[i] == '%' && i + 2 < n && sscanf(v + i + 1, "%2x", &x) ==
		    1 && x != 0) {
			out[o++] = (char)x;
			i += 2;
		} else
			out[o++] = v[i] == '+' ? ' ' : v[i];
	}
	out[o] = '\0';
}

/* The value of name in the query of s (an address or "/?a=b&c=d"), or
 * "" (its end is a blank, '#' or the end of s). */
static void
oauth_code_param(const char *s, const char *name, char *out, size_t len)
{
	const char *p = strchr(s, '?'), *end;
	size_t n = strlen(name), k;

	out[0] = '\0';
	if (p == NULL)
		return;
	end = p + strcspn(p, " \t\r\n#");
	for (p++; p < end; p += k + (p + k < end)) {
		k = strcspn(p, "&");
		if (p + k > end)
			k = (size_t)(end - p);
		if (k > n && strncmp(p, name, n) == 0 && p[n] == '=') {
			oauth_code_unescape(p + n + 1, k - n - 1, out, len);
			return;
		}
	}
}

/* The answer in s: 1 when it holds a code or an error for this state, 0
 * when it is no answer at all (a browser asking for /favicon.ico), -1
 * when it answers another sign-in. */
static int
oauth_code_answer(struct oauth_code *c, const char *s)
{
	char state[64], desc[160];

	oauth_code_param(s, "code", c->code, sizeof(c->code));
	oauth_code_param(s, "error", c->error, sizeof(c->error));
	if (c->code[0] == '\0' && c->error[0] == '\0')
		return 0;
	oauth_code_param(s, "state", state, sizeof(state));
	if (strcmp(state, c->state) != 0) {
		explicit_bzero(c->code, sizeof(c->code));
		c->error[0] = '\0';
		return -1;
	}
	oauth_code_param(s, "error_description", desc, sizeof(desc));
	if (c->error[0] != '\0' && desc[0] != '\0')
		snprintf(c->error + strlen(c->error), sizeof(c->error) -
		    strlen(c->error), ": %s", desc);
	return 1;
}

/* One request from the browser, answered with a page that says what
 * happened. 1, 0 or -1 as oauth_code_answer. */
static int
oauth_code_request(struct oauth_code *c, int fd)
{
	static const char *const pages[] = { "404 Not Found", "relaymail: "
	    "nothing here.", "200 OK", "relaymail: signed in. You can close "
	    "this window.", "400 Bad Request", "relaymail: the sign-in was "
	    "refused or does not match; see the terminal." };
	char req[CODE_REQ_MAX], head[256];
	struct pollfd pfd = { fd, POLLIN, 0 };
	time_t until = time(NULL) + CODE_REQ_S;
	size_t n = 0;
	ssize_t r;
	int rc = 0, page, left;

	/* The request line is all we need; a slow client gets what it sent
	 * within a few seconds. */
	while (n < sizeof(req) - 1 && memchr(req, '\n', n) == NULL) {
		left = (int)(until - time(NULL));
		if (left <= 0 || poll(&pfd, 1, left * 1000) <= 0)
			break;
		if ((r = read(fd, req + n, sizeof(req) - 1 - n)) <= 0)
			break;
		n += (size_t)r;
	}
	req[n] = '\0';
	req[strcspn(req, "\r\n")] = '\0';
	if (strncmp(req, "GET ", 4) == 0)
		rc = oauth_code_answer(c, req + 4);
	page = rc == 0 ? 0 : rc == 1 && c->error[0] == '\0' ? 2 : 4;
	snprintf(head, sizeof(head), "HTTP/1.1 %s\r\nContent-Type: text/plain;"
	    " charset=utf-8\r\nConnection: close\r\nContent-Length: %zu\r\n"
	    "\r\n", pages[page], strlen(pages[page + 1]));
	(void)!write(fd, head, strlen(head));
	(void)!write(fd, pages[page + 1], strlen(pages[page + 1]));
	explicit_bzero(req, sizeof(req));
	return rc;
}

/* Waits for the browser's request or a pasted address. 0 with c->code
 * or c->error set, or -1 with err. */
static int
oauth_code_wait(struct oauth_code *c, char *err, size_t errlen)
{
	struct pollfd pfd[2] = { { c->lfd, POLLIN, 0 }, { 0, POLLIN, 0 } };
	char line[CODE_REQ_MAX];
	time_t until = time(NULL) + CODE_WAIT_S;
	int stdin_open = 1, r, fd, blank;
	ssize_t n;

	while (time(NULL) < until) {
		if (poll(pfd, stdin_open ? 2 : 1, 1000) <= 0)
			continue;
		if (pfd[0].revents & POLLIN) {
			if ((fd = accept(c->lfd, NULL, NULL)) == -1)
				continue;
			r = oauth_code_request(c, fd);
			close(fd);
			if (r == 1)
				return 0;
			if (r == -1)
				return util_err(err, errlen, "[oauth] the browser "
				    "came back from another sign-in (the state "
				    "differs): run sendmail --oauth-login again");
		}
		if (stdin_open && (pfd[1].revents & (POLLIN | POLLHUP))) {
			n = read(0, line, sizeof(line) - 1);
			if (n <= 0) {
				stdin_open = 0;	/* no one to paste */
				continue;
			}
			line[n] = '\0';
			blank = line[strspn(line, " \t\r\n")] == '\0';
			r = oauth_code_answer(c, line);
			explicit_bzero(line, sizeof(line));
			if (r == 1)
				return 0;
			if (r == -1)
				return util_err(err, errlen, "[oauth] that "
				    "address answers another sign-in (the "
				    "state differs)");
			if (!blank)
				return util_err(err, errlen, "[oauth] the "
				    "pasted text holds no code: paste the whole "
				    "address the browser ended on");
		}
	}
	return util_err(err, errlen, "[oauth] no answer from the browser "
	    "within %d minutes: run sendmail --oauth-login again",
	    CODE_WAIT_S / 60);
}

/* The code and the verifier for the tokens (RFC 6749 4.1.3). */
static int
oauth_code_redeem(const struct conf *conf, const struct oauth_ends *e,
    const struct oauth_code *c, struct oauth_reply *r, char *err,
    size_t errlen)
{
	char form[4096] = "", secret[1024] = "";
	int rc = -1;

	if (cred_client_secret(conf, secret, sizeof(secret), err, errlen) ==
	    -1)
		return -1;
	if (oauth_form_add(form, sizeof(form), "grant_type",
	    "authorization_code") == -1 || oauth_form_add(form, sizeof(form),
	    "code", c->code) == -1 || oauth_form_add(form, sizeof(form),
	    "redirect_uri", c->redirect) == -1 || oauth_form_add(form,
	    sizeof(form), "client_id", conf->oauth_client_id) == -1 ||
	    oauth_form_add(form, sizeof(form), "code_verifier", c->verifier)
	    == -1 || (secret[0] != '\0' && oauth_form_add(form, sizeof(form),
	    "client_secret", secret) == -1))
		util_err(err, errlen, "[oauth] request too long");
	else if (oauth_post(conf, e->token_url, form, r, err, errlen) == 0) {
		if (r->error[0] == '\0')
			rc = 0;
		else
			util_err(err, errlen, "[oauth] the provider refused "
			    "the code: %s%s%s", r->error, r->desc[0] ? ": " :
			    "", r->desc);
	}
	explicit_bzero(form, sizeof(form));
	explicit_bzero(secret, sizeof(secret));
	return rc;
}

/* see oauth.h */
int
oauth_code_login(const struct conf *conf, const struct oauth_ends *e,
    FILE *out, struct oauth_reply *r, char *err, size_t errlen)
{
	struct oauth_code c;
	char url[4096];
	int rc = -1;

	memset(&c, 0, sizeof(c));
	c.lfd = -1;
	if (oauth_code_start(&c, conf->oauth_provider == CONF_OAUTH_MICROSOFT ?
	    "localhost" : "127.0.0.1", err, errlen) == -1)
		goto out;
	if (oauth_code_url(conf, e, &c, url, sizeof(url)) == -1) {
		util_err(err, errlen, "[oauth] auth_url: address too long");
		goto out;
	}
	fprintf(out, "To sign in, open this address in a browser:\n\n%s\n\n"
	    "Waiting for the browser to come back to %s ...\nIf the browser "
	    "runs on another machine, it ends on an address that starts with "
	    "%s\nthat it cannot open: copy that whole address and paste it "
	    "here.\n", url, c.redirect, c.redirect);
	fflush(out);
	if (oauth_code_wait(&c, err, errlen) == -1)
		goto out;
	if (c.error[0] != '\0') {
		util_err(err, errlen, "[oauth] sign-in refused: %s", c.error);
		goto out;
	}
	rc = oauth_code_redeem(conf, e, &c, r, err, errlen);
out:
	if (c.lfd != -1)
		close(c.lfd);
	explicit_bzero(&c, sizeof(c));
	return rc;
}
