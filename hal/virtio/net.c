// SPDX-License-Identifier: MIT
/*
 * virtio-net (spec 5.1) behind hal.h's network calls: one receive and one
 * transmit queue, no control queue, no offloads (checksums and segments
 * are the stack's: offloading them would need flags in the HAL's frames).
 *
 * Receive: every buffer is 2 KiB, the 12-byte header then the frame (16-byte
 * aligned, for word-sized copies); the ring is kept full (a buffer goes back
 * as soon as its frame is copied out).  One buffer holds any frame the MTU
 * allows, but VIRTIO_NET_F_MRG_RXBUF is taken when offered: without it a
 * device drops a longer frame where the driver never sees it (QEMU does),
 * with it the driver gets the frame in several buffers and drops and counts
 * it itself (frames that a device splits although they fit are joined).
 * Receive interrupts are on only after hal_net_read() said HAL_AGAIN (the
 * HAL's edge), so a burst costs one.
 * Transmit: hal_net_write() copies the frame behind a zeroed header into a
 * free 2 KiB buffer and publishes it without telling the device;
 * hal_net_flush() (or hal_wait()) notifies once if the device asked for it
 * (EVENT_IDX).  Used buffers are reclaimed on the next write; transmit
 * interrupts are on only while the ring is full.
 *
 * What the device hands back is checked: the queue code drops entries with
 * bad ids or lengths (counted); here a frame shorter than an Ethernet
 * header or longer than the MTU allows is dropped and counted.
 */
#include <string.h>

#include <hako/printk.h>

#include "port.h"
#include "virtio.h"

#define NET_F_MTU (1ULL << 3)
#define NET_F_MAC (1ULL << 5)
#define NET_F_MRG_RXBUF (1ULL << 15)
#define NET_F_STATUS (1ULL << 16)
#define NET_S_LINK_UP 1
#define CFG_MAC 0
#define CFG_STATUS 6
#define CFG_MTU 10

#define RXQ 0
#define TXQ 1
#define RX_SIZE 256
#define TX_SIZE 256
#define BUF 2048
#define HDR 12 /* struct virtio_net_hdr with num_buffers (VERSION_1) */
#define HDR_NUM_BUFFERS 10
/* Where the header starts in a buffer: the frame then starts 16-byte
 * aligned, as the kernel's buffers do, so copies go by whole words. */
#define PAD 4
#define ETH_HDR 14
#define MTU_MAX 1500
#define RX_KICK_BATCH 32
#define DRAIN_NS (500 * 1000000ULL) /* at exit, for frames to leave */

struct vnet {
	struct virtq rx, tx;
	uint8_t *rxbuf, *txbuf;
	uint64_t rxdma, txdma;
	uint16_t tx_free[TX_SIZE];
	unsigned nr_tx_free;
	unsigned reposted; /* receive buffers given back since the last kick */
	unsigned skip;	   /* receive buffers left of a frame already dropped */
	bool mrg;	   /* VIRTIO_NET_F_MRG_RXBUF */
	size_t mtu;
	uint64_t rx_frames, tx_frames;
	struct {
		uint32_t rx_short, rx_long, rx_bad, tx_bad, rx_id, tx_id;
	} drops;
};

static size_t page_up(size_t n)
{
	return (n + 4095) & ~(size_t)4095;
}

size_t virtio_net_mem_needed(void)
{
	return page_up(sizeof(struct vnet)) + page_up(vq_ring_bytes(RX_SIZE)) +
	       page_up(vq_ring_bytes(TX_SIZE)) + (size_t)(RX_SIZE + TX_SIZE) * BUF;
}

static struct virtio_dev *get(hal_handle_t h, struct vnet **n)
{
	struct virtio_dev *d = virtio_get(h, VIRTIO_ID_NET);

	if (d)
		*n = d->driver;
	return d;
}

static void rx_post(struct virtio_dev *d, struct vnet *n, uintptr_t slot)
{
	struct vq_seg seg = { n->rxdma + slot * BUF + PAD, BUF - PAD, true };

	/* Cannot be full: a slot's buffer was just given back. */
	vq_add(&n->rx, &seg, 1, (void *)slot);
	if (++n->reposted >= RX_KICK_BATCH && d->acquired) {
		n->reposted = 0;
		virtio_kick(d, &n->rx);
	}
}

static int start(struct virtio_dev *d, struct hal_net_info *info)
{
	struct virtio_mem m = { d->mem, d->mem_dma, virtio_net_mem_needed() };
	uint64_t f;
	struct vnet *n;
	bool ev;

	if (virtio_begin(d, NET_F_MAC | NET_F_STATUS | NET_F_MTU | NET_F_MRG_RXBUF |
				    VIRTIO_F_RING_EVENT_IDX,
			 &f))
		return HAL_EIO;
	ev = f & VIRTIO_F_RING_EVENT_IDX;
	n = virtio_carve(&m, page_up(sizeof(*n)), 4096, NULL);
	memset(n, 0, sizeof(*n));
	n->mrg = f & NET_F_MRG_RXBUF;
	if (virtio_queue_setup(d, &n->rx, RXQ, RX_SIZE, ev, &m) ||
	    virtio_queue_setup(d, &n->tx, TXQ, TX_SIZE, ev, &m))
		return HAL_EIO;
	n->rxbuf = virtio_carve(&m, (size_t)RX_SIZE * BUF, 4096, &n->rxdma);
	n->txbuf = virtio_carve(&m, (size_t)TX_SIZE * BUF, 4096, &n->txdma);

	n->mtu = MTU_MAX;
	if (f & NET_F_MTU) {
		size_t mtu = d->t->config_read(d, CFG_MTU, 2);

		if (mtu >= 68 && mtu < MTU_MAX)
			n->mtu = mtu;
	}
	if (f & NET_F_MAC) {
		for (unsigned i = 0; i < 6; i++)
			info->mac[i] = (uint8_t)d->t->config_read(d, CFG_MAC + i, 1);
	} else {
		/* No address from the device: a random, locally administered one. */
		if (hal_entropy(info->mac, 6) != HAL_OK)
			memcpy(info->mac, "\x52\x54\x00\x12\x34\x56", 6);
		info->mac[0] = (uint8_t)((info->mac[0] & 0xfe) | 0x02);
	}
	info->mtu = n->mtu;
	info->link_up = !(f & NET_F_STATUS) ||
			(d->t->config_read(d, CFG_STATUS, 2) & NET_S_LINK_UP);

	d->driver = n;
	for (uintptr_t s = 0; s < n->rx.size; s++)
		rx_post(d, n, s); /* no kick: d is not acquired yet */
	for (unsigned s = 0; s < n->tx.size; s++)
		n->tx_free[s] = (uint16_t)s;
	n->nr_tx_free = n->tx.size;
	vq_intr_enable(&n->rx);
	virtio_ready(d);
	n->reposted = 0;
	virtio_kick(d, &n->rx); /* notifications only after DRIVER_OK */
	return HAL_OK;
}

int hal_net_acquire(const char *name, hal_handle_t *h, struct hal_net_info *info)
{
	struct virtio_dev *d = virtio_find(VIRTIO_ID_NET, name, "net");

	if (!d)
		return HAL_ENODEV;
	if (!virtio_take_mem(d, virtio_net_mem_needed()) || start(d, info) != HAL_OK)
		return HAL_EIO;
	virtio_acquired(d, name);
	*h = d->handle;
	return HAL_OK;
}

/* Take back what the device has sent.  false when the queue broke. */
static bool tx_reclaim(struct virtio_dev *d, struct vnet *n)
{
	void *cookie;
	uint32_t len;
	int r;

	while ((r = vq_get_used(&n->tx, &cookie, &len)) > 0) {
		if (r == VQ_DROPPED)
			virtio_report_bad(d, "transmit entry with a bad length", ++n->drops.tx_bad);
		n->tx_free[n->nr_tx_free++] = (uint16_t)(uintptr_t)cookie;
	}
	virtio_report_queue(d, &n->tx, &n->drops.tx_id);
	if (r == VQ_BROKEN) {
		virtio_fail(d, "transmit ring corrupted by the device (used index)");
		return false;
	}
	return true;
}

int hal_net_write(hal_handle_t h, const void *frame, size_t len)
{
	struct vnet *n;
	struct virtio_dev *d = get(h, &n);
	struct vq_seg seg;
	uint8_t *buf;
	unsigned s;

	if (!d || len < ETH_HDR || len > n->mtu + ETH_HDR)
		return HAL_EINVAL;
	if (d->failed || !tx_reclaim(d, n))
		return HAL_EIO;
	if (!n->nr_tx_free) {
		/* Full: ask to hear of room, unless some came meanwhile. */
		virtio_kick(d, &n->tx);
		if (!vq_intr_enable(&n->tx))
			return HAL_AGAIN;
		if (!tx_reclaim(d, n))
			return HAL_EIO;
		if (!n->nr_tx_free)
			return HAL_AGAIN;
	}
	if (n->tx.intr_on)
		vq_intr_disable(&n->tx);
	s = n->tx_free[--n->nr_tx_free];
	buf = n->txbuf + (size_t)s * BUF + PAD;
	memset(buf, 0, HDR);
	memcpy(buf + HDR, frame, len);
	seg = (struct vq_seg){ n->txdma + (size_t)s * BUF + PAD, (uint32_t)(HDR + len), false };
	if (vq_add(&n->tx, &seg, 1, (void *)(uintptr_t)s) != 0) {
		n->tx_free[n->nr_tx_free++] = (uint16_t)s;
		return n->tx.broken ? HAL_EIO : HAL_AGAIN;
	}
	n->tx_frames++;
	return HAL_OK;
}

void hal_net_flush(hal_handle_t h)
{
	struct vnet *n;
	struct virtio_dev *d = get(h, &n);

	if (d && !d->failed)
		virtio_kick(d, &n->tx);
}

void virtio_net_flush_all(void)
{
	struct virtio_dev *d;

	for (hal_handle_t h = 0; h < VIRTIO_MAX_DEVICES; h++) {
		struct vnet *n;

		if (!(d = virtio_get(h, VIRTIO_ID_NET)) || d->failed)
			continue;
		n = d->driver;
		virtio_kick(d, &n->tx);
		/* Receive buffers given back but not yet announced. */
		n->reposted = 0;
		virtio_kick(d, &n->rx);
	}
}

static uint8_t *rx_data(struct vnet *n, uintptr_t s)
{
	return n->rxbuf + s * BUF + PAD;
}

/* The next used receive buffer: its slot and length (VQ_GOT), its slot
 * (VQ_DROPPED), or VQ_EMPTY or VQ_BROKEN. */
static int rx_take(struct vnet *n, uintptr_t *s, uint32_t *l)
{
	void *cookie;
	int r = vq_get_used(&n->rx, &cookie, l);

	if (r == VQ_GOT || r == VQ_DROPPED)
		*s = (uintptr_t)cookie;
	return r;
}

static int rx_broken(struct virtio_dev *d, struct vnet *n)
{
	virtio_report_queue(d, &n->rx, &n->drops.rx_id);
	virtio_fail(d, "receive ring corrupted by the device (used index)");
	return HAL_EIO;
}

static int rx_drop(struct virtio_dev *d, const char *what, uint32_t *count)
{
	virtio_report_bad(d, what, ++*count);
	return HAL_AGAIN;
}

/*
 * One frame, whose first buffer is slot s with used length l (r: the
 * queue's verdict), into buf: HAL_OK, HAL_EIO, or HAL_AGAIN when it was
 * dropped.  Every buffer it used goes back to the device.
 */
static int rx_frame(struct virtio_dev *d, struct vnet *n, int r, uintptr_t s, uint32_t l,
		    uint8_t *buf, size_t *len)
{
	size_t total = 0, max = n->mtu + ETH_HDR;
	uint16_t nb = 1;
	bool bad = r == VQ_DROPPED || l < HDR;

	if (!bad) {
		if (n->mrg)
			memcpy(&nb, rx_data(n, s) + HDR_NUM_BUFFERS, 2);
		total = l - HDR;
		if (nb == 0 || nb > n->rx.size)
			bad = true, nb = 1;
		else if (total <= max)
			memcpy(buf, rx_data(n, s) + HDR, total);
	}
	rx_post(d, n, s);
	/* The rest of a frame in mergeable buffers: data only, no header. */
	for (unsigned k = 1; k < nb; k++) {
		r = rx_take(n, &s, &l);
		if (r == VQ_BROKEN)
			return rx_broken(d, n);
		if (r == VQ_EMPTY) {
			/* Not all there: drop what came, skip the rest later. */
			n->skip = nb - k;
			return rx_drop(d, "received frame with buffers missing", &n->drops.rx_bad);
		}
		if (r == VQ_DROPPED)
			bad = true;
		else if (total + l <= max)
			memcpy(buf + total, rx_data(n, s), l);
		total += l;
		rx_post(d, n, s);
	}
	if (bad)
		return rx_drop(d, "receive entry malformed (length or buffer count)",
			       &n->drops.rx_bad);
	if (total > max)
		return rx_drop(d, "received frame longer than the MTU", &n->drops.rx_long);
	if (total < ETH_HDR)
		return rx_drop(d, "received frame shorter than its headers", &n->drops.rx_short);
	*len = total;
	n->rx_frames++;
	return HAL_OK;
}

int hal_net_read(hal_handle_t h, void *buf, size_t size, size_t *len)
{
	struct vnet *n;
	struct virtio_dev *d = get(h, &n);
	uintptr_t s = 0;
	uint32_t l = 0;
	int r;

	if (!d || size < n->mtu + ETH_HDR)
		return HAL_EINVAL;
	for (;;) {
		if (d->failed)
			return HAL_EIO;
		r = rx_take(n, &s, &l);
		if (r == VQ_EMPTY) {
			virtio_report_queue(d, &n->rx, &n->drops.rx_id);
			n->reposted = 0;
			virtio_kick(d, &n->rx);
			/* The edge: an interrupt for the next frame, unless one
			 * slipped in before we asked. */
			if (vq_intr_enable(&n->rx))
				continue;
			return HAL_AGAIN;
		}
		if (r == VQ_BROKEN)
			return rx_broken(d, n);
		if (n->rx.intr_on)
			vq_intr_disable(&n->rx);
		if (n->skip) { /* the rest of a frame already dropped */
			n->skip--;
			rx_post(d, n, s);
			continue;
		}
		r = rx_frame(d, n, r, s, l, buf, len);
		if (r != HAL_AGAIN)
			return r;
	}
}

void virtio_net_drain(struct virtio_dev *d)
{
	struct vnet *n = d->driver;
	uint64_t deadline = hal_clock_monotonic() + DRAIN_NS;

	if (d->failed)
		return;
	virtio_kick(d, &n->tx);
	while (n->tx.in_flight && tx_reclaim(d, n) && hal_clock_monotonic() < deadline)
		;
	if (n->tx.in_flight)
		pr_warn("hako: %s: %u frames not sent at exit\n", d->name, n->tx.in_flight);
}

void virtio_net_report(struct virtio_dev *d)
{
	struct vnet *n = d->driver;

	printk(LOG_INFO,
	       "hako: %s (virtio %s): frames in %llu out %llu; dropped: runts %u, oversized %u, "
	       "bad descriptors %u\n",
	       d->name, d->where, (unsigned long long)n->rx_frames,
	       (unsigned long long)n->tx_frames, n->drops.rx_short, n->drops.rx_long,
	       n->drops.rx_bad + n->drops.tx_bad + n->drops.rx_id + n->drops.tx_id);
}
