/* relaymail: unit tests for the DNS answer parser (dns.c), from answers
 * built in memory: MX and SRV records, CNAME chains in any order,
 * compression pointers, the response codes, and every way an answer can
 * be cut short or point in circles. ISC licence. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "t.h"

/* A response under construction. */
struct msg {
	unsigned char b[4096];
	size_t	 n;
};

static void
put8(struct msg *m, unsigned v)
{
	m->b[m->n++] = (unsigned char)v;
}

static void
put16(struct msg *m, unsigned v)
{
	put8(m, v >> 8 & 0xff);
	put8(m, v & 0xff);
}

/* "a.b.c" as labels, uncompressed; "" is the root. */
static void
putname(struct msg *m, const char *name)
{
	while (*name != '\0') {
		size_t l = strcspn(name, ".");
		put8(m, (unsigned)l);
		memcpy(m->b + m->n, name, l);
		m->n += l;
		name += l + (name[l] == '.');
	}
	put8(m, 0);
}

/* Header (rcode in flags' low bits), and the question. */
static void
start(struct msg *m, unsigned rcode, unsigned an, const char *qname,
    unsigned qtype)
{
	m->n = 0;
	put16(m, 0x1234);
	put16(m, 0x8180 | rcode);	/* QR, RD, RA */
	put16(m, 1);
	put16(m, an);
	put16(m, 0);
	put16(m, 0);
	putname(m, qname);
	put16(m, qtype);
	put16(m, 1);
}

/* A record's owner, type and class, TTL; its RDLENGTH is filled in by
 * end_rr() from what follows. */
static size_t
begin_rr(struct msg *m, const char *owner, unsigned type, unsigned class)
{
	putname(m, owner);
	put16(m, type);
	put16(m, class);
	put16(m, 0);
	put16(m, 300);
	put16(m, 0);
	return m->n;
}

static void
end_rr(struct msg *m, size_t at)
{
	size_t len = m->n - at;

	m->b[at - 2] = (unsigned char)(len >> 8);
	m->b[at - 1] = (unsigned char)(len & 0xff);
}

static void
mx(struct msg *m, const char *owner, unsigned pref, const char *host)
{
	size_t at = begin_rr(m, owner, DNS_T_MX, 1);

	put16(m, pref);
	putname(m, host);
	end_rr(m, at);
}

static void
srv(struct msg *m, const char *owner, unsigned prio, unsigned weight,
    unsigned port, const char *target)
{
	size_t at = begin_rr(m, owner, DNS_T_SRV, 1);

	put16(m, prio);
	put16(m, weight);
	put16(m, port);
	putname(m, target);
	end_rr(m, at);
}

static void
cname(struct msg *m, const char *owner, const char *target)
{
	size_t at = begin_rr(m, owner, DNS_T_CNAME, 1);

	putname(m, target);
	end_rr(m, at);
}

static struct msg m;
static struct dns_answer a;

/* An answer of one MX record for example.com whose exchange is a single
 * label of len raw octets. */
static void
mx_raw_label(const char *label, size_t len)
{
	size_t at;

	start(&m, 0, 1, "example.com", DNS_T_MX);
	at = begin_rr(&m, "example.com", DNS_T_MX, 1);
	put16(&m, 10);
	put8(&m, (unsigned)len);
	memcpy(m.b + m.n, label, len);
	m.n += len;
	put8(&m, 0);
	end_rr(&m, at);
}

TEST(mx_records)
{
	start(&m, 0, 2, "Example.COM", DNS_T_MX);
	mx(&m, "example.com", 10, "MX1.Example.com");
	mx(&m, "EXAMPLE.com", 20, "mx2.example.com");
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FOUND);
	T_EQ(a.n, 2);
	T_EQ(a.rr[0].pref, 10);
	T_STREQ(a.rr[0].host, "mx1.example.com");
	T_EQ(a.rr[1].pref, 20);
	T_STREQ(a.rr[1].host, "mx2.example.com");
}

TEST(srv_records)
{
	const char *q = "_submissions._tcp.example.org";

	start(&m, 0, 2, q, DNS_T_SRV);
	srv(&m, q, 5, 60, 465, "mail.example.org");
	srv(&m, q, 0, 0, 0, "");	/* "." : no service */
	T_EQ(dns_parse(m.b, m.n, q, DNS_T_SRV, &a), DNS_FOUND);
	T_EQ(a.n, 2);
	T_EQ(a.rr[0].pref, 5);
	T_EQ(a.rr[0].weight, 60);
	T_EQ(a.rr[0].port, 465);
	T_STREQ(a.rr[0].host, "mail.example.org");
	T_STREQ(a.rr[1].host, ".");
}

TEST(response_codes)
{
	start(&m, 3, 0, "nosuch.example", DNS_T_MX);
	T_EQ(dns_parse(m.b, m.n, "nosuch.example", DNS_T_MX, &a),
	    DNS_NXDOMAIN);
	start(&m, 0, 0, "example.com", DNS_T_MX);
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_NODATA);
	start(&m, 2, 0, "example.com", DNS_T_MX);
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FAIL);
	T_STREQ(a.why, "SERVFAIL");
	start(&m, 5, 0, "example.com", DNS_T_MX);
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FAIL);
	T_STREQ(a.why, "REFUSED");
	start(&m, 4, 0, "example.com", DNS_T_MX);
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FAIL);
	/* A query, not a response. */
	start(&m, 0, 0, "example.com", DNS_T_MX);
	m.b[2] &= 0x7f;
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FAIL);
}

TEST(another_question)
{
	start(&m, 0, 1, "example.net", DNS_T_MX);
	mx(&m, "example.net", 10, "mx.example.net");
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FAIL);
	T_STREQ(a.why, "an answer to another question");
	T_EQ(dns_parse(m.b, m.n, "example.net", DNS_T_SRV, &a), DNS_FAIL);
	T_EQ(dns_parse(m.b, m.n, "example.net", DNS_T_MX, &a), DNS_FOUND);
}

/* Only records of the type and class asked, for the name asked. */
TEST(others_left_out)
{
	size_t at;

	start(&m, 0, 4, "example.com", DNS_T_MX);
	at = begin_rr(&m, "example.com", 1, 1);	/* an A record */
	put16(&m, 0x7f00);
	put16(&m, 1);
	end_rr(&m, at);
	at = begin_rr(&m, "example.com", DNS_T_MX, 3);	/* class CH */
	put16(&m, 1);
	putname(&m, "chaos.example.com");
	end_rr(&m, at);
	mx(&m, "other.example.com", 5, "mx.other.example.com");
	mx(&m, "example.com", 10, "mx.example.com");
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FOUND);
	T_EQ(a.n, 1);
	T_STREQ(a.rr[0].host, "mx.example.com");
}

TEST(cname_chain)
{
	start(&m, 0, 4, "example.com", DNS_T_MX);
	cname(&m, "example.com", "a.example.net");
	cname(&m, "a.example.net", "b.example.net");
	mx(&m, "example.com", 1, "stale.example.com");	/* beside a CNAME */
	mx(&m, "b.example.net", 10, "mx.example.net");
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FOUND);
	T_EQ(a.n, 1);
	T_STREQ(a.rr[0].host, "mx.example.net");
	/* The same records in another order. */
	start(&m, 0, 3, "example.com", DNS_T_MX);
	mx(&m, "b.example.net", 10, "mx.example.net");
	cname(&m, "a.example.net", "b.example.net");
	cname(&m, "example.com", "a.example.net");
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FOUND);
	T_STREQ(a.rr[0].host, "mx.example.net");
	/* A CNAME to a name without records is no data. */
	start(&m, 0, 1, "example.com", DNS_T_MX);
	cname(&m, "example.com", "a.example.net");
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_NODATA);
}

TEST(cname_loop)
{
	start(&m, 0, 2, "example.com", DNS_T_MX);
	cname(&m, "example.com", "a.example.net");
	cname(&m, "a.example.net", "example.com");
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FAIL);
	T_STREQ(a.why, "more than 8 CNAMEs from example.com");
}

/* RFC 1035 4.1.4: the owner as a pointer to the question's name, the
 * exchange as a label and a pointer. */
TEST(compression)
{
	size_t at;

	start(&m, 0, 1, "example.com", DNS_T_MX);
	put16(&m, 0xc00c);
	put16(&m, DNS_T_MX);
	put16(&m, 1);
	put16(&m, 0);
	put16(&m, 300);
	put16(&m, 0);
	at = m.n;
	put16(&m, 10);
	put8(&m, 3);
	memcpy(m.b + m.n, "mx1", 3);
	m.n += 3;
	put16(&m, 0xc00c);
	end_rr(&m, at);
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FOUND);
	T_STREQ(a.rr[0].host, "mx1.example.com");
}

/* A pointer must go back, and further back each time. */
TEST(pointer_loops)
{
	size_t owner;

	/* The owner points at itself. */
	start(&m, 0, 1, "example.com", DNS_T_MX);
	owner = m.n;
	put16(&m, 0xc000 | (unsigned)owner);
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FAIL);
	/* Forwards. */
	start(&m, 0, 1, "example.com", DNS_T_MX);
	put16(&m, 0xc000 | (unsigned)(m.n + 2));
	mx(&m, "example.com", 10, "mx.example.com");
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FAIL);
	/* A name whose pointer goes back to its own start. */
	m.n = 0;
	put16(&m, 1);
	put16(&m, 0x8180);
	put16(&m, 1);
	put16(&m, 0);
	put16(&m, 0);
	put16(&m, 0);
	put8(&m, 1);		/* 12: "x" */
	put8(&m, 'x');
	put16(&m, 0xc00c);	/* 14: back to 12 */
	put16(&m, DNS_T_MX);
	put16(&m, 1);
	T_EQ(dns_parse(m.b, m.n, "x", DNS_T_MX, &a), DNS_FAIL);
	/* 0x40 and 0x80 are no label types. */
	start(&m, 0, 1, "example.com", DNS_T_MX);
	put8(&m, 0x41);
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FAIL);
}

/* Every prefix of a good answer is refused, without a read past it. */
TEST(cut_short)
{
	const char *q = "_submission._tcp.example.org";
	unsigned char *copy;
	size_t len, cut;

	start(&m, 0, 3, q, DNS_T_SRV);
	cname(&m, q, "sub.example.net");
	srv(&m, "sub.example.net", 0, 1, 587, "smtp.example.net");
	srv(&m, "sub.example.net", 1, 1, 587, "backup.example.net");
	len = m.n;
	T_EQ(dns_parse(m.b, len, q, DNS_T_SRV, &a), DNS_FOUND);
	T_EQ(a.n, 2);
	for (cut = 0; cut < len; cut++) {
		/* Exactly cut octets, so that ASan sees a read past them. */
		if ((copy = malloc(cut > 0 ? cut : 1)) == NULL)
			return;
		memcpy(copy, m.b, cut);
		if (dns_parse(copy, cut, q, DNS_T_SRV, &a) != DNS_FAIL)
			T_FAIL_("cut at %zu of %zu: not refused", cut, len);
		free(copy);
	}
}

/* A name that is not host-name text, or too long, is malformed. */
TEST(bad_names)
{
	char longname[300];
	int i;

	mx_raw_label("mx\nzz", 5);
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FAIL);
	T_STREQ(a.why, "malformed MX record");
	mx_raw_label("a.b", 3);	/* a dot inside a label */
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FAIL);
	mx_raw_label("a\\b", 3);
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FAIL);
	mx_raw_label("a\0b", 3);
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FAIL);
	mx_raw_label("mx_1", 4);	/* taken here; configure.c judges */
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FOUND);
	/* 254 characters of text: one too many. */
	for (i = 0; i < 127; i++)
		memcpy(longname + 2 * i, "a.", 2);
	longname[253] = 'b';
	longname[254] = '\0';
	start(&m, 0, 1, "example.com", DNS_T_MX);
	mx(&m, "example.com", 10, longname);
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FAIL);
	longname[252] = '\0';	/* 252 octets, the last label "ab" */
	longname[251] = 'b';
	start(&m, 0, 1, "example.com", DNS_T_MX);
	mx(&m, "example.com", 10, longname);
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FOUND);
	T_EQ(strlen(a.rr[0].host), 252);
}

/* RDLENGTH must be what the data holds. */
TEST(rdata_length)
{
	start(&m, 0, 1, "example.com", DNS_T_MX);
	mx(&m, "example.com", 10, "mx.example.com");
	m.b[m.n - 19] = 19;	/* RDLENGTH 2 + 16 -> 19, one octet more */
	put8(&m, 0);
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FAIL);
	T_STREQ(a.why, "malformed MX record");
	start(&m, 0, 1, "_s._tcp.example.com", DNS_T_SRV);
	srv(&m, "_s._tcp.example.com", 0, 0, 25, "");
	m.b[m.n - 8] = 6;	/* RDLENGTH 7 -> 6: no room for a target */
	m.n--;
	T_EQ(dns_parse(m.b, m.n, "_s._tcp.example.com", DNS_T_SRV, &a),
	    DNS_FAIL);
}

TEST(at_most_rr_max)
{
	char host[32];
	int i;

	start(&m, 0, 20, "example.com", DNS_T_MX);
	for (i = 0; i < 20; i++) {
		snprintf(host, sizeof(host), "mx%d.example.com", i);
		mx(&m, "example.com", (unsigned)i, host);
	}
	T_EQ(dns_parse(m.b, m.n, "example.com", DNS_T_MX, &a), DNS_FOUND);
	T_EQ(a.n, DNS_RR_MAX);
	T_STREQ(a.rr[DNS_RR_MAX - 1].host, "mx15.example.com");
}

TEST_MAIN("t_dns", {
	RUN(mx_records);
	RUN(srv_records);
	RUN(response_codes);
	RUN(another_question);
	RUN(others_left_out);
	RUN(cname_chain);
	RUN(cname_loop);
	RUN(compression);
	RUN(pointer_loops);
	RUN(cut_short);
	RUN(bad_names);
	RUN(rdata_length);
	RUN(at_most_rr_max);
})
