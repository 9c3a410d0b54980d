// SPDX-License-Identifier: MIT
/*
 * One connection: read request heads, answer them in order, until the
 * peer or a request ends it.  Deadlines: a head must arrive whole within
 * head_ms of its first byte (of the accept, for the first request), so a
 * client that trickles bytes (slowloris) or sends nothing gets 408; a
 * kept-alive connection that idles idle_ms between requests is closed
 * quietly; a peer that stops reading our answers is dropped after send_ms.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "content.h"
#include "http.h"
#include "httpd.h"

struct conn {
	int fd;
	size_t len; /* bytes received and not yet consumed, at buf[0] */
	char buf[HTTP_MAX_HEAD];
	struct http_request req[2]; /* the current head and the next one */
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The Date header's value, formatted once a second. */
static const char *date_now(void)
{
	static char text[HTTP_DATE_LEN + 1];
	static time_t at = -1;
	time_t t = time(NULL);

	if (t != at && http_date_format((int64_t)t, text))
		at = t;
	return text;
}

static void set_timeout(int fd, int name, uint64_t ms)
{
	struct timeval tv = { .tv_sec = (time_t)(ms / 1000),
			      .tv_usec = (suseconds_t)(ms % 1000 * 1000) };

	setsockopt(fd, SOL_SOCKET, name, &tv, sizeof(tv));
}

/* Receive into buf[len..] before the deadline: bytes, 0 at the peer's end,
 * -1 with errno (EAGAIN: the deadline passed). */
static ssize_t recv_until(struct conn *c, uint64_t deadline)
{
	uint64_t now = now_ms();

	if (now >= deadline) {
		errno = EAGAIN;
		return -1;
	}
	set_timeout(c->fd, SO_RCVTIMEO, deadline - now);
	return recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
}

static bool send_all(int fd, const void *p, size_t n, int flags)
{
	while (n) {
		ssize_t k = send(fd, p, n, flags);

		if (k <= 0)
			return false;
		p = (const char *)p + k;
		n -= (size_t)k;
	}
	return true;
}

/*
 * Close after our last answer: send our FIN first and read what the peer
 * still sends (the rest of an oversized head, say) until it closes or a
 * second passes.  Closing with unread bytes would make TCP reset the
 * connection, and a reset can destroy the answer before the peer read it.
 */
static void linger_close(struct conn *c)
{
	uint64_t deadline = now_ms() + 1000;
	size_t budget = 1 << 20;

	shutdown(c->fd, SHUT_WR);
	while (budget) {
		ssize_t n;

		c->len = 0;
		n = recv_until(c, deadline);
		if (n <= 0)
			break;
		budget -= (size_t)n < budget ? (size_t)n : budget;
	}
	close(c->fd);
}

/*
 * Close after an answer to "Connection: close": wait a moment for the
 * peer, which has the whole answer (Content-Length), to close first, then
 * close (or half-close, as above, when it does not).  Whoever closes first
 * keeps the connection's TIME-WAIT, and lwIP (2.1) answers a new SYN that
 * reuses the addresses and ports of a connection in TIME-WAIT with a reset
 * rather than reopening it as RFC 1122 4.2.2.13 allows; behind a NAT
 * that maps many clients onto few ports (passt, QEMU's user network) such
 * reuse is common, and every one of them would be a failed request.
 */
static void close_after_peer(struct conn *c)
{
	uint64_t deadline = now_ms() + 1000;

	for (;;) {
		ssize_t n;

		c->len = 0;
		n = recv_until(c, deadline);
		if (n == 0) {
			close(c->fd);
			return;
		}
		if (n < 0)
			break;
	}
	linger_close(c);
}

static void count(int status)
{
	httpd_stats.status[status / 100 % 6]++;
}

/* An error answer; the connection is closed after it. */
static void send_error(struct conn *c, int status)
{
	char msg[512];
	char body[80];
	int b = snprintf(body, sizeof(body), "%d %s\n", status, http_reason(status));
	int n = snprintf(msg, sizeof(msg),
			 "HTTP/1.1 %d %s\r\nServer: hako\r\nDate: %s\r\n"
			 "Content-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\n"
			 "%sConnection: close\r\n\r\n%s",
			 status, http_reason(status), date_now(), b,
			 status == 405 ? "Allow: GET, HEAD\r\n" : "", body);

	count(status);
	send_all(c->fd, msg, (size_t)n, 0);
}

/* Answer one valid request head; more: another answer follows at once
 * (the next head is already here), so this one need not be pushed. */
static bool respond(struct conn *c, const struct http_request *r, bool more)
{
	char head[640], stats[1024], modified[HTTP_DATE_LEN + 1];
	const struct httpd_file *f = NULL;
	const char *type, *conn_hdr = "";
	const void *body;
	size_t len;
	int status = 200, n;

	if (!strcmp(r->path, "/stats")) {
		len = stats_text(stats, sizeof(stats));
		body = stats;
		type = "text/plain; charset=utf-8";
		modified[0] = '\0';
	} else if ((f = content_find(r->path))) {
		body = f->data;
		len = f->len;
		type = http_content_type(f->path);
		http_date_format(f->mtime, modified);
		if (r->if_modified_since >= 0 && f->mtime <= r->if_modified_since)
			status = 304;
	} else {
		static const char nf[] = "404 Not Found\n";

		status = 404;
		body = nf;
		len = sizeof(nf) - 1;
		type = "text/plain; charset=utf-8";
		modified[0] = '\0';
	}
	if (!r->keep_alive && r->minor == 1)
		conn_hdr = "Connection: close\r\n";
	else if (r->keep_alive && r->minor == 0)
		conn_hdr = "Connection: keep-alive\r\n";
	if (status == 304)
		n = snprintf(head, sizeof(head),
			     "HTTP/1.1 304 Not Modified\r\nServer: hako\r\nDate: %s\r\n"
			     "Last-Modified: %s\r\n%s\r\n",
			     date_now(), modified, conn_hdr);
	else
		n = snprintf(head, sizeof(head),
			     "HTTP/1.1 %d %s\r\nServer: hako\r\nDate: %s\r\nContent-Type: %s\r\n"
			     "Content-Length: %zu\r\n%s%s%s%s\r\n",
			     status, http_reason(status), date_now(), type, len,
			     modified[0] ? "Last-Modified: " : "", modified,
			     modified[0] ? "\r\n" : "", conn_hdr);
	count(status);
	if (status == 304 || r->method == HTTP_HEAD)
		return send_all(c->fd, head, (size_t)n, more ? MSG_MORE : 0);
	return send_all(c->fd, head, (size_t)n, MSG_MORE) &&
	       send_all(c->fd, body, len, more ? MSG_MORE : 0);
}

/* Drop n bytes from the front of the buffer. */
static void consume(struct conn *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
}

/* Read and drop a request body of n bytes (after what the buffer held). */
static bool discard_body(struct conn *c, uint64_t n, uint64_t deadline)
{
	uint64_t k = n < c->len ? n : c->len;

	consume(c, (size_t)k);
	n -= k;
	while (n) {
		ssize_t got = recv_until(c, deadline);

		if (got <= 0)
			return false;
		c->len = (size_t)got;
		k = n < c->len ? n : c->len;
		consume(c, (size_t)k);
		n -= k;
	}
	return true;
}

void conn_serve(int fd)
{
	struct conn *c = malloc(sizeof(*c));
	uint64_t head_start = now_ms(), idle_start = 0;
	unsigned long served = 0;
	int cur = 0, r = 0;

	if (!c) {
		close(fd);
		return;
	}
	c->fd = fd;
	c->len = 0;
	set_timeout(fd, SO_SNDTIMEO, httpd_cfg.send_ms);
	for (;;) {
		struct http_request *req = &c->req[cur];
		bool more;

		if (r == 0 && c->len)
			r = http_parse(c->buf, c->len, req);
		if (r == 0) {
			bool idle = c->len == 0 && served > 0;
			ssize_t n = recv_until(c, idle ? idle_start + httpd_cfg.idle_ms
						       : head_start + httpd_cfg.head_ms);

			if (n == 0)
				break; /* the peer is done */
			if (n < 0) {
				if (errno != EAGAIN && errno != EWOULDBLOCK)
					break;
				httpd_stats.timeouts++;
				if (idle)
					break;
				send_error(c, 408);
				linger_close(c);
				free(c);
				return;
			}
			if (idle)
				head_start = now_ms();
			c->len += (size_t)n;
			continue;
		}
		httpd_stats.requests++;
		if (r < 0) {
			send_error(c, -r);
			linger_close(c);
			free(c);
			return;
		}
		consume(c, (size_t)r);
		if (req->content_length &&
		    !discard_body(c, req->content_length, head_start + httpd_cfg.head_ms))
			break;
		/* Is the next head already here?  Then this answer can wait
		 * in the send queue for the next one. */
		r = c->len ? http_parse(c->buf, c->len, &c->req[!cur]) : 0;
		more = r != 0 && req->keep_alive;
		if (!respond(c, req, more))
			break;
		served++;
		if (!req->keep_alive) {
			close_after_peer(c);
			free(c);
			return;
		}
		cur = !cur;
		head_start = idle_start = now_ms();
	}
	close(fd);
	free(c);
}
