/* relaymail: mailq, the queue as a person reads it. ISC licence.
 * One block per message: id (with "!" when it failed for good), size,
 * arrival, sender; then the reason and next try; then the recipients
 * still waiting (refused ones marked). A locked message is being
 * delivered right now and is shown with "*". */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mailq.h"

struct listing {
	struct spool *s;
	FILE	*fp;
	int	 failed;
	int	 count;
	long long bytes;
};

static void
when(char *buf, size_t len, time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%a %b %e %H:%M:%S", &tm);
}

static int
show(void *arg, const char *id)
{
	struct listing *l = arg;
	struct spool_msg m;
	char err[300], at[64], next[64];
	int i, r;

	r = spool_load(l->s, id, l->failed, &m, err, sizeof(err));
	if (r == 1) {
		fprintf(l->fp, "%-18s* (being delivered now)\n\n", id);
		l->count++;
		return 0;
	}
	if (r == -1) {
		fprintf(l->fp, "%-18s! (%s)\n\n", id, err);
		l->count++;
		return 0;
	}
	when(at, sizeof(at), m.arrival);
	fprintf(l->fp, "%-17s%s %8lld %s  %s\n", id, l->failed ? "!" : " ",
	    (long long)m.body_len, at, m.from[0] ? m.from : "<>");
	if (m.last_error[0] != '\0') {
		if (l->failed)
			fprintf(l->fp, "%19s(failed: %s)\n", "", m.last_error);
		else {
			when(next, sizeof(next), m.next_try);
			fprintf(l->fp, "%19s(%s; attempt %d, next try %s)\n",
			    "", m.last_error, m.attempts, next);
		}
	}
	for (i = 0; i < m.nrcpts; i++) {
		if (m.rcpt_done[i] == 1)
			continue;
		fprintf(l->fp, "%49s%s%s\n", "", m.rcpts[i],
		    m.rcpt_done[i] == 2 ? " (refused)" : "");
	}
	fputc('\n', l->fp);
	l->count++;
	l->bytes += m.body_len;
	spool_release(&m);
	return 0;
}

static int
count(void *arg, const char *id)
{
	(void)id;
	(*(int *)arg)++;
	return 0;
}

/* see mailq.h */
int
mailq_print(struct spool *s, FILE *fp)
{
	struct listing l = { s, fp, 0, 0, 0 };
	int n = 0;

	spool_each(s, 0, count, &n);
	spool_each(s, 1, count, &n);
	if (n == 0) {
		fprintf(fp, "Mail queue is empty\n");
		return 0;
	}
	fprintf(fp, "-Queue ID-        --Size-- ----Arrival Time---- "
	    "-Sender/Recipient-------\n");
	spool_each(s, 0, show, &l);
	l.failed = 1;
	spool_each(s, 1, show, &l);
	fprintf(fp, "-- %lld Kbytes in %d Request%s.\n",
	    (l.bytes + 1023) / 1024, l.count, l.count == 1 ? "" : "s");
	return l.count;
}
