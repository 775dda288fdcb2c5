/* relaymail: the shared connection slots. ISC licence, see LICENSE.
 * A slot is a file that is never written: holding it is holding its
 * flock. The lowered cap is one small file, "cap", holding "N UNTIL",
 * replaced by rename so that a reader never sees half of it; a damaged
 * or missing one means no lowering. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "conn.h"
#include "pool.h"
#include "spool.h"
#include "util.h"

#define POOL_CAP_FILE	"cap"
#define POOL_NAP_MS	25	/* between tries, plus up to as much again */

/* see pool.h */
int
pool_open(struct pool *p, struct spool *s, const struct conf *c, char *err,
    size_t errlen)
{
	int max = c->max_connections;
	char buf[64];

	p->dirfd = -1;
	p->max = max < 1 ? 1 : max > POOL_SLOTS_MAX ? POOL_SLOTS_MAX : max;
	util_strlcpy(p->slot, conf_route_file(c, "slot", buf, sizeof(buf)),
	    sizeof(p->slot));
	util_strlcpy(p->cap, conf_route_file(c, POOL_CAP_FILE, buf,
	    sizeof(buf)), sizeof(p->cap));
	if (s == NULL || s->private)
		return 0;
	return (p->dirfd = spool_dir_open(s, POOL_DIR, err, errlen)) == -1 ?
	    -1 : 0;
}

/* see pool.h */
void
pool_close(struct pool *p)
{
	if (p->dirfd != -1)
		close(p->dirfd);
	p->dirfd = -1;
}

/* The lowered cap and until when, from the file; 0 when none. */
static int
pool_lowered(const struct pool *p, time_t *until)
{
	char buf[64];
	long long n = 0, t = 0;
	ssize_t len;
	int fd;

	if (p->dirfd == -1 || (fd = openat(p->dirfd, p->cap, O_RDONLY |
	    O_NOFOLLOW | O_CLOEXEC)) == -1)
		return 0;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	if (sscanf(buf, "%lld %lld", &n, &t) != 2 || n < 1 ||
	    n > POOL_SLOTS_MAX)
		return 0;
	*until = (time_t)t;
	return (int)n;
}

/* see pool.h */
int
pool_cap(const struct pool *p, time_t now)
{
	time_t until = 0;
	int n = pool_lowered(p, &until);

	return n > 0 && n < p->max && until > now ? n : p->max;
}

/* One pass over the slots in use now. 1 with slot held, else 0. */
static int
pool_try(const struct pool *p, struct pool_slot *slot)
{
	char name[64];
	int i, n = pool_cap(p, time(NULL)), fd;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s.%d", p->slot, i);
		fd = openat(p->dirfd, name, O_RDONLY | O_CREAT | O_NOFOLLOW |
		    O_CLOEXEC, 0660);
		if (fd == -1)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			slot->fd = fd;
			slot->index = i;
			return 1;
		}
		close(fd);
	}
	return 0;
}

/* see pool.h */
int
pool_take(const struct pool *p, struct pool_slot *slot,
    int64_t deadline_ms)
{
	unsigned short rnd = 0;

	slot->fd = slot->index = -1;
	if (p->dirfd == -1)
		return 1;
	for (;;) {
		if (pool_try(p, slot))
			return 1;
		if (deadline_ms == 0 || conn_now_ms() >= deadline_ms)
			return 0;
		(void)getentropy(&rnd, sizeof(rnd));
		poll(NULL, 0, POOL_NAP_MS + rnd % POOL_NAP_MS);
	}
}

/* see pool.h */
void
pool_give(struct pool_slot *slot)
{
	if (slot->fd != -1)
		close(slot->fd);	/* the lock goes with the last copy */
	slot->fd = slot->index = -1;
}

/* see pool.h */
void
pool_refused(const struct pool *p, time_t now)
{
	char tmp[80], buf[64];
	int n = pool_cap(p, now) - 1, fd, len;

	if (p->dirfd == -1)
		return;
	if (n < 1)
		n = 1;
	snprintf(tmp, sizeof(tmp), "%s.%ld.new", p->cap, (long)getpid());
	len = snprintf(buf, sizeof(buf), "%d %lld\n", n,
	    (long long)now + POOL_COOL_S);
	fd = openat(p->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0660);
	if (fd == -1)
		return;
	if (write(fd, buf, (size_t)len) != len ||
	    renameat(p->dirfd, tmp, p->dirfd, p->cap) == -1)
		unlinkat(p->dirfd, tmp, 0);
	close(fd);
}
