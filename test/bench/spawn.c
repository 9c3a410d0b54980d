// SPDX-License-Identifier: MIT
/*
 * spawn: time N runs of each given program, alternating between them so that
 * drift in the machine's speed hits all alike.  Prints, per program, the
 * median and 10th/90th percentile wall time from fork to reaped exit, and the
 * peak RSS of the program itself: VmHWM read from /proc while the process is
 * held at exit by ptrace (ru_maxrss would count the forked parent's pages
 * from before exec).  A host tool for the benchmarks.
 *   [SPAWN_RUNNER=EMULATOR] spawn N PROG1 [PROG2...]
 * SPAWN_RUNNER runs every program under an emulator (qemu-aarch64 PROG):
 * timed alike, and the RSS is the emulator's.
 */
#include <signal.h>
#include <string.h>
#include <sys/ptrace.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Run prog (under SPAWN_RUNNER when set); returns only on failure. */
static void run(const char *prog)
{
	const char *runner = getenv("SPAWN_RUNNER");

	if (runner && *runner)
		execlp(runner, runner, prog, (char *)NULL);
	else
		execl(prog, prog, (char *)NULL);
}

/* Peak RSS in KiB of one run of prog, read at its exit. */
static long peak_rss(const char *prog)
{
	char path[64], line[256];
	long kib = -1;
	int status;
	pid_t pid = fork();
	FILE *f;

	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		run(prog);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)(PTRACE_O_TRACEEXIT | PTRACE_O_TRACEEXEC));
	for (;;) {
		ptrace(PTRACE_CONT, pid, NULL, NULL);
		waitpid(pid, &status, 0);
		if (!WIFSTOPPED(status))
			return -1;
		if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXIT << 8)))
			break;
	}
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			kib = atol(line + 6);
	if (f)
		fclose(f);
	ptrace(PTRACE_CONT, pid, NULL, NULL);
	waitpid(pid, &status, 0);
	return kib;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[1]) : 0, progs = argc - 2;
	double *t;
	long *rss;

	if (n <= 0) {
		fprintf(stderr, "usage: spawn N PROG...\n");
		return 2;
	}
	t = calloc((size_t)n * progs, sizeof(*t));
	rss = calloc((size_t)progs, sizeof(*rss));
	for (int i = 0; i < n; i++) {
		for (int p = 0; p < progs; p++) {
			struct rusage ru;
			int status;
			double t0 = now_us();
			pid_t pid = fork();

			if (pid == 0) {
				int fd = open("/dev/null", O_WRONLY);

				dup2(fd, 1);
				run(argv[2 + p]);
				_exit(127);
			}
			wait4(pid, &status, 0, &ru);
			t[p * n + i] = now_us() - t0;
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
				fprintf(stderr, "spawn: %s failed (status %#x)\n", argv[2 + p], status);
				return 1;
			}
			(void)ru;
		}
	}
	for (int p = 0; p < progs; p++)
		for (int i = 0; i < 5; i++) {
			long k = peak_rss(argv[2 + p]);

			if (k > rss[p])
				rss[p] = k;
		}
	for (int p = 0; p < progs; p++) {
		double *s = t + p * n;

		qsort(s, n, sizeof(*s), cmp);
		printf("%s %.1f %.1f %.1f %ld\n", argv[2 + p], s[n / 2], s[n / 10], s[n * 9 / 10],
		       rss[p]);
	}
	return 0;
}
