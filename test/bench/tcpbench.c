// SPDX-License-Identifier: MIT
/*
 * tcpbench: the host-side client of the network benchmarks, against any
 * TCP echo server (a Hako image or the Linux reference guest).
 *
 *   tcpbench rtt HOST PORT [COUNT [SIZE]]   COUNT round trips of SIZE bytes
 *       (default 2000 x 64) on one connection with TCP_NODELAY; prints
 *       "rtt_us median=.. p90=.. p99=.. min=.. max=.. n=.."
 *   tcpbench bulk HOST PORT [MIB]           streams MIB MiB (default 16)
 *       through the echo and checks every byte that comes back; prints
 *       "bulk_mbps=.. bytes=.. seconds=.."
 *   tcpbench wait HOST PORT [SECONDS]       until an echo answers (QEMU's user
 *       network accepts before the guest listens, so connecting is not enough)
 *   tcpbench bytes HOST PORT N              like bulk, N bytes exactly (N >= 1)
 *   tcpbench conns HOST PORT N [HOLD_S]     N connections open at once, each
 *       echoing its own message (checked); with HOLD_S, kept open that long
 *       afterwards (a shutdown with connections open); prints "conns_ok=N"
 * (Also built static for the Xen rig's dom0, test/bench/xen-devices.sh.)
 * Exit status 0 on success, 1 on any error or a wrong byte.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int dial(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	int fd, one = 1;

	if (getaddrinfo(host, port, &hints, &ai))
		return -1;
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static int read_full(int fd, char *buf, size_t n, int timeout_ms)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t r;

		if (poll(&p, 1, timeout_ms) <= 0)
			return -1;
		r = read(fd, buf + got, n - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int rtt(int fd, int count, int size)
{
	char *out = malloc(size), *in = malloc(size);
	double *t = malloc(sizeof(double) * count);

	for (int i = 0; i < size; i++)
		out[i] = (char)('a' + i % 26);
	for (int i = 0; i < count; i++) {
		double t0 = now();

		out[0] = (char)i;
		if (write(fd, out, size) != size || read_full(fd, in, size, 10000) ||
		    memcmp(in, out, size)) {
			fprintf(stderr, "tcpbench: round trip %d failed\n", i);
			return 1;
		}
		t[i] = (now() - t0) * 1e6;
	}
	qsort(t, count, sizeof(double), cmp_double);
	printf("rtt_us median=%.0f p90=%.0f p99=%.0f min=%.0f max=%.0f n=%d size=%d\n",
	       t[count / 2], t[count * 90 / 100], t[count * 99 / 100], t[0], t[count - 1], count,
	       size);
	return 0;
}

static unsigned char pattern(uint64_t i)
{
	return (unsigned char)(i * 131 + (i >> 9));
}

static int bulk(int fd, uint64_t total)
{
	static unsigned char out[65536], in[65536];
	uint64_t sent = 0, got = 0;
	double t0 = now();

	while (got < total) {
		struct pollfd p = { fd, POLLIN | (sent < total ? POLLOUT : 0), 0 };

		if (poll(&p, 1, 10000) <= 0) {
			fprintf(stderr, "tcpbench: stalled at %llu of %llu bytes back\n",
				(unsigned long long)got, (unsigned long long)total);
			return 1;
		}
		if (p.revents & POLLOUT) {
			size_t n = total - sent < sizeof(out) ? total - sent : sizeof(out);
			ssize_t w;

			for (size_t i = 0; i < n; i++)
				out[i] = pattern(sent + i);
			w = write(fd, out, n);
			if (w < 0 && errno != EAGAIN)
				return 1;
			if (w > 0)
				sent += (uint64_t)w;
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t r = read(fd, in, sizeof(in));

			if (r <= 0) {
				fprintf(stderr, "tcpbench: connection ended after %llu bytes\n",
					(unsigned long long)got);
				return 1;
			}
			for (ssize_t i = 0; i < r; i++)
				if (in[i] != pattern(got + (uint64_t)i)) {
					fprintf(stderr, "tcpbench: byte %llu is wrong\n",
						(unsigned long long)(got + i));
					return 1;
				}
			got += (uint64_t)r;
		}
	}
	printf("bulk_mbps=%.1f bytes=%llu seconds=%.3f\n", total / (now() - t0) / 1e6,
	       (unsigned long long)total, now() - t0);
	return 0;
}

/* n connections at once, each echoing its own message. */
static int conns(const char *host, const char *port, int n, double hold)
{
	int *fd = calloc(n, sizeof(int)), ok = 0;
	char msg[64], in[64];

	for (int i = 0; i < n; i++) {
		fd[i] = dial(host, port);
		if (fd[i] < 0) {
			fprintf(stderr, "tcpbench: connection %d of %d failed\n", i + 1, n);
			return 1;
		}
	}
	for (int i = 0; i < n; i++) {
		int len = snprintf(msg, sizeof(msg), "connection %d of %d\n", i + 1, n);

		if (write(fd[i], msg, len) == len && read_full(fd[i], in, len, 10000) == 0 &&
		    !memcmp(in, msg, len))
			ok++;
	}
	printf("conns_ok=%d of %d\n", ok, n);
	fflush(stdout);
	if (hold > 0)
		usleep((useconds_t)(hold * 1e6));
	for (int i = 0; i < n; i++)
		close(fd[i]);
	return ok == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	int fd;

	if (argc < 4) {
		fprintf(stderr, "usage: tcpbench rtt|bulk|bytes|conns|wait HOST PORT [N [SIZE]]\n");
		return 2;
	}
	if (!strcmp(argv[1], "wait")) {
		double end = now() + (argc > 4 ? atof(argv[4]) : 60);
		char b;

		while (now() < end) {
			fd = dial(argv[2], argv[3]);
			if (fd >= 0 && write(fd, "?", 1) == 1 && read_full(fd, &b, 1, 1000) == 0) {
				close(fd);
				return 0;
			}
			if (fd >= 0)
				close(fd);
			usleep(200000);
		}
		fprintf(stderr, "tcpbench: no echo at %s:%s\n", argv[2], argv[3]);
		return 1;
	}
	if (!strcmp(argv[1], "conns"))
		return conns(argv[2], argv[3], argc > 4 ? atoi(argv[4]) : 200,
			     argc > 5 ? atof(argv[5]) : 0);
	fd = dial(argv[2], argv[3]);
	if (fd < 0) {
		fprintf(stderr, "tcpbench: cannot connect to %s:%s\n", argv[2], argv[3]);
		return 1;
	}
	if (!strcmp(argv[1], "rtt"))
		return rtt(fd, argc > 4 ? atoi(argv[4]) : 2000, argc > 5 ? atoi(argv[5]) : 64);
	if (!strcmp(argv[1], "bulk"))
		return bulk(fd, (uint64_t)(argc > 4 ? atoi(argv[4]) : 16) << 20);
	if (!strcmp(argv[1], "bytes") && argc > 4 && strtoull(argv[4], NULL, 10) > 0)
		return bulk(fd, strtoull(argv[4], NULL, 10));
	fprintf(stderr, "tcpbench: unknown mode %s\n", argv[1]);
	return 2;
}
