// SPDX-License-Identifier: MIT
/*
 * The sockets API over the loopback interface (every port has it, NIC or
 * not): TCP and UDP exchanges, non-blocking connect with poll, timeouts,
 * errno values, the descriptor limit, dual-stack IPv6.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <hal.h>
#include <hako/net.h>
#include <hako/thread.h>

#include "ktest.h"

static struct sockaddr_in loopback(uint16_t port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* A listening TCP socket on 127.0.0.1 with a free port; returns the fd. */
static int listener(uint16_t *port)
{
	struct sockaddr_in a = loopback(0);
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 64) ||
	    getsockname(fd, (struct sockaddr *)&a, &len)) {
		close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

static int connect_to(uint16_t port)
{
	struct sockaddr_in a = loopback(port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, 0);

		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static size_t recv_all(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = recv(fd, (char *)buf + got, len - got, 0);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

/* ------------------------------------------------------------ echo ---- */

static void *echo_one(void *arg)
{
	int lfd = (int)(long)arg, fd;
	char buf[1500];
	ssize_t n;

	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		return (void *)1L;
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		if (!send_all(fd, buf, (size_t)n))
			break;
	close(fd);
	return n == 0 ? NULL : (void *)2L;
}

static void test_tcp_echo(void)
{
	enum { LEN = 300000 };
	char *out = malloc(LEN), *in = malloc(LEN);
	struct sockaddr_in peer;
	socklen_t plen = sizeof(peer);
	uint16_t port;
	int lfd, fd;
	struct thread *t;
	void *res;

	REQUIRE(out && in);
	for (int i = 0; i < LEN; i++)
		out[i] = (char)(i * 7 + i / 251);
	lfd = listener(&port);
	REQUIRE(lfd >= 0);
	t = thread_create("echo", echo_one, (void *)(long)lfd, 0);
	REQUIRE(t);
	fd = connect_to(port);
	REQUIRE(fd >= 0);
	CHECK(getpeername(fd, (struct sockaddr *)&peer, &plen) == 0);
	CHECK(peer.sin_port == htons(port) && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	/* Send and receive from one thread: the echo must keep up while our
	 * send blocks, so interleave in chunks. */
	for (size_t off = 0; off < LEN; off += 30000) {
		CHECK(send_all(fd, out + off, 30000));
		CHECK(recv_all(fd, in + off, 30000) == 30000);
	}
	CHECK(memcmp(in, out, LEN) == 0);
	CHECK(shutdown(fd, SHUT_WR) == 0);
	CHECK(recv(fd, in, 1, 0) == 0); /* the echo side closed after our FIN */
	CHECK(thread_join(t, &res) == 0);
	CHECK_MSG(res == NULL, "echo thread result %ld", (long)res);
	close(fd);
	close(lfd);
	free(out);
	free(in);
}

/* ------------------------------------------------------------- UDP ---- */

static void test_udp(void)
{
	struct sockaddr_in a = loopback(0), b = loopback(0), from;
	socklen_t len = sizeof(a), flen = sizeof(from);
	int s1 = socket(AF_INET, SOCK_DGRAM, 0), s2 = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[64];

	REQUIRE(s1 >= 0 && s2 >= 0);
	CHECK(bind(s1, (struct sockaddr *)&a, sizeof(a)) == 0);
	CHECK(getsockname(s1, (struct sockaddr *)&a, &len) == 0 && a.sin_port != 0);
	CHECK(bind(s2, (struct sockaddr *)&b, sizeof(b)) == 0);
	len = sizeof(b);
	CHECK(getsockname(s2, (struct sockaddr *)&b, &len) == 0);
	CHECK(sendto(s2, "hello", 5, 0, (struct sockaddr *)&a, sizeof(a)) == 5);
	CHECK(recvfrom(s1, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen) == 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK(from.sin_port == b.sin_port && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	/* Truncation: MSG_TRUNC gives the datagram's real size. */
	CHECK(sendto(s2, "0123456789", 10, 0, (struct sockaddr *)&a, sizeof(a)) == 10);
	CHECK(recv(s1, buf, 4, MSG_PEEK) == 4);
	CHECK(recv(s1, buf, 4, MSG_TRUNC) == 10);
	CHECK(memcmp(buf, "0123", 4) == 0);
	/* A zero-length datagram is a datagram. */
	CHECK(sendto(s2, "", 0, 0, (struct sockaddr *)&a, sizeof(a)) == 0);
	CHECK(recv(s1, buf, sizeof(buf), 0) == 0);
	/* Connected: send and recv without addresses. */
	CHECK(connect(s1, (struct sockaddr *)&b, sizeof(b)) == 0);
	CHECK(send(s1, "back", 4, 0) == 4);
	CHECK(recv(s2, buf, sizeof(buf), 0) == 4 && memcmp(buf, "back", 4) == 0);
	CHECK(send(s2, "x", 1, 0) == -1 && errno == EDESTADDRREQ);
	CHECK(recv(s1, buf, sizeof(buf), MSG_DONTWAIT) == -1 && errno == EAGAIN);
	{
		static char big[65508];

		CHECK(sendto(s2, big, sizeof(big), 0, (struct sockaddr *)&a, sizeof(a)) == -1 &&
		      errno == EMSGSIZE);
	}
	close(s1);
	close(s2);
}

/* --------------------------------------------- connect, poll, errors ---- */

static void test_nonblocking_connect(void)
{
	uint16_t port;
	int lfd = listener(&port), fd, afd, err = -1;
	struct sockaddr_in a = loopback(0);
	socklen_t elen = sizeof(err);
	struct pollfd p[3];

	REQUIRE(lfd >= 0);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	REQUIRE(fd >= 0);
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	a.sin_port = htons(port);
	CHECK(connect(fd, (struct sockaddr *)&a, sizeof(a)) == -1 && errno == EINPROGRESS);
	/* Mixed descriptors: the console is writable at once, the socket
	 * once connected, the listener once the connection is queued. */
	p[0] = (struct pollfd){ fd, POLLOUT, 0 };
	p[1] = (struct pollfd){ lfd, POLLIN, 0 };
	p[2] = (struct pollfd){ 1, POLLOUT, 0 };
	CHECK(poll(p, 3, 2000) >= 1);
	CHECK(p[2].revents & POLLOUT);
	CHECK(poll(p, 2, 2000) == 2);
	CHECK(p[0].revents & POLLOUT);
	CHECK(p[1].revents & POLLIN);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 && err == 0);
	afd = accept(lfd, NULL, NULL);
	CHECK(afd >= 0);
	/* Non-blocking recv with nothing there, then with something. */
	{
		char c;

		CHECK(recv(fd, &c, 1, 0) == -1 && errno == EAGAIN);
		CHECK(send(afd, "z", 1, 0) == 1);
		p[0] = (struct pollfd){ fd, POLLIN, 0 };
		CHECK(poll(p, 1, 2000) == 1 && (p[0].revents & POLLIN));
		CHECK(recv(fd, &c, 1, 0) == 1 && c == 'z');
	}
	close(afd);
	close(fd);
	close(lfd);

	/* Nothing listens: refused, seen through poll and SO_ERROR. */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	REQUIRE(fd >= 0);
	CHECK(connect(fd, (struct sockaddr *)&a, sizeof(a)) == -1 && errno == EINPROGRESS);
	p[0] = (struct pollfd){ fd, POLLOUT, 0 };
	CHECK(poll(p, 1, 2000) == 1);
	CHECK(p[0].revents & (POLLERR | POLLHUP));
	err = 0;
	CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0);
	CHECK_MSG(err == ECONNREFUSED, "SO_ERROR %d", err);
	close(fd);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(fd, (struct sockaddr *)&a, sizeof(a)) == -1 && errno == ECONNREFUSED);
	close(fd);
}

static void test_timeouts(void)
{
	struct timeval tv = { 0, 50000 }, got;
	socklen_t glen = sizeof(got);
	uint16_t port;
	int lfd = listener(&port), fd, afd;
	uint64_t t0;
	char c;

	REQUIRE(lfd >= 0);
	CHECK(setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);
	CHECK(getsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &got, &glen) == 0 && got.tv_usec == 50000);
	t0 = hal_clock_monotonic();
	CHECK(accept(lfd, NULL, NULL) == -1 && errno == EAGAIN);
	CHECK(hal_clock_monotonic() - t0 >= 50 * MS);
	fd = connect_to(port);
	REQUIRE(fd >= 0);
	afd = accept(lfd, NULL, NULL);
	REQUIRE(afd >= 0);
	/* The accepted socket inherits the timeout. */
	t0 = hal_clock_monotonic();
	CHECK(recv(afd, &c, 1, 0) == -1 && errno == EAGAIN);
	CHECK(hal_clock_monotonic() - t0 >= 50 * MS);
	tv.tv_usec = 1000000; /* out of range */
	CHECK(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1 && errno == EDOM);
	close(afd);
	close(fd);
	close(lfd);
}

static void test_errors(void)
{
	uint16_t port;
	int lfd = listener(&port), fd, one = 1, v;
	struct sockaddr_in a = loopback(port);
	socklen_t len = sizeof(v);
	char c;

	REQUIRE(lfd >= 0);
	CHECK(socket(AF_INET, 99, 0) == -1 && errno == EINVAL);
	CHECK(socket(12345, SOCK_STREAM, 0) == -1 && errno == EAFNOSUPPORT);
	CHECK(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP) == -1 && errno == EPROTONOSUPPORT);
	CHECK(recv(12345, &c, 1, 0) == -1 && errno == EBADF);
	CHECK(recv(1, &c, 1, 0) == -1 && errno == ENOTSOCK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	REQUIRE(fd >= 0);
	CHECK(send(fd, "x", 1, 0) == -1 && errno == ENOTCONN);
	CHECK(getpeername(fd, (struct sockaddr *)&a, &len) == -1 && errno == ENOTCONN);
	CHECK(bind(fd, (struct sockaddr *)&a, sizeof(a)) == -1 && errno == EADDRINUSE);
	CHECK(bind(fd, (struct sockaddr *)&a, 3) == -1 && errno == EINVAL);
	CHECK(setsockopt(fd, SOL_SOCKET, 12345, &one, sizeof(one)) == -1 && errno == ENOPROTOOPT);
	CHECK(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0);
	len = sizeof(v);
	CHECK(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len) == 0 && v == 1);
	len = sizeof(v);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) == 0 && v == SOCK_STREAM);
	CHECK(setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) == 0);
	CHECK(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
	close(fd);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(listen(fd, 1) == -1 && errno == EOPNOTSUPP);
	close(fd);
	CHECK(accept(lfd + 100, NULL, NULL) == -1 && errno == EBADF);

	/* Shut down for writing: EPIPE on send, the peer sees the end. */
	fd = connect_to(port);
	REQUIRE(fd >= 0);
	{
		int afd = accept(lfd, NULL, NULL);

		REQUIRE(afd >= 0);
		CHECK(shutdown(fd, SHUT_WR) == 0);
		CHECK(send(fd, "x", 1, 0) == -1 && errno == EPIPE);
		CHECK(recv(afd, &c, 1, 0) == 0);
		CHECK(send(afd, "y", 1, 0) == 1); /* the other way still works */
		CHECK(recv(fd, &c, 1, 0) == 1 && c == 'y');
		/* A reset (SO_LINGER {1, 0}): the peer gets ECONNRESET. */
		{
			struct linger l = { 1, 0 };

			CHECK(setsockopt(afd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) == 0);
		}
		close(afd);
		CHECK(recv(fd, &c, 1, 0) == -1 && errno == ECONNRESET);
		CHECK(recv(fd, &c, 1, 0) == 0);
	}
	close(fd);
	close(lfd);
}

/* Open sockets until the descriptor table is full: EMFILE, then all work
 * again once they are closed. */
static void test_emfile(void)
{
	static int fds[CONFIG_MAX_FILES];
	int n = 0, fd;

	while (n < CONFIG_MAX_FILES && (fd = socket(AF_INET, SOCK_DGRAM, 0)) >= 0)
		fds[n++] = fd;
	CHECK_MSG(n < CONFIG_MAX_FILES && errno == EMFILE, "n %d errno %d", n, errno);
	CHECK(n >= CONFIG_MAX_FILES - 8);
	while (n)
		close(fds[--n]);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(fd >= 0);
	close(fd);
}

/* Many connections at once through one listener: all accepted, each
 * carrying its own byte to the right peer. */
static void test_many_connections(void)
{
	enum { N = 100 };
	static int cfd[N], afd[N];
	static uint16_t cport[N];
	uint16_t port;
	int lfd = listener(&port), ok = 0;

	REQUIRE(lfd >= 0);
	CHECK(listen(lfd, 200) == 0); /* a second listen: a larger backlog */
	for (int i = 0; i < N; i++) {
		struct sockaddr_in a = loopback(port);
		socklen_t len = sizeof(a);

		cfd[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (cfd[i] < 0)
			continue;
		connect(cfd[i], (struct sockaddr *)&a, sizeof(a));
		getsockname(cfd[i], (struct sockaddr *)&a, &len);
		cport[i] = ntohs(a.sin_port);
	}
	for (int i = 0; i < N; i++)
		afd[i] = accept(lfd, NULL, NULL);
	for (int i = 0; i < N; i++) {
		char b = (char)i;
		struct pollfd p = { cfd[i], POLLOUT, 0 };

		if (cfd[i] >= 0 && poll(&p, 1, 5000) == 1)
			send(cfd[i], &b, 1, 0);
	}
	for (int i = 0; i < N; i++) {
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		unsigned char c;

		if (afd[i] < 0 || recv(afd[i], &c, 1, 0) != 1 || c >= N)
			continue;
		if (getpeername(afd[i], (struct sockaddr *)&peer, &len) == 0 &&
		    ntohs(peer.sin_port) == cport[c])
			ok++;
	}
	CHECK_MSG(ok == N, "%d of %d connections carried their byte", ok, N);
	for (int i = 0; i < N; i++) {
		close(cfd[i]);
		close(afd[i]);
	}
	close(lfd);
}

/* A thread blocked in accept() or recv() while another closes the
 * descriptor: the call ends (EBADF), the socket is freed once, nothing
 * else breaks. */
static int blocked_fd;
static long blocked_rc, blocked_errno;

static void *block_in_accept(void *arg)
{
	blocked_rc = accept(blocked_fd, NULL, NULL);
	blocked_errno = errno;
	return NULL;
}

static void *block_in_recv(void *arg)
{
	char c;

	blocked_rc = recv(blocked_fd, &c, 1, 0);
	blocked_errno = errno;
	return NULL;
}

static void test_close_while_blocked(void)
{
	uint16_t port;
	int lfd, fd, afd;
	struct thread *t;
	struct net_stats before, after;

	net_get_stats(&before);
	lfd = listener(&port);
	REQUIRE(lfd >= 0);
	blocked_fd = lfd;
	t = thread_create("acceptor", block_in_accept, NULL, 0);
	REQUIRE(t);
	thread_sleep(5 * MS); /* it blocks in accept() */
	CHECK(close(lfd) == 0);
	thread_join(t, NULL);
	CHECK_MSG(blocked_rc == -1 && blocked_errno == EBADF, "accept: %ld errno %ld",
		  blocked_rc, blocked_errno);

	lfd = listener(&port);
	REQUIRE(lfd >= 0);
	fd = connect_to(port);
	afd = accept(lfd, NULL, NULL);
	REQUIRE(fd >= 0 && afd >= 0);
	blocked_fd = afd;
	t = thread_create("reader", block_in_recv, NULL, 0);
	REQUIRE(t);
	thread_sleep(5 * MS);
	CHECK(close(afd) == 0);
	thread_join(t, NULL);
	CHECK_MSG(blocked_rc == -1 && blocked_errno == EBADF, "recv: %ld errno %ld", blocked_rc,
		  blocked_errno);
	close(fd);
	close(lfd);
	net_get_stats(&after);
	CHECK_MSG(after.sockets == before.sockets, "%u sockets open, %u before", after.sockets,
		  before.sockets);
}

#ifdef CONFIG_NET_IPV6
static void test_ipv6(void)
{
	struct sockaddr_in6 a6, peer;
	socklen_t len = sizeof(a6);
	int l6 = socket(AF_INET6, SOCK_STREAM, 0), c4, c6, s;
	char text[INET6_ADDRSTRLEN];

	REQUIRE(l6 >= 0);
	memset(&a6, 0, sizeof(a6));
	a6.sin6_family = AF_INET6;
	a6.sin6_addr = in6addr_any;
	CHECK(bind(l6, (struct sockaddr *)&a6, sizeof(a6)) == 0);
	CHECK(listen(l6, 8) == 0);
	CHECK(getsockname(l6, (struct sockaddr *)&a6, &len) == 0 && a6.sin6_port);
	/* IPv6 over ::1 */
	c6 = socket(AF_INET6, SOCK_STREAM, 0);
	a6.sin6_addr = in6addr_loopback;
	CHECK(connect(c6, (struct sockaddr *)&a6, sizeof(a6)) == 0);
	len = sizeof(peer);
	s = accept(l6, (struct sockaddr *)&peer, &len);
	CHECK(s >= 0);
	CHECK(IN6_IS_ADDR_LOOPBACK(&peer.sin6_addr));
	CHECK(send(c6, "6", 1, 0) == 1);
	{
		char c = 0;

		CHECK(recv(s, &c, 1, 0) == 1 && c == '6');
	}
	close(s);
	close(c6);
	/* IPv4 to the dual-stack listener: a v4-mapped peer. */
	c4 = connect_to(ntohs(a6.sin6_port));
	CHECK(c4 >= 0);
	len = sizeof(peer);
	s = accept(l6, (struct sockaddr *)&peer, &len);
	CHECK(s >= 0);
	inet_ntop(AF_INET6, &peer.sin6_addr, text, sizeof(text));
	CHECK_MSG(!strcmp(text, "::ffff:127.0.0.1"), "peer %s", text);
	close(s);
	close(c4);
	close(l6);
}
#endif

static void test_addresses(void)
{
	struct addrinfo hints = { 0 }, *res;
	struct in6_addr a6;
	char buf[INET6_ADDRSTRLEN];
	struct net_iface lo;

	hints.ai_socktype = SOCK_STREAM;
	CHECK(getaddrinfo("127.0.0.1", "7", &hints, &res) == 0);
	if (res) {
		CHECK(res->ai_family == AF_INET && res->ai_next == NULL);
		CHECK(((struct sockaddr_in *)res->ai_addr)->sin_port == htons(7));
		freeaddrinfo(res);
	}
	CHECK(getaddrinfo("example.org", "80", &hints, &res) == EAI_NONAME);
	CHECK(inet_pton(AF_INET6, "2001:db8::1:0:0:1", &a6) == 1);
	CHECK(inet_ntop(AF_INET6, &a6, buf, sizeof(buf)) && !strcmp(buf, "2001:db8::1:0:0:1"));
	CHECK(net_iface_get(0, &lo) && !strcmp(lo.name, "lo"));
	CHECK(lo.addr == htonl(INADDR_LOOPBACK));
}

const struct ktest_case ktest_net[] = {
	{ "net_tcp_echo", test_tcp_echo },
	{ "net_udp", test_udp },
	{ "net_nonblocking_connect", test_nonblocking_connect },
	{ "net_timeouts", test_timeouts },
	{ "net_errors", test_errors },
	{ "net_emfile", test_emfile },
	{ "net_many_connections", test_many_connections },
	{ "net_close_while_blocked", test_close_while_blocked },
#ifdef CONFIG_NET_IPV6
	{ "net_ipv6", test_ipv6 },
#endif
	{ "net_addresses", test_addresses },
	{ NULL, NULL },
};
