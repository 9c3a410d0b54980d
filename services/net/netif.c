// SPDX-License-Identifier: MIT
/*
 * The device glue: one lwIP interface per HAL network device ("net0"...),
 * nothing port-specific.
 *
 * Receive: each device has a thread that reads frames straight into
 * buffers lwIP then owns, until the device says HAL_AGAIN, handing each to
 * lwIP under the core lock (one lock per batch, not per frame), then
 * flushes what the batch made lwIP send (ACKs, ARP replies) and waits in
 * io_wait() for the device's next readiness edge.  A batch has a budget so
 * that a flood cannot starve the apps: past it the thread yields and goes
 * on without waiting.
 *
 * Transmit: lwIP's linkoutput writes the frame to the device, which copies
 * it.  When the device is full (HAL_AGAIN) the frame waits in a short ring
 * (a reference, not a copy) that the device thread drains when the device
 * reports room.  Past the queue's limit a TCP segment is refused (ERR_MEM):
 * lwIP keeps it unsent and sends it when the queue has drained (tcp_txnow);
 * other frames are dropped and counted, as a full device queue drops them
 * on Linux.  (Dropping TCP segments here cost each a retransmission
 * time-out: a response's last segment has nothing after it to set off a
 * fast retransmit.)  Writes are batched: the device is told at the end of
 * a receive batch, when the device thread drains its queue, and by
 * hal_wait() when the CPU goes idle (hal.h), so a burst of replies costs one
 * notification.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hal.h>
#include <hako/io.h>
#include <hako/printk.h>
#include <hako/thread.h>

#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/stats.h"
#include "netif/ethernet.h"

#include "net_internal.h"

#define RX_BUDGET 64  /* frames per batch before the apps get a turn */
#define TXQ_MAX CONFIG_NET_TXQ_FRAMES /* frames waiting for room in the device */

struct net_dev {
	struct netif netif;
	hal_handle_t h;
	struct hal_net_info info;
	char name[8];
	bool dead; /* the backend is gone (HAL_EIO) */
	struct pbuf *txq[TXQ_MAX]; /* frames waiting for room: a ring */
	unsigned txq_head, txq_len;
	uint8_t *bounce; /* a chained frame made contiguous */
	bool tcp_held;	 /* a TCP segment was refused since the last drain */
	uint64_t rx_frames, tx_frames, rx_nomem, tx_dropped, tx_held;
};

static struct net_dev *devs[CONFIG_NET_MAX_IFACES];
static unsigned nr_devs;

static void dev_gone(struct net_dev *d, const char *when)
{
	if (d->dead)
		return;
	d->dead = true;
	pr_err("hako: %s: the device failed while %s; interface down\n", d->name, when);
	netif_set_link_down(&d->netif);
	netif_set_down(&d->netif);
}

/* One frame to the device: HAL_OK, HAL_AGAIN or an error. */
static int dev_write(struct net_dev *d, struct pbuf *p)
{
	size_t max = d->info.mtu + 14;

	if (p->next == NULL)
		return hal_net_write(d->h, p->payload, p->len);
	if (p->tot_len > max)
		return HAL_EINVAL;
	pbuf_copy_partial(p, d->bounce, p->tot_len, 0);
	return hal_net_write(d->h, d->bounce, p->tot_len);
}

static void txq_push(struct net_dev *d, struct pbuf *p)
{
	if (d->txq_len == TXQ_MAX) {
		d->tx_dropped++;
		LINK_STATS_INC(link.drop);
		return;
	}
	/* A reference, not a copy: TCP leaves a segment that is still queued
	 * here alone rather than rewrite it (tcp_output_segment_busy). */
	pbuf_ref(p);
	d->txq[(d->txq_head + d->txq_len) % TXQ_MAX] = p;
	d->txq_len++;
}

/* Whether frame p carries TCP (lwIP builds a frame's headers in its first
 * buffer; its TCP over IPv6 has no extension headers). */
static bool frame_is_tcp(const struct pbuf *p)
{
	const uint8_t *f = p->payload;

	if (p->len >= 14 + 20 && f[12] == 0x08 && f[13] == 0x00)
		return f[14 + 9] == 6;
	if (p->len >= 14 + 40 && f[12] == 0x86 && f[13] == 0xdd)
		return f[14 + 6] == 6;
	return false;
}

static err_t dev_linkoutput(struct netif *netif, struct pbuf *p)
{
	struct net_dev *d = netif->state;
	int rc;

	if (d->dead)
		return ERR_IF;
	if (d->txq_len == TXQ_MAX && frame_is_tcp(p)) {
		d->tcp_held = true;
		d->tx_held++;
		return ERR_MEM;
	}
	if (d->txq_len) { /* keep the order: behind what waits already */
		txq_push(d, p);
		return ERR_OK;
	}
	rc = dev_write(d, p);
	if (rc == HAL_OK) {
		d->tx_frames++;
		LINK_STATS_INC(link.xmit);
		return ERR_OK;
	}
	if (rc == HAL_AGAIN) {
		txq_push(d, p);
		return ERR_OK;
	}
	if (rc == HAL_EIO)
		dev_gone(d, "sending");
	LINK_STATS_INC(link.err);
	return ERR_IF;
}

/* Send what waits; false when the device is still full. */
static bool txq_drain(struct net_dev *d)
{
	while (d->txq_len) {
		struct pbuf *p = d->txq[d->txq_head];
		int rc = d->dead ? HAL_EIO : dev_write(d, p);

		if (rc == HAL_AGAIN)
			return false;
		if (rc == HAL_OK) {
			d->tx_frames++;
			LINK_STATS_INC(link.xmit);
		} else if (rc == HAL_EIO) {
			dev_gone(d, "sending");
		}
		d->txq[d->txq_head] = NULL;
		d->txq_head = (d->txq_head + 1) % TXQ_MAX;
		d->txq_len--;
		pbuf_free(p);
	}
	return true;
}

/*
 * One receive batch, lock held.  Returns true when the device said
 * HAL_AGAIN (its next frame will be a readiness edge), false when the
 * budget ran out first or the device died.
 */
static bool rx_batch(struct net_dev *d)
{
	size_t max = d->info.mtu + 14;

	for (int n = 0; n < RX_BUDGET; n++) {
		struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)max, PBUF_RAM);
		size_t len;
		int rc;

		if (!p) {
			/* No memory: read the frame into the bounce buffer
			 * and drop it, so that the device keeps flowing. */
			rc = hal_net_read(d->h, d->bounce, max, &len);
			if (rc == HAL_OK) {
				d->rx_nomem++;
				LINK_STATS_INC(link.memerr);
				LINK_STATS_INC(link.drop);
				continue;
			}
		} else {
			rc = hal_net_read(d->h, p->payload, max, &len);
		}
		if (rc != HAL_OK) {
			pbuf_free(p);
			if (rc == HAL_AGAIN)
				return true;
			if (rc == HAL_EIO)
				dev_gone(d, "receiving");
			else
				pr_err("hako: %s: read failed (%d)\n", d->name, rc);
			return false;
		}
		d->rx_frames++;
		LINK_STATS_INC(link.recv);
		pbuf_realloc(p, (u16_t)len);
		if (d->netif.input(p, &d->netif) != ERR_OK)
			pbuf_free(p);
	}
	return false;
}

static void *dev_thread(void *arg)
{
	struct net_dev *d = arg;

	for (;;) {
		bool rx_idle, tx_done;

		net_lock();
		tx_done = txq_drain(d);
		if (tx_done && d->tcp_held) {
			/* Room again: the connections whose segments were
			 * refused send them now, not at their next ACK. */
			d->tcp_held = false;
			tcp_txnow();
		}
		rx_idle = d->dead || rx_batch(d);
		net_unlock();
		if (d->dead)
			break;
		hal_net_flush(d->h);
		if (!rx_idle) {
			thread_yield();
			continue;
		}
		(void)tx_done;
		/* Both directions said HAL_AGAIN (or have nothing to do): the
		 * next edge of either wakes us. */
		io_wait(d->h, WAITQ_FOREVER);
	}
	return NULL;
}

static err_t dev_netif_init(struct netif *n)
{
	struct net_dev *d = n->state;

	n->name[0] = 'n';
	n->name[1] = 'e';
	n->linkoutput = dev_linkoutput;
	n->output = etharp_output;
#if LWIP_IPV6
	n->output_ip6 = ethip6_output;
#endif
	n->mtu = (u16_t)d->info.mtu;
#if LWIP_IPV6
	n->mtu6 = n->mtu;
#endif
	n->hwaddr_len = 6;
	memcpy(n->hwaddr, d->info.mac, 6);
	n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET |
		   NETIF_FLAG_MLD6;
	return ERR_OK;
}

struct netif *net_dev_start(unsigned int index)
{
	struct net_dev *d;
	char tname[16];
	int rc;

	if (nr_devs == CONFIG_NET_MAX_IFACES)
		return NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		panic("net: no memory for a network device");
	snprintf(d->name, sizeof(d->name), "net%u", index);
	rc = hal_net_acquire(d->name, &d->h, &d->info);
	if (rc != HAL_OK) {
		if (rc != HAL_ENODEV)
			pr_err("hako: %s: could not be opened (%s); going on without it\n",
			       d->name, rc == HAL_EIO ? "backend failed" : "error");
		free(d);
		return NULL;
	}
	if (d->info.mtu < 576 || d->info.mtu > 65535 - 14) {
		pr_err("hako: %s: MTU %zu out of range; not used\n", d->name, d->info.mtu);
		free(d);
		return NULL;
	}
	d->bounce = malloc(d->info.mtu + 14);
	if (!d->bounce)
		panic("net: no memory for %s", d->name);
	if (!netif_add(&d->netif, NULL, NULL, NULL, d, dev_netif_init, ethernet_input)) {
		pr_err("hako: %s: lwIP refused the interface\n", d->name);
		free(d->bounce);
		free(d);
		return NULL;
	}
	devs[nr_devs++] = d;
	netif_set_up(&d->netif);
	if (d->info.link_up)
		netif_set_link_up(&d->netif);
	snprintf(tname, sizeof(tname), "%s-rx", d->name);
	if (!thread_create(tname, dev_thread, d, 0))
		panic("net: no memory for %s's thread", d->name);
	return &d->netif;
}

void net_dev_flush_all(void)
{
	for (unsigned i = 0; i < nr_devs; i++) {
		txq_drain(devs[i]);
		if (!devs[i]->dead)
			hal_net_flush(devs[i]->h);
	}
}

void net_dev_add_stats(struct net_stats *st)
{
	for (unsigned i = 0; i < nr_devs; i++) {
		st->rx_frames += devs[i]->rx_frames;
		st->tx_frames += devs[i]->tx_frames;
		st->rx_nomem += devs[i]->rx_nomem;
		st->tx_dropped += devs[i]->tx_dropped;
		st->tx_held += devs[i]->tx_held;
	}
}

bool net_dev_iface(struct netif *n, struct net_iface *out)
{
	for (unsigned i = 0; i < nr_devs; i++) {
		if (&devs[i]->netif != n)
			continue;
		snprintf(out->name, sizeof(out->name), "%s", devs[i]->name);
		out->up = netif_is_up(n) && !devs[i]->dead;
		return true;
	}
	return false;
}
