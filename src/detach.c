/* relaymail: delivery in the background. ISC licence, see LICENSE.
 * The worker is a child in its own session, so that no signal meant for
 * the caller's group reaches it (one fork: a second one, to make it
 * init's child at once, cost a process's creation and exit on every
 * send; it becomes init's when the caller exits, and a -bs session reaps
 * its finished workers as it starts the next); it holds
 * none of the caller's stdio, so a caller reading our pipes sees end of
 * file when we exit. The link is a SOCK_SEQPACKET pair: one read is one
 * report, ack or queue id, and end of file means the other side left. */
#define _GNU_SOURCE	/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conn.h"
#include "detach.h"
#include "util.h"

#define DETACH_ACK_S	10	/* a caller that neither acks nor leaves */
#define DETACH_GO_S	60	/* a caller that neither commits nor leaves */

static void
detach_close(int *fd)
{
	if (*fd != -1)
		close(*fd);
	*fd = -1;
}

/* In the worker: stdin and stdout on /dev/null, stderr on errw (or kept
 * when it is a terminal: nobody waits for a terminal's end of file). */
static void
detach_stdio(int errw)
{
	int null = open("/dev/null", O_RDWR);

	if (null == -1)
		return;
	dup2(null, 0);
	dup2(null, 1);
	if (errw != -1)
		dup2(errw, 2);
	else if (!isatty(2))
		dup2(null, 2);
	if (null > 2)
		close(null);
	if (errw > 2)
		close(errw);
}

/* see detach.h */
int
detach_start(struct detach *d, char *err, size_t errlen)
{
	int sv[2], ep[2] = { -1, -1 }, e;
	pid_t pid;

	*d = (struct detach)DETACH_ZERO;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return util_err(err, errlen, "socketpair: %s", strerror(errno));
	if (!isatty(2) && pipe2(ep, O_CLOEXEC) == -1) {
		close(sv[0]);
		close(sv[1]);
		return util_err(err, errlen, "pipe: %s", strerror(errno));
	}
	fflush(stdout);
	fflush(stderr);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;	/* workers of earlier messages (-bs) that have ended */
	if ((pid = fork()) == 0) {
		setsid();	/* out of the caller's session and group */
		close(sv[0]);
		detach_close(&ep[0]);
		detach_stdio(ep[1]);
		d->ctl = sv[1];
		d->worker = 1;
		return 0;
	}
	close(sv[1]);
	detach_close(&ep[1]);
	if (pid == -1) {
		e = errno;
		close(sv[0]);
		detach_close(&ep[0]);
		return util_err(err, errlen, "fork: %s", strerror(e));
	}
	d->ctl = sv[0];
	d->errfd = ep[0];
	return 1;
}

/* Copies what the worker wrote on stderr to ours; block: wait for it.
 * -1 at its end. */
static int
detach_copy_err(struct detach *d)
{
	char buf[4096];
	ssize_t n;

	n = read(d->errfd, buf, sizeof(buf));
	if (n == -1 && errno == EINTR)
		return 0;
	if (n <= 0) {
		detach_close(&d->errfd);
		return -1;
	}
	if (write(2, buf, (size_t)n) == -1) {
		/* Nobody reads our stderr: the exit status still counts. */
	}
	return 0;
}

/* What the worker wrote before its report is in the pipe already. */
static void
detach_drain(struct detach *d)
{
	struct pollfd p;

	while (d->errfd != -1) {
		p.fd = d->errfd;
		p.events = POLLIN;
		if (poll(&p, 1, 0) != 1 || detach_copy_err(d) == -1)
			break;
	}
}

/* see detach.h */
int
detach_wait(struct detach *d, int wait_s, struct relay_report *rep)
{
	int64_t deadline = conn_now_ms() + (int64_t)wait_s * 1000, left;
	struct pollfd p[2];
	ssize_t n;

	while ((left = deadline - conn_now_ms()) > 0) {
		p[0].fd = d->ctl;
		p[1].fd = d->errfd;
		p[0].events = p[1].events = POLLIN;
		p[0].revents = p[1].revents = 0;
		if (poll(p, d->errfd != -1 ? 2 : 1, (int)left) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents != 0)
			detach_copy_err(d);
		if (p[0].revents == 0)
			continue;
		n = recv(d->ctl, rep, sizeof(*rep), 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(*rep))
			break;	/* the worker died: the message is queued */
		rep->text[sizeof(rep->text) - 1] = '\0';
		detach_drain(d);
		if (send(d->ctl, "A", 1, MSG_NOSIGNAL) != 1)
			break;
		return 1;
	}
	detach_end(d);
	return 0;
}

/* The worker's caller left: nothing more goes to its stderr. */
static int
detach_alone(struct detach *d)
{
	int null;

	d->gone = 1;
	detach_close(&d->ctl);
	if ((null = open("/dev/null", O_WRONLY)) != -1) {
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	return -1;
}

/* see detach.h */
void
detach_go(struct detach *d, int go)
{
	if (d->ctl != -1 && send(d->ctl, go ? "G" : "X", 1, MSG_NOSIGNAL) != 1)
		detach_end(d);
}

/* see detach.h */
int
detach_await_go(struct detach *d)
{
	struct pollfd p;
	char word;
	int r;

	p.fd = d->ctl;
	p.events = POLLIN;
	while ((r = poll(&p, 1, DETACH_GO_S * 1000)) == -1 && errno == EINTR)
		;
	if (r != 1 || (p.revents & POLLIN) == 0 ||
	    recv(d->ctl, &word, 1, 0) != 1 || word != 'G') {
		detach_alone(d);
		return 0;
	}
	return 1;
}

/* see detach.h */
int
detach_report(struct detach *d, const struct relay_report *rep)
{
	struct pollfd p;
	char ack;

	if (d->ctl == -1 ||
	    send(d->ctl, rep, sizeof(*rep), MSG_NOSIGNAL) != sizeof(*rep))
		return detach_alone(d);
	p.fd = d->ctl;
	p.events = POLLIN;
	while (poll(&p, 1, DETACH_ACK_S * 1000) == -1 && errno == EINTR)
		;
	if ((p.revents & POLLIN) == 0 || recv(d->ctl, &ack, 1, 0) != 1)
		return detach_alone(d);
	return 0;
}

/* see detach.h */
int
detach_next(struct detach *d, char *id, size_t idlen)
{
	ssize_t n;

	if (d->ctl == -1)
		return 0;
	while ((n = recv(d->ctl, id, idlen - 1, 0)) == -1 && errno == EINTR)
		;
	if (n <= 0) {
		detach_alone(d);
		return 0;
	}
	id[n] = '\0';
	return 1;
}

/* see detach.h */
int
detach_give(struct detach *d, const char *id)
{
	size_t len = strlen(id);

	if (d->ctl == -1 ||
	    send(d->ctl, id, len, MSG_NOSIGNAL) != (ssize_t)len) {
		detach_end(d);
		return -1;
	}
	return 0;
}

/* see detach.h */
void
detach_end(struct detach *d)
{
	int null;

	detach_close(&d->ctl);
	detach_close(&d->errfd);
	/* The worker's stderr went to its caller, who no longer reads it. */
	if (d->worker && (null = open("/dev/null", O_WRONLY)) != -1) {
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
}
