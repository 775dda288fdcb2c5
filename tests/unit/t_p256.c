/* relaymail: unit tests for tls_p256.c. ISC licence, see LICENSE.
 * Published vectors first (k G for k = 1, 2, 3, n - 1; the ECDH exchange
 * of RFC 5903 section 8.1), then BearSSL's own br_ec_p256_m31 as the
 * reference, byte for byte and return value for return value, for
 * thousands of reproducible random cases of mulgen, mul and muladd: short
 * scalars, the edges (0, 1, n - 1, n, n + 1, 2^256 - 1 and the two
 * scalars where BearSSL's additions fail, n + 6 and n + 30), every entry
 * of the comb table, A = B, A = -B, a zero scalar; the points BearSSL
 * refuses; ECDSA signatures made by BearSSL checked with our muladd;
 * and tls_ec_impl (tls_ec.c) sending P-256 here. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define T_RNG_SEED	0x70323536ULL	/* the same cases on every run */
#include "t.h"
#include "t_bytes.h"
#include "tls_ec.h"
#include "tls_p256.h"

#define P256	BR_EC_secp256r1

/* Without unsigned __int128, tls_ec_p256 is BearSSL's, which writes
 * what it computed over a point it refuses. */
#ifdef __SIZEOF_INT128__
#define KEEPS_REFUSED	1
#else
#define KEEPS_REFUSED	0
#endif

static const br_ec_impl *const ours = &tls_ec_p256;
static const br_ec_impl *const ref = &br_ec_p256_m31;


/* pt = 0x04 || x || y from hex. */
static void
point(unsigned char pt[65], const char *x, const char *y)
{
	pt[0] = 0x04;
	unhex(pt + 1, 32, x);
	unhex(pt + 33, 32, y);
}

static const unsigned char *
order(void)
{
	size_t len;

	return ref->order(P256, &len);
}

/* r = a + d, 32 big-endian bytes, mod 2^256 (d may be negative). */
static void
add_small(unsigned char r[32], const unsigned char a[32], int d)
{
	int i, c = d;

	for (i = 31; i >= 0; i--) {
		c += a[i];
		r[i] = (unsigned char)c;
		c = c < 0 ? -((255 - c) / 256) : c >> 8;
	}
}

/* r = a - b, 32 big-endian bytes, a >= b. */
static void
sub32(unsigned char r[32], const unsigned char a[32],
    const unsigned char b[32])
{
	int i, c = 0;

	for (i = 31; i >= 0; i--) {
		c = a[i] - b[i] - c;
		r[i] = (unsigned char)c;
		c = c < 0;
	}
}

/* The special scalars: 0, 1, n - 1, n, n + 1, n + 6, n + 30, 2^256 - 1,
 * as 32 bytes. */
#define NSPECIAL	8
static void
special(unsigned char k[32], int i)
{
	static const int d[] = { -1, 0, 1, 6, 30 };

	memset(k, 0, 32);
	if (i == 1)
		k[31] = 1;
	else if (i >= 2 && i <= 6)
		add_small(k, order(), d[i - 2]);
	else if (i == 7)
		memset(k, 0xff, 32);
}

/* A random scalar for case i: 32 random bytes mostly; often shorter
 * (xlen 0 to 31); sometimes one of the specials, or one just below n or
 * 2^256. Returns xlen. */
static size_t
random_scalar(unsigned char k[32], int i)
{
	switch (i % 10) {
	case 0:
		special(k, (i / 10) % NSPECIAL);
		return 32;
	case 1: {
		size_t len = rng() % 32;
		rng_bytes(k, len);
		return len;
	}
	case 2:
		add_small(k, order(), -(int)(rng() % 200) - 1);
		return 32;
	case 3:
		memset(k, 0xff, 32);
		k[31 - rng() % 32] = (unsigned char)rng();
		return 32;
	default:
		rng_bytes(k, 32);
		return 32;
	}
}

/* A random valid point: BearSSL's k G for a random k. */
static void
random_point(unsigned char pt[65])
{
	unsigned char k[32];

	rng_bytes(k, 32);
	k[0] &= 0x7f;
	ref->mulgen(pt, k, 32, P256);
}

/* -a: 0x04 || x || p - y. */
static void
negate(unsigned char r[65], const unsigned char a[65])
{
	static const char *const p = "ffffffff000000010000000000000000"
	    "00000000ffffffffffffffffffffffff";
	unsigned char pb[32];

	unhex(pb, 32, p);
	r[0] = 0x04;
	memcpy(r + 1, a + 1, 32);
	sub32(r + 33, pb, a + 33);
}

TEST(curve_and_constants_are_br_ec_p256_m31s)
{
	const unsigned char *a, *b;
	size_t la, lb, oa, ob;

	T_EQ(ours->supported_curves, ref->supported_curves);
	a = ours->generator(P256, &la);
	b = ref->generator(P256, &lb);
	T_MEMEQ(a, la, b, lb);
	a = ours->order(P256, &la);
	b = ref->order(P256, &lb);
	T_MEMEQ(a, la, b, lb);
	oa = ours->xoff(P256, &la);
	ob = ref->xoff(P256, &lb);
	T_OK(oa == ob && la == lb);
}

/* k G for k = 1, 2, 3 and n - 1 (the published P-256 multiples, NIST's
 * "Suite B implementer's guide" and elsewhere), through mulgen, through
 * mul on G and through muladd with B NULL. */
TEST(multiples_of_g)
{
	static const char *const v[][3] = {
		{ "01",
		  "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
		  "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5" },
		{ "02",
		  "7cf27b188d034f7e8a52380304b51ac3c08969e277f21b35a60b48fc47669978",
		  "07775510db8ed040293d9ac69f7430dbba7dade63ce982299e04b79d227873d1" },
		{ "03",
		  "5ecbe4d1a6330a44c8f7ef951d4bf165e6c6b721efada985fb41661bc6e7fd6c",
		  "8734640c4998ff7e374b06ce1a64a2ecd82ab036384fb83d9a79b127a27d5032" },
		{ "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550",
		  "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
		  "b01cbd1c01e58065711814b583f061e9d431cca994cea1313449bf97c840ae0a" },
	};
	unsigned char k[32], want[65], out[65], one = 1;
	const unsigned char *g;
	size_t i, klen, glen;

	g = ours->generator(P256, &glen);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		klen = strlen(v[i][0]) / 2;
		unhex(k, klen, v[i][0]);
		point(want, v[i][1], v[i][2]);
		T_EQ(ours->mulgen(out, k, klen, P256), 65);
		T_MEMEQ(out, 65, want, 65);
		memcpy(out, g, 65);
		T_EQ(ours->mul(out, 65, k, klen, P256), 1);
		T_MEMEQ(out, 65, want, 65);
		/* (k - 1) G + 1 G, except k = 1: 0 G + G is BearSSL's 2 G. */
		if (i > 0) {
			memcpy(out, g, 65);
			k[klen - 1]--;
			T_EQ(ours->muladd(out, NULL, 65, k, klen, &one, 1,
			    P256), 1);
			T_MEMEQ(out, 65, want, 65);
		}
	}
}

/* RFC 5903 section 8.1: i G, r G, and the shared i r G both ways. */
TEST(rfc5903_ecdh)
{
	unsigned char i[32], r[32], gi[65], gr[65], gir[65], out[65];

	unhex(i, 32, "c88f01f510d9ac3f70a292daa2316de5"
	    "44e9aab8afe84049c62a9c57862d1433");
	unhex(r, 32, "c6ef9c5d78ae012a011164acb397ce20"
	    "88685d8f06bf9be0b283ab46476bee53");
	point(gi, "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180",
	    "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3");
	point(gr, "d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63",
	    "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab");
	point(gir, "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de",
	    "522bde0af0d8585b8def9c183b5ae38f50235206a8674ecb5d98edb20eb153a2");
	T_EQ(ours->mulgen(out, i, 32, P256), 65);
	T_MEMEQ(out, 65, gi, 65);
	T_EQ(ours->mulgen(out, r, 32, P256), 65);
	T_MEMEQ(out, 65, gr, 65);
	memcpy(out, gr, 65);
	T_EQ(ours->mul(out, 65, i, 32, P256), 1);
	T_MEMEQ(out, 65, gir, 65);
	memcpy(out, gi, 65);
	T_EQ(ours->mul(out, 65, r, 32, P256), 1);
	T_MEMEQ(out, 65, gir, 65);
}

/* The scalars that pick one comb entry each, then random ones. */
TEST(mulgen_matches_br_ec_p256_m31)
{
	unsigned char k[32], a[65], b[65];
	size_t xlen, la, lb;
	int i, s, d, j, bad = 0;

	for (s = 0; s < 4; s++)
		for (d = 1; d < 16; d++) {
			memset(k, 0, 32);
			for (i = 0; i < 4; i++) {
				j = 64 * i + 16 * s;
				if (d >> i & 1)
					k[31 - j / 8] |= 1 << (j % 8);
			}
			ours->mulgen(a, k, 32, P256);
			ref->mulgen(b, k, 32, P256);
			if (memcmp(a, b, 65) != 0 && bad++ < 5)
				T_FAIL_("comb[%d][%d] differs", s, d - 1);
		}
	for (i = 0; i < 1600; i++) {
		xlen = random_scalar(k, i);
		la = ours->mulgen(a, k, xlen, P256);
		lb = ref->mulgen(b, k, xlen, P256);
		if ((la != lb || memcmp(a, b, 65) != 0) && bad++ < 5)
			T_FAIL_("case %d (xlen %zu) differs", i, xlen);
	}
}

TEST(mul_matches_br_ec_p256_m31)
{
	unsigned char k[32], pt[65], a[65], b[65];
	size_t xlen;
	uint32_t ra, rb;
	int i, bad = 0;

	for (i = 0; i < 1000; i++) {
		if (i % 50 == 0)
			memcpy(pt, ref->generator(P256, &xlen), 65);
		else
			random_point(pt);
		xlen = random_scalar(k, i);
		memcpy(a, pt, 65);
		memcpy(b, pt, 65);
		ra = ours->mul(a, 65, k, xlen, P256);
		rb = ref->mul(b, 65, k, xlen, P256);
		if ((ra != rb || memcmp(a, b, 65) != 0) && bad++ < 5)
			T_FAIL_("case %d (xlen %zu) differs", i, xlen);
	}
}

/* One muladd both ways; 1 when they agree (the point too, whenever
 * BearSSL returns 1 or both inputs were valid). */
static int
muladd_agrees(const unsigned char A[65], const unsigned char *B,
    const unsigned char *x, size_t xlen, const unsigned char *y,
    size_t ylen)
{
	unsigned char a[65], b[65];
	uint32_t ra, rb;

	memcpy(a, A, 65);
	memcpy(b, A, 65);
	ra = ours->muladd(a, B, 65, x, xlen, y, ylen, P256);
	rb = ref->muladd(b, B, 65, x, xlen, y, ylen, P256);
	return ra == rb && memcmp(a, b, 65) == 0;
}

/* y = n - x when x < n, so that x P + y P is the point at infinity;
 * otherwise y unchanged. */
static void
minus(unsigned char y[32], size_t *ylen, const unsigned char *x,
    size_t xlen)
{
	unsigned char t[32];

	memset(t, 0, 32);
	memcpy(t + 32 - xlen, x, xlen);
	if (memcmp(t, order(), 32) < 0) {
		sub32(y, order(), t);
		*ylen = 32;
	}
}

TEST(muladd_matches_br_ec_p256_m31)
{
	unsigned char x[32], y[32], A[65], B[65];
	const unsigned char *bp;
	size_t xlen, ylen, glen;
	int i, kind, bad = 0;

	for (i = 0; i < 800; i++) {
		random_point(A);
		random_point(B);
		xlen = random_scalar(x, i);
		ylen = random_scalar(y, i / 10 + 7 * i);
		bp = i % 3 == 0 ? NULL : B;
		kind = (i / 3) % 8;
		switch (kind) {
		case 0:			/* A = B */
			memcpy(B, A, 65);
			break;
		case 1:			/* A = -B */
			negate(B, A);
			break;
		case 2:			/* A = B, x = y: 2 x A */
			memcpy(B, A, 65);
			memcpy(y, x, xlen);
			ylen = xlen;
			break;
		case 3:			/* A = -B, x = y: the infinity */
			negate(B, A);
			memcpy(y, x, xlen);
			ylen = xlen;
			break;
		case 4:			/* x A = -y B with A = B */
			memcpy(B, A, 65);
			minus(y, &ylen, x, xlen);
			break;
		case 5:			/* x A = -y G: A = G */
			if (bp == NULL) {
				memcpy(A, ref->generator(P256, &glen), 65);
				minus(y, &ylen, x, xlen);
			}
			break;
		case 6:			/* x or y zero, empty or not */
			if (rng() & 1) {
				memset(x, 0, 32);
				xlen = rng() % 33;
			} else {
				memset(y, 0, 32);
				ylen = rng() % 33;
			}
			break;
		default:
			break;
		}
		if (!muladd_agrees(A, bp, x, xlen, y, ylen) && bad++ < 5)
			T_FAIL_("case %d (kind %d, B %s, xlen %zu, ylen %zu) "
			    "differs", i, kind, bp ? "given" : "NULL", xlen,
			    ylen);
	}
}

/* Every special scalar against every other, B given and B NULL, A = B,
 * A = -B and unrelated. */
TEST(muladd_special_scalars)
{
	unsigned char x[32], y[32], A[65], B[65], N[65];
	int i, j, bad = 0;

	random_point(A);
	random_point(B);
	negate(N, A);
	for (i = 0; i < NSPECIAL; i++)
		for (j = 0; j < NSPECIAL; j++) {
			special(x, i);
			special(y, j);
			if ((!muladd_agrees(A, NULL, x, 32, y, 32) ||
			    !muladd_agrees(A, B, x, 32, y, 32) ||
			    !muladd_agrees(A, A, x, 32, y, 32) ||
			    !muladd_agrees(A, N, x, 32, y, 32)) && bad++ < 5)
				T_FAIL_("x special %d, y special %d differ",
				    i, j);
		}
}

/* A scalar longer than 32 bytes goes to BearSSL: the same answers. */
TEST(long_scalars)
{
	unsigned char k[40], A[65], a[65], b[65];

	rng_bytes(k, sizeof(k));
	memset(k, 0, 8);
	T_EQ(ours->mulgen(a, k, 40, P256), 65);
	T_EQ(ref->mulgen(b, k, 40, P256), 65);
	T_MEMEQ(a, 65, b, 65);
	T_EQ(ours->mulgen(a, k + 8, 32, P256), 65);
	T_MEMEQ(a, 65, b, 65);
	random_point(A);
	memcpy(a, A, 65);
	memcpy(b, A, 65);
	T_EQ(ours->mul(a, 65, k, 40, P256), 1);
	T_EQ(ref->mul(b, 65, k, 40, P256), 1);
	T_MEMEQ(a, 65, b, 65);
	T_OK(muladd_agrees(A, NULL, k, 40, k + 3, 33));
}

/* Each encoding BearSSL refuses, refused by mul and by muladd (as A and
 * as B), with G / A left as they were. */
TEST(invalid_points_refused)
{
	/* (5, y) and (x, 5) are on the curve: written with 5 + p instead
	 * of 5 they are refused for the coordinate alone. */
	static const char *const y5 =
	    "459243b9aa581806fe913bce99817ade11ca503c64d9a3c533415c083248fbcc";
	static const char *const x5 =
	    "d7325d7646cd60d80a92738ceb345f844cffaf35841022cab176f692de8de1d7";
	static const char *const five =
	    "0000000000000000000000000000000000000000000000000000000000000005";
	static const char *const p5 =
	    "ffffffff00000001000000000000000000000001000000000000000000000004";
	static const unsigned char prefixes[] = { 0x00, 0x02, 0x03, 0x05,
	    0x06, 0x07, 0x14, 0x84 };
	static const size_t lens[] = { 0, 1, 33, 64, 66 };
	unsigned char bad[16][66], good[65], k[32], g[66], before[66];
	size_t n = 0, i, len;

	random_point(good);
	rng_bytes(k, 32);

	/* The reduced forms are valid: the constants are right. */
	point(g, five, y5);
	T_EQ(ref->mul(g, 65, k, 32, P256), 1);
	point(g, x5, five);
	T_EQ(ref->mul(g, 65, k, 32, P256), 1);

	point(bad[n++], p5, y5);			/* x >= p */
	point(bad[n++], x5, p5);			/* y >= p */
	memset(bad[n++], 0, 65);
	bad[n - 1][0] = 0x04;				/* (0, 0) */
	memcpy(bad[n++], good, 65);
	bad[n - 1][64] ^= 0x01;				/* off the curve */
	memcpy(bad[n++], good, 65);
	bad[n - 1][1] ^= 0x80;
	point(bad[n++], "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
	    y5);					/* x = p */
	for (i = 0; i < sizeof(prefixes); i++) {
		memcpy(bad[n], good, 65);
		bad[n++][0] = prefixes[i];
	}

	for (i = 0; i < n; i++) {
		memcpy(g, bad[i], 65);
		T_EQ(ref->mul(g, 65, k, 32, P256), 0);
		memcpy(g, bad[i], 65);
		T_EQ(ours->mul(g, 65, k, 32, P256), 0);
		T_OK(!KEEPS_REFUSED || memcmp(g, bad[i], 65) == 0);
		memcpy(g, bad[i], 65);
		T_EQ(ref->muladd(g, NULL, 65, k, 32, k, 32, P256), 0);
		memcpy(g, bad[i], 65);
		T_EQ(ours->muladd(g, NULL, 65, k, 32, k, 32, P256), 0);
		T_OK(!KEEPS_REFUSED || memcmp(g, bad[i], 65) == 0);
		memcpy(g, good, 65);
		T_EQ(ref->muladd(g, bad[i], 65, k, 32, k, 32, P256), 0);
		memcpy(g, good, 65);
		T_EQ(ours->muladd(g, bad[i], 65, k, 32, k, 32, P256), 0);
		T_OK(!KEEPS_REFUSED || memcmp(g, good, 65) == 0);
	}

	/* Wrong lengths, the one-byte point at infinity among them: 0.
	 * BearSSL 0.6 still writes 65 bytes to A in muladd (and to G in
	 * mul for a longer one; g has room for that); we write nothing,
	 * with or without __int128. */
	memcpy(before, good, 65);
	before[65] = 0;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		len = lens[i];
		memcpy(g, before, 66);
		T_EQ(ref->mul(g, len, k, 32, P256), 0);
		memcpy(g, before, 66);
		T_EQ(ref->muladd(g, NULL, len, k, 32, k, 32, P256), 0);
		memcpy(g, before, 66);
		T_EQ(ours->mul(g, len, k, 32, P256), 0);
		T_EQ(ours->muladd(g, NULL, len, k, 32, k, 32, P256), 0);
		T_EQ(ours->muladd(g, good, len, k, 32, k, 32, P256), 0);
		T_MEMEQ(g, 66, before, 66);
	}
}

/* BearSSL's ECDSA with our muladd: signatures BearSSL makes verify, and
 * fail with one bit of the hash, the signature or the key flipped. */
TEST(ecdsa_verify_with_our_muladd)
{
	unsigned char x[32], q[65], h[32], sig[80];
	br_ec_private_key sk;
	br_ec_public_key pk;
	size_t siglen;
	int i, bit;

	for (i = 0; i < 40; i++) {
		rng_bytes(x, 32);
		x[0] &= 0x7f;
		x[31] |= 1;
		sk.curve = P256;
		sk.x = x;
		sk.xlen = 32;
		ref->mulgen(q, x, 32, P256);
		pk.curve = P256;
		pk.q = q;
		pk.qlen = 65;
		rng_bytes(h, 32);
		siglen = br_ecdsa_i31_sign_asn1(ref, &br_sha256_vtable, h,
		    &sk, sig);
		T_OK(siglen > 0);
		T_EQ(br_ecdsa_i31_vrfy_asn1(ours, h, 32, &pk, sig, siglen), 1);
		T_EQ(br_ecdsa_i31_vrfy_asn1(ref, h, 32, &pk, sig, siglen), 1);

		bit = (int)(rng() % 256);
		h[bit / 8] ^= (unsigned char)(1 << (bit % 8));
		T_EQ(br_ecdsa_i31_vrfy_asn1(ours, h, 32, &pk, sig, siglen), 0);
		h[bit / 8] ^= (unsigned char)(1 << (bit % 8));

		/* A bit of r or s (past the DER header and lengths). */
		bit = (int)(8 * 8 + rng() % (8 * (siglen - 8)));
		sig[bit / 8] ^= (unsigned char)(1 << (bit % 8));
		T_EQ(br_ecdsa_i31_vrfy_asn1(ours, h, 32, &pk, sig, siglen), 0);
		sig[bit / 8] ^= (unsigned char)(1 << (bit % 8));

		q[1 + rng() % 64] ^= 0x01;	/* off the curve */
		T_EQ(br_ecdsa_i31_vrfy_asn1(ours, h, 32, &pk, sig, siglen), 0);
	}
}

/* tls_ec_impl gives P-256 to tls_ec_p256: its answers, a refused point
 * left as it was (BearSSL writes over it), and the ECDSA check that
 * tls_split.c makes. */
TEST(tls_ec_impl_sends_p256_here)
{
	unsigned char k[32], a[65], b[65], q[65], h[32], sig[80];
	br_ec_private_key sk;
	br_ec_public_key pk;
	size_t siglen;

	rng_bytes(k, 32);
	k[0] &= 0x7f;
	T_EQ(tls_ec_impl.mulgen(a, k, 32, P256), 65);
	T_EQ(ours->mulgen(b, k, 32, P256), 65);
	T_MEMEQ(a, 65, b, 65);
	memcpy(q, a, 65);
	T_EQ(tls_ec_impl.mul(a, 65, k, 32, P256), 1);
	T_EQ(ours->mul(b, 65, k, 32, P256), 1);
	T_MEMEQ(a, 65, b, 65);
	memcpy(a, q, 65);
	a[64] ^= 1;
	memcpy(b, a, 65);
	T_EQ(tls_ec_impl.mul(a, 65, k, 32, P256), 0);
	T_OK(!KEEPS_REFUSED || memcmp(a, b, 65) == 0);

	sk.curve = P256;
	sk.x = k;
	sk.xlen = 32;
	pk.curve = P256;
	pk.q = q;
	pk.qlen = 65;
	rng_bytes(h, 32);
	siglen = br_ecdsa_i31_sign_asn1(ref, &br_sha256_vtable, h, &sk, sig);
	T_OK(siglen > 0);
	T_EQ(br_ecdsa_vrfy_asn1_get_default()(&tls_ec_impl, h, 32, &pk, sig,
	    siglen), 1);
	h[0] ^= 1;
	T_EQ(br_ecdsa_vrfy_asn1_get_default()(&tls_ec_impl, h, 32, &pk, sig,
	    siglen), 0);
}

TEST_MAIN("t_p256", {
	RUN(curve_and_constants_are_br_ec_p256_m31s);
	RUN(multiples_of_g);
	RUN(rfc5903_ecdh);
	RUN(mulgen_matches_br_ec_p256_m31);
	RUN(mul_matches_br_ec_p256_m31);
	RUN(muladd_matches_br_ec_p256_m31);
	RUN(muladd_special_scalars);
	RUN(long_scalars);
	RUN(invalid_points_refused);
	RUN(ecdsa_verify_with_our_muladd);
	RUN(tls_ec_impl_sends_p256_here);
})
