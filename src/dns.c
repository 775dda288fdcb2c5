/* relaymail: the DNS answers sendmail --configure reads. ISC licence, see
 * LICENSE.
 * The response parser (memory in, records out) and the one call to the
 * system's resolver. Every read is checked against the message's length
 * before it is made, and names are read by dns_name() alone. */
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netdb.h>
#include <resolv.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dns.h"

#define DNS_HEADER	12	/* octets: id, flags, four counts */
#define DNS_CLASS_IN	1
#define DNS_FLAG_QR	0x8000	/* a response */

/* A response being read: every offset into it is below len before use. */
struct dns_msg {
	const unsigned char *p;
	size_t	 len;
};

/* One resource record: its owner and where its data stands. */
struct dns_rec {
	char	 owner[DNS_NAME_MAX + 1];
	unsigned type, class;
	size_t	 rdata, rdlen;	/* offset and length of the data */
};

static unsigned
dns_u16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static enum dns_status
dns_fail(struct dns_answer *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->why, sizeof(a->why), fmt, ap);
	va_end(ap);
	a->n = 0;
	return a->status = DNS_FAIL;
}

/* The name at off into out (DNS_NAME_MAX + 1 octets) as lower-case text
 * without the final dot ("" for the root), and in *next the offset just
 * after it as it stands at off (a compression pointer ends it). 0, or -1
 * when it is malformed. */
static int
dns_name(const struct dns_msg *m, size_t off, char *out, size_t *next)
{
	size_t o = 0, limit = off, i;
	int jumped = 0;
	unsigned b;

	for (;;) {
		if (off >= m->len)
			return -1;
		b = m->p[off];
		if ((b & 0xc0) == 0xc0) {
			if (off + 1 >= m->len)
				return -1;
			if (!jumped)
				*next = off + 2;
			jumped = 1;
			/* RFC 1035 4.1.4 points to a prior occurrence: each
			 * pointer must go below the name's start and below
			 * the last one, so that the walk ends. */
			off = (size_t)(b & 0x3f) << 8 | m->p[off + 1];
			if (off >= limit)
				return -1;
			limit = off;
			continue;
		}
		if (b == 0)
			break;
		if ((b & 0xc0) != 0 || off + 1 + b > m->len ||
		    o + (o > 0) + b > DNS_NAME_MAX)
			return -1;	/* 0x40, 0x80: no such label type */
		if (o > 0)
			out[o++] = '.';
		for (i = 1; i <= b; i++) {
			unsigned char ch = m->p[off + i];
			/* Host names, and the _service labels of SRV. */
			if (ch <= ' ' || ch >= 0x7f || ch == '.' || ch == '\\')
				return -1;
			out[o++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
		}
		off += 1 + b;
	}
	out[o] = '\0';
	if (!jumped)
		*next = off + 1;
	return 0;
}

/* The record at *off into r; *off moves past it. 0 or -1. */
static int
dns_rec(const struct dns_msg *m, size_t *off, struct dns_rec *r)
{
	size_t p;

	if (dns_name(m, *off, r->owner, &p) == -1 || p + 10 > m->len)
		return -1;
	r->type = dns_u16(m->p + p);
	r->class = dns_u16(m->p + p + 2);
	r->rdlen = dns_u16(m->p + p + 8);	/* after the 32-bit TTL */
	r->rdata = p + 10;
	if (r->rdata + r->rdlen > m->len)
		return -1;
	*off = r->rdata + r->rdlen;
	return 0;
}

/* A name that fills the record's data from at on: 0, or -1. */
static int
dns_rdata_name(const struct dns_msg *m, const struct dns_rec *r, size_t at,
    char *out)
{
	size_t end;

	if (at >= r->rdata + r->rdlen || dns_name(m, at, out, &end) == -1 ||
	    end != r->rdata + r->rdlen)
		return -1;
	if (out[0] == '\0')
		strcpy(out, ".");
	return 0;
}

/* An MX (RFC 1035 3.3.9) or SRV (RFC 2782) record's data into rr. */
static int
dns_rdata(const struct dns_msg *m, const struct dns_rec *r, int qtype,
    struct dns_rr *rr)
{
	const unsigned char *d = m->p + r->rdata;

	memset(rr, 0, sizeof(*rr));
	if (qtype == DNS_T_MX) {
		if (r->rdlen < 3)
			return -1;
		rr->pref = dns_u16(d);
		return dns_rdata_name(m, r, r->rdata + 2, rr->host);
	}
	if (r->rdlen < 7)
		return -1;
	rr->pref = dns_u16(d);
	rr->weight = dns_u16(d + 2);
	rr->port = dns_u16(d + 4);
	return dns_rdata_name(m, r, r->rdata + 6, rr->host);
}

/* The end of the CNAME chain from qname among the an records at off,
 * into name: 0, or -1 with a->why. */
static int
dns_chain(const struct dns_msg *m, size_t answers, unsigned an,
    const char *qname, char *name, struct dns_answer *a)
{
	struct dns_rec r;
	size_t off;
	unsigned i;
	int hops;

	snprintf(name, DNS_NAME_MAX + 1, "%s", qname);
	for (hops = 0;; hops++) {
		for (off = answers, i = 0; i < an; i++) {
			if (dns_rec(m, &off, &r) == -1)
				goto malformed;
			if (r.type == DNS_T_CNAME && r.class == DNS_CLASS_IN &&
			    strcasecmp(r.owner, name) == 0)
				break;
		}
		if (i == an)
			return 0;
		if (hops == DNS_CNAME_MAX) {
			dns_fail(a, "more than %d CNAMEs from %s",
			    DNS_CNAME_MAX, qname);
			return -1;
		}
		if (dns_rdata_name(m, &r, r.rdata, name) == -1)
			goto malformed;
	}
malformed:
	dns_fail(a, "malformed answer");
	return -1;
}

/* see dns.h */
enum dns_status
dns_parse(const unsigned char *msg, size_t len, const char *qname,
    int qtype, struct dns_answer *a)
{
	struct dns_msg m = { msg, len };
	struct dns_rec r;
	char name[DNS_NAME_MAX + 1];
	size_t off;
	unsigned flags, an, i;

	memset(a, 0, sizeof(*a));
	if (len < DNS_HEADER)
		return dns_fail(a, "malformed answer (%zu octets)", len);
	flags = dns_u16(msg + 2);
	if (!(flags & DNS_FLAG_QR) || (flags >> 11 & 0xf) != 0)
		return dns_fail(a, "malformed answer (not a response to a "
		    "query)");
	switch (flags & 0xf) {	/* RCODE, RFC 1035 4.1.1 */
	case 0:
		break;
	case 2:
		return dns_fail(a, "SERVFAIL");
	case 3:
		return a->status = DNS_NXDOMAIN;
	case 5:
		return dns_fail(a, "REFUSED");
	default:
		return dns_fail(a, "response code %u", flags & 0xf);
	}
	if (dns_u16(msg + 4) != 1 || dns_name(&m, DNS_HEADER, name, &off) ==
	    -1 || off + 4 > len)
		return dns_fail(a, "malformed answer (its question)");
	if (strcasecmp(name, qname) != 0 || dns_u16(msg + off) !=
	    (unsigned)qtype || dns_u16(msg + off + 2) != DNS_CLASS_IN)
		return dns_fail(a, "an answer to another question");
	off += 4;
	an = dns_u16(msg + 6);
	if (dns_chain(&m, off, an, qname, name, a) == -1)
		return DNS_FAIL;
	for (i = 0; i < an; i++) {
		if (dns_rec(&m, &off, &r) == -1)
			return dns_fail(a, "malformed answer");
		if (r.type != (unsigned)qtype || r.class != DNS_CLASS_IN ||
		    strcasecmp(r.owner, name) != 0 || a->n == DNS_RR_MAX)
			continue;
		if (dns_rdata(&m, &r, qtype, &a->rr[a->n]) == -1)
			return dns_fail(a, "malformed %s record",
			    qtype == DNS_T_MX ? "MX" : "SRV");
		a->n++;
	}
	return a->status = a->n > 0 ? DNS_FOUND : DNS_NODATA;
}

/* see dns.h */
enum dns_status
dns_lookup(const char *qname, int qtype, struct dns_answer *a)
{
	unsigned char buf[DNS_MSG_MAX];
	int n;

	h_errno = 0;
	errno = 0;
	n = res_query(qname, DNS_CLASS_IN, qtype, buf, sizeof(buf));
	if (n >= 0)	/* glibc returns the whole length of a longer reply */
		return dns_parse(buf, (size_t)n < sizeof(buf) ? (size_t)n :
		    sizeof(buf), qname, qtype, a);
	memset(a, 0, sizeof(*a));
	switch (h_errno) {
	case HOST_NOT_FOUND:
		return a->status = DNS_NXDOMAIN;
	case NO_DATA:
		return a->status = DNS_NODATA;
	case TRY_AGAIN:
		return dns_fail(a, "no answer (a timeout, or SERVFAIL)");
	case NO_RECOVERY:
		return dns_fail(a, "the name server refused the question");
	default:
		return dns_fail(a, "the resolver could not ask (%s)",
		    errno ? strerror(errno) : "see /etc/resolv.conf");
	}
}
