// SPDX-License-Identifier: MIT
/*
 * TCP sockets on lwIP's raw API.  Every function here runs with the core
 * lock held (socket.c takes it); the callbacks run from lwIP with it held.
 *
 * Connections: opening, binding, listening, connecting, shutting down,
 * closing, readiness.  The data path (the receive queue, send and recv) is
 * tcp_data.c.
 *
 * Accepting: a connection is given a socket as soon as it is established,
 * so that data arriving before accept() has somewhere to go, and waits in
 * the listener's queue.  lwIP's listen backlog counts it until accept()
 * takes it (tcp_backlog_delayed/accepted): past the backlog, new SYNs are
 * ignored and clients retry, as on Linux.  Past CONFIG_NET_MAX_SOCKETS a
 * connection is reset instead: refused, not queued without bound.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>

#include <netinet/in.h>

#include <hako/printk.h>

#include "lwip/priv/tcp_priv.h"

#include "net_internal.h"

/* ------------------------------------------------------------ callbacks --- */

/* The pcb is gone (freed by lwIP before this is called). */
static void on_err(void *arg, err_t err)
{
	struct net_sock *s = arg;

	if (!s)
		return;
	s->pcb.tcp = NULL;
	if (err == ERR_CLSD) {
		s->flags |= S_RX_EOF; /* both sides closed: not an error */
	} else if (s->flags & S_CONNECTING) {
		s->so_error = err == ERR_RST ? ECONNREFUSED
			    : err == ERR_ABRT ? ETIMEDOUT : net_err_to_errno(err);
	} else {
		/* ERR_ABRT here is lwIP giving up: retransmissions or
		 * keepalives unanswered. */
		s->so_error = err == ERR_ABRT ? ETIMEDOUT : net_err_to_errno(err);
	}
	s->flags &= ~S_CONNECTING;
	sock_wake(s);
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct net_sock *s = arg;

	s->flags = (s->flags & ~S_CONNECTING) | S_CONNECTED;
	sock_wake(s);
	return ERR_OK;
}

static void attach(struct net_sock *s, struct tcp_pcb *pcb)
{
	s->pcb.tcp = pcb;
	tcp_arg(pcb, s);
	tcp_recv(pcb, tcp_on_recv);
	tcp_sent(pcb, tcp_on_sent);
	tcp_err(pcb, on_err);
}

static err_t on_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
	struct net_sock *l = arg, *s;

	if (err != ERR_OK || !newpcb || !l)
		return ERR_VAL;
	s = net_nr_socks < CONFIG_NET_MAX_SOCKETS ? sock_alloc(l->family, SOCK_STREAM) : NULL;
	if (!s) {
		/* Refused: lwIP resets the connection when we return an error. */
		net_counters.conn_refused++;
		return ERR_MEM;
	}
	s->flags = S_CONNECTED | S_QUEUED | (l->flags & (S_NODELAY | S_KEEPALIVE | S_V6ONLY));
	s->rcvtimeo = l->rcvtimeo;
	s->sndtimeo = l->sndtimeo;
	s->keepidle = l->keepidle;
	s->keepintvl = l->keepintvl;
	s->keepcnt = l->keepcnt;
	attach(s, newpcb);
	if (s->flags & S_NODELAY)
		tcp_nagle_disable(newpcb);
	tcp_sock_apply_keepalive(s);
	tcp_backlog_delayed(newpcb);
	if (l->aq_tail)
		l->aq_tail->aq_next = s;
	else
		l->aq_head = s;
	l->aq_tail = s;
	l->aq_len++;
	waitq_wake_all(&l->rx_wait);
	file_notify();
	return ERR_OK;
}

/* lwipopts.h's LWIP_HOOK_TCP_INPACKET_PCB (net_hooks.h says why). */
err_t net_tcp_inpacket(struct tcp_pcb *pcb, const struct tcp_hdr *hdr, const struct pbuf *p)
{
	if (pcb->state == LISTEN || pcb->state == TIME_WAIT || p->tot_len != 0 ||
	    TCPH_FLAGS(hdr) != TCP_ACK || pcb->rcv_wnd != 0)
		return ERR_OK;
	/* lwIP has turned the header to host byte order by now. */
	if (hdr->seqno != pcb->rcv_nxt || hdr->ackno != pcb->lastack ||
	    (tcpwnd_size_t)SND_WND_SCALE(pcb, hdr->wnd) != pcb->snd_wnd)
		return ERR_OK;
	return ERR_VAL; /* nothing new: no answer either */
}

/* ---------------------------------------------------------------- calls --- */

int tcp_sock_open(struct net_sock *s)
{
	struct tcp_pcb *pcb = tcp_new_ip_type(sock_ip_type(s));

	if (!pcb)
		return -ENOMEM;
	attach(s, pcb);
	return 0;
}

int tcp_sock_bind(struct net_sock *s, const ip_addr_t *ip, u16_t port)
{
	err_t err;

	if (!s->pcb.tcp || (s->flags & (S_BOUND | S_LISTENING | S_CONNECTING | S_CONNECTED)))
		return -EINVAL;
	if (s->flags & S_REUSEADDR)
		ip_set_option(s->pcb.tcp, SOF_REUSEADDR);
	err = tcp_bind(s->pcb.tcp, ip, port);
	if (err == ERR_VAL)
		return -EADDRNOTAVAIL;
	if (err != ERR_OK)
		return -net_err_to_errno(err);
	s->flags |= S_BOUND;
	return 0;
}

int tcp_sock_listen(struct net_sock *s, int backlog)
{
	struct tcp_pcb *lpcb;
	err_t err;

	if (s->flags & S_LISTENING) {
		/* A second listen() changes the backlog only. */
		s->backlog = (u8_t)(backlog < 1 ? 1 : backlog > 255 ? 255 : backlog);
		tcp_backlog_set(s->pcb.tcp, s->backlog);
		return 0;
	}
	if (!s->pcb.tcp || (s->flags & (S_CONNECTING | S_CONNECTED)))
		return -EINVAL;
	if (!(s->flags & S_BOUND)) {
		int rc = tcp_sock_bind(s, s->family == AF_INET ? IP4_ADDR_ANY : IP_ANY_TYPE, 0);

		if (rc < 0)
			return rc;
	}
	s->backlog = (u8_t)(backlog < 1 ? 1 : backlog > 255 ? 255 : backlog);
	lpcb = tcp_listen_with_backlog_and_err(s->pcb.tcp, s->backlog, &err);
	if (!lpcb)
		return -(err == ERR_USE ? EADDRINUSE : net_err_to_errno(err));
	/* The listening pcb replaces the one given (lwIP freed it). */
	s->pcb.tcp = lpcb;
	tcp_arg(lpcb, s);
	tcp_accept(lpcb, on_accept);
	s->flags |= S_LISTENING;
	return 0;
}

int tcp_sock_accept(struct net_sock *l, struct net_sock **out)
{
	uint64_t deadline = sock_deadline(l->rcvtimeo);
	struct net_sock *s;
	int fd;

	if (!(l->flags & S_LISTENING))
		return -EINVAL;
	while (!l->aq_head) {
		if (l->closed)
			return -EBADF;
		if (!l->pcb.tcp)
			return -EINVAL;
		if (sock_nonblocking(l, 0))
			return -EAGAIN;
		if (!sock_wait(&l->rx_wait, deadline))
			return l->closed ? -EBADF : -EAGAIN;
		if (!(l->flags & S_LISTENING))
			return l->closed ? -EBADF : -EINVAL;
	}
	s = l->aq_head;
	fd = file_install(&s->file);
	if (fd < 0)
		return fd; /* EMFILE: it stays queued for a later accept */
	l->aq_head = s->aq_next;
	if (!l->aq_head)
		l->aq_tail = NULL;
	l->aq_len--;
	s->aq_next = NULL;
	s->flags &= ~S_QUEUED;
	if (s->pcb.tcp)
		tcp_backlog_accepted(s->pcb.tcp);
	*out = s;
	return fd;
}

int tcp_sock_connect(struct net_sock *s, const ip_addr_t *ip, u16_t port)
{
	uint64_t deadline = sock_deadline(s->sndtimeo);
	ip_addr_t lo;
	err_t err;

	if (s->flags & S_LISTENING)
		return -EINVAL;
	if (s->flags & S_CONNECTED)
		return -EISCONN;
	if (s->flags & S_CONNECTING) {
		if (sock_nonblocking(s, 0))
			return -EALREADY;
	} else {
		if (!s->pcb.tcp) {
			/* A failed connect left no pcb: POSIX leaves the socket
			 * unspecified; a fresh pcb lets the app try again. */
			int rc = tcp_sock_open(s);

			if (rc < 0)
				return rc;
			s->so_error = 0;
			s->flags &= ~(S_RX_EOF | S_BOUND);
		}
		if (ip_addr_isany(ip)) { /* Linux: the wildcard means this host */
			ip_addr_set_loopback(IP_IS_V6(ip), &lo);
			ip = &lo;
		}
		if (s->flags & S_REUSEADDR)
			ip_set_option(s->pcb.tcp, SOF_REUSEADDR);
		err = tcp_connect(s->pcb.tcp, ip, port, on_connected);
		if (err != ERR_OK)
			return -(err == ERR_RTE ? ENETUNREACH : net_err_to_errno(err));
		s->flags |= S_CONNECTING | S_BOUND;
		if (sock_nonblocking(s, 0))
			return -EINPROGRESS;
	}
	while (s->flags & S_CONNECTING) {
		if (!sock_wait(&s->tx_wait, deadline))
			return -EINPROGRESS; /* SO_SNDTIMEO expired: still trying */
	}
	if (s->closed)
		return -EBADF;
	if (s->so_error) {
		int e = s->so_error;

		s->so_error = 0;
		return -e;
	}
	return 0;
}

int tcp_sock_shutdown(struct net_sock *s, int how)
{
	if (!(s->flags & S_CONNECTED))
		return -ENOTCONN;
	if (how == SHUT_RD || how == SHUT_RDWR) {
		s->flags |= S_RX_SHUT;
		tcp_window_open(s, tcp_rx_discard(s));
	}
	if ((how == SHUT_WR || how == SHUT_RDWR) && !(s->flags & S_TX_SHUT)) {
		s->flags |= S_TX_SHUT;
		if (s->pcb.tcp) {
			err_t err = tcp_shutdown(s->pcb.tcp, 0, 1);

			if (err != ERR_OK && err != ERR_CONN)
				return -net_err_to_errno(err);
		}
	}
	sock_wake(s);
	return 0;
}

static void detach(struct tcp_pcb *pcb)
{
	tcp_arg(pcb, NULL);
	if (pcb->state == LISTEN) { /* a smaller pcb: accept is its one callback */
		tcp_accept(pcb, NULL);
		return;
	}
	tcp_recv(pcb, NULL); /* lwIP's default acknowledges and frees */
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
}

static void close_pcb(struct net_sock *s, bool reset)
{
	struct tcp_pcb *pcb = s->pcb.tcp;

	if (!pcb)
		return;
	s->pcb.tcp = NULL;
	detach(pcb);
	if (pcb->state == LISTEN) {
		tcp_close(pcb); /* cannot fail for a listening pcb */
		return;
	}
	/* At exit, data still in flight would never be delivered: reset, so
	 * that the peer knows at once. */
	if (net_exiting && (pcb->unsent || pcb->unacked))
		reset = true;
	if (reset || tcp_close(pcb) != ERR_OK)
		tcp_abort(pcb);
}

void tcp_sock_close(struct net_sock *s)
{
	/* Unread data or SO_LINGER {1, 0}: reset, as Linux does. */
	bool reset = s->rx_bytes || (s->flags & S_LINGER0);

	tcp_rx_discard(s);
	while (s->aq_head) {
		struct net_sock *c = s->aq_head;

		s->aq_head = c->aq_next;
		close_pcb(c, true);
		tcp_rx_discard(c);
		sock_free(c);
	}
	s->aq_tail = NULL;
	s->aq_len = 0;
	close_pcb(s, reset);
	s->flags &= ~(S_LISTENING | S_CONNECTING);
}

short tcp_sock_poll(struct net_sock *s)
{
	struct tcp_pcb *pcb = s->pcb.tcp;
	short r = 0;

	if (s->flags & S_LISTENING)
		return s->aq_head ? POLLIN | POLLRDNORM : 0;
	if (s->rx_bytes || (s->flags & (S_RX_EOF | S_RX_SHUT)))
		r |= POLLIN | POLLRDNORM;
	if (s->so_error)
		r |= POLLERR;
	if (!pcb) {
		if (s->flags & (S_CONNECTED | S_RX_EOF) || s->so_error)
			r |= POLLHUP | POLLIN | POLLOUT;
		else
			r |= POLLOUT | POLLHUP; /* never connected (Linux says so too) */
		return r;
	}
	if ((s->flags & S_CONNECTED) && !(s->flags & S_TX_SHUT) &&
	    tcp_sndbuf(pcb) >= TCP_SNDLOWAT && tcp_sndqueuelen(pcb) < TCP_SNDQUEUELOWAT)
		r |= POLLOUT | POLLWRNORM;
	if ((s->flags & S_TX_SHUT) && (s->flags & S_RX_EOF))
		r |= POLLHUP;
	return r;
}

void tcp_sock_apply_keepalive(struct net_sock *s)
{
	struct tcp_pcb *pcb = s->pcb.tcp;

	if (!pcb || pcb->state == LISTEN)
		return;
	if (s->flags & S_KEEPALIVE)
		ip_set_option(pcb, SOF_KEEPALIVE);
	else
		ip_reset_option(pcb, SOF_KEEPALIVE);
	if (s->keepidle)
		pcb->keep_idle = s->keepidle * 1000;
	if (s->keepintvl)
		pcb->keep_intvl = s->keepintvl * 1000;
	if (s->keepcnt)
		pcb->keep_cnt = s->keepcnt;
}
