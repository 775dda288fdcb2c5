/* relaymail: delivery status notifications. ISC licence, see LICENSE.
 * The report is multipart/report (RFC 3462) with a text part, a
 * message/delivery-status part (RFC 3464) and the original header as
 * text/rfc822-headers; it is written with CRLF lines, like any spool file. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bounce.h"
#include "util.h"

#define HEADER_COPY_MAX	65536	/* of the original header */

struct bounce_out {
	int	 fd;
	off_t	 len;
	int	 err;
};

static void
bounce_put(struct bounce_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
bounce_put(struct bounce_out *o, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	if (write(o->fd, buf, (size_t)n) != n)
		o->err = 1;
	o->len += n;
}

/* The original header, up to the blank line, at most HEADER_COPY_MAX;
 * cut there, it still ends with CR LF (the spool holds nothing else). */
static void
copy_header(struct bounce_out *o, int fd, off_t len)
{
	char buf[4096], last = '\n';
	off_t off = 0;
	int nl = 0;

	while (off < len && off < HEADER_COPY_MAX) {
		ssize_t n = pread(fd, buf, sizeof(buf), off), i;
		if (n <= 0)
			break;
		for (i = 0; i < n && off + i < len; i++) {
			/* "\r\n\r\n" ends the header. */
			nl = buf[i] == '\n' ? nl + 1 : buf[i] == '\r' ? nl : 0;
			if (nl == 2) {
				if (write(o->fd, buf, (size_t)i + 1) !=
				    i + 1)
					o->err = 1;
				o->len += i + 1;
				return;
			}
		}
		if (write(o->fd, buf, (size_t)i) != i)
			o->err = 1;
		o->len += i;
		off += i;
		if (i > 0)
			last = buf[i - 1];
	}
	bounce_put(o, last == '\r' ? "\n" : "\r\n");
}

/* see bounce.h */
int
bounce_create(const struct conf *c, struct spool *s,
    const struct spool_msg *m, const char *reason, struct spool_msg *b,
    char *err, size_t errlen)
{
	const char *to = c->bounce_to ? c->bounce_to : m->from;
	const char *host = util_hostname();
	const char *domain = c->domain ? c->domain : host;
	char date[64], arrival[64];
	struct bounce_out o;
	int i, any = 0;

	if (!c->bounce || m->from[0] == '\0')
		return 1;
	if (spool_create(s, b, err, errlen) == -1)
		return -1;
	o.fd = b->fd;
	o.len = 0;
	o.err = 0;
	util_date(date, sizeof(date), time(NULL));
	util_date(arrival, sizeof(arrival), m->arrival);
	for (i = 0; i < m->nrcpts; i++)
		any |= m->rcpts[i].state == SPOOL_RCPT_REFUSED;

	bounce_put(&o, "From: Mail Delivery System <MAILER-DAEMON@%s>\r\n", domain);
	bounce_put(&o, "To: <%s>\r\n", to);
	bounce_put(&o, "Subject: Undelivered Mail Returned to Sender\r\n");
	bounce_put(&o, "Date: %s\r\n", date);
	bounce_put(&o, "Message-ID: <%s.bounce@%s>\r\n", b->id, domain);
	bounce_put(&o, "Auto-Submitted: auto-replied\r\n");
	bounce_put(&o, "MIME-Version: 1.0\r\n");
	bounce_put(&o, "Content-Type: multipart/report; "
	    "report-type=delivery-status;\r\n\tboundary=\"%s/%s\"\r\n\r\n",
	    b->id, host);
	bounce_put(&o, "This is a MIME-encapsulated message.\r\n\r\n");
	bounce_put(&o, "--%s/%s\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n",
	    b->id, host);
	bounce_put(&o, "This is relaymail on %s.\r\n\r\n", host);
	bounce_put(&o, "Your message of %s could not be delivered to:\r\n\r\n",
	    arrival);
	for (i = 0; i < m->nrcpts; i++)
		if (!any || m->rcpts[i].state == SPOOL_RCPT_REFUSED)
			bounce_put(&o, "  <%s>\r\n", m->rcpts[i].addr);
	bounce_put(&o, "\r\nReason: %.900s\r\n\r\n", reason);
	bounce_put(&o, "--%s/%s\r\nContent-Type: message/delivery-status\r\n\r\n",
	    b->id, host);
	bounce_put(&o, "Reporting-MTA: dns; %s\r\n", host);
	bounce_put(&o, "Arrival-Date: %s\r\n", arrival);
	for (i = 0; i < m->nrcpts; i++) {
		if (any && m->rcpts[i].state != SPOOL_RCPT_REFUSED)
			continue;
		bounce_put(&o, "\r\nFinal-Recipient: rfc822; %s\r\n",
		    m->rcpts[i].addr);
		bounce_put(&o, "Action: failed\r\nStatus: 5.0.0\r\n");
		bounce_put(&o, "Diagnostic-Code: smtp; %.900s\r\n", reason);
	}
	bounce_put(&o, "\r\n--%s/%s\r\nContent-Type: text/rfc822-headers\r\n\r\n",
	    b->id, host);
	copy_header(&o, m->fd, m->body_len);
	bounce_put(&o, "--%s/%s--\r\n", b->id, host);
	if (o.err) {
		spool_abort(s, b);
		return util_err(err, errlen, "writing the report failed");
	}
	/* The report goes the way the message went (the same account). */
	if (spool_set_sender(b, "", err, errlen) == -1 ||
	    spool_set_route(b, m->route, err, errlen) == -1 ||
	    spool_add_rcpt(b, to, err, errlen) == -1) {
		spool_abort(s, b);
		return -1;
	}
	b->body_len = o.len;
	return spool_commit(s, b, err, errlen);
}
