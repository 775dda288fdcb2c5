/* relaymail: the message body on the wire. ISC licence, see LICENSE.
 * Streams the queued message from its file in fixed chunks: CRLF line
 * ends, a dot doubled at the start of a line, and no bare CR or LF ever
 * sent, whatever the file holds. Memory stays constant with the size. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "smtp.h"
#include "smtp_int.h"

#define SMTP_BODY_CHUNK	16384

/* Writes k bytes of line content p; ended says a LF follows it. A CR is
 * kept only as the first half of that CR LF (*cr is then set); any other
 * CR is bare and dropped. k == 0 leaves *cr as it was: a CR that ended
 * the previous chunk still pairs with this LF. 0, or -1 (conn_error). */
static int
smtp_write_content(struct smtp *s, const char *p, size_t k, int ended,
    int *cr)
{
	int keep;
	size_t j;

	if (k == 0)
		return 0;
	keep = ended && p[k - 1] == '\r';
	*cr = keep;
	if (memchr(p, '\r', k - (size_t)keep) == NULL)
		return conn_write(s->c, p, k);
	for (j = 0; j < k; j++)
		if ((p[j] != '\r' || (keep && j == k - 1)) &&
		    conn_write(s->c, p + j, 1) == -1)
			return -1;
	return 0;
}

/* Writes the body: CRLF line ends, a dot doubled at the start of a line.
 * The spool already holds CRLF lines; a bare CR or LF found anyway (a
 * damaged file) is repaired here, so none reaches the wire. */
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
			size_t left = (size_t)n - i, k;

			if (bol && *p == '.' && conn_write(s->c, ".", 1) == -1)
				return smtp_conn_failed(s, res, SMTP_DATA);
			bol = 0;
			nl = memchr(p, '\n', left);
			k = nl ? (size_t)(nl - p) : left;
			if (smtp_write_content(s, p, k, nl != NULL, &cr) == -1)
				return smtp_conn_failed(s, res, SMTP_DATA);
			if (nl == NULL) {
				i += k;
				continue;
			}
			if (!cr && conn_write(s->c, "\r\n", 2) == -1)
				return smtp_conn_failed(s, res, SMTP_DATA);
			if (cr && conn_write(s->c, "\n", 1) == -1)
				return smtp_conn_failed(s, res, SMTP_DATA);
			cr = 0;
			bol = 1;
			i += k + 1;
		}
	}
	if (!bol && conn_write(s->c, cr ? "\n" : "\r\n", cr ? 1 : 2) == -1)
		return smtp_conn_failed(s, res, SMTP_DATA);
	if (conn_write(s->c, ".\r\n", 3) == -1)
		return smtp_conn_failed(s, res, SMTP_DATA);
	log_dialogue(1, "(message body)", 14);
	log_dialogue(1, ".", 1);
	return smtp_flush(s, res, SMTP_EOM);
}
