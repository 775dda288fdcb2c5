/* relaymail: running password_command. ISC licence, see LICENSE.
 * fork, set up the child's descriptors, ids, signals, limits and
 * environment, execve /bin/sh; the parent polls both pipes until EOF or
 * the deadline, keeps the output and the first line of stderr, and reaps
 * the child whatever happens. Nothing the caller set for itself (an ignored
 * signal, a mask, a core size, a small file limit) reaches the command. */
#define _GNU_SOURCE	/* setresgid, pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "conn.h"
#include "priv.h"
#include "util.h"

extern char **environ;

struct cmd_run {
	char	 out[CMD_OUT_MAX];
	size_t	 outn;
	char	 diag[512];
	size_t	 diagn;
	int	 toomuch;
};

/* Closes every descriptor from fd up: the caller may have left some
 * open for us, and the command is not theirs to hand them to. */
static void
cmd_close_from(int fd)
{
	long max = sysconf(_SC_OPEN_MAX);

#ifdef SYS_close_range
	if (syscall(SYS_close_range, (unsigned)fd, ~0U, 0) == 0)
		return;
#endif
	if (max < 0 || max > 65536)
		max = 65536;
	for (; fd < max; fd++)
		close(fd);
}

/* Every signal at its default, libc's own (32 and 33 with glibc and
 * musl) included, which signal() refuses to touch: the kernel's call,
 * with an action all zero (SIG_DFL, no flags, an empty mask) whatever
 * its layout on this architecture. */
static void
cmd_default_signals(void)
{
	unsigned long act[8];
	int sig;

	memset(act, 0, sizeof(act));
	for (sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
#ifdef SYS_rt_sigaction
		if (syscall(SYS_rt_sigaction, sig, act, NULL,
		    (size_t)(NSIG - 1) / 8) == 0)
			continue;
#endif
		(void)signal(sig, SIG_DFL);
	}
}

/* The child's start, whoever the caller is: every signal at its default
 * and none blocked (a caller's ignored TERM or INT would outlive exec),
 * no core file (it would hold the secret) and not dumpable until exec,
 * open files and file size at the hard limits. 0 or -1. */
static int
cmd_clean_start(void)
{
	struct rlimit rl = { 0, 0 };
	sigset_t none;

	cmd_default_signals();
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) == -1 ||
	    setrlimit(RLIMIT_CORE, &rl) == -1 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		return -1;
	if (getrlimit(RLIMIT_FSIZE, &rl) == -1)
		return -1;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_FSIZE, &rl) == -1 ||
	    getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return -1;
	if (rl.rlim_cur < CMD_NOFILE && rl.rlim_max > rl.rlim_cur)
		rl.rlim_cur = rl.rlim_max < CMD_NOFILE ? rl.rlim_max :
		    CMD_NOFILE;
	return setrlimit(RLIMIT_NOFILE, &rl);
}

/* The child: never returns. */
static void
cmd_child(const char *cmd, int outfd, int errfd)
{
	static char *const fixed_env[] = { "PATH=" CMD_PATH, "HOME=/",
	    "SHELL=/bin/sh", "LC_ALL=C", NULL };
	char *argv[] = { "sh", "-p", "-c", (char *)cmd, NULL };
	char *const *envp = environ;
	int null = open("/dev/null", O_RDONLY);
	gid_t eg = getegid();

	if (null == -1 || dup2(null, 0) == -1 || dup2(outfd, 1) == -1 ||
	    dup2(errfd, 2) == -1)
		_exit(126);
	cmd_close_from(3);
	if (priv_elevated()) {
		/* The group as all three ids: a shell or script the command
		 * starts would otherwise drop it. */
		if (setresgid(eg, eg, eg) == -1)
			_exit(126);
		envp = fixed_env;
	}
	if (chdir("/") == -1 || cmd_clean_start() == -1)
		_exit(126);
	execve("/bin/sh", argv, envp);
	_exit(127);
}

/* Reads what is ready on fd into the run; 0 at EOF, else 1. */
static int
cmd_drain(struct cmd_run *r, int fd, int is_out)
{
	char junk[4096];
	char *p = junk;
	size_t room = sizeof(junk);
	ssize_t n;

	if (is_out && r->outn < sizeof(r->out) - 1) {
		p = r->out + r->outn;
		room = sizeof(r->out) - 1 - r->outn;
	} else if (!is_out && r->diagn < sizeof(r->diag) - 1) {
		p = r->diag + r->diagn;
		room = sizeof(r->diag) - 1 - r->diagn;
	}
	n = read(fd, p, room);
	if (n == -1)
		return errno == EINTR || errno == EAGAIN ? 1 : 0;
	if (n == 0)
		return 0;
	if (p == junk) {
		if (is_out)
			r->toomuch = 1;	/* over CMD_OUT_MAX: stop here */
		explicit_bzero(junk, sizeof(junk));
	} else if (is_out)
		r->outn += (size_t)n;
	else
		r->diagn += (size_t)n;
	return !r->toomuch;
}

/* Polls both pipes until both reach EOF; 0, or -1 on the deadline. */
static int
cmd_collect(struct cmd_run *r, int outfd, int errfd)
{
	struct pollfd p[2] = { { outfd, POLLIN, 0 }, { errfd, POLLIN, 0 } };
	int64_t end = conn_now_ms() + CMD_TIMEOUT_S * 1000;
	int i, open = 2;

	while (open > 0 && !r->toomuch) {
		int64_t left = end - conn_now_ms();
		if (left <= 0)
			return -1;
		if (poll(p, 2, (int)left) == -1 && errno != EINTR)
			return -1;
		for (i = 0; i < 2; i++) {
			if (p[i].fd == -1 || p[i].revents == 0)
				continue;
			if (cmd_drain(r, p[i].fd, i == 0) == 0) {
				p[i].fd = -1;
				open--;
			}
		}
	}
	return 0;
}

/* The status in words, or NULL for a clean exit 0. */
static const char *
cmd_status(int st, char *buf, size_t len)
{
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return NULL;
	if (WIFEXITED(st))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(st));
	else
		snprintf(buf, len, "killed by signal %d", WTERMSIG(st));
	return buf;
}

/* see cmd.h */
int
cmd_run(const char *cmd, char *out, size_t outlen, size_t *outn, int *cut,
    char *diag, size_t diaglen, char *err, size_t errlen)
{
	struct cmd_run r;
	struct rlimit lim;
	int op[2], ep[2], st = 0, timedout, rv = -1;
	char why[64];
	const char *bad;
	pid_t pid;

	memset(&r, 0, sizeof(r));
	*outn = 0;
	*cut = 0;
	diag[0] = '\0';
	/* A hard file size limit cannot be raised back: a command that
	 * saves a rotated token would write it cut. */
	if (getrlimit(RLIMIT_FSIZE, &lim) == 0 && lim.rlim_max != RLIM_INFINITY)
		return util_err(err, errlen, "not run: the caller's hard file "
		    "size limit (ulimit -H -f) is %llu bytes, not unlimited",
		    (unsigned long long)lim.rlim_max);
	if (pipe2(op, O_CLOEXEC) == -1)
		return util_err(err, errlen, "pipe: %s", strerror(errno));
	if (pipe2(ep, O_CLOEXEC) == -1) {
		close(op[0]);
		close(op[1]);
		return util_err(err, errlen, "pipe: %s", strerror(errno));
	}
	fflush(NULL);
	if ((pid = fork()) == 0)
		cmd_child(cmd, op[1], ep[1]);
	close(op[1]);
	close(ep[1]);
	if (pid == -1) {
		util_err(err, errlen, "fork: %s", strerror(errno));
		goto done;
	}
	timedout = cmd_collect(&r, op[0], ep[0]) == -1;
	if (timedout || r.toomuch)
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	r.diag[r.diagn] = '\0';
	r.diag[strcspn(r.diag, "\r\n")] = '\0';
	util_strlcpy(diag, r.diag, diaglen);
	if (timedout)
		util_err(err, errlen, "timed out after %d s", CMD_TIMEOUT_S);
	else if (r.toomuch)
		util_err(err, errlen, "printed more than %d bytes",
		    CMD_OUT_MAX);
	else if ((bad = cmd_status(st, why, sizeof(why))) != NULL)
		util_err(err, errlen, "%s", bad);
	else {
		*outn = r.outn < outlen ? r.outn : outlen;
		*cut = r.outn > outlen;
		memcpy(out, r.out, *outn);
		rv = 0;
	}
done:
	explicit_bzero(&r, sizeof(r));
	close(op[0]);
	close(ep[0]);
	return rv;
}
