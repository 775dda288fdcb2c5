/* relaymail: the small files every sender shares. ISC licence.
 * Each is opened relative to its directory with O_NOFOLLOW. A whole
 * replacement is a new file named for this process, created O_EXCL,
 * fchmod'ed to the shared mode (the umask is the caller's business),
 * fsync'd and renamed over the old one: a reader sees the old file or
 * the new one, never a part, and a failure leaves the old one. The
 * pacing record is instead rewritten in place under an flock, so that
 * the lock and the file stay one inode for every waiter. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "state.h"
#include "util.h"

/* see state.h */
mode_t
state_mode(int dirfd)
{
	struct stat st;

	if (fstat(dirfd, &st) == 0 && (st.st_mode & S_IRWXG) == S_IRWXG)
		return 0660;
	return 0600;
}

/* see state.h */
ssize_t
state_read(int dirfd, const char *name, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	if (len == 0)
		return -1;
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd == -1)
		return -1;
	n = state_locked_read(fd, buf, len);
	close(fd);
	return n;
}

/* A new file beside name, named for this process, with the shared
 * mode: its descriptor (tmp holds its name), or -1. */
static int
state_new(int dirfd, const char *name, char *tmp, size_t tmplen)
{
	mode_t mode = state_mode(dirfd);
	int fd;

	if ((size_t)snprintf(tmp, tmplen, "%s.%ld.new", name,
	    (long)getpid()) >= tmplen) {
		errno = ENAMETOOLONG;
		return -1;
	}
	unlinkat(dirfd, tmp, 0);	/* a dead process of the same pid */
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, mode);
	if (fd != -1 && fchmod(fd, mode) == -1) {
		close(fd);
		unlinkat(dirfd, tmp, 0);
		return -1;
	}
	return fd;
}

/* see state.h */
int
state_write(int dirfd, const char *name, const void *buf, size_t len)
{
	char tmp[NAME_MAX + 1];
	int fd, e, r = -1;

	if ((fd = state_new(dirfd, name, tmp, sizeof(tmp))) == -1)
		return -1;
	if (util_write_all(fd, buf, len) == 0 && fsync(fd) == 0)
		r = 0;
	if (close(fd) == -1)
		r = -1;
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) == 0) {
		/* The rename itself survives a crash once this is done. */
		fsync(dirfd);
		return 0;
	}
	e = errno;
	unlinkat(dirfd, tmp, 0);
	errno = e;
	return -1;
}

/* see state.h */
int
state_write_path(const char *path, const void *buf, size_t len)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int dfd, r, e;

	if (slash == NULL || slash[1] == '\0' ||
	    (size_t)(slash - path) >= sizeof(dir)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	dfd = open(dir[0] != '\0' ? dir : "/", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC);
	if (dfd == -1)
		return -1;
	r = state_write(dfd, slash + 1, buf, len);
	e = errno;
	close(dfd);
	errno = e;
	return r;
}

/* see state.h */
void
state_remove(int dirfd, const char *name)
{
	unlinkat(dirfd, name, 0);
}

/* dirfd/name opened for an update in place: created with the shared
 * mode when missing; a file this user cannot write (0600, another
 * user's, from before it was shared) is replaced by an empty one. */
static int
state_open_rw(int dirfd, const char *name)
{
	char tmp[NAME_MAX + 1];
	int fd, flags = O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC;
	struct stat st;

	fd = openat(dirfd, name, flags, state_mode(dirfd));
	if (fd == -1 && errno == EACCES) {
		if ((fd = state_new(dirfd, name, tmp, sizeof(tmp))) == -1)
			return -1;
		close(fd);
		if (renameat(dirfd, tmp, dirfd, name) == -1) {
			unlinkat(dirfd, tmp, 0);
			return -1;
		}
		fd = openat(dirfd, name, flags, state_mode(dirfd));
	}
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	/* Made just now under our umask: the shared mode. */
	if (st.st_uid == geteuid() && (st.st_mode & 07777) !=
	    state_mode(dirfd))
		(void)fchmod(fd, state_mode(dirfd));
	return fd;
}

/* see state.h */
int
state_lock(int dirfd, const char *name, int wait_ms)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	int fd, waited = 0, e;

	if ((fd = state_open_rw(dirfd, name)) == -1)
		return -1;
	while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if ((errno != EWOULDBLOCK && errno != EINTR) ||
		    waited >= wait_ms) {
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		nanosleep(&tick, NULL);
		waited += 10;
	}
	return fd;
}

/* see state.h */
ssize_t
state_locked_read(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	if (len == 0)
		return -1;
	while (got < len - 1) {
		n = pread(fd, buf + got, len - 1 - got, (off_t)got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	return (ssize_t)got;
}

/* see state.h */
int
state_locked_write(int fd, const void *buf, size_t len)
{
	/* Written first, cut after: a crash in between leaves old lines at
	 * the end, which a reader counts once more (errs on the safe
	 * side), never an empty record. */
	if (lseek(fd, 0, SEEK_SET) == -1 || util_write_all(fd, buf, len) ==
	    -1 || ftruncate(fd, (off_t)len) == -1)
		return -1;
	return 0;
}
