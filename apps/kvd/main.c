// SPDX-License-Identifier: MIT
/*
 * kvd: apps/kv's store served over TCP (the line protocol of proto.h).
 *
 *   kvd [--dir=DIR] [PORT]     serve DIR's store (default /data: mount a
 *                              disk there, hako.mount=disk0:/data) on PORT
 *                              (default 6380) until shut down
 *   kvd [--dir=DIR] selftest   serve on loopback and be its own client
 *                              (a check that needs no NIC): status 0 if
 *                              every answer was right
 *
 * A thread per connection, as echo and httpd; one mutex serialises the
 * store, whose every write is fsynced before its OK: an acknowledged SET
 * or DEL survives a crash (kv.h).  At most KVD_CONNS connections: the next
 * gets "ERR busy" and a close.  At shutdown: a statistics line, and the
 * store is closed.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <hako/kernel.h>
#include <hako/net.h>
#include <hako/sync.h>
#include <hako/thread.h>

#include "../kv/kv.h"
#include "proto.h"

#define KVD_CONNS 64

static struct kv *store;
static struct mutex store_lock;
static unsigned long conns, open_now, refused, commands, errors;

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = send(fd, p, n, 0);

		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int reply(int fd, const char *s)
{
	return send_all(fd, s, strlen(s));
}

/* Run one parsed command; 1 when the connection should end. */
static int run(int fd, const struct kvd_cmd *c)
{
	char line[160];
	int r = 0;

	commands++;
	mutex_lock(&store_lock);
	if (!store) {
		mutex_unlock(&store_lock);
		reply(fd, "ERR shutting down\n");
		return 1;
	}
	switch (c->op) {
	case KVD_SET:
	case KVD_DEL:
		r = c->op == KVD_SET ? kv_set(store, c->key, c->klen, c->val, c->vlen)
				     : kv_del(store, c->key, c->klen);
		mutex_unlock(&store_lock);
		if (!r)
			return reply(fd, "OK\n") < 0;
		if (errno == ENOENT)
			return reply(fd, "NOT_FOUND\n") < 0;
		errors++;
		snprintf(line, sizeof(line), "ERR %s\n", strerror(errno));
		return reply(fd, line) < 0;
	case KVD_GET: {
		size_t vlen;
		const char *v = kv_get(store, c->key, c->klen, &vlen);
		char *out;

		if (!v) {
			mutex_unlock(&store_lock);
			return reply(fd, "NOT_FOUND\n") < 0;
		}
		/* The value is valid until the next change: copy it out. */
		out = malloc(vlen + 8);
		if (out) {
			memcpy(out, "VALUE ", 6);
			memcpy(out + 6, v, vlen);
			out[6 + vlen] = '\n';
		}
		mutex_unlock(&store_lock);
		if (!out) {
			errors++;
			return reply(fd, "ERR out of memory\n") < 0;
		}
		r = send_all(fd, out, vlen + 7);
		free(out);
		return r < 0;
	}
	case KVD_STATS: {
		struct kv_stats st;

		kv_get_stats(store, &st);
		mutex_unlock(&store_lock);
		snprintf(line, sizeof(line),
			 "STATS keys %zu log_bytes %llu replayed %llu "
			 "dropped_bytes %llu\n",
			 st.keys, (unsigned long long)st.log_bytes, (unsigned long long)st.replayed,
			 (unsigned long long)st.dropped_bytes);
		return reply(fd, line) < 0;
	}
	case KVD_QUIT:
		mutex_unlock(&store_lock);
		reply(fd, "BYE\n");
		return 1;
	case KVD_BAD:
		break;
	}
	mutex_unlock(&store_lock);
	errors++;
	snprintf(line, sizeof(line), "ERR %s\n", c->err);
	return reply(fd, line) < 0;
}

/*
 * After refusing a line too long: send our FIN, then read and drop what
 * the client still sends (until it closes, a second passes, or 1 MiB), so
 * that closing with unread bytes does not reset the connection and destroy
 * the ERR reply before the client read it.
 */
static void linger_close(int fd, char *buf, size_t size)
{
	struct timeval tv = {.tv_sec = 1};
	size_t budget = 1 << 20;

	shutdown(fd, SHUT_WR);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (budget) {
		ssize_t k = recv(fd, buf, size, 0);

		if (k <= 0)
			break;
		budget -= (size_t)k < budget ? (size_t)k : budget;
	}
}

static void *serve_one(void *arg)
{
	int fd = (int)(long)arg, done = 0;
	size_t have = 0;
	char *buf = malloc(KVD_LINE_MAX + 2);

	while (buf && !done) {
		ssize_t k = recv(fd, buf + have, KVD_LINE_MAX + 2 - have, 0);
		size_t start = 0;
		char *nl;

		if (k <= 0)
			break;
		have += (size_t)k;
		while (!done && (nl = memchr(buf + start, '\n', have - start))) {
			struct kvd_cmd c;

			kvd_parse(buf + start, (size_t)(nl - (buf + start)), &c);
			done = run(fd, &c);
			start = (size_t)(nl - buf) + 1;
		}
		memmove(buf, buf + start, have - start);
		have -= start;
		if (have > KVD_LINE_MAX + 1) {
			/* (a full line and its "\r" fit: this one does not) */
			errors++;
			reply(fd, "ERR line too long\n");
			linger_close(fd, buf, KVD_LINE_MAX + 2);
			break;
		}
	}
	if (!buf)
		reply(fd, "ERR out of memory\n");
	free(buf);
	close(fd);
	open_now--;
	return NULL;
}

static void stop(void *unused)
{
	(void)unused;
	mutex_lock(&store_lock);
	printf("kvd: %lu connections (%lu open, %lu refused), %lu commands, %lu errors\n", conns,
	       open_now, refused, commands, errors);
	if (store)
		kv_close(store);
	store = NULL;
	mutex_unlock(&store_lock);
}

static bool full(void)
{
	return open_now >= KVD_CONNS;
}

static void refuse(int fd)
{
	refused++;
	reply(fd, "ERR busy\n");
	close(fd);
}

static void started(void)
{
	conns++;
	open_now++;
}

static int serve(int port)
{
	static const struct net_server srv = {
		.name = "kvd-conn",
		.conn = serve_one,
		.full = full,
		.refuse = refuse,
		.started = started,
	};
	int lfd = net_listen(SOCK_STREAM, port, 64);

	if (lfd < 0) {
		printf("kvd: TCP port %d: %s\n", port, strerror(errno));
		return 1;
	}
	kern_on_shutdown(stop, NULL);
	printf("kvd: serving on TCP port %d\n", port);
	net_serve(lfd, &srv);
}

static void *serve_thread(void *arg)
{
	serve((int)(long)arg);
	return NULL;
}

/* Ask the server on fd one line; 0 when the answer is want. */
static int ask(int fd, const char *req, const char *want)
{
	char got[128];
	size_t n = 0;

	if (reply(fd, req) < 0)
		return -1;
	while (n < sizeof(got) - 1) {
		ssize_t k = recv(fd, got + n, 1, 0);

		if (k <= 0 || got[n] == '\n')
			break;
		n++;
	}
	got[n] = '\0';
	if (strcmp(got, want)) {
		printf("kvd: selftest: %.*s: got \"%s\", want \"%s\"\n", (int)strlen(req) - 1, req,
		       got, want);
		return -1;
	}
	return 0;
}

static int selftest(void)
{
	struct sockaddr_in a;
	int fd, bad = 0;

	if (!thread_create("kvd-server", serve_thread, (void *)6380L, 0))
		return 1;
	thread_yield(); /* let it listen */
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(6380);
	a.sin_addr.s_addr = htonl(0x7f000001);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		printf("kvd: selftest: connect: %s\n", strerror(errno));
		return 1;
	}
	bad |= ask(fd, "SET self a value\n", "OK");
	bad |= ask(fd, "GET self\n", "VALUE a value");
	bad |= ask(fd, "DEL self\n", "OK");
	bad |= ask(fd, "GET self\n", "NOT_FOUND");
	bad |= ask(fd, "FROB\n", "ERR unknown command");
	bad |= ask(fd, "QUIT\n", "BYE");
	close(fd);
	printf("kvd: selftest %s\n", bad ? "FAILED" : "passed");
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *dir = "/data";
	int port = 6380, i = 1;
	struct kv_stats st;

	if (i < argc && !strncmp(argv[i], "--dir=", 6))
		dir = argv[i++] + 6;
	if (i < argc && !strcmp(argv[i], "selftest"))
		port = -1, i++;
	else if (i < argc)
		port = atoi(argv[i++]);
	if (i < argc || !port || port > 65535) {
		printf("usage: kvd [--dir=DIR] [PORT | selftest]\n");
		return 2;
	}
	mutex_init(&store_lock);
	store = kv_open(dir);
	if (!store) {
		printf("kvd: cannot open the store in %s: %s\n", dir, strerror(errno));
		return 1;
	}
	kv_get_stats(store, &st);
	printf("kvd: %s: %zu keys recovered (%llu records, %llu torn bytes dropped)\n", dir,
	       st.keys, (unsigned long long)st.replayed, (unsigned long long)st.dropped_bytes);
	return port < 0 ? selftest() : serve(port);
}
