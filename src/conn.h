/* relaymail: buffered line I/O over a transport. ISC licence, see LICENSE.
 * A transport is three calls and a context; conn adds bounded buffering.
 * Errors are sticky: the first one is kept in conn_error() and every later
 * call fails at once. */
#ifndef CONN_H
#define CONN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct transport {
	/* >0 bytes, 0 on EOF, -1 on error (reason via errstr). */
	ssize_t	(*read)(void *ctx, void *buf, size_t len);
	/* Writes all of buf or fails: len, or -1. */
	ssize_t	(*write)(void *ctx, const void *buf, size_t len);
	int	(*flush)(void *ctx);			/* 0 or -1 */
	/* Absolute deadline, CLOCK_MONOTONIC milliseconds, for every later
	 * read/write/flush until changed; 0 = none. */
	void	(*deadline)(void *ctx, int64_t when_ms);
	/* The reason for the last -1, one line. */
	const char *(*errstr)(void *ctx);
	void	 *ctx;
};

#ifndef CONN_BUF
#define CONN_BUF	16384	/* replies only: a longer line is an error */
#endif

struct conn {
	struct transport t;
	char	 in[CONN_BUF + 1];	/* +1 for a terminating NUL */
	size_t	 in_off, in_len;	/* unread bytes: in[in_off..in_len) */
	char	 out[CONN_BUF];
	size_t	 out_len;
	int	 eof;
	int64_t	 limit_ms;		/* session deadline, 0 = none */
	char	 err[256];		/* sticky: first error wins */
};

/* Starts a conn over t. Never fails. */
void	 conn_init(struct conn *, const struct transport *t);

/* Reads one line ending in LF (CR LF or LF). On 1, *line points at the
 * line without its ending, NUL-terminated, valid until the next call, and
 * *len is its length. 0 on EOF before any byte, -1 on error (a line over
 * CONN_BUF bytes is an error). Sets conn_error() on -1. */
int	 conn_getline(struct conn *, char **line, size_t *len);

/* Buffered output; flushed by conn_flush() or when the buffer fills.
 * 0 or -1 (conn_error() set). */
int	 conn_write(struct conn *, const void *buf, size_t len);
int	 conn_flush(struct conn *);

/* Sets the deadline for every later operation: now + seconds. */
void	 conn_timeout(struct conn *, int seconds);

/* A deadline for the whole session: no later deadline set by
 * conn_timeout goes past now + seconds. 0 removes it. */
void	 conn_limit(struct conn *, int seconds);

/* Unread input pending? Used by the STARTTLS injection check. */
size_t	 conn_pending(const struct conn *);

/* Switches to a new transport (after a TLS handshake). Fails with a
 * protocol error, and sets conn_error(), if unread input is buffered:
 * bytes that arrived before the handshake must never count as replies. */
int	 conn_starttls(struct conn *, const struct transport *tls);

/* Records an error (printf style) unless one is already set. Returns -1. */
int	 conn_fail(struct conn *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
const char *conn_error(const struct conn *);

/* Milliseconds on CLOCK_MONOTONIC. */
int64_t	 conn_now_ms(void);

#endif
