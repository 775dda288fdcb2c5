/* relaymail: unit tests for aliases.c and util_ehlo_name. ISC licence.
 * The aliases file is written to a temporary file; expansion runs over a
 * struct conf in memory, reading the file when it needs it; EHLO names
 * over made-up socket addresses. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <unistd.h>

#include "aliases.h"
#include "conf.h"
#include "t.h"
#include "util.h"

static struct conf c;
static struct aliases al;
static char path[] = "/tmp/relaymail-t_aliases.XXXXXX";
static char err[400], got[600];
static char said[4][300];
static int nsaid;

/* A config whose [message] aliases_file is a file holding text. */
static int
setup(const char *conf_extra, const char *text)
{
	char conftext[1000];
	FILE *fp;
	int fd;

	aliases_free(&al);
	conf_free(&c);
	conf_defaults(&c);
	aliases_init(&al, &c);
	strcpy(path, "/tmp/relaymail-t_aliases.XXXXXX");
	if ((fd = mkstemp(path)) == -1 || (fp = fdopen(fd, "w")) == NULL)
		return -1;
	fputs(text, fp);
	fclose(fp);
	snprintf(conftext, sizeof(conftext), "[relay]\nhost = h\n"
	    "[message]\naliases_file = %s\n%s", path, conf_extra);
	return conf_load_string(&c, "x.conf", conftext, err, sizeof(err));
}

static void
say(void *arg, const char *msg)
{
	(void)arg;
	if (nsaid < 4)
		snprintf(said[nsaid], sizeof(said[0]), "%s", msg + strlen(path));
	nsaid++;
}

static int
collect(void *arg, const char *addr, char *e, size_t elen)
{
	(void)arg;
	(void)e;
	(void)elen;
	snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s",
	    got[0] ? " " : "", addr);
	return 0;
}

static int
expand(const char *list)
{
	got[0] = '\0';
	return aliases_expand(&al, list, strlen(list), collect, NULL, err,
	    sizeof(err));
}

TEST(recursive_and_conf_wins)
{
	T_EQ(setup("[aliases]\nroot = boss@example.com\n",
	    "# comment\npostmaster: root\nroot: ops@example.com\n"
	    "team: a@example.com,\n  b@example.com,\n\tc\nwww:  root , "
	    "x@example.com\n"), 0);
	T_EQ(conf_finish(&c, err, sizeof(err)), 0);
	T_STREQ(err, "");
	/* Full addresses, and a name [aliases] has: the file is not read. */
	T_EQ(expand("nobody@example.net, root"), 0);
	T_STREQ(got, "nobody@example.net boss@example.com");
	T_EQ(al.read, 0);
	T_EQ(expand("postmaster"), 0);
	T_EQ(al.read, 1);
	T_STREQ(got, "boss@example.com");
	T_EQ(expand("team, www"), 0);
	T_STREQ(got, "a@example.com b@example.com c boss@example.com "
	    "x@example.com");
	T_EQ(expand("nobody@example.net, alice"), 0);
	T_STREQ(got, "nobody@example.net alice");
	unlink(path);
}

TEST(loops_and_default)
{
	T_EQ(setup("[aliases]\ndefault = catch\n", "a: b\nb: c, a\n"
	    "me: me\n"), 0);
	T_EQ(conf_finish(&c, err, sizeof(err)), 0);
	T_EQ(expand("a"), -1);
	T_STREQ(err, "alias loop: a -> b -> a");
	T_EQ(expand("me"), -1);
	T_STREQ(err, "alias loop: me -> me");
	/* default: only for the names given, so catch is not caught. */
	T_EQ(expand("someone"), 0);
	T_STREQ(got, "catch");
	unlink(path);
}

TEST(errors_with_line_numbers)
{
	struct aliases_report rep;

	T_EQ(setup("", " lead: x@y\nok: a@b\nnocolon a@b\n"
	    "inc: :include:/etc/list\npipe: \"|/bin/prog\"\nfile: /var/x\n"
	    "ok: c@d\nempty:\nloop1: loop2\nloop2: loop1\n"), 0);
	nsaid = 0;
	T_EQ(aliases_check(&c, say, NULL, &rep), 9);
	/* Entries with a name count, usable or not. */
	T_EQ(rep.naliases, 8);
	T_EQ(rep.unreadable, 0);
	T_STREQ(said[0], ":1: continuation line without an alias before it");
	T_STREQ(said[1], ":3: no ':' after the name");
	T_STREQ(said[2], ":4: :include: is not supported (relay-only: list "
	    "the addresses here)");
	T_STREQ(said[3], ":5: a pipe to a command cannot be relayed");
	/* Those lines are left out, not fatal: the rest works, and a name
	 * whose line was left out is refused with its reason. */
	T_EQ(conf_finish(&c, err, sizeof(err)), 0);
	T_EQ(al.read, 0);
	T_EQ(expand("ok"), 0);
	T_STREQ(got, "a@b");
	T_EQ(expand("pipe"), -1);
	T_OK(strstr(err, "alias pipe: ") == err);
	T_OK(strstr(err, ":5: a pipe to a command cannot be relayed") != NULL);
	T_EQ(expand("nocolon"), 0);	/* no entry: qualified as it is */
	unlink(path);
}

/* The settings never read the file; the first local name that needs
 * it does, and says why it cannot. */
TEST(missing_file_named)
{
	aliases_free(&al);
	conf_free(&c);
	conf_defaults(&c);
	aliases_init(&al, &c);
	T_EQ(conf_load_string(&c, "x.conf", "[relay]\nhost = h\n[message]\n"
	    "aliases_file = /nonexistent/aliases\n", err, sizeof(err)), 0);
	T_EQ(conf_finish(&c, err, sizeof(err)), 0);
	T_EQ(expand("a@example.org"), 0);
	T_OK(!aliases_unreadable(&al));
	T_EQ(expand("root"), -1);
	T_STREQ(err, "/nonexistent/aliases: No such file or directory");
	T_OK(aliases_unreadable(&al));
	T_OK(aliases_value(&al, "root") == NULL);
}

TEST(ehlo_name_fully_qualified)
{
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
	char out[300];

	memset(&v4, 0, sizeof(v4));
	v4.sin_family = AF_INET;
	inet_pton(AF_INET, "192.0.2.7", &v4.sin_addr);
	memset(&v6, 0, sizeof(v6));
	v6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::1", &v6.sin6_addr);
	T_EQ(util_ehlo_name("mx.example.org", "vm", NULL,
	    (struct sockaddr *)&v4, out, sizeof(out)), 0);
	T_STREQ(out, "mx.example.org");
	T_EQ(util_ehlo_name(NULL, "vm.example.net", "example.org",
	    (struct sockaddr *)&v4, out, sizeof(out)), 0);
	T_STREQ(out, "vm.example.net");
	T_EQ(util_ehlo_name(NULL, "vm", "example.org",
	    (struct sockaddr *)&v4, out, sizeof(out)), 0);
	T_STREQ(out, "vm.example.org");
	T_EQ(util_ehlo_name(NULL, "vm", NULL, (struct sockaddr *)&v4, out,
	    sizeof(out)), 0);
	T_STREQ(out, "[192.0.2.7]");
	T_EQ(util_ehlo_name(NULL, "vm", NULL, (struct sockaddr *)&v6, out,
	    sizeof(out)), 0);
	T_STREQ(out, "[IPv6:2001:db8::1]");
	T_EQ(util_ehlo_name(NULL, "vm", NULL, NULL, out, sizeof(out)), -1);
}

TEST_MAIN("t_aliases", {
	RUN(recursive_and_conf_wins);
	RUN(loops_and_default);
	RUN(errors_with_line_numbers);
	RUN(missing_file_named);
	RUN(ehlo_name_fully_qualified);
	aliases_free(&al);
	conf_free(&c);
})
