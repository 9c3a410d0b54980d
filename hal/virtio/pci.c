// SPDX-License-Identifier: MIT
/*
 * The virtio PCI transport, modern interface only (spec 4.1): vendor
 * capabilities in configuration space say where in which memory BAR the
 * common configuration, the notification area, the ISR status and the
 * device configuration are; interrupts are MSI-X (one vector for every
 * queue of a device, configuration changes not signalled).  Configuration
 * space goes through the port (port I/O on a PC, ECAM on arm64).
 */
#include <stdio.h>

#include <hako/printk.h>

#include "port.h"
#include "virtio.h"

#define PCI_VENDOR_VIRTIO 0x1af4
#define PCI_COMMAND 0x04
#define PCI_CMD_MEMORY 0x2
#define PCI_CMD_MASTER 0x4
#define PCI_CMD_INTX_OFF 0x400
#define PCI_STATUS 0x06
#define PCI_STATUS_CAPS 0x10
#define PCI_HEADER_TYPE 0x0e
#define PCI_SECONDARY_BUS 0x19
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_CAPS 0x34
#define PCI_CAP_MSIX 0x11
#define PCI_CAP_VENDOR 0x09
#define MSIX_ENABLE 0x8000
#define MSIX_MASK_ALL 0x4000

/* virtio_pci_cap.cfg_type */
#define CAP_COMMON 1
#define CAP_NOTIFY 2
#define CAP_ISR 3
#define CAP_DEVICE 4

/* The common configuration (spec 4.1.4.3). */
#define COMMON_DFSELECT 0x00
#define COMMON_DF 0x04
#define COMMON_GFSELECT 0x08
#define COMMON_GF 0x0c
#define COMMON_MSIX 0x10
#define COMMON_NUMQ 0x12
#define COMMON_STATUS 0x14
#define COMMON_CFGGEN 0x15
#define COMMON_Q_SELECT 0x16
#define COMMON_Q_SIZE 0x18
#define COMMON_Q_MSIX 0x1a
#define COMMON_Q_ENABLE 0x1c
#define COMMON_Q_NOFF 0x1e
#define COMMON_Q_DESC 0x20
#define COMMON_Q_DRIVER 0x28
#define COMMON_Q_DEVICE 0x30
#define COMMON_LEN 0x38
#define NO_VECTOR 0xffff

#define MAX_QUEUES 4
#define MAX_WINDOW (1u << 20)
#define MAX_BUS_DEPTH 8

struct vpci {
	uint32_t bdf;
	volatile uint8_t *common, *isr, *devcfg, *notify;
	uint32_t devcfg_len, notify_len, notify_mult;
	volatile uint32_t *msix; /* the MSI-X table */
	uint8_t msix_cap;
	volatile uint16_t *qnotify[MAX_QUEUES];
	char where[16];
};

static struct vpci pcis[VIRTIO_MAX_DEVICES];
static unsigned nr_pcis;

static struct vpci *P(struct virtio_dev *d)
{
	return d->transport;
}

static uint8_t r8(volatile uint8_t *b, unsigned off)
{
	return *(volatile uint8_t *)(b + off);
}

static uint16_t r16(volatile uint8_t *b, unsigned off)
{
	return *(volatile uint16_t *)(b + off);
}

static uint32_t r32(volatile uint8_t *b, unsigned off)
{
	return *(volatile uint32_t *)(b + off);
}

static void w8(volatile uint8_t *b, unsigned off, uint8_t v)
{
	*(volatile uint8_t *)(b + off) = v;
}

static void w16(volatile uint8_t *b, unsigned off, uint16_t v)
{
	*(volatile uint16_t *)(b + off) = v;
}

static void w32(volatile uint8_t *b, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(b + off) = v;
}

static void w64(volatile uint8_t *b, unsigned off, uint64_t v)
{
	w32(b, off, (uint32_t)v);
	w32(b, off + 4, (uint32_t)(v >> 32));
}

static uint64_t get_features(struct virtio_dev *d)
{
	volatile uint8_t *c = P(d)->common;
	uint64_t f;

	w32(c, COMMON_DFSELECT, 0);
	f = r32(c, COMMON_DF);
	w32(c, COMMON_DFSELECT, 1);
	return f | (uint64_t)r32(c, COMMON_DF) << 32;
}

static void set_features(struct virtio_dev *d, uint64_t f)
{
	volatile uint8_t *c = P(d)->common;

	w32(c, COMMON_GFSELECT, 0);
	w32(c, COMMON_GF, (uint32_t)f);
	w32(c, COMMON_GFSELECT, 1);
	w32(c, COMMON_GF, (uint32_t)(f >> 32));
}

static uint8_t get_status(struct virtio_dev *d)
{
	return r8(P(d)->common, COMMON_STATUS);
}

static void set_status(struct virtio_dev *d, uint8_t s)
{
	w8(P(d)->common, COMMON_STATUS, s);
	/* A reset is done when the status reads 0 again (spec 4.1.4.3.2). */
	for (unsigned n = 0; s == 0 && n < 1000000 && r8(P(d)->common, COMMON_STATUS); n++)
		;
}

static uint32_t config_read(struct virtio_dev *d, unsigned off, unsigned size)
{
	struct vpci *p = P(d);

	if (off + size > p->devcfg_len || off + size < off)
		return 0;
	switch (size) {
	case 1:
		return r8(p->devcfg, off);
	case 2:
		return r16(p->devcfg, off);
	default:
		return r32(p->devcfg, off);
	}
}

static uint32_t config_generation(struct virtio_dev *d)
{
	return r8(P(d)->common, COMMON_CFGGEN);
}

static uint16_t queue_max(struct virtio_dev *d, uint16_t index)
{
	volatile uint8_t *c = P(d)->common;

	if (index >= MAX_QUEUES || index >= r16(c, COMMON_NUMQ))
		return 0;
	w16(c, COMMON_Q_SELECT, index);
	return r16(c, COMMON_Q_SIZE);
}

static int irq_setup(struct virtio_dev *d)
{
	struct vpci *p = P(d);
	uint64_t addr;
	uint32_t data;
	uint16_t ctl;

	if (!p->msix || vport_msi(d->handle, &addr, &data) != HAL_OK)
		return HAL_ENODEV;
	/* Entry 0 for everything: address, data, unmasked. */
	p->msix[0] = (uint32_t)addr;
	p->msix[1] = (uint32_t)(addr >> 32);
	p->msix[2] = data;
	p->msix[3] = 0;
	ctl = (uint16_t)vport_pci_read(p->bdf, p->msix_cap + 2, 2);
	ctl = (uint16_t)((ctl | MSIX_ENABLE) & ~MSIX_MASK_ALL);
	vport_pci_write(p->bdf, p->msix_cap + 2, 2, ctl);
	vport_pci_write(p->bdf, PCI_COMMAND, 2,
			vport_pci_read(p->bdf, PCI_COMMAND, 2) | PCI_CMD_MEMORY | PCI_CMD_MASTER |
				PCI_CMD_INTX_OFF);
	w16(p->common, COMMON_MSIX, NO_VECTOR);
	return HAL_OK;
}

static int queue_enable(struct virtio_dev *d, struct virtq *q)
{
	struct vpci *p = P(d);
	volatile uint8_t *c = p->common;
	uint64_t off;

	if (q->index >= MAX_QUEUES)
		return HAL_EIO;
	w16(c, COMMON_Q_SELECT, q->index);
	w16(c, COMMON_Q_SIZE, q->size);
	w64(c, COMMON_Q_DESC, q->desc_dma);
	w64(c, COMMON_Q_DRIVER, q->avail_dma);
	w64(c, COMMON_Q_DEVICE, q->used_dma);
	w16(c, COMMON_Q_MSIX, 0);
	if (r16(c, COMMON_Q_MSIX) != 0)
		return HAL_EIO; /* the device could not take the vector */
	off = (uint64_t)r16(c, COMMON_Q_NOFF) * p->notify_mult;
	if (off + 2 > p->notify_len)
		return HAL_EIO;
	p->qnotify[q->index] = (volatile uint16_t *)(p->notify + off);
	w16(c, COMMON_Q_ENABLE, 1);
	return HAL_OK;
}

static void notify(struct virtio_dev *d, struct virtq *q)
{
	*P(d)->qnotify[q->index] = q->index;
}

static const struct virtio_transport pci_transport = {
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

/* The memory address a BAR decodes, 0 for an I/O or unassigned one. */
static uint64_t bar_address(uint32_t bdf, unsigned bar)
{
	uint32_t lo, hi = 0;

	if (bar > 5)
		return 0;
	lo = vport_pci_read(bdf, 0x10 + 4 * bar, 4);
	if (lo & 1)
		return 0;
	if ((lo >> 1 & 3) == 2) {
		if (bar == 5)
			return 0;
		hi = vport_pci_read(bdf, 0x10 + 4 * (bar + 1), 4);
	}
	return (uint64_t)hi << 32 | (lo & ~0xfu);
}

/* Map one capability's window; NULL (with a message) when it cannot. */
static volatile uint8_t *map_window(struct vpci *p, unsigned bar, uint32_t off, uint32_t len,
				    const char *what)
{
	uint64_t base = bar_address(p->bdf, bar);
	volatile void *v = NULL;

	/* A window is a few registers (QEMU: 4 KiB); a device claiming more
	 * than MAX_WINDOW is not believed (each would cost page tables). */
	if (base && len && len <= MAX_WINDOW)
		v = vport_map_mmio(base + off, len);
	if (!v)
		pr_warn("virtio: %s: cannot map its %s (BAR %u)\n", p->where, what, bar);
	return v;
}

/* Read the capability list; true when the four windows are mapped. */
static bool read_caps(struct vpci *p)
{
	static const char *const names[] = { "", "common configuration", "notification area",
					     "ISR status", "device configuration" };
	uint8_t found = 0, ptr;
	uint32_t bdf = p->bdf;

	if (!(vport_pci_read(bdf, PCI_STATUS, 2) & PCI_STATUS_CAPS))
		return false;
	ptr = (uint8_t)(vport_pci_read(bdf, PCI_CAPS, 1) & 0xfc);
	/* At most 48 capabilities fit in 256 bytes: a loop is a device bug. */
	for (unsigned n = 0; ptr >= 0x40 && n < 48; n++) {
		uint8_t id = (uint8_t)vport_pci_read(bdf, ptr, 1);
		uint8_t len = (uint8_t)vport_pci_read(bdf, ptr + 2, 1);

		if (id == PCI_CAP_MSIX) {
			uint32_t table = vport_pci_read(bdf, ptr + 4, 4);
			unsigned n_entries = (vport_pci_read(bdf, ptr + 2, 2) & 0x7ff) + 1;

			p->msix = (volatile uint32_t *)map_window(p, table & 7, table & ~7u,
								   n_entries * 16, "MSI-X table");
			p->msix_cap = ptr;
		} else if (id == PCI_CAP_VENDOR && len >= 16) {
			uint8_t type = (uint8_t)vport_pci_read(bdf, ptr + 3, 1);
			unsigned bar = vport_pci_read(bdf, ptr + 4, 1);
			uint32_t off = vport_pci_read(bdf, ptr + 8, 4);
			uint32_t wlen = vport_pci_read(bdf, ptr + 12, 4);
			volatile uint8_t *w;

			/* The first of each type is the preferred one (4.1.4). */
			if (type < CAP_COMMON || type > CAP_DEVICE || found & 1 << type)
				goto next;
			if ((type == CAP_COMMON && wlen < COMMON_LEN) ||
			    (type == CAP_NOTIFY && len < 20))
				goto next;
			w = map_window(p, bar, off, wlen, names[type]);
			if (!w)
				goto next;
			found |= (uint8_t)(1 << type);
			switch (type) {
			case CAP_COMMON:
				p->common = w;
				break;
			case CAP_NOTIFY:
				p->notify = w;
				p->notify_len = wlen;
				p->notify_mult = vport_pci_read(bdf, ptr + 16, 4);
				break;
			case CAP_ISR:
				p->isr = w;
				break;
			default:
				p->devcfg = w;
				p->devcfg_len = wlen;
			}
		}
next:
		ptr = (uint8_t)(vport_pci_read(bdf, ptr + 1, 1) & 0xfc);
	}
	return found == (1 << CAP_COMMON | 1 << CAP_NOTIFY | 1 << CAP_ISR | 1 << CAP_DEVICE);
}

static void probe_function(uint32_t bdf, size_t *need)
{
	uint16_t id = (uint16_t)vport_pci_read(bdf, 2, 2), type;
	struct vpci *p;
	struct virtio_dev *d;

	if (id >= 0x1040 && id <= 0x107f)
		type = (uint16_t)(id - 0x1040);
	else if (id >= 0x1000 && id <= 0x103f) /* transitional: type in the subsystem id */
		type = (uint16_t)vport_pci_read(bdf, PCI_SUBSYSTEM_ID, 2);
	else
		return;
	if (!virtio_mem_needed(type))
		return; /* no driver in this image */
	if (nr_pcis == VIRTIO_MAX_DEVICES) {
		pr_warn("virtio: more than %d devices; pci %02x:%02x.%x ignored\n",
			VIRTIO_MAX_DEVICES, bdf >> 8, bdf >> 3 & 31, bdf & 7);
		return;
	}
	p = &pcis[nr_pcis];
	*p = (struct vpci){ .bdf = bdf };
	snprintf(p->where, sizeof(p->where), "pci %02x:%02x.%x", bdf >> 8, bdf >> 3 & 31, bdf & 7);
	vport_pci_write(bdf, PCI_COMMAND, 2,
			vport_pci_read(bdf, PCI_COMMAND, 2) | PCI_CMD_MEMORY | PCI_CMD_MASTER);
	if (!read_caps(p)) {
		pr_warn("virtio: %s: no virtio 1.x capabilities, ignored\n", p->where);
		return;
	}
	d = virtio_register(type, &pci_transport, p, p->where);
	if (!d)
		return;
	nr_pcis++;
	/* Stop whatever the firmware left running (SeaBIOS drives virtio-blk
	 * to look for a boot disk): the device must not use memory the
	 * kernel is about to get. */
	set_status(d, 0);
	*need += virtio_mem_needed(type);
}

static void scan_bus(unsigned bus, unsigned depth, size_t *need)
{
	for (unsigned dev = 0; dev < 32; dev++) {
		uint32_t bdf0 = bus << 8 | dev << 3;
		unsigned nfn;

		if ((vport_pci_read(bdf0, 0, 2) & 0xffff) == 0xffff)
			continue;
		nfn = vport_pci_read(bdf0, PCI_HEADER_TYPE, 1) & 0x80 ? 8 : 1;
		for (unsigned fn = 0; fn < nfn; fn++) {
			uint32_t bdf = bdf0 | fn;
			unsigned vendor = vport_pci_read(bdf, 0, 2) & 0xffff, sec;

			if (vendor == 0xffff)
				continue;
			if ((vport_pci_read(bdf, PCI_HEADER_TYPE, 1) & 0x7f) == 1) {
				/* A bridge: its buses are numbered above ours. */
				sec = vport_pci_read(bdf, PCI_SECONDARY_BUS, 1);
				if (sec > bus && sec < 256 && depth < MAX_BUS_DEPTH)
					scan_bus(sec, depth + 1, need);
				continue;
			}
			if (vendor == PCI_VENDOR_VIRTIO)
				probe_function(bdf, need);
		}
	}
}

size_t virtio_pci_probe(void)
{
	size_t need = 0;

	scan_bus(0, 0, &need);
	return need;
}
