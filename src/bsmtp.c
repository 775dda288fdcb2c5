/* relaymail: -bs, an SMTP server dialogue on stdin/stdout. ISC licence.
 * No STARTTLS and no AUTH are offered: the caller is a local process, and
 * UW c-client (Alpine) would try either if listed. Input lines are
 * bounded; replies are flushed when no more input is waiting, so a
 * pipelining client gets them in one write. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include "addr.h"
#include "bsmtp.h"
#include "cli.h"
#include "conf.h"
#include "log.h"
#include "msg.h"
#include "rcpt.h"
#include "relay.h"
#include "spool.h"
#include "util.h"

#define BSMTP_LINE_MAX	4096	/* commands; DATA lines may be longer */

struct bs {
	const struct conf *conf;
	struct spool spool;
	struct relay relay;
	int	 relay_ready;
	char	 in[65536];
	size_t	 off, len;
	int	 eof;
	char	 from[ADDR_MAX + 1];
	int	 has_from;
	struct rcpts rcpts;
	int	 eightbit;
};

static void
reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
reply(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputs("\r\n", stdout);
}

/* Flushes replies when the client has sent nothing more (RFC 2920). */
static void
flush_if_idle(struct bs *b)
{
	struct pollfd pfd = { 0, POLLIN, 0 };

	if (b->off < b->len)
		return;
	if (poll(&pfd, 1, 0) == 1)
		return;
	fflush(stdout);
}

/* One input line without its CR LF. 1, 0 at EOF, -1 if too long (the
 * rest of that line is skipped). *cut tells a DATA line was split. */
static int
getline_bs(struct bs *b, char **line, size_t *len, size_t max, int *cut)
{
	char *nl;
	ssize_t n;

	*cut = 0;
	for (;;) {
		size_t avail = b->len - b->off;
		nl = memchr(b->in + b->off, '\n', avail);
		if (nl != NULL || avail >= max || (b->eof && avail > 0))
			break;
		if (b->eof)
			return 0;
		if (b->off > 0) {
			memmove(b->in, b->in + b->off, avail);
			b->len = avail;
			b->off = 0;
		}
		fflush(stdout);
		n = read(0, b->in + b->len, sizeof(b->in) - b->len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			b->eof = 1;
		else
			b->len += (size_t)n;
	}
	*line = b->in + b->off;
	if (nl == NULL) {	/* a piece of a longer line, or EOF */
		*len = b->len - b->off < max ? b->len - b->off : max;
		b->off += *len;
		*cut = !b->eof || b->off < b->len;
		return 1;
	}
	*len = (size_t)(nl - *line);
	b->off += *len + 1;
	if (*len > 0 && (*line)[*len - 1] == '\r')
		(*len)--;
	return 1;
}

/* "<addr> PARAMS" after "MAIL FROM:" or "RCPT TO:" -> addr. */
static int
path(const char *arg, char *out, size_t outlen, int *eightbit)
{
	const char *p = arg, *end;
	size_t n;

	while (*p == ' ')
		p++;
	if (*p != '<')
		return -1;
	end = strchr(p, '>');
	if (end == NULL)
		return -1;
	n = (size_t)(end - p - 1);
	if (n >= outlen)
		return -1;
	memcpy(out, p + 1, n);
	out[n] = '\0';
	if (eightbit != NULL) {
		const char *q;
		for (q = end; *q != '\0'; q++)
			if (util_prefix(q, "BODY=8BITMIME"))
				*eightbit = 1;
	}
	/* A source route <@a,@b:user@c> names user@c. */
	if (out[0] == '@' && (p = strchr(out, ':')) != NULL)
		memmove(out, p + 1, strlen(p + 1) + 1);
	return 0;
}

static void
reset(struct bs *b)
{
	rcpts_free(&b->rcpts);
	rcpts_init(&b->rcpts, b->conf);
	b->has_from = 0;
	b->eightbit = 0;
}

/* Reads DATA up to the dot, spools, relays, and answers. */
static void
data(struct bs *b)
{
	struct spool_msg m;
	struct msg_opts o;
	struct msg_info info;
	struct relay_report rep;
	struct mc *mc = NULL;
	char err[700], *line;
	size_t len;
	int cut, werr = 0, bol = 1, r, i, ok = 1;

	if (spool_create(&b->spool, &m, err, sizeof(err)) == -1) {
		log_error("queue: %s", err);
		ok = 0;
	}
	memset(&o, 0, sizeof(o));
	memset(&info, 0, sizeof(info));
	o.ignore_dots = 1;	/* the dialogue owns the end of data */
	o.sender = b->from;
	o.msgid = m.id;
	o.domain = b->conf->domain ? b->conf->domain : util_hostname();
	o.qualify = b->conf->domain;
	o.aliases = b->conf->naliases > 0 ? b->conf : NULL;
	if (ok && (mc = msg_begin(m.fd, &o, &info, err, sizeof(err))) == NULL)
		ok = 0;
	reply("354 End data with <CR><LF>.<CR><LF>");
	fflush(stdout);
	for (;;) {
		r = getline_bs(b, &line, &len, sizeof(b->in) / 2, &cut);
		if (r == 0) {	/* EOF inside DATA: nothing accepted */
			if (mc != NULL)
				msg_end(mc, &werr);
			if (m.fd != -1)
				spool_abort(&b->spool, &m);
			reset(b);
			b->eof = 1;
			return;
		}
		if (bol && len == 1 && line[0] == '.' && !cut)
			break;
		if (bol && len > 0 && line[0] == '.') {	/* un-stuff */
			line++;
			len--;
		}
		if (ok && (msg_feed(mc, line, len) == -1 ||
		    (!cut && msg_feed(mc, "\r\n", 2) == -1)))
			ok = 0;
		bol = !cut;
	}
	if (mc != NULL && msg_end(mc, &werr) == -1)
		ok = 0;
	if (!ok) {
		log_error("%s", err);
		if (m.fd != -1)
			spool_abort(&b->spool, &m);
		reply("451 4.3.0 cannot queue the message: %s", werr ?
		    "write error" : "bad message");
		reset(b);
		return;
	}
	m.from = b->from;
	m.nrcpts = b->rcpts.n;
	for (i = 0; i < b->rcpts.n; i++) {
		m.rcpts[i] = b->rcpts.v[i];
		if (addr_is_utf8(b->rcpts.v[i]))
			m.utf8 = 1;
	}
	m.eightbit = info.eightbit || b->eightbit;
	m.body_len = info.size;
	if (spool_commit(&b->spool, &m, err, sizeof(err)) == -1) {
		log_error("queue: %s", err);
		reply("451 4.3.0 cannot queue the message");
		m.from = NULL;
		m.nrcpts = 0;
		reset(b);
		return;
	}
	/* Safe in the queue: now relay it over the shared session. */
	if (!b->relay_ready) {
		relay_init(&b->relay, b->conf, &b->spool);
		b->relay_ready = 1;
	}
	b->relay.interactive = 1;	/* the reply to DATA tells */
	relay_message(&b->relay, &m, &rep);
	b->relay.interactive = 0;
	if (rep.out == OUT_FAILED) {
		log_info("id=%s: refused: %s", m.id, rep.text);
		reply("554 5.0.0 %s", rep.text);
	} else
		reply("250 2.0.0 Ok: queued as %s", m.id);
	m.from = NULL;
	m.nrcpts = 0;
	spool_release(&m);
	reset(b);
}

static void
command(struct bs *b, char *line, size_t len)
{
	char addr[ADDR_MAX + 1], err[300];
	const char *arg;

	line[len] = '\0';
	arg = len > 4 ? line + 4 : "";
	while (*arg == ' ')
		arg++;
	if (util_prefix(line, "EHLO")) {
		reset(b);
		reply("250-%s relaymail", util_hostname());
		reply("250-PIPELINING");
		reply("250-8BITMIME");
		reply("250-SMTPUTF8");
		reply("250 ENHANCEDSTATUSCODES");
	} else if (util_prefix(line, "HELO")) {
		reset(b);
		reply("250 %s", util_hostname());
	} else if (util_prefix(line, "MAIL FROM:")) {
		if (b->has_from)
			reply("503 5.5.1 nested MAIL command");
		else if (path(line + 10, addr, sizeof(addr), &b->eightbit) ==
		    -1)
			reply("501 5.1.7 bad sender address syntax");
		else if (addr[0] != '\0' && (rcpts_qualify(b->conf, addr,
		    b->from, sizeof(b->from)) == -1 || addr_check(b->from,
		    err, sizeof(err)) == -1))
			reply("501 5.1.7 bad sender address");
		else {
			if (addr[0] == '\0')
				b->from[0] = '\0';
			b->has_from = 1;
			reply("250 2.1.0 Ok");
		}
	} else if (util_prefix(line, "RCPT TO:")) {
		if (!b->has_from)
			reply("503 5.5.1 need MAIL first");
		else if (path(line + 8, addr, sizeof(addr), NULL) == -1)
			reply("501 5.1.3 bad recipient address syntax");
		else if (rcpts_add_list(&b->rcpts, addr, strlen(addr), err,
		    sizeof(err)) == -1)
			reply("501 5.1.3 %s", err);
		else
			reply("250 2.1.5 Ok");
	} else if (util_prefix(line, "DATA") && len == 4) {
		if (!b->has_from)
			reply("503 5.5.1 need MAIL first");
		else if (b->rcpts.n == 0)
			reply("554 5.5.1 no valid recipients");
		else
			data(b);
	} else if (util_prefix(line, "RSET")) {
		reset(b);
		reply("250 2.0.0 Ok");
	} else if (util_prefix(line, "NOOP"))
		reply("250 2.0.0 Ok");
	else if (util_prefix(line, "VRFY"))
		reply("252 2.5.2 cannot verify, but will try");
	else if (util_prefix(line, "HELP"))
		reply("214 2.0.0 HELO EHLO MAIL RCPT DATA RSET NOOP VRFY QUIT");
	else if (util_prefix(line, "STARTTLS") || util_prefix(line, "AUTH"))
		reply("502 5.5.1 not offered here");
	else
		reply("500 5.5.2 unknown command");
}

/* see bsmtp.h */
int
bsmtp_run(const struct cli *cli, const struct conf *conf)
{
	static struct bs b;
	char err[600], *line;
	size_t len;
	int cut, r;

	(void)cli;
	memset(&b, 0, sizeof(b));
	b.conf = conf;
	rcpts_init(&b.rcpts, conf);
	if (spool_open(&b.spool, conf->queue_dir, 1, err, sizeof(err)) == -1) {
		/* Without a queue nothing could be promised: say so in the
		 * dialogue, which is where the caller looks. */
		reply("421 4.3.0 %s", "queue not available");
		fflush(stdout);
		log_error("queue: %s", err);
		return EX_CANTCREAT;
	}
	reply("220 %s relaymail ESMTP", util_hostname());
	for (;;) {
		flush_if_idle(&b);
		r = getline_bs(&b, &line, &len, BSMTP_LINE_MAX, &cut);
		if (r == 0)
			break;
		if (cut) {
			while (cut && getline_bs(&b, &line, &len,
			    BSMTP_LINE_MAX, &cut) == 1)
				;
			reply("500 5.5.2 line too long");
			continue;
		}
		if (util_prefix(line, "QUIT") && len == 4) {
			reply("221 2.0.0 Bye");
			break;
		}
		command(&b, line, len);
		if (b.eof)
			break;
	}
	fflush(stdout);
	if (b.relay_ready)
		relay_end(&b.relay);
	rcpts_free(&b.rcpts);
	spool_close(&b.spool);
	return 0;
}
