/* relaymail: addresses. ISC licence, see LICENSE.
 * A single left-to-right pass with explicit state (quote, comment depth,
 * angle brackets): no recursion, no read past len, every buffer bounded.
 * Good enough for real To/Cc/Bcc fields; it does not validate RFC 5322
 * grammar beyond what a relay needs. */
#include <stdio.h>
#include <string.h>

#include "addr.h"

#define BUF_MAX	(ADDR_MAX * 2)

struct parse {
	char	 plain[BUF_MAX];	/* text outside <>, comments removed */
	size_t	 pl;
	char	 angle[BUF_MAX];	/* text inside <> */
	size_t	 al;
	int	 in_angle, had_angle;
};

static int
put(struct parse *p, char c)
{
	char *buf = p->in_angle ? p->angle : p->plain;
	size_t *n = p->in_angle ? &p->al : &p->pl;

	if (*n + 1 >= BUF_MAX)
		return -1;
	buf[(*n)++] = c;
	return 0;
}

static void
trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	memmove(s, s + i, n - i + 1);
}

static int
emit(struct parse *p, addr_cb cb, void *arg, char *err, size_t errlen)
{
	char *a;
	int r = 0;

	p->plain[p->pl] = '\0';
	p->angle[p->al] = '\0';
	a = p->had_angle ? p->angle : p->plain;
	trim(a);
	/* A source route <@a,@b:user@c> names user@c (RFC 5321 C). */
	if (p->had_angle && a[0] == '@') {
		char *colon = strchr(a, ':');
		if (colon != NULL)
			memmove(a, colon + 1, strlen(colon + 1) + 1);
	}
	if (a[0] != '\0') {
		if (strlen(a) > ADDR_MAX) {
			snprintf(err, errlen, "address too long (%zu octets, "
			    "at most %d)", strlen(a), ADDR_MAX);
			return -1;
		}
		r = cb(arg, a, err, errlen);
	}
	p->pl = p->al = 0;
	p->had_angle = 0;
	return r;
}

/* see addr.h */
int
addr_parse_list(const char *s, size_t len, addr_cb cb, void *arg, char *err,
    size_t errlen)
{
	struct parse p;
	size_t i;
	int depth = 0, inq = 0;

	memset(&p, 0, sizeof(p));
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (depth > 0) {	/* inside a comment */
			if (c == '\\')
				i++;
			else if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
			continue;
		}
		if (inq) {
			if (put(&p, c) == -1)
				goto toolong;
			if (c == '\\' && i + 1 < len) {
				if (put(&p, s[++i]) == -1)
					goto toolong;
			} else if (c == '"')
				inq = 0;
			continue;
		}
		switch (c) {
		case '"':
			inq = 1;
			if (put(&p, c) == -1)
				goto toolong;
			break;
		case '(':
			depth = 1;
			break;
		case '<':
			if (p.in_angle) {
				snprintf(err, errlen, "unbalanced <");
				return -1;
			}
			p.in_angle = p.had_angle = 1;
			p.al = 0;
			break;
		case '>':
			if (!p.in_angle) {
				snprintf(err, errlen, "unbalanced >");
				return -1;
			}
			p.in_angle = 0;
			break;
		case ':':
			if (p.in_angle) {
				if (put(&p, c) == -1)
					goto toolong;
			} else	/* a group: drop its display name */
				p.pl = 0;
			break;
		case ',':
		case ';':
			if (p.in_angle) {
				if (put(&p, c) == -1)
					goto toolong;
			} else if (emit(&p, cb, arg, err, errlen) == -1)
				return -1;
			break;
		case '\r':
		case '\n':
			if (put(&p, ' ') == -1)
				goto toolong;
			break;
		default:
			if (put(&p, c) == -1)
				goto toolong;
		}
	}
	if (depth > 0 || inq || p.in_angle) {
		snprintf(err, errlen, "unterminated %s", depth > 0 ?
		    "comment" : inq ? "quoted string" : "<");
		return -1;
	}
	return emit(&p, cb, arg, err, errlen);
toolong:
	snprintf(err, errlen, "address too long (at most %d octets)",
	    ADDR_MAX);
	return -1;
}

/* see addr.h */
int
addr_check(const char *a, char *err, size_t errlen)
{
	const char *at = strrchr(a, '@');
	size_t len = strlen(a), i;
	int inq = 0;

	if (len == 0) {
		snprintf(err, errlen, "empty address");
		return -1;
	}
	if (len > ADDR_MAX) {
		snprintf(err, errlen, "address too long (%zu octets, at most "
		    "%d)", len, ADDR_MAX);
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)a[i];
		if (c < 0x20 || c == 0x7f) {
			snprintf(err, errlen, "address contains a control "
			    "character");
			return -1;
		}
		if (c == '"')
			inq = !inq;
		else if (!inq && (c == ' ' || c == '<' || c == '>' ||
		    c == '(' || c == ')' || c == ',' || c == ';')) {
			snprintf(err, errlen, "address contains '%c'", c);
			return -1;
		}
	}
	if (at != NULL && (size_t)(at - a) > 64) {
		snprintf(err, errlen, "local part longer than 64 octets");
		return -1;
	}
	if (at != NULL && strlen(at + 1) > 255) {
		snprintf(err, errlen, "domain longer than 255 octets");
		return -1;
	}
	if (at != NULL && (at == a || at[1] == '\0')) {
		snprintf(err, errlen, "address has an empty %s",
		    at == a ? "local part" : "domain");
		return -1;
	}
	return 0;
}

struct first {
	char	*out;
	size_t	 outlen;
	int	 n;
};

static int
take_first(void *arg, const char *a, char *err, size_t errlen)
{
	struct first *f = arg;

	if (f->n++ > 0) {
		snprintf(err, errlen, "more than one sender address");
		return -1;
	}
	if (strlen(a) >= f->outlen) {
		snprintf(err, errlen, "address too long");
		return -1;
	}
	memcpy(f->out, a, strlen(a) + 1);
	return 0;
}

/* see addr.h */
int
addr_sender(const char *in, char *out, size_t outlen, char *err,
    size_t errlen)
{
	struct first f = { out, outlen, 0 };
	const char *p = in;

	out[0] = '\0';
	if (addr_has_control(in)) {
		snprintf(err, errlen, "address contains a control character");
		return -1;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || strcmp(p, "<>") == 0)
		return 0;	/* the null reverse-path */
	if (addr_parse_list(p, strlen(p), take_first, &f, err, errlen) == -1)
		return -1;
	if (strcmp(out, "") == 0)
		return 0;
	return addr_check(out, err, errlen);
}

/* see addr.h */
int
addr_has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
			return 1;
	return 0;
}

/* see addr.h */
int
addr_is_utf8(const char *a)
{
	for (; *a != '\0'; a++)
		if ((unsigned char)*a >= 0x80)
			return 1;
	return 0;
}

/* see addr.h */
int
addr_is_local(const char *a)
{
	return strchr(a, '@') == NULL;
}

struct qual {
	char	*out;
	size_t	 o, outlen;
	const char *domain;
	size_t	 dlen;
	addr_alias_fn alias;
	void	*arg;
	int	 at, words, inword, angle_text;
	size_t	 angle_start, angle_end;	/* output offsets */
	size_t	 word_start, plain_end;		/* 0 = none */
	int	 had_angle;
};

static int
qput(struct qual *q, char c)
{
	if (q->o + 1 >= q->outlen)
		return -1;
	q->out[q->o++] = c;
	return 0;
}

/* End of one mailbox: qualify it if it is a bare local name. */
static int
qend(struct qual *q)
{
	size_t at = 0;

	size_t start = 0;

	if (!q->at && q->had_angle && q->angle_text) {
		start = q->angle_start;
		at = q->angle_end;
	} else if (!q->at && !q->had_angle && q->words == 1) {
		start = q->word_start;
		at = q->plain_end;
	}
	if (at != 0 && q->alias != NULL && at - start < ADDR_MAX) {
		/* A local name with an alias becomes that address. */
		char local[ADDR_MAX];
		const char *to;
		size_t tl;

		memcpy(local, q->out + start, at - start);
		local[at - start] = '\0';
		if ((to = q->alias(q->arg, local)) != NULL) {
			tl = strlen(to);
			if (q->o - (at - start) + tl + 1 >= q->outlen)
				return -1;
			memmove(q->out + start + tl, q->out + at, q->o - at);
			memcpy(q->out + start, to, tl);
			q->o = q->o - (at - start) + tl;
			at = 0;
		}
	}
	if (at != 0 && q->domain != NULL) {
		if (q->o + q->dlen + 1 >= q->outlen)
			return -1;
		memmove(q->out + at + q->dlen + 1, q->out + at, q->o - at);
		q->out[at] = '@';
		memcpy(q->out + at + 1, q->domain, q->dlen);
		q->o += q->dlen + 1;
	}
	q->at = q->words = q->inword = q->angle_text = q->had_angle = 0;
	q->angle_start = q->angle_end = q->word_start = q->plain_end = 0;
	return 0;
}

/* see addr.h */
long
addr_qualify_list(const char *s, size_t len, const char *domain,
    addr_alias_fn alias, void *arg, char *out, size_t outlen)
{
	struct qual q;
	size_t i;
	int depth = 0, inq = 0, in_angle = 0;

	memset(&q, 0, sizeof(q));
	q.out = out;
	q.outlen = outlen;
	q.domain = domain;
	q.dlen = domain != NULL ? strlen(domain) : 0;
	q.alias = alias;
	q.arg = arg;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (depth > 0) {
			if (c == '\\' && i + 1 < len) {
				if (qput(&q, c) == -1)
					return -1;
				c = s[++i];
			} else if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
		} else if (inq) {
			if (c == '\\' && i + 1 < len) {
				if (qput(&q, c) == -1)
					return -1;
				c = s[++i];
			} else if (c == '"')
				inq = 0;
			if (in_angle)
				q.angle_text = 1;
		} else if (c == '(') {
			depth = 1;
			q.inword = 0;
		} else if (c == '"') {
			inq = 1;
			if (in_angle)
				q.angle_text = 1;
			else if (!q.inword) {
				q.words++;
				q.inword = 1;
			}
		} else if (c == '<' && !in_angle) {
			in_angle = 1;
			q.had_angle = 1;
			q.angle_start = q.o + 1;	/* after the '<' */
		} else if (c == '>' && in_angle) {
			in_angle = 0;
			q.angle_end = q.o;	/* before the '>' */
		} else if (in_angle) {
			if (c == '@')
				q.at = 1;
			else if (c != ' ' && c != '\t')
				q.angle_text = 1;
			if (c == ':')	/* a source route: it has a domain */
				q.at = 1;
		} else if (c == ',' || c == ';') {
			if (qend(&q) == -1)
				return -1;
		} else if (c == ':') {
			/* A group name: not an address. */
			q.words = q.inword = q.at = 0;
			q.plain_end = 0;
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			q.inword = 0;
		} else {
			if (c == '@')
				q.at = 1;
			if (!q.inword) {
				q.words++;
				q.inword = 1;
				q.word_start = q.o;
			}
			if (qput(&q, c) == -1)
				return -1;
			q.plain_end = q.o;
			continue;
		}
		if (qput(&q, c) == -1)
			return -1;
	}
	if (qend(&q) == -1)
		return -1;
	out[q.o] = '\0';
	return (long)q.o;
}
