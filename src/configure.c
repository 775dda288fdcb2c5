/* relaymail: sendmail --configure, which settings an address needs.
 * ISC licence, see LICENSE.
 * The address is checked; its domain is looked for among the names that
 * identify a provider (the domain itself, then its MX hosts in order of
 * preference); else the domain's RFC 6186 SRV records give the hosts.
 * Pure but for the lookup function the caller gives. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "configure.h"

/* An address must fit "senders = ADDRESS" on one line of sendmail.conf. */
#define CONFIGURE_ADDRESS_MAX	(CONF_LINE_MAX - 1 - 10)

/* What identifies a provider: the address's domain, or one of its MX
 * hosts. A pattern is a name, or holds one '*' that stands for one or
 * more characters. */
static const struct configure_mark {
	int	 by_mx;		/* 0: the domain; 1: an MX host */
	const char *pattern;
	enum conf_provider provider;
	const char *what;
	const char *host;	/* an endpoint the preset does not fill in */
} configure_marks[] = {
	/* The providers' own domains: no lookup needed. */
	{ 0, "gmail.com", CONF_PROVIDER_GMAIL, "Gmail", NULL },
	{ 0, "googlemail.com", CONF_PROVIDER_GMAIL, "Gmail", NULL },
	{ 0, "*.onmicrosoft.com", CONF_PROVIDER_MICROSOFT365, "Microsoft 365",
	    NULL },
	{ 0, "fastmail.com", CONF_PROVIDER_FASTMAIL, "Fastmail", NULL },
	{ 0, "fastmail.fm", CONF_PROVIDER_FASTMAIL, "Fastmail", NULL },
	/* Mailboxes at a provider, by the MX hosts it tells its customers
	 * to publish: Google (aspmx.l.google.com and its alternates,
	 * aspmx2.googlemail.com..., and smtp.google.com), Microsoft 365
	 * (TENANT.mail.protection.outlook.com, and *.mx.microsoft with
	 * DNSSEC), Fastmail (in1-smtp.messagingengine.com...). */
	{ 1, "smtp.google.com", CONF_PROVIDER_GMAIL, "Google Workspace", NULL },
	{ 1, "*.l.google.com", CONF_PROVIDER_GMAIL, "Google Workspace", NULL },
	{ 1, "*.googlemail.com", CONF_PROVIDER_GMAIL, "Google Workspace",
	    NULL },
	{ 1, "*.mail.protection.outlook.com", CONF_PROVIDER_MICROSOFT365,
	    "Microsoft 365", NULL },
	{ 1, "*.mx.microsoft", CONF_PROVIDER_MICROSOFT365, "Microsoft 365",
	    NULL },
	{ 1, "*.messagingengine.com", CONF_PROVIDER_FASTMAIL, "Fastmail",
	    NULL },
	/* A domain whose mail a sending service receives sends through it:
	 * the services' inbound endpoints (SES by region, Mailgun's US and
	 * EU regions, SendGrid's Inbound Parse, Postmark's inbound). */
	{ 1, "inbound-smtp.*.amazonaws.com", CONF_PROVIDER_SES, "Amazon SES",
	    NULL },
	{ 1, "mxa.eu.mailgun.org", CONF_PROVIDER_MAILGUN, "Mailgun (EU)",
	    "smtp.eu.mailgun.org" },
	{ 1, "mxb.eu.mailgun.org", CONF_PROVIDER_MAILGUN, "Mailgun (EU)",
	    "smtp.eu.mailgun.org" },
	{ 1, "mxa.mailgun.org", CONF_PROVIDER_MAILGUN, "Mailgun", NULL },
	{ 1, "mxb.mailgun.org", CONF_PROVIDER_MAILGUN, "Mailgun", NULL },
	{ 1, "mx.sendgrid.net", CONF_PROVIDER_SENDGRID, "SendGrid", NULL },
	{ 1, "inbound.postmarkapp.com", CONF_PROVIDER_POSTMARK, "Postmark",
	    NULL },
};

#define CONFIGURE_NMARKS (sizeof(configure_marks) / sizeof(configure_marks[0]))

static enum configure_status
configure_fail(struct configure *cf, enum configure_status st,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cf->why, sizeof(cf->why), fmt, ap);
	va_end(ap);
	return st;
}

/* 1 when name matches pattern (ASCII case ignored), with what '*' stood
 * for into star (starlen octets, "" without a '*'). */
static int
configure_glob(const char *pattern, const char *name, char *star,
    size_t starlen)
{
	const char *p = strchr(pattern, '*');
	size_t n = strlen(name), pre, post;

	star[0] = '\0';
	if (p == NULL)
		return strcasecmp(pattern, name) == 0;
	pre = (size_t)(p - pattern);
	post = strlen(p + 1);
	if (n < pre + post + 1 || strncasecmp(name, pattern, pre) != 0 ||
	    strcasecmp(name + n - post, p + 1) != 0 ||
	    n - pre - post >= starlen)
		return 0;
	memcpy(star, name + pre, n - pre - post);
	star[n - pre - post] = '\0';
	return 1;
}

/* Letters, digits and hyphens in labels of 1 to 63 octets that neither
 * start nor end with a hyphen, at least two of them (RFC 1123 2.1): a
 * host name that can be written after host =. */
static int
configure_hostname_ok(const char *s)
{
	size_t label = 0, labels = 1;

	if (*s == '\0' || strlen(s) > DNS_NAME_MAX)
		return 0;
	for (; *s != '\0'; s++) {
		if (*s == '.') {
			if (label == 0 || s[-1] == '-')
				return 0;
			label = 0;
			labels++;
			continue;
		}
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
		if ((label == 0 && *s == '-') || ++label > 63)
			return 0;
	}
	return label > 0 && s[-1] != '-' && labels >= 2;
}

/* RFC 5322 atext, without the characters that would start a comment or
 * a quoted value in sendmail.conf ('#' and ';' after a blank never
 * occur: there is no blank). */
static int
configure_atext(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') ||
	    (ch != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", ch) != NULL);
}

/* cf->address as local@domain with a dot-atom local part (no quotes,
 * no comments) and a host-name domain: CONFIGURE_FOUND with cf->domain
 * set, or CONFIGURE_BAD_ADDRESS with cf->why. */
static enum configure_status
configure_address(struct configure *cf)
{
	const char *a = cf->address, *at = strrchr(a, '@'), *p, *tld;

	for (p = a; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			return configure_fail(cf, CONFIGURE_BAD_ADDRESS, "it "
			    "is not plain ASCII (write an internationalised "
			    "domain in its xn-- form)");
		else if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return configure_fail(cf, CONFIGURE_BAD_ADDRESS, "it "
			    "holds a blank or a control character");
	if (strlen(a) > CONFIGURE_ADDRESS_MAX)
		return configure_fail(cf, CONFIGURE_BAD_ADDRESS, "longer than "
		    "%d octets, more than a line of sendmail.conf can hold",
		    CONFIGURE_ADDRESS_MAX);
	if (at == NULL || at == a || at[1] == '\0')
		return configure_fail(cf, CONFIGURE_BAD_ADDRESS, "not an "
		    "address: write it as local@domain (alice@example.com)");
	if (at - a > 64)
		return configure_fail(cf, CONFIGURE_BAD_ADDRESS, "the local "
		    "part is longer than 64 octets (RFC 5321 4.5.3.1.1)");
	for (p = a; p < at; p++)
		if (!(configure_atext(*p) || (*p == '.' && p > a &&
		    p[-1] != '.' && p + 1 < at)))
			return configure_fail(cf, CONFIGURE_BAD_ADDRESS, "the "
			    "local part holds %s: only a plain one (letters, "
			    "digits, dots and !#$%%&'*+-/=?^_`{|}~) can be "
			    "written as user", *p == '.' ? "a dot in the "
			    "wrong place" : "a character that needs quoting");
	cf->domain = at + 1;
	tld = strrchr(cf->domain, '.');
	if (!configure_hostname_ok(cf->domain) || tld == NULL ||
	    strspn(tld + 1, "0123456789") == strlen(tld + 1))
		return configure_fail(cf, CONFIGURE_BAD_ADDRESS, "the domain "
		    "\"%s\" is not a DNS name such as example.com (no IP "
		    "address)",
		    cf->domain);
	return CONFIGURE_FOUND;
}

/* Fills cf from mark m; star is what its '*' stood for. */
static void
configure_take(struct configure *cf, const struct configure_mark *m,
    const char *star, const char *evidence)
{
	cf->source = m->by_mx ? CONFIGURE_BY_MX : CONFIGURE_BY_DOMAIN;
	cf->provider = m->provider;
	cf->what = m->what;
	cf->host = m->host;
	if (m->provider == CONF_PROVIDER_SES)
		snprintf(cf->region, sizeof(cf->region), "%s", star);
	snprintf(cf->evidence, sizeof(cf->evidence), "%s", evidence);
}

/* 1 when name matches a mark of the kind by_mx, and cf is filled. */
static int
configure_match(struct configure *cf, int by_mx, const char *name)
{
	char star[64];
	size_t i;

	for (i = 0; i < CONFIGURE_NMARKS; i++) {
		const struct configure_mark *m = &configure_marks[i];
		if (m->by_mx != by_mx || !configure_glob(m->pattern, name, star,
		    sizeof(star)))
			continue;
		/* A region is one label: inbound-smtp.eu-west-1.amazonaws.com. */
		if (m->provider == CONF_PROVIDER_SES &&
		    strspn(star, "abcdefghijklmnopqrstuvwxyz0123456789-") !=
		    strlen(star))
			continue;
		configure_take(cf, m, star, name);
		return 1;
	}
	return 0;
}

/* Orders records by preference (MX) or priority (SRV), ascending; then
 * SRV weight, descending (the largest share first, RFC 2782); then name
 * and port, so that the output does not depend on the answer's order. */
static int
configure_rr_cmp(const void *x, const void *y)
{
	const struct dns_rr *a = x, *b = y;
	int c;

	if (a->pref != b->pref)
		return a->pref < b->pref ? -1 : 1;
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	if ((c = strcmp(a->host, b->host)) != 0)
		return c;
	return a->port < b->port ? -1 : a->port > b->port;
}

/* 1 when an MX host names a provider, the most preferred first. */
static int
configure_by_mx(struct configure *cf, struct dns_answer *mx)
{
	int i;

	qsort(mx->rr, (size_t)mx->n, sizeof(mx->rr[0]), configure_rr_cmp);
	for (i = 0; i < mx->n; i++)
		if (configure_match(cf, 1, mx->rr[i].host))
			return 1;
	return 0;
}

/* The SRV records' usable hosts into cf, in order, without repeats, as
 * many as [relay] host takes on one line: their number. A target "."
 * says the service is not offered (RFC 2782). */
static int
configure_by_srv(struct configure *cf, struct dns_answer *srv,
    const char *name, int implicit)
{
	size_t line = strlen("host = ");
	int i, j;

	qsort(srv->rr, (size_t)srv->n, sizeof(srv->rr[0]), configure_rr_cmp);
	cf->nhosts = 0;
	for (i = 0; i < srv->n && cf->nhosts < CONF_HOSTS_MAX; i++) {
		const struct dns_rr *r = &srv->rr[i];
		/* ", name:port" (the port only when they differ) */
		size_t len = 2 + strlen(r->host) + 1 + (size_t)snprintf(NULL, 0,
		    "%u", r->port);
		if (r->port == 0 || !configure_hostname_ok(r->host) ||
		    line + len > CONF_LINE_MAX - 1)
			continue;
		for (j = 0; j < cf->nhosts; j++)
			if (strcmp(cf->hosts[j].name, r->host) == 0 &&
			    cf->hosts[j].port == r->port)
				break;
		if (j < cf->nhosts)
			continue;
		snprintf(cf->hosts[cf->nhosts].name, sizeof(cf->hosts[0].name),
		    "%s", r->host);
		cf->hosts[cf->nhosts++].port = r->port;
		line += len;
	}
	if (cf->nhosts > 0) {
		cf->source = CONFIGURE_BY_SRV;
		cf->provider = CONF_PROVIDER_NONE;
		cf->implicit_tls = implicit;
		snprintf(cf->evidence, sizeof(cf->evidence), "%s", name);
	}
	return cf->nhosts;
}

static enum configure_status
configure_dns_fail(struct configure *cf, const char *type, const char *name,
    const struct dns_answer *a)
{
	return configure_fail(cf, CONFIGURE_DNS_FAIL, "the DNS gave no answer "
	    "to rely on for the %s records of %s (%s); this may pass: try "
	    "again later (the name servers are those of /etc/resolv.conf)",
	    type, name, a->why);
}

/* see configure.h */
enum configure_status
configure_find(struct configure *cf, const char *address,
    configure_lookup lookup, void *arg)
{
	struct dns_answer a;
	char name[DNS_NAME_MAX + 1], mx[DNS_NAME_MAX + 40] = "";
	int implicit, srv_seen = 0;

	memset(cf, 0, sizeof(*cf));
	cf->address = address;
	if (configure_address(cf) != CONFIGURE_FOUND)
		return CONFIGURE_BAD_ADDRESS;
	if (configure_match(cf, 0, cf->domain))
		return CONFIGURE_FOUND;
	if (lookup(arg, cf->domain, DNS_T_MX, &a) == DNS_FAIL)
		return configure_dns_fail(cf, "MX", cf->domain, &a);
	if (a.status == DNS_NXDOMAIN)
		return configure_fail(cf, CONFIGURE_NONE, "the domain %s does "
		    "not exist (the DNS answers NXDOMAIN): check the address",
		    cf->domain);
	if (a.status == DNS_FOUND && configure_by_mx(cf, &a))
		return CONFIGURE_FOUND;
	if (a.status == DNS_FOUND && strcmp(a.rr[0].host, ".") != 0)
		snprintf(mx, sizeof(mx), " or its MX host %s", a.rr[0].host);
	for (implicit = 1; implicit >= 0; implicit--) {
		snprintf(name, sizeof(name), "_%s._tcp.%s", implicit ?
		    "submissions" : "submission", cf->domain);
		if (lookup(arg, name, DNS_T_SRV, &a) == DNS_FAIL)
			return configure_dns_fail(cf, "SRV", name, &a);
		if (a.status != DNS_FOUND)
			continue;
		srv_seen = 1;
		if (configure_by_srv(cf, &a, name, implicit) > 0)
			return CONFIGURE_FOUND;
	}
	return configure_fail(cf, CONFIGURE_NONE, "no provider preset knows "
	    "%s%s, and %s: ask the mail provider for its submission server "
	    "(host, port, TLS or STARTTLS) and write them in [relay] "
	    "(sendmail.conf(5))", cf->domain, mx, srv_seen ? "its RFC 6186 "
	    "SRV records offer no submission server (a target \".\" or no "
	    "usable host)" : "it publishes no RFC 6186 SRV record "
	    "(_submissions._tcp or _submission._tcp)");
}

/* see configure.h */
void
configure_source_text(const struct configure *cf, char *buf, size_t len)
{
	switch (cf->source) {
	case CONFIGURE_BY_DOMAIN:
		snprintf(buf, len, "%s, by the domain %s", cf->what,
		    cf->domain);
		break;
	case CONFIGURE_BY_MX:
		snprintf(buf, len, "%s, by the MX of %s (%s)", cf->what,
		    cf->domain, cf->evidence);
		break;
	case CONFIGURE_BY_SRV:
		snprintf(buf, len, "the submission servers %s publishes, by "
		    "its SRV records %s (RFC 6186)", cf->domain, cf->evidence);
		break;
	}
}

/* see configure.h */
int
configure_route_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > CONFIGURE_ROUTE_MAX || strspn(name,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	    "-_") != n)
		return -1;
	return 0;
}
