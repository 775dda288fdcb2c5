/* relaymail: queue runs and the drain of a connection. ISC licence,
 * see LICENSE.
 * Which messages a run takes (due, or all; -qI/-qR/-qS; only its own for
 * a user outside the mail group), a connection slot taken before a
 * message's lock, the caller who may wait for each (waiter.c), and what
 * the holder of a slot does with it (flush_drain). One message's attempt
 * and its outcome are relay.c's. */
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "flush.h"
#include "log.h"
#include "pool.h"
#include "priv.h"
#include "spool.h"
#include "waiter.h"

/* One attempt at a queued message, for the caller who may wait for it
 * (waiter.c): it hears the outcome, or a failure nobody heard becomes
 * the sender's bounce. The removal is made durable after it heard. */
static void
flush_one_message(struct relay *r, struct spool_msg *m)
{
	struct relay_report rep;
	struct waiter w;
	int heard = waiter_find(&w, r->spool->dir, m->id);

	relay_message(r, m, heard, &rep);
	if (!heard)
		return;
	if (rep.put_back)
		waiter_close(&w);	/* the next one to try it says */
	else if (waiter_tell(&w, &rep) == -1)
		relay_unheard(r, m, &rep);
	relay_sync(r);
}

struct flush_state {
	struct relay *r;
	int	 all;
	int64_t	 deadline;
	int	 tried;
};

/* 1 when a run over r's route takes a message of route name: its own;
 * and for [relay], a message whose route the settings no longer have
 * (relay_message says so, and keeps it). */
static int
flush_route(const struct relay *r, const char *name)
{
	const struct conf *c = r->conf, *base = c->base ? c->base : c;

	if (strcmp(name, c->route ? c->route : "") == 0)
		return 1;
	return c->route == NULL && conf_route_named(base, name) == NULL;
}

/* What a run over r takes. A local user outside the queue group
 * delivers only what it submitted: the file's owner is checked before
 * the lock (so such a run never holds another user's message), the
 * envelope's uid after it. Each route takes its own messages, read
 * before the lock too. */
static int
flush_mine(struct relay *r, const char *id, const struct spool_msg *m)
{
	const struct conf *base = r->conf->base ? r->conf->base : r->conf;
	char route[SPOOL_ROUTE_MAX];

	if (priv_outsider() && !spool_belongs(r->spool, id, 0, m, getuid()))
		return 0;
	if (base->nroutes == 0)
		return 1;
	if (m != NULL)
		return flush_route(r, m->route);
	return spool_route_of(r->spool, id, route, sizeof(route)) == -1 ||
	    flush_route(r, route);
}

static int
flush_contains(const char *s, const char *sub)
{
	size_t n = strlen(sub);

	for (; *s != '\0'; s++)
		if (strncasecmp(s, sub, n) == 0)
			return 1;
	return n == 0;
}

/* The -qI, -qR, -qS test. */
static int
flush_wanted(const struct relay_filter *f, const struct spool_msg *m)
{
	int i;

	switch (f->what) {
	case RELAY_MATCH_ID:
		return flush_contains(m->id, f->substr);
	case RELAY_MATCH_SENDER:
		return flush_contains(m->from, f->substr);
	case RELAY_MATCH_RCPT:
		for (i = 0; i < m->nrcpts; i++)
			if (m->rcpts[i].state == SPOOL_RCPT_PENDING &&
			    flush_contains(m->rcpts[i].addr, f->substr))
				return 1;
	}
	return 0;
}

static int
flush_one(void *arg, const char *id)
{
	struct flush_state *f = arg;
	struct spool_msg m;
	char err[300];
	int r;

	if ((f->deadline != 0 && conn_now_ms() >= f->deadline) ||
	    f->r->throttled)
		return 1;	/* the rest waits for the next run */
	if (!flush_mine(f->r, id, NULL))
		return 0;
	/* Not due by its state (read without the lock): left alone. */
	if (f->r->filter == NULL && !f->all &&
	    spool_next_try(f->r->spool, id) > time(NULL))
		return 0;
	/* A connection slot before the message's lock: one who waited for a
	 * slot with the message locked would keep it from those that have
	 * one. */
	if (!session_take_slot(&f->r->sess, conn_now_ms() +
	    (int64_t)f->r->sess.slot_wait * 1000)) {
		log_info("all %d connections to the smart host are in use: the "
		    "rest waits", pool_cap(&f->r->sess.pool, time(NULL)));
		f->r->throttled = 1;
		return 1;
	}
	r = spool_load(f->r->spool, id, 0, &m, err, sizeof(err));
	if (r == 1)
		return 0;	/* someone else has it */
	if (r == -1 && !m.damaged) {
		/* No descriptor or memory now: it passes; the file is fine. */
		log_warn("id=%s: cannot open the queue file now: %s; left for "
		    "the next run", id, err);
		return 0;
	}
	if (r == -1) {
		log_error("id=%s: queue file: %s; set aside in failed/", id,
		    err);
		/* Set it aside so it cannot stop every later flush. */
		spool_set_aside(f->r->spool, id);
		return 0;
	}
	if ((f->r->filter != NULL ? flush_wanted(f->r->filter, &m) :
	    f->all || m.next_try <= time(NULL)) && flush_mine(f->r, id, &m)) {
		flush_one_message(f->r, &m);
		f->tried++;
	}
	spool_release(&m);
	return 0;
}

/* see flush.h */
int
flush_queue(struct relay *r, int all, int64_t deadline_ms)
{
	struct flush_state f = { r, all, deadline_ms, 0 };

	spool_each(r->spool, 0, flush_one, &f);
	return f.tried;
}

struct flush_due_state {
	struct relay *r;
	time_t	 now;
	time_t	 next;		/* earliest so far, or -1 */
};

static int
flush_due_one(void *arg, const char *id)
{
	struct flush_due_state *d = arg;
	time_t t;

	if (!flush_mine(d->r, id, NULL))
		return 0;
	t = spool_next_try(d->r->spool, id);
	if (d->next == -1 || t < d->next)
		d->next = t;
	return t <= d->now;	/* due now: no need to look further */
}

/* see flush.h */
time_t
flush_next_due(struct relay *r)
{
	struct flush_due_state d = { r, time(NULL), -1 };

	spool_each(r->spool, 0, flush_due_one, &d);
	return d.next;
}

static int
flush_due(struct relay *r)
{
	time_t t = flush_next_due(r);

	return t != -1 && t <= time(NULL);
}

/* see flush.h */
int
flush_drain(struct relay *r)
{
	int n, tried = 0, again = 0;

	for (;;) {
		while (!r->throttled && (n = flush_queue(r, 0, 0)) > 0) {
			tried += n;
			again = 0;
		}
		session_close(&r->sess);	/* the slot goes back */
		/* Looks once more: a message committed meanwhile by a caller
		 * that found every slot busy is ours or another holder's.
		 * Once: a due message someone else holds locked is theirs. */
		if (again || r->throttled || !flush_due(r) ||
		    session_take_slot(&r->sess, 0) == 0)
			return tried;
		again = 1;
	}
}

