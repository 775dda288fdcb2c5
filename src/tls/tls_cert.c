/* relaymail: the TLS client certificate. ISC licence, see LICENSE.
 * tls_cert_file and tls_key_file: the chain and the private key (RSA or
 * EC), read from PEM files when a handshake starts and handed to the
 * client context. The certificates and the key stay in
 * struct tls_client_cert for the whole session: BearSSL only borrows
 * them. tls_cert_free releases the certificates. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tls_int.h"
#include "util.h"

/* A tls_pem_cb: keeps each CERTIFICATE, in file order. */
static int
tls_cert_keep_cert(void *arg, const char *label, const unsigned char *der,
    size_t len)
{
	struct tls_client_cert *c = arg;
	unsigned char *copy;

	if (strcmp(label, "CERTIFICATE") != 0 || c->n == TLS_CHAIN_MAX)
		return 0;
	if ((copy = malloc(len)) == NULL)
		return -1;
	memcpy(copy, der, len);
	c->chain[c->n].data = copy;
	c->chain[c->n++].data_len = len;
	return 0;
}

/* A tls_pem_cb: stops (1) at the first private key that decodes. */
static int
tls_cert_keep_key(void *arg, const char *label, const unsigned char *der,
    size_t len)
{
	struct tls_client_cert *c = arg;

	if (strstr(label, "PRIVATE KEY") == NULL)
		return 0;
	br_skey_decoder_init(&c->skey);
	br_skey_decoder_push(&c->skey, der, len);
	return br_skey_decoder_last_error(&c->skey) == 0 ? 1 : 0;
}

/* Gives an EC key to the engine: the issuer's key type comes from the
 * certificate itself (it matters for ECDH, not for ECDHE). */
static void
tls_cert_set_ec(struct tls_client_cert *c, br_ssl_client_context *sc)
{
	br_x509_decoder_context dc;
	int issuer = BR_KEYTYPE_EC;

	br_x509_decoder_init(&dc, NULL, NULL);
	br_x509_decoder_push(&dc, c->chain[0].data, c->chain[0].data_len);
	if (br_x509_decoder_get_signer_key_type(&dc) != 0)
		issuer = br_x509_decoder_get_signer_key_type(&dc);
	br_ssl_client_set_single_ec(sc, c->chain, c->n,
	    br_skey_decoder_get_ec(&c->skey),
	    BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN, (unsigned)issuer,
	    br_ec_get_default(), br_ecdsa_sign_asn1_get_default());
}

/* see tls_int.h */
int
tls_cert_load(struct tls_client_cert *c, br_ssl_client_context *sc,
    const char *cert_file, const char *key_file, char *err, size_t errlen)
{
	int r;

	if (tls_pem_each(cert_file, tls_cert_keep_cert, c, err, errlen) == -1)
		return -1;
	if (c->n == 0)
		return util_err(err, errlen, "TLS: no certificate in %s",
		    cert_file);
	r = tls_pem_each(key_file, tls_cert_keep_key, c, err, errlen);
	if (r == 0)
		return util_err(err, errlen, "TLS: no usable private key in "
		    "%s", key_file);
	if (r != 1)
		return -1;
	if (br_skey_decoder_key_type(&c->skey) == BR_KEYTYPE_RSA)
		br_ssl_client_set_single_rsa(sc, c->chain, c->n,
		    br_skey_decoder_get_rsa(&c->skey),
		    br_rsa_pkcs1_sign_get_default());
	else
		tls_cert_set_ec(c, sc);
	return 0;
}

/* With no certificate configured: a client-certificate class that only
 * notes that the server asked (CertificateRequest) and sends none, so
 * that a refusal can name the settings to change. */
static void
tls_cert_none_asked(const br_ssl_client_certificate_class **pctx)
{
	struct tls_client_cert *c = (struct tls_client_cert *)(void *)
	    ((char *)pctx - offsetof(struct tls_client_cert, none));

	c->asked = 1;
}

static void
tls_cert_none_name(const br_ssl_client_certificate_class **pctx,
    size_t len)
{
	(void)pctx;
	(void)len;
}

static void
tls_cert_none_append(const br_ssl_client_certificate_class **pctx,
    const unsigned char *data, size_t len)
{
	(void)pctx;
	(void)data;
	(void)len;
}

static void
tls_cert_none_end(const br_ssl_client_certificate_class **pctx)
{
	(void)pctx;
}

static void
tls_cert_none_choose(const br_ssl_client_certificate_class **pctx,
    const br_ssl_client_context *cc, uint32_t auth_types,
    br_ssl_client_certificate *choices)
{
	(void)pctx;
	(void)cc;
	(void)auth_types;
	memset(choices, 0, sizeof(*choices));	/* chain_len 0: none */
}

static uint32_t
tls_cert_none_keyx(const br_ssl_client_certificate_class **pctx,
    unsigned char *data, size_t *len)
{
	(void)pctx;
	(void)data;
	(void)len;
	return 0;
}

static size_t
tls_cert_none_sign(const br_ssl_client_certificate_class **pctx,
    int hash_id, size_t hv_len, unsigned char *data, size_t len)
{
	(void)pctx;
	(void)hash_id;
	(void)hv_len;
	(void)data;
	(void)len;
	return 0;
}

static const br_ssl_client_certificate_class tls_cert_none_vtable = {
	sizeof(struct tls_client_cert),
	tls_cert_none_asked, tls_cert_none_name, tls_cert_none_append,
	tls_cert_none_end, tls_cert_none_end, tls_cert_none_choose,
	tls_cert_none_keyx, tls_cert_none_sign
};

/* see tls_int.h */
void
tls_cert_none(struct tls_client_cert *c, br_ssl_client_context *sc)
{
	c->none = &tls_cert_none_vtable;
	c->asked = 0;
	br_ssl_client_set_client_certificate(sc, &c->none);
}

/* see tls_int.h */
void
tls_cert_free(struct tls_client_cert *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->chain[i].data);
	c->n = 0;
}
