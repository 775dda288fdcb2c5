/* relaymail: X25519 (Curve25519) with 64-bit limbs, as a br_ec_impl. ISC
 * licence, see LICENSE.
 * Debian's BearSSL 0.6 only has 15- and 31-bit Curve25519 code, and one
 * handshake's two X25519 multiplications cost more than a third of a
 * send's instructions; tls_ec.c's tls_ec_impl hands Curve25519 to this
 * one. */
#ifndef TLS_X25519_H
#define TLS_X25519_H

#include <bearssl.h>

/* A br_ec_impl for BR_EC_curve25519 alone, like br_ec_c25519_m31. mul
 * and mulgen give what BearSSL 0.6's br_ec_c25519_m31 gives, byte for
 * byte: the point is the 32-byte little-endian u-coordinate; the scalar
 * is little-endian as in RFC 7748 (not big-endian as bearssl_ec.h says
 * of multipliers in general), xlen <= 32 with the missing high bytes
 * zero, clamped as RFC 7748 says. One difference: mul returns 0 when the
 * result is all zeros (a low-order point: RFC 7748 section 6.1, RFC 8422
 * section 5.11), where BearSSL returns 1. muladd is BearSSL's (0).
 * Without unsigned __int128 it is br_ec_c25519_m31 under another
 * name. */
extern const br_ec_impl tls_ec_c25519;

#endif
