/* relaymail: the delivery journal. ISC licence, see LICENSE.
 * Lines are built whole in a fixed buffer and appended with one write(2)
 * on an O_APPEND descriptor: concurrent writers never interleave within
 * a line. Rotation is decided under an flock of the file and checked
 * again against the name (another writer may have rotated it first), so
 * only one writer renames; a writer still holding the old file adds at
 * most its one line to journal.1. Files are opened relative to the queue
 * directory with O_NOFOLLOW, as every queue file is. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "mailq.h"
#include "priv.h"

/* The mode of a new journal: as shared as the queue, for every sender's
 * run to append to it (0660 in a group queue, 2770), else 0600. */
static mode_t
journal_mode(struct spool *s)
{
	struct stat st;

	if (fstat(s->fd, &st) == 0 && (st.st_mode & S_IRWXG) == S_IRWXG)
		return 0660;
	return 0600;
}

static int
journal_open(struct spool *s)
{
	int flags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
	int fd;

	if ((fd = openat(s->fd, JOURNAL_FILE, flags)) != -1 ||
	    errno != ENOENT)
		return fd;
	/* fchmod: the mode asked for, whatever the umask. */
	if ((fd = openat(s->fd, JOURNAL_FILE, flags | O_CREAT | O_EXCL,
	    journal_mode(s))) != -1)
		fchmod(fd, journal_mode(s));
	else if (errno == EEXIST)	/* another writer made it */
		fd = openat(s->fd, JOURNAL_FILE, flags);
	return fd;
}

/* fd would pass size with len more bytes: the one writer that locks it
 * first while it is still the journal renames it journal.1. The
 * descriptor to write to (fd, or the new journal), or -1. */
static int
journal_rotate(struct spool *s, int fd, long size, size_t len)
{
	struct stat st, now;

	if (fstat(fd, &st) == -1 || st.st_size + (off_t)len <= size)
		return fd;
	if (flock(fd, LOCK_EX) == -1)
		return fd;
	if (fstatat(s->fd, JOURNAL_FILE, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
	    now.st_ino == st.st_ino && now.st_dev == st.st_dev)
		renameat(s->fd, JOURNAL_FILE, s->fd, JOURNAL_OLD);
	flock(fd, LOCK_UN);
	close(fd);
	return journal_open(s);
}

/* Appends "<a>,<b>" to buf[*o..] while room is left for tail bytes
 * after it; the rest is counted. */
static void
journal_rcpts(char *buf, size_t len, size_t *o, size_t tail,
    const struct spool_msg *m)
{
	int i, n;

	for (i = 0; i < m->nrcpts; i++) {
		n = snprintf(buf + *o, len - *o, "%s<%s>", i ? "," : "",
		    m->rcpts[i].addr);
		if (n < 0 || *o + (size_t)n + tail >= len)
			break;
		*o += (size_t)n;
	}
	if (i < m->nrcpts)
		*o += (size_t)snprintf(buf + *o, len - *o, "%s(%d more)",
		    i ? "," : "", m->nrcpts - i);
}

/* see journal.h */
void
journal_note(struct spool *s, long size, const struct spool_msg *m,
    const char *status, const char *relay, const char *reply)
{
	char line[JOURNAL_LINE_MAX], when[40];
	time_t now = time(NULL);
	struct tm tm;
	size_t o, i;
	int fd, n;

	if (size <= 0 || s == NULL || s->fd == -1 || s->private)
		return;
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S%z", &tm);
	n = snprintf(line, sizeof(line), "%s id=%s uid=%ld from=<%s> to=",
	    when, m->id, m->uid == SPOOL_UID_UNKNOWN ? -1L : (long)m->uid,
	    m->from);
	o = n > 0 && (size_t)n < sizeof(line) ? (size_t)n : 0;
	/* else the status and a good part of the reply still fit */
	journal_rcpts(line, sizeof(line), &o, 600, m);
	n = snprintf(line + o, sizeof(line) - o, " status=%s%s%s%s%s%s%s%s",
	    status, m->route[0] ? " route=" : "", m->route, relay ?
	    " relay=" : "", relay ? relay : "", reply ? " reply=\"" : "",
	    reply ? reply : "", reply ? "\"" : "");
	o = n < 0 ? o : o + (size_t)n >= sizeof(line) - 1 ?
	    sizeof(line) - 2 : o + (size_t)n;
	/* One line, whatever a reply or an address held. */
	for (i = 0; i < o; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	line[o++] = '\n';
	if ((fd = journal_open(s)) == -1)
		return;
	if ((fd = journal_rotate(s, fd, size, o)) == -1)
		return;
	(void)!write(fd, line, o);
	close(fd);
}

/* 1 when the line is for the reader: its uid, for a user outside the
 * group, and filter within its id, sender or recipients (the part
 * before " status="). */
static int
journal_wanted(const char *line, const char *filter, int outsider)
{
	const char *u = strstr(line, " uid="), *end = strstr(line,
	    " status="), *p;
	size_t n = filter ? strlen(filter) : 0;

	if (outsider && (u == NULL || strtol(u + 5, NULL, 10) !=
	    (long)getuid() || u[5] == '-'))
		return 0;
	if (n == 0)
		return 1;
	if (end == NULL)
		end = line + strlen(line);
	for (p = line; p + n <= end; p++)
		if (strncasecmp(p, filter, n) == 0)
			return 1;
	return 0;
}

/* see journal.h */
int
journal_show(struct spool *s, const char *filter, FILE *out)
{
	static const char *names[] = { JOURNAL_OLD, JOURNAL_FILE };
	char line[JOURNAL_LINE_MAX + 2];
	int outsider = priv_outsider(), shown = 0, found = 0, fd;
	size_t i;
	FILE *fp;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		fd = openat(s->fd, names[i], O_RDONLY | O_NOFOLLOW |
		    O_NONBLOCK | O_CLOEXEC);
		if (fd == -1 || (fp = fdopen(fd, "r")) == NULL) {
			if (fd != -1)
				close(fd);
			continue;
		}
		found = 1;
		while (fgets(line, sizeof(line), fp) != NULL)
			if (journal_wanted(line, filter, outsider)) {
				line[strcspn(line, "\n")] = '\0';
				mailq_put(out, line);
				fputc('\n', out);
				shown++;
			}
		fclose(fp);
	}
	return found ? shown : -1;
}
