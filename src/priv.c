/* relaymail: who this process acts for. ISC licence, see LICENSE.
 * Reads the process's ids and drops them; holds no state, so every
 * answer reflects the ids as they are now (after a -C drop, none is
 * elevated any more). */
#define _GNU_SOURCE	/* setresgid, getresgid */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "priv.h"
#include "util.h"

#define PRIV_GROUPS_MAX	256	/* more, and we treat the caller as outside */

/* see priv.h */
int
priv_elevated(void)
{
	return getegid() != getgid() || geteuid() != getuid();
}

/* see priv.h */
int
priv_drop(char *err, size_t errlen)
{
	gid_t g = getgid(), rg, eg, sg;
	uid_t u = getuid(), ru, eu, su;

	/* Only root may call setgroups; set-group-ID the supplementary
	 * groups are the caller's own and stay. */
	if (geteuid() == 0 && u != 0 && setgroups(1, &g) == -1)
		return util_err(err, errlen, "setgroups: %s", strerror(errno));
	/* All three ids, so that no later setegid() takes the group back in
	 * a process that parses what the user chose. */
	if (setresgid(g, g, g) == -1 || setresuid(u, u, u) == -1)
		return util_err(err, errlen, "cannot drop privileges: %s",
		    strerror(errno));
	if (getresgid(&rg, &eg, &sg) == -1 || getresuid(&ru, &eu, &su) == -1 ||
	    rg != g || eg != g || sg != g || ru != u || eu != u || su != u)
		return util_err(err, errlen, "cannot drop privileges: the ids "
		    "did not change");
	return 0;
}

/* 1 when gid is among the supplementary groups. */
static int
priv_member(gid_t gid)
{
	gid_t list[PRIV_GROUPS_MAX];
	int i, n = getgroups(PRIV_GROUPS_MAX, list);

	for (i = 0; i < n; i++)
		if (list[i] == gid)
			return 1;
	return 0;
}

/* see priv.h */
int
priv_outsider(void)
{
	if (!priv_elevated() || getuid() == 0)
		return 0;
	return !priv_member(getegid());
}

/* see priv.h */
const char *
priv_group_name(void)
{
	static char name[64];
	struct group *gr = getgrgid(getegid());

	if (gr != NULL && gr->gr_name != NULL)
		snprintf(name, sizeof(name), "%s", gr->gr_name);
	else
		snprintf(name, sizeof(name), "%lu", (unsigned long)getegid());
	return name;
}
