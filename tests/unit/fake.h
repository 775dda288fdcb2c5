/* relaymail: a scripted in-memory transport for unit tests. ISC licence.
 * The "server" side is a fixed byte string handed out, like a server
 * answering one command at a time, one reply per read at most (or, with
 * `burst`, all at once, as a server that sends stray replies would), in
 * reads of at most `step` bytes; everything written is captured. */
#ifndef FAKE_H
#define FAKE_H

#include <string.h>

#include "conn.h"

struct fake {
	const char *in;		/* what the server says */
	size_t	 in_len, in_off;
	size_t	 step;		/* bytes per read; 0 = the whole reply */
	int	 burst;		/* hand out several replies in one read */
	size_t	 burst_at;	/* ... from this offset on */
	char	 out[1 << 16];	/* what the client wrote */
	size_t	 out_len;
	int	 writes;	/* write calls */
	int	 flushes;
};

/* The bytes up to the end of the first whole reply in p (its last line
 * has a space or nothing after the code), or all of them. */
static size_t
fake_reply_len(const char *p, size_t n)
{
	size_t off = 0;

	while (off < n) {
		const char *nl = memchr(p + off, '\n', n - off);
		size_t end = nl ? (size_t)(nl - p) + 1 : n;
		size_t len = end - off;
		if (len < 5 || p[off + 3] != '-')
			return end;
		off = end;
	}
	return n;
}

static ssize_t
fake_read(void *ctx, void *buf, size_t len)
{
	struct fake *f = ctx;
	size_t n = f->in_len - f->in_off;

	if (!f->burst || f->in_off < f->burst_at)
		n = fake_reply_len(f->in + f->in_off, n);
	if (f->step && n > f->step)
		n = f->step;
	if (n > len)
		n = len;
	memcpy(buf, f->in + f->in_off, n);
	f->in_off += n;
	return (ssize_t)n;
}

static ssize_t
fake_write(void *ctx, const void *buf, size_t len)
{
	struct fake *f = ctx;

	if (f->out_len + len > sizeof(f->out))
		return -1;
	memcpy(f->out + f->out_len, buf, len);
	f->out_len += len;
	f->writes++;
	return (ssize_t)len;
}

static int
fake_flush(void *ctx)
{
	((struct fake *)ctx)->flushes++;
	return 0;
}

static void
fake_deadline(void *ctx, int64_t when)
{
	(void)ctx;
	(void)when;
}

static const char *
fake_errstr(void *ctx)
{
	(void)ctx;
	return "fake transport error";
}

static void
fake_init(struct fake *f, struct transport *t, const char *server)
{
	memset(f, 0, sizeof(*f));
	f->in = server;
	f->in_len = strlen(server);
	t->read = fake_read;
	t->write = fake_write;
	t->flush = fake_flush;
	t->deadline = fake_deadline;
	t->errstr = fake_errstr;
	t->ctx = f;
}

#endif
