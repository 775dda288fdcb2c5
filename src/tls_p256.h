/* relaymail: P-256 (secp256r1) with 64-bit limbs, as a br_ec_impl. ISC
 * licence, see LICENSE.
 * Servers that honour the client's curve order (Postfix with OpenSSL's
 * defaults, Exim) pick P-256 for ECDHE, since BearSSL offers its curves
 * in ID order, secp256r1 (23) before x25519 (29); ECDSA P-256 signatures
 * on server certificates and chains are checked with the same curve.
 * Debian's BearSSL 0.6 has only 31-bit P-256 code; this is ours. */
#ifndef TLS_P256_H
#define TLS_P256_H

#include <bearssl.h>

/* A br_ec_impl for BR_EC_secp256r1 alone, like br_ec_p256_m31, and
 * answering as it does, byte for byte and return value for return
 * value, for every scalar of at most 32 bytes (longer ones, rare, go to
 * br_ec_p256_m31 itself): points are 0x04 || X || Y (65 bytes), scalars
 * big-endian. mul and muladd return 0 for a point that is not 65 bytes,
 * not 0x04-prefixed, with a coordinate >= p or off the curve; then mul
 * leaves G as it was (BearSSL writes what its computation gave) and
 * muladd leaves A. A scalar that is 0 or the order n gives the point at
 * infinity, written as 0x04 and 64 zero bytes, with 1 (mul); other
 * scalars >= n count mod n except n + 6 (mul) and n + 30 (mulgen),
 * where BearSSL's incomplete additions give the point at infinity and so
 * do we. muladd's answers for a zero or n scalar are BearSSL's too
 * (tls_p256.c, "BearSSL's muladd"). Without unsigned __int128 it is
 * br_ec_p256_m31 under another name. */
extern const br_ec_impl tls_ec_p256;

#endif
