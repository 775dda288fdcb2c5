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

/* Collects the subject DN that br_x509_decoder streams out. */
struct tls_anchor_dn {
	unsigned char *buf;
	size_t	 len, cap;
};

static void
tls_anchor_dn_append(void *ctx, const void *data, size_t len)
{
	struct tls_anchor_dn *d = ctx;

	if (d->len + len > d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 256;
		unsigned char *nb;
		while (cap < d->len + len)
			cap *= 2;
		if ((nb = realloc(d->buf, cap)) == NULL)
			return;
		d->buf = nb;
		d->cap = cap;
	}
	memcpy(d->buf + d->len, data, len);
	d->len += len;
}

static unsigned char *
tls_anchor_dup(const unsigned char *p, size_t n)
{
	unsigned char *q = malloc(n ? n : 1);

	if (q != NULL)
		memcpy(q, p, n);
	return q;
}

static int
tls_anchor_wanted(const struct tls_anchors *a, const unsigned char *der,
    size_t len)
{
	struct der_cert dc;
	int i;

	if (a->nwant == 0)
		return 1;
	if (der_cert_parse(der, len, &dc) == -1)
		return 0;
	for (i = 0; i < a->nwant; i++)
		if (dc.subject_len == a->wantlen[i] &&
		    memcmp(dc.subject, a->want[i], dc.subject_len) == 0)
			return 1;
	return 0;
}

/* Copies the key of pk into ta, which then owns the copies. */
static void
tls_anchor_key(br_x509_trust_anchor *ta, const br_x509_pkey *pk)
{
	ta->pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		ta->pkey.key.rsa.n = tls_anchor_dup(pk->key.rsa.n,
		    pk->key.rsa.nlen);
		ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
		ta->pkey.key.rsa.e = tls_anchor_dup(pk->key.rsa.e,
		    pk->key.rsa.elen);
		ta->pkey.key.rsa.elen = pk->key.rsa.elen;
	} else {
		ta->pkey.key.ec.curve = pk->key.ec.curve;
		ta->pkey.key.ec.q = tls_anchor_dup(pk->key.ec.q,
		    pk->key.ec.qlen);
		ta->pkey.key.ec.qlen = pk->key.ec.qlen;
	}
}

/* A tls_pem_cb: adds one certificate, if wanted, as an anchor. A
 * certificate that cannot be used is skipped, never an error. */
static int
tls_anchor_add(void *arg, const char *label, const unsigned char *der,
    size_t len)
{
	struct tls_anchors *a = arg;
	br_x509_decoder_context dc;
	struct tls_anchor_dn dn = { NULL, 0, 0 };
	br_x509_trust_anchor *ta;
	const br_x509_pkey *pk;

	if (strcmp(label, "CERTIFICATE") != 0 &&
	    strcmp(label, "X509 CERTIFICATE") != 0)
		return 0;
	if (a->n == TLS_ANCHORS_MAX || !tls_anchor_wanted(a, der, len))
		return 0;
	if (a->n % 64 == 0) {
		ta = realloc(a->ta, (a->n + 64) * sizeof(*ta));
		if (ta == NULL)
			return 0;
		a->ta = ta;
	}
	br_x509_decoder_init(&dc, tls_anchor_dn_append, &dn);
	br_x509_decoder_push(&dc, der, len);
	pk = br_x509_decoder_get_pkey(&dc);
	if (pk == NULL || dn.buf == NULL) {
		free(dn.buf);
		return 0;
	}
	ta = &a->ta[a->n++];
	memset(ta, 0, sizeof(*ta));
	ta->dn.data = dn.buf;
	ta->dn.len = dn.len;
	ta->flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
	tls_anchor_key(ta, pk);
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
		return tls_pem_each(path, tls_anchor_add, a, err, errlen);
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);
		if (n < 5 || (strcmp(de->d_name + n - 4, ".pem") != 0 &&
		    strcmp(de->d_name + n - 4, ".crt") != 0))
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
		/* One unreadable file does not spoil the directory. */
		tls_pem_each(file, tls_anchor_add, a, NULL, 0);
	}
	closedir(d);
	return 0;
}

/* see tls_int.h */
void
tls_anchors_free(struct tls_anchors *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		br_x509_trust_anchor *ta = &a->ta[i];
		free(ta->dn.data);
		if (ta->pkey.key_type == BR_KEYTYPE_RSA) {
			free(ta->pkey.key.rsa.n);
			free(ta->pkey.key.rsa.e);
		} else
			free(ta->pkey.key.ec.q);
	}
	free(a->ta);
	a->ta = NULL;
	a->n = 0;
}
