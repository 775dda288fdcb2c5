/* relaymail bench: run a command once and print its wall time, user+sys
 * CPU time (microsecond resolution, from wait4) and peak RSS.
 * usage: runtime CMD ARGS... < input; prints "wall_ms cpu_ms rss_kib". */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct timespec a, b;
	struct rusage ru;
	int st;
	pid_t pid;

	if (argc < 2)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &a);
	if ((pid = fork()) == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (pid == -1 || wait4(pid, &st, 0, &ru) == -1)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &b);
	fprintf(stderr, "%.3f %.3f %ld\n", (b.tv_sec - a.tv_sec) * 1e3 +
	    (b.tv_nsec - a.tv_nsec) / 1e6, (ru.ru_utime.tv_sec +
	    ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec +
	    ru.ru_stime.tv_usec) / 1e3, ru.ru_maxrss);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
