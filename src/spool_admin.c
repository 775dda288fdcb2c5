/* relaymail: the queue's administration. ISC licence, see LICENSE.
 * What the delivery path does not need: the way back from failed/ to q/
 * for one more try (-M), the expiry of failed/, and the clean-up of
 * tmp/. Like spool.c it never follows a link and never touches a
 * message whose lock someone else holds. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spool.h"

/* see spool.h */
int
spool_requeue(struct spool *s, struct spool_msg *m)
{
	char st[SPOOL_ID_MAX + 8];

	if (!m->failed)
		return 0;
	/* The state first: a crash in between leaves failed/ID without
	 * state (shown, expired in time), never q/ID without its marks,
	 * which would deliver again to recipients already served. */
	snprintf(st, sizeof(st), "%s.st", m->id);
	if (renameat(s->failfd, st, s->qfd, st) == -1 && errno != ENOENT)
		return -1;
	if (renameat(s->failfd, m->id, s->qfd, m->id) == -1)
		return -1;
	m->failed = 0;
	fsync(s->qfd);
	fsync(s->failfd);
	return 0;
}

/* When id failed: the state's time, else the message's. 0 or -1. */
static int
spool_admin_failed_at(struct spool *s, const char *id, time_t *when)
{
	char st[SPOOL_ID_MAX + 8];
	struct stat sb;

	snprintf(st, sizeof(st), "%s.st", id);
	if (fstatat(s->failfd, st, &sb, AT_SYMLINK_NOFOLLOW) == 0 ||
	    fstatat(s->failfd, id, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
		*when = sb.st_mtime;
		return 0;
	}
	return -1;
}

struct spool_admin_expiry {
	struct spool *s;
	time_t	 before;
	void	(*cb)(void *, const char *, time_t);
	void	*arg;
	int	 removed;
};

static int
spool_admin_expire_one(void *arg, const char *id)
{
	struct spool_admin_expiry *e = arg;
	char st[SPOOL_ID_MAX + 8];
	time_t when;
	int fd;

	if (strlen(id) >= SPOOL_ID_MAX ||
	    spool_admin_failed_at(e->s, id, &when) == -1 || when >= e->before)
		return 0;
	fd = openat(e->s->failfd, id, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd == -1)
		return 0;
	/* A held lock: someone is retrying it right now (-M). */
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);
		return 0;
	}
	snprintf(st, sizeof(st), "%s.st", id);
	unlinkat(e->s->failfd, st, 0);
	if (unlinkat(e->s->failfd, id, 0) == 0) {
		e->removed++;
		if (e->cb != NULL)
			e->cb(e->arg, id, when);
	}
	close(fd);
	return 0;
}

/* see spool.h */
int
spool_expire_failed(struct spool *s, time_t age,
    void (*cb)(void *, const char *, time_t), void *arg)
{
	struct spool_admin_expiry e = { s, time(NULL) - age, cb, arg, 0 };

	if (age <= 0)
		return 0;
	spool_each(s, 1, spool_admin_expire_one, &e);
	return e.removed;
}

/* A live writer holds its file's lock for as long as it writes. */
static int
spool_admin_tmp_in_use(struct spool *s, const char *name)
{
	int fd, busy;

	fd = openat(s->tmpfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd == -1)
		return 0;
	busy = flock(fd, LOCK_EX | LOCK_NB) == -1;
	close(fd);
	return busy;
}

/* see spool.h */
void
spool_clean_tmp(struct spool *s, time_t age)
{
	struct dirent *de;
	struct stat st;
	time_t now = time(NULL);
	DIR *d;
	int fd;

	fd = openat(s->tmpfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (fstatat(s->tmpfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW)
		    == 0 && now - st.st_mtime > age &&
		    !spool_admin_tmp_in_use(s, de->d_name))
			unlinkat(s->tmpfd, de->d_name, 0);
	}
	closedir(d);
}
