// SPDX-License-Identifier: MIT
/*
 * The virtio drivers (hal/virtio/net.c, blk.c, virtio.c) through hal.h's
 * calls, over a fake transport and a device model that works on the rings
 * and buffers as QEMU would: the start-up handshake and its failures,
 * frames in and out (the header, the copy, one notification per burst,
 * the ring kept full, the edge-triggered interrupt requests), a full
 * transmit ring, and a hostile device (frames shorter than a header,
 * longer than the MTU or than their buffer, a corrupted used index); block
 * requests (header, direction, several in flight, status), flushes with
 * and without the feature, read-only disks, a full queue and a device that
 * breaks with requests in flight.  Each test forks: the device table is
 * filled once per process.
 */
#include <stdlib.h>
#include <string.h>

#include <hal.h>
#include <virtio/port.h>
#include <virtio/virtio.h>

#include "unit.h"

/* ---- the fake transport and device */

struct fake {
	uint64_t features;	/* offered */
	uint64_t negotiated;
	uint8_t status, status_log[16];
	unsigned nr_status;
	bool refuse_features;
	bool sync_tx; /* send (use) transmit buffers as soon as notified */
	uint8_t config[64];
	struct virtq *q[4];
	unsigned kicks[4];
	uint16_t seen_avail[4]; /* the device's last_avail per queue */
	uint16_t used[4];	/* the device's used idx per queue */
	uint16_t held[4][256];	/* heads taken from avail, not yet used */
	unsigned nheld[4];
} dev;

static uint64_t f_get_features(struct virtio_dev *d)
{
	return dev.features;
}

static void f_set_features(struct virtio_dev *d, uint64_t f)
{
	dev.negotiated = f;
}

static uint8_t f_get_status(struct virtio_dev *d)
{
	return dev.status;
}

static void f_set_status(struct virtio_dev *d, uint8_t s)
{
	if (s & VIRTIO_STATUS_FEATURES_OK && dev.refuse_features)
		s &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
	dev.status = s;
	if (dev.nr_status < 16)
		dev.status_log[dev.nr_status++] = s;
}

static uint32_t f_config_read(struct virtio_dev *d, unsigned off, unsigned size)
{
	uint32_t v = 0;

	if (off + size <= sizeof(dev.config))
		memcpy(&v, dev.config + off, size);
	return v;
}

static uint32_t f_config_generation(struct virtio_dev *d)
{
	return 0;
}

static uint16_t f_queue_max(struct virtio_dev *d, uint16_t index)
{
	return index < 2 ? 1024 : 0; /* more than the drivers take */
}

static int f_irq_setup(struct virtio_dev *d)
{
	return HAL_OK;
}

static int f_queue_enable(struct virtio_dev *d, struct virtq *q)
{
	dev.q[q->index] = q;
	return HAL_OK;
}

static void dev_take(unsigned qi);
static uint16_t dev_use(unsigned qi, unsigned k, uint32_t id, uint32_t len);

static void f_notify(struct virtio_dev *d, struct virtq *q)
{
	ck_assert_msg(dev.status & VIRTIO_STATUS_DRIVER_OK, "notified before DRIVER_OK");
	dev.kicks[q->index]++;
	if (q->index == 1 && dev.sync_tx) {
		dev_take(1);
		while (dev.nheld[1])
			dev_use(1, 0, UINT32_MAX, 0);
	}
}

static const struct virtio_transport fake_transport = {
	f_get_features, f_set_features, f_get_status, f_set_status, f_config_read,
	f_config_generation, f_queue_max, f_irq_setup, f_queue_enable, f_notify,
};

/* The device takes what queue qi published. */
static void dev_take(unsigned qi)
{
	struct virtq *q = dev.q[qi];

	while (dev.seen_avail[qi] != q->avail->idx) {
		uint16_t head = q->avail->ring[dev.seen_avail[qi]++ & (q->size - 1)];

		ck_assert_uint_lt(head, q->size);
		dev.held[qi][dev.nheld[qi]++] = head;
	}
}

/* The device hands back held chain k of queue qi with len. */
static uint16_t dev_use(unsigned qi, unsigned k, uint32_t id, uint32_t len)
{
	struct virtq *q = dev.q[qi];
	uint16_t head = dev.held[qi][k];

	dev.held[qi][k] = dev.held[qi][--dev.nheld[qi]];
	q->used->ring[dev.used[qi] & (q->size - 1)].id = id == UINT32_MAX ? head : id;
	q->used->ring[dev.used[qi] & (q->size - 1)].len = len;
	q->used->idx = ++dev.used[qi];
	return head;
}

/* The buffer of chain head's descriptor n. */
static volatile struct vq_desc *desc(unsigned qi, uint16_t head, unsigned n)
{
	struct virtq *q = dev.q[qi];
	uint16_t i = head;

	while (n--) {
		ck_assert(q->desc[i].flags & VQ_DESC_F_NEXT);
		i = q->desc[i].next;
	}
	return &q->desc[i];
}

static uint8_t *buf_of(volatile struct vq_desc *d)
{
	return (uint8_t *)(uintptr_t)d->addr;
}

/* ---- what the port provides */

static hal_ready_set raised;

void *vport_alloc(size_t size, uint64_t *dma)
{
	void *p = unit_map(size);

	*dma = (uintptr_t)p;
	return p;
}

uint64_t vport_dma_addr(const void *p)
{
	return (uintptr_t)p;
}

void vport_raise(hal_handle_t h)
{
	raised |= 1ULL << h;
}

int hal_entropy(void *buf, size_t len)
{
	memset(buf, 0x5a, len);
	return HAL_OK;
}

/* ---- virtio-net */

#define NET_F_MAC (1ULL << 5)
#define NET_F_STATUS (1ULL << 16)
#define NET_F_MRG_RXBUF (1ULL << 15)
#define HDR 12

static hal_handle_t net_setup(uint64_t features, struct hal_net_info *info)
{
	hal_handle_t h;

	memset(&dev, 0, sizeof(dev));
	dev.features = features;
	memcpy(dev.config, "\x52\x54\x00\xaa\xbb\xcc\x01\x00", 8); /* MAC, link up */
	ck_assert_ptr_nonnull(virtio_register(VIRTIO_ID_NET, &fake_transport, NULL, "fake-net"));
	ck_assert_int_eq(hal_net_acquire("net0", &h, info), HAL_OK);
	return h;
}

#define ALL_NET (VIRTIO_F_VERSION_1 | VIRTIO_F_RING_EVENT_IDX | NET_F_MAC | NET_F_STATUS | \
		 NET_F_MRG_RXBUF)

START_TEST(net_acquire_negotiates_and_fills_the_ring)
{
	struct hal_net_info info;
	hal_handle_t h = net_setup(ALL_NET, &info), h2;
	static const uint8_t want[] = { 1, 3, 11, 15 };

	ck_assert_uint_eq(h, 0);
	ck_assert_mem_eq(info.mac, "\x52\x54\x00\xaa\xbb\xcc", 6);
	ck_assert_uint_eq(info.mtu, 1500);
	ck_assert(info.link_up);
	/* What the driver does not use is not taken (no CSUM). */
	dev.features |= 1; /* VIRTIO_NET_F_CSUM, offered after the fact: not taken */
	ck_assert_uint_eq(dev.negotiated, ALL_NET);
	/* ACK, DRIVER, FEATURES_OK, DRIVER_OK, after a reset. */
	ck_assert_uint_eq(dev.status_log[0], 0);
	for (unsigned i = 0; i < 4; i++)
		ck_assert_uint_eq(dev.status_log[1 + i], want[i]);
	/* Every receive buffer posted, device-writable, announced once. */
	ck_assert_uint_eq(dev.q[0]->avail->idx, dev.q[0]->size);
	ck_assert_uint_eq(dev.q[0]->size, 256);
	ck_assert_uint_eq(dev.kicks[0], 1);
	dev_take(0);
	ck_assert(desc(0, dev.held[0][0], 0)->flags & VQ_DESC_F_WRITE);
	ck_assert_uint_ge(desc(0, dev.held[0][0], 0)->len, HDR + 1514);
	/* Once only; other names are no device. */
	ck_assert_int_eq(hal_net_acquire("net0", &h2, &info), HAL_ENODEV);
	ck_assert_int_eq(hal_net_acquire("net1", &h2, &info), HAL_ENODEV);
	ck_assert_int_eq(hal_net_acquire("net", &h2, &info), HAL_ENODEV);
	ck_assert_int_eq(hal_net_acquire("net00x", &h2, &info), HAL_ENODEV);
	ck_assert_int_eq(hal_net_acquire("disk0", &h2, &info), HAL_ENODEV);
}
END_TEST

START_TEST(net_refuses_a_legacy_device)
{
	struct hal_net_info info;
	hal_handle_t h;

	memset(&dev, 0, sizeof(dev));
	dev.features = NET_F_MAC;
	virtio_register(VIRTIO_ID_NET, &fake_transport, NULL, "legacy");
	ck_assert_int_eq(hal_net_acquire("net0", &h, &info), HAL_EIO);
	ck_assert(dev.status & VIRTIO_STATUS_FAILED);
	ck_assert(strstr(unit_log_last, "legacy"));
	/* And one that refuses the features. */
	dev.features = VIRTIO_F_VERSION_1;
	dev.refuse_features = true;
	ck_assert_int_eq(hal_net_acquire("net0", &h, &info), HAL_EIO);
	ck_assert(dev.status & VIRTIO_STATUS_FAILED);
	/* Fixed: the same device can be acquired (its memory is reused). */
	dev.refuse_features = false;
	ck_assert_int_eq(hal_net_acquire("net0", &h, &info), HAL_OK);
	ck_assert(info.mac[0] & 2); /* no MAC feature: locally administered */
	ck_assert(!(info.mac[0] & 1));
}
END_TEST

/* The device puts len bytes (header included when first) into the next
 * receive buffer: the header says nb buffers, the data is byte v. */
static void deliver_part(uint32_t len, uint8_t v, bool first, uint16_t nb)
{
	volatile struct vq_desc *d;
	uint32_t room, h = first ? HDR : 0;
	uint8_t *b;

	dev_take(0);
	ck_assert_uint_gt(dev.nheld[0], 0);
	d = desc(0, dev.held[0][0], 0);
	b = buf_of(d);
	room = d->len;
	if (first) {
		memset(b, 0, HDR);
		memcpy(b + 10, &nb, 2);
	}
	memset(b + h, v, (len > room ? room : len) - h);
	dev_use(0, 0, UINT32_MAX, len);
}

/* The device delivers a frame of len bytes (header included) into the
 * next receive buffer, filled with byte v after the header. */
static void deliver(uint32_t len, uint8_t v)
{
	volatile struct vq_desc *d;
	uint32_t room;
	uint8_t *b;

	dev_take(0);
	ck_assert_uint_gt(dev.nheld[0], 0);
	d = desc(0, dev.held[0][0], 0);
	b = buf_of(d);
	room = d->len;
	if (len == UINT32_MAX)
		len = room + 1; /* a lie: more than the buffer holds */
	memset(b, 0, HDR);
	b[10] = 1; /* num_buffers */
	memset(b + HDR, v, (len > room ? room : len) - HDR);
	dev_use(0, 0, UINT32_MAX, len);
}

START_TEST(net_read_checks_what_the_device_hands_back)
{
	struct hal_net_info info;
	hal_handle_t h = net_setup(ALL_NET, &info);
	static uint8_t buf[1514];
	size_t len;
	unsigned logs;

	ck_assert_int_eq(hal_net_read(h, buf, sizeof(buf), &len), HAL_AGAIN);
	ck_assert_int_eq(hal_net_read(h, buf, sizeof(buf) - 1, &len), HAL_EINVAL);
	ck_assert_int_eq(hal_net_read(h + 1, buf, sizeof(buf), &len), HAL_EINVAL);
	deliver(HDR + 60, 0x11);
	deliver(HDR + 13, 0x22);   /* shorter than an Ethernet header */
	deliver(HDR, 0x22);	   /* a header alone */
	deliver(HDR + 1515, 0x33); /* longer than the MTU allows */
	deliver(UINT32_MAX, 0x44); /* longer than its buffer */
	deliver(HDR + 1514, 0x55);
	logs = unit_log_count;
	ck_assert_int_eq(hal_net_read(h, buf, sizeof(buf), &len), HAL_OK);
	ck_assert_uint_eq(len, 60);
	ck_assert_uint_eq(buf[0], 0x11);
	ck_assert_uint_eq(buf[59], 0x11);
	ck_assert_int_eq(hal_net_read(h, buf, sizeof(buf), &len), HAL_OK);
	ck_assert_uint_eq(len, 1514);
	ck_assert_uint_eq(buf[1513], 0x55);
	ck_assert_int_eq(hal_net_read(h, buf, sizeof(buf), &len), HAL_AGAIN);
	/* Each said: 1st and 2nd short ones, the long one, the lie (then the
	 * powers of two only). */
	ck_assert_uint_eq(unit_log_count - logs, 4);
	/* Frames start 16-byte aligned in the buffers (word copies). */
	dev_take(0);
	ck_assert_uint_eq((uintptr_t)(buf_of(desc(0, dev.held[0][0], 0)) + HDR) % 16, 0);
	/* Every buffer is back with the device: the ring stays full. */
	dev_take(0);
	ck_assert_uint_eq(dev.nheld[0], 256);
	ck_assert_uint_eq(dev.q[0]->in_flight, 256);
}
END_TEST

START_TEST(net_mergeable_buffers)
{
	struct hal_net_info info;
	hal_handle_t h = net_setup(ALL_NET, &info);
	static uint8_t buf[1514];
	size_t len;

	/* A frame that fits, split in two by the device: joined. */
	deliver_part(HDR + 1000, 0x61, true, 2);
	deliver_part(400, 0x62, false, 0);
	/* 9000 bytes in five buffers: dropped, counted, buffers back. */
	deliver_part(2044, 0x70, true, 5);
	for (int i = 0; i < 3; i++)
		deliver_part(2044, 0x71, false, 0);
	deliver_part(9000 + HDR - 4 * 2044, 0x72, false, 0);
	/* No buffers at all, and more buffers than the ring has. */
	deliver_part(HDR + 60, 0x73, true, 0);
	deliver_part(HDR + 60, 0x74, true, 300);
	deliver(HDR + 60, 0x75);
	ck_assert_int_eq(hal_net_read(h, buf, sizeof(buf), &len), HAL_OK);
	ck_assert_uint_eq(len, 1400);
	ck_assert_uint_eq(buf[999], 0x61);
	ck_assert_uint_eq(buf[1000], 0x62);
	ck_assert_uint_eq(buf[1399], 0x62);
	ck_assert_int_eq(hal_net_read(h, buf, sizeof(buf), &len), HAL_OK);
	ck_assert_uint_eq(buf[0], 0x75);
	ck_assert_int_eq(hal_net_read(h, buf, sizeof(buf), &len), HAL_AGAIN);
	/* A frame whose last buffer comes late: dropped, and the late buffer
	 * is skipped, not taken for a frame of its own. */
	deliver_part(HDR + 1000, 0x80, true, 2);
	ck_assert_int_eq(hal_net_read(h, buf, sizeof(buf), &len), HAL_AGAIN);
	deliver_part(400, 0x81, false, 0);
	deliver(HDR + 60, 0x82);
	ck_assert_int_eq(hal_net_read(h, buf, sizeof(buf), &len), HAL_OK);
	ck_assert_uint_eq(buf[0], 0x82);
	dev_take(0);
	ck_assert_uint_eq(dev.nheld[0], 256); /* every buffer is back */
	virtio_exit();
	ck_assert_str_eq(unit_log_last, "hako: net0 (virtio fake-net): frames in 3 out 0; "
					"dropped: runts 0, oversized 1, bad descriptors 3\n");
}
END_TEST

START_TEST(net_receive_interrupts_follow_the_edge)
{
	struct hal_net_info info;
	hal_handle_t h = net_setup(ALL_NET, &info);
	volatile uint16_t *used_event;
	static uint8_t buf[1514];
	size_t len;

	used_event = &dev.q[0]->avail->ring[dev.q[0]->size];
	ck_assert_int_eq(hal_net_read(h, buf, sizeof(buf), &len), HAL_AGAIN);
	/* Asked for an interrupt at the next used entry. */
	ck_assert_uint_eq(*used_event, dev.used[0]);
	deliver(HDR + 60, 1);
	deliver(HDR + 60, 2);
	ck_assert_int_eq(hal_net_read(h, buf, sizeof(buf), &len), HAL_OK);
	/* While reading: no interrupts asked for (the event is behind). */
	ck_assert_uint_eq((uint16_t)(*used_event + 1), dev.q[0]->last_used);
	ck_assert_int_eq(hal_net_read(h, buf, sizeof(buf), &len), HAL_OK);
	ck_assert_int_eq(hal_net_read(h, buf, sizeof(buf), &len), HAL_AGAIN);
	ck_assert_uint_eq(*used_event, dev.used[0]);
}
END_TEST

START_TEST(net_write_copies_and_a_burst_costs_one_notification)
{
	struct hal_net_info info;
	hal_handle_t h = net_setup(ALL_NET, &info);
	static uint8_t frame[1514];
	volatile uint16_t *avail_event = (volatile uint16_t *)&dev.q[1]->used->ring[dev.q[1]->size];

	ck_assert_int_eq(hal_net_write(h, frame, 13), HAL_EINVAL);
	ck_assert_int_eq(hal_net_write(h, frame, 1515), HAL_EINVAL);
	ck_assert_int_eq(hal_net_write(h + 3, frame, 60), HAL_EINVAL);
	*avail_event = 0; /* the device wants to hear of the next buffer */
	for (unsigned i = 0; i < 100; i++) {
		memset(frame, (int)i, sizeof(frame));
		ck_assert_int_eq(hal_net_write(h, frame, 60 + i), HAL_OK);
	}
	ck_assert_uint_eq(dev.kicks[1], 0); /* nothing until the flush */
	hal_net_flush(h);
	hal_net_flush(h);
	ck_assert_uint_eq(dev.kicks[1], 1);
	dev_take(1);
	ck_assert_uint_eq(dev.nheld[1], 100);
	for (unsigned i = 0; i < 100; i++) {
		volatile struct vq_desc *d = desc(1, dev.held[1][i], 0);
		uint8_t *b = buf_of(d);

		ck_assert(!(d->flags & VQ_DESC_F_WRITE));
		ck_assert_uint_eq(d->len, HDR + 60 + i);
		for (unsigned k = 0; k < HDR; k++)
			ck_assert_uint_eq(b[k], 0);
		ck_assert_uint_eq(b[HDR], i);
		ck_assert_uint_eq(b[HDR + 59 + i], i);
	}
	/* The device is busy (its event is behind): more frames, no kick. */
	*avail_event = (uint16_t)(dev.seen_avail[1] - 1);
	ck_assert_int_eq(hal_net_write(h, frame, 60), HAL_OK);
	hal_net_flush(h);
	ck_assert_uint_eq(dev.kicks[1], 1);
	/* hal_wait's flush (virtio_before_wait) announces too, once the
	 * device asks to hear of the next buffer. */
	*avail_event = dev.q[1]->avail->idx;
	ck_assert_int_eq(hal_net_write(h, frame, 60), HAL_OK);
	virtio_before_wait();
	ck_assert_uint_eq(dev.kicks[1], 2);
}
END_TEST

START_TEST(net_full_transmit_ring)
{
	struct hal_net_info info;
	hal_handle_t h = net_setup(ALL_NET, &info);
	static uint8_t frame[60];
	volatile uint16_t *used_event = &dev.q[1]->avail->ring[dev.q[1]->size];
	unsigned n = 0;

	while (hal_net_write(h, frame, sizeof(frame)) == HAL_OK)
		n++;
	ck_assert_uint_eq(n, 256);
	/* AGAIN asked for an interrupt once room comes, and told the device. */
	ck_assert_uint_eq(*used_event, dev.used[1]);
	ck_assert(dev.q[1]->intr_on);
	dev_take(1);
	dev_use(1, 0, UINT32_MAX, 0);
	ck_assert_int_eq(hal_net_write(h, frame, sizeof(frame)), HAL_OK);
	ck_assert(!dev.q[1]->intr_on); /* room again: no more interrupts */
	ck_assert_int_eq(hal_net_write(h, frame, sizeof(frame)), HAL_AGAIN);
}
END_TEST

/* At exit, what hal_net_write() took is handed to the device first. */
START_TEST(net_exit_sends_what_was_written)
{
	struct hal_net_info info;
	hal_handle_t h = net_setup(ALL_NET, &info);
	static uint8_t frame[60];
	volatile uint16_t *avail_event = (volatile uint16_t *)&dev.q[1]->used->ring[dev.q[1]->size];

	*avail_event = 0;
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(hal_net_write(h, frame, sizeof(frame)), HAL_OK);
	ck_assert_uint_eq(dev.kicks[1], 0);
	dev.sync_tx = true;
	virtio_exit();
	ck_assert_uint_eq(dev.kicks[1], 1);
	ck_assert_uint_eq(dev.q[1]->in_flight, 0);
	ck_assert_str_eq(unit_log_last, "hako: net0 (virtio fake-net): frames in 0 out 3; "
					"dropped: runts 0, oversized 0, bad descriptors 0\n");
}
END_TEST

START_TEST(net_corrupted_used_index_is_an_io_error)
{
	struct hal_net_info info;
	hal_handle_t h = net_setup(ALL_NET, &info);
	static uint8_t buf[1514];
	size_t len;

	dev.q[0]->used->idx = 300; /* 256 buffers in flight */
	ck_assert_int_eq(hal_net_read(h, buf, sizeof(buf), &len), HAL_EIO);
	ck_assert(dev.status & VIRTIO_STATUS_FAILED);
	ck_assert_int_eq(hal_net_read(h, buf, sizeof(buf), &len), HAL_EIO);
	ck_assert_int_eq(hal_net_write(h, buf, 60), HAL_EIO);
	hal_net_flush(h); /* harmless */
	virtio_before_wait();
}
END_TEST

START_TEST(net_bad_ids_are_dropped)
{
	struct hal_net_info info;
	hal_handle_t h = net_setup(ALL_NET, &info);
	static uint8_t buf[1514];
	size_t len;
	unsigned logs = unit_log_count;

	dev_take(0);
	dev_use(0, 0, 999, HDR + 60);  /* out of range */
	dev_use(0, 0, 5000, HDR + 60); /* out of range */
	deliver(HDR + 60, 7);
	ck_assert_int_eq(hal_net_read(h, buf, sizeof(buf), &len), HAL_OK);
	ck_assert_uint_eq(buf[0], 7);
	ck_assert_int_eq(hal_net_read(h, buf, sizeof(buf), &len), HAL_AGAIN);
	ck_assert_uint_eq(dev.q[0]->stats.bad_id, 2);
	ck_assert_uint_ge(unit_log_count - logs, 2); /* reported: 1st, 2nd */
}
END_TEST

/* ---- virtio-blk */

#define BLK_F_RO (1ULL << 5)
#define BLK_F_BLK_SIZE (1ULL << 6)
#define BLK_F_FLUSH (1ULL << 9)

static hal_handle_t blk_setup(uint64_t features, uint64_t sectors, struct hal_block_info *info)
{
	hal_handle_t h;

	memset(&dev, 0, sizeof(dev));
	dev.features = features | VIRTIO_F_VERSION_1 | VIRTIO_F_RING_EVENT_IDX;
	memcpy(dev.config, &sectors, 8);
	memcpy(dev.config + 20, "\x00\x10\x00\x00", 4); /* blk_size 4096 */
	/* A NIC first: the disk's handle is 1. */
	virtio_register(VIRTIO_ID_NET, &fake_transport, NULL, "nic");
	ck_assert_ptr_nonnull(virtio_register(VIRTIO_ID_BLOCK, &fake_transport, NULL, "disk"));
	ck_assert_int_eq(hal_block_acquire("disk0", &h, info), HAL_OK);
	ck_assert_uint_eq(h, 1);
	return h;
}

/* The device completes held request k with status st; the data of a read
 * is filled with v. */
static void blk_done(unsigned k, uint8_t st, uint8_t v)
{
	uint16_t head = dev.held[0][k];
	volatile struct vq_desc *hd = desc(0, head, 0), *dd = desc(0, head, 1), *sd;
	uint32_t type;
	uint32_t len = 1;

	memcpy(&type, buf_of(hd), 4);
	if (type == 4) { /* flush: header, status */
		sd = dd;
	} else {
		sd = desc(0, head, 2);
		if (type == 0) {
			memset(buf_of(dd), v, dd->len);
			len += dd->len;
		}
	}
	*buf_of(sd) = st;
	dev_use(0, k, UINT32_MAX, len);
}

START_TEST(blk_requests_in_flight)
{
	struct hal_block_info info;
	hal_handle_t h = blk_setup(BLK_F_FLUSH | BLK_F_BLK_SIZE, 2048, &info);
	static uint8_t bufs[4][8192] __attribute__((aligned(4096)));
	struct hal_block_req r[4], *c;
	uint64_t sector;
	uint32_t type;

	ck_assert_uint_eq(info.capacity, 2048 * 512);
	ck_assert_uint_eq(info.block_size, 4096);
	ck_assert(info.can_flush);
	ck_assert(!info.read_only);
	ck_assert_uint_ge(info.max_transfer, 4096);
	r[0] = (struct hal_block_req){ HAL_BLOCK_READ, 4096, bufs[0], 8192, 0, NULL };
	r[1] = (struct hal_block_req){ HAL_BLOCK_WRITE, 8192, bufs[1], 4096, 0, NULL };
	r[2] = (struct hal_block_req){ HAL_BLOCK_FLUSH, 0, NULL, 0, 0, NULL };
	r[3] = (struct hal_block_req){ HAL_BLOCK_READ, 0, bufs[3], 4096, 0, NULL };
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(hal_block_submit(h, &r[i]), HAL_OK);
	ck_assert_ptr_null(hal_block_complete(h));
	dev_take(0);
	ck_assert_uint_eq(dev.nheld[0], 4);
	/* The read: header (type 0, sector 8, device-readable), the kernel's
	 * buffer device-writable, a status byte. */
	memcpy(&type, buf_of(desc(0, dev.held[0][0], 0)), 4);
	memcpy(&sector, buf_of(desc(0, dev.held[0][0], 0)) + 8, 8);
	ck_assert_uint_eq(type, 0);
	ck_assert_uint_eq(sector, 8);
	ck_assert_ptr_eq(buf_of(desc(0, dev.held[0][0], 1)), bufs[0]);
	ck_assert(desc(0, dev.held[0][0], 1)->flags & VQ_DESC_F_WRITE);
	ck_assert(!(desc(0, dev.held[0][1], 1)->flags & VQ_DESC_F_WRITE));
	ck_assert(desc(0, dev.held[0][0], 2)->flags & VQ_DESC_F_WRITE);
	memcpy(&type, buf_of(desc(0, dev.held[0][2], 0)), 4);
	ck_assert_uint_eq(type, 4);
	/* Completions in another order; a device error is HAL_EIO. */
	blk_done(3, 0, 0xab); /* the last read (held order changes as used) */
	blk_done(0, 1, 0);    /* the first read fails */
	c = hal_block_complete(h);
	ck_assert_ptr_eq(c, &r[3]);
	ck_assert_int_eq(c->status, HAL_OK);
	ck_assert_uint_eq(bufs[3][4095], 0xab);
	c = hal_block_complete(h);
	ck_assert_ptr_eq(c, &r[0]);
	ck_assert_int_eq(c->status, HAL_EIO);
	blk_done(0, 0, 0);
	blk_done(0, 0, 0);
	ck_assert_ptr_nonnull(hal_block_complete(h));
	ck_assert_ptr_nonnull(hal_block_complete(h));
	ck_assert_ptr_null(hal_block_complete(h));
}
END_TEST

START_TEST(blk_refuses_bad_requests)
{
	struct hal_block_info info;
	hal_handle_t h = blk_setup(BLK_F_RO, 100, &info);
	static uint8_t buf[8192] __attribute__((aligned(4096)));
	struct hal_block_req r;

	ck_assert(info.read_only);
	ck_assert(!info.can_flush);
	ck_assert_uint_eq(info.block_size, 512); /* no BLK_SIZE: 512 */
#define TRY(op, off, b, len) \
	(r = (struct hal_block_req){ op, off, b, len, 0, NULL }, hal_block_submit(h, &r))
	ck_assert_int_eq(TRY(HAL_BLOCK_WRITE, 0, buf, 512), HAL_EINVAL); /* read-only */
	ck_assert_int_eq(TRY(HAL_BLOCK_READ, 1, buf, 512), HAL_EINVAL);
	ck_assert_int_eq(TRY(HAL_BLOCK_READ, 0, buf, 511), HAL_EINVAL);
	ck_assert_int_eq(TRY(HAL_BLOCK_READ, 0, buf, 0), HAL_EINVAL);
	ck_assert_int_eq(TRY(HAL_BLOCK_READ, 0, buf + 1, 512), HAL_EINVAL);
	ck_assert_int_eq(TRY(HAL_BLOCK_READ, 99 * 512, buf, 1024), HAL_EINVAL);
	ck_assert_int_eq(TRY(HAL_BLOCK_READ, UINT64_MAX - 511, buf, 512), HAL_EINVAL);
	ck_assert_int_eq(TRY(HAL_BLOCK_READ, 0, NULL, 512), HAL_EINVAL);
	ck_assert_int_eq(TRY(HAL_BLOCK_FLUSH, 0, NULL, 512), HAL_EINVAL);
	ck_assert_int_eq(TRY(7, 0, buf, 512), HAL_EINVAL);
	ck_assert_int_eq(hal_block_submit(h + 1, &r), HAL_EINVAL);
	ck_assert_int_eq(hal_block_submit(0, &r), HAL_EINVAL); /* the NIC's handle */
	ck_assert_int_eq(TRY(HAL_BLOCK_READ, 99 * 512, buf, 512), HAL_OK);
	/* No FLUSH feature: a flush completes at once, through hal_wait. */
	raised = 0;
	ck_assert_int_eq(TRY(HAL_BLOCK_FLUSH, 0, NULL, 0), HAL_OK);
	ck_assert_uint_eq(raised, 1ULL << h);
	ck_assert_ptr_eq(hal_block_complete(h), &r);
	ck_assert_int_eq(r.status, HAL_OK);
	dev_take(0);
	ck_assert_uint_eq(dev.nheld[0], 1); /* the flush never reached it */
#undef TRY
}
END_TEST

START_TEST(blk_full_queue_and_a_broken_device)
{
	struct hal_block_info info;
	hal_handle_t h = blk_setup(0, 1000, &info);
	static uint8_t buf[512] __attribute__((aligned(512)));
	static struct hal_block_req r[64];
	unsigned n = 0, back = 0;
	struct hal_block_req *c;

	while (n < 64) {
		r[n] = (struct hal_block_req){ HAL_BLOCK_READ, 0, buf, 512, 0, NULL };
		if (hal_block_submit(h, &r[n]) != HAL_OK)
			break;
		n++;
	}
	ck_assert_uint_eq(n, 42); /* 128 descriptors, 3 a request */
	ck_assert_int_eq(hal_block_submit(h, &r[n]), HAL_AGAIN);
	/* The device lies about its used index: every request comes back,
	 * failed, and the device is refused from then on. */
	dev.q[0]->used->idx = 100;
	while ((c = hal_block_complete(h))) {
		ck_assert_int_eq(c->status, HAL_EIO);
		back++;
	}
	ck_assert_uint_eq(back, n);
	ck_assert(dev.status & VIRTIO_STATUS_FAILED);
	ck_assert_int_eq(hal_block_submit(h, &r[0]), HAL_EIO);
}
END_TEST

void unit_register(void)
{
	Suite *s = suite_create("virtio");
	TCase *tc = unit_tcase("virtio");

	tcase_add_test(tc, net_acquire_negotiates_and_fills_the_ring);
	tcase_add_test(tc, net_refuses_a_legacy_device);
	tcase_add_test(tc, net_read_checks_what_the_device_hands_back);
	tcase_add_test(tc, net_mergeable_buffers);
	tcase_add_test(tc, net_receive_interrupts_follow_the_edge);
	tcase_add_test(tc, net_write_copies_and_a_burst_costs_one_notification);
	tcase_add_test(tc, net_full_transmit_ring);
	tcase_add_test(tc, net_exit_sends_what_was_written);
	tcase_add_test(tc, net_corrupted_used_index_is_an_io_error);
	tcase_add_test(tc, net_bad_ids_are_dropped);
	tcase_add_test(tc, blk_requests_in_flight);
	tcase_add_test(tc, blk_refuses_bad_requests);
	tcase_add_test(tc, blk_full_queue_and_a_broken_device);
	suite_add_tcase(s, tc);
	unit_add_suite(s, true);
}
