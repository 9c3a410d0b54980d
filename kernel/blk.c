// SPDX-License-Identifier: MIT
/*
 * The block layer (CONFIG_BLOCK): synchronous transfers over the HAL's
 * asynchronous block requests.
 *
 * Completions: a thread with requests in flight waits for them in one of
 * two ways.  If no thread is "driving" the device, it becomes the driver:
 * it takes every completion (hal_block_complete until NULL, which re-arms
 * the HAL's edge-triggered report) and, when there were none, sleeps in
 * io_wait() for the next report.  Every other thread sleeps on the
 * device's wait queue, and the driver wakes them all whenever it has taken
 * completions or gives up the role, so one of them drives next.  Only the
 * driver ever takes completions: so no completion is consumed behind the
 * back of a thread sleeping in io_wait(), which would then sleep for ever.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hal.h>
#include <hako/blk.h>
#include <hako/io.h>
#include <hako/printk.h>
#include <hako/waitq.h>

#define MAX_DEVS 8
#define INFLIGHT 16		 /* requests one transfer keeps in flight */
#define BOUNCE_MAX (256 * 1024) /* largest bounce buffer per transfer */

struct blk_dev {
	hal_handle_t h;
	struct blk_info info;
	struct blk_stats stats;
	bool driving;
	struct waitq wq;
	char name[16];
};

/* One transfer's requests in flight. */
struct batch {
	unsigned pending;
	int err;
};

static struct blk_dev devs[MAX_DEVS];
static unsigned nr_devs;

int blk_open(const char *name, struct blk_dev **out)
{
	struct hal_block_info hi;
	struct blk_dev *d;
	int rc;

	for (unsigned i = 0; i < nr_devs; i++) {
		if (!strcmp(devs[i].name, name)) {
			*out = &devs[i];
			return 0;
		}
	}
	if (strlen(name) >= sizeof(d->name) || nr_devs == MAX_DEVS)
		return -ENODEV;
	d = &devs[nr_devs];
	rc = hal_block_acquire(name, &d->h, &hi);
	if (rc == HAL_ENODEV)
		return -ENODEV;
	if (rc != HAL_OK)
		return -EIO;
	/* Check what the port promised: the arithmetic below relies on it. */
	if (!hi.block_size || hi.block_size & (hi.block_size - 1) || hi.block_size > 65536 ||
	    hi.max_transfer < 4096 || hi.max_transfer % hi.block_size) {
		pr_err("blk: %s: unusable geometry (block size %zu, max transfer %zu)\n", name,
		       hi.block_size, hi.max_transfer);
		return -EIO;
	}
	nr_devs++;
	d->info = (struct blk_info){ hi.capacity - hi.capacity % hi.block_size, hi.block_size,
				     hi.max_transfer, hi.read_only, hi.can_flush };
	waitq_init(&d->wq);
	strcpy(d->name, name);
	*out = d;
	return 0;
}

const struct blk_info *blk_info(const struct blk_dev *d)
{
	return &d->info;
}

const char *blk_name(const struct blk_dev *d)
{
	return d->name;
}

void blk_get_stats(const struct blk_dev *d, struct blk_stats *st)
{
	*st = d->stats;
}

/* ------------------------------------------------------------ completion --- */

/* Take every completion; returns how many there were.  Driver only. */
static unsigned drain(struct blk_dev *d)
{
	struct hal_block_req *r;
	unsigned n = 0;

	while ((r = hal_block_complete(d->h))) {
		struct batch *b = r->priv;

		n++;
		if (r->status != HAL_OK) {
			d->stats.errors++;
			if (!b->err)
				b->err = -EIO;
		} else if (r->op == HAL_BLOCK_READ) {
			d->stats.reads++;
			d->stats.read_bytes += r->len;
		} else if (r->op == HAL_BLOCK_WRITE) {
			d->stats.writes++;
			d->stats.written_bytes += r->len;
		} else {
			d->stats.flushes++;
		}
		b->pending--;
	}
	return n;
}

/* Wait until some request of the device completes (or room comes back). */
static void wait_progress(struct blk_dev *d)
{
	if (d->driving) {
		waitq_wait(&d->wq, WAITQ_FOREVER);
		return;
	}
	d->driving = true;
	if (!drain(d))
		io_wait(d->h, WAITQ_FOREVER);
	d->driving = false;
	waitq_wake_all(&d->wq);
}

/* Start r as part of b, waiting for room while the queue is full. */
static void submit(struct blk_dev *d, struct batch *b, struct hal_block_req *r)
{
	int rc;

	r->priv = b;
	for (;;) {
		rc = hal_block_submit(d->h, r);
		if (rc != HAL_AGAIN)
			break;
		wait_progress(d);
	}
	if (rc == HAL_OK) {
		b->pending++;
		return;
	}
	d->stats.errors++;
	if (!b->err)
		b->err = rc == HAL_EINVAL ? -EINVAL : -EIO;
}

static int finish(struct blk_dev *d, struct batch *b)
{
	while (b->pending)
		wait_progress(d);
	return b->err;
}

/* ------------------------------------------------------------- transfers --- */

static int check_range(const struct blk_dev *d, uint64_t off, size_t len)
{
	size_t bs = d->info.block_size;

	if (off % bs || len % bs || off > d->info.capacity || len > d->info.capacity - off)
		return -EINVAL;
	return 0;
}

static int transfer(struct blk_dev *d, enum hal_block_op op, uint64_t off, char *buf,
		    size_t len)
{
	struct hal_block_req reqs[INFLIGHT];
	bool aligned = (uintptr_t)buf % d->info.block_size == 0;
	size_t chunk = d->info.max_transfer, window = 0;
	char *bounce = NULL;
	int rc = check_range(d, off, len);

	if (rc)
		return rc;
	if (op == HAL_BLOCK_WRITE && d->info.read_only)
		return -EROFS;
	if (!aligned) {
		window = len < BOUNCE_MAX ? len : BOUNCE_MAX;
		bounce = aligned_alloc(4096, (window + 4095) & ~(size_t)4095);
		if (!bounce)
			return -ENOMEM;
		d->stats.bounced++;
		if (chunk > window)
			chunk = window;
	}
	while (len && !rc) {
		struct batch b = { 0, 0 };
		size_t done = 0;
		unsigned n;

		/* One window of requests in flight, then wait for all of it. */
		for (n = 0; n < INFLIGHT && done < len; n++) {
			size_t l = len - done < chunk ? len - done : chunk;
			char *p = aligned ? buf + done : bounce + done;

			if (!aligned && done + l > window)
				break;
			if (!aligned && op == HAL_BLOCK_WRITE)
				memcpy(p, buf + done, l);
			reqs[n] = (struct hal_block_req){ op, off + done, p, l, HAL_OK, NULL };
			submit(d, &b, &reqs[n]);
			done += l;
		}
		rc = finish(d, &b);
		if (!aligned && op == HAL_BLOCK_READ && !rc)
			memcpy(buf, bounce, done);
		off += done;
		buf += done;
		len -= done;
	}
	free(bounce);
	return rc;
}

int blk_read(struct blk_dev *d, uint64_t off, void *buf, size_t len)
{
	return transfer(d, HAL_BLOCK_READ, off, buf, len);
}

int blk_write(struct blk_dev *d, uint64_t off, const void *buf, size_t len)
{
	return transfer(d, HAL_BLOCK_WRITE, off, (char *)buf, len);
}

int blk_writev(struct blk_dev *d, const struct blk_seg *segs, size_t n)
{
	struct hal_block_req reqs[INFLIGHT];
	int first = 0;

	if (d->info.read_only)
		return -EROFS;
	while (n) {
		struct batch b = { 0, 0 };
		unsigned k = 0;
		int rc;

		for (; k < INFLIGHT && n; segs++, n--) {
			if (check_range(d, segs->off, segs->len) ||
			    segs->len > d->info.max_transfer ||
			    (uintptr_t)segs->buf % d->info.block_size) {
				rc = blk_write(d, segs->off, segs->buf, segs->len);
				if (rc && !first)
					first = rc;
				continue;
			}
			reqs[k] = (struct hal_block_req){ HAL_BLOCK_WRITE, segs->off,
							  (void *)segs->buf, segs->len, HAL_OK,
							  NULL };
			submit(d, &b, &reqs[k++]);
		}
		rc = finish(d, &b);
		if (rc && !first)
			first = rc;
	}
	return first;
}

int blk_flush(struct blk_dev *d)
{
	struct hal_block_req r = { HAL_BLOCK_FLUSH, 0, NULL, 0, HAL_OK, NULL };
	struct batch b = { 0, 0 };

	if (!d->info.can_flush || d->info.read_only)
		return 0;
	submit(d, &b, &r);
	return finish(d, &b);
}
