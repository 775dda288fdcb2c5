/* relaymail: the small files every sender shares. ISC licence.
 * The token cache, the pacing record and the refresh token are read and
 * updated by every user's run, by the group's and by root's: installed
 * set-group-ID, each is created by the group's process, belongs to the
 * group, mode 0660, in a directory only the group can enter and write
 * (the queue, 2770), so that whoever wrote it last, everyone can still
 * use it. In a directory that is not the group's (one user's queue, a
 * container) the mode is 0600. No call follows a link planted in place of a file. */
#ifndef STATE_H
#define STATE_H

#include <stddef.h>
#include <sys/types.h>

/* The mode of a shared file in dirfd: 0660 when the directory is the
 * group's to write in (rwx for the group: the queue, 2770), else 0600. */
mode_t	 state_mode(int dirfd);

/* Reads up to len-1 bytes of dirfd/name into buf, NUL-terminated. The
 * length, or -1 (errno) when it cannot be read. */
ssize_t	 state_read(int dirfd, const char *name, char *buf, size_t len);

/* Replaces dirfd/name with buf[0..len), atomically: a new file named for
 * this process, state_mode(dirfd) whatever the umask, written, fsync'd,
 * renamed over name, then the directory fsync'd. On -1 (errno) the old
 * file is as it was and nothing else is left behind. */
int	 state_write(int dirfd, const char *name, const void *buf,
	    size_t len);

/* The same for a file named by its absolute path (the directory it is
 * in must be writable): 0, or -1 with errno. */
int	 state_write_path(const char *path, const void *buf, size_t len);

void	 state_remove(int dirfd, const char *name);

/* A file updated in place by whoever holds its lock (the pacing record):
 * opened for reading and writing (created state_mode(dirfd) when
 * missing; one left unwritable by an older release is replaced) and
 * locked exclusively, waiting at most wait_ms for another holder (one
 * stopped with SIGSTOP must not stop every sender). The descriptor, or
 * -1 (errno; EWOULDBLOCK when the wait ran out). A holder that dies
 * drops the lock with it; close releases it. */
int	 state_lock(int dirfd, const char *name, int wait_ms);

/* Under state_lock: the file's content (up to len-1 bytes, NUL-ended),
 * and its replacement in place. The length / 0, or -1. */
ssize_t	 state_locked_read(int fd, char *buf, size_t len);
int	 state_locked_write(int fd, const void *buf, size_t len);

#endif
