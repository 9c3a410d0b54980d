// SPDX-License-Identifier: MIT
/*
 * TCP sockets' data path on lwIP's raw API, core lock held (socket.c takes
 * it; lwIP's callbacks run with it).
 *
 * Receiving: the recv callback appends lwIP's pbufs to the socket's list as
 * they are (no copy), except small segments, which are packed into one
 * buffer so that a peer sending one byte per segment cannot make a few
 * bytes cost a frame buffer each.  recv() copies out, frees what it
 * consumed and reopens the window by that much (tcp_recved): the window is
 * the flow control, so queued data never exceeds TCP_WND per connection.
 *
 * A reader that has taken everything and waits for more (recv() blocks or
 * says EAGAIN) gets the ACK lwIP was delaying sent at once: no reply is
 * coming to carry it, and a peer whose Nagle holds the rest of a message
 * until its first part is ACKed (a request written in two pieces) would
 * otherwise wait for lwIP's timer, up to 50 ms here.  Linux avoids the
 * same stall by ACKing a young connection's segments at once (quickack).
 * A request read whole and answered costs nothing: its reply carries the
 * ACK before the reader waits again.
 *
 * Sending: send() copies into lwIP's segments (tcp_write) as far as the
 * send buffer and segment queue allow, pushes them out (tcp_output) and
 * waits for ACKs when there is no room.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include <netinet/in.h>

#include "lwip/priv/tcp_priv.h"

#include "net_internal.h"

#define SMALL_SEGMENT 512 /* packed into a shared buffer below this */
#define PACK_BUFFER 2048

/* Free the received data still queued; returns how many bytes it was. */
size_t tcp_rx_discard(struct net_sock *s)
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

void tcp_window_open(struct net_sock *s, size_t n)
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

err_t tcp_on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
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

err_t tcp_on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct net_sock *s = arg;

	waitq_wake_all(&s->tx_wait);
	file_notify();
	return ERR_OK;
}

/* ---------------------------------------------------------------- calls --- */

/* The pending error, taken (so_error), or 0. */
int tcp_take_error(struct net_sock *s)
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
		if ((e = tcp_take_error(s)))
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
		if (sock_nonblocking(s, flags))
			return done ? (ssize_t)done : -EAGAIN;
		if (!sock_wait(&s->tx_wait, deadline))
			return done ? (ssize_t)done : -EAGAIN;
	}
	if (!pushed && !(flags & MSG_MORE) && s->pcb.tcp)
		tcp_output(s->pcb.tcp);
	return (ssize_t)done;
}

/* The reader found nothing and will wait: see the top of the file. */
static void ack_for_waiting_reader(struct tcp_pcb *pcb)
{
	if (pcb->flags & TF_ACK_DELAY) {
		tcp_ack_now(pcb);
		tcp_output(pcb);
		net_counters.acks_for_readers++;
	}
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
				tcp_window_open(s, n);
			} else {
				return (ssize_t)n;
			}
			if (done == len || !(flags & MSG_WAITALL))
				return (ssize_t)done;
			continue;
		}
		if (s->flags & (S_RX_EOF | S_RX_SHUT))
			return (ssize_t)done;
		if ((e = tcp_take_error(s)))
			return done ? (ssize_t)done : -e;
		if (!s->pcb.tcp) /* closed: end of stream */
			return (s->flags & S_CONNECTED) ? (ssize_t)done : -ENOTCONN;
		if (!(s->flags & (S_CONNECTED | S_CONNECTING)))
			return -ENOTCONN;
		if (!done)
			ack_for_waiting_reader(s->pcb.tcp);
		if (done || sock_nonblocking(s, flags))
			return done ? (ssize_t)done : -EAGAIN;
		if (!sock_wait(&s->rx_wait, deadline))
			return done ? (ssize_t)done : -EAGAIN;
	}
}

