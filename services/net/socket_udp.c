// SPDX-License-Identifier: MIT
/*
 * UDP sockets on lwIP's raw API, core lock held.  Received datagrams wait
 * in a ring of CONFIG_NET_UDP_QUEUE entries (pbuf and sender); when it is
 * full, new ones are dropped and counted, as a full socket buffer drops
 * them on Linux.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"

#define UDP_MAX_PAYLOAD 65507 /* 65535 - IPv4 header - UDP header */

static bool is_broadcast(const ip_addr_t *to)
{
	if (!IP_IS_V4(to))
		return false;
	if (ip4_addr_get_u32(ip_2_ip4(to)) == IPADDR_BROADCAST)
		return true;
	return netif_default && ip4_addr_isbroadcast(ip_2_ip4(to), netif_default);
}

static void on_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
		    u16_t port)
{
	struct net_sock *s = arg;
	struct net_dgram *d;

	if (!s || s->dq_count == CONFIG_NET_UDP_QUEUE) {
		net_counters.udp_queue_drops++;
		pbuf_free(p);
		return;
	}
	d = &s->dq[(s->dq_head + s->dq_count) % CONFIG_NET_UDP_QUEUE];
	d->p = p;
	ip_addr_copy(d->from, *addr);
	d->port = port;
	s->dq_count++;
	waitq_wake_all(&s->rx_wait);
	file_notify();
}

int udp_sock_open(struct net_sock *s)
{
	struct udp_pcb *pcb;

	s->dq = calloc(CONFIG_NET_UDP_QUEUE, sizeof(*s->dq));
	if (!s->dq)
		return -ENOMEM;
	pcb = udp_new_ip_type(sock_ip_type(s));
	if (!pcb)
		return -ENOMEM;
	s->pcb.udp = pcb;
	udp_recv(pcb, on_recv, s);
	return 0;
}

int udp_sock_bind(struct net_sock *s, const ip_addr_t *ip, u16_t port)
{
	err_t err;

	if (!s->pcb.udp || (s->flags & S_BOUND))
		return -EINVAL;
	if (s->flags & S_REUSEADDR)
		ip_set_option(s->pcb.udp, SOF_REUSEADDR);
	err = udp_bind(s->pcb.udp, ip, port);
	if (err == ERR_VAL)
		return -EADDRNOTAVAIL;
	if (err != ERR_OK)
		return -net_err_to_errno(err);
	s->flags |= S_BOUND;
	return 0;
}

int udp_sock_connect(struct net_sock *s, const ip_addr_t *ip, u16_t port)
{
	err_t err;

	if (!s->pcb.udp)
		return -EBADF;
	if (!ip) { /* AF_UNSPEC: dissolve the association */
		udp_disconnect(s->pcb.udp);
		s->flags &= ~S_CONNECTED;
		return 0;
	}
	err = udp_connect(s->pcb.udp, ip, port);
	if (err != ERR_OK)
		return -net_err_to_errno(err);
	s->flags |= S_CONNECTED | S_BOUND;
	return 0;
}

ssize_t udp_sock_send(struct net_sock *s, const void *buf, size_t len, int flags,
		      const ip_addr_t *to, u16_t port)
{
	struct pbuf *p;
	err_t err;

	if (flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL | MSG_DONTROUTE | MSG_EOR | MSG_MORE))
		return -EOPNOTSUPP;
	if (!s->pcb.udp)
		return -EBADF;
	if (!to && !(s->flags & S_CONNECTED))
		return -EDESTADDRREQ;
	if (len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (to && is_broadcast(to) && !(s->flags & S_BROADCAST))
		return -EACCES;
	p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
	if (!p)
		return -ENOBUFS;
	if (len)
		pbuf_take(p, buf, (u16_t)len);
	err = to ? udp_sendto(s->pcb.udp, p, to, port) : udp_send(s->pcb.udp, p);
	pbuf_free(p);
	if (err == ERR_RTE)
		return -ENETUNREACH;
	if (err == ERR_MEM)
		return -ENOBUFS;
	if (err != ERR_OK)
		return -net_err_to_errno(err);
	s->flags |= S_BOUND; /* udp_sendto bound it to a port if it was not */
	return (ssize_t)len;
}

ssize_t udp_sock_recv(struct net_sock *s, void *buf, size_t len, int flags, ip_addr_t *from,
		      u16_t *port)
{
	uint64_t deadline = sock_deadline(s->rcvtimeo);
	struct net_dgram *d;
	size_t n, size;

	if (flags & ~(MSG_DONTWAIT | MSG_PEEK | MSG_TRUNC | MSG_WAITALL | MSG_NOSIGNAL))
		return -EOPNOTSUPP;
	while (!s->dq_count) {
		if (s->closed || !s->pcb.udp)
			return -EBADF;
		if (sock_nonblocking(s, flags))
			return -EAGAIN;
		if (!sock_wait(&s->rx_wait, deadline))
			return -EAGAIN;
	}
	d = &s->dq[s->dq_head];
	size = d->p->tot_len;
	n = size < len ? size : len;
	if (n)
		pbuf_copy_partial(d->p, buf, (u16_t)n, 0);
	ip_addr_copy(*from, d->from);
	*port = d->port;
	if (!(flags & MSG_PEEK)) {
		pbuf_free(d->p);
		d->p = NULL;
		s->dq_head = (s->dq_head + 1) % CONFIG_NET_UDP_QUEUE;
		s->dq_count--;
	}
	return (ssize_t)((flags & MSG_TRUNC) ? size : n);
}

void udp_sock_close(struct net_sock *s)
{
	if (s->pcb.udp) {
		udp_remove(s->pcb.udp);
		s->pcb.udp = NULL;
	}
	while (s->dq_count) {
		pbuf_free(s->dq[s->dq_head].p);
		s->dq_head = (s->dq_head + 1) % CONFIG_NET_UDP_QUEUE;
		s->dq_count--;
	}
}

short udp_sock_poll(struct net_sock *s)
{
	short r = POLLOUT | POLLWRNORM;

	if (s->dq_count)
		r |= POLLIN | POLLRDNORM;
	if (!s->pcb.udp)
		r |= POLLHUP;
	return r;
}
