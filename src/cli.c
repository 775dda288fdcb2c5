/* relaymail: the sendmail command line. ISC licence, see LICENSE.
 * getopt-like, by hand, because sendmail's grammar is not getopt's:
 * "-o" takes the rest of its word, "-q" has an optional glued value, and
 * "-b" picks a mode. One table says which letters take a value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

/* Letters whose value is glued or the next word (Postfix's set). */
static const char with_value[] = "ABCFLNORVXbfhpr";
/* Letters accepted and ignored, without a value. */
static const char ignored[] = "GUmnx";

static int
usage(char *err, size_t errlen, const char *fmt, const char *arg)
{
	snprintf(err, errlen, fmt, arg);
	return -1;
}

static int
interval(const char *v, long *out)
{
	char *end;
	long n = strtol(v, &end, 10), unit = 60;

	if (end == v || n < 0 || n > 100000)
		return -1;
	switch (*end) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	case '\0': break;	/* a bare number is minutes, as in sendmail */
	default: return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	*out = n * unit;
	return *out > 0 ? 0 : -1;
}

static int
mode_b(struct cli *c, const char *v, char *err, size_t errlen)
{
	if (strlen(v) != 1)
		return usage(err, errlen, "-b%s: unknown mode", v);
	switch (v[0]) {
	case 'm': c->mode = CLI_SEND; return 0;
	case 'p': c->mode = CLI_LIST; return 0;
	case 's': c->mode = CLI_SMTP; return 0;
	case 'i': c->mode = CLI_ALIASES; return 0;
	case 't': c->mode = CLI_TEST; return 0;
	case 'P': c->mode = CLI_CONFIG; return 0;
	case 'd': case 'D': case 'l':
		return usage(err, errlen, "-b%s: relaymail never runs as a "
		    "daemon", v);
	default:
		return usage(err, errlen, "-b%s: mode not supported", v);
	}
}

/* -O opt[=val] (and -o's long form). */
static void
option_o(struct cli *c, const char *v)
{
	if (strncasecmp(v, "IgnoreDots", 10) == 0) {
		const char *val = v[10] == '=' ? v + 11 : "true";
		c->ignore_dots = strcasecmp(val, "false") != 0 &&
		    strcmp(val, "0") != 0 && strcasecmp(val, "f") != 0;
	}
	/* DeliveryMode, ErrorMode and the rest: accepted, ignored. */
}

static int
with(struct cli *c, char letter, const char *v, char *err, size_t errlen)
{
	switch (letter) {
	case 'b':
		return mode_b(c, v, err, errlen);
	case 'f':
	case 'r':
		c->from = v;
		return 0;
	case 'F':
		c->fullname = v;
		return 0;
	case 'C':
		c->conf_path = v;
		return 0;
	case 'B':
		if (strcasecmp(v, "8BITMIME") == 0)
			c->body = CLI_BODY_8BITMIME;
		else if (strcasecmp(v, "7BIT") == 0)
			c->body = CLI_BODY_7BIT;
		else
			return usage(err, errlen, "-B: unknown body type '%s' "
			    "(8BITMIME or 7BIT)", v);
		return 0;
	case 'N':
		c->dsn_notify = v;
		return 0;
	case 'R':
		c->dsn_ret = v;
		return 0;
	case 'V':
		c->dsn_envid = v;
		return 0;
	case 'O':
		option_o(c, v);
		return 0;
	default:	/* A, L, X, h, p: accepted; -X never writes its file */
		return 0;
	}
}

/* see cli.h */
int
cli_parse(struct cli *c, int argc, char *const argv[], char *err,
    size_t errlen)
{
	const char *slash;
	int i;

	memset(c, 0, sizeof(*c));
	c->progname = argc > 0 && argv[0] != NULL ? argv[0] : "sendmail";
	if ((slash = strrchr(c->progname, '/')) != NULL)
		c->progname = slash + 1;
	if (strcmp(c->progname, "mailq") == 0)
		c->mode = CLI_LIST;
	else if (strcmp(c->progname, "newaliases") == 0)
		c->mode = CLI_ALIASES;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		size_t j;

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "--version") == 0) {
			c->mode = CLI_VERSION;
			continue;
		}
		if (a[0] != '-' || a[1] == '\0')
			break;	/* the first recipient */
		for (j = 1; a[j] != '\0'; j++) {
			char l = a[j];

			if (l == 'o') {
				/* -o takes the rest of its word. */
				const char *v = a[j + 1] ? a + j + 1 : argv[++i];
				if (v == NULL)
					return usage(err, errlen, "option -%s "
					    "requires a value", "o");
				if (strcmp(v, "i") == 0)
					c->ignore_dots = 1;
				else if (strncmp(v, "IgnoreDots", 10) == 0)
					option_o(c, v);
				break;
			}
			if (l == 'q') {
				const char *v = a + j + 1;
				c->mode = CLI_FLUSH;
				c->queue_interval = 0;
				if (*v == '\0')
					break;
				if (strchr("IRSfp", *v) != NULL)
					return usage(err, errlen, "-q%s: not "
					    "supported", v);
				if (interval(v, &c->queue_interval) == -1)
					return usage(err, errlen, "-q%s: bad "
					    "interval (e.g. -q30m)", v);
				break;
			}
			if (strchr(with_value, l) != NULL) {
				const char *v = a[j + 1] ? a + j + 1 : argv[++i];
				char name[3] = { '-', l, '\0' };
				if (v == NULL) {
					return usage(err, errlen, "option %s "
					    "requires a value", name);
				}
				if (with(c, l, v, err, errlen) == -1)
					return -1;
				break;
			}
			switch (l) {
			case 't':
				c->from_headers = 1;
				continue;
			case 'i':
				c->ignore_dots = 1;
				continue;
			case 'v':
				c->verbose = 1;
				continue;
			case 'I':
				c->mode = CLI_ALIASES;
				continue;
			}
			if (strchr(ignored, l) != NULL)
				continue;
			if (l == 'd')
				return usage(err, errlen, "-%s: debugging flags "
				    "are not supported", a + j);
			{
				char name[3] = { '-', l, '\0' };
				return usage(err, errlen, "unknown option %s",
				    name);
			}
		}
	}
	c->rcpts = argv + i;
	c->nrcpts = argc - i;
	if (c->nrcpts < 0)
		c->nrcpts = 0;
	return 0;
}
