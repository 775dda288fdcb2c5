/* relaymail: one submission path. ISC licence, see LICENSE.
 * The message options are built in one place (submit_data) from the
 * configuration and the caller's flags, so the command line and -bs can
 * never write different bytes for the same input. Nothing is durable
 * before submit_commit returns 0; after it, nothing is lost. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "journal.h"
#include "log.h"
#include "priv.h"
#include "submit.h"
#include "util.h"

/* see submit.h */
void
submit_init(struct submit *s, const struct conf *conf, struct spool *spool)
{
	memset(s, 0, sizeof(*s));
	s->base = s->conf = conf;
	s->spool = spool;
	s->msg.fd = -1;
	aliases_init(&s->aliases, conf);
	rcpts_init(&s->rcpts, conf, &s->aliases);
	rcpts_init(&s->hdr_to, conf, &s->aliases);
	rcpts_init(&s->hdr_resent, conf, &s->aliases);
}

static int
submit_fail(struct submit *s, enum err_class class, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
submit_fail(struct submit *s, enum err_class class, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	s->class = class;
	return -1;
}

/* see submit.h */
int
submit_sender(struct submit *s, const char *given)
{
	const struct conf *conf;
	char raw[ADDR_MAX + 1], user[ADDR_MAX + 1], err[300];
	struct passwd *pw;

	if ((pw = getpwuid(getuid())) != NULL)
		util_strlcpy(user, pw->pw_name, sizeof(user));
	else
		snprintf(user, sizeof(user), "uid%ld", (long)getuid());
	if (given != NULL) {
		if (addr_sender(given, raw, sizeof(raw), err,
		    sizeof(err)) == -1)
			return submit_fail(s, ERR_DATA, "sender: %s", err);
	} else if (s->base->from != NULL)
		util_strlcpy(raw, s->base->from, sizeof(raw));
	else
		util_strlcpy(raw, user, sizeof(raw));
	/* The route, by the sender as given (a bare name: by the user who
	 * submits too), kept for every attempt. */
	conf = s->conf = conf_route_for(s->base, raw, strchr(raw, '@') ?
	    NULL : user);
	/* rewrite_from: a provider that takes only its mailbox as the
	 * sender (the null sender of a report stays). */
	if (raw[0] != '\0' && conf->from != NULL && (given == NULL ||
	    conf->rewrite_from == CONF_REWRITE_ALWAYS ||
	    (conf->rewrite_from == CONF_REWRITE_LOCAL &&
	    addr_is_host_local(raw, util_hostname()))))
		util_strlcpy(raw, conf->from, sizeof(raw));
	s->has_sender = 1;
	if (raw[0] == '\0') {
		s->sender[0] = '\0';
		return 0;
	}
	if (rcpts_qualify(conf, raw, s->sender, sizeof(s->sender)) == -1)
		return submit_fail(s, ERR_DATA, "sender: address too long");
	if (addr_check(s->sender, err, sizeof(err)) == -1)
		return submit_fail(s, ERR_DATA, "sender: %s", err);
	return 0;
}

/* see submit.h */
int
submit_rcpt(struct submit *s, const char *list)
{
	char err[300];

	/* A newline here would otherwise add a recipient. */
	if (addr_has_control(list))
		return submit_fail(s, ERR_DATA, "recipient argument: "
		    "contains a control character (CR, LF...)");
	if (rcpts_add_list(&s->rcpts, list, strlen(list), err,
	    sizeof(err)) == -1)
		return submit_fail(s, rcpts_class(&s->rcpts), "recipient "
		    "\"%.100s\": %s", list, err);
	return 0;
}

/* -F, else the user's name from the password file entry pw (GECOS:
 * name,room,..). */
static const char *
submit_fullname(struct submit *s, const char *given, const struct passwd *pw)
{
	if (given != NULL)
		return given;
	if (pw == NULL || pw->pw_gecos == NULL)
		return NULL;
	util_strlcpy(s->fullname, pw->pw_gecos, sizeof(s->fullname));
	s->fullname[strcspn(s->fullname, ",")] = '\0';
	return s->fullname[0] ? s->fullname : NULL;
}

/* The trace of who submitted it, as Postfix and dma write one:
 * "Received: by HOST (relaymail, from userid 1000 alice); DATE". The
 * login comes from the password file entry pw; only name characters are
 * kept. */
static const char *
submit_trace(struct submit *s, const struct passwd *pw)
{
	char login[64] = "", date[64];
	size_t i, n = 0;

	for (i = 0; pw != NULL && pw->pw_name[i] != '\0' &&
	    n < sizeof(login) - 1; i++)
		if (isalnum((unsigned char)pw->pw_name[i]) ||
		    strchr("._-", pw->pw_name[i]) != NULL)
			login[n++] = pw->pw_name[i];
	login[n] = '\0';
	util_date(date, sizeof(date), time(NULL));
	snprintf(s->trace, sizeof(s->trace), "Received: by %.255s (relaymail, "
	    "from userid %lu%s%s); %s", util_hostname(),
	    (unsigned long)getuid(), n ? " " : "", login, date);
	return s->trace;
}

/* What the copier does, from the settings and the caller's flags. */
static void
submit_msg_opts(struct submit *s)
{
	const struct conf *conf = s->conf;
	struct msg_opts *o = &s->mopts;
	/* One read of the password file for the name and the trace. */
	const struct passwd *pw = getpwuid(getuid());

	memset(o, 0, sizeof(*o));
	o->ignore_dots = s->opts.ignore_dots;
	o->from_headers = s->opts.from_headers;
	o->sender = s->sender;
	o->fullname = submit_fullname(s, s->opts.fullname, pw);
	o->msgid = s->msg.id;
	o->domain = conf->domain ? conf->domain : util_hostname();
	o->qualify = conf->domain;
	o->aliases = &s->aliases;
	o->trace = submit_trace(s, pw);
	if (conf->rewrite_from != CONF_REWRITE_NO && conf->from != NULL) {
		o->rewrite_from = conf->from;
		o->rewrite_local = conf->rewrite_from == CONF_REWRITE_LOCAL;
		o->hostname = util_hostname();
	}
}

/* see submit.h */
int
submit_data(struct submit *s, const struct submit_opts *opts)
{
	char err[600];

	s->class = ERR_NONE;
	s->err[0] = '\0';
	if (!s->has_sender && submit_sender(s, NULL) == -1)
		return -1;
	s->opts = *opts;
	s->fed = 0;
	s->too_big = s->over_quota = 0;
	/* A user outside the group is capped; root and the group are not. */
	if (quota_begin(&s->quota, s->conf, s->spool, getuid(),
	    priv_outsider(), err, sizeof(err)) == -1) {
		s->over_quota = 1;
		return submit_fail(s, ERR_QUEUE, "%s", err);
	}
	if (spool_create(s->spool, &s->msg, err, sizeof(err)) == -1)
		return submit_fail(s, ERR_QUEUE, "queue: %s", err);
	s->writing = 1;
	submit_msg_opts(s);
	memset(&s->info, 0, sizeof(s->info));
	s->info.to = &s->hdr_to;
	s->info.resent = &s->hdr_resent;
	s->copier = msg_begin(s->msg.fd, &s->mopts, &s->info, s->err,
	    sizeof(s->err));
	if (s->copier == NULL)
		return submit_fail(s, ERR_TEMP, "out of memory");
	return 0;
}

/* [queue] max_size, min_free and max_user_size, counted on the bytes
 * given while they are copied: a larger message is refused before the
 * rest is read, nothing kept. */
static int
submit_too_big(struct submit *s, size_t len)
{
	long max = s->conf->max_size;
	char err[300];

	s->fed += (long long)len;
	if (s->class != ERR_NONE)
		return s->class == ERR_QUEUE;
	if (max > 0 && s->fed > max) {
		submit_fail(s, ERR_QUEUE, "message larger than [queue] "
		    "max_size (%ld bytes): not queued", max);
		s->too_big = 1;
		return 1;
	}
	if (quota_over(&s->quota, s->fed, 0, err, sizeof(err))) {
		submit_fail(s, ERR_QUEUE, "%s", err);
		s->over_quota = 1;
		return 1;
	}
	return 0;
}

/* see submit.h */
int
submit_feed(struct submit *s, const void *buf, size_t len)
{
	if (s->copier == NULL)
		return -1;
	if (submit_too_big(s, len))
		return -1;
	return msg_feed(s->copier, buf, len);
}

/* see submit.h */
int
submit_read(struct submit *s, int fd)
{
	static unsigned char chunk[MSG_CHUNK];
	ssize_t n;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return submit_fail(s, ERR_INPUT, "reading the message: "
			    "%s", strerror(errno));
		if (n == 0)
			return 0;
		/* After a lone dot, drain: the caller may still write. */
		if (!msg_done(s->copier) &&
		    submit_feed(s, chunk, (size_t)n) == -1)
			return 0;	/* the copier keeps the reason */
	}
}

/* Ends the copy; the copier's failure becomes ours. */
static int
submit_end_copy(struct submit *s)
{
	enum err_class class;
	int r;

	if (s->copier == NULL)
		return -1;
	r = msg_end(s->copier, &class);
	s->copier = NULL;
	if (r == -1 && s->class == ERR_NONE)
		s->class = class;
	return r;
}

/* Recipients: argv (or RCPT) and, with -t, the header's (Resent-* when
 * there are any), united as Postfix does; then the spool's envelope. */
static int
submit_envelope(struct submit *s)
{
	struct rcpts *hdr = s->info.has_resent ? &s->hdr_resent : &s->hdr_to;
	struct spool_msg *m = &s->msg;
	char err[300];
	int i;

	for (i = 0; i < hdr->n; i++)
		if (rcpts_add_list(&s->rcpts, hdr->v[i], strlen(hdr->v[i]),
		    err, sizeof(err)) == -1)
			return submit_fail(s, rcpts_class(&s->rcpts),
			    "recipient: %s", err);
	if (s->rcpts.n == 0)
		return submit_fail(s, ERR_USAGE, "no recipients: give "
		    "addresses as arguments, or use -t to read them from "
		    "To/Cc/Bcc");
	if (spool_set_sender(m, s->sender, err, sizeof(err)) == -1 ||
	    spool_set_route(m, s->conf->route, err, sizeof(err)) == -1 ||
	    spool_set_dsn(m, s->opts.notify, s->opts.ret, s->opts.envid, err,
	    sizeof(err)) == -1)
		return submit_fail(s, ERR_DATA, "%s", err);
	m->utf8 = addr_is_utf8(s->sender);
	for (i = 0; i < s->rcpts.n; i++) {
		if (spool_add_rcpt(m, s->rcpts.v[i], err, sizeof(err)) == -1)
			return submit_fail(s, ERR_DATA, "%s", err);
		m->utf8 |= addr_is_utf8(s->rcpts.v[i]);
	}
	m->eightbit = s->info.eightbit || s->opts.eightbit;
	m->body_len = s->info.size;
	return 0;
}

/* see submit.h */
int
submit_seal(struct submit *s)
{
	struct msg_info *in = &s->info;
	struct stat st;
	char err[600];

	if (s->class != ERR_NONE || submit_end_copy(s) == -1 ||
	    submit_envelope(s) == -1) {
		submit_reset(s);
		return -1;
	}
	if (in->nuls || in->bare_cr || in->split)
		log_info("id=%s: input repaired: %d NUL removed, %d bare CR "
		    "removed, %d lines cut at 998 octets", s->msg.id, in->nuls,
		    in->bare_cr, in->split);
	s->writing = 0;
	/* On failure spool_seal has removed the file and released it. */
	if (spool_seal(s->spool, &s->msg, err, sizeof(err)) == -1)
		return submit_fail(s, ERR_IO, "queue: %s", err);
	/* The real size, against the queue as it is now, before the
	 * promise point. */
	if (fstat(s->msg.fd, &st) == 0 && quota_over(&s->quota, st.st_size,
	    1, err, sizeof(err))) {
		spool_abort(s->spool, &s->msg);
		s->over_quota = 1;
		return submit_fail(s, ERR_QUEUE, "%s", err);
	}
	return 0;
}

/* see submit.h */
int
submit_durable(struct submit *s)
{
	char err[600];

	/* The promise point. On failure the file is gone and released. */
	if (spool_durable(s->spool, &s->msg, err, sizeof(err)) == -1)
		return submit_fail(s, ERR_IO, "queue: %s", err);
	s->committed = 1;
	log_info("id=%s: queued from uid=%lu size=%lld nrcpt=%d", s->msg.id,
	    (unsigned long)getuid(), (long long)s->msg.body_len,
	    s->msg.nrcpts);
	journal_note(s->spool, s->conf->journal_size, &s->msg, "queued", NULL,
	    NULL);
	return 0;
}

/* see submit.h */
int
submit_commit(struct submit *s)
{
	if (submit_seal(s) == -1)
		return -1;
	return submit_durable(s);
}

/* see submit.h */
const char *
submit_id(const struct submit *s)
{
	return s->msg.id;
}

/* see submit.h */
void
submit_reset(struct submit *s)
{
	enum err_class class;

	if (s->copier != NULL)
		msg_end(s->copier, &class);
	s->copier = NULL;
	if (s->writing)
		spool_abort(s->spool, &s->msg);
	else
		spool_release(&s->msg);
	s->writing = s->committed = 0;
	s->has_sender = 0;
	s->conf = s->base;	/* the next sender picks its route */
	rcpts_free(&s->rcpts);
	rcpts_free(&s->hdr_to);
	rcpts_free(&s->hdr_resent);
	/* The next message (-bs) reads the aliases file again if it needs
	 * it: a change to it counts from then on. */
	aliases_free(&s->aliases);
	rcpts_init(&s->rcpts, s->conf, &s->aliases);
	rcpts_init(&s->hdr_to, s->conf, &s->aliases);
	rcpts_init(&s->hdr_resent, s->conf, &s->aliases);
}
