/* SPDX-License-Identifier: MIT */
/*
 * virtio.h - what the virtio devices (net.c, blk.c), the transports (pci.c;
 * virtio-mmio later) and the common code (virtio.c) share.  Nothing here is
 * specific to a machine: a port provides port.h's calls, runs a transport's
 * probe at boot and reports interrupts by handle.
 *
 * A device found by a transport is registered once, at boot, and gets a
 * fixed handle (its index here); its bit in hal_wait()'s ready set is
 * 1 << handle.  Devices stay reset until acquired (hal_net_acquire,
 * hal_block_acquire): only then are features negotiated, queues set up
 * and the interrupt routed.
 */
#ifndef HAL_VIRTIO_VIRTIO_H
#define HAL_VIRTIO_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hal.h>

#include "queue.h"

/* Device types (spec 5). */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2

/* Device status (spec 2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED 128

/* Device-independent feature bits (spec 6). */
#define VIRTIO_F_RING_EVENT_IDX (1ULL << 29)
#define VIRTIO_F_VERSION_1 (1ULL << 32)

#define VIRTIO_MAX_DEVICES 8

struct virtio_dev;

/* What a transport does for a device (spec 4: PCI, MMIO). */
struct virtio_transport {
	uint64_t (*get_features)(struct virtio_dev *d);
	void (*set_features)(struct virtio_dev *d, uint64_t features);
	uint8_t (*get_status)(struct virtio_dev *d);
	/* 0 resets the device and returns once it has. */
	void (*set_status)(struct virtio_dev *d, uint8_t status);
	/* The device-specific configuration (1, 2 or 4 bytes at off; reads
	 * beyond what the device has give 0) and its generation counter. */
	uint32_t (*config_read)(struct virtio_dev *d, unsigned off, unsigned size);
	uint32_t (*config_generation)(struct virtio_dev *d);
	/* Largest size of queue index (0: no such queue). */
	uint16_t (*queue_max)(struct virtio_dev *d, uint16_t index);
	/* Route the device's interrupts to its handle's bit; before queues. */
	int (*irq_setup)(struct virtio_dev *d);
	/* Give the device q's rings and enable it.  0 or HAL_EIO. */
	int (*queue_enable)(struct virtio_dev *d, struct virtq *q);
	void (*notify)(struct virtio_dev *d, struct virtq *q);
};

/* The queues a driver may set up per device (net: receive and transmit). */
#define VIRTIO_DEV_QUEUES 2

struct virtio_dev {
	const struct virtio_transport *t;
	void *transport; /* the transport's state */
	uint16_t type;	 /* VIRTIO_ID_* */
	uint8_t handle;
	bool acquired;
	bool failed;	/* set FAILED after a device error: refuse everything */
	const char *where; /* for messages: "pci 00:03.0" */
	char name[8];	   /* "net0", once acquired */
	void *mem;	   /* the device's memory, taken at its first acquire */
	uint64_t mem_dma;
	void *driver; /* the driver's state, in mem */
	struct virtq *vqs[VIRTIO_DEV_QUEUES]; /* by index, as set up */
};

/* virtio_register - a transport found a device (boot only); NULL when the
 * table is full (the device is then ignored, with a message). */
struct virtio_dev *virtio_register(uint16_t type, const struct virtio_transport *t,
				   void *transport, const char *where);

/* virtio_find - the nth registered device of a type that no one acquired,
 * by the name's number ("net1": type NET, n 1); NULL when none. */
struct virtio_dev *virtio_find(uint16_t type, const char *name, const char *prefix);

/* virtio_acquired - the device is name's from now on (acquire succeeded). */
void virtio_acquired(struct virtio_dev *d, const char *name);

/* virtio_get - the acquired device of a type with handle h, or NULL. */
struct virtio_dev *virtio_get(hal_handle_t h, uint16_t type);

/*
 * virtio_begin - reset the device and negotiate: offers wanted & what the
 * device has (VERSION_1 always, mandatory), checks FEATURES_OK, fills
 * *features.  Returns 0, or HAL_EIO after printing why (device marked
 * failed).  virtio_ready - DRIVER_OK: the device may start.
 */
int virtio_begin(struct virtio_dev *d, uint64_t wanted, uint64_t *features);
void virtio_ready(struct virtio_dev *d);
void virtio_fail(struct virtio_dev *d, const char *why);

/* A consistent read of device config fields (generation checked). */
uint64_t virtio_config_read64(struct virtio_dev *d, unsigned off);

/*
 * Device memory is taken once per device, at its first acquire, as one
 * block of virtio_*_mem_needed() bytes, and carved: a failed acquire that
 * is tried again reuses the same block.
 */
struct virtio_mem {
	uint8_t *p;
	uint64_t dma;
	size_t left;
};

/* virtio_carve - size bytes aligned to align (a power of two) from m, or
 * NULL when m is short (a driver bug: its mem_needed is too small). */
void *virtio_carve(struct virtio_mem *m, size_t size, size_t align, uint64_t *dma);

/*
 * virtio_queue_setup - set up queue index with up to max entries (rounded
 * down to a power of two, capped by the device; max <= VQ_MAX_SIZE) in
 * ring memory carved from m (vq_ring_bytes(max) at most), and hand it to
 * the transport; index < VIRTIO_DEV_QUEUES.  Returns 0 or HAL_EIO (message
 * printed).
 */
int virtio_queue_setup(struct virtio_dev *d, struct virtq *q, uint16_t index, uint16_t max,
		       bool event_idx, struct virtio_mem *m);

/* Notify the device of q's new buffers if it asked to be told. */
static inline void virtio_kick(struct virtio_dev *d, struct virtq *q)
{
	if (vq_kick_needed(q))
		d->t->notify(d, q);
}

/* virtio_report_bad - say (rate-limited) that a device broke the rules. */
void virtio_report_bad(struct virtio_dev *d, const char *what, uint32_t count);

/* virtio_report_queue - report the used entries with bad ids that the
 * queue dropped since *seen (rate-limited). */
void virtio_report_queue(struct virtio_dev *d, const struct virtq *q, uint32_t *seen);

/* virtio_take_mem - the device's memory block of size bytes (taken from
 * the port at the first acquire, the same block after).  NULL when the
 * port set none aside (message printed). */
void *virtio_take_mem(struct virtio_dev *d, size_t size);

/* virtio_mem_needed - device memory a driver needs for one device of a
 * type (0: no driver for it in this image; the device is left alone). */
size_t virtio_mem_needed(uint16_t type);

/* The drivers' side of those hooks (net.c, blk.c), and their one line of
 * counters each at exit. */
size_t virtio_net_mem_needed(void);
size_t virtio_blk_mem_needed(void);
void virtio_net_flush_all(void);
void virtio_net_drain(struct virtio_dev *d);
void virtio_net_report(struct virtio_dev *d);
void virtio_blk_report(struct virtio_dev *d);

#endif /* HAL_VIRTIO_VIRTIO_H */
