/* relaymail: the on-disk queue. ISC licence, see LICENSE.
 * DIR/tmp/ holds messages being written, DIR/q/ the committed ones,
 * DIR/failed/ those refused for good (kept for mailq). A queue file is
 * the message (CRLF lines) followed by its envelope as text and a fixed
 * 36-byte last line giving where the envelope starts. Its retry state
 * lives beside it in ID.st, replaced atomically. A message is locked
 * (flock, non-blocking) by whoever works on it; a crash drops the lock. */
#ifndef SPOOL_H
#define SPOOL_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "relaymail.h"

#define SPOOL_ID_MAX	32
#define SPOOL_RCPT_MAX	1000

struct spool {
	char	 dir[512];
	int	 fd;		/* DIR */
	int	 qfd;		/* DIR/q */
	int	 tmpfd;		/* DIR/tmp */
	int	 failfd;	/* DIR/failed */
};

struct spool_msg {
	char	 id[SPOOL_ID_MAX];
	int	 fd;		/* open, locked; -1 when not */
	int	 failed;	/* lives in failed/ */
	/* envelope */
	char	*from;		/* "" = null sender */
	char	*rcpts[SPOOL_RCPT_MAX];
	int	 nrcpts;
	int	 rcpt_done[SPOOL_RCPT_MAX];	/* 1 sent, 2 refused */
	time_t	 arrival;
	int	 eightbit, utf8;
	char	*notify, *ret, *envid;
	off_t	 body_len;	/* the message bytes at offset 0 */
	/* retry state (ID.st) */
	int	 attempts;
	time_t	 next_try;
	char	 last_error[512];
};

/* Opens (and with create, makes) DIR with tmp/, q/ and failed/. 0, or
 * -1 with err. */
int	 spool_open(struct spool *, const char *dir, int create, char *err,
	    size_t errlen);
void	 spool_close(struct spool *);

/* Starts a new message in tmp/: m->id set, m->fd open for writing. */
int	 spool_create(struct spool *, struct spool_msg *m, char *err,
	    size_t errlen);

/* The promise point. Appends the envelope, fsyncs the file, renames it
 * into q/, fsyncs q/. On 0 the message is durable, and still locked by
 * m->fd. On -1 (err set) nothing is left in q/. */
int	 spool_commit(struct spool *, struct spool_msg *m, char *err,
	    size_t errlen);

/* Throws away a message still in tmp/. */
void	 spool_abort(struct spool *, struct spool_msg *m);

/* Opens and locks q/ID (or failed/ID) and reads its envelope and state.
 * 0; 1 when another process holds the lock; -1 with err (a damaged
 * file: the caller sets it aside with spool_fail). */
int	 spool_load(struct spool *, const char *id, int failed,
	    struct spool_msg *m, char *err, size_t errlen);

/* Handed off: removes the message and its state. */
int	 spool_done(struct spool *, struct spool_msg *m);

/* Records an attempt that will be retried: attempts+1, next_try, reason.
 * The recipient marks in m->rcpt_done are kept. */
int	 spool_defer(struct spool *, struct spool_msg *m, time_t next,
	    const char *reason);

/* Moves the message to failed/ with its reason. */
int	 spool_fail(struct spool *, struct spool_msg *m, const char *reason);

/* Unlocks and frees what spool_load/create allocated. */
void	 spool_release(struct spool_msg *m);

/* Calls cb for each message id in q/ (failed = 0) or failed/ (1), in
 * arrival order. Stops early when cb returns non-zero and returns that. */
int	 spool_each(struct spool *, int failed,
	    int (*cb)(void *arg, const char *id), void *arg);

/* Removes tmp/ files older than age seconds (a writer that crashed). */
void	 spool_clean_tmp(struct spool *, time_t age);

#endif
