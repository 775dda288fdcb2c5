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
#include "util.h"

#define BODY_CHUNK	16384

static const char *stages[] = {
	"connect", "greeting", "EHLO", "STARTTLS", "AUTH", "MAIL FROM",
	"RCPT TO", "DATA", "end of data", "RSET", "QUIT"
};

/* see smtp.h */
const char *
smtp_stage_name(enum smtp_stage st)
{
	return stages[st];
}

/* A local or transport failure: code 0. */
static int
fail(struct smtp *s, struct smtp_result *res, enum smtp_stage st,
    int permanent, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int
fail(struct smtp *s, struct smtp_result *res, enum smtp_stage st,
    int permanent, const char *fmt, ...)
{
	va_list ap;

	res->stage = st;
	res->code = 0;
	res->permanent = permanent;
	va_start(ap, fmt);
	vsnprintf(res->text, sizeof(res->text), fmt, ap);
	va_end(ap);
	if (!permanent)
		s->usable = 0;
	return -1;
}

static int
conn_failed(struct smtp *s, struct smtp_result *res, enum smtp_stage st)
{
	s->usable = 0;
	return fail(s, res, st, 0, "%s", conn_error(s->c));
}

/* Copies reply text, keeping it printable and on one line. */
static void
add_text(char *dst, size_t dstlen, const char *src, size_t len)
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

typedef void (*line_cb)(struct smtp *, const char *text, size_t len);

/* Reads one whole reply. Returns its code (200-599), or -1 with res set.
 * Every line goes to cb (if any) without its code. */
static int
read_reply(struct smtp *s, enum smtp_stage st, struct smtp_result *res,
    line_cb cb)
{
	char *line;
	size_t len;
	int code = 0, n, r;

	res->stage = st;
	res->text[0] = '\0';
	res->permanent = 0;
	conn_timeout(s->c, s->p->timeout);
	for (n = 0;; n++) {
		r = conn_getline(s->c, &line, &len);
		if (r == 0)
			return fail(s, res, st, 0, "connection closed by the "
			    "server");
		if (r == -1)
			return conn_failed(s, res, st);
		log_dialogue(0, line, len);
		if (n >= SMTP_REPLY_LINES_MAX)
			return fail(s, res, st, 0, "reply longer than %d "
			    "lines", SMTP_REPLY_LINES_MAX);
		if (len > SMTP_LINE_MAX)
			return fail(s, res, st, 0, "reply line longer than "
			    "%d bytes", SMTP_LINE_MAX);
		if (len < 3 || line[0] < '2' || line[0] > '5' ||
		    line[1] < '0' || line[1] > '9' || line[2] < '0' ||
		    line[2] > '9' || (len > 3 && line[3] != ' ' &&
		    line[3] != '-')) {
			char bad[100] = "";
			add_text(bad, sizeof(bad), line, len > 80 ? 80 : len);
			s->usable = 0;
			return fail(s, res, st, 0, "malformed reply: \"%s\"",
			    bad);
		}
		r = (line[0] - '0') * 100 + (line[1] - '0') * 10 +
		    (line[2] - '0');
		if (n > 0 && r != code)
			return fail(s, res, st, 0, "reply lines disagree: "
			    "%d then %d", code, r);
		code = r;
		if (len > 4) {
			if (n < 4)	/* enough text for any message */
				add_text(res->text, sizeof(res->text),
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

/* Sends one command line (already checked for CR/LF) and flushes. */
static int
command(struct smtp *s, enum smtp_stage st, struct smtp_result *res,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
command(struct smtp *s, enum smtp_stage st, struct smtp_result *res,
    const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 2 >= sizeof(buf))
		return fail(s, res, st, 1, "command too long");
	if (strpbrk(buf, "\r\n") != NULL)
		return fail(s, res, st, 1, "refusing to send a command "
		    "with CR or LF in it");
	log_dialogue(1, buf, (size_t)n);
	memcpy(buf + n, "\r\n", 2);
	conn_timeout(s->c, s->p->timeout);
	if (conn_write(s->c, buf, (size_t)n + 2) == -1)
		return conn_failed(s, res, st);
	return 0;
}

static int
flush(struct smtp *s, struct smtp_result *res, enum smtp_stage st)
{
	conn_timeout(s->c, s->p->timeout);
	if (conn_flush(s->c) == -1)
		return conn_failed(s, res, st);
	return 0;
}

/* One transaction step: command, flush, reply. */
static int
step(struct smtp *s, enum smtp_stage st, struct smtp_result *res,
    line_cb cb, const char *fmt, const char *arg)
{
	if (command(s, st, res, fmt, arg) == -1 || flush(s, res, st) == -1)
		return -1;
	return read_reply(s, st, res, cb);
}

static void
ehlo_line(struct smtp *s, const char *text, size_t len)
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
ehlo(struct smtp *s, struct smtp_result *res)
{
	int code;

	/* Capabilities learnt before TLS are forgotten (RFC 3207 4.2). */
	s->ext = 0;
	s->mechs = 0;
	s->size_max = 0;
	code = step(s, SMTP_EHLO, res, ehlo_line, "EHLO %s", s->p->helo);
	if (code == -1)
		return -1;
	if (code == 250)
		return 0;
	if (code >= 500 && code <= 504) {	/* an RFC 821 server */
		code = step(s, SMTP_EHLO, res, NULL, "HELO %s", s->p->helo);
		if (code == 250)
			return 0;
	}
	return code == -1 ? -1 : (s->usable = 0, -1);
}

/* Sends a SASL response and reads the reply. */
static int
sasl(struct smtp *s, struct smtp_result *res, const char *fmt,
    const char *arg)
{
	int code = step(s, SMTP_AUTH, res, NULL, fmt, arg);
	return code;
}

static int
authenticate(struct smtp *s, struct smtp_result *res)
{
	const struct smtp_params *p = s->p;
	char buf[4096];
	enum auth_mech m;
	int code = -1;

	if (!s->tls && !p->auth_plaintext)
		return fail(s, res, SMTP_AUTH, 0, "refusing to send "
		    "credentials without TLS");
	if (!(s->ext & SMTP_EXT_AUTH))
		return fail(s, res, SMTP_AUTH, 0, "the server offers no AUTH "
		    "although a user is configured");
	m = auth_choose(s->mechs, p->auth_forced, s->tls);
	if (m == 0)
		return fail(s, res, SMTP_AUTH, 0, "no usable AUTH mechanism "
		    "offered%s", p->auth_forced ? " (the one set by auth = "
		    "is not offered)" : "");
	switch (m) {
	case AUTH_PLAIN:
		/* RFC 4954 initial response: one round trip. */
		if (auth_plain(p->user, p->secret, buf, sizeof(buf)) == -1)
			goto toolong;
		code = sasl(s, res, "AUTH PLAIN %s", buf);
		break;
	case AUTH_LOGIN:
		code = step(s, SMTP_AUTH, res, NULL, "AUTH %s", "LOGIN");
		if (code != 334)
			break;
		if (util_b64_encode(p->user, strlen(p->user), buf,
		    sizeof(buf)) < 0)
			goto toolong;
		code = sasl(s, res, "%s", buf);
		if (code != 334)
			break;
		if (util_b64_encode(p->secret, strlen(p->secret), buf,
		    sizeof(buf)) < 0)
			goto toolong;
		code = sasl(s, res, "%s", buf);
		break;
	case AUTH_CRAM_MD5:
		code = step(s, SMTP_AUTH, res, NULL, "AUTH %s", "CRAM-MD5");
		if (code != 334)
			break;
		if (auth_cram_md5(p->user, p->secret, res->text, buf,
		    sizeof(buf)) == -1) {
			explicit_bzero(buf, sizeof(buf));
			return fail(s, res, SMTP_AUTH, 0, "bad CRAM-MD5 "
			    "challenge");
		}
		code = sasl(s, res, "%s", buf);
		break;
	case AUTH_XOAUTH2:
		if (auth_xoauth2(p->user, p->secret, buf, sizeof(buf)) == -1)
			goto toolong;
		code = sasl(s, res, "AUTH XOAUTH2 %s", buf);
		if (code == 334)	/* an error report in JSON: ack it */
			code = sasl(s, res, "%s", "");
		break;
	case AUTH_OAUTHBEARER:
		if (auth_oauthbearer(p->user, p->secret, p->host, p->port,
		    buf, sizeof(buf)) == -1)
			goto toolong;
		code = sasl(s, res, "AUTH OAUTHBEARER %s", buf);
		if (code == 334)
			code = sasl(s, res, "%s", "\001");
		break;
	}
	explicit_bzero(buf, sizeof(buf));
	if (code == 235)
		return 0;
	if (code == -1)
		return -1;
	if (code == 334) {	/* a server that wants more than we know */
		s->usable = 0;
		return fail(s, res, SMTP_AUTH, 0, "%s: unexpected 334",
		    auth_name(m));
	}
	s->usable = 0;
	return -1;
toolong:
	explicit_bzero(buf, sizeof(buf));
	return fail(s, res, SMTP_AUTH, 1, "credentials too long");
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
		return fail(s, res, SMTP_EHLO, 1, "bad EHLO name");
	code = read_reply(s, SMTP_GREETING, res, NULL);
	if (code == -1)
		return -1;
	if (code != 220) {
		s->usable = 0;
		return -1;
	}
	if (ehlo(s, res) == -1)
		return -1;
	if (p->starttls && !s->tls) {
		if (!(s->ext & SMTP_EXT_STARTTLS))
			return fail(s, res, SMTP_STARTTLS, 0, "the server "
			    "does not offer STARTTLS (tls = starttls "
			    "requires it)");
		code = step(s, SMTP_STARTTLS, res, NULL, "%s", "STARTTLS");
		if (code == -1)
			return -1;
		if (code != 220) {
			s->usable = 0;
			return -1;
		}
		if (p->start_tls(p->arg, c, why, sizeof(why)) == -1)
			return fail(s, res, SMTP_STARTTLS, 0, "%s", why);
		s->tls = 1;
		if (ehlo(s, res) == -1)
			return -1;
	}
	if (p->user != NULL && authenticate(s, res) == -1)
		return -1;
	return 0;
}

/* RFC 3461 xtext for ENVID. */
static void
xtext(char *out, size_t outlen, const char *in)
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
check_addr(struct smtp *s, struct smtp_result *res, enum smtp_stage st,
    const char *a)
{
	for (; *a != '\0'; a++)
		if ((unsigned char)*a < 0x20 || *a == 0x7f || *a == '<' ||
		    *a == '>')
			return fail(s, res, st, 1, "address contains a "
			    "control character or angle bracket");
	return 0;
}

/* Writes the body: CRLF line ends, a dot doubled at the start of a line.
 * The spool already holds CRLF lines; a bare CR or LF found anyway (a
 * damaged file) is repaired here, so none reaches the wire. */
static int
send_body(struct smtp *s, struct envelope *env, struct smtp_result *res)
{
	static char buf[BODY_CHUNK];
	off_t off = env->off, end = env->off + env->len;
	int bol = 1, cr = 0;

	while (off < end) {
		size_t want = (size_t)(end - off) < sizeof(buf) ?
		    (size_t)(end - off) : sizeof(buf);
		ssize_t n = pread(env->fd, buf, want, off);
		size_t i = 0;

		if (n <= 0)
			return fail(s, res, SMTP_DATA, 0, "reading the queued "
			    "message: %s", n == 0 ? "file shorter than "
			    "expected" : strerror(errno));
		off += n;
		conn_timeout(s->c, s->p->timeout);
		while (i < (size_t)n) {
			char *p = buf + i, *nl;
			size_t left = (size_t)n - i, k;

			if (bol && *p == '.' && conn_write(s->c, ".", 1) == -1)
				return conn_failed(s, res, SMTP_DATA);
			bol = 0;
			nl = memchr(p, '\n', left);
			k = nl ? (size_t)(nl - p) : left;
			/* p[0..k) is line content, maybe ending in CR. */
			if (k > 0 && memchr(p, '\r', k - (nl && p[k - 1] ==
			    '\r')) != NULL) {
				/* A bare CR: drop it, byte by byte. */
				size_t j;
				for (j = 0; j < k; j++)
					if (p[j] != '\r' || (nl && j == k - 1))
						if (conn_write(s->c, p + j, 1)
						    == -1)
							return conn_failed(s,
							    res, SMTP_DATA);
				cr = nl && p[k - 1] == '\r';
			} else if (k > 0) {
				if (conn_write(s->c, p, k) == -1)
					return conn_failed(s, res, SMTP_DATA);
				cr = p[k - 1] == '\r';
			}
			if (nl == NULL) {
				i += k;
				continue;
			}
			if (!cr && conn_write(s->c, "\r\n", 2) == -1)
				return conn_failed(s, res, SMTP_DATA);
			if (cr && conn_write(s->c, "\n", 1) == -1)
				return conn_failed(s, res, SMTP_DATA);
			cr = 0;
			bol = 1;
			i += k + 1;
		}
	}
	if (!bol && conn_write(s->c, cr ? "\n" : "\r\n", cr ? 1 : 2) == -1)
		return conn_failed(s, res, SMTP_DATA);
	if (conn_write(s->c, ".\r\n", 3) == -1)
		return conn_failed(s, res, SMTP_DATA);
	log_dialogue(1, "(message body)", 14);
	log_dialogue(1, ".", 1);
	return flush(s, res, SMTP_EOM);
}

static int
rset(struct smtp *s)
{
	struct smtp_result r;

	if (!s->usable)
		return -1;
	if (step(s, SMTP_RSET, &r, NULL, "%s", "RSET") != 250) {
		s->usable = 0;
		return -1;
	}
	s->dirty = 0;
	return 0;
}

/* see smtp.h */
int
smtp_send(struct smtp *s, struct envelope *env, struct smtp_result *res)
{
	char params[512], envid[200];
	int pipelining = (s->ext & SMTP_EXT_PIPELINING) != 0;
	int code, i, accepted = 0, n;

	memset(res, 0, sizeof(*res));
	if (!s->usable)
		return fail(s, res, SMTP_MAIL, 0, "session not usable");
	if (s->dirty && rset(s) == -1)
		return fail(s, res, SMTP_RSET, 0, "RSET failed");
	if (check_addr(s, res, SMTP_MAIL, env->from) == -1)
		return -1;
	for (i = 0; i < env->nrcpts; i++) {
		env->rcpts[i].code = 0;
		env->rcpts[i].text[0] = '\0';
		if (check_addr(s, res, SMTP_RCPT, env->rcpts[i].addr) == -1)
			return -1;
	}
	if (env->utf8 && !(s->ext & SMTP_EXT_SMTPUTF8))
		return fail(s, res, SMTP_MAIL, 1, "an address is not ASCII "
		    "and the server does not offer SMTPUTF8");
	if (s->size_max > 0 && (unsigned long long)env->len > s->size_max)
		return fail(s, res, SMTP_MAIL, 1, "message of %lld bytes "
		    "exceeds the server's limit of %lu bytes",
		    (long long)env->len, s->size_max);

	n = 0;
	params[0] = '\0';
	if (s->ext & SMTP_EXT_SIZE)
		n += snprintf(params + n, sizeof(params) - n, " SIZE=%lld",
		    (long long)env->len);
	if (env->eightbit && (s->ext & SMTP_EXT_8BITMIME))
		n += snprintf(params + n, sizeof(params) - n,
		    " BODY=8BITMIME");
	if (env->utf8)
		n += snprintf(params + n, sizeof(params) - n, " SMTPUTF8");
	if (s->ext & SMTP_EXT_DSN) {
		if (env->ret != NULL)
			n += snprintf(params + n, sizeof(params) - n,
			    " RET=%s", strcasecmp(env->ret, "full") == 0 ?
			    "FULL" : "HDRS");
		if (env->envid != NULL) {
			xtext(envid, sizeof(envid), env->envid);
			snprintf(params + n, sizeof(params) - n, " ENVID=%s",
			    envid);
		}
	}

	s->dirty = 1;
	if (command(s, SMTP_MAIL, res, "MAIL FROM:<%s>%s", env->from,
	    params) == -1)
		return -1;
	if (!pipelining) {
		if (flush(s, res, SMTP_MAIL) == -1)
			return -1;
		if (read_reply(s, SMTP_MAIL, res, NULL) != 250)
			return -1;
	}
	for (i = 0; i < env->nrcpts; i++) {
		struct smtp_rcpt *r = &env->rcpts[i];
		char notify[64] = "";

		if ((s->ext & SMTP_EXT_DSN) && env->notify != NULL &&
		    strspn(env->notify, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ,") == strlen(env->notify))
			snprintf(notify, sizeof(notify), " NOTIFY=%.50s",
			    env->notify);
		if (command(s, SMTP_RCPT, res, "RCPT TO:<%s>%s", r->addr,
		    notify) == -1)
			return -1;
		if (pipelining)
			continue;
		if (flush(s, res, SMTP_RCPT) == -1)
			return -1;
		if ((code = read_reply(s, SMTP_RCPT, res, NULL)) == -1)
			return -1;
		r->code = code;
		util_strlcpy(r->text, res->text, sizeof(r->text));
		if (code == 250 || code == 251)
			accepted++;
	}
	if (!pipelining && accepted == 0)
		return -1;	/* res holds the last RCPT reply */
	if (command(s, SMTP_DATA, res, "%s", "DATA") == -1 ||
	    flush(s, res, SMTP_DATA) == -1)
		return -1;
	if (pipelining) {
		/* RFC 2920: the replies come in the order of the commands. */
		if ((code = read_reply(s, SMTP_MAIL, res, NULL)) == -1)
			return -1;
		if (code != 250) {
			struct smtp_result ignore;
			for (i = 0; i <= env->nrcpts; i++)
				if (read_reply(s, SMTP_RCPT, &ignore, NULL)
				    == -1)
					return -1;
			return -1;	/* res holds the MAIL reply */
		}
		for (i = 0; i < env->nrcpts; i++) {
			struct smtp_rcpt *r = &env->rcpts[i];
			struct smtp_result rr;
			if ((code = read_reply(s, SMTP_RCPT, &rr, NULL)) == -1)
				return *res = rr, -1;
			r->code = code;
			util_strlcpy(r->text, rr.text, sizeof(r->text));
			if (code == 250 || code == 251)
				accepted++;
			else
				*res = rr;
		}
	}
	if (accepted == 0) {
		struct smtp_result last = *res;
		code = read_reply(s, SMTP_DATA, res, NULL);
		if (code == -1)
			return -1;
		*res = last;	/* the RCPT refusal is the story */
		/* All refused; a server that still said 354 gets an empty
		 * message ended at once, which it must discard. */
		if (code == 354) {
			struct smtp_result ignore;
			if (conn_write(s->c, ".\r\n", 3) == -1 ||
			    flush(s, &ignore, SMTP_EOM) == -1 ||
			    read_reply(s, SMTP_EOM, &ignore, NULL) == -1)
				s->usable = 0;
		}
		return -1;
	}
	code = read_reply(s, SMTP_DATA, res, NULL);
	if (code != 354)
		return -1;
	if (send_body(s, env, res) == -1)
		return -1;
	code = read_reply(s, SMTP_EOM, res, NULL);
	if (code == -1)
		return -1;
	if (code != 250)
		return -1;
	s->dirty = 0;	/* a completed transaction resets the state */
	return 0;
}

/* see smtp.h */
void
smtp_quit(struct smtp *s)
{
	struct smtp_result r;

	if (!s->usable)
		return;
	/* The mail is handed off; the 221 tells us nothing we need. */
	if (command(s, SMTP_QUIT, &r, "%s", "QUIT") == 0)
		flush(s, &r, SMTP_QUIT);
	s->usable = 0;
}
