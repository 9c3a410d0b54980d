/* SPDX-License-Identifier: MIT */
/*
 * net_internal.h - what the network service's files share: the core lock,
 * the device glue, the socket structure.  Not for apps.
 */
#ifndef NET_INTERNAL_H
#define NET_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <fcntl.h>
#include <sys/socket.h>

#include <hako/file.h>
#include <hako/list.h>
#include <hako/net.h>
#include <hako/waitq.h>

#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"
#include "lwip/udp.h"

/*
 * The core lock: held while calling into lwIP.  Never held across a wait
 * (lwIP itself never blocks inside, and the service unlocks before it
 * sleeps), so in the cooperative scheduler taking it never blocks.
 */
#define net_lock() LOCK_TCPIP_CORE()
#define net_unlock() UNLOCK_TCPIP_CORE()

/* -------------------------------------------------------------- net.c --- */
/* The image is exiting: connections with data in flight are reset. */
extern bool net_exiting;
/* Wake net_wait_ready() callers: an address arrived. */
void net_address_changed(void);
/* The service's own counters (lwIP keeps the protocol ones). */
extern struct net_counters {
	uint64_t udp_queue_drops;
	uint64_t conn_refused;
	uint64_t acks_for_readers;
} net_counters;

/* ------------------------------------------------------------ netif.c --- */
/* Bring up device "netN" as lwIP interface; NULL when there is none or it
 * failed (said on the console).  Called with the core lock held. */
struct netif *net_dev_start(unsigned int index);
/* Push every device's queued frames out (shutdown). */
void net_dev_flush_all(void);
void net_dev_add_stats(struct net_stats *st);
bool net_dev_iface(struct netif *n, struct net_iface *out);

/* ----------------------------------------------------------- sockets --- */
enum {
	S_BOUND = 1 << 0,
	S_LISTENING = 1 << 1,
	S_CONNECTING = 1 << 2,
	S_CONNECTED = 1 << 3,
	S_RX_EOF = 1 << 4,   /* the peer sent FIN */
	S_RX_SHUT = 1 << 5,  /* shutdown(SHUT_RD) */
	S_TX_SHUT = 1 << 6,  /* shutdown(SHUT_WR) */
	S_V6ONLY = 1 << 7,
	S_NODELAY = 1 << 8,
	S_LINGER0 = 1 << 9,  /* SO_LINGER {1, 0}: close resets */
	S_REUSEADDR = 1 << 10,
	S_KEEPALIVE = 1 << 11,
	S_BROADCAST = 1 << 12,
	S_QUEUED = 1 << 13,  /* in a listener's accept queue */
};

struct net_dgram {
	struct pbuf *p;
	ip_addr_t from;
	u16_t port;
};

struct net_sock {
	struct file file; /* the descriptor table's view; first member */
	int family;	  /* AF_INET, AF_INET6 */
	int type;	  /* SOCK_STREAM, SOCK_DGRAM */
	unsigned flags;	  /* S_* */
	int so_error;	  /* pending error (positive errno): SO_ERROR */
	unsigned busy;	  /* calls in progress (they may block) */
	bool closed;	  /* its descriptor was closed during one: freed when
			   * the last of them returns */
	uint64_t rcvtimeo, sndtimeo; /* ns; 0 = none */
	struct waitq rx_wait, tx_wait;
	struct list_node all; /* every socket, for shutdown */
	union {
		struct tcp_pcb *tcp;
		struct udp_pcb *udp;
	} pcb;
	/* TCP: received bytes, a list of pbufs linked through ->next */
	struct pbuf *rx_head, *rx_tail;
	size_t rx_bytes;
	u16_t rx_off;	     /* consumed bytes of rx_head */
	u16_t rx_tail_room;  /* free bytes after rx_tail's data (ours) */
	/* TCP listener: connections not yet accepted */
	struct net_sock *aq_head, *aq_tail, *aq_next;
	unsigned aq_len;
	u8_t backlog;
	/* TCP keepalive, seconds (0: lwIP's default) */
	u32_t keepidle, keepintvl, keepcnt;
	/* UDP: received datagrams, a ring */
	struct net_dgram *dq;
	unsigned dq_head, dq_count;
};

extern const struct file_ops net_sock_ops;
extern unsigned int net_nr_socks;

/* The socket behind fd: NULL with errno EBADF (no such descriptor) or
 * ENOTSOCK (a descriptor of another kind). */
struct net_sock *sock_get(int fd);
/* errno = err, -1 */
int sock_fail(int err);
struct net_sock *sock_alloc(int family, int type);
void sock_free(struct net_sock *s);
/* Around a call that may block: the socket outlives a close() meanwhile. */
static inline void sock_enter(struct net_sock *s)
{
	s->busy++;
}
void sock_leave(struct net_sock *s);
void sock_wake(struct net_sock *s);
/* Wait for an event on q until deadline, the core lock released meanwhile.
 * Returns false on timeout. */
bool sock_wait(struct waitq *q, uint64_t deadline);
uint64_t sock_deadline(uint64_t timeout_ns);
int net_err_to_errno(err_t err);
int sock_to_ip(const struct net_sock *s, const struct sockaddr *sa, socklen_t len,
	       ip_addr_t *ip, u16_t *port);
void sock_from_ip(const struct net_sock *s, const ip_addr_t *ip, u16_t port,
		  struct sockaddr *sa, socklen_t *len);
/* The pcb address type for this socket's family and options. */
u8_t sock_ip_type(const struct net_sock *s);

static inline bool sock_nonblocking(const struct net_sock *s, int flags)
{
	return (s->file.flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
}

/* tcp_data.c: the receive queue, lwIP's data callbacks, send and recv */
size_t tcp_rx_discard(struct net_sock *s);
void tcp_window_open(struct net_sock *s, size_t n);
err_t tcp_on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err);
err_t tcp_on_sent(void *arg, struct tcp_pcb *pcb, u16_t len);
int tcp_take_error(struct net_sock *s); /* so_error, cleared */

/* socket_tcp.c: each returns 0/count or a negative errno; lock held. */
int tcp_sock_open(struct net_sock *s);
int tcp_sock_bind(struct net_sock *s, const ip_addr_t *ip, u16_t port);
int tcp_sock_listen(struct net_sock *s, int backlog);
int tcp_sock_accept(struct net_sock *s, struct net_sock **out);
int tcp_sock_connect(struct net_sock *s, const ip_addr_t *ip, u16_t port);
ssize_t tcp_sock_send(struct net_sock *s, const void *buf, size_t len, int flags);
ssize_t tcp_sock_recv(struct net_sock *s, void *buf, size_t len, int flags);
int tcp_sock_shutdown(struct net_sock *s, int how);
void tcp_sock_close(struct net_sock *s);
short tcp_sock_poll(struct net_sock *s);
void tcp_sock_apply_keepalive(struct net_sock *s);
void tcp_abort_all(void);

/* socket_udp.c */
int udp_sock_open(struct net_sock *s);
int udp_sock_bind(struct net_sock *s, const ip_addr_t *ip, u16_t port);
int udp_sock_connect(struct net_sock *s, const ip_addr_t *ip, u16_t port);
ssize_t udp_sock_send(struct net_sock *s, const void *buf, size_t len, int flags,
		      const ip_addr_t *to, u16_t port);
ssize_t udp_sock_recv(struct net_sock *s, void *buf, size_t len, int flags, ip_addr_t *from,
		      u16_t *port);
void udp_sock_close(struct net_sock *s);
short udp_sock_poll(struct net_sock *s);

#endif /* NET_INTERNAL_H */
