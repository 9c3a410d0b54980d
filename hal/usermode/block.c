// SPDX-License-Identifier: MIT
/*
 * Block devices of the usermode port: host files (or host block devices)
 * named on the command line, --disk=PATH[:ro], in order disk0, disk1...
 *
 * A request is carried out at once by pread/pwrite/fdatasync inside
 * hal_block_submit() and queued as completed; hal_block_complete() hands the
 * completions back in order.  So several requests are "in flight" (submitted,
 * not yet taken back) up to QDEPTH, and the edge-triggered report hal.h asks
 * for is a flag that hal_wait() turns into the handle's ready bit.
 *
 * Durability: a completed write is in the host's page cache; a flush is
 * fdatasync() of the file, after which every write completed before it is
 * on the host's stable storage (as far as the host's own disk honours it).
 */
#include <stdbool.h>
#include <stdint.h>

#include <hal.h>

#include "usermode.h"
#include "syscall.h"

#define MAX_DISKS 8
#define QDEPTH 64
#define SECTOR 512
#define MAX_TRANSFER (1024 * 1024)

struct disk {
	struct um_dev dev; /* its handle; never polled (fd -1) */
	int fd;
	bool read_only, acquired;
	bool armed;  /* the kernel saw "nothing": report the next completion */
	bool full;   /* a submit was refused: report when room comes back */
	bool report; /* hal_wait() owes the kernel this handle's bit */
	uint64_t capacity;
	struct hal_block_req *done[QDEPTH];
	unsigned head, count;
};

static struct disk disks[MAX_DISKS];
static unsigned nr_disks;

void um_disk_add(const char *spec)
{
	char path[4096];
	size_t n = 0;
	bool ro = false;
	struct disk *d;
	long fd, end;

	while (spec[n] && n < sizeof(path) - 1) {
		path[n] = spec[n];
		n++;
	}
	if (spec[n])
		um_usage_error("--disk path too long", spec, "'\n");
	path[n] = '\0';
	if (n > 3 && path[n - 3] == ':' && path[n - 2] == 'r' && path[n - 1] == 'o') {
		ro = true;
		path[n - 3] = '\0';
	}
	if (!path[0])
		um_usage_error("--disk needs a file", spec, "': --disk=PATH or --disk=PATH:ro\n");
	if (nr_disks == MAX_DISKS)
		um_usage_error("too many --disk options at", spec, "': at most 8\n");
	fd = sys4(SYS_openat, AT_FDCWD, path, (ro ? O_RDONLY : O_RDWR) | O_CLOEXEC, 0);
	if (fd < 0)
		um_usage_error("cannot open disk", path,
			       ro ? "': no such file or no permission\n"
				  : "': no such file or not writable (add :ro for read-only)\n");
	end = sys3(SYS_lseek, fd, 0, SEEK_END);
	if (end < SECTOR) {
		sys1(SYS_close, fd);
		um_usage_error("disk", path, "': smaller than one 512-byte sector\n");
	}
	d = &disks[nr_disks++];
	d->fd = (int)fd;
	d->read_only = ro;
	d->capacity = (uint64_t)end & ~(uint64_t)(SECTOR - 1);
}

/* hal_wait() asks: a completion or room the kernel has not heard of. */
static short disk_prepare(struct um_dev *dev, bool *tell)
{
	struct disk *d = (struct disk *)dev;

	if (d->report) {
		d->report = false;
		*tell = true;
	}
	return 0;
}

int hal_block_acquire(const char *name, hal_handle_t *h, struct hal_block_info *info)
{
	struct disk *d;
	unsigned i;

	if (name[0] != 'd' || name[1] != 'i' || name[2] != 's' || name[3] != 'k' ||
	    name[4] < '0' || name[4] > '9' || name[5])
		return HAL_ENODEV;
	i = (unsigned)(name[4] - '0');
	if (i >= nr_disks || disks[i].acquired)
		return HAL_ENODEV;
	d = &disks[i];
	d->dev.fd = -1;
	d->dev.prepare = disk_prepare;
	d->dev.ready = NULL;
	if (!um_dev_register(&d->dev))
		return HAL_EIO;
	d->acquired = true;
	d->armed = true;
	*h = d->dev.h;
	info->capacity = d->capacity;
	info->block_size = SECTOR;
	info->max_transfer = MAX_TRANSFER;
	info->read_only = d->read_only;
	info->can_flush = true;
	return HAL_OK;
}

static struct disk *disk_of(hal_handle_t h)
{
	for (unsigned i = 0; i < nr_disks; i++)
		if (disks[i].acquired && disks[i].dev.h == h)
			return &disks[i];
	return NULL;
}

/* The whole transfer, or HAL_EIO (a short transfer inside the capacity is
 * the host file shrinking under us: an error too). */
static int transfer(struct disk *d, struct hal_block_req *r)
{
	char *p = r->buf;
	uint64_t off = r->offset;
	size_t left = r->len;

	while (left) {
		long n = sys6(r->op == HAL_BLOCK_READ ? SYS_pread64 : SYS_pwrite64, d->fd,
			      (long)p, (long)left, (long)off, 0, 0);

		if (n == -EINTR)
			continue;
		if (n <= 0)
			return HAL_EIO;
		p += n;
		off += (uint64_t)n;
		left -= (size_t)n;
	}
	return HAL_OK;
}

int hal_block_submit(hal_handle_t h, struct hal_block_req *r)
{
	struct disk *d = disk_of(h);
	long rc;

	if (!d || !r)
		return HAL_EINVAL;
	switch (r->op) {
	case HAL_BLOCK_READ:
	case HAL_BLOCK_WRITE:
		if (r->len == 0 || r->len % SECTOR || r->len > MAX_TRANSFER ||
		    r->offset % SECTOR || r->offset > d->capacity ||
		    r->len > d->capacity - r->offset || (uintptr_t)r->buf % SECTOR)
			return HAL_EINVAL;
		if (r->op == HAL_BLOCK_WRITE && d->read_only)
			return HAL_EINVAL;
		break;
	case HAL_BLOCK_FLUSH:
		if (r->len)
			return HAL_EINVAL;
		break;
	default:
		return HAL_EINVAL;
	}
	if (d->count == QDEPTH) {
		d->full = true;
		return HAL_AGAIN;
	}
	if (r->op == HAL_BLOCK_FLUSH) {
		do
			rc = sys1(SYS_fdatasync, d->fd);
		while (rc == -EINTR);
		r->status = rc ? HAL_EIO : HAL_OK;
	} else {
		r->status = transfer(d, r);
	}
	d->done[(d->head + d->count++) % QDEPTH] = r;
	if (d->armed) {
		d->armed = false;
		d->report = true;
	}
	return HAL_OK;
}

struct hal_block_req *hal_block_complete(hal_handle_t h)
{
	struct disk *d = disk_of(h);
	struct hal_block_req *r;

	if (!d)
		return NULL;
	if (!d->count) {
		d->armed = true;
		return NULL;
	}
	r = d->done[d->head];
	d->head = (d->head + 1) % QDEPTH;
	d->count--;
	if (d->full) {
		d->full = false;
		d->report = true;
	}
	return r;
}
