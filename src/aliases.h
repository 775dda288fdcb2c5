/* relaymail: the aliases(5) file. ISC licence, see LICENSE.
 * Reads /etc/aliases (or [message] aliases_file) into struct conf beside
 * [aliases], which wins; expands local names recursively with a loop
 * check; checks the whole file for newaliases. There is no database. */
#ifndef ALIASES_H
#define ALIASES_H

#include <stddef.h>
#include "addr.h"

#define ALIASES_FILE		"/etc/aliases"
#define ALIASES_LINE_MAX	1000	/* bytes of one line, without LF */
#define ALIASES_ENTRY_MAX	4000	/* bytes of one entry, continued */
#define ALIASES_DEPTH_MAX	16	/* names expanded one inside another */

struct conf;

/* The file to read: [message] aliases_file, or ALIASES_FILE when unset
 * and it exists; NULL for none (unset and absent, or set empty). */
const char *aliases_path(const struct conf *c);

/* Adds the file's entries to c->aliases, skipping a name [aliases]
 * already has. A line relaying cannot use (a syntax error, :include:, a
 * pipe or a file, a duplicate name) is left out and logged, never fatal:
 * the file is the machine's; an entry whose value cannot be used is kept
 * without one, so that mail to its name is refused with the reason.
 * 0, or -1 with "FILE: strerror" in err when the file cannot be read. */
int	 aliases_load(struct conf *c, char *err, size_t errlen);

/* Parses an address list and calls cb for each address, a local name
 * with an alias replaced by the alias's addresses (recursively; the
 * "default" alias only for the names of the list itself). 0, or -1 with
 * err from cb, or "alias loop: a -> b -> a". c may be NULL. */
int	 aliases_expand(const struct conf *c, const char *list, size_t len,
	    addr_cb cb, void *arg, char *err, size_t errlen);

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
int	 aliases_check(struct conf *c, void (*say)(void *, const char *),
	    void *arg, struct aliases_report *rep);

#endif
