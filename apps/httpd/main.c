// SPDX-License-Identifier: MIT
/*
 * httpd: an HTTP/1.1 server of the files built into the image.
 *
 *   httpd [-p PORT] [-c CONNS] [-t HEAD_MS] [-i IDLE_MS] [-s SEND_MS]
 *
 * One thread per connection.  Hako's threads are cheap (a 16 KiB stack)
 * and cooperative, so a blocking loop per connection is the plainest
 * correct server: pipelining, bodies to discard and per-request deadlines
 * are straight-line code, and the sockets' own timeouts (SO_RCVTIMEO,
 * SO_SNDTIMEO) enforce the deadlines.  An event loop on poll() would save
 * the stacks but not the copies or the wake-ups, which is where the time
 * goes.  At most CONNS connections are served at once: one more is
 * answered 503 and closed at once by the accepting thread, so a flood
 * never costs more than its sockets.  Counters and the kernel's memory
 * statistics are on /stats and printed at shutdown.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <hako/heap.h>
#include <hako/kernel.h>
#include <hako/net.h>
#include <hako/page.h>
#include <hako/sync.h>
#include <hako/thread.h>

#include "content.h"
#include "httpd.h"

struct httpd_config httpd_cfg = {
	.port = 80,
	.max_conns = 256,
	.head_ms = 10000,
	.idle_ms = 15000,
	.send_ms = 15000,
};
struct httpd_stats httpd_stats;

/* One thread per connection, detached: the scheduler frees it when done. */
static void *conn_main(void *arg)
{
	conn_serve((int)(long)arg);
	httpd_stats.open--;
	return NULL;
}

size_t stats_text(char *buf, size_t n)
{
	struct heap_stats h;
	struct page_stats p;
	struct net_stats ns;
	int k;

	heap_get_stats(&h);
	page_get_stats(&p);
	net_get_stats(&ns);
	k = snprintf(buf, n,
		     "connections %llu\nopen %lu\nrefused %llu\ntimeouts %llu\nrequests %llu\n"
		     "status_2xx %llu\nstatus_3xx %llu\nstatus_4xx %llu\nstatus_5xx %llu\n"
		     "heap_in_use %zu\nheap_peak %zu\nheap_failures %zu\n"
		     "pages_used %zu\npages_peak %zu\npages_total %zu\n"
		     "net_frames_rx %llu\nnet_frames_tx %llu\nnet_acks_for_readers %llu\n",
		     (unsigned long long)httpd_stats.conns, httpd_stats.open,
		     (unsigned long long)httpd_stats.refused,
		     (unsigned long long)httpd_stats.timeouts,
		     (unsigned long long)httpd_stats.requests,
		     (unsigned long long)httpd_stats.status[2],
		     (unsigned long long)httpd_stats.status[3],
		     (unsigned long long)httpd_stats.status[4],
		     (unsigned long long)httpd_stats.status[5], h.in_use, h.peak, h.failures,
		     p.used, p.peak, p.total, (unsigned long long)ns.rx_frames,
		     (unsigned long long)ns.tx_frames, (unsigned long long)ns.acks_for_readers);
	if (k < 0)
		return 0;
	return (size_t)k < n ? (size_t)k : n - 1;
}

static void say_stats(void *unused)
{
	char buf[1024]; /* (as the /stats page's) */

	stats_text(buf, sizeof(buf));
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = ' ';
	printf("httpd: %s\n", buf);
}

/* The answer to a connection beyond the limit, sent without reading. */
static void refuse(int fd)
{
	static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
				   "Connection: close\r\nRetry-After: 1\r\n\r\n";

	httpd_stats.refused++;
	send(fd, busy, sizeof(busy) - 1, MSG_DONTWAIT);
	close(fd);
}

static bool number(const char *s, unsigned int lo, unsigned int hi, unsigned int *out)
{
	char *end;
	long v;

	if (!s)
		return false;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < (long)lo || v > (long)hi)
		return false;
	*out = (unsigned int)v;
	return true;
}

static bool parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i += 2) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		unsigned int port = 80;
		bool ok;

		if (!strcmp(o, "-p")) {
			ok = number(v, 1, 65535, &port);
			httpd_cfg.port = (int)port;
		} else if (!strcmp(o, "-c")) {
			ok = number(v, 1, 100000, &httpd_cfg.max_conns);
		} else if (!strcmp(o, "-t")) {
			ok = number(v, 10, 3600000, &httpd_cfg.head_ms);
		} else if (!strcmp(o, "-i")) {
			ok = number(v, 10, 3600000, &httpd_cfg.idle_ms);
		} else if (!strcmp(o, "-s")) {
			ok = number(v, 10, 3600000, &httpd_cfg.send_ms);
		} else {
			ok = false;
		}
		if (!ok) {
			printf("httpd: bad option '%s%s%s'\n", o, v ? " " : "", v ? v : "");
			return false;
		}
	}
	return true;
}

static bool full(void)
{
	return httpd_stats.open >= httpd_cfg.max_conns;
}

static void started(void)
{
	httpd_stats.conns++;
	httpd_stats.open++;
}

/* A thread per connection (net_serve, hako/net.h). */
static const struct net_server server = {
	.name = "httpd-conn",
	.conn = conn_main,
	.full = full,
	.refuse = refuse,
	.started = started,
};

static void *serve_thread(void *arg)
{
	net_serve((int)(long)arg, &server);
}

int main(int argc, char **argv)
{
	bool self = argc == 2 && !strcmp(argv[1], "selftest");
	int lfd;

	if (!self && !parse_args(argc, argv)) {
		printf("usage: httpd [-p PORT] [-c CONNS] [-t HEAD_MS] [-i IDLE_MS] [-s SEND_MS] | "
		       "httpd selftest\n");
		return 2;
	}
	lfd = net_listen(SOCK_STREAM, httpd_cfg.port, 255);
	if (lfd < 0) {
		printf("httpd: cannot listen on TCP port %d: %s\n", httpd_cfg.port, strerror(errno));
		return 1;
	}
	kern_on_shutdown(say_stats, NULL);
	printf("httpd: serving %u files on TCP port %d (at most %u connections)\n", httpd_nfiles,
	       httpd_cfg.port, httpd_cfg.max_conns);
	if (!self)
		net_serve(lfd, &server);
	if (!thread_create("httpd-server", serve_thread, (void *)(long)lfd, 0)) {
		printf("httpd: no memory for the server thread\n");
		return 1;
	}
	return selftest(httpd_cfg.port);
}
