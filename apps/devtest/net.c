// SPDX-License-Identifier: MIT
/*
 * devtest net: Ethernet frames through hal_net_* against a real peer.
 *
 *   devtest net [ip=A.B.C.D] [peer=A.B.C.D] [pings=N] [burst=N] [dhcp=0|1]
 *               [flood=N] [serve=0|1] [gone=0|1]
 *
 * With our address ip (default 10.0.0.2) and a peer (default 10.0.0.1, the
 * Xen rig's dom0 bridge): ARP for the peer; N ICMP echo round trips, one
 * with a full 1500-byte packet; a burst of echo requests sent in one batch
 * whose replies must all come back (the receive ring refilled under load);
 * with flood=N, N requests whose replies are read only once all are in;
 * a DHCP exchange (discover, offer, request, ack) when dhcp=1; a burst of
 * UDP frames to the peer's discard port (the transmit ring reclaimed under
 * load); then, with serve=1, answers ARP and ping for our address until the
 * platform asks the image to shut down (gone=1: expecting the device to be
 * removed meanwhile, reads and writes then failing with HAL_EIO).  Frames not awaited are answered
 * when they are ARP requests or pings for us, and otherwise ignored.
 */
#include <stdio.h>
#include <string.h>

#include <hal.h>
#include <hako/io.h>
#include <hako/kernel.h>
#include <hako/thread.h>

#include "devtest.h"
#include "frames.h"

#define ECHO_ID 0x4854
#define FRAME_MAX 1514
#define DISCARD_PORT 9

struct net {
	hal_handle_t h;
	struct hal_net_info info;
	uint8_t ip[4], peer[4], peer_mac[6];
	uint8_t rx[2048], tx[2048];
	size_t rxlen;
	unsigned long arp_answered, pings_answered, waits;
	bool broken;
	int error; /* the HAL's, when broken */
};

static volatile bool shutdown_asked;

static void on_shutdown(void)
{
	shutdown_asked = true;
}

static uint64_t now(void)
{
	return hal_clock_monotonic();
}

/* Queue one frame, waiting (bounded) for room. */
static bool send_frame(struct net *n, const uint8_t *f, size_t len)
{
	uint64_t deadline = now() + 5000 * MS;

	for (;;) {
		int rc = hal_net_write(n->h, f, len);

		if (rc == HAL_OK)
			return true;
		if (rc != HAL_AGAIN || now() >= deadline) {
			printf("devtest: hal_net_write: %d%s\n", rc,
			       rc == HAL_AGAIN ? " for 5 s" : "");
			n->broken = true;
			n->error = rc;
			return false;
		}
		hal_net_flush(n->h);
		n->waits++;
		io_wait(n->h, deadline);
	}
}

static bool for_us(const struct net *n, const uint8_t *f)
{
	return !memcmp(f, n->info.mac, 6) || !memcmp(f, eth_broadcast, 6);
}

/* Answer an ARP request or a ping for our address; ignore anything else. */
static void background(struct net *n, const uint8_t *f, size_t len)
{
	struct ipv4_view v;

	if (!for_us(n, f))
		return;
	if (len >= ETH_HLEN + 28 && get16(f + 12) == ETH_P_ARP && get16(f + ETH_HLEN + 6) == 1 &&
	    !memcmp(f + ETH_HLEN + 24, n->ip, 4)) {
		const uint8_t *a = f + ETH_HLEN;
		size_t l = arp_frame(n->tx, a + 8, n->info.mac, 2, n->ip, a + 8, a + 14);

		if (send_frame(n, n->tx, l))
			n->arp_answered++;
		return;
	}
	if (ipv4_parse(f, len, &v) && v.proto == IPPROTO_ICMP && !memcmp(v.dst, n->ip, 4) &&
	    v.len >= 8 && v.payload[0] == 8 && !inet_csum(v.payload, v.len, 0)) {
		uint8_t *icmp = n->tx + ETH_HLEN + IP_HLEN;
		size_t l;

		memcpy(icmp, v.payload, v.len);
		icmp[0] = 0; /* echo reply */
		put16(icmp + 2, 0);
		put16(icmp + 2, inet_csum(icmp, v.len, 0));
		l = ipv4_frame(n->tx, v.src_mac, n->info.mac, IPPROTO_ICMP, n->ip, v.src, icmp,
			       v.len);
		if (send_frame(n, n->tx, l))
			n->pings_answered++;
	}
}

typedef bool (*match_fn)(struct net *n, void *ctx);

/* Read frames until match() takes one (true) or the deadline (false). */
static bool recv_until(struct net *n, uint64_t deadline, match_fn match, void *ctx)
{
	for (;;) {
		int rc = hal_net_read(n->h, n->rx, sizeof(n->rx), &n->rxlen);

		if (rc == HAL_OK) {
			if (n->rxlen < ETH_HLEN || n->rxlen > FRAME_MAX) {
				printf("devtest: hal_net_read returned a %zu-byte frame\n",
				       n->rxlen);
				n->broken = true;
				return false;
			}
			if (match && match(n, ctx))
				return true;
			background(n, n->rx, n->rxlen);
			continue;
		}
		if (rc != HAL_AGAIN) {
			printf("devtest: hal_net_read: %d\n", rc);
			n->broken = true;
			n->error = rc;
			return false;
		}
		hal_net_flush(n->h); /* our answers */
		if (now() >= deadline || shutdown_asked)
			return false;
		io_wait(n->h, deadline);
	}
}

/* ---------------------------------------------------------------- ARP --- */

static bool arp_reply(struct net *n, void *ctx)
{
	const uint8_t *a = n->rx + ETH_HLEN;

	if (n->rxlen < ETH_HLEN + 28 || get16(n->rx + 12) != ETH_P_ARP || get16(a + 6) != 2 ||
	    memcmp(a + 14, n->peer, 4) || memcmp(a + 24, n->ip, 4))
		return false;
	memcpy(n->peer_mac, a + 8, 6);
	return true;
}

static bool test_arp(struct net *n)
{
	static const uint8_t zero[6];

	for (int i = 0; i < 5; i++) {
		size_t l = arp_frame(n->tx, eth_broadcast, n->info.mac, 1, n->ip, zero, n->peer);

		if (!send_frame(n, n->tx, l))
			break;
		hal_net_flush(n->h);
		if (recv_until(n, now() + 1000 * MS, arp_reply, NULL))
			return dt_check(true, "ARP: peer %u.%u.%u.%u is at "
				       "%02x:%02x:%02x:%02x:%02x:%02x (%d requests)",
					n->peer[0], n->peer[1], n->peer[2], n->peer[3],
					n->peer_mac[0], n->peer_mac[1], n->peer_mac[2],
					n->peer_mac[3], n->peer_mac[4], n->peer_mac[5], i + 1);
	}
	return dt_check(false, "ARP: no reply from %u.%u.%u.%u", n->peer[0], n->peer[1],
			n->peer[2], n->peer[3]);
}

/* --------------------------------------------------------------- ping --- */

struct echo {
	uint16_t seq;
	size_t size;
	unsigned long got; /* bursts: replies seen, by seq bit */
	uint8_t seen[64];
	uint16_t first, count;
};

static void echo_data(uint8_t *d, size_t size, uint16_t seq)
{
	for (size_t i = 0; i < size; i++)
		d[i] = (uint8_t)(i * 7 + seq);
}

static size_t echo_frame(struct net *n, uint16_t seq, size_t size)
{
	uint8_t *icmp = n->tx + ETH_HLEN + IP_HLEN;

	icmp[0] = 8;
	icmp[1] = 0;
	put16(icmp + 2, 0);
	put16(icmp + 4, ECHO_ID);
	put16(icmp + 6, seq);
	echo_data(icmp + 8, size, seq);
	put16(icmp + 2, inet_csum(icmp, 8 + size, 0));
	return ipv4_frame(n->tx, n->peer_mac, n->info.mac, IPPROTO_ICMP, n->ip, n->peer, icmp,
			  8 + size);
}

/* An echo reply from the peer with our id; sequence and data checked. */
static bool echo_reply(struct net *n, void *ctx)
{
	struct echo *e = ctx;
	struct ipv4_view v;
	uint8_t want[FRAME_MAX];
	uint16_t seq;

	if (!ipv4_parse(n->rx, n->rxlen, &v) || v.proto != IPPROTO_ICMP ||
	    memcmp(v.src, n->peer, 4) || memcmp(v.dst, n->ip, 4) || v.len < 8 ||
	    v.payload[0] != 0 || get16(v.payload + 4) != ECHO_ID)
		return false;
	seq = get16(v.payload + 6);
	if (inet_csum(v.payload, v.len, 0) || v.len != 8 + e->size)
		return false;
	echo_data(want, e->size, seq);
	if (memcmp(v.payload + 8, want, e->size))
		return false;
	if (e->count) { /* a burst: note it, wait for the rest */
		uint16_t i = (uint16_t)(seq - e->first);

		if (i < e->count && i < sizeof(e->seen) * 8 && !(e->seen[i / 8] >> (i % 8) & 1)) {
			e->seen[i / 8] |= (uint8_t)(1 << (i % 8));
			e->got++;
		}
		return e->got == e->count;
	}
	return seq == e->seq;
}

static void test_pings(struct net *n, unsigned int count)
{
	struct echo e = { .size = 56 };
	unsigned int ok = 0;
	uint64_t t0 = now(), best = UINT64_MAX;

	for (unsigned int i = 0; i < count && !n->broken; i++) {
		uint64_t t = now();

		e.seq = (uint16_t)(i + 1);
		e.size = i == count - 1 ? 1500 - IP_HLEN - 8 : 56; /* the last: a full frame */
		if (!send_frame(n, n->tx, echo_frame(n, e.seq, e.size)))
			break;
		hal_net_flush(n->h);
		if (recv_until(n, now() + 1000 * MS, echo_reply, &e)) {
			ok++;
			if (now() - t < best)
				best = now() - t;
		}
	}
	dt_check(ok == count, "ping: %u of %u echo replies, the last with a 1500-byte packet "
		 "(%lu ms, best round trip %lu us)", ok, count,
		 (unsigned long)((now() - t0) / MS), (unsigned long)(best / 1000));
}

/*
 * Send count echo requests at once (one flush), collect the replies; rounds
 * times, so that more frames arrive than the receive ring holds and it must
 * have been refilled.  (Small ones: dom0 drops echo replies beyond what its
 * ICMP socket may have queued, about 130 KiB.)
 */
static void test_ping_burst(struct net *n, unsigned int count, unsigned int rounds)
{
	unsigned long got = 0;
	uint64_t t0 = now();

	if (count > 64 * 8)
		count = 64 * 8;
	for (unsigned int r = 0; r < rounds && !n->broken; r++) {
		struct echo e = { .size = 56, .first = (uint16_t)(1000 + r * count),
				  .count = (uint16_t)count };

		for (unsigned int i = 0; i < count; i++)
			if (!send_frame(n, n->tx, echo_frame(n, (uint16_t)(e.first + i), e.size)))
				break;
		hal_net_flush(n->h);
		recv_until(n, now() + 5000 * MS, echo_reply, &e);
		got += e.got;
	}
	dt_check(got == (unsigned long)count * rounds,
		 "ping bursts: %lu of %u replies to %u rounds of %u requests sent in one "
		 "batch (%lu ms)",
		 got, count * rounds, rounds, count, (unsigned long)((now() - t0) / MS));
}

/*
 * flood=N: N echo requests at once, then nothing read until the replies
 * had time to come (300 ms): more than a receive ring holds (virtio-net:
 * 256) wait in the backend, which must hand them over as the buffers come
 * back.  Off by default: a backend may drop what does not fit (a Xen
 * netback does), and that is its right.
 */
static void test_flood(struct net *n, unsigned int count)
{
	struct echo e = { .size = 56, .first = 30000, .count = (uint16_t)count };
	uint64_t t0 = now();

	if (count > 64 * 8)
		e.count = (uint16_t)(count = 64 * 8);
	for (unsigned int i = 0; i < count && !n->broken; i++)
		if (!send_frame(n, n->tx, echo_frame(n, (uint16_t)(e.first + i), e.size)))
			break;
	hal_net_flush(n->h);
	thread_sleep(300 * MS);
	recv_until(n, now() + 5000 * MS, echo_reply, &e);
	dt_check(e.got == count, "ping flood: %lu of %u replies, read only after 300 ms (%lu ms)",
		 e.got, count, (unsigned long)((now() - t0) / MS));
}

/* --------------------------------------------------------------- DHCP --- */

#define DHCP_LEN 300
struct dhcp {
	uint32_t xid;
	uint8_t type;	     /* awaited: 2 offer, 5 ack */
	uint8_t yiaddr[4], server[4];
};

static size_t dhcp_frame(struct net *n, const struct dhcp *d, uint8_t type)
{
	uint8_t b[DHCP_LEN], *o = b + 240;
	static const uint8_t any[4], bcast[4] = { 255, 255, 255, 255 };

	memset(b, 0, sizeof(b));
	b[0] = 1; /* BOOTREQUEST */
	b[1] = 1;
	b[2] = 6;
	put16(b + 4, (uint16_t)(d->xid >> 16));
	put16(b + 6, (uint16_t)d->xid);
	put16(b + 10, 0x8000); /* broadcast replies: we have no address yet */
	memcpy(b + 28, n->info.mac, 6);
	b[236] = 99, b[237] = 130, b[238] = 83, b[239] = 99; /* magic cookie */
	*o++ = 53, *o++ = 1, *o++ = type;
	if (type == 3) {
		*o++ = 50, *o++ = 4;
		memcpy(o, d->yiaddr, 4), o += 4;
		*o++ = 54, *o++ = 4;
		memcpy(o, d->server, 4), o += 4;
	}
	*o = 255;
	return udp_frame(n->tx, eth_broadcast, n->info.mac, any, bcast, 68, 67, b, sizeof(b));
}

static bool dhcp_reply(struct net *n, void *ctx)
{
	struct dhcp *d = ctx;
	struct ipv4_view v;
	uint16_t sport, dport;
	const uint8_t *b;
	size_t len;
	uint8_t type = 0, server[4] = { 0 };

	if (!ipv4_parse(n->rx, n->rxlen, &v) || !udp_parse(&v, &sport, &dport, &b, &len) ||
	    sport != 67 || dport != 68 || len < 240 || b[0] != 2 ||
	    (uint32_t)(get16(b + 4) << 16 | get16(b + 6)) != d->xid || memcmp(b + 28, n->info.mac, 6) ||
	    b[236] != 99 || b[237] != 130 || b[238] != 83 || b[239] != 99)
		return false;
	for (size_t i = 240; i < len && b[i] != 255;) {
		if (b[i] == 0) {
			i++;
			continue;
		}
		if (i + 2 > len || i + 2 + b[i + 1] > len)
			return false;
		if (b[i] == 53 && b[i + 1] == 1)
			type = b[i + 2];
		if (b[i] == 54 && b[i + 1] == 4)
			memcpy(server, b + i + 2, 4);
		i += 2 + (size_t)b[i + 1];
	}
	if (type != d->type)
		return false;
	if (type == 2) {
		memcpy(d->yiaddr, b + 16, 4);
		memcpy(d->server, server, 4);
		return true;
	}
	return !memcmp(d->yiaddr, b + 16, 4) && !memcmp(d->server, server, 4);
}

static void test_dhcp(struct net *n)
{
	struct dhcp d = { .xid = (uint32_t)now() ^ 0x48616b6f, .type = 2 };
	bool offer = false, ack = false;

	for (int i = 0; i < 3 && !offer && !n->broken; i++) {
		if (!send_frame(n, n->tx, dhcp_frame(n, &d, 1)))
			break;
		hal_net_flush(n->h);
		offer = recv_until(n, now() + 2000 * MS, dhcp_reply, &d);
	}
	if (dt_check(offer, "DHCP: offer of %u.%u.%u.%u from server %u.%u.%u.%u", d.yiaddr[0],
		     d.yiaddr[1], d.yiaddr[2], d.yiaddr[3], d.server[0], d.server[1], d.server[2],
		     d.server[3])) {
		d.type = 5;
		for (int i = 0; i < 3 && !ack && !n->broken; i++) {
			if (!send_frame(n, n->tx, dhcp_frame(n, &d, 3)))
				break;
			hal_net_flush(n->h);
			ack = recv_until(n, now() + 2000 * MS, dhcp_reply, &d);
		}
		dt_check(ack, "DHCP: ack for %u.%u.%u.%u", d.yiaddr[0], d.yiaddr[1], d.yiaddr[2],
			 d.yiaddr[3]);
	}
}

/* ------------------------------------------------------------ tx burst --- */

static void test_tx_burst(struct net *n, unsigned int count)
{
	static uint8_t data[1472];
	unsigned long waits = n->waits, bytes = 0;
	unsigned int sent = 0;
	uint64_t t0 = now(), dt;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	for (; sent < count && !n->broken; sent++) {
		size_t len = 18 + (sent * 97) % (sizeof(data) - 18), l;

		l = udp_frame(n->tx, n->peer_mac, n->info.mac, n->ip, n->peer, 40000, DISCARD_PORT,
			      data, len);
		if (!send_frame(n, n->tx, l))
			break;
		/* No flush until the ring is full (send_frame flushes on
		 * HAL_AGAIN): the burst then always fills the ring, on a fast
		 * host as on a slow one, and the wait for room is tested. */
		bytes += l;
	}
	hal_net_flush(n->h);
	dt = now() - t0;
	dt_check(sent == count, "tx burst: %u of %u frames queued, %lu bytes in %lu ms "
		 "(%lu waits for room)", sent, count, bytes, (unsigned long)(dt / MS),
		 n->waits - waits);
	/* The peer may answer (ICMP port unreachable): read it all away. */
	recv_until(n, now() + 200 * MS, NULL, NULL);
}

/* --------------------------------------------------------------- main --- */

/*
 * Answer ARP and ping until the platform asks us to shut down.  gone: the
 * peer side will remove the device meanwhile (xl network-detach): reads and
 * writes must then fail with HAL_EIO, and the image still shut down cleanly.
 */
static void serve(struct net *n, bool gone)
{
	printf("devtest: serving ARP and ping on %u.%u.%u.%u until shut down\n", n->ip[0],
	       n->ip[1], n->ip[2], n->ip[3]);
	while (!shutdown_asked && !n->broken)
		recv_until(n, now() + 200 * MS, NULL, NULL);
	if (gone) {
		dt_check(n->broken && n->error == HAL_EIO &&
				 hal_net_write(n->h, n->tx, 60) == HAL_EIO,
			 "the device went away: reads and writes fail with HAL_EIO");
		while (!shutdown_asked)
			kern_wait_shutdown(now() + 200 * MS);
	}
	printf("devtest: shutdown requested; answered %lu pings and %lu ARP requests\n",
	       n->pings_answered, n->arp_answered);
	if (!gone)
		dt_check(!n->broken, "served until the shutdown request");
}

int devtest_net(int argc, char **argv)
{
	static struct net n;
	hal_handle_t h2;
	struct hal_net_info info2;
	const char *ip = dt_arg(argc, argv, "ip"), *peer = dt_arg(argc, argv, "peer");
	uint64_t t0;
	int rc;

	if (!dt_parse_ip(ip ? ip : "10.0.0.2", n.ip) ||
	    !dt_parse_ip(peer ? peer : "10.0.0.1", n.peer)) {
		printf("devtest: ip= and peer= take A.B.C.D\n");
		return 2;
	}
	kern_set_shutdown_handler(on_shutdown);
	t0 = now();
	rc = hal_net_acquire("net0", &n.h, &n.info);
	if (!dt_check(rc == HAL_OK, "acquire net0 (%d) in %lu ms", rc,
		      (unsigned long)((now() - t0) / MS)))
		return 1;
	printf("devtest: net0 mac %02x:%02x:%02x:%02x:%02x:%02x mtu %zu link %s\n",
	       n.info.mac[0], n.info.mac[1], n.info.mac[2], n.info.mac[3], n.info.mac[4],
	       n.info.mac[5], n.info.mtu, n.info.link_up ? "up" : "down");
	dt_check(n.info.mtu >= 576 && n.info.mtu + ETH_HLEN <= FRAME_MAX && !(n.info.mac[0] & 1),
		 "net0: sane mtu and a unicast mac");
	dt_check(hal_net_acquire("net0", &h2, &info2) == HAL_ENODEV,
		 "net0 cannot be acquired twice");
	dt_check(hal_net_acquire("net7", &h2, &info2) == HAL_ENODEV, "no net7");
	dt_check(hal_net_write(n.h, n.tx, 13) == HAL_EINVAL &&
			 hal_net_write(n.h, n.tx, n.info.mtu + ETH_HLEN + 1) == HAL_EINVAL &&
			 hal_net_write(HAL_MAX_HANDLES, n.tx, 60) == HAL_EINVAL,
		 "frames too short or too long, and bad handles, are refused");

	if (test_arp(&n)) {
		test_pings(&n, (unsigned int)dt_arg_num(argc, argv, "pings", 10));
		test_ping_burst(&n, 100, 5);
		if (dt_arg_num(argc, argv, "flood", 0))
			test_flood(&n, (unsigned int)dt_arg_num(argc, argv, "flood", 0));
		if (dt_arg_num(argc, argv, "dhcp", 1))
			test_dhcp(&n);
		test_tx_burst(&n, (unsigned int)dt_arg_num(argc, argv, "burst", 2000));
	}
	if (dt_arg_num(argc, argv, "serve", 0))
		serve(&n, dt_arg_num(argc, argv, "gone", 0));
	return 0;
}
