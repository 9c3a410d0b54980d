// SPDX-License-Identifier: MIT
/*
 * The split virtqueue, driver side (queue.h).  Layout in the shared block:
 * the descriptor table, the avail ring (flags, idx, ring[size], used_event),
 * then, 4-byte aligned, the used ring (flags, idx, ring[size], avail_event).
 *
 * Notification suppression (spec 2.7.7 and 2.7.10): with EVENT_IDX the
 * driver kicks only when the device's avail_event lies in what was just
 * published, and asks for an interrupt by writing used_event; without it,
 * the flags words do the same more coarsely.
 */
#include <string.h>

#include "queue.h"

static size_t used_offset(uint16_t size)
{
	size_t avail_end = (size_t)size * 16 + 4 + 2 * (size_t)size + 2;

	return (avail_end + 3) & ~(size_t)3;
}

size_t vq_ring_bytes(uint16_t size)
{
	return used_offset(size) + 4 + 8 * (size_t)size + 2;
}

static volatile uint16_t *used_event(struct virtq *q)
{
	return &q->avail->ring[q->size];
}

static volatile uint16_t *avail_event(struct virtq *q)
{
	return (volatile uint16_t *)&q->used->ring[q->size];
}

/* The spec's vring_need_event(): did the index cross event going from old
 * to new? */
static bool crossed(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

void vq_init(struct virtq *q, uint16_t index, uint16_t size, void *mem, uint64_t dma,
	     bool event_idx)
{
	uint8_t *m = mem;

	memset(q, 0, sizeof(*q));
	q->size = size;
	q->index = index;
	q->event_idx = event_idx;
	q->desc = (volatile struct vq_desc *)m;
	q->avail = (volatile struct vq_avail *)(m + (size_t)size * 16);
	q->used = (volatile struct vq_used *)(m + used_offset(size));
	q->desc_dma = dma;
	q->avail_dma = dma + (size_t)size * 16;
	q->used_dma = dma + used_offset(size);
	for (uint16_t i = 0; i < size; i++)
		q->meta[i].next = (uint16_t)(i + 1);
	q->free_head = 0;
	q->nr_free = size;
	vq_intr_disable(q);
}

int vq_add(struct virtq *q, const struct vq_seg *segs, unsigned n, void *cookie)
{
	uint16_t head, i;
	uint32_t wlen = 0;

	if (q->broken)
		return VQ_BROKEN;
	if (n == 0 || n > q->nr_free)
		return VQ_FULL;
	head = i = q->free_head;
	for (unsigned k = 0; k < n; k++) {
		volatile struct vq_desc *d = &q->desc[i];
		uint16_t flags = segs[k].device_writes ? VQ_DESC_F_WRITE : 0;

		if (segs[k].device_writes)
			wlen += segs[k].len;
		if (k + 1 < n)
			flags |= VQ_DESC_F_NEXT;
		d->addr = segs[k].addr;
		d->len = segs[k].len;
		d->flags = flags;
		d->next = q->meta[i].next < q->size ? q->meta[i].next : 0;
		i = q->meta[i].next;
	}
	/* The chain keeps its links in meta[].next; i is the rest of the
	 * free list. */
	q->free_head = i;
	q->nr_free = (uint16_t)(q->nr_free - n);
	q->meta[head].cookie = cookie;
	q->meta[head].wlen = wlen;
	q->meta[head].ndesc = (uint16_t)n;
	q->in_flight++;

	q->avail->ring[q->avail_idx & (q->size - 1)] = head;
	vio_wmb(); /* the descriptors and the entry before the index */
	q->avail_idx++;
	q->avail->idx = q->avail_idx;
	return 0;
}

bool vq_kick_needed(struct virtq *q)
{
	uint16_t old = q->kicked_idx, new_idx = q->avail_idx;
	bool need;

	if (q->broken || old == new_idx)
		return false;
	vio_mb(); /* our avail->idx store before reading the device's hint */
	if (q->event_idx)
		need = crossed(*avail_event(q), new_idx, old);
	else
		need = !(q->used->flags & VQ_USED_F_NO_NOTIFY);
	q->kicked_idx = new_idx;
	return need;
}

/* Give a chain's descriptors back to the free list. */
static void free_chain(struct virtq *q, uint16_t head)
{
	uint16_t n = q->meta[head].ndesc, tail = head;

	for (uint16_t k = 1; k < n; k++)
		tail = q->meta[tail].next;
	q->meta[tail].next = q->free_head;
	q->free_head = head;
	q->nr_free = (uint16_t)(q->nr_free + n);
	q->meta[head].ndesc = 0;
	q->in_flight--;
}

int vq_get_used(struct virtq *q, void **cookie, uint32_t *len)
{
	uint16_t used_idx, pending;
	uint32_t id, l;

	for (;;) {
		if (q->broken)
			return VQ_BROKEN;
		used_idx = q->used->idx;
		pending = (uint16_t)(used_idx - q->last_used);
		if (pending == 0)
			return VQ_EMPTY;
		if (pending > q->in_flight) {
			/* More entries than buffers the device holds: the
			 * index is garbage and nothing after it can be trusted. */
			q->stats.broken++;
			q->broken = true;
			return VQ_BROKEN;
		}
		vio_rmb(); /* the index before the entry it covers */
		id = q->used->ring[q->last_used & (q->size - 1)].id;
		l = q->used->ring[q->last_used & (q->size - 1)].len;
		q->last_used++;
		if (id >= q->size || q->meta[id].ndesc == 0) {
			q->stats.bad_id++;
			continue;
		}
		*cookie = q->meta[id].cookie;
		free_chain(q, (uint16_t)id);
		if (l > q->meta[id].wlen) {
			q->stats.bad_len++;
			*len = 0;
			return VQ_DROPPED;
		}
		*len = l;
		return VQ_GOT;
	}
}

bool vq_intr_enable(struct virtq *q)
{
	q->intr_on = true;
	q->missed = false;
	q->avail->flags = 0;
	if (q->event_idx)
		*used_event(q) = q->last_used;
	vio_mb(); /* the request before looking at what is already there */
	return !q->broken && q->used->idx != q->last_used;
}

void vq_intr_disable(struct virtq *q)
{
	q->intr_on = false;
	q->avail->flags = VQ_AVAIL_F_NO_INTERRUPT;
	/*
	 * With EVENT_IDX the flag is ignored, and used_event is left where
	 * vq_intr_enable() put it: behind the device, which has crossed it
	 * (that was the interrupt), so it fires at most once more, and then
	 * not until its index wraps.  Moving the event along with what we
	 * consume would not do: a device may judge a crossing from the index
	 * of its last interrupt (QEMU does), and would then interrupt again
	 * after every batch we take.
	 */
}
