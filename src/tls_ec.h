/* relaymail: the EC implementation the TLS client uses. ISC licence, see
 * LICENSE.
 * BearSSL takes one br_ec_impl for all curves, and Debian's BearSSL 0.6
 * has only 31-bit code for the two that our handshakes use most: X25519,
 * which most servers pick, and P-256, which servers that follow the
 * client's order pick (BearSSL offers it first) and which signs most
 * ECDSA certificates. */
#ifndef TLS_EC_H
#define TLS_EC_H

#include <bearssl.h>

/* A br_ec_impl with br_ec_all_m31's curves: Curve25519 goes to
 * tls_x25519.c's tls_ec_c25519, P-256 to tls_p256.c's tls_ec_p256,
 * P-384 and P-521 to br_ec_all_m31 unchanged. The engine does ECDHE
 * with it; the engine, the X.509 engine and tls_split.c check ECDSA
 * signatures with BearSSL's ECDSA code given it (so its muladd is
 * ours on P-256); a client certificate's EC key signs with it. */
extern const br_ec_impl tls_ec_impl;

#endif
