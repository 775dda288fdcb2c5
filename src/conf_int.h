/* relaymail: what conf.c and conf_env.c share, and nothing else includes.
 * ISC licence, see LICENSE.
 * The key table, the state of one source being applied (the file or the
 * environment), and the one error path that names where a value came from. */
#ifndef CONF_INT_H
#define CONF_INT_H

#include <stddef.h>
#include <stdio.h>

#include "conf.h"

struct conf_reader;

/* One source being applied, and where its current key came from. */
struct conf_ctx {
	struct conf *c;
	struct conf_reader *rd;	/* the file, or NULL */
	const char *name;	/* file name, or "environment" */
	const char *envvar;	/* the variable, when from the environment */
	const char *section;	/* of the key being set; NULL: none */
	const char *key;	/* NULL: the section itself */
	int	 line;		/* 0: none */
	const char *route;	/* the route of the key being set, or NULL */
	char	 var[128];	/* envvar's storage */
	char	*err;
	size_t	 errlen;
	int	 failed;	/* the first error wins */
};

/* Parses v into field (or into x->c for lists): 0, or -1 after
 * conf_bad(). */
typedef int (*conf_setter)(struct conf_ctx *x, const char *v, void *field);
/* Frees what field holds and empties it. */
typedef void (*conf_clearer)(struct conf *c, void *field);

struct conf_key {
	const char *section, *name;
	conf_setter set;
	conf_clearer clear;	/* NULL for numbers, booleans and enums */
	size_t	 off;
	int	 multi;		/* a list the file may give on several lines */
};

/* Every key of every section but [aliases], in a fixed order: set_on[]
 * of struct conf is indexed by it. */
extern const struct conf_key conf_keys[];
extern const size_t conf_nkeys;

/* Starts x for a source called name ("environment" for the environment). */
void	 conf_ctx_init(struct conf_ctx *x, struct conf *c, const char *name,
	    char *err, size_t errlen);

/* The one error path: leaves "FILE:LINE: [section] key: reason" (or
 * "environment: VAR: reason") in x->err, keeps only the first error of
 * a source, and returns -1. */
int	 conf_bad(struct conf_ctx *x, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Applies section's name = v from x's source; the environment replaces
 * a key (or an alias) whole. 0, or -1 after conf_bad(). */
int	 conf_set(struct conf_ctx *x, const char *section, const char *name,
	    const char *v);

/* The key name of section, or with name NULL its first key; or NULL. */
const struct conf_key *conf_key_find(const char *section, const char *name);

/* Points x at key name of section for a cross-key rule (its line, its
 * variable, or the file alone when unset); returns x. */
struct conf_ctx *conf_at(struct conf_ctx *x, const char *section,
	    const char *name);

/* conf_read.c: v without the matching quotes that wrap it ("x" or 'x',
 * with no such quote inside), as a new string; NULL when it has none. */
char	*conf_unquote(const char *v);

/* conf_read.c: "; did you mean NAME?" (or "[section] NAME", or with
 * name NULL "[section]") into buf when a known name is a slip away from
 * what was typed; a list of the sections for an unknown section; else
 * "". */
void	 conf_suggest(const char *section, const char *name, char *buf,
	    size_t len);

/* The index of v in the NULL-terminated names (case-insensitive), or -1. */
int	 conf_choice(const char *v, const char *const *names);

/* The words of the enumerated keys, indexed by their enum value: one
 * table for parsing and printing. */
extern const char *const conf_tls_names[];
extern const char *const conf_auth_names[];
extern const char *const conf_rewrite_names[];

/* [oauth] (conf_oauth.c): the setters of the table, the rules between
 * its keys and [relay]'s (0, or -1 after conf_bad()), and its part of
 * conf_print(). */
int	 conf_oauth_set_provider(struct conf_ctx *x, const char *v, void *f);
int	 conf_oauth_set_grant(struct conf_ctx *x, const char *v, void *f);
int	 conf_oauth_set_tenant(struct conf_ctx *x, const char *v, void *f);
int	 conf_oauth_finish(struct conf_ctx *x);
void	 conf_oauth_print(const struct conf *c, FILE *fp);

/* Provider presets (conf_preset.c): the setters of [relay] provider,
 * region and the max_* limits; conf_preset_finish fills every key the
 * preset knows and no source set (0, or -1 after conf_bad()); and its
 * part of conf_print(). */
int	 conf_preset_set_provider(struct conf_ctx *x, const char *v, void *f);
/* A vendor's name as either section takes it (its one name, or a
 * spelling it has had: microsoft, google): enum conf_provider, or -1. */
int	 conf_provider_word(const char *v);
extern const char *const conf_provider_names[];
int	 conf_preset_set_limit(struct conf_ctx *x, const char *v, void *f);
int	 conf_preset_set_connections(struct conf_ctx *x, const char *v,
	    void *f);
int	 conf_preset_finish(struct conf_ctx *x);
void	 conf_preset_print(const struct conf *c, FILE *fp);

/* A size: bytes, or with a K, M or G suffix, into a long. */
int	 conf_set_size(struct conf_ctx *x, const char *v, void *field);

/* [queue] max_user_size and min_free (conf_quota.c): a size, or "N%" of
 * the queue's file system, into a struct conf_share; and their part of
 * conf_print(). */
int	 conf_quota_set(struct conf_ctx *x, const char *v, void *f);
void	 conf_quota_print(const struct conf *c, FILE *fp);

/* RELAYMAIL_<SECTION>_<KEY> of k, into buf (conf_env.c); for a route's
 * key, RELAYMAIL_ROUTE_<NAME>_<KEY> (or RELAYMAIL_OAUTH_<NAME>_<KEY>). */
void	 conf_env_name(const struct conf_key *k, const char *route, char *buf,
	    size_t len);

/* Routes (conf_route.c). conf_route_is_section: 1 for "route NAME" and
 * "oauth NAME". conf_route_set: conf_set for such a section. Senders'
 * setter and clearer for the table. conf_route_finish: every route made
 * whole over c and checked as conf_finish checks c (0, or -1 with err).
 * conf_route_free: the routes freed. conf_route_owns: a key a route has
 * of its own; conf_route_block: a field offset within those. */
int	 conf_route_is_section(const char *section);
int	 conf_route_set(struct conf_ctx *x, const char *section,
	    const char *name, const char *v);
int	 conf_set_senders(struct conf_ctx *x, const char *v, void *field);
void	 conf_clear_senders(struct conf *c, void *field);
int	 conf_route_finish(struct conf *c, char *err, size_t errlen);
void	 conf_route_free(struct conf *c);
int	 conf_route_owns(const struct conf_key *k);
int	 conf_route_block(size_t off);

#endif
