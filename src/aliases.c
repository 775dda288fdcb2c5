/* relaymail: the aliases(5) file. ISC licence, see LICENSE.
 * One reader for both uses: expanding recipients (read on first need,
 * the lines it cannot use logged and left out) and newaliases
 * (aliases_check: every error, with its line).
 * Lines and entries have fixed caps; nothing grows with the input. A name
 * is expanded at most ALIASES_DEPTH_MAX deep and never twice in a chain. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "aliases.h"
#include "conf.h"
#include "log.h"
#include "util.h"

/* Where a problem goes: the caller's say(), once per problem. */
struct aliases_sink {
	const char *path;
	void	(*say)(void *, const char *);
	void	*arg;
	int	 nerrors;
	int	 nentries;
	struct aliases *a;	/* where the file's entries go */
	char	 last[600];	/* the last problem, "FILE:LINE: reason" */
};

static void
aliases_bad(struct aliases_sink *k, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
aliases_bad(struct aliases_sink *k, int line, const char *fmt, ...)
{
	char why[400], msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(msg, sizeof(msg), "%s:%d: %s", k->path, line, why);
	else
		snprintf(msg, sizeof(msg), "%s: %s", k->path, why);
	k->nerrors++;
	util_strlcpy(k->last, msg, sizeof(k->last));
	k->say(k->arg, msg);
}

/* see aliases.h */
void
aliases_init(struct aliases *a, const struct conf *c)
{
	memset(a, 0, sizeof(*a));
	a->conf = c;
}

/* see aliases.h */
void
aliases_free(struct aliases *a)
{
	int i;

	for (i = 0; i < a->nfile; i++) {
		free(a->file[i].name);
		free(a->file[i].value);
		free(a->file[i].why);
	}
	aliases_init(a, a->conf);
}

/* see aliases.h */
const char *
aliases_path(const struct conf *c)
{
	if (c->aliases_file != NULL)
		return c->aliases_file[0] != '\0' ? c->aliases_file : NULL;
	return access(ALIASES_FILE, F_OK) == 0 ? ALIASES_FILE : NULL;
}

static int
aliases_addr_ok(void *arg, const char *addr, char *err, size_t errlen)
{
	(void)arg;
	return addr_check(addr, err, errlen);
}

/* One member of a value, trimmed: what relaying cannot do, in words. */
static const char *
aliases_member_why(const char *m, size_t n)
{
	if (n >= 9 && strncasecmp(m, ":include:", 9) == 0)
		return ":include: is not supported (relay-only: list the "
		    "addresses here)";
	if (n > 0 && (m[0] == '|' || (m[0] == '"' && n > 1 && m[1] == '|')))
		return "a pipe to a command cannot be relayed";
	if (n > 0 && (m[0] == '/' || (m[0] == '"' && n > 1 && m[1] == '/')))
		return "a file cannot be relayed";
	return NULL;
}

/* The value of one entry: members, then the address list as a whole. */
static int
aliases_value_ok(struct aliases_sink *k, int line, const char *v)
{
	const char *p = v, *why;
	char err[300];

	while (*p != '\0') {
		size_t n = strcspn(p, ",");
		const char *m = p;

		while (n > 0 && (*m == ' ' || *m == '\t'))
			m++, n--;
		if ((why = aliases_member_why(m, n)) != NULL) {
			aliases_bad(k, line, "%s", why);
			return -1;
		}
		p += strcspn(p, ",");
		p += *p == ',';
	}
	if (strspn(v, " \t,") == strlen(v)) {
		aliases_bad(k, line, "no address");
		return -1;
	}
	if (addr_parse_list(v, strlen(v), aliases_addr_ok, NULL, err,
	    sizeof(err)) == -1) {
		aliases_bad(k, line, "%s", err);
		return -1;
	}
	return 0;
}

static const struct conf_alias *
aliases_find(const struct conf_alias *v, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcasecmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/* [aliases] of the settings, or NULL. */
static const struct conf_alias *
aliases_find_conf(const struct aliases *al, const char *name)
{
	if (al->conf == NULL)
		return NULL;
	return aliases_find(al->conf->aliases, al->conf->naliases, name);
}

/* "name: value" (continuations joined) starting on line: into k->a. */
static void
aliases_entry(struct aliases_sink *k, int line, char *e)
{
	struct aliases *al = k->a;
	const struct conf_alias *dup;
	struct conf_alias *a;
	char *colon = strchr(e, ':'), *v, *end;
	size_t n;

	if (colon == NULL) {
		aliases_bad(k, line, "no ':' after the name");
		return;
	}
	*colon = '\0';
	for (end = colon; end > e && (end[-1] == ' ' || end[-1] == '\t');)
		*--end = '\0';
	if ((n = strlen(e)) == 0 || strcspn(e, " \t@<>,;\"") != n) {
		aliases_bad(k, line, "bad alias name \"%.64s\"", e);
		return;
	}
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	if (aliases_value_ok(k, line, v) == -1)
		v = NULL;	/* kept, so that mail to it is refused */
	k->nentries++;
	if ((dup = aliases_find(al->file, al->nfile, e)) != NULL) {
		aliases_bad(k, line, "duplicate alias %s (first on line %d)",
		    e, dup->line);
		return;
	}
	if (aliases_find_conf(al, e) != NULL)
		return;		/* [aliases] in sendmail.conf wins */
	if (al->nfile == ALIASES_MAX) {
		aliases_bad(k, line, "too many aliases (at most %d)",
		    ALIASES_MAX);
		return;
	}
	a = &al->file[al->nfile];
	a->value = a->why = NULL;
	if ((a->name = strdup(e)) == NULL ||
	    (v != NULL && (a->value = strdup(v)) == NULL) ||
	    (v == NULL && (a->why = strdup(k->last)) == NULL)) {
		free(a->name);
		free(a->value);
		a->name = a->value = NULL;
		aliases_bad(k, line, "out of memory");
		return;
	}
	a->line = line;
	al->nfile++;
}

/* Reads one line into buf (ALIASES_LINE_MAX + 2 bytes), without its LF.
 * 1, 0 at EOF, or 2 for a line too long (the rest of it is skipped). */
static int
aliases_getline(FILE *fp, char *buf, size_t len)
{
	size_t n;
	int ch;

	if (fgets(buf, (int)len, fp) == NULL)
		return 0;
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n') {
		buf[--n] = '\0';
		if (n > 0 && buf[n - 1] == '\r')
			buf[--n] = '\0';
		return n > ALIASES_LINE_MAX ? 2 : 1;
	}
	if (feof(fp))
		return n > ALIASES_LINE_MAX ? 2 : 1;
	while ((ch = getc(fp)) != EOF && ch != '\n')
		;
	return 2;
}

/* The whole file, entry by entry. */
static void
aliases_read(struct aliases_sink *k, FILE *fp)
{
	char buf[ALIASES_LINE_MAX + 2], e[ALIASES_ENTRY_MAX + 1];
	int line = 0, start = 0, r, skip = 0;
	size_t n = 0, i;

	while ((r = aliases_getline(fp, buf, sizeof(buf))) != 0) {
		line++;
		for (i = 0; buf[i] != '\0'; i++)
			if ((unsigned char)buf[i] < 0x20 && buf[i] != '\t')
				break;
		if (r == 2 || buf[i] != '\0') {
			aliases_bad(k, line, r == 2 ? "line longer than %d "
			    "bytes" : "control character in line",
			    ALIASES_LINE_MAX);
			if (buf[0] != ' ' && buf[0] != '\t') {
				if (start != 0 && !skip)
					aliases_entry(k, start, e);
				start = line;
			}
			skip = 1;
			continue;
		}
		if (buf[0] == '#' || buf[strspn(buf, " \t")] == '\0')
			continue;
		if (buf[0] == ' ' || buf[0] == '\t') {
			if (start == 0 && !skip)
				aliases_bad(k, line, "continuation line "
				    "without an alias before it");
			if (start == 0 || skip)
				continue;
			if (n + 1 + strlen(buf) > ALIASES_ENTRY_MAX) {
				aliases_bad(k, start, "entry longer than %d "
				    "bytes", ALIASES_ENTRY_MAX);
				skip = 1;
				continue;
			}
			n += (size_t)snprintf(e + n, sizeof(e) - n, " %s", buf);
			continue;
		}
		if (start != 0 && !skip)
			aliases_entry(k, start, e);
		start = line;
		skip = 0;
		n = (size_t)snprintf(e, sizeof(e), "%s", buf);
	}
	if (ferror(fp))
		aliases_bad(k, 0, "read error: %s", strerror(errno));
	else if (start != 0 && !skip)
		aliases_entry(k, start, e);
}

/* An expansion in progress: the chain of names being expanded. */
struct aliases_walk {
	struct aliases *a;
	addr_cb	 cb;
	void	*arg;
	const char *chain[ALIASES_DEPTH_MAX];
	int	 depth;
};

/* Reads the file into a on the first lookup that needs it. */
static int aliases_need(struct aliases *a);

/* The alias of name: [aliases] first (it wins), then the file; with
 * top, "default" the same way. 0 with *found (NULL: none), or -1 when
 * the file was needed and cannot be read (a->err). */
static int
aliases_lookup(struct aliases *a, const char *name, int top,
    const struct conf_alias **found)
{
	*found = NULL;
	if (a == NULL || a->conf == NULL)
		return 0;
	if ((*found = aliases_find_conf(a, name)) != NULL)
		return 0;
	if (aliases_need(a) == -1)
		return -1;
	if ((*found = aliases_find(a->file, a->nfile, name)) != NULL)
		return 0;
	/* "default" catches the names the caller gave, not the names an
	 * alias gives: those are qualified as they are. */
	if (top && (*found = aliases_find_conf(a, "default")) == NULL)
		*found = aliases_find(a->file, a->nfile, "default");
	return 0;
}

static int
aliases_loop(struct aliases_walk *w, const char *name, char *err,
    size_t errlen)
{
	size_t n = (size_t)snprintf(err, errlen, "alias loop:");
	int i;

	for (i = 0; i < w->depth && n < errlen; i++)
		n += (size_t)snprintf(err + n, errlen - n, " %s ->",
		    w->chain[i]);
	if (n < errlen)
		snprintf(err + n, errlen - n, " %s", name);
	return -1;
}

static int
aliases_found(void *arg, const char *addr, char *err, size_t errlen)
{
	struct aliases_walk *w = arg;
	const struct conf_alias *a;
	const char *v;
	int i, r;

	if (!addr_is_local(addr))
		return w->cb(w->arg, addr, err, errlen);
	if (aliases_lookup(w->a, addr, w->depth == 0, &a) == -1)
		return util_err(err, errlen, "%s", w->a->err);
	if (a == NULL)
		return w->cb(w->arg, addr, err, errlen);
	if ((v = a->value) == NULL)	/* a line the file cannot use */
		return util_err(err, errlen, "alias %s: %s", addr, a->why);
	for (i = 0; i < w->depth; i++)
		if (strcasecmp(w->chain[i], addr) == 0)
			return aliases_loop(w, addr, err, errlen);
	if (w->depth == ALIASES_DEPTH_MAX)
		return util_err(err, errlen, "aliases nested more than %d "
		    "deep at %s", ALIASES_DEPTH_MAX, addr);
	w->chain[w->depth++] = addr;
	r = addr_parse_list(v, strlen(v), aliases_found, w, err, errlen);
	w->depth--;
	return r;
}

/* see aliases.h */
int
aliases_expand(struct aliases *a, const char *list, size_t len,
    addr_cb cb, void *arg, char *err, size_t errlen)
{
	struct aliases_walk w;

	memset(&w, 0, sizeof(w));
	w.a = a;
	w.cb = cb;
	w.arg = arg;
	return addr_parse_list(list, len, aliases_found, &w, err, errlen);
}

/* see aliases.h */
const char *
aliases_value(struct aliases *a, const char *local)
{
	const struct conf_alias *found;

	if (aliases_lookup(a, local, 1, &found) == -1 || found == NULL)
		return NULL;
	return found->value;
}

/* see aliases.h */
int
aliases_unreadable(const struct aliases *a)
{
	return a != NULL && a->read == -1;
}

/* Reads the file into k->a; problems go to k's say(). */
static int
aliases_file(struct aliases *a, struct aliases_sink *k)
{
	FILE *fp;

	k->a = a;
	if ((k->path = aliases_path(a->conf)) == NULL)
		return 0;
	if ((fp = fopen(k->path, "r")) == NULL) {
		aliases_bad(k, 0, "%s", strerror(errno));
		return -1;
	}
	aliases_read(k, fp);
	fclose(fp);
	return 0;
}

struct aliases_first {
	char	*err;
	size_t	 errlen;
	int	 n;
};

static void
aliases_keep_first(void *arg, const char *msg)
{
	struct aliases_first *f = arg;

	if (f->n++ == 0)
		util_strlcpy(f->err, msg, f->errlen);
}

static int
aliases_need(struct aliases *a)
{
	struct aliases_first f = { a->err, sizeof(a->err), 0 };
	struct aliases_sink k;

	if (a->read != 0)
		return a->read == 1 ? 0 : -1;
	memset(&k, 0, sizeof(k));
	k.say = aliases_keep_first;
	k.arg = &f;
	if (aliases_file(a, &k) == -1) {
		a->read = -1;
		return -1;
	}
	a->read = 1;
	/* The file is the machine's, shared with other MTAs' habits: a
	 * line relaying cannot use is left out, not a reason to stop all
	 * mail (mail to its name is refused, with this reason). */
	if (f.n > 0)
		log_info("%d line%s of the aliases file ignored (newaliases "
		    "lists them); the first: %s", f.n, f.n == 1 ? "" : "s",
		    a->err);
	a->err[0] = '\0';
	return 0;
}

static int
aliases_count(void *arg, const char *addr, char *err, size_t errlen)
{
	(void)addr;
	(void)err;
	(void)errlen;
	++*(int *)arg;
	return 0;
}

/* see aliases.h */
int
aliases_check(const struct conf *c, void (*say)(void *, const char *),
    void *arg, struct aliases_report *rep)
{
	struct aliases al;
	const struct conf_alias *a;
	struct aliases_sink k;
	const char *file;
	char err[400];
	int i, n;

	aliases_init(&al, c);
	memset(&k, 0, sizeof(k));
	k.say = say;
	k.arg = arg;
	rep->unreadable = aliases_file(&al, &k) == -1;
	al.read = 1;	/* what could be read: [aliases] alone if nothing */
	file = k.path;
	for (i = 0; i < c->naliases + al.nfile; i++) {
		a = i < c->naliases ? &c->aliases[i] :
		    &al.file[i - c->naliases];
		n = 0;
		if (a->value == NULL)
			continue;	/* said when read */
		if (aliases_expand(&al, a->name, strlen(a->name),
		    aliases_count, &n, err, sizeof(err)) == 0)
			continue;
		if (a->line > 0)
			aliases_bad(&k, a->line, "%s: %s", a->name, err);
		else {
			k.path = c->path != NULL ? c->path : "environment";
			aliases_bad(&k, 0, "[aliases] %s: %s", a->name, err);
			k.path = file;
		}
	}
	aliases_free(&al);
	rep->path = file;
	rep->naliases = k.nentries;
	rep->nerrors = k.nerrors;
	return k.nerrors;
}
