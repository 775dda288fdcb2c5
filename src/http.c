/* relaymail: a minimal HTTPS client for the OAuth token endpoint.
 * ISC licence, see LICENSE. Connects with net.c, verifies with tls.c (no
 * plain http: the form carries a client secret or a refresh token), sends
 * one request with "Connection: close" and reads the reply into the
 * caller's capped buffer; a reply longer than the buffer is an error. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "net.h"
#include "relaymail.h"
#include "tls/tls.h"
#include "util.h"

/* see http.h */
int
http_url_parse(const char *url, struct http_url *u, char *err, size_t errlen)
{
	const char *h, *end, *p;
	size_t n;

	memset(u, 0, sizeof(*u));
	if (strncasecmp(url, "https://", 8) != 0)
		return util_err(err, errlen, "%s: not an https:// URL", url);
	h = url + 8;
	p = h + strcspn(h, "/?#");
	if (*h == '[') {
		if ((end = memchr(h, ']', (size_t)(p - h))) == NULL)
			return util_err(err, errlen, "%s: bad host", url);
		h++;
	} else
		end = h + strcspn(h, ":/?#");
	n = (size_t)(end - h);
	if (n == 0 || n >= sizeof(u->host))
		return util_err(err, errlen, "%s: bad host", url);
	memcpy(u->host, h, n);
	end += *end == ']';
	snprintf(u->port, sizeof(u->port), "443");
	if (*end == ':') {
		n = (size_t)(p - end - 1);
		if (n == 0 || n >= sizeof(u->port) ||
		    strspn(end + 1, "0123456789") < n)
			return util_err(err, errlen, "%s: bad port", url);
		memcpy(u->port, end + 1, n);
		u->port[n] = '\0';
	} else if (end != p)
		return util_err(err, errlen, "%s: bad host", url);
	if (*p == '#' || strchr(p, '#') != NULL)
		return util_err(err, errlen, "%s: a fragment in the URL", url);
	if (snprintf(u->path, sizeof(u->path), "%s%s", *p == '/' ? "" : "/",
	    p) >= (int)sizeof(u->path))
		return util_err(err, errlen, "%s: path too long", url);
	for (n = 0; u->path[n] != '\0'; n++)
		if ((unsigned char)u->path[n] <= ' ' || u->path[n] == 0x7f)
			return util_err(err, errlen, "%s: bad path", url);
	return 0;
}

/* The first n-byte needle in hay[0..len), or NULL (memmem is a GNU
 * extension). */
static char *
http_find(const char *hay, size_t len, const char *needle, size_t n)
{
	size_t i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(hay + i, needle, n) == 0)
			return (char *)(uintptr_t)(hay + i);
	return NULL;
}

/* The line at *p (up to LF) within end: its start, and *p moved past
 * it; its length without CR LF in *n. NULL when no LF is there yet. */
static const char *
http_line(const char **p, const char *end, size_t *n)
{
	const char *s = *p, *lf = memchr(s, '\n', (size_t)(end - s));

	if (lf == NULL)
		return NULL;
	*p = lf + 1;
	*n = (size_t)(lf - s) - (lf > s && lf[-1] == '\r');
	return s;
}

/* The status line and the two headers that frame the body, in
 * buf[0..end): looked at once, when the head is whole. */
static int
http_head(const char *buf, const char *end, int *status, long *clen,
    int *chunked)
{
	const char *p = buf, *line;
	size_t n;

	if ((line = http_line(&p, end, &n)) == NULL || n < 12 ||
	    strncmp(line, "HTTP/1.", 7) != 0 || line[8] != ' ' ||
	    !isdigit((unsigned char)line[9]) ||
	    !isdigit((unsigned char)line[10]) ||
	    !isdigit((unsigned char)line[11]))
		return -1;
	*status = atoi(line + 9);
	*clen = -1;
	*chunked = 0;
	while ((line = http_line(&p, end, &n)) != NULL && n > 0) {
		if (n > 15 && strncasecmp(line, "content-length:", 15) == 0) {
			char num[16];
			size_t k = strspn(line + 15, " \t");
			if (n - 15 - k == 0 || n - 15 - k >= sizeof(num))
				return -1;
			memcpy(num, line + 15 + k, n - 15 - k);
			num[n - 15 - k] = '\0';
			num[strcspn(num, " \t")] = '\0';
			if (num[strspn(num, "0123456789")] != '\0')
				return -1;
			*clen = atol(num);
		} else if (n > 18 && strncasecmp(line, "transfer-encoding:",
		    18) == 0)
			*chunked = http_find(line, n, "chunked", 7) != NULL;
	}
	return 0;
}

/* Finds the empty line that ends the head (LF LF or LF CR LF), going on
 * from where the last call stopped: 1 with rd->body set, 0 when it is
 * not there yet. */
static int
http_head_end(struct http_reader *rd, const char *buf, size_t len)
{
	size_t i;

	for (i = rd->scanned; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		/* Undecided until the bytes after this LF have come. */
		if (i + 1 >= len || (buf[i + 1] == '\r' && i + 2 >= len))
			break;
		if (buf[i + 1] == '\n') {
			rd->body = i + 2;
			return 1;
		}
		if (buf[i + 1] == '\r' && buf[i + 2] == '\n') {
			rd->body = i + 3;
			return 1;
		}
	}
	rd->scanned = i;
	return 0;
}

/* A chunk-size line (RFC 9112 7.1: hex digits, then extensions after
 * ";"): the size, or -1. */
static long
http_chunk_size(const char *line, size_t n)
{
	size_t k;
	long size = 0;

	for (k = 0; k < n && isxdigit((unsigned char)line[k]); k++) {
		if (k == 7)
			return -1;	/* over 256 MiB: never ours */
		size = size * 16 + (isdigit((unsigned char)line[k]) ?
		    line[k] - '0' : tolower((unsigned char)line[k]) - 'a' + 10);
	}
	if (k == 0 || (k < n && line[k] != ';' && line[k] != ' '))
		return -1;
	return size;
}

/* The next size or trailer line at rd->next, its LF searched only in
 * bytes not searched before: its length without CR LF in *n and the
 * offset after its LF in *after; 0 when it is not whole yet, -1 when it
 * is over HTTP_LINE_MAX. */
static int
http_chunk_line(struct http_reader *rd, const char *buf, size_t len,
    size_t *n, size_t *after)
{
	const char *lf;

	if (rd->line_scan < rd->next)
		rd->line_scan = rd->next;
	lf = memchr(buf + rd->line_scan, '\n', len - rd->line_scan);
	if (lf == NULL) {
		rd->line_scan = len;
		return len - rd->next > HTTP_LINE_MAX ? -1 : 0;
	}
	*n = (size_t)(lf - (buf + rd->next));
	if (*n > HTTP_LINE_MAX)
		return -1;
	*n -= *n > 0 && lf[-1] == '\r';
	*after = (size_t)(lf - buf) + 1;
	return 1;
}

/* Chunked transfer coding, going on from where the last call stopped:
 * each chunk's data is moved down to buf[rd->out..] once it is whole
 * (over size lines already read), so each byte is looked at and moved
 * once. 1 at the end of the trailer, 0 when more is needed, -1 when
 * malformed. */
static int
http_chunks(struct http_reader *rd, char *buf, size_t len)
{
	size_t n, after;
	long size;
	int r;

	for (;;) {
		if (rd->data_end != 0) {	/* a chunk's data */
			if (len < rd->data_end)
				return 0;
			if (buf[rd->data_end - 2] != '\r' ||
			    buf[rd->data_end - 1] != '\n')
				return -1;
			n = rd->data_end - 2 - rd->next;
			memmove(buf + rd->out, buf + rd->next, n);
			rd->out += n;
			rd->next = rd->data_end;
			rd->data_end = 0;
		}
		if ((r = http_chunk_line(rd, buf, len, &n, &after)) != 1)
			return r;
		if (rd->trailer) {	/* trailer fields, to an empty line */
			rd->next = after;
			if (n == 0)
				return 1;
			continue;
		}
		if ((size = http_chunk_size(buf + rd->next, n)) == -1)
			return -1;
		rd->next = after;
		if (size == 0)
			rd->trailer = 1;
		else	/* its data and CR LF */
			rd->data_end = after + (size_t)size + 2;
	}
}

/* see http.h */
int
http_reply_parse(struct http_reader *rd, char *buf, size_t len, int eof,
    int *status, size_t *bodylen)
{
	size_t from;
	int r;

	if (rd->body == 0) {
		if (http_head_end(rd, buf, len) == 0)
			return eof ? -1 : 0;
		if (http_head(buf, buf + rd->body, &rd->status, &rd->clen,
		    &rd->chunked) == -1)
			return -1;
		rd->next = rd->out = rd->body;
	}
	*status = rd->status;
	from = rd->body;
	if (rd->chunked) {
		if ((r = http_chunks(rd, buf, len)) != 1)
			return r == 0 && eof ? -1 : r;
		*bodylen = rd->out - rd->body;
	} else if (rd->clen >= 0) {
		if (len - rd->body < (size_t)rd->clen)
			return eof ? -1 : 0;
		*bodylen = (size_t)rd->clen;
	} else {
		if (!eof)
			return 0;
		*bodylen = len - rd->body;
	}
	memmove(buf, buf + from, *bodylen);
	buf[*bodylen] = '\0';
	return 1;
}

/* Sends the request and reads the reply over t. */
static int
http_exchange(const struct http_url *u, const struct transport *t,
    const char *form, char *buf, size_t buflen, int *status,
    size_t *bodylen, char *err, size_t errlen)
{
	char head[HTTP_PATH_MAX + HTTP_HOST_MAX + 256];
	struct http_reader rd = HTTP_READER_ZERO;
	size_t len = 0;
	ssize_t n;
	int r, hn;

	hn = snprintf(head, sizeof(head), "POST %s HTTP/1.1\r\nHost: %s%s%s"
	    "%s%s\r\nUser-Agent: relaymail/%s\r\nAccept: application/json\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n", u->path,
	    strchr(u->host, ':') ? "[" : "", u->host,
	    strchr(u->host, ':') ? "]" : "", strcmp(u->port, "443") ? ":" : "",
	    strcmp(u->port, "443") ? u->port : "", RELAYMAIL_VERSION,
	    strlen(form));
	if (hn < 0 || (size_t)hn >= sizeof(head))
		return util_err(err, errlen, "request too long");
	if (t->write(t->ctx, head, (size_t)hn) == -1 ||
	    t->write(t->ctx, form, strlen(form)) == -1 ||
	    t->flush(t->ctx) == -1)
		return util_err(err, errlen, "%s", t->errstr(t->ctx));
	for (;;) {
		/* One byte stays free for the NUL after the body. */
		if (len + 1 >= buflen)
			return util_err(err, errlen, "reply over %zu bytes",
			    buflen - 1);
		n = t->read(t->ctx, buf + len, buflen - 1 - len);
		if (n > 0)
			len += (size_t)n;
		r = http_reply_parse(&rd, buf, len, n <= 0, status, bodylen);
		if (r == 1)
			return 0;
		if (r == -1 && n == -1)
			return util_err(err, errlen, "%s", t->errstr(t->ctx));
		if (r == -1)
			return util_err(err, errlen, "malformed HTTP reply");
	}
}

/* see http.h */
int
http_post_form(const char *url, const char *ca_file, const char *form,
    int timeout_s, char *buf, size_t buflen, int *status, size_t *bodylen,
    char *err, size_t errlen)
{
	struct http_url u;
	struct net net;
	struct tls *tls = NULL;
	struct tls_params tp;
	struct transport lower, up;
	char why[300];
	int r = -1;

	if (http_url_parse(url, &u, err, errlen) == -1)
		return -1;
	memset(&net, 0, sizeof(net));
	net.fd = -1;
	if (net_connect(&net, u.host, u.port, timeout_s) == -1)
		return util_err(err, errlen, "%s:%s: %s", u.host, u.port,
		    net.err);
	net_transport(&net, &lower);
	lower.deadline(lower.ctx, conn_now_ms() + (int64_t)timeout_s * 1000);
	memset(&tp, 0, sizeof(tp));
	tp.host = u.host;
	tp.verify = 1;
	tp.ca_file = ca_file ? ca_file : RELAYMAIL_CA_FILE;
	if ((tls = tls_new()) == NULL)
		util_err(why, sizeof(why), "TLS: out of memory");
	else if (tls_start(tls, &tp, &lower, why, sizeof(why)) == 0) {
		tls_transport(tls, &up);
		r = http_exchange(&u, &up, form, buf, buflen, status, bodylen,
		    why, sizeof(why));
	}
	if (r == -1)
		util_err(err, errlen, "%s:%s: %s", u.host, u.port, why);
	tls_free(tls);
	net_close(&net);
	return r;
}
