// SPDX-License-Identifier: MIT
/*
 * httpd selftest: the server and its client in one image, over loopback,
 * so that an image without a NIC (the configuration matrix) still proves
 * the whole path: sockets, parser, table, answers.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <hako/thread.h>

#include "content.h"
#include "http.h"
#include "httpd.h"

static int dial(int port)
{
	struct sockaddr_in a;
	struct timeval tv = { .tv_sec = 10 };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		int e = errno; /* (for the caller's message: close may set it) */

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static bool send_str(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t k = send(fd, s, n, 0);

		if (k <= 0)
			return false;
		s += k;
		n -= (size_t)k;
	}
	return true;
}

/* Buffered reading of answers off one connection. */
struct rd {
	int fd;
	size_t len;
	char buf[8192];
};

static bool fill(struct rd *r)
{
	ssize_t n;

	if (r->len == sizeof(r->buf))
		return false;
	n = recv(r->fd, r->buf + r->len, sizeof(r->buf) - r->len, 0);
	if (n <= 0)
		return false;
	r->len += (size_t)n;
	return true;
}

static void drop(struct rd *r, size_t n)
{
	memmove(r->buf, r->buf + n, r->len - n);
	r->len -= n;
}

/* The end of an answer's head in r->buf, or NULL. */
static char *head_end(struct rd *r)
{
	for (size_t i = 0; i + 4 <= r->len; i++)
		if (!memcmp(r->buf + i, "\r\n\r\n", 4))
			return r->buf + i;
	return NULL;
}

/* One answer: its status; its body compared with want[0..want_len). */
static int answer(struct rd *r, const unsigned char *want, size_t want_len, bool *same)
{
	char *end, *cl;
	size_t head, len, off = 0;
	int status;

	*same = false;
	while (!(end = head_end(r)))
		if (!fill(r))
			return -1;
	head = (size_t)(end - r->buf) + 4;
	*end = '\0';
	status = r->len > 12 ? atoi(r->buf + 9) : -1;
	cl = strstr(r->buf, "Content-Length: ");
	len = cl ? (size_t)strtoul(cl + 16, NULL, 10) : 0;
	drop(r, head);
	*same = len == want_len;
	while (off < len) {
		size_t k;

		if (!r->len && !fill(r))
			return -1;
		k = len - off < r->len ? len - off : r->len;
		if (!want || off + k > want_len || memcmp(r->buf, want + off, k))
			*same = false;
		drop(r, k);
		off += k;
	}
	return status;
}

int selftest(int port)
{
	static struct rd r;
	char req[HTTP_MAX_PATH + 64];
	unsigned int good = 0;
	bool same;
	int fd;

	thread_yield(); /* let the server listen */
	fd = dial(port);
	if (fd < 0) {
		printf("httpd: selftest: connect: %s\n", strerror(errno));
		return 1;
	}
	/* Every file, pipelined: all requests first, then the answers. */
	for (unsigned int i = 0; i < httpd_nfiles; i++) {
		snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: self\r\n\r\n",
			 httpd_files[i].path);
		if (!send_str(fd, req))
			break;
	}
	r.fd = fd;
	r.len = 0;
	for (unsigned int i = 0; i < httpd_nfiles; i++) {
		int st = answer(&r, httpd_files[i].data, httpd_files[i].len, &same);

		if (st == 200 && same)
			good++;
		else
			printf("httpd: selftest: %s: status %d%s\n", httpd_files[i].path, st,
			       same ? "" : ", body differs");
	}
	close(fd);
	/* A bad request: 400, and the server serves on. */
	fd = dial(port);
	r.fd = fd;
	r.len = 0;
	if (fd < 0 || !send_str(fd, "GET /\r\n\r\n") || answer(&r, NULL, 0, &same) != 400) {
		printf("httpd: selftest: a bad request did not get 400\n");
		good = 0;
	}
	if (fd >= 0)
		close(fd);
	printf("httpd: selftest: %u of %u files intact over loopback\n", good, httpd_nfiles);
	if (good != httpd_nfiles || !httpd_nfiles)
		return 1;
	printf("httpd: selftest passed\n");
	return 0;
}
