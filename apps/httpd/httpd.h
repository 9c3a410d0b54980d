/* SPDX-License-Identifier: MIT */
/*
 * httpd.h - what httpd's parts share: the settings from the command line,
 * the counters, and the connection server.
 */
#ifndef HTTPD_HTTPD_H
#define HTTPD_HTTPD_H

#include <stddef.h>
#include <stdint.h>

struct httpd_config {
	int port;		/* TCP port (80) */
	unsigned int max_conns; /* connections served at once; more get 503 */
	unsigned int head_ms;	/* a request head must arrive within this */
	unsigned int idle_ms;	/* a kept-alive connection may idle this long */
	unsigned int send_ms;	/* a send may wait this long for the peer */
};
extern struct httpd_config httpd_cfg;

struct httpd_stats {
	uint64_t conns;	     /* accepted and served */
	uint64_t refused;    /* accepted beyond max_conns: 503 and closed */
	uint64_t requests;   /* heads parsed, good or bad */
	uint64_t status[6];  /* responses by class: [2] 2xx ... [5] 5xx */
	uint64_t timeouts;   /* connections closed for a slow or idle peer */
	unsigned long open;  /* connections open now */
};
extern struct httpd_stats httpd_stats;

/*
 * conn_serve - serve requests on the connected socket fd until the peer
 * closes, asks to close, errs, or times out; then close fd.  Blocks the
 * calling thread only.
 */
void conn_serve(int fd);

/* stats_text - the /stats page (counters and the kernel's memory
 * statistics) into buf; returns its length (truncated to n - 1). */
size_t stats_text(char *buf, size_t n);

/*
 * selftest - be a client of this image's own server on 127.0.0.1:port:
 * every file fetched on one kept-alive connection (pipelined) and checked
 * byte for byte, a bad request answered 400.  Returns 0 when all held
 * (and prints "httpd: selftest passed"), else 1.
 */
int selftest(int port);

#endif /* HTTPD_HTTPD_H */
