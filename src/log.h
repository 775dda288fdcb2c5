/* relaymail: where words go. ISC licence, see LICENSE.
 * syslog (LOG_MAIL, ident relaymail) always; stderr for errors the caller
 * must see, and for everything else only with -v; an optional log file.
 * Called by the modules that decide what a run says: main.c, admin.c,
 * bsmtp.c, submit.c (the commands), relay.c and session.c (delivery),
 * cred.c and aliases.c (about the settings), and the -v transcript from
 * smtp.c. Parsers, the queue and the transports never print. */
#ifndef LOG_H
#define LOG_H

#include <stddef.h>

/* verbose: -v given. file: [log] file or NULL. Opens nothing yet. */
void	 log_init(int verbose, const char *file);

/* For a process about to close every descriptor (the runner): syslog's
 * is closed first (the next line opens it again), and -v is over. */
void	 log_forget(void);

/* One line for the person who ran the command: stderr ("sendmail: ...")
 * and syslog at LOG_ERR. */
void	 log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A record of what happened, for the log: syslog (LOG_INFO or
 * LOG_WARNING) and the log file; stderr only with -v, so a caller that
 * treats any output as failure never sees it. A warning that the person
 * must act on is log_user_warning's. */
void	 log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Something a person must act on although nothing failed for good (the
 * settings keep mail from going, a password file others can read):
 * stderr "sendmail: warning: ..." always, and syslog at LOG_WARNING. */
void	 log_user_warning(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/* A record that a person typing the command wants to see (queued for a
 * passing reason): syslog at LOG_INFO; stderr only when it is a terminal
 * or with -v, so callers that treat any output as failure stay happy. */
void	 log_tty(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* [log] stderr = yes: every line also goes to stderr, for containers
 * without /dev/log. */
void	 log_to_stderr(int on);

/* -v only: stderr. */
void	 log_verbose(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/* -v only: one line of the SMTP dialogue; out = 1 for what we sent.
 * AUTH payloads are masked. */
void	 log_dialogue(int out, const char *line, size_t len);

/* Whether this process can write the [log] file under the rules that
 * keep a user from steering it (set-group-ID: it exists, is a regular
 * file owned by root with one link, and the group may write it: make
 * install makes it root:group 0660). 0 when it can (or none is set),
 * else -1 with why in one sentence: for -bt, which says it once. */
int	 log_file_check(char *why, size_t len);

#endif
