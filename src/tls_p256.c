/* relaymail: P-256 with 64-bit limbs, and the br_ec_impl that gives it to
 * BearSSL. ISC licence, see LICENSE.
 *
 * Postfix with OpenSSL's defaults and Exim take the client's curve order,
 * and BearSSL offers secp256r1 first: with them the ECDHE is on P-256,
 * two scalar multiplications per handshake (our key, the shared secret),
 * and every ECDSA P-256 signature on the server's chain is checked with
 * one muladd. Debian's BearSSL 0.6 has only 31-bit P-256 code
 * (br_ec_p256_m31). This is P-256 written from the standards: the curve
 * from FIPS 186-4 D.1.2.3, the point encoding and its checks from SEC 1
 * 2.3.3-2.3.4 and 3.2.2.1, and the complete addition formulas of Renes,
 * Costello and Batina, "Complete addition formulas for prime order
 * elliptic curves" (EUROCRYPT 2016), algorithms 4, 5 and 6 (a = -3).
 *
 * Field elements mod p = 2^256 - 2^224 + 2^192 + 2^96 - 1 are kept in
 * Montgomery form, a R mod p with R = 2^256: four 64-bit limbs, least
 * significant first, products in unsigned __int128. Every element is
 * fully reduced: its value (not just each limb) is below p; fe_add,
 * fe_sub, fe_mul and fe_sqr take and give such values (fe_mul is right
 * for any first operand below 2^256, which fe_frombytes uses). The
 * reduction is cheap for this p: p = -1 mod 2^64, so -1/p mod 2^64 is 1
 * and each step's quotient digit is the low limb itself. Inversion is
 * Fermat's, z^(p-2) by a fixed addition chain.
 *
 * Points are projective (X:Y:Z), x = X/Z and y = Y/Z, the point at
 * infinity (0:1:0). The RCB formulas are complete: the same field
 * operations for every pair of points, doubling and infinity included,
 * so no branch depends on a point. mul: fixed 4-bit windows over a table
 * of 0..15 times the point. mulgen: a comb over precomputed multiples of
 * the generator (comb[][]), 15 doublings and 64 mixed additions. Every
 * lookup reads every entry under a mask; no branch and no memory index
 * depends on a secret scalar. muladd checks signatures (public inputs)
 * and is mul plus mulgen plus one addition. */
#include <stdint.h>
#include <string.h>

#include "tls_p256.h"

#ifdef __SIZEOF_INT128__
#define P256_64 1

typedef unsigned __int128 u128;

/* a = a[0] + a[1] 2^64 + a[2] 2^128 + a[3] 2^192 */
typedef uint64_t fe[4];

static const fe F_P = {
	0xffffffffffffffff, 0x00000000ffffffff,
	0x0000000000000000, 0xffffffff00000001
};

static const fe F_ZERO = { 0, 0, 0, 0 };

/* 1 in Montgomery form: R mod p. */
static const fe F_ONE = {
	0x0000000000000001, 0xffffffff00000000,
	0xffffffffffffffff, 0x00000000fffffffe
};

/* R^2 mod p: fe_mul(a, a, F_R2) takes a into Montgomery form. */
static const fe F_R2 = {
	0x0000000000000003, 0xfffffffbffffffff,
	0xfffffffffffffffe, 0x00000004fffffffd
};

/* The curve's b (FIPS 186-4 D.1.2.3) in Montgomery form. */
static const fe F_B = {
	0xd89cdf6229c4bddf, 0xacf005cd78843090,
	0xe5a220abf7212ed6, 0xdc30061d04874834
};

/* The order n, big-endian (FIPS 186-4 D.1.2.3). */
static const unsigned char P256_N[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
	0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51
};

/* All ones when a == b, else 0, without a branch. */
static uint64_t
ct_eq(uint64_t a, uint64_t b)
{
	uint64_t d = a ^ b;

	return ((d | (0 - d)) >> 63) - 1;
}

/* ---- the field ---- */

/* The carry chains, written out: straight-line code in the callers.
 * Carries are found by comparison (a sum is below an addend exactly
 * when it wrapped), which gcc compiles far better than the same chains
 * through unsigned __int128; only the 64 x 64-bit products use it. */

/* a + b + *c; *c becomes the carry out (0, 1, or 2 for a *c above 1:
 * montred_step passes a whole limb). */
static inline uint64_t
addc(uint64_t a, uint64_t b, uint64_t *c)
{
	uint64_t t = a + *c, s = t + b;

	*c = (uint64_t)(t < a) + (uint64_t)(s < t);
	return s;
}

/* a - b - *bw; *bw (0 or 1) becomes the borrow out. */
static inline uint64_t
subb(uint64_t a, uint64_t b, uint64_t *bw)
{
	uint64_t t = a - *bw, d = t - b;

	*bw = (uint64_t)(a < t) + (uint64_t)(t < b);
	return d;
}

/* acc + a b + *c; *c becomes the high half (the sum is below 2^128). */
static inline uint64_t
mulc(uint64_t acc, uint64_t a, uint64_t b, uint64_t *c)
{
	u128 p = (u128)a * b;
	uint64_t lo = (uint64_t)p, hi = (uint64_t)(p >> 64);

	lo += acc;
	hi += lo < acc;
	lo += *c;
	hi += lo < *c;
	*c = hi;
	return lo;
}

/* r = (s + hi 2^256) mod p, for a value below 2p (hi is 0 or 1): p is
 * subtracted when the value is not below it. */
static inline void
fe_reduce_once(fe r, uint64_t s0, uint64_t s1, uint64_t s2, uint64_t s3,
    uint64_t hi)
{
	uint64_t d0, d1, d2, d3, bw = 0, keep;

	d0 = subb(s0, F_P[0], &bw);
	d1 = subb(s1, F_P[1], &bw);
	d2 = subb(s2, F_P[2], &bw);
	d3 = subb(s3, F_P[3], &bw);
	/* s - p borrowed and there was no bit 256: the value was below p. */
	keep = 0 - (bw & (hi ^ 1));
	r[0] = (s0 & keep) | (d0 & ~keep);
	r[1] = (s1 & keep) | (d1 & ~keep);
	r[2] = (s2 & keep) | (d2 & ~keep);
	r[3] = (s3 & keep) | (d3 & ~keep);
}

/* r = a + b. */
static void
fe_add(fe r, const fe a, const fe b)
{
	uint64_t s0, s1, s2, s3, c = 0;

	s0 = addc(a[0], b[0], &c);
	s1 = addc(a[1], b[1], &c);
	s2 = addc(a[2], b[2], &c);
	s3 = addc(a[3], b[3], &c);
	fe_reduce_once(r, s0, s1, s2, s3, c);
}

/* r = a - b: p added back when it borrowed. */
static void
fe_sub(fe r, const fe a, const fe b)
{
	uint64_t d0, d1, d2, d3, bw = 0, c = 0, mask;

	d0 = subb(a[0], b[0], &bw);
	d1 = subb(a[1], b[1], &bw);
	d2 = subb(a[2], b[2], &bw);
	d3 = subb(a[3], b[3], &bw);
	mask = 0 - bw;
	r[0] = addc(d0, F_P[0] & mask, &c);
	r[1] = addc(d1, F_P[1] & mask, &c);
	r[2] = addc(d2, F_P[2] & mask, &c);
	r[3] = addc(d3, F_P[3] & mask, &c);
}

/* One step of Montgomery reduction on t[i..i+4]: add m p with m = t[i]
 * (-1/p = 1 mod 2^64), which clears t[i]. With p's limbs (2^64 - 1,
 * 2^32 - 1, 0, 2^64 - 2^32 + 1), t[i] + m (2^64 - 1) is m 2^64: the limb
 * goes to 0 and carries m. *top is the carry out of t[i + 4] from the
 * step before, added here, and becomes this step's. */
static inline void
montred_step(uint64_t *t, uint64_t *top)
{
	uint64_t m = t[0], c = m;

	t[1] = mulc(t[1], m, F_P[1], &c);
	t[2] = addc(t[2], 0, &c);
	t[3] = mulc(t[3], m, F_P[3], &c);
	t[4] = addc(t[4], *top, &c);
	*top = c;
}

/* r = t / R mod p (Montgomery reduction) for t = t[0] + ... t[7] 2^448
 * below p R: four steps, then the value t[4..7] + top 2^256, below
 * 2p, reduced once. */
static inline void
fe_montred(fe r, uint64_t t[8])
{
	uint64_t top = 0;

	montred_step(t, &top);
	montred_step(t + 1, &top);
	montred_step(t + 2, &top);
	montred_step(t + 3, &top);
	fe_reduce_once(r, t[4], t[5], t[6], t[7], top);
}

/* t[i..i+4] += a b[i], for the row i of a product (t[i + 4] is
 * written, not added to). */
static inline void
mul_row(uint64_t *t, const fe a, uint64_t bi)
{
	uint64_t c = 0;

	t[0] = mulc(t[0], a[0], bi, &c);
	t[1] = mulc(t[1], a[1], bi, &c);
	t[2] = mulc(t[2], a[2], bi, &c);
	t[3] = mulc(t[3], a[3], bi, &c);
	t[4] = c;
}

/* r = a b / R mod p: the 512-bit product, a row per limb of b, then
 * fe_montred. a below 2^256 and b below p keep the product below p R. */
static void
fe_mul(fe r, const fe a, const fe b)
{
	uint64_t t[8] = { 0 };

	mul_row(t, a, b[0]);
	mul_row(t + 1, a, b[1]);
	mul_row(t + 2, a, b[2]);
	mul_row(t + 3, a, b[3]);
	fe_montred(r, t);
}

/* r = a^2 / R mod p: the six cross products once, doubled by a shift,
 * then the four squares added on the diagonal. */
static void
fe_sqr(fe r, const fe a)
{
	uint64_t t[8], c, h;

	c = 0;
	t[1] = mulc(0, a[0], a[1], &c);
	t[2] = mulc(0, a[0], a[2], &c);
	t[3] = mulc(0, a[0], a[3], &c);
	t[4] = c;
	c = 0;
	t[3] = mulc(t[3], a[1], a[2], &c);
	t[4] = mulc(t[4], a[1], a[3], &c);
	t[5] = c;
	c = 0;
	t[5] = mulc(t[5], a[2], a[3], &c);
	t[6] = c;

	t[7] = t[6] >> 63;
	t[6] = t[6] << 1 | t[5] >> 63;
	t[5] = t[5] << 1 | t[4] >> 63;
	t[4] = t[4] << 1 | t[3] >> 63;
	t[3] = t[3] << 1 | t[2] >> 63;
	t[2] = t[2] << 1 | t[1] >> 63;
	t[1] <<= 1;

	h = 0;
	t[0] = mulc(0, a[0], a[0], &h);
	c = 0;
	t[1] = addc(t[1], h, &c);
	h = 0;
	t[2] = addc(t[2], mulc(0, a[1], a[1], &h), &c);
	t[3] = addc(t[3], h, &c);
	h = 0;
	t[4] = addc(t[4], mulc(0, a[2], a[2], &h), &c);
	t[5] = addc(t[5], h, &c);
	h = 0;
	t[6] = addc(t[6], mulc(0, a[3], a[3], &h), &c);
	t[7] = addc(t[7], h, &c);
	fe_montred(r, t);
}

/* r = a^(2^n), n >= 1. */
static void
fe_sqrn(fe r, const fe a, int n)
{
	fe_sqr(r, a);
	while (--n > 0)
		fe_sqr(r, r);
}

/* r = z^(p-2) = 1/z (0 when z = 0). From the top, p - 2 is 32 ones, 31
 * zeros, a one, 96 zeros, 94 ones, a zero and a one; with xk =
 * z^(2^k - 1), the runs of ones are x32 and x32 x32 x30, built from x2,
 * x3, x6, x12, x15, x30: 255 squarings and 12 multiplications. */
static void
fe_invert(fe r, const fe z)
{
	fe x2, x3, x6, x12, x15, x30, x32, t;

	fe_sqr(t, z);
	fe_mul(x2, t, z);
	fe_sqr(t, x2);
	fe_mul(x3, t, z);
	fe_sqrn(t, x3, 3);
	fe_mul(x6, t, x3);
	fe_sqrn(t, x6, 6);
	fe_mul(x12, t, x6);
	fe_sqrn(t, x12, 3);
	fe_mul(x15, t, x3);
	fe_sqrn(t, x15, 15);
	fe_mul(x30, t, x15);
	fe_sqrn(t, x30, 2);
	fe_mul(x32, t, x2);
	fe_sqrn(t, x32, 32);
	fe_mul(t, t, z);		/* 32 ones, 31 zeros, a one */
	fe_sqrn(t, t, 128);
	fe_mul(t, t, x32);		/* 96 zeros, 32 ones */
	fe_sqrn(t, t, 32);
	fe_mul(t, t, x32);		/* 32 more ones */
	fe_sqrn(t, t, 30);
	fe_mul(t, t, x30);		/* 30 more: 94 */
	fe_sqrn(t, t, 2);
	fe_mul(r, t, z);		/* a zero and a one */
}

/* All ones when a == b (both reduced), else 0. */
static uint64_t
fe_eq(const fe a, const fe b)
{
	return ct_eq((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) |
	    (a[3] ^ b[3]), 0);
}

/* r = a where mask is all ones; r unchanged where it is 0. */
static void
fe_cmov(fe r, const fe a, uint64_t mask)
{
	int i;

	for (i = 0; i < 4; i++)
		r[i] ^= mask & (r[i] ^ a[i]);
}

/* r = the 32 big-endian bytes s, in Montgomery form; all ones when they
 * are below p, else 0 (r is then the value mod p). */
static uint64_t
fe_frombytes(fe r, const unsigned char s[32])
{
	uint64_t v[4], borrow = 0;
	u128 t;
	int i, j;

	for (i = 0; i < 4; i++) {
		v[i] = 0;
		for (j = 0; j < 8; j++)
			v[i] = v[i] << 8 | s[(3 - i) * 8 + j];
	}
	for (i = 0; i < 4; i++) {
		t = (u128)v[i] - F_P[i] - borrow;
		borrow = (uint64_t)(t >> 64) & 1;
	}
	fe_mul(r, v, F_R2);
	return 0 - borrow;
}

/* s = a out of Montgomery form, 32 big-endian bytes. */
static void
fe_tobytes(unsigned char s[32], const fe a)
{
	static const fe one = { 1, 0, 0, 0 };
	fe v;
	int i, j;

	fe_mul(v, a, one);
	for (i = 0; i < 4; i++)
		for (j = 0; j < 8; j++)
			s[(3 - i) * 8 + j] = (unsigned char)(v[i] >>
			    (56 - 8 * j));
}

/* ---- points ---- */

/* (X:Y:Z), x = X/Z and y = Y/Z; the point at infinity is (0:1:0). */
struct pt {
	fe	 x, y, z;
};

/* An affine point (x, y), never the point at infinity. */
struct apt {
	fe	 x, y;
};

static void
pt_cmov(struct pt *r, const struct pt *a, uint64_t mask)
{
	fe_cmov(r->x, a->x, mask);
	fe_cmov(r->y, a->y, mask);
	fe_cmov(r->z, a->z, mask);
}

static void
pt_infinity(struct pt *r)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->y, F_ONE, sizeof(fe));
}

/* r = a + b, for any two points (RCB algorithm 4, a = -3: 12
 * multiplications, 2 by b). r may be a or b. */
static void
pt_add(struct pt *r, const struct pt *a, const struct pt *b)
{
	fe t0, t1, t2, t3, t4, x3, y3, z3;

	fe_mul(t0, a->x, b->x);
	fe_mul(t1, a->y, b->y);
	fe_mul(t2, a->z, b->z);
	fe_add(t3, a->x, a->y);
	fe_add(t4, b->x, b->y);
	fe_mul(t3, t3, t4);
	fe_add(t4, t0, t1);
	fe_sub(t3, t3, t4);		/* X1 Y2 + X2 Y1 */
	fe_add(t4, a->y, a->z);
	fe_add(x3, b->y, b->z);
	fe_mul(t4, t4, x3);
	fe_add(x3, t1, t2);
	fe_sub(t4, t4, x3);		/* Y1 Z2 + Y2 Z1 */
	fe_add(x3, a->x, a->z);
	fe_add(y3, b->x, b->z);
	fe_mul(x3, x3, y3);
	fe_add(y3, t0, t2);
	fe_sub(y3, x3, y3);		/* X1 Z2 + X2 Z1 */
	fe_mul(z3, F_B, t2);
	fe_sub(x3, y3, z3);
	fe_add(z3, x3, x3);
	fe_add(x3, x3, z3);
	fe_sub(z3, t1, x3);
	fe_add(x3, t1, x3);
	fe_mul(y3, F_B, y3);
	fe_add(t1, t2, t2);
	fe_add(t2, t1, t2);
	fe_sub(y3, y3, t2);
	fe_sub(y3, y3, t0);
	fe_add(t1, y3, y3);
	fe_add(y3, t1, y3);
	fe_add(t1, t0, t0);
	fe_add(t0, t1, t0);
	fe_sub(t0, t0, t2);
	fe_mul(t1, t4, y3);
	fe_mul(t2, t0, y3);
	fe_mul(y3, x3, z3);
	fe_add(r->y, y3, t2);
	fe_mul(x3, t3, x3);
	fe_sub(r->x, x3, t1);
	fe_mul(z3, t4, z3);
	fe_mul(t1, t3, t0);
	fe_add(r->z, z3, t1);
}

/* r = a + b for b affine (RCB algorithm 5: 11 multiplications), right
 * for every a, the point at infinity and b itself included. r may be
 * a. */
static void
pt_add_affine(struct pt *r, const struct pt *a, const struct apt *b)
{
	fe t0, t1, t2, t3, t4, x3, y3, z3;

	fe_mul(t0, a->x, b->x);
	fe_mul(t1, a->y, b->y);
	fe_add(t3, b->x, b->y);
	fe_add(t4, a->x, a->y);
	fe_mul(t3, t3, t4);
	fe_add(t4, t0, t1);
	fe_sub(t3, t3, t4);		/* X1 y2 + x2 Y1 */
	fe_mul(t4, b->y, a->z);
	fe_add(t4, t4, a->y);		/* Y1 + y2 Z1 */
	fe_mul(y3, b->x, a->z);
	fe_add(y3, y3, a->x);		/* X1 + x2 Z1 */
	fe_mul(z3, F_B, a->z);
	fe_sub(x3, y3, z3);
	fe_add(z3, x3, x3);
	fe_add(x3, x3, z3);
	fe_sub(z3, t1, x3);
	fe_add(x3, t1, x3);
	fe_mul(y3, F_B, y3);
	fe_add(t1, a->z, a->z);
	fe_add(t2, t1, a->z);
	fe_sub(y3, y3, t2);
	fe_sub(y3, y3, t0);
	fe_add(t1, y3, y3);
	fe_add(y3, t1, y3);
	fe_add(t1, t0, t0);
	fe_add(t0, t1, t0);
	fe_sub(t0, t0, t2);
	fe_mul(t1, t4, y3);
	fe_mul(t2, t0, y3);
	fe_mul(y3, x3, z3);
	fe_add(r->y, y3, t2);
	fe_mul(x3, t3, x3);
	fe_sub(r->x, x3, t1);
	fe_mul(z3, t4, z3);
	fe_mul(t1, t3, t0);
	fe_add(r->z, z3, t1);
}

/* r = 2 a, for any point (RCB algorithm 6, a = -3: 8 multiplications,
 * 3 squarings, 2 by b). r may be a. */
static void
pt_double(struct pt *r, const struct pt *a)
{
	fe t0, t1, t2, t3, x3, y3, z3;

	fe_sqr(t0, a->x);
	fe_sqr(t1, a->y);
	fe_sqr(t2, a->z);
	fe_mul(t3, a->x, a->y);
	fe_add(t3, t3, t3);
	fe_mul(z3, a->x, a->z);
	fe_add(z3, z3, z3);
	fe_mul(y3, F_B, t2);
	fe_sub(y3, y3, z3);
	fe_add(x3, y3, y3);
	fe_add(y3, x3, y3);
	fe_sub(x3, t1, y3);
	fe_add(y3, t1, y3);
	fe_mul(y3, x3, y3);
	fe_mul(x3, x3, t3);
	fe_add(t3, t2, t2);
	fe_add(t2, t2, t3);
	fe_mul(z3, F_B, z3);
	fe_sub(z3, z3, t2);
	fe_sub(z3, z3, t0);
	fe_add(t3, z3, z3);
	fe_add(z3, z3, t3);
	fe_add(t3, t0, t0);
	fe_add(t0, t3, t0);
	fe_sub(t0, t0, t2);
	fe_mul(t0, t0, z3);
	fe_add(y3, y3, t0);
	fe_mul(t0, a->y, a->z);
	fe_add(t0, t0, t0);
	fe_mul(z3, t0, z3);
	fe_sub(r->x, x3, z3);
	fe_mul(z3, t0, t1);
	fe_add(z3, z3, z3);
	fe_add(r->z, z3, z3);
	memcpy(r->y, y3, sizeof(fe));
}

/* out = a as 0x04 || x || y; the point at infinity (Z = 0, so 1/Z = 0)
 * gives 0x04 and 64 zero bytes, as BearSSL writes it. */
static void
pt_encode(unsigned char out[65], const struct pt *a)
{
	fe zi, t;

	fe_invert(zi, a->z);
	out[0] = 0x04;
	fe_mul(t, a->x, zi);
	fe_tobytes(out + 1, t);
	fe_mul(t, a->y, zi);
	fe_tobytes(out + 33, t);
}

/* r = the point in buf[0..64]; all ones when it is one (SEC 1 2.3.4 and
 * 3.2.2.1: 0x04, x and y below p, y^2 = x^3 - 3x + b), else 0. The same
 * operations either way. */
static uint64_t
pt_decode(struct pt *r, const unsigned char buf[65])
{
	fe l, rhs;
	uint64_t ok;

	ok = ct_eq(buf[0], 0x04);
	ok &= fe_frombytes(r->x, buf + 1);
	ok &= fe_frombytes(r->y, buf + 33);
	memcpy(r->z, F_ONE, sizeof(fe));
	fe_sqr(rhs, r->x);
	fe_mul(rhs, rhs, r->x);
	fe_sub(rhs, rhs, r->x);
	fe_sub(rhs, rhs, r->x);
	fe_sub(rhs, rhs, r->x);
	fe_add(rhs, rhs, F_B);
	fe_sqr(l, r->y);
	return ok & fe_eq(l, rhs);
}

/* ---- scalar multiplication ---- */

/* k = the xlen <= 32 big-endian bytes x, zero-extended to 32. */
static void
scalar_load(unsigned char k[32], const unsigned char *x, size_t xlen)
{
	memset(k, 0, 32 - xlen);
	if (xlen > 0)
		memcpy(k + 32 - xlen, x, xlen);
}

/* All ones when k = n + d (d < 0xae, so that only the last byte
 * changes), else 0; the same operations either way. */
static uint64_t
scalar_is_n_plus(const unsigned char k[32], unsigned d)
{
	unsigned acc = 0;
	int i;

	for (i = 0; i < 31; i++)
		acc |= k[i] ^ P256_N[i];
	acc |= k[31] ^ (P256_N[31] + d);
	return ct_eq(acc, 0);
}

/* Bits 4i to 4i + 3 of k, i = 0..63. */
static unsigned
scalar_nibble(const unsigned char k[32], int i)
{
	return (k[31 - i / 2] >> (4 * (i & 1))) & 0x0f;
}

/* r = tab[idx] (idx = 0..15), every entry read. */
static void
pt_lookup(struct pt *r, const struct pt tab[16], unsigned idx)
{
	unsigned i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < 16; i++)
		pt_cmov(r, &tab[i], ct_eq(i, idx));
}

/* r = k a, fixed 4-bit windows from the top: r = tab[top nibble], then
 * for each further nibble four doublings and the addition of tab[nibble]
 * (the point at infinity for 0: the formulas are complete). The true
 * multiple for every k, k = n + 6 included (see ec_mul). r may be a. */
static void
pt_mul(struct pt *r, const struct pt *a, const unsigned char k[32])
{
	struct pt tab[16], t;
	int i;

	pt_infinity(&tab[0]);
	tab[1] = *a;
	for (i = 2; i < 16; i += 2) {
		pt_double(&tab[i], &tab[i / 2]);
		pt_add(&tab[i + 1], &tab[i], a);
	}
	pt_lookup(r, tab, scalar_nibble(k, 63));
	for (i = 62; i >= 0; i--) {
		pt_double(r, r);
		pt_double(r, r);
		pt_double(r, r);
		pt_double(r, r);
		pt_lookup(&t, tab, scalar_nibble(k, i));
		pt_add(r, r, &t);
	}
	explicit_bzero(tab, sizeof(tab));
	explicit_bzero(&t, sizeof(t));
}

/* comb[s][d - 1] = the sum of 2^(64 i + 16 s) G over the bits i of d
 * (s = 0..3, d = 1..15): affine, in Montgomery form. Printed by
 * tests/unit/p256_comb.py; t_p256 checks every entry against BearSSL. */
static const uint64_t comb[4][15][8] = {
	{
		{ 0x79e730d418a9143c, 0x75ba95fc5fedb601, 0x79fb732b77622510,
		  0x18905f76a53755c6, 0xddf25357ce95560a, 0x8b4ab8e4ba19e45c,
		  0xd2e88688dd21f325, 0x8571ff1825885d85 },
		{ 0x4f922fc516a0d2bb, 0x0d5cc16c1a623499, 0x9241cf3a57c62c8b,
		  0x2f5e6961fd1b667f, 0x5c15c70bf5a01797, 0x3d20b44d60956192,
		  0x04911b37071fdb52, 0xf648f9168d6f0f7b },
		{ 0x9e566847e137bbbc, 0xe434469e8a6a0bec, 0xb1c4276179d73463,
		  0x5abe0285133d0015, 0x92aa837cc04c7dab, 0x573d9f4c43260c07,
		  0x0c93156278e6cc37, 0x94bb725b6b6f7383 },
		{ 0x62a8c244bfe20925, 0x91c19ac38fdce867, 0x5a96a5d5dd387063,
		  0x61d587d421d324f6, 0xe87673a2a37173ea, 0x2384800853778b65,
		  0x10f8441e05bab43e, 0xfa11fe124621efbe },
		{ 0x1c891f2b2cb19ffd, 0x01ba8d5bb1923c23, 0xb6d03d678ac5ca8e,
		  0x586eb04c1f13bedc, 0x0c35c6e527e8ed09, 0x1e81a33c1819ede2,
		  0x278fd6c056c652fa, 0x19d5ac0870864f11 },
		{ 0x62577734d2b533d5, 0x673b8af6a1bdddc0, 0x577e7c9aa79ec293,
		  0xbb6de651c3b266b1, 0xe7e9303ab65259b3, 0xd6a0afd3d03a7480,
		  0xc5ac83d19b3cfc27, 0x60b4619a5d18b99b },
		{ 0xbd6a38e11ae5aa1c, 0xb8b7652b49e73658, 0x0b130014ee5f87ed,
		  0x9d0f27b2aeebffcd, 0xca9246317a730a55, 0x9c955b2fddbbc83a,
		  0x07c1dfe0ac019a71, 0x244a566d356ec48d },
		{ 0x56f8410ef4f8b16a, 0x97241afec47b266a, 0x0a406b8e6d9c87c1,
		  0x803f3e02cd42ab1b, 0x7f0309a804dbec69, 0xa83b85f73bbad05f,
		  0xc6097273ad8e197f, 0xc097440e5067adc1 },
		{ 0x846a56f2c379ab34, 0xa8ee068b841df8d1, 0x20314459176c68ef,
		  0xf1af32d5915f1f30, 0x99c375315d75bd50, 0x837cffbaf72f67bc,
		  0x0613a41848d7723f, 0x23d0f130e2d41c8b },
		{ 0xed93e225d5be5a2b, 0x6fe799835934f3c6, 0x4314092622626ffc,
		  0x50bbb4d97990216a, 0x378191c6e57ec63e, 0x65422c40181dcdb2,
		  0x41a8099b0236e0f6, 0x2b10011801fe49c3 },
		{ 0xfc68b5c59b391593, 0xc385f5a2598270fc, 0x7144f3aad19adcbb,
		  0xdd55899983fbae0c, 0x93b88b8e74b82ff4, 0xd2e03c4071e734c9,
		  0x9a7a9eaf43c0322a, 0xe6e4c551149d6041 },
		{ 0x5fe14bfe80ec21fe, 0xf6ce116ac255be82, 0x98bc5a072f4a5d67,
		  0xfad27148db7e63af, 0x90c0b6ac29ab05b3, 0x37a9a83c4e251ae6,
		  0x0a7dc875c2aade7d, 0x77387de39f0e1a84 },
		{ 0x1e9ecc49a56c0dd7, 0xa5cffcd846086c74, 0x8f7a1408f505aece,
		  0xb37b85c0bef0c47e, 0x3596b6e4cc0e6a8f, 0xfd6d4bbf6b388f23,
		  0xaba453fac39cef4e, 0x9c135ac8f9f628d5 },
		{ 0x0a1c729495c8f8be, 0x2961c4803bf362bf, 0x9e418403df63d4ac,
		  0xc109f9cb91ece900, 0xc2d095d058945705, 0xb9083d96ddeb85c0,
		  0x84692b8d7a40449b, 0x9bc3344f2eee1ee1 },
		{ 0x0d5ae35642913074, 0x55491b2748a542b1, 0x469ca665b310732a,
		  0x29591d525f1a4cc1, 0xe76f5b6bb84f983f, 0xbe7eef419f5f84e1,
		  0x1200d49680baa189, 0x6376551f18ef332c },
	},
	{
		{ 0x0f0165fce3779ee3, 0xe00e7f9dbd495d9e, 0x1fa4efa220284e7a,
		  0x4564bade47ac6219, 0x90e6312ac4708e8e, 0x4f5725fba71e9adf,
		  0xe95f55ae3d684b9f, 0x47f7ccb11e94b415 },
		{ 0xe4050f1cf1c367ca, 0x9bc85a9bc90fbc7d, 0xa373c4a2e1a11032,
		  0xb64232b7ad0393a9, 0xf5577eb0167dad29, 0x1604f30194b78ab2,
		  0x0baa94afe829348b, 0x77fbd8dd41654342 },
		{ 0xf74b5ee5b65659b6, 0x58d272060de651de, 0x9a06f93c58635522,
		  0x1741dc84b51b7153, 0xd74e2f485e3b1cf2, 0x71f6a8e9f2886a41,
		  0x0f719872034d98f3, 0xee792e37bca289a6 },
		{ 0x80531fe1c63c4962, 0x50541e89981fdb25, 0xdc1291a1fd4c2b6b,
		  0xc0693a17a6df4fca, 0xb2c4604e0117f203, 0x245f19630a99b8d0,
		  0xaedc20aac6212c44, 0xb1ed4e56520f52a8 },
		{ 0x9da036629673d875, 0x47c5ce723335f166, 0x24e892e354e58c2d,
		  0x07228f0138845a00, 0xff9f34a22f8855a7, 0xf7d6d205c4e307fc,
		  0xbcd425e23455bb93, 0xd7cbb02c6d96414f },
		{ 0x19b3edb45e6b555b, 0x958c797efd18da56, 0x22dd3354e98f9273,
		  0x8421223409cb54d9, 0xe39ca71d7a6402ba, 0x822d787c9378f1de,
		  0xaaf852d02beaa75d, 0xd8af72b4510fc33a },
		{ 0xe4de6bd8583f402b, 0xede94383b3481fdb, 0x924056d748d08e35,
		  0x8e349069eabd2ecc, 0x7b33363ce0d67374, 0x70e419452d8c05eb,
		  0xb78a5b3582d2ba0a, 0x8490d830e005d3e7 },
		{ 0x75d9bc15adf7cccf, 0x81a3e5d6dfa1e1b0, 0x8c39e444249bc17e,
		  0xf37dccb28ea7fd43, 0xda654873907fba12, 0x35daa6da4a372904,
		  0x0564cfc66283a6c5, 0xd09fa4f64a9395bf },
		{ 0x7b2c19d8444a73f6, 0xc88f4ce46feee88a, 0x9a1f7a70d431d8d2,
		  0xae042119c1b25749, 0x467b64ce45b9ddf1, 0x45df2010689f927b,
		  0xc874c67101d12b64, 0xc4aca24dd4df95fe },
		{ 0xc660550e732325c7, 0xd4d12681e3fe0994, 0xffcfe8edecfd8b7c,
		  0x858b5225308e65b4, 0x9523f8b4dc162423, 0x89507a8024271a6b,
		  0xb4d2eaf6658d58c5, 0x80e7ba28b9c205ed },
		{ 0x46c063953c52ebb9, 0x7333d509d02f1e43, 0x2d6b41fdb79ca51f,
		  0xb3b3d1dd23817a73, 0x1fdeddb41cf976a4, 0x4be0fc0f97b7bac8,
		  0x1e638fd1a784d816, 0xfa4eaf60e439bf08 },
		{ 0x8cb0c4ac5fca6ff1, 0x9da506c24b607037, 0x46e892ab0db25734,
		  0x115fd8dedffb31b0, 0xd9135992c90eaaae, 0xb41eeaa6eebf8578,
		  0xcb24be1e7a389c05, 0x29971d57b1809587 },
		{ 0x078a14ba418ef20c, 0x6a4cd780824ba43d, 0xe7447778c442ac87,
		  0x1c472acad8bba232, 0xb45c362f44237888, 0x7b2c167684ef1c00,
		  0x1e9f3c994500185c, 0x8122fdd0cfb13db4 },
		{ 0xe96e5c936eff12e1, 0x0abcc1da25e31583, 0xc844e8ccdc95f5f9,
		  0x5a886b1b301f27cf, 0x845d7086b7b385f0, 0x8d1c658c05090238,
		  0xcdd1b2a62c07960b, 0xef902dccee151588 },
		{ 0x85ff4f350fea91e5, 0x32954682af91bda6, 0xfe1f173d8eeaafca,
		  0x5badab632da4161b, 0x2107bc51bf84e659, 0xf4368698ad86caa0,
		  0x84ad8cf46e9fbe0e, 0xf7f134adb45a2551 },
	},
	{
		{ 0x202886024147519a, 0xd0981eac26b372f0, 0xa9d4a7caa785ebc8,
		  0xd953c50ddbdf58e9, 0x9d6361ccfd590f8f, 0x72e9626b44e6c917,
		  0x7fd9611022eb64cf, 0x863ebb7e9eb288f3 },
		{ 0x4fe7ee31b0e63d34, 0xf4600572a9e54fab, 0xc0493334d5e7b5a4,
		  0x8589fb9206d54831, 0xaa70f5cc6583553a, 0x0879094ae25649e5,
		  0xcc90450710044652, 0xebb0696d02541c4f },
		{ 0xabbaa0c03b89da99, 0xa6f2d79eb8284022, 0x27847862b81c05e8,
		  0x337a4b5905e54d63, 0x3c67500d21f7794a, 0x207005b77d6d7f61,
		  0x0a5a378104cfd6e8, 0x0d65e0d5f4c2fbd6 },
		{ 0xd433e50f6d3549cf, 0x6f33696ffacd665e, 0x695bfdacce11fcb4,
		  0x810ee252af7c9860, 0x65450fe17159bb2c, 0xf7dfbebe758b357b,
		  0x2b057e74d69fea72, 0xd485717a92731745 },
		{ 0xce1f69bbe83f7669, 0x09f8ae8272877d6b, 0x9548ae543244278d,
		  0x207755dee3c2c19c, 0x87bd61d96fef1945, 0x18813cefb12d28c3,
		  0x9fbcd1d672df64aa, 0x48dc5ee57154b00d },
		{ 0xef0f469ef49a3154, 0x3e85a5956e2b2e9a, 0x45aaec1eaa924a9c,
		  0xaa12dfc8a09e4719, 0x26f272274df69f1d, 0xe0e4c82ca2ff5e73,
		  0xb9d8ce73b7a9dd44, 0x6c036e73e48ca901 },
		{ 0xe1e421e1a47153f0, 0xb86c3b79920418c9, 0x93bdce87705d7672,
		  0xf25ae793cab79a77, 0x1f3194a36d869d0c, 0x9d55c8824986c264,
		  0x49fb5ea3096e945e, 0x39b8e65313db0a3e },
		{ 0xe3417bc035d0b34a, 0x440b386b8327c0a7, 0x8fb7262dac0362d1,
		  0x2c41114ce0cdf943, 0x2ba5cef1ad95a0b1, 0xc09b37a867d54362,
		  0x26d6cdd201e486c9, 0x20477abf42ff9297 },
		{ 0x0f121b41bc0a67d2, 0x62d4760a444d248a, 0x0e044f1d659b4737,
		  0x08fde365250bb4a8, 0xaceec3da848bf287, 0xc2a62182d3369d6e,
		  0x3582dfdc92449482, 0x2f7e2fd2565d6cd7 },
		{ 0x0a0122b5178a876b, 0x51ff96ff085104b4, 0x050b31ab14f29f76,
		  0x84abb28b5f87d4e6, 0xd5ed439f8270790a, 0x2d6cb59d85e3f46b,
		  0x75f55c1b6c1e2212, 0xe5436f6717655640 },
		{ 0xc2965ecc9aeb596d, 0x01ea03e7023c92b4, 0x4704b4b62e013961,
		  0x0ca8fd3f905ea367, 0x92523a42551b2b61, 0x1eb7a89c390fcd06,
		  0xe7f1d2be0392a63e, 0x96dca2644ddb0c33 },
		{ 0x231c210e15339848, 0xe87a28e870778c8d, 0x9d1de6616956e170,
		  0x4ac3c9382bb09c0b, 0x19be05516998987d, 0x8b2376c4ae09f4d6,
		  0x1de0b7651a3f933d, 0x380d94c7e39705f4 },
		{ 0x3685954b8c31c31d, 0x68533d005bf21a0c, 0x0bd7626e75c79ec9,
		  0xca17754742c69d54, 0xcc6edafff6d2dbb2, 0xfd0d8cbd174a9d18,
		  0x875e8793aa4578e8, 0xa976a7139cab2ce6 },
		{ 0xce37ab11b43ea1db, 0x0a7ff1a95259d292, 0x851b02218f84f186,
		  0xa7222beadefaad13, 0xa2ac78ec2b0a9144, 0x5a024051f2fa59c5,
		  0x91d1eca56147ce38, 0xbe94d523bc2ac690 },
		{ 0x2d8daefd79ec1a0f, 0x3bbcd6fdceb39c97, 0xf5575ffc58f61a95,
		  0xdbd986c4adf7b420, 0x81aa881415f39eb7, 0x6ee2fcf5b98d976c,
		  0x5465475dcf2f717d, 0x8e24d3c46860bbd0 },
	},
	{
		{ 0xcc7a64880a750c0f, 0x39bacfe34e548e83, 0x3d418c760c110f05,
		  0x3e4daa4cb1f11588, 0x2733e7b55ffc69ff, 0x46f147bc92053127,
		  0x885b2434d722df94, 0x6a444f65e6fc6b7c },
		{ 0x8ce9b6bfc360e25a, 0xe6425195075a1a78, 0x9dc756a8481732f4,
		  0x83c0440f5432b57a, 0xc670b3f1d720281f, 0x2205910ed135e051,
		  0xded14b0edb052be7, 0x697b3d27c568ea39 },
		{ 0x4516b5b8b7881c8b, 0xcfe743c69a5825b4, 0x3d5b8b06c24e3024,
		  0x31c1a413cf8c9326, 0x5e6eee84b632ae3b, 0xdfb7eb6b2bd48b14,
		  0x6a6515299a7261e9, 0x996b358daa69133c },
		{ 0xb81d783e979f3925, 0x1efd130aaf4c89a7, 0x525c2144fd1bf7fa,
		  0x4b2969041b265a9e, 0xed8e9634b9db65b6, 0x35c82e3203599d8a,
		  0xdaa7a54f403563f3, 0x9df088ad022c38ab },
		{ 0x396b8d047025aa01, 0xa98b2ce9e23e9595, 0x9769e7c820bb29f4,
		  0x23778ebb201a51a5, 0x653ff433a9b810a4, 0x017773dc66f269a7,
		  0xbce2ae82129ae800, 0x3234515151317d6b },
		{ 0x39a3bd51f67a99fa, 0x63441f7cba72c87f, 0xcc3fc76f745125ca,
		  0x670e00c69c686d78, 0xa35c29f9a0277d6d, 0x078badcf3e443178,
		  0x1ca01d3f5d1c6e16, 0x23751c99fc8934cf },
		{ 0x907c4f80ec245c99, 0xa8943d3316273128, 0x8984e2cb2e233ae1,
		  0x655a4dda794c6256, 0x88e95ce7ee6e1497, 0x977f927f129d3376,
		  0x2758787a568a3ff3, 0x0bdf684fdc3cbce1 },
		{ 0x1083e2ea1f095615, 0x0a28ad7714e68c33, 0x6bfc02523d8818be,
		  0xb585113af35850cd, 0x7d935f0b30df8aa1, 0xaddda07c4ab7e3ac,
		  0x92c34299552f00cb, 0xc33ed1de2909df6c },
		{ 0x222c4a8a10fb29b2, 0x5508658630b7eb36, 0x22d15c091ee898a1,
		  0xb4a70d45854090de, 0x3be7a3896f61fbdc, 0xa7d262affd3348c4,
		  0x9682ec29e66d5552, 0x5ef177ea14cbb8d6 },
		{ 0x3067f7937eafb650, 0xe37dfbf43bf2a0cb, 0xe6b8e19a8c3ac824,
		  0x8c4930bfa05e8b4b, 0xd691267645cdb7bc, 0xcebdce5705ea892c,
		  0xf00c54038015170f, 0x2e12dfcc7b65a3e5 },
		{ 0x9bdfc7a96c5f67d0, 0x64a44be0986471a7, 0x7f12c705b721aca9,
		  0xcc2f523cd760d701, 0x49bb9288b46febf2, 0x6a207099375964e6,
		  0x6ca4a4990420792f, 0x2188c12d38bca9e8 },
		{ 0x3857f5c48ee50f1e, 0xf8f801d209a578e4, 0xbe6c89fdf20f170e,
		  0x5ba08b2fabcf2fa9, 0x86803b77486f3cfc, 0x846a92f79cf883ea,
		  0xbfb52676474feb56, 0x483127b0d252161a },
		{ 0x18288cfe6a658c2b, 0xe9eaef2d0b3d9e91, 0x58f2023f9ae474f2,
		  0x0bdae4b1bcf34170, 0x9b725d7bb1861d12, 0x2bc04f740b4725bb,
		  0xd9fe2c7cd2aefc19, 0x5e985bb6610b818e },
		{ 0x58b1117cb4998e4b, 0xa2ccc539ee2b2e32, 0x5d1033e8127f3f60,
		  0x6958923bbbc4b91d, 0xa077a0cf70aa136d, 0xd2fa8875641bbf55,
		  0x74d271aa32837130, 0xfe89c10033c1d7bf },
		{ 0x8de0880532237e81, 0xf43684ec874dfaee, 0xfdba26b988bef633,
		  0xac2994045d2a9c91, 0xeea6a5a0a96659e1, 0xe74a555dd25ec31a,
		  0x8663b8f1d7d5a482, 0x50b490d71b5845e4 },
	},
};

/* r = comb[s][d - 1] (d = 1..15), every entry read; zeros for d = 0. */
static void
comb_lookup(struct apt *r, int s, unsigned d)
{
	uint64_t m;
	unsigned i;
	int j;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < 15; i++) {
		m = ct_eq(i + 1, d);
		for (j = 0; j < 4; j++) {
			r->x[j] |= m & comb[s][i][j];
			r->y[j] |= m & comb[s][i][4 + j];
		}
	}
}

/* r = k G by the comb: with bit j of k written k_j and the digit
 * d(c, s) = k_c' + 2 k_(c' + 64) + 4 k_(c' + 128) + 8 k_(c' + 192) for
 * c' = 16 s + c, k G = sum over c = 0..15 of 2^c (comb[0][d(c, 0)] +
 * ... + comb[3][d(c, 3)]). Column c = 15 first, doubling between
 * columns; a zero digit adds nothing (the sum is computed and not
 * kept, since the mixed formulas need a finite b). */
static void
pt_mulgen(struct pt *r, const unsigned char k[32])
{
	struct pt t;
	struct apt a;
	unsigned d;
	int c, s, i, j;

	pt_infinity(r);
	for (c = 15; c >= 0; c--) {
		if (c != 15)
			pt_double(r, r);
		for (s = 0; s < 4; s++) {
			d = 0;
			for (i = 0; i < 4; i++) {
				j = 64 * i + 16 * s + c;
				d |= (unsigned)((k[31 - j / 8] >> (j % 8)) &
				    1) << i;
			}
			comb_lookup(&a, s, d);
			pt_add_affine(&t, r, &a);
			pt_cmov(r, &t, ~ct_eq(d, 0));
		}
	}
	explicit_bzero(&t, sizeof(t));
	explicit_bzero(&a, sizeof(a));
}

/* ---- BearSSL's muladd ---- */

/* How br_ec_p256_m31 ends a multiplication by k, as its muladd goes on
 * to use it: the true multiple; its all-zero point at infinity, for k =
 * 0 and for the one k where the last window's addition is a doubling,
 * which its formulas turn into that zero (n + 6 in mul's 2-bit windows,
 * n + 30 in mulgen's 4-bit ones); or its other point at infinity, for
 * k = n. */
enum kclass {
	K_POINT,
	K_ZERO,
	K_INF
};

static enum kclass
kclass(const unsigned char k[32], unsigned quirk)
{
	static const unsigned char zero[32];

	if (memcmp(k, zero, 32) == 0 || scalar_is_n_plus(k, quirk))
		return K_ZERO;
	if (memcmp(k, P256_N, 32) == 0)
		return K_INF;
	return K_POINT;
}

/* A = x A + y B (B NULL: the generator) for public inputs, BearSSL's
 * way; 1, or 0 when a point is invalid (A then unchanged) or when
 * br_ec_p256_m31 returns 0. It adds the two products with incomplete
 * Jacobian formulas and mends only the doubling case, so:
 *   x A its zero: 2 (y B), the point at infinity if that is one; 1;
 *   else y B its zero: the point at infinity; 1;
 *   else both its other infinity: the point at infinity; 1;
 *   else one of them: 0;
 *   else the sum, 0 when it is the point at infinity (A = -B).
 * In ECDSA x = r/s is never 0 and y = h/s is 0 only for h = 0 mod n, and
 * then BearSSL's answer (the point at infinity) fails the check. */
static uint32_t
p256_muladd(unsigned char *A, const unsigned char *B,
    const unsigned char kx[32], const unsigned char ky[32])
{
	struct pt pa, pb;
	enum kclass cx, cy;

	if (!pt_decode(&pa, A) || (B != NULL && !pt_decode(&pb, B)))
		return 0;
	cx = kclass(kx, 6);
	cy = kclass(ky, B != NULL ? 6 : 30);
	pt_mul(&pa, &pa, kx);
	if (B != NULL)
		pt_mul(&pb, &pb, ky);
	else
		pt_mulgen(&pb, ky);
	if (cx == K_ZERO) {
		if (cy == K_POINT)
			pt_double(&pa, &pb);
		else
			pt_infinity(&pa);
		pt_encode(A, &pa);
		return 1;
	}
	if (cy == K_ZERO || (cx == K_INF && cy == K_INF)) {
		pt_infinity(&pa);
		pt_encode(A, &pa);
		return 1;
	}
	if (cx == K_INF || cy == K_INF) {
		pt_infinity(&pa);
		pt_encode(A, &pa);
		return 0;
	}
	pt_add(&pa, &pa, &pb);
	pt_encode(A, &pa);
	return !fe_eq(pa.z, F_ZERO) ? 1 : 0;
}
#endif /* __SIZEOF_INT128__ */

/* ---- the br_ec_impl ---- */

static const unsigned char *
ec_generator(int curve, size_t *len)
{
	return br_ec_p256_m31.generator(curve, len);
}

static const unsigned char *
ec_order(int curve, size_t *len)
{
	return br_ec_p256_m31.order(curve, len);
}

static size_t
ec_xoff(int curve, size_t *len)
{
	return br_ec_p256_m31.xoff(curve, len);
}

/* G = x G; 1, or 0 when G is not a valid point (G then unchanged).
 * Constant time, the validity of G included; like br_ec_p256_m31, k =
 * n + 6 gives the point at infinity. A length other than 65 is refused
 * here, with or without __int128: BearSSL 0.6 would write 65 bytes to
 * G for a longer one. */
static uint32_t
ec_mul(unsigned char *G, size_t Glen, const unsigned char *x, size_t xlen,
    int curve)
{
#ifdef P256_64
	unsigned char k[32], out[65];
	struct pt a;
	uint64_t ok;
	size_t i;
#endif

	if (Glen != 65)
		return 0;
#ifdef P256_64
	if (xlen <= 32) {
		scalar_load(k, x, xlen);
		ok = pt_decode(&a, G);
		pt_mul(&a, &a, k);
		fe_cmov(a.z, F_ZERO, scalar_is_n_plus(k, 6));
		pt_encode(out, &a);
		for (i = 0; i < 65; i++)
			G[i] ^= (unsigned char)ok & (G[i] ^ out[i]);
		explicit_bzero(k, sizeof(k));
		explicit_bzero(out, sizeof(out));
		explicit_bzero(&a, sizeof(a));
		return (uint32_t)(ok & 1);
	}
#endif
	return br_ec_p256_m31.mul(G, Glen, x, xlen, curve);
}

/* R = x G for the generator G; 65. Constant time; k = n + 30 gives the
 * point at infinity, as br_ec_p256_m31's. */
static size_t
ec_mulgen(unsigned char *R, const unsigned char *x, size_t xlen, int curve)
{
#ifdef P256_64
	unsigned char k[32];
	struct pt a;

	if (xlen <= 32) {
		scalar_load(k, x, xlen);
		pt_mulgen(&a, k);
		fe_cmov(a.z, F_ZERO, scalar_is_n_plus(k, 30));
		pt_encode(R, &a);
		explicit_bzero(k, sizeof(k));
		explicit_bzero(&a, sizeof(a));
		return 65;
	}
#endif
	return br_ec_p256_m31.mulgen(R, x, xlen, curve);
}

/* A = x A + y B, B NULL for the generator (p256_muladd). A length
 * other than 65 is refused here, with or without __int128: BearSSL 0.6
 * would still write 65 bytes to A. */
static uint32_t
ec_muladd(unsigned char *A, const unsigned char *B, size_t len,
    const unsigned char *x, size_t xlen, const unsigned char *y,
    size_t ylen, int curve)
{
#ifdef P256_64
	unsigned char kx[32], ky[32];
#endif

	if (len != 65)
		return 0;
#ifdef P256_64
	if (xlen <= 32 && ylen <= 32) {
		scalar_load(kx, x, xlen);
		scalar_load(ky, y, ylen);
		return p256_muladd(A, B, kx, ky);
	}
#endif
	return br_ec_p256_m31.muladd(A, B, len, x, xlen, y, ylen, curve);
}

/* P-256 alone, as br_ec_p256_m31. */
const br_ec_impl tls_ec_p256 = {
	(uint32_t)1 << BR_EC_secp256r1,
	ec_generator,
	ec_order,
	ec_xoff,
	ec_mul,
	ec_mulgen,
	ec_muladd
};
