/* SPDX-License-Identifier: MIT */
/*
 * port.h - what a port provides to the virtio code (hal/virtio/), and the
 * calls it makes into it.  The drivers assume device addresses equal the
 * port's physical addresses and that memory the kernel hands them (block
 * buffers) is contiguous in that space (identity-mapped ports).
 */
#ifndef HAL_VIRTIO_PORT_H
#define HAL_VIRTIO_PORT_H

#include <stddef.h>
#include <stdint.h>

#include <hal.h>

/* PCI configuration space of function bdf (bus << 8 | device << 3 |
 * function); size 1, 2 or 4, off aligned to it.  No device: all ones. */
uint32_t vport_pci_read(uint32_t bdf, unsigned off, unsigned size);
void vport_pci_write(uint32_t bdf, unsigned off, unsigned size, uint32_t v);

/* Map len bytes of device registers at phys, uncached.  Boot only (during
 * the transport's probe).  NULL when it cannot. */
volatile void *vport_map_mmio(uint64_t phys, size_t len);

/* Zeroed, page-aligned memory that devices can reach, for ever; *dma is
 * its device address.  From what the port set aside at boot for the
 * devices found (virtio_*_mem_needed()).  NULL when that is used up.
 * Provided by hal/virtio/dma.c from the block given to virtio_dma_pool(). */
void *vport_alloc(size_t size, uint64_t *dma);

/* The device address of kernel memory (a block request's buffer): the
 * same address (dma.c). */
uint64_t vport_dma_addr(const void *p);

/* virtio_dma_pool - the size bytes at physical base (0: none) that the port
 * set aside at boot for what the probes said the devices need. */
void virtio_dma_pool(uint64_t base, size_t size);

/* The MSI message (address, data) that sets handle h's ready bit and
 * wakes hal_wait().  HAL_ENODEV when the port has no MSI. */
int vport_msi(hal_handle_t h, uint64_t *addr, uint32_t *data);

/* Make hal_wait() report handle h (a completion the driver made itself).
 * Callable from the port's interrupt handler. */
void vport_raise(hal_handle_t h);

/* virtio-mmio: route the wired interrupt irq (the port's number for it) to
 * handle h: the port's interrupt handler then calls
 * virtio_mmio_interrupt(h).  HAL_OK, or HAL_ENODEV. */
int vport_irq_route(uint32_t irq, hal_handle_t h);

/* ---- what the port calls */

/* virtio_pci_probe - find the virtio PCI devices (every bus reachable from
 * bus 0), map their registers and register them (boot).  Returns the bytes
 * of device memory the port must set aside for them. */
size_t virtio_pci_probe(void);

/* virtio_mmio_probe - the virtio-mmio window of len bytes at base, with
 * wired interrupt irq (boot): maps and registers the device if there is
 * one that a driver in the image wants.  Returns the bytes of device memory
 * the port must set aside for it (0: nothing registered). */
size_t virtio_mmio_probe(uint64_t base, uint64_t len, uint32_t irq);

/* virtio_mmio_interrupt - from the port's interrupt handler (exception
 * context) for a line routed by vport_irq_route(): acknowledges the
 * device's interrupt and raises its handle. */
void virtio_mmio_interrupt(hal_handle_t h);

/* Before hal_wait() halts: push out queued transmissions, and raise the
 * handle of a device with an armed queue the device did not announce. */
void virtio_before_wait(void);

/* In hal_exit(): hand the frames hal_net_write() took to the backend
 * (waits, bounded, for the device to take them: a reset connection's last
 * frame must not die with the image), then one line of counters per
 * acquired device (frames, drops). */
void virtio_exit(void);

#endif /* HAL_VIRTIO_PORT_H */
