/* relaymail: TLS client over a transport, with BearSSL. ISC licence.
 * The X.509 engine is BearSSL's minimal one wrapped in a class of ours,
 * which keeps a copy of the chain the server sent: that is how an IP
 * literal is checked against iPAddress SANs, how pins are checked, and how
 * a failure becomes a sentence that names what was wrong. Trust anchors
 * are read only here, when a handshake starts. */
#include <arpa/inet.h>
#include <bearssl.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tls.h"
#include "tls_der.h"
#include "util.h"

#define CHAIN_MAX	8		/* certificates kept from the server */
#define CERT_MAX	16384		/* bytes per kept certificate */
#define ANCHORS_MAX	4096
#define PEM_OBJ_MAX	65536

struct chain_cert {
	unsigned char *der;
	size_t	 len;
	int	 whole;			/* not cut at CERT_MAX */
};

/* Our X.509 class: forwards to minimal, keeps the chain. */
struct x509 {
	const br_x509_class *vtable;
	br_x509_minimal_context minimal;
	struct tls *t;
	int	 verify;
	br_x509_pkey pkey;		/* verify = 0: the EE key, unchecked */
	unsigned char keybuf[1024];
	unsigned err;			/* what end_chain said */
};

struct tls {
	br_ssl_client_context sc;
	struct x509 x;
	br_sslio_context io;
	unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
	struct transport lower;
	br_x509_trust_anchor *tas;
	size_t	 ntas;
	int	 anchors_loaded;
	/* Issuer names in the server's chain: only anchors with one of
	 * these subjects are decoded (see x_end_chain). */
	const unsigned char *want[CHAIN_MAX];
	size_t	 wantlen[CHAIN_MAX];
	int	 nwant;
	const char *server_name;
	struct chain_cert chain[CHAIN_MAX];
	int	 nchain;
	int	 cur;			/* certificate being received */
	const struct tls_params *p;
	unsigned char ip[16];
	size_t	 iplen;			/* host is an IP literal */
	int	 pin_failed;
	char	 server_pin[64];
	/* client certificate */
	br_x509_certificate ccert[CHAIN_MAX];
	size_t	 nccert;
	br_skey_decoder_context skey;
	char	 err[512];
};

/* ---- PEM and trust anchors ---- */

typedef int (*pem_obj_cb)(void *arg, const char *name,
    const unsigned char *der, size_t len);

static signed char b64val[256];

static void
b64_table(void)
{
	static const char *a =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	int i;

	if (b64val['B'] != 0)
		return;
	memset(b64val, -1, sizeof(b64val));
	for (i = 0; i < 64; i++)
		b64val[(unsigned char)a[i]] = (signed char)i;
}

/* Reads a PEM file line by line, decoding each object's base64 with a
 * table, and calls cb for each. BearSSL's own PEM decoder is a small
 * interpreter, about a hundred times slower: with a 140-certificate
 * bundle it was most of a send's CPU time. */
static int
pem_each(const char *path, pem_obj_cb cb, void *arg, char *err, size_t errlen)
{
	char line[512], name[128] = "";
	unsigned char *der = NULL;
	size_t len = 0, cap = 0;
	unsigned long acc = 0;
	int bits = 0, in_obj = 0, r = 0;
	FILE *fp;

	b64_table();
	if ((fp = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (r == 0 && fgets(line, sizeof(line), fp) != NULL) {
		char *p;
		if (strncmp(line, "-----BEGIN ", 11) == 0) {
			util_strlcpy(name, line + 11, sizeof(name));
			name[strcspn(name, "-\r\n")] = '\0';
			in_obj = 1;
			len = 0;
			acc = 0;
			bits = 0;
			continue;
		}
		if (strncmp(line, "-----END ", 9) == 0) {
			if (in_obj && len > 0)
				r = cb(arg, name, der, len);
			in_obj = 0;
			continue;
		}
		if (!in_obj)
			continue;
		for (p = line; *p != '\0'; p++) {
			int v = b64val[(unsigned char)*p];
			if (v < 0)
				continue;	/* '=', blanks, line ends */
			acc = (acc << 6) | (unsigned long)v;
			bits += 6;
			if (bits < 8)
				continue;
			bits -= 8;
			if (len == cap) {
				unsigned char *n;
				size_t ncap = cap ? cap * 2 : 2048;
				if (cap >= PEM_OBJ_MAX ||
				    (n = realloc(der, ncap)) == NULL) {
					in_obj = 0;	/* too big: skip it */
					break;
				}
				der = n;
				cap = ncap;
			}
			der[len++] = (unsigned char)(acc >> bits);
		}
	}
	fclose(fp);
	if (der != NULL) {
		explicit_bzero(der, cap);
		free(der);
	}
	return r < 0 ? -1 : r;
}

struct dn_sink {
	unsigned char *buf;
	size_t	 len, cap;
};

static void
dn_append(void *ctx, const void *data, size_t len)
{
	struct dn_sink *d = ctx;

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
dup_bytes(const unsigned char *p, size_t n)
{
	unsigned char *q = malloc(n ? n : 1);

	if (q != NULL)
		memcpy(q, p, n);
	return q;
}

static int
add_anchor(void *arg, const char *name, const unsigned char *der, size_t len)
{
	struct tls *t = arg;
	br_x509_decoder_context dc;
	struct dn_sink dn = { NULL, 0, 0 };
	br_x509_trust_anchor *ta;
	const br_x509_pkey *pk;

	if (strcmp(name, "CERTIFICATE") != 0 &&
	    strcmp(name, "X509 CERTIFICATE") != 0)
		return 0;
	if (t->ntas == ANCHORS_MAX)
		return 0;
	if (t->nwant > 0) {
		struct der_cert dc;
		int i, match = 0;
		if (der_cert_parse(der, len, &dc) == -1)
			return 0;
		for (i = 0; i < t->nwant && !match; i++)
			match = dc.subject_len == t->wantlen[i] &&
			    memcmp(dc.subject, t->want[i], dc.subject_len) == 0;
		if (!match)
			return 0;
	}
	if (t->ntas % 64 == 0) {
		br_x509_trust_anchor *n = realloc(t->tas, (t->ntas + 64) *
		    sizeof(*n));
		if (n == NULL)
			return 0;
		t->tas = n;
	}
	br_x509_decoder_init(&dc, dn_append, &dn);
	br_x509_decoder_push(&dc, der, len);
	pk = br_x509_decoder_get_pkey(&dc);
	if (pk == NULL || dn.buf == NULL) {
		free(dn.buf);
		return 0;
	}
	ta = &t->tas[t->ntas];
	memset(ta, 0, sizeof(*ta));
	ta->dn.data = dn.buf;
	ta->dn.len = dn.len;
	ta->flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
	ta->pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		ta->pkey.key.rsa.n = dup_bytes(pk->key.rsa.n, pk->key.rsa.nlen);
		ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
		ta->pkey.key.rsa.e = dup_bytes(pk->key.rsa.e, pk->key.rsa.elen);
		ta->pkey.key.rsa.elen = pk->key.rsa.elen;
	} else {
		ta->pkey.key.ec.curve = pk->key.ec.curve;
		ta->pkey.key.ec.q = dup_bytes(pk->key.ec.q, pk->key.ec.qlen);
		ta->pkey.key.ec.qlen = pk->key.ec.qlen;
	}
	t->ntas++;
	return 0;
}

static int
load_anchors(struct tls *t, const char *path, char *err, size_t errlen)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (d == NULL) {
		if (errno != ENOTDIR)
			return pem_each(path, add_anchor, t, err, errlen);
		if (pem_each(path, add_anchor, t, err, errlen) == -1)
			return -1;
	} else {
		while ((de = readdir(d)) != NULL) {
			char file[1024];
			size_t n = strlen(de->d_name);
			if (n < 5 || (strcmp(de->d_name + n - 4, ".pem") != 0 &&
			    strcmp(de->d_name + n - 4, ".crt") != 0))
				continue;
			snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
			pem_each(file, add_anchor, t, err, errlen);
		}
		closedir(d);
	}
	if (t->ntas == 0) {
		snprintf(err, errlen, "no CA certificate found in %s", path);
		return -1;
	}
	return 0;
}

/* ---- the X.509 wrapper ---- */

static void
x_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct x509 *x = (struct x509 *)(void *)ctx;
	int i;

	for (i = 0; i < x->t->nchain; i++)
		free(x->t->chain[i].der);
	x->t->nchain = 0;
	x->t->cur = -1;
	x->err = 0;
	x->t->server_name = server_name;
}

static void
x_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct x509 *x = (struct x509 *)(void *)ctx;
	struct tls *t = x->t;

	t->cur = -1;
	if (t->nchain < CHAIN_MAX) {
		struct chain_cert *c = &t->chain[t->nchain];
		c->len = 0;
		c->whole = length <= CERT_MAX;
		c->der = malloc(length <= CERT_MAX ? length : CERT_MAX);
		if (c->der != NULL)
			t->cur = t->nchain++;
	}
}

static void
x_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	struct x509 *x = (struct x509 *)(void *)ctx;
	struct tls *t = x->t;

	if (t->cur >= 0) {
		struct chain_cert *c = &t->chain[t->cur];
		size_t k = len;
		if (c->len + k > CERT_MAX)
			k = CERT_MAX - c->len;
		memcpy(c->der + c->len, buf, k);
		c->len += k;
	}
}

static void
x_end_cert(const br_x509_class **ctx)
{
	(void)ctx;
}

#define ERR_CA_FILE		0x1004

/* Validates the captured chain with the minimal engine. Trust anchors
 * are decoded only now, and only those whose subject is the issuer of
 * a certificate in the chain: a 140-certificate bundle is scanned, not
 * decoded. */
static unsigned
validate(struct x509 *x)
{
	const br_x509_class **m = &x->minimal.vtable;
	struct tls *t = x->t;
	struct der_cert dc;
	char err[256];
	int i;

	if (t->nchain == 0)
		return BR_ERR_X509_EMPTY_CHAIN;
	for (i = 0; i < t->nchain; i++)
		if (!t->chain[i].whole)
			return BR_ERR_X509_LIMIT_EXCEEDED;
	if (!t->anchors_loaded) {
		t->nwant = 0;
		for (i = 0; i < t->nchain; i++)
			if (der_cert_parse(t->chain[i].der, t->chain[i].len,
			    &dc) == 0) {
				t->want[t->nwant] = dc.issuer;
				t->wantlen[t->nwant++] = dc.issuer_len;
			}
		if (load_anchors(t, t->p->ca_file, err, sizeof(err)) == -1 &&
		    t->ntas == 0 && strstr(err, "no CA") == NULL) {
			snprintf(t->err, sizeof(t->err), "TLS: %s", err);
			return ERR_CA_FILE;
		}
		t->anchors_loaded = 1;
		x->minimal.trust_anchors = t->tas;
		x->minimal.trust_anchors_num = t->ntas;
	}
	(*m)->start_chain(m, t->server_name);
	for (i = 0; i < t->nchain; i++) {
		(*m)->start_cert(m, (uint32_t)t->chain[i].len);
		(*m)->append(m, t->chain[i].der, t->chain[i].len);
		(*m)->end_cert(m);
	}
	return (*m)->end_chain(m);
}

static void
pin_of(const unsigned char *spki, size_t len, char *out, size_t outlen)
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

/* The end-entity key without any check (tls_verify = no). */
static int
ee_key(struct x509 *x)
{
	br_x509_decoder_context dc;
	const br_x509_pkey *pk;
	struct tls *t = x->t;

	if (t->nchain == 0 || !t->chain[0].whole)
		return -1;
	br_x509_decoder_init(&dc, NULL, NULL);
	br_x509_decoder_push(&dc, t->chain[0].der, t->chain[0].len);
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

#define ERR_IP_MISMATCH		0x1001
#define ERR_PIN_MISMATCH	0x1002
#define ERR_NO_KEY		0x1003
#define ERR_NOT_SERVER		0x1005

static unsigned
x_end_chain(const br_x509_class **ctx)
{
	struct x509 *x = (struct x509 *)(void *)ctx;
	struct tls *t = x->t;
	struct der_cert dc;
	int i, ok;

	if (x->verify) {
		x->err = validate(x);
		if (x->err != 0)
			return x->err;
	} else if (ee_key(x) == -1)
		return x->err = ERR_NO_KEY;
	if (t->nchain == 0 || der_cert_parse(t->chain[0].der, t->chain[0].len,
	    &dc) == -1)
		return x->err = BR_ERR_X509_INVALID_VALUE;
	pin_of(dc.spki, dc.spki_len, t->server_pin, sizeof(t->server_pin));
	if (x->verify && !der_eku_allows_server(dc.eku, dc.eku_len))
		return x->err = ERR_NOT_SERVER;
	if (x->verify && t->iplen > 0 && t->p->verify_name == NULL &&
	    !der_san_has_ip(dc.san, dc.san_len, t->ip, t->iplen))
		return x->err = ERR_IP_MISMATCH;
	if (t->p->npins > 0) {
		for (ok = 0, i = 0; i < t->p->npins && !ok; i++)
			ok = strcmp(t->p->pins[i], t->server_pin) == 0;
		if (!ok)
			return x->err = ERR_PIN_MISMATCH;
	}
	return 0;
}

static const br_x509_pkey *
x_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	struct x509 *x = (struct x509 *)(void *)ctx;

	if (x->verify)
		return x->minimal.vtable->get_pkey(&x->minimal.vtable, usages);
	if (usages != NULL)
		*usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
	return &x->pkey;
}

static const br_x509_class x509_vtable = {
	sizeof(struct x509),
	x_start_chain,
	x_start_cert,
	x_append,
	x_end_cert,
	x_end_chain,
	x_get_pkey
};

/* ---- errors in words ---- */

static const struct {
	int	 code;
	const char *text;
} errors[] = {
	{ BR_ERR_BAD_PARAM, "bad parameter" },
	{ BR_ERR_BAD_STATE, "bad state" },
	{ BR_ERR_UNSUPPORTED_VERSION, "the server offers no TLS version we "
	    "accept (TLS 1.2 required)" },
	{ BR_ERR_BAD_VERSION, "the server changed TLS version" },
	{ BR_ERR_BAD_LENGTH, "bad record length" },
	{ BR_ERR_TOO_LARGE, "record too large" },
	{ BR_ERR_BAD_MAC, "bad record MAC (data corrupted)" },
	{ BR_ERR_NO_RANDOM, "no source of randomness" },
	{ BR_ERR_UNKNOWN_TYPE, "unknown record type (not TLS?)" },
	{ BR_ERR_UNEXPECTED, "unexpected message" },
	{ BR_ERR_BAD_CCS, "bad ChangeCipherSpec" },
	{ BR_ERR_BAD_ALERT, "bad alert" },
	{ BR_ERR_BAD_HANDSHAKE, "bad handshake message" },
	{ BR_ERR_OVERSIZED_ID, "session ID too long" },
	{ BR_ERR_BAD_CIPHER_SUITE, "no common cipher suite" },
	{ BR_ERR_BAD_COMPRESSION, "the server wants compression" },
	{ BR_ERR_BAD_FRAGLEN, "bad fragment length" },
	{ BR_ERR_BAD_SECRENEG, "bad secure renegotiation" },
	{ BR_ERR_EXTRA_EXTENSION, "the server sent an extension we did not "
	    "ask for" },
	{ BR_ERR_BAD_SNI, "bad server name" },
	{ BR_ERR_BAD_HELLO_DONE, "bad ServerHelloDone" },
	{ BR_ERR_LIMIT_EXCEEDED, "a limit was exceeded" },
	{ BR_ERR_BAD_FINISHED, "bad Finished message" },
	{ BR_ERR_RESUME_MISMATCH, "session resumption mismatch" },
	{ BR_ERR_INVALID_ALGORITHM, "unsupported algorithm" },
	{ BR_ERR_BAD_SIGNATURE, "bad signature in the key exchange" },
	{ BR_ERR_WRONG_KEY_USAGE, "the certificate's key may not be used "
	    "for this key exchange" },
	{ BR_ERR_NO_CLIENT_AUTH, "the server wants a client certificate" },
	{ BR_ERR_IO, "connection failed" },
	{ BR_ERR_X509_INVALID_VALUE, "malformed certificate" },
	{ BR_ERR_X509_TRUNCATED, "truncated certificate" },
	{ BR_ERR_X509_EMPTY_CHAIN, "the server sent no certificate" },
	{ BR_ERR_X509_INNER_TRUNC, "malformed certificate" },
	{ BR_ERR_X509_BAD_TAG_CLASS, "malformed certificate" },
	{ BR_ERR_X509_BAD_TAG_VALUE, "malformed certificate" },
	{ BR_ERR_X509_INDEFINITE_LENGTH, "malformed certificate" },
	{ BR_ERR_X509_EXTRA_ELEMENT, "malformed certificate" },
	{ BR_ERR_X509_UNEXPECTED, "malformed certificate" },
	{ BR_ERR_X509_NOT_CONSTRUCTED, "malformed certificate" },
	{ BR_ERR_X509_NOT_PRIMITIVE, "malformed certificate" },
	{ BR_ERR_X509_PARTIAL_BYTE, "malformed certificate" },
	{ BR_ERR_X509_BAD_BOOLEAN, "malformed certificate" },
	{ BR_ERR_X509_OVERFLOW, "malformed certificate" },
	{ BR_ERR_X509_BAD_DN, "malformed name in the certificate" },
	{ BR_ERR_X509_BAD_TIME, "malformed date in the certificate" },
	{ BR_ERR_X509_UNSUPPORTED, "certificate uses an unsupported "
	    "feature" },
	{ BR_ERR_X509_LIMIT_EXCEEDED, "certificate too large" },
	{ BR_ERR_X509_WRONG_KEY_TYPE, "wrong key type in the chain" },
	{ BR_ERR_X509_BAD_SIGNATURE, "bad signature in the certificate "
	    "chain" },
	{ BR_ERR_X509_TIME_UNKNOWN, "the time is unknown" },
	{ BR_ERR_X509_DN_MISMATCH, "the chain is not in order" },
	{ BR_ERR_X509_CRITICAL_EXTENSION, "the certificate has an unknown "
	    "critical extension" },
	{ BR_ERR_X509_NOT_CA, "an intermediate certificate is not a CA" },
	{ BR_ERR_X509_FORBIDDEN_KEY_USAGE, "the certificate may not be used "
	    "by a server (key usage)" },
	{ BR_ERR_X509_WEAK_PUBLIC_KEY, "the certificate's key is too weak" },
	{ ERR_NO_KEY, "the server's certificate could not be read" },
	{ ERR_NOT_SERVER, "the certificate is not for a TLS server "
	    "(extended key usage)" },
};

static const char *
alert_name(int a)
{
	switch (a) {
	case 0: return "close notify";
	case 10: return "unexpected message";
	case 20: return "bad record MAC";
	case 40: return "handshake failure";
	case 42: return "bad certificate";
	case 43: return "unsupported certificate";
	case 45: return "certificate expired";
	case 46: return "certificate unknown";
	case 47: return "illegal parameter";
	case 48: return "unknown CA";
	case 50: return "decode error";
	case 51: return "decrypt error";
	case 70: return "protocol version";
	case 71: return "insufficient security";
	case 80: return "internal error";
	case 112: return "unrecognized name";
	case 116: return "certificate required";
	default: return "?";
	}
}

static void
when(char *buf, size_t len, time_t t)
{
	struct tm tm;

	if (t == (time_t)-1 || gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "an unreadable date");
		return;
	}
	strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static void
explain(struct tls *t, int code, char *err, size_t errlen)
{
	struct der_cert dc;
	char subj[256] = "", iss[256] = "", names[256] = "", d[64];
	const char *host = t->p->verify_name ? t->p->verify_name : t->p->host;
	size_t i;
	int have = t->nchain > 0 && der_cert_parse(t->chain[0].der,
	    t->chain[0].len, &dc) == 0;

	if (have) {
		der_name_string(dc.subject, dc.subject_len, subj, sizeof(subj));
		der_name_string(dc.issuer, dc.issuer_len, iss, sizeof(iss));
		der_san_string(dc.san, dc.san_len, names, sizeof(names));
	}
	if (code == BR_ERR_X509_EXPIRED && have) {
		if (dc.not_before != (time_t)-1 && time(NULL) <
		    dc.not_before) {
			when(d, sizeof(d), dc.not_before);
			snprintf(err, errlen, "TLS: certificate not valid "
			    "until %s (%s, issuer %s)", d, subj, iss);
		} else {
			when(d, sizeof(d), dc.not_after);
			snprintf(err, errlen, "TLS: certificate expired on %s "
			    "(%s, issuer %s)", d, subj, iss);
		}
	} else if ((code == BR_ERR_X509_BAD_SERVER_NAME ||
	    code == ERR_IP_MISMATCH) && have)
		snprintf(err, errlen, "TLS: certificate is for %s, not %s",
		    names[0] ? names : subj, host);
	else if (code == BR_ERR_X509_NOT_TRUSTED && have)
		snprintf(err, errlen, "TLS: certificate for %s has an unknown "
		    "issuer: %s (not in %s)", subj, iss, t->p->ca_file);
	else if (code == ERR_CA_FILE)
		snprintf(err, errlen, "%s", t->err);
	else if (code == ERR_PIN_MISMATCH)
		snprintf(err, errlen, "TLS: public key pin mismatch: the "
		    "server's pin is %s", t->server_pin);
	else if (code >= BR_ERR_RECV_FATAL_ALERT && code < BR_ERR_SEND_FATAL_ALERT)
		snprintf(err, errlen, "TLS: the server sent alert %d (%s)%s",
		    code - BR_ERR_RECV_FATAL_ALERT,
		    alert_name(code - BR_ERR_RECV_FATAL_ALERT),
		    code - BR_ERR_RECV_FATAL_ALERT == 70 ? ": it offers no "
		    "TLS version we accept (TLS 1.2 required)" :
		    code - BR_ERR_RECV_FATAL_ALERT == 40 ? ": no TLS version "
		    "or cipher suite in common (we need TLS 1.2 with ECDHE or "
		    "RSA and AES-GCM or ChaCha20)" : "");
	else if (code >= BR_ERR_SEND_FATAL_ALERT && code < 0x1000)
		snprintf(err, errlen, "TLS: handshake failed (we sent alert "
		    "%d, %s)", code - BR_ERR_SEND_FATAL_ALERT,
		    alert_name(code - BR_ERR_SEND_FATAL_ALERT));
	else {
		for (i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
			if (errors[i].code == code) {
				snprintf(err, errlen, "TLS: %s",
				    errors[i].text);
				return;
			}
		snprintf(err, errlen, "TLS: handshake failed (BearSSL error "
		    "%d)", code);
	}
}

/* ---- I/O ---- */

static int
low_read(void *ctx, unsigned char *buf, size_t len)
{
	struct tls *t = ctx;
	ssize_t n = t->lower.read(t->lower.ctx, buf, len);

	if (n <= 0) {
		snprintf(t->err, sizeof(t->err), "%s", n == 0 ?
		    "connection closed by the server" :
		    t->lower.errstr(t->lower.ctx));
		return -1;
	}
	return (int)n;
}

static int
low_write(void *ctx, const unsigned char *buf, size_t len)
{
	struct tls *t = ctx;

	if (t->lower.write(t->lower.ctx, buf, len) < 0) {
		snprintf(t->err, sizeof(t->err), "%s",
		    t->lower.errstr(t->lower.ctx));
		return -1;
	}
	return (int)len;
}

/* Why the engine stopped, in t->err. */
static void
engine_error(struct tls *t)
{
	int code = br_ssl_engine_last_error(&t->sc.eng);
	char io[sizeof(t->err)];

	if (code == 0 && t->err[0] == '\0')
		snprintf(t->err, sizeof(t->err), "connection closed by the "
		    "server");
	else if (code != 0 && code != BR_ERR_IO) {
		explain(t, code, t->err, sizeof(t->err));
	} else if (code == BR_ERR_IO && t->err[0] != '\0') {
		snprintf(io, sizeof(io), "%s", t->err);
		snprintf(t->err, sizeof(t->err), "TLS: %.500s", io);
	}
}

static ssize_t
tls_read(void *ctx, void *buf, size_t len)
{
	struct tls *t = ctx;
	int n = br_sslio_read(&t->io, buf, len);

	if (n > 0)
		return n;
	if (br_ssl_engine_current_state(&t->sc.eng) == BR_SSL_CLOSED &&
	    br_ssl_engine_last_error(&t->sc.eng) == 0)
		return 0;	/* close_notify: a clean end */
	engine_error(t);
	return -1;
}

static ssize_t
tls_write(void *ctx, const void *buf, size_t len)
{
	struct tls *t = ctx;

	if (br_sslio_write_all(&t->io, buf, len) == -1) {
		engine_error(t);
		return -1;
	}
	return (ssize_t)len;
}

static int
tls_flush(void *ctx)
{
	struct tls *t = ctx;

	if (br_sslio_flush(&t->io) == -1) {
		engine_error(t);
		return -1;
	}
	return 0;
}

static void
tls_deadline(void *ctx, int64_t when_ms)
{
	struct tls *t = ctx;

	t->lower.deadline(t->lower.ctx, when_ms);
}

static const char *
tls_errstr(void *ctx)
{
	return ((struct tls *)ctx)->err;
}

/* ---- client certificate ---- */

static int
keep_cert(void *arg, const char *name, const unsigned char *der, size_t len)
{
	struct tls *t = arg;

	if (strcmp(name, "CERTIFICATE") != 0 || t->nccert == CHAIN_MAX)
		return 0;
	if ((t->ccert[t->nccert].data = dup_bytes(der, len)) == NULL)
		return -1;
	t->ccert[t->nccert++].data_len = len;
	return 0;
}

static int
keep_key(void *arg, const char *name, const unsigned char *der, size_t len)
{
	struct tls *t = arg;

	if (strstr(name, "PRIVATE KEY") == NULL)
		return 0;
	br_skey_decoder_init(&t->skey);
	br_skey_decoder_push(&t->skey, der, len);
	return br_skey_decoder_last_error(&t->skey) == 0 ? 1 : 0;
}

static int
client_cert(struct tls *t, char *err, size_t errlen)
{
	const struct tls_params *p = t->p;
	int r;

	if (pem_each(p->cert_file, keep_cert, t, err, errlen) == -1)
		return -1;
	if (t->nccert == 0) {
		snprintf(err, errlen, "TLS: no certificate in %s",
		    p->cert_file);
		return -1;
	}
	r = pem_each(p->key_file, keep_key, t, err, errlen);
	if (r != 1) {
		if (r == 0)
			snprintf(err, errlen, "TLS: no usable private key in "
			    "%s", p->key_file);
		return -1;
	}
	if (br_skey_decoder_key_type(&t->skey) == BR_KEYTYPE_RSA)
		br_ssl_client_set_single_rsa(&t->sc, t->ccert, t->nccert,
		    br_skey_decoder_get_rsa(&t->skey),
		    br_rsa_pkcs1_sign_get_default());
	else {
		br_x509_decoder_context dc;
		int issuer = BR_KEYTYPE_EC;
		/* The issuer's key type, from the certificate itself. */
		br_x509_decoder_init(&dc, NULL, NULL);
		br_x509_decoder_push(&dc, t->ccert[0].data,
		    t->ccert[0].data_len);
		if (br_x509_decoder_get_signer_key_type(&dc) != 0)
			issuer = br_x509_decoder_get_signer_key_type(&dc);
		br_ssl_client_set_single_ec(&t->sc, t->ccert, t->nccert,
		    br_skey_decoder_get_ec(&t->skey),
		    BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN, (unsigned)issuer,
		    br_ec_get_default(), br_ecdsa_sign_asn1_get_default());
	}
	return 0;
}

/* ---- the engine ---- */

/* TLS 1.2 with forward-secret AEAD suites first, and plain-RSA AES-GCM
 * for old servers: no CBC, CCM, 3DES or RC4 code is linked (the static
 * binary is about 40 KB smaller than with br_ssl_client_init_full). */
static const uint16_t suites[] = {
	BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
	BR_TLS_RSA_WITH_AES_128_GCM_SHA256,
	BR_TLS_RSA_WITH_AES_256_GCM_SHA384,
};

static void
client_init(struct tls *t)
{
	static const br_hash_class *hashes[] = { &br_md5_vtable,
	    &br_sha1_vtable, &br_sha224_vtable, &br_sha256_vtable,
	    &br_sha384_vtable, &br_sha512_vtable };
	br_ssl_client_context *cc = &t->sc;
	br_x509_minimal_context *xc = &t->x.minimal;
	int id;

	br_ssl_client_zero(cc);
	br_ssl_engine_set_versions(&cc->eng, BR_TLS12, BR_TLS12);
	br_ssl_engine_set_suites(&cc->eng, suites,
	    sizeof(suites) / sizeof(suites[0]));
	br_ssl_client_set_default_rsapub(cc);
	br_ssl_engine_set_default_rsavrfy(&cc->eng);
	br_ssl_engine_set_default_ecdsa(&cc->eng);
	br_x509_minimal_init(xc, &br_sha256_vtable, t->tas, t->ntas);
	for (id = br_md5_ID; id <= br_sha512_ID; id++) {
		br_ssl_engine_set_hash(&cc->eng, id, hashes[id - 1]);
		br_x509_minimal_set_hash(xc, id, hashes[id - 1]);
	}
	br_x509_minimal_set_rsa(xc, br_ssl_engine_get_rsavrfy(&cc->eng));
	br_x509_minimal_set_ecdsa(xc, br_ssl_engine_get_ec(&cc->eng),
	    br_ssl_engine_get_ecdsa(&cc->eng));
	br_ssl_engine_set_prf_sha256(&cc->eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(&cc->eng, &br_tls12_sha384_prf);
	br_ssl_engine_set_default_aes_gcm(&cc->eng);
	br_ssl_engine_set_default_chapol(&cc->eng);
}

/* ---- the interface ---- */

/* see tls.h */
struct tls *
tls_new(void)
{
	struct tls *t = calloc(1, sizeof(*t));

	if (t != NULL)
		t->cur = -1;
	return t;
}

/* see tls.h */
int
tls_start(struct tls *t, const struct tls_params *p,
    const struct transport *lower, char *err, size_t errlen)
{
	const char *name = p->verify_name ? p->verify_name : p->host;
	unsigned char ip[16];

	t->p = p;
	t->lower = *lower;
	t->err[0] = '\0';
	t->iplen = 0;
	if (inet_pton(AF_INET, p->host, ip) == 1)
		t->iplen = 4;
	else if (inet_pton(AF_INET6, p->host, ip) == 1)
		t->iplen = 16;
	memcpy(t->ip, ip, t->iplen);
	client_init(t);
	/* RSA keys under 2048 bits are refused (NIST SP 800-131A). */
	br_x509_minimal_set_minrsa(&t->x.minimal, 256);
	br_ssl_engine_set_versions(&t->sc.eng, BR_TLS12, BR_TLS12);
	br_ssl_engine_set_buffer(&t->sc.eng, t->iobuf, sizeof(t->iobuf), 1);
	t->x.vtable = &x509_vtable;
	t->x.t = t;
	t->x.verify = p->verify;
	br_ssl_engine_set_x509(&t->sc.eng, &t->x.vtable);
	if (p->cert_file != NULL && client_cert(t, err, errlen) == -1)
		return -1;
	/* No SNI and no built-in name check for an IP literal: the
	 * wrapper checks the iPAddress SAN instead (RFC 6066 3). */
	if (!br_ssl_client_reset(&t->sc, t->iplen && !p->verify_name ? NULL :
	    name, 0)) {
		explain(t, br_ssl_engine_last_error(&t->sc.eng), err, errlen);
		return -1;
	}
	br_sslio_init(&t->io, &t->sc.eng, low_read, t, low_write, t);
	if (br_sslio_flush(&t->io) == -1 ||
	    br_ssl_engine_current_state(&t->sc.eng) == BR_SSL_CLOSED) {
		int code = br_ssl_engine_last_error(&t->sc.eng);
		if (t->x.err != 0)
			code = (int)t->x.err;
		if (code == BR_ERR_IO || code == 0)
			snprintf(err, errlen, "TLS: handshake: %s",
			    t->err[0] ? t->err : "connection closed");
		else
			explain(t, code, err, errlen);
		return -1;
	}
	return 0;
}

/* see tls.h */
void
tls_transport(struct tls *t, struct transport *out)
{
	out->read = tls_read;
	out->write = tls_write;
	out->flush = tls_flush;
	out->deadline = tls_deadline;
	out->errstr = tls_errstr;
	out->ctx = t;
}

/* see tls.h */
void
tls_free(struct tls *t)
{
	size_t i;
	int k;

	if (t == NULL)
		return;
	if (t->p != NULL && br_ssl_engine_current_state(&t->sc.eng) !=
	    BR_SSL_CLOSED) {
		/* close_notify, without waiting for the server's. */
		br_ssl_engine_close(&t->sc.eng);
		while (br_ssl_engine_current_state(&t->sc.eng) &
		    BR_SSL_SENDREC) {
			size_t len;
			unsigned char *buf = br_ssl_engine_sendrec_buf(
			    &t->sc.eng, &len);
			if (low_write(t, buf, len) == -1)
				break;
			br_ssl_engine_sendrec_ack(&t->sc.eng, len);
		}
	}
	for (i = 0; i < t->ntas; i++) {
		br_x509_trust_anchor *ta = &t->tas[i];
		free(ta->dn.data);
		if (ta->pkey.key_type == BR_KEYTYPE_RSA) {
			free(ta->pkey.key.rsa.n);
			free(ta->pkey.key.rsa.e);
		} else
			free(ta->pkey.key.ec.q);
	}
	free(t->tas);
	for (k = 0; k < t->nchain; k++)
		free(t->chain[k].der);
	for (i = 0; i < t->nccert; i++)
		free(t->ccert[i].data);
	explicit_bzero(t, sizeof(*t));
	free(t);
}

/* see tls.h */
int
tls_cert_info(const struct tls *t, int index, struct tls_certinfo *ci)
{
	struct der_cert dc;
	char tmp[sizeof(ci->not_after)];

	if (index < 0 || index >= t->nchain ||
	    der_cert_parse(t->chain[index].der, t->chain[index].len, &dc) == -1)
		return -1;
	der_name_string(dc.subject, dc.subject_len, ci->subject,
	    sizeof(ci->subject));
	der_name_string(dc.issuer, dc.issuer_len, ci->issuer,
	    sizeof(ci->issuer));
	when(tmp, sizeof(tmp), dc.not_after);
	util_strlcpy(ci->not_after, tmp, sizeof(ci->not_after));
	pin_of(dc.spki, dc.spki_len, ci->pin, sizeof(ci->pin));
	return 0;
}

/* see tls.h */
const char *
tls_version(const struct tls *t)
{
	switch (br_ssl_engine_get_version(&t->sc.eng)) {
	case BR_TLS12: return "TLS1.2";
	case BR_TLS11: return "TLS1.1";
	case BR_TLS10: return "TLS1.0";
	default: return "?";
	}
}

/* see tls.h */
const char *
tls_cipher(const struct tls *t)
{
	static char buf[16];

	snprintf(buf, sizeof(buf), "suite 0x%04X",
	    t->sc.eng.session.cipher_suite);
	return buf;
}
