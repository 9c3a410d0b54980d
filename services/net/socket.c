// SPDX-License-Identifier: MIT
/*
 * BSD sockets as files of the kernel's descriptor table: the calls of
 * <sys/socket.h>, address conversion, and the parts TCP and UDP share
 * (socket_tcp.c and socket_udp.c do the protocol work).
 *
 * Every call takes the core lock around its lwIP work and releases it
 * before it waits; lwIP's callbacks (run by the receive threads and the
 * tcpip thread, lock held) queue data and wake the socket's two wait
 * queues and poll() (file_notify).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <netinet/in.h>

#include <hal.h>
#include <hako/printk.h>

#include "lwip/ip.h"

#include "net_internal.h"

static struct list_node all_socks = LIST_HEAD_INIT(all_socks);
unsigned int net_nr_socks;

static ssize_t sock_read(struct file *f, void *buf, size_t len);
static ssize_t sock_write(struct file *f, const void *buf, size_t len);
static int sock_fstat(struct file *f, struct stat *st);
static short sock_poll(struct file *f, short events);
static int sock_release(struct file *f);

const struct file_ops net_sock_ops = {
	.read = sock_read,
	.write = sock_write,
	.fstat = sock_fstat,
	.poll = sock_poll,
	.release = sock_release,
};

/* ---------------------------------------------------------------- helpers --- */

uint64_t sock_deadline(uint64_t timeout_ns)
{
	return timeout_ns ? hal_clock_monotonic() + timeout_ns : WAITQ_FOREVER;
}

bool sock_wait(struct waitq *q, uint64_t deadline)
{
	bool woken;

	/* Cooperative: nothing runs between the unlock and the wait, so a
	 * wake-up from lwIP cannot slip in between. */
	net_unlock();
	woken = waitq_wait(q, deadline);
	net_lock();
	return woken || hal_clock_monotonic() < deadline;
}

void sock_wake(struct net_sock *s)
{
	waitq_wake_all(&s->rx_wait);
	waitq_wake_all(&s->tx_wait);
	file_notify();
}

u8_t sock_ip_type(const struct net_sock *s)
{
#if LWIP_IPV6
	if (s->family == AF_INET6)
		return (s->flags & S_V6ONLY) ? IPADDR_TYPE_V6 : IPADDR_TYPE_ANY;
#endif
	return IPADDR_TYPE_V4;
}

struct net_sock *sock_alloc(int family, int type)
{
	struct net_sock *s;

	if (net_nr_socks >= CONFIG_NET_MAX_SOCKETS) {
		errno = ENFILE;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		errno = ENOMEM;
		return NULL;
	}
	s->file.ops = &net_sock_ops;
	s->file.flags = O_RDWR;
	s->file.priv = s;
	s->family = family;
	s->type = type;
	waitq_init(&s->rx_wait);
	waitq_init(&s->tx_wait);
	list_push_back(&all_socks, &s->all);
	net_nr_socks++;
	return s;
}

void sock_leave(struct net_sock *s)
{
	if (--s->busy == 0 && s->closed)
		sock_free(s);
}

void sock_free(struct net_sock *s)
{
	list_remove(&s->all);
	net_nr_socks--;
	free(s->dq);
	free(s);
}

struct net_sock *sock_get(int fd)
{
	struct file *f = file_get(fd);

	if (!f) {
		errno = EBADF;
		return NULL;
	}
	if (f->ops != &net_sock_ops) {
		errno = ENOTSOCK;
		return NULL;
	}
	return f->priv;
}

int sock_fail(int err)
{
	errno = err;
	return -1;
}

/* ------------------------------------------------------------- the calls --- */

int socket(int domain, int type, int protocol)
{
	int kind = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct net_sock *s;
	int rc, fd;

	if (domain != AF_INET && !(LWIP_IPV6 && domain == AF_INET6))
		return sock_fail(EAFNOSUPPORT);
	if (kind == SOCK_STREAM) {
		if (protocol && protocol != IPPROTO_TCP)
			return sock_fail(EPROTONOSUPPORT);
	} else if (kind == SOCK_DGRAM) {
		if (protocol && protocol != IPPROTO_UDP)
			return sock_fail(EPROTONOSUPPORT);
	} else {
		return sock_fail(kind == SOCK_RAW ? EPROTONOSUPPORT : EINVAL);
	}
	net_lock();
	s = sock_alloc(domain, kind);
	if (!s) {
		net_unlock();
		return -1;
	}
	if (type & SOCK_NONBLOCK)
		s->file.flags |= O_NONBLOCK;
	rc = kind == SOCK_STREAM ? tcp_sock_open(s) : udp_sock_open(s);
	if (rc < 0) {
		sock_free(s);
		net_unlock();
		return sock_fail(-rc);
	}
	fd = file_install(&s->file);
	if (fd < 0) {
		if (kind == SOCK_STREAM)
			tcp_sock_close(s);
		else
			udp_sock_close(s);
		sock_free(s);
		net_unlock();
		return sock_fail(-fd);
	}
	net_unlock();
	return fd;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct net_sock *s = sock_get(fd);
	ip_addr_t ip;
	u16_t port;
	int rc;

	if (!s)
		return -1;
	net_lock();
	rc = sock_to_ip(s, addr, len, &ip, &port);
	if (!rc) {
#if LWIP_IPV6
		/* :: on a dual-stack socket: every address of both families */
		if (IP_IS_V6(&ip) && ip_addr_isany(&ip) && !(s->flags & S_V6ONLY))
			ip = *IP_ANY_TYPE;
#endif
		rc = s->type == SOCK_STREAM ? tcp_sock_bind(s, &ip, port)
					     : udp_sock_bind(s, &ip, port);
	}
	net_unlock();
	return rc < 0 ? sock_fail(-rc) : 0;
}

int listen(int fd, int backlog)
{
	struct net_sock *s = sock_get(fd);
	int rc;

	if (!s)
		return -1;
	if (s->type != SOCK_STREAM)
		return sock_fail(EOPNOTSUPP);
	net_lock();
	rc = tcp_sock_listen(s, backlog);
	net_unlock();
	return rc < 0 ? sock_fail(-rc) : 0;
}

int accept4(int fd, struct sockaddr *restrict addr, socklen_t *restrict len, int flags)
{
	struct net_sock *s = sock_get(fd), *c;
	int rc;

	if (!s)
		return -1;
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return sock_fail(EINVAL);
	if (s->type != SOCK_STREAM)
		return sock_fail(EOPNOTSUPP);
	net_lock();
	sock_enter(s);
	rc = tcp_sock_accept(s, &c);
	if (rc >= 0) {
		if (flags & SOCK_NONBLOCK)
			c->file.flags |= O_NONBLOCK;
		if (addr && len && c->pcb.tcp)
			sock_from_ip(c, &c->pcb.tcp->remote_ip, c->pcb.tcp->remote_port, addr, len);
		else if (addr && len)
			sock_from_ip(c, NULL, 0, addr, len);
	}
	sock_leave(s);
	net_unlock();
	return rc < 0 ? sock_fail(-rc) : rc;
}

int accept(int fd, struct sockaddr *restrict addr, socklen_t *restrict len)
{
	return accept4(fd, addr, len, 0);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct net_sock *s = sock_get(fd);
	ip_addr_t ip;
	u16_t port;
	int rc;

	if (!s)
		return -1;
	net_lock();
	sock_enter(s);
	if (s->type == SOCK_DGRAM && addr && len >= sizeof(sa_family_t) &&
	    addr->sa_family == AF_UNSPEC) {
		rc = udp_sock_connect(s, NULL, 0);
	} else {
		rc = sock_to_ip(s, addr, len, &ip, &port);
		if (!rc)
			rc = s->type == SOCK_STREAM ? tcp_sock_connect(s, &ip, port)
						     : udp_sock_connect(s, &ip, port);
	}
	sock_leave(s);
	net_unlock();
	return rc < 0 ? sock_fail(-rc) : 0;
}

int shutdown(int fd, int how)
{
	struct net_sock *s = sock_get(fd);
	int rc;

	if (!s)
		return -1;
	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return sock_fail(EINVAL);
	if (s->type != SOCK_STREAM)
		return sock_fail(ENOTCONN);
	net_lock();
	rc = tcp_sock_shutdown(s, how);
	net_unlock();
	return rc < 0 ? sock_fail(-rc) : 0;
}

static int name_of(int fd, struct sockaddr *addr, socklen_t *len, bool peer)
{
	struct net_sock *s = sock_get(fd);
	const ip_addr_t *ip = NULL;
	u16_t port = 0;

	if (!s)
		return -1;
	if (!addr || !len)
		return sock_fail(EFAULT);
	net_lock();
	if (s->type == SOCK_STREAM && s->pcb.tcp) {
		if (peer && !(s->flags & S_CONNECTED)) {
			net_unlock();
			return sock_fail(ENOTCONN);
		}
		ip = peer ? &s->pcb.tcp->remote_ip : &s->pcb.tcp->local_ip;
		port = peer ? s->pcb.tcp->remote_port : s->pcb.tcp->local_port;
	} else if (s->type == SOCK_DGRAM && s->pcb.udp) {
		if (peer && !(s->flags & S_CONNECTED)) {
			net_unlock();
			return sock_fail(ENOTCONN);
		}
		ip = peer ? &s->pcb.udp->remote_ip : &s->pcb.udp->local_ip;
		port = peer ? s->pcb.udp->remote_port : s->pcb.udp->local_port;
	} else if (peer) {
		net_unlock();
		return sock_fail(ENOTCONN);
	}
	sock_from_ip(s, ip, port, addr, len);
	net_unlock();
	return 0;
}

int getsockname(int fd, struct sockaddr *restrict addr, socklen_t *restrict len)
{
	return name_of(fd, addr, len, false);
}

int getpeername(int fd, struct sockaddr *restrict addr, socklen_t *restrict len)
{
	return name_of(fd, addr, len, true);
}

/* ------------------------------------------------------------ file ops --- */

static ssize_t sock_read(struct file *f, void *buf, size_t len)
{
	struct net_sock *s = f->priv;
	ip_addr_t ip;
	u16_t port;
	ssize_t n;

	net_lock();
	sock_enter(s);
	n = s->type == SOCK_STREAM ? tcp_sock_recv(s, buf, len, 0)
				   : udp_sock_recv(s, buf, len, 0, &ip, &port);
	sock_leave(s);
	net_unlock();
	return n;
}

static ssize_t sock_write(struct file *f, const void *buf, size_t len)
{
	struct net_sock *s = f->priv;
	ssize_t n;

	net_lock();
	sock_enter(s);
	n = s->type == SOCK_STREAM ? tcp_sock_send(s, buf, len, 0)
				   : udp_sock_send(s, buf, len, 0, NULL, 0);
	sock_leave(s);
	net_unlock();
	return n;
}

static int sock_fstat(struct file *f, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFSOCK | 0777;
	st->st_blksize = TCP_MSS;
	return 0;
}

/* Reads the socket's state without the lock: in the cooperative scheduler
 * nothing changes it while poll() scans. */
static short sock_poll(struct file *f, short events)
{
	struct net_sock *s = f->priv;
	short r = s->type == SOCK_STREAM ? tcp_sock_poll(s) : udp_sock_poll(s);

	return r & (events | POLLERR | POLLHUP);
}

static int sock_release(struct file *f)
{
	struct net_sock *s = f->priv;

	net_lock();
	if (s->type == SOCK_STREAM)
		tcp_sock_close(s);
	else
		udp_sock_close(s);
	/* A call blocked on it (another thread's) wakes, sees it closed and
	 * returns EBADF; the last one frees it. */
	s->closed = true;
	sock_wake(s);
	if (!s->busy)
		sock_free(s);
	net_unlock();
	return 0;
}

/* At exit: the connections still open are reset (or closed when nothing is
 * in flight), so that peers learn at once instead of timing out. */
void tcp_abort_all(void)
{
	struct list_node *n, *next;

	for (n = all_socks.next; n != &all_socks; n = next) {
		struct net_sock *s = list_entry(n, struct net_sock, all);

		next = n->next;
		if (s->type == SOCK_STREAM)
			tcp_sock_close(s);
		else
			udp_sock_close(s);
	}
}
