// SPDX-License-Identifier: MIT
/*
 * ptyrun: run a command on a pseudo-terminal, as a person at a terminal
 * would, for the Xen lifecycle test (dom0 has no `script` or python).
 *   ptyrun TIMEOUT_S PATTERN COMMAND [ARG]...
 * Copies what COMMAND writes to stdout; once PATTERN (a plain substring)
 * has appeared, types Ctrl-] (xl console's detach key) and waits for the
 * command to end.  Exits 0 when it ended by itself with status 0 after the
 * key, 1 when it failed, 2 when PATTERN never came, 3 when it did not end
 * within TIMEOUT_S; says which on stderr ("ptyrun: ...").
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	char seen[8192] = "", buf[1024];
	size_t have = 0;
	int master, status, sent = 0;
	double deadline;
	pid_t pid;

	if (argc < 4) {
		fprintf(stderr, "usage: ptyrun TIMEOUT_S PATTERN COMMAND [ARG]...\n");
		return 1;
	}
	deadline = now() + atof(argv[1]);
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master)) {
		perror("ptyrun: pty");
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		int slave;

		setsid();
		slave = open(ptsname(master), O_RDWR); /* becomes the controlling tty */
		if (slave < 0)
			_exit(126);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		close(master);
		execvp(argv[3], argv + 3);
		_exit(127);
	}
	for (;;) {
		struct pollfd p = { .fd = master, .events = POLLIN };
		ssize_t n;

		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (now() > deadline) {
			fprintf(stderr, "ptyrun: %s did not end in %s s\n", argv[3], argv[1]);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return 3;
		}
		if (poll(&p, 1, 100) > 0) {
			n = read(master, buf, sizeof(buf));
			if (n > 0) {
				fwrite(buf, 1, (size_t)n, stdout);
				fflush(stdout);
				if (have + (size_t)n >= sizeof(seen))
					have = 0; /* (a pattern split at a wrap is missed) */
				memcpy(seen + have, buf, (size_t)n);
				have += (size_t)n;
				seen[have] = '\0';
			}
		}
		if (!sent && memmem(seen, have, argv[2], strlen(argv[2]))) {
			usleep(200000);
			if (write(master, "\035", 1) != 1)
				perror("ptyrun: write");
			sent = 1;
			fprintf(stderr, "ptyrun: saw '%s', typed Ctrl-]\n", argv[2]);
		}
	}
	if (!sent) {
		fprintf(stderr, "ptyrun: %s ended before '%s' appeared\n", argv[3], argv[2]);
		return 2;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "ptyrun: %s ended with status %d\n", argv[3], status);
		return 1;
	}
	fprintf(stderr, "ptyrun: %s detached and ended with status 0\n", argv[3]);
	return 0;
}
