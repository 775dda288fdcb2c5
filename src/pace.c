/* relaymail: pacing sends. ISC licence, see LICENSE.
 * Sliding windows over a bounded record of recent sends. A bucket only
 * ever counts towards the hour and the day: it was made from sends older
 * than a minute, and its time is its minute's end, so it errs towards
 * counting a send too long, never too briefly. */
#include <stdio.h>
#include <string.h>

#include "pace.h"

/* see pace.h */
void
pace_parse(struct pace *p, const char *text)
{
	const char *s = text;

	p->count = 0;
	while (*s != '\0' && p->count < PACE_ENTRIES_MAX) {
		struct pace_entry *e = &p->e[p->count];
		const char *nl = strchr(s, '\n');
		int b = 0;

		if (sscanf(s, "%lld %d %d", &e->t, &e->n, &b) >= 2 &&
		    e->n > 0) {
			e->bucket = b != 0;
			p->count++;
		}
		if (nl == NULL)
			break;
		s = nl + 1;
	}
}

/* Drops entries older than a day and merges those older than a minute
 * into per-minute buckets, keeping the order. */
static void
pace_compact(struct pace *p, time_t now)
{
	int i, o = 0;

	for (i = 0; i < p->count; i++) {
		struct pace_entry e = p->e[i];

		if (e.t <= (long long)now - 86400)
			continue;
		if (!e.bucket && e.t <= (long long)now - 60) {
			e.t = (e.t / 60 + 1) * 60;	/* its minute's end */
			e.bucket = 1;
		}
		if (o > 0 && e.bucket && p->e[o - 1].bucket &&
		    p->e[o - 1].t == e.t)
			p->e[o - 1].n += e.n;
		else
			p->e[o++] = e;
	}
	p->count = o;
}

/* see pace.h */
size_t
pace_format(struct pace *p, time_t now, char *buf, size_t len)
{
	size_t o = 0;
	int i;

	pace_compact(p, now);
	buf[0] = '\0';
	for (i = 0; i < p->count && o + PACE_LINE_MAX < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%lld %d %d\n",
		    p->e[i].t, p->e[i].n, p->e[i].bucket);
	return o;
}

/* The sends within window seconds before now; *oldest gets the time the
 * first of them leaves the window. */
static int
pace_count(const struct pace *p, time_t now, long window, long long *leave)
{
	int i, n = 0;

	*leave = (long long)now + window;
	for (i = p->count - 1; i >= 0; i--) {
		const struct pace_entry *e = &p->e[i];

		if (e->t <= (long long)now - window)
			continue;
		if (window <= 60 && e->bucket)
			continue;
		n += e->n;
		if (e->t + window < *leave)
			*leave = e->t + window;
	}
	return n;
}

/* see pace.h */
long
pace_wait(const struct pace *p, time_t now, char *why, size_t len)
{
	static const struct { long window; const char *name; } w[] = {
		{ 60, "max_per_minute" }, { 3600, "max_per_hour" },
		{ 86400, "max_per_day" },
	};
	const int lim[3] = { p->per_minute, p->per_hour, p->per_day };
	long long leave;
	int i;

	for (i = 0; i < 3; i++) {
		if (lim[i] <= 0 ||
		    pace_count(p, now, w[i].window, &leave) < lim[i])
			continue;
		snprintf(why, len, "[relay] %s = %d reached; stays queued",
		    w[i].name, lim[i]);
		return leave > (long long)now ? (long)(leave - now) : 1;
	}
	return 0;
}

/* see pace.h */
void
pace_note(struct pace *p, time_t now)
{
	struct pace_entry *last = p->count > 0 ? &p->e[p->count - 1] : NULL;

	if (last != NULL && !last->bucket && last->t == (long long)now) {
		last->n++;
		return;
	}
	if (p->count == PACE_ENTRIES_MAX) {
		/* Full: lose the oldest rather than the newest. */
		memmove(p->e, p->e + 1, sizeof(p->e[0]) * (PACE_ENTRIES_MAX -
		    1));
		p->count--;
	}
	p->e[p->count].t = now;
	p->e[p->count].n = 1;
	p->e[p->count].bucket = 0;
	p->count++;
}
