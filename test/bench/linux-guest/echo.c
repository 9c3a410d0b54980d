// SPDX-License-Identifier: MIT
/*
 * The Linux guest's echo server for the benchmarks (built static on the
 * host, run inside a Debian-kernel guest): TCP and UDP on one port, one
 * thread, epoll, non-blocking sockets.  The reference a Hako echo image is
 * measured against, so it is written to be fast, not clever.
 *   echo [PORT]     (default 7)
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static void nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* Echo what is readable; returns -1 when the connection is done. */
static int serve(int fd)
{
	static char buf[65536];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf)), off = 0;

		if (n == 0)
			return -1;
		if (n < 0)
			return errno == EAGAIN ? 0 : -1;
		while (off < n) {
			ssize_t w = write(fd, buf + off, (size_t)(n - off));

			if (w < 0 && errno == EAGAIN) {
				/* The peer reads slowly: wait for room (rare here). */
				fd_set set;

				FD_ZERO(&set);
				FD_SET(fd, &set);
				select(fd + 1, NULL, &set, NULL, NULL);
				continue;
			}
			if (w <= 0)
				return -1;
			off += w;
		}
	}
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 7, one = 1, ep = epoll_create1(0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int lfd = socket(AF_INET, SOCK_STREAM, 0), ufd = socket(AF_INET, SOCK_DGRAM, 0);
	struct epoll_event ev = { .events = EPOLLIN };

	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (void *)&a, sizeof(a)) || listen(lfd, 512) || bind(ufd, (void *)&a, sizeof(a))) {
		perror("echo: bind/listen");
		return 1;
	}
	nonblock(lfd);
	ev.data.fd = lfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	ev.data.fd = ufd;
	epoll_ctl(ep, EPOLL_CTL_ADD, ufd, &ev);
	printf("echo: serving TCP and UDP on port %d\n", port);
	fflush(stdout);
	for (;;) {
		struct epoll_event evs[64];
		int n = epoll_wait(ep, evs, 64, -1);

		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == lfd) {
				int c;

				while ((c = accept(lfd, NULL, NULL)) >= 0) {
					nonblock(c);
					setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					ev.data.fd = c;
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
				}
			} else if (fd == ufd) {
				char buf[65536];
				struct sockaddr_in from;
				socklen_t fl = sizeof(from);
				ssize_t m = recvfrom(ufd, buf, sizeof(buf), 0, (void *)&from, &fl);

				if (m >= 0)
					sendto(ufd, buf, (size_t)m, 0, (void *)&from, fl);
			} else if (serve(fd) < 0) {
				close(fd);
			}
		}
	}
}
