/* relaymail: routes, a smart host for each sender. ISC licence, see
 * LICENSE.
 * [route NAME] takes [relay]'s keys and senders; [oauth NAME] the
 * route's [oauth]. Each is read through conf.c's key table into a struct
 * conf of its own, from the defaults: a route inherits nothing of
 * [relay], so no host and no secret goes where it was not written. Once
 * every source is read (conf_route_finish), a route becomes a whole
 * struct conf: the base's [queue], [message], [aliases] and [log]
 * (shared, not owned), with its own [relay] and [oauth] blocks (owned),
 * so that the code that sends needs no other view of the settings. */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "conf_int.h"
#include "relaymail.h"
#include "util.h"

/* The two blocks a route owns: every [relay] and [oauth] field, in the
 * order conf.h declares them (t_conf checks that each key's field lies
 * in one). */
#define ROUTE_RELAY_FROM	offsetof(struct conf, hosts)
#define ROUTE_RELAY_END		(offsetof(struct conf, max_connections) + \
				    sizeof(int))
#define ROUTE_OAUTH_FROM	offsetof(struct conf, oauth_provider)
#define ROUTE_OAUTH_END		(offsetof(struct conf, oauth_ca_file) + \
				    sizeof(char *))

/* see conf_int.h */
int
conf_route_owns(const struct conf_key *k)
{
	return strcmp(k->section, "relay") == 0 ||
	    strcmp(k->section, "oauth") == 0 ||
	    strcmp(k->section, "route") == 0;
}

/* see conf_int.h */
int
conf_route_block(size_t off)
{
	return (off >= ROUTE_RELAY_FROM && off < ROUTE_RELAY_END) ||
	    (off >= ROUTE_OAUTH_FROM && off < ROUTE_OAUTH_END) ||
	    off == offsetof(struct conf, senders);
}

/* "route NAME" or "oauth NAME" (any case): the kind ("relay" for a
 * route's keys, "oauth") and NAME into name, lower case. 1, 0 when the
 * section is not one of those, -1 when NAME is not a route's name. */
static int
conf_route_section(const char *section, const char **kind, char *name,
    size_t len)
{
	const char *p;
	size_t n, i;

	if (strncasecmp(section, "route", 5) == 0 &&
	    (section[5] == ' ' || section[5] == '\t'))
		*kind = "route";
	else if (strncasecmp(section, "oauth", 5) == 0 &&
	    (section[5] == ' ' || section[5] == '\t'))
		*kind = "oauth";
	else
		return 0;
	for (p = section + 5; *p == ' ' || *p == '\t'; p++)
		;
	if ((n = strlen(p)) == 0 || n >= len || n >= CONF_ROUTE_NAME_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)p[i]) && p[i] != '_' &&
		    p[i] != '-')
			return -1;
		name[i] = (char)tolower((unsigned char)p[i]);
	}
	name[n] = '\0';
	return 1;
}

/* see conf_int.h */
int
conf_route_is_section(const char *section)
{
	const char *kind;
	char name[CONF_ROUTE_NAME_MAX];

	return conf_route_section(section, &kind, name, sizeof(name)) == 1;
}

/* The route called name, made (empty, with the defaults) when new. */
static struct conf *
conf_route_get(struct conf *c, const char *name)
{
	struct conf *r;
	int i;

	for (i = 0; i < c->nroutes; i++)
		if (strcmp(c->routes[i]->route, name) == 0)
			return c->routes[i];
	if (c->nroutes == CONF_ROUTES_MAX || (r = malloc(sizeof(*r))) == NULL)
		return NULL;
	conf_defaults(r);
	if ((r->route = strdup(name)) == NULL) {
		conf_free(r);
		free(r);
		return NULL;
	}
	c->routes[c->nroutes++] = r;
	return r;
}

/* see conf_int.h */
int
conf_route_set(struct conf_ctx *x, const char *section, const char *name,
    const char *v)
{
	char rname[CONF_ROUTE_NAME_MAX];
	const char *kind;
	struct conf *base = x->c, *r;
	int rv;

	if (conf_route_section(section, &kind, rname, sizeof(rname)) != 1)
		return conf_bad(x, "a route's name is letters, digits, _ and "
		    "- (at most %d): [route NAME]", CONF_ROUTE_NAME_MAX - 1);
	if (base->route != NULL)
		return conf_bad(x, "bug: a route inside a route");
	if ((r = conf_route_get(base, rname)) == NULL)
		return conf_bad(x, "too many routes (at most %d)",
		    CONF_ROUTES_MAX);
	if (strcmp(kind, "route") == 0 && strcasecmp(name, "senders") != 0)
		kind = "relay";
	x->c = r;
	x->route = r->route;
	rv = conf_set(x, kind, name, v);
	x->c = base;
	x->route = NULL;
	return rv;
}

/* see conf_int.h */
int
conf_set_senders(struct conf_ctx *x, const char *v, void *field)
{
	struct conf *c = x->c;
	char buf[1024], *p, *tok;

	(void)field;
	if (util_strlcpy(buf, v, sizeof(buf)) >= sizeof(buf))
		return conf_bad(x, "too long");
	for (p = buf; (tok = strtok(p, ", \t")) != NULL; p = NULL) {
		if (strlen(tok) > ADDR_MAX || (strchr(tok, '*') != NULL &&
		    strcmp(tok, "*") != 0 && (strncmp(tok, "*@", 2) != 0 ||
		    tok[2] == '\0' || strchr(tok + 2, '*') != NULL ||
		    strchr(tok + 2, '@') != NULL)))
			return conf_bad(x, "\"%s\": a sender is an address, "
			    "*@domain, a local user's name or *", tok);
		if (c->nsenders == CONF_SENDERS_MAX)
			return conf_bad(x, "too many senders (at most %d)",
			    CONF_SENDERS_MAX);
		if ((c->senders[c->nsenders++] = strdup(tok)) == NULL)
			return conf_bad(x, "out of memory");
	}
	return 0;
}

/* see conf_int.h */
void
conf_clear_senders(struct conf *c, void *field)
{
	int i;

	(void)field;
	for (i = 0; i < c->nsenders; i++) {
		free(c->senders[i]);
		c->senders[i] = NULL;
	}
	c->nsenders = 0;
}

/* Frees what r holds outside its own blocks (the defaults conf_defaults
 * gave it): those fields are the base's from now on. */
static void
conf_route_shed(struct conf *r)
{
	size_t i;

	for (i = 0; i < conf_nkeys; i++)
		if (!conf_route_owns(&conf_keys[i]) && conf_keys[i].clear)
			conf_keys[i].clear(r, (char *)r + conf_keys[i].off);
}

/* r, read from its sections, made whole over base: base's fields, then
 * r's own blocks and where their keys were set. */
static void
conf_route_build(const struct conf *base, struct conf *r)
{
	struct conf own;
	size_t i;

	conf_route_shed(r);
	own = *r;
	*r = *base;
	memcpy((char *)r + ROUTE_RELAY_FROM, (char *)&own + ROUTE_RELAY_FROM,
	    ROUTE_RELAY_END - ROUTE_RELAY_FROM);
	memcpy((char *)r + ROUTE_OAUTH_FROM, (char *)&own + ROUTE_OAUTH_FROM,
	    ROUTE_OAUTH_END - ROUTE_OAUTH_FROM);
	memcpy(r->senders, own.senders, sizeof(r->senders));
	r->nsenders = own.nsenders;
	for (i = 0; i < conf_nkeys; i++)
		if (conf_route_owns(&conf_keys[i]))
			r->set_on[i] = own.set_on[i];
	r->route = own.route;
	r->base = base;
	r->nroutes = 0;
	r->routes_built = 0;
	r->route_from = NULL;
}

/* see conf_int.h */
int
conf_route_finish(struct conf *c, char *err, size_t errlen)
{
	struct conf_ctx x;
	struct conf *r;
	int i;

	if (c->route != NULL || c->routes_built)
		return 0;
	c->routes_built = 1;
	for (i = 0; i < c->nroutes; i++)
		conf_route_build(c, c->routes[i]);
	for (i = 0; i < c->nroutes; i++) {
		r = c->routes[i];
		conf_ctx_init(&x, r, c->path ? c->path : "environment", err,
		    errlen);
		if (r->nsenders == 0)
			return conf_bad(conf_at(&x, "route", "senders"),
			    "required: whose mail goes this way (addresses, "
			    "*@domain, local users)");
		if (r->nhosts == 0 && r->provider == CONF_PROVIDER_NONE)
			return conf_bad(conf_at(&x, "relay", "host"),
			    "required in a route (or provider)");
		if (conf_finish(r, err, errlen) == -1)
			return -1;
		/* A preset that gave the route its own sender (Microsoft
		 * 365's mailbox) made it: the route's to free. */
		if (r->from != c->from)
			r->route_from = r->from;
	}
	return 0;
}

/* see conf_int.h */
void
conf_route_free(struct conf *c)
{
	struct conf *r;
	size_t i;
	int k;

	for (k = 0; k < c->nroutes; k++) {
		r = c->routes[k];
		for (i = 0; i < conf_nkeys; i++)
			if ((c->routes_built ? conf_route_owns(&conf_keys[i]) :
			    1) && conf_keys[i].clear != NULL)
				conf_keys[i].clear(r, (char *)r +
				    conf_keys[i].off);
		free(r->route_from);
		free(r->route);
		free(r);
	}
	c->nroutes = 0;
}

/* 1 when the sender entry e takes sender (user: the submitting user's
 * login, for a sender without a domain, else NULL). */
static int
conf_route_takes(const char *e, const char *sender, const char *user)
{
	const char *at = strrchr(sender, '@');

	if (strcmp(e, "*") == 0)
		return 1;
	if (strchr(e, '@') == NULL)	/* a local user */
		return at == NULL && (strcasecmp(e, sender) == 0 ||
		    (user != NULL && strcasecmp(e, user) == 0));
	if (strncmp(e, "*@", 2) == 0)
		return at != NULL && strcasecmp(e + 2, at + 1) == 0;
	return strcasecmp(e, sender) == 0;
}

/* see conf.h */
const struct conf *
conf_route_for(const struct conf *c, const char *sender, const char *user)
{
	int i, j;

	for (i = 0; i < c->nroutes; i++)
		for (j = 0; j < c->routes[i]->nsenders; j++)
			if (conf_route_takes(c->routes[i]->senders[j], sender,
			    user))
				return c->routes[i];
	return c;
}

/* see conf.h */
const struct conf *
conf_route_named(const struct conf *c, const char *name)
{
	int i;

	if (name == NULL || name[0] == '\0')
		return c;
	for (i = 0; i < c->nroutes; i++)
		if (strcmp(c->routes[i]->route, name) == 0)
			return c->routes[i];
	return NULL;
}

/* see conf.h */
const char *
conf_route_file(const struct conf *c, const char *file, char *buf,
    size_t len)
{
	if (c->route == NULL)
		return file;
	snprintf(buf, len, "%s.%s", file, c->route);
	return buf;
}
