/* relaymail: the configuration's keys. ISC licence, see LICENSE.
 * One table lists every key with its parser and where it was set;
 * conf_read.c feeds it the file's lines, conf_env.c the environment;
 * conf_finish() checks the rules between keys. Section and key names are
 * matched without regard to case. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "conf_int.h"
#include "priv.h"
#include "relaymail.h"
#include "util.h"

/* conf_bad() with a va_list. FILE alone when there is no line; no
 * "[section] key" when the error is about a line, not a key. */
static int
conf_vbad(struct conf_ctx *x, const char *fmt, va_list ap)
{
	char why[300], line[16] = "";

	if (x->failed)
		return -1;
	x->failed = 1;
	vsnprintf(why, sizeof(why), fmt, ap);
	if (x->envvar != NULL)
		return util_err(x->err, x->errlen, "environment: %s: %s",
		    x->envvar, why);
	if (x->line > 0)
		snprintf(line, sizeof(line), ":%d", x->line);
	if (x->section == NULL)
		return util_err(x->err, x->errlen, "%s%s: %s", x->name, line,
		    why);
	if (x->route != NULL)	/* a route's: [route NAME], [oauth NAME] */
		return util_err(x->err, x->errlen, "%s%s: [%s %s]%s%s: %s",
		    x->name, line, strcmp(x->section, "oauth") == 0 ? "oauth" :
		    "route", x->route, x->key ? " " : "", x->key ? x->key : "",
		    why);
	return util_err(x->err, x->errlen, "%s%s: [%s]%s%s: %s", x->name, line,
	    x->section, x->key ? " " : "", x->key ? x->key : "", why);
}

/* see conf_int.h */
int
conf_bad(struct conf_ctx *x, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = conf_vbad(x, fmt, ap);
	va_end(ap);
	return r;
}

static int
conf_set_str(struct conf_ctx *x, const char *v, void *field)
{
	char **p = field;

	free(*p);
	if ((*p = strdup(v)) == NULL)
		return conf_bad(x, "out of memory");
	return 0;
}

static void
conf_clear_str(struct conf *c, void *field)
{
	char **p = field;

	(void)c;
	free(*p);
	*p = NULL;
}

static int
conf_set_path(struct conf_ctx *x, const char *v, void *field)
{
	if (v[0] == '\0' && x->envvar == NULL)
		return conf_bad(x, "not a path");
	/* A relative path would follow the caller's working directory,
	 * which a local user picks (set-group-ID). */
	if (v[0] != '\0' && v[0] != '/')
		return conf_bad(x, "must be an absolute path");
	return conf_set_str(x, v, field);
}

static int
conf_set_bool(struct conf_ctx *x, const char *v, void *field)
{
	int *p = field;

	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") ||
	    !strcasecmp(v, "on") || !strcmp(v, "1"))
		*p = 1;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") ||
	    !strcasecmp(v, "off") || !strcmp(v, "0"))
		*p = 0;
	else
		return conf_bad(x, "not yes or no: \"%s\"", v);
	return 0;
}

/* The words of each enumerated key, in the order of its enum. */
const char *const conf_tls_names[] = { "starttls", "tls", "none", NULL };
const char *const conf_auth_names[] = { "auto", "plain", "login",
    "cram-md5", "xoauth2", "oauthbearer", NULL };
const char *const conf_rewrite_names[] = { "no", "local", "always", NULL };

/* see conf_int.h */
int
conf_choice(const char *v, const char *const *names)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcasecmp(v, names[i]) == 0)
			return i;
	return -1;
}

static int
conf_set_tls(struct conf_ctx *x, const char *v, void *field)
{
	int i = conf_choice(v, conf_tls_names);

	if (i < 0)
		return conf_bad(x, "must be starttls, tls or none, not \"%s\"",
		    v);
	*(enum conf_tls *)field = (enum conf_tls)i;
	return 0;
}

static int
conf_set_auth(struct conf_ctx *x, const char *v, void *field)
{
	int i = conf_choice(v, conf_auth_names);

	if (i < 0)
		return conf_bad(x, "unknown mechanism \"%s\"", v);
	*(enum conf_auth *)field = (enum conf_auth)i;
	return 0;
}

static int
conf_set_rewrite(struct conf_ctx *x, const char *v, void *field)
{
	int i = conf_choice(v, conf_rewrite_names);

	if (i < 0)
		return conf_bad(x, "must be no, local or always, not \"%s\"",
		    v);
	*(enum conf_rewrite *)field = (enum conf_rewrite)i;
	return 0;
}

/* v as a number from 0 to max (with durations: a unit s, m, h or d may
 * follow, and max is in seconds), or -1. */
static long
conf_number(const char *v, long max, int durations)
{
	char *end;
	long n, unit = 1;

	errno = 0;
	n = strtol(v, &end, 10);
	if (end == v || errno != 0 || n < 0)
		return -1;
	if (durations && *end != '\0' && end[1] == '\0') {
		switch (*end) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		default: return -1;
		}
		end++;
	}
	if (*end != '\0' || n > max / unit)
		return -1;
	return n * unit;
}

static int
conf_set_port(struct conf_ctx *x, const char *v, void *field)
{
	if (conf_number(v, 65535, 0) < 1)
		return conf_bad(x, "not a port number: \"%s\"", v);
	return conf_set_str(x, v, field);
}

#define CONF_DURATION_WHY	"not a duration: \"%s\" (e.g. 60, 30s, 5m, 5d)"

/* A number of seconds (a unit may follow) from min to an hour. */
static int
conf_seconds(struct conf_ctx *x, const char *v, void *field, long min)
{
	long n = conf_number(v, 3600, 1);

	if (n < min)
		return conf_bad(x, CONF_DURATION_WHY, v);
	*(int *)field = (int)n;
	return 0;
}

static int
conf_set_timeout(struct conf_ctx *x, const char *v, void *field)
{
	return conf_seconds(x, v, field, 1);
}

/* [relay] wait: 0 (never wait) is allowed. */
static int
conf_set_wait(struct conf_ctx *x, const char *v, void *field)
{
	return conf_seconds(x, v, field, 0);
}

static int
conf_set_age(struct conf_ctx *x, const char *v, void *field)
{
	long n = conf_number(v, 365L * 86400, 1);

	if (n < 0)
		return conf_bad(x, CONF_DURATION_WHY, v);
	*(long *)field = n;
	return 0;
}

/* A size in bytes, with an optional K, M or G (powers of 1024); 0 is
 * allowed (no limit). At most 1 TiB. */
/* see conf_int.h */
int
conf_set_size(struct conf_ctx *x, const char *v, void *field)
{
	char *end;
	long n, unit = 1;

	errno = 0;
	n = strtol(v, &end, 10);
	if (end != v && end[0] != '\0' && end[1] == '\0')
		unit = strchr("kK", *end) ? 1L << 10 : *end == 'M' ? 1L << 20 :
		    *end == 'G' ? 1L << 30 : 0;
	if (end == v || errno != 0 || n < 0 || unit == 0 ||
	    (unit == 1 && *end != '\0') || n > (1L << 40) / unit)
		return conf_bad(x, "not a size: \"%s\" (e.g. 0, 52428800, "
		    "50M)", v);
	*(long *)field = n * unit;
	return 0;
}

static int
conf_set_helo(struct conf_ctx *x, const char *v, void *field)
{
	size_t i;

	for (i = 0; v[i] != '\0'; i++)
		if (!isalnum((unsigned char)v[i]) && !strchr("-.[]:_", v[i]))
			return conf_bad(x, "not a host name: \"%s\"", v);
	return conf_set_str(x, v, field);
}

/* Splits one host list entry in place: name, name:port, [v6], [v6]:port
 * or a bare v6 address. 0, or -1 when it is none of these. */
static int
conf_host_split(char *tok, char **name, char **port)
{
	char *colon, *end;

	*name = tok;
	*port = NULL;
	if (tok[0] == '[') {
		if ((end = strchr(tok, ']')) == NULL)
			return -1;
		*end = '\0';
		*name = tok + 1;
		if (end[1] == ':')
			*port = end + 2;
		else if (end[1] != '\0')
			return -1;
	} else if ((colon = strchr(tok, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		*colon = '\0';	/* a bare v6 address has more colons */
		*port = colon + 1;
	}
	if (**name == '\0' || (*port != NULL && conf_number(*port, 65535, 0)
	    < 1))
		return -1;
	return 0;
}

static int
conf_set_hosts(struct conf_ctx *x, const char *v, void *field)
{
	struct conf *c = x->c;
	char buf[1024], *p, *tok, *name, *port;
	int ok = util_strlcpy(buf, v, sizeof(buf)) < sizeof(buf);

	(void)field;
	for (p = buf; ok && (tok = strtok(p, ", \t")) != NULL; p = NULL) {
		struct conf_host *h = &c->hosts[c->nhosts];
		if (!(ok = conf_host_split(tok, &name, &port) == 0))
			break;
		if (c->nhosts == CONF_HOSTS_MAX)
			return conf_bad(x, "too many hosts (at most %d)",
			    CONF_HOSTS_MAX);
		h->name = strdup(name);
		h->port = port ? strdup(port) : NULL;
		c->nhosts++;
		if (h->name == NULL || (port != NULL && h->port == NULL))
			return conf_bad(x, "out of memory");
	}
	if (!ok || c->nhosts == 0)
		return conf_bad(x, "bad host list: \"%s\"", v);
	return 0;
}

static void
conf_clear_hosts(struct conf *c, void *field)
{
	int i;

	(void)field;
	for (i = 0; i < c->nhosts; i++) {
		free(c->hosts[i].name);
		free(c->hosts[i].port);
		c->hosts[i].name = c->hosts[i].port = NULL;
	}
	c->nhosts = 0;
}

/* 1 if tok is "sha256/" and the 44 base64 characters of 32 bytes. */
static int
conf_pin_ok(const char *tok)
{
	size_t i;

	if (strncmp(tok, "sha256/", 7) != 0 || strlen(tok) != 51)
		return 0;
	for (i = 7; i < 51; i++)
		if (!isalnum((unsigned char)tok[i]) && !strchr("+/=", tok[i]))
			return 0;
	return 1;
}

static int
conf_set_pins(struct conf_ctx *x, const char *v, void *field)
{
	struct conf *c = x->c;
	char buf[1024], *p, *tok;
	int ok = util_strlcpy(buf, v, sizeof(buf)) < sizeof(buf);

	(void)field;
	for (p = buf; ok && (tok = strtok(p, ", \t")) != NULL; p = NULL) {
		if (!(ok = conf_pin_ok(tok)))
			break;
		if (c->ntls_pins == CONF_PINS_MAX)
			return conf_bad(x, "too many pins (at most %d)",
			    CONF_PINS_MAX);
		if ((c->tls_pins[c->ntls_pins++] = strdup(tok)) == NULL)
			return conf_bad(x, "out of memory");
	}
	if (!ok)
		return conf_bad(x, "not a pin of the form sha256/BASE64: "
		    "\"%s\"", v);
	return 0;
}

static void
conf_clear_pins(struct conf *c, void *field)
{
	int i;

	(void)field;
	for (i = 0; i < c->ntls_pins; i++) {
		free(c->tls_pins[i]);
		c->tls_pins[i] = NULL;
	}
	c->ntls_pins = 0;
}

static void
conf_clear_secret(struct conf *c, void *field)
{
	char **p = field;

	if (*p != NULL)
		explicit_bzero(*p, strlen(*p));
	conf_clear_str(c, field);
}

#define F(field) offsetof(struct conf, field)
#define STR(set, field) set, conf_clear_str, F(field)
#define VAL(set, field) set, NULL, F(field)
const struct conf_key conf_keys[] = {
	{ "relay", "host", conf_set_hosts, conf_clear_hosts, 0, 0 },
	{ "relay", "port", STR(conf_set_port, port), 0 },
	{ "relay", "tls", VAL(conf_set_tls, tls), 0 },
	{ "relay", "tls_verify", VAL(conf_set_bool, tls_verify), 0 },
	{ "relay", "tls_ca_file", STR(conf_set_path, tls_ca_file), 0 },
	{ "relay", "tls_host", STR(conf_set_str, tls_host), 0 },
	{ "relay", "tls_pin", conf_set_pins, conf_clear_pins, 0, 1 },
	{ "relay", "tls_cert_file", STR(conf_set_path, tls_cert_file), 0 },
	{ "relay", "tls_key_file", STR(conf_set_path, tls_key_file), 0 },
	{ "relay", "user", STR(conf_set_str, user), 0 },
	{ "relay", "password", conf_set_str, conf_clear_secret, F(password),
	    0 },
	{ "relay", "password_file", STR(conf_set_path, password_file), 0 },
	{ "relay", "password_command", STR(conf_set_str, password_command),
	    0 },
	{ "relay", "auth", VAL(conf_set_auth, auth), 0 },
	{ "relay", "auth_allow_plaintext",
	    VAL(conf_set_bool, auth_allow_plaintext), 0 },
	{ "relay", "helo", STR(conf_set_helo, helo), 0 },
	{ "relay", "timeout", VAL(conf_set_timeout, timeout), 0 },
	{ "relay", "data_timeout", VAL(conf_set_timeout, data_timeout), 0 },
	{ "relay", "provider", VAL(conf_preset_set_provider, provider), 0 },
	{ "relay", "region", STR(conf_set_helo, region), 0 },
	{ "relay", "max_per_minute", VAL(conf_preset_set_limit,
	    max_per_minute), 0 },
	{ "relay", "max_per_hour", VAL(conf_preset_set_limit, max_per_hour), 0 },
	{ "relay", "max_per_day", VAL(conf_preset_set_limit, max_per_day), 0 },
	{ "relay", "max_recipients", VAL(conf_preset_set_limit,
	    max_recipients), 0 },
	{ "relay", "wait", VAL(conf_set_wait, wait), 0 },
	{ "relay", "max_connections", VAL(conf_preset_set_connections,
	    max_connections), 0 },
	{ "queue", "dir", STR(conf_set_path, queue_dir), 0 },
	{ "queue", "max_age", VAL(conf_set_age, max_age), 0 },
	{ "queue", "failed_max_age", VAL(conf_set_age, failed_max_age), 0 },
	{ "queue", "max_size", VAL(conf_set_size, max_size), 0 },
	{ "queue", "journal_size", VAL(conf_set_size, journal_size), 0 },
	{ "queue", "max_user_size", VAL(conf_quota_set, max_user_size), 0 },
	{ "queue", "min_free", VAL(conf_quota_set, min_free), 0 },
	{ "queue", "bounce", VAL(conf_set_bool, bounce), 0 },
	{ "queue", "runner", VAL(conf_set_bool, runner), 0 },
	{ "queue", "bounce_to", STR(conf_set_str, bounce_to), 0 },
	{ "message", "domain", STR(conf_set_helo, domain), 0 },
	{ "message", "from", STR(conf_set_str, from), 0 },
	{ "message", "rewrite_from", VAL(conf_set_rewrite, rewrite_from), 0 },
	{ "message", "aliases_file", STR(conf_set_str, aliases_file), 0 },
	{ "log", "file", STR(conf_set_path, log_file), 0 },
	{ "log", "stderr", VAL(conf_set_bool, log_stderr), 0 },
	{ "oauth", "provider",
	    VAL(conf_oauth_set_provider, oauth_provider), 0 },
	{ "oauth", "tenant", STR(conf_oauth_set_tenant, oauth_tenant), 0 },
	{ "oauth", "token_url", STR(conf_set_str, oauth_token_url), 0 },
	{ "oauth", "auth_url", STR(conf_set_str, oauth_auth_url), 0 },
	{ "oauth", "device_url", STR(conf_set_str, oauth_device_url), 0 },
	{ "oauth", "client_id", STR(conf_set_str, oauth_client_id), 0 },
	{ "oauth", "client_secret", conf_set_str, conf_clear_secret,
	    F(oauth_client_secret), 0 },
	{ "oauth", "client_secret_file",
	    STR(conf_set_path, oauth_client_secret_file), 0 },
	{ "oauth", "grant", VAL(conf_oauth_set_grant, oauth_grant), 0 },
	{ "oauth", "refresh_token_file",
	    STR(conf_set_path, oauth_refresh_token_file), 0 },
	{ "oauth", "scope", STR(conf_set_str, oauth_scope), 0 },
	{ "oauth", "ca_file", STR(conf_set_path, oauth_ca_file), 0 },
	{ "route", "senders", conf_set_senders, conf_clear_senders,
	    F(senders), 1 },
};
#define CONF_NKEYS	(sizeof(conf_keys) / sizeof(conf_keys[0]))
_Static_assert(CONF_NKEYS <= CONF_KEYS_MAX, "raise CONF_KEYS_MAX");
const size_t conf_nkeys = CONF_NKEYS;

/* see conf_int.h */
const struct conf_key *
conf_key_find(const char *section, const char *name)
{
	size_t i;

	for (i = 0; i < CONF_NKEYS; i++)
		if (strcasecmp(conf_keys[i].section, section) == 0 &&
		    (name == NULL || strcasecmp(conf_keys[i].name, name) == 0))
			return &conf_keys[i];
	return NULL;
}

/* An alias from the file, or one from the environment that replaces the
 * file's alias of that name. */
static int
conf_set_alias(struct conf_ctx *x, const char *name, const char *v)
{
	struct conf *c = x->c;
	struct conf_alias *a = NULL;
	int i;

	for (i = 0; i < c->naliases && a == NULL; i++)
		if (strcasecmp(c->aliases[i].name, name) == 0)
			a = &c->aliases[i];
	if (a != NULL && x->envvar == NULL)
		return conf_bad(x, "duplicate alias");
	if (a == NULL) {
		if (c->naliases == CONF_ALIASES_MAX)
			return conf_bad(x, "too many aliases");
		a = &c->aliases[c->naliases++];
		if ((a->name = strdup(name)) == NULL)
			return conf_bad(x, "out of memory");
	}
	free(a->value);
	if ((a->value = strdup(v)) == NULL)
		return conf_bad(x, "out of memory");
	return 0;
}

/* An unknown section or key, with the name it may have meant. */
static int
conf_unknown(struct conf_ctx *x, const char *section, const char *name)
{
	char hint[160];

	if (conf_key_find(section, NULL) == NULL) {
		x->key = NULL;
		conf_suggest(section, NULL, hint, sizeof(hint));
		return conf_bad(x, "unknown section%s", hint);
	}
	conf_suggest(section, name, hint, sizeof(hint));
	return conf_bad(x, "unknown key%s", hint);
}

/* see conf_int.h */
int
conf_set(struct conf_ctx *x, const char *section, const char *name,
    const char *v)
{
	const struct conf_key *k;
	struct conf *c = x->c;
	char *unquoted;
	void *field;
	size_t i;
	int *on, r;

	x->section = section;
	x->key = name;
	for (i = 0; v[i] != '\0'; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return conf_bad(x, "control character in value");
	/* host = "smtp.example.com": the quotes are not part of it. */
	if ((unquoted = conf_unquote(v)) != NULL) {
		r = conf_set(x, section, name, unquoted);
		explicit_bzero(unquoted, strlen(unquoted));
		free(unquoted);
		return r;
	}
	if (strcasecmp(section, "aliases") == 0) {
		x->section = "aliases";
		return conf_set_alias(x, name, v);
	}
	if (conf_route_is_section(section) ||
	    strncasecmp(section, "route ", 6) == 0)
		return conf_route_set(x, section, name, v);
	if (strcasecmp(section, "route") == 0 && x->route == NULL)
		return conf_bad(x, "a route needs its name: [route NAME]");
	if ((k = conf_key_find(section, name)) == NULL)
		return conf_unknown(x, section, name);
	x->section = k->section;	/* as sendmail.conf(5) spells them */
	x->key = k->name;
	on = &c->set_on[k - conf_keys];
	field = (char *)c + k->off;
	if (x->envvar == NULL && !k->multi && *on > 0)
		return conf_bad(x, "duplicate key, first set on line %d", *on);
	/* Each source replaces a key whole: the environment every time, the
	 * file on the key's first line (a list may go on over more lines). */
	if (k->clear != NULL && (x->envvar != NULL || *on <= 0))
		k->clear(c, field);
	*on = x->envvar != NULL ? CONF_FROM_ENV : x->line;
	return k->set(x, v, field);
}

/* see conf_int.h */
void
conf_ctx_init(struct conf_ctx *x, struct conf *c, const char *name,
    char *err, size_t errlen)
{
	memset(x, 0, sizeof(*x));
	x->c = c;
	x->name = name;
	x->err = err;
	x->errlen = errlen;
	x->route = c->route;
}

/* see conf.h */
void
conf_defaults(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->tls = CONF_TLS_STARTTLS;
	c->tls_verify = 1;
	c->tls_ca_file = strdup(RELAYMAIL_CA_FILE);
	c->timeout = 60;
	c->data_timeout = 600;
	c->wait = 5;
	c->max_connections = CONF_MAX_CONNECTIONS;
	c->queue_dir = strdup(RELAYMAIL_QUEUE);
	c->max_age = 5L * 86400;
	c->failed_max_age = 7L * 86400;
	c->max_size = CONF_MAX_SIZE;
	c->journal_size = CONF_JOURNAL_SIZE;
	c->max_user_size.percent = CONF_MAX_USER_PCT;
	c->min_free.percent = CONF_MIN_FREE_PCT;
	c->bounce = 1;
	c->runner = 1;
}

/* see conf_int.h */
struct conf_ctx *
conf_at(struct conf_ctx *x, const char *section, const char *name)
{
	const struct conf_key *k = conf_key_find(section, name);
	int on = x->c->set_on[k - conf_keys];

	x->section = section;
	x->key = name;
	x->line = on > 0 ? on : 0;
	x->envvar = NULL;
	if (on == CONF_FROM_ENV) {
		conf_env_name(k, x->c->route, x->var, sizeof(x->var));
		x->envvar = x->var;
	}
	return x;
}

/* see conf.h */
int
conf_finish(struct conf *c, char *err, size_t errlen)
{
	struct conf_ctx x;
	int sources = (c->password != NULL) + (c->password_file != NULL) +
	    (c->password_command != NULL);
	int cert = c->tls_cert_file != NULL, key = c->tls_key_file != NULL;
	const struct conf_key *port = conf_key_find("relay", "port");

	conf_ctx_init(&x, c, c->path ? c->path : "environment", err, errlen);
	if (conf_preset_finish(&x) == -1)
		return -1;
	/* Defaulted again on every call: the environment may change tls. */
	if (c->set_on[port - conf_keys] == 0) {
		free(c->port);
		if ((c->port = strdup(c->tls == CONF_TLS_IMPLICIT ? "465" :
		    c->tls == CONF_TLS_NONE ? "25" : "587")) == NULL)
			return conf_bad(conf_at(&x, "relay", "port"), "out of "
			    "memory");
	}
	if (conf_oauth_finish(&x) == -1)
		return -1;
	if (sources > 1)
		return conf_bad(conf_at(&x, "relay", "password"), "give only "
		    "one of password, password_file and password_command");
	if (sources > 0 && c->user == NULL)
		return conf_bad(conf_at(&x, "relay", "user"), "required when a "
		    "password is set");
	if (sources == 0 && c->user != NULL && !conf_oauth_on(c))
		return conf_bad(conf_at(&x, "relay", "user"), "set password, "
		    "password_file or password_command");
	if (cert != key)
		return conf_bad(conf_at(&x, "relay", cert ? "tls_cert_file" :
		    "tls_key_file"), "needs %s too", cert ? "tls_key_file" :
		    "tls_cert_file");
	if (c->tls == CONF_TLS_NONE && c->user != NULL &&
	    !c->auth_allow_plaintext)
		return conf_bad(conf_at(&x, "relay", "user"), "AUTH over "
		    "plaintext needs auth_allow_plaintext = yes (or use tls)");
	if (c->queue_dir == NULL || c->queue_dir[0] != '/')
		return conf_bad(conf_at(&x, "queue", "dir"), "must be an "
		    "absolute path");
	return conf_route_finish(c, err, errlen);
}

/* see conf.h */
int
conf_need_host(const struct conf *c, char *err, size_t errlen)
{
	if (c->nhosts > 0 || c->nroutes > 0)
		return 0;
	return util_err(err, errlen, "no smart host configured: edit %s "
	    "([relay] host)", c->path ? c->path : RELAYMAIL_CONF);
}

/* see conf.h */
int
conf_mode_warning(const struct conf *c, char *buf, size_t len)
{
	const struct conf_host *h;
	const char *port;
	char what[300];
	int i;

	for (i = 0; i < c->nhosts; i++) {
		h = &c->hosts[i];
		port = h->port ? h->port : c->port;
		if (port == NULL)
			continue;
		if (h->port != NULL)
			snprintf(what, sizeof(what), "host %s:%s", h->name,
			    port);
		else
			snprintf(what, sizeof(what), "port %s", port);
		if (c->tls == CONF_TLS_STARTTLS && strcmp(port, "465") == 0) {
			snprintf(buf, len, "[relay] %s with tls = starttls: "
			    "port 465 expects TLS from the first byte (tls = "
			    "tls); trying STARTTLS as written", what);
			return 1;
		}
		if (c->tls == CONF_TLS_IMPLICIT && (strcmp(port, "587") == 0 ||
		    strcmp(port, "25") == 0)) {
			snprintf(buf, len, "[relay] %s with tls = tls: port %s "
			    "starts in plain text and expects STARTTLS (tls = "
			    "starttls); trying TLS from the first byte as "
			    "written", what, port);
			return 1;
		}
	}
	return 0;
}

/* see conf.h */
void
conf_free(struct conf *c)
{
	size_t i;
	int k;

	conf_route_free(c);
	for (i = 0; i < CONF_NKEYS; i++)
		if (conf_keys[i].clear != NULL)
			conf_keys[i].clear(c, (char *)c + conf_keys[i].off);
	for (k = 0; k < c->naliases; k++) {
		free(c->aliases[k].name);
		free(c->aliases[k].value);
		free(c->aliases[k].why);
	}
	free(c->path);
	memset(c, 0, sizeof(*c));
}
