/* relaymail: unit tests for the configuration reader. ISC licence.
 * Every error must name FILE:LINE: [section] key: reason, and a line
 * longer than inih's buffer must be an error, never a cut value. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "conf.h"
#include "conf_int.h"
#include "t.h"

static struct conf c;
static char err[512];

static int
load(const char *text)
{
	conf_free(&c);
	conf_defaults(&c);
	err[0] = '\0';
	if (conf_load_string(&c, "x.conf", text, err, sizeof(err)) == -1 ||
	    conf_finish(&c, err, sizeof(err)) == -1)
		return -1;
	return conf_need_host(&c, err, sizeof(err));
}

/* The file, then the environment, then the rules between keys, as
 * main.c does. */
static int
load_env(const char *text, char **env)
{
	conf_free(&c);
	conf_defaults(&c);
	err[0] = '\0';
	if (conf_load_string(&c, "x.conf", text, err, sizeof(err)) == -1 ||
	    conf_load_env(&c, env, err, sizeof(err)) == -1 ||
	    conf_finish(&c, err, sizeof(err)) == -1)
		return -1;
	return conf_need_host(&c, err, sizeof(err));
}

#define PIN_A "sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
#define PIN_B "sha256/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB="
#define PIN_C "sha256/CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC="

TEST(minimal_and_defaults)
{
	T_EQ(load("[relay]\nhost = smtp.example.com\n"), 0);
	T_EQ(c.nhosts, 1);
	T_STREQ(c.hosts[0].name, "smtp.example.com");
	T_STREQ(c.port, "587");
	T_EQ(c.tls, CONF_TLS_STARTTLS);
	T_OK(c.tls_verify);
	T_STREQ(c.queue_dir, "/var/spool/relaymail");
	T_EQ(c.timeout, 60);
	T_EQ(c.max_age, 5 * 86400);
	T_EQ(load("[relay]\nhost = h\ntls = tls\n"), 0);
	T_STREQ(c.port, "465");
	T_EQ(load("[relay]\nhost = h\ntls = none\n"), 0);
	T_STREQ(c.port, "25");
}

TEST(host_lists)
{
	T_EQ(load("[relay]\nhost = a, b:2525 [::1]:465 [fe80::1] ::1\n"), 0);
	T_EQ(c.nhosts, 5);
	T_STREQ(c.hosts[1].name, "b");
	T_STREQ(c.hosts[1].port, "2525");
	T_STREQ(c.hosts[2].name, "::1");
	T_STREQ(c.hosts[2].port, "465");
	T_STREQ(c.hosts[3].name, "fe80::1");
	T_OK(c.hosts[3].port == NULL);
	T_STREQ(c.hosts[4].name, "::1");
	T_EQ(load("[relay]\nhost = a:99999\n"), -1);
}

TEST(errors_name_file_line_key)
{
	T_EQ(load("[relay]\nhost = h\n\n; comment\nport = 58x\n"), -1);
	T_STREQ(err, "x.conf:5: [relay] port: not a port number: \"58x\"");
	T_EQ(load("[relay]\nhost = h\ncolour = blue\n"), -1);
	T_STREQ(err, "x.conf:3: [relay] colour: unknown key");
	T_EQ(load("[relay]\nhost = h\n[bogus]\nx = 1\n"), -1);
	T_STREQ(err, "x.conf:3: [bogus]: unknown section (the sections are "
	    "[relay], [queue], [message], [aliases], [log], [oauth], and "
	    "[route NAME] with its [oauth NAME])");
	T_EQ(load("[relay]\nhost = h\nhost = i\n"), -1);
	T_STREQ(err, "x.conf:3: [relay] host: duplicate key, first set on "
	    "line 2");
	T_EQ(load("[relay]\ntls = maybe\n"), -1);
	T_OK(strstr(err, "x.conf:2: [relay] tls:") == err);
	T_EQ(load("[relay]\nport = 25\n"), -1);
	T_STREQ(err, "no smart host configured: edit x.conf ([relay] host)");
	T_EQ(load("[relay]\nhost = h\nthis is not a key\n"), -1);
	T_OK(strstr(err, "x.conf:3:") == err);
	T_STREQ(err, "x.conf:3: \"this is not a key\": expected \"key = "
	    "value\" or [section]");
	T_EQ(load("[relay]\nhost = h\nhelo = bad name\n"), -1);
}

/* The first line inih refused is the one named, not the last line read
 * nor a later key that fails because of it. */
TEST(first_bad_line_named)
{
	T_EQ(load("[relay]\nhost = h\nhostname smtp\nport = 25\n\n"), -1);
	T_STREQ(err, "x.conf:3: \"hostname smtp\": expected \"key = value\" "
	    "or [section]");
	/* A later unknown key does not hide the earlier line. */
	T_EQ(load("[relay]\nhost = h\nnonsense\ncolour = 1\n"), -1);
	T_OK(strstr(err, "x.conf:3: \"nonsense\"") == err);
	/* An earlier unknown key comes first. */
	T_EQ(load("[relay]\ncolour = 1\nnonsense\nhost = h\n"), -1);
	T_STREQ(err, "x.conf:2: [relay] colour: unknown key");
}

/* "[queue" is named as such, not its keys as [relay]'s. */
TEST(unclosed_section_named)
{
	T_EQ(load("[relay]\nhost = h\n[queue\ndir = /var/q\n"), -1);
	T_STREQ(err, "x.conf:3: \"[queue\": a section name needs its closing "
	    "\"]\"");
	T_EQ(load("[relay]\nhost = h\n[queue\n"), -1);
	T_OK(strstr(err, "x.conf:3: \"[queue\"") == err);
}

TEST(did_you_mean)
{
	T_EQ(load("[relay]\nhost = h\npasword_file = /p\n"), -1);
	T_STREQ(err, "x.conf:3: [relay] pasword_file: unknown key; did you "
	    "mean password_file?");
	T_EQ(load("[relay]\nhost = h\ntls_verfiy = no\n"), -1);
	T_OK(strstr(err, "did you mean tls_verify?") != NULL);
	T_EQ(load("[relay]\nhost = h\ndir = /var/q\n"), -1);
	T_STREQ(err, "x.conf:3: [relay] dir: unknown key; did you mean "
	    "[queue] dir?");
	T_EQ(load("[relay]\nhost = h\n[que]\ndir = /q\n"), -1);
	T_STREQ(err, "x.conf:3: [que]: unknown section; did you mean [queue]?");
	T_EQ(load("[relay]\nhost = h\n[oatuh]\n"), -1);
	T_OK(strstr(err, "did you mean [oauth]?") != NULL);
	/* Nothing close: no guess. */
	T_EQ(load("[relay]\nhost = h\nzzzzzz = 1\n"), -1);
	T_STREQ(err, "x.conf:3: [relay] zzzzzz: unknown key");
}

/* Keys and sections are matched without regard to case. */
TEST(names_ignore_case)
{
	T_EQ(load("[Relay]\nHost = h\nUser = u\nPassword = p\n"
	    "[QUEUE]\nDir = /var/q\n[Aliases]\nRoot = ops@x\n"), 0);
	T_STREQ(c.hosts[0].name, "h");
	T_STREQ(c.user, "u");
	T_STREQ(c.queue_dir, "/var/q");
	T_EQ(load("[relay]\nhost = h\nHOST = i\n"), -1);
	T_STREQ(err, "x.conf:3: [relay] host: duplicate key, first set on "
	    "line 2");
	T_EQ(load("[RELAY]\nhost = h\nPort = x\n"), -1);
	T_STREQ(err, "x.conf:3: [relay] port: not a port number: \"x\"");
}

/* A value wrapped in matching quotes is taken without them. */
TEST(quoted_values)
{
	T_EQ(load("[relay]\nhost = \"smtp.gmail.com\"\nuser = 'u@x'\n"
	    "password = \"p;w x\"\n"), 0);
	T_STREQ(c.hosts[0].name, "smtp.gmail.com");
	T_STREQ(c.user, "u@x");
	T_STREQ(c.password, "p;w x");
	/* Not wrapped, or quotes inside: as written. */
	T_EQ(load("[relay]\nhost = h\nuser = \"u\nfrom = x\"\n"), -1);
	T_EQ(load("[relay]\nhost = h\n[message]\nfrom = \"a\" <b@x>\n"),
	    0);
	T_STREQ(c.from, "\"a\" <b@x>");
	T_EQ(load("[relay]\nhost = h\n[aliases]\nroot = \"a\"@x, \"b\"\n"), 0);
	T_STREQ(c.aliases[0].value, "\"a\"@x, \"b\"");
	T_EQ(load("[relay]\nhost = \"\"\n"), -1);
}

TEST(long_lines_are_errors)
{
	char text[1024];
	char pw[320];

	memset(pw, 'p', sizeof(pw) - 1);
	pw[sizeof(pw) - 1] = '\0';
	snprintf(text, sizeof(text), "[relay]\nhost = h\nuser = u\n"
	    "password = %s\nport = 25\n", pw);
	T_EQ(load(text), -1);
	T_OK(strstr(err, "x.conf:4:") == err);
	T_OK(strstr(err, "too long") != NULL);
	/* 198 bytes and a newline fit. */
	memset(pw, 'p', 187);
	pw[187] = '\0';
	snprintf(text, sizeof(text), "[relay]\nhost = h\nuser = u\n"
	    "password = %s\n", pw);
	T_EQ(strlen("password = ") + 187, 198);
	T_EQ(load(text), 0);
	T_EQ(strlen(c.password), 187);
}

TEST(cross_key_rules)
{
	T_EQ(load("[relay]\nhost = h\ntls = none\nuser = u\npassword = p\n"),
	    -1);
	T_OK(strstr(err, "auth_allow_plaintext") != NULL);
	T_EQ(load("[relay]\nhost = h\ntls = none\nuser = u\npassword = p\n"
	    "auth_allow_plaintext = yes\n"), 0);
	T_EQ(load("[relay]\nhost = h\npassword = p\n"), -1);
	T_EQ(load("[relay]\nhost = h\nuser = u\npassword = p\n"
	    "password_file = /x\n"), -1);
	T_EQ(load("[relay]\nhost = h\ntls_cert_file = /c\n"), -1);
	T_EQ(load("[relay]\nhost = h\n[queue]\ndir = relative\n"), -1);
}

TEST(pins_aliases_message)
{
	T_EQ(load("[relay]\nhost = h\ntls_pin = sha256/"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
	    "tls_pin = sha256/BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=\n"
	    "[aliases]\nroot = ops@example.net\ndefault = all@example.net\n"
	    "[message]\ndomain = example.org\nrewrite_from = local\n"
	    "aliases_file =\n"), 0);
	T_EQ(c.ntls_pins, 2);
	T_EQ(c.naliases, 2);
	T_STREQ(c.aliases[0].value, "ops@example.net");
	T_EQ(c.rewrite_from, CONF_REWRITE_LOCAL);
	T_EQ(load("[relay]\nhost = h\ntls_pin = md5/xyz\n"), -1);
	T_EQ(load("[relay]\nhost = h\n[aliases]\nroot = a\nroot = b\n"), -1);
}

/* [queue] max_user_size and min_free: a size or a share of the file
 * system; 10% and 1% unless set. */
TEST(quota_shares)
{
	T_EQ(load("[relay]\nhost = h\n"), 0);
	T_EQ(c.max_user_size.percent, 10);
	T_EQ(c.min_free.percent, 1);
	T_EQ(load("[relay]\nhost = h\n[queue]\nmax_user_size = 2M\n"
	    "min_free = 25%\n"), 0);
	T_EQ(c.max_user_size.percent, 0);
	T_EQ(c.max_user_size.bytes, 2L << 20);
	T_EQ(c.min_free.percent, 25);
	T_EQ(load("[relay]\nhost = h\n[queue]\nmin_free = 0\n"), 0);
	T_EQ(c.min_free.percent, 0);
	T_EQ(c.min_free.bytes, 0);
	T_EQ(load("[relay]\nhost = h\n[queue]\nmin_free = 101%\n"), -1);
	T_STREQ(err, "x.conf:4: [queue] min_free: not a share from 1% to "
	    "100%: \"101%\"");
	T_EQ(load("[relay]\nhost = h\n[queue]\nmax_user_size = x%\n"), -1);
	T_EQ(load("[relay]\nhost = h\n[queue]\nmax_user_size = 2Q\n"), -1);
}

TEST(paths_absolute_and_sizes)
{
	T_EQ(load("[relay]\nhost = h\ntls_ca_file = ca.pem\n"), -1);
	T_STREQ(err, "x.conf:3: [relay] tls_ca_file: must be an absolute "
	    "path");
	T_EQ(load("[relay]\nhost = h\n[log]\nfile = ./log\n"), -1);
	T_STREQ(err, "x.conf:4: [log] file: must be an absolute path");
	T_EQ(load("[relay]\nhost = h\nuser = u\npassword_file = pw\n"), -1);
	T_EQ(load("[relay]\nhost = h\n"), 0);
	T_EQ(c.max_size, 50L << 20);
	T_EQ(load("[relay]\nhost = h\n[queue]\nmax_size = 0\n"), 0);
	T_EQ(c.max_size, 0);
	T_EQ(load("[relay]\nhost = h\n[queue]\nmax_size = 10M\n"), 0);
	T_EQ(c.max_size, 10L << 20);
	T_EQ(load("[relay]\nhost = h\n[queue]\nmax_size = 2k\n"), 0);
	T_EQ(c.max_size, 2048);
	T_EQ(load("[relay]\nhost = h\n[queue]\nmax_size = 5X\n"), -1);
	T_STREQ(err, "x.conf:4: [queue] max_size: not a size: \"5X\" (e.g. 0, "
	    "52428800, 50M)");
	T_EQ(load("[relay]\nhost = h\n[queue]\nmax_size = -1\n"), -1);
}

TEST(environment)
{
	char *env[] = { "RELAYMAIL_RELAY_HOST=envhost:2525",
	    "RELAYMAIL_RELAY_TLS_CA_FILE=/ca.pem",
	    "RELAYMAIL_RELAY_TLS_VERIFY=no", "RELAYMAIL_ALIASES_ROOT=r@x",
	    "PATH=/bin", NULL };
	char *bad[] = { "RELAYMAIL_RELAY_COLOUR=1", NULL };
	char *badval[] = { "RELAYMAIL_RELAY_PORT=x", NULL };

	conf_free(&c);
	conf_defaults(&c);
	T_EQ(conf_load_env(&c, env, err, sizeof(err)), 0);
	T_EQ(conf_finish(&c, err, sizeof(err)), 0);
	T_STREQ(c.hosts[0].name, "envhost");
	T_OK(!c.tls_verify);
	T_STREQ(c.aliases[0].name, "root");
	T_STREQ(c.tls_ca_file, "/ca.pem");
	T_EQ(conf_load_env(&c, bad, err, sizeof(err)), -1);
	T_STREQ(err, "environment: RELAYMAIL_RELAY_COLOUR: unknown setting");
	T_EQ(conf_load_env(&c, badval, err, sizeof(err)), -1);
	T_OK(strstr(err, "environment: RELAYMAIL_RELAY_PORT:") == err);
}

TEST(user_needs_a_password)
{
	char *env_user[] = { "RELAYMAIL_RELAY_USER=v", NULL };
	char *env_pw[] = { "RELAYMAIL_RELAY_PASSWORD=p", NULL };

	T_EQ(load("[relay]\nhost = h\n\nuser = u\n"), -1);
	T_STREQ(err, "x.conf:4: [relay] user: set password, password_file "
	    "or password_command");
	T_EQ(load_env("[relay]\nhost = h\n", env_user), -1);
	T_STREQ(err, "environment: RELAYMAIL_RELAY_USER: set password, "
	    "password_file or password_command");
	T_EQ(load_env("[relay]\nhost = h\nuser = u\npassword = p\n",
	    env_user), 0);
	T_STREQ(c.user, "v");
	T_EQ(load_env("[relay]\nhost = h\n", env_pw), -1);
	T_STREQ(err, "x.conf: [relay] user: required when a password is set");
	T_EQ(load("[relay]\nhost = h\nuser = u\npassword_command = true\n"),
	    0);
}

TEST(cross_key_errors_name_the_line)
{
	char *env[] = { "RELAYMAIL_RELAY_TLS_KEY_FILE=/k", NULL };

	T_EQ(load("[relay]\nhost = h\ntls = none\nuser = u\npassword = p\n"),
	    -1);
	T_STREQ(err, "x.conf:4: [relay] user: AUTH over plaintext needs "
	    "auth_allow_plaintext = yes (or use tls)");
	T_EQ(load("[relay]\nhost = h\n[queue]\ndir = relative\n"), -1);
	T_STREQ(err, "x.conf:4: [queue] dir: must be an absolute path");
	T_EQ(load_env("[relay]\nhost = h\n", env), -1);
	T_STREQ(err, "environment: RELAYMAIL_RELAY_TLS_KEY_FILE: needs "
	    "tls_cert_file too");
}

/* Every list-valued key and every alias: the environment replaces the
 * file's value whole, never adds to it. */
TEST(environment_replaces_host_list)
{
	char *env[] = { "RELAYMAIL_RELAY_HOST=c:2525, [::1]", NULL };

	T_EQ(load_env("[relay]\nhost = a, b:465, d\n", env), 0);
	T_EQ(c.nhosts, 2);
	T_STREQ(c.hosts[0].name, "c");
	T_STREQ(c.hosts[0].port, "2525");
	T_STREQ(c.hosts[1].name, "::1");
	T_OK(c.hosts[1].port == NULL);
	T_OK(c.hosts[2].name == NULL);
}

TEST(environment_replaces_pins)
{
	char *env[] = { "RELAYMAIL_RELAY_TLS_PIN=" PIN_C, NULL };
	char *two[] = { "RELAYMAIL_RELAY_TLS_PIN=" PIN_B " " PIN_C, NULL };

	T_EQ(load_env("[relay]\nhost = h\ntls_pin = " PIN_A "\n"
	    "tls_pin = " PIN_B "\n", env), 0);
	T_EQ(c.ntls_pins, 1);
	T_STREQ(c.tls_pins[0], PIN_C);
	T_EQ(load_env("[relay]\nhost = h\ntls_pin = " PIN_A "\n", two), 0);
	T_EQ(c.ntls_pins, 2);
	T_STREQ(c.tls_pins[0], PIN_B);
	T_STREQ(c.tls_pins[1], PIN_C);
	/* Without the variable the file's list stands. */
	T_EQ(load_env("[relay]\nhost = h\ntls_pin = " PIN_A "\n"
	    "tls_pin = " PIN_B "\n", NULL), 0);
	T_EQ(c.ntls_pins, 2);
}

TEST(environment_replaces_aliases)
{
	char *env[] = { "RELAYMAIL_ALIASES_ROOT=env@example.net",
	    "RELAYMAIL_ALIASES_WWW=web@example.net", NULL };

	T_EQ(load_env("[relay]\nhost = h\n[aliases]\nroot = file@example.net\n"
	    "default = all@example.net\n[message]\naliases_file =\n", env),
	    0);
	T_EQ(c.naliases, 3);
	T_STREQ(c.aliases[0].name, "root");
	T_STREQ(c.aliases[0].value, "env@example.net");
	T_STREQ(c.aliases[1].value, "all@example.net");
	T_STREQ(c.aliases[2].name, "www");
	T_STREQ(c.aliases[2].value, "web@example.net");
}

TEST(environment_replaces_scalars)
{
	char *env[] = { "RELAYMAIL_RELAY_TLS=tls",
	    "RELAYMAIL_RELAY_PASSWORD=envpw", NULL };

	/* The port default follows tls as the environment leaves it. */
	T_EQ(load_env("[relay]\nhost = h\nuser = u\npassword = p\n", env),
	    0);
	T_STREQ(c.port, "465");
	T_STREQ(c.password, "envpw");
	/* A port the file gives stays. */
	T_EQ(load_env("[relay]\nhost = h\nport = 2525\nuser = u\n"
	    "password = p\n", env), 0);
	T_STREQ(c.port, "2525");
}

TEST(control_characters_refused)
{
	T_EQ(load("[relay]\nhost = h\nuser = a\x01" "b\n"), -1);
	T_OK(strstr(err, "control") != NULL);
}

/* Routes: each its own [relay] and [oauth] from the defaults, the
 * base's other sections; the first whose senders take a sender. */
TEST(routes)
{
	const struct conf *r;
	size_t i;

	/* Every key a route owns lies in the blocks it copies. */
	for (i = 0; i < conf_nkeys; i++)
		if (conf_route_owns(&conf_keys[i]) && conf_keys[i].off != 0)
			T_OK(conf_route_block(conf_keys[i].off));
	T_EQ(load("[relay]\nhost = a\nuser = u\npassword = p\n"
	    "[message]\ndomain = example.org\n"
	    "[route one]\nsenders = x@one.example, *@ONE.example\n"
	    "senders = root\nhost = b:2525\n"
	    "[route two]\nsenders = *\nprovider = fastmail\n"
	    "user = me@fastmail.com\npassword_file = /p\n"), 0);
	T_EQ(c.nroutes, 2);
	r = conf_route_for(&c, "X@one.example", NULL);
	T_STREQ(r->route, "one");
	T_STREQ(r->hosts[0].name, "b");
	T_STREQ(r->hosts[0].port, "2525");
	T_OK(r->user == NULL);		/* nothing of [relay]'s */
	T_STREQ(r->domain, "example.org");	/* the base's [message] */
	T_OK(r->base == &c);
	T_STREQ(conf_route_for(&c, "y@one.example", NULL)->route, "one");
	T_STREQ(conf_route_for(&c, "root", "root")->route, "one");
	T_STREQ(conf_route_for(&c, "cron", "root")->route, "one");
	T_STREQ(conf_route_for(&c, "y@sub.one.example", NULL)->route, "two");
	T_STREQ(conf_route_for(&c, "root@host", NULL)->route, "two");
	r = conf_route_named(&c, "two");
	T_STREQ(r->hosts[0].name, "smtp.fastmail.com");
	T_EQ(r->tls, CONF_TLS_IMPLICIT);
	T_OK(conf_route_named(&c, "three") == NULL);
	T_OK(conf_route_named(&c, "") == &c);
	/* No catch-all: [relay]. */
	T_EQ(load("[relay]\nhost = a\n[route one]\nsenders = a@b\n"
	    "host = b\n"), 0);
	T_OK(conf_route_for(&c, "c@d", NULL) == &c);
	/* Errors name the route. */
	T_EQ(load("[relay]\nhost = a\n[route one]\nsenders = a@b\n"
	    "port = x\n"), -1);
	T_STREQ(err, "x.conf:5: [route one] port: not a port number: \"x\"");
	T_EQ(load("[relay]\nhost = a\n[route one]\nsenders = a@*.b\n"
	    "host = b\n"), -1);
	T_STREQ(err, "x.conf:4: [route one] senders: \"a@*.b\": a sender is "
	    "an address, *@domain, a local user's name or *");
	T_EQ(load("[relay]\nhost = a\n[route]\nsenders = a@b\n"), -1);
	T_STREQ(err, "x.conf:3: [route]: a route needs its name: [route "
	    "NAME]");
	T_EQ(load("[relay]\nhost = a\n[route one]\nsenders = a@b\n"), -1);
	T_STREQ(err, "x.conf: [route one] host: required in a route (or "
	    "provider)");
	/* Routes alone, no [relay] host: enough to send. */
	T_EQ(load("[route one]\nsenders = *\nhost = b\n"), 0);
}

TEST(print_masks_secrets)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	T_EQ(load("[relay]\nhost = h\nuser = u\npassword = hunter2\n"), 0);
	conf_print(&c, fp);
	fclose(fp);
	T_OK(strstr(buf, "hunter2") == NULL);
	T_OK(strstr(buf, "password = ********") != NULL);
	free(buf);
}

/* A container secret: the file names the user, the environment the
 * password file. The rules are checked once both are read. */
TEST(password_from_environment_only)
{
	char *env[] = { "RELAYMAIL_RELAY_PASSWORD_FILE=/run/secrets/pw", NULL };
	char *none[] = { NULL };

	T_EQ(load_env("[relay]\nhost = mx.example\nuser = app\n", env), 0);
	T_STREQ(c.password_file, "/run/secrets/pw");
	T_EQ(load_env("[relay]\nhost = mx.example\nuser = app\n", none),
	    -1);
	T_STREQ(err, "x.conf:3: [relay] user: set password, password_file or "
	    "password_command");
}


/* [relay] provider fills what no source set; an explicit key wins
 * wherever it stands, and the environment too. */
/* Microsoft 365 takes only its mailbox as the sender: the preset sends
 * local senders as the mailbox, unless a key says otherwise. */
TEST(microsoft365_sends_as_the_mailbox)
{
	T_EQ(load("[relay]\nprovider = microsoft365\nuser = app@example.com\n"
	    "password = p\n"), 0);
	T_STREQ(c.from, "app@example.com");
	T_EQ(c.rewrite_from, CONF_REWRITE_LOCAL);
	T_EQ(load("[relay]\nprovider = microsoft365\nuser = app@example.com\n"
	    "password = p\n[message]\nfrom = x@example.com\nrewrite_from = "
	    "no\n"), 0);
	T_STREQ(c.from, "x@example.com");
	T_EQ(c.rewrite_from, CONF_REWRITE_NO);
	/* A user that is not an address names no mailbox. */
	T_EQ(load("[relay]\nprovider = microsoft365\nuser = app\npassword = "
	    "p\n"), 0);
	T_OK(c.from == NULL);
	T_EQ(c.rewrite_from, CONF_REWRITE_NO);
	T_EQ(load("[relay]\nprovider = gmail\nuser = me@gmail.com\npassword = "
	    "p\n"), 0);
	T_OK(c.from == NULL);
}

/* One name per vendor, taken in both sections; the old spellings too;
 * [oauth] follows [relay] provider when it names none. */
TEST(one_vendor_name)
{
	const char *oauth = "user = a@x\n[oauth]\nclient_id = i\n"
	    "refresh_token_file = /rt\ntenant = t\n";
	char text[512];

	snprintf(text, sizeof(text), "[relay]\nprovider = gmail\n%s"
	    "provider = gmail\n", oauth);
	T_EQ(load(text), 0);
	T_EQ(c.oauth_provider, CONF_OAUTH_GOOGLE);
	snprintf(text, sizeof(text), "[relay]\nprovider = microsoft365\n%s"
	    "provider = microsoft365\n", oauth);
	T_EQ(load(text), 0);
	T_EQ(c.oauth_provider, CONF_OAUTH_MICROSOFT);
	snprintf(text, sizeof(text), "[relay]\nprovider = google\n%s"
	    "provider = microsoft\n", oauth);
	T_EQ(load(text), 0);
	T_EQ(c.provider, CONF_PROVIDER_GMAIL);
	T_EQ(c.oauth_provider, CONF_OAUTH_MICROSOFT);
	snprintf(text, sizeof(text), "[relay]\nprovider = microsoft365\n%s",
	    oauth);
	T_EQ(load(text), 0);
	T_EQ(c.oauth_provider, CONF_OAUTH_MICROSOFT);
	snprintf(text, sizeof(text), "[relay]\nhost = h\n%sprovider = ses\n",
	    oauth);
	T_EQ(load(text), -1);
	T_OK(strstr(err, "[oauth] provider: must be microsoft365 or gmail, "
	    "not \"ses\"") != NULL);
}

TEST(provider_presets)
{
	char *env[] = { "RELAYMAIL_RELAY_MAX_PER_DAY=9", NULL };

	T_EQ(load("[relay]\nprovider = microsoft365\n"), 0);
	T_STREQ(c.hosts[0].name, "smtp.office365.com");
	T_STREQ(c.port, "587");
	T_EQ(c.tls, CONF_TLS_STARTTLS);
	T_EQ(c.max_per_minute, 30);
	T_EQ(c.max_per_day, 10000);
	T_EQ(c.max_recipients, 500);
	T_EQ(c.data_timeout, 600);
	T_EQ(load("[relay]\nmax_recipients = 20\nprovider = gmail\n"
	    "max_per_day = 2000\nhost = relay.example:2525\n"), 0);
	T_STREQ(c.hosts[0].name, "relay.example");
	T_EQ(c.nhosts, 1);
	T_EQ(c.max_recipients, 20);
	T_EQ(c.max_per_day, 2000);
	T_EQ(load("[relay]\nprovider = fastmail\n"), 0);
	T_STREQ(c.hosts[0].name, "smtp.fastmail.com");
	T_EQ(c.tls, CONF_TLS_IMPLICIT);
	T_STREQ(c.port, "465");
	T_EQ(load("[relay]\nprovider = fastmail\ntls = starttls\n"), 0);
	T_STREQ(c.port, "587");
	T_EQ(load("[relay]\nprovider = ses\nregion = eu-west-1\n"), 0);
	T_STREQ(c.hosts[0].name, "email-smtp.eu-west-1.amazonaws.com");
	T_EQ(c.max_per_minute, 60);
	T_EQ(c.max_per_day, 200);
	T_EQ(load("[relay]\nprovider = ses\n"), 0);
	T_STREQ(c.hosts[0].name, "email-smtp.us-east-1.amazonaws.com");
	T_EQ(load("[relay]\nprovider = sendgrid\npassword = k\n"), 0);
	T_STREQ(c.user, "apikey");
	T_STREQ(c.hosts[0].name, "smtp.sendgrid.net");
	T_EQ(load("[relay]\nprovider = sendgrid\nuser = me\n"
	    "password = k\n"), 0);
	T_STREQ(c.user, "me");
	T_EQ(load("[relay]\nprovider = mailgun\n"), 0);
	T_STREQ(c.hosts[0].name, "smtp.mailgun.org");
	T_EQ(load("[relay]\nprovider = postmark\n"), 0);
	T_STREQ(c.hosts[0].name, "smtp.postmarkapp.com");
	T_EQ(c.max_recipients, 50);
	T_EQ(load_env("[relay]\nprovider = microsoft365\n", env), 0);
	T_EQ(c.max_per_day, 9);
	T_EQ(load("[relay]\nprovider = yahoo\n"), -1);
	T_STREQ(err, "x.conf:2: [relay] provider: must be microsoft365, "
	    "gmail, ses, mailgun, sendgrid, postmark, fastmail or none, not "
	    "\"yahoo\"");
	T_EQ(load("[relay]\nhost = a\nregion = eu-west-1\n"), -1);
	T_STREQ(err, "x.conf:3: [relay] region: only for provider = ses "
	    "(set host for other providers)");
	T_EQ(load("[relay]\nhost = a\nmax_per_minute = -1\n"), -1);
	T_EQ(load("[relay]\nhost = a\ndata_timeout = 5\ntimeout = 7\n"),
	    0);
	T_EQ(c.data_timeout, 5);
	T_EQ(c.timeout, 7);
	T_EQ(load("[relay]\nhost = a\ndata_timeout = 0\n"), -1);
}

TEST_MAIN("t_conf", {
	RUN(provider_presets);
	RUN(microsoft365_sends_as_the_mailbox);
	RUN(one_vendor_name);
	RUN(password_from_environment_only);
	RUN(minimal_and_defaults);
	RUN(host_lists);
	RUN(errors_name_file_line_key);
	RUN(first_bad_line_named);
	RUN(unclosed_section_named);
	RUN(did_you_mean);
	RUN(names_ignore_case);
	RUN(quoted_values);
	RUN(long_lines_are_errors);
	RUN(cross_key_rules);
	RUN(pins_aliases_message);
	RUN(quota_shares);
	RUN(paths_absolute_and_sizes);
	RUN(environment);
	RUN(user_needs_a_password);
	RUN(cross_key_errors_name_the_line);
	RUN(environment_replaces_host_list);
	RUN(environment_replaces_pins);
	RUN(environment_replaces_aliases);
	RUN(environment_replaces_scalars);
	RUN(control_characters_refused);
	RUN(print_masks_secrets);
	RUN(routes);
	conf_free(&c);
})
