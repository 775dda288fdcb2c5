/* relaymail test identity provider (smarthost -m idp). ISC licence.
 * An OAuth 2.0 token endpoint (POST /token: refresh_token,
 * client_credentials, device_code and authorization_code grants), a
 * device authorization endpoint (POST /device) and an authorization
 * endpoint (GET /authorize, PKCE S256 required; it signs in at once and
 * redirects the browser to redirect_uri) over implicit TLS, for
 * tests/integration/t_oauth.sh. Its state is files in DIR, which the
 * test reads and steers:
 *   requests	one line per request: PATH BODY (appended)
 *   tokens	access tokens issued, one a line (smarthost -T reads it)
 *   refresh	the one refresh token it accepts now
 *   rotate	if present, every refresh issues a new refresh token
 *   expires_in	seconds for each access token (default 3600)
 *   invalid_grant	if present, refresh_token grants get invalid_grant
 *   approve_after	device polls answered authorization_pending first
 *   authz	per code issued: "CODE CHALLENGE REDIRECT_URI" (appended)
 *   deny	if present, /authorize redirects with error=access_denied
 *   tamper	if present, the challenge recorded is not the one sent, so
 *		that the verifier cannot match it
 * The client must be client_id "relaymail-test"; client_credentials also
 * needs client_secret "s3cret". */
#include <bearssl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "smarthost.h"

static const char *idp_dir;

static void
idp_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", idp_dir, name);
}

/* The first line of DIR/name into buf, or def. */
static void
idp_get(const char *name, char *buf, size_t len, const char *def)
{
	char p[700];
	FILE *fp;

	idp_path(p, sizeof(p), name);
	snprintf(buf, len, "%s", def);
	if ((fp = fopen(p, "r")) != NULL) {
		if (fgets(buf, (int)len, fp) == NULL)
			snprintf(buf, len, "%s", def);
		fclose(fp);
	}
	buf[strcspn(buf, "\r\n")] = '\0';
}

static void
idp_put(const char *name, const char *mode, const char *fmt, ...)
{
	char p[700];
	va_list ap;
	FILE *fp;

	idp_path(p, sizeof(p), name);
	if ((fp = fopen(p, mode)) == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	fclose(fp);
}

static int
idp_exists(const char *name)
{
	char p[700];

	idp_path(p, sizeof(p), name);
	return access(p, F_OK) == 0;
}

/* The next number of counter name. */
static int
idp_count(const char *name)
{
	char buf[32];
	int n;

	idp_get(name, buf, sizeof(buf), "0");
	n = atoi(buf) + 1;
	idp_put(name, "w", "%d\n", n);
	return n;
}

/* Field name of the form body, percent-decoded, into out ("" if none). */
static void
idp_field(const char *body, const char *name, char *out, size_t len)
{
	size_t n = strlen(name), k = 0;
	const char *p = body;

	out[0] = '\0';
	while (p != NULL && *p != '\0') {
		if (strncmp(p, name, n) == 0 && p[n] == '=') {
			for (p += n + 1; *p != '\0' && *p != '&' && k + 1 < len;
			    p++) {
				unsigned v;
				if (*p == '%' && sscanf(p + 1, "%2x", &v) == 1) {
					out[k++] = (char)v;
					p += 2;
				} else
					out[k++] = *p == '+' ? ' ' : *p;
			}
			out[k] = '\0';
			return;
		}
		if ((p = strchr(p, '&')) != NULL)
			p++;
	}
}

static void
idp_reply(int status, const char *json, int chunked)
{
	char head[256];
	int n;

	n = snprintf(head, sizeof(head), "HTTP/1.1 %d %s\r\nContent-Type: "
	    "application/json\r\nCache-Control: no-store\r\n", status,
	    status == 200 ? "OK" : "Bad Request");
	if (chunked) {
		size_t half = strlen(json) / 2;
		char c1[32], c2[32];
		n += snprintf(head + n, sizeof(head) - (size_t)n,
		    "Transfer-Encoding: chunked\r\n\r\n");
		out_raw(head, (size_t)n);
		snprintf(c1, sizeof(c1), "%zx\r\n", half);
		snprintf(c2, sizeof(c2), "\r\n%zx;x=1\r\n", strlen(json) - half);
		out_raw(c1, strlen(c1));
		out_raw(json, half);
		out_raw(c2, strlen(c2));
		out_raw(json + half, strlen(json) - half);
		out_raw("\r\n0\r\n\r\n", 7);
		return;
	}
	n += snprintf(head + n, sizeof(head) - (size_t)n, "Content-Length: "
	    "%zu\r\nConnection: close\r\n\r\n", strlen(json));
	out_raw(head, (size_t)n);
	out_raw(json, strlen(json));
}

static void
idp_error(const char *error)
{
	char json[256];

	snprintf(json, sizeof(json), "{\"error\":\"%s\",\"error_description\":"
	    "\"test identity provider: %s\"}", error, error);
	idp_reply(400, json, 0);
}

/* An access token (and a refresh token when rt is set). */
static void
idp_issue(const char *rt)
{
	char json[1024], tok[64], exp[32];

	snprintf(tok, sizeof(tok), "at-%d-%ld", idp_count("count"),
	    (long)getpid());
	idp_put("tokens", "a", "%s\n", tok);
	idp_get("expires_in", exp, sizeof(exp), "3600");
	snprintf(json, sizeof(json), "{\"token_type\":\"Bearer\",\"scope\":"
	    "\"x\",\"expires_in\":%s,\"ext_expires_in\":%s,"
	    "\"access_token\":\"%s\"%s%s%s}", exp, exp, tok,
	    rt ? ",\"refresh_token\":\"" : "", rt ? rt : "", rt ? "\"" : "");
	idp_reply(200, json, 0);
}

static void
idp_refresh(const char *body)
{
	char rt[256], want[256], next[64];

	idp_field(body, "refresh_token", rt, sizeof(rt));
	idp_get("refresh", want, sizeof(want), "");
	if (idp_exists("invalid_grant") || want[0] == '\0' ||
	    strcmp(rt, want) != 0) {
		idp_error("invalid_grant");
		return;
	}
	if (!idp_exists("rotate")) {
		idp_issue(NULL);
		return;
	}
	snprintf(next, sizeof(next), "rt-rotated-%d", idp_count("rotations"));
	idp_put("refresh", "w", "%s\n", next);
	idp_issue(next);
}

static void
idp_device_poll(const char *body)
{
	char dc[64], after[16];

	idp_field(body, "device_code", dc, sizeof(dc));
	if (strcmp(dc, "dc-test") != 0) {
		idp_error("invalid_grant");
		return;
	}
	idp_get("approve_after", after, sizeof(after), "2");
	if (idp_count("polls") <= atoi(after)) {
		idp_error("authorization_pending");
		return;
	}
	idp_put("refresh", "w", "rt-login\n");
	idp_issue("rt-login");
}

/* base64url of sha256(v), without padding (RFC 7636 4.2). */
static void
idp_s256(const char *v, char *out, size_t len)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789-_";
	br_sha256_context h;
	unsigned char d[33] = { 0 };
	size_t i, o = 0;

	br_sha256_init(&h);
	br_sha256_update(&h, v, strlen(v));
	br_sha256_out(&h, d);
	for (i = 0; i < 32 && o + 5 < len; i += 3) {
		unsigned x = (unsigned)d[i] << 16 | (unsigned)d[i + 1] << 8 |
		    d[i + 2];
		out[o++] = abc[x >> 18 & 63];
		out[o++] = abc[x >> 12 & 63];
		out[o++] = abc[x >> 6 & 63];
		if (i + 2 < 32)
			out[o++] = abc[x & 63];
	}
	out[o] = '\0';
}

/* GET /authorize?...: checks the request, records the code's PKCE
 * challenge and redirect_uri, and sends the browser back with the code
 * and the state (or error=access_denied with DIR/deny). */
static void
idp_authorize(const char *query)
{
	char id[128], type[32], redirect[512], state[128], chal[128],
	    method[32], head[1400], code[32];
	int n;

	idp_field(query, "client_id", id, sizeof(id));
	idp_field(query, "response_type", type, sizeof(type));
	idp_field(query, "redirect_uri", redirect, sizeof(redirect));
	idp_field(query, "state", state, sizeof(state));
	idp_field(query, "code_challenge", chal, sizeof(chal));
	idp_field(query, "code_challenge_method", method, sizeof(method));
	if (strcmp(id, "relaymail-test") != 0 || strcmp(type, "code") != 0 ||
	    strncmp(redirect, "http://127.0.0.1:", 17) != 0 ||
	    strcmp(method, "S256") != 0 || strlen(chal) != 43 ||
	    state[0] == '\0') {
		idp_error("invalid_request");
		return;
	}
	snprintf(code, sizeof(code), "ac-%d", idp_count("codes"));
	idp_put("authz", "a", "%s %s%s %s\n", code, chal,
	    idp_exists("tamper") ? "x" : "", redirect);
	if (idp_exists("deny"))
		n = snprintf(head, sizeof(head), "HTTP/1.1 302 Found\r\n"
		    "Location: %s?error=access_denied&error_description="
		    "the+user+said+no&state=%s\r\nContent-Length: 0\r\n"
		    "Connection: close\r\n\r\n", redirect, state);
	else
		n = snprintf(head, sizeof(head), "HTTP/1.1 302 Found\r\n"
		    "Location: %s?code=%s&state=%s&scope=x\r\nContent-Length: "
		    "0\r\nConnection: close\r\n\r\n", redirect, code, state);
	out_raw(head, (size_t)n);
}

/* grant_type=authorization_code: the code issued, the same
 * redirect_uri, and a verifier whose S256 is the recorded challenge. */
static void
idp_code(const char *body)
{
	char code[64], redirect[512], verifier[256], want[64], line[800],
	    c[64], chal[128], red[512], p[700];
	FILE *fp;
	int found = 0;

	idp_field(body, "code", code, sizeof(code));
	idp_field(body, "redirect_uri", redirect, sizeof(redirect));
	idp_field(body, "code_verifier", verifier, sizeof(verifier));
	idp_path(p, sizeof(p), "authz");
	if ((fp = fopen(p, "r")) != NULL) {
		while (!found && fgets(line, sizeof(line), fp) != NULL)
			found = sscanf(line, "%63s %127s %511s", c, chal,
			    red) == 3 && strcmp(c, code) == 0;
		fclose(fp);
	}
	idp_s256(verifier, want, sizeof(want));
	if (!found || strcmp(red, redirect) != 0) {
		idp_error("invalid_grant");
		return;
	}
	if (strcmp(want, chal) != 0) {
		idp_put("pkce", "a", "mismatch\n");
		idp_error("invalid_grant");
		return;
	}
	idp_put("pkce", "a", "ok\n");
	idp_put("refresh", "w", "rt-code\n");
	idp_issue("rt-code");
}

static void
idp_token(const char *body)
{
	char grant[128], id[128], secret[128];

	idp_field(body, "grant_type", grant, sizeof(grant));
	idp_field(body, "client_id", id, sizeof(id));
	idp_field(body, "client_secret", secret, sizeof(secret));
	if (strcmp(id, "relaymail-test") != 0 || (strcmp(grant,
	    "client_credentials") == 0 && strcmp(secret, "s3cret") != 0))
		idp_error("invalid_client");
	else if (strcmp(grant, "refresh_token") == 0)
		idp_refresh(body);
	else if (strcmp(grant, "client_credentials") == 0)
		idp_issue(NULL);
	else if (strcmp(grant, "urn:ietf:params:oauth:grant-type:device_code")
	    == 0)
		idp_device_poll(body);
	else if (strcmp(grant, "authorization_code") == 0)
		idp_code(body);
	else
		idp_error("unsupported_grant_type");
}

/* see smarthost.h */
void
idp_serve(const char *dir)
{
	char path[4096] = "", body[16384];
	size_t clen = 0;

	idp_dir = dir;
	starttls();
	get_line();
	if (sscanf(line, "GET /authorize?%4095s HTTP/1.1", path) == 1) {
		idp_put("requests", "a", "/authorize %s\n", path);
		while (get_line() > 0)
			;
		idp_authorize(path);
		return;
	}
	if (sscanf(line, "POST %255s HTTP/1.1", path) != 1) {
		idp_error("invalid_request");
		return;
	}
	while (get_line() > 0)
		if (strncasecmp(line, "Content-Length:", 15) == 0)
			clen = strtoul(line + 15, NULL, 10);
	if (clen >= sizeof(body)) {
		idp_error("invalid_request");
		return;
	}
	get_bytes(body, clen);
	body[clen] = '\0';
	idp_put("requests", "a", "%s %s\n", path, body);
	if (strcmp(path, "/token") == 0)
		idp_token(body);
	else if (strcmp(path, "/device") == 0)
		idp_reply(200, "{\"device_code\":\"dc-test\",\"user_code\":"
		    "\"WDJB-MJHT\",\"verification_uri\":\"https://idp.test/"
		    "device\",\"expires_in\":60,\"interval\":1,\"message\":"
		    "\"Open the page and enter the code.\"}", 1);
	else
		idp_error("invalid_request");
}

/* see smarthost.h */
int
idp_token_ok(const char *file, const char *userpass, const char *user,
    const char *token)
{
	char buf[512];
	size_t n = strcspn(userpass, ":");
	FILE *fp;
	int ok = 0;

	if (strlen(user) != n || strncmp(user, userpass, n) != 0 ||
	    (fp = fopen(file, "r")) == NULL)
		return 0;
	while (!ok && fgets(buf, sizeof(buf), fp) != NULL) {
		buf[strcspn(buf, "\r\n")] = '\0';
		ok = buf[0] != '\0' && strcmp(buf, token) == 0;
	}
	fclose(fp);
	return ok;
}
