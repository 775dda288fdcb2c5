/* relaymail: TLS client over a transport, with BearSSL. ISC licence.
 * Owns the engine (TLS 1.2 only, AEAD suites), the handshake, and the
 * transport that carries application data over the session; BearSSL's
 * low-level I/O is the socket transport below. The record buffer lives
 * in struct tls, one per process. Certificates are tls_x509.c's concern
 * and sentences tls_err.c's: a failed tls_start leaves both a sentence
 * and a class (tls_error_class). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls_int.h"
#include "util.h"

/* ---- BearSSL's side: the socket transport below ---- */

static int
tls_low_read(void *ctx, unsigned char *buf, size_t len)
{
	struct tls *t = ctx;
	ssize_t n = t->lower.read(t->lower.ctx, buf, len);

	if (n <= 0) {
		t->eof = n == 0;
		snprintf(t->err, sizeof(t->err), "%s", n == 0 ?
		    "connection closed by the server" :
		    t->lower.errstr(t->lower.ctx));
		return -1;
	}
	while (t->nfirst < sizeof(t->first) && t->nfirst < (size_t)n) {
		t->first[t->nfirst] = buf[t->nfirst];
		t->nfirst++;
	}
	return (int)n;
}

static int
tls_low_write(void *ctx, const unsigned char *buf, size_t len)
{
	struct tls *t = ctx;

	if (t->lower.write(t->lower.ctx, buf, len) < 0) {
		snprintf(t->err, sizeof(t->err), "%s",
		    t->lower.errstr(t->lower.ctx));
		return -1;
	}
	return (int)len;
}

/* ---- our side: the transport above, for conn ---- */

/* Why the engine stopped, in t->err. */
static void
tls_engine_error(struct tls *t)
{
	int code = br_ssl_engine_last_error(&t->sc.eng);
	char io[sizeof(t->err)];

	if (code == 0 && t->err[0] == '\0')
		snprintf(t->err, sizeof(t->err), "connection closed by the "
		    "server");
	else if (code != 0 && code != BR_ERR_IO) {
		tls_err_explain(&t->x, code, t->err, sizeof(t->err));
	} else if (code == BR_ERR_IO && t->err[0] != '\0') {
		snprintf(io, sizeof(io), "%s", t->err);
		snprintf(t->err, sizeof(t->err), "TLS: %.500s", io);
	}
}

static ssize_t
tls_app_read(void *ctx, void *buf, size_t len)
{
	struct tls *t = ctx;
	int n = br_sslio_read(&t->io, buf, len);

	if (n > 0)
		return n;
	if (br_ssl_engine_current_state(&t->sc.eng) == BR_SSL_CLOSED &&
	    br_ssl_engine_last_error(&t->sc.eng) == 0)
		return 0;	/* close_notify: a clean end */
	tls_engine_error(t);
	return -1;
}

static ssize_t
tls_app_write(void *ctx, const void *buf, size_t len)
{
	struct tls *t = ctx;

	if (br_sslio_write_all(&t->io, buf, len) == -1) {
		tls_engine_error(t);
		return -1;
	}
	return (ssize_t)len;
}

static int
tls_app_flush(void *ctx)
{
	struct tls *t = ctx;

	if (br_sslio_flush(&t->io) == -1) {
		tls_engine_error(t);
		return -1;
	}
	return 0;
}

static void
tls_app_deadline(void *ctx, int64_t when_ms)
{
	struct tls *t = ctx;

	t->lower.deadline(t->lower.ctx, when_ms);
}

static const char *
tls_app_errstr(void *ctx)
{
	return ((struct tls *)ctx)->err;
}

/* ---- the engine ---- */

/* TLS 1.2 with forward-secret AEAD suites first, and plain-RSA AES-GCM
 * for old servers: no CBC, CCM, 3DES or RC4 code is linked (the static
 * binary is about 40 KB smaller than with br_ssl_client_init_full). */
static const uint16_t tls_suites[] = {
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
tls_engine_init(struct tls *t)
{
	br_ssl_client_context *cc = &t->sc;
	br_x509_minimal_context *xc = &t->x.minimal;

	br_ssl_client_zero(cc);
	br_ssl_engine_set_versions(&cc->eng, BR_TLS12, BR_TLS12);
	br_ssl_engine_set_suites(&cc->eng, tls_suites,
	    sizeof(tls_suites) / sizeof(tls_suites[0]));
	/* Every public-key operation is BearSSL's, the fastest code this
	 * build of it has: RSA with 62-bit limbs where the compiler has
	 * 128-bit products (i62), else 31-bit; elliptic curves with 31-bit
	 * limbs (X25519 and P-256 m31, P-384 and P-521 i31). The X.509
	 * engine below takes the same. */
	br_ssl_client_set_default_rsapub(cc);
	br_ssl_engine_set_default_rsavrfy(&cc->eng);
	br_ssl_engine_set_default_ecdsa(&cc->eng);
	br_ssl_engine_set_default_ec(&cc->eng);
	br_x509_minimal_init(xc, &br_sha256_vtable, t->x.anchors.ta,
	    t->x.anchors.n);
	/* Every handshake message goes through each hash set here: TLS
	 * 1.2 needs SHA-256 and SHA-384 (PRF) and the signature hashes we
	 * accept, and MD5, SHA-1 and SHA-224 are not among them (OpenSSL 3
	 * refuses the first two too). The X.509 engine gets only the
	 * hashes the path needs (tls_x509_validate). */
	br_ssl_engine_set_hash(&cc->eng, br_sha256_ID, &br_sha256_vtable);
	br_ssl_engine_set_hash(&cc->eng, br_sha384_ID, &br_sha384_vtable);
	br_ssl_engine_set_hash(&cc->eng, br_sha512_ID, &br_sha512_vtable);
	br_x509_minimal_set_rsa(xc, br_ssl_engine_get_rsavrfy(&cc->eng));
	br_x509_minimal_set_ecdsa(xc, br_ssl_engine_get_ec(&cc->eng),
	    br_ssl_engine_get_ecdsa(&cc->eng));
	br_ssl_engine_set_prf_sha256(&cc->eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(&cc->eng, &br_tls12_sha384_prf);
	br_ssl_engine_set_default_aes_gcm(&cc->eng);
	br_ssl_engine_set_default_chapol(&cc->eng);
	/* RSA keys under 2048 bits are refused (NIST SP 800-131A). */
	br_x509_minimal_set_minrsa(xc, 256);
	/* SMTP talks in turns: one buffer for both ways is enough. */
	br_ssl_engine_set_buffer(&cc->eng, t->iobuf, sizeof(t->iobuf), 0);
	br_ssl_engine_set_x509(&cc->eng, &t->x.vtable);
}

/* The closest cause of a handshake the engine could only call an I/O
 * error or an alert: an SMTP greeting where a ServerHello belongs, a
 * CertificateRequest we could not answer, a close without an alert. */
static int
tls_handshake_cause(const struct tls *t, int code)
{
	const unsigned char *f = t->first;
	int alert = code >= BR_ERR_RECV_FATAL_ALERT &&
	    code < BR_ERR_SEND_FATAL_ALERT;

	/* "220 " or "554-": three digits and a separator, not a record. */
	if (t->nfirst == 4 && f[0] >= '1' && f[0] <= '5' &&
	    f[1] >= '0' && f[1] <= '9' && f[2] >= '0' && f[2] <= '9' &&
	    (f[3] == ' ' || f[3] == '-'))
		return TLS_ERR_PLAIN_SMTP;
	if (t->cc.asked && (alert || code == BR_ERR_IO || code == 0))
		return TLS_ERR_CERT_WANTED;
	if ((code == BR_ERR_IO || code == 0) && t->eof)
		return t->nfirst == 0 ? TLS_ERR_CUT_HELLO : TLS_ERR_CUT;
	return code;
}

/* The handshake stopped: the wrapper's verdict first, as BearSSL only
 * knows that the chain was refused. Returns -1. */
static int
tls_handshake_failed(struct tls *t, char *err, size_t errlen)
{
	int code = br_ssl_engine_last_error(&t->sc.eng);

	if (t->x.err != 0)
		code = (int)t->x.err;
	else
		code = tls_handshake_cause(t, code);
	t->cls = tls_err_class(code);
	if (code == BR_ERR_IO || code == 0)
		return util_err(err, errlen, "TLS: handshake: %s",
		    t->err[0] ? t->err : "connection closed");
	tls_err_explain(&t->x, code, err, errlen);
	return -1;
}

/* ---- the interface ---- */

/* see tls.h */
struct tls *
tls_new(void)
{
	struct tls *t = calloc(1, sizeof(*t));

	if (t != NULL)
		t->x.cur = -1;
	return t;
}

/* see tls.h */
int
tls_start(struct tls *t, const struct tls_params *p,
    const struct transport *lower, char *err, size_t errlen)
{
	int code;

	t->lower = *lower;
	t->running = 0;
	t->eof = 0;
	t->nfirst = 0;
	t->err[0] = '\0';
	t->cls = ERR_NONE;
	if (tls_x509_setup(&t->x, p) == -1) {
		t->cls = ERR_CONFIG;
		tls_err_explain(&t->x, TLS_ERR_BAD_HOST, err, errlen);
		return -1;
	}
	tls_engine_init(t);
	if (p->cert_file == NULL)
		tls_cert_none(&t->cc, &t->sc);
	else if (tls_cert_load(&t->cc, &t->sc, p->cert_file, p->key_file,
	    err, errlen) == -1) {
		t->cls = ERR_CONFIG;
		return -1;
	}
	/* No SNI and no built-in name check for an IP literal: the
	 * wrapper checks the iPAddress SAN instead (RFC 6066 3). */
	if (!br_ssl_client_reset(&t->sc, t->x.iplen && !p->verify_name ?
	    NULL : t->x.host, 0)) {
		code = br_ssl_engine_last_error(&t->sc.eng);
		t->cls = tls_err_class(code);
		tls_err_explain(&t->x, code, err, errlen);
		return -1;
	}
	t->running = 1;
	br_sslio_init(&t->io, &t->sc.eng, tls_low_read, t, tls_low_write, t);
	if (br_sslio_flush(&t->io) == -1 ||
	    br_ssl_engine_current_state(&t->sc.eng) == BR_SSL_CLOSED)
		return tls_handshake_failed(t, err, errlen);
	return 0;
}

/* see tls.h */
enum err_class
tls_error_class(const struct tls *t)
{
	return t->cls;
}

/* see tls.h */
void
tls_transport(struct tls *t, struct transport *out)
{
	out->read = tls_app_read;
	out->write = tls_app_write;
	out->flush = tls_app_flush;
	out->deadline = tls_app_deadline;
	out->errstr = tls_app_errstr;
	out->ctx = t;
}

/* see tls.h */
void
tls_free(struct tls *t)
{
	if (t == NULL)
		return;
	/* An engine that was never reset has no state to close (and
	 * BearSSL crashes trying). */
	if (t->running && br_ssl_engine_current_state(&t->sc.eng) !=
	    BR_SSL_CLOSED) {
		/* close_notify, without waiting for the server's. */
		br_ssl_engine_close(&t->sc.eng);
		while (br_ssl_engine_current_state(&t->sc.eng) &
		    BR_SSL_SENDREC) {
			size_t len;
			unsigned char *buf = br_ssl_engine_sendrec_buf(
			    &t->sc.eng, &len);
			if (tls_low_write(t, buf, len) == -1)
				break;
			br_ssl_engine_sendrec_ack(&t->sc.eng, len);
		}
	}
	tls_x509_free(&t->x);
	tls_cert_free(&t->cc);
	explicit_bzero(t, sizeof(*t));
	free(t);
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
int
tls_chain_verified(const struct tls *t)
{
	return t->x.verify && t->x.npath > 0 && t->x.err == 0;
}

/* see tls.h */
const char *
tls_cipher(const struct tls *t)
{
	static const struct {
		uint16_t id;
		const char *name;
	} names[] = {
		{ BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		    "ECDHE-ECDSA-AES128-GCM-SHA256" },
		{ BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		    "ECDHE-RSA-AES128-GCM-SHA256" },
		{ BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		    "ECDHE-ECDSA-AES256-GCM-SHA384" },
		{ BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
		    "ECDHE-RSA-AES256-GCM-SHA384" },
		{ BR_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
		    "ECDHE-ECDSA-CHACHA20-POLY1305" },
		{ BR_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		    "ECDHE-RSA-CHACHA20-POLY1305" },
		{ BR_TLS_RSA_WITH_AES_128_GCM_SHA256, "AES128-GCM-SHA256" },
		{ BR_TLS_RSA_WITH_AES_256_GCM_SHA384, "AES256-GCM-SHA384" },
	};
	static char buf[16];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].id == t->sc.eng.session.cipher_suite)
			return names[i].name;
	snprintf(buf, sizeof(buf), "suite 0x%04X",
	    t->sc.eng.session.cipher_suite);
	return buf;
}
