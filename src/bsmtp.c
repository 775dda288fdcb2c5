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

#include "bsmtp.h"
#include "cli.h"
#include "conf.h"
#include "handoff.h"
#include "log.h"
#include "spool.h"
#include "submit.h"
#include "util.h"

/* RFC 5321 4.5.3.1.4: a command line is at most 512 octets with its
 * CR LF; DATA lines may be longer. */
#define BSMTP_LINE_MAX	512

struct bsmtp {
	const struct cli *cli;
	const struct conf *conf;
	struct spool spool;
	struct handoff hand;	/* the messages' delivery */
	int	 worker;	/* 1 in a worker: the dialogue is not ours */
	struct submit sub;	/* the transaction under way */
	int	 has_from;
	int	 nrcpts;
	int	 eightbit;	/* BODY=8BITMIME */
	char	 in[65536];
	size_t	 off, len;
	int	 eof;
};

static void
bsmtp_reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
bsmtp_reply(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputs("\r\n", stdout);
}

/* Flushes replies when the client has sent nothing more (RFC 2920). */
static void
bsmtp_flush_if_idle(struct bsmtp *b)
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
bsmtp_getline(struct bsmtp *b, char **line, size_t *len, size_t max, int *cut)
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
bsmtp_path(const char *arg, char *out, size_t outlen, int *eightbit)
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
bsmtp_reset(struct bsmtp *b)
{
	submit_reset(&b->sub);
	b->has_from = 0;
	b->nrcpts = 0;
	b->eightbit = 0;
}

/* The message lines up to the lone dot, un-stuffed, into the submission.
 * 1 at the dot, 0 at end of input (the message is dropped). */
static int
bsmtp_data_lines(struct bsmtp *b, int ok)
{
	char *line;
	size_t len;
	int cut, bol = 1;

	for (;;) {
		if (bsmtp_getline(b, &line, &len, sizeof(b->in) / 2, &cut) == 0)
			return 0;
		if (bol && len == 1 && line[0] == '.' && !cut)
			return 1;
		if (bol && len > 0 && line[0] == '.') {	/* un-stuff */
			line++;
			len--;
		}
		if (ok && (submit_feed(&b->sub, line, len) == -1 ||
		    (!cut && submit_feed(&b->sub, "\r\n", 2) == -1)))
			ok = 0;
		bol = !cut;
	}
}

/* Reads DATA up to the dot and hands the message over (handoff.c);
 * the answer is the reply. */
static void
bsmtp_data(struct bsmtp *b)
{
	const struct cli *cli = b->cli;
	struct handoff_answer ans;
	struct submit_opts o;
	int ok;

	memset(&o, 0, sizeof(o));
	o.ignore_dots = 1;	/* the dialogue owns the end of data */
	o.eightbit = b->eightbit || cli->body == CLI_BODY_8BITMIME;
	o.fullname = cli->fullname;
	ok = submit_data(&b->sub, &o) == 0;
	bsmtp_reply("354 End data with <CR><LF>.<CR><LF>");
	fflush(stdout);
	if (bsmtp_data_lines(b, ok) == 0) {	/* EOF: nothing accepted */
		bsmtp_reset(b);
		b->eof = 1;
		return;
	}
	if (handoff_message(&b->hand, &b->sub, &ans) == 1) {
		b->eof = 1;	/* a worker: the dialogue is the caller's */
		b->worker = 1;
		return;
	}
	bsmtp_reply("%s", ans.reply);
	bsmtp_reset(b);
}

static void
bsmtp_mail(struct bsmtp *b, const char *arg)
{
	char addr[ADDR_MAX + 1];

	if (b->has_from)
		bsmtp_reply("503 5.5.1 nested MAIL command");
	else if (bsmtp_path(arg, addr, sizeof(addr), &b->eightbit) == -1)
		bsmtp_reply("501 5.1.7 bad sender address syntax");
	else if (submit_sender(&b->sub, addr) == -1)
		bsmtp_reply("501 5.1.7 bad sender address");
	else {
		b->has_from = 1;
		bsmtp_reply("250 2.1.0 Ok");
	}
}

static void
bsmtp_rcpt(struct bsmtp *b, const char *arg)
{
	char addr[ADDR_MAX + 1];

	if (!b->has_from)
		bsmtp_reply("503 5.5.1 need MAIL first");
	else if (b->nrcpts >= SPOOL_RCPT_MAX)	/* RFC 5321 4.5.3.1.10 */
		bsmtp_reply("452 4.5.3 too many recipients");
	else if (bsmtp_path(arg, addr, sizeof(addr), NULL) == -1)
		bsmtp_reply("501 5.1.3 bad recipient address syntax");
	else if (submit_rcpt(&b->sub, addr) == -1)
		bsmtp_reply("501 5.1.3 %s", b->sub.err);
	else {
		b->nrcpts++;
		bsmtp_reply("250 2.1.5 Ok");
	}
}

static void
bsmtp_command(struct bsmtp *b, char *line, size_t len)
{
	line[len] = '\0';
	if (util_prefix(line, "EHLO")) {
		bsmtp_reset(b);
		bsmtp_reply("250-%s relaymail", util_hostname());
		bsmtp_reply("250-PIPELINING");
		bsmtp_reply("250-8BITMIME");
		bsmtp_reply("250-SMTPUTF8");
		bsmtp_reply("250 ENHANCEDSTATUSCODES");
	} else if (util_prefix(line, "HELO")) {
		bsmtp_reset(b);
		bsmtp_reply("250 %s", util_hostname());
	} else if (util_prefix(line, "MAIL FROM:"))
		bsmtp_mail(b, line + 10);
	else if (util_prefix(line, "RCPT TO:"))
		bsmtp_rcpt(b, line + 8);
	else if (util_prefix(line, "DATA") && len == 4) {
		if (!b->has_from)
			bsmtp_reply("503 5.5.1 need MAIL first");
		else if (b->nrcpts == 0)
			bsmtp_reply("554 5.5.1 no valid recipients");
		else
			bsmtp_data(b);
	} else if (util_prefix(line, "RSET")) {
		bsmtp_reset(b);
		bsmtp_reply("250 2.0.0 Ok");
	} else if (util_prefix(line, "NOOP"))
		bsmtp_reply("250 2.0.0 Ok");
	else if (util_prefix(line, "VRFY"))
		bsmtp_reply("252 2.5.2 cannot verify, but will try");
	else if (util_prefix(line, "HELP"))
		bsmtp_reply("214 2.0.0 HELO EHLO MAIL RCPT DATA RSET NOOP VRFY "
		    "QUIT");
	else if (util_prefix(line, "STARTTLS") || util_prefix(line, "AUTH"))
		bsmtp_reply("502 5.5.1 not offered here");
	else
		bsmtp_reply("500 5.5.2 unknown command");
}

/* see bsmtp.h */
int
bsmtp_run(const struct cli *cli, const struct conf *conf)
{
	static struct bsmtp b;
	char err[600], *line;
	size_t len;
	int cut, r;

	memset(&b, 0, sizeof(b));
	b.cli = cli;
	b.conf = conf;
	if (spool_open(&b.spool, conf->queue_dir, 1, err, sizeof(err)) == -1) {
		/* Without a queue nothing could be promised: say so in the
		 * dialogue, which is where the caller looks. */
		bsmtp_reply("421 4.3.0 %s", "queue not available");
		fflush(stdout);
		log_error("queue: %s", err);
		return EX_CANTCREAT;
	}
	submit_init(&b.sub, conf, &b.spool);
	handoff_init(&b.hand, conf, &b.spool, 1, cli->delivery ==
	    CLI_DELIVER_BACKGROUND, cli->delivery == CLI_DELIVER_QUEUE);
	bsmtp_reply("220 %s relaymail ESMTP", util_hostname());
	for (;;) {
		bsmtp_flush_if_idle(&b);
		r = bsmtp_getline(&b, &line, &len, BSMTP_LINE_MAX, &cut);
		if (r == 0)
			break;
		if (cut || len + 2 > BSMTP_LINE_MAX) {
			while (cut && bsmtp_getline(&b, &line, &len,
			    BSMTP_LINE_MAX, &cut) == 1)
				;
			bsmtp_reply("500 5.5.2 line too long");
			continue;
		}
		if (memchr(line, '\0', len) != NULL) {
			bsmtp_reply("501 5.5.2 NUL character in command");
			continue;
		}
		if (util_prefix(line, "QUIT") && len == 4) {
			bsmtp_reply("221 2.0.0 Bye");
			break;
		}
		bsmtp_command(&b, line, len);
		if (b.eof)
			break;
	}
	if (!b.worker)
		fflush(stdout);
	handoff_end(&b.hand);	/* an idle worker ends with the dialogue */
	submit_reset(&b.sub);
	spool_close(&b.spool);
	return 0;
}
