/* relaymail: unit tests for the pure parsers: command line, addresses,
 * header scanner. ISC licence. The command lines are those of the real
 * callers in shared/callers.md. */
#include <stdio.h>
#include <stdlib.h>

#include "addr.h"
#include "cli.h"
#include "hdr.h"
#include "t.h"

static struct cli c;
static char err[256];

/* Parses a NULL-terminated vector, copied so that c.rcpts outlives the
 * caller's compound literal. */
static int
parse(char *const *argv)
{
	static char *saved[32];
	int argc = 0;

	while (argv[argc] != NULL && argc < 31) {
		saved[argc] = argv[argc];
		argc++;
	}
	saved[argc] = NULL;
	return cli_parse(&c, argc, saved, err, sizeof(err));
}

#define ARGV(...) ((char *const[]){ __VA_ARGS__, NULL })

TEST(cronie)
{
	T_EQ(parse(ARGV("/usr/sbin/sendmail", "-FCronDaemon", "-i", "-odi",
	    "-oem", "-oi", "-t", "-f", "root")), 0);
	T_EQ(c.mode, CLI_SEND);
	T_STREQ(c.fullname, "CronDaemon");
	T_OK(c.ignore_dots);
	T_OK(c.from_headers);
	T_STREQ(c.from, "root");
	T_EQ(c.nrcpts, 0);
}

TEST(debian_cron)
{
	T_EQ(parse(ARGV("sendmail", "-FCronDaemon", "-i", "-B8BITMIME",
	    "-oem", "a@x,", "b@y")), 0);
	T_EQ(c.body, CLI_BODY_8BITMIME);
	T_EQ(c.nrcpts, 2);
	T_STREQ(c.rcpts[0], "a@x,");
}

TEST(clusters_and_glued)
{
	T_EQ(parse(ARGV("sendmail", "-ti")), 0);
	T_OK(c.from_headers && c.ignore_dots);
	T_EQ(parse(ARGV("sendmail", "-i", "-B", "8BITMIME", "a@x")), 0);
	T_EQ(c.body, CLI_BODY_8BITMIME);
	T_STREQ(c.rcpts[0], "a@x");
	T_EQ(parse(ARGV("sendmail", "-tf", "me@x", "a@x")), 0);
	T_STREQ(c.from, "me@x");
	T_EQ(parse(ARGV("sendmail", "-fbounce@x", "-t", "-i")), 0);
	T_STREQ(c.from, "bounce@x");
	T_EQ(parse(ARGV("sendmail", "-f", "", "-i", "a@x")), 0);
	T_STREQ(c.from, "");
	T_EQ(parse(ARGV("sendmail", "-f<>", "a@x")), 0);
	T_STREQ(c.from, "<>");
	T_EQ(parse(ARGV("sendmail", "-r", "x@y", "a@x")), 0);
	T_STREQ(c.from, "x@y");
}

TEST(mutt_and_dsn)
{
	T_EQ(parse(ARGV("sendmail", "-oem", "-oi", "-B8BITMIME", "-f",
	    "me@x", "-N", "success,failure", "-R", "hdrs", "--", "-odd@x",
	    "b@y")), 0);
	T_STREQ(c.dsn_notify, "success,failure");
	T_STREQ(c.dsn_ret, "hdrs");
	T_EQ(c.nrcpts, 2);
	T_STREQ(c.rcpts[0], "-odd@x");
}

TEST(modes)
{
	T_EQ(parse(ARGV("/usr/bin/mailq")), 0);
	T_EQ(c.mode, CLI_LIST);
	T_EQ(parse(ARGV("newaliases")), 0);
	T_EQ(c.mode, CLI_ALIASES);
	T_EQ(parse(ARGV("send-mail", "-i", "--", "a@x")), 0);
	T_EQ(c.mode, CLI_SEND);
	T_EQ(parse(ARGV("sendmail", "-bs", "-odb", "-oem")), 0);
	T_EQ(c.mode, CLI_SMTP);
	T_EQ(parse(ARGV("sendmail", "-bs", "-i")), 0);
	T_EQ(c.mode, CLI_SMTP);
	T_EQ(parse(ARGV("sendmail", "-bp")), 0);
	T_EQ(c.mode, CLI_LIST);
	T_EQ(parse(ARGV("sendmail", "-q")), 0);
	T_EQ(c.mode, CLI_FLUSH);
	T_EQ(c.queue_interval, 0);
	T_EQ(parse(ARGV("sendmail", "-q30m")), 0);
	T_EQ(c.queue_interval, 1800);
	T_EQ(parse(ARGV("sendmail", "-q1h")), 0);
	T_EQ(c.queue_interval, 3600);
	T_EQ(parse(ARGV("sendmail", "-q15")), 0);
	T_EQ(c.queue_interval, 900);
	T_EQ(parse(ARGV("sendmail", "-O", "IgnoreDots", "a@x")), 0);
	T_OK(c.ignore_dots);
	T_EQ(parse(ARGV("sendmail", "-ODeliveryMode=b", "-oQ/tmp", "-X",
	    "/tmp/log", "-m", "-n", "-G", "-U", "-L", "tag", "a@x")), 0);
	T_EQ(c.nrcpts, 1);
}

TEST(rejections)
{
	T_EQ(parse(ARGV("sendmail", "-bd")), -1);
	T_OK(strstr(err, "daemon") != NULL);
	T_EQ(parse(ARGV("sendmail", "-z")), -1);
	T_STREQ(err, "unknown option -z");
	T_EQ(parse(ARGV("sendmail", "-f")), -1);
	T_OK(strstr(err, "requires a value") != NULL);
	T_EQ(parse(ARGV("sendmail", "-B", "9BIT")), -1);
	T_EQ(parse(ARGV("sendmail", "-qR")), -1);
	T_EQ(parse(ARGV("sendmail", "-q5x")), -1);
	T_EQ(parse(ARGV("sendmail", "-d0.1")), -1);
	T_STREQ(err, "-d0.1: debugging flags are not supported");
	T_EQ(parse(ARGV("sendmail", "-i", "-o")), -1);
	T_STREQ(err, "option -o requires a value");
	T_EQ(parse(ARGV("sendmail", "-ti", "-qR")), -1);
	T_STREQ(err, "-qR: needs a string (e.g. -qRexample.org)");
	T_EQ(parse(ARGV("sendmail", "-qf")), -1);
	T_STREQ(err, "-qf: not supported");
	T_EQ(parse(ARGV("sendmail", "-tB", "9BIT")), -1);
	T_STREQ(err, "-B: unknown body type '9BIT' (8BITMIME or 7BIT)");
}

TEST(queue_admin)
{
	T_EQ(parse(ARGV("sendmail", "-bpc")), 0);
	T_EQ(c.mode, CLI_COUNT);
	T_EQ(parse(ARGV("sendmail", "-qRexample.org")), 0);
	T_EQ(c.mode, CLI_FLUSH);
	T_EQ(c.queue_match, 'R');
	T_STREQ(c.queue_match_str, "example.org");
	T_EQ(c.queue_interval, 0);
	T_EQ(parse(ARGV("sendmail", "-qSalice", "-v")), 0);
	T_EQ(c.queue_match, 'S');
	T_OK(c.verbose);
	T_EQ(parse(ARGV("sendmail", "-qIABC")), 0);
	T_EQ(c.queue_match, 'I');
	T_EQ(parse(ARGV("sendmail", "-q30m")), 0);
	T_EQ(c.queue_match, 0);
	T_EQ(c.queue_interval, 1800);
	T_EQ(parse(ARGV("sendmail", "-M", "ID1", "ID2")), 0);
	T_EQ(c.mode, CLI_MSG);
	T_EQ(c.msg_op, CLI_MSG_RUN);
	T_EQ(c.nrcpts, 2);
	T_STREQ(c.rcpts[1], "ID2");
	T_EQ(parse(ARGV("sendmail", "-Mrm", "ID1")), 0);
	T_EQ(c.msg_op, CLI_MSG_REMOVE);
	T_EQ(parse(ARGV("sendmail", "-C", "/x", "-Mg", "ID1")), 0);
	T_EQ(c.msg_op, CLI_MSG_GIVEUP);
	T_STREQ(c.conf_path, "/x");
	T_EQ(parse(ARGV("sendmail", "-Mrm")), -1);
	T_STREQ(err, "-M: needs at least one queue id (see mailq)");
	T_EQ(parse(ARGV("sendmail", "-Mf", "ID1")), -1);
	T_STREQ(err, "-Mf: not supported (-M, -Mrm or -Mg)");
}

struct list {
	char	 v[8][ADDR_MAX + 1];
	int	 n;
};

static int
add(void *arg, const char *a, char *e, size_t elen)
{
	struct list *l = arg;

	(void)e;
	(void)elen;
	if (l->n < 8)
		snprintf(l->v[l->n++], sizeof(l->v[0]), "%s", a);
	return 0;
}

static int
list(struct list *l, const char *s)
{
	memset(l, 0, sizeof(*l));
	return addr_parse_list(s, strlen(s), add, l, err, sizeof(err));
}

TEST(address_lists)
{
	struct list l;

	T_EQ(list(&l, "a@x, B <b@y>,\"c, d\" <c@z>"), 0);
	T_EQ(l.n, 3);
	T_STREQ(l.v[1], "b@y");
	T_STREQ(l.v[2], "c@z");
	T_EQ(list(&l, "Team: a@x, b@y;, c@z"), 0);
	T_EQ(l.n, 3);
	T_STREQ(l.v[0], "a@x");
	T_EQ(list(&l, "undisclosed-recipients:;"), 0);
	T_EQ(l.n, 0);
	T_EQ(list(&l, "root (Cron Daemon)"), 0);
	T_STREQ(l.v[0], "root");
	T_EQ(list(&l, "a@x (Name (nested) x), ,,"), 0);
	T_EQ(l.n, 1);
	T_EQ(list(&l, "<@route,@r2:u@x>"), 0);
	T_STREQ(l.v[0], "u@x");
	T_EQ(list(&l, "\"john doe\"@x"), 0);
	T_STREQ(l.v[0], "\"john doe\"@x");
	T_EQ(list(&l, "a@x,\r\n\tb@y"), 0);
	T_EQ(l.n, 2);
	T_EQ(list(&l, "<a@x"), -1);
	T_EQ(list(&l, "a@x (open"), -1);
	T_EQ(list(&l, "\"open"), -1);
}

TEST(address_checks)
{
	char big[400], out[ADDR_MAX + 1];

	T_EQ(addr_check("a@x", err, sizeof(err)), 0);
	T_EQ(addr_check("root", err, sizeof(err)), 0);
	T_EQ(addr_check("a@x\r\nRCPT TO:<b@y>", err, sizeof(err)), -1);
	T_OK(strstr(err, "control") != NULL);
	T_EQ(addr_check("a b@x", err, sizeof(err)), -1);
	T_EQ(addr_check("@x", err, sizeof(err)), -1);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	T_EQ(addr_check(big, err, sizeof(err)), -1);
	T_OK(strstr(err, "too long") != NULL);
	memset(big, 'a', 70);
	snprintf(big + 70, sizeof(big) - 70, "@x");
	T_EQ(addr_check(big, err, sizeof(err)), -1);
	T_EQ(addr_sender("<>", out, sizeof(out), err, sizeof(err)), 0);
	T_STREQ(out, "");
	T_EQ(addr_sender("", out, sizeof(out), err, sizeof(err)), 0);
	T_STREQ(out, "");
	T_EQ(addr_sender("Name <n@x>", out, sizeof(out), err, sizeof(err)),
	    0);
	T_STREQ(out, "n@x");
	T_EQ(addr_sender("<n@x>", out, sizeof(out), err, sizeof(err)), 0);
	T_STREQ(out, "n@x");
	T_EQ(addr_sender("n@x\nx", out, sizeof(out), err, sizeof(err)), -1);
	T_OK(addr_is_utf8("j\xc3\xb6rg@x"));
	T_OK(!addr_is_utf8("a@x"));
}

TEST(qualify_headers)
{
	char out[256];
	const char *in = " root (Cron Daemon), \"Q, R\" <carol>, a@x, "
	    "Team: bob;, undisclosed-recipients:;";

	T_OK(addr_qualify_list(in, strlen(in), "ex.org", NULL, NULL, out,
	    sizeof(out)) > 0);
	T_STREQ(out, " root@ex.org (Cron Daemon), \"Q, R\" <carol@ex.org>, "
	    "a@x, Team: bob@ex.org;, undisclosed-recipients:;");
	T_EQ(addr_qualify_list(" mdadm monitoring <root>", 24, "ex.org", NULL,
	    NULL, out, sizeof(out)), 31);
	T_STREQ(out, " mdadm monitoring <root@ex.org>");
	T_EQ(addr_qualify_list(" John Doe", 9, "ex.org", NULL, NULL, out,
	    sizeof(out)), 9);
	T_EQ(addr_qualify_list(" root", 5, "ex.org", NULL, NULL, out, 6), -1);
}

static const char *
alias_root(void *arg, const char *local)
{
	(void)arg;
	return strcmp(local, "root") == 0 ? "ops@example.net" : NULL;
}

TEST(alias_headers)
{
	char out[256];
	const char *in = " root, Admin <root>, bob, root (x)";

	T_OK(addr_qualify_list(in, strlen(in), "ex.org", alias_root, NULL,
	    out, sizeof(out)) > 0);
	T_STREQ(out, " ops@example.net, Admin <ops@example.net>, bob@ex.org, "
	    "ops@example.net (x)");
	T_OK(addr_qualify_list(in, strlen(in), NULL, alias_root, NULL, out,
	    sizeof(out)) > 0);
	T_STREQ(out, " ops@example.net, Admin <ops@example.net>, bob, "
	    "ops@example.net (x)");
}

TEST(header_scanner)
{
	struct hdr h;

	hdr_init(&h);
	T_EQ(hdr_push(&h, "From alice@x Mon Jan 1", 22), HDR_FIELD);
	T_EQ(h.namelen, 5);
	T_EQ(hdr_push(&h, "Subject: hi", 11), HDR_FIELD);
	T_OK(hdr_is(&h, "subject"));
	T_EQ(h.valuelen, 2);
	T_EQ(hdr_push(&h, "  more", 6), HDR_CONT);
	T_EQ(hdr_push(&h, "Subject : obs", 13), HDR_FIELD);
	T_OK(hdr_is(&h, "Subject"));
	T_EQ(hdr_push(&h, "", 0), HDR_END);
	T_EQ(hdr_push(&h, "To: body", 8), HDR_IN_BODY);

	hdr_init(&h);
	T_EQ(hdr_push(&h, "no colon here", 13), HDR_BODY);
	T_EQ(hdr_push(&h, "To: x", 5), HDR_IN_BODY);
	hdr_init(&h);
	T_EQ(hdr_push(&h, " leading blank", 14), HDR_BODY);
	hdr_init(&h);
	T_EQ(hdr_push(&h, ":no name", 8), HDR_BODY);
}

/* --configure ADDRESS, with --route NAME and -C FILE --write, glued or
 * not, in any order; what goes only with it is refused without it. */
TEST(configure_words)
{
	T_EQ(parse(ARGV("sendmail", "--configure", "a@example.com")), 0);
	T_EQ(c.mode, CLI_CONFIGURE);
	T_STREQ(c.configure, "a@example.com");
	T_OK(c.route == NULL && !c.write && c.conf_path == NULL);
	T_EQ(parse(ARGV("sendmail", "-C", "/tmp/x.conf", "--route=ops",
	    "--configure=a@example.com", "--write", "-v")), 0);
	T_STREQ(c.configure, "a@example.com");
	T_STREQ(c.route, "ops");
	T_OK(c.write && c.verbose);
	T_STREQ(c.conf_path, "/tmp/x.conf");
	T_EQ(parse(ARGV("sendmail", "--configure")), -1);
	T_STREQ(err, "option --configure requires a value");
	T_EQ(parse(ARGV("sendmail", "--configure=")), -1);
	T_EQ(parse(ARGV("sendmail", "--configure", "a@example.com", "--route")),
	    -1);
	T_EQ(parse(ARGV("sendmail", "--configure", "a@x.example", "b@x.example")),
	    -1);
	T_STREQ(err, "--configure: one address, not \"b@x.example\" too");
	T_EQ(parse(ARGV("sendmail", "--configure", "a@x.example", "--write")),
	    -1);
	T_STREQ(err, "--write: name the file to write with -C FILE");
	T_EQ(parse(ARGV("sendmail", "-C", "f", "--configure", "a@x.example")),
	    -1);
	T_EQ(parse(ARGV("sendmail", "--write", "a@x.example")), -1);
	T_STREQ(err, "--write: only with --configure ADDRESS");
	T_EQ(parse(ARGV("sendmail", "--route", "x", "-bt")), -1);
	T_STREQ(err, "--route: only with --configure ADDRESS");
}

TEST_MAIN("t_parse", {
	RUN(cronie);
	RUN(debian_cron);
	RUN(clusters_and_glued);
	RUN(mutt_and_dsn);
	RUN(modes);
	RUN(rejections);
	RUN(queue_admin);
	RUN(configure_words);
	RUN(address_lists);
	RUN(address_checks);
	RUN(qualify_headers);
	RUN(alias_headers);
	RUN(header_scanner);
})
