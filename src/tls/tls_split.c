/* relaymail: validating around critical name constraints. ISC licence.
 * BearSSL 0.6 refuses any certificate with a critical extension it does
 * not know, and nameConstraints is one; RFC 5280 wants it critical. Our
 * tls_path_check has applied the constraints, so the path is cut at that
 * CA: below it the minimal engine runs with the CA as its trust anchor,
 * above it as usual, and the CA's own dates, CA flag and signature are
 * checked here. One such CA per path; more are refused. */
#include <string.h>
#include <time.h>

#include "tls_der.h"
#include "tls_int.h"

/* see tls_int.h */
unsigned
tls_split_run(struct tls_x509 *x, int from, int to,
    const br_x509_trust_anchor *ta, size_t n)
{
	const br_x509_class **m = &x->minimal.vtable;
	unsigned code;
	int i;

	x->minimal.trust_anchors = ta;
	x->minimal.trust_anchors_num = n;
	(*m)->start_chain(m, NULL);
	for (i = from; i < to; i++) {
		const struct tls_chain_cert *c = &x->chain[x->path[i]];
		(*m)->start_cert(m, (uint32_t)c->len);
		(*m)->append(m, c->der, c->len);
		(*m)->end_cert(m);
	}
	code = (*m)->end_chain(m);
	x->minimal.trust_anchors = x->anchors.ta;
	x->minimal.trust_anchors_num = x->anchors.n;
	return code;
}

/* see tls_int.h */
int
tls_split_at(const struct tls_x509 *x)
{
	struct der_cert dc;
	int i, k = 0;

	for (i = 1; i < x->npath; i++)
		if (der_cert_parse(x->chain[x->path[i]].der,
		    x->chain[x->path[i]].len, &dc) == 0 && dc.nc_critical)
			k = k == 0 ? i : -1;
	return k;
}

/* Is dc signed by the key pk? */
static int
tls_split_signed(const struct der_cert *dc, const br_x509_pkey *pk)
{
	static const unsigned char *const oids[] = { NULL, NULL, NULL,
	    BR_HASH_OID_SHA224, BR_HASH_OID_SHA256, BR_HASH_OID_SHA384,
	    BR_HASH_OID_SHA512 };
	const br_hash_class *h = tls_path_hash(dc);
	br_hash_compat_context hc;
	unsigned char hv[64], out[64];
	size_t hlen;
	int id;

	if (h == NULL || dc->sig == NULL)
		return 0;
	h->init(&hc.vtable);
	h->update(&hc.vtable, dc->tbs, dc->tbs_len);
	h->out(&hc.vtable, hv);
	hlen = (h->desc >> BR_HASHDESC_OUT_OFF) & BR_HASHDESC_OUT_MASK;
	id = (int)((h->desc >> BR_HASHDESC_ID_OFF) & BR_HASHDESC_ID_MASK);
	if (dc->sigalg_len == 9 && pk->key_type == BR_KEYTYPE_RSA)
		return br_rsa_pkcs1_vrfy_get_default()(dc->sig, dc->sig_len,
		    oids[id],
		    hlen, &pk->key.rsa, out) == 1 &&
		    memcmp(out, hv, hlen) == 0;
	if (dc->sigalg_len != 9 && pk->key_type == BR_KEYTYPE_EC)
		return br_ecdsa_vrfy_asn1_get_default()(br_ec_get_default(),
		    hv, hlen, &pk->key.ec, dc->sig, dc->sig_len) == 1;
	return 0;
}

/* The CA at path index k, checked against what is above it: the path
 * above (validated by the minimal engine) or the trust anchor. */
static unsigned
tls_split_upper(struct tls_x509 *x, int k, const struct der_cert *ca)
{
	br_x509_trust_anchor up;
	struct der_cert dc;
	unsigned code;
	size_t i;
	int ok;

	if (k + 1 == x->npath) {
		for (i = 0; i < x->anchors.n; i++)
			if (x->anchors.ta[i].dn.len == ca->issuer_len &&
			    memcmp(x->anchors.ta[i].dn.data, ca->issuer,
			    ca->issuer_len) == 0 &&
			    tls_split_signed(ca, &x->anchors.ta[i].pkey))
				return 0;
		return BR_ERR_X509_BAD_SIGNATURE;
	}
	if ((code = tls_split_run(x, k + 1, x->npath, x->anchors.ta,
	    x->anchors.n)) != 0)
		return code;
	if (der_cert_parse(x->chain[x->path[k + 1]].der,
	    x->chain[x->path[k + 1]].len, &dc) == -1 || !dc.ca)
		return BR_ERR_X509_NOT_CA;
	memset(&up, 0, sizeof(up));
	if (tls_anchor_key(&up, dc.spki, dc.spki_len) == -1) {
		tls_anchor_free_one(&up);
		return BR_ERR_X509_UNSUPPORTED;
	}
	ok = tls_split_signed(ca, &up.pkey);
	tls_anchor_free_one(&up);
	return ok ? 0 : BR_ERR_X509_BAD_SIGNATURE;
}

/* see tls_int.h */
unsigned
tls_split_validate(struct tls_x509 *x, int k)
{
	br_x509_trust_anchor ta;
	struct der_cert ca;
	unsigned code;

	if (der_cert_parse(x->chain[x->path[k]].der,
	    x->chain[x->path[k]].len, &ca) == -1)
		return BR_ERR_X509_INVALID_VALUE;
	if (!tls_path_in_dates(&ca, time(NULL)))
		return BR_ERR_X509_EXPIRED;
	if (!ca.ca)
		return BR_ERR_X509_NOT_CA;
	if ((code = tls_split_upper(x, k, &ca)) != 0)
		return code;
	/* Below: the CA is the anchor (its name and key, as a CA). */
	memset(&ta, 0, sizeof(ta));
	ta.flags = BR_X509_TA_CA;
	ta.dn.data = (unsigned char *)ca.subject;	/* borrowed */
	ta.dn.len = ca.subject_len;
	if (tls_anchor_key(&ta, ca.spki, ca.spki_len) == -1) {
		ta.dn.data = NULL;
		tls_anchor_free_one(&ta);
		return BR_ERR_X509_UNSUPPORTED;
	}
	code = tls_split_run(x, 0, k, &ta, 1);
	ta.dn.data = NULL;
	tls_anchor_free_one(&ta);
	return code;
}
