/* relaymail: what in the queue directory belongs to whom. ISC licence,
 * see LICENSE. The owner of a queue file (read before any lock is taken,
 * so a user's run never holds another user's message), and the small
 * files kept at the top of the queue (the token cache): written to a
 * name unique to this process, fsync'd and renamed, never through a
 * link, so two users' runs cannot tear or swap each other's copy. */
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

/* see spool.h */
ssize_t
spool_private_read(struct spool *s, const char *name, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	if (len == 0)
		return -1;
	fd = openat(s->fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd == -1)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* see spool.h */
int
spool_private_write(struct spool *s, const char *name, const void *buf,
    size_t len, mode_t mode)
{
	char tmp[256];
	int fd, r = -1;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.%ld.new", name,
	    (long)getpid()) >= sizeof(tmp))
		return -1;
	unlinkat(s->fd, tmp, 0);	/* a dead process of the same pid */
	fd = openat(s->fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, mode);
	if (fd == -1)
		return -1;
	/* fchmod: the mode asked for, whatever the umask. The file is
	 * small: a short write is a failure, as a full disk would be. */
	if (fchmod(fd, mode) == 0 && write(fd, buf, len) == (ssize_t)len &&
	    fsync(fd) == 0 && renameat(s->fd, tmp, s->fd, name) == 0)
		r = 0;
	close(fd);
	if (r == -1)
		unlinkat(s->fd, tmp, 0);
	else
		fsync(s->fd);
	return r;
}

/* see spool.h */
void
spool_private_remove(struct spool *s, const char *name)
{
	unlinkat(s->fd, name, 0);
}

/* see spool.h */
mode_t
spool_private_mode(struct spool *s)
{
	struct stat st;

	/* As shared as the queue: in a group queue (2770, set-group-ID
	 * installs) every user's run and the group's own read one token,
	 * and the directory keeps everyone else out; elsewhere the owner's
	 * alone. */
	if (fstat(s->fd, &st) == 0 && (st.st_mode & S_IRWXG) == S_IRWXG)
		return 0640;
	return 0600;
}
