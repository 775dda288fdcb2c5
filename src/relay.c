/* relaymail: delivery of queued messages. ISC licence, see LICENSE.
 * Every queue change after an attempt goes through relay_finish(); what
 * an attempt means is policy.c's to say. A session failure is never the
 * message's fault: it defers, never fails, a message. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bounce.h"
#include "log.h"
#include "policy.h"
#include "priv.h"
#include "relay.h"
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
		    i ? "," : "", m->rcpts[i]);
	log_info("id=%s from=<%s> to=%s relay=%s:%s delay=%lds attempts=%d "
	    "status=%s reply=\"%s\"", m->id, m->from, to,
	    session_host(&r->sess), r->sess.port,
	    (long)(time(NULL) - m->arrival), m->attempts + 1, status,
	    reply);
}

/* Tells the sender of a message that failed for good. */
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
	    b.rcpts[0]);
	if (r->sess.open)
		relay_message(r, &b, &rep);
	spool_release(&b);
}

/* Applies an outcome to the queue. */
static enum outcome
relay_finish(struct relay *r, struct spool_msg *m, struct policy_verdict v,
    const char *why, struct relay_report *rep)
{
	long max_age = r->conf->max_age;
	int partial = 0, i;

	for (i = 0; i < m->nrcpts; i++)
		partial |= m->rcpt_done[i] == 1;
	if (v.out == OUT_DEFERRED && max_age > 0 &&
	    time(NULL) - m->arrival > max_age) {
		v.out = OUT_FAILED;
		snprintf(rep->text, sizeof(rep->text), "gave up after %ld "
		    "days: %s", max_age / 86400, why);
		why = rep->text;
	}
	switch (v.out) {
	case OUT_SENT:
		if (spool_done(r->spool, m) == -1)
			log_warn("id=%s: delivered, but removing the queue "
			    "file failed", m->id);
		r->sent++;
		break;
	case OUT_DEFERRED:
		spool_defer(r->spool, m, relay_next_try(m->attempts), why);
		r->deferred++;
		break;
	case OUT_FAILED:
		if (spool_fail(r->spool, m, why) == -1)
			log_error("id=%s: cannot move to failed/: kept in q/",
			    m->id);
		r->failed++;
		if (!r->interactive || partial)
			relay_bounce(r, m, why);
		break;
	}
	if (rep->text != why)
		snprintf(rep->text, sizeof(rep->text), "%s", why);
	rep->out = v.out;
	rep->exit_status = v.out == OUT_FAILED ? v.exit_status : 0;
	return v.out;
}

/* The transaction's envelope: the recipients not yet done. */
static int
relay_envelope(const struct spool_msg *m, struct envelope *env,
    struct smtp_rcpt *rcpts, int *idx)
{
	int i, n = 0;

	for (i = 0; i < m->nrcpts; i++) {
		if (m->rcpt_done[i] != 0)
			continue;
		memset(&rcpts[n], 0, sizeof(rcpts[n]));
		rcpts[n].addr = m->rcpts[i];
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

/* A transaction the server ended before 250 at the end of data. */
static enum outcome
relay_failed_attempt(struct relay *r, struct spool_msg *m,
    const struct envelope *env, const int *idx,
    const struct smtp_result *res, struct relay_report *rep)
{
	struct policy_verdict v;
	char why[700];
	int i;

	relay_describe(why, sizeof(why), r, res);
	if (!r->sess.smtp.usable)
		session_close(&r->sess);
	v = policy_attempt(res->stage, res->code, res->class);
	/* Per-recipient refusals are kept even if the rest waits; after a
	 * protocol error no reply of this transaction can be trusted. */
	for (i = 0; i < env->nrcpts && res->class != ERR_PROTO; i++)
		if (env->rcpts[i].code >= 500)
			m->rcpt_done[idx[i]] = 2;
	relay_log_attempt(r, m, v.out == OUT_FAILED ? "failed" : "deferred",
	    why);
	return relay_finish(r, m, v, why, rep);
}

/* see relay.h */
enum outcome
relay_message(struct relay *r, struct spool_msg *m, struct relay_report *rep)
{
	static struct smtp_rcpt rcpts[SPOOL_RCPT_MAX];
	int idx[SPOOL_RCPT_MAX];
	struct policy_verdict v = { OUT_SENT, 0 };
	struct envelope env;
	struct smtp_result res;
	char why[700];
	int i, pending = 0, refused = 0;

	memset(rep, 0, sizeof(*rep));
	if (relay_envelope(m, &env, rcpts, idx) == 0)	/* a leftover */
		return relay_finish(r, m, v, "no recipient left", rep);
	if (session_open(&r->sess) == -1) {
		relay_log_attempt(r, m, "deferred", r->sess.down_why);
		v.out = OUT_DEFERRED;
		relay_finish(r, m, v, r->sess.down_why, rep);
		rep->class = r->sess.down_class;
		return rep->out;
	}
	if (smtp_send(&r->sess.smtp, &env, &res) == -1)
		return relay_failed_attempt(r, m, &env, idx, &res, rep);
	for (i = 0; i < env.nrcpts; i++) {
		if (rcpts[i].code >= 200 && rcpts[i].code < 300) {
			m->rcpt_done[idx[i]] = 1;
			continue;
		}
		if (rcpts[i].code >= 500) {
			m->rcpt_done[idx[i]] = 2;
			refused++;
		} else
			pending++;
		snprintf(why, sizeof(why), "%s: RCPT TO:<%s>: %d %s",
		    session_host(&r->sess), rcpts[i].addr, rcpts[i].code,
		    rcpts[i].text);
	}
	relay_log_attempt(r, m, pending ? "partly-deferred" : refused ?
	    "partly-failed" : "sent", refused || pending ? why : res.text);
	if (pending)
		v.out = OUT_DEFERRED;
	else if (refused)
		v = policy_attempt(SMTP_RCPT, 550, ERR_NONE);
	else
		return relay_finish(r, m, v, res.text, rep);
	return relay_finish(r, m, v, why, rep);
}

struct relay_flush_state {
	struct relay *r;
	int	 all;
	int64_t	 deadline;
	int	 tried;
};

/* A local user outside the queue group delivers only what it submitted:
 * the file's owner is checked before the lock (so such a run never holds
 * another user's message), the envelope's uid after it. */
static int
relay_mine(struct relay *r, const char *id, const struct spool_msg *m)
{
	uid_t owner;

	if (!priv_outsider())
		return 1;
	if (m != NULL)
		return m->uid == getuid();
	return spool_owner(r->spool, id, &owner) == 0 && owner == getuid();
}

static int
relay_flush_one(void *arg, const char *id)
{
	struct relay_flush_state *f = arg;
	struct spool_msg m;
	struct relay_report rep;
	char err[300];
	int r;

	if (f->deadline != 0 && conn_now_ms() >= f->deadline)
		return 1;
	if (!relay_mine(f->r, id, NULL))
		return 0;
	r = spool_load(f->r->spool, id, 0, &m, err, sizeof(err));
	if (r == 1)
		return 0;	/* someone else has it */
	if (r == -1) {
		log_error("queue file %s: %s; moved to failed/", id, err);
		/* Set it aside so it cannot stop every later flush. */
		spool_set_aside(f->r->spool, id);
		return 0;
	}
	if ((f->all || m.next_try <= time(NULL)) && relay_mine(f->r, id, &m)) {
		relay_message(f->r, &m, &rep);
		f->tried++;
	}
	spool_release(&m);
	return 0;
}

/* see relay.h */
int
relay_flush(struct relay *r, int all, int64_t deadline_ms)
{
	struct relay_flush_state f = { r, all, deadline_ms, 0 };

	spool_each(r->spool, 0, relay_flush_one, &f);
	return f.tried;
}

/* see relay.h */
void
relay_end(struct relay *r)
{
	session_end(&r->sess);
}
