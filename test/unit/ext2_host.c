// SPDX-License-Identifier: MIT
/* Host stand-ins for the kernel calls services/ext2 makes (ext2_host.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hako/blk.h>
#include <hako/file.h>
#include <hako/printk.h>
#include <hako/sync.h>
#include <hako/vfs.h>

#include "ext2_host.h"

struct blk_dev {
	struct blk_info info;
	struct blk_stats stats;
	uint8_t *data;
};

static struct blk_dev disk;

void host_disk_set(const uint8_t *data, size_t len)
{
	free(disk.data);
	disk.data = malloc(len ? len : 1);
	memcpy(disk.data, data, len);
	disk.info = (struct blk_info){ len, 512, 65536, false, true };
}

int blk_open(const char *name, struct blk_dev **dev)
{
	if (strcmp(name, "disk0") || !disk.data)
		return -ENODEV;
	*dev = &disk;
	return 0;
}

const struct blk_info *blk_info(const struct blk_dev *d)
{
	return &d->info;
}

const char *blk_name(const struct blk_dev *d)
{
	return "disk0";
}

void blk_get_stats(const struct blk_dev *d, struct blk_stats *st)
{
	*st = d->stats;
}

static int check(const struct blk_dev *d, uint64_t off, size_t len)
{
	if (off % 512 || len % 512 || off > d->info.capacity || len > d->info.capacity - off)
		abort(); /* the I/O manager promised never to ask this */
	return 0;
}

int blk_read(struct blk_dev *d, uint64_t off, void *buf, size_t len)
{
	check(d, off, len);
	memcpy(buf, d->data + off, len);
	return 0;
}

int blk_write(struct blk_dev *d, uint64_t off, const void *buf, size_t len)
{
	check(d, off, len);
	memcpy(d->data + off, buf, len);
	return 0;
}

int blk_writev(struct blk_dev *d, const struct blk_seg *segs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		blk_write(d, segs[i].off, segs[i].buf, segs[i].len);
	return 0;
}

int blk_flush(struct blk_dev *d)
{
	return 0;
}

void mutex_init(struct mutex *m)
{
	m->owner = NULL;
}

void mutex_lock(struct mutex *m)
{
}

void mutex_unlock(struct mutex *m)
{
}

int printk(int level, const char *fmt, ...)
{
	va_list ap;

	if (getenv("HAKO_UNIT_LOG")) {
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
	return 0;
}

off_t vfs_lseek(struct file *f, off_t off, int whence, off_t size)
{
	off_t base = whence == 0 ? 0 : whence == 1 ? f->pos : size;

	if (base + off < 0)
		return -EINVAL;
	return f->pos = base + off;
}

size_t strlcpy(char *d, const char *s, size_t n)
{
	size_t len = strlen(s);

	if (n) {
		size_t c = len < n - 1 ? len : n - 1;

		memcpy(d, s, c);
		d[c] = '\0';
	}
	return len;
}
