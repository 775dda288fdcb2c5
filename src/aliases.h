/* relaymail: the aliases(5) file. ISC licence, see LICENSE.
 * The aliases a submission expands: the settings' [aliases], which win,
 * and /etc/aliases (or [message] aliases_file), read the first time a
 * local name is not in [aliases]. Nothing else reads the file: not the
 * settings, not -q or mailq, not a send to full addresses alone.
 * Expands local names recursively with a loop check; checks the whole
 * file for newaliases. There is no database. */
#ifndef ALIASES_H
#define ALIASES_H

#include <stddef.h>
#include "addr.h"
#include "conf.h"

#define ALIASES_FILE		"/etc/aliases"
#define ALIASES_MAX		256	/* entries kept from the file */
#define ALIASES_LINE_MAX	1000	/* bytes of one line, without LF */
#define ALIASES_ENTRY_MAX	4000	/* bytes of one entry, continued */
#define ALIASES_DEPTH_MAX	16	/* names expanded one inside another */

struct aliases {
	const struct conf *conf;	/* [aliases]; NULL: none at all */
	struct conf_alias file[ALIASES_MAX];	/* the file's, once read */
	int	 nfile;
	int	 read;		/* 0 not yet, 1 read, -1 could not be */
	char	 err[300];	/* read == -1: "FILE: strerror" */
};

/* Ready to expand with c's [aliases] and file (c may be NULL: no
 * aliases). Reads nothing. */
void	 aliases_init(struct aliases *, const struct conf *c);
/* Frees the file's entries; aliases_init makes it usable again. */
void	 aliases_free(struct aliases *);

/* The file to read: [message] aliases_file, or ALIASES_FILE when unset
 * and it exists; NULL for none (unset and absent, or set empty). */
const char *aliases_path(const struct conf *c);

/* Parses an address list and calls cb for each address, a local name
 * with an alias replaced by the alias's addresses (recursively; the
 * "default" alias only for the names of the list itself). The file is
 * read on the first local name [aliases] does not have: a line relaying
 * cannot use (a syntax error, :include:, a pipe or a file, a duplicate
 * name) is left out and logged, never fatal, and mail to its name is
 * refused with the reason. 0, or -1 with err from cb, "alias loop: a ->
 * b -> a", or "FILE: strerror" when the file cannot be read
 * (aliases_unreadable() then says so). a may be NULL. */
int	 aliases_expand(struct aliases *a, const char *list, size_t len,
	    addr_cb cb, void *arg, char *err, size_t errlen);

/* The value a local name stands for ("default" included), or NULL: no
 * alias, an unusable one, or a file that cannot be read. */
const char *aliases_value(struct aliases *a, const char *local);

/* 1 when the file was needed and could not be read: a settings error. */
int	 aliases_unreadable(const struct aliases *a);

/* What aliases_check() found. */
struct aliases_report {
	const char *path;	/* the file read, or NULL */
	int	 naliases;	/* entries in the file */
	int	 nerrors;	/* lines left out, loops */
	int	 unreadable;	/* the file could not be opened */
};

/* newaliases: reads the file and expands every alias (file and
 * [aliases]), calling say once per problem with "FILE:LINE: reason".
 * Fills rep; returns rep->nerrors. */
int	 aliases_check(const struct conf *c,
	    void (*say)(void *, const char *), void *arg,
	    struct aliases_report *rep);

#endif
