/* relaymail: trust anchors from a CA bundle or directory. ISC licence.
 * Anchors are read only when a handshake needs them, and only the CA
 * certificates whose subject is wanted (an issuer in the server's chain)
 * are decoded: a 140-certificate bundle is scanned, not decoded. Every
 * anchor owns copies of its name and key, freed by tls_anchors_free. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls_der.h"
#include "tls_int.h"

static unsigned char *
tls_anchor_dup(const unsigned char *p, size_t n)
{
	unsigned char *q = malloc(n ? n : 1);

	if (q != NULL)
		memcpy(q, p, n);
	return q;
}

static int
tls_anchor_wanted(const struct tls_anchors *a, const struct der_cert *dc)
{
	int i;

	if (a->nwant == 0)
		return 1;
	for (i = 0; i < a->nwant; i++)
		if (dc->subject_len == a->wantlen[i] &&
		    memcmp(dc->subject, a->want[i], dc->subject_len) == 0)
			return 1;
	return 0;
}

/* An RSAPublicKey (the BIT STRING's contents) into ta. */
static int
tls_anchor_rsa(br_x509_trust_anchor *ta, const unsigned char *key,
    size_t klen)
{
	const unsigned char *p = key, *end = key + klen, *v, *n, *e;
	size_t vlen, nlen, elen;
	unsigned tag;

	if (der_next(&p, end, &tag, &v, &vlen) == -1 || tag != 0x30)
		return -1;
	p = v;
	end = v + vlen;
	if (der_next(&p, end, &tag, &n, &nlen) == -1 || tag != 0x02 ||
	    der_next(&p, end, &tag, &e, &elen) == -1 || tag != 0x02)
		return -1;
	for (; nlen > 1 && n[0] == 0; nlen--)
		n++;
	for (; elen > 1 && e[0] == 0; elen--)
		e++;
	ta->pkey.key_type = BR_KEYTYPE_RSA;
	ta->pkey.key.rsa.n = tls_anchor_dup(n, nlen);
	ta->pkey.key.rsa.nlen = nlen;
	ta->pkey.key.rsa.e = tls_anchor_dup(e, elen);
	ta->pkey.key.rsa.elen = elen;
	return ta->pkey.key.rsa.n && ta->pkey.key.rsa.e ? 0 : -1;
}

/* Read straight from the DER: BearSSL's decoder would cost more than the
 * rest of the anchor work. */
/* see tls_int.h */
int
tls_anchor_key(br_x509_trust_anchor *ta, const unsigned char *spki,
    size_t len)
{
	static const struct {
		const char *oid;
		size_t	 len;
		int	 curve;
	} curves[] = {
		{ "\x2a\x86\x48\xce\x3d\x03\x01\x07", 8, BR_EC_secp256r1 },
		{ "\x2b\x81\x04\x00\x22", 5, BR_EC_secp384r1 },
		{ "\x2b\x81\x04\x00\x23", 5, BR_EC_secp521r1 },
	};
	const unsigned char *p = spki, *end = spki + len, *v, *alg, *oid;
	const unsigned char *aend, *par = NULL, *key;
	size_t vlen, alen, oidlen, parlen = 0, klen, i;
	unsigned tag;

	if (der_next(&p, end, &tag, &v, &vlen) == -1 || tag != 0x30)
		return -1;
	p = v;
	end = v + vlen;
	if (der_next(&p, end, &tag, &alg, &alen) == -1 || tag != 0x30)
		return -1;
	aend = alg + alen;
	if (der_next(&alg, aend, &tag, &oid, &oidlen) == -1 || tag != 0x06)
		return -1;
	if (der_next(&alg, aend, &tag, &par, &parlen) == -1 || tag != 0x06)
		par = NULL;	/* RSA's NULL parameters */
	if (der_next(&p, end, &tag, &key, &klen) == -1 || tag != 0x03 ||
	    klen < 2 || key[0] != 0)
		return -1;	/* a BIT STRING with no unused bits */
	if (oidlen == 9 && memcmp(oid, "\x2a\x86\x48\x86\xf7\x0d\x01\x01"
	    "\x01", 9) == 0)
		return tls_anchor_rsa(ta, key + 1, klen - 1);
	if (oidlen != 7 || memcmp(oid, "\x2a\x86\x48\xce\x3d\x02\x01", 7) ||
	    par == NULL)
		return -1;
	for (i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
		if (parlen == curves[i].len &&
		    memcmp(par, curves[i].oid, parlen) == 0) {
			ta->pkey.key_type = BR_KEYTYPE_EC;
			ta->pkey.key.ec.curve = curves[i].curve;
			ta->pkey.key.ec.q = tls_anchor_dup(key + 1, klen - 1);
			ta->pkey.key.ec.qlen = klen - 1;
			return ta->pkey.key.ec.q != NULL ? 0 : -1;
		}
	return -1;
}

/* see tls_int.h */
void
tls_anchor_free_one(br_x509_trust_anchor *ta)
{
	free(ta->dn.data);
	if (ta->pkey.key_type == BR_KEYTYPE_RSA) {
		free(ta->pkey.key.rsa.n);
		free(ta->pkey.key.rsa.e);
	} else if (ta->pkey.key_type == BR_KEYTYPE_EC)
		free(ta->pkey.key.ec.q);
}

static int
tls_anchor_label(const char *label)
{
	return strcmp(label, "CERTIFICATE") == 0 ||
	    strcmp(label, "X509 CERTIFICATE") == 0;
}

/* A tls_pem_peek: decodes a certificate only as far as its subject, and
 * the rest only if the subject is wanted. */
static int
tls_anchor_peek(void *arg, const char *label, const unsigned char *der,
    size_t len)
{
	const struct tls_anchors *a = arg;
	struct der_cert dc;

	if (!tls_anchor_label(label))
		return TLS_PEM_SKIP;
	if (a->nwant == 0)
		return TLS_PEM_KEEP;
	switch (der_cert_subject(der, len, &dc.subject, &dc.subject_len)) {
	case 0:
		return TLS_PEM_MORE;
	case 1:
		return tls_anchor_wanted(a, &dc) ? TLS_PEM_KEEP : TLS_PEM_SKIP;
	default:
		return TLS_PEM_SKIP;
	}
}

/* A tls_pem_cb: adds one certificate, if wanted, as an anchor. A
 * certificate that cannot be used is skipped, never an error. */
static int
tls_anchor_add(void *arg, const char *label, const unsigned char *der,
    size_t len)
{
	struct tls_anchors *a = arg;
	br_x509_trust_anchor *ta;
	struct der_cert dc;

	if (!tls_anchor_label(label))
		return 0;
	if (a->n == TLS_ANCHORS_MAX || der_cert_parse(der, len, &dc) == -1 ||
	    !tls_anchor_wanted(a, &dc))
		return 0;
	if (a->n % 64 == 0) {
		ta = realloc(a->ta, (a->n + 64) * sizeof(*ta));
		if (ta == NULL)
			return 0;
		a->ta = ta;
	}
	ta = &a->ta[a->n];
	memset(ta, 0, sizeof(*ta));
	ta->dn.data = tls_anchor_dup(dc.subject, dc.subject_len);
	ta->dn.len = dc.subject_len;
	ta->flags = dc.ca ? BR_X509_TA_CA : 0;
	if (ta->dn.data == NULL || tls_anchor_key(ta, dc.spki,
	    dc.spki_len) == -1) {
		tls_anchor_free_one(ta);
		return 0;
	}
	a->n++;
	return 0;
}

/* see tls_int.h */
int
tls_anchors_load(struct tls_anchors *a, const char *path, char *err,
    size_t errlen)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char file[1024];

	if (d == NULL)
		return tls_pem_each_peek(path, tls_anchor_peek, tls_anchor_add,
		    a, err, errlen);
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		if (n < 5 || (strcmp(de->d_name + n - 4, ".pem") != 0 &&
		    strcmp(de->d_name + n - 4, ".crt") != 0))
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
		/* One unreadable file does not spoil the directory. */
		tls_pem_each_peek(file, tls_anchor_peek, tls_anchor_add, a,
		    NULL, 0);
	}
	closedir(d);
	return 0;
}

/* see tls_int.h */
void
tls_anchors_free(struct tls_anchors *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		tls_anchor_free_one(&a->ta[i]);
	free(a->ta);
	a->ta = NULL;
	a->n = 0;
}
