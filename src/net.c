/* relaymail: TCP connect with deadlines, and the socket transport.
 * ISC licence, see LICENSE. Sockets are non-blocking; every operation
 * polls against an absolute deadline, so a peer that drips one byte a
 * second still runs out of time. TCP_NODELAY is set: we write a whole
 * command batch and then wait for the reply, and Nagle would hold the
 * last segment back for a delayed ACK (a 40 ms stall per round trip). */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"

static int
wait_fd(struct net *n, short events)
{
	struct pollfd pfd;
	int r;

	pfd.fd = n->fd;
	pfd.events = events;
	for (;;) {
		int ms = -1;
		if (n->deadline_ms != 0) {
			int64_t left = n->deadline_ms - conn_now_ms();
			if (left <= 0) {
				snprintf(n->err, sizeof(n->err), "timed out");
				return -1;
			}
			ms = left > 0x7fffffff ? 0x7fffffff : (int)left;
		}
		r = poll(&pfd, 1, ms);
		if (r > 0)
			return 0;
		if (r == 0)
			continue;	/* the deadline check above ends it */
		if (errno != EINTR) {
			snprintf(n->err, sizeof(n->err), "poll: %s",
			    strerror(errno));
			return -1;
		}
	}
}

static int
connect_one(struct net *n, const struct addrinfo *ai)
{
	int one = 1, soerr = 0;
	socklen_t sl = sizeof(soerr);

	n->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (n->fd == -1) {
		snprintf(n->err, sizeof(n->err), "socket: %s",
		    strerror(errno));
		return -1;
	}
	setsockopt(n->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(n->fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return 0;
	if (errno != EINPROGRESS) {
		soerr = errno;
		goto fail;
	}
	if (wait_fd(n, POLLOUT) == -1)
		goto fail_keep;
	if (getsockopt(n->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1)
		soerr = errno;
	if (soerr == 0)
		return 0;
fail:
	snprintf(n->err, sizeof(n->err), "%s", strerror(soerr));
fail_keep:
	close(n->fd);
	n->fd = -1;
	return -1;
}

/* RFC 6761 6.4: a name under .invalid never exists; no resolver need be
 * asked (and one that cannot be reached would make it look passing). */
static int
net_name_invalid(const char *host)
{
	size_t n = strlen(host);

	if (n > 0 && host[n - 1] == '.')
		n--;
	return (n == 7 && strncasecmp(host, "invalid", 7) == 0) ||
	    (n > 8 && strncasecmp(host + n - 8, ".invalid", 8) == 0);
}

/* 1 when getaddrinfo's r says the name does not exist (NXDOMAIN, or no
 * address of any kind), as opposed to a resolver that did not answer. */
static int
net_no_such_name(int r)
{
#ifdef EAI_NODATA
	if (r == EAI_NODATA)
		return 1;
#endif
	return r == EAI_NONAME;
}

/* see net.h */
int
net_connect(struct net *n, const char *host, const char *port,
    int timeout_s)
{
	struct addrinfo hints, *res, *ai;
	char why[200] = "";
	int r;

	n->fd = -1;
	n->err[0] = '\0';
	n->noname = 0;
	if (net_name_invalid(host)) {
		n->noname = 1;
		snprintf(n->err, sizeof(n->err), "no such host (a name under "
		    ".invalid never exists)");
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	r = getaddrinfo(host, port, &hints, &res);
	if (r != 0 && r != EAI_AGAIN && r != EAI_SYSTEM) {
		/* AI_ADDRCONFIG hides ::1 on hosts with only loopback v6. */
		hints.ai_flags = 0;
		r = getaddrinfo(host, port, &hints, &res);
	}
	if (r != 0 && net_no_such_name(r)) {
		n->noname = 1;
		snprintf(n->err, sizeof(n->err), "no such host (the DNS says "
		    "the name does not exist)");
		return -1;
	}
	if (r != 0) {
		snprintf(n->err, sizeof(n->err), "cannot resolve: %s",
		    r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		char addr[NI_MAXHOST] = "?";

		n->deadline_ms = conn_now_ms() + (int64_t)timeout_s * 1000;
		if (connect_one(n, ai) == 0)
			break;
		getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof(addr),
		    NULL, 0, NI_NUMERICHOST);
		/* Keep the first reason, with the address it came from. */
		if (why[0] == '\0')
			snprintf(why, sizeof(why), "%.150s (%.46s)", n->err,
			    addr);
	}
	freeaddrinfo(res);
	n->deadline_ms = 0;
	if (n->fd == -1) {
		snprintf(n->err, sizeof(n->err), "connect: %s", why);
		return -1;
	}
	return 0;
}

static ssize_t
net_read(void *ctx, void *buf, size_t len)
{
	struct net *n = ctx;
	ssize_t r;

	for (;;) {
		r = read(n->fd, buf, len);
		if (r >= 0)
			return r;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			snprintf(n->err, sizeof(n->err), "%s",
			    strerror(errno));
			return -1;
		}
		if (wait_fd(n, POLLIN) == -1)
			return -1;
	}
}

static ssize_t
net_write(void *ctx, const void *buf, size_t len)
{
	struct net *n = ctx;
	const char *p = buf;
	size_t done = 0;

	while (done < len) {
		/* MSG_NOSIGNAL: a closed peer is an error, not SIGPIPE. */
		ssize_t r = send(n->fd, p + done, len - done, MSG_NOSIGNAL);
		if (r > 0) {
			done += (size_t)r;
			continue;
		}
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (wait_fd(n, POLLOUT) == -1)
				return -1;
			continue;
		}
		snprintf(n->err, sizeof(n->err), "%s",
		    r == 0 ? "wrote nothing" : strerror(errno));
		return -1;
	}
	return (ssize_t)len;
}

static int
net_flush(void *ctx)
{
	(void)ctx;
	return 0;
}

static void
net_deadline(void *ctx, int64_t when_ms)
{
	((struct net *)ctx)->deadline_ms = when_ms;
}

static const char *
net_errstr(void *ctx)
{
	return ((struct net *)ctx)->err;
}

/* see net.h */
void
net_transport(struct net *n, struct transport *t)
{
	t->read = net_read;
	t->write = net_write;
	t->flush = net_flush;
	t->deadline = net_deadline;
	t->errstr = net_errstr;
	t->ctx = n;
}

/* see net.h */
void
net_linger(struct net *n, int ms)
{
	int64_t end = conn_now_ms() + ms, left;
	struct pollfd p;
	char buf[512];

	if (n->fd == -1 || shutdown(n->fd, SHUT_WR) == -1)
		return;
	while ((left = end - conn_now_ms()) > 0) {
		p.fd = n->fd;
		p.events = POLLIN;
		if (poll(&p, 1, (int)left) != 1 ||
		    read(n->fd, buf, sizeof(buf)) <= 0)
			return;
	}
}

/* see net.h */
void
net_close(struct net *n)
{
	if (n->fd != -1)
		close(n->fd);
	n->fd = -1;
}
