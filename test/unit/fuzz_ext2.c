// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the ext2/3/4 driver (services/ext2 over e2fsprogs'
 * libext2fs) on an arbitrary disk image.  Mount it (most inputs stop
 * there, with a reason), then do what an app would: walk every directory,
 * stat and read every file, create, write, rename, truncate and remove,
 * sync, and shut down.  Any crash, sanitizer report or hang (libFuzzer's
 * -timeout) is a failure; errors are fine.
 *
 * The disk is the input (at most 1 MiB, in 512-byte sectors), served by
 * test/unit/ext2_host.c's stand-in for the block layer.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hako/file.h>
#include <hako/vfs.h>

#include "ext2_host.h"

extern const struct vfs_ops ext2_vfs_ops;

static struct vfs_sb sb;
static unsigned budget; /* operations left for this input */

static void read_file(struct file *f)
{
	static char buf[8192];
	off_t off = 0;
	ssize_t n;

	while (budget-- > 0 && (n = f->ops->pread(f, buf, sizeof(buf), off)) > 0 &&
	       off < (1 << 20))
		off += n;
	f->ops->pread(f, buf, 100, 1 << 30); /* far past the end */
}

static void walk(const char *path, int depth)
{
	struct file *f;
	struct dirent de;
	struct stat st;
	char child[512];
	int n = 0;

	if (depth > 6 || budget-- == 0 || ext2_vfs_ops.stat(&sb, path, &st))
		return;
	if (ext2_vfs_ops.open(&sb, path, O_RDONLY, 0, &f))
		return;
	f->refs = 1;
	if (S_ISREG(st.st_mode)) {
		read_file(f);
	} else if (S_ISDIR(st.st_mode) && f->ops->readdir) {
		while (n++ < 64 && f->ops->readdir(f, &de) == 1) {
			if (!strcmp(de.d_name, ".") || !strcmp(de.d_name, ".."))
				continue;
			snprintf(child, sizeof(child), "%s%s%s", path, *path ? "/" : "", de.d_name);
			walk(child, depth + 1);
		}
	}
	f->ops->release(f);
}

static void modify(void)
{
	static char data[20000];
	struct file *f;

	memset(data, 'x', sizeof(data));
	if (!ext2_vfs_ops.open(&sb, "fz", O_RDWR | O_CREAT, 0644, &f)) {
		f->ops->pwrite(f, data, sizeof(data), 0);
		f->ops->pwrite(f, data, 100, 70000);
		f->ops->ftruncate(f, 5000);
		f->ops->fsync(f, false);
		f->ops->release(f);
	}
	ext2_vfs_ops.mkdir(&sb, "fzd", 0755);
	ext2_vfs_ops.rename(&sb, "fz", "fzd/moved");
	ext2_vfs_ops.rename(&sb, "fzd", "fze");
	ext2_vfs_ops.unlink(&sb, "fze/moved");
	ext2_vfs_ops.rmdir(&sb, "fze");
	ext2_vfs_ops.unlink(&sb, "lost+found");
	ext2_vfs_ops.rmdir(&sb, "lost+found");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2048 || size > (1 << 20))
		return 0;
	host_disk_set(data, size & ~(size_t)511);
	memset(&sb, 0, sizeof(sb));
	sb.ops = &ext2_vfs_ops;
	sb.dev = 1;
	if (ext2_vfs_ops.mount(&sb, "disk0"))
		return 0;
	budget = 2000;
	walk("", 0);
	modify();
	walk("", 0);
	ext2_vfs_ops.sync(&sb);
	ext2_vfs_ops.unmount(&sb);
	return 0;
}
