// SPDX-License-Identifier: MIT
/*
 * echo: the echo service (RFC 862) over TCP and UDP, port 7 by default.
 *
 *   echo [PORT]                     serve until shut down
 *   echo client HOST PORT [BYTES]   connect out, send BYTES (default 1 MiB)
 *                                   of a pattern, check that they come back
 *   echo udp-client HOST PORT [N]   send N datagrams (default 100), check
 *                                   every reply
 *   echo selftest                   serve on loopback and be the client of
 *                                   both (a check that needs no NIC)
 *
 * The server runs one thread per TCP connection (Hako's threads are
 * cheap, and a blocking loop per connection is the plainest echo) and one
 * for UDP.  Statistics are printed when the image is asked to shut down.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <hako/kernel.h>
#include <hako/net.h>
#include <hako/thread.h>

#include "echo.h"

#define BUF 16384

static unsigned long connections, open_now;
static unsigned long long tcp_bytes, udp_datagrams;

static bool send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = send(fd, p, n, 0);

		if (k <= 0)
			return false;
		p += k;
		n -= (size_t)k;
	}
	return true;
}

/* One thread per connection, detached: the scheduler frees it when done. */
static void *serve_one(void *arg)
{
	int fd = (int)(long)arg;
	char *buf = malloc(BUF);
	ssize_t n;

	if (buf) {
		while ((n = recv(fd, buf, BUF, 0)) > 0) {
			tcp_bytes += (unsigned long long)n;
			if (!send_all(fd, buf, (size_t)n))
				break;
		}
	}
	free(buf);
	close(fd);
	open_now--;
	return NULL;
}

static void *serve_udp(void *arg)
{
	int fd = (int)(long)arg;
	static char buf[65536];

	for (;;) {
		struct sockaddr_storage from;
		socklen_t len = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);

		if (n < 0)
			continue;
		udp_datagrams++;
		sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len);
	}
	return NULL;
}

static void say_stats(void *unused)
{
	printf("echo: %lu TCP connections (%lu open), %llu bytes echoed; %llu UDP datagrams\n",
	       connections, open_now, tcp_bytes, udp_datagrams);
}

static void started(void)
{
	connections++;
	open_now++;
}

static int serve(int port)
{
	static const struct net_server srv = {
		.name = "echo-tcp",
		.conn = serve_one,
		.started = started,
	};
	int lfd, ufd;

	lfd = net_listen(SOCK_STREAM, port, 255);
	if (lfd < 0) {
		printf("echo: TCP port %d: %s\n", port, strerror(errno));
		return 1;
	}
	ufd = net_listen(SOCK_DGRAM, port, 0);
	if (ufd < 0) {
		printf("echo: UDP port %d: %s\n", port, strerror(errno));
		return 1;
	}
	if (!thread_create("echo-udp", serve_udp, (void *)(long)ufd, 0)) {
		printf("echo: no memory for the UDP thread\n");
		return 1;
	}
	kern_on_shutdown(say_stats, NULL);
	printf("echo: serving TCP and UDP on port %d\n", port);
	net_serve(lfd, &srv);
}

static void *serve_thread(void *arg)
{
	serve((int)(long)arg);
	return NULL;
}

static int selftest(void)
{
	char *tcp[] = { "127.0.0.1", "7", "300000" }, *udp[] = { "127.0.0.1", "7", "20" };

	if (!thread_create("echo-server", serve_thread, (void *)7L, 0)) {
		printf("echo: no memory for the server thread\n");
		return 1;
	}
	thread_yield(); /* let it listen */
	return tcp_client(3, tcp) || udp_client(3, udp);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "selftest"))
		return selftest();
	if (argc >= 2 && !strcmp(argv[1], "client"))
		return tcp_client(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "udp-client"))
		return udp_client(argc - 2, argv + 2);
	if (argc > 2 || (argc == 2 && (atoi(argv[1]) <= 0 || atoi(argv[1]) > 65535))) {
		printf("usage: echo [PORT] | echo client HOST PORT [BYTES] | "
		       "echo udp-client HOST PORT [N] | echo selftest\n");
		return 2;
	}
	return serve(argc == 2 ? atoi(argv[1]) : 7);
}
