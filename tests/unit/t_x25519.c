/* relaymail: unit tests for tls_x25519.c. ISC licence, see LICENSE.
 * RFC 7748's vectors (section 5.2, the iterated one to 1,000, the section
 * 6.1 exchange), then BearSSL's own br_ec_c25519_m31 as the reference for
 * thousands of reproducible random scalars and points (short scalars,
 * u >= p, the top bit set), the refusals (all-zero results, Glen != 32),
 * and tls_ec_impl's other curves answering as br_ec_all_m31 (P-256 is
 * ours, tls_p256.c, tested by t_p256). BearSSL 0.6's Curve25519
 * code takes the scalar little-endian, as RFC 7748 writes it (not
 * big-endian as bearssl_ec.h says of multipliers in general), so the
 * vectors go in as they are; scalar_is_little_endian pins that down. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define T_RNG_SEED	0x72656c61796dULL	/* the same cases on every run */
#include "t.h"
#include "t_bytes.h"
#include "tls_ec.h"

#define C25519	BR_EC_curve25519

/* Without unsigned __int128, tls_ec_impl is BearSSL's, which returns 1
 * with an all-zero result. */
#ifdef __SIZEOF_INT128__
#define REFUSES_ZERO	1
#else
#define REFUSES_ZERO	0
#endif


/* out = X25519(k, u) through tls_ec_impl.mul, and what mul returned. */
static uint32_t
x25519_rfc(unsigned char out[32], const unsigned char k[32],
    const unsigned char u[32])
{
	memcpy(out, u, 32);
	return tls_ec_impl.mul(out, 32, k, 32, C25519);
}

static int
all_zero(const unsigned char *p, size_t len)
{
	while (len > 0)
		if (p[--len] != 0)
			return 0;
	return 1;
}

TEST(curves_are_br_ec_all_m31s)
{
	T_EQ(tls_ec_impl.supported_curves, br_ec_all_m31.supported_curves);
}

TEST(rfc7748_section_5_2_vectors)
{
	static const char *const v[][3] = {
		{ "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
		  "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
		  "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552" },
		/* u has its top bit set (0x93): ignored. */
		{ "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
		  "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
		  "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957" },
	};
	unsigned char k[32], u[32], want[32], out[32];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		unhex(k, 32, v[i][0]);
		unhex(u, 32, v[i][1]);
		unhex(want, 32, v[i][2]);
		T_EQ(x25519_rfc(out, k, u), 1);
		T_MEMEQ(out, 32, want, 32);
	}
}

TEST(rfc7748_iterated_to_1000)
{
	unsigned char k[32] = { 9 }, u[32] = { 9 }, r[32], want[32];
	int i;

	for (i = 1; i <= 1000; i++) {
		T_EQ(x25519_rfc(r, k, u), 1);
		memcpy(u, k, 32);
		memcpy(k, r, 32);
		if (i == 1) {
			unhex(want, 32, "422c8e7a6227d7bca1350b3e2bb7279f"
			    "7897b87bb6854b783c60e80311ae3079");
			T_MEMEQ(k, 32, want, 32);
		}
	}
	unhex(want, 32, "684cf59ba83309552800ef566f2f4d3c"
	    "1c3887c49360e3875f2eb94d99532c51");
	T_MEMEQ(k, 32, want, 32);
}

TEST(rfc7748_section_6_1_exchange)
{
	unsigned char a[32], b[32], apub[32], bpub[32], want[32], ab[32],
	    ba[32];

	unhex(a, 32, "77076d0a7318a57d3c16c17251b26645"
	    "df4c2f87ebc0992ab177fba51db92c2a");
	unhex(b, 32, "5dab087e624a8a4b79e17f8b83800ee6"
	    "6f3bb1292618b6fd1c2f8b27ff88e0eb");
	/* The public keys through mulgen, as the engine makes ours. */
	T_EQ(tls_ec_impl.mulgen(apub, a, 32, C25519), 32);
	unhex(want, 32, "8520f0098930a754748b7ddcb43ef75a"
	    "0dbf3a0d26381af4eba4a98eaa9b4e6a");
	T_MEMEQ(apub, 32, want, 32);
	T_EQ(tls_ec_impl.mulgen(bpub, b, 32, C25519), 32);
	unhex(want, 32, "de9edb7d7b7dc1b4d35b61c2ece43537"
	    "3f8343c85b78674dadfc7e146f882b4f");
	T_MEMEQ(bpub, 32, want, 32);
	T_EQ(x25519_rfc(ab, a, bpub), 1);
	T_EQ(x25519_rfc(ba, b, apub), 1);
	unhex(want, 32, "4a5d9d5ba4ce2de1728e3bf480350f25"
	    "e07e21c947d19e3376f09b3c1e161742");
	T_MEMEQ(ab, 32, want, 32);
	T_MEMEQ(ba, 32, want, 32);
}

/* The scalar's byte order, both ways: a short scalar is the low bytes of
 * a 32-byte one whose high bytes are zero, and the clamped bits (the low
 * three of x[0], the top two of x[31]) do not count. */
TEST(scalar_is_little_endian)
{
	unsigned char x[32], z[32], u[32] = { 9 }, a[32], b[32];
	size_t n;

	rng_bytes(x, 32);
	for (n = 1; n < 32; n += 5) {
		memset(z, 0, 32);
		memcpy(z, x, n);
		memcpy(a, u, 32);
		memcpy(b, u, 32);
		T_EQ(tls_ec_impl.mul(a, 32, x, n, C25519), 1);
		T_EQ(tls_ec_impl.mul(b, 32, z, 32, C25519), 1);
		T_MEMEQ(a, 32, b, 32);
	}
	memcpy(a, u, 32);
	T_EQ(tls_ec_impl.mul(a, 32, x, 32, C25519), 1);
	x[0] ^= 0x07;
	x[31] ^= 0xC0;
	memcpy(b, u, 32);
	T_EQ(tls_ec_impl.mul(b, 32, x, 32, C25519), 1);
	T_MEMEQ(a, 32, b, 32);
	x[0] ^= 0x08;
	memcpy(b, u, 32);
	T_EQ(tls_ec_impl.mul(b, 32, x, 32, C25519), 1);
	T_OK(memcmp(a, b, 32) != 0);
}

/* One random case's point: mostly random, and often the edges: the top
 * bit set, u in [p, 2^255) (0xed..0xff, then 0xff..., 0x7f), both. */
static void
random_point(unsigned char u[32], int i)
{
	rng_bytes(u, 32);
	switch (i % 8) {
	case 0:
		u[31] |= 0x80;
		break;
	case 1:
	case 2:
		memset(u + 1, 0xff, 30);
		u[0] = (unsigned char)(0xed + rng() % 19);
		u[31] = i % 8 == 1 ? 0x7f : 0xff;
		break;
	case 3:	/* p - 13 to p */
		memset(u + 1, 0xff, 30);
		u[0] = (unsigned char)(0xe0 + rng() % 14);
		u[31] = 0x7f;
		break;
	default:
		break;
	}
}

/* Our mul and BearSSL's agree byte for byte on every case, and we
 * return 0 exactly where BearSSL's result is all zeros. */
TEST(mul_matches_br_ec_c25519_m31)
{
	unsigned char u[32], x[32], ours[32], theirs[32];
	size_t xlen;
	uint32_t r1, r2;
	int i, bad = 0;

	for (i = 0; i < 4000 && bad < 5; i++) {
		random_point(u, i);
		xlen = i % 5 == 4 ? rng() % 33 : 32;
		rng_bytes(x, xlen);
		memcpy(ours, u, 32);
		memcpy(theirs, u, 32);
		r1 = tls_ec_impl.mul(ours, 32, x, xlen, C25519);
		r2 = br_ec_c25519_m31.mul(theirs, 32, x, xlen, C25519);
		if (r1 != (r2 && !(REFUSES_ZERO && all_zero(theirs, 32))) ||
		    memcmp(ours, theirs, 32) != 0) {
			T_FAIL_("case %d (xlen %zu) differs", i, xlen);
			bad++;
		}
	}
}

TEST(mulgen_matches_br_ec_c25519_m31)
{
	unsigned char x[32], ours[32], theirs[32];
	size_t xlen;
	int i, bad = 0;

	for (i = 0; i < 1000 && bad < 5; i++) {
		xlen = i % 4 == 3 ? rng() % 33 : 32;
		rng_bytes(x, xlen);
		T_EQ(tls_ec_impl.mulgen(ours, x, xlen, C25519), 32);
		T_EQ(br_ec_c25519_m31.mulgen(theirs, x, xlen, C25519), 32);
		if (memcmp(ours, theirs, 32) != 0) {
			T_FAIL_("case %d (xlen %zu) differs", i, xlen);
			bad++;
		}
	}
}

/* Points of small order (and u = 0, 1 written as p, p + 1) give an
 * all-zero result for every clamped scalar: refused. BearSSL's answer
 * shows that they are those points. */
TEST(all_zero_result_refused)
{
	static const char *const low[] = {
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0100000000000000000000000000000000000000000000000000000000000000",
		"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
		"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	};
	unsigned char u[32], x[32], g[32];
	size_t i;

	for (i = 0; i < sizeof(low) / sizeof(low[0]); i++) {
		unhex(u, 32, low[i]);
		rng_bytes(x, 32);
		memcpy(g, u, 32);
		T_EQ(br_ec_c25519_m31.mul(g, 32, x, 32, C25519), 1);
		T_OK(all_zero(g, 32));
		memcpy(g, u, 32);
		T_EQ(tls_ec_impl.mul(g, 32, x, 32, C25519), !REFUSES_ZERO);
		T_OK(all_zero(g, 32));
	}
}

TEST(bad_lengths_refused)
{
	unsigned char g[65], before[65], x[33];

	rng_bytes(g, sizeof(g));
	memcpy(before, g, sizeof(g));
	rng_bytes(x, sizeof(x));
	T_EQ(tls_ec_impl.mul(g, 31, x, 32, C25519), 0);
	T_EQ(tls_ec_impl.mul(g, 33, x, 32, C25519), 0);
	T_EQ(tls_ec_impl.mul(g, 65, x, 32, C25519), 0);
	T_EQ(tls_ec_impl.mul(g, 0, x, 32, C25519), 0);
	T_EQ(tls_ec_impl.mul(g, 32, x, 33, C25519), 0);	/* as BearSSL */
	T_MEMEQ(g, sizeof(g), before, sizeof(before));
}

/* P-256 (ours) and the rest (br_ec_all_m31's): br_ec_all_m31's answers. */
TEST(other_curves_delegated)
{
	static const int curves[] = { BR_EC_secp256r1, BR_EC_secp384r1,
	    BR_EC_secp521r1 };
	unsigned char x[66], y[66], ours[133], theirs[133], q[133];
	const unsigned char *gen, *order;
	size_t glen, olen, xlen, len1, len2, off1, off2;
	size_t i;
	int c;

	for (i = 0; i < sizeof(curves) / sizeof(curves[0]); i++) {
		c = curves[i];
		gen = tls_ec_impl.generator(c, &glen);
		T_OK(gen == br_ec_all_m31.generator(c, &len2) && glen == len2);
		order = tls_ec_impl.order(c, &olen);
		T_OK(order == br_ec_all_m31.order(c, &len2) && olen == len2);
		off1 = tls_ec_impl.xoff(c, &len1);
		off2 = br_ec_all_m31.xoff(c, &len2);
		T_OK(off1 == off2 && len1 == len2);

		/* Scalars below the order: one byte shorter. */
		xlen = olen - 1;
		rng_bytes(x, xlen);
		rng_bytes(y, xlen);
		len1 = tls_ec_impl.mulgen(ours, x, xlen, c);
		len2 = br_ec_all_m31.mulgen(theirs, x, xlen, c);
		T_EQ(len1, glen);
		T_MEMEQ(ours, len1, theirs, len2);

		memcpy(q, ours, glen);
		T_EQ(tls_ec_impl.mul(ours, glen, y, xlen, c), 1);
		T_EQ(br_ec_all_m31.mul(theirs, glen, y, xlen, c), 1);
		T_MEMEQ(ours, glen, theirs, glen);

		memcpy(ours, q, glen);
		memcpy(theirs, q, glen);
		T_EQ(tls_ec_impl.muladd(ours, NULL, glen, x, xlen, y, xlen,
		    c), 1);
		T_EQ(br_ec_all_m31.muladd(theirs, NULL, glen, x, xlen, y,
		    xlen, c), 1);
		T_MEMEQ(ours, glen, theirs, glen);
	}
}

TEST_MAIN("t_x25519", {
	RUN(curves_are_br_ec_all_m31s);
	RUN(rfc7748_section_5_2_vectors);
	RUN(rfc7748_iterated_to_1000);
	RUN(rfc7748_section_6_1_exchange);
	RUN(scalar_is_little_endian);
	RUN(mul_matches_br_ec_c25519_m31);
	RUN(mulgen_matches_br_ec_c25519_m31);
	RUN(all_zero_result_refused);
	RUN(bad_lengths_refused);
	RUN(other_curves_delegated);
})
