/* relaymail: the on-disk queue. ISC licence, see LICENSE.
 * A message is durable once spool_commit() returns 0: data fsync'd,
 * renamed into q/, q/ fsync'd. Every file is opened relative to the
 * queue's directory descriptors with O_NOFOLLOW, created with O_EXCL
 * and mode 0660 under the umask main() sets (077; 007 when set-group-ID,
 * so that the queue group can deliver any user's message): a link
 * planted in the queue is never followed. */
#define _GNU_SOURCE	/* O_TMPFILE */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "priv.h"
#include "spool.h"
#include "spool_envelope.h"
#include "util.h"

#define TAIL_FMT	"relaymail-envelope %020lld\n"
#define TAIL_LEN	40
#define ENV_MAX		(SPOOL_RCPT_MAX * (ADDR_MAX + 8) + 4096)

/* Makes a directory of the queue. A process acting for itself (one
 * user's own queue, a container's uid) makes its own; set-group-ID, only
 * root does, for the group (2770: the install's modes), so that no user
 * ever owns a directory every sender shares. 0, or -1 with err. */
static int
spool_mkdir(int at, const char *name, const char *path, int own, char *err,
    size_t errlen)
{
	int elevated = priv_elevated() && !own;

	if (elevated && getuid() != 0)
		return util_err(err, errlen, "%s: missing: make install, or "
		    "root's first run (sendmail -q), makes it for group %s",
		    path, priv_group_name());
	if (mkdirat(at, name, 0770) == -1 && errno != EEXIST)
		return util_err(err, errlen, "%s: cannot create: %s", path,
		    strerror(errno));
	/* The group's, and its files the group's (the set-group-ID bit);
	 * the umask must not take the group's rights. */
	if (elevated && fchmodat(at, name, 02770, 0) == -1)
		return util_err(err, errlen, "%s: %s", path, strerror(errno));
	return 0;
}

/* dir (at AT_FDCWD) or top/name (at top's descriptor), opened, and made
 * first when create is set and it is missing (create 2: the caller's own
 * private spool, made as itself). */
static int
opendirat(int at, const char *name, int create, char *err, size_t errlen,
    const char *top)
{
	int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC |
	    (top != NULL ? O_NOFOLLOW : 0);
	char path[600];
	int fd;

	snprintf(path, sizeof(path), "%s%s%s", top ? top : "", top ? "/" : "",
	    name);
	fd = openat(at, name, flags);
	if (fd == -1 && errno == ENOENT && create) {
		if (spool_mkdir(at, name, path, create == 2, err, errlen) ==
		    -1)
			return -1;
		fd = openat(at, name, flags);
	}
	if (fd == -1)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return fd;
}

/* spool_open; create 2 for a private spool, made as the caller. */
static int
spool_open_dirs(struct spool *s, const char *dir, int create, char *err,
    size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->fd = s->qfd = s->tmpfd = s->failfd = -1;
	if (util_strlcpy(s->dir, dir, sizeof(s->dir)) >= sizeof(s->dir)) {
		snprintf(err, errlen, "queue directory name too long");
		return -1;
	}
	if ((s->fd = opendirat(AT_FDCWD, dir, create, err, errlen, NULL)) ==
	    -1)
		return -1;
	if ((s->qfd = opendirat(s->fd, "q", create, err, errlen, dir)) == -1 ||
	    (s->tmpfd = opendirat(s->fd, "tmp", create, err, errlen, dir))
	    == -1 || (s->failfd = opendirat(s->fd, "failed", create, err,
	    errlen, dir)) == -1) {
		spool_close(s);
		return -1;
	}
	return 0;
}

/* see spool.h */
int
spool_dir_open(struct spool *s, const char *name, char *err, size_t errlen)
{
	return opendirat(s->fd, name, s->private ? 2 : 1, err, errlen,
	    s->dir);
}

/* see spool.h */
int
spool_open(struct spool *s, const char *dir, int create, char *err,
    size_t errlen)
{
	return spool_open_dirs(s, dir, create != 0, err, errlen);
}

/* see spool.h */
void
spool_close(struct spool *s)
{
	if (s->fd != -1)
		close(s->fd);
	if (s->qfd != -1)
		close(s->qfd);
	if (s->tmpfd != -1)
		close(s->tmpfd);
	if (s->failfd != -1)
		close(s->failfd);
	s->fd = s->qfd = s->tmpfd = s->failfd = -1;
}

/* see spool.h */
int
spool_open_private(struct spool *s, const char *base, char *dir,
    size_t dirlen, char *err, size_t errlen)
{
	if (base == NULL || *base != '/')
		base = "/tmp";
	if ((size_t)snprintf(dir, dirlen, "%s/relaymail.XXXXXX", base) >=
	    dirlen)
		return util_err(err, errlen, "%s: name too long", base);
	if (mkdtemp(dir) == NULL)
		return util_err(err, errlen, "%s: %s", dir, strerror(errno));
	if (spool_open_dirs(s, dir, 2, err, errlen) == -1)
		return -1;
	s->private = 1;
	return 0;
}

/* see spool.h */
void
spool_remove_private(struct spool *s, const char *dir)
{
	static const char *subs[] = { "q", "tmp", "failed" };
	int fds[3] = { s->qfd, s->tmpfd, s->failfd };
	struct dirent *de;
	size_t i;
	DIR *d;

	/* It holds at most one message, its state and a bounce. */
	for (i = 0; i < 3; i++) {
		int fd = fds[i] == -1 ? -1 : openat(fds[i], ".", O_RDONLY |
		    O_DIRECTORY | O_CLOEXEC);
		if (fd == -1 || (d = fdopendir(fd)) == NULL) {
			if (fd != -1)
				close(fd);
			continue;
		}
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.')
				unlinkat(fds[i], de->d_name, 0);
		closedir(d);
		unlinkat(s->fd, subs[i], AT_REMOVEDIR);
	}
	spool_close(s);
	rmdir(dir);
}

static void
msg_reset(struct spool_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->fd = -1;
	m->uid = SPOOL_UID_UNKNOWN;
}

/* An unnamed file in tmp/ (Linux O_TMPFILE): a writer killed before the
 * commit leaves nothing behind. 0, or -1 when this system or file system
 * cannot, and a named file must do. */
static int
spool_open_unnamed(struct spool *s, struct spool_msg *m)
{
#ifdef O_TMPFILE
	/* The commit links it by /proc/self/fd, which must be there. */
	if (access("/proc/self/fd", X_OK) == -1)
		return -1;
	m->fd = openat(s->tmpfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0660);
	return m->fd == -1 ? -1 : 0;
#else
	(void)s;
	(void)m;
	return -1;
#endif
}

static void
spool_new_id(struct spool_msg *m, int tries, struct timeval *tv)
{
	unsigned short rnd = 0;

	gettimeofday(tv, NULL);
	if (getentropy(&rnd, sizeof(rnd)) == -1)
		rnd = (unsigned short)(getpid() + tries);
	/* Sorts by arrival; unique by the random part. */
	snprintf(m->id, sizeof(m->id), "%010llX%05lX%04X",
	    (long long)tv->tv_sec, (long)tv->tv_usec, rnd);
}

/* see spool.h */
time_t
spool_id_arrival(const char *id)
{
	char sec[11];
	char *end;
	long long t;

	if (strlen(id) < 10)
		return (time_t)-1;
	memcpy(sec, id, 10);
	sec[10] = '\0';
	t = strtoll(sec, &end, 16);
	return *end == '\0' && t > 0 ? (time_t)t : (time_t)-1;
}

/* see spool.h */
int
spool_create(struct spool *s, struct spool_msg *m, char *err, size_t errlen)
{
	struct timeval tv;
	int tries;

	msg_reset(m);
	spool_new_id(m, 0, &tv);
	if (spool_open_unnamed(s, m) == -1) {
		/* Elsewhere a named file, which -q removes if its writer
		 * died (nobody holds its lock). */
		for (tries = 0; tries < 10; tries++) {
			m->fd = openat(s->tmpfd, m->id, O_RDWR | O_CREAT |
			    O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0660);
			if (m->fd != -1 || errno != EEXIST)
				break;
			spool_new_id(m, tries + 1, &tv);
		}
		m->named = m->fd != -1;
	}
	if (m->fd == -1)
		return util_err(err, errlen, "%s/tmp: cannot create a file: %s",
		    s->dir, strerror(errno));
	/* Locked before it is ever visible in q/: no flusher can take it. */
	flock(m->fd, LOCK_EX);
	m->arrival = tv.tv_sec;
	m->uid = getuid();
	return 0;
}

/* Gives the message its name in q/. */
static int
spool_link(struct spool *s, struct spool_msg *m)
{
	char path[64];

	if (m->named)
		return renameat(s->tmpfd, m->id, s->qfd, m->id);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", m->fd);
	return linkat(AT_FDCWD, path, s->qfd, m->id, AT_SYMLINK_FOLLOW);
}

/* see spool.h */
int
spool_seal(struct spool *s, struct spool_msg *m, char *err, size_t errlen)
{
	char line[ADDR_MAX + 64];
	int i, n;

	if (!spool_envelope_safe(m->from) || !spool_envelope_safe(m->notify) ||
	    !spool_envelope_safe(m->ret) || !spool_envelope_safe(m->envid)) {
		snprintf(err, errlen, "envelope contains control characters");
		goto fail_noerrno;
	}
	for (i = 0; i < m->nrcpts; i++)
		if (!spool_envelope_safe(m->rcpts[i].addr)) {
			snprintf(err, errlen, "recipient contains control "
			    "characters");
			goto fail_noerrno;
		}
	/* The envelope follows the message; the last line says where. */
	if (spool_envelope_write(m) == -1)
		goto fail;
	n = snprintf(line, sizeof(line), TAIL_FMT, (long long)m->body_len);
	if (n != TAIL_LEN || util_write_all(m->fd, line, (size_t)n) == -1)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "%s: cannot write the queue file: %s", s->dir,
	    strerror(errno));
fail_noerrno:
	spool_abort(s, m);
	return -1;
}

/* see spool.h */
int
spool_durable(struct spool *s, struct spool_msg *m, char *err,
    size_t errlen)
{
	/* The promise point: from here on the message is safe. */
	if (fsync(m->fd) == -1 || spool_link(s, m) == -1)
		goto fail;
	if (fsync(s->qfd) == -1) {
		/* It is in q/ but not known durable: take it back. */
		int e = errno;
		unlinkat(s->qfd, m->id, 0);
		errno = e;
		goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "%s: cannot write the queue file: %s", s->dir,
	    strerror(errno));
	spool_abort(s, m);
	return -1;
}

/* see spool.h */
int
spool_commit(struct spool *s, struct spool_msg *m, char *err, size_t errlen)
{
	if (spool_seal(s, m, err, errlen) == -1)
		return -1;
	return spool_durable(s, m, err, errlen);
}

/* see spool.h */
void
spool_abort(struct spool *s, struct spool_msg *m)
{
	if (m->named && m->id[0] != '\0')
		unlinkat(s->tmpfd, m->id, 0);
	spool_release(m);
}

/* The envelope at the end of the open file m->fd: 0, or -1 with err and
 * m->damaged set when the file itself is wrong (not a passing error). */
static int
spool_load_envelope(struct spool_msg *m, const struct stat *st, char *err,
    size_t errlen)
{
	char tail[TAIL_LEN + 1], *env;
	long long off;
	size_t envlen;
	int r;

	m->damaged = 1;
	if (st->st_size < TAIL_LEN ||
	    pread(m->fd, tail, TAIL_LEN, st->st_size - TAIL_LEN) != TAIL_LEN)
		return util_err(err, errlen, "damaged queue file (no valid "
		    "envelope)");
	tail[TAIL_LEN] = '\0';
	if (sscanf(tail, "relaymail-envelope %lld", &off) != 1 || off < 0 ||
	    off > st->st_size - TAIL_LEN ||
	    (size_t)(st->st_size - TAIL_LEN - off) > ENV_MAX)
		return util_err(err, errlen, "damaged queue file (no valid "
		    "envelope)");
	envlen = (size_t)(st->st_size - TAIL_LEN - off);
	m->damaged = 0;		/* from here, a failure passes */
	if ((env = malloc(envlen + 1)) == NULL)
		return util_err(err, errlen, "out of memory");
	if (pread(m->fd, env, envlen, off) != (ssize_t)envlen) {
		free(env);
		return util_err(err, errlen, "reading: %s", strerror(errno));
	}
	env[envlen] = '\0';
	m->body_len = off;
	r = spool_envelope_parse(m, env, off, err, errlen);
	m->damaged = r == -1;
	free(env);
	return r;
}

/* see spool.h */
int
spool_route_of(struct spool *s, const char *id, char *buf, size_t len)
{
	char tail[TAIL_LEN + 1], line[SPOOL_ROUTE_MAX + 8];
	struct stat st;
	long long off;
	ssize_t n;
	int fd, r = -1;

	buf[0] = '\0';
	if (strchr(id, '/') != NULL || (fd = openat(s->qfd, id, O_RDONLY |
	    O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) == -1)
		return -1;
	if (fstat(fd, &st) == 0 && st.st_size >= TAIL_LEN &&
	    pread(fd, tail, TAIL_LEN, st.st_size - TAIL_LEN) == TAIL_LEN) {
		tail[TAIL_LEN] = '\0';
		if (sscanf(tail, "relaymail-envelope %lld", &off) == 1 &&
		    off >= 0 && off <= st.st_size - TAIL_LEN &&
		    (n = pread(fd, line, sizeof(line) - 1, off)) >= 0) {
			line[n] = '\0';
			line[strcspn(line, "\n")] = '\0';
			if (strncmp(line, "route ", 6) == 0)
				util_strlcpy(buf, line + 6, len);
			r = 0;
		}
	}
	close(fd);
	return r;
}

/* Opens q/ID (failed/ID) and reads its envelope and state; locked
 * (exclusive, non-blocking) when lock is set, else only probed. 0; 1
 * when it is gone or, with lock, held by someone else; -1 with err (and
 * m->damaged when the file is at fault). */
static int
spool_read(struct spool *s, const char *id, int failed, struct spool_msg *m,
    int lock, char *err, size_t errlen)
{
	int dirfd = failed ? s->failfd : s->qfd;
	struct stat st;

	msg_reset(m);
	if (util_strlcpy(m->id, id, sizeof(m->id)) >= sizeof(m->id) ||
	    strchr(id, '/') != NULL)
		return util_err(err, errlen, "bad queue id");
	m->failed = failed;
	m->fd = openat(dirfd, id, (lock ? O_RDWR : O_RDONLY) | O_NOFOLLOW |
	    O_CLOEXEC | O_NONBLOCK);
	if (m->fd == -1) {
		if (errno == ENOENT)
			return 1;	/* delivered by someone else */
		/* A planted link is the file's fault; ENFILE, EMFILE,
		 * ENOMEM pass by themselves. */
		m->damaged = errno == ELOOP;
		return util_err(err, errlen, "%s: %s", id, errno == ELOOP ?
		    "a symbolic link, not followed" : strerror(errno));
	}
	if (lock && flock(m->fd, LOCK_EX | LOCK_NB) == -1) {
		close(m->fd);
		m->fd = -1;
		return 1;
	}
	/* Not locked: a shared lock refused says a delivery holds it; taken,
	 * it is dropped at once, so that a reader never keeps a delivery
	 * from a message. */
	if (!lock) {
		m->busy = flock(m->fd, LOCK_SH | LOCK_NB) == -1;
		if (!m->busy)
			flock(m->fd, LOCK_UN);
	}
	if (fstat(m->fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		m->damaged = 1;
		util_err(err, errlen, "%s: not a regular file", id);
		goto fail;
	}
	if (st.st_nlink == 0) {	/* removed while we waited for the lock */
		spool_release(m);
		return 1;
	}
	if (spool_load_envelope(m, &st, err, errlen) == -1)
		goto fail;
	spool_state_read(dirfd, m);
	return 0;
fail:
	spool_release(m);
	return -1;
}

/* see spool.h */
int
spool_load(struct spool *s, const char *id, int failed, struct spool_msg *m,
    char *err, size_t errlen)
{
	return spool_read(s, id, failed, m, 1, err, errlen);
}

/* see spool.h */
int
spool_peek(struct spool *s, const char *id, int failed, struct spool_msg *m,
    char *err, size_t errlen)
{
	int r = spool_read(s, id, failed, m, 0, err, errlen);

	if (m->fd != -1) {	/* nothing more is read from it */
		close(m->fd);
		m->fd = -1;
	}
	return r;
}

/* see spool.h */
int
spool_defer(struct spool *s, struct spool_msg *m, time_t next,
    const char *reason)
{
	m->attempts++;
	m->next_try = next;
	spool_one_line(m->last_error, sizeof(m->last_error), reason);
	return spool_state_write(s, m->failed ? s->failfd : s->qfd, m);
}

/* see spool.h */
int
spool_note(struct spool *s, struct spool_msg *m, const char *reason)
{
	spool_one_line(m->last_error, sizeof(m->last_error), reason);
	return spool_state_write(s, m->failed ? s->failfd : s->qfd, m);
}

/* see spool.h */
int
spool_move_to_failed(struct spool *s, struct spool_msg *m, const char *reason)
{
	char st[SPOOL_ID_MAX + 8];

	m->attempts++;
	m->next_try = 0;
	spool_one_line(m->last_error, sizeof(m->last_error), reason);
	if (m->failed)
		return spool_state_write(s, s->failfd, m);
	if (spool_state_write(s, s->qfd, m) == -1)
		return -1;
	snprintf(st, sizeof(st), "%s.st", m->id);
	if (renameat(s->qfd, st, s->failfd, st) == -1 ||
	    renameat(s->qfd, m->id, s->failfd, m->id) == -1)
		return -1;
	m->failed = 1;
	fsync(s->failfd);
	fsync(s->qfd);
	return 0;
}

/* see spool.h */
int
spool_done(struct spool *s, struct spool_msg *m)
{
	int dirfd = m->failed ? s->failfd : s->qfd;
	char st[SPOOL_ID_MAX + 8];
	int r;

	r = unlinkat(dirfd, m->id, 0);
	snprintf(st, sizeof(st), "%s.st", m->id);
	unlinkat(dirfd, st, 0);
	return r;
}

/* see spool.h */
int
spool_sync_dir(struct spool *s, int failed)
{
	return fsync(failed ? s->failfd : s->qfd);
}

/* see spool.h */
int
spool_set_aside(struct spool *s, const char *id)
{
	char st[SPOOL_ID_MAX + 8];

	if (strlen(id) >= SPOOL_ID_MAX || strchr(id, '/') != NULL)
		return -1;
	snprintf(st, sizeof(st), "%s.st", id);
	renameat(s->qfd, st, s->failfd, st);
	if (renameat(s->qfd, id, s->failfd, id) == -1)
		return -1;
	fsync(s->failfd);
	fsync(s->qfd);
	return 0;
}

/* see spool.h */
void
spool_release(struct spool_msg *m)
{
	int i;

	if (m->fd != -1)
		close(m->fd);	/* drops the lock */
	m->fd = -1;
	free(m->from);
	for (i = 0; i < m->nrcpts; i++) {
		free(m->rcpts[i].addr);
		free(m->rcpts[i].reply);
		m->rcpts[i].addr = m->rcpts[i].reply = NULL;
	}
	free(m->notify);
	free(m->ret);
	free(m->envid);
	m->from = m->notify = m->ret = m->envid = NULL;
	m->nrcpts = 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* see spool.h */
int
spool_each(struct spool *s, int failed, int (*cb)(void *, const char *),
    void *arg)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	DIR *d;
	int fd, r = 0;

	fd = openat(failed ? s->failfd : s->qfd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC);
	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strchr(de->d_name, '.') != NULL)
			continue;	/* ID.st, ID.st.new */
		if (n == cap) {
			char **nn;
			cap = cap ? cap * 2 : 64;
			if ((nn = realloc(names, cap * sizeof(*nn))) == NULL)
				break;
			names = nn;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			break;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		if (r == 0)
			r = cb(arg, names[i]);
		free(names[i]);
	}
	free(names);
	return r;
}
