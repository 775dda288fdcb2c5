/* relaymail: the queue drains itself. ISC licence, see LICENSE.
 * A runner is started with a double fork, so that it is init's child at
 * once and its starter (a caller, a worker, a -bs session) never has to
 * reap it. It holds the election lock for as long as it runs; before it
 * exits it gives the lock up and looks at the queue once more, so that
 * a message deferred by someone who found the lock still held is not
 * left behind. */
#define _GNU_SOURCE	/* close_range where the headers have it */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "flush.h"
#include "log.h"
#include "pool.h"
#include "priv.h"
#include "relay.h"
#include "runner.h"
#include "spool.h"
#include "util.h"

#define RUNNER_NAP_MIN_MS	200	/* due messages locked, or no slot */
#define RUNNER_BUSY_MAX_MS	5000	/* ... doubling up to this */
#define RUNNER_NAP_MAX_S	60	/* at most, before it looks again */

/* The election lock's file: the runner of every message, or (a user
 * outside the mail group) of this user's. */
static void
runner_lock_name(char *buf, size_t len)
{
	if (priv_outsider())
		snprintf(buf, len, "runner.%lu", (unsigned long)getuid());
	else
		snprintf(buf, len, "runner");
}

/* Opens and tries the lock of queue s (in its pool/): the descriptor
 * holding it, or -1 when someone else holds it (or it cannot be had). */
static int
runner_lock(struct spool *s)
{
	char name[64], err[600];
	int dirfd, fd;

	runner_lock_name(name, sizeof(name));
	if ((dirfd = spool_dir_open(s, POOL_DIR, err, sizeof(err))) == -1)
		return -1;
	fd = openat(dirfd, name, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0660);
	close(dirfd);
	if (fd == -1)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Sleeps ms, or until a TERM (then stop is set). */
static volatile sig_atomic_t runner_stop;

static void
runner_on_term(int sig)
{
	(void)sig;
	runner_stop = 1;
}

/* 1 while the queue is there (a removed one is nobody's work). */
static int
runner_queue_there(const struct spool *s)
{
	struct stat st;

	return fstat(s->fd, &st) == 0 && st.st_nlink > 0;
}

static void
runner_nap(const struct spool *s, long ms)
{
	while (ms > 0 && !runner_stop && runner_queue_there(s)) {
		int step = ms > 1000 ? 1000 : (int)ms;
		poll(NULL, 0, step);
		ms -= step;
	}
}

/* Route i of conf: [relay] for -1, else [route NAME]. */
static const struct conf *
runner_route(const struct conf *conf, int i)
{
	return i < 0 ? conf : conf->routes[i];
}

/* When the earliest message of any route is due, or -1 for none. */
static time_t
runner_next(const struct conf *conf, struct spool *s)
{
	struct relay r;
	time_t next, earliest = -1;
	int i;

	for (i = -1; i < conf->nroutes; i++) {
		relay_init(&r, runner_route(conf, i), s);
		next = flush_next_due(&r);
		relay_end(&r);
		if (next != -1 && (earliest == -1 || next < earliest))
			earliest = next;
	}
	return earliest;
}

/* One round: every route with a message due drains it through its own
 * pool, or the runner sleeps until one is due. 1 to go on, 0 when
 * nothing is left within the horizon. */
static int
runner_round(const struct conf *conf, struct spool *s, long *nap_ms)
{
	struct relay r;
	time_t next, now = time(NULL);
	int i, tried = 0, throttled = 0;
	long wait = 0;

	if (!runner_queue_there(s))
		return 0;
	next = runner_next(conf, s);
	if (next == -1 || next > now + RUNNER_HORIZON_S)
		return 0;
	if (next > now) {
		runner_nap(s, (long)(next - now < RUNNER_NAP_MAX_S ?
		    next - now : RUNNER_NAP_MAX_S) * 1000);
		return 1;
	}
	for (i = -1; i < conf->nroutes; i++) {
		relay_init(&r, runner_route(conf, i), s);
		next = flush_next_due(&r);
		if (next != -1 && next <= now) {
			tried += flush_drain(&r);
			throttled |= r.throttled;
			if (r.throttled && r.pace_wait > 0 && (wait == 0 ||
			    r.pace_wait < wait))
				wait = r.pace_wait;
		}
		relay_end(&r);
	}
	if (throttled && wait > 0) {	/* a max_per_* limit */
		runner_nap(s, (wait < RUNNER_NAP_MAX_S ? wait : RUNNER_NAP_MAX_S) *
		    1000);
		*nap_ms = RUNNER_NAP_MIN_MS;
	} else if (throttled || tried == 0) {
		/* No connection to be had, or what is due is being delivered
		 * by someone else: a while, longer each time. */
		runner_nap(s, *nap_ms);
		if ((*nap_ms *= 2) > RUNNER_BUSY_MAX_MS)
			*nap_ms = RUNNER_BUSY_MAX_MS;
	} else
		*nap_ms = RUNNER_NAP_MIN_MS;
	return 1;
}

/* The runner's whole life, in the grandchild. */
static void
runner_run(const struct conf *conf)
{
	struct spool s;
	char err[600];
	long nap_ms = RUNNER_NAP_MIN_MS;
	time_t next;
	int lock;

	if (spool_open(&s, conf->queue_dir, 0, err, sizeof(err)) == -1)
		return;
	if ((lock = runner_lock(&s)) == -1) {
		spool_close(&s);
		return;
	}
	log_info("runner: started for %s", conf->queue_dir);
	for (;;) {
		while (!runner_stop && runner_round(conf, &s, &nap_ms))
			;
		close(lock);
		if (runner_stop)
			break;
		/* Looks once more without the lock: a message deferred by
		 * someone who saw it held is ours, or the next runner's. */
		next = runner_next(conf, &s);
		if (next == -1 || next > time(NULL) + RUNNER_HORIZON_S ||
		    (lock = runner_lock(&s)) == -1)
			break;
	}
	log_info("runner: done");
	spool_close(&s);
}

/* No descriptor of the starter's caller survives into the runner. */
static void
runner_close_fds(void)
{
	struct rlimit rl;
	long fd, max = 65536;
	int null;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
		goto stdio;
#endif
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (long)rl.rlim_cur < max)
		max = (long)rl.rlim_cur;
	for (fd = 3; fd < max; fd++)
		close((int)fd);
#ifdef SYS_close_range
stdio:
#endif
	if ((null = open("/dev/null", O_RDWR)) == -1)
		return;
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	if (null > 2)
		close(null);
}

/* see runner.h */
void
runner_ensure(const struct conf *conf)
{
	struct sigaction sa;
	struct spool s;
	sigset_t none;
	char err[600];
	pid_t pid;
	int lock;

	if (conf->base != NULL)		/* a route's: the runner does all */
		conf = conf->base;
	if (!conf->runner)
		return;
	/* One look at the lock first: a runner at work is the usual case,
	 * and costs no process. */
	if (spool_open(&s, conf->queue_dir, 0, err, sizeof(err)) == -1)
		return;
	lock = runner_lock(&s);
	spool_close(&s);
	if (lock == -1)
		return;
	close(lock);
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1)
		return;
	if (pid > 0) {
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
		return;
	}
	/* The child: a new session, and its own child is the runner. */
	setsid();
	if (fork() != 0)
		_exit(0);
	log_forget();
	runner_close_fds();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = runner_on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	runner_run(conf);
	_exit(0);
}
