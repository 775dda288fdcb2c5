/* relaymail: the local health check, sendmail --health. ISC licence.
 * Reads only the queue directory's names: the arrival of each message
 * is in its id, so nothing is opened or locked, and a delivery going on
 * at the same moment is never disturbed. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "health.h"
#include "spool.h"
#include "util.h"

struct health_count {
	int	 n;
	time_t	 oldest;	/* arrival of the first id, or -1 */
};

static int
health_one(void *arg, const char *id)
{
	struct health_count *h = arg;
	time_t t = spool_id_arrival(id);

	if (h->n++ == 0 || (t != (time_t)-1 && t < h->oldest))
		h->oldest = t;
	return 0;
}

/* see health.h */
int
health_check(const struct conf *conf, long max_age, char *line, size_t len)
{
	struct health_count q = { 0, (time_t)-1 }, f = { 0, (time_t)-1 };
	struct spool s;
	char err[600], age[32], bound[32], waiting[160];
	long old = 0;
	int r = 0;

	if (faccessat(AT_FDCWD, conf->queue_dir, W_OK | X_OK, AT_EACCESS) ==
	    -1) {
		snprintf(line, len, "unhealthy: queue: %s: %s", conf->queue_dir,
		    errno == EACCES ? "not writable" : strerror(errno));
		return -1;
	}
	if (spool_open(&s, conf->queue_dir, 0, err, sizeof(err)) == -1) {
		if (errno != ENOENT) {
			snprintf(line, len, "unhealthy: queue: %s", err);
			return -1;
		}
		/* q/, tmp/, failed/: made by the first message. */
		snprintf(line, len, "ok: queue %s: none queued; 0 in failed/",
		    conf->queue_dir);
		return 0;
	}
	if (faccessat(s.qfd, ".", W_OK, AT_EACCESS) == -1 ||
	    faccessat(s.tmpfd, ".", W_OK, AT_EACCESS) == -1) {
		snprintf(line, len, "unhealthy: queue: %s: not writable",
		    conf->queue_dir);
		spool_close(&s);
		return -1;
	}
	if (spool_each(&s, 0, health_one, &q) == -1 ||
	    spool_each(&s, 1, health_one, &f) == -1) {
		snprintf(line, len, "unhealthy: queue: %s: cannot be read",
		    conf->queue_dir);
		spool_close(&s);
		return -1;
	}
	spool_close(&s);
	if (q.n > 0 && q.oldest != (time_t)-1)
		old = (long)(time(NULL) - q.oldest);
	if (q.n > 0 && old > max_age)
		r = -1;
	util_span(age, sizeof(age), old);
	util_span(bound, sizeof(bound), max_age);
	if (q.n == 0)
		snprintf(waiting, sizeof(waiting), "none queued");
	else
		snprintf(waiting, sizeof(waiting), "%d queued, the oldest %s "
		    "old%s%s%s", q.n, age, r == 0 ? "" : " (over ", r == 0 ?
		    "" : bound, r == 0 ? "" : "; mailq says why)");
	snprintf(line, len, "%s: queue %s: %s; %d in failed/", r == 0 ? "ok" :
	    "unhealthy", conf->queue_dir, waiting, f.n);
	return r;
}
