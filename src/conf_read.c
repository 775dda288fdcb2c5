/* relaymail: reading the configuration file. ISC licence, see LICENSE.
 * inih parses; our own reader feeds it one line at a time, so that we
 * know the true line number, notice a line longer than inih's buffer
 * (which inih would cut silently), and can say what is wrong with the
 * first line inih refused (its return value): no "=", a section name
 * without its "]", a cut line. The misspelt names a person writes get a
 * "did you mean" from the names conf.c's table knows; a value wrapped
 * in matching quotes is taken without them. */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "conf_int.h"
#include "util.h"

struct conf_reader {
	FILE	*fp;		/* or: */
	const char *text;
	size_t	 off;
	int	 line;		/* of the line last handed to inih */
	int	 toolong;	/* that line was cut */
	int	 bad_line;	/* the first line inih will refuse, or 0 */
	char	 bad_text[64];	/* its start, for the message */
	int	 bad_kind;	/* CONF_BAD_* */
};

enum { CONF_BAD_SYNTAX = 1, CONF_BAD_UNCLOSED, CONF_BAD_TOOLONG,
	CONF_BAD_SECTION };

#define CONF_TOOLONG_WHY	"line too long (over %d bytes); put long " \
	"values such as passwords in password_file"

/* The sections, for the words of an error. */
static const char *const conf_sections[] = { "relay", "queue", "message",
	"aliases", "log", "oauth", NULL };

/* 1 when the section line p ("[name]...") names one we know. */
static int
conf_section_known(const char *p)
{
	size_t n = strcspn(p + 1, "]");
	int i;

	char name[CONF_ROUTE_NAME_MAX + 8];

	for (i = 0; conf_sections[i] != NULL; i++)
		if (strlen(conf_sections[i]) == n &&
		    strncasecmp(p + 1, conf_sections[i], n) == 0)
			return 1;
	/* [route NAME], [oauth NAME] */
	if (n < sizeof(name) && (strncasecmp(p + 1, "route ", 6) == 0 ||
	    strncasecmp(p + 1, "oauth ", 6) == 0)) {
		memcpy(name, p + 1, n);
		name[n] = '\0';
		return conf_route_is_section(name);
	}
	return 0;
}

/* Notes the first line that is wrong as such: what inih will refuse in
 * it, as inih sees it (a section line without "]", a line that is
 * neither blank, a comment, a section nor "key = value" or "key:
 * value", a cut line), or a section we do not know (inih does not call
 * us for a section line, and an empty one would pass unseen). */
static void
conf_reader_check(struct conf_reader *rd, const char *str)
{
	const char *p = str + strspn(str, " \t\r\n");
	int kind = 0;

	if (rd->bad_line != 0)
		return;
	if (rd->toolong)
		kind = CONF_BAD_TOOLONG;
	else if (*p == '\0' || *p == ';' || *p == '#')
		return;
	else if (*p == '[')
		kind = strchr(p, ']') == NULL ? CONF_BAD_UNCLOSED :
		    conf_section_known(p) ? 0 : CONF_BAD_SECTION;
	else if (strpbrk(p, "=:") == NULL)
		kind = CONF_BAD_SYNTAX;
	if (kind == 0)
		return;
	rd->bad_line = rd->line;
	rd->bad_kind = kind;
	if (kind == CONF_BAD_SECTION)	/* the name alone */
		snprintf(rd->bad_text, sizeof(rd->bad_text), "%.*s",
		    (int)strcspn(p + 1, "]"), p + 1);
	else
		snprintf(rd->bad_text, sizeof(rd->bad_text), "%.*s",
		    (int)strcspn(p, "\r\n"), p);
}

/* inih calls this for each line; num is its buffer size (200). */
static char *
conf_reader(char *str, int num, void *stream)
{
	struct conf_reader *rd = stream;
	size_t n;

	if (rd->fp != NULL) {
		if (fgets(str, num, rd->fp) == NULL)
			return NULL;
		n = strlen(str);
		rd->toolong = n > 0 && str[n - 1] != '\n' && !feof(rd->fp);
	} else {
		const char *p = rd->text + rd->off, *nl;
		if (*p == '\0')
			return NULL;
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) + 1 : strlen(p);
		rd->toolong = n > (size_t)num - 1;
		if (n > (size_t)num - 1)
			n = (size_t)num - 1;
		memcpy(str, p, n);
		str[n] = '\0';
		rd->off += n;
	}
	if (rd->toolong) {
		/* Skip the rest of the line; the handler or the end of
		 * parsing reports it. */
		if (rd->fp != NULL) {
			int ch;
			while ((ch = fgetc(rd->fp)) != EOF && ch != '\n')
				;
		} else {
			const char *nl = strchr(rd->text + rd->off, '\n');
			rd->off = nl ? (size_t)(nl - rd->text) + 1 :
			    strlen(rd->text);
		}
	}
	rd->line++;
	conf_reader_check(rd, str);
	return str;
}

static int
conf_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct conf_ctx *x = user;

	if (x->failed)
		return 0;
	x->line = x->rd->line;
	if (x->rd->toolong) {
		x->section = section;
		x->key = name;
		conf_bad(x, CONF_TOOLONG_WHY, CONF_LINE_MAX - 1);
		return 0;
	}
	return conf_set(x, section, name, value) == 0;	/* inih: 0 stops */
}

/* Line r, wrong as such, in words: the reader's note, or inih's refusal. */
static int
conf_syntax(struct conf_ctx *x, const struct conf_reader *rd, int r)
{
	char hint[160];

	/* An error about the line, not a key (and inih's section buffer is
	 * gone with its stack frame). */
	x->failed = 0;
	x->section = x->key = NULL;
	x->line = r;
	if (rd->bad_line != r)
		return conf_bad(x, "syntax error (expected \"key = value\" or "
		    "[section])");
	switch (rd->bad_kind) {
	case CONF_BAD_SECTION:
		x->section = rd->bad_text;
		if (strcasecmp(rd->bad_text, "route") == 0)
			return conf_bad(x, "a route needs its name: [route "
			    "NAME]");
		if (strncasecmp(rd->bad_text, "route ", 6) == 0 ||
		    strncasecmp(rd->bad_text, "oauth ", 6) == 0)
			return conf_bad(x, "a route's name is letters, digits, "
			    "_ and - (at most %d)", CONF_ROUTE_NAME_MAX - 1);
		conf_suggest(rd->bad_text, NULL, hint, sizeof(hint));
		return conf_bad(x, "unknown section%s", hint);
	case CONF_BAD_TOOLONG:
		return conf_bad(x, CONF_TOOLONG_WHY, CONF_LINE_MAX - 1);
	case CONF_BAD_UNCLOSED:
		return conf_bad(x, "\"%s\": a section name needs its closing "
		    "\"]\"", rd->bad_text);
	default:
		return conf_bad(x, "\"%s\": expected \"key = value\" or "
		    "[section]", rd->bad_text);
	}
}

static int
conf_parse(struct conf *c, const char *name, struct conf_reader *rd,
    char *err, size_t errlen)
{
	struct conf_ctx x;
	int r, fail;

	conf_ctx_init(&x, c, name, err, errlen);
	x.rd = rd;
	free(c->path);
	if ((c->path = strdup(name)) == NULL)
		return conf_bad(&x, "out of memory");
	r = ini_parse_stream(conf_reader, rd, conf_handler, &x);
	fail = x.failed ? x.line : 0;
	/* inih goes on after a line it cannot parse and returns the first
	 * one; a later key that fails is that line's consequence (an
	 * unclosed [queue leaves its keys in the section before it). The
	 * reader's first note is at or before inih's first refusal. */
	if (rd->bad_line > 0 && (fail == 0 || rd->bad_line < fail))
		return conf_syntax(&x, rd, rd->bad_line);
	if (r > 0 && (fail == 0 || r < fail))
		return conf_syntax(&x, rd, r);
	return x.failed || r != 0 ? -1 : 0;
}

/* see conf.h */
int
conf_load(struct conf *c, const char *path, char *err, size_t errlen)
{
	struct conf_reader rd;
	int r;

	memset(&rd, 0, sizeof(rd));
	if ((rd.fp = fopen(path, "re")) == NULL)
		return util_err(err, errlen, "%s: %s", path, strerror(errno));
	r = conf_parse(c, path, &rd, err, errlen);
	fclose(rd.fp);
	return r;
}

/* see conf.h */
int
conf_load_string(struct conf *c, const char *name, const char *text,
    char *err, size_t errlen)
{
	struct conf_reader rd;

	memset(&rd, 0, sizeof(rd));
	rd.text = text;
	return conf_parse(c, name, &rd, err, errlen);
}

/* see conf_int.h */
char *
conf_unquote(const char *v)
{
	size_t n = strlen(v);

	if (n < 2 || (v[0] != '"' && v[0] != '\'') || v[n - 1] != v[0] ||
	    memchr(v + 1, v[0], n - 2) != NULL)
		return NULL;
	return strndup(v + 1, n - 2);
}

/* The edit distance of a and b, ASCII case ignored: insertions,
 * deletions, substitutions and swaps of two neighbours (Damerau's
 * optimal string alignment). Names longer than 63 bytes are far. */
static int
conf_distance(const char *a, const char *b)
{
	int d[64][64], i, j, la = (int)strlen(a), lb = (int)strlen(b);

	if (la > 63 || lb > 63)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			int cost = tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]);
			int m = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < m)
				m = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < m)
				m = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1])
			    == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) ==
			    tolower((unsigned char)b[j - 1]) &&
			    d[i - 2][j - 2] + 1 < m)
				m = d[i - 2][j - 2] + 1;
			d[i][j] = m;
		}
	return d[la][lb];
}

/* Close enough to be a slip: one edit in a short name, two in a
 * middling one, three in a long one. */
static int
conf_near(const char *typed, const char *known)
{
	int d = conf_distance(typed, known), n = (int)strlen(typed);

	if ((int)strlen(known) > n)
		n = (int)strlen(known);
	return d <= (n <= 4 ? 1 : n <= 8 ? 2 : 3);
}

/* see conf_int.h */
void
conf_suggest(const char *section, const char *name, char *buf, size_t len)
{
	const struct conf_key *best = NULL;
	int i, bestd = 99, d;
	size_t k;

	buf[0] = '\0';
	if (name == NULL) {
		for (i = 0; conf_sections[i] != NULL; i++)
			if (conf_near(section, conf_sections[i])) {
				snprintf(buf, len, "; did you mean [%s]?",
				    conf_sections[i]);
				return;
			}
		snprintf(buf, len, " (the sections are [relay], [queue], "
		    "[message], [aliases], [log], [oauth], and [route NAME] "
		    "with its [oauth NAME])");
		return;
	}
	/* The same section first; then the name as another section has
	 * it (dir under [relay] is [queue] dir). */
	for (k = 0; k < conf_nkeys; k++) {
		const struct conf_key *ck = &conf_keys[k];
		int same = strcasecmp(ck->section, section) == 0;
		d = conf_distance(name, ck->name) * 2 + !same;
		if ((same ? conf_near(name, ck->name) : d == 1) && d < bestd) {
			best = ck;
			bestd = d;
		}
	}
	if (best == NULL)
		return;
	if (strcasecmp(best->section, section) == 0)
		snprintf(buf, len, "; did you mean %s?", best->name);
	else
		snprintf(buf, len, "; did you mean [%s] %s?", best->section,
		    best->name);
}
