/* SPDX-License-Identifier: MIT */
/* The VFS's file system types and internal helpers (services/vfs only). */
#ifndef VFS_FS_H
#define VFS_FS_H

#include <hako/vfs.h>

extern const struct vfs_ops ramfs_ops;
extern const struct vfs_ops ext2_vfs_ops; /* services/ext2 (CONFIG_EXT2) */

/*
 * vfs_canon - the canonical absolute form of path (hako/vfs.h) into out,
 * PATH_MAX bytes.  Errors: -ENOENT (empty), -ENAMETOOLONG, -EFAULT.
 */
int vfs_canon(const char *path, char *out);

/* initrd.c: unpack the initrd into the root (CONFIG_INITRD). */
void initrd_unpack(void);

#endif
