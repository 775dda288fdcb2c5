/* relaymail: a committed message and a caller who may be waiting. ISC
 * licence, see LICENSE.
 * The caller's side first (handoff_message and what it calls), then the
 * worker's. What the caller hears is decided in one place,
 * handoff_answer, from the report of whoever made the attempt. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "flush.h"
#include "handoff.h"
#include "log.h"
#include "policy.h"
#include "pool.h"
#include "relay.h"
#include "runner.h"
#include "util.h"
#include "waiter.h"

#define HANDOFF_NAP_MS	100	/* before a put-back message is retried,
				 * plus up to as much again */

static void	 handoff_first(struct handoff *, struct submit *,
		    struct pool_slot *);
static void	 handoff_drainer(struct handoff *, struct pool_slot *);

/* see handoff.h */
void
handoff_init(struct handoff *h, const struct conf *conf, struct spool *s,
    int dialogue, int background, int queue_only)
{
	memset(h, 0, sizeof(*h));
	h->conf = conf;
	h->spool = s;
	h->dialogue = dialogue;
	h->background = background;
	h->queue_only = queue_only;
	h->det = (struct detach)DETACH_ZERO;
}

/* What the caller hears of rep: -bs's reply line; or the exit status and
 * its line on stderr: nothing when sent or queued for a passing reason
 * (a terminal gets one line), one warning when the settings keep it
 * from going or when some recipients refused it, the error when all of
 * them did. */
static void
handoff_answer(const struct handoff *h, const char *id,
    const struct relay_report *rep, struct handoff_answer *ans)
{
	snprintf(ans->reply, sizeof(ans->reply), "250 2.0.0 Ok: queued as %s",
	    id);
	ans->status = 0;
	if (rep->out == OUT_FAILED && rep->partial) {
		/* Never an error: the others have it, and a caller that
		 * retries would send it to them again. */
		log_user_warning("sent, but %s; kept in failed/ as %s and reported "
		    "to the sender", rep->text, id);
		return;
	}
	if (rep->out == OUT_FAILED) {
		if (h->dialogue) {
			log_info("id=%s: refused: %s", id, rep->text);
			snprintf(ans->reply, sizeof(ans->reply), "554 5.0.0 %s",
			    rep->text);
			return;
		}
		log_error("%s", rep->text);
		ans->status = rep->exit_status ? rep->exit_status :
		    EX_UNAVAILABLE;
		return;
	}
	if (rep->out == OUT_SENT)
		return;
	if (h->spool->private) {	/* nothing is kept once we exit */
		log_error("cannot queue (%s is not writable) and delivery "
		    "failed: %s", h->conf->queue_dir, rep->text);
		ans->status = policy_exit(ERR_QUEUE);
		snprintf(ans->reply, sizeof(ans->reply), "451 4.3.0 cannot "
		    "queue the message");
	} else if (rep->class == ERR_CONFIG)
		log_user_warning("queued, not sent (%s): %s; \"sendmail -bt\" tests "
		    "the settings", id, rep->text);
	else
		log_tty("queued (%s): %s", id, rep->text);
}

/* The message could not be kept: its error is the answer. */
static int
handoff_not_kept(struct handoff *h, struct submit *sub,
    struct handoff_answer *ans)
{
	log_error("%s", sub->err);
	ans->status = policy_exit(sub->class);
	if (sub->too_big)	/* for good: the client must not retry */
		snprintf(ans->reply, sizeof(ans->reply), "552 5.3.4 message "
		    "larger than %ld bytes ([queue] max_size)",
		    h->conf->max_size);
	else if (sub->over_quota)	/* passing: space frees up */
		snprintf(ans->reply, sizeof(ans->reply), "452 4.3.1 %.600s",
		    sub->err);
	else
		snprintf(ans->reply, sizeof(ans->reply), "451 4.3.0 cannot "
		    "queue the message: %s", sub->class == ERR_IO ?
		    "write error" : "bad message");
	submit_reset(sub);
	return 0;
}

/* The caller stopped waiting, or never did: the message is queued (in
 * a worker's hands, or for the open connections and the runner). */
static int
handoff_queued(struct handoff *h, const char *id, const char *how,
    struct handoff_answer *ans)
{
	struct relay_report rep;

	memset(&rep, 0, sizeof(rep));
	rep.out = OUT_DEFERRED;
	log_info("id=%s %s", id, how);
	handoff_answer(h, id, &rep, ans);
	return 0;
}

/* A slot of the pool for a new worker, or 0 when every one is busy. */
static int
handoff_slot(struct handoff *h, struct pool_slot *slot)
{
	struct pool p = POOL_ZERO;
	char err[300];
	int got;

	if (pool_open(&p, h->spool, h->route, err, sizeof(err)) == -1)
		log_warn("%s; connections are not shared", err);
	got = pool_take(&p, slot, 0);
	pool_close(&p);
	return got;
}

/* One attempt; one not made for want of a connection (the pool full,
 * or the server over its cap) is made again until until_ms. */
static void
handoff_try(struct relay *r, struct spool_msg *m, int64_t until_ms,
    struct relay_report *rep)
{
	unsigned short rnd = 0;
	int nap;

	for (;;) {
		relay_message(r, m, 1, rep);
		(void)getentropy(&rnd, sizeof(rnd));
		nap = HANDOFF_NAP_MS + rnd % HANDOFF_NAP_MS;
		if (!rep->busy || conn_now_ms() + nap >= until_ms)
			return;
		r->throttled = 0;
		poll(NULL, 0, nap);
	}
}

/* Delivers here, as the caller waits: a private spool (nothing may be
 * left behind), or no worker could start. -odq only commits. */
static int
handoff_here(struct handoff *h, struct submit *sub, struct pool_slot *slot,
    struct handoff_answer *ans)
{
	struct relay_report rep;
	struct relay r;
	char id[SPOOL_ID_MAX];

	if (submit_durable(sub) == -1) {
		pool_give(slot);
		return handoff_not_kept(h, sub, ans);
	}
	util_strlcpy(id, submit_id(sub), sizeof(id));
	if (h->queue_only) {
		log_info("id=%s: queued for the next queue run (-odq)", id);
		submit_reset(sub);
		handoff_answer(h, id, &(struct relay_report){ .out =
		    OUT_DEFERRED }, ans);
		return 0;
	}
	relay_init(&r, h->route, h->spool);
	if (slot->fd != -1)
		session_adopt_slot(&r.sess, slot);
	handoff_try(&r, &sub->msg, conn_now_ms() + (int64_t)h->wait_s * 1000,
	    &rep);
	handoff_answer(h, id, &rep, ans);
	relay_sync(&r);
	submit_reset(sub);
	relay_end(&r);
	if (rep.out == OUT_DEFERRED && !h->spool->private)
		runner_ensure(h->conf);
	return 0;
}

/* Waits for the worker's report on the message it has: the answer, or
 * "queued" when the wait is over first. */
static int
handoff_hear_worker(struct handoff *h, const char *id,
    struct handoff_answer *ans)
{
	struct relay_report rep;
	int64_t until = conn_now_ms() + (int64_t)h->wait_s * 1000;
	char how[64];

	if (h->wait_s > 0 && detach_wait(&h->det, h->wait_s, &rep) == 1) {
		if (!h->dialogue)
			detach_end(&h->det);
		handoff_answer(h, id, &rep, ans);
		return 0;
	}
	detach_end(&h->det);
	if (h->wait_s > 0 && conn_now_ms() < until) {
		/* The worker died before its report: the message is due, and
		 * nobody else knows. */
		runner_ensure(h->conf);
		return handoff_queued(h, id, "queued: the worker died", ans);
	}
	snprintf(how, sizeof(how), "detached after %ds", h->wait_s);
	return handoff_queued(h, id, how, ans);
}

/* A slot is ours: a worker takes it and the message (its lock with it),
 * connects while the message is made durable here, and delivers it. */
static int
handoff_worker(struct handoff *h, struct submit *sub, struct pool_slot *slot,
    struct handoff_answer *ans)
{
	char id[SPOOL_ID_MAX], err[300];

	switch (detach_start(&h->det, err, sizeof(err))) {
	case 0:
		handoff_first(h, sub, slot);
		return 1;
	case -1:
		log_warn("cannot deliver in the background (%s): delivering "
		    "while the caller waits", err);
		return handoff_here(h, sub, slot, ans);
	}
	pool_give(slot);	/* ours only: the worker holds it */
	h->det_route = h->route;
	if (submit_durable(sub) == -1) {
		detach_go(&h->det, 0);
		detach_end(&h->det);
		return handoff_not_kept(h, sub, ans);
	}
	detach_go(&h->det, 1);
	util_strlcpy(id, submit_id(sub), sizeof(id));
	/* Closes our descriptor only: the lock is the worker's now (flock
	 * belongs to the open file, which the worker holds too). */
	submit_reset(sub);
	return handoff_hear_worker(h, id, ans);
}

/* -bs: the dialogue's worker has a connection: it gets the id. */
static int
handoff_give(struct handoff *h, struct submit *sub,
    struct handoff_answer *ans)
{
	char id[SPOOL_ID_MAX];

	if (submit_durable(sub) == -1)
		return handoff_not_kept(h, sub, ans);
	util_strlcpy(id, submit_id(sub), sizeof(id));
	submit_reset(sub);	/* the worker loads and locks it */
	if (detach_give(&h->det, id) == -1) {
		runner_ensure(h->conf);
		return handoff_queued(h, id, "queued: the worker is gone",
		    ans);
	}
	return handoff_hear_worker(h, id, ans);
}

/* Every slot is busy: the message is committed for the connections open
 * (flush_drain looks once more after it gives its slot back) and the
 * caller waits for its outcome from whoever delivers it. */
static int
handoff_wait(struct handoff *h, struct submit *sub,
    struct handoff_answer *ans)
{
	struct waiter_ear ear = WAITER_EAR_ZERO;
	struct relay_report rep;
	struct pool_slot slot = POOL_SLOT_ZERO;
	struct detach d;
	char id[SPOOL_ID_MAX], err[300];

	util_strlcpy(id, submit_id(sub), sizeof(id));
	/* Listening before the message can be seen, so that nobody
	 * delivers it unheard. */
	if (h->wait_s > 0 && waiter_listen(&ear, h->spool->dir, id, err,
	    sizeof(err)) == -1)
		log_warn("id=%s: %s; not waiting for the outcome", id, err);
	if (submit_durable(sub) == -1) {
		waiter_unlisten(&ear);
		return handoff_not_kept(h, sub, ans);
	}
	submit_reset(sub);	/* unlocked: for whoever holds a slot */
	/* A slot given back since we looked: a worker drains the queue. */
	if (handoff_slot(h, &slot)) {
		if (detach_start(&d, err, sizeof(err)) == 0) {
			waiter_leave(&ear);	/* the caller listens on */
			detach_end(&d);
			handoff_drainer(h, &slot);
			return 1;
		}
		detach_end(&d);
		pool_give(&slot);
	}
	runner_ensure(h->conf);
	if (ear.fd != -1 && waiter_hear(&ear, conn_now_ms() +
	    (int64_t)h->wait_s * 1000, &rep) == 1) {
		waiter_unlisten(&ear);
		handoff_answer(h, id, &rep, ans);
		return 0;
	}
	waiter_unlisten(&ear);
	return handoff_queued(h, id, "left to the open connections", ans);
}

/* see handoff.h */
int
handoff_message(struct handoff *h, struct submit *sub,
    struct handoff_answer *ans)
{
	struct pool_slot slot = POOL_SLOT_ZERO;

	memset(ans, 0, sizeof(*ans));
	h->route = sub->conf;	/* submit_reset forgets it */
	h->wait_s = h->background ? 0 : h->route->wait;
	if (submit_seal(sub) == -1)
		return handoff_not_kept(h, sub, ans);
	if (h->queue_only || h->spool->private)
		return handoff_here(h, sub, &slot, ans);
	/* -bs: the dialogue's worker, if its connection is this route's. */
	if (h->det.ctl != -1 && h->det_route != h->route)
		detach_end(&h->det);
	if (h->det.ctl != -1)
		return handoff_give(h, sub, ans);
	if (handoff_slot(h, &slot))
		return handoff_worker(h, sub, &slot, ans);
	return handoff_wait(h, sub, ans);
}

/* see handoff.h */
void
handoff_end(struct handoff *h)
{
	detach_end(&h->det);	/* an idle worker drains, then exits */
}

/* The worker's side. */

/* The worker is done: the connection closed and its slot given back by
 * flush_drain; a runner when something is left for later. */
static void
handoff_leave(struct handoff *h, struct relay *r)
{
	int left = flush_next_due(r) >= 0;

	relay_end(r);
	if (left)
		runner_ensure(h->conf);
}

/* The caller hears rep (it stopped waiting: a failure is the sender's
 * bounce); then the removal is made durable. */
static void
handoff_tell(struct handoff *h, struct relay *r, const struct spool_msg *m,
    const struct relay_report *rep)
{
	if (detach_report(&h->det, rep) == -1)
		relay_unheard(r, m, rep);
	relay_sync(r);
}

/* -bs: each id the dialogue hands over, until it ends. */
static void
handoff_serve(struct handoff *h, struct relay *r)
{
	struct relay_report rep;
	struct spool_msg m;
	char id[SPOOL_ID_MAX], err[300];
	int rv;

	while (!h->det.gone && detach_next(&h->det, id, sizeof(id)) == 1) {
		rv = spool_load(h->spool, id, 0, &m, err, sizeof(err));
		if (rv == 0) {
			handoff_try(r, &m, conn_now_ms() + (int64_t)h->wait_s *
			    1000, &rep);
			handoff_tell(h, r, &m, &rep);
			spool_release(&m);
			continue;
		}
		/* Another deliverer has it (or will): it stays queued. */
		if (rv == -1)
			log_warn("id=%s: %s; left to the queue run", id, err);
		memset(&rep, 0, sizeof(rep));
		rep.out = OUT_DEFERRED;
		rep.put_back = 1;
		snprintf(rep.text, sizeof(rep.text), "taken by another "
		    "delivery");
		detach_report(&h->det, &rep);
	}
}

/* The worker of a message whose caller found a slot: connects while the
 * caller makes the message durable, sends nothing before its go,
 * answers, then (-bs) takes the dialogue's next messages, then drains
 * the queue over the same connection. */
static void
handoff_first(struct handoff *h, struct submit *sub, struct pool_slot *slot)
{
	struct relay_report rep;
	struct relay r;
	int64_t until = conn_now_ms() + (int64_t)h->wait_s * 1000;

	relay_init(&r, h->route, h->spool);
	session_adopt_slot(&r.sess, slot);
	(void)relay_connect(&r);
	if (detach_await_go(&h->det) != 1) {
		relay_end(&r);
		submit_reset(sub);	/* forgets; removes nothing */
		return;
	}
	handoff_try(&r, &sub->msg, until, &rep);
	handoff_tell(h, &r, &sub->msg, &rep);
	submit_reset(sub);	/* unlocks it */
	if (h->dialogue)
		handoff_serve(h, &r);
	detach_end(&h->det);
	flush_drain(&r);
	handoff_leave(h, &r);
}

/* A worker that only drains the queue with the slot it was given. */
static void
handoff_drainer(struct handoff *h, struct pool_slot *slot)
{
	struct relay r;

	relay_init(&r, h->route, h->spool);
	session_adopt_slot(&r.sess, slot);
	flush_drain(&r);
	handoff_leave(h, &r);
}
