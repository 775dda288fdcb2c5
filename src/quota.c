/* relaymail: how much of the queue a new message may take. ISC licence.
 * A share of the file system becomes bytes of its size (statvfs); the
 * user's queued bytes are the sizes of the queue files it owns, read
 * with fstatat (never opened). The sentence names the key and its
 * value, so that a person knows what to raise. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "quota.h"
#include "util.h"

/* The bytes of sh for a file system of total bytes. */
static long long
quota_bytes(const struct conf_share *sh, long long total)
{
	if (sh->percent > 0)
		return total / 100 * sh->percent;
	return sh->bytes;
}

/* The bytes uid has in one queue directory: its queue files and their
 * state. */
static long long
quota_dir_used(int dirfd, uid_t uid)
{
	struct dirent *de;
	struct stat st;
	long long used = 0;
	DIR *d;
	int fd;

	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return 0;
	}
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && fstatat(dirfd, de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
		    st.st_uid == uid)
			used += st.st_size;
	closedir(d);
	return used;
}

static void
quota_say(const struct quota *q, char *err, size_t errlen)
{
	char share[64] = "";

	if (q->percent > 0)
		snprintf(share, sizeof(share), "%d%% of the queue's file "
		    "system: ", q->percent);
	if (strcmp(q->key, "min_free") == 0)
		util_err(err, errlen, "not queued: the queue's file system "
		    "keeps [queue] min_free (%s%lld bytes) free for everyone",
		    share, q->limit);
	else
		util_err(err, errlen, "not queued: uid %lu may have [queue] "
		    "max_user_size (%s%lld bytes) queued, and has %lld",
		    (unsigned long)q->uid, share, q->limit, q->used);
}

/* Sets q->room from both limits, the smaller winning. */
static void
quota_room(struct quota *q, long long total, long long avail)
{
	const struct conf *c = q->conf;
	long long reserve = quota_bytes(&c->min_free, total);
	long long cap = quota_bytes(&c->max_user_size, total);

	q->room = -1;
	if (reserve > 0) {
		q->room = avail - reserve;
		q->key = "min_free";
		q->limit = reserve;
		q->percent = c->min_free.percent;
	}
	if (q->capped && cap > 0 && (q->room == -1 || cap - q->used <
	    q->room)) {
		q->room = cap - q->used;
		q->key = "max_user_size";
		q->limit = cap;
		q->percent = c->max_user_size.percent;
	}
}

/* The file system's size and free bytes, the user's bytes, the room.
 * ondisk: bytes of the message already written, free again for it. */
static void
quota_count(struct quota *q, long long ondisk)
{
	struct statvfs vfs;

	q->room = -1;
	if (q->spool->private || fstatvfs(q->spool->fd, &vfs) == -1)
		return;
	if (q->capped)
		q->used = quota_dir_used(q->spool->qfd, q->uid) +
		    quota_dir_used(q->spool->failfd, q->uid);
	quota_room(q, (long long)vfs.f_blocks * (long long)vfs.f_frsize,
	    (long long)vfs.f_bavail * (long long)vfs.f_frsize + ondisk);
}

/* see quota.h */
int
quota_begin(struct quota *q, const struct conf *c, struct spool *s,
    uid_t uid, int capped, char *err, size_t errlen)
{
	memset(q, 0, sizeof(*q));
	q->conf = c;
	q->spool = s;
	q->uid = uid;
	q->capped = capped;
	quota_count(q, 0);
	if (q->room != -1 && q->room <= 0) {
		quota_say(q, err, errlen);
		return -1;
	}
	return 0;
}

/* see quota.h */
int
quota_over(struct quota *q, long long size, int recount, char *err,
    size_t errlen)
{
	if (recount)	/* the message is written: its blocks are not free */
		quota_count(q, size);
	if (q->room == -1 || size <= q->room)
		return 0;
	quota_say(q, err, errlen);
	return 1;
}
