/* SPDX-License-Identifier: MIT */
/*
 * blk.h - block devices for file systems (CONFIG_BLOCK).
 *
 * Synchronous reads, writes and flushes on top of the HAL's asynchronous
 * requests (hal_block_submit/complete, completions through hal_wait): the
 * calling thread blocks until its transfer is done while other threads run.
 * A transfer is split into requests of at most the device's max_transfer,
 * several in flight at once.  Any number of threads may use a device at the
 * same time; completions are collected by whichever of them waits.
 *
 * Offsets and lengths are multiples of the device's block_size.  Buffers
 * may have any alignment: one that is not aligned to the block size goes
 * through a bounce buffer (a copy), so file systems hand aligned ones.
 *
 * Errors are negative errno values: -EINVAL (misaligned or beyond the
 * capacity), -EROFS (a write to a read-only device), -EIO (the device
 * failed a request, or its backend is gone), -ENOMEM (no bounce buffer).
 * When a transfer fails part of it may have been done.
 */
#ifndef HAKO_BLK_H
#define HAKO_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct blk_dev;

struct blk_info {
	uint64_t capacity;   /* bytes */
	size_t block_size;   /* a power of two, usually 512 */
	size_t max_transfer; /* the largest single request */
	bool read_only;
	bool can_flush; /* false: a completed write is already durable */
};

struct blk_stats {
	uint64_t reads, writes, flushes; /* requests completed */
	uint64_t read_bytes, written_bytes;
	uint64_t errors;
	uint64_t bounced; /* transfers that needed a bounce buffer */
};

/*
 * blk_open - the device called name ("disk0"...).  Opening a name again
 * returns the same device.  Errors: -ENODEV (the platform has no such
 * device), -EIO (it failed to connect), -ENOMEM.
 */
int blk_open(const char *name, struct blk_dev **dev);

const struct blk_info *blk_info(const struct blk_dev *dev);
const char *blk_name(const struct blk_dev *dev);
void blk_get_stats(const struct blk_dev *dev, struct blk_stats *st);

/* blk_read, blk_write - len bytes at off; 0 or a negative errno.  Block. */
int blk_read(struct blk_dev *dev, uint64_t off, void *buf, size_t len);
int blk_write(struct blk_dev *dev, uint64_t off, const void *buf, size_t len);

/*
 * blk_writev - write n separate ranges, all in flight together (a cache
 * writing back its dirty blocks).  Every range is attempted; the result is
 * 0 or the first error.
 */
struct blk_seg {
	uint64_t off;
	const void *buf;
	size_t len;
};
int blk_writev(struct blk_dev *dev, const struct blk_seg *segs, size_t n);

/*
 * blk_flush - make durable every write that returned before this call
 * (hal.h's rule: a flush covers the writes completed before it was
 * submitted).  0 at once on a device without a volatile cache.
 */
int blk_flush(struct blk_dev *dev);

#endif /* HAKO_BLK_H */
