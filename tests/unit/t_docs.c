/* relaymail: the documentation matches the program. ISC licence.
 * Every key conf.c's table knows is described in its section of
 * sendmail.conf(5) and shown in its section of sendmail.conf.example;
 * every option cli.c accepts is in --help, and in the SYNOPSIS of
 * sendmail(8) when it does something (else in the page, among those
 * accepted and ignored). The options are found by asking the parser,
 * letter by letter, and by reading cli.c's long options, so that a new
 * one cannot go undocumented. Run from the top of the tree. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "conf.h"
#include "conf_int.h"
#include "t.h"

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	long n;

	if (fp == NULL || fseek(fp, 0, SEEK_END) == -1 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) == -1 || (buf = malloc((size_t)n + 1)) ==
	    NULL) {
		if (fp != NULL)
			fclose(fp);
		return NULL;
	}
	buf[fread(buf, 1, (size_t)n, fp)] = '\0';
	fclose(fp);
	return buf;
}

/* The text of a troff page as it reads: font escapes, \- and quotes
 * undone, the macro name at the start of a line dropped. */
static char *
troff_plain(const char *s, size_t len)
{
	char *out = malloc(len + 1), *o = out;
	const char *start = s, *end = s + len;
	int bol;

	while (s < end) {
		bol = s == start || s[-1] == '\n';
		if (bol && *s == '.') {
			while (s < end && *s != ' ' && *s != '\n')
				s++;
		} else if (*s == '\\' && s + 1 < end && s[1] == 'f') {
			s += s + 2 < end ? 3 : 2;
		} else if (*s == '\\' && s + 1 < end && s[1] == '-') {
			*o++ = '-';
			s += 2;
		} else if (*s == '"') {
			s++;
		} else
			*o++ = *s++;
	}
	*o = '\0';
	return out;
}

/* The plain text of the section of page whose .SH line holds title. */
static char *
man_section(const char *page, const char *title)
{
	char head[80];
	const char *a, *b;

	snprintf(head, sizeof(head), "\n.SH %s", title);
	if ((a = strstr(page, head)) == NULL)
		return NULL;
	a = strchr(a + 1, '\n');
	if ((b = strstr(a, "\n.SH ")) == NULL)
		b = a + strlen(a);
	return troff_plain(a, (size_t)(b - a));
}

/* word in text, standing alone: not inside a longer name or option. */
static int
has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = text; text != NULL && (p = strstr(p, word)) != NULL; p++) {
		int before = p > text ? (unsigned char)p[-1] : ' ';
		int after = (unsigned char)p[n];
		if ((isalnum(before) || before == '_' || (before == '-' &&
		    word[0] != '-')) || isalnum(after) || after == '_')
			continue;
		return 1;
	}
	return 0;
}

/* The example's lines of [section], commented or not, as a copy. */
static char *
example_section(const char *ex, const char *section)
{
	const char *p = ex, *start = NULL, *q;
	char want[40];
	size_t n;

	snprintf(want, sizeof(want), "[%s]", section);
	n = strlen(want);
	for (; *p != '\0'; p = q + (*q != '\0')) {
		const char *l = p + strspn(p, ";# \t");
		q = p + strcspn(p, "\n");
		if (*l != '[')
			continue;
		if (start != NULL)
			break;
		if (strncasecmp(l, want, n) == 0)
			start = q;
	}
	return start ? strndup(start, (size_t)(p - start)) : NULL;
}

/* A line "key =" in the example's section text (commented or not). */
static int
example_has(const char *text, const char *key)
{
	const char *p = text;
	size_t n = strlen(key);

	for (; p != NULL && *p != '\0'; p = strchr(p, '\n'), p += p != NULL) {
		const char *l = p + strspn(p, ";# \t");
		if (strncmp(l, key, n) == 0 && (l[n] == ' ' || l[n] == '='))
			return 1;
	}
	return 0;
}

TEST(every_key_documented)
{
	char *page = slurp("src/sendmail.conf.5");
	char *ex = slurp("sendmail.conf.example");
	size_t i;

	T_OK(page != NULL && ex != NULL);
	for (i = 0; page != NULL && ex != NULL && i < conf_nkeys; i++) {
		const struct conf_key *k = &conf_keys[i];
		char title[40], *man, *exs;
		/* A route's own key is under ROUTES, and [route NAME]. */
		if (strcmp(k->section, "route") == 0)
			snprintf(title, sizeof(title), "ROUTES");
		else
			snprintf(title, sizeof(title), "\"[%s]\"",
			    k->section);
		man = man_section(page, title);
		exs = example_section(ex, strcmp(k->section, "route") == 0 ?
		    "route app" : k->section);
		if (!has_word(man, k->name))
			T_FAIL_("[%s] %s: not in sendmail.conf(5) %s", k->section,
			    k->name, title);
		if (!example_has(exs, k->name))
			T_FAIL_("[%s] %s: not in sendmail.conf.example",
			    k->section, k->name);
		free(man);
		free(exs);
	}
	free(page);
	free(ex);
}

struct doc_texts {
	const char *help;
	char	*synopsis;	/* sendmail(8)'s, plain */
	char	*page;		/* sendmail(8) whole, plain */
};

/* The option word, accepted: in --help, and in the SYNOPSIS when it
 * does something, else in the page. */
static void
doc_option(const char *t_name_, const struct doc_texts *d, const char *word,
    int acts)
{
	if (!has_word(d->help, word))
		T_FAIL_("%s: accepted, not in --help", word);
	if (acts && !has_word(d->synopsis, word))
		T_FAIL_("%s: not in the SYNOPSIS of sendmail(8)", word);
	if (!acts && !has_word(d->page, word))
		T_FAIL_("%s: accepted and ignored, not in sendmail(8)", word);
}

/* 0 when cli_parse takes argv, with *acts set when the result differs
 * from no option at all; -1 when it refuses it. */
static int
doc_parse(char **argv, int argc, int *acts)
{
	struct cli base, c;
	char *none[] = { "sendmail", NULL }, err[300];

	if (cli_parse(&c, argc, argv, err, sizeof(err)) == -1)
		return -1;
	cli_parse(&base, 1, none, err, sizeof(err));
	c.rcpts = base.rcpts = NULL;
	c.nrcpts = base.nrcpts = 0;
	*acts = memcmp(&c, &base, sizeof(c)) != 0;
	return 0;
}

TEST(every_option_documented)
{
	/* Words the letters do not show: as parsed, and as documented. */
	static const char *compound[][2] = { { "-bpc", "-bpc" },
	    { "-Mrm", "-Mrm" }, { "-Mg", "-Mg" }, { "-qIx", "-qI" },
	    { "-qRx", "-qR" }, { "-qSx", "-qS" }, { "-oi", "-oi" },
	    { "-odi", "-odi" }, { "-odd", "-odd" }, { "-odb", "-odb" },
	    { "-odq", "-odq" }, { "-odQ", "-odQ" }, { NULL, NULL } };
	char seen[512] = " ";
	char *man = slurp("src/sendmail.8"), *src = slurp("src/cli.c"), *p;
	char word[64], *argv[4];
	struct doc_texts d;
	int i, acts, l;

	T_OK(man != NULL && src != NULL);
	if (man == NULL || src == NULL)
		return;
	d.help = cli_usage();
	d.synopsis = man_section(man, "SYNOPSIS");
	d.page = troff_plain(man, strlen(man));
	T_OK(d.synopsis != NULL);
	/* Each letter, with a word after it (its value, or a recipient). */
	for (l = 0; l < 52; l++) {
		snprintf(word, sizeof(word), "-%c", l < 26 ? 'a' + l :
		    'A' + l - 26);
		argv[0] = "sendmail", argv[1] = word, argv[2] = "x@example.org";
		argv[3] = NULL;
		if (doc_parse(argv, 3, &acts) == 0)
			doc_option(t_name_, &d, word, acts);
	}
	/* The modes of -b. */
	for (l = 0; l < 52; l++) {
		snprintf(word, sizeof(word), "-b%c", l < 26 ? 'a' + l :
		    'A' + l - 26);
		argv[0] = "sendmail", argv[1] = word, argv[2] = NULL;
		if (doc_parse(argv, 2, &acts) == 0)
			doc_option(t_name_, &d, word, acts);
	}
	for (i = 0; compound[i][0] != NULL; i++) {
		argv[0] = "sendmail", argv[1] = (char *)compound[i][0];
		argv[2] = "x@example.org", argv[3] = NULL;
		T_EQ(doc_parse(argv, 3, &acts), 0);
		doc_option(t_name_, &d, compound[i][1], 0);
	}
	/* The long options, as cli.c spells them, each once. */
	for (p = src; (p = strstr(p, "\"--")) != NULL; p++) {
		size_t n = strspn(p + 1, "-abcdefghijklmnopqrstuvwxyz");
		snprintf(word, sizeof(word), " %.*s ", (int)n, p + 1);
		if (strstr(seen, word) != NULL || strlen(seen) + n + 2 >=
		    sizeof(seen))
			continue;
		strcat(seen, word + 1);
		word[n + 1] = '\0';
		doc_option(t_name_, &d, word + 1, strcmp(word + 1, "--") != 0);
	}
	free(d.synopsis);
	free(d.page);
	free(man);
	free(src);
}

TEST_MAIN("t_docs", {
	RUN(every_key_documented);
	RUN(every_option_documented);
})
