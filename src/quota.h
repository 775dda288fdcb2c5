/* relaymail: how much of the queue a new message may take. ISC licence.
 * [queue] min_free keeps that much of the queue's file system free for
 * everyone (Postfix's queue_minfree); [queue] max_user_size caps the
 * bytes one user outside the group has queued (q/ and failed/ files it
 * owns), so that no user can fill the queue and stop the others. Root
 * and the group are not capped by the second. Checked when a message
 * starts, as it is copied, and on its real size before it is made
 * durable. */
#ifndef QUOTA_H
#define QUOTA_H

#include <stddef.h>
#include <sys/types.h>

#include "conf.h"
#include "spool.h"

struct quota {
	long long room;		/* bytes the message may take; -1: any */
	const char *key;	/* the limit that sets room */
	long long limit;	/* its value in bytes */
	long long used;		/* max_user_size: what the user has queued */
	int	 percent;	/* the limit's share of the file system, or 0 */
	int	 capped;	/* max_user_size applies (for uid) */
	uid_t	 uid;
	const struct conf *conf;
	struct spool *spool;
};

/* The room for a message about to be written into s by uid, capped by
 * max_user_size when capped is set. 0, or -1 with the sentence naming
 * the limit in err when there is none left already. A private spool,
 * or a file system that cannot be asked, has no limit. */
int	 quota_begin(struct quota *, const struct conf *, struct spool *,
	    uid_t uid, int capped, char *err, size_t errlen);

/* 1 when a message of size bytes does not fit, with the sentence in
 * err; else 0. recount: the message is written (size is its file's),
 * and the free space and the user's queued bytes are counted again
 * first: another of its messages may have been queued meanwhile. */
int	 quota_over(struct quota *, long long size, int recount, char *err,
	    size_t errlen);

#endif
