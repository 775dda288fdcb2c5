/* relaymail: OAuth 2.0 for XOAUTH2 and OAUTHBEARER. ISC licence.
 * The [oauth] token endpoint (refresh_token or client_credentials grant)
 * in oauth.c; the sign-in that saves the first refresh token (a
 * browser's authorization code with PKCE, oauth_code.c, or the device
 * flow of RFC 8628) and what -bt shows, in oauth_login.c. The tokens'
 * cache and the refresh token file are cred.c's. No token is logged. */
#ifndef OAUTH_H
#define OAUTH_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "conf.h"
#include "relaymail.h"

#define OAUTH_ACCESS_MAX	2816	/* = CRED_MAX: fits smtp.c's AUTH line */
#define OAUTH_REFRESH_MAX	4096	/* Microsoft's run to about 2 KB */
#define OAUTH_MARGIN_S		60	/* renew this long before expiry */
#define OAUTH_TIMEOUT_S		30	/* one exchange with the endpoint */
#define OAUTH_LIFE_MAX_S	86400	/* expires_in is cut to 0..a day */

/* The endpoints and scope the settings imply (the provider's presets
 * unless token_url, device_url or scope are set). scope "" sends none. */
struct oauth_ends {
	char	 token_url[512];
	char	 auth_url[512];		/* authorization endpoint, or "" */
	char	 device_url[512];	/* device authorization, or "" */
	char	 scope[256];
};
int	 oauth_endpoints(const struct conf *, struct oauth_ends *, char *err,
	    size_t errlen);

/* One reply of the token endpoint, its fields capped. */
struct oauth_reply {
	int	 status;			/* HTTP */
	char	 access[OAUTH_ACCESS_MAX];
	char	 refresh[OAUTH_REFRESH_MAX];	/* "" when not rotated */
	long	 expires_in;			/* seconds, 0..OAUTH_LIFE_MAX_S;
						 * 3600 if absent or unreadable */
	char	 error[64];			/* RFC 6749 5.2 code, or "" */
	char	 desc[160];			/* error_description, printable */
};

/* POSTs form to url (verified with [oauth] ca_file) and reads the JSON
 * reply into r. 0 when the endpoint answered (r->error may be set), -1
 * when it could not be reached or the reply is not JSON (err set). The
 * caller wipes form and r. */
int	 oauth_post(const struct conf *, const char *url, const char *form,
	    struct oauth_reply *r, char *err, size_t errlen);

/* Appends "&name=value" (the first without "&"), percent-encoded, to
 * buf. 0, or -1 when it does not fit. */
int	 oauth_form_add(char *buf, size_t len, const char *name,
	    const char *value);

/* Asks the token endpoint for an access token: the client credentials
 * grant, or the refresh token grant with rt. secret is the client secret
 * ("" for none). 0 with r filled (r->refresh set only when the provider
 * rotated the refresh token: it must be saved before the old one is
 * needed again), or -1 with one sentence in err and *class: ERR_CONFIG
 * when a person must act (invalid_grant: "run sendmail --oauth-login"),
 * ERR_TEMP when the endpoint is unreachable or failing. The caller
 * wipes r. */
int	 oauth_fetch(const struct conf *, const struct oauth_ends *,
	    const char *secret, const char *rt, struct oauth_reply *r,
	    enum err_class *class, char *err, size_t errlen);

/* Which flow --oauth-login runs. */
enum oauth_flow {
	OAUTH_FLOW_AUTO,	/* code when auth_url is known, else device */
	OAUTH_FLOW_CODE,	/* authorization code with PKCE, in a browser */
	OAUTH_FLOW_DEVICE	/* device authorization grant (RFC 8628) */
};

/* sendmail --oauth-login: signs in once and saves the refresh token to
 * refresh_token_file (cred.c). The code flow prints the address to open
 * and waits for the browser (or a pasted address, on stdin); the device
 * flow prints an address and a code, and polls until the person
 * approves. Refused to a user outside the queue group: the token is
 * every sender's. 0, or -1 with err. */
int	 oauth_login(const struct conf *, enum oauth_flow, FILE *out,
	    char *err, size_t errlen);

/* The authorization code grant with PKCE and a loopback redirect
 * (oauth_code.c): prints the address to open on out, waits for the
 * browser's return to 127.0.0.1 or an address pasted on stdin, and
 * redeems the code into r (r->error empty). 0, or -1 with err. */
int	 oauth_code_login(const struct conf *, const struct oauth_ends *,
	    FILE *out, struct oauth_reply *r, char *err, size_t errlen);

/* n bytes as base64url without padding (RFC 4648 5), into out. */
void	 oauth_b64url(const unsigned char *in, size_t n, char *out,
	    size_t len);

/* For -bt: the endpoint, the cached token's remaining life, the refresh
 * token's age, and a test refresh, on out. 0, or -1 when it failed. */
int	 oauth_probe(const struct conf *, FILE *out);

#endif
