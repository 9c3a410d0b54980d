/* SPDX-License-Identifier: MIT */
/*
 * queue.h - the split virtqueue of virtio 1.x (spec 1.2, section 2.7), as
 * the driver side sees it.  Shared by every virtio device and transport;
 * nothing in it is specific to a machine or a device.
 *
 * The rings live in memory the device reads and writes, so everything the
 * device writes (the used ring's index, ids and lengths, its notification
 * hints) is untrusted: vq_get_used() is the one place that reads the used
 * ring, and it checks every value before use.  The driver's own bookkeeping
 * (free descriptors, chains, what each chain may receive) is kept in the
 * struct virtq, never read back from the shared descriptor table.
 *
 * Not thread-safe: one caller at a time (the kernel is cooperative; the
 * interrupt handlers of the ports only record events and never touch a
 * queue).  No call blocks.
 */
#ifndef HAL_VIRTIO_QUEUE_H
#define HAL_VIRTIO_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "barrier.h"

/* The largest queue a driver sets up (the device may offer more). */
#define VQ_MAX_SIZE 256

#define VQ_DESC_F_NEXT 1
#define VQ_DESC_F_WRITE 2
#define VQ_AVAIL_F_NO_INTERRUPT 1
#define VQ_USED_F_NO_NOTIFY 1

/* The shared layout (little-endian; both architectures Hako targets are). */
struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[]; /* size entries, then used_event */
};

struct vq_used_elem {
	uint32_t id;
	uint32_t len;
};

struct vq_used {
	uint16_t flags;
	uint16_t idx;
	struct vq_used_elem ring[]; /* size entries, then avail_event */
};

/* One piece of a buffer: device address, length, who writes it. */
struct vq_seg {
	uint64_t addr;
	uint32_t len;
	bool device_writes;
};

/* What a misbehaving device did; each bad entry is dropped and counted. */
struct vq_stats {
	uint32_t bad_id;  /* used id out of range or not a chain in flight */
	uint32_t bad_len; /* used length above what the chain can receive */
	uint32_t broken;  /* used index moved by more than what is in flight */
};

struct virtq {
	volatile struct vq_desc *desc;
	volatile struct vq_avail *avail;
	volatile struct vq_used *used;
	uint64_t desc_dma, avail_dma, used_dma; /* for the transport */
	uint16_t size;		/* entries, a power of two */
	uint16_t index;		/* the queue's number on the device */
	uint16_t free_head;	/* driver-private free list (meta[].next) */
	uint16_t nr_free;
	uint16_t avail_idx;	/* the next avail->idx we publish */
	uint16_t kicked_idx;	/* avail_idx when we last decided about a kick */
	uint16_t last_used;	/* the next used entry to consume */
	uint16_t in_flight;	/* chains the device holds */
	bool event_idx;		/* VIRTIO_F_RING_EVENT_IDX negotiated */
	bool broken;		/* the device corrupted the used ring: dead */
	bool intr_on;
	bool missed; /* vq_missed() said so since the last vq_intr_enable() */
	struct vq_stats stats;
	struct {
		void *cookie;
		uint32_t wlen;	/* bytes the chain lets the device write */
		uint16_t ndesc; /* descriptors in the chain (0: not a head in flight) */
		uint16_t next;	/* free list and chain links */
	} meta[VQ_MAX_SIZE];
};

/* vq_get_used() results. */
#define VQ_EMPTY 0   /* nothing used since last time */
#define VQ_GOT 1     /* *cookie and *len: a buffer back, len checked */
#define VQ_DROPPED 2 /* *cookie is back but the entry was malformed
		      * (counted): ignore its contents, reuse the buffer */
#define VQ_FULL (-1)   /* vq_add: not enough free descriptors */
#define VQ_BROKEN (-2) /* the device corrupted the ring: the queue is dead */

/* vq_ring_bytes - bytes of device-shared memory a queue of size entries
 * needs (aligned: desc 16, avail 2, used 4; a page-aligned block is fine). */
size_t vq_ring_bytes(uint16_t size);

/*
 * vq_init - lay a queue out in mem (zeroed, vq_ring_bytes(size) long, at
 * device address dma).  size: a power of two, 1..VQ_MAX_SIZE.  Interrupts
 * start suppressed (vq_intr_enable turns them on).
 */
void vq_init(struct virtq *q, uint16_t index, uint16_t size, void *mem, uint64_t dma,
	     bool event_idx);

/*
 * vq_add - hand a buffer of n segments to the device (device-readable ones
 * first, as the spec requires) and make it visible in the avail ring.  The
 * device is not notified: see vq_kick_needed().  Returns 0, VQ_FULL or
 * VQ_BROKEN.
 */
int vq_add(struct virtq *q, const struct vq_seg *segs, unsigned n, void *cookie);

/*
 * vq_kick_needed - whether the device must be notified of what vq_add()
 * published since the last call (false when nothing new, or when the
 * device said it does not need to be told).  The caller notifies once.
 */
bool vq_kick_needed(struct virtq *q);

/*
 * vq_get_used - take the next used entry: VQ_GOT (*cookie, *len <= the
 * chain's writable bytes), VQ_DROPPED (*cookie back, entry malformed),
 * VQ_EMPTY, or VQ_BROKEN.  An entry whose id names no chain in flight is
 * skipped and counted (its buffer, if any, stays with the device).
 */
int vq_get_used(struct virtq *q, void **cookie, uint32_t *len);

/*
 * vq_intr_enable - ask for an interrupt when the device next uses a buffer.
 * Returns true when entries are already waiting (the caller should take
 * them rather than wait for an interrupt that may not come).
 * vq_intr_disable - ask for none (a hint: one more may still arrive).
 */
bool vq_intr_enable(struct virtq *q);
void vq_intr_disable(struct virtq *q);

/*
 * vq_missed - interrupts are on, yet the device has used buffers we have
 * not taken: the interrupt for them is late or may never come (see
 * virtio_before_wait).  True at most once per vq_intr_enable(), so that
 * a caller that reports it keeps interrupts edge-like (an owner that does
 * not read is not reported again and again).  Never blocks.
 */
static inline bool vq_missed(struct virtq *q)
{
	if (!q->intr_on || q->missed || q->broken || q->used->idx == q->last_used)
		return false;
	q->missed = true;
	return true;
}

/* vq_free_count - free descriptors. */
static inline unsigned vq_free_count(const struct virtq *q)
{
	return q->nr_free;
}

#endif /* HAL_VIRTIO_QUEUE_H */
