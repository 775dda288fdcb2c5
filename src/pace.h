/* relaymail: pacing sends under [relay] max_per_minute, max_per_hour
 * and max_per_day. ISC licence, see LICENSE.
 * A bounded record of recent sends: exact seconds for the last minute,
 * then per-minute buckets for a day; older ones forgotten. Pure: relay.c
 * keeps the record's text in the queue, one for the host, and updates it
 * under the file's lock (state.c). */
#ifndef PACE_H
#define PACE_H

#include <stddef.h>
#include <time.h>

#define PACE_FILE		"pace"	/* in the queue directory */
#define PACE_LOCK_WAIT_MS	5000	/* the record is held microseconds */
/* 60 exact seconds + 1441 minute buckets of a day, with room to spare */
#define PACE_ENTRIES_MAX	1600
#define PACE_LINE_MAX		32	/* bytes of one "t n b" line */
#define PACE_TEXT_MAX		(PACE_ENTRIES_MAX * PACE_LINE_MAX)

struct pace_entry {
	long long t;	/* time of the sends (a bucket: its minute's end) */
	int	 n;	/* how many */
	int	 bucket;	/* merged: older than a minute when written */
};

struct pace {
	int	 per_minute, per_hour, per_day;	/* 0: no limit */
	struct pace_entry e[PACE_ENTRIES_MAX];	/* oldest first */
	int	 count;
};

/* Replaces the record with the one in text (a damaged line is skipped:
 * a lost count errs by one send, never stops delivery). */
void	 pace_parse(struct pace *, const char *text);

/* The record as text, dropping what is older than a day and merging what
 * is older than a minute into buckets. Returns its length (< len). */
size_t	 pace_format(struct pace *, time_t now, char *buf, size_t len);

/* 0 when one more send at now stays within every limit; else the
 * seconds until a slot frees, with the limit reached named in why. */
long	 pace_wait(const struct pace *, time_t now, char *why, size_t len);

/* Counts one send at now. */
void	 pace_note(struct pace *, time_t now);

#endif
