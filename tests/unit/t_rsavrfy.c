/* relaymail: tests of tls_rsa.c against BearSSL. ISC licence, see LICENSE.
 * Keys of 512 to 4096 bits with e = 3 and 65537 come from br_rsa_i31_keygen
 * seeded with fixed strings, so every run sees the same keys, hashes and
 * mutations (the seed numbers were picked for quick key generation: a
 * 4096-bit key can take eight seconds). Valid signatures must give the
 * same hash as BearSSL's i31 verifier, and every mutation must get its
 * verdict. The deliberate differences (e = 1, even e, hash or OID lengths
 * beyond the contract) are asserted on their own. */
#include <bearssl.h>
#include <stdio.h>
#include <string.h>

#include "t.h"
#include "tls_rsa.h"

#define MAXB	512	/* bytes of a 4096-bit modulus */

struct key {
	unsigned bits;
	uint32_t e;
	int seed;
	br_rsa_private_key sk;
	br_rsa_public_key pk;
	unsigned char priv[BR_RSA_KBUF_PRIV_SIZE(4096)];
	unsigned char pub[BR_RSA_KBUF_PUB_SIZE(4096)];
};

static struct key keys[] = {
	{ .bits = 512, .e = 3, .seed = 0 },
	{ .bits = 512, .e = 65537, .seed = 0 },
	{ .bits = 1024, .e = 3, .seed = 0 },
	{ .bits = 1024, .e = 65537, .seed = 1 },
	{ .bits = 1536, .e = 3, .seed = 0 },
	{ .bits = 1536, .e = 65537, .seed = 0 },
	{ .bits = 2048, .e = 3, .seed = 1 },
	{ .bits = 2048, .e = 65537, .seed = 0 },
	{ .bits = 2049, .e = 3, .seed = 0 },
	{ .bits = 2049, .e = 65537, .seed = 1 },
	{ .bits = 3072, .e = 3, .seed = 1 },
	{ .bits = 3072, .e = 65537, .seed = 2 },
	{ .bits = 4096, .e = 3, .seed = 0 },
	{ .bits = 4096, .e = 65537, .seed = 29 },
};
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

static const struct alg {
	const unsigned char *oid;
	size_t	 hlen;
} alg[] = {
	{ BR_HASH_OID_SHA1, 20 },
	{ BR_HASH_OID_SHA256, 32 },
	{ BR_HASH_OID_SHA384, 48 },
	{ BR_HASH_OID_SHA512, 64 },
	{ NULL, 36 },			/* TLS 1.0: MD5 and SHA-1 */
};
#define NALGS	(sizeof(alg) / sizeof(alg[0]))

static br_hmac_drbg_context rng;
static int ndiff, nruns;

static void
setup(void)
{
	char seed[64];
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		struct key *k = &keys[i];
		br_hmac_drbg_context r;

		snprintf(seed, sizeof(seed), "t_rsavrfy %u %u %d", k->bits,
		    (unsigned)k->e, k->seed);
		br_hmac_drbg_init(&r, &br_sha256_vtable, seed, strlen(seed));
		if (!br_rsa_i31_keygen(&r.vtable, &k->sk, k->priv, &k->pk,
		    k->pub, k->bits, k->e)) {
			printf("keygen %u failed\n", k->bits);
			k->bits = 0;
		}
	}
	br_hmac_drbg_init(&rng, &br_sha256_vtable, "t_rsavrfy data", 14);
}

static void
rnd(void *buf, size_t len)
{
	br_hmac_drbg_generate(&rng, buf, len);
}

static unsigned
rnd_below(unsigned n)
{
	unsigned char b[4];

	rnd(b, 4);
	return (unsigned)(((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3]) % n);
}

static const struct key *
key_of(unsigned bits, uint32_t e)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (keys[i].bits == bits && keys[i].e == e)
			return &keys[i];
	return NULL;
}

static size_t
klen(const struct key *k)
{
	return (k->bits + 7) / 8;
}

/* Both verifiers on one input: the same verdict, and on success the same
 * hash; a mismatch is counted in ndiff. Returns our verdict. */
static uint32_t
both(const unsigned char *x, size_t xlen, const unsigned char *oid,
    size_t hlen, const br_rsa_public_key *pk)
{
	unsigned char h1[64], h2[64];
	uint32_t a, b;

	memset(h1, 0xA5, sizeof(h1));
	memset(h2, 0xA5, sizeof(h2));
	a = tls_rsa_pkcs1_vrfy(x, xlen, oid, hlen, pk, h1);
	b = br_rsa_i31_pkcs1_vrfy(x, xlen, oid, hlen, pk, h2);
	nruns++;
	if (a != b || memcmp(h1, h2, sizeof(h1)) != 0) {
		if (ndiff++ < 5)
			printf("    differs: ours %u, BearSSL %u (n %zu bytes, "
			    "xlen %zu, oid %d, hash %zu)\n", (unsigned)a,
			    (unsigned)b, pk->nlen, xlen, oid ? oid[0] : -1,
			    hlen);
	}
	return a;
}

/* A DigestInfo for oid as RFC 8017 9.2 writes it (param) or without the
 * NULL parameters, up to the hash; returns its length. */
static size_t
digestinfo(unsigned char *d, const unsigned char *oid, size_t hlen,
    int param)
{
	size_t n = 0, alen = 2 + oid[0] + (param ? 2 : 0);

	d[n++] = 0x30;
	d[n++] = (unsigned char)(alen + 4 + hlen);
	d[n++] = 0x30;
	d[n++] = (unsigned char)alen;
	d[n++] = 0x06;
	memcpy(d + n, oid, 1 + oid[0]);
	n += 1 + oid[0];
	if (param) {
		d[n++] = 0x05;
		d[n++] = 0x00;
	}
	d[n++] = 0x04;
	d[n++] = (unsigned char)hlen;
	return n;
}

/* em = 00 01 FF..FF 00 di hash over k bytes, however few the FF bytes;
 * returns 0 if it does not fit. */
static int
encode(unsigned char *em, size_t k, const unsigned char *di, size_t dilen,
    const unsigned char *hash, size_t hlen)
{
	size_t ps;

	if (k < 3 + dilen + hlen)
		return 0;
	ps = k - 3 - dilen - hlen;
	em[0] = 0x00;
	em[1] = 0x01;
	memset(em + 2, 0xFF, ps);
	em[2 + ps] = 0x00;
	if (dilen > 0)
		memcpy(em + 3 + ps, di, dilen);
	memcpy(em + 3 + ps + dilen, hash, hlen);
	return 1;
}

/* The signature of an encoded message: em^d mod n, in place. */
static int
sign_raw(unsigned char *em, const struct key *k)
{
	return br_rsa_i31_private(em, &k->sk) == 1;
}

/* A signature by BearSSL's signer; 0 if the key is too small. */
static int
sign(unsigned char *sig, const struct key *k, const struct alg *a,
    unsigned char *hash)
{
	rnd(hash, a->hlen);
	return br_rsa_i31_pkcs1_sign(a->oid, hash, a->hlen, &k->sk, sig) == 1;
}

TEST(valid_signatures_give_the_hash)
{
	unsigned char sig[MAXB], hash[64], out[64];
	size_t i, j;
	int n = 0;

	ndiff = 0;
	for (i = 0; i < NKEYS; i++)
		for (j = 0; j < NALGS; j++) {
			const struct key *k = &keys[i];
			size_t di = alg[j].oid ? 10 + alg[j].oid[0] : 0;

			if (k->bits == 0)
				continue;
			if (!sign(sig, k, &alg[j], hash)) {
				/* only where it cannot fit */
				T_OK(klen(k) < 11 + di + alg[j].hlen);
				continue;
			}
			memset(out, 0, sizeof(out));
			T_EQ(tls_rsa_pkcs1_vrfy(sig, klen(k), alg[j].oid,
			    alg[j].hlen, &k->pk, out), 1);
			T_MEMEQ(out, alg[j].hlen, hash, alg[j].hlen);
			T_EQ(both(sig, klen(k), alg[j].oid, alg[j].hlen,
			    &k->pk), 1);
			n++;
		}
	T_EQ(ndiff, 0);
	T_OK(n >= 60);
	for (i = 0; i < NKEYS; i++)
		T_OK(keys[i].bits != 0);
}

/* Every bit of the signature flipped on the keys up to 2049 bits, 256
 * random bits on the larger ones; BearSSL sees every eighth case (its
 * verdict is 0 all the same, and it is ten times slower). */
TEST(bit_flips_are_refused)
{
	unsigned char sig[MAXB], x[MAXB], hash[64];
	size_t i, b, nb, bit;

	ndiff = 0;
	for (i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		const struct alg *a = &alg[k->bits < 1024 ? 1 : 1 + i % 3];
		int all = k->bits <= 2049;

		if (k->bits == 0 || !sign(sig, k, a, hash))
			continue;
		nb = all ? 8 * klen(k) : 256;
		for (b = 0; b < nb; b++) {
			bit = all ? b : rnd_below(8 * klen(k));
			memcpy(x, sig, klen(k));
			x[bit / 8] ^= (unsigned char)(1 << bit % 8);
			if (b % 8 == 0)
				T_EQ(both(x, klen(k), a->oid, a->hlen, &k->pk),
				    0);
			else
				T_EQ(tls_rsa_pkcs1_vrfy(x, klen(k), a->oid,
				    a->hlen, &k->pk, hash), 0);
		}
	}
	T_EQ(ndiff, 0);
}

TEST(wrong_key_is_refused)
{
	unsigned char sig[MAXB], hash[64], n[MAXB + 1], e[4];
	br_rsa_public_key pk;
	size_t i;

	ndiff = 0;
	for (i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i], *o;
		size_t len = klen(k);

		if (k->bits == 0 || !sign(sig, k, &alg[1], hash))
			continue;
		/* the other key of the same size (its e too, then ours) */
		o = key_of(k->bits, k->e == 3 ? 65537 : 3);
		if (o != NULL) {
			T_EQ(both(sig, len, alg[1].oid, 32, &o->pk), 0);
			pk = o->pk;
			pk.e = k->pk.e;
			pk.elen = k->pk.elen;
			T_EQ(both(sig, len, alg[1].oid, 32, &pk), 0);
		}
		/* one bit of n flipped, in the middle and the low limb */
		pk = k->pk;
		memcpy(n, k->pk.n, len);
		n[len / 2] ^= 0x10;
		pk.n = n;
		T_EQ(both(sig, len, alg[1].oid, 32, &pk), 0);
		n[len / 2] ^= 0x10;
		n[len - 2] ^= 0x01;
		T_EQ(both(sig, len, alg[1].oid, 32, &pk), 0);
		/* e + 2, and the other usual e */
		pk = k->pk;
		e[0] = 0;
		e[1] = (unsigned char)((k->e + 2) >> 16);
		e[2] = (unsigned char)((k->e + 2) >> 8);
		e[3] = (unsigned char)(k->e + 2);
		pk.e = e;
		pk.elen = 4;
		T_EQ(both(sig, len, alg[1].oid, 32, &pk), 0);
		e[1] = k->e == 3 ? 1 : 0;
		e[2] = 0;
		e[3] = k->e == 3 ? 1 : 3;
		T_EQ(both(sig, len, alg[1].oid, 32, &pk), 0);
	}
	T_EQ(ndiff, 0);
}

TEST(lengths_and_ranges)
{
	const struct key *k = key_of(2048, 65537), *k2 = key_of(2049, 3);
	unsigned char sig[MAXB + 2], x[MAXB + 2], hash[64], n[MAXB + 2];
	unsigned char e[8];
	br_rsa_public_key pk;
	size_t i, len = 256;
	unsigned c;

	ndiff = 0;
	memset(sig, 0, sizeof(sig));
	if (k == NULL || k2 == NULL || !sign(sig, k, &alg[1], hash)) {
		T_OK(0);
		return;
	}
	/* xlen one short (either end dropped) and one long */
	T_EQ(both(sig, len - 1, alg[1].oid, 32, &k->pk), 0);
	T_EQ(both(sig + 1, len - 1, alg[1].oid, 32, &k->pk), 0);
	x[0] = 0;
	memcpy(x + 1, sig, len);
	T_EQ(both(x, len + 1, alg[1].oid, 32, &k->pk), 0);
	T_EQ(both(sig, len + 1, alg[1].oid, 32, &k->pk), 0);
	T_EQ(both(sig, 0, alg[1].oid, 32, &k->pk), 0);
	/* x = n, n + 1, all ones, n - 1, 0, 1 */
	memcpy(x, k->pk.n, len);
	T_EQ(both(x, len, alg[1].oid, 32, &k->pk), 0);
	for (i = len; i-- > 0 && ++x[i] == 0; )
		;
	T_EQ(both(x, len, alg[1].oid, 32, &k->pk), 0);
	memset(x, 0xFF, len);
	T_EQ(both(x, len, alg[1].oid, 32, &k->pk), 0);
	memcpy(x, k->pk.n, len);
	x[len - 1]--;
	T_EQ(both(x, len, alg[1].oid, 32, &k->pk), 0);
	memset(x, 0, len);
	T_EQ(both(x, len, alg[1].oid, 32, &k->pk), 0);
	x[len - 1] = 1;
	T_EQ(both(x, len, alg[1].oid, 32, &k->pk), 0);
	/* 2049 bits: x = n with its top byte 01, and x just above it */
	memcpy(x, k2->pk.n, 257);
	T_EQ(both(x, 257, alg[1].oid, 32, &k2->pk), 0);
	x[0] = 2;
	T_EQ(both(x, 257, alg[1].oid, 32, &k2->pk), 0);
	/* a good signature plus n: the same value mod n, but not below n */
	T_OK(sign(x, k2, &alg[1], hash));
	T_EQ(both(x, 257, alg[1].oid, 32, &k2->pk), 1);
	for (i = 257, c = 0; i-- > 0; c >>= 8) {
		c += (unsigned)x[i] + k2->pk.n[i];
		x[i] = (unsigned char)c;
	}
	T_EQ(c, 0);
	T_EQ(both(x, 257, alg[1].oid, 32, &k2->pk), 0);

	/* n and e with leading zero bytes: the same key */
	pk = k->pk;
	n[0] = n[1] = 0;
	memcpy(n + 2, k->pk.n, len);
	pk.n = n;
	pk.nlen = len + 2;
	memset(e, 0, sizeof(e));
	memcpy(e + 8 - k->pk.elen, k->pk.e, k->pk.elen);
	pk.e = e;
	pk.elen = 8;
	T_EQ(both(sig, len, alg[1].oid, 32, &pk), 1);
	x[0] = 0;
	memcpy(x + 1, sig, len);
	T_EQ(both(x, len + 1, alg[1].oid, 32, &pk), 0);
	/* an even n; n of 4097 bits */
	memcpy(n, k->pk.n, len);
	n[len - 1] ^= 1;
	pk.n = n;
	pk.nlen = len;
	T_EQ(both(sig, len, alg[1].oid, 32, &pk), 0);
	memset(n, 0xFF, sizeof(n));
	n[0] = 1;
	pk.nlen = MAXB + 1;
	memset(x, 0, sizeof(x));
	memcpy(x + MAXB + 1 - len, sig, len);
	T_EQ(both(x, MAXB + 1, alg[1].oid, 32, &pk), 0);
	/* tiny odd moduli: 1 byte, 10 bytes (no room for the padding) */
	memset(n, 0xFF, 10);
	n[0] = 0x01;
	pk.nlen = 1;
	memset(x, 0, sizeof(x));
	T_EQ(both(x, 1, NULL, 0, &pk), 0);
	n[0] = 0xFF;
	pk.nlen = 10;
	x[1] = 0x01;
	T_EQ(both(x, 10, NULL, 0, &pk), 0);
	/* an empty n, a zero e */
	pk.nlen = 0;
	T_EQ(both(sig, 0, alg[1].oid, 32, &pk), 0);
	pk = k->pk;
	pk.e = e;
	pk.elen = 0;
	T_EQ(both(sig, len, alg[1].oid, 32, &pk), 0);
	memset(e, 0, sizeof(e));
	pk.elen = 3;
	T_EQ(both(sig, len, alg[1].oid, 32, &pk), 0);
	T_EQ(ndiff, 0);
}

/* Where we refuse what BearSSL would take: e = 1 (the signature is the
 * padded hash) and even e are no RSA key; hash and OID lengths beyond the
 * type's contract. */
TEST(deliberate_refusals)
{
	const struct key *k = key_of(1024, 65537);
	unsigned char em[MAXB], di[64], oid[34], hash[65], out[65];
	unsigned char e1[] = { 1 }, e2[] = { 0x01, 0x00, 0x02 };
	br_rsa_public_key pk;
	size_t dilen;

	if (k == NULL) {
		T_OK(0);
		return;
	}
	rnd(hash, sizeof(hash));
	/* e = 1: the encoding is its own signature (BearSSL takes it) */
	dilen = digestinfo(di, BR_HASH_OID_SHA256, 32, 1);
	T_OK(encode(em, 128, di, dilen, hash, 32));
	pk = k->pk;
	pk.e = e1;
	pk.elen = 1;
	T_EQ(tls_rsa_pkcs1_vrfy(em, 128, BR_HASH_OID_SHA256, 32, &pk, out), 0);
	pk.e = e2;
	pk.elen = 3;
	T_EQ(tls_rsa_pkcs1_vrfy(em, 128, BR_HASH_OID_SHA256, 32, &pk, out), 0);
	/* well signed, but a bare hash of 65 bytes, an OID of 33 */
	T_OK(encode(em, 128, NULL, 0, hash, 65));
	T_OK(sign_raw(em, k));
	T_EQ(tls_rsa_pkcs1_vrfy(em, 128, NULL, 65, &k->pk, out), 0);
	oid[0] = 33;
	memset(oid + 1, 0x2A, 33);
	dilen = digestinfo(di, oid, 32, 1);
	T_OK(encode(em, 128, di, dilen, hash, 32));
	T_OK(sign_raw(em, k));
	T_EQ(tls_rsa_pkcs1_vrfy(em, 128, oid, 32, &k->pk, out), 0);
	oid[0] = 32;	/* the same encoding under a 32-byte OID: wrong */
	T_EQ(tls_rsa_pkcs1_vrfy(em, 128, oid, 32, &k->pk, out), 0);
}

/* Hand-made encodings signed with the private key: the boundaries of the
 * padding, both DigestInfo forms, and each field of it wrong. */
TEST(padding_and_digestinfo)
{
	const struct key *k5 = key_of(512, 65537), *k = key_of(2048, 3);
	const struct key *k1 = key_of(1024, 3);
	unsigned char em[MAXB], di[64], hash[64], out[64], ok[MAXB];
	size_t dilen, len = 256, t;

	ndiff = 0;
	if (k5 == NULL || k == NULL || k1 == NULL) {
		T_OK(0);
		return;
	}
	rnd(hash, 64);
	/* 512 bits, bare hash: 8 FF accepted, 7 FF refused */
	T_OK(encode(em, 64, NULL, 0, hash, 53));
	T_EQ(em[9], 0xFF);
	T_EQ(em[10], 0x00);
	T_OK(sign_raw(em, k5));
	T_EQ(both(em, 64, NULL, 53, &k5->pk), 1);
	T_EQ(both(em, 64, NULL, 52, &k5->pk), 0);
	T_OK(encode(em, 64, NULL, 0, hash, 54));
	T_EQ(em[9], 0x00);
	T_OK(sign_raw(em, k5));
	T_EQ(both(em, 64, NULL, 54, &k5->pk), 0);
	/* the same with a SHA-256 DigestInfo of a 34 and 35 byte "hash" */
	dilen = digestinfo(di, BR_HASH_OID_SHA256, 34, 1);
	T_OK(encode(em, 64, di, dilen, hash, 34));
	T_OK(sign_raw(em, k5));
	T_EQ(both(em, 64, BR_HASH_OID_SHA256, 34, &k5->pk), 1);
	dilen = digestinfo(di, BR_HASH_OID_SHA256, 35, 1);
	T_OK(encode(em, 64, di, dilen, hash, 35));
	T_OK(sign_raw(em, k5));
	T_EQ(both(em, 64, BR_HASH_OID_SHA256, 35, &k5->pk), 0);

	/* 2048 bits, SHA-256: with and without the NULL parameters */
	dilen = digestinfo(di, BR_HASH_OID_SHA256, 32, 1);
	T_OK(encode(ok, len, di, dilen, hash, 32));
	memcpy(em, ok, len);
	T_OK(sign_raw(em, k));
	T_EQ(both(em, len, BR_HASH_OID_SHA256, 32, &k->pk), 1);
	/* the whole DigestInfo as a bare "hash", as BearSSL does */
	T_EQ(both(em, len, NULL, dilen + 32, &k->pk), 1);
	T_EQ(both(em, len, NULL, 36, &k->pk), 0);
	T_EQ(both(em, len, NULL, 32, &k->pk), 0);
	/* wrong OID, wrong hash lengths */
	T_EQ(both(em, len, BR_HASH_OID_SHA384, 32, &k->pk), 0);
	T_EQ(both(em, len, BR_HASH_OID_SHA1, 32, &k->pk), 0);
	T_EQ(both(em, len, BR_HASH_OID_SHA256, 31, &k->pk), 0);
	T_EQ(both(em, len, BR_HASH_OID_SHA256, 33, &k->pk), 0);
	T_EQ(both(em, len, BR_HASH_OID_SHA256, 48, &k->pk), 0);
	dilen = digestinfo(di, BR_HASH_OID_SHA256, 32, 0);
	T_OK(encode(em, len, di, dilen, hash, 32));
	T_OK(sign_raw(em, k));
	memset(out, 0, sizeof(out));
	T_EQ(tls_rsa_pkcs1_vrfy(em, len, BR_HASH_OID_SHA256, 32, &k->pk, out),
	    1);
	T_MEMEQ(out, 32, hash, 32);
	T_EQ(both(em, len, BR_HASH_OID_SHA256, 32, &k->pk), 1);
	T_EQ(both(em, len, BR_HASH_OID_SHA384, 32, &k->pk), 0);

	/* a bare-hash signature checked against an OID, and the reverse */
	T_OK(encode(em, len, NULL, 0, hash, 36));
	T_OK(sign_raw(em, k));
	T_EQ(both(em, len, NULL, 36, &k->pk), 1);
	T_EQ(both(em, len, BR_HASH_OID_SHA256, 32, &k->pk), 0);
	T_EQ(both(em, len, BR_HASH_OID_SHA256, 36, &k->pk), 0);

	/* each byte before the hash of a good encoding changed (not byte
	 * 0, which would take it above n), on a 1024-bit key */
	dilen = digestinfo(di, BR_HASH_OID_SHA256, 32, 1);
	T_OK(encode(ok, 128, di, dilen, hash, 32));
	for (t = 1; t < 128 - 32; t++) {
		memcpy(em, ok, 128);
		em[t] ^= 0x01;
		T_OK(sign_raw(em, k1));
		T_EQ(both(em, 128, BR_HASH_OID_SHA256, 32, &k1->pk), 0);
	}
	T_OK(encode(ok, len, di, dilen, hash, 32));
	/* a zero inside the FF run (7 FF, then 00 .. 00 di hash) */
	memcpy(em, ok, len);
	em[9] = 0x00;
	T_OK(sign_raw(em, k));
	T_EQ(both(em, len, BR_HASH_OID_SHA256, 32, &k->pk), 0);
	/* NULL with a content byte, block type 2 */
	memcpy(em, ok, len);
	em[len - 32 - 4 + 1] = 0x01;
	T_EQ(ok[len - 32 - 4], 0x05);
	T_OK(sign_raw(em, k));
	T_EQ(both(em, len, BR_HASH_OID_SHA256, 32, &k->pk), 0);
	memcpy(em, ok, len);
	em[1] = 0x02;
	T_OK(sign_raw(em, k));
	T_EQ(both(em, len, BR_HASH_OID_SHA256, 32, &k->pk), 0);
	T_EQ(ndiff, 0);
}

/* Near-valid encodings: a good one for a random hash, one to three of its
 * bytes before the hash replaced by random values (or the DigestInfo
 * without NULL), signed, and checked under a random algorithm. */
TEST(random_encodings_agree)
{
	static const unsigned sizes[] = { 512, 1024, 2049 };
	static const int count[] = { 800, 800, 100 };
	unsigned char em[MAXB], di[64], hash[64];
	size_t s, c, dilen, len, m, nm, pos, room;
	int nok = 0;

	ndiff = 0;
	nruns = 0;
	for (s = 0; s < 3; s++) {
		const struct key *k = key_of(sizes[s], s == 1 ? 3 : 65537);

		if (k == NULL) {
			T_OK(0);
			return;
		}
		len = klen(k);
		for (c = 0; c < (size_t)count[s]; c++) {
			const struct alg *a = &alg[rnd_below(NALGS)];
			const struct alg *v = rnd_below(4) ? a :
			    &alg[rnd_below(NALGS)];

			rnd(hash, a->hlen);
			dilen = a->oid ? digestinfo(di, a->oid, a->hlen,
			    rnd_below(4) != 0) : 0;
			if (!encode(em, len, di, dilen, hash, a->hlen))
				continue;	/* (fewer than 8 FF are kept) */
			room = len - a->hlen - 1;	/* bytes 1 to room */
			nm = rnd_below(4);
			for (m = 0; m < nm; m++) {
				/* mostly the last 24 bytes before the hash */
				pos = rnd_below(4) && room > 24 ? room -
				    rnd_below(24) : 1 + rnd_below((unsigned)room);
				em[pos] = (unsigned char)rnd_below(256);
				if (rnd_below(3) == 0)
					em[pos] = em[pos] & 1 ? 0xFF : 0x00;
			}
			if (!sign_raw(em, k))
				continue;
			nok += both(em, len, v->oid, v->hlen, &k->pk);
		}
	}
	T_EQ(ndiff, 0);
	T_OK(nruns > 1300);
	T_OK(nok > 250);
}

/* Random signatures below n on every key: refused by both. */
TEST(random_signatures_are_refused)
{
	unsigned char x[MAXB];
	size_t i, c;

	ndiff = 0;
	for (i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];

		if (k->bits == 0)
			continue;
		for (c = 0; c < 8; c++) {
			rnd(x, klen(k));
			x[0] &= k->pk.n[0] - 1;
			T_EQ(both(x, klen(k), alg[c % NALGS].oid,
			    alg[c % NALGS].hlen, &k->pk), 0);
		}
	}
	T_EQ(ndiff, 0);
}

/* Exponents of several bytes: t = s^(d^j) verifies under e^(j+1). */
TEST(long_exponents)
{
	const struct key *ks[2];
	unsigned char sig[MAXB], hash[64], e[64], out[64];
	br_rsa_public_key pk;
	size_t i, j, b, elen;

	ks[0] = key_of(1024, 65537);
	ks[1] = key_of(1536, 3);
	ndiff = 0;
	for (i = 0; i < 2; i++) {
		const struct key *k = ks[i];

		if (k == NULL || !sign(sig, k, &alg[1], hash)) {
			T_OK(0);
			return;
		}
		e[0] = 1;
		elen = 1;
		pk = k->pk;
		pk.e = e;
		for (j = 1; j <= (k->e == 3 ? 40u : 12u); j++) {
			unsigned c = 0;

			/* e = e * k->e, big-endian bytes */
			for (b = elen; b-- > 0; ) {
				c += e[b] * k->e;
				e[b] = (unsigned char)c;
				c >>= 8;
			}
			while (c != 0) {
				memmove(e + 1, e, elen++);
				e[0] = (unsigned char)c;
				c >>= 8;
			}
			pk.elen = elen;
			if (j > 1)
				T_OK(sign_raw(sig, k));
			memset(out, 0, sizeof(out));
			T_EQ(tls_rsa_pkcs1_vrfy(sig, klen(k), alg[1].oid, 32,
			    &pk, out), 1);
			T_MEMEQ(out, 32, hash, 32);
			T_EQ(both(sig, klen(k), alg[1].oid, 32, &pk), 1);
		}
		T_OK(elen > 7);
	}
	T_EQ(ndiff, 0);
}

TEST_MAIN("t_rsavrfy", {
	setup();
	RUN(valid_signatures_give_the_hash);
	RUN(bit_flips_are_refused);
	RUN(wrong_key_is_refused);
	RUN(lengths_and_ranges);
#ifdef __SIZEOF_INT128__	/* else tls_rsa_pkcs1_vrfy is BearSSL's */
	RUN(deliberate_refusals);
#endif
	RUN(padding_and_digestinfo);
	RUN(random_encodings_agree);
	RUN(random_signatures_are_refused);
	RUN(long_exponents);
})
