/* relaymail: the SMTP client dialogue. ISC licence, see LICENSE.
 * Straight-line blocking code: send, read the reply, classify. Replies
 * are bounded (line length, line count) and checked (three digits, the
 * same code on every line, printable text). Bytes that arrived before the
 * TLS handshake never count as a reply (conn_starttls refuses them). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "auth.h"
#include "log.h"
#include "smtp.h"
#include "smtp_int.h"
#include "util.h"

static const char *smtp_stages[] = {
	"connect", "greeting", "EHLO", "STARTTLS", "AUTH", "MAIL FROM",
	"RCPT TO", "DATA", "end of data", "RSET", "QUIT"
};

/* see smtp.h */
const char *
smtp_stage_name(enum smtp_stage st)
{
	return smtp_stages[st];
}

/* see smtp_int.h */
int
smtp_fail(struct smtp *s, struct smtp_result *res, enum smtp_stage st,
    enum err_class class, const char *fmt, ...)
{
	va_list ap;

	res->stage = st;
	res->code = 0;
	res->class = class;
	va_start(ap, fmt);
	vsnprintf(res->text, sizeof(res->text), fmt, ap);
	va_end(ap);
	/* Only a message the server cannot take leaves the session sane. */
	if (class != ERR_DATA)
		s->usable = 0;
	return -1;
}

/* see smtp_int.h */
int
smtp_conn_failed(struct smtp *s, struct smtp_result *res, enum smtp_stage st)
{
	s->usable = 0;
	return smtp_fail(s, res, st, ERR_TEMP, "%s", conn_error(s->c));
}

/* Copies reply text, keeping it printable and on one line. */
static void
smtp_add_text(char *dst, size_t dstlen, const char *src, size_t len)
{
	size_t o = strlen(dst), i;

	if (o > 0 && o + 1 < dstlen)
		dst[o++] = ' ';
	for (i = 0; i < len && o + 1 < dstlen; i++) {
		unsigned char ch = (unsigned char)src[i];
		dst[o++] = (ch < 0x20 || ch == 0x7f) ? '?' : (char)ch;
	}
	dst[o] = '\0';
}

typedef void (*smtp_line_fn)(struct smtp *, const char *text, size_t len);

/* Reads one whole reply. Returns its code (200-599), or -1 with res set.
 * Every line goes to cb (if any) without its code. */
static int
smtp_read_reply(struct smtp *s, enum smtp_stage st, struct smtp_result *res,
    smtp_line_fn cb)
{
	char *line;
	size_t len;
	int code = 0, n, r;

	res->stage = st;
	res->text[0] = '\0';
	res->class = ERR_NONE;
	conn_timeout(s->c, st == SMTP_EOM && s->p->data_timeout > 0 ?
	    s->p->data_timeout : s->p->timeout);
	for (n = 0;; n++) {
		r = conn_getline(s->c, &line, &len);
		if (r == 0)
			return smtp_fail(s, res, st, ERR_TEMP, "connection "
			    "closed by the server");
		if (r == -1)
			return smtp_conn_failed(s, res, st);
		log_dialogue(0, line, len);
		if (n >= SMTP_REPLY_LINES_MAX)
			return smtp_fail(s, res, st, ERR_PROTO,
			    "reply longer than %d "
			    "lines", SMTP_REPLY_LINES_MAX);
		if (len > SMTP_LINE_MAX)
			return smtp_fail(s, res, st, ERR_PROTO,
			    "reply line longer "
			    "than %d bytes", SMTP_LINE_MAX);
		if (len < 3 || line[0] < '2' || line[0] > '5' ||
		    line[1] < '0' || line[1] > '9' || line[2] < '0' ||
		    line[2] > '9' || (len > 3 && line[3] != ' ' &&
		    line[3] != '-')) {
			char bad[100] = "";
			smtp_add_text(bad, sizeof(bad), line,
			    len > 80 ? 80 : len);
			s->usable = 0;
			return smtp_fail(s, res, st, ERR_PROTO,
			    "malformed reply: "
			    "\"%s\"", bad);
		}
		r = (line[0] - '0') * 100 + (line[1] - '0') * 10 +
		    (line[2] - '0');
		if (n > 0 && r != code)
			return smtp_fail(s, res, st, ERR_PROTO,
			    "reply lines disagree: "
			    "%d then %d", code, r);
		code = r;
		if (len > 4) {
			if (n < 4)	/* enough text for any message */
				smtp_add_text(res->text, sizeof(res->text),
				    line + 4, len - 4);
			if (cb != NULL)
				cb(s, line + 4, len - 4);
		}
		if (len == 3 || line[3] == ' ')
			break;
	}
	res->code = code;
	return code;
}

/* RFC 5321 4.3.2: MAIL, RCPT and the end of data are answered 2xx, 4xx
 * or 5xx, DATA 354, 4xx or 5xx. Any other reply means the dialogue is
 * out of step (a doubled or stray reply): a protocol error, never a
 * verdict on the message. Returns code, or -1 with res. */
static int
smtp_expect(struct smtp *s, struct smtp_result *res, int code, int want)
{
	if (code == -1 || code / 100 == want / 100 || code / 100 == 4 ||
	    code / 100 == 5)
		return code;
	return smtp_fail(s, res, res->stage, ERR_PROTO, "protocol error: "
	    "%s answered %d %.200s", smtp_stage_name(res->stage), code,
	    res->text);
}

/* After the 354 and after the reply to the end of data the server has
 * nothing more to say until we speak: anything already waiting is a
 * stray reply, and trusting it would put the dialogue out of step. */
static int
smtp_nothing_pending(struct smtp *s, struct smtp_result *res,
    enum smtp_stage st)
{
	if (conn_pending(s->c) == 0)
		return 0;
	return smtp_fail(s, res, st, ERR_PROTO, "protocol error: the server "
	    "sent more than its reply to %s", smtp_stage_name(st));
}

/* Writes one command line (refused if it holds CR or LF) without
 * flushing. 0, or -1 with res. */
static int
smtp_vcommand(struct smtp *s, enum smtp_stage st, struct smtp_result *res,
    const char *fmt, va_list ap)
{
	char buf[1024];
	int n;

	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0 || (size_t)n + 2 >= sizeof(buf))
		return smtp_fail(s, res, st, ERR_DATA, "command too long");
	if (strpbrk(buf, "\r\n") != NULL)
		return smtp_fail(s, res, st, ERR_DATA, "refusing to send a "
		    "command with CR or LF in it");
	log_dialogue(1, buf, (size_t)n);
	memcpy(buf + n, "\r\n", 2);
	conn_timeout(s->c, s->p->timeout);
	if (conn_write(s->c, buf, (size_t)n + 2) == -1)
		return smtp_conn_failed(s, res, st);
	return 0;
}

static int
smtp_command(struct smtp *s, enum smtp_stage st, struct smtp_result *res,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
smtp_command(struct smtp *s, enum smtp_stage st, struct smtp_result *res,
    const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = smtp_vcommand(s, st, res, fmt, ap);
	va_end(ap);
	return r;
}

/* see smtp_int.h */
int
smtp_flush(struct smtp *s, struct smtp_result *res, enum smtp_stage st)
{
	conn_timeout(s->c, s->p->timeout);
	if (conn_flush(s->c) == -1)
		return smtp_conn_failed(s, res, st);
	return 0;
}

/* One step: a command (printf style), flush, the reply (its lines go to
 * cb if not NULL). The reply code, or -1 with res. */
static int
smtp_step(struct smtp *s, enum smtp_stage st, struct smtp_result *res,
    smtp_line_fn cb, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int
smtp_step(struct smtp *s, enum smtp_stage st, struct smtp_result *res,
    smtp_line_fn cb, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = smtp_vcommand(s, st, res, fmt, ap);
	va_end(ap);
	if (r == -1 || smtp_flush(s, res, st) == -1)
		return -1;
	return smtp_read_reply(s, st, res, cb);
}

static void
smtp_ehlo_line(struct smtp *s, const char *text, size_t len)
{
	char kw[64];
	size_t n = 0;

	while (n < len && n + 1 < sizeof(kw) && text[n] != ' ' &&
	    text[n] != '=') {
		kw[n] = text[n];
		n++;
	}
	kw[n] = '\0';
	if (strcasecmp(kw, "STARTTLS") == 0)
		s->ext |= SMTP_EXT_STARTTLS;
	else if (strcasecmp(kw, "PIPELINING") == 0)
		s->ext |= SMTP_EXT_PIPELINING;
	else if (strcasecmp(kw, "8BITMIME") == 0)
		s->ext |= SMTP_EXT_8BITMIME;
	else if (strcasecmp(kw, "SMTPUTF8") == 0)
		s->ext |= SMTP_EXT_SMTPUTF8;
	else if (strcasecmp(kw, "DSN") == 0)
		s->ext |= SMTP_EXT_DSN;
	else if (strcasecmp(kw, "ENHANCEDSTATUSCODES") == 0)
		s->ext |= SMTP_EXT_ENHANCED;
	else if (strcasecmp(kw, "SIZE") == 0) {
		char num[32];
		size_t k = len - n > sizeof(num) - 1 ? sizeof(num) - 1 :
		    len - n;
		s->ext |= SMTP_EXT_SIZE;
		memcpy(num, text + n, k);
		num[k] = '\0';
		s->size_max = strtoul(num, NULL, 10);
	} else if (strcasecmp(kw, "AUTH") == 0) {
		char list[256];
		size_t k = len - n > sizeof(list) - 1 ? sizeof(list) - 1 :
		    len - n;
		memcpy(list, text + n, k);
		list[k] = '\0';
		s->ext |= SMTP_EXT_AUTH;
		s->mechs |= auth_parse_mechs(list);
	}
}

static int
smtp_ehlo(struct smtp *s, struct smtp_result *res)
{
	int code;

	/* Capabilities learnt before TLS are forgotten (RFC 3207 4.2). */
	s->ext = 0;
	s->mechs = 0;
	s->size_max = 0;
	code = smtp_step(s, SMTP_EHLO, res, smtp_ehlo_line, "EHLO %s",
	    s->p->helo);
	if (code >= 500 && code <= 504)		/* an RFC 821 server */
		code = smtp_step(s, SMTP_EHLO, res, NULL, "HELO %s",
		    s->p->helo);
	if (code == 250)
		return 0;
	if (code != -1)
		s->usable = 0;
	return -1;
}

/* The SASL exchange for mechanism m, with buf (buflen bytes) as scratch
 * for the encoded secrets; the caller wipes it. The last reply code, or
 * -1 with res. */
static int
smtp_auth_exchange(struct smtp *s, enum auth_mech m, char *buf,
    size_t buflen, struct smtp_result *res)
{
	const struct smtp_params *p = s->p;
	int code = -1;

	switch (m) {
	case AUTH_PLAIN:
		/* RFC 4954 initial response: one round trip. */
		if (auth_plain(p->user, p->secret, buf, buflen) == -1)
			break;
		return smtp_step(s, SMTP_AUTH, res, NULL, "AUTH PLAIN %s", buf);
	case AUTH_LOGIN:
		code = smtp_step(s, SMTP_AUTH, res, NULL, "AUTH LOGIN");
		if (code != 334)
			return code;
		if (util_b64_encode(p->user, strlen(p->user), buf, buflen) < 0)
			break;
		code = smtp_step(s, SMTP_AUTH, res, NULL, "%s", buf);
		if (code != 334)
			return code;
		if (util_b64_encode(p->secret, strlen(p->secret), buf,
		    buflen) < 0)
			break;
		return smtp_step(s, SMTP_AUTH, res, NULL, "%s", buf);
	case AUTH_CRAM_MD5:
		code = smtp_step(s, SMTP_AUTH, res, NULL, "AUTH CRAM-MD5");
		if (code != 334)
			return code;
		if (auth_cram_md5(p->user, p->secret, res->text, buf,
		    buflen) == -1)
			return smtp_fail(s, res, SMTP_AUTH, ERR_PROTO,
			    "bad CRAM-MD5 challenge");
		return smtp_step(s, SMTP_AUTH, res, NULL, "%s", buf);
	case AUTH_XOAUTH2:
		if (auth_xoauth2(p->user, p->secret, buf, buflen) == -1)
			break;
		code = smtp_step(s, SMTP_AUTH, res, NULL, "AUTH XOAUTH2 %s",
		    buf);
		if (code == 334)	/* an error report in JSON: ack it */
			code = smtp_step(s, SMTP_AUTH, res, NULL, "%s", "");
		return code;
	case AUTH_OAUTHBEARER:
		if (auth_oauthbearer(p->user, p->secret, p->host, p->port,
		    buf, buflen) == -1)
			break;
		code = smtp_step(s, SMTP_AUTH, res, NULL, "AUTH OAUTHBEARER %s",
		    buf);
		if (code == 334)
			code = smtp_step(s, SMTP_AUTH, res, NULL, "%s", "\001");
		return code;
	}
	return smtp_fail(s, res, SMTP_AUTH, ERR_CONFIG, "credentials too long");
}

static int
smtp_auth(struct smtp *s, struct smtp_result *res)
{
	const struct smtp_params *p = s->p;
	char buf[4096];
	enum auth_mech m;
	int code;

	if (!s->tls && !p->auth_plaintext)
		return smtp_fail(s, res, SMTP_AUTH, ERR_CONFIG, "refusing to "
		    "send credentials without TLS");
	if (!(s->ext & SMTP_EXT_AUTH))
		return smtp_fail(s, res, SMTP_AUTH, ERR_CONFIG, "the server "
		    "offers no AUTH although a user is configured");
	m = auth_choose(s->mechs, p->auth_forced, s->tls);
	if (m == 0)
		return smtp_fail(s, res, SMTP_AUTH, ERR_CONFIG, "no usable "
		    "AUTH mechanism offered%s", p->auth_forced ?
		    " (the one set by auth = is not offered)" : "");
	code = smtp_auth_exchange(s, m, buf, sizeof(buf), res);
	explicit_bzero(buf, sizeof(buf));
	if (code == 235)
		return 0;
	if (code == -1)
		return -1;
	s->usable = 0;
	if (code == 334)	/* a server that wants more than we know */
		return smtp_fail(s, res, SMTP_AUTH, ERR_PROTO, "%s: unexpected "
		    "334",
		    auth_name(m));
	return -1;
}

/* see smtp.h */
int
smtp_open(struct smtp *s, struct conn *c, const struct smtp_params *p,
    struct smtp_result *res)
{
	char why[256];
	int code;

	memset(s, 0, sizeof(*s));
	memset(res, 0, sizeof(*res));
	s->c = c;
	s->p = p;
	s->tls = p->tls;
	s->usable = 1;
	if (strpbrk(p->helo, "\r\n ") != NULL || p->helo[0] == '\0')
		return smtp_fail(s, res, SMTP_EHLO, ERR_CONFIG,
		    "bad EHLO name");
	code = smtp_read_reply(s, SMTP_GREETING, res, NULL);
	if (code == -1)
		return -1;
	if (code != 220) {
		s->usable = 0;
		return -1;
	}
	if (smtp_ehlo(s, res) == -1)
		return -1;
	if (p->starttls && !s->tls) {
		if (!(s->ext & SMTP_EXT_STARTTLS))
			return smtp_fail(s, res, SMTP_STARTTLS, ERR_CONFIG,
			    "the server "
			    "does not offer STARTTLS (tls = starttls "
			    "requires it)");
		code = smtp_step(s, SMTP_STARTTLS, res, NULL, "STARTTLS");
		if (code == -1)
			return -1;
		if (code != 220) {
			s->usable = 0;
			return -1;
		}
		if (p->start_tls(p->arg, c, why, sizeof(why)) == -1)
			return smtp_fail(s, res, SMTP_STARTTLS, ERR_TEMP,
			    "%s", why);
		s->tls = 1;
		if (smtp_ehlo(s, res) == -1)
			return -1;
	}
	if (p->user != NULL && smtp_auth(s, res) == -1)
		return -1;
	return 0;
}

/* RFC 3461 xtext for ENVID. */
static void
smtp_xtext(char *out, size_t outlen, const char *in)
{
	size_t o = 0;

	for (; *in != '\0' && o + 4 < outlen; in++) {
		unsigned char ch = (unsigned char)*in;
		if (ch < 33 || ch > 126 || ch == '+' || ch == '=')
			o += (size_t)snprintf(out + o, outlen - o, "+%02X",
			    ch);
		else
			out[o++] = (char)ch;
	}
	out[o] = '\0';
}

static int
smtp_check_addr(struct smtp *s, struct smtp_result *res, enum smtp_stage st,
    const char *a)
{
	for (; *a != '\0'; a++)
		if ((unsigned char)*a < 0x20 || *a == 0x7f || *a == '<' ||
		    *a == '>')
			return smtp_fail(s, res, st, ERR_DATA, "address "
			    "contains a "
			    "control character or angle bracket");
	return 0;
}


static int
smtp_rset(struct smtp *s)
{
	struct smtp_result r;

	if (!s->usable)
		return -1;
	if (smtp_step(s, SMTP_RSET, &r, NULL, "RSET") != 250) {
		s->usable = 0;
		return -1;
	}
	s->dirty = 0;
	return 0;
}

/* One transaction's replies, collected in command order (RFC 2920) with
 * or without PIPELINING: command 0 is MAIL, 1..nrcpts the RCPTs, and
 * nrcpts + 1 is DATA. Without PIPELINING each command's reply is
 * collected before the next command is sent. */
struct smtp_txn {
	struct envelope	*env;
	int		 pipelining;
	int		 next;		/* first command not answered */
	int		 accepted;	/* RCPTs answered 250 or 251 */
	int		 mail_refused;	/* MAIL got no 250 */
};

/* The checks before a transaction: the session, RSET if needed, the
 * addresses, SMTPUTF8 and SIZE. 0, or -1 with res. */
static int
smtp_send_check(struct smtp *s, struct envelope *env, struct smtp_result *res)
{
	int i;

	if (!s->usable)
		return smtp_fail(s, res, SMTP_MAIL, ERR_TEMP, "session not "
		    "usable");
	if (conn_pending(s->c) > 0)
		return smtp_fail(s, res, SMTP_MAIL, ERR_PROTO, "protocol "
		    "error: the server sent a reply nobody asked for");
	if (s->dirty && smtp_rset(s) == -1)
		return smtp_fail(s, res, SMTP_RSET, ERR_TEMP, "RSET failed");
	if (smtp_check_addr(s, res, SMTP_MAIL, env->from) == -1)
		return -1;
	for (i = 0; i < env->nrcpts; i++) {
		env->rcpts[i].code = 0;
		env->rcpts[i].text[0] = '\0';
		if (smtp_check_addr(s, res, SMTP_RCPT,
		    env->rcpts[i].addr) == -1)
			return -1;
	}
	if (env->utf8 && !(s->ext & SMTP_EXT_SMTPUTF8))
		return smtp_fail(s, res, SMTP_MAIL, ERR_DATA,
		    "an address is not "
		    "ASCII and the server does not offer SMTPUTF8");
	if (s->size_max > 0 && (unsigned long long)env->len > s->size_max)
		return smtp_fail(s, res, SMTP_MAIL, ERR_DATA,
		    "message of %lld bytes "
		    "exceeds the server's limit of %lu bytes",
		    (long long)env->len, s->size_max);
	return 0;
}

/* The MAIL FROM parameters the server's extensions allow. */
static void
smtp_mail_params(struct smtp *s, const struct envelope *env, char *params,
    size_t len)
{
	char envid[200];
	int n = 0;

	params[0] = '\0';
	if (s->ext & SMTP_EXT_SIZE)
		n += snprintf(params + n, len - n, " SIZE=%lld",
		    (long long)env->len);
	if (env->eightbit && (s->ext & SMTP_EXT_8BITMIME))
		n += snprintf(params + n, len - n, " BODY=8BITMIME");
	if (env->utf8)
		n += snprintf(params + n, len - n, " SMTPUTF8");
	if (!(s->ext & SMTP_EXT_DSN))
		return;
	if (env->ret != NULL)
		n += snprintf(params + n, len - n, " RET=%s",
		    strcasecmp(env->ret, "full") == 0 ? "FULL" : "HDRS");
	if (env->envid != NULL) {
		smtp_xtext(envid, sizeof(envid), env->envid);
		snprintf(params + n, len - n, " ENVID=%s", envid);
	}
}

/* Reads the reply to DATA. With no recipient accepted the transaction is
 * over whatever the server says: res keeps the RCPT refusal, and a
 * server that still said 354 gets an empty message ended at once, which
 * it must discard. 0 on 354 with recipients, else -1. */
static int
smtp_data_reply(struct smtp *s, struct smtp_txn *t, struct smtp_result *res)
{
	struct smtp_result last = *res, ignore;
	int code;

	code = smtp_read_reply(s, SMTP_DATA, res, NULL);
	if (smtp_expect(s, res, code, 354) == -1)
		return -1;
	if (t->accepted > 0)
		return code == 354 ? smtp_nothing_pending(s, res, SMTP_DATA) :
		    -1;
	*res = last;
	if (code == 354 && (conn_write(s->c, ".\r\n", 3) == -1 ||
	    smtp_flush(s, &ignore, SMTP_EOM) == -1 ||
	    smtp_read_reply(s, SMTP_EOM, &ignore, NULL) == -1))
		s->usable = 0;
	return -1;
}

/* Reads the reply to command k (see struct smtp_txn). res keeps the MAIL
 * reply, then the last RCPT refusal. 0 to go on, or -1 with res. */
static int
smtp_txn_reply(struct smtp *s, struct smtp_txn *t, int k,
    struct smtp_result *res)
{
	struct smtp_rcpt *r;
	struct smtp_result rr;
	int code;

	if (t->mail_refused)	/* the rest are answers to nothing */
		return smtp_read_reply(s, SMTP_RCPT, &rr, NULL) == -1 ? -1 : 0;
	if (k == 0) {
		code = smtp_read_reply(s, SMTP_MAIL, res, NULL);
		if (smtp_expect(s, res, code, 250) == -1)
			return -1;
		t->mail_refused = code != 250;
		return 0;
	}
	if (k > t->env->nrcpts)
		return smtp_data_reply(s, t, res);
	r = &t->env->rcpts[k - 1];
	code = smtp_read_reply(s, SMTP_RCPT, &rr, NULL);
	if (smtp_expect(s, &rr, code, 250) == -1) {
		*res = rr;
		return -1;
	}
	r->code = code;
	util_strlcpy(r->text, rr.text, sizeof(r->text));
	if (code == 250 || code == 251)
		t->accepted++;
	else
		*res = rr;
	return 0;
}

/* Flushes and reads the replies of every command before upto, the one
 * loop for both modes. 0, or -1 with res (MAIL refused: its reply). */
static int
smtp_txn_collect(struct smtp *s, struct smtp_txn *t, int upto,
    struct smtp_result *res)
{
	int last = upto - 1;

	if (smtp_flush(s, res, last == 0 ? SMTP_MAIL :
	    last <= t->env->nrcpts ? SMTP_RCPT : SMTP_DATA) == -1)
		return -1;
	for (; t->next < upto; t->next++)
		if (smtp_txn_reply(s, t, t->next, res) == -1)
			return -1;
	return t->mail_refused ? -1 : 0;
}

/* The envelope: MAIL FROM and one RCPT TO per recipient. Without
 * PIPELINING each reply is read at once; with it they wait for DATA. */
static int
smtp_envelope(struct smtp *s, struct smtp_txn *t, struct smtp_result *res)
{
	const struct envelope *env = t->env;
	char params[512], notify[64] = "";
	int i;

	smtp_mail_params(s, env, params, sizeof(params));
	if (smtp_command(s, SMTP_MAIL, res, "MAIL FROM:<%s>%s", env->from,
	    params) == -1)
		return -1;
	if (!t->pipelining && smtp_txn_collect(s, t, 1, res) == -1)
		return -1;
	if ((s->ext & SMTP_EXT_DSN) && env->notify != NULL &&
	    strspn(env->notify, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ,") == strlen(env->notify))
		snprintf(notify, sizeof(notify), " NOTIFY=%.50s", env->notify);
	for (i = 0; i < env->nrcpts; i++) {
		if (smtp_command(s, SMTP_RCPT, res, "RCPT TO:<%s>%s",
		    env->rcpts[i].addr, notify) == -1)
			return -1;
		if (!t->pipelining && smtp_txn_collect(s, t, i + 2, res) == -1)
			return -1;
	}
	return 0;
}

/* DATA, the body and the final dot, and the reply to it. */
static int
smtp_data(struct smtp *s, struct smtp_txn *t, struct smtp_result *res)
{
	int code;

	if (!t->pipelining && t->accepted == 0)
		return -1;	/* res holds the last RCPT refusal */
	if (smtp_command(s, SMTP_DATA, res, "DATA") == -1 ||
	    smtp_txn_collect(s, t, t->env->nrcpts + 2, res) == -1)
		return -1;
	if (smtp_send_body(s, t->env, res) == -1)
		return -1;
	code = smtp_read_reply(s, SMTP_EOM, res, NULL);
	if (smtp_expect(s, res, code, 250) == -1 || code / 100 != 2)
		return -1;
	/* Never counted as sent when the server said more than 250. */
	if (smtp_nothing_pending(s, res, SMTP_EOM) == -1)
		return -1;
	s->dirty = 0;	/* a completed transaction resets the state */
	return 0;
}

/* see smtp.h */
int
smtp_send(struct smtp *s, struct envelope *env, struct smtp_result *res)
{
	struct smtp_txn t;

	memset(res, 0, sizeof(*res));
	memset(&t, 0, sizeof(t));
	t.env = env;
	t.pipelining = (s->ext & SMTP_EXT_PIPELINING) != 0;
	if (smtp_send_check(s, env, res) == -1)
		return -1;
	s->dirty = 1;
	if (smtp_envelope(s, &t, res) == -1)
		return -1;
	return smtp_data(s, &t, res);
}

/* see smtp.h */
void
smtp_quit(struct smtp *s)
{
	struct smtp_result r;

	if (!s->usable)
		return;
	/* The mail is handed off; the 221 tells us nothing we need. */
	if (smtp_command(s, SMTP_QUIT, &r, "QUIT") == 0)
		smtp_flush(s, &r, SMTP_QUIT);
	s->usable = 0;
}
