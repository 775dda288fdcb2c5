/* relaymail: our X.509 class around BearSSL's minimal engine. ISC licence.
 * It keeps a copy of the chain the server sent (at most TLS_CHAIN_MAX
 * certificates of TLS_CERT_MAX bytes), orders the path (tls_path.c),
 * validates it with the minimal engine, then applies our policy: extended
 * key usage, the host name by OpenSSL's rules or the iPAddress SAN for an
 * IP literal, and SPKI pins. A failure leaves its code in x->err for
 * tls_err_explain to put in words. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls_der.h"
#include "tls_int.h"
#include "util.h"

static void
tls_x509_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct tls_x509 *x = (struct tls_x509 *)(void *)ctx;
	int i;

	for (i = 0; i < x->nchain; i++)
		free(x->chain[i].der);
	x->nchain = 0;
	x->npath = 0;
	x->bad = 0;
	x->cur = -1;
	x->err = 0;
	(void)server_name;	/* ours, normalised, is in x->host */
}

static void
tls_x509_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct tls_x509 *x = (struct tls_x509 *)(void *)ctx;
	struct tls_chain_cert *c;

	x->cur = -1;
	if (x->nchain == TLS_CHAIN_MAX)
		return;
	c = &x->chain[x->nchain];
	c->len = 0;
	c->whole = length <= TLS_CERT_MAX;
	c->der = malloc(length <= TLS_CERT_MAX ? length : TLS_CERT_MAX);
	if (c->der != NULL)
		x->cur = x->nchain++;
}

static void
tls_x509_append(const br_x509_class **ctx, const unsigned char *buf,
    size_t len)
{
	struct tls_x509 *x = (struct tls_x509 *)(void *)ctx;
	struct tls_chain_cert *c;

	if (x->cur < 0)
		return;
	c = &x->chain[x->cur];
	if (c->len + len > TLS_CERT_MAX)
		len = TLS_CERT_MAX - c->len;	/* whole = 0 says so */
	memcpy(c->der + c->len, buf, len);
	c->len += len;
}

static void
tls_x509_end_cert(const br_x509_class **ctx)
{
	(void)ctx;
}

/* Loads the anchors the chain asks for: its issuers' names. 0, or -1
 * with the sentence in x->ca_err when the CA file cannot be read. */
static int
tls_x509_load_anchors(struct tls_x509 *x)
{
	struct tls_anchors *a = &x->anchors;
	struct der_cert dc;
	char err[256];
	int i;

	a->nwant = 0;
	for (i = 0; i < x->nchain; i++)
		if (der_cert_parse(x->chain[i].der, x->chain[i].len,
		    &dc) == 0) {
			a->want[a->nwant] = dc.issuer;
			a->wantlen[a->nwant++] = dc.issuer_len;
		}
	if (tls_anchors_load(a, x->p->ca_file, err, sizeof(err)) == -1) {
		snprintf(x->ca_err, sizeof(x->ca_err), "TLS: %s", err);
		return -1;
	}
	x->anchors_loaded = 1;
	x->minimal.trust_anchors = a->ta;
	x->minimal.trust_anchors_num = a->n;
	return 0;
}

/* Validates the path through the captured chain with the minimal
 * engine, after our checks along it. BearSSL's own name check is off:
 * tls_x509_policy makes it, by OpenSSL's rules. */
static unsigned
tls_x509_validate(struct tls_x509 *x)
{
	unsigned code;
	int i, k;

	if (x->nchain == 0)
		return BR_ERR_X509_EMPTY_CHAIN;
	for (i = 0; i < x->nchain; i++)
		if (!x->chain[i].whole)
			return BR_ERR_X509_LIMIT_EXCEEDED;
	if (!x->anchors_loaded && tls_x509_load_anchors(x) == -1)
		return TLS_ERR_CA_FILE;
	tls_path_build(x);
	if ((code = tls_path_check(x)) != 0)
		return code;
	tls_path_hashes(x);
	if ((k = tls_split_at(x)) != 0)
		code = k < 0 ? BR_ERR_X509_CRITICAL_EXTENSION :
		    tls_split_validate(x, k);
	else
		code = tls_split_run(x, 0, x->npath, x->anchors.ta,
		    x->anchors.n);
	if (code == BR_ERR_X509_EXPIRED)
		x->bad = tls_path_out_of_dates(x);
	else if (code == BR_ERR_X509_NOT_TRUSTED)
		x->bad = x->path[x->npath - 1];
	return code;
}

/* The end-entity key without any check (tls_verify = no), copied into
 * x->keybuf because the decoder that found it lives on the stack. */
static int
tls_x509_ee_key(struct tls_x509 *x)
{
	br_x509_decoder_context dc;
	const br_x509_pkey *pk;

	if (x->nchain == 0 || !x->chain[0].whole)
		return -1;
	br_x509_decoder_init(&dc, NULL, NULL);
	br_x509_decoder_push(&dc, x->chain[0].der, x->chain[0].len);
	if ((pk = br_x509_decoder_get_pkey(&dc)) == NULL)
		return -1;
	x->pkey = *pk;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		if (pk->key.rsa.nlen + pk->key.rsa.elen > sizeof(x->keybuf))
			return -1;
		memcpy(x->keybuf, pk->key.rsa.n, pk->key.rsa.nlen);
		memcpy(x->keybuf + pk->key.rsa.nlen, pk->key.rsa.e,
		    pk->key.rsa.elen);
		x->pkey.key.rsa.n = x->keybuf;
		x->pkey.key.rsa.e = x->keybuf + pk->key.rsa.nlen;
	} else {
		if (pk->key.ec.qlen > sizeof(x->keybuf))
			return -1;
		memcpy(x->keybuf, pk->key.ec.q, pk->key.ec.qlen);
		x->pkey.key.ec.q = x->keybuf;
	}
	return 0;
}

/* Our policy on top of a valid chain: 0 or a TLS_ERR_* / BR_ERR_* code. */
static unsigned
tls_x509_policy(struct tls_x509 *x)
{
	const struct tls_params *p = x->p;
	struct der_cert dc;
	int i;

	if (der_cert_parse(x->chain[0].der, x->chain[0].len, &dc) == -1)
		return BR_ERR_X509_INVALID_VALUE;
	tls_x509_pin(dc.spki, dc.spki_len, x->server_pin,
	    sizeof(x->server_pin));
	if (x->verify && !der_eku_allows_server(dc.eku, dc.eku_len))
		return TLS_ERR_NOT_SERVER;
	if (x->verify && (x->iplen == 0 || p->verify_name != NULL) &&
	    !tls_name_check(&dc, x->host))
		return BR_ERR_X509_BAD_SERVER_NAME;
	if (x->verify && x->iplen > 0 && p->verify_name == NULL &&
	    !der_san_has_ip(dc.san, dc.san_len, x->ip, x->iplen))
		return TLS_ERR_IP_MISMATCH;
	if (p->npins == 0)
		return 0;
	for (i = 0; i < p->npins; i++)
		if (strcmp(p->pins[i], x->server_pin) == 0)
			return 0;
	return TLS_ERR_PIN_MISMATCH;
}

static unsigned
tls_x509_end_chain(const br_x509_class **ctx)
{
	struct tls_x509 *x = (struct tls_x509 *)(void *)ctx;

	if (x->verify)
		x->err = tls_x509_validate(x);
	else if (tls_x509_ee_key(x) == -1)
		x->err = TLS_ERR_NO_KEY;
	if (x->err != 0)
		return x->err;
	if (x->nchain == 0)
		return x->err = BR_ERR_X509_INVALID_VALUE;
	return x->err = tls_x509_policy(x);
}

static const br_x509_pkey *
tls_x509_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	struct tls_x509 *x = (struct tls_x509 *)(void *)ctx;

	if (x->verify)
		return x->minimal.vtable->get_pkey(&x->minimal.vtable, usages);
	if (usages != NULL)
		*usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
	return &x->pkey;
}

static const br_x509_class tls_x509_vtable = {
	sizeof(struct tls_x509),
	tls_x509_start_chain,
	tls_x509_start_cert,
	tls_x509_append,
	tls_x509_end_cert,
	tls_x509_end_chain,
	tls_x509_get_pkey
};

/* see tls_int.h */
int
tls_x509_setup(struct tls_x509 *x, const struct tls_params *p)
{
	unsigned char ip[16];

	x->vtable = &tls_x509_vtable;
	x->p = p;
	x->verify = p->verify;
	x->iplen = 0;
	if (inet_pton(AF_INET, p->host, ip) == 1)
		x->iplen = 4;
	else if (inet_pton(AF_INET6, p->host, ip) == 1)
		x->iplen = 16;
	memcpy(x->ip, ip, x->iplen);
	return tls_name_host(p->verify_name ? p->verify_name : p->host,
	    x->host, sizeof(x->host));
}

/* see tls_int.h */
void
tls_x509_free(struct tls_x509 *x)
{
	int i;

	for (i = 0; i < x->nchain; i++)
		free(x->chain[i].der);
	x->nchain = 0;
	tls_anchors_free(&x->anchors);
}

/* see tls_int.h */
void
tls_x509_pin(const unsigned char *spki, size_t len, char *out,
    size_t outlen)
{
	br_sha256_context h;
	unsigned char sum[32];
	char b64[48];	/* 44 characters for 32 bytes, and a NUL */

	br_sha256_init(&h);
	br_sha256_update(&h, spki, len);
	br_sha256_out(&h, sum);
	util_b64_encode(sum, sizeof(sum), b64, sizeof(b64));
	snprintf(out, outlen, "sha256/%.44s", b64);
}

/* see tls.h */
int
tls_cert_info(const struct tls *t, int index, struct tls_certinfo *ci)
{
	const struct tls_x509 *x = &t->x;
	struct der_cert dc;
	char tmp[sizeof(ci->not_after)];

	/* The verified path when there is one, else what was sent. */
	if (index < 0 || index >= (x->npath > 0 ? x->npath : x->nchain))
		return -1;
	if (x->npath > 0)
		index = x->path[index];
	if (der_cert_parse(x->chain[index].der, x->chain[index].len,
	    &dc) == -1)
		return -1;
	der_name_string(dc.subject, dc.subject_len, ci->subject,
	    sizeof(ci->subject));
	der_name_string(dc.issuer, dc.issuer_len, ci->issuer,
	    sizeof(ci->issuer));
	der_time_string(dc.not_before, tmp, sizeof(tmp));
	util_strlcpy(ci->not_before, tmp, sizeof(ci->not_before));
	der_time_string(dc.not_after, tmp, sizeof(tmp));
	util_strlcpy(ci->not_after, tmp, sizeof(ci->not_after));
	tls_x509_pin(dc.spki, dc.spki_len, ci->pin, sizeof(ci->pin));
	return 0;
}

/* see tls.h */
int
tls_pin_failed(const struct tls *t)
{
	return t->x.err == TLS_ERR_PIN_MISMATCH;
}
