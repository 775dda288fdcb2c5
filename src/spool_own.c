/* relaymail: which message belongs to whom. ISC licence, see LICENSE.
 * The owner of a queue file, read with fstatat before anything opens it
 * (so that a user's run never opens, let alone locks, another user's
 * message), and the envelope's uid once it is loaded. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spool.h"

/* see spool.h */
int
spool_owner(struct spool *s, const char *id, int failed, uid_t *uid)
{
	struct stat st;

	if (fstatat(failed ? s->failfd : s->qfd, id, &st,
	    AT_SYMLINK_NOFOLLOW) == -1 ||
	    !S_ISREG(st.st_mode))
		return -1;
	*uid = st.st_uid;
	return 0;
}

/* see spool.h */
int
spool_belongs(struct spool *s, const char *id, int failed,
    const struct spool_msg *m, uid_t uid)
{
	uid_t owner;

	if (spool_owner(s, id, failed, &owner) == -1 || owner != uid)
		return 0;
	return m == NULL || m->uid == uid;
}
