/* relaymail: unit tests for addr.c's one lexer and its two consumers.
 * ISC licence. The envelope parser (addr_parse_list) and the header
 * qualifier (addr_qualify_list) must see the same addresses in the same
 * input, including a '<' inside a quoted display name. */
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "t.h"

#define SEEN_MAX	16

struct seen {
	char	 v[SEEN_MAX][ADDR_MAX + 1];
	int	 n;
};

static void
seen_add(struct seen *l, const char *a)
{
	if (l->n < SEEN_MAX)
		snprintf(l->v[l->n++], sizeof(l->v[0]), "%s", a);
}

/* addr_parse_list's callback: every address. */
static int
seen_parsed(void *arg, const char *a, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	seen_add(arg, a);
	return 0;
}

/* addr_qualify_list's alias lookup: every local name it would rewrite. */
static const char *
seen_local(void *arg, const char *local)
{
	seen_add(arg, local);
	return NULL;
}

/* The local names among what addr_parse_list saw: the ones the header
 * qualifier rewrites. */
static int
parse_locals(const char *in, struct seen *all, struct seen *locals)
{
	char err[256];
	int i;

	memset(all, 0, sizeof(*all));
	memset(locals, 0, sizeof(*locals));
	if (addr_parse_list(in, strlen(in), seen_parsed, all, err,
	    sizeof(err)) == -1)
		return -1;
	for (i = 0; i < all->n; i++)
		if (addr_is_local(all->v[i]) &&
		    addr_check(all->v[i], err, sizeof(err)) == 0)
			seen_add(locals, all->v[i]);
	return 0;
}

static const char *agree_ok[] = {
	"\"a<b\" <root>, x",
	"\"Doe, <J>\" <j@x>, \"x>y\" bob, carol",
	" root (Cron Daemon), \"Q, R\" <carol>, a@x, Team: bob;, "
	    "undisclosed-recipients:;",
	"(c \"<) root, (nested (<) x) dave",
	"<@a,@b:root>, \"john\", < eve >",
	"a@x,\r\n\tb, Name\r\n <c>",
	"\"q\\\"<\" <fred>, ,, ;",
};

static const char *agree_bad[] = {
	"\"a\" <b <c>>",
	">root",
	"root (open",
	"\"open <root>",
	"Name <root",
};

TEST(consumers_agree)
{
	struct seen all, locals, looked;
	char out[1024];
	size_t i;
	int j;

	for (i = 0; i < sizeof(agree_ok) / sizeof(agree_ok[0]); i++) {
		const char *in = agree_ok[i];

		T_EQ(parse_locals(in, &all, &locals), 0);
		memset(&looked, 0, sizeof(looked));
		T_OK(addr_qualify_list(in, strlen(in), NULL, seen_local,
		    &looked, out, sizeof(out)) >= 0);
		T_EQ(looked.n, locals.n);
		for (j = 0; j < looked.n && j < locals.n; j++)
			T_STREQ(looked.v[j], locals.v[j]);
		T_STREQ(out, in);	/* no alias, no domain: unchanged */
	}
	for (i = 0; i < sizeof(agree_bad) / sizeof(agree_bad[0]); i++) {
		const char *in = agree_bad[i];

		T_EQ(parse_locals(in, &all, &locals), -1);
		T_EQ(addr_qualify_list(in, strlen(in), "ex.org", NULL, NULL,
		    out, sizeof(out)), -1);
	}
}

/* Qualifying and then parsing gives what parsing gave, with each local
 * name now name@domain: the qualifier edits exactly the addresses the
 * parser reports, nothing around them. */
TEST(qualify_round_trip)
{
	struct seen before, locals, after;
	char out[1024], want[ADDR_MAX + 16], err[256];
	size_t i;
	int j;

	for (i = 0; i < sizeof(agree_ok) / sizeof(agree_ok[0]); i++) {
		const char *in = agree_ok[i];

		T_EQ(parse_locals(in, &before, &locals), 0);
		T_OK(addr_qualify_list(in, strlen(in), "q.test", NULL, NULL,
		    out, sizeof(out)) > 0);
		memset(&after, 0, sizeof(after));
		T_EQ(addr_parse_list(out, strlen(out), seen_parsed, &after,
		    err, sizeof(err)), 0);
		T_EQ(after.n, before.n);
		for (j = 0; j < after.n && j < before.n; j++) {
			const char *b = before.v[j];

			if (addr_is_local(b) &&
			    addr_check(b, err, sizeof(err)) == 0)
				snprintf(want, sizeof(want), "%s@q.test", b);
			else
				snprintf(want, sizeof(want), "%s", b);
			T_STREQ(after.v[j], want);
		}
	}
}

TEST(quoted_angle)
{
	struct seen all, locals;
	char out[256];
	const char *in = "\"a<b\" <root>, \"c>d\" <x@y>";

	T_EQ(parse_locals(in, &all, &locals), 0);
	T_EQ(all.n, 2);
	T_STREQ(all.v[0], "root");
	T_STREQ(all.v[1], "x@y");
	T_OK(addr_qualify_list(in, strlen(in), "ex.org", NULL, NULL, out,
	    sizeof(out)) > 0);
	T_STREQ(out, "\"a<b\" <root@ex.org>, \"c>d\" <x@y>");
}

TEST_MAIN("t_addr", {
	RUN(consumers_agree);
	RUN(qualify_round_trip);
	RUN(quoted_angle);
})
