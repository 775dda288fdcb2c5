/* relaymail: where words go. ISC licence, see LICENSE.
 * syslog is opened lazily, on the first line logged, so a run that has
 * nothing to say costs nothing. Lines are cut, never split, at 1 KB.
 * Set-group-ID, the [log] file is written only when it already exists,
 * is a regular file owned by root with one link, and its last component
 * is no symbolic link: a user can name or plant nothing we would open. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "priv.h"
#include "relaymail.h"
#include "util.h"

static int verbose;
static int all_to_stderr;	/* [log] stderr */
static const char *logfile;
static int opened;
static int auth_pending;	/* the next lines we send are SASL data */

/* see log.h */
void
log_init(int v, const char *file)
{
	verbose = v;
	logfile = file;
}

/* see log.h */
void
log_forget(void)
{
	if (opened)
		closelog();
	opened = 0;
	verbose = 0;
}

/* The [log] file opened for one line, or -1. Never created when the
 * process holds a group or user its caller does not. */
static int
log_file_open(void)
{
	int privileged = getegid() != getgid() || geteuid() != getuid();
	int flags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC;
	struct stat st;
	int fd;

	if (logfile == NULL || logfile[0] != '/')
		return -1;
	if (!privileged)
		return open(logfile, flags | O_CREAT, 0640);
	/* O_NONBLOCK: a FIFO planted by a user must not stall us. */
	if ((fd = open(logfile, flags | O_NONBLOCK)) == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    st.st_nlink != 1) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

/* see log.h */
int
log_file_check(char *why, size_t len)
{
	char rule[200];
	int fd;

	if (logfile == NULL || strcmp(logfile, "/dev/stderr") == 0)
		return 0;
	if ((fd = log_file_open()) != -1) {
		close(fd);
		return 0;
	}
	if (errno == EPERM)
		snprintf(rule, sizeof(rule), "set-group-ID, it must be a "
		    "regular file owned by root with one link, root:%s 0660 "
		    "(make install makes it)", priv_group_name());
	else if (errno == ENOENT)
		snprintf(rule, sizeof(rule), "it does not exist, and "
		    "set-group-ID nothing creates it (make install does)");
	else if (errno == EACCES)
		snprintf(rule, sizeof(rule), "group %s may not write it "
		    "(chmod 660)", priv_group_name());
	else
		snprintf(rule, sizeof(rule), "%s", strerror(errno));
	snprintf(why, len, "[log] file %s: this sender (uid %lu) cannot write "
	    "it: %s; its lines go to syslog only", logfile,
	    (unsigned long)getuid(), rule);
	return -1;
}

static void
log_file_write(const char *line)
{
	char buf[1200], when[64];
	int fd, n;

	/* "/dev/stderr" is descriptor 2 as it is: reopening it fails for a
	 * user who does not own the pipe behind it (a container's uid). */
	if (logfile != NULL && strcmp(logfile, "/dev/stderr") == 0)
		fd = dup(2);
	else
		fd = log_file_open();
	if (fd == -1)
		return;
	util_date(when, sizeof(when), time(NULL));
	n = snprintf(buf, sizeof(buf), "%s relaymail[%ld]: %s\n", when,
	    (long)getpid(), line);
	if (n > 0 && (size_t)n < sizeof(buf))
		(void)!write(fd, buf, (size_t)n);	/* one append */
	close(fd);
}

/* One finished line to syslog, the log file and (to_stderr) stderr. */
static void
log_write(int prio, int to_stderr, const char *line)
{
	if (!opened) {
		openlog(RELAYMAIL_IDENT, LOG_PID | LOG_NDELAY, LOG_MAIL);
		opened = 1;
	}
	syslog(prio, "%s", line);
	log_file_write(line);
	if (to_stderr || all_to_stderr)
		fprintf(stderr, "sendmail: %s\n", line);
}

static void
emit(int prio, int to_stderr, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void
emit(int prio, int to_stderr, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	log_write(prio, to_stderr, line);
}

/* see log.h */
void
log_to_stderr(int on)
{
	all_to_stderr = on;
}

/* see log.h */
void
log_user_warning(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	memcpy(line, "warning: ", 9);
	va_start(ap, fmt);
	vsnprintf(line + 9, sizeof(line) - 9, fmt, ap);
	va_end(ap);
	log_write(LOG_WARNING, 1, line);
}

/* see log.h */
void
log_tty(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_write(LOG_INFO, verbose || isatty(2), line);
}

/* see log.h */
void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(LOG_ERR, 1, fmt, ap);
	va_end(ap);
}

/* see log.h */
void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(LOG_INFO, verbose, fmt, ap);
	va_end(ap);
}

/* see log.h */
void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(LOG_WARNING, verbose, fmt, ap);
	va_end(ap);
}

/* see log.h */
void
log_verbose(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	fputs("sendmail: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* see log.h */
void
log_dialogue(int out, const char *line, size_t len)
{
	if (!verbose)
		return;
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (out && auth_pending) {
		/* A SASL response: it may be the password itself. */
		fputs("-> ********\n", stderr);
		return;
	}
	if (out && len > 5 && strncasecmp(line, "AUTH ", 5) == 0) {
		const char *sp = memchr(line + 5, ' ', len - 5);
		size_t shown = sp ? (size_t)(sp - line) : len;
		fprintf(stderr, "-> %.*s%s\n", (int)shown, line,
		    sp ? " ********" : "");
		auth_pending = 1;
		return;
	}
	if (!out && len >= 3 && line[0] != '3')
		auth_pending = 0;
	if (len > 512)
		len = 512;
	fprintf(stderr, "%s %.*s\n", out ? "->" : "<-", (int)len, line);
}
