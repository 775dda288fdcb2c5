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

#include "spool.h"
#include "util.h"

#define TAIL_FMT	"relaymail-envelope %020lld\n"
#define TAIL_LEN	40
#define ENV_MAX		(SPOOL_RCPT_MAX * (ADDR_MAX + 8) + 4096)

static int
opendirat(int at, const char *name, int create, char *err, size_t errlen,
    const char *top)
{
	int fd;

	if (create && mkdirat(at, name, 0770) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s/%s: cannot create: %s", top, name,
		    strerror(errno));
		return -1;
	}
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1)
		snprintf(err, errlen, "%s/%s: %s", top, name,
		    strerror(errno));
	return fd;
}

/* see spool.h */
int
spool_open(struct spool *s, const char *dir, int create, char *err,
    size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->fd = s->qfd = s->tmpfd = s->failfd = -1;
	if (util_strlcpy(s->dir, dir, sizeof(s->dir)) >= sizeof(s->dir)) {
		snprintf(err, errlen, "queue directory name too long");
		return -1;
	}
	if (create && mkdir(dir, 0770) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: cannot create: %s", dir,
		    strerror(errno));
		return -1;
	}
	s->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->fd == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
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
	if (spool_open(s, dir, 1, err, errlen) == -1)
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

static int
write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
safe_value(const char *v)
{
	for (; v != NULL && *v != '\0'; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return 0;
	return 1;
}

/* see spool.h */
int
spool_commit(struct spool *s, struct spool_msg *m, char *err, size_t errlen)
{
	char line[ADDR_MAX + 64];
	FILE *fp = NULL;
	int i, n;

	if (!safe_value(m->from) || !safe_value(m->notify) ||
	    !safe_value(m->ret) || !safe_value(m->envid)) {
		snprintf(err, errlen, "envelope contains control characters");
		goto fail_noerrno;
	}
	/* The envelope follows the message; the last line says where. */
	if (lseek(m->fd, m->body_len, SEEK_SET) == -1)
		goto fail;
	n = snprintf(line, sizeof(line), "from <%s>\narrival %lld\n8bit %d\n"
	    "utf8 %d\n", m->from, (long long)m->arrival, m->eightbit,
	    m->utf8);
	if (write_all(m->fd, line, (size_t)n) == -1)
		goto fail;
	n = snprintf(line, sizeof(line), "uid %lld\n", m->uid ==
	    SPOOL_UID_UNKNOWN ? -1LL : (long long)m->uid);
	if (write_all(m->fd, line, (size_t)n) == -1)
		goto fail;
	for (i = 0; i < m->nrcpts; i++) {
		if (!safe_value(m->rcpts[i])) {
			snprintf(err, errlen, "recipient contains control "
			    "characters");
			goto fail_noerrno;
		}
		n = snprintf(line, sizeof(line), "rcpt <%s>\n", m->rcpts[i]);
		if (write_all(m->fd, line, (size_t)n) == -1)
			goto fail;
	}
	if (m->notify != NULL) {
		n = snprintf(line, sizeof(line), "notify %.100s\n", m->notify);
		if (write_all(m->fd, line, (size_t)n) == -1)
			goto fail;
	}
	if (m->ret != NULL) {
		n = snprintf(line, sizeof(line), "ret %.10s\n", m->ret);
		if (write_all(m->fd, line, (size_t)n) == -1)
			goto fail;
	}
	if (m->envid != NULL) {
		n = snprintf(line, sizeof(line), "envid %.100s\n", m->envid);
		if (write_all(m->fd, line, (size_t)n) == -1)
			goto fail;
	}
	n = snprintf(line, sizeof(line), TAIL_FMT, (long long)m->body_len);
	if (n != TAIL_LEN || write_all(m->fd, line, (size_t)n) == -1)
		goto fail;
	(void)fp;

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
fail_noerrno:
	spool_abort(s, m);
	return -1;
}

/* see spool.h */
int
spool_set_sender(struct spool_msg *m, const char *from, char *err,
    size_t errlen)
{
	char *copy;

	if (!safe_value(from))
		return util_err(err, errlen, "sender <%.100s>: contains a "
		    "control character", from);
	if ((copy = strdup(from)) == NULL)
		return util_err(err, errlen, "out of memory");
	free(m->from);
	m->from = copy;
	return 0;
}

/* see spool.h */
int
spool_add_rcpt(struct spool_msg *m, const char *rcpt, char *err,
    size_t errlen)
{
	char *copy;

	if (!safe_value(rcpt))
		return util_err(err, errlen, "recipient <%.100s>: contains a "
		    "control character", rcpt);
	if (m->nrcpts == SPOOL_RCPT_MAX)
		return util_err(err, errlen, "more than %d recipients",
		    SPOOL_RCPT_MAX);
	if ((copy = strdup(rcpt)) == NULL)
		return util_err(err, errlen, "out of memory");
	m->rcpt_done[m->nrcpts] = 0;
	m->rcpts[m->nrcpts++] = copy;
	return 0;
}

static int
dup_param(char **field, const char *v, char *err, size_t errlen)
{
	if (v == NULL)
		return 0;
	if (!safe_value(v))
		return util_err(err, errlen, "DSN parameter: contains a "
		    "control character");
	free(*field);
	if ((*field = strdup(v)) == NULL)
		return util_err(err, errlen, "out of memory");
	return 0;
}

/* see spool.h */
int
spool_set_dsn(struct spool_msg *m, const char *notify, const char *ret,
    const char *envid, char *err, size_t errlen)
{
	if (dup_param(&m->notify, notify, err, errlen) == -1 ||
	    dup_param(&m->ret, ret, err, errlen) == -1 ||
	    dup_param(&m->envid, envid, err, errlen) == -1)
		return -1;
	return 0;
}

/* see spool.h */
void
spool_abort(struct spool *s, struct spool_msg *m)
{
	if (m->named && m->id[0] != '\0')
		unlinkat(s->tmpfd, m->id, 0);
	spool_release(m);
}

static char *
dup_value(const char *line, const char *key)
{
	size_t k = strlen(key);
	const char *v;
	size_t len;
	char *r;

	if (strncmp(line, key, k) != 0 || line[k] != ' ')
		return NULL;
	v = line + k + 1;
	len = strlen(v);
	if (len >= 2 && v[0] == '<' && v[len - 1] == '>') {
		v++;
		len -= 2;
	}
	if ((r = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(r, v, len);
	r[len] = '\0';
	return r;
}

/* "uid N": the submitting user; -1 or junk: unknown. */
static uid_t
spool_parse_uid(const char *v)
{
	char *end;
	long long n = strtoll(v, &end, 10);

	if (end == v || *end != '\0' || n < 0 ||
	    n >= (long long)SPOOL_UID_UNKNOWN)
		return SPOOL_UID_UNKNOWN;
	return (uid_t)n;
}

static int
parse_envelope(struct spool_msg *m, char *env, char *err, size_t errlen)
{
	char *line, *next;

	for (line = env; line != NULL && *line != '\0'; line = next) {
		char *v;
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if ((v = dup_value(line, "rcpt")) != NULL) {
			if (m->nrcpts == SPOOL_RCPT_MAX) {
				free(v);
				break;
			}
			m->rcpts[m->nrcpts++] = v;
		} else if (m->from == NULL &&
		    (v = dup_value(line, "from")) != NULL)
			m->from = v;
		else if (m->notify == NULL &&
		    (v = dup_value(line, "notify")) != NULL)
			m->notify = v;
		else if (m->ret == NULL && (v = dup_value(line, "ret")) != NULL)
			m->ret = v;
		else if (m->envid == NULL &&
		    (v = dup_value(line, "envid")) != NULL)
			m->envid = v;
		else if (strncmp(line, "arrival ", 8) == 0)
			m->arrival = (time_t)strtoll(line + 8, NULL, 10);
		else if (strncmp(line, "8bit ", 5) == 0)
			m->eightbit = atoi(line + 5) != 0;
		else if (strncmp(line, "utf8 ", 5) == 0)
			m->utf8 = atoi(line + 5) != 0;
		else if (strncmp(line, "uid ", 4) == 0)
			m->uid = spool_parse_uid(line + 4);
	}
	if (m->from == NULL || m->nrcpts == 0) {
		snprintf(err, errlen, "damaged queue file: no %s",
		    m->from == NULL ? "sender" : "recipient");
		return -1;
	}
	return 0;
}

static void
read_state(int dirfd, struct spool_msg *m)
{
	char name[SPOOL_ID_MAX + 8], buf[4096 + 16 * SPOOL_RCPT_MAX];
	char *line, *next;
	ssize_t n;
	int fd;

	snprintf(name, sizeof(name), "%s.st", m->id);
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (line = buf; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		if (strncmp(line, "attempts ", 9) == 0)
			m->attempts = atoi(line + 9);
		else if (strncmp(line, "next ", 5) == 0)
			m->next_try = (time_t)strtoll(line + 5, NULL, 10);
		else if (strncmp(line, "error ", 6) == 0)
			util_strlcpy(m->last_error, line + 6,
			    sizeof(m->last_error));
		else if (strncmp(line, "done ", 5) == 0 ||
		    strncmp(line, "refused ", 8) == 0) {
			int i = atoi(strchr(line, ' ') + 1);
			if (i >= 0 && i < SPOOL_RCPT_MAX)
				m->rcpt_done[i] = line[0] == 'd' ? 1 : 2;
		}
	}
}

/* see spool.h */
int
spool_load(struct spool *s, const char *id, int failed, struct spool_msg *m,
    char *err, size_t errlen)
{
	int dirfd = failed ? s->failfd : s->qfd;
	char tail[TAIL_LEN + 1], *env = NULL;
	struct stat st;
	long long off;
	size_t envlen;

	msg_reset(m);
	if (util_strlcpy(m->id, id, sizeof(m->id)) >= sizeof(m->id) ||
	    strchr(id, '/') != NULL) {
		snprintf(err, errlen, "bad queue id");
		return -1;
	}
	m->failed = failed;
	m->fd = openat(dirfd, id, O_RDWR | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK);
	if (m->fd == -1) {
		if (errno == ENOENT)
			return 1;	/* delivered by someone else */
		snprintf(err, errlen, "%s: %s", id, errno == ELOOP ?
		    "a symbolic link, not followed" : strerror(errno));
		return -1;
	}
	if (flock(m->fd, LOCK_EX | LOCK_NB) == -1) {
		close(m->fd);
		m->fd = -1;
		return 1;
	}
	if (fstat(m->fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", id);
		goto fail;
	}
	if (st.st_nlink == 0) {	/* removed while we waited for the lock */
		spool_release(m);
		return 1;
	}
	if (st.st_size < TAIL_LEN ||
	    pread(m->fd, tail, TAIL_LEN, st.st_size - TAIL_LEN) != TAIL_LEN)
		goto damaged;
	tail[TAIL_LEN] = '\0';
	if (sscanf(tail, "relaymail-envelope %lld", &off) != 1 || off < 0 ||
	    off > st.st_size - TAIL_LEN)
		goto damaged;
	envlen = (size_t)(st.st_size - TAIL_LEN - off);
	if (envlen > ENV_MAX || (env = malloc(envlen + 1)) == NULL ||
	    pread(m->fd, env, envlen, off) != (ssize_t)envlen)
		goto damaged;
	env[envlen] = '\0';
	m->body_len = off;
	if (parse_envelope(m, env, err, errlen) == -1)
		goto fail;
	free(env);
	read_state(dirfd, m);
	return 0;
damaged:
	snprintf(err, errlen, "damaged queue file (no valid envelope)");
fail:
	free(env);
	spool_release(m);
	return -1;
}

static int
write_state(struct spool *s, int dirfd, struct spool_msg *m)
{
	char name[SPOOL_ID_MAX + 8], tmp[SPOOL_ID_MAX + 12], line[600];
	int fd, i, n, r = 0;

	snprintf(name, sizeof(name), "%s.st", m->id);
	snprintf(tmp, sizeof(tmp), "%s.st.new", m->id);
	unlinkat(dirfd, tmp, 0);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0660);
	if (fd == -1)
		return -1;
	n = snprintf(line, sizeof(line), "attempts %d\nnext %lld\nerror %s\n",
	    m->attempts, (long long)m->next_try, m->last_error);
	if (write_all(fd, line, (size_t)n) == -1)
		r = -1;
	for (i = 0; i < m->nrcpts && r == 0; i++) {
		if (m->rcpt_done[i] == 0)
			continue;
		n = snprintf(line, sizeof(line), "%s %d\n",
		    m->rcpt_done[i] == 1 ? "done" : "refused", i);
		if (write_all(fd, line, (size_t)n) == -1)
			r = -1;
	}
	/* Recipient marks prevent a second delivery: make them durable. */
	if (r == 0 && fsync(fd) == -1)
		r = -1;
	close(fd);
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) == -1)
		r = -1;
	if (r == -1)
		unlinkat(dirfd, tmp, 0);
	(void)s;
	return r;
}

static void
clean_text(char *dst, size_t len, const char *src)
{
	size_t i;

	util_strlcpy(dst, src, len);
	for (i = 0; dst[i] != '\0'; i++)
		if ((unsigned char)dst[i] < 0x20)
			dst[i] = ' ';
}

/* see spool.h */
int
spool_defer(struct spool *s, struct spool_msg *m, time_t next,
    const char *reason)
{
	m->attempts++;
	m->next_try = next;
	clean_text(m->last_error, sizeof(m->last_error), reason);
	return write_state(s, m->failed ? s->failfd : s->qfd, m);
}

/* see spool.h */
int
spool_fail(struct spool *s, struct spool_msg *m, const char *reason)
{
	char st[SPOOL_ID_MAX + 8];

	m->attempts++;
	m->next_try = 0;
	clean_text(m->last_error, sizeof(m->last_error), reason);
	if (m->failed)
		return write_state(s, s->failfd, m);
	if (write_state(s, s->qfd, m) == -1)
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
	for (i = 0; i < m->nrcpts; i++)
		free(m->rcpts[i]);
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

/* A live writer holds its file's lock for as long as it writes. */
static int
spool_tmp_in_use(struct spool *s, const char *name)
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
		    !spool_tmp_in_use(s, de->d_name))
			unlinkat(s->tmpfd, de->d_name, 0);
	}
	closedir(d);
}
