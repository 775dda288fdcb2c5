/* relaymail: unit tests for TLS's pure parts. ISC licence.
 * Streaming base64, PEM reading, trust-anchor selection, failure codes in
 * words and classes, and tls_start's failures before any certificate.
 * The two CA certificates are public test certificates (no keys). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fake.h"
#include "t.h"
#include "tls/tls_der.h"
#include "tls/tls_int.h"
#include "util.h"

static const char alpha_pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBhjCCAS2gAwIBAgIUBxiNghIluewnCQA+18NYoorEHFswCgYIKoZIzj0EAwIw\n"
	"GDEWMBQGA1UEAwwNVGVzdCBDQSBBbHBoYTAgFw0yNjExMzAwMjE4MjlaGA8yMTI2\n"
	"MTEwNjAyMTgyOVowGDEWMBQGA1UEAwwNVGVzdCBDQSBBbHBoYTBZMBMGByqGSM49\n"
	"AgEGCCqGSM49AwEHA0IABDIcbpxTgmLFkSmRcc2MdxhO3zooZo+f7JlHUlqOzhPU\n"
	"uBD8uTfgwpPRRu/pYYifj1eIP/ojZWKZEr54yvLrS0mjUzBRMB0GA1UdDgQWBBQO\n"
	"UTNvIBu6hJBcw07jrrWNlPIqNzAfBgNVHSMEGDAWgBQOUTNvIBu6hJBcw07jrrWN\n"
	"lPIqNzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIHIhDTpbweGv\n"
	"ZF7gJyBrKwfaJ082npdF/345Cr2wsmh+AiAc5K+kBolgHPxve8HCkDoNsB8LPwAC\n"
	"4nGgthO3RzE6dA==\n"
	"-----END CERTIFICATE-----\n";

static const char beta_pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBhTCCASugAwIBAgIUVShxd/mkwmzX68N1hb7v0+GO17wwCgYIKoZIzj0EAwIw\n"
	"FzEVMBMGA1UEAwwMVGVzdCBDQSBCZXRhMCAXDTI2MTEzMDAyMTgyOVoYDzIxMjYx\n"
	"MTA2MDIxODI5WjAXMRUwEwYDVQQDDAxUZXN0IENBIEJldGEwWTATBgcqhkjOPQIB\n"
	"BggqhkjOPQMBBwNCAASyce8MjUidjBgsvrEh/oSsJkcl44QfuOZci7bD562vT6IS\n"
	"G8Dwz31G4WsQ/jU+CKTZmv1+6JldSZL5EMuwMHzNo1MwUTAdBgNVHQ4EFgQUfxQ5\n"
	"1/dq/zYUW84QeVOwkRSvqp0wHwYDVR0jBBgwFoAUfxQ51/dq/zYUW84QeVOwkRSv\n"
	"qp0wDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiAg0eOpX/hT1WmW\n"
	"HC8TqabaakKBSCudJewH6Mi7wR6xkQIhAPPFHcCf4t5RNqJqaH/8J7mzglmavQsD\n"
	"ZrciQP89XtVH\n"
	"-----END CERTIFICATE-----\n";

/* Alpha again, in 50-character lines with blanks and CR LF. */
static const char alpha_rewrapped[] =
	"-----BEGIN CERTIFICATE-----\r\n"
	"MIIBhjCCAS2gAwIBAgIUBxiNghIluewnCQA+18NYoorEHFswCg \r\n"
	"YIKoZIzj0EAwIwGDEWMBQGA1UEAwwNVGVzdCBDQSBBbHBoYTAg \r\n"
	"Fw0yNjExMzAwMjE4MjlaGA8yMTI2MTEwNjAyMTgyOVowGDEWMB \r\n"
	"QGA1UEAwwNVGVzdCBDQSBBbHBoYTBZMBMGByqGSM49AgEGCCqG \r\n"
	"SM49AwEHA0IABDIcbpxTgmLFkSmRcc2MdxhO3zooZo+f7JlHUl \r\n"
	"qOzhPUuBD8uTfgwpPRRu/pYYifj1eIP/ojZWKZEr54yvLrS0mj \r\n"
	"UzBRMB0GA1UdDgQWBBQOUTNvIBu6hJBcw07jrrWNlPIqNzAfBg \r\n"
	"NVHSMEGDAWgBQOUTNvIBu6hJBcw07jrrWNlPIqNzAPBgNVHRMB \r\n"
	"Af8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIHIhDTpbweGvZF \r\n"
	"7gJyBrKwfaJ082npdF/345Cr2wsmh+AiAc5K+kBolgHPxve8HC \r\n"
	"kDoNsB8LPwAC4nGgthO3RzE6dA== \r\n"
	"-----END CERTIFICATE-----\r\n";

static char dir[] = "/tmp/t_tls.XXXXXX";
static char err[600];

static const char *
file(const char *name, const char *text)
{
	static char path[4][256];
	static int k;
	char *p = path[k++ % 4];
	FILE *fp;

	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	if ((fp = fopen(p, "w")) != NULL) {
		fputs(text, fp);
		fclose(fp);
	}
	return p;
}

/* The DER of a one-object PEM text, by the strict decoder. */
static size_t
der_of(const char *pem, unsigned char *out, size_t outlen)
{
	char b64[2048];
	size_t n = 0;
	const char *p = strchr(pem, '\n') + 1;

	for (; strncmp(p, "-----END", 8) != 0; p++)
		if (*p != '\n' && n < sizeof(b64))
			b64[n++] = *p;
	return (size_t)util_b64_decode(b64, n, out, outlen);
}

struct seen {
	int	 n;
	char	 label[4][64];
	unsigned char der[4][2048];
	size_t	 len[4];
	int	 ret;		/* what the callback returns */
};

static int
collect(void *arg, const char *label, const unsigned char *der, size_t len)
{
	struct seen *s = arg;

	if (s->n < 4 && len <= sizeof(s->der[0])) {
		snprintf(s->label[s->n], sizeof(s->label[0]), "%s", label);
		memcpy(s->der[s->n], der, len);
		s->len[s->n] = len;
	}
	s->n++;
	return s->ret;
}

TEST(b64_strict_refuses_blanks)
{
	unsigned char out[16];

	T_EQ(util_b64_decode("aGVsbG8=", 8, out, sizeof(out)), 5);
	T_MEMEQ(out, 5, "hello", 5);
	T_EQ(util_b64_decode("aGVs bG8=", 9, out, sizeof(out)), -1);
	T_EQ(util_b64_decode("aGVsbG8=\n", 9, out, sizeof(out)), -1);
	T_EQ(util_b64_decode("aGVsbG8", 7, out, 4), -1);	/* no room */
}

TEST(b64_push_in_pieces)
{
	struct util_b64 s = UTIL_B64_ZERO;
	unsigned char out[16];
	long n = 0, k;
	const char *piece[] = { "aG", "VsbG\r\n", " 8", "=\n" };
	size_t i;

	for (i = 0; i < sizeof(piece) / sizeof(piece[0]); i++) {
		k = util_b64_push(&s, piece[i], strlen(piece[i]), out + n,
		    sizeof(out) - (size_t)n);
		T_OK(k >= 0);
		n += k;
	}
	T_EQ(n, 5);
	T_MEMEQ(out, 5, "hello", 5);
}

TEST(b64_push_refuses_bad_input)
{
	struct util_b64 s = UTIL_B64_ZERO, z = UTIL_B64_ZERO;
	unsigned char out[16];

	T_EQ(util_b64_push(&s, "aGVsbG8=eA", 10, out, sizeof(out)), -1);
	s = z;
	T_EQ(util_b64_push(&s, "aG*s", 4, out, sizeof(out)), -1);
	s = z;
	T_EQ(util_b64_push(&s, "a===", 4, out, sizeof(out)), -1);
	s = z;
	T_EQ(util_b64_push(&s, "aGVsbG8=", 8, out, 3), -1);
}

TEST(b64_push_any_split)
{
	static unsigned char raw[3000], out[3000];
	static char text[4200];
	struct util_b64 st;
	unsigned seed = 7;
	size_t i, at, n, piece;
	long k, got;

	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (unsigned char)((seed = seed * 1103515245 + 12345) >> 16);
	n = (size_t)util_b64_encode(raw, sizeof(raw), text, sizeof(text));
	for (piece = 1; piece < 80; piece += 3) {
		struct util_b64 z = UTIL_B64_ZERO;

		st = z;
		got = 0;
		for (at = 0; at < n; at += piece) {
			k = util_b64_push(&st, text + at, n - at < piece ?
			    n - at : piece, out + got, sizeof(out) - (size_t)got);
			T_OK(k >= 0);
			if (k < 0)
				break;
			got += k;
		}
		T_MEMEQ(out, (size_t)got, raw, sizeof(raw));
	}
}

TEST(subject_from_a_prefix)
{
	unsigned char der[2048];
	size_t len = der_of(alpha_pem, der, sizeof(der)), i;
	const unsigned char *subj = NULL;
	size_t subjlen = 0;
	struct der_cert dc;
	int r, found = 0;

	T_EQ(der_cert_parse(der, len, &dc), 0);
	for (i = 0; i <= len; i++) {
		r = der_cert_subject(der, i, &subj, &subjlen);
		T_OK(r == 0 || r == 1);
		if (r == 1 && !found) {
			found = 1;
			/* Found exactly when the subject is complete. */
			T_EQ(i, (size_t)(dc.subject - der) + dc.subject_len);
			T_MEMEQ(subj, subjlen, dc.subject, dc.subject_len);
		}
		if (found)
			T_EQ(r, 1);
	}
	T_OK(found);
	T_EQ(der_cert_subject((const unsigned char *)"\x04\x02" "ab", 4, &subj,
	    &subjlen), -1);
	T_EQ(der_cert_subject((const unsigned char *)"\x30\x85", 2, &subj,
	    &subjlen), -1);
}

TEST(pem_long_lines_and_crlf)
{
	static struct seen s;
	static char text[40000];
	unsigned char der[2048];
	size_t n = 0, len = der_of(beta_pem, der, sizeof(der));
	const char *p;

	/* A comment line longer than the reader's block, then the
	 * certificate with CR LF line ends. */
	text[n++] = '#';
	while (n < 20000)
		text[n++] = 'x';
	text[n++] = '\n';
	for (p = beta_pem; *p != '\0'; p++) {
		if (*p == '\n')
			text[n++] = '\r';
		text[n++] = *p;
	}
	text[n] = '\0';
	memset(&s, 0, sizeof(s));
	T_EQ(tls_pem_each(file("long.pem", text), collect, &s, err,
	    sizeof(err)), 0);
	T_EQ(s.n, 1);
	T_MEMEQ(s.der[0], s.len[0], der, len);
}

TEST(pem_reads_objects_in_order)
{
	static struct seen s;
	unsigned char der[2048];
	size_t len = der_of(alpha_pem, der, sizeof(der));
	char text[4096];

	snprintf(text, sizeof(text), "junk before\n%s"
	    "-----BEGIN PRIVATE KEY-----\naGVsbG8=\n-----END PRIVATE KEY-----\n"
	    "%s", alpha_rewrapped, beta_pem);
	memset(&s, 0, sizeof(s));
	T_EQ(tls_pem_each(file("mixed.pem", text), collect, &s, err,
	    sizeof(err)), 0);
	T_EQ(s.n, 3);
	T_STREQ(s.label[0], "CERTIFICATE");
	T_MEMEQ(s.der[0], s.len[0], der, len);
	T_STREQ(s.label[1], "PRIVATE KEY");
	T_MEMEQ(s.der[1], s.len[1], "hello", 5);
	T_STREQ(s.label[2], "CERTIFICATE");
}

TEST(pem_skips_bad_and_huge_objects)
{
	static struct seen s;
	static char text[100000];
	size_t n;

	n = (size_t)snprintf(text, sizeof(text), "-----BEGIN X-----\n"
	    "aG*sbG8=\n-----END X-----\n-----BEGIN BIG-----\n");
	while (n < 90000 + 20)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%.64s\n",
		    "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB");
	snprintf(text + n, sizeof(text) - n, "-----END BIG-----\n%s",
	    beta_pem);
	memset(&s, 0, sizeof(s));
	T_EQ(tls_pem_each(file("bad.pem", text), collect, &s, err,
	    sizeof(err)), 0);
	T_EQ(s.n, 1);
	T_STREQ(s.label[0], "CERTIFICATE");
}

TEST(pem_stops_when_asked)
{
	static struct seen s;
	char text[4096];

	snprintf(text, sizeof(text), "%s%s", alpha_pem, beta_pem);
	memset(&s, 0, sizeof(s));
	s.ret = 1;
	T_EQ(tls_pem_each(file("two.pem", text), collect, &s, err,
	    sizeof(err)), 1);
	T_EQ(s.n, 1);
	memset(&s, 0, sizeof(s));
	s.ret = -5;
	T_EQ(tls_pem_each(file("two.pem", text), collect, &s, err,
	    sizeof(err)), -1);
	T_EQ(s.n, 1);
}

TEST(pem_missing_file)
{
	char want[512];
	const char *path = file("absent/x.pem", "");

	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	T_EQ(tls_pem_each(path, collect, NULL, err, sizeof(err)), -1);
	T_STREQ(err, want);
}

TEST(anchors_all_or_wanted)
{
	struct tls_anchors a;
	struct der_cert dc;
	unsigned char der[2048];
	char text[4096];
	size_t len = der_of(beta_pem, der, sizeof(der));
	const char *path;

	snprintf(text, sizeof(text), "%s%s", alpha_pem, beta_pem);
	path = file("bundle.pem", text);
	memset(&a, 0, sizeof(a));
	T_EQ(tls_anchors_load(&a, path, err, sizeof(err)), 0);
	T_EQ(a.n, 2);
	T_EQ(a.n == 2 ? a.ta[1].flags : 0, BR_X509_TA_CA);
	tls_anchors_free(&a);
	T_EQ(a.n, 0);

	T_EQ(der_cert_parse(der, len, &dc), 0);
	a.want[0] = dc.subject;
	a.wantlen[0] = dc.subject_len;
	a.nwant = 1;
	T_EQ(tls_anchors_load(&a, path, err, sizeof(err)), 0);
	T_EQ(a.n, 1);
	if (a.n == 1)
		T_MEMEQ(a.ta[0].dn.data, a.ta[0].dn.len, dc.subject,
		    dc.subject_len);
	T_EQ(a.ta[0].pkey.key_type, BR_KEYTYPE_EC);
	tls_anchors_free(&a);
}

/* Certificates not wanted are passed over to their END without being
 * split into lines: the one wanted is found after them wherever the
 * reader's 16 KB blocks cut a marker, and after one that has no END. */
TEST(anchors_skip_across_blocks)
{
	static char text[40000];
	struct tls_anchors a;
	struct der_cert dc;
	unsigned char der[2048];
	size_t len = der_of(beta_pem, der, sizeof(der)), n, k;
	const char *path, *noend;
	int i;

	T_EQ(der_cert_parse(der, len, &dc), 0);
	noend = strstr(alpha_pem, "-----END");
	/* 26 certificates, then one without END, then the one wanted: shifted
	 * a byte at a time over a certificate's length, the reader's first
	 * block ends at every place of the skipped one and of the wanted
	 * one's BEGIN line. */
	for (k = 0; k <= strlen(alpha_pem); k++) {
		memset(text, '#', k);
		text[k] = '\n';
		n = k + 1;
		for (i = 0; i < 26; i++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s",
			    alpha_pem);
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%.*s%s",
		    (int)(noend - alpha_pem), alpha_pem, beta_pem);
		path = file("skip.pem", text);
		memset(&a, 0, sizeof(a));
		a.want[0] = dc.subject;
		a.wantlen[0] = dc.subject_len;
		a.nwant = 1;
		T_EQ(tls_anchors_load(&a, path, err, sizeof(err)), 0);
		T_EQ(a.n, 1);
		tls_anchors_free(&a);
	}
}

TEST(anchors_from_directory)
{
	struct tls_anchors a;
	char sub[300];

	snprintf(sub, sizeof(sub), "%s/cas", dir);
	T_EQ(mkdir(sub, 0700), 0);
	file("cas/a.pem", alpha_pem);
	file("cas/b.crt", beta_pem);
	file("cas/c.txt", alpha_pem);
	memset(&a, 0, sizeof(a));
	T_EQ(tls_anchors_load(&a, sub, err, sizeof(err)), 0);
	T_EQ(a.n, 2);
	tls_anchors_free(&a);
}

TEST(anchors_missing_file)
{
	struct tls_anchors a;
	char want[512];
	const char *path = file("absent/ca.pem", "");

	memset(&a, 0, sizeof(a));
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	T_EQ(tls_anchors_load(&a, path, err, sizeof(err)), -1);
	T_STREQ(err, want);
	T_EQ(a.n, 0);
}

TEST(error_classes)
{
	T_EQ(tls_err_class(0), ERR_TEMP);
	T_EQ(tls_err_class(BR_ERR_IO), ERR_TEMP);
	T_EQ(tls_err_class(BR_ERR_X509_EXPIRED), ERR_CONFIG);
	T_EQ(tls_err_class(BR_ERR_X509_NOT_TRUSTED), ERR_CONFIG);
	T_EQ(tls_err_class(TLS_ERR_PIN_MISMATCH), ERR_CONFIG);
	T_EQ(tls_err_class(TLS_ERR_CA_FILE), ERR_CONFIG);
	T_EQ(tls_err_class(TLS_ERR_IP_MISMATCH), ERR_CONFIG);
	T_EQ(tls_err_class(BR_ERR_RECV_FATAL_ALERT + 48), ERR_CONFIG);
	T_EQ(tls_err_class(BR_ERR_NO_CLIENT_AUTH), ERR_CONFIG);
	T_EQ(tls_err_class(BR_ERR_RECV_FATAL_ALERT + 40), ERR_PROTO);
	T_EQ(tls_err_class(BR_ERR_SEND_FATAL_ALERT + 10), ERR_PROTO);
	T_EQ(tls_err_class(BR_ERR_BAD_MAC), ERR_PROTO);
	T_EQ(tls_err_class(BR_ERR_UNSUPPORTED_VERSION), ERR_PROTO);
	/* The settings must change for these... */
	T_EQ(tls_err_class(TLS_ERR_WEAK_SIG), ERR_CONFIG);
	T_EQ(tls_err_class(TLS_ERR_KEY_TYPE), ERR_CONFIG);
	T_EQ(tls_err_class(TLS_ERR_NAME_CONSTRAINT), ERR_CONFIG);
	T_EQ(tls_err_class(TLS_ERR_BAD_HOST), ERR_CONFIG);
	T_EQ(tls_err_class(TLS_ERR_CERT_WANTED), ERR_CONFIG);
	T_EQ(tls_err_class(TLS_ERR_PLAIN_SMTP), ERR_CONFIG);
	/* ...and a connection closed without a word may pass. */
	T_EQ(tls_err_class(TLS_ERR_CUT), ERR_TEMP);
	T_EQ(tls_err_class(TLS_ERR_CUT_HELLO), ERR_TEMP);
}

TEST(host_names)
{
	char h[20];

	T_EQ(tls_name_host("mail.example.com.", h, sizeof(h)), 0);
	T_STREQ(h, "mail.example.com");
	T_EQ(tls_name_host("Mail.Example.COM", h, sizeof(h)), 0);
	T_STREQ(h, "Mail.Example.COM");
	T_EQ(tls_name_host("m\xc3\xa4il.example", h, sizeof(h)), -1);
	T_EQ(tls_name_host("", h, sizeof(h)), -1);
	T_EQ(tls_name_host("mail.example.community.example", h, sizeof(h)), -1);
	T_EQ(tls_name_host("a b", h, sizeof(h)), -1);
}

TEST(error_sentences)
{
	static struct tls_x509 x;
	struct tls_params p;

	memset(&p, 0, sizeof(p));
	p.host = "smtp.example.com";
	p.ca_file = "/ca.pem";
	x.p = &p;
	snprintf(x.server_pin, sizeof(x.server_pin), "sha256/abc=");
	tls_err_explain(&x, TLS_ERR_PIN_MISMATCH, err, sizeof(err));
	T_STREQ(err, "TLS: public key pin mismatch: the server's pin is "
	    "sha256/abc=");
	tls_err_explain(&x, BR_ERR_RECV_FATAL_ALERT + 70, err, sizeof(err));
	T_STREQ(err, "TLS: the server sent alert 70 (protocol version): it "
	    "offers no TLS version we accept (TLS 1.2 required)");
	tls_err_explain(&x, BR_ERR_SEND_FATAL_ALERT + 80, err, sizeof(err));
	T_STREQ(err, "TLS: handshake failed (we sent alert 80, internal "
	    "error)");
	tls_err_explain(&x, BR_ERR_BAD_MAC, err, sizeof(err));
	T_STREQ(err, "TLS: bad record MAC (data corrupted)");
	tls_err_explain(&x, 0x1100, err, sizeof(err));
	T_STREQ(err, "TLS: handshake failed (BearSSL error 4352)");
}

TEST(error_sentences_name_the_certificate)
{
	static struct tls_x509 x;
	static unsigned char der[2048];
	struct tls_params p;

	memset(&p, 0, sizeof(p));
	p.host = "smtp.example.com";
	p.ca_file = "/ca.pem";
	x.p = &p;
	x.chain[0].len = der_of(alpha_pem, der, sizeof(der));
	x.chain[0].der = der;
	x.nchain = 1;
	tls_err_explain(&x, BR_ERR_X509_NOT_TRUSTED, err, sizeof(err));
	T_STREQ(err, "TLS: certificate for CN=Test CA Alpha has an unknown "
	    "issuer: CN=Test CA Alpha (not in /ca.pem)");
	tls_err_explain(&x, BR_ERR_X509_BAD_SERVER_NAME, err, sizeof(err));
	T_STREQ(err, "TLS: certificate is for CN=Test CA Alpha, not "
	    "smtp.example.com");
	tls_err_explain(&x, BR_ERR_X509_EXPIRED, err, sizeof(err));
	T_STREQ(err, "TLS: certificate expired on 2126-11-06 02:18:29 UTC "
	    "(CN=Test CA Alpha, issuer CN=Test CA Alpha)");
}

/* tls_start against a server that says `server' and then closes; the
 * context is left in *tp for the caller to inspect and free. */
static int
start_against(const char *server, struct tls **tp)
{
	static struct fake f;
	static struct tls_params p;
	struct transport lower;

	memset(&p, 0, sizeof(p));
	p.host = "smtp.example.com";
	p.verify = 1;
	p.ca_file = file("ca.pem", alpha_pem);
	fake_init(&f, &lower, server);
	*tp = tls_new();
	return tls_start(*tp, &p, &lower, err, sizeof(err));
}

TEST(start_fails_on_closed_connection)
{
	struct tls *t;

	T_EQ(start_against("", &t), -1);
	/* Closed on our hello, with no alert: the closest cause. */
	T_STREQ(err, "TLS: the server closed the connection on our TLS hello "
	    "without an alert: it may not speak TLS on this port, or accept "
	    "none of our TLS 1.2 suites");
	T_EQ(tls_error_class(t), ERR_TEMP);
	tls_free(t);
}

/* The engine and its X.509 engine use BearSSL's own public-key code,
 * its defaults (the fastest it has): EC, ECDSA and RSA alike. */
TEST(start_uses_bearssl_crypto)
{
	struct tls *t;

	T_EQ(start_against("", &t), -1);
	T_OK(br_ssl_engine_get_ec(&t->sc.eng) == br_ec_get_default());
	T_OK(br_ssl_engine_get_rsavrfy(&t->sc.eng) ==
	    br_rsa_pkcs1_vrfy_get_default());
	T_OK(br_ssl_engine_get_ecdsa(&t->sc.eng) ==
	    br_ecdsa_vrfy_asn1_get_default());
	T_OK(t->x.minimal.iec == br_ec_get_default());
	T_OK(t->x.minimal.irsa == br_rsa_pkcs1_vrfy_get_default());
	T_OK(t->x.minimal.iecdsa == br_ecdsa_vrfy_asn1_get_default());
	tls_free(t);
}

TEST(start_fails_on_plain_text)
{
	struct tls *t;

	T_EQ(start_against("220 smtp.example.com ESMTP ready\r\n"
	    "250 and more text so that a whole record header arrives\r\n",
	    &t), -1);
	/* An SMTP greeting where the ServerHello belongs: the settings. */
	T_STREQ(err, "TLS: the server speaks plain SMTP on this port: use "
	    "tls = starttls (usually port 587)");
	T_EQ(tls_error_class(t), ERR_CONFIG);
	tls_free(t);
}

TEST(start_fails_on_client_certificate)
{
	static struct fake f;
	struct transport lower;
	struct tls_params p;
	struct tls *t = tls_new();
	char want[512];

	memset(&p, 0, sizeof(p));
	p.host = "smtp.example.com";
	p.ca_file = file("ca.pem", alpha_pem);
	p.cert_file = file("absent/client.pem", "");
	p.key_file = p.cert_file;
	fake_init(&f, &lower, "");
	snprintf(want, sizeof(want), "%s: No such file or directory",
	    p.cert_file);
	T_EQ(tls_start(t, &p, &lower, err, sizeof(err)), -1);
	T_STREQ(err, want);
	T_EQ(tls_error_class(t), ERR_CONFIG);

	p.cert_file = file("client.pem", alpha_pem);
	p.key_file = file("key.pem", beta_pem);
	snprintf(want, sizeof(want), "TLS: no usable private key in %s",
	    p.key_file);
	T_EQ(tls_start(t, &p, &lower, err, sizeof(err)), -1);
	T_STREQ(err, want);
	T_EQ(tls_error_class(t), ERR_CONFIG);
	tls_free(t);
}

TEST_MAIN("t_tls", {
	if (mkdtemp(dir) == NULL)
		return 1;
	RUN(b64_strict_refuses_blanks);
	RUN(b64_push_in_pieces);
	RUN(b64_push_refuses_bad_input);
	RUN(b64_push_any_split);
	RUN(subject_from_a_prefix);
	RUN(pem_long_lines_and_crlf);
	RUN(pem_reads_objects_in_order);
	RUN(pem_skips_bad_and_huge_objects);
	RUN(pem_stops_when_asked);
	RUN(pem_missing_file);
	RUN(anchors_all_or_wanted);
	RUN(anchors_skip_across_blocks);
	RUN(anchors_from_directory);
	RUN(anchors_missing_file);
	RUN(error_classes);
	RUN(error_sentences);
	RUN(host_names);
	RUN(error_sentences_name_the_certificate);
	RUN(start_fails_on_closed_connection);
	RUN(start_uses_bearssl_crypto);
	RUN(start_fails_on_plain_text);
	RUN(start_fails_on_client_certificate);
	{
		char cmd[300];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			nfail++;
	}
})
