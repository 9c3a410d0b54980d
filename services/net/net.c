// SPDX-License-Identifier: MIT
/*
 * The network service (CONFIG_NET): lwIP's start-up before main(), the
 * interfaces and their addresses, the console lines saying what they got,
 * and the exit path (connections reset or closed, queued frames pushed
 * out, counters printed).
 *
 * Why Hako's own socket layer (socket*.c) on lwIP's raw API rather than
 * lwIP's sockets.c: lwIP's sockets live in a table of their own (a second
 * descriptor space, a fixed array) and reach the stack through netconn
 * messages, mailboxes and a semaphore per call.  Here a socket is a struct
 * file in the kernel's one descriptor table, its calls run lwIP's raw API
 * directly under the core lock, received data waits in the pbufs lwIP
 * delivered (no mailbox hop, no copy until recv), and readiness goes
 * straight to the socket's wait queues and to poll().  In a cooperative
 * single-CPU kernel that is the shortest path from a frame to an app, and
 * it lets one server thread or thousands of connections share the stack
 * without per-connection mailboxes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <hal.h>
#include <hako/kernel.h>
#include <hako/net.h>
#include <hako/printk.h>
#include <hako/random.h>

#include "lwip/dhcp.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/nd6.h"
#include "lwip/netif.h"
#include "lwip/stats.h"
#include "lwip/tcpip.h"

#include "net_internal.h"

KERN_OPTION(ip, "ip", "net0's static IPv4 address and prefix, e.g. 10.0.0.2/24 (no DHCP)");
KERN_OPTION(gw, "gw", "net0's IPv4 default gateway, with hako.ip=");
KERN_OPTION(dns, "dns", "IPv4 name server address, recorded for resolvers");

struct net_counters net_counters;
bool net_exiting;
static struct waitq ready_wq = { LIST_HEAD_INIT(ready_wq.waiters) };
static netif_ext_callback_t ext_cb;
static bool started;
static ip4_addr_t dns_server;

int hako_lwip_diag(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(LOG_DEBUG, fmt, ap);
	va_end(ap);
	return n;
}

uint32_t hako_lwip_rand(void)
{
	uint32_t r;

	do
		r = random_u32();
	while ((r & 0x3fff) == 0x3fff);
	return r;
}

u32_t net_tcp_isn(const void *local_ip, u16_t local_port, const void *remote_ip,
		  u16_t remote_port)
{
	struct {
		ip_addr_t l, r;
		u16_t lp, rp;
	} key;

	memset(&key, 0, sizeof(key));
	ip_addr_copy(key.l, *(const ip_addr_t *)local_ip);
	ip_addr_copy(key.r, *(const ip_addr_t *)remote_ip);
	key.lp = local_port;
	key.rp = remote_port;
	return (u32_t)random_hash(&key, sizeof(key)) + (u32_t)(hal_clock_monotonic() >> 12);
}

/* ------------------------------------------------------------ addresses --- */

static const char *ifname(struct netif *n)
{
	static char buf[8];
	struct net_iface i;

	if (net_dev_iface(n, &i)) {
		memcpy(buf, i.name, sizeof(buf));
		return buf;
	}
	return "lo";
}

static int prefix_len(u32_t mask_net)
{
	return __builtin_popcount(mask_net);
}

static void say_ipv4(struct netif *n)
{
	char a[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
	const ip4_addr_t *ip = netif_ip4_addr(n);
	bool from_dhcp = false;

	if (ip4_addr_isany(ip))
		return;
#if LWIP_DHCP
	from_dhcp = dhcp_supplied_address(n);
#endif
	inet_ntop(AF_INET, ip, a, sizeof(a));
	inet_ntop(AF_INET, netif_ip4_gw(n), g, sizeof(g));
	printk(LOG_NOTICE, "hako: %s %s/%d gateway %s (%s)\n", ifname(n), a,
	       prefix_len(ip4_addr_get_u32(netif_ip4_netmask(n))), g,
	       from_dhcp ? "DHCP" : "static");
}

static void status_changed(struct netif *n, netif_nsc_reason_t reason,
			   const netif_ext_callback_args_t *args)
{
	if (n->name[0] == 'l' && n->name[1] == 'o')
		return;
	if (reason & (LWIP_NSC_IPV4_ADDRESS_CHANGED | LWIP_NSC_IPV4_SETTINGS_CHANGED)) {
		say_ipv4(n);
		net_address_changed();
	}
#if LWIP_IPV6
	if (reason & LWIP_NSC_IPV6_ADDR_STATE_CHANGED) {
		s8_t i = args->ipv6_addr_state_changed.addr_index;
		u8_t st = netif_ip6_addr_state(n, i);

		if (ip6_addr_isvalid(st) && !ip6_addr_isvalid(args->ipv6_addr_state_changed.old_state)) {
			char a[INET6_ADDRSTRLEN];
			const ip6_addr_t *ip = netif_ip6_addr(n, i);

			inet_ntop(AF_INET6, ip->addr, a, sizeof(a));
			printk(LOG_NOTICE, "hako: %s %s (IPv6 %s)\n", ifname(n), a,
			       ip6_addr_islinklocal(ip) ? "link-local" : "SLAAC");
			net_address_changed();
		}
	}
#endif
}

void net_address_changed(void)
{
	waitq_wake_all(&ready_wq);
}

static bool any_ipv4(void)
{
	struct netif *n;

	NETIF_FOREACH(n)
	{
		if (n->name[0] == 'l' && n->name[1] == 'o')
			continue;
		if (netif_is_up(n) && !ip4_addr_isany(netif_ip4_addr(n)))
			return true;
	}
	return false;
}

bool net_wait_ready(uint64_t deadline)
{
	while (!any_ipv4()) {
		if (hal_clock_monotonic() >= deadline)
			return false;
		waitq_wait(&ready_wq, deadline);
	}
	return true;
}

/* "10.0.0.2/24" -> address and netmask; false when malformed. */
static bool parse_cidr(const char *s, ip4_addr_t *ip, ip4_addr_t *mask)
{
	char buf[INET_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	long prefix = 24;
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, ip) != 1)
		return false;
	if (slash) {
		char *end;

		if (!slash[1] || slash[1] < '0' || slash[1] > '9')
			return false;
		prefix = strtol(slash + 1, &end, 10);
		if (*end || prefix < 1 || prefix > 32)
			return false;
	}
	ip4_addr_set_u32(mask, prefix == 32 ? 0xffffffffu : lwip_htonl(~(0xffffffffu >> prefix)));
	return true;
}

static bool parse_ip(const char *opt, const char *s, ip4_addr_t *ip)
{
	if (inet_pton(AF_INET, s, ip) == 1)
		return true;
	pr_err("hako: malformed kernel option 'hako.%s=%s' (an IPv4 address) ignored\n", opt, s);
	return false;
}

/* net0's configuration from the command line; false: DHCP. */
static bool static_config(ip4_addr_t *ip, ip4_addr_t *mask, ip4_addr_t *gw)
{
	const char *o_ip = kern_option("ip"), *o_gw = kern_option("gw");

	ip4_addr_set_zero(gw);
	if (!o_ip) {
		if (o_gw)
			pr_warn("hako: hako.gw= without hako.ip= ignored (DHCP gives the gateway)\n");
		return false;
	}
	if (!parse_cidr(o_ip, ip, mask)) {
		pr_err("hako: malformed kernel option 'hako.ip=%s' (expected "
		       "A.B.C.D/PREFIX) ignored; asking DHCP\n", o_ip);
		return false;
	}
	if (o_gw && !parse_ip("gw", o_gw, gw))
		ip4_addr_set_zero(gw);
	return true;
}

static void configure(struct netif *n, bool first)
{
	ip4_addr_t ip, mask, gw;

	if (first && static_config(&ip, &mask, &gw)) {
		netif_set_addr(n, &ip, &mask, &gw);
	} else {
#if LWIP_DHCP
		if (dhcp_start(n) != ERR_OK)
			pr_err("hako: %s: DHCP could not start\n", ifname(n));
#else
		pr_warn("hako: %s: no hako.ip= and no DHCP in this image: IPv4 unconfigured\n",
			ifname(n));
#endif
	}
#if LWIP_IPV6
	netif_create_ip6_linklocal_address(n, 1);
	netif_set_ip6_autoconfig_enabled(n, 1);
#endif
}

/* ------------------------------------------------------------- start-up --- */

static void net_exit(void *unused);

static void net_start(void)
{
	const char *o_dns = kern_option("dns");
	bool first = true;
	int rc;

	tcpip_init(NULL, NULL);
	if (o_dns)
		parse_ip("dns", o_dns, &dns_server);
	net_lock();
	netif_add_ext_callback(&ext_cb, status_changed);
	for (unsigned i = 0; i < CONFIG_NET_MAX_IFACES; i++) {
		struct netif *n = net_dev_start(i);

		if (!n)
			break;
		if (first)
			netif_set_default(n);
		configure(n, first);
		first = false;
	}
	started = true;
	net_unlock();
	rc = kern_on_shutdown(net_exit, NULL);
	if (rc)
		panic("net: cannot register its exit hook: %s", strerror(-rc));
}
KERN_INIT(net_start);

/* -------------------------------------------------------------- exiting --- */

static void net_exit(void *unused)
{
	/* Every thread is between lwIP calls when an exit runs (none holds
	 * the lock across a wait); the lock is free unless exit() was called
	 * from inside the service itself, which it never is. */
	if (!started || lock_tcpip_core.mutex.owner)
		return;
	net_lock();
	net_exiting = true;
	tcp_abort_all();
	net_dev_flush_all();
	net_unlock();
	net_print_stats();
}

/* ------------------------------------------------------------ reporting --- */

void net_get_stats(struct net_stats *st)
{
	memset(st, 0, sizeof(*st));
	net_dev_add_stats(st);
	st->ip_rx = lwip_stats.ip.recv;
	st->ip_drop = lwip_stats.ip.drop;
	st->ip_chkerr = lwip_stats.ip.chkerr;
	st->ip_lenerr = lwip_stats.ip.lenerr;
#if LWIP_IPV6
	st->ip_rx += lwip_stats.ip6.recv;
	st->ip_drop += lwip_stats.ip6.drop;
	st->ip_chkerr += lwip_stats.ip6.chkerr;
	st->ip_lenerr += lwip_stats.ip6.lenerr;
#endif
	st->tcp_rx = lwip_stats.tcp.recv;
	st->tcp_drop = lwip_stats.tcp.drop;
	st->tcp_chkerr = lwip_stats.tcp.chkerr;
	st->tcp_lenerr = lwip_stats.tcp.lenerr;
	st->udp_rx = lwip_stats.udp.recv;
	st->udp_drop = lwip_stats.udp.drop;
	st->udp_chkerr = lwip_stats.udp.chkerr;
	st->udp_lenerr = lwip_stats.udp.lenerr;
	st->udp_queue_drops = net_counters.udp_queue_drops;
	st->conn_refused = net_counters.conn_refused;
	st->acks_for_readers = net_counters.acks_for_readers;
	st->sockets = net_nr_socks;
}

void net_print_stats(void)
{
	struct net_stats s;

	net_get_stats(&s);
	printk(LOG_INFO,
	       "hako: net: frames rx %llu tx %llu (dropped: rx no memory %llu, tx queue full "
	       "%llu; tcp held for room %llu); ip rx %llu dropped %llu (checksum %llu, length "
	       "%llu); tcp rx %llu dropped %llu (checksum %llu, length %llu); udp rx %llu "
	       "dropped %llu (checksum %llu, length %llu, queue full %llu); connections "
	       "refused %llu; acks for waiting readers %llu\n",
	       (unsigned long long)s.rx_frames, (unsigned long long)s.tx_frames,
	       (unsigned long long)s.rx_nomem, (unsigned long long)s.tx_dropped,
	       (unsigned long long)s.tx_held,
	       (unsigned long long)s.ip_rx, (unsigned long long)s.ip_drop,
	       (unsigned long long)s.ip_chkerr, (unsigned long long)s.ip_lenerr,
	       (unsigned long long)s.tcp_rx, (unsigned long long)s.tcp_drop,
	       (unsigned long long)s.tcp_chkerr, (unsigned long long)s.tcp_lenerr,
	       (unsigned long long)s.udp_rx, (unsigned long long)s.udp_drop,
	       (unsigned long long)s.udp_chkerr, (unsigned long long)s.udp_lenerr,
	       (unsigned long long)s.udp_queue_drops, (unsigned long long)s.conn_refused,
	       (unsigned long long)s.acks_for_readers);
}

bool net_iface_get(unsigned int i, struct net_iface *out)
{
	struct netif *n;

	memset(out, 0, sizeof(*out));
	/* lwIP numbers interfaces in the order they were added: loopback 0. */
	net_lock();
	n = i < 255 ? netif_get_by_index((u8_t)(i + 1)) : NULL;
	if (!n) {
		net_unlock();
		return false;
	}
	if (!net_dev_iface(n, out)) {
		strcpy(out->name, "lo");
		out->up = netif_is_up(n);
	}
	memcpy(out->mac, n->hwaddr, 6);
	out->mtu = n->mtu;
	out->link_up = netif_is_link_up(n);
	out->addr = ip4_addr_get_u32(netif_ip4_addr(n));
	out->netmask = ip4_addr_get_u32(netif_ip4_netmask(n));
	out->gateway = ip4_addr_get_u32(netif_ip4_gw(n));
#if LWIP_DHCP
	out->dhcp = dhcp_supplied_address(n);
#endif
	net_unlock();
	return true;
}
