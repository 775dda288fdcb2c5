/* relaymail: just enough DER to explain a certificate. ISC licence.
 * A reader is (p, end); der_get() takes one element and moves on. Only
 * definite lengths up to 4 length octets are accepted. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tls_der.h"

struct el {
	unsigned tag;
	const unsigned char *start;	/* the whole element */
	const unsigned char *val;	/* its contents */
	size_t	 len;			/* contents length */
	size_t	 total;
};

static int
der_get(const unsigned char **p, const unsigned char *end, struct el *e)
{
	const unsigned char *q = *p;
	size_t len = 0, n, i;

	if (q >= end || end - q < 2)
		return -1;
	e->start = q;
	e->tag = *q++;
	if ((e->tag & 0x1f) == 0x1f)
		return -1;	/* high tag numbers: not in certificates */
	if (*q < 0x80)
		len = *q++;
	else {
		n = *q++ & 0x7f;
		if (n == 0 || n > 4 || (size_t)(end - q) < n)
			return -1;
		for (i = 0; i < n; i++)
			len = (len << 8) | *q++;
	}
	if ((size_t)(end - q) < len)
		return -1;
	e->val = q;
	e->len = len;
	e->total = (size_t)(q - e->start) + len;
	*p = q + len;
	return 0;
}

/* The tag and length of the element at *p when its contents may run past
 * end (a certificate read so far): *p moves to its contents. 0, 1 when
 * more bytes are needed to read the header, -1 when it is malformed. */
static int
der_head(const unsigned char **p, const unsigned char *end, unsigned *tag,
    size_t *len)
{
	const unsigned char *q = *p;
	size_t n, i;

	if (end - q < 2)
		return 1;
	*tag = *q++;
	if ((*tag & 0x1f) == 0x1f)
		return -1;
	*len = 0;
	if (*q < 0x80)
		*len = *q++;
	else {
		n = *q++ & 0x7f;
		if (n == 0 || n > 4)
			return -1;
		if ((size_t)(end - q) < n)
			return 1;
		for (i = 0; i < n; i++)
			*len = (*len << 8) | *q++;
	}
	*p = q;
	return 0;
}

/* see tls_der.h */
int
der_cert_subject(const unsigned char *der, size_t len,
    const unsigned char **subject, size_t *subject_len)
{
	const unsigned char *p = der, *end = der + len, *start;
	unsigned tag;
	size_t elen;
	int i, r;

	/* Certificate, then TBSCertificate: their headers only. */
	for (i = 0; i < 2; i++)
		if ((r = der_head(&p, end, &tag, &elen)) != 0 || tag != 0x30)
			return r == 1 ? 0 : -1;
	/* [0] version, serial, signature, issuer, validity, subject. */
	for (i = 0; i < 6; i++) {
		start = p;
		if ((r = der_head(&p, end, &tag, &elen)) != 0)
			return r == 1 ? 0 : -1;
		if (i == 0 && tag != 0xa0)
			i++;		/* v1: no version, this is the serial */
		if ((size_t)(end - p) < elen)
			return 0;
		p += elen;
		if (i == 5) {
			if (tag != 0x30)
				return -1;
			*subject = start;
			*subject_len = (size_t)(p - start);
			return 1;
		}
	}
	return -1;
}

/* YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ to time_t (UTC). */
static time_t
der_time(const struct el *e)
{
	struct tm tm;
	const unsigned char *s = e->val;
	int v[7], i, n = e->tag == 0x17 ? 6 : 7, k = 0;

	if ((e->tag != 0x17 && e->tag != 0x18) || e->len < (size_t)n * 2 + 1)
		return (time_t)-1;
	for (i = 0; i < 7; i++)
		v[i] = 0;
	if (e->tag == 0x18) {
		for (i = 0; i < 4; i++) {
			if (s[i] < '0' || s[i] > '9')
				return (time_t)-1;
			v[0] = v[0] * 10 + (s[i] - '0');
		}
		k = 4;
	} else {
		if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
			return (time_t)-1;
		v[0] = (s[0] - '0') * 10 + (s[1] - '0');
		v[0] += v[0] < 50 ? 2000 : 1900;	/* RFC 5280 4.1.2.5.1 */
		k = 2;
	}
	for (i = 1; i < 6; i++, k += 2) {
		if (s[k] < '0' || s[k] > '9' || s[k + 1] < '0' ||
		    s[k + 1] > '9')
			return (time_t)-1;
		v[i] = (s[k] - '0') * 10 + (s[k + 1] - '0');
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	return timegm(&tm);
}

static const unsigned char oid_san[] = { 0x55, 0x1d, 0x11 };
static const unsigned char oid_eku[] = { 0x55, 0x1d, 0x25 };
static const unsigned char oid_nc[] = { 0x55, 0x1d, 0x1e };
static const unsigned char oid_bc[] = { 0x55, 0x1d, 0x13 };

/* The [3] extensions element: finds subjectAltName and extKeyUsage. */
static int
der_cert_exts(const struct el *e, struct der_cert *c)
{
	const unsigned char *x = e->val, *xend, *y;
	struct el exts, ext, oid, val;
	int crit;

	if (der_get(&x, e->val + e->len, &exts) == -1 || exts.tag != 0x30)
		return -1;
	x = exts.val;
	xend = exts.val + exts.len;
	while (x < xend) {
		if (der_get(&x, xend, &ext) == -1 || ext.tag != 0x30)
			return -1;
		y = ext.val;
		if (der_get(&y, ext.val + ext.len, &oid) == -1 ||
		    oid.tag != 0x06)
			return -1;
		if (oid.len != 3 || (memcmp(oid.val, oid_san, 3) != 0 &&
		    memcmp(oid.val, oid_eku, 3) != 0 &&
		    memcmp(oid.val, oid_nc, 3) != 0 &&
		    memcmp(oid.val, oid_bc, 3) != 0))
			continue;
		if (der_get(&y, ext.val + ext.len, &val) == -1)
			return -1;
		crit = val.tag == 0x01 && val.len == 1 && val.val[0] != 0;
		if (val.tag == 0x01 && der_get(&y, ext.val + ext.len,
		    &val) == -1)	/* critical flag */
			return -1;
		if (val.tag != 0x04)
			return -1;
		/* The value: a GeneralNames, NameConstraints or
		 * KeyPurposeId SEQUENCE. */
		if (oid.val[2] == oid_san[2]) {
			c->san = val.val;
			c->san_len = val.len;
		} else if (oid.val[2] == oid_nc[2]) {
			c->nc = val.val;
			c->nc_len = val.len;
			c->nc_critical = crit;
		} else if (oid.val[2] == oid_bc[2]) {
			/* SEQUENCE { cA BOOLEAN DEFAULT FALSE, ... } */
			const unsigned char *b = val.val;
			struct el bc, ca;
			if (der_get(&b, val.val + val.len, &bc) == 0 &&
			    bc.tag == 0x30 && (b = bc.val, der_get(&b,
			    bc.val + bc.len, &ca) == 0) && ca.tag == 0x01 &&
			    ca.len == 1 && ca.val[0] != 0)
				c->ca = 1;
		} else {
			c->eku = val.val;
			c->eku_len = val.len;
		}
	}
	return 0;
}

/* The OID of an AlgorithmIdentifier SEQUENCE. */
static int
der_alg_oid(const struct el *alg, const unsigned char **oid, size_t *len)
{
	const unsigned char *p = alg->val;
	struct el o;

	if (alg->tag != 0x30 || der_get(&p, alg->val + alg->len, &o) == -1 ||
	    o.tag != 0x06)
		return -1;
	*oid = o.val;
	*len = o.len;
	return 0;
}

/* see tls_der.h */
int
der_cert_parse(const unsigned char *der, size_t len, struct der_cert *c)
{
	const unsigned char *p = der, *end = der + len, *q, *qend;
	struct el cert, tbs, e, validity, t1, t2;

	memset(c, 0, sizeof(*c));
	c->not_before = c->not_after = (time_t)-1;
	if (der_get(&p, end, &cert) == -1 || cert.tag != 0x30)
		return -1;
	p = cert.val;
	end = cert.val + cert.len;
	if (der_get(&p, end, &tbs) == -1 || tbs.tag != 0x30)
		return -1;
	c->tbs = tbs.start;
	c->tbs_len = tbs.total;
	/* signatureAlgorithm, then the BIT STRING (no unused bits). */
	if (der_get(&p, end, &e) == 0 && der_get(&p, end, &e) == 0 &&
	    e.tag == 0x03 && e.len > 1 && e.val[0] == 0) {
		c->sig = e.val + 1;
		c->sig_len = e.len - 1;
	}
	q = tbs.val;
	qend = tbs.val + tbs.len;
	if (der_get(&q, qend, &e) == -1)
		return -1;
	if (e.tag == 0xa0 && der_get(&q, qend, &e) == -1)	/* version */
		return -1;
	/* e is the serial number; then signature, issuer, validity... */
	if (der_get(&q, qend, &e) == -1 || der_alg_oid(&e, &c->sigalg,
	    &c->sigalg_len) == -1)			/* signature alg */
		return -1;
	if (der_get(&q, qend, &e) == -1 || e.tag != 0x30)
		return -1;
	c->issuer = e.start;
	c->issuer_len = e.total;
	if (der_get(&q, qend, &validity) == -1 || validity.tag != 0x30)
		return -1;
	p = validity.val;
	if (der_get(&p, validity.val + validity.len, &t1) == 0 &&
	    der_get(&p, validity.val + validity.len, &t2) == 0) {
		c->not_before = der_time(&t1);
		c->not_after = der_time(&t2);
	}
	if (der_get(&q, qend, &e) == -1 || e.tag != 0x30)
		return -1;
	c->subject = e.start;
	c->subject_len = e.total;
	if (der_get(&q, qend, &e) == -1 || e.tag != 0x30)
		return -1;
	c->spki = e.start;
	c->spki_len = e.total;
	p = e.val;
	if (der_get(&p, e.val + e.len, &t1) == -1 || der_alg_oid(&t1,
	    &c->keyalg, &c->keyalg_len) == -1)
		return -1;
	while (q < qend) {
		if (der_get(&q, qend, &e) == -1)
			return -1;
		if (e.tag == 0xa3 && der_cert_exts(&e, c) == -1)
			return -1;
	}
	return 0;
}

/* see tls_der.h */
int
der_next(const unsigned char **p, const unsigned char *end, unsigned *tag,
    const unsigned char **val, size_t *len)
{
	struct el e;

	if (*p >= end || der_get(p, end, &e) == -1)
		return -1;
	*tag = e.tag;
	*val = e.val;
	*len = e.len;
	return 0;
}

/* see tls_der.h */
int
der_name_cn(const unsigned char *name, size_t len,
    const unsigned char **cn, size_t *cnlen)
{
	const unsigned char *p = name, *end = name + len, *q;
	struct el seq, set, atv, oid, val;

	*cn = NULL;
	if (der_get(&p, end, &seq) == -1 || seq.tag != 0x30)
		return -1;
	p = seq.val;
	end = seq.val + seq.len;
	while (p < end && der_get(&p, end, &set) == 0) {
		q = set.val;
		if (der_get(&q, set.val + set.len, &atv) == -1)
			return -1;
		q = atv.val;
		if (der_get(&q, atv.val + atv.len, &oid) == -1 ||
		    der_get(&q, atv.val + atv.len, &val) == -1)
			return -1;
		/* 2.5.4.3; the last one is the most specific. */
		if (oid.len == 3 && memcmp(oid.val, "\x55\x04\x03", 3) == 0) {
			*cn = val.val;
			*cnlen = val.len;
		}
	}
	return *cn != NULL ? 0 : -1;
}

static void
append(char *out, size_t outlen, const char *s, size_t n)
{
	size_t o = strlen(out), i;

	for (i = 0; i < n && o + 1 < outlen; i++) {
		unsigned char ch = (unsigned char)s[i];
		out[o++] = ch < 0x20 || ch >= 0x7f ? '?' : (char)ch;
	}
	out[o] = '\0';
}

/* see tls_der.h */
void
der_name_string(const unsigned char *name, size_t len, char *out,
    size_t outlen)
{
	static const struct { unsigned char id; const char *label; } attrs[] = {
		{ 3, "CN" }, { 10, "O" }, { 11, "OU" }, { 6, "C" },
	};
	const unsigned char *p = name, *end = name + len;
	struct el seq, set, atv, oid, val;
	size_t k;

	out[0] = '\0';
	if (der_get(&p, end, &seq) == -1 || seq.tag != 0x30)
		return;
	p = seq.val;
	end = seq.val + seq.len;
	while (p < end && der_get(&p, end, &set) == 0) {
		const unsigned char *q = set.val;
		if (der_get(&q, set.val + set.len, &atv) == -1)
			return;
		q = atv.val;
		if (der_get(&q, atv.val + atv.len, &oid) == -1 ||
		    der_get(&q, atv.val + atv.len, &val) == -1)
			return;
		if (oid.len != 3 || oid.val[0] != 0x55 || oid.val[1] != 0x04)
			continue;
		for (k = 0; k < sizeof(attrs) / sizeof(attrs[0]); k++) {
			if (attrs[k].id != oid.val[2])
				continue;
			if (out[0] != '\0')
				append(out, outlen, ", ", 2);
			append(out, outlen, attrs[k].label,
			    strlen(attrs[k].label));
			append(out, outlen, "=", 1);
			append(out, outlen, (const char *)val.val, val.len);
		}
	}
}

/* see tls_der.h */
int
der_san_has_ip(const unsigned char *san, size_t len,
    const unsigned char *ip, size_t iplen)
{
	const unsigned char *p = san, *end;
	struct el seq, gn;

	if (san == NULL)
		return 0;
	end = san + len;
	if (der_get(&p, end, &seq) == -1 || seq.tag != 0x30)
		return 0;
	p = seq.val;
	end = seq.val + seq.len;
	while (p < end && der_get(&p, end, &gn) == 0)
		if (gn.tag == 0x87 && gn.len == iplen &&
		    memcmp(gn.val, ip, iplen) == 0)
			return 1;
	return 0;
}

/* see tls_der.h */
int
der_eku_allows_server(const unsigned char *eku, size_t len)
{
	/* 1.3.6.1.5.5.7.3.1 serverAuth; 2.5.29.37.0 anyExtendedKeyUsage */
	static const unsigned char server[] = { 0x2b, 0x06, 0x01, 0x05,
	    0x05, 0x07, 0x03, 0x01 };
	static const unsigned char any[] = { 0x55, 0x1d, 0x25, 0x00 };
	const unsigned char *p = eku, *end;
	struct el seq, oid;

	if (eku == NULL)
		return 1;
	end = eku + len;
	if (der_get(&p, end, &seq) == -1 || seq.tag != 0x30)
		return 0;
	p = seq.val;
	end = seq.val + seq.len;
	while (p < end && der_get(&p, end, &oid) == 0)
		if (oid.tag == 0x06 && ((oid.len == sizeof(server) &&
		    memcmp(oid.val, server, sizeof(server)) == 0) ||
		    (oid.len == sizeof(any) && memcmp(oid.val, any,
		    sizeof(any)) == 0)))
			return 1;
	return 0;
}

/* see tls_der.h */
void
der_san_string(const unsigned char *san, size_t len, char *out,
    size_t outlen)
{
	const unsigned char *p = san, *end;
	struct el seq, gn;
	char ip[64];

	out[0] = '\0';
	if (san == NULL)
		return;
	end = san + len;
	if (der_get(&p, end, &seq) == -1 || seq.tag != 0x30)
		return;
	p = seq.val;
	end = seq.val + seq.len;
	while (p < end && der_get(&p, end, &gn) == 0) {
		if (gn.tag == 0x82) {
			if (out[0] != '\0')
				append(out, outlen, ", ", 2);
			append(out, outlen, (const char *)gn.val, gn.len);
		} else if (gn.tag == 0x87 && gn.len == 4) {
			snprintf(ip, sizeof(ip), "%s%u.%u.%u.%u",
			    out[0] ? ", " : "", gn.val[0], gn.val[1],
			    gn.val[2], gn.val[3]);
			append(out, outlen, ip, strlen(ip));
		} else if (gn.tag == 0x87 && gn.len == 16) {
			append(out, outlen, out[0] ? ", IPv6" : "IPv6", out[0] ?
			    6 : 4);
		}
	}
}

/* see tls_der.h */
void
der_time_string(time_t t, char *out, size_t outlen)
{
	struct tm tm;

	if (t == (time_t)-1 || gmtime_r(&t, &tm) == NULL) {
		snprintf(out, outlen, "an unreadable date");
		return;
	}
	strftime(out, outlen, "%Y-%m-%d %H:%M:%S UTC", &tm);
}
