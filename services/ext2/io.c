// SPDX-License-Identifier: MIT
/*
 * libext2fs's I/O manager for Hako's block devices (hako/blk.h), with a
 * write-back block cache.
 *
 * Single-block transfers (libext2fs's metadata, and file data through its
 * block-at-a-time file I/O) go through the cache: reads fill it (reading
 * ahead when the reads are sequential), writes only dirty it.  Dirty
 * blocks go out, sorted and merged into large requests, when the cache
 * needs room and at every flush; a flush then flushes the device, so that
 * everything written before it is durable (hal.h's rule).  Multi-block
 * transfers (the file system's large reads and writes) go straight to the
 * device, with the cached copies kept authoritative: a read is patched with
 * them, a write updates them.
 *
 * Every transfer is checked against the device's capacity: a corrupted
 * block number gives an error, never a read outside the device.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ext2fs/ext2_fs.h>
#include <ext2fs/ext2fs.h>

#include <hako/blk.h>
#include <hako/list.h>

#include "e2.h"

#define READAHEAD 32		 /* blocks read at once on a sequential miss */
#define STAGE_BYTES (256 * 1024) /* write-back merge buffer */

struct centry {
	uint64_t blk;
	struct centry *hnext;
	struct list_node lru; /* io->lru (valid) or io->spare (not) */
	bool dirty;
	char *data;
};

struct e2io {
	struct blk_dev *dev;
	uint64_t capacity;
	size_t bs;	 /* the channel's block size */
	size_t n;	 /* cache entries */
	size_t budget;	 /* cache bytes */
	struct centry *ents;
	char *slab;	 /* n * bs bytes, page aligned */
	struct centry **hash;
	size_t hmask;
	struct list_node lru;	/* least recently used first */
	struct list_node spare; /* entries holding nothing */
	size_t ndirty;
	uint64_t last_miss;
	char *stage; /* STAGE_BYTES: write-back merges runs here */
	char *rabuf; /* STAGE_BYTES: read-ahead lands here */
	char *tmp;   /* one block, for partial-block updates */
	char *zero;  /* STAGE_BYTES of zeros, for zeroout */
	struct e2io_stats st;
};

static struct struct_io_manager hako_io_manager_s;
io_manager hako_io_manager = &hako_io_manager_s;

static struct e2io *io_of(io_channel ch)
{
	return ch->private_data;
}

static errcode_t errno_code(int rc)
{
	return rc == -ENOMEM ? EXT2_ET_NO_MEMORY : rc == -EROFS ? EXT2_ET_RO_FILSYS : EIO;
}

/* ---------------------------------------------------------------- cache --- */

static size_t hash_of(const struct e2io *io, uint64_t blk)
{
	return (size_t)((blk * 0x9e3779b97f4a7c15ULL) >> 20) & io->hmask;
}

static struct centry *lookup(struct e2io *io, uint64_t blk)
{
	for (struct centry *e = io->hash[hash_of(io, blk)]; e; e = e->hnext)
		if (e->blk == blk)
			return e;
	return NULL;
}

static void unhash(struct e2io *io, struct centry *e)
{
	for (struct centry **p = &io->hash[hash_of(io, e->blk)]; *p; p = &(*p)->hnext) {
		if (*p == e) {
			*p = e->hnext;
			return;
		}
	}
}

static void touch(struct e2io *io, struct centry *e)
{
	list_remove(&e->lru);
	list_push_back(&io->lru, &e->lru);
}

static int cmp_blk(const void *a, const void *b)
{
	const struct centry *x = *(struct centry *const *)a, *y = *(struct centry *const *)b;

	return x->blk < y->blk ? -1 : x->blk > y->blk;
}

/* Write every dirty block: sorted, runs merged through the stage buffer. */
static errcode_t write_back(struct e2io *io)
{
	struct blk_seg segs[64];
	struct centry **list;
	size_t k = 0, nseg = 0, used = 0;
	int rc, first = 0;
	struct list_node *pos;

	if (!io->ndirty)
		return 0;
	list = malloc(io->ndirty * sizeof(*list));
	if (!list)
		return EXT2_ET_NO_MEMORY;
	list_for_each(pos, &io->lru) {
		struct centry *e = list_entry(pos, struct centry, lru);

		if (e->dirty && k < io->ndirty)
			list[k++] = e;
	}
	qsort(list, k, sizeof(*list), cmp_blk);
	for (size_t i = 0; i < k; i++) {
		bool joins = nseg && list[i]->blk == list[i - 1]->blk + 1 &&
			     segs[nseg - 1].len + io->bs <= blk_info(io->dev)->max_transfer;

		if (used + io->bs > STAGE_BYTES || (!joins && nseg == 64)) {
			rc = blk_writev(io->dev, segs, nseg);
			if (rc && !first)
				first = rc;
			nseg = used = 0;
			joins = false;
		}
		memcpy(io->stage + used, list[i]->data, io->bs);
		if (joins) {
			segs[nseg - 1].len += io->bs;
		} else {
			segs[nseg++] = (struct blk_seg){ list[i]->blk * io->bs, io->stage + used,
							 io->bs };
		}
		used += io->bs;
		list[i]->dirty = false;
	}
	if (nseg) {
		rc = blk_writev(io->dev, segs, nseg);
		if (rc && !first)
			first = rc;
	}
	io->st.written_back += k;
	io->ndirty = 0;
	free(list);
	/* A failed write leaves the blocks clean but the error reported:
	 * retrying forever would hang; the file system reports EIO. */
	return first ? errno_code(first) : 0;
}

/* A free entry for blk (not in the cache), evicting the least recently
 * used one; dirty blocks are written back first. */
static errcode_t get_entry(struct e2io *io, uint64_t blk, struct centry **out)
{
	struct centry *e;
	errcode_t err;

	if (list_empty(&io->spare)) {
		e = list_entry(io->lru.next, struct centry, lru);
		if (e->dirty) {
			err = write_back(io);
			if (err)
				return err;
		}
		unhash(io, e);
		list_remove(&e->lru);
		list_push_back(&io->spare, &e->lru);
		io->st.evictions++;
	}
	e = list_entry(list_pop_front(&io->spare), struct centry, lru);
	e->blk = blk;
	e->dirty = false;
	e->hnext = io->hash[hash_of(io, blk)];
	io->hash[hash_of(io, blk)] = e;
	list_push_back(&io->lru, &e->lru);
	*out = e;
	return 0;
}

static void drop_entry(struct e2io *io, struct centry *e)
{
	if (e->dirty)
		io->ndirty--;
	e->dirty = false;
	unhash(io, e);
	list_remove(&e->lru);
	list_push_back(&io->spare, &e->lru);
}

static void cache_free(struct e2io *io)
{
	free(io->ents);
	free(io->slab);
	free(io->hash);
	io->ents = NULL;
	io->slab = NULL;
	io->hash = NULL;
	io->n = 0;
}

static errcode_t cache_setup(struct e2io *io, size_t bs)
{
	size_t h = 16;

	io->bs = bs;
	io->n = io->budget / bs;
	if (io->n < 16)
		io->n = 16;
	while (h < io->n * 2)
		h *= 2;
	io->hmask = h - 1;
	io->ents = calloc(io->n, sizeof(*io->ents));
	io->slab = aligned_alloc(4096, io->n * bs);
	io->hash = calloc(h, sizeof(*io->hash));
	if (!io->ents || !io->slab || !io->hash) {
		cache_free(io);
		return EXT2_ET_NO_MEMORY;
	}
	list_init(&io->lru);
	list_init(&io->spare);
	for (size_t i = 0; i < io->n; i++) {
		io->ents[i].data = io->slab + i * bs;
		list_push_back(&io->spare, &io->ents[i].lru);
	}
	io->ndirty = 0;
	io->last_miss = ~0ULL;
	return 0;
}

/* ------------------------------------------------------------ transfers --- */

/* Is [blk, blk + count) of the channel's blocks on the device? */
static bool in_range(const struct e2io *io, uint64_t blk, uint64_t count)
{
	uint64_t blocks = io->capacity / io->bs;

	return blk <= blocks && count <= blocks - blk;
}

/* Read one block through the cache (reading ahead on a sequential miss). */
static errcode_t read_cached(struct e2io *io, uint64_t blk, char *data)
{
	struct centry *e = lookup(io, blk);
	uint64_t n = 1, max;
	errcode_t err;
	int rc;

	if (e) {
		io->st.hits++;
		memcpy(data, e->data, io->bs);
		touch(io, e);
		return 0;
	}
	io->st.misses++;
	max = blk == io->last_miss + 1 ? READAHEAD : 1;
	if (max > STAGE_BYTES / io->bs)
		max = STAGE_BYTES / io->bs;
	if (max > io->n / 4)
		max = io->n / 4 ? io->n / 4 : 1;
	while (n < max && in_range(io, blk, n + 1) && !lookup(io, blk + n))
		n++;
	io->last_miss = blk + n - 1;
	rc = blk_read(io->dev, blk * io->bs, io->rabuf, n * io->bs);
	if (rc)
		return errno_code(rc);
	for (uint64_t i = 0; i < n; i++) {
		err = get_entry(io, blk + i, &e);
		if (err)
			return err;
		memcpy(e->data, io->rabuf + i * io->bs, io->bs);
	}
	memcpy(data, io->rabuf, io->bs);
	io->st.readahead += n - 1;
	return 0;
}

static errcode_t write_cached(struct e2io *io, uint64_t blk, const char *data)
{
	struct centry *e = lookup(io, blk);
	errcode_t err;

	if (!e) {
		err = get_entry(io, blk, &e);
		if (err)
			return err;
	} else {
		touch(io, e);
	}
	memcpy(e->data, data, io->bs);
	if (!e->dirty)
		io->ndirty++;
	e->dirty = true;
	return 0;
}

static errcode_t read_direct(struct e2io *io, uint64_t blk, uint64_t count, char *data)
{
	int rc = blk_read(io->dev, blk * io->bs, data, count * io->bs);

	if (rc)
		return errno_code(rc);
	io->st.direct_reads++;
	/* The cache is newer than the device. */
	for (uint64_t i = 0; i < count; i++) {
		struct centry *e = lookup(io, blk + i);

		if (e)
			memcpy(data + i * io->bs, e->data, io->bs);
	}
	return 0;
}

static errcode_t write_direct(struct e2io *io, uint64_t blk, uint64_t count, const char *data)
{
	int rc;

	for (uint64_t i = 0; i < count; i++) {
		struct centry *e = lookup(io, blk + i);

		if (e)
			drop_entry(io, e); /* superseded */
	}
	rc = blk_write(io->dev, blk * io->bs, data, count * io->bs);
	io->st.direct_writes++;
	return rc ? errno_code(rc) : 0;
}

static errcode_t hio_read_blk64(io_channel ch, unsigned long long blk, int count, void *data)
{
	struct e2io *io = io_of(ch);
	uint64_t n, bytes = count < 0 ? (uint64_t)-(int64_t)count : (uint64_t)count * io->bs;
	char *p = data;
	errcode_t err;

	if (count == 0)
		return 0;
	n = (bytes + io->bs - 1) / io->bs;
	if (!in_range(io, blk, n))
		return EXT2_ET_SHORT_READ;
	if (bytes % io->bs) {
		/* A byte count: whole blocks through the cache, then copy. */
		for (uint64_t i = 0; i < n; i++) {
			err = read_cached(io, blk + i, io->tmp);
			if (err)
				return err;
			memcpy(p + i * io->bs, io->tmp,
			       bytes - i * io->bs < io->bs ? bytes - i * io->bs : io->bs);
		}
		return 0;
	}
	if (n > 1)
		return read_direct(io, blk, n, data);
	return read_cached(io, blk, data);
}

static errcode_t hio_write_blk64(io_channel ch, unsigned long long blk, int count,
				 const void *data)
{
	struct e2io *io = io_of(ch);
	uint64_t n, bytes = count < 0 ? (uint64_t)-(int64_t)count : (uint64_t)count * io->bs;
	errcode_t err;

	if (count == 0)
		return 0;
	n = (bytes + io->bs - 1) / io->bs;
	if (!in_range(io, blk, n))
		return EXT2_ET_SHORT_WRITE;
	if (bytes % io->bs) {
		/* Part of a block: read, modify, write through the cache. */
		for (uint64_t i = 0; i < n; i++) {
			char *tmp = io->tmp;
			size_t l = bytes - i * io->bs < io->bs ? bytes - i * io->bs : io->bs;

			err = read_cached(io, blk + i, tmp);
			if (!err) {
				memcpy(tmp, (const char *)data + i * io->bs, l);
				err = write_cached(io, blk + i, tmp);
			}
			if (err)
				return err;
		}
		return 0;
	}
	if (n > 1)
		return write_direct(io, blk, n, data);
	return write_cached(io, blk, data);
}

static errcode_t hio_read_blk(io_channel ch, unsigned long blk, int count, void *data)
{
	return hio_read_blk64(ch, blk, count, data);
}

static errcode_t hio_write_blk(io_channel ch, unsigned long blk, int count, const void *data)
{
	return hio_write_blk64(ch, blk, count, data);
}

/* Bytes at any offset (the superblock's changed fields): read-modify-write. */
static errcode_t hio_write_byte(io_channel ch, unsigned long off, int count, const void *data)
{
	struct e2io *io = io_of(ch);
	const char *p = data;
	char *tmp = io->tmp;
	errcode_t err;

	if (count < 0)
		return EXT2_ET_INVALID_ARGUMENT;
	if ((uint64_t)off > io->capacity || (uint64_t)count > io->capacity - off)
		return EXT2_ET_SHORT_WRITE;
	while (count > 0) {
		uint64_t blk = off / io->bs;
		size_t in = off % io->bs;
		size_t l = io->bs - in < (size_t)count ? io->bs - in : (size_t)count;

		err = read_cached(io, blk, tmp);
		if (err)
			return err;
		memcpy(tmp + in, p, l);
		err = write_cached(io, blk, tmp);
		if (err)
			return err;
		p += l;
		off += l;
		count -= (int)l;
	}
	return 0;
}

static errcode_t hio_flush(io_channel ch)
{
	struct e2io *io = io_of(ch);
	errcode_t err = write_back(io);
	int rc = blk_flush(io->dev);

	io->st.flushes++;
	return err ? err : rc ? errno_code(rc) : 0;
}

static errcode_t hio_zeroout(io_channel ch, unsigned long long blk, unsigned long long count)
{
	struct e2io *io = io_of(ch);
	errcode_t err;

	if (!in_range(io, blk, count))
		return EXT2_ET_SHORT_WRITE;
	while (count) {
		uint64_t n = count < STAGE_BYTES / io->bs ? count : STAGE_BYTES / io->bs;

		err = n > 1 ? write_direct(io, blk, n, io->zero) : write_cached(io, blk, io->zero);
		if (err)
			return err;
		blk += n;
		count -= n;
	}
	return 0;
}

static errcode_t hio_set_blksize(io_channel ch, int bs)
{
	struct e2io *io = io_of(ch);
	errcode_t err;

	if (bs < 1024 || bs > 65536 || bs & (bs - 1) ||
	    (size_t)bs % blk_info(io->dev)->block_size)
		return EXT2_ET_INVALID_ARGUMENT;
	if ((size_t)bs == io->bs)
		return 0;
	err = write_back(io);
	if (err)
		return err;
	cache_free(io);
	err = cache_setup(io, (size_t)bs);
	if (err)
		return err;
	ch->block_size = bs;
	return 0;
}

static errcode_t hio_close(io_channel ch)
{
	struct e2io *io = io_of(ch);
	errcode_t err = 0;

	if (--ch->refcount > 0)
		return 0;
	if (io->ndirty)
		err = hio_flush(ch);
	cache_free(io);
	free(io->stage);
	free(io->rabuf);
	free(io->tmp);
	free(io->zero);
	free(io);
	free(ch->name);
	free(ch);
	return err;
}

static errcode_t hio_open(const char *name, int flags, io_channel *out)
{
	struct blk_dev *dev;
	struct e2io *io;
	io_channel ch;
	errcode_t err;
	int rc = blk_open(name, &dev);

	if (rc)
		return rc == -ENODEV ? EXT2_ET_BAD_DEVICE_NAME : EIO;
	if (flags & IO_FLAG_RW && blk_info(dev)->read_only)
		return EXT2_ET_RO_FILSYS;
	if (blk_info(dev)->block_size > 1024)
		return EXT2_ET_UNEXPECTED_BLOCK_SIZE;
	ch = calloc(1, sizeof(*ch));
	io = calloc(1, sizeof(*io));
	if (!ch || !io)
		goto nomem;
	io->dev = dev;
	io->capacity = blk_info(dev)->capacity;
	io->budget = (size_t)CONFIG_EXT2_CACHE_KIB * 1024;
	io->stage = aligned_alloc(4096, STAGE_BYTES);
	io->rabuf = aligned_alloc(4096, STAGE_BYTES);
	io->tmp = aligned_alloc(4096, 65536);
	io->zero = aligned_alloc(4096, STAGE_BYTES);
	ch->name = malloc(strlen(name) + 1);
	if (!io->stage || !io->rabuf || !io->tmp || !io->zero || !ch->name)
		goto nomem;
	memset(io->zero, 0, STAGE_BYTES);
	strcpy(ch->name, name);
	err = cache_setup(io, 1024);
	if (err)
		goto nomem;
	ch->magic = EXT2_ET_MAGIC_IO_CHANNEL;
	ch->manager = hako_io_manager;
	ch->block_size = 1024;
	ch->refcount = 1;
	ch->private_data = io;
	*out = ch;
	return 0;
nomem:
	if (io) {
		free(io->stage);
		free(io->rabuf);
		free(io->tmp);
		free(io->zero);
	}
	if (ch)
		free(ch->name);
	free(io);
	free(ch);
	return EXT2_ET_NO_MEMORY;
}

static errcode_t hio_set_option(io_channel ch, const char *option, const char *arg)
{
	return EXT2_ET_INVALID_ARGUMENT;
}

void e2io_get_stats(io_channel ch, struct e2io_stats *st)
{
	*st = io_of(ch)->st;
}

struct blk_dev *e2io_dev(io_channel ch)
{
	return io_of(ch)->dev;
}

static struct struct_io_manager hako_io_manager_s = {
	.magic = EXT2_ET_MAGIC_IO_MANAGER,
	.name = "Hako block device",
	.open = hio_open,
	.close = hio_close,
	.set_blksize = hio_set_blksize,
	.read_blk = hio_read_blk,
	.write_blk = hio_write_blk,
	.flush = hio_flush,
	.write_byte = hio_write_byte,
	.set_option = hio_set_option,
	.read_blk64 = hio_read_blk64,
	.write_blk64 = hio_write_blk64,
	.zeroout = hio_zeroout,
};
