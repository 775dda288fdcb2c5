/* relaymail: TLS client over a transport, with BearSSL. ISC licence.
 * Loads trust anchors only when a handshake starts, verifies the chain
 * and the host name (DNS or IP SAN), checks SPKI pins, and explains every
 * failure as one sentence naming the host and the cause. */
#ifndef TLS_H
#define TLS_H

#include <stddef.h>
#include "conn.h"
#include "relaymail.h"

/* What to connect to and how to check it. Borrowed, not copied: every
 * pointer must stay valid while the struct tls uses it. */
struct tls_params {
	const char *host;	/* the name connected to: SNI and name check */
	const char *verify_name;/* tls_host: overrides the name checked, or NULL */
	int	 verify;	/* tls_verify: chain + name */
	const char *ca_file;	/* PEM bundle, or a directory of PEM files */
	char *const *pins;	/* npins "sha256/BASE64" SPKI pins */
	int	 npins;
	const char *cert_file;	/* client certificate chain (PEM), or NULL */
	const char *key_file;	/* its RSA or EC private key (PEM), or NULL */
};

struct tls;

/* Allocates a context (it holds the 33 KB record buffer). NULL on ENOMEM. */
struct tls *tls_new(void);

/* Runs the handshake over lower (the socket transport) and verifies the
 * server. 0 on success; -1 with one sentence in err, e.g.
 * "certificate expired on 2020-01-02 (subject CN=x, issuer CN=Test CA)". */
int	 tls_start(struct tls *, const struct tls_params *,
	    const struct transport *lower, char *err, size_t errlen);

/* The class of tls_start's last failure: ERR_CONFIG when the server's
 * certificate fails verification or a pin, when the CA file or the
 * client certificate or key cannot be read, or when the server refuses
 * our certificate; ERR_PROTO when the server breaks the protocol;
 * ERR_TEMP for I/O errors, timeouts and a closed connection. ERR_NONE
 * after a success. */
enum err_class	tls_error_class(const struct tls *);

/* The transport that reads and writes application data over the session. */
void	 tls_transport(struct tls *, struct transport *out);

/* Sends close_notify (best effort) and frees. NULL is fine. */
void	 tls_free(struct tls *);

/* After tls_start, whether it succeeded or not: describe the server's
 * chain for the connection test, one certificate per call (index 0 =
 * server): subject, issuer, validity and the SPKI pin "sha256/BASE64".
 * The path from the server towards the trust anchor when one was built
 * (the anchor itself is the last certificate's issuer); else the chain
 * as sent. 0, or -1 when index is past the end (or nothing was sent). */
struct tls_certinfo {
	char	 subject[256];
	char	 issuer[256];
	char	 not_before[32];	/* YYYY-MM-DD HH:MM:SS UTC */
	char	 not_after[32];
	char	 pin[64];		/* sha256/BASE64 */
};
int	 tls_cert_info(const struct tls *, int index, struct tls_certinfo *);

/* 1 when tls_start failed on the pin alone: the chain and the name
 * passed (or were not checked), and no tls_pin matched. */
int	 tls_pin_failed(const struct tls *);

/* 1 if the chain was verified up to a trust anchor (tls_verify = yes). */
int	 tls_chain_verified(const struct tls *);

/* Protocol version and cipher suite in words, for -v and the test. */
const char *tls_version(const struct tls *);
const char *tls_cipher(const struct tls *);

#endif
