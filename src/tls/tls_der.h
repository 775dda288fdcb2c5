/* relaymail: just enough DER to explain a certificate. ISC licence.
 * BearSSL 0.6 validates chains but does not show what it saw; these read
 * the end-entity certificate's names, validity, iPAddress SANs and public
 * key info from its DER bytes. Every read is bounds-checked: the input is
 * the peer's. Pure. */
#ifndef TLS_DER_H
#define TLS_DER_H

#include <stddef.h>
#include <time.h>

struct der_cert {
	const unsigned char *issuer, *subject, *spki, *san, *eku, *nc;
	size_t	 issuer_len, subject_len, spki_len, san_len, eku_len, nc_len;
	/* The OID contents of the signature and key algorithms. */
	const unsigned char *sigalg, *keyalg;
	size_t	 sigalg_len, keyalg_len;
	time_t	 not_before, not_after;	/* (time_t)-1 if unreadable */
	int	 ca;			/* basicConstraints cA is TRUE */
	int	 nc_critical;		/* nameConstraints marked critical */
	/* The signed part (the whole TBSCertificate) and the signature. */
	const unsigned char *tbs, *sig;
	size_t	 tbs_len, sig_len;
};

/* Finds the parts of a certificate. 0, or -1 if it does not parse. */
int	 der_cert_parse(const unsigned char *der, size_t len,
	    struct der_cert *out);

/* The subject Name (the whole SEQUENCE element) of a certificate of which
 * only the first len bytes are known: 1 when found, 0 when more bytes are
 * needed, -1 when they cannot begin a certificate. */
int	 der_cert_subject(const unsigned char *der, size_t len,
	    const unsigned char **subject, size_t *subject_len);

/* One element of a run of DER elements: its tag and contents; *p moves
 * past it. 0, or -1 at end or on a malformed element. */
int	 der_next(const unsigned char **p, const unsigned char *end,
	    unsigned *tag, const unsigned char **val, size_t *len);

/* The last commonName of a Name (the whole SEQUENCE element). 0, or -1
 * when there is none. */
int	 der_name_cn(const unsigned char *name, size_t len,
	    const unsigned char **cn, size_t *cnlen);

/* "CN=x, O=y" from a Name (the whole SEQUENCE element). */
void	 der_name_string(const unsigned char *name, size_t len, char *out,
	    size_t outlen);

/* Does the SubjectAltName extension value list this IP (4 or 16 bytes)? */
int	 der_san_has_ip(const unsigned char *san, size_t len,
	    const unsigned char *ip, size_t iplen);

/* May a certificate with this extendedKeyUsage value (or none) serve a
 * TLS server? True without the extension, or when it lists serverAuth
 * or anyExtendedKeyUsage (RFC 5280 4.2.1.12). */
int	 der_eku_allows_server(const unsigned char *eku, size_t len);

/* The DNS and IP names of the SAN, comma separated, for messages. */
void	 der_san_string(const unsigned char *san, size_t len, char *out,
	    size_t outlen);

/* "YYYY-MM-DD HH:MM:SS UTC", or "an unreadable date" for (time_t)-1. */
void	 der_time_string(time_t t, char *out, size_t outlen);

#endif
