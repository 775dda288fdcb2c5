/* relaymail: the message as the caller wrote it, made ready for SMTP.
 * ISC licence, see LICENSE. One pass over stdin, byte by byte, into
 * lines of at most 998 octets; header lines are gathered one field at a
 * time so a field can be dropped (Bcc) or read for recipients (-t); body
 * lines go straight out. Nothing here holds more than one field. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "hdr.h"
#include "msg.h"
#include "relaymail.h"
#include "util.h"

struct msg_copier {
	const struct msg_opts *o;
	struct msg_info *info;
	int	 out;
	enum err_class class;	/* of the first failure */
	int	 failed;
	char	*err;
	size_t	 errlen;
	char	 obuf[MSG_CHUNK];
	size_t	 olen;
	char	 line[1 + LINE_MAX_OCTETS + 1];	/* room for a leading blank */
	size_t	 llen;
	int	 cr;		/* a CR waits for its LF */
	int	 tail;		/* this line continues a cut header line */
	int	 first;		/* no line seen yet */
	int	 in_header;
	int	 done;		/* the lone dot was seen */
	struct hdr h;
	char	 field[MSG_FIELD_MAX];
	size_t	 flen;
	char	 qual[MSG_FIELD_MAX + 4096];	/* a field, qualified */
	int	 has_date, has_msgid, has_from;
};

/* Keeps the first failure's sentence and class; later ones are its
 * consequences. Returns -1. */
static int
msg_fail(struct msg_copier *m, enum err_class class, const char *fmt, ...)
{
	va_list ap;

	if (!m->failed) {
		va_start(ap, fmt);
		vsnprintf(m->err, m->errlen, fmt, ap);
		va_end(ap);
		m->class = class;
	}
	m->failed = 1;
	return -1;
}

static int
out_flush(struct msg_copier *m)
{
	size_t done = 0;

	while (done < m->olen) {
		ssize_t n = write(m->out, m->obuf + done, m->olen - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			return msg_fail(m, ERR_IO, "writing the queue file: %s",
			    n == 0 ? "no progress" : strerror(errno));
		}
		done += (size_t)n;
	}
	m->olen = 0;
	return 0;
}

static int
msg_emit(struct msg_copier *m, const char *s, size_t len)
{
	if (m->failed)
		return -1;
	m->info->size += (off_t)len;
	while (len > 0) {
		size_t room = sizeof(m->obuf) - m->olen;
		size_t k = len < room ? len : room;
		memcpy(m->obuf + m->olen, s, k);
		m->olen += k;
		s += k;
		len -= k;
		if (m->olen == sizeof(m->obuf) && out_flush(m) == -1)
			return -1;
	}
	return 0;
}

static int
msg_emit_line(struct msg_copier *m, const char *s, size_t len)
{
	if (msg_emit(m, s, len) == -1)
		return -1;
	return msg_emit(m, "\r\n", 2);
}

/* Writes "Name: value" only from safe parts: a display name is quoted
 * and stripped of control characters. */
static void
display_name(char *out, size_t outlen, const char *name)
{
	size_t o = 0;

	if (outlen < 4)
		return;
	out[o++] = '"';
	for (; *name != '\0' && o + 3 < outlen; name++) {
		unsigned char ch = (unsigned char)*name;
		if (ch < 0x20 || ch == 0x7f)
			continue;
		if (ch == '"' || ch == '\\')
			out[o++] = '\\';
		out[o++] = (char)ch;
	}
	out[o++] = '"';
	out[o] = '\0';
}

static int
add_missing(struct msg_copier *m)
{
	const struct msg_opts *o = m->o;
	char buf[1200], addr[ADDR_MAX + 1], name[300];
	int n;

	if (!m->has_from) {
		const char *s = o->sender;
		if (s == NULL || *s == '\0')
			s = "MAILER-DAEMON";
		if (addr_is_local(s))
			snprintf(addr, sizeof(addr), "%s@%s", s, o->domain);
		else
			util_strlcpy(addr, s, sizeof(addr));
		if (o->fullname != NULL && *o->fullname != '\0') {
			display_name(name, sizeof(name), o->fullname);
			n = snprintf(buf, sizeof(buf), "From: %s <%s>", name,
			    addr);
		} else
			n = snprintf(buf, sizeof(buf), "From: %s", addr);
		if (msg_emit_line(m, buf, (size_t)n) == -1)
			return -1;
	}
	if (!m->has_date) {
		util_date(name, sizeof(name), time(NULL));
		n = snprintf(buf, sizeof(buf), "Date: %s", name);
		if (msg_emit_line(m, buf, (size_t)n) == -1)
			return -1;
	}
	if (!m->has_msgid) {
		n = snprintf(buf, sizeof(buf), "Message-ID: <%s@%s>",
		    o->msgid, o->domain);
		if (msg_emit_line(m, buf, (size_t)n) == -1)
			return -1;
	}
	return 0;
}

static int
collect(struct msg_copier *m, struct rcpts *r, const char *v, size_t len)
{
	char err[256];

	if (rcpts_add_list(r, v, len, err, sizeof(err)) == -1)
		return msg_fail(m, rcpts_class(r), "recipient header: %s",
		    err);
	return 0;
}

/* The address and display name of a From: value v (len bytes, leading
 * blanks skipped): "Name <addr>", or "addr (Comment)", or "addr". Each
 * cut to fit; a display name unquoted. */
static void
from_parts(const char *v, size_t len, char *addr, size_t alen, char *name,
    size_t nlen)
{
	const char *lt = NULL, *p, *e;
	size_t k;

	addr[0] = name[0] = '\0';
	for (p = v; p < v + len; p++)	/* the angle address comes last */
		if (*p == '<')
			lt = p;
	if (lt != NULL) {
		e = memchr(lt, '>', len - (size_t)(lt - v));
		k = (size_t)((e ? e : v + len) - lt - 1);
		snprintf(addr, alen, "%.*s", (int)k, lt + 1);
		k = (size_t)(lt - v);
		while (k > 0 && (v[k - 1] == ' ' || v[k - 1] == '\t'))
			k--;
		if (k >= 2 && v[0] == '"' && v[k - 1] == '"')
			snprintf(name, nlen, "%.*s", (int)(k - 2), v + 1);
		else
			snprintf(name, nlen, "%.*s", (int)k, v);
		return;
	}
	k = strcspn(v, " \t(\r\n");
	snprintf(addr, alen, "%.*s", (int)(k < len ? k : len), v);
	if ((p = memchr(v, '(', len)) != NULL &&
	    (e = memchr(p, ')', len - (size_t)(p - v))) != NULL)
		snprintf(name, nlen, "%.*s", (int)(e - p - 1), p + 1);
}

/* "From: Name <addr>" with addr forced ([message] rewrite_from): the
 * display name kept, or the original's local part when it had none
 * ("From: root" becomes "From: "root" <app@example.com>"). With
 * rewrite_local, only a From: of this host's own (addr_is_host_local). */
static int
rewrite_from(struct msg_copier *m, const char *v, size_t len)
{
	char name[300], quoted[310], buf[1200], cur[ADDR_MAX + 1];
	int n;

	while (len > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		len--;
	}
	from_parts(v, len, cur, sizeof(cur), name, sizeof(name));
	if (m->o->rewrite_local && !addr_is_host_local(cur, m->o->hostname))
		return 0;	/* a mailbox of its own: kept */
	if (name[0] == '\0')
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(cur, "@"),
		    cur);
	quoted[0] = '\0';
	if (name[0] != '\0')
		display_name(quoted, sizeof(quoted), name);
	n = snprintf(buf, sizeof(buf), "From: %s%s<%s>", quoted,
	    quoted[0] ? " " : "", m->o->rewrite_from);
	m->flen = 0;
	return msg_emit_line(m, buf, (size_t)n) == -1 ? -1 : 1;
}

static int
is_address_field(const char *name)
{
	static const char *names[] = { "From", "To", "Cc", "Sender",
	    "Reply-To", "Resent-From", "Resent-To", "Resent-Cc",
	    "Resent-Sender" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(name, names[i]) == 0)
			return 1;
	return 0;
}

static int
is_recipient_field(const char *name)
{
	return strcasecmp(name, "To") == 0 || strcasecmp(name, "Cc") == 0 ||
	    strcasecmp(name, "Resent-To") == 0 ||
	    strcasecmp(name, "Resent-Cc") == 0;
}

/* The field in m->field is complete: drop it, read it, pass it on. */
static int
end_field(struct msg_copier *m)
{
	struct msg_info *in = m->info;
	const char *colon, *v;
	size_t vlen, nlen;
	char name[64];
	int t = m->o->from_headers, rcpt_field;

	if (m->flen == 0)
		return 0;
	colon = memchr(m->field, ':', m->flen);
	nlen = colon ? (size_t)(colon - m->field) : 0;
	while (nlen > 0 && (m->field[nlen - 1] == ' ' ||
	    m->field[nlen - 1] == '\t'))
		nlen--;
	if (colon == NULL || nlen >= sizeof(name))
		nlen = 0;
	memcpy(name, m->field, nlen);
	name[nlen] = '\0';
	v = colon ? colon + 1 : m->field;
	vlen = m->flen - (size_t)(v - m->field);

	if (strcasecmp(name, "Bcc") == 0 || strcasecmp(name, "Resent-Bcc")
	    == 0) {
		if (name[0] == 'R' || name[0] == 'r')
			in->has_resent = 1;
		if (t && collect(m, name[0] == 'B' || name[0] == 'b' ?
		    in->to : in->resent, v, vlen) == -1)
			return -1;
		m->flen = 0;
		return 0;	/* never sent */
	}
	if (strcasecmp(name, "Return-Path") == 0 ||
	    strcasecmp(name, "Content-Length") == 0) {
		m->flen = 0;
		return 0;
	}
	if (strcasecmp(name, "To") == 0 || strcasecmp(name, "Cc") == 0) {
		if (t && collect(m, in->to, v, vlen) == -1)
			return -1;
	} else if (strcasecmp(name, "Resent-To") == 0 ||
	    strcasecmp(name, "Resent-Cc") == 0) {
		in->has_resent = 1;
		if (t && collect(m, in->resent, v, vlen) == -1)
			return -1;
	} else if (strcasecmp(name, "Date") == 0)
		m->has_date = 1;
	else if (strcasecmp(name, "Message-ID") == 0)
		m->has_msgid = 1;
	else if (strcasecmp(name, "From") == 0) {
		m->has_from = 1;
		if (m->o->rewrite_from != NULL) {
			int r = rewrite_from(m, v, vlen);
			if (r != 0)
				return r < 0 ? -1 : 0;
		}
	}
	rcpt_field = is_recipient_field(name);
	if ((m->o->qualify != NULL && is_address_field(name)) ||
	    (m->o->aliases != NULL && rcpt_field)) {
		/* [message] domain: "root" becomes "root@domain"; in To/Cc
		 * an [aliases] entry for it replaces it. */
		size_t head = (size_t)(v - m->field);
		long n;
		memcpy(m->qual, m->field, head);
		n = addr_qualify_list(v, vlen, m->o->qualify, rcpt_field &&
		    m->o->aliases ? rcpts_alias : NULL, m->o->aliases,
		    m->qual + head, sizeof(m->qual) - head);
		if (n >= 0 && head + (size_t)n <= sizeof(m->qual)) {
			m->flen = 0;
			return msg_emit_line(m, m->qual, head + (size_t)n);
		}
	}
	if (msg_emit_line(m, m->field, m->flen) == -1)
		return -1;
	m->flen = 0;
	return 0;
}

static int
add_to_field(struct msg_copier *m, const char *s, size_t len, int fold)
{
	/* else flen + 2 + len <= MSG_FIELD_MAX */
	if (m->flen + 2 + len > sizeof(m->field)) {
		char name[40];
		const char *colon = memchr(m->field, ':', m->flen);
		size_t k = colon ? (size_t)(colon - m->field) : 0;
		if (k > sizeof(name) - 1)
			k = sizeof(name) - 1;
		memcpy(name, m->field, k);
		name[k] = '\0';
		return msg_fail(m, ERR_DATA, "header field %s: longer than 65536 bytes",
		    name);
	}
	if (fold) {
		memcpy(m->field + m->flen, "\r\n", 2);
		m->flen += 2;
	}
	memcpy(m->field + m->flen, s, len);
	m->flen += len;
	return 0;
}

static int
end_header(struct msg_copier *m)
{
	if (end_field(m) == -1 || add_missing(m) == -1)
		return -1;
	m->in_header = 0;
	return msg_emit(m, "\r\n", 2);
}

/* One line, without its ending. cut: the line was cut at 998 octets and
 * goes on in the next call. */
static int
line(struct msg_copier *m, char *s, size_t len, int cut)
{
	int tail = m->tail;

	m->tail = cut && m->in_header;
	if (!m->o->ignore_dots && !tail && !cut && len == 1 && s[0] == '.') {
		m->done = 1;
		m->info->dot_end = 1;
		return 0;
	}
	if (m->first) {
		m->first = 0;
		/* An mbox postmark is not part of the message. */
		if ((len >= 5 && memcmp(s, "From ", 5) == 0) ||
		    (len >= 6 && memcmp(s, ">From ", 6) == 0))
			return 0;
	}
	if (!m->in_header)
		return msg_emit_line(m, s, len);
	if (tail) {
		/* The rest of a cut header line: fold it. s has a spare
		 * byte in front (m->line starts one byte early). */
		s--;
		s[0] = ' ';
		len++;
		return add_to_field(m, s, len, 1);
	}
	switch (hdr_push(&m->h, s, len)) {
	case HDR_FIELD:
		if (end_field(m) == -1)
			return -1;
		return add_to_field(m, s, len, 0);
	case HDR_CONT:
		return add_to_field(m, s, len, 1);
	case HDR_END:
		return end_header(m);
	case HDR_BODY:
	case HDR_IN_BODY:
		if (end_header(m) == -1)
			return -1;
		return msg_emit_line(m, s, len);
	}
	return 0;
}

static int
has_high(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] & 0x80)
			return 1;
	return 0;
}

static int
feed(struct msg_copier *m, const unsigned char *p, size_t n)
{
	char *buf = m->line + 1;
	size_t i;

	for (i = 0; i < n && !m->done; i++) {
		unsigned char ch;

		/* Fast path for the body: a whole line in this chunk with no
		 * NUL, no bare CR and no more than 998 octets goes out as it
		 * is, found with memchr instead of byte by byte. */
		if (!m->in_header && !m->cr && m->llen == 0) {
			const unsigned char *nl = memchr(p + i, '\n', n - i);
			size_t k = nl ? (size_t)(nl - (p + i)) : 0, c = k;

			if (k > 0 && p[i + k - 1] == '\r')
				c = k - 1;
			if (nl != NULL && c <= LINE_MAX_OCTETS &&
			    memchr(p + i, '\0', k) == NULL &&
			    memchr(p + i, '\r', c) == NULL) {
				if (!m->info->eightbit && has_high(p + i, c))
					m->info->eightbit = 1;
				/* line() writes into s only for header lines. */
				if (line(m, (char *)(uintptr_t)(p + i), c, 0)
				    == -1)
					return -1;
				i += k;		/* and the loop skips the LF */
				continue;
			}
		}
		ch = p[i];

		if (ch == '\0') {
			m->info->nuls++;
			continue;
		}
		if (m->cr) {
			m->cr = 0;
			if (ch == '\n') {
				if (line(m, buf, m->llen, 0) == -1)
					return -1;
				m->llen = 0;
				continue;
			}
			m->info->bare_cr++;
		}
		if (ch == '\r') {
			m->cr = 1;
			continue;
		}
		if (ch == '\n') {
			if (line(m, buf, m->llen, 0) == -1)
				return -1;
			m->llen = 0;
			continue;
		}
		if (ch >= 0x80)
			m->info->eightbit = 1;
		if (m->llen == LINE_MAX_OCTETS) {
			/* RFC 5321 4.5.3.1.6: cut, never drop. */
			m->info->split++;
			if (line(m, buf, m->llen, 1) == -1)
				return -1;
			m->llen = 0;
		}
		buf[m->llen++] = (char)ch;
	}
	return 0;
}

/* see msg.h */
struct msg_copier *
msg_begin(int out, const struct msg_opts *o, struct msg_info *info,
    char *err, size_t errlen)
{
	struct msg_copier *m;

	if ((m = calloc(1, sizeof(*m))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	m->o = o;
	m->info = info;
	m->out = out;
	m->err = err;
	m->errlen = errlen;
	m->first = 1;
	m->in_header = 1;
	hdr_init(&m->h);
	if (o->trace != NULL)	/* RFC 5322 3.6.7: trace fields on top */
		msg_emit_line(m, o->trace, strlen(o->trace));
	return m;
}

/* see msg.h */
int
msg_feed(struct msg_copier *m, const void *buf, size_t len)
{
	if (m->failed)
		return -1;
	return feed(m, buf, len);
}

/* see msg.h */
int
msg_done(const struct msg_copier *m)
{
	return m->done;
}

/* see msg.h */
int
msg_end(struct msg_copier *m, enum err_class *class)
{
	int r = -1;

	if (m->failed)
		goto out;
	if (!m->done) {
		if (m->cr)
			m->info->bare_cr++;
		if (m->llen > 0 && line(m, m->line + 1, m->llen, 0) == -1)
			goto out;
	}
	if (m->in_header && end_header(m) == -1)
		goto out;
	if (out_flush(m) == -1)
		goto out;
	r = 0;
out:
	*class = m->failed ? m->class : ERR_NONE;
	free(m);
	return r;
}
