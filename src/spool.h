/* relaymail: the on-disk queue. ISC licence, see LICENSE.
 * DIR/tmp/ holds messages being written, DIR/q/ the committed ones,
 * DIR/failed/ those refused for good (kept for mailq). A queue file is
 * the message (CRLF lines) followed by its envelope as text and a fixed
 * 40-byte last line giving where the envelope starts. Its retry state
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
/* A refused recipient's reply as kept in ID.st: one line, cut to fit. */
#define SPOOL_REPLY_MAX	256
#define SPOOL_UID_UNKNOWN ((uid_t)-1)	/* a queue file from before "uid" */
#define SPOOL_ROUTE_MAX	32	/* a route's name (conf.h), with NUL */

struct spool {
	char	 dir[512];
	int	 fd;		/* DIR */
	int	 qfd;		/* DIR/q */
	int	 tmpfd;		/* DIR/tmp */
	int	 failfd;	/* DIR/failed */
	int	 private;	/* spool_open_private's: for one message */
};

/* What became of one recipient. Its envelope line in the queue file
 * starts with the same as a word, "rcpt", "done" or "fail", written over
 * in place when it changes (spool_mark), so that recording progress
 * never needs a new block on the disk. */
enum spool_rcpt_state {
	SPOOL_RCPT_PENDING,	/* not handed off yet: the next attempt tries it */
	SPOOL_RCPT_SENT,	/* the smart host took it (250 after DATA) */
	SPOOL_RCPT_REFUSED	/* refused for good; reply says why */
};

/* One recipient, and how far the queue file has caught up with it:
 * state is what we know, word what its envelope line says (written by
 * spool_mark, perhaps only in the page cache), synced whether that word
 * is on the disk (fsync'd by spool_record or the commit). A message may
 * be tried again only when every word is synced: else a crash could
 * forget a recipient that has the message and send it twice. */
struct spool_rcpt {
	char	*addr;
	enum spool_rcpt_state state;
	enum spool_rcpt_state word;
	int	 synced;
	off_t	 line;		/* its envelope line's offset; 0 before the
				 * envelope is written */
	char	*reply;		/* REFUSED: the server's reply, or NULL;
				 * set by spool_refuse() */
};

/* One message. It owns its envelope: the setters below copy what they
 * are given and spool_release() frees it; callers never lend pointers. */
struct spool_msg {
	char	 id[SPOOL_ID_MAX];
	int	 fd;		/* open, locked; -1 when not */
	int	 failed;	/* lives in failed/ */
	int	 named;		/* being written as tmp/ID (no O_TMPFILE) */
	/* envelope */
	char	*from;		/* "" = null sender */
	struct spool_rcpt rcpts[SPOOL_RCPT_MAX];
	int	 nrcpts;
	int	 damaged;	/* spool_load: the file cannot be parsed */
	int	 busy;		/* spool_peek: a delivery holds its lock */
	time_t	 arrival;
	uid_t	 uid;		/* who submitted it (envelope "uid N") */
	char	 route[SPOOL_ROUTE_MAX];	/* "route NAME", chosen when it
				 * was committed; "" for [relay] */
	int	 eightbit, utf8;
	char	*notify, *ret, *envid;
	off_t	 body_len;	/* the message bytes at offset 0 */
	/* retry state (ID.st) */
	int	 attempts;
	time_t	 next_try;
	char	 last_error[512];
};

/* Opens (and with create, makes what is missing of) DIR with tmp/, q/
 * and failed/. Set-group-ID, only root makes them, root:group 2770; a
 * user's run says they are missing. 0, or -1 with err. */
int	 spool_open(struct spool *, const char *dir, int create, char *err,
	    size_t errlen);
void	 spool_close(struct spool *);

/* A directory of the queue beside q/ (pool/), opened, and made first
 * when missing under the rule for q/ (set-group-ID, only root makes it,
 * for the group). Its descriptor, or -1 with err. */
int	 spool_dir_open(struct spool *, const char *name, char *err,
	    size_t errlen);

/* A private spool for one message when the queue cannot be written: a
 * new directory under base (TMPDIR, or /tmp when base is NULL or not
 * absolute), path returned in dir. 0, or -1 with err. It lives only while
 * the message is tried; spool_remove_private deletes it whole. */
int	 spool_open_private(struct spool *, const char *base, char *dir,
	    size_t dirlen, char *err, size_t errlen);
void	 spool_remove_private(struct spool *, const char *dir);

/* Starts a new message in tmp/: m->id set, m->fd open for writing. */
int	 spool_create(struct spool *, struct spool_msg *m, char *err,
	    size_t errlen);

/* The promise point. Appends the envelope, fsyncs the file, renames it
 * into q/, fsyncs q/. On 0 the message is durable, and still locked by
 * m->fd. On -1 (err set) nothing is left in q/. */
int	 spool_commit(struct spool *, struct spool_msg *m, char *err,
	    size_t errlen);

/* spool_commit in two steps: the envelope written (spool_seal), then the
 * promise point (spool_durable), so that a worker can connect while the
 * disk makes the message durable. Each aborts the message on -1. */
int	 spool_seal(struct spool *, struct spool_msg *m, char *err,
	    size_t errlen);
int	 spool_durable(struct spool *, struct spool_msg *m, char *err,
	    size_t errlen);

/* The envelope of a message being written: each copies its argument.
 * 0, or -1 with err (out of memory, more than SPOOL_RCPT_MAX recipients,
 * a control character). */
int	 spool_set_sender(struct spool_msg *m, const char *from, char *err,
	    size_t errlen);
int	 spool_add_rcpt(struct spool_msg *m, const char *rcpt, char *err,
	    size_t errlen);
/* The route (conf.h) the message takes, for every attempt; NULL or ""
 * for [relay]. 0, or -1 with err (a name too long). */
int	 spool_set_route(struct spool_msg *m, const char *route, char *err,
	    size_t errlen);

/* The route of q/ID, read without locking it (its envelope's first
 * line), into buf: "" for [relay]. 0, or -1 when it cannot be read. */
int	 spool_route_of(struct spool *, const char *id, char *buf, size_t len);

/* DSN parameters (-N, -R, -V); NULL leaves one unset. */
int	 spool_set_dsn(struct spool_msg *m, const char *notify, const char *ret,
	    const char *envid, char *err, size_t errlen);

/* Marks recipient i refused with the server's reply (code and text, kept
 * as one line of at most SPOOL_REPLY_MAX-1 bytes, control characters
 * blanked); written to ID.st by the next spool_defer or
 * spool_move_to_failed. 0, or -1 out of memory (the mark is set, the
 * text lost). */
int	 spool_refuse(struct spool_msg *m, int i, int code, const char *text);

/* Throws away a message still in tmp/, envelope included. */
void	 spool_abort(struct spool *, struct spool_msg *m);

/* Opens and locks q/ID (or failed/ID) and reads its envelope and state.
 * 0; 1 when another process holds the lock; -1 with err: m->damaged
 * when the file cannot be parsed (the caller sets it aside), else a
 * passing failure (no descriptor, no memory) to retry later. */
int	 spool_load(struct spool *, const char *id, int failed,
	    struct spool_msg *m, char *err, size_t errlen);

/* Reads q/ID (or failed/ID) as spool_load does, for a listing: opened
 * read-only and never locked (a delivery is never kept from it), with
 * m->busy set when a delivery holds it; m->fd is closed on return. 0; 1
 * when it is gone; -1 with err. */
int	 spool_peek(struct spool *, const char *id, int failed,
	    struct spool_msg *m, char *err, size_t errlen);

/* Handed off: removes the message and its state. The removal is durable
 * only after spool_sync_dir. */
int	 spool_done(struct spool *, struct spool_msg *m);

/* fsync of q/ (failed/ when failed is set): removals made durable. */
int	 spool_sync_dir(struct spool *, int failed);

/* When q/ID is next due, read without opening or locking the message:
 * 0 when it was never tried (due now) or its state cannot be read. */
time_t	 spool_next_try(struct spool *, const char *id);

/* Writes each recipient's state over its line's word in the queue file
 * (word = state), not yet durable (synced = 0 where it changed). 0, or
 * -1 with errno. */
int	 spool_mark(struct spool_msg *m);

/* spool_mark, then fsync when a word changed since the last one (every
 * recipient synced): progress is recorded before a message can be tried
 * again, even on a full disk. 0, or -1 with errno. */
int	 spool_record(struct spool_msg *m);

/* Records an attempt that will be retried: attempts+1, next_try, reason,
 * and the recipients' states and replies, in ID.st. */
int	 spool_defer(struct spool *, struct spool_msg *m, time_t next,
	    const char *reason);

/* Records why the message waits without counting an attempt (it was
 * not tried: refused over the provider's cap); next_try is kept. */
int	 spool_note(struct spool *, struct spool_msg *m, const char *reason);

/* Records the attempt (as spool_defer, with no next try) and moves the
 * message and its state to failed/, where mailq shows it. 0, or -1 with
 * errno (then it may still be in q/). */
int	 spool_move_to_failed(struct spool *, struct spool_msg *m,
	    const char *reason);

/* Moves q/ID (and its state) to failed/ without opening it: for a file
 * that cannot be parsed, so that it stops no later run. 0 or -1. */
int	 spool_set_aside(struct spool *, const char *id);

/* The owner of q/ID (failed/ID) as the file system records it (the
 * user whose process created it), read without opening or locking it.
 * 0 or -1. */
int	 spool_owner(struct spool *, const char *id, int failed, uid_t *uid);

/* 1 when uid submitted q/ID (failed/ID): the file's owner is uid (read
 * before anything opens it, so that a check made before spool_load never
 * locks another user's message) and, once it is loaded (m not NULL), so
 * is the envelope's uid. Else 0: the message is not there for uid. */
int	 spool_belongs(struct spool *, const char *id, int failed,
	    const struct spool_msg *m, uid_t uid);

/* Unlocks and frees what spool_load/create and the setters allocated. */
void	 spool_release(struct spool_msg *m);

/* When the message id was queued, read from the id itself (its first
 * ten hex digits are the seconds), without opening or locking anything;
 * -1 for an id that does not start so. */
time_t	 spool_id_arrival(const char *id);

/* Calls cb for each message id in q/ (failed = 0) or failed/ (1), in
 * arrival order. Stops early when cb returns non-zero and returns that. */
int	 spool_each(struct spool *, int failed,
	    int (*cb)(void *arg, const char *id), void *arg);

/* Administration (spool_admin.c). */

/* Moves a loaded message from failed/ back to q/ (state first, then the
 * message), keeping its lock. 0, or -1 with errno. */
int	 spool_requeue(struct spool *, struct spool_msg *m);

/* Removes the failed/ entries that failed (ID.st last written, else the
 * message file) more than age seconds ago and that nobody holds locked;
 * calls cb for each one removed with its failure time. Returns how many
 * were removed. age <= 0 removes nothing. */
int	 spool_expire_failed(struct spool *, time_t age,
	    void (*cb)(void *arg, const char *id, time_t failed_at), void *arg);

/* Removes tmp/ files older than age seconds whose writer is gone (no
 * lock held): where O_TMPFILE is missing, a killed writer's leftovers. */
void	 spool_clean_tmp(struct spool *, time_t age);

#endif
