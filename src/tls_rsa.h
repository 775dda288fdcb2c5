/* relaymail: RSA PKCS#1 v1.5 signature verification. ISC licence, see LICENSE.
 * A drop-in br_rsa_pkcs1_vrfy for the handshake and the chain: BearSSL's
 * own spends most of a send's instructions on two public-key operations
 * (tls_rsa.c says why). Only tls_*.c include this. */
#ifndef TLS_RSA_H
#define TLS_RSA_H

#include <bearssl.h>
#include <stddef.h>
#include <stdint.h>

/* The contract of BearSSL's br_rsa_pkcs1_vrfy type: x (xlen bytes, the
 * modulus length) is the signature; hash_oid is the hash's OID as a
 * length byte and that many bytes, or NULL for a bare hash after the
 * padding (TLS 1.0/1.1); hash_len the hash length (at most 64 bytes, OID
 * at most 32). Returns 1 with the hash in hash_out, which the caller
 * compares with its own, or 0. Nothing here is secret. */
uint32_t tls_rsa_pkcs1_vrfy(const unsigned char *x, size_t xlen,
    const unsigned char *hash_oid, size_t hash_len,
    const br_rsa_public_key *pk, unsigned char *hash_out);

#endif
