/* relaymail: the connection test, sendmail -bt. ISC licence.
 * Opens the session every send uses, so what it reports is what a send
 * would meet, and prints a summary on the stream it is given (the SMTP
 * dialogue is log.c's, with -v). A server that cannot be verified gets
 * its chain and the exact tls_pin line that would trust it; AUTH is never
 * sent to a server that was neither verified nor pinned. */
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "log.h"
#include "oauth.h"
#include "probe.h"
#include "tls/tls.h"

#define PROBE_CERTS_MAX	8

/* What a failed handshake left to show. */
struct probe {
	struct tls_certinfo certs[PROBE_CERTS_MAX];
	int	 ncerts;
	int	 pin_only;	/* only the pin failed */
};

/* session's tls_failed hook: the chain, before the connection goes. */
static void
probe_tls_failed(void *arg, const struct tls *t)
{
	struct probe *p = arg;

	p->ncerts = 0;
	while (p->ncerts < PROBE_CERTS_MAX &&
	    tls_cert_info(t, p->ncerts, &p->certs[p->ncerts]) == 0)
		p->ncerts++;
	p->pin_only = tls_pin_failed(t);
}

static void
probe_cert(FILE *fp, int i, const struct tls_certinfo *ci)
{
	fprintf(fp, "  certificate %d: %s\n", i, ci->subject);
	fprintf(fp, "    issuer:  %s\n", ci->issuer);
	fprintf(fp, "    valid:   %s to %s\n", ci->not_before, ci->not_after);
	fprintf(fp, "    pin:     tls_pin = %s\n", ci->pin);
}

/* The chain (verified: from the server to the trust anchor), the suite,
 * and a warning when the certificate is not what protects the session. */
static void
probe_certs(const struct session *s, FILE *fp)
{
	struct tls_certinfo ci;
	int i, verified;

	if (s->tls == NULL)
		return;
	verified = tls_chain_verified(s->tls);
	fprintf(fp, "  TLS: %s, %s\n", tls_version(s->tls), tls_cipher(s->tls));
	fprintf(fp, "  chain: %s\n", verified ? "verified, from the server "
	    "to a trust anchor" : "as the server sent it, not verified");
	for (i = 0; tls_cert_info(s->tls, i, &ci) == 0; i++)
		probe_cert(fp, i, &ci);
	if (verified && i > 0)
		fprintf(fp, "  trust anchor: %s (from %s)\n", ci.issuer,
		    s->conf->tls_ca_file);
	if (!s->conf->tls_verify && s->conf->ntls_pins > 0)
		fprintf(fp, "  warning: tls_verify = no: the pin is the only "
		    "check of the server\n");
	else if (!s->conf->tls_verify)
		fprintf(fp, "  warning: tls_verify = no: the server is not "
		    "checked; anyone between can read and change the mail\n");
}

/* A handshake that failed verification: the chain it sent, and the
 * lines that would trust its key. */
static void
probe_untrusted_chain(const struct probe *p, const struct conf *c,
    FILE *fp)
{
	int i;

	if (p->ncerts == 0)
		return;
	fprintf(fp, "  the server's certificates (not trusted):\n");
	for (i = 0; i < p->ncerts; i++)
		probe_cert(fp, i, &p->certs[i]);
	if (p->pin_only)
		fprintf(fp, "  the server's key is not the one pinned; if it "
		    "changed on purpose, put in [relay]:\n    tls_pin = %s\n",
		    p->certs[0].pin);
	else
		fprintf(fp, "  to trust this server by its key (a pin survives "
		    "a renewal that keeps the key), put in [relay]:\n"
		    "    tls_pin = %s\n%s", p->certs[0].pin, c->tls_verify ?
		    "    tls_verify = no\n" : "");
	fprintf(fp, "  AUTH: not tried: the server was not verified; "
	    "relaymail stopped before logging in\n");
}

/* Why AUTH must not be tried on this server, or NULL. */
static const char *
probe_unchecked(const struct conf *c)
{
	if (c->user == NULL)
		return NULL;
	if (c->tls == CONF_TLS_NONE)
		return "the connection is not encrypted (tls = none)";
	if (!c->tls_verify && c->ntls_pins == 0)
		return "the server is not verified (tls_verify = no, and no "
		    "tls_pin)";
	return NULL;
}

static void
probe_extensions(const struct session *s, FILE *fp)
{
	static const struct { unsigned bit; const char *name; } exts[] = {
		{ SMTP_EXT_PIPELINING, "PIPELINING" },
		{ SMTP_EXT_SIZE, "SIZE" }, { SMTP_EXT_8BITMIME, "8BITMIME" },
		{ SMTP_EXT_SMTPUTF8, "SMTPUTF8" }, { SMTP_EXT_DSN, "DSN" },
		{ SMTP_EXT_ENHANCED, "ENHANCEDSTATUSCODES" },
		{ SMTP_EXT_AUTH, "AUTH" },
	};
	size_t i;

	fprintf(fp, "  extensions:");
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (s->smtp.ext & exts[i].bit)
			fprintf(fp, " %s", exts[i].name);
	if (s->smtp.ext & SMTP_EXT_SIZE)
		fprintf(fp, " (SIZE %lu)", s->smtp.size_max);
	fputc('\n', fp);
}

/* One session as a send would open it, AUTH left out when unchecked
 * says why. 0 when fully usable, else -1. */
static int
probe_session(struct session *s, struct probe *p, const char *unchecked,
    FILE *fp)
{
	struct tls_certinfo ci;

	if (session_open(s) == -1) {
		fprintf(fp, "FAILED: %s\n", s->down_why);
		probe_untrusted_chain(p, s->conf, fp);
		return -1;
	}
	fprintf(fp, "%s port %s: %s\n", session_host(s), s->port, unchecked ?
	    "connected, not logged in" : "ready to send");
	probe_certs(s, fp);
	probe_extensions(s, fp);
	if (unchecked == NULL) {
		fprintf(fp, "  AUTH: %s\n", s->conf->user ? "accepted" :
		    "not configured");
		return 0;
	}
	fprintf(fp, "  AUTH: not tried: %s: relaymail stopped before logging "
	    "in, so that the password goes to no server nobody checked\n",
	    unchecked);
	if (s->tls != NULL && tls_cert_info(s->tls, 0, &ci) == 0)
		fprintf(fp, "  to check the server by its key, put in [relay]:"
		    "\n    tls_pin = %s\n", ci.pin);
	return -1;
}

/* see probe.h */
int
probe_main(const struct conf *conf, FILE *fp)
{
	const char *unchecked = probe_unchecked(conf);
	struct conf unauth;
	struct session s;
	struct probe p;
	char why[400];
	int r;

	if (log_file_check(why, sizeof(why)) == -1)
		fprintf(fp, "log: %s\n", why);
	if (conf_oauth_on(conf))
		oauth_probe(conf, fp);	/* the token, and a refresh */
	/* Without its user, the session never sends AUTH (nor loads the
	 * secret). The copy borrows conf's strings and frees none. */
	unauth = *conf;
	if (unchecked != NULL)
		unauth.user = NULL;
	memset(&p, 0, sizeof(p));
	session_init(&s, &unauth, NULL);
	s.tls_failed = probe_tls_failed;
	s.tls_failed_arg = &p;
	r = probe_session(&s, &p, unchecked, fp);
	session_end(&s);
	return r;
}
