/* relaymail: [queue] max_user_size and min_free. ISC licence, see
 * LICENSE. Each is a size (bytes, K, M, G) or a share of the queue's
 * file system ("10%"), so that a default protects a small file system as
 * well as a large one; quota.c turns a share into bytes when a message
 * arrives. 0 turns a limit off. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conf_int.h"

/* see conf_int.h */
int
conf_quota_set(struct conf_ctx *x, const char *v, void *f)
{
	struct conf_share *sh = f;
	size_t n = strlen(v);
	char *end;
	long pct;

	if (n > 0 && v[n - 1] == '%') {
		pct = strtol(v, &end, 10);
		if (end == v || end != v + n - 1 || pct < 1 || pct > 100)
			return conf_bad(x, "not a share from 1%% to 100%%: "
			    "\"%s\"", v);
		sh->percent = (int)pct;
		sh->bytes = 0;
		return 0;
	}
	if (conf_set_size(x, v, &sh->bytes) == -1)
		return -1;
	sh->percent = 0;
	return 0;
}

static void
conf_quota_print_one(FILE *fp, const char *key, const struct conf_share *sh)
{
	if (sh->percent > 0)
		fprintf(fp, "%s = %d%%\n", key, sh->percent);
	else
		fprintf(fp, "%s = %ld\n", key, sh->bytes);
}

/* see conf_int.h */
void
conf_quota_print(const struct conf *c, FILE *fp)
{
	conf_quota_print_one(fp, "max_user_size", &c->max_user_size);
	conf_quota_print_one(fp, "min_free", &c->min_free);
}
