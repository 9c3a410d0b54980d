// SPDX-License-Identifier: MIT
/*
 * The virtio-mmio transport, version 2 ("modern") only (spec 4.2): one
 * register window per device, found by the port (arm64 virt: the device
 * tree's "virtio,mmio" nodes), and one wired interrupt per device that the
 * port routes to the device's handle.  A version 1 (legacy) window is
 * refused with a message (QEMU: -global virtio-mmio.force-legacy=false).
 */
#include <stdio.h>

#include <hako/printk.h>

#include "barrier.h"
#include "port.h"
#include "virtio.h"

#define MMIO_MAGIC 0x000 /* "virt" */
#define MMIO_VERSION 0x004
#define MMIO_DEVICE_ID 0x008
#define MMIO_DEVICE_FEATURES 0x010
#define MMIO_DEVICE_FEATURES_SEL 0x014
#define MMIO_DRIVER_FEATURES 0x020
#define MMIO_DRIVER_FEATURES_SEL 0x024
#define MMIO_QUEUE_SEL 0x030
#define MMIO_QUEUE_NUM_MAX 0x034
#define MMIO_QUEUE_NUM 0x038
#define MMIO_QUEUE_READY 0x044
#define MMIO_QUEUE_NOTIFY 0x050
#define MMIO_INTERRUPT_STATUS 0x060
#define MMIO_INTERRUPT_ACK 0x064
#define MMIO_STATUS 0x070
#define MMIO_QUEUE_DESC 0x080
#define MMIO_QUEUE_DRIVER 0x090
#define MMIO_QUEUE_DEVICE 0x0a0
#define MMIO_CONFIG_GENERATION 0x0fc
#define MMIO_CONFIG 0x100
#define MMIO_SIZE 0x200 /* what the window must hold at least */
#define MAGIC 0x74726976u

#define MAX_QUEUES 4

struct vmmio {
	volatile uint8_t *regs;
	uint32_t irq;
	uint32_t config_len;
	struct virtio_dev *dev;
	char where[24];
};

static struct vmmio mmios[VIRTIO_MAX_DEVICES];
static unsigned nr_mmios;

static struct vmmio *M(struct virtio_dev *d)
{
	return d->transport;
}

static uint32_t rd(struct vmmio *m, unsigned off)
{
	return *(volatile uint32_t *)(m->regs + off);
}

static void wr(struct vmmio *m, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(m->regs + off) = v;
}

static uint64_t get_features(struct virtio_dev *d)
{
	struct vmmio *m = M(d);
	uint64_t f;

	wr(m, MMIO_DEVICE_FEATURES_SEL, 1);
	f = (uint64_t)rd(m, MMIO_DEVICE_FEATURES) << 32;
	wr(m, MMIO_DEVICE_FEATURES_SEL, 0);
	return f | rd(m, MMIO_DEVICE_FEATURES);
}

static void set_features(struct virtio_dev *d, uint64_t f)
{
	struct vmmio *m = M(d);

	wr(m, MMIO_DRIVER_FEATURES_SEL, 1);
	wr(m, MMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
	wr(m, MMIO_DRIVER_FEATURES_SEL, 0);
	wr(m, MMIO_DRIVER_FEATURES, (uint32_t)f);
}

static uint8_t get_status(struct virtio_dev *d)
{
	return (uint8_t)rd(M(d), MMIO_STATUS);
}

static void set_status(struct virtio_dev *d, uint8_t s)
{
	wr(M(d), MMIO_STATUS, s);
	/* A reset is done when the status reads 0 again (spec 4.2.2.1). */
	for (unsigned n = 0; s == 0 && n < 1000000 && rd(M(d), MMIO_STATUS); n++)
		;
}

static uint32_t config_read(struct virtio_dev *d, unsigned off, unsigned size)
{
	struct vmmio *m = M(d);
	volatile uint8_t *p = m->regs + MMIO_CONFIG + off;

	if (off + size > m->config_len || off + size < off || off % size)
		return 0;
	switch (size) {
	case 1:
		return *p;
	case 2:
		return *(volatile uint16_t *)p;
	default:
		return *(volatile uint32_t *)p;
	}
}

static uint32_t config_generation(struct virtio_dev *d)
{
	return rd(M(d), MMIO_CONFIG_GENERATION);
}

static uint16_t queue_max(struct virtio_dev *d, uint16_t index)
{
	struct vmmio *m = M(d);
	uint32_t n;

	if (index >= MAX_QUEUES)
		return 0;
	wr(m, MMIO_QUEUE_SEL, index);
	n = rd(m, MMIO_QUEUE_NUM_MAX);
	return n > 0x8000 ? 0x8000 : (uint16_t)n;
}

static int irq_setup(struct virtio_dev *d)
{
	struct vmmio *m = M(d);

	wr(m, MMIO_INTERRUPT_ACK, rd(m, MMIO_INTERRUPT_STATUS));
	return vport_irq_route(m->irq, d->handle);
}

static void wr64(struct vmmio *m, unsigned off, uint64_t v)
{
	wr(m, off, (uint32_t)v);
	wr(m, off + 4, (uint32_t)(v >> 32));
}

static int queue_enable(struct virtio_dev *d, struct virtq *q)
{
	struct vmmio *m = M(d);

	if (q->index >= MAX_QUEUES)
		return HAL_EIO;
	wr(m, MMIO_QUEUE_SEL, q->index);
	if (rd(m, MMIO_QUEUE_READY))
		return HAL_EIO; /* the reset should have cleared it */
	wr(m, MMIO_QUEUE_NUM, q->size);
	wr64(m, MMIO_QUEUE_DESC, q->desc_dma);
	wr64(m, MMIO_QUEUE_DRIVER, q->avail_dma);
	wr64(m, MMIO_QUEUE_DEVICE, q->used_dma);
	vio_wmb();
	wr(m, MMIO_QUEUE_READY, 1);
	return rd(m, MMIO_QUEUE_READY) == 1 ? HAL_OK : HAL_EIO;
}

static void notify(struct virtio_dev *d, struct virtq *q)
{
	wr(M(d), MMIO_QUEUE_NOTIFY, q->index);
}

static const struct virtio_transport mmio_transport = {
	.get_features = get_features,
	.set_features = set_features,
	.get_status = get_status,
	.set_status = set_status,
	.config_read = config_read,
	.config_generation = config_generation,
	.queue_max = queue_max,
	.irq_setup = irq_setup,
	.queue_enable = queue_enable,
	.notify = notify,
};

size_t virtio_mmio_probe(uint64_t base, uint64_t len, uint32_t irq)
{
	struct vmmio *m;
	uint32_t id, version;

	if (nr_mmios == VIRTIO_MAX_DEVICES || len < MMIO_SIZE)
		return 0;
	m = &mmios[nr_mmios];
	m->regs = vport_map_mmio(base, (size_t)len);
	if (!m->regs || rd(m, MMIO_MAGIC) != MAGIC)
		return 0;
	id = rd(m, MMIO_DEVICE_ID);
	if (id == 0)
		return 0; /* an empty slot */
	version = rd(m, MMIO_VERSION);
	if (version != 2) {
		pr_warn("virtio: mmio %#lx: version %u (legacy) not supported; QEMU: -global "
			"virtio-mmio.force-legacy=false\n", (unsigned long)base, version);
		return 0;
	}
	if (!virtio_mem_needed((uint16_t)id))
		return 0; /* no driver for it in this image */
	m->irq = irq;
	m->config_len = (uint32_t)(len - MMIO_CONFIG);
	snprintf(m->where, sizeof(m->where), "mmio %#lx", (unsigned long)base);
	m->dev = virtio_register((uint16_t)id, &mmio_transport, m, m->where);
	if (!m->dev)
		return 0;
	nr_mmios++;
	return virtio_mem_needed((uint16_t)id);
}

void virtio_mmio_interrupt(hal_handle_t h)
{
	for (unsigned i = 0; i < nr_mmios; i++) {
		struct vmmio *m = &mmios[i];

		if (m->dev->handle != h)
			continue;
		/* Used buffers or a configuration change: acknowledge both (the
		 * line drops), report the handle either way. */
		wr(m, MMIO_INTERRUPT_ACK, rd(m, MMIO_INTERRUPT_STATUS));
		vport_raise(h);
	}
}
