/* relaymail: mailq, the queue as a person reads it. ISC licence.
 * One block per message: id with a marker, size, arrival, sender; a line
 * with attempts, next try and last error; then every recipient with its
 * state. Nothing read from the queue reaches the terminal unescaped: an
 * address or a server's reply could carry terminal control sequences.
 * Files are read, never locked; a user outside the group is shown its
 * own messages only, chosen by the file's owner before any is opened. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mailq.h"

#define MAILQ_INDENT	21	/* under the id column */

struct mailq_listing {
	struct spool *s;
	FILE	*fp;
	uid_t	 uid;		/* whose messages, or MAILQ_EVERYONE */
	int	 failed;
	int	 count;
	long long bytes;
};

/* 1 when the listing shows id: read before the file is opened. */
static int
mailq_shown(const struct mailq_listing *l, const char *id, int failed)
{
	return l->uid == MAILQ_EVERYONE || spool_belongs(l->s, id, failed,
	    NULL, l->uid);
}

/* see mailq.h */
void
mailq_put(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\\')
			fputs("\\\\", fp);
		else if (c < 0x20 || c == 0x7f)
			fprintf(fp, "\\x%02X", c);
		else
			fputc(c, fp);
	}
}

static void
mailq_when(char *buf, size_t len, time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%a %b %e %H:%M:%S", &tm);
}

/* "(attempts N; next try ...; last error: ...)", or "(attempts N;
 * failed: ...)" */
static void
mailq_state(const struct mailq_listing *l, const struct spool_msg *m)
{
	char next[64];

	fprintf(l->fp, "%*s(", MAILQ_INDENT, "");
	if (m->route[0] != '\0') {	/* [route NAME], not [relay] */
		fputs("route ", l->fp);
		mailq_put(l->fp, m->route);
		fputs("; ", l->fp);
	}
	fprintf(l->fp, "attempts %d; ", m->attempts);
	if (l->failed) {
		fputs("failed: ", l->fp);
		mailq_put(l->fp, m->last_error);
		fputs(")\n", l->fp);
		return;
	}
	if (m->next_try <= time(NULL))
		fputs("next try now", l->fp);
	else {
		mailq_when(next, sizeof(next), m->next_try);
		fprintf(l->fp, "next try %s", next);
	}
	if (m->last_error[0] != '\0') {
		fputs("; last error: ", l->fp);
		mailq_put(l->fp, m->last_error);
	}
	fputs(")\n", l->fp);
}

static void
mailq_rcpts(const struct mailq_listing *l, const struct spool_msg *m)
{
	int i;

	for (i = 0; i < m->nrcpts; i++) {
		fprintf(l->fp, "%*s", MAILQ_INDENT + 2, "");
		mailq_put(l->fp, m->rcpts[i].addr);
		if (m->rcpts[i].state == SPOOL_RCPT_SENT)
			fputs("  (sent)\n", l->fp);
		else if (m->rcpts[i].state == SPOOL_RCPT_PENDING)
			fputs("  (pending)\n", l->fp);
		else if (m->rcpts[i].reply == NULL)
			fputs("  (refused)\n", l->fp);
		else {
			fputs("  (refused: ", l->fp);
			mailq_put(l->fp, m->rcpts[i].reply);
			fputs(")\n", l->fp);
		}
	}
}

static int
mailq_show(void *arg, const char *id)
{
	struct mailq_listing *l = arg;
	struct spool_msg m;
	char err[300], at[64];
	int r;

	if (!mailq_shown(l, id, l->failed))
		return 0;
	r = spool_peek(l->s, id, l->failed, &m, err, sizeof(err));
	if (r == 1)
		return 0;	/* delivered since the directory was read */
	if (r == 0 && l->uid != MAILQ_EVERYONE && m.uid != l->uid) {
		spool_release(&m);	/* its file, another's envelope */
		return 0;
	}
	l->count++;
	if (r == -1) {
		fprintf(l->fp, "%-19s? (", id);
		mailq_put(l->fp, err);
		fputs(")\n\n", l->fp);
		return 0;
	}
	mailq_when(at, sizeof(at), m.arrival);
	fprintf(l->fp, "%-19s%c %8lld %-20s ", id, l->failed ? '!' : m.busy ?
	    '*' : ' ', (long long)m.body_len, at);
	mailq_put(l->fp, m.from[0] != '\0' ? m.from : "<>");
	fputc('\n', l->fp);
	mailq_state(l, &m);
	mailq_rcpts(l, &m);
	fputc('\n', l->fp);
	l->bytes += m.body_len;
	spool_release(&m);
	return 0;
}

static int
mailq_one(void *arg, const char *id)
{
	struct mailq_listing *l = arg;

	if (mailq_shown(l, id, l->failed))
		l->count++;
	return 0;
}

/* see mailq.h */
int
mailq_count(struct spool *s, uid_t uid)
{
	struct mailq_listing l = { s, NULL, uid, 0, 0, 0 };

	if (spool_each(s, 0, mailq_one, &l) == -1)
		return -1;
	l.failed = 1;
	if (spool_each(s, 1, mailq_one, &l) == -1)
		return -1;
	return l.count;
}

static void
mailq_legend(FILE *fp)
{
	fputs("Legend: after the id, \"*\" being delivered now, \"!\" failed "
	    "for good (kept in\nfailed/ until it expires), \"?\" the queue "
	    "file cannot be read. Recipients:\npending (not accepted yet), "
	    "sent (accepted by the smart host), refused (for\ngood, with the "
	    "reply). Control characters are shown as \\xNN, \"\\\" as "
	    "\"\\\\\".\n", fp);
}

/* see mailq.h */
int
mailq_print(struct spool *s, uid_t uid, FILE *fp)
{
	struct mailq_listing l = { s, fp, uid, 0, 0, 0 };

	if (mailq_count(s, uid) <= 0) {
		fprintf(fp, "Mail queue is empty\n");
		return 0;
	}
	fprintf(fp, "%-20s %8s %-20s %s\n", "-Queue ID-", "--Size--",
	    "----Arrival Time----", "-Sender/Recipient-------");
	spool_each(s, 0, mailq_show, &l);
	l.failed = 1;
	spool_each(s, 1, mailq_show, &l);
	mailq_legend(fp);
	/* sendmail's last line before Postfix's: check_mailq reads each. */
	fprintf(fp, "%16sTotal requests: %d\n", "", l.count);
	fprintf(fp, "-- %lld Kbytes in %d Request%s.\n",
	    (l.bytes + 1023) / 1024, l.count, l.count == 1 ? "" : "s");
	return l.count;
}
