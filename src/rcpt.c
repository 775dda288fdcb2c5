/* relaymail: the envelope recipient list. ISC licence, see LICENSE.
 * Aliases ([aliases] and the aliases file) are expanded by aliases.c,
 * recursively, with a loop check; what comes out is qualified and added
 * once. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "aliases.h"
#include "conf.h"
#include "rcpt.h"
#include "util.h"

/* see rcpt.h */
void
rcpts_init(struct rcpts *r, const struct conf *conf, struct aliases *a)
{
	memset(r, 0, sizeof(*r));
	r->conf = conf;
	r->aliases = a;
}

/* see rcpt.h */
int
rcpts_qualify(const struct conf *conf, const char *addr, char *out,
    size_t outlen)
{
	const char *domain = conf != NULL && conf->domain != NULL ?
	    conf->domain : util_hostname();
	size_t n;

	if (!addr_is_local(addr))
		n = util_strlcpy(out, addr, outlen);
	else
		n = (size_t)snprintf(out, outlen, "%s@%s", addr, domain);
	return n < outlen ? 0 : -1;
}

static int
add_one(struct rcpts *r, const char *addr, char *err, size_t errlen)
{
	char q[ADDR_MAX + 1];
	int i;

	if (addr_check(addr, err, errlen) == -1)
		return -1;
	if (rcpts_qualify(r->conf, addr, q, sizeof(q)) == -1 ||
	    addr_check(q, err, errlen) == -1) {
		snprintf(err, errlen, "address too long once qualified");
		return -1;
	}
	for (i = 0; i < r->n; i++)
		if (strcasecmp(r->v[i], q) == 0)
			return 0;
	if (r->n == RCPT_MAX) {
		snprintf(err, errlen, "more than %d recipients", RCPT_MAX);
		return -1;
	}
	if ((r->v[r->n] = strdup(q)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r->n++;
	return 0;
}

/* see rcpt.h */
const char *
rcpts_alias(void *aliases, const char *local)
{
	const char *a = aliases_value(aliases, local);

	/* A list cannot stand where one address was ("Name <root>"). */
	if (a == NULL || strpbrk(a, ",;:<>()\"") != NULL ||
	    strchr(a, '@') == NULL)
		return NULL;
	while (*a == ' ' || *a == '\t')
		a++;
	return *a != '\0' && strpbrk(a, " \t") == NULL ? a : NULL;
}

static int
rcpt_found(void *arg, const char *addr, char *err, size_t errlen)
{
	return add_one(arg, addr, err, errlen);
}

/* see rcpt.h */
int
rcpts_add_list(struct rcpts *r, const char *list, size_t len, char *err,
    size_t errlen)
{
	return aliases_expand(r->aliases, list, len, rcpt_found, r, err,
	    errlen);
}

/* see rcpt.h */
enum err_class
rcpts_class(const struct rcpts *r)
{
	return aliases_unreadable(r->aliases) ? ERR_CONFIG : ERR_DATA;
}

/* see rcpt.h */
void
rcpts_free(struct rcpts *r)
{
	int i;

	for (i = 0; i < r->n; i++)
		free(r->v[i]);
	r->n = 0;
}
