/* relaymail: the configuration from the environment. ISC licence, see
 * LICENSE. RELAYMAIL_<SECTION>_<KEY>=value, RELAYMAIL_<SECTION>_<KEY>_FILE
 * (the value is the file's first line: container secrets) and
 * RELAYMAIL_ALIASES_<NAME>, applied after the file through conf.c's key
 * table; each replaces the file's key, list or alias of that name whole. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "conf_int.h"
#include "util.h"

/* see conf_int.h */
void
conf_env_name(const struct conf_key *k, const char *route, char *buf,
    size_t len)
{
	char *p;

	if (route == NULL)
		snprintf(buf, len, "RELAYMAIL_%s_%s", k->section, k->name);
	else
		snprintf(buf, len, "RELAYMAIL_%s_%s_%s", strcmp(k->section,
		    "oauth") == 0 ? "oauth" : "route", route, k->name);
	for (p = buf; *p != '\0'; p++)
		*p = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
}

/* The key whose variable is var (RELAYMAIL_RELAY_TLS_CA_FILE), or NULL. */
static const struct conf_key *
conf_env_key(const char *var)
{
	char want[128];
	size_t i;

	for (i = 0; i < conf_nkeys; i++) {
		conf_env_name(&conf_keys[i], NULL, want, sizeof(want));
		if (strcmp(want, var) == 0)
			return &conf_keys[i];
	}
	return NULL;
}

/* RELAYMAIL_ROUTE_<NAME>_<KEY> (a [relay] key, or senders) or
 * RELAYMAIL_OAUTH_<NAME>_<KEY>: the key, and "route NAME" or "oauth
 * NAME" into section (the name in lower case). The longest key that
 * ends var wins; NULL when none does. */
static const struct conf_key *
conf_env_route_key(const char *var, char *section, size_t len)
{
	const struct conf_key *best = NULL;
	const char *kind, *rest;
	char want[128], *p;
	size_t i, n, kn, bestn = 0;

	if (strncmp(var, "RELAYMAIL_ROUTE_", 16) == 0)
		kind = "route";
	else if (strncmp(var, "RELAYMAIL_OAUTH_", 16) == 0)
		kind = "oauth";
	else
		return NULL;
	rest = var + 16;
	n = strlen(rest);
	for (i = 0; i < conf_nkeys; i++) {
		const struct conf_key *k = &conf_keys[i];
		if (kind[0] == 'r' ? strcmp(k->section, "relay") != 0 &&
		    strcmp(k->section, "route") != 0 :
		    strcmp(k->section, "oauth") != 0)
			continue;
		snprintf(want, sizeof(want), "_%s", k->name);
		for (p = want; *p != '\0'; p++)
			*p = (char)toupper((unsigned char)*p);
		kn = strlen(want);
		if (kn < n && strcmp(rest + n - kn, want) == 0 && kn > bestn) {
			best = k;
			bestn = kn;
		}
	}
	if (best == NULL || (size_t)snprintf(section, len, "%s %.*s", kind,
	    (int)(n - bestn), rest) >= len)
		return NULL;
	for (p = section + 6; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return best;
}

/* Applies x->var = v: a key, a route's key, or RELAYMAIL_ALIASES_<NAME>. */
static int
conf_env_set(struct conf_ctx *x, const char *v)
{
	const struct conf_key *k = conf_env_key(x->var);
	char name[128], *p;

	if (k != NULL)
		return conf_set(x, k->section, k->name, v);
	if ((k = conf_env_route_key(x->var, name, sizeof(name))) != NULL)
		return conf_set(x, name, k->name, v);
	if (strncmp(x->var, "RELAYMAIL_ALIASES_", 18) == 0 &&
	    x->var[18] != '\0') {
		util_strlcpy(name, x->var + 18, sizeof(name));
		for (p = name; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		return conf_set(x, "aliases", name, v);
	}
	return conf_bad(x, "unknown setting");
}

/* Applies x->var = v, where x->var may be <VAR>_FILE naming a file whose
 * first line is the value (container secrets). */
static int
conf_env_one(struct conf_ctx *x, const char *v)
{
	char value[1024], name[128];
	size_t n = strlen(x->var);
	FILE *fp;
	int r;

	/* A key of that name first (tls_ca_file ends in _FILE too). */
	if (conf_env_key(x->var) != NULL || conf_env_route_key(x->var, name,
	    sizeof(name)) != NULL || n <= 5 ||
	    strcmp(x->var + n - 5, "_FILE") != 0)
		return conf_env_set(x, v);
	if ((fp = fopen(v, "re")) == NULL)
		return conf_bad(x, "%s: %s", v, strerror(errno));
	r = fgets(value, sizeof(value), fp) != NULL;
	fclose(fp);
	if (!r)
		return conf_bad(x, "%s: empty", v);
	value[strcspn(value, "\r\n")] = '\0';
	x->var[n - 5] = '\0';
	r = conf_env_set(x, value);
	explicit_bzero(value, sizeof(value));
	return r;
}

/* see conf.h */
int
conf_load_env(struct conf *c, char *const *envp, char *err, size_t errlen)
{
	struct conf_ctx x;
	const char *e, *eq;
	size_t n;

	conf_ctx_init(&x, c, "environment", err, errlen);
	x.envvar = x.var;
	for (; envp != NULL && *envp != NULL; envp++) {
		e = *envp;
		if (strncmp(e, "RELAYMAIL_", 10) != 0 ||
		    (eq = strchr(e, '=')) == NULL)
			continue;
		n = (size_t)(eq - e);
		if (n >= sizeof(x.var))
			n = sizeof(x.var) - 1;
		memcpy(x.var, e, n);
		x.var[n] = '\0';
		if (conf_env_one(&x, eq + 1) == -1)
			return -1;
	}
	return 0;
}
