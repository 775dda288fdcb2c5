/* relaymail: a caller waiting for the outcome of its message. ISC
 * licence, see LICENSE.
 * One report, one acknowledgement, as over the link to a worker
 * (detach.c): a SOCK_SEQPACKET read is one whole report, and end of
 * file means the other side left. The deliverer looks for the caller
 * before its attempt and leaves (closes) before it unlocks the message,
 * so the caller talks to one deliverer at a time. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "conn.h"
#include "pool.h"
#include "util.h"
#include "waiter.h"

#define WAITER_ACK_S	10	/* a caller that neither acks nor leaves */

static int
waiter_path(char *buf, size_t len, const char *dir, const char *id)
{
	return (size_t)snprintf(buf, len, "%s/%s/wait.%s", dir, POOL_DIR, id)
	    < len ? 0 : -1;
}

static int
waiter_addr(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	return util_strlcpy(sa->sun_path, path, sizeof(sa->sun_path)) <
	    sizeof(sa->sun_path) ? 0 : -1;
}

/* see waiter.h */
int
waiter_listen(struct waiter_ear *e, const char *dir, const char *id,
    char *err, size_t errlen)
{
	struct sockaddr_un sa;

	e->fd = -1;
	if (waiter_path(e->path, sizeof(e->path), dir, id) == -1 ||
	    waiter_addr(&sa, e->path) == -1) {
		e->path[0] = '\0';
		return util_err(err, errlen, "%s: name too long for a socket",
		    dir);
	}
	if ((e->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) == -1)
		goto fail;
	(void)unlink(e->path);	/* a crashed caller's, of the same id */
	if (bind(e->fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
		goto fail;
	if (listen(e->fd, 4) == -1) {
		(void)unlink(e->path);
		goto fail;
	}
	return 0;
fail:
	util_err(err, errlen, "%s: %s", e->path, strerror(errno));
	if (e->fd != -1)
		close(e->fd);
	e->fd = -1;
	e->path[0] = '\0';
	return -1;
}

/* Polls fd for input until deadline_ms: 1 ready, 0 not by then. */
static int
waiter_ready(int fd, int64_t deadline_ms)
{
	struct pollfd p;
	int64_t left;
	int r;

	for (;;) {
		if ((left = deadline_ms - conn_now_ms()) <= 0)
			return 0;
		p.fd = fd;
		p.events = POLLIN;
		p.revents = 0;
		if ((r = poll(&p, 1, left > 1000 ? 1000 : (int)left)) == 1)
			return 1;
		if (r == -1 && errno != EINTR)
			return 0;
	}
}

/* see waiter.h */
int
waiter_hear(struct waiter_ear *e, int64_t deadline_ms,
    struct relay_report *rep)
{
	ssize_t n;
	int c;

	while (e->fd != -1 && waiter_ready(e->fd, deadline_ms)) {
		if ((c = accept(e->fd, NULL, NULL)) == -1)
			continue;
		(void)fcntl(c, F_SETFD, FD_CLOEXEC);
		/* The deliverer makes its attempt now: its report, or end
		 * of file when it put the message back. */
		n = -1;
		if (waiter_ready(c, deadline_ms))
			while ((n = recv(c, rep, sizeof(*rep), 0)) == -1 &&
			    errno == EINTR)
				;
		if (n == (ssize_t)sizeof(*rep) &&
		    send(c, "A", 1, MSG_NOSIGNAL) == 1) {
			close(c);
			rep->text[sizeof(rep->text) - 1] = '\0';
			return 1;
		}
		close(c);
	}
	return 0;
}

/* see waiter.h */
void
waiter_unlisten(struct waiter_ear *e)
{
	if (e->path[0] != '\0')
		(void)unlink(e->path);
	if (e->fd != -1)
		close(e->fd);
	e->fd = -1;
	e->path[0] = '\0';
}

/* see waiter.h */
void
waiter_leave(struct waiter_ear *e)
{
	if (e->fd != -1)
		close(e->fd);
	e->fd = -1;
	e->path[0] = '\0';
}

/* see waiter.h */
int
waiter_find(struct waiter *w, const char *dir, const char *id)
{
	struct sockaddr_un sa;
	char path[sizeof(sa.sun_path)];
	int fl;

	w->fd = -1;
	if (waiter_path(path, sizeof(path), dir, id) == -1 ||
	    waiter_addr(&sa, path) == -1)
		return 0;
	/* Non-blocking, so that a full backlog cannot hold us. */
	if ((w->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) == -1)
		return 0;
	if (connect(w->fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    (fl = fcntl(w->fd, F_GETFL)) == -1 ||
	    fcntl(w->fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
		waiter_close(w);
		return 0;
	}
	return 1;
}

/* see waiter.h */
int
waiter_tell(struct waiter *w, const struct relay_report *rep)
{
	char ack;
	int ok;

	if (w->fd == -1)
		return -1;
	ok = send(w->fd, rep, sizeof(*rep), MSG_NOSIGNAL) ==
	    (ssize_t)sizeof(*rep) &&
	    waiter_ready(w->fd, conn_now_ms() + WAITER_ACK_S * 1000) &&
	    recv(w->fd, &ack, 1, 0) == 1 && ack == 'A';
	waiter_close(w);
	return ok ? 0 : -1;
}

/* see waiter.h */
void
waiter_close(struct waiter *w)
{
	if (w->fd != -1)
		close(w->fd);
	w->fd = -1;
}
