/* relaymail: the sendmail command line. ISC licence, see LICENSE.
 * getopt-like, by hand, because sendmail's grammar is not getopt's:
 * "-o" takes the rest of its word, "-q" has an optional glued value, and
 * "-b" picks a mode. One table says which letters take a value, one which
 * are accepted and ignored; every other letter is a flat switch case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "util.h"

/* Letters whose value is glued or the next word (Postfix's set). */
static const char cli_with_value[] = "ABCFLNORVXbfhpr";
/* Letters accepted and ignored, without a value. */
static const char cli_ignored[] = "GUmnx";

/* "30m", "1h", "15" (minutes, as in sendmail) into seconds. 0 or -1. */
static int
cli_interval(const char *v, long *out)
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

/* -b<mode>. */
static int
cli_mode_b(struct cli *c, const char *v, char *err, size_t errlen)
{
	if (strcmp(v, "pc") == 0) {	/* Exim's count */
		c->mode = CLI_COUNT;
		return 0;
	}
	if (strlen(v) != 1)
		return util_err(err, errlen, "-b%s: unknown mode", v);
	switch (v[0]) {
	case 'm': c->mode = CLI_SEND; return 0;
	case 'p': c->mode = CLI_LIST; return 0;
	case 's': c->mode = CLI_SMTP; return 0;
	case 'i': c->mode = CLI_ALIASES; return 0;
	case 't': c->mode = CLI_TEST; return 0;
	case 'P': c->mode = CLI_CONFIG; return 0;
	case 'd': case 'D': case 'l':
		return util_err(err, errlen, "-b%s: relaymail never runs as a "
		    "daemon", v);
	default:
		return util_err(err, errlen, "-b%s: mode not supported", v);
	}
}

/* -od<mode> or DeliveryMode=<mode>: sendmail's letters. */
static void
cli_delivery(struct cli *c, char mode)
{
	switch (mode) {
	case 'q': case 'Q': c->delivery = CLI_DELIVER_QUEUE; break;
	case 'b': c->delivery = CLI_DELIVER_BACKGROUND; break;
	case 'i': case 'd': c->delivery = CLI_DELIVER_WAIT; break;
	}
}

/* -O opt[=val] (and -o's long form). */
static void
cli_long_option(struct cli *c, const char *v)
{
	if (strncasecmp(v, "DeliveryMode=", 13) == 0)
		cli_delivery(c, v[13]);
	if (strncasecmp(v, "IgnoreDots", 10) == 0) {
		const char *val = v[10] == '=' ? v + 11 : "true";
		c->ignore_dots = strcasecmp(val, "false") != 0 &&
		    strcmp(val, "0") != 0 && strcasecmp(val, "f") != 0;
	}
	/* ErrorMode and the rest: accepted, ignored. */
}

/* -o<letter><value> (sendmail's old form): only -oi means something. */
static void
cli_dash_o(struct cli *c, const char *v)
{
	if (strcmp(v, "i") == 0)
		c->ignore_dots = 1;
	else if (v[0] == 'd')
		cli_delivery(c, v[1]);
	else if (strncmp(v, "IgnoreDots", 10) == 0)
		cli_long_option(c, v);
}

/* -q, or -q with a glued interval. */
static int
cli_queue(struct cli *c, const char *v, char *err, size_t errlen)
{
	c->mode = CLI_FLUSH;
	c->queue_interval = 0;
	c->queue_match = 0;
	c->queue_match_str = NULL;
	if (*v == '\0')
		return 0;
	if (strchr("IRS", *v) != NULL) {	/* sendmail's -qRsubstr */
		if (v[1] == '\0')
			return util_err(err, errlen, "-q%c: needs a string "
			    "(e.g. -q%cexample.org)", *v, *v);
		c->queue_match = *v;
		c->queue_match_str = v + 1;
		return 0;
	}
	if (strchr("fp!", *v) != NULL)
		return util_err(err, errlen, "-q%s: not supported", v);
	if (cli_interval(v, &c->queue_interval) == -1)
		return util_err(err, errlen, "-q%s: bad interval (e.g. -q30m)",
		    v);
	return 0;
}

/* -M, -Mrm, -Mg (Exim): the rest of the word names the operation. */
static int
cli_msg(struct cli *c, const char *v, char *err, size_t errlen)
{
	c->mode = CLI_MSG;
	if (*v == '\0')
		c->msg_op = CLI_MSG_RUN;
	else if (strcmp(v, "rm") == 0)
		c->msg_op = CLI_MSG_REMOVE;
	else if (strcmp(v, "g") == 0)
		c->msg_op = CLI_MSG_GIVEUP;
	else
		return util_err(err, errlen, "-M%s: not supported (-M, -Mrm "
		    "or -Mg)", v);
	return 0;
}

/* A letter of cli_with_value with its value v. */
static int
cli_value(struct cli *c, char letter, const char *v, char *err,
    size_t errlen)
{
	switch (letter) {
	case 'b':
		return cli_mode_b(c, v, err, errlen);
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
			return util_err(err, errlen, "-B: unknown body type "
			    "'%s' (8BITMIME or 7BIT)", v);
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
		cli_long_option(c, v);
		return 0;
	default:	/* A, L, X, h, p: accepted; -X never writes its file */
		return 0;
	}
}

/* A letter without a value; rest is the word from that letter on. */
static int
cli_flag(struct cli *c, char letter, const char *rest, char *err,
    size_t errlen)
{
	if (strchr(cli_ignored, letter) != NULL)
		return 0;
	switch (letter) {
	case 't':
		c->from_headers = 1;
		return 0;
	case 'i':
		c->ignore_dots = 1;
		return 0;
	case 'v':
		c->verbose = 1;
		return 0;
	case 'I':
		c->mode = CLI_ALIASES;
		return 0;
	case 'd':
		return util_err(err, errlen, "-%s: debugging flags are not "
		    "supported", rest);
	default:
		return util_err(err, errlen, "unknown option -%c", letter);
	}
}

/* One option word, maybe a cluster ("-ti", "-tfme@x"). A letter taking a
 * value ends the word: the value is the rest of it, or the next word, in
 * which case *i moves on. 0, or -1 with err. */
static int
cli_word(struct cli *c, char *const argv[], int *i, char *err,
    size_t errlen)
{
	const char *a = argv[*i], *v;
	size_t j;

	for (j = 1; a[j] != '\0'; j++) {
		char l = a[j];

		if (l == 'q')
			return cli_queue(c, a + j + 1, err, errlen);
		if (l == 'M')
			return cli_msg(c, a + j + 1, err, errlen);
		if (l != 'o' && strchr(cli_with_value, l) == NULL) {
			if (cli_flag(c, l, a + j, err, errlen) == -1)
				return -1;
			continue;
		}
		/* argv[argc] is NULL: a missing last value reads as NULL. */
		v = a[j + 1] != '\0' ? a + j + 1 : argv[++*i];
		if (v == NULL)
			return util_err(err, errlen, "option -%c requires a "
			    "value", l);
		if (l != 'o')
			return cli_value(c, l, v, err, errlen);
		cli_dash_o(c, v);
		return 0;
	}
	return 0;
}

/* The name we were called by picks the default mode. */
static void
cli_progname(struct cli *c, int argc, char *const argv[])
{
	const char *slash;

	c->progname = argc > 0 && argv[0] != NULL ? argv[0] : "sendmail";
	if ((slash = strrchr(c->progname, '/')) != NULL)
		c->progname = slash + 1;
	if (strcmp(c->progname, "mailq") == 0)
		c->mode = CLI_LIST;
	else if (strcmp(c->progname, "newaliases") == 0)
		c->mode = CLI_ALIASES;
}

/* A long option's value, glued to it after '=' or the next word (then
 * *i moves on); NULL with err when there is none. */
static const char *
cli_long_value(char *const argv[], int *i, size_t n, char *err,
    size_t errlen)
{
	const char *a = argv[*i], *v = a[n] == '=' ? a + n + 1 : argv[++*i];

	if (v == NULL || *v == '\0')
		util_err(err, errlen, "option %.*s requires a value", (int)n, a);
	return v != NULL && *v != '\0' ? v : NULL;
}

/* --configure ADDRESS, --route NAME, --write. 1 when argv[*i] is one of
 * them (*i past its value), 0 when not, -1 with err. */
static int
cli_configure(struct cli *c, char *const argv[], int *i, char *err,
    size_t errlen)
{
	const char *a = argv[*i];

	if (strcmp(a, "--write") == 0) {
		c->write = 1;
		return 1;
	}
	if (strcmp(a, "--configure") == 0 || strncmp(a, "--configure=", 12) ==
	    0) {
		c->mode = CLI_CONFIGURE;
		c->configure = cli_long_value(argv, i, 11, err, errlen);
		return c->configure != NULL ? 1 : -1;
	}
	if (strcmp(a, "--route") == 0 || strncmp(a, "--route=", 8) == 0) {
		c->route = cli_long_value(argv, i, 7, err, errlen);
		return c->route != NULL ? 1 : -1;
	}
	return 0;
}

/* What --configure goes with, and only with it. */
static int
cli_configure_check(const struct cli *c, char *err, size_t errlen)
{
	if (c->mode != CLI_CONFIGURE) {
		if (c->route != NULL || c->write)
			return util_err(err, errlen, "%s: only with --configure "
			    "ADDRESS", c->write ? "--write" : "--route");
		return 0;
	}
	if (c->nrcpts > 0)
		return util_err(err, errlen, "--configure: one address, not "
		    "\"%s\" too", c->rcpts[0]);
	if (c->write && c->conf_path == NULL)
		return util_err(err, errlen, "--write: name the file to write "
		    "with -C FILE");
	if (c->conf_path != NULL && !c->write)
		return util_err(err, errlen, "--configure with -C: add --write "
		    "to write the file (without both, the section goes to "
		    "standard output)");
	return 0;
}

/* Long options other than --version and --help, one word each (but
 * those of cli_configure): 1 when argv[*i] is one, 0 when it is not, -1
 * with err for a bad value. */
static int
cli_long(struct cli *c, char *const argv[], int *i, char *err, size_t errlen)
{
	const char *a = argv[*i];

	if (strcmp(a, "--oauth-login") == 0 ||
	    strncmp(a, "--oauth-login=", 14) == 0) {
		c->mode = CLI_OAUTH_LOGIN;
		if (a[13] == '\0')
			c->login = CLI_LOGIN_AUTO;
		else if (strcmp(a + 14, "code") == 0)
			c->login = CLI_LOGIN_CODE;
		else if (strcmp(a + 14, "device") == 0)
			c->login = CLI_LOGIN_DEVICE;
		else
			return util_err(err, errlen, "%s: code or device", a);
		return 1;
	}
	if (strcmp(a, "--journal") == 0) {
		c->mode = CLI_JOURNAL;
		return 1;
	}
	if (strcmp(a, "--health") == 0 || strncmp(a, "--health=", 9) == 0) {
		c->mode = CLI_HEALTH;
		c->health_age = 0;
		if (a[8] == '=' && cli_interval(a + 9, &c->health_age) == -1)
			return util_err(err, errlen, "%s: bad age (e.g. "
			    "--health=30m)", a);
		return 1;
	}
	return cli_configure(c, argv, i, err, errlen);
}

/* see cli.h */
int
cli_parse(struct cli *c, int argc, char *const argv[], char *err,
    size_t errlen)
{
	int i;

	memset(c, 0, sizeof(*c));
	cli_progname(c, argc, argv);
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "--version") == 0) {
			c->mode = CLI_VERSION;
			continue;
		}
		switch (cli_long(c, argv, &i, err, errlen)) {
		case 1:
			continue;
		case -1:
			return -1;
		}
		if (a[0] != '-' || a[1] == '\0')
			break;	/* the first recipient */
		if (cli_word(c, argv, &i, err, errlen) == -1)
			return -1;
	}
	c->rcpts = argv + i;
	c->nrcpts = argc - i;
	if (c->nrcpts < 0)
		c->nrcpts = 0;
	if (c->mode == CLI_MSG && c->nrcpts == 0)
		return util_err(err, errlen, "-M: needs at least one queue "
		    "id (see mailq)");
	if (c->mode == CLI_JOURNAL && c->nrcpts > 1)
		return util_err(err, errlen, "--journal: at most one id or "
		    "address to look for");
	return cli_configure_check(c, err, errlen);
}

/* see cli.h */
int
cli_wants_help(int argc, char *const argv[])
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "--help") == 0)
			return 1;
		/* -h N is sendmail's hop count; -h alone asks for help. */
		if (strcmp(argv[i], "-h") == 0 && (i + 1 == argc ||
		    strspn(argv[i + 1], "0123456789") != strlen(argv[i + 1])))
			return 1;
	}
	return 0;
}

/* see cli.h */
const char *
cli_usage(void)
{
	return
	    "usage: sendmail [-t] [-i] [-f sender] [-F name] [-C file] [-v] "
	    "[-B type]\n"
	    "                [-N dsn] [-R ret] [-V envid] [-odi|-odb|-odq] "
	    "[--] [recipient ...] < message\n"
	    "       sendmail -bs               SMTP dialogue on stdin/stdout\n"
	    "       sendmail -q | -q30m        retry the queue (once, or "
	    "every 30 minutes)\n"
	    "       sendmail -qI id | -qR rcpt | -qS sender   retry the "
	    "matching messages\n"
	    "       sendmail -M id... | -Mrm id... | -Mg id...   try now, "
	    "remove, give up\n"
	    "       sendmail -bp | mailq       list the queue; -bpc counts "
	    "it\n"
	    "       mailq --journal [id|address]   the delivery journal\n"
	    "       sendmail --health[=1h]     local health check: one line, "
	    "exit 0 or 1\n"
	    "       sendmail -bt [-v] [route]  test the connection, TLS and "
	    "AUTH (sends no mail)\n"
	    "       sendmail -bP               print the settings in effect\n"
	    "       sendmail --configure address [--route name] [-C file "
	    "--write]\n"
	    "                                  a section for the address "
	    "(presets, MX, SRV)\n"
	    "       sendmail --oauth-login[=code|=device]   the one-time "
	    "OAuth sign-in\n"
	    "       sendmail -bi | -I | newaliases   check the aliases file\n"
	    "       sendmail --version | --help | -h\n"
	    "  -t          recipients from To, Cc and Bcc too\n"
	    "  -i, -oi     a lone '.' does not end the message (-O "
	    "IgnoreDots)\n"
	    "  -f, -r sender   the envelope sender; -F name: the From name\n"
	    "  -C file     another configuration (drops the group)\n"
	    "  -v          say why, and show the SMTP dialogue\n"
	    "  -B type     8BITMIME or 7BIT; -N, -R, -V: DSN notify, return, "
	    "envelope id\n"
	    "  -odi, -odd  wait for the first attempt at most [relay] wait "
	    "(the default);\n"
	    "              -odb: not at all; -odq, -odQ: queue only (-O "
	    "DeliveryMode=i|b|q)\n"
	    "  -bm         send mail (the default)\n"
	    "Accepted and ignored: -A -G -L -U -X -h N -m -n -p -x and the "
	    "other -o options.\n"
	    "Settings: /etc/sendmail.conf, see sendmail.conf(5) and "
	    "sendmail(8).\n";
}
