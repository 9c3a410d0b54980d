// SPDX-License-Identifier: MIT
/* Sending and receiving: send/recv, sendto/recvfrom, sendmsg/recvmsg. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include "net_internal.h"

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
	       socklen_t tolen)
{
	struct net_sock *s = sock_get(fd);
	ssize_t n;

	if (!s)
		return -1;
	if (flags & MSG_OOB)
		return sock_fail(EOPNOTSUPP);
	net_lock();
	sock_enter(s);
	if (s->type == SOCK_STREAM) {
		n = tcp_sock_send(s, buf, len, flags);
	} else if (to) {
		ip_addr_t ip;
		u16_t port;

		n = sock_to_ip(s, to, tolen, &ip, &port);
		if (!n)
			n = udp_sock_send(s, buf, len, flags, &ip, port);
	} else {
		n = udp_sock_send(s, buf, len, flags, NULL, 0);
	}
	sock_leave(s);
	net_unlock();
	return n < 0 ? sock_fail((int)-n) : n;
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	return sendto(fd, buf, len, flags, NULL, 0);
}

ssize_t recvfrom(int fd, void *restrict buf, size_t len, int flags,
		 struct sockaddr *restrict from, socklen_t *restrict fromlen)
{
	struct net_sock *s = sock_get(fd);
	ssize_t n;

	if (!s)
		return -1;
	if (flags & MSG_OOB)
		return sock_fail(EOPNOTSUPP);
	net_lock();
	sock_enter(s);
	if (s->type == SOCK_STREAM) {
		n = tcp_sock_recv(s, buf, len, flags);
		if (n >= 0 && from && fromlen && s->pcb.tcp)
			sock_from_ip(s, &s->pcb.tcp->remote_ip, s->pcb.tcp->remote_port, from,
				     fromlen);
	} else {
		ip_addr_t ip;
		u16_t port;

		n = udp_sock_recv(s, buf, len, flags, &ip, &port);
		if (n >= 0 && from && fromlen)
			sock_from_ip(s, &ip, port, from, fromlen);
	}
	sock_leave(s);
	net_unlock();
	return n < 0 ? sock_fail((int)-n) : n;
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	return recvfrom(fd, buf, len, flags, NULL, NULL);
}

/* Gather iovecs into one send: TCP pushes them as one stream write. */
ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	struct net_sock *s = sock_get(fd);
	size_t total = 0;
	ssize_t n = 0;

	if (!s)
		return -1;
	if (!msg || (msg->msg_iovlen && !msg->msg_iov))
		return sock_fail(EFAULT);
	if (msg->msg_iovlen > IOV_MAX)
		return sock_fail(EMSGSIZE);
	for (size_t i = 0; i < msg->msg_iovlen; i++)
		total += msg->msg_iov[i].iov_len;
	if (s->type == SOCK_DGRAM || msg->msg_iovlen != 1) {
		/* A datagram is one unit: gather it first.  A stream with
		 * several buffers sends each with MSG_MORE but the last. */
		if (s->type == SOCK_DGRAM) {
			char *tmp = malloc(total ? total : 1), *p = tmp;

			if (!tmp)
				return sock_fail(ENOMEM);
			for (size_t i = 0; i < msg->msg_iovlen; i++) {
				memcpy(p, msg->msg_iov[i].iov_base, msg->msg_iov[i].iov_len);
				p += msg->msg_iov[i].iov_len;
			}
			n = sendto(fd, tmp, total, flags, msg->msg_name, msg->msg_namelen);
			free(tmp);
			return n;
		}
		for (size_t i = 0; i < msg->msg_iovlen; i++) {
			const struct iovec *v = &msg->msg_iov[i];
			int more = i + 1 < msg->msg_iovlen ? MSG_MORE : 0;
			ssize_t k;

			if (!v->iov_len)
				continue;
			k = send(fd, v->iov_base, v->iov_len, flags | more);
			if (k < 0)
				return n ? n : -1;
			n += k;
			if ((size_t)k < v->iov_len)
				break;
		}
		return n;
	}
	return sendto(fd, msg->msg_iov[0].iov_base, msg->msg_iov[0].iov_len, flags,
		      msg->msg_name, msg->msg_namelen);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct net_sock *s = sock_get(fd);
	size_t total = 0;
	ssize_t n;

	if (!s)
		return -1;
	if (!msg || (msg->msg_iovlen && !msg->msg_iov))
		return sock_fail(EFAULT);
	for (size_t i = 0; i < msg->msg_iovlen; i++)
		total += msg->msg_iov[i].iov_len;
	msg->msg_controllen = 0;
	msg->msg_flags = 0;
	if (msg->msg_iovlen == 1) {
		n = recvfrom(fd, msg->msg_iov[0].iov_base, total, flags, msg->msg_name,
			     msg->msg_name ? &msg->msg_namelen : NULL);
	} else {
		char *tmp = malloc(total ? total : 1);
		size_t off = 0;

		if (!tmp)
			return sock_fail(ENOMEM);
		n = recvfrom(fd, tmp, total, flags, msg->msg_name,
			     msg->msg_name ? &msg->msg_namelen : NULL);
		for (size_t i = 0; n > 0 && i < msg->msg_iovlen && off < (size_t)n; i++) {
			size_t c = msg->msg_iov[i].iov_len;

			if (c > (size_t)n - off)
				c = (size_t)n - off;
			memcpy(msg->msg_iov[i].iov_base, tmp + off, c);
			off += c;
		}
		free(tmp);
	}
	if (n > (ssize_t)total && s->type == SOCK_DGRAM)
		msg->msg_flags |= MSG_TRUNC;
	return n;
}

