/* relaymail: what the tls_*.c files share. ISC licence, see LICENSE.
 * Private to src/tls/ (and t_tls.c); the rest of relaymail sees only
 * tls.h, as "tls/tls.h".
 * struct tls is the engine (tls.c) holding one X.509 wrapper (tls_x509.c),
 * which holds the server's chain and the trust anchors (tls_anchor.c, read
 * through tls_pem.c), orders the path (tls_path.c), checks names
 * (tls_name.c) and works around critical name constraints (tls_split.c);
 * tls_cert.c keeps the client certificate and tls_err.c turns a failure
 * code into a sentence and a class. No cryptographic primitive is ours:
 * key exchange, signatures, hashes and ciphers are BearSSL's defaults,
 * the fastest code the installed BearSSL has. */
#ifndef TLS_INT_H
#define TLS_INT_H

#include <bearssl.h>
#include <stddef.h>
#include <time.h>

#include "relaymail.h"
#include "tls.h"

struct der_cert;	/* tls_der.h */

#define TLS_CHAIN_MAX	8	/* certificates kept, each way */
#define TLS_CERT_MAX	16384	/* bytes per kept server certificate */
#define TLS_ANCHORS_MAX	4096
#define TLS_PEM_OBJ_MAX	65536	/* bytes per decoded PEM object */

/* Failure codes of our own, above BearSSL's (which end below 0x1000). */
#define TLS_ERR_IP_MISMATCH	0x1001
#define TLS_ERR_PIN_MISMATCH	0x1002
#define TLS_ERR_NO_KEY		0x1003
#define TLS_ERR_CA_FILE		0x1004
#define TLS_ERR_NOT_SERVER	0x1005
#define TLS_ERR_WEAK_SIG	0x1006	/* MD5 or SHA-1 below the anchor */
#define TLS_ERR_KEY_TYPE	0x1007	/* Ed25519, RSA-PSS, DSA... */
#define TLS_ERR_NAME_CONSTRAINT	0x1008
#define TLS_ERR_BAD_HOST	0x1009	/* not ASCII, or empty */
#define TLS_ERR_CERT_WANTED	0x100a	/* asked for one, none configured */
#define TLS_ERR_PLAIN_SMTP	0x100b	/* "220 " instead of a ServerHello */
#define TLS_ERR_CUT		0x100c	/* closed mid-handshake, no alert */
#define TLS_ERR_CUT_HELLO	0x100d	/* closed on our hello, no alert */

/* ---- tls_pem.c ---- */

/* Called once per PEM object with its label ("CERTIFICATE") and bytes,
 * which are only valid during the call. Returns 0 to go on, anything
 * else to stop: a negative value makes tls_pem_each fail. */
typedef int (*tls_pem_cb)(void *arg, const char *label,
    const unsigned char *der, size_t len);

/* Calls cb for each object of the PEM file at path; an object that does
 * not decode or exceeds TLS_PEM_OBJ_MAX is skipped. Returns -1 with
 * "PATH: strerror" in err if the file cannot be opened, -1 if cb returned
 * a negative value, else cb's last return value (0 or positive). */
int	 tls_pem_each(const char *path, tls_pem_cb cb, void *arg, char *err,
	    size_t errlen);

/* Called after each line of an object's base64 with the bytes decoded so
 * far: TLS_PEM_MORE to be asked again after the next line, TLS_PEM_KEEP
 * to decode the rest and hand it to cb, TLS_PEM_SKIP to drop the object
 * without decoding the rest of it. */
#define TLS_PEM_MORE	0
#define TLS_PEM_KEEP	1
#define TLS_PEM_SKIP	2
typedef int (*tls_pem_peek)(void *arg, const char *label,
    const unsigned char *der, size_t len);

/* tls_pem_each, with peek (or NULL) deciding which objects to decode. */
int	 tls_pem_each_peek(const char *path, tls_pem_peek peek,
	    tls_pem_cb cb, void *arg, char *err, size_t errlen);

/* ---- tls_anchor.c ---- */

struct tls_anchors {
	br_x509_trust_anchor *ta;	/* heap vector of n */
	size_t	 n;
	/* Wanted subjects (the issuers in the server's chain): only
	 * certificates with one of these are decoded. nwant = 0: all. */
	const unsigned char *want[TLS_CHAIN_MAX];
	size_t	 wantlen[TLS_CHAIN_MAX];
	int	 nwant;
};

/* Adds the wanted CA certificates of path (a PEM bundle, or a directory
 * of *.pem and *.crt files) to a. 0, even when none matched; -1 with
 * "PATH: strerror" in err if path is neither a directory nor a readable
 * file. */
int	 tls_anchors_load(struct tls_anchors *a, const char *path, char *err,
	    size_t errlen);
/* The key of a SubjectPublicKeyInfo into ta->pkey, as copies ta owns.
 * 0, or -1 for a key that is neither RSA nor EC on P-256/384/521. */
int	 tls_anchor_key(br_x509_trust_anchor *ta, const unsigned char *spki,
	    size_t len);
/* Frees the copies one anchor owns (its name and key). */
void	 tls_anchor_free_one(br_x509_trust_anchor *ta);
/* Frees what tls_anchors_load added. */
void	 tls_anchors_free(struct tls_anchors *a);

/* ---- tls_x509.c ---- */

struct tls_chain_cert {
	unsigned char *der;
	size_t	 len;
	int	 whole;			/* not cut at TLS_CERT_MAX */
};

/* Our br_x509_class: keeps the chain the server sent, then validates it
 * with BearSSL's minimal engine and adds our policy (IP SAN, extended key
 * usage, pins). Owns the chain and the anchors. */
struct tls_x509 {
	const br_x509_class *vtable;	/* first: BearSSL's handle */
	br_x509_minimal_context minimal;
	const struct tls_params *p;
	int	 verify;
	unsigned char ip[16];
	size_t	 iplen;			/* > 0: the host is an IP literal */
	char	 host[256];		/* the name checked, no trailing dot */
	struct tls_chain_cert chain[TLS_CHAIN_MAX];
	int	 nchain;
	int	 path[TLS_CHAIN_MAX];	/* chain indices, leaf to the anchor */
	int	 npath;			/* 0 until a path was built */
	int	 bad;			/* chain index a failure is about */
	int	 cur;			/* certificate being received, or -1 */
	struct tls_anchors anchors;
	int	 anchors_loaded;
	char	 server_pin[64];	/* sha256/BASE64 of chain[0] */
	br_x509_pkey pkey;		/* verify = 0: the EE key, unchecked */
	unsigned char keybuf[1024];
	unsigned err;			/* what end_chain said */
	char	 ca_err[512];		/* the sentence for TLS_ERR_CA_FILE */
};

/* Points x at p (kept, not copied) and installs our class; anchors
 * already loaded are kept for the next handshake. -1 if the host name
 * is not one we can check (see tls_name_host). */
int	 tls_x509_setup(struct tls_x509 *x, const struct tls_params *p);
/* Frees the chain and the anchors. */
void	 tls_x509_free(struct tls_x509 *x);
/* "sha256/BASE64" of a SubjectPublicKeyInfo. */
void	 tls_x509_pin(const unsigned char *spki, size_t len, char *out,
	    size_t outlen);

/* ---- tls_path.c ---- */

/* Orders x->chain into x->path: from the leaf (chain[0]) through issuers
 * the server sent to one whose issuer is a trust anchor, preferring
 * certificates valid now; the longest path when no anchor is reached.
 * Anchors must be loaded. */
void	 tls_path_build(struct tls_x509 *x);
/* Along the path: algorithms (TLS_ERR_WEAK_SIG, TLS_ERR_KEY_TYPE) and
 * name constraints (TLS_ERR_NAME_CONSTRAINT); 0 if all pass. x->bad is
 * the chain index of the certificate at fault. */
unsigned tls_path_check(struct tls_x509 *x);
/* The hashes the path's signatures need, on x's minimal engine alone:
 * each certificate is hashed only with what its signature uses. */
void	 tls_path_hashes(struct tls_x509 *x);
/* The hash of dc's signature algorithm, or NULL if it is refused. */
const br_hash_class *tls_path_hash(const struct der_cert *dc);
/* Is now within dc's validity? */
int	 tls_path_in_dates(const struct der_cert *dc, time_t now);

/* ---- tls_split.c ---- */

/* Runs the minimal engine over path[from..to-1] with the anchors ta[n];
 * BearSSL's code (0 when valid). The last run is the one whose key the
 * handshake uses. */
unsigned tls_split_run(struct tls_x509 *x, int from, int to,
	    const br_x509_trust_anchor *ta, size_t n);
/* Validates a path with one CA (path index k) whose name constraints are
 * critical, which BearSSL 0.6 cannot decode: below it with the CA as the
 * anchor, above it as usual, the CA's own dates, flag and signature here.
 * 0 or a BR_ERR_X509_* code. */
unsigned tls_split_validate(struct tls_x509 *x, int k);
/* The path index of the CA with critical name constraints, 0 if none,
 * -1 if there are several. */
int	 tls_split_at(const struct tls_x509 *x);
/* The chain index of the first path certificate outside its dates, or 0. */
int	 tls_path_out_of_dates(const struct tls_x509 *x);

/* ---- tls_name.c ---- */

/* Copies host into out without one trailing dot. -1 if it is empty, too
 * long, or not ASCII (an IDN must be written as its xn-- form). */
int	 tls_name_host(const char *host, char *out, size_t outlen);
/* 1 if the certificate is for host (dNSName SANs, else the CN). */
int	 tls_name_check(const struct der_cert *dc, const char *host);
/* 1 if every DNS and IP name of dc is allowed by the NameConstraints
 * extension value nc of a CA above it. */
int	 tls_name_constraints_ok(const unsigned char *nc, size_t nclen,
	    const struct der_cert *dc);

/* ---- tls_err.c ---- */

/* One sentence for a BearSSL or TLS_ERR_* code, naming what the server's
 * certificate (x's chain[0]) says when it matters. */
void	 tls_err_explain(const struct tls_x509 *x, int code, char *err,
	    size_t errlen);
/* The class of that code: ERR_TEMP, ERR_PROTO or ERR_CONFIG. */
enum err_class	tls_err_class(int code);

/* ---- tls_cert.c ---- */

struct tls_client_cert {
	br_x509_certificate chain[TLS_CHAIN_MAX];
	size_t	 n;
	br_skey_decoder_context skey;
	const br_ssl_client_certificate_class *none;	/* see tls_cert_none */
	int	 asked;			/* the server sent CertificateRequest */
};

/* Reads cert_file and key_file and hands them to the client context.
 * 0, or -1 with a sentence in err. Frees nothing: see tls_cert_free. */
int	 tls_cert_load(struct tls_client_cert *c, br_ssl_client_context *sc,
	    const char *cert_file, const char *key_file, char *err,
	    size_t errlen);
/* No certificate configured: answer a CertificateRequest with none,
 * noting in c->asked that the server sent one. */
void	 tls_cert_none(struct tls_client_cert *c, br_ssl_client_context *sc);
void	 tls_cert_free(struct tls_client_cert *c);

/* ---- tls.c ---- */

struct tls {
	br_ssl_client_context sc;
	struct tls_x509 x;
	br_sslio_context io;
	unsigned char iobuf[BR_SSL_BUFSIZE_MONO];	/* 16,709 bytes */
	struct transport lower;
	struct tls_client_cert cc;
	int	 running;		/* client reset: close_notify possible */
	int	 eof;			/* the server closed the connection */
	unsigned char first[4];		/* its first bytes, for a diagnosis */
	size_t	 nfirst;
	enum err_class cls;		/* of tls_start's last failure */
	char	 err[512];		/* the transport's reason */
};

#endif
