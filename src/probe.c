/* relaymail: the connection test, sendmail -bt. ISC licence.
 * Only prints: the session it opens is the one every send uses, so what
 * it reports is what a send would meet. */
#include <stdio.h>

#include "conf.h"
#include "log.h"
#include "oauth.h"
#include "probe.h"
#include "tls.h"

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
	for (i = 0; tls_cert_info(s->tls, i, &ci) == 0; i++) {
		fprintf(fp, "  certificate %d: %s\n", i, ci.subject);
		fprintf(fp, "    issuer:  %s\n", ci.issuer);
		fprintf(fp, "    expires: %s\n", ci.not_after);
		fprintf(fp, "    pin:     tls_pin = %s\n", ci.pin);
	}
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

/* see probe.h */
int
probe_run(struct session *s, FILE *fp)
{
	static const struct { unsigned bit; const char *name; } exts[] = {
		{ SMTP_EXT_PIPELINING, "PIPELINING" },
		{ SMTP_EXT_SIZE, "SIZE" }, { SMTP_EXT_8BITMIME, "8BITMIME" },
		{ SMTP_EXT_SMTPUTF8, "SMTPUTF8" }, { SMTP_EXT_DSN, "DSN" },
		{ SMTP_EXT_ENHANCED, "ENHANCEDSTATUSCODES" },
		{ SMTP_EXT_AUTH, "AUTH" },
	};
	char why[400];
	size_t i;

	if (log_file_check(why, sizeof(why)) == -1)
		fprintf(fp, "log: %s\n", why);
	if (conf_oauth_on(s->conf))
		oauth_probe(s->conf, fp);	/* the token, and a refresh */
	if (session_open(s) == -1) {
		fprintf(fp, "FAILED: %s\n", s->down_why);
		probe_certs(s, fp);
		return -1;
	}
	fprintf(fp, "%s port %s: ready to send\n", session_host(s), s->port);
	probe_certs(s, fp);
	fprintf(fp, "  extensions:");
	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++)
		if (s->smtp.ext & exts[i].bit)
			fprintf(fp, " %s", exts[i].name);
	if (s->smtp.ext & SMTP_EXT_SIZE)
		fprintf(fp, " (SIZE %lu)", s->smtp.size_max);
	fputc('\n', fp);
	fprintf(fp, "  AUTH: %s\n", s->conf->user ? "accepted" :
	    "not configured");
	return 0;
}
