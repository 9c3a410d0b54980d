// SPDX-License-Identifier: MIT
/*
 * What the virtio code needs from virt (hal/virtio/port.h): the device
 * tree's virtio-mmio windows (mapped as device memory by mm.c), device
 * memory set aside at boot, and their wired interrupts routed through the
 * GIC to the devices' handles.  The interrupt handler acknowledges the
 * device (virtio_mmio_interrupt) and sets the handle's bit in
 * qa_dev_pending; hal_wait() (timer.c) returns those bits as its ready set.
 *
 * Memory for the devices is taken at boot, before the kernel gets the
 * rest, only for devices that are present and have a driver in the image,
 * and is not touched (QEMU backs it with nothing) until one is acquired.
 * Built -mgeneral-regs-only (port.mk): parts run in interrupt context.
 */

#include <hako/printk.h>

#include "../virtio/port.h"
#include "../virtio/virtio.h"
#include "qa.h"


static volatile uint64_t qa_dev_pending;
static const struct qa_machine *machine;
static struct {
	uint32_t intid;
	hal_handle_t h;
} routes[VIRTIO_MAX_DEVICES];
static unsigned nr_routes;

/* The windows from the highest address down: QEMU's virt puts the first
 * -device in the highest free window, so "disk0" is the first disk on
 * run.sh's command line (HAKO_DISKS order), as on PCI. */
size_t qa_devices_probe(const struct qa_machine *m)
{
	uint8_t order[QA_MAX_VIRTIO];
	size_t need = 0;

	machine = m;
	for (unsigned i = 0; i < m->nr_virtio; i++) {
		unsigned j = i;

		for (; j > 0 && m->virtio[order[j - 1]].base < m->virtio[i].base; j--)
			order[j] = order[j - 1];
		order[j] = (uint8_t)i;
	}
	for (unsigned k = 0; k < m->nr_virtio; k++) {
		unsigned i = order[k];

		need += virtio_mmio_probe(m->virtio[i].base, m->virtio[i].size, m->virtio_irq[i]);
	}
	return need;
}

void qa_devices_start(uint64_t base, size_t size)
{
	virtio_dma_pool(base, size);
}

volatile void *vport_map_mmio(uint64_t phys, size_t len)
{
	/* Only the tree's windows: mm.c maps exactly those. */
	for (unsigned i = 0; machine && i < machine->nr_virtio; i++)
		if (phys >= machine->virtio[i].base && len <= machine->virtio[i].size &&
		    phys - machine->virtio[i].base <= machine->virtio[i].size - len)
			return (volatile void *)(uintptr_t)phys;
	return NULL;
}


int vport_msi(hal_handle_t h, uint64_t *addr, uint32_t *data)
{
	return HAL_ENODEV; /* virtio-mmio: wired interrupts only */
}

int vport_irq_route(uint32_t intid, hal_handle_t h)
{
	unsigned long flags = hal_irq_save();

	for (unsigned i = 0; i < nr_routes; i++)
		if (routes[i].intid == intid) {
			routes[i].h = h;
			hal_irq_restore(flags);
			return HAL_OK;
		}
	if (nr_routes == VIRTIO_MAX_DEVICES) {
		hal_irq_restore(flags);
		return HAL_ENODEV;
	}
	routes[nr_routes].intid = intid;
	routes[nr_routes++].h = h;
	hal_irq_restore(flags);
	/* Level: virtio-mmio holds its line while InterruptStatus is set. */
	qa_gic_enable(intid, false);
	return HAL_OK;
}

bool qa_devices_irq(uint32_t intid)
{
	for (unsigned i = 0; i < nr_routes; i++)
		if (routes[i].intid == intid) {
			virtio_mmio_interrupt(routes[i].h);
			return true;
		}
	return false;
}

void vport_raise(hal_handle_t h)
{
	__atomic_or_fetch(&qa_dev_pending, 1ULL << h, __ATOMIC_SEQ_CST);
}

void qa_devices_before_wait(void)
{
	virtio_before_wait();
}

void qa_devices_exit(void)
{
	virtio_exit();
}

bool qa_devices_pending(void)
{
	return qa_dev_pending != 0;
}

hal_ready_set qa_devices_take(void)
{
	return __atomic_exchange_n(&qa_dev_pending, 0, __ATOMIC_SEQ_CST);
}
