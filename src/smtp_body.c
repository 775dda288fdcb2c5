/* relaymail: the message body on the wire. ISC licence, see LICENSE.
 * Streams the queued message from its file in fixed chunks, a dot
 * doubled at the start of each line. The file holds CRLF lines and no
 * other CR or LF: msg.c made them so where the message came in, and
 * bounce.c writes its reports so; nothing is repaired here. A file that
 * breaks that rule is damaged and is not sent: a bare CR or LF could end
 * DATA early on some servers. Memory stays constant with the size. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "smtp.h"
#include "smtp_int.h"

#ifndef SMTP_BODY_CHUNK
#define SMTP_BODY_CHUNK	16384	/* tests shrink it to cross chunks */
#endif

/* Is the piece p[0..k) of a line (ended by its LF when nl) made of
 * content and one CR LF? *cr: the piece before ended in the CR of a CR
 * LF split between chunks; set when this one does. 1 when it is not. */
static int
smtp_body_damaged(const char *p, size_t k, int nl, int *cr)
{
	const char *c = memchr(p, '\r', k);

	if (*cr) {
		*cr = 0;
		return !nl || k != 1;
	}
	if (nl)
		return k < 2 || c != p + k - 2;
	if (c == NULL)
		return 0;
	*cr = 1;
	return c != p + k - 1;
}

/* The message cannot go as it is, and the server has part of it: the
 * connection is dropped (no final dot, so nothing is delivered) and the
 * message fails for good. */
static int
smtp_body_refused(struct smtp *s, struct smtp_result *res)
{
	smtp_fail(s, res, SMTP_DATA, ERR_DATA, "the queued message is "
	    "damaged (a line not ended by CR LF): not sent");
	s->usable = 0;
	return -1;
}

/* see smtp_int.h */
int
smtp_send_body(struct smtp *s, struct envelope *env, struct smtp_result *res)
{
	static char buf[SMTP_BODY_CHUNK];
	off_t off = env->off, end = env->off + env->len;
	int bol = 1, cr = 0;

	while (off < end) {
		size_t want = (size_t)(end - off) < sizeof(buf) ?
		    (size_t)(end - off) : sizeof(buf);
		ssize_t n = pread(env->fd, buf, want, off);
		size_t i = 0;

		if (n <= 0)
			return smtp_fail(s, res, SMTP_DATA, ERR_TEMP,
			    "reading the queued message: %s", n == 0 ?
			    "file shorter than expected" : strerror(errno));
		off += n;
		conn_timeout(s->c, s->p->timeout);
		while (i < (size_t)n) {
			char *p = buf + i, *nl;
			size_t k;

			if (bol && *p == '.' && conn_write(s->c, ".", 1) == -1)
				return smtp_conn_failed(s, res, SMTP_DATA);
			nl = memchr(p, '\n', (size_t)n - i);
			k = nl != NULL ? (size_t)(nl - p) + 1 : (size_t)n - i;
			if (smtp_body_damaged(p, k, nl != NULL, &cr))
				return smtp_body_refused(s, res);
			if (conn_write(s->c, p, k) == -1)
				return smtp_conn_failed(s, res, SMTP_DATA);
			bol = nl != NULL;
			i += k;
		}
	}
	if (!bol)	/* the last line has no CR LF */
		return smtp_body_refused(s, res);
	if (conn_write(s->c, ".\r\n", 3) == -1)
		return smtp_conn_failed(s, res, SMTP_DATA);
	log_dialogue(1, "(message body)", 14);
	log_dialogue(1, ".", 1);
	return smtp_flush(s, res, SMTP_EOM);
}
