/* relaymail: unit tests for sendmail --configure's decisions
 * (configure.c) and the section it writes (configure_print.c), with a
 * resolver scripted in memory: the provider by the domain or its MX,
 * the SRV records' order, what is refused, and that what is written
 * reads back through the settings parser. ISC licence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "configure.h"
#include "t.h"

/* The scripted resolver: each entry answers one name and type. */
struct fake_rr {
	const char *qname;
	int	 qtype;
	enum dns_status status;
	unsigned pref, weight, port;
	const char *host;
};

static const struct fake_rr *fake;	/* NULL-qname terminated */
static char asked[2048];		/* "TYPE name;" for each question */

/* The records of qname and qtype, or what the first entry for it says
 * (NXDOMAIN, FAIL); no entry at all: no such record. */
static enum dns_status
fake_lookup(void *arg, const char *qname, int qtype, struct dns_answer *a)
{
	const struct fake_rr *f;

	(void)arg;
	memset(a, 0, sizeof(*a));
	a->status = DNS_NODATA;
	snprintf(asked + strlen(asked), sizeof(asked) - strlen(asked),
	    "%s %s;", qtype == DNS_T_MX ? "MX" : "SRV", qname);
	for (f = fake; f != NULL && f->qname != NULL; f++) {
		if (strcmp(f->qname, qname) != 0 || f->qtype != qtype ||
		    a->n == DNS_RR_MAX)	/* as dns_parse keeps them */
			continue;
		if (f->status != DNS_FOUND) {
			a->status = f->status;
			snprintf(a->why, sizeof(a->why), "SERVFAIL");
			break;
		}
		a->status = DNS_FOUND;
		a->rr[a->n].pref = f->pref;
		a->rr[a->n].weight = f->weight;
		a->rr[a->n].port = f->port;
		snprintf(a->rr[a->n].host, sizeof(a->rr[0].host), "%s", f->host);
		a->n++;
	}
	return a->status;
}

static struct configure cf;

static enum configure_status
find(const char *address, const struct fake_rr *records)
{
	fake = records;
	asked[0] = '\0';
	return configure_find(&cf, address, fake_lookup, NULL);
}

#define MX(name, pref, host) { name, DNS_T_MX, DNS_FOUND, pref, 0, 0, host }
#define SRV(name, prio, weight, port, host) \
	{ name, DNS_T_SRV, DNS_FOUND, prio, weight, port, host }
#define NONE { NULL, 0, 0, 0, 0, 0, NULL }

TEST(preset_by_name)
{
	T_EQ(find("alice@gmail.com", NULL), CONFIGURE_FOUND);
	T_EQ(cf.provider, CONF_PROVIDER_GMAIL);
	T_EQ(cf.source, CONFIGURE_BY_DOMAIN);
	T_STREQ(asked, "");	/* no lookup */
	T_EQ(find("Bob@GoogleMail.COM", NULL), CONFIGURE_FOUND);
	T_EQ(cf.provider, CONF_PROVIDER_GMAIL);
	T_EQ(find("ops@contoso.onmicrosoft.com", NULL), CONFIGURE_FOUND);
	T_EQ(cf.provider, CONF_PROVIDER_MICROSOFT365);
	T_EQ(find("me@fastmail.com", NULL), CONFIGURE_FOUND);
	T_EQ(cf.provider, CONF_PROVIDER_FASTMAIL);
	T_STREQ(asked, "");
	/* Not by a look-alike name. */
	T_EQ(find("a@notgmail.com", NULL), CONFIGURE_NONE);
	T_EQ(find("a@onmicrosoft.com", NULL), CONFIGURE_NONE);
}

TEST(workspace_by_mx)
{
	static const struct fake_rr r[] = {
		MX("example.com", 5, "alt1.aspmx.l.google.com"),
		MX("example.com", 1, "aspmx.l.google.com"),
		MX("example.com", 10, "aspmx2.googlemail.com"),
		NONE };
	char text[300];

	T_EQ(find("alice@example.com", r), CONFIGURE_FOUND);
	T_EQ(cf.provider, CONF_PROVIDER_GMAIL);
	T_EQ(cf.source, CONFIGURE_BY_MX);
	T_STREQ(cf.what, "Google Workspace");
	T_STREQ(cf.evidence, "aspmx.l.google.com");	/* the preferred */
	T_STREQ(asked, "MX example.com;");		/* no SRV */
	configure_source_text(&cf, text, sizeof(text));
	T_STREQ(text, "Google Workspace, by the MX of example.com "
	    "(aspmx.l.google.com)");
}

/* The preset one MX host names, for each provider a preset knows. */
TEST(other_providers_by_mx)
{
	static const struct {
		const char *mx;
		enum conf_provider provider;
	} cases[] = {
		{ "contoso-com.mail.protection.outlook.com",
		    CONF_PROVIDER_MICROSOFT365 },
		{ "contoso-com.m-v1.mx.microsoft", CONF_PROVIDER_MICROSOFT365 },
		{ "smtp.google.com", CONF_PROVIDER_GMAIL },
		{ "in1-smtp.messagingengine.com", CONF_PROVIDER_FASTMAIL },
		{ "inbound-smtp.eu-west-1.amazonaws.com", CONF_PROVIDER_SES },
		{ "mxa.eu.mailgun.org", CONF_PROVIDER_MAILGUN },
		{ "mxb.mailgun.org", CONF_PROVIDER_MAILGUN },
		{ "mx.sendgrid.net", CONF_PROVIDER_SENDGRID },
		{ "inbound.postmarkapp.com", CONF_PROVIDER_POSTMARK },
	};
	struct fake_rr r[] = { MX("example.com", 10, NULL), NONE };
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r[0].host = cases[i].mx;
		if (find("a@example.com", r) != CONFIGURE_FOUND ||
		    cf.provider != cases[i].provider)
			T_FAIL_("MX %s: not provider %d", cases[i].mx,
			    cases[i].provider);
		/* What the preset does not know: the region, the EU host. */
		if (cases[i].provider == CONF_PROVIDER_SES)
			T_STREQ(cf.region, "eu-west-1");
		if (strstr(cases[i].mx, ".eu.") != NULL)
			T_STREQ(cf.host, "smtp.eu.mailgun.org");
		else
			T_OK(cf.host == NULL);
	}
}

/* The first MX host a preset knows, in preference order, whatever the
 * answer's order: one behind a filtering gateway is still found. */
TEST(mx_preference)
{
	static const struct fake_rr gw[] = {
	    MX("example.com", 20, "aspmx.l.google.com"),
	    MX("example.com", 10, "mx.gateway.example.net"), NONE };
	static const struct fake_rr two[] = {
	    MX("example.com", 20, "aspmx.l.google.com"),
	    MX("example.com", 10, "example-com.mail.protection.outlook.com"),
	    NONE };

	T_EQ(find("a@example.com", gw), CONFIGURE_FOUND);
	T_STREQ(cf.evidence, "aspmx.l.google.com");
	T_EQ(find("a@example.com", two), CONFIGURE_FOUND);
	T_EQ(cf.provider, CONF_PROVIDER_MICROSOFT365);
}

TEST(mx_lookalikes)
{
	static const struct fake_rr r[] = {
	    MX("example.com", 10, "aspmx.l.google.com.evil.example"),
	    MX("example.com", 10, "evilmail.protection.outlook.com"),
	    MX("example.com", 10, "inbound-smtp.a.b.amazonaws.com"),
	    MX("example.com", 10, "l.google.com"),
	    MX("example.com", 10, "mxa.mailgun.org.example.net"),
	    NONE };

	T_EQ(find("a@example.com", r), CONFIGURE_NONE);
	T_STREQ(asked, "MX example.com;SRV _submissions._tcp.example.com;"
	    "SRV _submission._tcp.example.com;");
}

#define SUBS	"_submissions._tcp.example.org"
#define SUB	"_submission._tcp.example.org"

/* _submissions (TLS from the first byte) before _submission, by
 * priority, then the larger weight first. */
TEST(srv_order)
{
	static const struct fake_rr r[] = {
	    MX("example.org", 10, "mx.example.org"),
	    SRV(SUB, 0, 0, 587, "starttls.example.org"),
	    SRV(SUBS, 10, 0, 465, "backup.example.org"),
	    SRV(SUBS, 5, 10, 465, "light.example.org"),
	    SRV(SUBS, 5, 60, 465, "heavy.example.org"),
	    NONE };

	T_EQ(find("alice@example.org", r), CONFIGURE_FOUND);
	T_EQ(cf.source, CONFIGURE_BY_SRV);
	T_EQ(cf.provider, CONF_PROVIDER_NONE);
	T_OK(cf.implicit_tls);
	T_EQ(cf.nhosts, 3);
	T_STREQ(cf.hosts[0].name, "heavy.example.org");
	T_STREQ(cf.hosts[1].name, "light.example.org");
	T_STREQ(cf.hosts[2].name, "backup.example.org");
	T_EQ(cf.hosts[0].port, 465);
	T_STREQ(cf.evidence, SUBS);
	T_STREQ(asked, "MX example.org;SRV " SUBS ";");
}

TEST(srv_submission)
{
	static const struct fake_rr r[] = {
	    SRV(SUBS, 0, 0, 0, "."),	/* not offered */
	    SRV(SUB, 0, 1, 587, "smtp.example.org"),
	    SRV(SUB, 0, 1, 587, "smtp.example.org"),	/* twice */
	    SRV(SUB, 1, 1, 0, "noport.example.org"),
	    SRV(SUB, 1, 1, 587, "under_score.example.org"),
	    SRV(SUB, 2, 1, 2525, "other.example.org"),
	    NONE };

	T_EQ(find("alice@example.org", r), CONFIGURE_FOUND);
	T_OK(!cf.implicit_tls);
	T_EQ(cf.nhosts, 2);
	T_STREQ(cf.hosts[0].name, "smtp.example.org");
	T_STREQ(cf.hosts[1].name, "other.example.org");
	T_EQ(cf.hosts[1].port, 2525);
}

/* At most what [relay] host takes: CONF_HOSTS_MAX names, on one line. */
TEST(srv_bounded)
{
	static struct fake_rr r[20];
	static char names[20][80];
	int i;

	for (i = 0; i < 19; i++) {
		snprintf(names[i], sizeof(names[i]), "h%02d.%s.example.org", i,
		    i < 10 ? "a" : "a-rather-long-label-to-fill-the-line");
		r[i] = (struct fake_rr)SRV(SUBS, (unsigned)i, 0, 465, names[i]);
	}
	r[19] = (struct fake_rr)NONE;
	T_EQ(find("alice@example.org", r), CONFIGURE_FOUND);
	T_EQ(cf.nhosts, CONF_HOSTS_MAX);
	for (i = 0; i < 10; i++)
		r[i].host = names[i + 10];
	T_EQ(find("alice@example.org", r), CONFIGURE_FOUND);
	T_OK(cf.nhosts < CONF_HOSTS_MAX);
	T_OK(cf.nhosts > 0);
}

TEST(none_found)
{
	static const struct fake_rr mxonly[] = {
	    MX("example.org", 10, "mx.example.org"), NONE };
	static const struct fake_rr dots[] = {
	    SRV(SUBS, 0, 0, 0, "."), SRV(SUB, 0, 0, 0, "."), NONE };
	static const struct fake_rr nx[] = {
	    { "example.org", DNS_T_MX, DNS_NXDOMAIN, 0, 0, 0, NULL }, NONE };

	T_EQ(find("alice@example.org", mxonly), CONFIGURE_NONE);
	T_STREQ(cf.why, "no provider preset knows example.org or its MX host "
	    "mx.example.org, and it publishes no RFC 6186 SRV record "
	    "(_submissions._tcp or _submission._tcp): ask the mail provider "
	    "for its submission server (host, port, TLS or STARTTLS) and "
	    "write them in [relay] (sendmail.conf(5))");
	T_EQ(find("alice@example.org", dots), CONFIGURE_NONE);
	T_OK(strstr(cf.why, "offer no submission server (a target \".\"") !=
	    NULL);
	T_OK(strstr(cf.why, "example.org, and") != NULL);	/* no MX */
	T_EQ(find("alice@example.org", nx), CONFIGURE_NONE);
	T_STREQ(cf.why, "the domain example.org does not exist (the DNS "
	    "answers NXDOMAIN): check the address");
	T_STREQ(asked, "MX example.org;");
}

TEST(dns_failure)
{
	static const struct fake_rr mx[] = {
	    { "example.org", DNS_T_MX, DNS_FAIL, 0, 0, 0, NULL }, NONE };
	static const struct fake_rr srv[] = {
	    MX("example.org", 10, "mx.example.org"),
	    { SUB, DNS_T_SRV, DNS_FAIL, 0, 0, 0, NULL }, NONE };

	T_EQ(find("alice@example.org", mx), CONFIGURE_DNS_FAIL);
	T_STREQ(cf.why, "the DNS gave no answer to rely on for the MX records "
	    "of example.org (SERVFAIL); this may pass: try again later (the "
	    "name servers are those of /etc/resolv.conf)");
	T_EQ(find("alice@example.org", srv), CONFIGURE_DNS_FAIL);
	T_OK(strstr(cf.why, "SRV records of " SUB " (SERVFAIL)") != NULL);
}

TEST(bad_addresses)
{
	static const char *bad[] = { "", "alice", "@example.com", "alice@",
		"alice@localhost", "a@192.0.2.1", "a@[192.0.2.1]",
		"a b@example.com", "\"a\"@example.com", "a..b@example.com",
		".a@example.com", "a.@example.com", "a@-x.example.com",
		"a@x-.example.com", "a@x..example.com", "a@example.com.",
		"a\r\n@example.com", "Alice <a@example.com>",
		"a@ex_ample.com", "\xc3\xa9@example.com", "a@b@example.com",
		NULL };
	char longlocal[80], longaddr[300];
	int i;

	for (i = 0; bad[i] != NULL; i++)
		if (find(bad[i], NULL) != CONFIGURE_BAD_ADDRESS || asked[0])
			T_FAIL_("\"%s\": taken", bad[i]);
	memset(longlocal, 'a', 65);
	strcpy(longlocal + 65, "@example.com");
	T_EQ(find(longlocal, NULL), CONFIGURE_BAD_ADDRESS);
	T_STREQ(cf.why, "the local part is longer than 64 octets (RFC 5321 "
	    "4.5.3.1.1)");
	memset(longaddr, 'b', 200);
	strcpy(longaddr, "a@");
	longaddr[2] = 'b';
	strcpy(longaddr + 180, ".example.com");
	T_EQ(find(longaddr, NULL), CONFIGURE_BAD_ADDRESS);
	T_OK(strstr(cf.why, "more than a line of sendmail.conf") != NULL);
	T_EQ(find("o'neil+tag@gmail.com", NULL), CONFIGURE_FOUND);
}

TEST(route_names)
{
	T_EQ(configure_route_ok("ops"), 0);
	T_EQ(configure_route_ok("app-example-2_x"), 0);
	T_EQ(configure_route_ok("app.example"), -1);	/* [route] refuses */
	T_EQ(configure_route_ok(""), -1);
	T_EQ(configure_route_ok("a b"), -1);
	T_EQ(configure_route_ok("x]"), -1);
	T_EQ(configure_route_ok("0123456789012345678901234567890"), 0);
	T_EQ(configure_route_ok("01234567890123456789012345678901"), -1);
}

/* The section written for cf, as a string (the caller frees it). */
static char *
printed(const char *route)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (fp == NULL)
		return NULL;
	configure_print(&cf, route, fp);
	fclose(fp);
	return buf;
}

/* 1 when the comments of s say text, wrapped or not. */
static int
says(const char *s, const char *text)
{
	char *copy = strdup(s), *p, *q;
	int found;

	for (p = q = copy; *p != '\0'; )
		if (strncmp(p, "\n; ", 3) == 0) {
			*q++ = ' ';
			p += 3;
		} else
			*q++ = *p++;
	*q = '\0';
	found = strstr(copy, text) != NULL;
	free(copy);
	return found;
}

/* 1 when every line of s fits a line of sendmail.conf. */
static int
lines_fit(const char *s)
{
	size_t n;

	for (; *s != '\0'; s += n + (s[n] == '\n')) {
		n = strcspn(s, "\n");
		if (n > CONF_LINE_MAX - 1)
			return 0;
	}
	return 1;
}

/* text, with its commented password_file (or client_id) line in use,
 * read by the settings parser: 0, or -1 with err. */
static int
reads_back(const char *text, struct conf *c, char *err, size_t errlen)
{
	char *copy = strdup(text), *p;
	int r;

	if ((p = strstr(copy, "\n;password_file")) != NULL ||
	    (p = strstr(copy, "\n;client_id")) != NULL)
		memmove(p + 1, p + 2, strlen(p + 2) + 1);
	conf_defaults(c);
	r = conf_load_string(c, "printed", copy, err, errlen);
	if (r == 0)
		r = conf_finish(c, err, errlen);
	free(copy);
	return r;
}

TEST(print_relay_preset)
{
	struct conf c;
	char err[400], *s;

	T_EQ(find("alice@gmail.com", NULL), CONFIGURE_FOUND);
	s = printed(NULL);
	T_OK(s != NULL && strstr(s, "\n[relay]\nprovider = gmail\nuser = "
	    "alice@gmail.com\n") != NULL);
	T_OK(says(s, "Found: Gmail, by the domain gmail.com."));
	T_OK(strstr(s, "\n;password_file = /etc/relaymail/password\n") != NULL);
	T_OK(strstr(s, "senders") == NULL);
	T_OK(lines_fit(s));
	/* As printed, the parser names the line to fill in. */
	conf_defaults(&c);
	T_EQ(conf_load_string(&c, "printed", s, err, sizeof(err)), 0);
	T_EQ(conf_finish(&c, err, sizeof(err)), -1);
	T_OK(strstr(err, "[relay] user: set password") != NULL);
	conf_free(&c);
	T_EQ(reads_back(s, &c, err, sizeof(err)), 0);
	T_STREQ(c.hosts[0].name, "smtp.gmail.com");
	T_STREQ(c.port, "587");
	T_EQ(c.tls, CONF_TLS_STARTTLS);
	T_STREQ(c.user, "alice@gmail.com");
	conf_free(&c);
	free(s);
}

TEST(print_route)
{
	char *s;

	T_EQ(find("ops@contoso.onmicrosoft.com", NULL), CONFIGURE_FOUND);
	s = printed("ops");
	T_OK(s != NULL && strstr(s, "\n[route ops]\nsenders = "
	    "ops@contoso.onmicrosoft.com\nprovider = microsoft365\nuser = "
	    "ops@contoso.onmicrosoft.com\n") != NULL);
	T_OK(strstr(s, "\n[oauth ops]\ntenant = contoso.onmicrosoft.com\n"
	    ";client_id = ") != NULL);
	T_OK(strstr(s, "refresh_token_file = /etc/relaymail/ops-refresh-token")
	    != NULL);
	T_OK(strstr(s, "[relay]") == NULL);
	free(s);
	T_EQ(find("alice@gmail.com", NULL), CONFIGURE_FOUND);
	s = printed("alice");
	T_OK(s != NULL && strstr(s, "\n[route alice]\nsenders = "
	    "alice@gmail.com\nprovider = gmail\n") != NULL);
	T_OK(strstr(s, ";password_file = /etc/relaymail/alice-password\n") !=
	    NULL);
	free(s);
}

TEST(print_oauth_reads_back)
{
	struct conf c;
	char err[400], *s;

	T_EQ(find("ops@contoso.onmicrosoft.com", NULL), CONFIGURE_FOUND);
	s = printed(NULL);
	T_OK(s != NULL && says(s, "sends this host's own senders"));
	T_EQ(reads_back(s, &c, err, sizeof(err)), 0);
	T_STREQ(c.hosts[0].name, "smtp.office365.com");
	T_OK(conf_oauth_on(&c));
	T_STREQ(c.oauth_tenant, "contoso.onmicrosoft.com");
	conf_free(&c);
	free(s);
}

TEST(print_srv)
{
	static const struct fake_rr same[] = {
	    SRV(SUBS, 0, 0, 465, "mail.example.org"),
	    SRV(SUBS, 1, 0, 465, "backup.example.org"), NONE };
	static const struct fake_rr mixed[] = {
	    SRV(SUB, 0, 0, 587, "mail.example.org"),
	    SRV(SUB, 1, 0, 2525, "backup.example.org"), NONE };
	struct conf c;
	char err[400], *s;

	T_EQ(find("alice@example.org", same), CONFIGURE_FOUND);
	s = printed(NULL);
	T_OK(s != NULL && strstr(s, "\n[relay]\nhost = mail.example.org, "
	    "backup.example.org\nport = 465\ntls = tls\nuser = "
	    "alice@example.org\n") != NULL);
	T_OK(says(s, "by its SRV records " SUBS " (RFC 6186)."));
	T_EQ(reads_back(s, &c, err, sizeof(err)), 0);
	T_EQ(c.nhosts, 2);
	T_EQ(c.tls, CONF_TLS_IMPLICIT);
	T_STREQ(c.port, "465");
	conf_free(&c);
	free(s);
	T_EQ(find("alice@example.org", mixed), CONFIGURE_FOUND);
	s = printed(NULL);
	T_OK(s != NULL && strstr(s, "\nhost = mail.example.org:587, "
	    "backup.example.org:2525\ntls = starttls\n") != NULL);
	T_OK(strstr(s, "\nport =") == NULL);
	T_EQ(reads_back(s, &c, err, sizeof(err)), 0);
	T_STREQ(c.hosts[1].port, "2525");
	conf_free(&c);
	free(s);
}

/* cf printed as [route NAME] and as [relay]: every line fits a line of
 * sendmail.conf, and [relay] reads back; the hosts it names, or -1. */
static int
fits(const char *t_name_, const char *route)
{
	struct conf c;
	char err[400], *s;
	int n = -1;

	s = printed(route);
	T_OK(s != NULL && lines_fit(s));
	free(s);
	s = printed(NULL);
	T_OK(s != NULL && lines_fit(s));
	if (s != NULL && reads_back(s, &c, err, sizeof(err)) == 0) {
		n = c.nhosts;
		conf_free(&c);
	}
	free(s);
	return n;
}

/* The longest address taken (at a Microsoft 365 tenant: the [oauth]
 * lines too), a route's longest name, the longest SRV list: every line
 * still fits, and the file reads back. */
TEST(print_long_lines)
{
	static struct fake_rr r[9], ms[2];
	static char names[8][80], addr[200];
	char route[CONFIGURE_ROUTE_MAX + 1];
	int i;

	/* 64 + 1 + 123 = 188 octets: "senders = " and it make 198. */
	memset(addr, 'a', 64);
	snprintf(addr + 64, sizeof(addr) - 64, "@%.60s.%.58s.org",
	    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
	    "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc");
	T_EQ(strlen(addr), 188);
	ms[0] = (struct fake_rr)MX(strchr(addr, '@') + 1, 0,
	    "x.mail.protection.outlook.com");
	ms[1] = (struct fake_rr)NONE;
	memset(route, 'r', sizeof(route) - 1);
	route[sizeof(route) - 1] = '\0';
	T_EQ(find(addr, ms), CONFIGURE_FOUND);
	T_EQ(fits(t_name_, route), 1);
	addr[188] = 'x';
	addr[189] = '\0';
	T_EQ(find(addr, ms), CONFIGURE_BAD_ADDRESS);
	for (i = 0; i < 8; i++) {
		snprintf(names[i], sizeof(names[i]), "h%d.%s.example.org", i,
		    "a-rather-long-label-for-a-host-name-in-an-srv-record");
		r[i] = (struct fake_rr)SRV(SUBS, (unsigned)i, 0, 465 + i,
		    names[i]);
	}
	r[8] = (struct fake_rr)NONE;
	T_EQ(find("alice@example.org", r), CONFIGURE_FOUND);
	T_OK(cf.nhosts >= 2 && cf.nhosts < 8);
	T_EQ(fits(t_name_, route), cf.nhosts);
}

TEST_MAIN("t_configure", {
	RUN(preset_by_name);
	RUN(workspace_by_mx);
	RUN(other_providers_by_mx);
	RUN(mx_preference);
	RUN(mx_lookalikes);
	RUN(srv_order);
	RUN(srv_submission);
	RUN(srv_bounded);
	RUN(none_found);
	RUN(dns_failure);
	RUN(bad_addresses);
	RUN(route_names);
	RUN(print_relay_preset);
	RUN(print_route);
	RUN(print_oauth_reads_back);
	RUN(print_srv);
	RUN(print_long_lines);
})
