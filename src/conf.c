/* relaymail: the configuration file. ISC licence, see LICENSE.
 * inih parses; our own reader feeds it line by line, so we know the true
 * line number and notice a line longer than inih's buffer (which inih
 * would cut silently). One table lists every key with its parser; the
 * environment (RELAYMAIL_SECTION_KEY) goes through the same table. */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf.h"
#include "relaymail.h"

struct reader {
	FILE	*fp;		/* or: */
	const char *text;
	size_t	 off;
	int	 line;		/* of the line last handed to inih */
	int	 toolong;
};

struct ctx {
	struct conf *c;
	struct reader *rd;
	const char *name;	/* file name, or "environment" */
	const char *envvar;	/* when from the environment */
	char	*err;
	size_t	 errlen;
	int	 failed;
	int	 seen[64];	/* line where each key was set */
};

typedef int (*setter)(struct ctx *, const char *key, const char *v,
    void *field);

struct key {
	const char *section, *name;
	setter	 set;
	size_t	 off;
	int	 multi;		/* may be given more than once */
};

static int
bad(struct ctx *x, const char *section, const char *key, const char *fmt,
    const char *arg)
{
	char why[300];

	if (x->failed)
		return 0;
	snprintf(why, sizeof(why), fmt, arg);
	if (x->envvar != NULL)
		snprintf(x->err, x->errlen, "environment: %s: %s", x->envvar,
		    why);
	else if (key != NULL)
		snprintf(x->err, x->errlen, "%s:%d: [%s] %s: %s", x->name,
		    x->rd ? x->rd->line : 0, section, key, why);
	else
		snprintf(x->err, x->errlen, "%s:%d: [%s]: %s", x->name,
		    x->rd ? x->rd->line : 0, section, why);
	x->failed = 1;
	return 0;	/* inih: stop */
}

static int
set_str(struct ctx *x, const char *key, const char *v, void *field)
{
	char **p = field;

	(void)x;
	(void)key;
	free(*p);
	*p = strdup(v);
	return *p != NULL ? 1 : -1;
}

static int
set_path(struct ctx *x, const char *key, const char *v, void *field)
{
	(void)key;
	if (v[0] != '/' && x->envvar == NULL && strchr(v, '/') == NULL &&
	    v[0] == '\0')
		return -2;
	return set_str(x, key, v, field);
}

static int
set_bool(struct ctx *x, const char *key, const char *v, void *field)
{
	int *p = field;

	(void)x;
	(void)key;
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") ||
	    !strcasecmp(v, "on") || !strcmp(v, "1"))
		*p = 1;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") ||
	    !strcasecmp(v, "off") || !strcmp(v, "0"))
		*p = 0;
	else
		return -3;
	return 1;
}

/* The words of each enumerated key, in the order of its enum. */
static const char *tls_names[] = { "starttls", "tls", "none", NULL };
static const char *auth_names[] = { "auto", "plain", "login", "cram-md5",
    "xoauth2", "oauthbearer", NULL };
static const char *rewrite_names[] = { "no", "local", "always", NULL };

/* The index of v in names (case-insensitive), or -1. */
static int
choice(const char *v, const char **names)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcasecmp(v, names[i]) == 0)
			return i;
	return -1;
}

static int
set_tls(struct ctx *x, const char *key, const char *v, void *field)
{
	int i = choice(v, tls_names);

	(void)x;
	(void)key;
	if (i < 0)
		return -4;
	*(enum conf_tls *)field = (enum conf_tls)i;
	return 1;
}

static int
set_auth(struct ctx *x, const char *key, const char *v, void *field)
{
	int i = choice(v, auth_names);

	(void)x;
	(void)key;
	if (i < 0)
		return -5;
	*(enum conf_auth *)field = (enum conf_auth)i;
	return 1;
}

static int
set_rewrite(struct ctx *x, const char *key, const char *v, void *field)
{
	int i = choice(v, rewrite_names);

	(void)x;
	(void)key;
	if (i < 0)
		return -6;
	*(enum conf_rewrite *)field = (enum conf_rewrite)i;
	return 1;
}

static long
number(const char *v, long max, int durations)
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
set_port(struct ctx *x, const char *key, const char *v, void *field)
{
	long n = number(v, 65535, 0);

	if (n < 1)
		return -7;
	return set_str(x, key, v, field);
}

static int
set_timeout(struct ctx *x, const char *key, const char *v, void *field)
{
	long n = number(v, 3600, 1);

	(void)x;
	(void)key;
	if (n < 1)
		return -8;
	*(int *)field = (int)n;
	return 1;
}

static int
set_age(struct ctx *x, const char *key, const char *v, void *field)
{
	long n = number(v, 365L * 86400, 1);

	(void)x;
	(void)key;
	if (n < 0)
		return -8;
	*(long *)field = n;
	return 1;
}

static int
set_helo(struct ctx *x, const char *key, const char *v, void *field)
{
	size_t i;

	for (i = 0; v[i] != '\0'; i++)
		if (!isalnum((unsigned char)v[i]) && !strchr("-.[]:_", v[i]))
			return -9;
	return set_str(x, key, v, field);
}

static int
set_hosts(struct ctx *x, const char *key, const char *v, void *field)
{
	struct conf *c = x->c;
	char buf[1024], *p, *tok;
	int i;

	(void)key;
	(void)field;
	for (i = 0; i < c->nhosts; i++) {
		free(c->hosts[i].name);
		free(c->hosts[i].port);
		c->hosts[i].name = c->hosts[i].port = NULL;
	}
	c->nhosts = 0;
	if (strlen(v) >= sizeof(buf))
		return -10;
	memcpy(buf, v, strlen(v) + 1);
	for (p = buf; (tok = strtok(p, ", \t")) != NULL; p = NULL) {
		char *name = tok, *port = NULL, *colon;
		if (c->nhosts == CONF_HOSTS_MAX)
			return -11;
		if (tok[0] == '[') {	/* [v6] or [v6]:port */
			char *end = strchr(tok, ']');
			if (end == NULL)
				return -10;
			*end = '\0';
			name = tok + 1;
			if (end[1] == ':')
				port = end + 2;
			else if (end[1] != '\0')
				return -10;
		} else if ((colon = strchr(tok, ':')) != NULL &&
		    strchr(colon + 1, ':') == NULL) {
			*colon = '\0';	/* name:port (a bare v6 has more) */
			port = colon + 1;
		}
		if (*name == '\0' || (port != NULL && number(port, 65535, 0)
		    < 1))
			return -10;
		c->hosts[c->nhosts].name = strdup(name);
		c->hosts[c->nhosts].port = port ? strdup(port) : NULL;
		c->nhosts++;
	}
	return c->nhosts > 0 ? 1 : -10;
}

static int
set_pins(struct ctx *x, const char *key, const char *v, void *field)
{
	struct conf *c = x->c;
	char buf[1024], *p, *tok;

	(void)key;
	(void)field;
	if (strlen(v) >= sizeof(buf))
		return -12;
	memcpy(buf, v, strlen(v) + 1);
	for (p = buf; (tok = strtok(p, ", \t")) != NULL; p = NULL) {
		size_t i;
		if (strncmp(tok, "sha256/", 7) != 0 || strlen(tok) != 51)
			return -12;
		for (i = 7; i < 51; i++)
			if (!isalnum((unsigned char)tok[i]) &&
			    !strchr("+/=", tok[i]))
				return -12;
		if (c->ntls_pins == TLS_PINS_MAX)
			return -13;
		c->tls_pins[c->ntls_pins++] = strdup(tok);
	}
	return 1;
}

#define F(field) offsetof(struct conf, field)
static const struct key keys[] = {
	{ "relay", "host", set_hosts, 0, 0 },
	{ "relay", "port", set_port, F(port), 0 },
	{ "relay", "tls", set_tls, F(tls), 0 },
	{ "relay", "tls_verify", set_bool, F(tls_verify), 0 },
	{ "relay", "tls_ca_file", set_path, F(tls_ca_file), 0 },
	{ "relay", "tls_host", set_str, F(tls_host), 0 },
	{ "relay", "tls_pin", set_pins, 0, 1 },
	{ "relay", "tls_cert_file", set_path, F(tls_cert_file), 0 },
	{ "relay", "tls_key_file", set_path, F(tls_key_file), 0 },
	{ "relay", "user", set_str, F(user), 0 },
	{ "relay", "password", set_str, F(password), 0 },
	{ "relay", "password_file", set_path, F(password_file), 0 },
	{ "relay", "password_command", set_str, F(password_command), 0 },
	{ "relay", "auth", set_auth, F(auth), 0 },
	{ "relay", "auth_allow_plaintext", set_bool, F(auth_allow_plaintext),
	    0 },
	{ "relay", "helo", set_helo, F(helo), 0 },
	{ "relay", "timeout", set_timeout, F(timeout), 0 },
	{ "queue", "dir", set_path, F(queue_dir), 0 },
	{ "queue", "max_age", set_age, F(max_age), 0 },
	{ "queue", "bounce", set_bool, F(bounce), 0 },
	{ "queue", "bounce_to", set_str, F(bounce_to), 0 },
	{ "message", "domain", set_helo, F(domain), 0 },
	{ "message", "from", set_str, F(from), 0 },
	{ "message", "rewrite_from", set_rewrite, F(rewrite_from), 0 },
	{ "log", "file", set_path, F(log_file), 0 },
};
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

static const char *
why(int code)
{
	switch (code) {
	case -2: return "not a path";
	case -3: return "not yes or no: \"%s\"";
	case -4: return "must be starttls, tls or none, not \"%s\"";
	case -5: return "unknown mechanism \"%s\"";
	case -6: return "must be no, local or always, not \"%s\"";
	case -7: return "not a port number: \"%s\"";
	case -8: return "not a duration: \"%s\" (e.g. 60, 30s, 5m, 5d)";
	case -9: return "not a host name: \"%s\"";
	case -10: return "bad host list: \"%s\"";
	case -11: return "too many hosts (at most 8)";
	case -12: return "not a pin of the form sha256/BASE64: \"%s\"";
	case -13: return "too many pins (at most 8)";
	default: return "out of memory";
	}
}

static int
set(struct ctx *x, const char *section, const char *name, const char *v)
{
	size_t i;
	int r;

	for (i = 0; v[i] != '\0'; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return bad(x, section, name, "control character in "
			    "value%s", "");
	if (strcmp(section, "aliases") == 0) {
		struct conf *c = x->c;
		int k;
		for (k = 0; k < c->naliases; k++)
			if (strcasecmp(c->aliases[k].name, name) == 0 &&
			    x->envvar == NULL)
				return bad(x, section, name, "duplicate alias%s",
				    "");
		if (c->naliases == CONF_ALIASES_MAX)
			return bad(x, section, name, "too many aliases%s", "");
		c->aliases[c->naliases].name = strdup(name);
		c->aliases[c->naliases].value = strdup(v);
		c->naliases++;
		return 1;
	}
	for (i = 0; i < NKEYS; i++) {
		if (strcmp(keys[i].section, section) != 0 ||
		    strcmp(keys[i].name, name) != 0)
			continue;
		if (x->envvar == NULL && !keys[i].multi && x->seen[i] != 0) {
			char first[32];
			snprintf(first, sizeof(first), "%d", x->seen[i]);
			return bad(x, section, name, "duplicate key, first set "
			    "on line %s", first);
		}
		x->seen[i] = x->rd ? x->rd->line : 1;
		r = keys[i].set(x, name, v, (char *)x->c + keys[i].off);
		if (r < 0)
			return bad(x, section, name, why(r), v);
		return 1;
	}
	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0)
			return bad(x, section, name, "unknown key%s", "");
	return bad(x, section, NULL, "unknown section%s", "");
}

static int
handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct ctx *x = user;

	if (x->failed)
		return 0;
	if (x->rd->toolong)
		return bad(x, section, name, "line too long (over %s bytes); "
		    "put long values such as passwords in password_file",
		    "198");
	return set(x, section, name, value);
}

/* inih calls this for each line; num is its buffer size (200). */
static char *
reader(char *str, int num, void *stream)
{
	struct reader *rd = stream;
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
		/* Hand inih a line that cannot parse as a value. */
	}
	rd->line++;
	return str;
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
	c->queue_dir = strdup(RELAYMAIL_QUEUE);
	c->max_age = 5L * 86400;
	c->bounce = 1;
}

static int
parse(struct conf *c, const char *name, struct reader *rd, char *err,
    size_t errlen)
{
	struct ctx x;
	int r;

	memset(&x, 0, sizeof(x));
	x.c = c;
	x.rd = rd;
	x.name = name;
	x.err = err;
	x.errlen = errlen;
	free(c->path);
	c->path = strdup(name);
	r = ini_parse_stream(reader, rd, handler, &x);
	if (x.failed)
		return -1;
	if (rd->toolong || r > 0) {
		snprintf(err, errlen, "%s:%d: %s", name, rd->line,
		    rd->toolong ? "line too long (over 198 bytes); put long "
		    "values such as passwords in password_file" :
		    "syntax error (expected \"key = value\" or [section])");
		return -1;
	}
	return conf_finish(c, err, errlen);
}

/* see conf.h */
int
conf_load(struct conf *c, const char *path, char *err, size_t errlen)
{
	struct reader rd;
	int r;

	memset(&rd, 0, sizeof(rd));
	if ((rd.fp = fopen(path, "re")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	r = parse(c, path, &rd, err, errlen);
	fclose(rd.fp);
	return r;
}

/* see conf.h */
int
conf_load_string(struct conf *c, const char *name, const char *text,
    char *err, size_t errlen)
{
	struct reader rd;

	memset(&rd, 0, sizeof(rd));
	rd.text = text;
	return parse(c, name, &rd, err, errlen);
}

/* The key whose variable is var (RELAYMAIL_RELAY_TLS_CA_FILE), or -1. */
static int
env_key(const char *var)
{
	char want[128], *p;
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		snprintf(want, sizeof(want), "RELAYMAIL_%s_%s", keys[i].section,
		    keys[i].name);
		for (p = want; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		if (strcmp(want, var) == 0)
			return (int)i;
	}
	return -1;
}

static int
env_set(struct ctx *x, const char *var, const char *v)
{
	char name[128], *p;
	int k = env_key(var);

	if (k >= 0)
		return set(x, keys[k].section, keys[k].name, v) == 0 ||
		    x->failed ? -1 : 0;
	if (strncmp(var, "RELAYMAIL_ALIASES_", 18) == 0 && var[18] != '\0') {
		snprintf(name, sizeof(name), "%s", var + 18);
		for (p = name; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		return set(x, "aliases", name, v) == 0 || x->failed ? -1 : 0;
	}
	snprintf(x->err, x->errlen, "environment: %s: unknown setting", var);
	return -1;
}

/* see conf.h */
int
conf_load_env(struct conf *c, char *const *envp, char *err, size_t errlen)
{
	struct ctx x;
	char var[128], value[1024];

	memset(&x, 0, sizeof(x));
	x.c = c;
	x.name = "environment";
	x.err = err;
	x.errlen = errlen;
	for (; envp != NULL && *envp != NULL; envp++) {
		const char *e = *envp, *eq = strchr(e, '=');
		size_t n;

		if (strncmp(e, "RELAYMAIL_", 10) != 0 || eq == NULL)
			continue;
		n = (size_t)(eq - e);
		if (n >= sizeof(var))
			n = sizeof(var) - 1;
		memcpy(var, e, n);
		var[n] = '\0';
		x.envvar = var;
		/* A key of that name first (tls_ca_file ends in _FILE too);
		 * else KEY_FILE names a file holding the value. */
		if (env_key(var) >= 0 || n <= 5 ||
		    strcmp(var + n - 5, "_FILE") != 0) {
			if (env_set(&x, var, eq + 1) == -1)
				return -1;
			continue;
		}
		{
			FILE *fp = fopen(eq + 1, "re");
			if (fp == NULL || fgets(value, sizeof(value), fp) ==
			    NULL) {
				snprintf(err, errlen, "environment: %s: %s: %s",
				    var, eq + 1, fp ? "empty" : strerror(errno));
				if (fp)
					fclose(fp);
				return -1;
			}
			fclose(fp);
		}
		value[strcspn(value, "\r\n")] = '\0';
		var[n - 5] = '\0';
		if (env_set(&x, var, value) == -1) {
			explicit_bzero(value, sizeof(value));
			return -1;
		}
		explicit_bzero(value, sizeof(value));
	}
	return 0;
}

/* see conf.h */
int
conf_finish(struct conf *c, char *err, size_t errlen)
{
	const char *name = c->path ? c->path : "environment";
	int sources = (c->password != NULL) + (c->password_file != NULL) +
	    (c->password_command != NULL);

	if (c->nhosts == 0) {
		snprintf(err, errlen, "%s: [relay] host: required key missing",
		    name);
		return -1;
	}
	if (c->port == NULL)
		c->port = strdup(c->tls == CONF_TLS_IMPLICIT ? "465" :
		    c->tls == CONF_TLS_NONE ? "25" : "587");
	if (sources > 1) {
		snprintf(err, errlen, "%s: [relay] password: give only one of "
		    "password, password_file and password_command", name);
		return -1;
	}
	if (sources > 0 && c->user == NULL) {
		snprintf(err, errlen, "%s: [relay] user: required when a "
		    "password is set", name);
		return -1;
	}
	if ((c->tls_cert_file == NULL) != (c->tls_key_file == NULL)) {
		snprintf(err, errlen, "%s: [relay] tls_cert_file: needs "
		    "tls_key_file too (and the other way round)", name);
		return -1;
	}
	if (c->tls == CONF_TLS_NONE && c->user != NULL &&
	    !c->auth_allow_plaintext) {
		snprintf(err, errlen, "%s: [relay] user: AUTH over plaintext "
		    "needs auth_allow_plaintext = yes (or use tls)", name);
		return -1;
	}
	if (c->queue_dir == NULL || c->queue_dir[0] != '/') {
		snprintf(err, errlen, "%s: [queue] dir: must be an absolute "
		    "path", name);
		return -1;
	}
	return 0;
}

static int
first_line(FILE *fp, char *buf, size_t len)
{
	if (fgets(buf, (int)len, fp) == NULL)
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf[0] != '\0' ? 0 : -1;
}

/* see conf.h */
int
conf_password(const struct conf *c, char *buf, size_t len, char *err,
    size_t errlen)
{
	FILE *fp;
	int r, st;

	buf[0] = '\0';
	if (c->password != NULL) {
		if (strlen(c->password) >= len) {
			snprintf(err, errlen, "[relay] password: too long");
			return -1;
		}
		memcpy(buf, c->password, strlen(c->password) + 1);
		return 0;
	}
	if (c->password_file != NULL) {
		if ((fp = fopen(c->password_file, "re")) == NULL) {
			snprintf(err, errlen, "[relay] password_file: %s: %s",
			    c->password_file, strerror(errno));
			return -1;
		}
		r = first_line(fp, buf, len);
		fclose(fp);
		if (r == -1)
			snprintf(err, errlen, "[relay] password_file: %s: "
			    "empty", c->password_file);
		return r;
	}
	if (c->password_command != NULL) {
		fflush(NULL);
		if ((fp = popen(c->password_command, "re")) == NULL) {
			snprintf(err, errlen, "[relay] password_command: %s",
			    strerror(errno));
			return -1;
		}
		r = first_line(fp, buf, len);
		while (r == 0 && fgetc(fp) != EOF)
			;	/* let the command finish writing */
		st = pclose(fp);
		if (st != 0) {
			explicit_bzero(buf, len);
			snprintf(err, errlen, "[relay] password_command: "
			    "exited with status %d", WIFEXITED(st) ?
			    WEXITSTATUS(st) : 128 + WTERMSIG(st));
			return -1;
		}
		if (r == -1)
			snprintf(err, errlen, "[relay] password_command: "
			    "printed nothing");
		return r;
	}
	return 0;
}

/* see conf.h */
int
conf_check_perms(const struct conf *c, const char *path, char *warn,
    size_t len)
{
	struct stat st;

	if (c->password == NULL || stat(path, &st) == -1 ||
	    !(st.st_mode & S_IROTH))
		return 0;
	snprintf(warn, len, "%s: readable by all users but holds a "
	    "password; chmod 600 (or 640 with a group)", path);
	return 1;
}

/* see conf.h */
void
conf_print(const struct conf *c, FILE *fp)
{
	int i;

	fprintf(fp, "[relay]\nhost =");
	for (i = 0; i < c->nhosts; i++)
		fprintf(fp, "%s%s%s%s", i ? ", " : " ", c->hosts[i].name,
		    c->hosts[i].port ? ":" : "",
		    c->hosts[i].port ? c->hosts[i].port : "");
	fprintf(fp, "\nport = %s\ntls = %s\ntls_verify = %s\n",
	    c->port ? c->port : "", tls_names[c->tls],
	    c->tls_verify ? "yes" : "no");
	fprintf(fp, "tls_ca_file = %s\n", c->tls_ca_file);
	if (c->tls_host)
		fprintf(fp, "tls_host = %s\n", c->tls_host);
	for (i = 0; i < c->ntls_pins; i++)
		fprintf(fp, "tls_pin = %s\n", c->tls_pins[i]);
	if (c->tls_cert_file)
		fprintf(fp, "tls_cert_file = %s\ntls_key_file = %s\n",
		    c->tls_cert_file, c->tls_key_file);
	if (c->user)
		fprintf(fp, "user = %s\n", c->user);
	if (c->password)
		fprintf(fp, "password = ********\n");
	if (c->password_file)
		fprintf(fp, "password_file = %s\n", c->password_file);
	if (c->password_command)
		fprintf(fp, "password_command = %s\n", c->password_command);
	fprintf(fp, "auth = %s\nauth_allow_plaintext = %s\n",
	    auth_names[c->auth],
	    c->auth_allow_plaintext ? "yes" : "no");
	if (c->helo)
		fprintf(fp, "helo = %s\n", c->helo);
	fprintf(fp, "timeout = %d\n", c->timeout);
	fprintf(fp, "\n[queue]\ndir = %s\nmax_age = %lds\nbounce = %s\n",
	    c->queue_dir, c->max_age, c->bounce ? "yes" : "no");
	if (c->bounce_to)
		fprintf(fp, "bounce_to = %s\n", c->bounce_to);
	fprintf(fp, "\n[message]\n");
	if (c->domain)
		fprintf(fp, "domain = %s\n", c->domain);
	if (c->from)
		fprintf(fp, "from = %s\n", c->from);
	fprintf(fp, "rewrite_from = %s\n", rewrite_names[c->rewrite_from]);
	if (c->naliases > 0)
		fprintf(fp, "\n[aliases]\n");
	for (i = 0; i < c->naliases; i++)
		fprintf(fp, "%s = %s\n", c->aliases[i].name,
		    c->aliases[i].value);
	if (c->log_file)
		fprintf(fp, "\n[log]\nfile = %s\n", c->log_file);
}

/* see conf.h */
void
conf_free(struct conf *c)
{
	size_t i;
	int k;

	if (c->password != NULL)
		explicit_bzero(c->password, strlen(c->password));
	for (i = 0; i < NKEYS; i++)
		if (keys[i].set == set_str || keys[i].set == set_path ||
		    keys[i].set == set_port || keys[i].set == set_helo) {
			char **p = (char **)((char *)c + keys[i].off);
			free(*p);
			*p = NULL;
		}
	for (k = 0; k < c->nhosts; k++) {
		free(c->hosts[k].name);
		free(c->hosts[k].port);
	}
	for (k = 0; k < c->ntls_pins; k++)
		free(c->tls_pins[k]);
	for (k = 0; k < c->naliases; k++) {
		free(c->aliases[k].name);
		free(c->aliases[k].value);
	}
	free(c->path);
	memset(c, 0, sizeof(*c));
}
