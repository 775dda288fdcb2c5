/* relaymail: TLS failures in words, and their class. ISC licence.
 * Owns the one table of BearSSL error codes (and our TLS_ERR_* codes) to
 * sentences, and the mapping of a code to an err_class. Every sentence
 * starts "TLS: "; a certificate failure names what the certificate says
 * (subject, issuer, dates, names), never just a code. */
#include <stdio.h>
#include <time.h>

#include "tls_der.h"
#include "tls_int.h"

static const struct {
	int	 code;
	const char *text;
} tls_err_sentences[] = {
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
	{ TLS_ERR_NO_KEY, "the server's certificate could not be read" },
	{ TLS_ERR_NOT_SERVER, "the certificate is not for a TLS server "
	    "(extended key usage)" },
	{ TLS_ERR_KEY_TYPE, "the server's certificate or signature type is "
	    "not supported (RSA PKCS#1 and ECDSA only)" },
	{ TLS_ERR_CERT_WANTED, "the server asks for a client certificate: "
	    "set tls_cert_file and tls_key_file" },
	{ TLS_ERR_PLAIN_SMTP, "the server speaks plain SMTP on this port: "
	    "use tls = starttls (usually port 587)" },
	{ TLS_ERR_CUT_HELLO, "the server closed the connection on our "
	    "TLS hello without an alert: it may not speak TLS on this port, "
	    "or accept none of our TLS 1.2 suites" },
	{ TLS_ERR_CUT, "the server closed the connection during the "
	    "handshake without an alert: it may have refused our key "
	    "exchange or our certificate" },
};

static const char *
tls_err_alert_name(int a)
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

/* What chain[0] says, for the sentences about it. */
struct tls_err_cert {
	struct der_cert dc;
	char	 subject[256], issuer[256], names[256];
};

/* What chain[i] says. */
static int
tls_err_cert(const struct tls_x509 *x, int i, struct tls_err_cert *c)
{
	if (i >= x->nchain || der_cert_parse(x->chain[i].der,
	    x->chain[i].len, &c->dc) == -1)
		return -1;
	der_name_string(c->dc.subject, c->dc.subject_len, c->subject,
	    sizeof(c->subject));
	der_name_string(c->dc.issuer, c->dc.issuer_len, c->issuer,
	    sizeof(c->issuer));
	der_san_string(c->dc.san, c->dc.san_len, c->names, sizeof(c->names));
	return 0;
}

/* Out of its dates: the certificate at fault (x->bad), with its own
 * date; an intermediate says so, so that the leaf is not blamed. */
static void
tls_err_dates(const struct tls_x509 *x, const struct tls_err_cert *c,
    char *err, size_t errlen)
{
	const char *which = x->bad > 0 ? "intermediate certificate" :
	    "certificate";
	char d[64];

	if (c->dc.not_before != (time_t)-1 && time(NULL) < c->dc.not_before) {
		der_time_string(c->dc.not_before, d, sizeof(d));
		snprintf(err, errlen, "TLS: %s not valid until %s (%s, "
		    "issuer %s)", which, d, c->subject, c->issuer);
	} else {
		der_time_string(c->dc.not_after, d, sizeof(d));
		snprintf(err, errlen, "TLS: %s expired on %s (%s, issuer %s)",
		    which, d, c->subject, c->issuer);
	}
}

/* No anchor: the server's certificate, and the issuer found at the top
 * of the path (c, the certificate x->bad) that is not in the CA file. */
static void
tls_err_untrusted(const struct tls_x509 *x, const struct tls_err_cert *c,
    char *err, size_t errlen)
{
	struct tls_err_cert leaf;
	const char *subject = c->subject;

	if (x->bad != 0 && tls_err_cert(x, 0, &leaf) == 0)
		subject = leaf.subject;
	snprintf(err, errlen, "TLS: certificate for %s has an unknown "
	    "issuer: %s (not in %s)", subject, c->issuer, x->p->ca_file);
}

/* A sentence naming the certificate at fault, for the codes that have
 * one. 1 if written, 0 if code is not one of them or there is no
 * certificate to name. */
static int
tls_err_explain_cert(const struct tls_x509 *x, int code, char *err,
    size_t errlen)
{
	struct tls_err_cert c;

	if (tls_err_cert(x, x->bad, &c) == -1)
		return 0;
	if (code == BR_ERR_X509_EXPIRED)
		tls_err_dates(x, &c, err, errlen);
	else if (code == BR_ERR_X509_BAD_SERVER_NAME ||
	    code == TLS_ERR_IP_MISMATCH)
		snprintf(err, errlen, "TLS: certificate is for %s, not %s",
		    c.names[0] ? c.names : c.subject, x->host[0] ? x->host :
		    x->p->host);
	else if (code == BR_ERR_X509_NOT_TRUSTED)
		tls_err_untrusted(x, &c, err, errlen);
	else if (code == TLS_ERR_WEAK_SIG)
		snprintf(err, errlen, "TLS: certificate %s is signed with "
		    "MD5 or SHA-1, which is refused (issuer %s)", c.subject,
		    c.issuer);
	else if (code == TLS_ERR_NAME_CONSTRAINT)
		snprintf(err, errlen, "TLS: certificate %s names a host its "
		    "CA may not certify (name constraints above %s)",
		    c.subject, c.issuer);
	else
		return 0;
	return 1;
}

/* An alert the server sent (recv = 1) or we sent. */
static void
tls_err_explain_alert(int alert, int recv, char *err, size_t errlen)
{
	if (!recv)
		snprintf(err, errlen, "TLS: handshake failed (we sent alert "
		    "%d, %s)", alert, tls_err_alert_name(alert));
	else
		snprintf(err, errlen, "TLS: the server sent alert %d (%s)%s",
		    alert, tls_err_alert_name(alert), alert == 70 ? ": it "
		    "offers no TLS version we accept (TLS 1.2 required)" :
		    alert == 40 ? ": it found nothing in common with our "
		    "hello; most likely its certificate's key is Ed25519 or "
		    "Ed448, which BearSSL cannot check (ask for an RSA or "
		    "ECDSA certificate), else it lacks TLS 1.2 with ECDHE "
		    "or RSA and AES-GCM or ChaCha20" : "");
}

/* see tls_int.h */
void
tls_err_explain(const struct tls_x509 *x, int code, char *err,
    size_t errlen)
{
	size_t i;

	if (tls_err_explain_cert(x, code, err, errlen))
		return;
	if (code == TLS_ERR_CA_FILE) {
		snprintf(err, errlen, "%s", x->ca_err);
		return;
	}
	if (code == TLS_ERR_BAD_HOST) {
		snprintf(err, errlen, "TLS: the host name \"%s\" is not plain "
		    "ASCII: write an international name in its xn-- form",
		    x->p->verify_name ? x->p->verify_name : x->p->host);
		return;
	}
	if (code == TLS_ERR_PIN_MISMATCH) {
		snprintf(err, errlen, "TLS: public key pin mismatch: the "
		    "server's pin is %s", x->server_pin);
		return;
	}
	if (code >= BR_ERR_RECV_FATAL_ALERT && code < 0x1000) {
		int recv = code < BR_ERR_SEND_FATAL_ALERT;
		tls_err_explain_alert(code - (recv ? BR_ERR_RECV_FATAL_ALERT :
		    BR_ERR_SEND_FATAL_ALERT), recv, err, errlen);
		return;
	}
	for (i = 0; i < sizeof(tls_err_sentences) /
	    sizeof(tls_err_sentences[0]); i++)
		if (tls_err_sentences[i].code == code) {
			snprintf(err, errlen, "TLS: %s",
			    tls_err_sentences[i].text);
			return;
		}
	snprintf(err, errlen, "TLS: handshake failed (BearSSL error %d)",
	    code);
}

/* see tls_int.h */
enum err_class
tls_err_class(int code)
{
	if (code == 0 || code == BR_ERR_IO || code == TLS_ERR_CUT ||
	    code == TLS_ERR_CUT_HELLO)
		return ERR_TEMP;	/* a closed connection may pass */
	/* Our own codes and X.509 failures: the chain does not satisfy
	 * the settings (ca_file, tls_host, tls_pin, tls_verify). */
	if (code >= 0x1000 ||
	    (code > BR_ERR_X509_OK && code < BR_ERR_RECV_FATAL_ALERT))
		return ERR_CONFIG;
	if (code >= BR_ERR_RECV_FATAL_ALERT && code < BR_ERR_SEND_FATAL_ALERT)
		switch (code - BR_ERR_RECV_FATAL_ALERT) {
		case 42: case 43: case 44: case 45: case 46: case 48: case 116:
			return ERR_CONFIG;	/* it refused our certificate */
		default:
			return ERR_PROTO;
		}
	switch (code) {
	case BR_ERR_BAD_PARAM:
	case BR_ERR_BAD_STATE:
	case BR_ERR_NO_RANDOM:
		return ERR_TEMP;	/* ours, not the server's */
	case BR_ERR_NO_CLIENT_AUTH:
		return ERR_CONFIG;	/* it wants a client certificate */
	default:
		return ERR_PROTO;	/* it broke the protocol */
	}
}
