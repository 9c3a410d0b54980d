// SPDX-License-Identifier: MIT
/*
 * serve.c - the listening socket and the thread-per-connection accept loop
 * that echo, httpd and kvd share (hako/net.h), on the BSD sockets.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <hako/net.h>
#include <hako/thread.h>

static int bound(int family, int type, int port, int backlog)
{
	struct sockaddr_in6 a6;
	struct sockaddr_in a4;
	struct sockaddr *a = family == AF_INET6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4;
	socklen_t alen = family == AF_INET6 ? sizeof(a6) : sizeof(a4);
	int one = 1, fd = socket(family, type, 0);

	if (fd < 0)
		return -1;
	memset(&a6, 0, sizeof(a6));
	memset(&a4, 0, sizeof(a4));
	a6.sin6_family = AF_INET6;
	a6.sin6_port = htons((uint16_t)port);
	a4.sin_family = AF_INET;
	a4.sin_port = htons((uint16_t)port);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (!bind(fd, a, alen) && (type != SOCK_STREAM || !listen(fd, backlog)))
		return fd;
	close(fd);
	return -1;
}

int net_listen(int type, int port, int backlog)
{
	int fd = bound(AF_INET6, type, port, backlog);

	return fd >= 0 ? fd : bound(AF_INET, type, port, backlog);
}

static void refuse(const struct net_server *srv, int fd)
{
	if (srv->refuse)
		srv->refuse(fd);
	else
		close(fd); /* the peer sees the close */
}

void net_serve(int lfd, const struct net_server *srv)
{
	int one = 1;

	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		struct thread *t;

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOMEM)
				thread_sleep(10 * 1000000ULL); /* let connections end */
			continue;
		}
		if (srv->full && srv->full()) {
			refuse(srv, fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		t = thread_create(srv->name, srv->conn, (void *)(long)fd, 0);
		if (!t) {
			refuse(srv, fd);
			continue;
		}
		thread_detach(t);
		if (srv->started)
			srv->started();
	}
}
