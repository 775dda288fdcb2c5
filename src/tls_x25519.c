/* relaymail: X25519 with 64-bit limbs, and the br_ec_impl that gives it to
 * BearSSL (through tls_ec.c). ISC licence, see LICENSE.
 *
 * A TLS send spent about 4.0 of its 12.5 million user-space instructions
 * (tests/bench/callgrind.sh) in BearSSL's generic 31-bit Curve25519: two
 * scalar multiplications per handshake, our ephemeral key and the shared
 * secret. Debian's BearSSL 0.6 has no 64-bit one; this one takes 1.1
 * million for both. It is X25519 written from RFC 7748:
 * field elements mod p = 2^255 - 19 in radix 2^51 (five limbs, products
 * in unsigned __int128), a Montgomery ladder over all 255 bits with a
 * masked swap, inversion by z^(p-2), and a masked final reduction. No
 * branch and no memory index depends on a secret. The other operations
 * are br_ec_c25519_m31's.
 *
 * Limb bounds: a "reduced" element has every limb below 2^52 (what
 * fe_frombytes, fe_mul, fe_sq and fe_mul_small return). fe_add and
 * fe_sub take reduced elements and return limbs below 2^54; fe_mul,
 * fe_sq and fe_mul_small accept limbs below 2^54. Only fe_tobytes gives
 * the canonical value. */
#include <stdint.h>
#include <string.h>

#include "tls_x25519.h"

#ifdef __SIZEOF_INT128__
#define X25519_64 1

typedef unsigned __int128 u128;

/* h = h[0] + h[1] 2^51 + h[2] 2^102 + h[3] 2^153 + h[4] 2^204 */
typedef uint64_t fe[5];

#define MASK51	(((uint64_t)1 << 51) - 1)

static uint64_t
load64_le(const unsigned char *s)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | s[i];
	return v;
}

static void
store64_le(unsigned char *d, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++) {
		d[i] = (unsigned char)v;
		v >>= 8;
	}
}

/* h = f + g. */
static void
fe_add(fe h, const fe f, const fe g)
{
	int i;

	for (i = 0; i < 5; i++)
		h[i] = f[i] + g[i];
}

/* h = f - g, computed as f + 4p - g so that no limb goes negative (4p's
 * limbs are above 2^53 - 80, more than any limb of a reduced g). */
static void
fe_sub(fe h, const fe f, const fe g)
{
	h[0] = f[0] + 4 * (MASK51 - 18) - g[0];
	h[1] = f[1] + 4 * MASK51 - g[1];
	h[2] = f[2] + 4 * MASK51 - g[2];
	h[3] = f[3] + 4 * MASK51 - g[3];
	h[4] = f[4] + 4 * MASK51 - g[4];
}

/* h = r reduced: carries each 128-bit column into the next, and the
 * carry out of the top one back into h[0] times 19 (2^255 = 19 mod p).
 * Columns below 2^115 and the top one below 5 * 2^108 + 2^64 (fe_mul's
 * and fe_sq's for limbs below 2^54) keep every carry, and h[0] plus 19
 * times the top carry, within 64 bits; every limb ends below 2^52.
 * Inline: called 2,600 times per multiplication, r stays in registers. */
static inline void
fe_carry(fe h, u128 r[5])
{
	uint64_t c;

	r[1] += (uint64_t)(r[0] >> 51);
	h[0] = (uint64_t)r[0] & MASK51;
	r[2] += (uint64_t)(r[1] >> 51);
	h[1] = (uint64_t)r[1] & MASK51;
	r[3] += (uint64_t)(r[2] >> 51);
	h[2] = (uint64_t)r[2] & MASK51;
	r[4] += (uint64_t)(r[3] >> 51);
	h[3] = (uint64_t)r[3] & MASK51;
	c = (uint64_t)(r[4] >> 51);
	h[4] = (uint64_t)r[4] & MASK51;
	h[0] += c * 19;
	h[1] += h[0] >> 51;
	h[0] &= MASK51;
}

/* h = f * g. A product's column k collects f[i] g[j] with i + j = k,
 * and i + j = k + 5 times 19. */
static void
fe_mul(fe h, const fe f, const fe g)
{
	uint64_t g1 = g[1] * 19, g2 = g[2] * 19, g3 = g[3] * 19,
	    g4 = g[4] * 19;
	u128 r[5];

	r[0] = (u128)f[0] * g[0] + (u128)f[1] * g4 + (u128)f[2] * g3 +
	    (u128)f[3] * g2 + (u128)f[4] * g1;
	r[1] = (u128)f[0] * g[1] + (u128)f[1] * g[0] + (u128)f[2] * g4 +
	    (u128)f[3] * g3 + (u128)f[4] * g2;
	r[2] = (u128)f[0] * g[2] + (u128)f[1] * g[1] + (u128)f[2] * g[0] +
	    (u128)f[3] * g4 + (u128)f[4] * g3;
	r[3] = (u128)f[0] * g[3] + (u128)f[1] * g[2] + (u128)f[2] * g[1] +
	    (u128)f[3] * g[0] + (u128)f[4] * g4;
	r[4] = (u128)f[0] * g[4] + (u128)f[1] * g[3] + (u128)f[2] * g[2] +
	    (u128)f[3] * g[1] + (u128)f[4] * g[0];
	fe_carry(h, r);
}

/* h = f^2: fe_mul's columns with each f[i] f[j] (i != j) counted twice. */
static void
fe_sq(fe h, const fe f)
{
	uint64_t d0 = 2 * f[0], d1 = 2 * f[1], d2 = 2 * f[2],
	    d3 = 2 * f[3], f3 = 19 * f[3], f4 = 19 * f[4];
	u128 r[5];

	r[0] = (u128)f[0] * f[0] + (u128)d1 * f4 + (u128)d2 * f3;
	r[1] = (u128)d0 * f[1] + (u128)d2 * f4 + (u128)f[3] * f3;
	r[2] = (u128)d0 * f[2] + (u128)f[1] * f[1] + (u128)d3 * f4;
	r[3] = (u128)d0 * f[3] + (u128)d1 * f[2] + (u128)f[4] * f4;
	r[4] = (u128)d0 * f[4] + (u128)d1 * f[3] + (u128)f[2] * f[2];
	fe_carry(h, r);
}

/* h = f^(2^n), n >= 1. */
static void
fe_sqn(fe h, const fe f, int n)
{
	fe_sq(h, f);
	while (--n > 0)
		fe_sq(h, h);
}

/* h = f * n, n below 2^17. */
static void
fe_mul_small(fe h, const fe f, uint32_t n)
{
	u128 r[5];
	int i;

	for (i = 0; i < 5; i++)
		r[i] = (u128)f[i] * n;
	fe_carry(h, r);
}

/* h = z^(p-2) = 1/z (0 when z = 0), by a fixed chain: p - 2 = 2^255 - 21
 * = (2^250 - 1) 2^5 + 11, and z^(2^250 - 1) is built from z^(2^5 - 1) by
 * doubling the run of ones: 5, 10, 20, 40, 50, 100, 200, 250. */
static void
fe_invert(fe h, const fe z)
{
	fe z2, z9, z11, t5, t10, t20, t50, t100, t;

	fe_sq(z2, z);			/* z^2 */
	fe_sqn(t, z2, 2);		/* z^8 */
	fe_mul(z9, t, z);		/* z^9 */
	fe_mul(z11, z9, z2);		/* z^11 */
	fe_sq(t, z11);			/* z^22 */
	fe_mul(t5, t, z9);		/* z^(2^5 - 1) */
	fe_sqn(t, t5, 5);
	fe_mul(t10, t, t5);		/* z^(2^10 - 1) */
	fe_sqn(t, t10, 10);
	fe_mul(t20, t, t10);		/* z^(2^20 - 1) */
	fe_sqn(t, t20, 20);
	fe_mul(t, t, t20);		/* z^(2^40 - 1) */
	fe_sqn(t, t, 10);
	fe_mul(t50, t, t10);		/* z^(2^50 - 1) */
	fe_sqn(t, t50, 50);
	fe_mul(t100, t, t50);		/* z^(2^100 - 1) */
	fe_sqn(t, t100, 100);
	fe_mul(t, t, t100);		/* z^(2^200 - 1) */
	fe_sqn(t, t, 50);
	fe_mul(t, t, t50);		/* z^(2^250 - 1) */
	fe_sqn(t, t, 5);		/* z^(2^255 - 32) */
	fe_mul(h, t, z11);		/* z^(2^255 - 21) */
	explicit_bzero(z2, sizeof(z2));
	explicit_bzero(z9, sizeof(z9));
	explicit_bzero(z11, sizeof(z11));
	explicit_bzero(t5, sizeof(t5));
	explicit_bzero(t10, sizeof(t10));
	explicit_bzero(t20, sizeof(t20));
	explicit_bzero(t50, sizeof(t50));
	explicit_bzero(t100, sizeof(t100));
	explicit_bzero(t, sizeof(t));
}

/* h = the 32 little-endian bytes s with the top bit ignored (RFC 7748
 * section 5). Values from p to 2^255 - 1 are kept as they are: the
 * arithmetic works mod p, which is what the RFC asks of them. */
static void
fe_frombytes(fe h, const unsigned char s[32])
{
	h[0] = load64_le(s) & MASK51;			/* bits 0-50 */
	h[1] = (load64_le(s + 6) >> 3) & MASK51;	/* 51-101 */
	h[2] = (load64_le(s + 12) >> 6) & MASK51;	/* 102-152 */
	h[3] = (load64_le(s + 19) >> 1) & MASK51;	/* 153-203 */
	h[4] = (load64_le(s + 24) >> 12) & MASK51;	/* 204-254 */
}

/* s = f mod p in 32 little-endian bytes, f reduced. One carry pass makes
 * f < 2^255 + 38 < 2p; q = 1 exactly when f + 19 >= 2^255, that is
 * f >= p; then f + 19q, less its bit 255, is f - qp. */
static void
fe_tobytes(unsigned char s[32], const fe f)
{
	uint64_t h[5], q;
	int i;

	memcpy(h, f, sizeof(h));
	for (i = 0; i < 4; i++) {
		h[i + 1] += h[i] >> 51;
		h[i] &= MASK51;
	}
	h[0] += 19 * (h[4] >> 51);
	h[4] &= MASK51;

	q = (h[0] + 19) >> 51;
	for (i = 1; i < 5; i++)
		q = (h[i] + q) >> 51;

	h[0] += 19 * q;
	for (i = 0; i < 4; i++) {
		h[i + 1] += h[i] >> 51;
		h[i] &= MASK51;
	}
	h[4] &= MASK51;

	store64_le(s, h[0] | h[1] << 51);
	store64_le(s + 8, h[1] >> 13 | h[2] << 38);
	store64_le(s + 16, h[2] >> 26 | h[3] << 25);
	store64_le(s + 24, h[3] >> 39 | h[4] << 12);
	explicit_bzero(h, sizeof(h));
}

/* Swaps a and b when swap is 1, leaves them when it is 0, with the same
 * instructions and memory accesses either way. */
static void
cswap(uint64_t swap, fe a, fe b)
{
	uint64_t mask = 0 - swap, t;
	int i;

	for (i = 0; i < 5; i++) {
		t = mask & (a[i] ^ b[i]);
		a[i] ^= t;
		b[i] ^= t;
	}
}

/* The ladder's state, with RFC 7748's names, and one step's temporaries,
 * kept together so that one wipe clears them all. */
struct ladder {
	fe	 x1, x2, z2, x3, z3;
	fe	 a, aa, b, bb, e, c, d, da, cb;
};

/* One step of RFC 7748 section 5: (x2:z2) doubled, (x3:z3) becomes their
 * sum (their difference is x1). a24 = (486662 - 2) / 4. */
static void
ladder_step(struct ladder *l)
{
	fe_add(l->a, l->x2, l->z2);
	fe_sq(l->aa, l->a);
	fe_sub(l->b, l->x2, l->z2);
	fe_sq(l->bb, l->b);
	fe_sub(l->e, l->aa, l->bb);
	fe_add(l->c, l->x3, l->z3);
	fe_sub(l->d, l->x3, l->z3);
	fe_mul(l->da, l->d, l->a);
	fe_mul(l->cb, l->c, l->b);
	fe_add(l->x3, l->da, l->cb);
	fe_sq(l->x3, l->x3);
	fe_sub(l->z3, l->da, l->cb);
	fe_sq(l->z3, l->z3);
	fe_mul(l->z3, l->z3, l->x1);
	fe_mul(l->x2, l->aa, l->bb);
	fe_mul_small(l->z2, l->e, 121665);
	fe_add(l->z2, l->z2, l->aa);
	fe_mul(l->z2, l->z2, l->e);
}

/* out = k u: the Montgomery ladder over bits 254 to 0 of the clamped
 * scalar k (little-endian, k[0] least significant), then x2 / z2. */
static void
ladder(unsigned char out[32], const unsigned char u[32],
    const unsigned char k[32])
{
	struct ladder l;
	uint64_t swap = 0, bit;
	int t;

	memset(&l, 0, sizeof(l));
	fe_frombytes(l.x1, u);
	l.x2[0] = 1;
	memcpy(l.x3, l.x1, sizeof(l.x3));
	l.z3[0] = 1;
	for (t = 254; t >= 0; t--) {
		bit = (k[t >> 3] >> (t & 7)) & 1;
		swap ^= bit;
		cswap(swap, l.x2, l.x3);
		cswap(swap, l.z2, l.z3);
		swap = bit;
		ladder_step(&l);
	}
	cswap(swap, l.x2, l.x3);
	cswap(swap, l.z2, l.z3);
	fe_invert(l.z2, l.z2);
	fe_mul(l.x2, l.x2, l.z2);
	fe_tobytes(out, l.x2);
	explicit_bzero(&l, sizeof(l));
}

/* out = X25519(x, u) with BearSSL 0.6's scalar convention, that of its
 * c25519 code whatever bearssl_ec.h says of multipliers in general: x is
 * xlen <= 32 little-endian bytes as RFC 7748 writes them, the missing
 * high bytes zero, clamped as RFC 7748 section 5 says. out may be u.
 * 1, or 0 when the result is all zeros: u was a point of small order (0
 * and 1 among them), and RFC 8422 section 5.11 has a client abort the
 * handshake then. */
static uint32_t
x25519(unsigned char out[32], const unsigned char u[32],
    const unsigned char *x, size_t xlen)
{
	unsigned char k[32];
	unsigned d = 0;
	int i;

	if (xlen > 0)
		memcpy(k, x, xlen);
	memset(k + xlen, 0, sizeof(k) - xlen);
	k[0] &= 0xF8;
	k[31] &= 0x7F;
	k[31] |= 0x40;
	ladder(out, u, k);
	explicit_bzero(k, sizeof(k));
	for (i = 0; i < 32; i++)
		d |= out[i];
	return (d + 0xFF) >> 8;
}
#endif /* __SIZEOF_INT128__ */

/* ---- the br_ec_impl ---- */

static const unsigned char *
ec_generator(int curve, size_t *len)
{
	return br_ec_c25519_m31.generator(curve, len);
}

static const unsigned char *
ec_order(int curve, size_t *len)
{
	return br_ec_c25519_m31.order(curve, len);
}

static size_t
ec_xoff(int curve, size_t *len)
{
	return br_ec_c25519_m31.xoff(curve, len);
}

/* G = x G: 0 when Glen is not 32 or xlen above 32 (as BearSSL), and
 * when the result is all zeros (unlike BearSSL). */
static uint32_t
ec_mul(unsigned char *G, size_t Glen, const unsigned char *x, size_t xlen,
    int curve)
{
#ifdef X25519_64
	(void)curve;
	if (Glen != 32 || xlen > 32)
		return 0;
	return x25519(G, G, x, xlen);
#else
	return br_ec_c25519_m31.mul(G, Glen, x, xlen, curve);
#endif
}

/* R = x times the base point u = 9; 32. */
static size_t
ec_mulgen(unsigned char *R, const unsigned char *x, size_t xlen, int curve)
{
#ifdef X25519_64
	static const unsigned char base[32] = { 9 };

	(void)curve;
	memcpy(R, base, sizeof(base));
	if (xlen <= 32)
		(void)x25519(R, R, x, xlen);
	return sizeof(base);
#else
	return br_ec_c25519_m31.mulgen(R, x, xlen, curve);
#endif
}

/* Not defined for Curve25519: 0, as BearSSL. */
static uint32_t
ec_muladd(unsigned char *A, const unsigned char *B, size_t len,
    const unsigned char *x, size_t xlen, const unsigned char *y,
    size_t ylen, int curve)
{
	return br_ec_c25519_m31.muladd(A, B, len, x, xlen, y, ylen, curve);
}

/* Curve25519 alone, as br_ec_c25519_m31. */
const br_ec_impl tls_ec_c25519 = {
	(uint32_t)1 << BR_EC_curve25519,
	ec_generator,
	ec_order,
	ec_xoff,
	ec_mul,
	ec_mulgen,
	ec_muladd
};
