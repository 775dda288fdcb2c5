/* relaymail: sendmail --configure, the section it writes. ISC licence,
 * see LICENSE.
 * One section, [relay] or [route NAME], whose comments say where the
 * settings came from and what is left to fill in (the password, or the
 * OAuth client); to a stream, or into a new file, never over one. Every
 * line fits a line of sendmail.conf: prose is wrapped here, and the
 * names are bounded by configure.c (the address, the SRV hosts). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "configure.h"
#include "util.h"

#define CONFIGURE_WIDTH	72	/* columns of a comment line */

/* What a provider takes for AUTH (sendmail.conf(5), PROVIDERS, and each
 * provider's SMTP documentation). */
static const struct configure_auth {
	int	 address_user;	/* user = the address */
	const char *user;	/* else what the user name is (a commented
				 * line to fill in), or NULL: the preset's */
	const char *user_example;
	int	 example_at_domain;	/* the example is it, @ the domain */
	const char *secret;	/* what the password file holds */
	const char *instead;	/* another way to sign in, or NULL */
	int	 oauth;		/* [oauth] lines instead of a password */
} configure_auths[] = {
	[CONF_PROVIDER_NONE] = { 1, NULL, NULL, 0, "the mailbox's password",
	    "A provider that wants the local part alone as the user name "
	    "says so in its instructions.", 0 },
	[CONF_PROVIDER_MICROSOFT365] = { 1, NULL, NULL, 0, NULL, NULL, 1 },
	[CONF_PROVIDER_GMAIL] = { 1, NULL, NULL, 0, "a Google app password "
	    "(2-Step Verification on, then "
	    "https://myaccount.google.com/apppasswords)", "Or no password: "
	    "OAuth instead (sendmail.conf(5), OAUTH SETUP).", 0 },
	[CONF_PROVIDER_SES] = { 0, "the SMTP user name from the SES "
	    "console's SMTP settings (not an access key of the account)",
	    "AKIAIOSFODNN7EXAMPLE", 0, "its SMTP password", NULL, 0 },
	[CONF_PROVIDER_MAILGUN] = { 0, "the domain's SMTP login from "
	    "Mailgun's domain settings (SMTP credentials)", "postmaster@", 1,
	    "its password", NULL, 0 },
	[CONF_PROVIDER_SENDGRID] = { 0, NULL, NULL, 0, "an API key with the "
	    "Mail Send permission (the preset sets user = apikey)", NULL, 0 },
	[CONF_PROVIDER_POSTMARK] = { 0, "the server's API token (Postmark, "
	    "the server's API Tokens)", "00000000-0000-0000-0000-000000000000",
	    0, "the same token", NULL, 0 },
	[CONF_PROVIDER_FASTMAIL] = { 1, NULL, NULL, 0, "a Fastmail app "
	    "password (Settings, Privacy & Security, App passwords)", NULL,
	    0 },
};

static void
configure_comment(FILE *fp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* One comment, wrapped at CONFIGURE_WIDTH columns after its ';'; a word
 * longer than a line is cut. */
static void
configure_comment(FILE *fp, const char *fmt, ...)
{
	char text[1500];
	const char *p = text;
	size_t col = 0, n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	for (;;) {
		p += strspn(p, " ");
		if (*p == '\0')
			break;
		if ((n = strcspn(p, " ")) > CONFIGURE_WIDTH)
			n = CONFIGURE_WIDTH;
		if (col > 0 && col + 1 + n > CONFIGURE_WIDTH) {
			fputc('\n', fp);
			col = 0;
		}
		if (col == 0)
			col = (size_t)fprintf(fp, ";");
		col += (size_t)fprintf(fp, " %.*s", (int)n, p);
		p += n;
	}
	if (col > 0)
		fputc('\n', fp);
}

/* The section's first lines: its name, and a route's senders. */
static void
configure_section(const struct configure *cf, const char *route, FILE *fp)
{
	if (route == NULL) {
		fputs("[relay]\n", fp);
		return;
	}
	fprintf(fp, "[route %s]\nsenders = %s\n", route, cf->address);
}

/* The hosts an SRV answer gave, their port and TLS mode. */
static void
configure_srv_hosts(const struct configure *cf, FILE *fp)
{
	int i, one_port = 1;

	for (i = 1; i < cf->nhosts; i++)
		one_port &= cf->hosts[i].port == cf->hosts[0].port;
	fputs("host = ", fp);
	for (i = 0; i < cf->nhosts; i++) {
		fprintf(fp, "%s%s", i > 0 ? ", " : "", cf->hosts[i].name);
		if (!one_port)
			fprintf(fp, ":%u", cf->hosts[i].port);
	}
	fputc('\n', fp);
	if (one_port)
		fprintf(fp, "port = %u\n", cf->hosts[0].port);
	fprintf(fp, "tls = %s\n", cf->implicit_tls ? "tls" : "starttls");
}

/* A provider preset's lines, with what it fills in. */
static void
configure_preset(const struct configure *cf, const char *route, FILE *fp)
{
	char host[300];
	enum conf_tls tls;
	const char *name;

	name = conf_preset_describe(cf->provider, cf->region[0] ? cf->region :
	    NULL, host, sizeof(host), &tls);
	if (cf->host != NULL)
		snprintf(host, sizeof(host), "%s", cf->host);
	configure_comment(fp, "The preset %s fills in the smart host (%s, %s) "
	    "and the provider's sending limits (sendmail.conf(5), "
	    "PROVIDERS).", name, host, tls == CONF_TLS_IMPLICIT ?
	    "TLS on port 465" : "STARTTLS on port 587");
	if (cf->provider == CONF_PROVIDER_MICROSOFT365)
		configure_comment(fp, "Exchange Online sends for no other "
		    "sender than the mailbox: the preset sends this host's own "
		    "senders (root, www-data) as %s.", cf->address);
	configure_section(cf, route, fp);
	fprintf(fp, "provider = %s\n", name);
	if (cf->region[0] != '\0')
		fprintf(fp, "region = %s\n", cf->region);
	if (cf->host != NULL)
		fprintf(fp, "host = %s\n", cf->host);
}

/* The user name, and the password file or the [oauth] lines. */
static void
configure_login(const struct configure *cf, const char *route, FILE *fp)
{
	const struct configure_auth *au = &configure_auths[cf->provider];
	char file[100];

	if (au->address_user)
		fprintf(fp, "user = %s\n", cf->address);
	else if (au->user != NULL) {
		configure_comment(fp, "The user name: %s.", au->user);
		fprintf(fp, ";user = %s%s\n", au->user_example,
		    au->example_at_domain ? cf->domain : "");
	}
	if (au->oauth) {
		snprintf(file, sizeof(file), "/etc/relaymail/%s%srefresh-token",
		    route ? route : "", route ? "-" : "");
		configure_comment(fp, "%s signs in with OAuth, not a password: "
		    "register an application (sendmail.conf(5), OAUTH SETUP), "
		    "write its client ID below, then run sendmail "
		    "--oauth-login as the mailbox's owner.", cf->what);
		if (route != NULL)
			fprintf(fp, "[oauth %s]\n", route);
		else
			fputs("[oauth]\n", fp);
		fprintf(fp, "tenant = %s\n;client_id = "
		    "00000000-0000-0000-0000-000000000000\n"
		    "refresh_token_file = %s\n", cf->domain, file);
		return;
	}
	snprintf(file, sizeof(file), "/etc/relaymail/%s%spassword",
	    route ? route : "", route ? "-" : "");
	configure_comment(fp, "The password: %s, alone on the first line of "
	    "this file, which only root and the relaymail group read (chmod "
	    "640, chgrp relaymail):", au->secret);
	fprintf(fp, ";password_file = %s\n", file);
	if (au->instead != NULL)
		configure_comment(fp, "%s", au->instead);
}

/* see configure.h */
void
configure_print(const struct configure *cf, const char *route, FILE *fp)
{
	char found[1200];

	configure_source_text(cf, found, sizeof(found));
	configure_comment(fp, "Settings for %s, written by sendmail "
	    "--configure. Found: %s.", cf->address, found);
	if (cf->source == CONFIGURE_BY_SRV) {
		configure_comment(fp, "The DNS named these hosts: check that "
		    "they are your mail provider's before you give them a "
		    "password.");
		configure_section(cf, route, fp);
		configure_srv_hosts(cf, fp);
	} else
		configure_preset(cf, route, fp);
	configure_login(cf, route, fp);
	configure_comment(fp, "Then sendmail -bt tests the connection, TLS "
	    "and the login, without sending mail.");
}

/* see configure.h */
int
configure_save(const struct configure *cf, const char *route,
    const char *path, long group, char *err, size_t errlen)
{
	FILE *fp;
	int fd, e = 0;

	/* O_EXCL: never over a file, nor through a link planted there. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1)
		return util_err(err, errlen, "%s: %s", path, errno == EEXIST ?
		    "exists already, and --write never writes over a file "
		    "(name a new one)" : strerror(errno));
	/* As make install leaves /etc/sendmail.conf: the group reads it. */
	if (group != -1 && fchown(fd, (uid_t)-1, (gid_t)group) == 0)
		(void)fchmod(fd, 0640);
	if ((fp = fdopen(fd, "w")) == NULL) {
		e = errno;
		close(fd);
	} else {
		configure_print(cf, route, fp);
		if (fflush(fp) == EOF || ferror(fp) || fsync(fd) == -1)
			e = errno ? errno : EIO;
		if (fclose(fp) == EOF && e == 0)
			e = errno;
	}
	if (e == 0)
		return 0;
	unlink(path);
	return util_err(err, errlen, "%s: %s (nothing written)", path,
	    strerror(e));
}
