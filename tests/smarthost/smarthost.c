/* relaymail test smart host. ISC licence, see LICENSE.
 * A scriptable SMTP server on loopback for the tests: plain, STARTTLS or
 * implicit TLS (BearSSL server side), AUTH, and a fault script that can
 * make any step fail, stall, drip, inject bytes or drop the connection.
 * Each connection is a forked child that records what it saw under
 * DIR/conn-N/ (see tests/smarthost/README). */
#define _GNU_SOURCE	/* strcasestr */
#include <arpa/inet.h>
#include <ctype.h>
#include <bearssl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "smarthost.h"

#define LINE_MAX_B	(1 << 20)
#define RULES_MAX	64

struct rule {
	int	 conn;		/* 0 = every connection */
	char	 stage[64];	/* "rcpt", "rcpt:bob", ... */
	char	 action[32];	/* "550", "drop", ... */
	char	 arg[512];	/* the rest */
};

static struct rule rules[RULES_MAX];
static int nrules;
static const char *dir, *mode = "starttls", *userpass, *tokens_file;
static char mechs[128] = "PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER";
static char noext[256] = "";
static unsigned long size_limit = 52428800;
static int auth_before_tls, maxver = BR_TLS12, minver = BR_TLS10;
/* "sendas ADDRESS": Microsoft 365's rule, 554 5.2.252 SendAsDenied at
 * the end of data unless MAIL FROM and the From: field are ADDRESS. */
static char sendas[256];

/* -e p256: ECDHE on P-256 alone, as servers that follow the client's
 * order (Postfix, Exim) end up with against BearSSL's list; -e p384 on
 * P-384 alone. BearSSL's own br_ec_all_m31, offering that one curve. */
static br_ec_impl ec_one_curve;
static const br_ec_impl *ecdhe_impl;

/* TLS server material. */
static br_x509_certificate chain[8];
static size_t nchain;
static br_skey_decoder_context skey;

/* -A: ask for a client certificate and check it against this CA. */
static br_x509_trust_anchor client_ta;
static int want_client_cert;
struct xwrap {
	const br_x509_class *vtable;
	br_x509_minimal_context m;
	int	 certs;
};
static struct xwrap xw;

/* The connection. */
static int fd = -1, connno;
static char cdir[512];
static int tls_on;
static br_ssl_server_context sc;
static br_sslio_context io;
static unsigned char iobuf[BR_SSL_BUFSIZE_BIDI];
static char inbuf[65536];
static size_t in_off, in_len;
char line[LINE_MAX_B + 1];

static void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("smarthost: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* Appends to the file d/file. */
static void
vappend(const char *d, const char *file, const char *fmt, va_list ap)
{
	char path[700];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", d, file);
	if ((fp = fopen(path, "a")) == NULL)
		return;
	vfprintf(fp, fmt, ap);
	fclose(fp);
}

/* A line in the connection's directory. */
static void
record(const char *file, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(cdir, file, fmt, ap);
	va_end(ap);
}

static const struct rule *
find(const char *stage, const char *arg)
{
	int i;

	for (i = 0; i < nrules; i++) {
		const struct rule *r = &rules[i];
		size_t n = strlen(stage);
		if (r->conn != 0 && r->conn != connno)
			continue;
		if (strcmp(r->stage, stage) == 0)
			return r;
		/* "rcpt:bob" matches RCPTs whose argument holds "bob". */
		if (arg != NULL && strncmp(r->stage, stage, n) == 0 &&
		    r->stage[n] == ':' && strstr(arg, r->stage + n + 1))
			return r;
	}
	return NULL;
}

/* ---- raw I/O ---- */

static int
sock_read(void *ctx, unsigned char *buf, size_t len)
{
	struct pollfd p = { fd, POLLIN, 0 };
	ssize_t n;

	(void)ctx;
	/* An abandoned connection ends after 30 s of silence. */
	if (poll(&p, 1, 30000) != 1)
		return -1;
	n = read(fd, buf, len);
	return n > 0 ? (int)n : -1;
}

static int
sock_write(void *ctx, const unsigned char *buf, size_t len)
{
	ssize_t n;

	(void)ctx;
	n = send(fd, buf, len, MSG_NOSIGNAL);
	return n > 0 ? (int)n : -1;
}

void
out_raw(const void *buf, size_t len)
{
	if (tls_on) {
		if (br_sslio_write_all(&io, buf, len) == -1 ||
		    br_sslio_flush(&io) == -1)
			exit(0);
	} else if (sock_write(NULL, buf, len) != (int)len)
		exit(0);
}

static ssize_t
in_raw(void *buf, size_t len)
{
	if (tls_on) {
		int n = br_sslio_read(&io, buf, len);
		return n > 0 ? n : 0;
	}
	{
		int n = sock_read(NULL, buf, len);
		return n > 0 ? n : 0;
	}
}

/* Refills inbuf when it is used up; exits on EOF. */
static void
in_fill(void)
{
	ssize_t n;

	if (in_off < in_len)
		return;
	if ((n = in_raw(inbuf, sizeof(inbuf))) <= 0)
		exit(0);
	in_off = 0;
	in_len = (size_t)n;
}

/* len bytes into buf; exits on EOF. */
void
get_bytes(char *buf, size_t len)
{
	size_t k;

	while (len > 0) {
		in_fill();
		k = in_len - in_off < len ? in_len - in_off : len;
		memcpy(buf, inbuf + in_off, k);
		in_off += k;
		buf += k;
		len -= k;
	}
}

/* One line without CRLF; exits on EOF. Returns its length. */
size_t
get_line(void)
{
	size_t len = 0;

	for (;;) {
		while (in_off < in_len) {
			char c = inbuf[in_off++];
			if (c == '\n') {
				line[len] = '\0';
				if (len > 0 && line[len - 1] == '\r')
					line[--len] = '\0';
				return len;
			}
			if (len < LINE_MAX_B)
				line[len++] = c;
		}
		ssize_t n = in_raw(inbuf, sizeof(inbuf));
		if (n <= 0)
			exit(0);
		in_off = 0;
		in_len = (size_t)n;
	}
}

static void
say(const char *stage, const char *arg, const char *fmt, ...)
{
	const struct rule *r = find(stage, arg);
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 2, fmt, ap);
	va_end(ap);
	if (r != NULL && isdigit((unsigned char)r->action[0]))
		n = snprintf(buf, sizeof(buf) - 2, "%s %s", r->action,
		    r->arg[0] ? r->arg : "scripted reply");
	if (r != NULL && strcmp(r->action, "drop") == 0)
		exit(0);
	/* "stall N": N seconds late, then the usual reply. */
	if (r != NULL && strcmp(r->action, "stall") == 0 &&
	    isdigit((unsigned char)r->arg[0]))
		sleep((unsigned)atoi(r->arg));
	else if (r != NULL && (strcmp(r->action, "stall") == 0 ||
	    strcmp(r->action, "noreply") == 0)) {
		sleep(3600);
		exit(0);
	}
	if (r != NULL && strcmp(r->action, "delay") == 0)	/* "eom delay 200" */
		usleep((useconds_t)atoi(r->arg) * 1000);
	if (r != NULL && strcmp(r->action, "garbage") == 0)
		n = snprintf(buf, sizeof(buf) - 2, "garbage");
	if (r != NULL && strcmp(r->action, "badcode") == 0)
		n = snprintf(buf, sizeof(buf) - 2, "999 what");
	if (r != NULL && strcmp(r->action, "long") == 0) {
		static char big[100010];
		memcpy(big, "250 ", 4);
		memset(big + 4, 'x', 100000);
		memcpy(big + 100004, "\r\n", 2);
		out_raw(big, 100006);
		return;
	}
	if (r != NULL && strcmp(r->action, "endless") == 0) {
		static char l[] = "250-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n";
		long i;
		for (i = 0; i < 200L * 1024 * 1024 / (long)sizeof(l); i++)
			out_raw(l, sizeof(l) - 1);
		exit(0);
	}
	record("session", "S: %s\n", buf);
	if (r != NULL && strcmp(r->action, "nocrlf") == 0)
		memcpy(buf + n, "\n", 2), n += 1;
	else
		memcpy(buf + n, "\r\n", 3), n += 2;
	if (r != NULL && (strcmp(r->action, "drip") == 0 ||
	    strcmp(r->action, "bytewise") == 0)) {
		int i, one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		for (i = 0; i < n; i++) {
			out_raw(buf + i, 1);
			if (r->action[0] == 'd')
				sleep(1);
		}
		return;
	}
	/* "stray": a second reply nobody asked for, in the same packet. */
	if (r != NULL && strcmp(r->action, "stray") == 0)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n,
		    "250 2.0.0 stray reply\r\n");
	out_raw(buf, (size_t)n);
	/* 4xx/5xx at the greeting: the session is over. */
	if (strcmp(stage, "greeting") == 0 && buf[0] != '2')
		exit(0);
}

/* ---- client certificates: the minimal engine, and a note of what it
 * decided in conn-N/client_cert ---- */

static void
xw_start_chain(const br_x509_class **ctx, const char *name)
{
	(void)ctx;
	xw.certs = 0;
	xw.m.vtable->start_chain(&xw.m.vtable, name);
}

static void
xw_start_cert(const br_x509_class **ctx, uint32_t len)
{
	(void)ctx;
	xw.certs++;
	xw.m.vtable->start_cert(&xw.m.vtable, len);
}

static void
xw_append(const br_x509_class **ctx, const unsigned char *b, size_t len)
{
	(void)ctx;
	xw.m.vtable->append(&xw.m.vtable, b, len);
}

static void
xw_end_cert(const br_x509_class **ctx)
{
	(void)ctx;
	xw.m.vtable->end_cert(&xw.m.vtable);
}

static void record(const char *file, const char *fmt, ...);

static unsigned
xw_end_chain(const br_x509_class **ctx)
{
	unsigned err = xw.m.vtable->end_chain(&xw.m.vtable);

	(void)ctx;
	if (xw.certs > 0)
		record("client_cert", err == 0 ? "verified\n" : "error %u\n",
		    err);
	return err;
}

static const br_x509_pkey *
xw_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	(void)ctx;
	return xw.m.vtable->get_pkey(&xw.m.vtable, usages);
}

static const br_x509_class xw_vtable = {
	sizeof(struct xwrap), xw_start_chain, xw_start_cert, xw_append,
	xw_end_cert, xw_end_chain, xw_get_pkey
};

struct dnbuf {
	unsigned char b[1024];
	size_t	 n;
};

static void
dn_add(void *ctx, const void *p, size_t len)
{
	struct dnbuf *d = ctx;

	if (d->n + len <= sizeof(d->b)) {
		memcpy(d->b + d->n, p, len);
		d->n += len;
	}
}

/* ---- TLS ---- */

int
starttls(void)
{
	br_ssl_server_context *s = &sc;
	const struct rule *r = find("handshake", NULL);

	/* "handshake cut": read the ClientHello, close without an alert. */
	if (r != NULL && strcmp(r->action, "cut") == 0) {
		char b[1024];
		if (read(fd, b, sizeof(b)) < 0)
			exit(1);
		exit(0);
	}

	if (br_skey_decoder_key_type(&skey) == BR_KEYTYPE_RSA)
		br_ssl_server_init_full_rsa(s, chain, nchain,
		    br_skey_decoder_get_rsa(&skey));
	else
		br_ssl_server_init_full_ec(s, chain, nchain, BR_KEYTYPE_RSA,
		    br_skey_decoder_get_ec(&skey));
	br_ssl_engine_set_versions(&s->eng, (unsigned)minver,
	    (unsigned)maxver);
	if (ecdhe_impl != NULL)
		br_ssl_engine_set_ec(&s->eng, ecdhe_impl);
	if (want_client_cert) {
		br_ssl_server_set_trust_anchor_names_alt(s, &client_ta, 1);
		br_x509_minimal_init_full(&xw.m, &client_ta, 1);
		xw.vtable = &xw_vtable;
		br_ssl_engine_set_x509(&s->eng, &xw.vtable);
		/* To check the client's CertificateVerify signature. */
		br_ssl_engine_set_default_rsavrfy(&s->eng);
		br_ssl_engine_set_default_ecdsa(&s->eng);
	}
	br_ssl_engine_set_buffer(&s->eng, iobuf, sizeof(iobuf), 1);
	br_ssl_server_reset(s);
	br_sslio_init(&io, &s->eng, sock_read, NULL, sock_write, NULL);
	tls_on = 1;
	/* Read until the handshake is done (first app data or error). */
	if (br_sslio_flush(&io) == -1)
		exit(0);
	{
		const char *sni = br_ssl_engine_get_server_name(&s->eng);
		record("sni", "%s", sni ? sni : "");
		record("tls", "TLS1.%d\n", br_ssl_engine_get_version(&s->eng)
		    - BR_TLS10);
		record("curve", "%d\n",
		    br_ssl_engine_get_ecdhe_curve(&s->eng));
	}
	return 0;
}

struct pem_obj {
	unsigned char *buf;
	size_t	 len, cap;
};

static void
pem_dest(void *ctx, const void *data, size_t len)
{
	struct pem_obj *o = ctx;

	if (o->len + len > o->cap) {
		o->cap = (o->len + len) * 2;
		if ((o->buf = realloc(o->buf, o->cap)) == NULL)
			die("out of memory");
	}
	memcpy(o->buf + o->len, data, len);
	o->len += len;
}

/* Certificates go to chain[], a private key to skey. */
static void
load_pem(const char *path)
{
	br_pem_decoder_context pc;
	struct pem_obj o = { NULL, 0, 0 };
	unsigned char buf[4096];
	char name[128] = "";
	FILE *fp = fopen(path, "r");
	size_t n;

	if (fp == NULL)
		die("%s: %s", path, strerror(errno));
	br_pem_decoder_init(&pc);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		size_t off = 0;
		while (off < n) {
			off += br_pem_decoder_push(&pc, buf + off, n - off);
			switch (br_pem_decoder_event(&pc)) {
			case BR_PEM_BEGIN_OBJ:
				snprintf(name, sizeof(name), "%s",
				    br_pem_decoder_name(&pc));
				o.len = 0;
				br_pem_decoder_setdest(&pc, pem_dest, &o);
				break;
			case BR_PEM_END_OBJ:
				if (strcmp(name, "CERTIFICATE") == 0 &&
				    nchain < 8) {
					chain[nchain].data = malloc(o.len);
					memcpy(chain[nchain].data, o.buf, o.len);
					chain[nchain++].data_len = o.len;
				} else if (strstr(name, "PRIVATE KEY")) {
					br_skey_decoder_init(&skey);
					br_skey_decoder_push(&skey, o.buf,
					    o.len);
					if (br_skey_decoder_last_error(&skey))
						die("%s: bad key", path);
				}
				break;
			case BR_PEM_ERROR:
				die("%s: bad PEM", path);
			}
		}
	}
	fclose(fp);
	free(o.buf);
}

/* ---- the dialogue ---- */

static int
offered(const char *ext)
{
	char tok[64];

	snprintf(tok, sizeof(tok), " %s ", ext);
	return strstr(noext, tok) == NULL;
}

static void
ehlo_reply(int ehlo)
{
	char buf[2048];
	size_t o = 0;
	const struct rule *r = find("starttls", NULL);
	int auth_ok = userpass != NULL && (tls_on || strcmp(mode, "plain") == 0
	    || auth_before_tls);

	if (!ehlo) {
		say("helo", NULL, "250 smarthost.test");
		return;
	}
	o += (size_t)snprintf(buf + o, sizeof(buf) - o, "250-smarthost.test");
#define EXT(name, text) if (offered(name)) o += (size_t)snprintf(buf + o, \
	sizeof(buf) - o, "\r\n250-%s", text)
	EXT("PIPELINING", "PIPELINING");
	{
		char sz[64];
		snprintf(sz, sizeof(sz), "SIZE %lu", size_limit);
		EXT("SIZE", sz);
	}
	EXT("8BITMIME", "8BITMIME");
	EXT("SMTPUTF8", "SMTPUTF8");
	EXT("DSN", "DSN");
	if (!tls_on && strcmp(mode, "starttls") == 0 &&
	    !(r && strcmp(r->action, "noadvertise") == 0))
		EXT("STARTTLS", "STARTTLS");
	if (auth_ok) {
		char a[160];
		snprintf(a, sizeof(a), "AUTH %s", mechs);
		EXT("AUTH", a);
	}
	o += (size_t)snprintf(buf + o, sizeof(buf) - o,
	    "\r\n250 ENHANCEDSTATUSCODES");
	say("ehlo", NULL, "%s", buf);
}

static int
b64dec(const char *in, unsigned char *out, size_t outlen)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned long acc = 0;
	int bits = 0;
	size_t o = 0;

	for (; *in && *in != '='; in++) {
		const char *p = strchr(t, *in);
		if (p == NULL)
			return -1;
		acc = (acc << 6) | (unsigned long)(p - t);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o + 1 >= outlen)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	out[o] = '\0';
	return (int)o;
}

static void
b64enc(const unsigned char *in, size_t len, char *out)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;

	for (i = 0; i < len; i += 3) {
		unsigned v = (unsigned)in[i] << 16;
		if (i + 1 < len) v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < len) v |= in[i + 2];
		out[o++] = t[(v >> 18) & 63];
		out[o++] = t[(v >> 12) & 63];
		out[o++] = i + 1 < len ? t[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? t[v & 63] : '=';
	}
	out[o] = '\0';
}

/* 1 if user/secret match -u. */
static int
check(const char *user, const char *secret)
{
	char want[512];

	snprintf(want, sizeof(want), "%s:%s", user, secret);
	return strcmp(want, userpass) == 0;
}

static int
auth(const char *arg)
{
	char mech[32] = "", ir[4096] = "", user[256] = "", pass[256] = "";
	unsigned char dec[4096];
	int n, ok = 0;

	sscanf(arg, "%31s %4095s", mech, ir);
	if (find("auth", NULL)) {
		say("auth", NULL, "535 5.7.8 scripted failure");
		return 0;
	}
	if (!strcasecmp(mech, "PLAIN")) {
		if (ir[0] == '\0') {
			say("auth-334", NULL, "334 ");
			get_line();
			snprintf(ir, sizeof(ir), "%.4000s", line);
		}
		n = b64dec(ir, dec, sizeof(dec));
		if (n > 2) {
			const char *u = (char *)dec + strlen((char *)dec) + 1;
			const char *p = u + strlen(u) + 1;
			if (p <= (char *)dec + n) {
				snprintf(user, sizeof(user), "%.255s", u);
				ok = check(u, p);
			}
		}
	} else if (!strcasecmp(mech, "LOGIN")) {
		say("auth-334", NULL, "334 VXNlcm5hbWU6");
		get_line();
		record("session", "C: %s\n", line);
		b64dec(line, (unsigned char *)user, sizeof(user));
		say("auth-334", NULL, "334 UGFzc3dvcmQ6");
		get_line();
		record("session", "C: %s\n", line);
		b64dec(line, (unsigned char *)pass, sizeof(pass));
		ok = check(user, pass);
	} else if (!strcasecmp(mech, "CRAM-MD5")) {
		const char *chal = "<1896.697170952@smarthost.test>";
		char enc[128], want[256], *sp;
		const char *secret = strchr(userpass, ':') + 1;
		br_hmac_key_context kc;
		br_hmac_context hc;
		unsigned char mac[16];
		int i;
		b64enc((const unsigned char *)chal, strlen(chal), enc);
		say("auth-334", NULL, "334 %s", enc);
		get_line();
		record("session", "C: %s\n", line);
		b64dec(line, dec, sizeof(dec));
		sp = strchr((char *)dec, ' ');
		if (sp != NULL) {
			*sp = '\0';
			snprintf(user, sizeof(user), "%.255s", (char *)dec);
			br_hmac_key_init(&kc, &br_md5_vtable, secret,
			    strlen(secret));
			br_hmac_init(&hc, &kc, 0);
			br_hmac_update(&hc, chal, strlen(chal));
			br_hmac_out(&hc, mac);
			for (i = 0; i < 16; i++)
				snprintf(want + 2 * i, 3, "%02x", mac[i]);
			ok = strncmp(user, userpass, strlen(user)) == 0 &&
			    userpass[strlen(user)] == ':' &&
			    strcmp(sp + 1, want) == 0;
		}
	} else if (!strcasecmp(mech, "XOAUTH2") ||
	    !strcasecmp(mech, "OAUTHBEARER")) {
		char *u, *tok;
		n = b64dec(ir, dec, sizeof(dec));
		for (tok = (char *)dec; n > 0 && tok < (char *)dec + n; tok++)
			if (*tok == '\001')
				*tok = '\n';
		u = strstr((char *)dec, "user=");
		if (u == NULL)
			u = strstr((char *)dec, "a=");
		tok = strstr((char *)dec, "auth=Bearer ");
		if (u != NULL && tok != NULL) {
			u += u[0] == 'u' ? 5 : 2;
			snprintf(user, sizeof(user), "%.*s",
			    (int)strcspn(u, ",\n"), u);
			tok += 12;
			tok[strcspn(tok, "\n")] = '\0';
			ok = tokens_file ? idp_token_ok(tokens_file, userpass,
			    user, tok) : check(user, tok);
		}
	} else {
		say("auth", NULL, "504 5.5.4 unknown mechanism");
		return 0;
	}
	if (ok) {
		char m[32];
		snprintf(m, sizeof(m), "%s", mech);
		for (n = 0; m[n]; n++)
			m[n] = (char)toupper((unsigned char)m[n]);
		record("auth", "%s %s\n", m, user);
		say("auth-ok", NULL, "235 2.7.0 authenticated");
		return 1;
	}
	say("auth-bad", NULL, "535 5.7.8 authentication failed");
	return 0;
}

/* The sender the message claims, as Microsoft 365 checks it: MAIL FROM
 * and the address of the From: field of the data file at path; "" when
 * both are the sendas mailbox. */
static void
sendas_claim(const char *from, const char *path, char *who, size_t len)
{
	char want[300], l[2048];
	FILE *fp;

	who[0] = '\0';
	snprintf(want, sizeof(want), "<%s>", sendas);
	if (strncasecmp(from, want, strlen(want)) != 0) {
		snprintf(who, len, "%.*s", (int)strcspn(from, " "), from);
		return;
	}
	if ((fp = fopen(path, "r")) == NULL)
		return;
	while (fgets(l, sizeof(l), fp) != NULL && l[0] != '\r' &&
	    l[0] != '\n')
		if (strncasecmp(l, "From:", 5) == 0 && strcasestr(l, want) ==
		    NULL) {
			l[strcspn(l, "\r\n")] = '\0';
			snprintf(who, len, "%.200s", l + 5);
		}
	fclose(fp);
}

static void
data(int msgno, const char *from, const char *rcpts)
{
	char tmp[700], final[700], path[800];
	const struct rule *body = find("body", NULL);
	long limit = body ? atol(body->arg) : -1, got = 0;
	FILE *d, *raw;

	snprintf(tmp, sizeof(tmp), "%s/msg-%d.tmp", cdir, msgno);
	snprintf(final, sizeof(final), "%s/msg-%d", cdir, msgno);
	mkdir(tmp, 0755);
	snprintf(path, sizeof(path), "%s/data", tmp);
	d = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/data.raw", tmp);
	raw = fopen(path, "w");
	say("data", NULL, "354 go ahead");
	/* Raw bytes: read until a line that is exactly ".\r\n". */
	{
		char l[LINE_MAX_B];
		size_t ll = 0;
		for (;;) {
			in_fill();
			char c = inbuf[in_off++];
			got++;
			if (limit >= 0 && got > limit) {
				if (strcmp(body->action, "reset") == 0) {
					struct linger lg = { 1, 0 };
					setsockopt(fd, SOL_SOCKET, SO_LINGER,
					    &lg, sizeof(lg));
				}
				exit(0);
			}
			if (ll < sizeof(l))
				l[ll++] = c;
			if (c != '\n')
				continue;
			if (ll == 3 && memcmp(l, ".\r\n", 3) == 0)
				break;
			fwrite(l, 1, ll, raw);
			fwrite(l[0] == '.' ? l + 1 : l, 1, l[0] == '.' ?
			    ll - 1 : ll, d);
			ll = 0;
		}
	}
	fclose(d);
	fclose(raw);
	snprintf(path, sizeof(path), "%s/mail_from", tmp);
	if ((d = fopen(path, "w")) != NULL) {
		fprintf(d, "%s\n", from);
		fclose(d);
	}
	snprintf(path, sizeof(path), "%s/rcpt", tmp);
	if ((d = fopen(path, "w")) != NULL) {
		fputs(rcpts, d);
		fclose(d);
	}
	{
		const struct rule *r = find("eom", NULL);
		char reply[600];
		char who[256] = "";
		if (sendas[0] != '\0') {
			snprintf(path, sizeof(path), "%s/data", tmp);
			sendas_claim(from, path, who, sizeof(who));
		}
		if (who[0] != '\0')
			snprintf(reply, sizeof(reply), "554 5.2.252 "
			    "SendAsDenied; %.100s not allowed to send as %.200s; "
			    "STOREDRV.Submission.Exception:"
			    "SendAsDeniedException.MapiExceptionSendAsDenied",
			    sendas, who);
		else if (r != NULL && isdigit((unsigned char)r->action[0]))
			snprintf(reply, sizeof(reply), "%s %s", r->action,
			    r->arg);
		else
			snprintf(reply, sizeof(reply), "250 2.0.0 Ok: queued "
			    "as %d-%d", connno, msgno);
		snprintf(path, sizeof(path), "%s/result", tmp);
		if ((d = fopen(path, "w")) != NULL) {
			fprintf(d, "%s\n", reply);
			fclose(d);
		}
		if (r == NULL || strcmp(r->action, "drop") != 0)
			rename(tmp, final);
		say("eom", NULL, "%s", reply);
	}
}

static void
session(void)
{
	char from[1024] = "", rcpts[65536] = "";
	int authed = 0, has_from = 0, msgno = 0, nrcpt = 0;

	if (strcmp(mode, "tls") == 0) {
		record("tls", "implicit\n");
		starttls();
	} else
		record("tls", "%s\n", "none");
	say("greeting", NULL, "220 smarthost.test ESMTP test server");
	for (;;) {
		get_line();
		record("session", "C: %s\n", line);
		if (!strncasecmp(line, "EHLO ", 5) ||
		    !strncasecmp(line, "HELO ", 5)) {
			record("ehlo", "%s\n", line + 5);
			has_from = 0;
			ehlo_reply(toupper((unsigned char)line[0]) == 'E');
		} else if (!strcasecmp(line, "STARTTLS")) {
			const struct rule *r = find("starttls", NULL);
			if (tls_on || strcmp(mode, "starttls") != 0) {
				say("nostarttls", NULL, "502 5.5.1 no");
				continue;
			}
			if (r != NULL && (isdigit((unsigned char)r->action[0])
			    || strcmp(r->action, "garbage") == 0 ||
			    strcmp(r->action, "drop") == 0)) {
				say("starttls", NULL, "x");
				continue;
			}
			if (r != NULL && strcmp(r->action, "inject") == 0) {
				char b[700];
				int n = snprintf(b, sizeof(b), "220 2.0.0 go "
				    "ahead\r\n%s\r\n", r->arg);
				out_raw(b, (size_t)n);
			} else {
				say("starttls-ok", NULL, "220 2.0.0 go ahead");
				if (r != NULL && strcmp(r->action,
				    "inject-later") == 0) {
					char b[600];
					int n = snprintf(b, sizeof(b),
					    "%s\r\n", r->arg);
					usleep(200000);
					out_raw(b, (size_t)n);
				}
			}
			/* Whatever the client sent along is discarded, as
			 * RFC 3207 requires. */
			in_off = in_len = 0;
			{
				FILE *fp;
				char p[700];
				snprintf(p, sizeof(p), "%s/tls", cdir);
				if ((fp = fopen(p, "w")) != NULL) {
					fprintf(fp, "starttls\n");
					fclose(fp);
				}
			}
			starttls();
			authed = 0;
		} else if (!strncasecmp(line, "AUTH ", 5)) {
			if (userpass == NULL)
				say("noauth", NULL, "502 5.5.1 no AUTH here");
			else
				authed = auth(line + 5);
		} else if (!strncasecmp(line, "MAIL FROM:", 10)) {
			if (userpass != NULL && !authed) {
				say("needauth", NULL, "530 5.7.0 authentication "
				    "required");
				continue;
			}
			{
				const char *sz = strcasestr(line, "SIZE=");
				if (sz && strtoul(sz + 5, NULL, 10) >
				    size_limit) {
					say("size", NULL, "552 5.3.4 too big");
					continue;
				}
			}
			snprintf(from, sizeof(from), "%.1000s", line + 10);
			rcpts[0] = '\0';
			nrcpt = 0;
			has_from = 1;
			say("mail", line + 10, "250 2.1.0 Ok");
			if (find("mail", NULL) &&
			    isdigit((unsigned char)find("mail", NULL)->action[0]))
				has_from = 0;
		} else if (!strncasecmp(line, "RCPT TO:", 8)) {
			const struct rule *r = find("rcpt", line + 8);
			if (!has_from) {
				say("norcpt", NULL, "503 5.5.1 need MAIL");
				continue;
			}
			if (r == NULL || !isdigit((unsigned char)r->action[0]) ||
			    r->action[0] == '2') {
				size_t o = strlen(rcpts);
				snprintf(rcpts + o, sizeof(rcpts) - o, "%.1000s\n",
				    line + 8);
				nrcpt++;
			}
			say("rcpt", line + 8, "250 2.1.5 Ok");
		} else if (!strcasecmp(line, "DATA")) {
			const struct rule *r = find("data", NULL);
			if (!has_from || nrcpt == 0) {
				say("nodata", NULL, "554 5.5.1 no valid "
				    "recipients");
				continue;
			}
			if (r != NULL) {
				say("data", NULL, "x");
				continue;
			}
			data(++msgno, from, rcpts);
			has_from = 0;
		} else if (!strcasecmp(line, "RSET")) {
			has_from = 0;
			say("rset", NULL, "250 2.0.0 Ok");
		} else if (!strcasecmp(line, "NOOP")) {
			say("noop", NULL, "250 2.0.0 Ok");
		} else if (!strncasecmp(line, "VRFY", 4)) {
			say("vrfy", NULL, "252 2.0.0 maybe");
		} else if (!strcasecmp(line, "QUIT")) {
			say("quit", NULL, "221 2.0.0 Bye");
			if (tls_on)
				br_sslio_close(&io);
			exit(0);
		} else
			say("unknown", NULL, "500 5.5.2 unknown command");
	}
}

static void
read_script(const char *path)
{
	char buf[1024];
	FILE *fp = fopen(path, "r");

	if (fp == NULL)
		die("%s: %s", path, strerror(errno));
	while (fgets(buf, sizeof(buf), fp) != NULL) {
		char *p = buf, w1[64] = "", w2[64] = "";
		struct rule *r;
		int n = 0;

		buf[strcspn(buf, "\r\n")] = '\0';
		while (*p == ' ')
			p++;
		if (*p == '#' || *p == '\0')
			continue;
		if (sscanf(p, "%63s %63s %n", w1, w2, &n) < 1)
			continue;
		if (!strcmp(w1, "auth-mechs")) {
			snprintf(mechs, sizeof(mechs), "%s", p + 11);
			continue;
		}
		if (!strcmp(w1, "ext")) {
			size_t o = strlen(noext);
			snprintf(noext + o, sizeof(noext) - o, " %s ", w2 +
			    (w2[0] == '-'));
			continue;
		}
		if (!strcmp(w1, "sendas")) {
			snprintf(sendas, sizeof(sendas), "%s", w2);
			continue;
		}
		if (!strcmp(w1, "size")) {
			size_limit = strtoul(w2, NULL, 10);
			continue;
		}
		if (!strcmp(w1, "auth-before-tls")) {
			auth_before_tls = 1;
			continue;
		}
		if (nrules == RULES_MAX)
			die("too many rules");
		r = &rules[nrules++];
		if (!strcmp(w1, "conn")) {
			r->conn = atoi(w2);
			p += n;
			n = 0;
			if (sscanf(p, "%63s %63s %n", w1, w2, &n) < 2)
				die("bad rule: %s", buf);
		}
		snprintf(r->stage, sizeof(r->stage), "%s", w1);
		snprintf(r->action, sizeof(r->action), "%s", w2);
		snprintf(r->arg, sizeof(r->arg), "%s", n > 0 ? p + n : "");
	}
	fclose(fp);
}

/* -L N[:432]: at most N sessions at once, as a provider caps concurrent
 * connections. One more is refused ("421 4.7.0 Too many concurrent SMTP
 * connections" as its greeting, or with :432 Microsoft's "432 4.3.2
 * Concurrent connections limit exceeded." to MAIL) and noted in
 * DIR/refused; DIR/maxconc holds the most sessions seen at once. A
 * session counts until its child says bye (atexit, before its socket is
 * closed), so a client that saw the close is never counted twice. */
#define LIVE_MAX	4096
static int cap, cap_432;
static int byefd[2] = { -1, -1 };
static pid_t live[LIVE_MAX];
static int nlive, maxconc;

static void
bye(void)
{
	pid_t p = getpid();

	(void)!write(byefd[1], &p, sizeof(p));
}

static void
live_drop(pid_t p)
{
	int i;

	for (i = 0; i < nlive; i++)
		if (live[i] == p) {
			live[i] = live[--nlive];
			return;
		}
}

/* The sessions still running: byes read, and any child gone without
 * one (killed) dropped. */
static void
live_count(void)
{
	pid_t p;
	int i;

	while (read(byefd[0], &p, sizeof(p)) == (ssize_t)sizeof(p))
		live_drop(p);
	for (i = 0; i < nlive; i++)
		if (kill(live[i], 0) == -1 && errno == ESRCH)
			live[i--] = live[--nlive];
}

static void
note(const char *file, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A line in DIR/file (not the connection's directory). */
static void
note(const char *file, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(dir, file, fmt, ap);
	va_end(ap);
}

/* The refusal over the cap: the session's first rule. */
static void
refuse_over_cap(void)
{
	struct rule *r;

	if (nrules == RULES_MAX)
		nrules--;
	memmove(&rules[1], &rules[0], (size_t)nrules * sizeof(rules[0]));
	nrules++;
	r = &rules[0];
	memset(r, 0, sizeof(*r));
	snprintf(r->stage, sizeof(r->stage), "%s", cap_432 ? "mail" :
	    "greeting");
	snprintf(r->action, sizeof(r->action), "%s", cap_432 ? "432" : "421");
	snprintf(r->arg, sizeof(r->arg), "%s", cap_432 ?
	    "4.3.2 Concurrent connections limit exceeded." :
	    "4.7.0 Too many concurrent SMTP connections");
}

static volatile sig_atomic_t done;

static void
on_term(int sig)
{
	(void)sig;
	done = 1;
}

int
main(int argc, char *argv[])
{
	const char *portfile = NULL, *cert = NULL, *key = NULL;
	struct sockaddr_storage ss;
	socklen_t sl;
	int c, port = 0, v6 = 0, lfd, one = 1;
	char buf[700], tmp[700];
	FILE *fp;

	while ((c = getopt(argc, argv, "d:P:m:c:k:u:A:s:V:p:T:e:6L:")) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'P': portfile = optarg; break;
		case 'm': mode = optarg; break;
		case 'c': cert = optarg; break;
		case 'k': key = optarg; break;
		case 'u': userpass = optarg; break;
		case 'A': {
			/* The CA's certificate becomes the one anchor. */
			size_t before = nchain;
			br_x509_decoder_context dc;
			static struct dnbuf dn;
			const br_x509_pkey *pk;
			load_pem(optarg);
			if (nchain == before)
				die("%s: no certificate", optarg);
			br_x509_decoder_init(&dc, dn_add, &dn);
			br_x509_decoder_push(&dc, chain[before].data,
			    chain[before].data_len);
			if ((pk = br_x509_decoder_get_pkey(&dc)) == NULL)
				die("%s: cannot decode", optarg);
			client_ta.dn.data = dn.b;
			client_ta.dn.len = dn.n;
			client_ta.flags = BR_X509_TA_CA;
			client_ta.pkey = *pk;	/* points into dc: copy */
			{
				static unsigned char k1[1024], k2[1024];
				if (pk->key_type == BR_KEYTYPE_RSA) {
					memcpy(k1, pk->key.rsa.n, pk->key.rsa.nlen);
					memcpy(k2, pk->key.rsa.e, pk->key.rsa.elen);
					client_ta.pkey.key.rsa.n = k1;
					client_ta.pkey.key.rsa.e = k2;
				} else {
					memcpy(k1, pk->key.ec.q, pk->key.ec.qlen);
					client_ta.pkey.key.ec.q = k1;
				}
			}
			nchain = before;	/* not part of our own chain */
			want_client_cert = 1;
			break;
		}
		case 's': read_script(optarg); break;
		case 'V':
			maxver = minver = strcmp(optarg, "1.0") == 0 ? BR_TLS10
			    : strcmp(optarg, "1.1") == 0 ? BR_TLS11 : BR_TLS12;
			break;
		case 'p': port = atoi(optarg); break;
		case 'T': tokens_file = optarg; break;
		case 'e':
			if (strcmp(optarg, "p256") != 0 &&
			    strcmp(optarg, "p384") != 0)
				die("-e %s: p256 or p384", optarg);
			ec_one_curve = br_ec_all_m31;
			ec_one_curve.supported_curves = (uint32_t)1 <<
			    (optarg[1] == '2' ? BR_EC_secp256r1 :
			    BR_EC_secp384r1);
			ecdhe_impl = &ec_one_curve;
			break;
		case '6': v6 = 1; break;
		case 'L':
			cap = atoi(optarg);
			cap_432 = strstr(optarg, ":432") != NULL;
			break;
		default: die("usage: smarthost -d DIR -P PORTFILE [-m mode] "
		    "[-c chain -k key] [-u user:pass] [-s script] [-e p256|p384]");
		}
	}
	if (dir == NULL || portfile == NULL)
		die("-d and -P are required");
	if (strcmp(mode, "dns") == 0) {
		dns_serve(dir, port, portfile);
		return 0;
	}
	if (strcmp(mode, "plain") != 0) {
		if (cert == NULL || key == NULL)
			die("-c and -k are required for TLS");
		load_pem(cert);
		load_pem(key);
		if (nchain == 0)
			die("%s: no certificate", cert);
	}
	memset(&ss, 0, sizeof(ss));
	if (v6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		s6->sin6_port = htons((unsigned short)port);
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		s4->sin_port = htons((unsigned short)port);
		sl = sizeof(*s4);
	}
	if (cap > 0 && (pipe(byefd) == -1 ||
	    fcntl(byefd[0], F_SETFL, O_NONBLOCK) == -1))
		die("pipe: %s", strerror(errno));
	if ((lfd = socket(ss.ss_family, SOCK_STREAM, 0)) == -1)
		die("socket: %s", strerror(errno));
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&ss, sl) == -1 ||
	    listen(lfd, 64) == -1)
		die("bind: %s", strerror(errno));
	getsockname(lfd, (struct sockaddr *)&ss, &sl);
	port = ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	snprintf(buf, sizeof(buf), "%s/pid", dir);
	if ((fp = fopen(buf, "w")) != NULL) {
		fprintf(fp, "%ld\n", (long)getpid());
		fclose(fp);
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", portfile);
	if ((fp = fopen(tmp, "w")) == NULL)
		die("%s: %s", tmp, strerror(errno));
	fprintf(fp, "%d\n", port);
	fclose(fp);
	rename(tmp, portfile);

	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_IGN);	/* children are reaped by the kernel */
	{
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_term;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
	}
	while (!done) {
		int cfd = accept(lfd, NULL, NULL), over = 0;
		pid_t pid;
		if (cfd == -1)
			continue;
		if (cap > 0) {
			live_count();
			over = nlive >= cap;
		}
		/* Replies are written one by one; without this, Nagle holds
		 * each after the first for the client's delayed ACK. */
		setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		/* Number the connection race-free: mkdir is atomic. */
		for (connno = 1;; connno++) {
			snprintf(cdir, sizeof(cdir), "%s/conn-%d", dir, connno);
			if (mkdir(cdir, 0755) == 0 || errno != EEXIST)
				break;
		}
		if ((pid = fork()) == 0) {
			close(lfd);
			signal(SIGTERM, SIG_DFL);
			fd = cfd;
			if (over)
				refuse_over_cap();
			else if (cap > 0)
				atexit(bye);
			if (strcmp(mode, "idp") == 0)
				idp_serve(dir);
			else
				session();
			exit(0);
		}
		if (pid > 0 && over)
			note("refused", "%d\n", connno);
		else if (pid > 0 && cap > 0 && nlive < LIVE_MAX) {
			live[nlive++] = pid;
			if (nlive > maxconc) {
				FILE *mf;
				maxconc = nlive;
				snprintf(buf, sizeof(buf), "%s/maxconc", dir);
				if ((mf = fopen(buf, "w")) != NULL) {
					fprintf(mf, "%d\n", maxconc);
					fclose(mf);
				}
			}
		}
		close(cfd);
	}
	return 0;
}
