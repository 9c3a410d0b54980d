// SPDX-License-Identifier: MIT
/*
 * virtio-blk (spec 5.2) behind hal.h's block calls.  A request is a chain
 * of three descriptors: the 16-byte header (type, sector), the kernel's
 * buffer, and the status byte the device writes last.  Headers and status
 * bytes live in device memory, one slot per request in flight; the slot
 * is the chain's cookie.  The kernel's buffer is used in place (its device
 * address is its physical one).
 *
 * Durability (hal.h): with VIRTIO_BLK_F_FLUSH, HAL_BLOCK_FLUSH is a
 * VIRTIO_BLK_T_FLUSH request, which the device completes once every write
 * it completed before is on stable storage.  Without the feature the
 * device has no volatile cache to flush (can_flush false): a flush
 * completes at once, through hal_wait() like any other completion.
 *
 * A device that corrupts the used ring is failed; the requests it held
 * are then completed with HAL_EIO, so the kernel gets every one back.
 */
#include <string.h>

#include <hako/printk.h>

#include "port.h"
#include "virtio.h"

#define BLK_F_SIZE_MAX (1ULL << 1)
#define BLK_F_RO (1ULL << 5)
#define BLK_F_BLK_SIZE (1ULL << 6)
#define BLK_F_FLUSH (1ULL << 9)
#define CFG_CAPACITY 0
#define CFG_SIZE_MAX 8
#define CFG_BLK_SIZE 20

#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define S_OK 0

#define QUEUE_SIZE 128
#define SLOTS 42 /* QUEUE_SIZE / 3 descriptors */
#define MAX_TRANSFER (256 * 1024)
#define SECTOR 512

struct req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

struct vblk {
	struct virtq q;
	struct req_hdr *hdr; /* [SLOTS], device-readable */
	uint8_t *status;     /* [SLOTS], device-written */
	uint64_t hdr_dma, status_dma;
	struct hal_block_req *req[SLOTS];
	uint16_t free[SLOTS];
	unsigned nr_free, nr_slots;
	struct hal_block_req *done[SLOTS]; /* completed here, not by the device */
	unsigned nr_done;
	struct hal_block_info info;
	uint64_t done_ok, done_failed;
	uint32_t bad_id, bad_len;
};

static size_t page_up(size_t n)
{
	return (n + 4095) & ~(size_t)4095;
}

size_t virtio_blk_mem_needed(void)
{
	return page_up(sizeof(struct vblk)) + page_up(vq_ring_bytes(QUEUE_SIZE)) +
	       page_up(SLOTS * sizeof(struct req_hdr) + SLOTS);
}

static int start(struct virtio_dev *d)
{
	struct virtio_mem m = { d->mem, d->mem_dma, virtio_blk_mem_needed() };
	uint64_t f, sectors;
	uint32_t bs = SECTOR;
	struct vblk *b;

	if (virtio_begin(d, BLK_F_RO | BLK_F_BLK_SIZE | BLK_F_FLUSH | BLK_F_SIZE_MAX |
				    VIRTIO_F_RING_EVENT_IDX,
			 &f))
		return HAL_EIO;
	b = virtio_carve(&m, page_up(sizeof(*b)), 4096, NULL);
	memset(b, 0, sizeof(*b));
	if (virtio_queue_setup(d, &b->q, 0, QUEUE_SIZE, f & VIRTIO_F_RING_EVENT_IDX, &m))
		return HAL_EIO;
	b->hdr = virtio_carve(&m, SLOTS * sizeof(struct req_hdr), 16, &b->hdr_dma);
	b->status = virtio_carve(&m, SLOTS, 1, &b->status_dma);

	sectors = virtio_config_read64(d, CFG_CAPACITY);
	if (f & BLK_F_BLK_SIZE) {
		uint32_t v = d->t->config_read(d, CFG_BLK_SIZE, 4);

		/* A power of two the kernel can align buffers to; else 512. */
		if (v >= SECTOR && v <= 65536 && !(v & (v - 1)))
			bs = v;
	}
	if (sectors > UINT64_MAX / SECTOR) {
		virtio_fail(d, "absurd capacity");
		return HAL_EIO;
	}
	b->info.capacity = sectors * SECTOR / bs * bs;
	b->info.block_size = bs;
	b->info.max_transfer = MAX_TRANSFER;
	if (f & BLK_F_SIZE_MAX) {
		/* One data descriptor per request: its limit is the transfer's. */
		uint32_t v = d->t->config_read(d, CFG_SIZE_MAX, 4) / bs * bs;

		if (v < 4096 || v < bs) {
			virtio_fail(d, "segments smaller than 4 KiB are not supported");
			return HAL_EIO;
		}
		if (v < b->info.max_transfer)
			b->info.max_transfer = v;
	}
	b->info.read_only = f & BLK_F_RO;
	b->info.can_flush = f & BLK_F_FLUSH;
	b->nr_slots = b->q.size / 3 < SLOTS ? b->q.size / 3 : SLOTS;
	for (unsigned s = 0; s < b->nr_slots; s++)
		b->free[s] = (uint16_t)s;
	b->nr_free = b->nr_slots;
	d->driver = b;
	vq_intr_enable(&b->q);
	virtio_ready(d);
	return HAL_OK;
}

int hal_block_acquire(const char *name, hal_handle_t *h, struct hal_block_info *info)
{
	struct virtio_dev *d = virtio_find(VIRTIO_ID_BLOCK, name, "disk");

	if (!d)
		return HAL_ENODEV;
	if (!virtio_take_mem(d, virtio_blk_mem_needed()) || start(d) != HAL_OK)
		return HAL_EIO;
	virtio_acquired(d, name);
	*h = d->handle;
	*info = ((struct vblk *)d->driver)->info;
	return HAL_OK;
}

static bool valid(const struct vblk *b, const struct hal_block_req *r)
{
	const struct hal_block_info *i = &b->info;

	switch (r->op) {
	case HAL_BLOCK_FLUSH:
		return r->len == 0;
	case HAL_BLOCK_WRITE:
		if (i->read_only)
			return false;
		/* fall through */
	case HAL_BLOCK_READ:
		return r->len && r->len <= i->max_transfer && !(r->len & (i->block_size - 1)) &&
		       !(r->offset & (i->block_size - 1)) && r->offset <= i->capacity &&
		       r->len <= i->capacity - r->offset && r->buf &&
		       !((uintptr_t)r->buf & (i->block_size - 1));
	}
	return false;
}

int hal_block_submit(hal_handle_t h, struct hal_block_req *req)
{
	struct virtio_dev *d = virtio_get(h, VIRTIO_ID_BLOCK);
	struct vq_seg seg[3];
	struct vblk *b;
	unsigned s, n = 0;

	if (!d || !req)
		return HAL_EINVAL;
	b = d->driver;
	if (!valid(b, req))
		return HAL_EINVAL;
	if (d->failed)
		return HAL_EIO;
	if (req->op == HAL_BLOCK_FLUSH && !b->info.can_flush) {
		if (b->nr_done == SLOTS)
			return HAL_AGAIN;
		req->status = HAL_OK;
		b->done[b->nr_done++] = req;
		vport_raise(h);
		return HAL_OK;
	}
	if (!b->nr_free)
		return HAL_AGAIN;
	s = b->free[--b->nr_free];
	b->hdr[s] = (struct req_hdr){
		.type = req->op == HAL_BLOCK_READ ? T_IN : req->op == HAL_BLOCK_WRITE ? T_OUT : T_FLUSH,
		.sector = req->op == HAL_BLOCK_FLUSH ? 0 : req->offset / SECTOR,
	};
	b->status[s] = 0xff; /* not S_OK: a device that never writes it fails the request */
	seg[n++] = (struct vq_seg){ b->hdr_dma + s * sizeof(struct req_hdr),
				    sizeof(struct req_hdr), false };
	if (req->op != HAL_BLOCK_FLUSH)
		seg[n++] = (struct vq_seg){ vport_dma_addr(req->buf), (uint32_t)req->len,
					    req->op == HAL_BLOCK_READ };
	seg[n++] = (struct vq_seg){ b->status_dma + s, 1, true };
	if (vq_add(&b->q, seg, n, (void *)(uintptr_t)s) != 0) {
		b->free[b->nr_free++] = (uint16_t)s;
		return b->q.broken ? HAL_EIO : HAL_AGAIN;
	}
	b->req[s] = req;
	virtio_kick(d, &b->q);
	return HAL_OK;
}

/* Hand back a slot's request with a status. */
static struct hal_block_req *finish(struct vblk *b, unsigned s, int status)
{
	struct hal_block_req *r = b->req[s];

	b->req[s] = NULL;
	b->free[b->nr_free++] = (uint16_t)s;
	r->status = status;
	if (status == HAL_OK)
		b->done_ok++;
	else
		b->done_failed++;
	return r;
}

struct hal_block_req *hal_block_complete(hal_handle_t h)
{
	struct virtio_dev *d = virtio_get(h, VIRTIO_ID_BLOCK);
	struct vblk *b;
	void *cookie;
	uint32_t len;
	int r;

	if (!d)
		return NULL;
	b = d->driver;
	if (b->nr_done)
		return b->done[--b->nr_done];
	for (;;) {
		if (d->failed) {
			/* The device is gone: give back what it held. */
			for (unsigned s = 0; s < b->nr_slots; s++)
				if (b->req[s])
					return finish(b, s, HAL_EIO);
			return NULL;
		}
		r = vq_get_used(&b->q, &cookie, &len);
		virtio_report_queue(d, &b->q, &b->bad_id);
		switch (r) {
		case VQ_EMPTY:
			if (vq_intr_enable(&b->q))
				continue;
			return NULL;
		case VQ_BROKEN:
			virtio_fail(d, "request ring corrupted by the device (used index)");
			continue;
		case VQ_DROPPED:
			virtio_report_bad(d, "completion longer than its request", ++b->bad_len);
			vq_intr_disable(&b->q);
			return finish(b, (uintptr_t)cookie, HAL_EIO);
		default:
			vq_intr_disable(&b->q);
			return finish(b, (uintptr_t)cookie,
				      b->status[(uintptr_t)cookie] == S_OK ? HAL_OK : HAL_EIO);
		}
	}
}

void virtio_blk_report(struct virtio_dev *d)
{
	struct vblk *b = d->driver;

	printk(LOG_INFO, "hako: %s (virtio %s): requests done %llu, failed %llu; bad completions %u\n",
	       d->name, d->where, (unsigned long long)b->done_ok,
	       (unsigned long long)b->done_failed, b->bad_id + b->bad_len);
}
