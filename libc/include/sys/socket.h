/* SPDX-License-Identifier: MIT */
/*
 * sys/socket.h - BSD sockets (CONFIG_NET; a link error without it).
 *
 * Linux's constants and structure layouts.  Sockets are descriptors of the
 * one table: read, write, close, poll and fcntl(O_NONBLOCK) work on them.
 * Families AF_INET and AF_INET6 (CONFIG_NET_IPV6; an AF_INET6 socket bound
 * to :: takes IPv4 too, as ::ffff:a.b.c.d, unless IPV6_V6ONLY), types
 * SOCK_STREAM (TCP) and SOCK_DGRAM (UDP).  Calls block the calling thread
 * only, never the image, and honour SO_RCVTIMEO/SO_SNDTIMEO (EAGAIN when
 * they expire).  Errors are -1 with errno, as POSIX says:
 *   socket: EAFNOSUPPORT, EPROTONOSUPPORT, EINVAL (bad type flags),
 *       EMFILE (descriptor table full), ENFILE (CONFIG_NET_MAX_SOCKETS),
 *       ENOMEM;
 *   bind: EADDRINUSE, EADDRNOTAVAIL, EINVAL (already bound, bad length),
 *       EAFNOSUPPORT (family differs from the socket's);
 *   listen: EOPNOTSUPP (UDP), EINVAL; accept: EINVAL (not listening),
 *       EAGAIN, EMFILE (the connection stays queued);
 *   connect: ECONNREFUSED, ETIMEDOUT, ENETUNREACH, EINPROGRESS (non-
 *       blocking; poll for POLLOUT, then SO_ERROR), EALREADY, EISCONN;
 *   send: EPIPE (after shutdown or close by the peer), ECONNRESET,
 *       ENOTCONN, EAGAIN, EMSGSIZE (UDP over 65507 bytes), EDESTADDRREQ;
 *   recv: returns 0 at end of stream; ECONNRESET, ENOTCONN, EAGAIN;
 *   everything: EBADF, ENOTSOCK.
 * There are no signals: a send that would raise SIGPIPE fails with EPIPE.
 */
#ifndef _SYS_SOCKET_H
#define _SYS_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

typedef unsigned int socklen_t;
typedef unsigned short sa_family_t;

struct sockaddr {
	sa_family_t sa_family;
	char sa_data[14];
};

struct sockaddr_storage {
	sa_family_t ss_family;
	char __ss_padding[118];
	unsigned long __ss_align;
};

struct msghdr {
	void *msg_name;
	socklen_t msg_namelen;
	struct iovec *msg_iov;
	size_t msg_iovlen;
	void *msg_control;
	size_t msg_controllen;
	int msg_flags;
};

struct linger {
	int l_onoff;
	int l_linger;
};

#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define PF_UNSPEC AF_UNSPEC
#define PF_INET AF_INET
#define PF_INET6 AF_INET6

#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_NONBLOCK 04000
#define SOCK_CLOEXEC 02000000

#define SOL_SOCKET 1
#define SO_DEBUG 1
#define SO_REUSEADDR 2
#define SO_TYPE 3
#define SO_ERROR 4
#define SO_DONTROUTE 5
#define SO_BROADCAST 6
#define SO_SNDBUF 7
#define SO_RCVBUF 8
#define SO_KEEPALIVE 9
#define SO_OOBINLINE 10
#define SO_LINGER 13
#define SO_REUSEPORT 15
#define SO_RCVLOWAT 18
#define SO_SNDLOWAT 19
#define SO_RCVTIMEO 20
#define SO_SNDTIMEO 21
#define SO_ACCEPTCONN 30
#define SO_PROTOCOL 38
#define SO_DOMAIN 39

#define SOMAXCONN 128 /* listen() takes up to 255 */

#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000
#define MSG_MORE 0x8000

#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2

int socket(int domain, int type, int protocol);
int bind(int fd, const struct sockaddr *addr, socklen_t len);
int listen(int fd, int backlog);
int accept(int fd, struct sockaddr *restrict addr, socklen_t *restrict len);
/* accept4 - flags SOCK_NONBLOCK and SOCK_CLOEXEC (accepted, no exec). */
int accept4(int fd, struct sockaddr *restrict addr, socklen_t *restrict len, int flags);
int connect(int fd, const struct sockaddr *addr, socklen_t len);
ssize_t send(int fd, const void *buf, size_t len, int flags);
ssize_t recv(int fd, void *buf, size_t len, int flags);
ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
	       socklen_t tolen);
ssize_t recvfrom(int fd, void *restrict buf, size_t len, int flags,
		 struct sockaddr *restrict from, socklen_t *restrict fromlen);
/* sendmsg/recvmsg: no ancillary data (msg_control is ignored, and
 * msg_controllen set to 0 by recvmsg). */
ssize_t sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t recvmsg(int fd, struct msghdr *msg, int flags);
int shutdown(int fd, int how);
int getsockname(int fd, struct sockaddr *restrict addr, socklen_t *restrict len);
int getpeername(int fd, struct sockaddr *restrict addr, socklen_t *restrict len);
/* Options: SOL_SOCKET SO_REUSEADDR SO_KEEPALIVE SO_RCVTIMEO SO_SNDTIMEO
 * SO_ERROR SO_TYPE SO_DOMAIN SO_PROTOCOL SO_ACCEPTCONN SO_LINGER
 * SO_BROADCAST SO_RCVBUF SO_SNDBUF (read: the window and send buffer;
 * written: accepted, not changed); IPPROTO_TCP TCP_NODELAY TCP_KEEPIDLE
 * TCP_KEEPINTVL TCP_KEEPCNT TCP_MAXSEG (read); IPPROTO_IP IP_TTL IP_TOS;
 * IPPROTO_IPV6 IPV6_V6ONLY.  Others: ENOPROTOOPT. */
int setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int getsockopt(int fd, int level, int name, void *restrict val, socklen_t *restrict len);

#endif
