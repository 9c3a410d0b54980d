// SPDX-License-Identifier: MIT
/*
 * TCP sockets on lwIP's raw API.  Every function here runs with the core
 * lock held (socket.c takes it); the callbacks run from lwIP with it held.
 *
 * Receiving: the recv callback appends lwIP's pbufs to the socket's list as
 * they are (no copy), except small segments, which are packed into one
 * buffer so that a peer sending one byte per segment cannot make a few
 * bytes cost a frame buffer each.  recv() copies out, frees what it
 * consumed and reopens the window by that much (tcp_recved): the window is
 * the flow control, so queued data never exceeds TCP_WND per connection.
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

#define SMALL_SEGMENT 512 /* packed into a shared buffer below this */
#define PACK_BUFFER 2048


static bool nonblocking(const struct net_sock *s, int flags)
{
	return (s->file.flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
}

/* Free the received data still queued; returns how many bytes it was. */
static size_t rx_discard(struct net_sock *s)
{
	size_t n = s->rx_bytes;

	while (s->rx_head) {
		struct pbuf *q = s->rx_head;

		s->rx_head = q->next;
		q->next = NULL;
		pbuf_free(q);
	}
	s->rx_tail = NULL;
	s->rx_bytes = 0;
	s->rx_off = 0;
	s->rx_tail_room = 0;
	return n;
}

static void window_open(struct net_sock *s, size_t n)
{
	while (n && s->pcb.tcp) {
		u16_t k = n > 0xffff ? 0xffff : (u16_t)n;

		tcp_recved(s->pcb.tcp, k);
		n -= k;
	}
}

/* ------------------------------------------------------------ callbacks --- */

static void rx_append(struct net_sock *s, struct pbuf *p)
{
	struct pbuf *last;

	if (p->tot_len < SMALL_SEGMENT) {
		if (s->rx_tail_room < p->tot_len) {
			struct pbuf *b = pbuf_alloc(PBUF_RAW, PACK_BUFFER, PBUF_RAM);

			if (b) {
				b->len = b->tot_len = 0;
				if (s->rx_tail)
					s->rx_tail->next = b;
				else
					s->rx_head = b;
				s->rx_tail = b;
				s->rx_tail_room = PACK_BUFFER;
			}
		}
		if (s->rx_tail_room >= p->tot_len) {
			struct pbuf *t = s->rx_tail;

			pbuf_copy_partial(p, (u8_t *)t->payload + t->len, p->tot_len, 0);
			t->len = (u16_t)(t->len + p->tot_len);
			t->tot_len = t->len;
			s->rx_tail_room = (u16_t)(s->rx_tail_room - p->tot_len);
			s->rx_bytes += p->tot_len;
			pbuf_free(p);
			return;
		}
	}
	/* The list links single pbufs; a chain's own links become list
	 * links, its tot_len fields are not used any more. */
	s->rx_bytes += p->tot_len;
	for (last = p; last->next; last = last->next)
		;
	if (s->rx_tail)
		s->rx_tail->next = p;
	else
		s->rx_head = p;
	s->rx_tail = last;
	s->rx_tail_room = 0;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct net_sock *s = arg;

	if (!p) {
		s->flags |= S_RX_EOF;
	} else if (s->flags & S_RX_SHUT) {
		tcp_recved(pcb, p->tot_len);
		pbuf_free(p);
		return ERR_OK;
	} else {
		rx_append(s, p);
	}
	waitq_wake_all(&s->rx_wait);
	file_notify();
	return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct net_sock *s = arg;

	waitq_wake_all(&s->tx_wait);
	file_notify();
	return ERR_OK;
}

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
	tcp_recv(pcb, on_recv);
	tcp_sent(pcb, on_sent);
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
		if (nonblocking(l, 0))
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
		if (nonblocking(s, 0))
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
		if (nonblocking(s, 0))
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

/* The pending error, taken (so_error), or 0. */
static int take_error(struct net_sock *s)
{
	int e = s->so_error;

	s->so_error = 0;
	return e;
}

ssize_t tcp_sock_send(struct net_sock *s, const void *buf, size_t len, int flags)
{
	uint64_t deadline = sock_deadline(s->sndtimeo);
	const char *p = buf;
	size_t done = 0;
	bool pushed = true;

	if (flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL | MSG_MORE | MSG_EOR | MSG_DONTROUTE))
		return -EOPNOTSUPP;
	for (;;) {
		struct tcp_pcb *pcb = s->pcb.tcp;
		size_t room;
		int e;

		if (s->closed)
			return done ? (ssize_t)done : -EBADF;
		if (s->flags & S_TX_SHUT)
			return done ? (ssize_t)done : -EPIPE;
		if ((e = take_error(s)))
			return done ? (ssize_t)done : -e;
		if (!pcb)
			return done ? (ssize_t)done : (s->flags & S_CONNECTED) ? -EPIPE : -ENOTCONN;
		if (!(s->flags & S_CONNECTED))
			return -ENOTCONN;
		if (done == len)
			break;
		room = tcp_sndbuf(pcb);
		/* tcp_write refuses a write that needs more segments than the
		 * queue has left: ask for no more than that. */
		if (tcp_sndqueuelen(pcb) + 4 < TCP_SND_QUEUELEN) {
			size_t segs = TCP_SND_QUEUELEN - 4 - tcp_sndqueuelen(pcb);

			if (room > segs * TCP_MSS)
				room = segs * TCP_MSS;
		} else {
			room = 0;
		}
		if (room) {
			size_t n = len - done;
			u8_t wflags = TCP_WRITE_FLAG_COPY;
			err_t err;

			if (n > room)
				n = room;
			if (n > 0xffff)
				n = 0xffff;
			if (done + n < len || (flags & MSG_MORE))
				wflags |= TCP_WRITE_FLAG_MORE;
			err = tcp_write(pcb, p + done, (u16_t)n, wflags);
			if (err == ERR_OK) {
				done += n;
				pushed = false;
				continue;
			}
			if (err != ERR_MEM)
				return done ? (ssize_t)done : -net_err_to_errno(err);
		}
		/* No room: push what is queued, then wait for ACKs. */
		tcp_output(pcb);
		pushed = true;
		if (nonblocking(s, flags))
			return done ? (ssize_t)done : -EAGAIN;
		if (!sock_wait(&s->tx_wait, deadline))
			return done ? (ssize_t)done : -EAGAIN;
	}
	if (!pushed && !(flags & MSG_MORE) && s->pcb.tcp)
		tcp_output(s->pcb.tcp);
	return (ssize_t)done;
}

/* Copy up to len queued bytes out; consume them unless peeking. */
static size_t rx_copy(struct net_sock *s, char *buf, size_t len, bool peek)
{
	struct pbuf *q = s->rx_head;
	size_t n = 0, off = s->rx_off;

	while (q && n < len) {
		size_t c = q->len - off;

		if (c > len - n)
			c = len - n;
		memcpy(buf + n, (const char *)q->payload + off, c);
		n += c;
		off += c;
		if (off < q->len)
			break;
		q = q->next;
		off = 0;
		if (!peek) {
			struct pbuf *done = s->rx_head;

			s->rx_head = q;
			done->next = NULL;
			pbuf_free(done);
		}
	}
	if (!peek) {
		s->rx_off = (u16_t)off;
		s->rx_bytes -= n;
		if (!s->rx_head) {
			s->rx_tail = NULL;
			s->rx_tail_room = 0;
		}
	}
	return n;
}

ssize_t tcp_sock_recv(struct net_sock *s, void *buf, size_t len, int flags)
{
	uint64_t deadline = sock_deadline(s->rcvtimeo);
	bool peek = flags & MSG_PEEK;
	size_t done = 0;

	if (flags & ~(MSG_DONTWAIT | MSG_PEEK | MSG_WAITALL | MSG_TRUNC | MSG_NOSIGNAL))
		return -EOPNOTSUPP;
	if (s->flags & S_LISTENING)
		return -ENOTCONN;
	if (len == 0)
		return 0;
	for (;;) {
		int e;

		if (s->closed)
			return done ? (ssize_t)done : -EBADF;
		if (s->rx_bytes) {
			size_t n = rx_copy(s, (char *)buf + done, len - done, peek);

			if (!peek) {
				done += n;
				window_open(s, n);
			} else {
				return (ssize_t)n;
			}
			if (done == len || !(flags & MSG_WAITALL))
				return (ssize_t)done;
			continue;
		}
		if (s->flags & (S_RX_EOF | S_RX_SHUT))
			return (ssize_t)done;
		if ((e = take_error(s)))
			return done ? (ssize_t)done : -e;
		if (!s->pcb.tcp) /* closed: end of stream */
			return (s->flags & S_CONNECTED) ? (ssize_t)done : -ENOTCONN;
		if (!(s->flags & (S_CONNECTED | S_CONNECTING)))
			return -ENOTCONN;
		if (done || nonblocking(s, flags))
			return done ? (ssize_t)done : -EAGAIN;
		if (!sock_wait(&s->rx_wait, deadline))
			return done ? (ssize_t)done : -EAGAIN;
	}
}

int tcp_sock_shutdown(struct net_sock *s, int how)
{
	if (!(s->flags & S_CONNECTED))
		return -ENOTCONN;
	if (how == SHUT_RD || how == SHUT_RDWR) {
		s->flags |= S_RX_SHUT;
		window_open(s, rx_discard(s));
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

	rx_discard(s);
	while (s->aq_head) {
		struct net_sock *c = s->aq_head;

		s->aq_head = c->aq_next;
		close_pcb(c, true);
		rx_discard(c);
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
