/* SPDX-License-Identifier: MIT */
/*
 * net.h - the network service's own calls (CONFIG_NET), beside the BSD
 * sockets of <sys/socket.h> that apps use for everything else.
 *
 * At boot (before main) the service brings up a loopback interface
 * (127.0.0.1, ::1) and every network device the platform offers, named
 * net0, net1... in the platform's order (up to CONFIG_NET_MAX_IFACES).
 * Addresses: net0 takes the kernel options
 *     hako.ip=10.0.0.2/24   static IPv4 address and prefix length
 *     hako.gw=10.0.0.1      default gateway (with hako.ip)
 *     hako.dns=10.0.0.1     name server, recorded for resolvers
 * and every interface without hako.ip asks DHCP (CONFIG_NET_DHCP).  With
 * CONFIG_NET_IPV6 each interface also gets an IPv6 link-local address and
 * any address a router advertises (SLAAC).  The console gets one line per
 * address as it becomes usable ("hako: net0 192.0.2.2/24 ...").
 *
 * Nothing here blocks except net_wait_ready().
 */
#ifndef HAKO_NET_H
#define HAKO_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * net_wait_ready - block until an interface other than loopback has an
 * IPv4 address, or until deadline (monotonic ns; UINT64_MAX: no limit).
 * Returns true when one has.  A client app calls it before connecting out
 * at boot; a server need not (it can listen before any address exists).
 */
bool net_wait_ready(uint64_t deadline);

/* One interface, as net_iface_get() describes it. */
struct net_iface {
	char name[8];	   /* "lo", "net0"... */
	uint8_t mac[6];
	size_t mtu;
	bool up;	   /* administratively up and the device alive */
	bool link_up;
	uint32_t addr;	   /* IPv4 address, netmask and gateway, network */
	uint32_t netmask;  /* byte order; 0 while there is none */
	uint32_t gateway;
	bool dhcp;	   /* the address came from DHCP */
};

/* net_iface_get - interface i (0 is loopback); false past the last one. */
bool net_iface_get(unsigned int i, struct net_iface *out);

/* Counters since boot, summed over the interfaces (lwIP's and the
 * service's own).  Drops name where a frame or packet went away. */
struct net_stats {
	uint64_t rx_frames, tx_frames;	  /* through the devices */
	uint64_t rx_nomem;		  /* frames dropped: no memory for them */
	uint64_t tx_dropped;		  /* frames dropped: device queue full */
	uint64_t tx_held;		  /* TCP segments held back (not dropped):
					   * device queue full */
	uint64_t ip_rx, ip_drop;	  /* IPv4 and IPv6 packets in, dropped */
	uint64_t ip_chkerr, ip_lenerr;	  /* ...for a bad checksum, bad length */
	uint64_t tcp_rx, tcp_drop, tcp_chkerr, tcp_lenerr;
	uint64_t udp_rx, udp_drop, udp_chkerr, udp_lenerr;
	uint64_t udp_queue_drops;	  /* datagrams a full socket queue dropped */
	uint64_t conn_refused;		  /* connections reset: socket limit */
	uint64_t acks_for_readers;	  /* delayed ACKs sent at once: the
					   * reader waits (tcp_data.c) */
	unsigned int sockets;		  /* open now */
};
void net_get_stats(struct net_stats *st);

/* net_print_stats - the counters as one console line (the service also
 * prints it when the image exits). */
void net_print_stats(void);

/*
 * net_listen - a socket of type (SOCK_STREAM or SOCK_DGRAM) bound to port
 * on every address, SO_REUSEADDR set: IPv6 with IPv4 mapped when the image
 * has IPv6, else IPv4; a stream socket also listens with backlog.  The
 * descriptor, or -1 with errno.  Does not block.
 */
int net_listen(int type, int port, int backlog);

/* A server of one thread per connection, for net_serve. */
struct net_server {
	const char *name;	 /* the connection threads' name */
	void *(*conn)(void *fd); /* serves (int)(long)fd, in a detached thread */
	bool (*full)(void);	 /* at the app's limit now (NULL: never) */
	void (*refuse)(int fd);	 /* answers and closes one it cannot take
				  * (full, or no memory for a thread; NULL: close) */
	void (*started)(void);	 /* a connection's thread was made (NULL: nothing) */
};

/*
 * net_serve - accept connections on the listening socket lfd for ever,
 * each with TCP_NODELAY in a detached thread of its own running srv->conn.
 * While descriptors or memory run out it waits 10 ms (connections end) and
 * accepts again.  Blocks; never returns.
 */
_Noreturn void net_serve(int lfd, const struct net_server *srv);

#endif /* HAKO_NET_H */
