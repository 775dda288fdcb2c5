/* relaymail: is this certificate for this host? ISC licence.
 * Our own name check, stricter than BearSSL 0.6's and equal to OpenSSL 3's
 * defaults: dNSName SANs, or the subject CN when there is no dNSName (as
 * OpenSSL does); a wildcard only as the whole left-most label with at least
 * two labels after it; ASCII only, case-insensitive. Also the name
 * constraints of a CA (RFC 5280 4.2.1.10) on DNS and IP names. Pure. */
#include <string.h>
#include <strings.h>

#include "tls_der.h"
#include "tls_int.h"

#define TLS_NAME_SAN_DNS	0x82	/* [2] IMPLICIT IA5String */
#define TLS_NAME_SAN_IP		0x87	/* [7] IMPLICIT OCTET STRING */

/* see tls_int.h */
int
tls_name_host(const char *host, char *out, size_t outlen)
{
	size_t n = strlen(host), i;

	/* An absolute name "mail.example.com." is the same host. */
	if (n > 1 && host[n - 1] == '.')
		n--;
	if (n == 0 || n >= outlen)
		return -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)host[i] >= 0x80 || host[i] <= ' ')
			return -1;	/* IDNs must be given as xn-- */
	memcpy(out, host, n);
	out[n] = '\0';
	return 0;
}

static int
tls_name_eq(const unsigned char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && strncasecmp((const char *)a, b, alen) == 0;
}

/* One certificate name (a dNSName or a CN) against the host. */
static int
tls_name_match(const unsigned char *pat, size_t plen, const char *host)
{
	const char *rest;
	size_t i, dots = 0;

	if (plen > 1 && pat[plen - 1] == '.')
		plen--;
	if (memchr(pat, 0, plen) != NULL)
		return 0;		/* "good.com\0.evil" */
	if (plen > 2 && pat[0] == '*' && pat[1] == '.') {
		for (i = 2; i < plen; i++)
			if (pat[i] == '.' || pat[i] == '*')
				dots += pat[i] == '.' ? 1 : 100;
		/* "*.com" (one label after) and "*.*.x.y" never match. */
		if (dots < 1 || dots >= 100)
			return 0;
		if ((rest = strchr(host, '.')) == NULL || rest == host)
			return 0;
		return tls_name_eq(pat + 1, plen - 1, rest, strlen(rest));
	}
	if (memchr(pat, '*', plen) != NULL)
		return 0;		/* partial wildcards: refused */
	return tls_name_eq(pat, plen, host, strlen(host));
}

/* The GeneralNames of dc's subjectAltName as [*p, *end): 0, or -1 when
 * it has none. */
static int
tls_name_san(const struct der_cert *dc, const unsigned char **p,
    const unsigned char **end)
{
	const unsigned char *val;
	unsigned tag;
	size_t len;

	*p = dc->san;
	if (dc->san == NULL || der_next(p, dc->san + dc->san_len, &tag, &val,
	    &len) == -1 || tag != 0x30)
		return -1;
	*p = val;
	*end = val + len;
	return 0;
}

/* see tls_int.h */
int
tls_name_check(const struct der_cert *dc, const char *host)
{
	const unsigned char *p, *end, *val;
	unsigned tag;
	size_t len;
	int dns = 0;

	if (tls_name_san(dc, &p, &end) == 0)
		while (der_next(&p, end, &tag, &val, &len) == 0) {
			if (tag != TLS_NAME_SAN_DNS)
				continue;
			dns = 1;
			if (tls_name_match(val, len, host))
				return 1;
		}
	/* No dNSName at all: the CN is the name (RFC 6125 6.4.4). */
	if (!dns && der_name_cn(dc->subject, dc->subject_len, &val,
	    &len) == 0)
		return tls_name_match(val, len, host);
	return 0;
}

/* Is the DNS name within the subtree base? "example.com" holds itself
 * and its subdomains, ".example.com" only the subdomains, "" all. */
static int
tls_nc_dns(const unsigned char *base, size_t blen,
    const unsigned char *name, size_t nlen)
{
	const unsigned char *tail;

	if (blen == 0)
		return 1;
	if (nlen < blen)
		return 0;
	tail = name + nlen - blen;
	if (strncasecmp((const char *)tail, (const char *)base, blen) != 0)
		return 0;
	return base[0] == '.' ? nlen > blen : nlen == blen ||
	    tail[-1] == '.';
}

/* Is the address within base (address then mask, 8 or 32 bytes)? */
static int
tls_nc_ip(const unsigned char *base, size_t blen,
    const unsigned char *ip, size_t iplen)
{
	size_t i;

	if (blen != iplen * 2)
		return 0;
	for (i = 0; i < iplen; i++)
		if ((ip[i] & base[iplen + i]) != (base[i] & base[iplen + i]))
			return 0;
	return 1;
}

/* Is the name (of type tag) within one of the GeneralSubtrees of that
 * type? *seen says whether there was a subtree of that type. */
static int
tls_nc_within(const unsigned char *trees, size_t tlen, unsigned tag,
    const unsigned char *name, size_t nlen, int *seen)
{
	const unsigned char *p = trees, *end = trees + tlen, *q, *v, *b;
	unsigned t, bt;
	size_t len, blen;

	*seen = 0;
	while (der_next(&p, end, &t, &v, &len) == 0) {
		q = v;
		if (t != 0x30 || der_next(&q, v + len, &bt, &b, &blen) == -1 ||
		    bt != tag)
			continue;
		*seen = 1;
		if (tag == TLS_NAME_SAN_DNS ? tls_nc_dns(b, blen, name, nlen) :
		    tls_nc_ip(b, blen, name, nlen))
			return 1;
	}
	return 0;
}

/* One name against the permitted [0] and excluded [1] subtrees. */
static int
tls_nc_name(const unsigned char *nc, size_t nclen, unsigned tag,
    const unsigned char *name, size_t nlen)
{
	const unsigned char *p = nc, *end = nc + nclen, *v;
	unsigned t;
	size_t len;
	int seen;

	if (der_next(&p, end, &t, &v, &len) == -1 || t != 0x30)
		return 0;
	p = v;
	end = v + len;
	while (der_next(&p, end, &t, &v, &len) == 0) {
		int in = tls_nc_within(v, len, tag, name, nlen, &seen);
		if (t == 0xa0 && seen && !in)
			return 0;	/* not in any permitted subtree */
		if (t == 0xa1 && in)
			return 0;	/* in an excluded one */
	}
	return 1;
}

/* see tls_int.h */
int
tls_name_constraints_ok(const unsigned char *nc, size_t nclen,
    const struct der_cert *dc)
{
	const unsigned char *p, *end, *val;
	unsigned tag;
	size_t len;
	int dns = 0;

	if (tls_name_san(dc, &p, &end) == 0)
		while (der_next(&p, end, &tag, &val, &len) == 0) {
			if (tag != TLS_NAME_SAN_DNS && tag != TLS_NAME_SAN_IP)
				continue;
			dns |= tag == TLS_NAME_SAN_DNS;
			if (!tls_nc_name(nc, nclen, tag, val, len))
				return 0;
		}
	/* A CN that serves as the host name is constrained too. */
	if (!dns && der_name_cn(dc->subject, dc->subject_len, &val,
	    &len) == 0 && memchr(val, '.', len) != NULL)
		return tls_nc_name(nc, nclen, TLS_NAME_SAN_DNS, val, len);
	return 1;
}
