// SPDX-License-Identifier: MIT
/*
 * What the virtio code needs from a PC (hal/virtio/port.h): PCI
 * configuration space through ports 0xcf8/0xcfc, device registers mapped
 * uncached, device memory set aside at boot, and MSI-X messages aimed at
 * this CPU's LAPIC.  Device d's interrupt is vector QX_VEC_DEV0 + d, whose
 * entry.S stub sets bit d of qx_dev_pending; hal_wait() (lapic.c) returns
 * those bits as its ready set.
 *
 * Memory for the devices is taken at boot, before the kernel gets the
 * rest, only for devices that are present and have a driver in the image,
 * and is not touched (QEMU backs it with nothing) until one is acquired.
 */

#include <hako/printk.h>

#include "../virtio/port.h"
#include "../virtio/virtio.h"
#include "qx.h"

_Static_assert(QX_DEV_VECTORS >= VIRTIO_MAX_DEVICES, "a vector per virtio device");

#define PCI_ADDR 0xcf8
#define PCI_DATA 0xcfc

volatile uint64_t qx_dev_pending;

static void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static uint32_t pci_address(uint32_t bdf, unsigned off)
{
	return 0x80000000u | bdf << 8 | (off & 0xfc);
}

uint32_t vport_pci_read(uint32_t bdf, unsigned off, unsigned size)
{
	uint32_t v;

	outl(PCI_ADDR, pci_address(bdf, off));
	v = inl(PCI_DATA) >> 8 * (off & 3);
	return size == 4 ? v : v & ((1u << 8 * size) - 1);
}

void vport_pci_write(uint32_t bdf, unsigned off, unsigned size, uint32_t v)
{
	uint32_t shift = 8 * (off & 3), mask, old;

	outl(PCI_ADDR, pci_address(bdf, off));
	if (size == 4) {
		outl(PCI_DATA, v);
		return;
	}
	/* Sub-word writes: read-modify-write the dword (the PCI status word
	 * beside the command word is write-one-to-clear: never written back
	 * as read). */
	mask = ((1u << 8 * size) - 1) << shift;
	old = inl(PCI_DATA);
	if ((off & ~3u) == 0x04)
		old &= 0xffff; /* command/status: keep status bits at 0 */
	outl(PCI_DATA, (old & ~mask) | (v << shift & mask));
}

volatile void *vport_map_mmio(uint64_t phys, size_t len)
{
	return qx_mm_map_device(phys, len);
}


int vport_msi(hal_handle_t h, uint64_t *addr, uint32_t *data)
{
	if (h >= QX_DEV_VECTORS)
		return HAL_ENODEV;
	/* Fixed delivery, edge, physical destination: this CPU. */
	*addr = 0xfee00000u | qx_lapic_id() << 12;
	*data = QX_VEC_DEV0 + h;
	return HAL_OK;
}

void vport_raise(hal_handle_t h)
{
	__atomic_or_fetch(&qx_dev_pending, 1ULL << h, __ATOMIC_SEQ_CST);
}

void qx_devices_init(void)
{
	size_t need = virtio_pci_probe();
	uint64_t base;

	if (!need)
		return;
	base = qx_mm_reserve(need);
	if (!base) {
		pr_warn("virtio: not enough memory for the devices' %zu KiB of buffers\n",
			need / 1024);
		return;
	}
	virtio_dma_pool(base, need);
}

void qx_devices_before_wait(void)
{
	virtio_before_wait();
}

void qx_devices_exit(void)
{
	virtio_exit();
}
