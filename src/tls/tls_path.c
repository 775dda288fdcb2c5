/* relaymail: the certification path through what the server sent. ISC licence.
 * Servers send chains out of order, with the root, with unrelated or stale
 * cross-signed certificates. From the leaf, follow issuer -> subject through
 * the received certificates until an issuer is a trust anchor (the trust
 * store first, as OpenSSL 3 does), preferring certificates valid now; only
 * the path goes to BearSSL. Then the checks BearSSL 0.6 lacks along it:
 * signature and key algorithms, name constraints, which certificate is out
 * of its dates. */
#include <string.h>
#include <time.h>

#include "tls_der.h"
#include "tls_int.h"

struct tls_path_search {
	const struct tls_x509 *x;
	struct der_cert dc[TLS_CHAIN_MAX];
	int	 parsed[TLS_CHAIN_MAX];
	int	 cur[TLS_CHAIN_MAX], ncur;
	int	 best[TLS_CHAIN_MAX], nbest;
	int	 best_rank;	/* 2 anchored, all valid now; 1 anchored; 0 not */
	time_t	 now;
};

/* Is name (a whole Name element) the subject of a trust anchor? */
static int
tls_path_anchored(const struct tls_anchors *a, const unsigned char *name,
    size_t len)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (a->ta[i].dn.len == len &&
		    memcmp(a->ta[i].dn.data, name, len) == 0)
			return 1;
	return 0;
}

/* see tls_int.h */
int
tls_path_in_dates(const struct der_cert *dc, time_t now)
{
	return dc->not_before != (time_t)-1 && dc->not_after != (time_t)-1 &&
	    now >= dc->not_before && now <= dc->not_after;
}

static int
tls_path_on(const struct tls_path_search *s, int i)
{
	int k;

	for (k = 0; k < s->ncur; k++)
		if (s->cur[k] == i)
			return 1;
	return 0;
}

/* Depth first from the last certificate of s->cur (at most
 * TLS_CHAIN_MAX deep, each certificate once); keeps the best path. */
static void
tls_path_dfs(struct tls_path_search *s, int valid)
{
	const struct der_cert *c = &s->dc[s->cur[s->ncur - 1]];
	int rank, i;

	rank = tls_path_anchored(&s->x->anchors, c->issuer, c->issuer_len) ?
	    1 + valid : 0;
	if (rank > s->best_rank || (rank == 0 && s->best_rank == 0 &&
	    s->ncur > s->nbest)) {
		memcpy(s->best, s->cur, sizeof(s->best));
		s->nbest = s->ncur;
		s->best_rank = rank;
	}
	if (rank > 0 || s->best_rank == 2)
		return;
	for (i = 1; i < s->x->nchain; i++) {
		const struct der_cert *d = &s->dc[i];
		if (!s->parsed[i] || tls_path_on(s, i) ||
		    d->subject_len != c->issuer_len ||
		    memcmp(d->subject, c->issuer, c->issuer_len) != 0)
			continue;
		s->cur[s->ncur++] = i;
		tls_path_dfs(s, valid && tls_path_in_dates(d, s->now));
		s->ncur--;
	}
}

/* see tls_int.h */
void
tls_path_build(struct tls_x509 *x)
{
	struct tls_path_search s;
	int i;

	memset(&s, 0, sizeof(s));
	s.x = x;
	s.now = time(NULL);
	for (i = 0; i < x->nchain; i++)
		s.parsed[i] = der_cert_parse(x->chain[i].der, x->chain[i].len,
		    &s.dc[i]) == 0;
	x->path[0] = 0;
	x->npath = 1;
	if (!s.parsed[0])
		return;		/* BearSSL will say what is wrong with it */
	s.cur[0] = 0;
	s.ncur = 1;
	s.best_rank = -1;
	tls_path_dfs(&s, tls_path_in_dates(&s.dc[0], s.now));
	memcpy(x->path, s.best, sizeof(x->path));
	x->npath = s.nbest;
}

static int
tls_path_oid(const unsigned char *oid, size_t len, const char *want,
    size_t wlen)
{
	return len == wlen && memcmp(oid, want, wlen) == 0;
}

/* The algorithms of one certificate: 0, TLS_ERR_WEAK_SIG (MD5, SHA-1) or
 * TLS_ERR_KEY_TYPE (anything but RSA PKCS#1 v1.5 and ECDSA). */
static unsigned
tls_path_algs(const struct der_cert *dc)
{
#define TLS_PATH_RSA	"\x2a\x86\x48\x86\xf7\x0d\x01\x01"	/* 1.2.840.113549.1.1 */
#define TLS_PATH_ECDSA	"\x2a\x86\x48\xce\x3d\x04"	/* 1.2.840.10045.4 */
	static const char rsa[] = TLS_PATH_RSA;
	static const char ecdsa[] = TLS_PATH_ECDSA;
	static const char ecpub[] = "\x2a\x86\x48\xce\x3d\x02\x01";
	const unsigned char *o = dc->sigalg;
	size_t n = dc->sigalg_len;

	if (!tls_path_oid(dc->keyalg, dc->keyalg_len, TLS_PATH_RSA "\x01", 9) &&
	    !tls_path_oid(dc->keyalg, dc->keyalg_len, ecpub, 7))
		return TLS_ERR_KEY_TYPE;
	/* md2 (2), md5 (4), sha1 (5) with RSA; ecdsa-with-SHA1 (4.1). */
	if (n == 9 && memcmp(o, rsa, 8) == 0 && (o[8] == 2 || o[8] == 4 ||
	    o[8] == 5))
		return TLS_ERR_WEAK_SIG;
	if (tls_path_oid(o, n, TLS_PATH_ECDSA "\x01", 7))
		return TLS_ERR_WEAK_SIG;
	/* sha224..sha512 with RSA (14, 11, 12, 13) and ECDSA (3.1-3.4). */
	if (n == 9 && memcmp(o, rsa, 8) == 0 && o[8] >= 11 && o[8] <= 14)
		return 0;
	if (n == 8 && memcmp(o, ecdsa, 6) == 0 && o[6] == 3 && o[7] >= 1 &&
	    o[7] <= 4)
		return 0;
	return TLS_ERR_KEY_TYPE;	/* RSA-PSS, Ed25519, DSA... */
}

/* see tls_int.h */
unsigned
tls_path_check(struct tls_x509 *x)
{
	struct der_cert dc[TLS_CHAIN_MAX], *ca;
	unsigned code;
	int i, k;

	for (i = 0; i < x->npath; i++) {
		x->bad = x->path[i];
		if (der_cert_parse(x->chain[x->bad].der, x->chain[x->bad].len,
		    &dc[i]) == -1)
			return BR_ERR_X509_INVALID_VALUE;
		if ((code = tls_path_algs(&dc[i])) != 0)
			return code;
	}
	/* Each CA's constraints bind every certificate below it. */
	for (i = 1; i < x->npath; i++) {
		ca = &dc[i];
		if (ca->nc == NULL)
			continue;
		for (k = 0; k < i; k++)
			if (!tls_name_constraints_ok(ca->nc, ca->nc_len,
			    &dc[k])) {
				x->bad = x->path[k];
				return TLS_ERR_NAME_CONSTRAINT;
			}
	}
	x->bad = 0;
	return 0;
}

/* see tls_int.h */
const br_hash_class *
tls_path_hash(const struct der_cert *dc)
{
	static const br_hash_class *const hashes[] = { &br_sha224_vtable,
	    &br_sha256_vtable, &br_sha384_vtable, &br_sha512_vtable };
	const unsigned char *o = dc->sigalg;

	if (tls_path_algs(dc) != 0)
		return NULL;
	if (dc->sigalg_len == 9)	/* RSA: 14 sha224, 11-13 sha256-512 */
		return hashes[o[8] == 14 ? 0 : o[8] - 10];
	return hashes[o[7] - 1];	/* ECDSA 3.1-3.4 */
}

/* see tls_int.h */
void
tls_path_hashes(struct tls_x509 *x)
{
	const br_hash_class *h;
	struct der_cert dc;
	int id, i;

	for (id = br_md5_ID; id <= br_sha512_ID; id++)
		br_x509_minimal_set_hash(&x->minimal, id, NULL);
	for (i = 0; i < x->npath; i++)
		if (der_cert_parse(x->chain[x->path[i]].der,
		    x->chain[x->path[i]].len, &dc) == 0 &&
		    (h = tls_path_hash(&dc)) != NULL)
			br_x509_minimal_set_hash(&x->minimal, (int)((h->desc >>
			    BR_HASHDESC_ID_OFF) & BR_HASHDESC_ID_MASK), h);
}

/* see tls_int.h */
int
tls_path_out_of_dates(const struct tls_x509 *x)
{
	struct der_cert dc;
	time_t now = time(NULL);
	int i;

	for (i = 0; i < x->npath; i++)
		if (der_cert_parse(x->chain[x->path[i]].der,
		    x->chain[x->path[i]].len, &dc) == 0 &&
		    !tls_path_in_dates(&dc, now))
			return x->path[i];
	return 0;
}
