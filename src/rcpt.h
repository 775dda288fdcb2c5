/* relaymail: the envelope recipient list. ISC licence, see LICENSE.
 * Collects recipients from argv words and (with -t) headers, expands
 * aliases ([aliases] and the aliases file, read on first need), qualifies
 * bare local names with [message] domain, and drops duplicates. Capped
 * at RCPT_MAX entries. */
#ifndef RCPT_H
#define RCPT_H

#include <stddef.h>

#include "relaymail.h"

#define RCPT_MAX	1000	/* RFC 5321 4.5.3.1.8 asks servers for 100 */

struct aliases;
struct conf;

struct rcpts {
	char	*v[RCPT_MAX];
	int	 n;
	const struct conf *conf;	/* domain, or NULL */
	struct aliases *aliases;	/* borrowed, shared; or NULL */
};

/* An empty list; aliases (or NULL for none) must outlive it. */
void	 rcpts_init(struct rcpts *, const struct conf *, struct aliases *);

/* Adds every address of an address list (an argv word or a header
 * value), after alias expansion and qualification; duplicates are
 * skipped. 0, or -1 with err naming the bad address, or the aliases file
 * that cannot be read (see rcpts_class). */
int	 rcpts_add_list(struct rcpts *, const char *list, size_t len,
	    char *err, size_t errlen);

/* The class of rcpts_add_list's failure: ERR_CONFIG when the aliases
 * file was needed and cannot be read, else ERR_DATA (the addresses). */
enum err_class rcpts_class(const struct rcpts *);

/* Qualifies one address into out: "root" -> "root@domain" (or the host's
 * name when no domain is set). 0, or -1 when out is too small. */
int	 rcpts_qualify(const struct conf *, const char *addr, char *out,
	    size_t outlen);

/* The alias of a local name when it is one address (for headers), else
 * NULL. arg is the struct aliases. Fits addr_alias_fn. */
const char *rcpts_alias(void *aliases, const char *local);

void	 rcpts_free(struct rcpts *);

#endif
