/* relaymail: where words go. ISC licence, see LICENSE.
 * syslog (LOG_MAIL, ident relaymail) always; stderr for errors the caller
 * must see, and for everything else only with -v; an optional log file.
 * Only main.c and relay.c call these: modules below them never print. */
#ifndef LOG_H
#define LOG_H

#include <stddef.h>

/* verbose: -v given. file: [log] file or NULL. Opens nothing yet. */
void	 log_init(int verbose, const char *file);

/* One line for the person who ran the command: stderr ("sendmail: ...")
 * and syslog at LOG_ERR. */
void	 log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A record of what happened: syslog (LOG_INFO or LOG_WARNING) and the log
 * file; stderr only with -v. */
void	 log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* -v only: stderr. */
void	 log_verbose(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/* -v only: one line of the SMTP dialogue; out = 1 for what we sent.
 * AUTH payloads are masked. */
void	 log_dialogue(int out, const char *line, size_t len);

int	 log_is_verbose(void);

#endif
