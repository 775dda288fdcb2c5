/* relaymail: the queue commands. ISC licence, see LICENSE.
 * Finds each named message in q/ or failed/, takes its lock like any
 * delivery does, and tries, removes or gives it up. A message someone
 * else holds is left alone: the caller is told to try again. A user
 * outside the group names only its own: another's is "no such message",
 * found by the file's owner before anything opens or locks it. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin.h"
#include "bounce.h"
#include "log.h"
#include "priv.h"
#include "relay.h"
#include "util.h"

/* 0 when id is in q/, 1 in failed/, -1 when in neither or not an id.
 * A user outside the group finds only its own messages: another user's
 * id is answered as one that does not exist, and never opened. */
static int
admin_where(struct spool *s, const char *id)
{
	struct stat sb;
	const char *p;
	int where = -1;

	if (*id == '\0' || strlen(id) >= SPOOL_ID_MAX)
		return -1;
	for (p = id; *p != '\0'; p++)	/* spool_new_id's alphabet */
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= 'a' && *p <= 'z')))
			return -1;
	if (fstatat(s->qfd, id, &sb, AT_SYMLINK_NOFOLLOW) == 0)
		where = 0;
	else if (fstatat(s->failfd, id, &sb, AT_SYMLINK_NOFOLLOW) == 0)
		where = 1;
	if (where != -1 && priv_outsider() &&
	    !spool_belongs(s, id, where, NULL, getuid()))
		return -1;
	return where;
}

/* -M: one more try; a failed message's refused recipients count again. */
static void
admin_run(struct relay *r, struct spool_msg *m, FILE *out)
{
	static const char *said[] = { "sent", "deferred", "failed" };
	struct relay_report rep;
	int i, was_failed = m->failed;

	for (i = 0; i < m->nrcpts && was_failed; i++)
		if (m->rcpts[i].state == SPOOL_RCPT_REFUSED) {
			m->rcpts[i].state = SPOOL_RCPT_PENDING;
			free(m->rcpts[i].reply);
			m->rcpts[i].reply = NULL;
		}
	/* Its sender heard when it failed; a second refusal only here. */
	relay_message(r, m, was_failed, &rep);
	if (rep.out == OUT_DEFERRED && m->failed &&
	    spool_requeue(r->spool, m) == -1)
		log_error("%s: deferred, but cannot move it back to q/", m->id);
	fprintf(out, "%s: %s", m->id, said[rep.out]);
	if (rep.out != OUT_SENT)
		fprintf(out, ": %s", rep.text);
	fputc('\n', out);
	log_info("id=%s: tried on the administrator's request (-M): %s",
	    m->id, said[rep.out]);
}

/* -Mg: a report to the sender about every recipient not served. */
static int
admin_give_up(struct relay *r, struct spool_msg *m, FILE *out)
{
	struct spool_msg b;
	struct relay_report rep;
	char why[700], err[300];
	int i, rv = 1, kept = 0;

	if (!m->failed) {
		for (i = 0; i < m->nrcpts; i++)
			if (m->rcpts[i].state == SPOOL_RCPT_PENDING)
				m->rcpts[i].state = SPOOL_RCPT_REFUSED;
		snprintf(why, sizeof(why), "delivery given up by the mail "
		    "administrator%s%s", m->last_error[0] ? "; last error: " :
		    "", m->last_error);
		rv = bounce_create(r->conf, r->spool, m, why, &b, err,
		    sizeof(err));
	}
	if (rv == -1) {
		log_error("%s: cannot queue a report to the sender: %s; kept",
		    m->id, err);
		return -1;
	}
	if (spool_done(r->spool, m) == -1) {
		log_error("%s: cannot remove it", m->id);
		kept = 1;
	} else if (rv == 0)
		fprintf(out, "%s: given up; report to <%s> queued as %s\n",
		    m->id, b.rcpts[0].addr, b.id);
	else
		fprintf(out, "%s: given up; no report (%s)\n", m->id,
		    m->failed ? "it had already failed" :
		    "null sender, or bounce = no");
	log_info("id=%s: given up by the administrator (-Mg)", m->id);
	if (rv == 0) {
		relay_message(r, &b, 0, &rep);
		spool_release(&b);
	}
	return kept ? -1 : 0;
}

/* One id: found, locked, handled. */
static void
admin_one(struct relay *r, enum cli_msg_op op, const char *id, FILE *out,
    struct admin_result *res)
{
	struct spool_msg m;
	char err[300];
	int where, rv;

	if ((where = admin_where(r->spool, id)) == -1)
		goto unknown;
	rv = spool_load(r->spool, id, where, &m, err, sizeof(err));
	if (rv == 0 && priv_outsider() &&
	    !spool_belongs(r->spool, id, where, &m, getuid())) {
		spool_release(&m);	/* its file, but another's envelope */
		goto unknown;
	}
	if (rv == 1) {
		log_error("%s: being delivered right now; try again later",
		    id);
		res->busy++;
		return;
	}
	if (rv == -1) {
		log_error("%s: %s", id, err);
		res->errors++;
		return;
	}
	if (op == CLI_MSG_RUN || op == CLI_MSG_GIVEUP) {
		/* Over the message's own route (its report too); one the
		 * settings no longer have is said by relay_message. */
		const struct conf *rc = conf_route_named(r->conf, m.route);
		struct relay via;

		relay_init(&via, rc != NULL ? rc : r->conf, r->spool);
		if (op == CLI_MSG_RUN)
			admin_run(&via, &m, out);
		else
			rv = admin_give_up(&via, &m, out);
		relay_end(&via);
	} else if ((rv = spool_done(r->spool, &m)) == 0) {
		fprintf(out, "%s: removed\n", id);
		log_info("id=%s: removed by the administrator (-Mrm)", id);
	} else
		log_error("%s: cannot remove it", id);
	spool_release(&m);
	if (rv == -1)
		res->errors++;
	else
		res->done++;
	return;
unknown:
	log_error("%s: no such message in the queue", id);
	res->unknown++;
}

/* see admin.h */
void
admin_messages(const struct conf *conf, struct spool *s, enum cli_msg_op op,
    char *const *ids, int n, FILE *out, struct admin_result *res)
{
	struct relay r;
	int i;

	memset(res, 0, sizeof(*res));
	relay_init(&r, conf, s);
	for (i = 0; i < n; i++)
		admin_one(&r, op, ids[i], out, res);
	relay_end(&r);
}

static void
admin_expired(void *arg, const char *id, time_t failed_at)
{
	time_t age = *(time_t *)arg;

	log_info("id=%s: removed from failed/: failed %ld days ago "
	    "(failed_max_age %ldd)", id, (long)((time(NULL) - failed_at) /
	    86400), (long)(age / 86400));
}

/* see admin.h */
int
admin_expire(struct spool *s, time_t age)
{
	return spool_expire_failed(s, age, admin_expired, &age);
}
