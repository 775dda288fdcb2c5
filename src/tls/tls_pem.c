/* relaymail: PEM files read as a stream. ISC licence, see LICENSE.
 * A PEM file is read in 16 KB blocks and split into lines, and each
 * object's base64 is decoded as it arrives (util_b64_push), so memory is
 * one block plus one object of at most TLS_PEM_OBJ_MAX bytes, whatever
 * the size of the bundle. A peek callback may look at an object's first
 * bytes and skip the rest undecoded: the trust store needs only the
 * subject of each of its 140 certificates, at the start of each, and the
 * rest of a skipped one is passed over undecoded and unsplit. BearSSL's own PEM decoder is a small interpreter, about a
 * hundred times slower. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tls_int.h"
#include "util.h"

/* The object being decoded. */
struct tls_pem_object {
	char	 label[128];
	unsigned char *der;
	size_t	 len, cap;
	struct util_b64 b64;
	int	 open;			/* inside BEGIN..END, still good */
	int	 peeking;		/* the peek callback still decides */
};

/* The file being read, a block at a time. */
struct tls_pem_reader {
	int	 fd;
	char	 buf[16384];
	size_t	 off, len;		/* unread: buf[off .. len) */
	int	 eof;
};

/* Reads more of the file after buf[len), keeping a byte of room; eof
 * set at its end or on an error. */
static void
tls_pem_fill(struct tls_pem_reader *r)
{
	ssize_t n;

	do
		n = read(r->fd, r->buf + r->len, sizeof(r->buf) - 1 - r->len);
	while (n == -1 && errno == EINTR);
	if (n <= 0)
		r->eof = 1;
	else
		r->len += (size_t)n;
}

/* The next line (its newline kept, then a NUL) at *line, or NULL at the
 * end of the file. A line longer than the block comes in pieces. */
static char *
tls_pem_line(struct tls_pem_reader *r)
{
	char *nl, *line;

	for (;;) {
		nl = memchr(r->buf + r->off, '\n', r->len - r->off);
		if (nl == NULL && r->off > 0 && !r->eof) {
			memmove(r->buf, r->buf + r->off, r->len - r->off);
			r->len -= r->off;
			r->off = 0;
		}
		if (nl == NULL && !r->eof && r->len < sizeof(r->buf) - 1) {
			tls_pem_fill(r);
			continue;
		}
		if (r->off == r->len)
			return NULL;
		line = r->buf + r->off;
		if (nl == NULL)
			nl = r->buf + r->len - 1;	/* a piece, or the end */
		/* The byte after the line is the next one's first, or spare
		 * room: keep it, and put the NUL there only for this call. */
		r->off = (size_t)(nl + 1 - r->buf);
		return line;
	}
}

/* Passes over the rest of an object being dropped: the reader goes to
 * the next line that starts with '-' (its END, or the BEGIN of another
 * when it has none), or to the end of the file. Base64 has no '-', so
 * memchr finds it without splitting the lines. */
static void
tls_pem_skip(struct tls_pem_reader *r)
{
	char *dash;
	int bol;

	for (;;) {
		dash = memchr(r->buf + r->off, '-', r->len - r->off);
		while (dash != NULL && dash > r->buf && dash[-1] != '\n')
			dash = memchr(dash + 1, '-', (size_t)(r->buf + r->len -
			    dash - 1));
		if (dash != NULL) {
			r->off = (size_t)(dash - r->buf);
			return;
		}
		if (r->eof) {
			r->off = r->len;
			return;
		}
		/* The last byte says whether the next block starts a line. */
		bol = r->len > 0 && r->buf[r->len - 1] == '\n';
		r->buf[0] = bol ? '\n' : ' ';
		r->off = r->len = 1;
		tls_pem_fill(r);
	}
}

static void
tls_pem_begin(struct tls_pem_object *o, const char *line)
{
	struct util_b64 zero = UTIL_B64_ZERO;

	util_strlcpy(o->label, line + 11, sizeof(o->label));
	o->label[strcspn(o->label, "-\r\n")] = '\0';
	o->len = 0;
	o->b64 = zero;
	o->open = 1;
	o->peeking = 1;
}

/* Makes room for the bytes n more base64 characters can give; 0, or -1
 * when that would pass TLS_PEM_OBJ_MAX (or memory is short). */
static int
tls_pem_room(struct tls_pem_object *o, size_t n)
{
	size_t need = o->len + n / 4 * 3 + 3, cap = o->cap ? o->cap : 2048;
	unsigned char *nb;

	if (need <= o->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	if (cap > TLS_PEM_OBJ_MAX || (nb = malloc(cap)) == NULL)
		return -1;
	/* Not realloc: the old block may hold part of a private key. */
	if (o->der != NULL) {
		memcpy(nb, o->der, o->len);
		explicit_bzero(o->der, o->cap);
		free(o->der);
	}
	o->der = nb;
	o->cap = cap;
	return 0;
}

/* One line of base64; an object that fails to decode is dropped. */
static void
tls_pem_body(struct tls_pem_object *o, const char *line, size_t n)
{
	long k;

	if (tls_pem_room(o, n) == -1 || (k = util_b64_push(&o->b64, line, n,
	    o->der + o->len, o->cap - o->len)) < 0) {
		o->open = 0;
		return;
	}
	o->len += (size_t)k;
}

/* see tls_int.h */
int
tls_pem_each_peek(const char *path, tls_pem_peek peek, tls_pem_cb cb,
    void *arg, char *err, size_t errlen)
{
	struct tls_pem_reader *rd;
	struct tls_pem_object o;
	char *line, save;
	size_t n;
	int r = 0;

	if ((rd = malloc(sizeof(*rd))) == NULL)
		return util_err(err, errlen, "%s: %s", path, strerror(errno));
	if ((rd->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		free(rd);
		return util_err(err, errlen, "%s: %s", path, strerror(errno));
	}
	rd->off = rd->len = 0;
	rd->eof = 0;
	memset(&o, 0, sizeof(o));
	while (r == 0 && (line = tls_pem_line(rd)) != NULL) {
		n = (size_t)(rd->buf + rd->off - line);
		save = line[n];
		line[n] = '\0';
		if (line[0] == '-' && n > 11 &&
		    strncmp(line, "-----BEGIN ", 11) == 0)
			tls_pem_begin(&o, line);
		else if (line[0] == '-' && n > 9 &&
		    strncmp(line, "-----END ", 9) == 0) {
			if (o.open && o.len > 0)
				r = cb(arg, o.label, o.der, o.len);
			o.open = 0;
		} else if (o.open) {
			tls_pem_body(&o, line, n);
			if (o.open && o.peeking && peek != NULL)
				switch (peek(arg, o.label, o.der, o.len)) {
				case TLS_PEM_SKIP:
					o.open = 0;
					line[n] = save;
					tls_pem_skip(rd);
					continue;
				case TLS_PEM_KEEP:
					o.peeking = 0;
					break;
				}
		}
		line[n] = save;
	}
	close(rd->fd);
	free(rd);
	if (o.der != NULL) {
		explicit_bzero(o.der, o.cap);	/* it may be a private key */
		free(o.der);
	}
	return r < 0 ? -1 : r;
}

/* see tls_int.h */
int
tls_pem_each(const char *path, tls_pem_cb cb, void *arg, char *err,
    size_t errlen)
{
	return tls_pem_each_peek(path, NULL, cb, arg, err, errlen);
}
