/* relaymail: the EC implementation the TLS client uses, one per curve.
 * ISC licence, see LICENSE.
 *
 * BearSSL's engine takes a single br_ec_impl, and so does its ECDSA
 * code. tls_ec_impl sends each call to the implementation of its curve:
 * our 64-bit X25519 (tls_x25519.c) and P-256 (tls_p256.c), BearSSL's
 * br_ec_all_m31 for P-384 and P-521. t_x25519 and t_p256 check it. */
#include "tls_ec.h"
#include "tls_p256.h"
#include "tls_x25519.h"

static const br_ec_impl *
ec_for(int curve)
{
	switch (curve) {
	case BR_EC_curve25519:
		return &tls_ec_c25519;
	case BR_EC_secp256r1:
		return &tls_ec_p256;
	default:
		return &br_ec_all_m31;
	}
}

static const unsigned char *
ec_generator(int curve, size_t *len)
{
	return ec_for(curve)->generator(curve, len);
}

static const unsigned char *
ec_order(int curve, size_t *len)
{
	return ec_for(curve)->order(curve, len);
}

static size_t
ec_xoff(int curve, size_t *len)
{
	return ec_for(curve)->xoff(curve, len);
}

static uint32_t
ec_mul(unsigned char *G, size_t Glen, const unsigned char *x, size_t xlen,
    int curve)
{
	return ec_for(curve)->mul(G, Glen, x, xlen, curve);
}

static size_t
ec_mulgen(unsigned char *R, const unsigned char *x, size_t xlen, int curve)
{
	return ec_for(curve)->mulgen(R, x, xlen, curve);
}

static uint32_t
ec_muladd(unsigned char *A, const unsigned char *B, size_t len,
    const unsigned char *x, size_t xlen, const unsigned char *y,
    size_t ylen, int curve)
{
	return ec_for(curve)->muladd(A, B, len, x, xlen, y, ylen, curve);
}

/* br_ec_all_m31's curves; t_x25519 checks that the two agree. */
const br_ec_impl tls_ec_impl = {
	(uint32_t)1 << BR_EC_secp256r1 | (uint32_t)1 << BR_EC_secp384r1 |
	    (uint32_t)1 << BR_EC_secp521r1 | (uint32_t)1 << BR_EC_curve25519,
	ec_generator,
	ec_order,
	ec_xoff,
	ec_mul,
	ec_mulgen,
	ec_muladd
};
