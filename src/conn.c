/* relaymail: buffered line I/O over a transport. ISC licence.
 * Input and output buffers are fixed (CONN_BUF bytes each): a server
 * cannot make us grow. The first error sticks; every call after it fails
 * at once with the same text, so callers check once, at the end. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "conn.h"

/* see conn.h */
int64_t
conn_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* see conn.h */
void
conn_init(struct conn *c, const struct transport *t)
{
	memset(c, 0, sizeof(*c));
	c->t = *t;
}

/* see conn.h */
int
conn_fail(struct conn *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err[0] != '\0')
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	if (c->err[0] == '\0')
		c->err[0] = '?';
	return -1;
}

/* see conn.h */
const char *
conn_error(const struct conn *c)
{
	return c->err[0] != '\0' ? c->err : "no error";
}

static int
transport_fail(struct conn *c, const char *what)
{
	const char *why = c->t.errstr ? c->t.errstr(c->t.ctx) : NULL;

	return conn_fail(c, "%s: %s", what, why && *why ? why : "failed");
}

/* see conn.h */
void
conn_timeout(struct conn *c, int seconds)
{
	int64_t when = conn_now_ms() + (int64_t)seconds * 1000;

	if (c->limit_ms != 0 && c->limit_ms < when)
		when = c->limit_ms;
	if (c->t.deadline != NULL)
		c->t.deadline(c->t.ctx, when);
}

/* see conn.h */
void
conn_limit(struct conn *c, int seconds)
{
	c->limit_ms = seconds > 0 ? conn_now_ms() + (int64_t)seconds * 1000
	    : 0;
}

/* see conn.h */
size_t
conn_pending(const struct conn *c)
{
	return c->in_len - c->in_off;
}

/* see conn.h */
int
conn_getline(struct conn *c, char **line, size_t *len)
{
	char *nl;
	ssize_t n;

	if (c->err[0] != '\0')
		return -1;
	for (;;) {
		nl = memchr(c->in + c->in_off, '\n', c->in_len - c->in_off);
		if (nl != NULL)
			break;
		if (c->eof) {
			if (c->in_len == c->in_off)
				return 0;
			return conn_fail(c, "connection closed in the middle "
			    "of a line");
		}
		/* Slide what is left to the front, then fill. */
		if (c->in_off > 0) {
			memmove(c->in, c->in + c->in_off,
			    c->in_len - c->in_off);
			c->in_len -= c->in_off;
			c->in_off = 0;
		}
		if (c->in_len == CONN_BUF)
			return conn_fail(c, "line longer than %d bytes",
			    CONN_BUF);
		n = c->t.read(c->t.ctx, c->in + c->in_len,
		    CONN_BUF - c->in_len);
		if (n < 0)
			return transport_fail(c, "read");
		if (n == 0)
			c->eof = 1;
		c->in_len += (size_t)n;
	}
	*line = c->in + c->in_off;
	*len = (size_t)(nl - *line);
	c->in_off += *len + 1;
	if (*len > 0 && (*line)[*len - 1] == '\r')
		(*len)--;
	(*line)[*len] = '\0';
	return 1;
}

static int
drain(struct conn *c)
{
	if (c->out_len == 0)
		return 0;
	if (c->t.write(c->t.ctx, c->out, c->out_len) < 0)
		return transport_fail(c, "write");
	c->out_len = 0;
	return 0;
}

/* see conn.h */
int
conn_write(struct conn *c, const void *buf, size_t len)
{
	const char *p = buf;

	if (c->err[0] != '\0')
		return -1;
	while (len > 0) {
		size_t room = CONN_BUF - c->out_len;
		size_t k = len < room ? len : room;

		memcpy(c->out + c->out_len, p, k);
		c->out_len += k;
		p += k;
		len -= k;
		if (c->out_len == CONN_BUF && drain(c) == -1)
			return -1;
	}
	return 0;
}

/* see conn.h */
int
conn_flush(struct conn *c)
{
	if (c->err[0] != '\0')
		return -1;
	if (drain(c) == -1)
		return -1;
	if (c->t.flush != NULL && c->t.flush(c->t.ctx) == -1)
		return transport_fail(c, "write");
	return 0;
}

/* see conn.h */
int
conn_starttls(struct conn *c, const struct transport *tls)
{
	if (conn_pending(c) > 0)
		return conn_fail(c, "the server sent %zu bytes after its "
		    "reply to STARTTLS and before the TLS handshake "
		    "(response injection?)", conn_pending(c));
	c->t = *tls;
	c->eof = 0;
	c->in_off = c->in_len = 0;
	return 0;
}
