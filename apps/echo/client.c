// SPDX-License-Identifier: MIT
/*
 * echo's client modes: connect out (the image as a client), send a known
 * pattern and check every byte that comes back.  Status 0 when all came
 * back intact, 1 otherwise, with the reason printed.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <hako/net.h>
#include <hako/thread.h>

#include "echo.h"

#define CHUNK 16384

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 131 + (i >> 9));
}

/* Resolve HOST PORT (numeric, or localhost) and connect; -1 on failure. */
static int open_to(const char *host, const char *port, int type)
{
	struct addrinfo hints = { 0 }, *res, *r;
	int fd = -1, rc;

	hints.ai_socktype = type;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc) {
		printf("echo: %s port %s: %s\n", host, port, gai_strerror(rc));
		return -1;
	}
	/* At boot the interface may still wait for DHCP. */
	if (strcmp(host, "localhost") && strncmp(host, "127.", 4) && strcmp(host, "::1") &&
	    !net_wait_ready(now_ns() + 15 * 1000000000ULL))
		printf("echo: no address after 15 s; trying anyway\n");
	for (r = res; r; r = r->ai_next) {
		struct timeval tv = { 10, 0 };

		fd = socket(r->ai_family, r->ai_socktype, r->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (connect(fd, r->ai_addr, r->ai_addrlen) == 0)
			break;
		printf("echo: connect to %s port %s: %s\n", host, port, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

struct sender {
	int fd;
	size_t total;
	bool ok;
};

static void *send_pattern(void *arg)
{
	struct sender *s = arg;
	unsigned char *buf = malloc(CHUNK);
	size_t off = 0;

	s->ok = buf != NULL;
	while (s->ok && off < s->total) {
		size_t n = s->total - off < CHUNK ? s->total - off : CHUNK;
		ssize_t k;

		for (size_t i = 0; i < n; i++)
			buf[i] = pattern(off + i);
		k = send(s->fd, buf, n, 0);
		if (k <= 0) {
			printf("echo: send: %s\n", k < 0 ? strerror(errno) : "nothing sent");
			s->ok = false;
			break;
		}
		off += (size_t)k;
	}
	free(buf);
	/* No shutdown(SHUT_WR) here: passt (2023-03) stops consuming the
	 * ACKed bytes of a connection its guest half-closed, and then sends
	 * the guest wrong data.  Everything sent comes back, then we close. */
	return NULL;
}

int tcp_client(int argc, char **argv)
{
	struct sender s = { -1, 1 << 20, false };
	unsigned char *buf;
	struct thread *t;
	size_t got = 0;
	uint64_t t0;
	bool intact = true;

	if (argc < 2 || argc > 3 || (argc == 3 && atol(argv[2]) < 0)) {
		printf("usage: echo client HOST PORT [BYTES]\n");
		return 2;
	}
	if (argc == 3)
		s.total = (size_t)atol(argv[2]);
	s.fd = open_to(argv[0], argv[1], SOCK_STREAM);
	if (s.fd < 0)
		return 1;
	buf = malloc(CHUNK);
	t0 = now_ns();
	t = thread_create("echo-send", send_pattern, &s, 0);
	if (!buf || !t) {
		printf("echo: out of memory\n");
		return 1;
	}
	/* Read what was sent, then stop. */
	while (got < s.total) {
		ssize_t n = recv(s.fd, buf, CHUNK, 0);

		if (n < 0) {
			printf("echo: recv after %zu bytes: %s\n", got, strerror(errno));
			intact = false;
			break;
		}
		if (n == 0)
			break;
		for (ssize_t i = 0; i < n && intact; i++) {
			if (buf[i] != pattern(got + (size_t)i)) {
				printf("echo: byte %zu differs\n", got + (size_t)i);
				intact = false;
			}
		}
		got += (size_t)n;
	}
	if (got == s.total) {
		/* Nothing more may come: an extra byte is an error. */
		struct timeval tv = { 0, 200000 };
		char extra;

		setsockopt(s.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (recv(s.fd, &extra, 1, 0) > 0) {
			printf("echo: more came back than was sent\n");
			intact = false;
		}
	}
	thread_join(t, NULL);
	close(s.fd);
	free(buf);
	if (!s.ok || !intact || got != s.total) {
		printf("echo: client FAILED: %zu of %zu bytes came back%s\n", got, s.total,
		       intact ? "" : ", corrupted");
		return 1;
	}
	printf("echo: client: %zu bytes echoed back intact in %llu ms\n", got,
	       (unsigned long long)((now_ns() - t0) / 1000000));
	return 0;
}

int udp_client(int argc, char **argv)
{
	int n = 100, fd, good = 0;
	char out[512], in[600];

	if (argc < 2 || argc > 3 || (argc == 3 && atoi(argv[2]) <= 0)) {
		printf("usage: echo udp-client HOST PORT [N]\n");
		return 2;
	}
	if (argc == 3)
		n = atoi(argv[2]);
	fd = open_to(argv[0], argv[1], SOCK_DGRAM);
	if (fd < 0)
		return 1;
	{
		struct timeval tv = { 1, 0 };

		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	for (int i = 0; i < n; i++) {
		int len = snprintf(out, sizeof(out), "datagram %d of %d", i, n);
		ssize_t k;

		if (send(fd, out, (size_t)len, 0) != len)
			continue;
		/* A lost datagram is UDP's right: one retry after the timeout. */
		k = recv(fd, in, sizeof(in), 0);
		if (k < 0 && send(fd, out, (size_t)len, 0) == len)
			k = recv(fd, in, sizeof(in), 0);
		if (k == len && !memcmp(in, out, (size_t)len))
			good++;
	}
	close(fd);
	printf("echo: udp-client: %d of %d datagrams echoed\n", good, n);
	return good == n ? 0 : 1;
}
