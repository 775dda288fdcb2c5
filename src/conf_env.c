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
conf_env_name(const struct conf_key *k, char *buf, size_t len)
{
	char *p;

	snprintf(buf, len, "RELAYMAIL_%s_%s", k->section, k->name);
	for (p = buf; *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
}

/* The key whose variable is var (RELAYMAIL_RELAY_TLS_CA_FILE), or NULL. */
static const struct conf_key *
conf_env_key(const char *var)
{
	char want[128];
	size_t i;

	for (i = 0; i < conf_nkeys; i++) {
		conf_env_name(&conf_keys[i], want, sizeof(want));
		if (strcmp(want, var) == 0)
			return &conf_keys[i];
	}
	return NULL;
}

/* Applies x->var = v: a key, or RELAYMAIL_ALIASES_<NAME>. */
static int
conf_env_set(struct conf_ctx *x, const char *v)
{
	const struct conf_key *k = conf_env_key(x->var);
	char name[128], *p;

	if (k != NULL)
		return conf_set(x, k->section, k->name, v);
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
	char value[1024];
	size_t n = strlen(x->var);
	FILE *fp;
	int r;

	/* A key of that name first (tls_ca_file ends in _FILE too). */
	if (conf_env_key(x->var) != NULL || n <= 5 ||
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
