/* relaymail bench: run a command once and print its wall time, the
 * user+sys CPU time of its whole process tree and the peak RSS of the
 * largest process in it.
 * usage: runtime CMD ARGS... < input; prints "wall_ms cpu_ms rss_kib".
 * Wall time ends when the command itself exits (what its caller waits
 * for); CPU and RSS include every descendant, detached ones too: this
 * process is their subreaper and waits for all of them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct timespec a, b;
	struct rusage ru;
	int st, rst = 1;
	pid_t pid, w;

	if (argc < 2)
		return 2;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &a);
	if ((pid = fork()) == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (pid == -1)
		return 2;
	while ((w = wait(&st)) != -1 || errno == EINTR) {
		if (w == pid) {
			clock_gettime(CLOCK_MONOTONIC, &b);
			rst = WIFEXITED(st) ? WEXITSTATUS(st) : 1;
		}
	}
	if (getrusage(RUSAGE_CHILDREN, &ru) == -1)
		return 2;
	fprintf(stderr, "%.3f %.3f %ld\n", (b.tv_sec - a.tv_sec) * 1e3 +
	    (b.tv_nsec - a.tv_nsec) / 1e6, (ru.ru_utime.tv_sec +
	    ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec +
	    ru.ru_stime.tv_usec) / 1e3, ru.ru_maxrss);
	return rst;
}
