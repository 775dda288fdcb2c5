/* relaymail: delivery of queued messages. ISC licence, see LICENSE.
 * Every queue change after an attempt goes through relay_finish(); what
 * an attempt means is policy.c's to say. A session failure is never the
 * message's fault: it defers, never fails, a message. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bounce.h"
#include "journal.h"
#include "log.h"
#include "policy.h"
#include "relay.h"
#include "state.h"
#include "util.h"

/* see relay.h */
void
relay_init(struct relay *r, const struct conf *conf, struct spool *spool)
{
	memset(r, 0, sizeof(*r));
	r->conf = conf;
	r->spool = spool;
	session_init(&r->sess, conf, spool);
}

static time_t
relay_next_try(int attempts)
{
	unsigned short rnd = 32768;

	(void)getentropy(&rnd, sizeof(rnd));
	return time(NULL) + policy_backoff(attempts, rnd);
}

static void
relay_describe(char *buf, size_t len, const struct relay *r,
    const struct smtp_result *res)
{
	const char *host = session_host(&r->sess);

	if (res->code != 0)
		snprintf(buf, len, "%s: %s: %d %s", host,
		    smtp_stage_name(res->stage), res->code, res->text);
	else
		snprintf(buf, len, "%s: %s: %s", host,
		    smtp_stage_name(res->stage), res->text);
}

static void
relay_log_attempt(const struct relay *r, const struct spool_msg *m,
    const char *status, const char *reply)
{
	char to[1024] = "";
	size_t o = 0;
	int i;

	for (i = 0; i < m->nrcpts && o + 4 < sizeof(to); i++)
		o += (size_t)snprintf(to + o, sizeof(to) - o, "%s<%s>",
		    i ? "," : "", m->rcpts[i].addr);
	log_info("id=%s from=<%s> to=%s%s%s relay=%s:%s delay=%lds "
	    "attempts=%d status=%s reply=\"%s\"", m->id, m->from, to,
	    m->route[0] ? " route=" : "", m->route, session_host(&r->sess),
	    r->sess.port, (long)(time(NULL) - m->arrival), m->attempts + 1,
	    status, reply);
}

static void
relay_bounce(struct relay *r, const struct spool_msg *m, const char *why)
{
	struct spool_msg b;
	struct relay_report rep;
	char err[300];
	int rv;

	rv = bounce_create(r->conf, r->spool, m, why, &b, err, sizeof(err));
	if (rv == -1)
		log_error("id=%s: cannot queue a bounce: %s", m->id, err);
	if (rv != 0)
		return;
	log_info("id=%s: bounce queued as %s to <%s>", m->id, b.id,
	    b.rcpts[0].addr);
	if (r->sess.open)
		relay_message(r, &b, 0, &rep);
	spool_release(&b);
}

/* see relay.h */
void
relay_unheard(struct relay *r, const struct spool_msg *m,
    const struct relay_report *rep)
{
	if (rep->out == OUT_FAILED && !rep->partial)
		relay_bounce(r, m, rep->text);
}

/* Marks every recipient still pending as refused: the message failed
 * for them all (a 5xx to MAIL or DATA, too old, cannot be sent as is). */
static void
relay_refuse_pending(struct spool_msg *m)
{
	int i;

	for (i = 0; i < m->nrcpts; i++)
		if (m->rcpts[i].state == SPOOL_RCPT_PENDING)
			m->rcpts[i].state = SPOOL_RCPT_REFUSED;
}

/* The message's verdict from its recipients' marks (all attempts). */
static struct policy_verdict
relay_verdict(const struct spool_msg *m, int *partial)
{
	int i, n[SPOOL_RCPT_REFUSED + 1] = { 0 };

	for (i = 0; i < m->nrcpts; i++)
		n[m->rcpts[i].state]++;
	return policy_message(n[SPOOL_RCPT_SENT], n[SPOOL_RCPT_REFUSED],
	    n[SPOOL_RCPT_PENDING], partial);
}

/* The delivery journal's line for an outcome applied to the queue. */
static void
relay_journal(struct relay *r, const struct spool_msg *m,
    const struct relay_report *rep, const char *status)
{
	static const char *const words[] = { "sent", "deferred", "failed" };
	char relay[300];

	snprintf(relay, sizeof(relay), "%s:%s", session_host(&r->sess),
	    r->sess.port);
	journal_note(r->spool, r->conf->journal_size, m, status ? status :
	    rep->partial ? "partly-failed" : words[rep->out],
	    r->sess.port[0] ? relay : NULL, rep->text);
}

/* Progress could not be made durable: trying again could deliver twice,
 * so the message is held in failed/ for a person to decide. */
static enum outcome
relay_hold(struct relay *r, struct spool_msg *m, const char *why,
    struct relay_report *rep)
{
	char reason[160];

	snprintf(reason, sizeof(reason), "%s", strerror(errno));
	snprintf(rep->text, sizeof(rep->text), "recording which recipients "
	    "have it failed (%s); held in failed/ so that nobody gets it "
	    "twice (after: %.300s)", reason, why);
	log_error("id=%s: %s", m->id, rep->text);
	if (spool_move_to_failed(r->spool, m, rep->text) == -1)
		log_error("id=%s: cannot move to failed/ either: kept in q/",
		    m->id);
	r->failed++;
	rep->out = OUT_FAILED;
	rep->exit_status = 0;	/* some recipient may have it */
	rep->partial = 1;
	relay_journal(r, m, rep, "held");
	return rep->out;
}

/* "refused: <a>: 550 ...; <b>: 550 ..." from the marks of all attempts,
 * for a message sent to some recipients and refused for the others. */
static const char *
relay_refused_text(const struct spool_msg *m, char *buf, size_t len)
{
	size_t o;
	int i;

	o = (size_t)snprintf(buf, len, "refused for");
	for (i = 0; i < m->nrcpts && o + 1 < len; i++)
		if (m->rcpts[i].state == SPOOL_RCPT_REFUSED)
			o += (size_t)snprintf(buf + o, len - o, "%s <%s>: %s",
			    o > 11 ? ";" : "", m->rcpts[i].addr,
			    m->rcpts[i].reply ? m->rcpts[i].reply : "refused");
	/* A state file is text someone could have edited: one plain line. */
	for (o = 0; buf[o] != '\0'; o++)
		if ((unsigned char)buf[o] < 0x20 || buf[o] == 0x7f)
			buf[o] = '?';
	return buf;
}

/* Sent to everyone: the removal is the record. The marks go in first,
 * so that a file that cannot be removed is not sent again; the removal
 * is made durable now, or, for the message a caller waits for, as soon
 * as it has its answer (relay_sync): it need not wait for the disk when
 * the smart host has the message. A crash in between can at worst send
 * it again, as one between the 250 and an fsync of the marks could. */
static int
relay_remove_sent(struct relay *r, struct spool_msg *m, int heard)
{
	if (spool_mark(m) == 0 && spool_done(r->spool, m) == 0) {
		if (m->failed)
			r->sync_failed = 1;
		else
			r->sync_q = 1;
		if (!heard)
			relay_sync(r);
		return 0;
	}
	log_warn("id=%s: delivered, but removing the queue file failed: %s",
	    m->id, strerror(errno));
	return spool_record(m);
}

/* see relay.h */
void
relay_sync(struct relay *r)
{
	if (r->sync_q && spool_sync_dir(r->spool, 0) == -1)
		log_warn("%s/q: fsync: %s", r->conf->queue_dir,
		    strerror(errno));
	if (r->sync_failed && spool_sync_dir(r->spool, 1) == -1)
		log_warn("%s/failed: fsync: %s", r->conf->queue_dir,
		    strerror(errno));
	r->sync_q = r->sync_failed = 0;
}

/* Applies an outcome to the queue: the recipient marks first (durable
 * before anything else), then removal, retry state or failed/. */
static enum outcome
relay_finish(struct relay *r, struct spool_msg *m, int heard,
    struct policy_verdict v, int partial, const char *why,
    struct relay_report *rep)
{
	long max_age = r->conf->max_age;
	char refused[600];

	if (v.out == OUT_DEFERRED && max_age > 0 &&
	    time(NULL) - m->arrival > max_age) {
		snprintf(rep->text, sizeof(rep->text), "gave up after %ld "
		    "days: %s", max_age / 86400, why);
		why = rep->text;
		relay_refuse_pending(m);
		v = relay_verdict(m, &partial);
	}
	if (v.out == OUT_SENT) {
		if (relay_remove_sent(r, m, heard) == -1)
			return relay_hold(r, m, why, rep);
	} else if (spool_record(m) == -1)
		return relay_hold(r, m, why, rep);
	if (v.out == OUT_FAILED && partial)
		why = relay_refused_text(m, refused, sizeof(refused));
	switch (v.out) {
	case OUT_SENT:
		r->sent++;
		break;
	case OUT_DEFERRED:
		if (spool_defer(r->spool, m, r->retry_after > 0 ?
		    time(NULL) + r->retry_after : relay_next_try(m->attempts),
		    why) == -1)
			log_warn("id=%s: recording the retry state failed: "
			    "%s", m->id, strerror(errno));
		r->deferred++;
		break;
	case OUT_FAILED:
		if (spool_move_to_failed(r->spool, m, why) == -1)
			log_error("id=%s: cannot move to failed/: kept in q/",
			    m->id);
		r->failed++;
		log_warn("id=%s: failed for good: %s", m->id, why);
		if (!heard || partial)
			relay_bounce(r, m, why);
		break;
	}
	if (rep->text != why)
		snprintf(rep->text, sizeof(rep->text), "%s", why);
	rep->out = v.out;
	rep->exit_status = v.out == OUT_FAILED ? v.exit_status : 0;
	rep->partial = partial;
	relay_journal(r, m, rep, NULL);
	return v.out;
}

/* The transaction's envelope: the recipients not yet done. */
static int
relay_envelope(const struct spool_msg *m, struct envelope *env,
    struct smtp_rcpt *rcpts, int *idx, char *tried, int max)
{
	int i, n = 0;

	/* RFC 5321 4.5.3.1.8 lets a server refuse more than 100; a provider
	 * may refuse fewer (max_recipients): the rest go in the next
	 * transaction. tried: those already in one this attempt. */
	for (i = 0; i < m->nrcpts && (max <= 0 || n < max); i++) {
		if (m->rcpts[i].state != SPOOL_RCPT_PENDING ||
		    (tried != NULL && tried[i]))
			continue;
		if (tried != NULL)
			tried[i] = 1;
		memset(&rcpts[n], 0, sizeof(rcpts[n]));
		rcpts[n].addr = m->rcpts[i].addr;
		idx[n++] = i;
	}
	memset(env, 0, sizeof(*env));
	env->from = m->from;
	env->rcpts = rcpts;
	env->nrcpts = n;
	env->eightbit = m->eightbit;
	env->utf8 = m->utf8;
	env->notify = m->notify;
	env->ret = m->ret;
	env->envid = m->envid;
	env->fd = m->fd;
	env->off = 0;
	env->len = m->body_len;
	return n;
}

/* A quota reply: the delay to wait (the longest seen), and the rest of
 * the run waits too. */
static long
relay_quota(struct relay *r, int code, const char *text)
{
	long q = policy_quota(code, text);

	if (q > r->retry_after)
		r->retry_after = q;
	if (q > 0)
		r->throttled = 1;
	return q;
}

/* Each recipient's reply into its mark (2xx only when the transaction
 * ended with 250: delivered), the refused ones named in why; a quota
 * reply (policy_quota) leaves the recipient pending. Returns how many
 * got one. After a protocol error no reply of the transaction can be
 * trusted. */
static int
relay_mark(struct relay *r, struct spool_msg *m, const struct envelope *env,
    const int *idx, int delivered, char *why, size_t len)
{
	size_t o = strlen(why);
	int i, quota = 0;

	for (i = 0; i < env->nrcpts; i++) {
		const struct smtp_rcpt *rc = &env->rcpts[i];
		if (rc->code >= 200 && rc->code < 300 && delivered)
			m->rcpts[idx[i]].state = SPOOL_RCPT_SENT;
		else if (rc->code >= 500 &&
		    relay_quota(r, rc->code, rc->text) > 0) {
			quota++;
			if (o + 1 < len)
				o += (size_t)snprintf(why + o, len - o,
				    "%s%s: RCPT TO:<%s>: %d %s", o ? "; " : "",
				    session_host(&r->sess), rc->addr,
				    rc->code, rc->text);
		} else if (rc->code >= 500) {
			spool_refuse(m, idx[i], rc->code, rc->text);
			if (o + 1 < len)
				o += (size_t)snprintf(why + o, len - o,
				    "%s%s: RCPT TO:<%s>: %d %s", o ? "; " : "",
				    session_host(&r->sess), rc->addr,
				    rc->code, rc->text);
		}
	}
	return quota;
}

/* A transaction the server ended before 250 at the end of data. */
static enum outcome
relay_failed_attempt(struct relay *r, struct spool_msg *m, int heard,
    const struct envelope *env, const int *idx,
    const struct smtp_result *res, struct relay_report *rep)
{
	struct policy_verdict va, v;
	char why[700] = "", hint[300];
	int partial, quota = 0;

	if (!r->sess.smtp.usable)
		session_close(&r->sess);
	va = policy_attempt(res->stage, res->code, res->class);
	if (res->class != ERR_PROTO)
		quota = relay_mark(r, m, env, idx, 0, why, sizeof(why));
	/* A quota reply is about the account's rate, not the message: it
	 * defers, and so does any refusal of its RCPT stage. */
	if ((res->code != 0 && relay_quota(r, res->code, res->text) > 0) ||
	    (quota > 0 && res->stage == SMTP_RCPT)) {
		va.out = OUT_DEFERRED;
		va.exit_status = 0;
	}
	relay_describe(why, sizeof(why), r, res);
	if (policy_hint(res->code, res->text, r->conf->user, hint,
	    sizeof(hint)))
		snprintf(why + strlen(why), sizeof(why) - strlen(why), " (%s)",
		    hint);
	if (va.out == OUT_FAILED)
		relay_refuse_pending(m);
	v = relay_verdict(m, &partial);
	if (va.out == OUT_DEFERRED && v.out != OUT_DEFERRED)
		v = va;		/* nothing pending, yet not sent: retry */
	if (v.out == OUT_FAILED && !partial && va.out == OUT_FAILED)
		v.exit_status = va.exit_status;	/* the precise reason */
	relay_log_attempt(r, m, v.out == OUT_FAILED ? "failed" : "deferred",
	    why);
	rep->class = res->code == 0 ? res->class : ERR_NONE;
	return relay_finish(r, m, heard, v, partial, why, rep);
}

/* Why recipients still wait: the first 4xx to a RCPT. */
static void
relay_pending_reason(struct relay *r, const struct envelope *env, char *why,
    size_t len)
{
	int i;

	for (i = 0; i < env->nrcpts; i++)
		if (env->rcpts[i].code >= 400 && env->rcpts[i].code < 500) {
			snprintf(why, len, "%s: RCPT TO:<%s>: %d %s",
			    session_host(&r->sess), env->rcpts[i].addr,
			    env->rcpts[i].code, env->rcpts[i].text);
			return;
		}
}

/* The [relay] max_per_* windows are one budget for the host: every
 * user's run, the group's and root's read and update one record, the
 * queue's PACE_FILE, under its lock. */
static int
relay_pace_on(const struct relay *r)
{
	const struct conf *c = r->conf;

	return (c->max_per_minute > 0 || c->max_per_hour > 0 ||
	    c->max_per_day > 0) && !r->spool->private;
}

/* The record, locked, into r->pace: the lock's descriptor, or -1 when
 * it cannot be had (said in the log: pacing is skipped rather than the
 * mail held by a lock a stopped run keeps). */
static int
relay_pace_lock(struct relay *r)
{
	static char text[PACE_TEXT_MAX];
	const struct conf *c = r->conf;
	char buf[64];
	const char *name = conf_route_file(c, PACE_FILE, buf, sizeof(buf));
	int fd;

	if ((fd = state_lock(r->spool->fd, name, PACE_LOCK_WAIT_MS)) == -1) {
		log_warn("%s/%s: %s; sending without the max_per_* check",
		    c->queue_dir, name, errno == EWOULDBLOCK ?
		    "another run holds its lock" : strerror(errno));
		return -1;
	}
	if (state_locked_read(fd, text, sizeof(text)) < 0)
		text[0] = '\0';
	r->pace.per_minute = c->max_per_minute;
	r->pace.per_hour = c->max_per_hour;
	r->pace.per_day = c->max_per_day;
	pace_parse(&r->pace, text);
	return fd;
}

/* 1 when one more send now would pass a limit, with the limit in why:
 * read without counting, before a connection is made for nothing. */
static int
relay_pace_full(struct relay *r, char *why, size_t len)
{
	int fd, full;

	if (!relay_pace_on(r) || (fd = relay_pace_lock(r)) == -1)
		return 0;
	r->pace_wait = pace_wait(&r->pace, time(NULL), why, len);
	full = r->pace_wait > 0;
	close(fd);
	return full;
}

/* Takes one send from the budget, checked again under the lock (another
 * run may have taken the last one since): 0, or 1 with the limit in why.
 * Taken before the message is sent, so that runs at the same moment
 * never pass the limit together; an attempt that fails still counts, as
 * providers count attempts. */
static int
relay_pace_take(struct relay *r, char *why, size_t len)
{
	static char text[PACE_TEXT_MAX];
	time_t now = time(NULL);
	size_t n;
	int fd, full;

	if (!relay_pace_on(r) || (fd = relay_pace_lock(r)) == -1)
		return 0;
	r->pace_wait = pace_wait(&r->pace, now, why, len);
	if (!(full = r->pace_wait > 0)) {
		pace_note(&r->pace, now);
		n = pace_format(&r->pace, now, text, sizeof(text));
		if (state_locked_write(fd, text, n) == -1)
			log_warn("%s/%s: cannot record the send count: %s",
			    r->conf->queue_dir, PACE_FILE, strerror(errno));
	}
	close(fd);
	return full;
}

/* Not tried: over a max_per_* limit, every connection of the pool busy,
 * or refused over the provider's cap. The message stays in q/ as it is
 * (no attempt counted), and the rest of the run waits. */
static enum outcome
relay_put_back(struct relay *r, struct spool_msg *m, const char *why,
    struct relay_report *rep)
{
	log_info("id=%s: not tried now: %s", m->id, why);
	r->throttled = 1;
	r->put_back++;
	util_strlcpy(rep->text, why, sizeof(rep->text));
	rep->out = OUT_DEFERRED;
	rep->put_back = 1;
	rep->busy = r->sess.busy;
	/* The server's refusal is worth showing in mailq; a full pool or a
	 * max_per_* limit is only a wait. */
	if (r->sess.busy && r->sess.down_code != 0 &&
	    spool_note(r->spool, m, why) == -1)
		log_warn("id=%s: recording the reason failed: %s", m->id,
		    strerror(errno));
	return rep->out;
}

/* The transactions of one attempt, at most max_recipients recipients
 * each, over one session, their replies in rcpts (one per recipient of
 * m). 0 when every one ended with 250; -1 with res (marks of earlier
 * ones kept); 1 when progress could not be recorded. */
static int
relay_transactions(struct relay *r, struct spool_msg *m,
    struct envelope *env, struct smtp_rcpt *rcpts, int *idx,
    struct smtp_result *res, char *why, size_t len)
{
	char tried[SPOOL_RCPT_MAX] = { 0 };
	int handed = 0;

	while (relay_envelope(m, env, rcpts, idx, tried,
	    r->conf->max_recipients) > 0) {
		/* Progress durable before the next transaction, so that a
		 * crash cannot send it twice to the ones that have it. */
		if (handed > 0 && spool_record(m) == -1)
			return 1;
		if (smtp_send(&r->sess.smtp, env, res) == -1)
			return -1;
		relay_mark(r, m, env, idx, 1, why, len);
		handed++;
	}
	return 0;
}

/* One attempt at m, the replies to its recipients in rcpts. */
static enum outcome
relay_try(struct relay *r, struct spool_msg *m, int heard,
    struct smtp_rcpt *rcpts,
    struct relay_report *rep)
{
	int idx[SPOOL_RCPT_MAX];
	struct policy_verdict v;
	struct envelope env;
	struct smtp_result res;
	char why[700] = "";
	int partial;

	if (strcmp(m->route, r->conf->route ? r->conf->route : "") != 0) {
		/* Its route is gone from the settings: kept, never sent
		 * another way (another account, another sender). */
		snprintf(why, sizeof(why), "[route %s] is not in the settings "
		    "any more: add it back (or remove the message)", m->route);
		v.out = OUT_DEFERRED;
		v.exit_status = 0;
		rep->class = ERR_CONFIG;
		return relay_finish(r, m, heard, v, 0, why, rep);
	}
	if (relay_envelope(m, &env, rcpts, idx, NULL, 1) == 0) { /* leftover */
		v = relay_verdict(m, &partial);
		return relay_finish(r, m, heard, v, partial, v.out == OUT_SENT ?
		    "no recipient left" : m->last_error, rep);
	}
	if (relay_pace_full(r, why, sizeof(why)))
		return relay_put_back(r, m, why, rep);
	if (session_open(&r->sess) == -1) {
		if (r->sess.busy)
			return relay_put_back(r, m, r->sess.down_why, rep);
		relay_log_attempt(r, m, "deferred", r->sess.down_why);
		v.out = OUT_DEFERRED;
		v.exit_status = 0;
		rep->class = r->sess.down_class;
		return relay_finish(r, m, heard, v, 0, r->sess.down_why, rep);
	}
	if (relay_pace_take(r, why, sizeof(why)))
		return relay_put_back(r, m, why, rep);
	switch (relay_transactions(r, m, &env, rcpts, idx, &res, why,
	    sizeof(why))) {
	case -1:
		if (session_over_cap(&r->sess, &res))
			return relay_put_back(r, m, r->sess.down_why, rep);
		return relay_failed_attempt(r, m, heard, &env, idx, &res,
		    rep);
	case 1:
		return relay_hold(r, m, why, rep);
	}
	v = relay_verdict(m, &partial);
	if (v.out == OUT_DEFERRED && why[0] == '\0')
		relay_pending_reason(r, &env, why, sizeof(why));
	relay_log_attempt(r, m, v.out == OUT_SENT ? "sent" : v.out ==
	    OUT_DEFERRED ? "partly-deferred" : "partly-failed",
	    why[0] ? why : res.text);
	return relay_finish(r, m, heard, v, partial, why[0] ? why : res.text,
	    rep);
}

/* see relay.h */
enum outcome
relay_message(struct relay *r, struct spool_msg *m, int heard,
    struct relay_report *rep)
{
	struct policy_verdict v = { OUT_DEFERRED, 0 };
	struct smtp_rcpt *rcpts;
	enum outcome out;

	memset(rep, 0, sizeof(*rep));
	r->retry_after = 0;
	/* The attempt's replies are its own, never shared: finishing it can
	 * deliver a bounce through a nested relay_message (relay_bounce). */
	rcpts = calloc(m->nrcpts > 0 ? (size_t)m->nrcpts : 1, sizeof(*rcpts));
	if (rcpts == NULL) {
		rep->class = ERR_TEMP;
		return relay_finish(r, m, heard, v, 0, "out of memory", rep);
	}
	out = relay_try(r, m, heard, rcpts, rep);
	free(rcpts);
	return out;
}

/* see relay.h */
int
relay_connect(struct relay *r)
{
	return session_open(&r->sess);
}

/* see relay.h */
void
relay_end(struct relay *r)
{
	relay_sync(r);
	session_end(&r->sess);
}
