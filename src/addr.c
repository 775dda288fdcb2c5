/* relaymail: addresses. ISC licence, see LICENSE.
 * One lexer (addr_lex_next: words, quoted strings, nested comments,
 * white space, the specials < > : , ;) and one list walker on top of it
 * (addr_walk_list: angle brackets, groups, mailbox boundaries) serve both
 * consumers, envelope parsing and header qualification, so the two can
 * never disagree about where an address is. No recursion, no read past
 * len, every buffer bounded. It does not validate RFC 5322 beyond what a
 * relay needs. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "util.h"

/* A source route <@a,@b:user@c> is stripped after the copy, so the copy
 * has room for one as long as the address itself. */
#define ADDR_SPEC_BUF	(ADDR_MAX * 2 + 1)

enum addr_tok_kind {
	ADDR_TOK_END,
	ADDR_TOK_WORD,		/* atoms, dots, '@', domain literals */
	ADDR_TOK_QUOTED,	/* "..." with its quotes and quoted pairs */
	ADDR_TOK_COMMENT,	/* (...), nested, with its parentheses */
	ADDR_TOK_SPACE,		/* SP, TAB, CR, LF (folding) */
	ADDR_TOK_SPECIAL,	/* one of < > : , ; */
	ADDR_TOK_ERROR		/* unterminated quote or comment */
};

struct addr_lexer {
	const char	*s;
	size_t		 len, pos;
};

struct addr_token {
	enum addr_tok_kind kind;
	size_t		 start, end;	/* [start, end) of the input */
	const char	*why;		/* for ADDR_TOK_ERROR */
};

/* A run of tokens of the input: [start, end), empty when equal. */
struct addr_span {
	size_t		 start, end;
};

/* One mailbox as the walker hands it to a consumer. */
struct addr_mailbox {
	char		 spec[ADDR_SPEC_BUF];	/* no comments */
	struct addr_span span;		/* where it is in the input */
};

typedef int (*addr_mailbox_fn)(void *arg, const struct addr_mailbox *,
    char *err, size_t errlen);

/* The walker's state within one mailbox. */
struct addr_walk {
	struct addr_span plain;		/* significant text outside <> */
	struct addr_span angle;		/* significant text inside <> */
	int		 in_angle, had_angle;
};

static int
addr_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
addr_is_special(char c)
{
	return c == '<' || c == '>' || c == ':' || c == ',' || c == ';';
}

/* Skips a quoted string or a comment starting at lx->pos; quoted pairs
 * (backslash + any octet) never close one. 0, or -1 if unterminated. */
static int
addr_lex_delimited(struct addr_lexer *lx, char open, char close)
{
	int depth = 0;

	for (; lx->pos < lx->len; lx->pos++) {
		char c = lx->s[lx->pos];

		if (c == '\\' && depth > 0 && lx->pos + 1 < lx->len)
			lx->pos++;
		else if (c == close && depth > 0) {
			if (--depth == 0) {
				lx->pos++;
				return 0;
			}
		} else if (c == open)
			depth = open == close ? 1 : depth + 1;
	}
	return -1;
}

/* Reads the next token into t and returns its kind. */
static enum addr_tok_kind
addr_lex_next(struct addr_lexer *lx, struct addr_token *t)
{
	const char *s = lx->s;
	char c;

	t->start = lx->pos;
	t->why = NULL;
	if (lx->pos >= lx->len)
		t->kind = ADDR_TOK_END;
	else if ((c = s[lx->pos]) == '"' || c == '(') {
		t->kind = c == '"' ? ADDR_TOK_QUOTED : ADDR_TOK_COMMENT;
		if (addr_lex_delimited(lx, c, c == '"' ? '"' : ')') == -1) {
			t->kind = ADDR_TOK_ERROR;
			t->why = c == '"' ? "unterminated quoted string" :
			    "unterminated comment";
		}
	} else if (addr_is_special(c)) {
		t->kind = ADDR_TOK_SPECIAL;
		lx->pos++;
	} else if (addr_is_space(c)) {
		t->kind = ADDR_TOK_SPACE;
		while (lx->pos < lx->len && addr_is_space(s[lx->pos]))
			lx->pos++;
	} else {
		t->kind = ADDR_TOK_WORD;
		while (lx->pos < lx->len && !addr_is_space(s[lx->pos]) &&
		    !addr_is_special(s[lx->pos]) && s[lx->pos] != '"' &&
		    s[lx->pos] != '(')
			lx->pos++;
	}
	t->end = lx->pos;
	return t->kind;
}

static void
addr_span_add(struct addr_span *sp, const struct addr_token *t)
{
	if (sp->start == sp->end)
		sp->start = t->start;
	sp->end = t->end;
}

/* Copies the addr-spec in span into mb->spec: comments dropped, CR and LF
 * turned into spaces (a folded field), a source route removed (RFC 5321
 * C: <@a,@b:user@c> names user@c). 0, or -1 with err. */
static int
addr_spec_copy(const char *s, const struct addr_span *span, int angle,
    struct addr_mailbox *mb, char *err, size_t errlen)
{
	struct addr_lexer lx = { s, span->end, span->start };
	struct addr_token t;
	size_t n = 0, i;
	char *colon;

	while (addr_lex_next(&lx, &t) != ADDR_TOK_END) {
		if (t.kind == ADDR_TOK_COMMENT)
			continue;
		/* else n + (end - start) < ADDR_SPEC_BUF, room for the NUL */
		if (n + (t.end - t.start) >= sizeof(mb->spec))
			return util_err(err, errlen, "address too long (at "
			    "most %d octets)", ADDR_MAX);
		for (i = t.start; i < t.end; i++)
			mb->spec[n++] = s[i] == '\r' || s[i] == '\n' ? ' ' :
			    s[i];
	}
	mb->spec[n] = '\0';
	if (angle && mb->spec[0] == '@' &&
	    (colon = strchr(mb->spec, ':')) != NULL)
		memmove(mb->spec, colon + 1, strlen(colon + 1) + 1);
	if (strlen(mb->spec) > ADDR_MAX)
		return util_err(err, errlen, "address too long (%zu octets, "
		    "at most %d)", strlen(mb->spec), ADDR_MAX);
	mb->span = *span;
	return 0;
}

/* Ends one mailbox: hands its addr-spec, if it has one, to fn. */
static int
addr_walk_end(const char *s, struct addr_walk *w, addr_mailbox_fn fn,
    void *arg, char *err, size_t errlen)
{
	struct addr_mailbox mb;
	int r = 0;

	if (addr_spec_copy(s, w->had_angle ? &w->angle : &w->plain,
	    w->had_angle, &mb, err, errlen) == -1)
		return -1;
	if (mb.spec[0] != '\0')
		r = fn(arg, &mb, err, errlen);
	memset(w, 0, sizeof(*w));
	return r;
}

/* The list grammar over the lexer's tokens: a mailbox is a display name
 * and an angle address, or a bare addr-spec; "name:" opens a group (its
 * name is not an address), ',' and ';' end a mailbox; inside <> the
 * characters : , ; belong to the address. Calls fn for each non-empty
 * addr-spec, in order. 0, or -1 with err (from fn, or a syntax error). */
static int
addr_walk_list(const char *s, size_t len, addr_mailbox_fn fn, void *arg,
    char *err, size_t errlen)
{
	struct addr_lexer lx = { s, len, 0 };
	struct addr_walk w;
	struct addr_token t;
	char c;

	memset(&w, 0, sizeof(w));
	for (;;) {
		switch (addr_lex_next(&lx, &t)) {
		case ADDR_TOK_END:
			if (w.in_angle)
				return util_err(err, errlen, "unterminated <");
			return addr_walk_end(s, &w, fn, arg, err, errlen);
		case ADDR_TOK_ERROR:
			return util_err(err, errlen, "%s", t.why);
		case ADDR_TOK_SPACE:
		case ADDR_TOK_COMMENT:
			break;
		case ADDR_TOK_WORD:
		case ADDR_TOK_QUOTED:
			addr_span_add(w.in_angle ? &w.angle : &w.plain, &t);
			break;
		case ADDR_TOK_SPECIAL:
			c = s[t.start];
			if (c == '<' && w.in_angle)
				return util_err(err, errlen, "unbalanced <");
			if (c == '>' && !w.in_angle)
				return util_err(err, errlen, "unbalanced >");
			if (c == '<') {
				w.in_angle = w.had_angle = 1;
				w.angle.start = w.angle.end = 0;
			} else if (c == '>')
				w.in_angle = 0;
			else if (w.in_angle)
				addr_span_add(&w.angle, &t);
			else if (c == ':')	/* a group: drop its name */
				memset(&w, 0, sizeof(w));
			else if (addr_walk_end(s, &w, fn, arg, err,
			    errlen) == -1)
				return -1;
			break;
		}
	}
}

/* The envelope consumer: the caller's callback and its argument. */
struct addr_list_cb {
	addr_cb		 cb;
	void		*arg;
};

static int
addr_list_mailbox(void *arg, const struct addr_mailbox *mb, char *err,
    size_t errlen)
{
	struct addr_list_cb *l = arg;

	return l->cb(l->arg, mb->spec, err, errlen);
}

/* see addr.h */
int
addr_parse_list(const char *s, size_t len, addr_cb cb, void *arg, char *err,
    size_t errlen)
{
	struct addr_list_cb l = { cb, arg };

	return addr_walk_list(s, len, addr_list_mailbox, &l, err, errlen);
}

/* see addr.h */
int
addr_check(const char *a, char *err, size_t errlen)
{
	const char *at = strrchr(a, '@');
	size_t len = strlen(a), i;
	int inq = 0;

	if (len == 0)
		return util_err(err, errlen, "empty address");
	if (len > ADDR_MAX)
		return util_err(err, errlen, "address too long (%zu octets, "
		    "at most %d)", len, ADDR_MAX);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)a[i];
		if (c < 0x20 || c == 0x7f)
			return util_err(err, errlen, "address contains a "
			    "control character");
		if (c == '"')
			inq = !inq;
		else if (!inq && (c == ' ' || c == '<' || c == '>' ||
		    c == '(' || c == ')' || c == ',' || c == ';'))
			return util_err(err, errlen, "address contains '%c'",
			    c);
	}
	if (at != NULL && (size_t)(at - a) > 64)
		return util_err(err, errlen, "local part longer than 64 "
		    "octets");
	if (at != NULL && strlen(at + 1) > 255)
		return util_err(err, errlen, "domain longer than 255 octets");
	if (at != NULL && (at == a || at[1] == '\0'))
		return util_err(err, errlen, "address has an empty %s",
		    at == a ? "local part" : "domain");
	return 0;
}

/* addr_sender's consumer: exactly one address, copied out. */
struct addr_sender_out {
	char		*out;
	size_t		 outlen;
	int		 n;
};

static int
addr_sender_take(void *arg, const char *a, char *err, size_t errlen)
{
	struct addr_sender_out *f = arg;

	if (f->n++ > 0)
		return util_err(err, errlen, "more than one sender address");
	if (strlen(a) >= f->outlen)
		return util_err(err, errlen, "address too long");
	memcpy(f->out, a, strlen(a) + 1);
	return 0;
}

/* see addr.h */
int
addr_sender(const char *in, char *out, size_t outlen, char *err,
    size_t errlen)
{
	struct addr_sender_out f = { out, outlen, 0 };
	const char *p = in;

	out[0] = '\0';
	if (addr_has_control(in))
		return util_err(err, errlen, "address contains a control "
		    "character");
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || strcmp(p, "<>") == 0)
		return 0;	/* the null reverse-path */
	if (addr_parse_list(p, strlen(p), addr_sender_take, &f, err,
	    errlen) == -1)
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

/* Is the name d (n bytes, a trailing dot ignored) host, host's first
 * label, or localhost? */
static int
addr_host_is(const char *d, size_t n, const char *host)
{
	size_t h = strcspn(host, ".");

	if (n > 0 && d[n - 1] == '.')
		n--;
	return (n == strlen(host) && strncasecmp(d, host, n) == 0) ||
	    (n == h && strncasecmp(d, host, h) == 0) ||
	    (n == 9 && strncasecmp(d, "localhost", 9) == 0) ||
	    (n == 21 && strncasecmp(d, "localhost.localdomain", 21) == 0);
}

/* see addr.h */
int
addr_is_host_local(const char *a, const char *host)
{
	const char *at = strrchr(a, '@');

	return at == NULL || addr_host_is(at + 1, strlen(at + 1), host);
}

/* The header consumer: copies the input to out, rewriting local names. */
struct addr_qualify {
	const char	*s;		/* the input */
	size_t		 copied;	/* input bytes already copied */
	char		*out;
	size_t		 o, outlen;
	const char	*domain;
	addr_alias_fn	 alias;
	void		*arg;
};

/* Appends n bytes to out, keeping room for the NUL. 0 or -1. */
static int
addr_qualify_put(struct addr_qualify *q, const char *p, size_t n)
{
	/* else o + n + 1 <= outlen */
	if (q->o + n + 1 > q->outlen)
		return -1;
	memcpy(q->out + q->o, p, n);
	q->o += n;
	return 0;
}

/* Copies the input up to offset upto (not before what is copied). */
static int
addr_qualify_copy(struct addr_qualify *q, size_t upto)
{
	if (addr_qualify_put(q, q->s + q->copied, upto - q->copied) == -1)
		return -1;
	q->copied = upto;
	return 0;
}

/* A local name with an alias becomes that address; one without gets
 * "@domain". Anything else (has '@', is not a valid addr-spec, such as
 * "John Doe") stays as it is. */
static int
addr_qualify_mailbox(void *arg, const struct addr_mailbox *mb, char *err,
    size_t errlen)
{
	struct addr_qualify *q = arg;
	const char *to;
	char why[64];

	if (!addr_is_local(mb->spec) ||
	    addr_check(mb->spec, why, sizeof(why)) == -1)
		return 0;
	if (q->alias != NULL && (to = q->alias(q->arg, mb->spec)) != NULL) {
		if (addr_qualify_copy(q, mb->span.start) == -1 ||
		    addr_qualify_put(q, to, strlen(to)) == -1)
			return util_err(err, errlen, "no room");
		q->copied = mb->span.end;
		return 0;
	}
	if (q->domain == NULL)
		return 0;
	if (addr_qualify_copy(q, mb->span.end) == -1 ||
	    addr_qualify_put(q, "@", 1) == -1 ||
	    addr_qualify_put(q, q->domain, strlen(q->domain)) == -1)
		return util_err(err, errlen, "no room");
	return 0;
}

/* see addr.h */
long
addr_qualify_list(const char *s, size_t len, const char *domain,
    addr_alias_fn alias, void *arg, char *out, size_t outlen)
{
	struct addr_qualify q = { s, 0, out, 0, outlen, domain, alias, arg };
	char err[128];

	if (addr_walk_list(s, len, addr_qualify_mailbox, &q, err,
	    sizeof(err)) == -1 || addr_qualify_copy(&q, len) == -1)
		return -1;
	out[q.o] = '\0';
	return (long)q.o;
}
