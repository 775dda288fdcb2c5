/* relaymail: RSA PKCS#1 v1.5 signature verification. ISC licence, see LICENSE.
 * A send verifies two RSA signatures (the ServerKeyExchange and the
 * certificate chain), and BearSSL's i62 verifier spent about a third of a
 * send's user-space instructions on them: a 5-bit window of 32 powers
 * even for e = 65537, and a conversion into the Montgomery domain that
 * shifts the value in one bit at a time. A public exponent needs a
 * handful of Montgomery multiplications: 17 for e = 65537, and about
 * six to get into the domain (see rsa_r2); nothing to get out of it.
 * Nothing here is secret (the key, the signature and the padding are
 * public), so branches on the values are fine and nothing tries to be
 * constant-time.
 *
 * What is accepted and refused is BearSSL's (t_rsavrfy compares the two)
 * but for keys that are no RSA keys, e = 1 or an even e, and hash or OID
 * lengths beyond the type's contract (64 and 32 bytes), which BearSSL
 * would take and we refuse.
 *
 * Numbers are little-endian arrays of 64-bit limbs; products go through
 * unsigned __int128. Without it, the verifier is BearSSL's default. */
#include <string.h>

#include "tls_rsa.h"

#ifdef __SIZEOF_INT128__

#define RSA_MAX_BYTES	512	/* 4096 bits, BearSSL's BR_MAX_RSA_SIZE */
#define RSA_MAX_LIMBS	(RSA_MAX_BYTES / 8)
#define RSA_MAX_HASH	64
#define RSA_MAX_OID	32
#define RSA_MIN_PS	8	/* FF bytes of padding, at least */

__extension__ typedef unsigned __int128 rsa_u128;

struct rsa_mod {
	uint64_t n[RSA_MAX_LIMBS];
	uint64_t n0;		/* -1/n mod 2^64 */
	size_t	 len;		/* limbs; R = 2^(64 len) */
};

/* Big-endian bytes b (blen <= 8 len) into len limbs. */
static void
rsa_decode(uint64_t *w, size_t len, const unsigned char *b, size_t blen)
{
	size_t i;

	memset(w, 0, len * sizeof(*w));
	for (i = 0; i < blen; i++)
		w[i / 8] |= (uint64_t)b[blen - 1 - i] << (8 * (i % 8));
}

/* len limbs into blen big-endian bytes (the value fits). */
static void
rsa_encode(unsigned char *b, size_t blen, const uint64_t *w)
{
	size_t i;

	for (i = 0; i < blen; i++)
		b[blen - 1 - i] = (unsigned char)(w[i / 8] >> (8 * (i % 8)));
}

/* -1/n0 mod 2^64 for odd n0, by Newton's iteration: n0 is its own
 * inverse mod 8, and each step doubles the number of correct bits. */
static uint64_t
rsa_ninv(uint64_t n0)
{
	uint64_t x = n0;
	int i;

	for (i = 0; i < 5; i++)
		x *= 2 - n0 * x;
	return -x;
}

/* The value hi 2^(64 len) + a, below 2n, less n if it is n or more: the
 * result, in a, is below n. */
static void
rsa_reduce(uint64_t *a, uint64_t hi, const struct rsa_mod *m)
{
	uint64_t d, borrow = 0;
	size_t i;

	if (hi == 0) {
		for (i = m->len; i-- > 0; )
			if (a[i] != m->n[i])
				break;
		if (i != (size_t)-1 && a[i] < m->n[i])
			return;
	}
	for (i = 0; i < m->len; i++) {
		d = a[i] - m->n[i] - borrow;
		borrow = (a[i] < m->n[i]) | ((a[i] == m->n[i]) & borrow);
		a[i] = d;
	}
}

/* a = 2a mod n, for a < n. */
static void
rsa_double(uint64_t *a, const struct rsa_mod *m)
{
	uint64_t top = 0, next;
	size_t i;

	for (i = 0; i < m->len; i++) {
		next = a[i] >> 63;
		a[i] = (a[i] << 1) | top;
		top = next;
	}
	rsa_reduce(a, top, m);
}

/* t = (t + a bi + q n) / 2^64 over len + 1 limbs, with q the multiple
 * of n that makes the sum's low limb zero: one row of a Montgomery
 * product, its multiplication and reduction in one pass. Each 128-bit
 * product gets its carries as 64-bit sums and compares, which gcc turns
 * into add-with-carry better than it does 128-bit sums. No sum can
 * overflow: (2^64 - 1)^2 + 2 (2^64 - 1) = 2^128 - 1. */
static void
rsa_montrow(uint64_t *t, const uint64_t *a, uint64_t bi,
    const struct rsa_mod *m)
{
	uint64_t q, ca, cn, lo, hi, r;
	size_t j, len = m->len;
	rsa_u128 x, y;

	x = (rsa_u128)a[0] * bi + t[0];
	q = (uint64_t)x * m->n0;
	y = (rsa_u128)q * m->n[0] + (uint64_t)x;	/* low limb 0 */
	ca = (uint64_t)(x >> 64);
	cn = (uint64_t)(y >> 64);
	for (j = 1; j < len; j++) {
		x = (rsa_u128)a[j] * bi;
		y = (rsa_u128)q * m->n[j];
		lo = (uint64_t)x + ca;
		hi = (uint64_t)(x >> 64) + (lo < ca);
		lo += t[j];
		ca = hi + (lo < t[j]);
		r = (uint64_t)y + cn;
		hi = (uint64_t)(y >> 64) + (r < cn);
		r += lo;
		cn = hi + (r < lo);
		t[j - 1] = r;
	}
	x = (rsa_u128)t[len] + ca + cn;
	t[len - 1] = (uint64_t)x;
	t[len] = (uint64_t)(x >> 64);
}

/* d = a b / R mod n for a, b < n; d may be a or b. Coarsely integrated
 * operand scanning, a row per limb of b. t stays below 2n (so t[len] is
 * 0 or 1), and one conditional subtraction ends it. */
static void
rsa_montmul(uint64_t *d, const uint64_t *a, const uint64_t *b,
    const struct rsa_mod *m)
{
	uint64_t t[RSA_MAX_LIMBS + 1];
	size_t i, len = m->len;

	memset(t, 0, (len + 1) * sizeof(*t));
	for (i = 0; i < len; i++)
		rsa_montrow(t, a, b[i], m);
	rsa_reduce(t, t[len], m);
	memcpy(d, t, len * sizeof(*t));
}

/* R^2 mod n, the factor that takes a value into the Montgomery domain,
 * in a few cheap steps rather than 64 len modular shifts or a long
 * division. With k the bit length of n, 2^(k-1) < n (n is odd and above
 * 1). Doubled mod n 64 len - k + 1 times, it is R mod n, the Montgomery
 * form of 1, and 64 more times, 2^64 R mod n, the form of 2^64: at most
 * 128 doublings, each a shift and perhaps a subtraction. As a product of
 * two forms is the form of the product, raising the form of 2^64 to the
 * power len by square-and-multiply gives the form of 2^(64 len) = R,
 * which is R R mod n. For 2048 bits (len 32) that is 5 squarings; for
 * 2049 (len 33), 5 squarings and a product. */
static void
rsa_r2(uint64_t *r2, const struct rsa_mod *m)
{
	uint64_t g[RSA_MAX_LIMBS];
	size_t k, i, len = m->len;
	int bit;

	for (k = 64 * len; (m->n[(k - 1) / 64] >> (k - 1) % 64 & 1) == 0; k--)
		;
	memset(g, 0, len * sizeof(*g));
	g[(k - 1) / 64] = (uint64_t)1 << (k - 1) % 64;
	for (i = k - 1; i < 64 * len + 64; i++)
		rsa_double(g, m);
	memcpy(r2, g, len * sizeof(*g));
	for (bit = 6; (len >> bit & 1) == 0; bit--)	/* len <= 64 */
		;
	while (bit-- > 0) {
		rsa_montmul(r2, r2, r2, m);
		if (len >> bit & 1)
			rsa_montmul(r2, r2, g, m);
	}
}

/* s = s^e mod n, s < n, e odd and above 1, without leading zeros: left
 * to right square-and-multiply in the Montgomery domain. The last product
 * (e is odd) is by s itself rather than by its form, which brings the
 * result out of the domain for free: y R s / R = y s. For e = 65537,
 * 16 squarings and a product, after about 6 for R^2 and the form of s. */
static void
rsa_modpow(uint64_t *s, const unsigned char *e, size_t elen,
    const struct rsa_mod *m)
{
	uint64_t base[RSA_MAX_LIMBS], acc[RSA_MAX_LIMBS];
	size_t i;
	int top, bit;

	rsa_r2(base, m);
	rsa_montmul(base, s, base, m);		/* s R mod n */
	memcpy(acc, base, m->len * sizeof(*acc));
	for (top = 7; (e[0] >> top & 1) == 0; top--)
		;
	for (i = 0; i < elen; i++)
		for (bit = i == 0 ? top : 8; bit-- > 0; ) {
			rsa_montmul(acc, acc, acc, m);
			if (e[i] >> bit & 1)
				rsa_montmul(acc, acc, i + 1 == elen &&
				    bit == 0 ? s : base, m);
		}
	memcpy(s, acc, m->len * sizeof(*s));
}

/* The DigestInfo before the hash, RFC 8017 9.2: SEQUENCE { SEQUENCE {
 * OID, NULL }, OCTET STRING hash } with its tag and length of the OCTET
 * STRING but not the hash. Without param, the AlgorithmIdentifier has no
 * NULL. Returns its length (at most 42 bytes, all lengths short-form). */
static size_t
rsa_digestinfo(unsigned char *di, const unsigned char *oid, size_t hash_len,
    int param)
{
	size_t olen = oid[0], alen = 2 + olen + (param ? 2 : 0);
	size_t n = 0;

	di[n++] = 0x30;			/* DigestInfo */
	di[n++] = (unsigned char)(2 + alen + 2 + hash_len);
	di[n++] = 0x30;			/* AlgorithmIdentifier */
	di[n++] = (unsigned char)alen;
	di[n++] = 0x06;			/* OBJECT IDENTIFIER */
	memcpy(di + n, oid, 1 + olen);	/* its length, then its value */
	n += 1 + olen;
	if (param) {
		di[n++] = 0x05;		/* NULL */
		di[n++] = 0x00;
	}
	di[n++] = 0x04;			/* OCTET STRING */
	di[n++] = (unsigned char)hash_len;
	return n;
}

/* Is em (k bytes) 00 01 FF..FF 00 di hash, with at least 8 FF bytes?
 * The expected bytes are built and compared, nothing is parsed. */
static int
rsa_padded(const unsigned char *em, size_t k, const unsigned char *di,
    size_t dilen, size_t hash_len)
{
	unsigned char want[RSA_MAX_BYTES];
	size_t ps;

	if (k < 3 + RSA_MIN_PS + dilen + hash_len)
		return 0;
	ps = k - 3 - dilen - hash_len;
	want[0] = 0x00;
	want[1] = 0x01;
	memset(want + 2, 0xFF, ps);
	want[2 + ps] = 0x00;
	if (dilen > 0)
		memcpy(want + 3 + ps, di, dilen);
	return memcmp(em, want, k - hash_len) == 0;
}

/* Does the decoded signature em (k bytes) carry a hash of hash_len bytes
 * under hash_oid? Like BearSSL, a DigestInfo whose AlgorithmIdentifier
 * leaves out the NULL parameters is accepted too: RFC 8017 9.2 writes
 * the NULL, but older signers omitted it and RFC 4055 2.1 asks verifiers
 * to take both. The two forms differ in length, so at most one fits. */
static int
rsa_check(const unsigned char *em, size_t k, const unsigned char *hash_oid,
    size_t hash_len)
{
	unsigned char di[8 + 2 + RSA_MAX_OID];
	size_t dilen;

	if (hash_oid == NULL)
		return rsa_padded(em, k, NULL, 0, hash_len);
	dilen = rsa_digestinfo(di, hash_oid, hash_len, 1);
	if (rsa_padded(em, k, di, dilen, hash_len))
		return 1;
	dilen = rsa_digestinfo(di, hash_oid, hash_len, 0);
	return rsa_padded(em, k, di, dilen, hash_len);
}

/* see tls_rsa.h */
uint32_t
tls_rsa_pkcs1_vrfy(const unsigned char *x, size_t xlen,
    const unsigned char *hash_oid, size_t hash_len,
    const br_rsa_public_key *pk, unsigned char *hash_out)
{
	struct rsa_mod m;
	uint64_t s[RSA_MAX_LIMBS];
	unsigned char em[RSA_MAX_BYTES];
	const unsigned char *n = pk->n, *e = pk->e;
	size_t nlen = pk->nlen, elen = pk->elen;

	if (hash_len > RSA_MAX_HASH ||
	    (hash_oid != NULL && hash_oid[0] > RSA_MAX_OID))
		return 0;
	while (nlen > 0 && n[0] == 0) {
		n++;
		nlen--;
	}
	while (elen > 0 && e[0] == 0) {
		e++;
		elen--;
	}
	/* n odd, at most 4096 bits and long enough for any padding; e odd
	 * and above 1; x as long as n and below it. */
	if (nlen < 3 + RSA_MIN_PS || nlen > RSA_MAX_BYTES || xlen != nlen ||
	    (n[nlen - 1] & 1) == 0 || elen == 0 || (e[elen - 1] & 1) == 0 ||
	    (elen == 1 && e[0] == 1) || memcmp(x, n, nlen) >= 0)
		return 0;

	m.len = (nlen + 7) / 8;
	rsa_decode(m.n, m.len, n, nlen);
	m.n0 = rsa_ninv(m.n[0]);
	rsa_decode(s, m.len, x, xlen);
	rsa_modpow(s, e, elen, &m);
	rsa_encode(em, nlen, s);
	if (!rsa_check(em, nlen, hash_oid, hash_len))
		return 0;
	memcpy(hash_out, em + nlen - hash_len, hash_len);
	return 1;
}

#else

/* see tls_rsa.h */
uint32_t
tls_rsa_pkcs1_vrfy(const unsigned char *x, size_t xlen,
    const unsigned char *hash_oid, size_t hash_len,
    const br_rsa_public_key *pk, unsigned char *hash_out)
{
	return br_rsa_pkcs1_vrfy_get_default()(x, xlen, hash_oid, hash_len,
	    pk, hash_out);
}

#endif
