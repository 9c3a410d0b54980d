// SPDX-License-Identifier: MIT
/*
 * netperf: the host-side client (and a reference echo server) of the
 * network benchmarks.
 *
 *   netperf server PORT            echo server on 127.0.0.1 (one thread
 *                                  per connection), until killed
 *   netperf rtt HOST PORT N SIZE   N exchanges of SIZE bytes over one TCP
 *                                  connection: "median_us p99_us"
 *   netperf bulk HOST PORT MIB     MIB MiB through the echo, sent and read
 *                                  back at once: "MB/s" (payload, one way)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int dial(const char *host, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0 || inet_pton(AF_INET, host, &a.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("netperf: connect");
		exit(1);
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static void full(int fd, char *p, size_t n, int rx)
{
	while (n) {
		ssize_t k = rx ? recv(fd, p, n, 0) : send(fd, p, n, 0);

		if (k <= 0) {
			fprintf(stderr, "netperf: %s failed\n", rx ? "recv" : "send");
			exit(1);
		}
		p += k;
		n -= (size_t)k;
	}
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int rtt(const char *host, int port, int n, size_t size)
{
	int fd = dial(host, port);
	char *buf = calloc(1, size);
	uint64_t *t = calloc((size_t)n, sizeof(*t));

	for (int i = -100; i < n; i++) { /* 100 to warm up */
		uint64_t t0 = now_ns();

		full(fd, buf, size, 0);
		full(fd, buf, size, 1);
		if (i >= 0)
			t[i] = now_ns() - t0;
	}
	qsort(t, (size_t)n, sizeof(*t), cmp);
	printf("%.1f %.1f\n", t[n / 2] / 1000.0, t[(n * 99) / 100] / 1000.0);
	close(fd);
	return 0;
}

struct bulk {
	int fd;
	size_t total;
};

static void *sender(void *arg)
{
	struct bulk *b = arg;
	static char buf[65536];
	size_t left = b->total;

	while (left) {
		size_t n = left < sizeof(buf) ? left : sizeof(buf);

		full(b->fd, buf, n, 0);
		left -= n;
	}
	return NULL;
}

static int bulk(const char *host, int port, size_t mib)
{
	struct bulk b = { dial(host, port), mib << 20 };
	static char buf[65536];
	size_t got = 0;
	pthread_t t;
	uint64_t t0 = now_ns();

	pthread_create(&t, NULL, sender, &b);
	while (got < b.total) {
		ssize_t k = recv(b.fd, buf, sizeof(buf), 0);

		if (k <= 0) {
			fprintf(stderr, "netperf: recv after %zu bytes\n", got);
			return 1;
		}
		got += (size_t)k;
	}
	pthread_join(t, NULL);
	printf("%.1f\n", (double)b.total / ((now_ns() - t0) / 1e9) / 1e6);
	close(b.fd);
	return 0;
}

static void *serve_one(void *arg)
{
	int fd = (int)(intptr_t)arg, one = 1;
	static __thread char buf[65536];
	ssize_t n;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		full(fd, buf, (size_t)n, 0);
	close(fd);
	return NULL;
}

static int server(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int lfd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) || listen(lfd, 128)) {
		perror("netperf: server");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		pthread_t t;

		if (fd >= 0 && pthread_create(&t, NULL, serve_one, (void *)(intptr_t)fd) == 0)
			pthread_detach(t);
	}
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "server"))
		return server(atoi(argv[2]));
	if (argc == 6 && !strcmp(argv[1], "rtt"))
		return rtt(argv[2], atoi(argv[3]), atoi(argv[4]), (size_t)atoi(argv[5]));
	if (argc == 5 && !strcmp(argv[1], "bulk"))
		return bulk(argv[2], atoi(argv[3]), (size_t)atoi(argv[4]));
	fprintf(stderr, "usage: netperf server PORT | rtt HOST PORT N SIZE | bulk HOST PORT MIB\n");
	return 2;
}
