/* SPDX-License-Identifier: MIT */
/*
 * vfs.h - files and directories (CONFIG_VFS): one tree of mounted file
 * systems behind the POSIX calls (open, stat, mkdir, rename, opendir...).
 *
 * Paths: absolute, or relative to the working directory (chdir).  The VFS
 * makes them canonical lexically ("a//b/./c/../d" is "a/b/d"; ".." at the
 * root stays there), picks the mount whose path is the longest prefix, and
 * hands the file system the rest: "" for its root, else components joined
 * by single slashes, no "." or "..", each at most NAME_MAX (255) bytes.  A
 * path longer than PATH_MAX fails with ENAMETOOLONG.  Symbolic links are not
 * followed (lstat shows them; opening one fails with ELOOP).
 *
 * Mount points are directories of the file system below; mounting creates
 * the directory when it is missing and that file system can.  The root is
 * always a ramfs: at boot the VFS mounts it, unpacks the initrd into it
 * (CONFIG_INITRD), then mounts what the kernel option hako.mount= (or else
 * CONFIG_VFS_MOUNTS) lists:
 *
 *     hako.mount=SPEC[,SPEC...]     SPEC = DEVICE:PATH[:TYPE[:ro]]
 *     e.g. hako.mount=disk0:/data:ext4,disk1:/srv:ext4:ro
 *
 * TYPE is the file system's name (default ext4; ext2, ext3 and ext4 name
 * the same driver).  A mount that fails at boot panics with the reason: an
 * app never runs with its data silently missing.  The whole list is checked
 * first: every malformed SPEC is named, and then nothing is mounted.
 *
 * Writing to a read-only mount fails with EROFS.  A file system may block
 * (disk I/O): every call here may block, and each file system serialises
 * its own operations.
 */
#ifndef HAKO_VFS_H
#define HAKO_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct file;
struct stat;

#define VFS_RDONLY 0x1 /* mount flags */

struct vfs_statfs {
	uint64_t block_size;
	uint64_t blocks, blocks_free; /* in block_size units */
	uint64_t files, files_free;   /* inodes; 0 when unlimited */
};

struct vfs_sb;

/*
 * A file system type.  Paths are relative to the file system's root, as
 * above.  Every call returns 0 (open: with *f set, a struct file with
 * refs 0 that the VFS installs) or a negative errno, as POSIX names it.
 * open gets the POSIX flags; the VFS has already refused writes to a
 * read-only mount, and leaves O_CREAT/O_EXCL/O_TRUNC/O_DIRECTORY to it.
 */
struct vfs_ops {
	const char *name;
	int (*mount)(struct vfs_sb *sb, const char *source);
	int (*unmount)(struct vfs_sb *sb); /* -EBUSY while files are open */
	int (*sync)(struct vfs_sb *sb);	   /* everything durable */
	/* The image is ending: make everything durable and leave the file
	 * system as a clean unmount would (open files are never used again;
	 * the file system may refuse every call after this). */
	int (*shutdown)(struct vfs_sb *sb);
	int (*statfs)(struct vfs_sb *sb, struct vfs_statfs *st);
	int (*open)(struct vfs_sb *sb, const char *path, int flags, mode_t mode, struct file **f);
	int (*stat)(struct vfs_sb *sb, const char *path, struct stat *st);
	int (*mkdir)(struct vfs_sb *sb, const char *path, mode_t mode);
	int (*rmdir)(struct vfs_sb *sb, const char *path);
	int (*unlink)(struct vfs_sb *sb, const char *path);
	/* rename within one file system; replaces a file, or an empty
	 * directory with a directory, as POSIX says. */
	int (*rename)(struct vfs_sb *sb, const char *from, const char *to);
};

/* One mounted file system. */
struct vfs_sb {
	const struct vfs_ops *ops;
	unsigned flags; /* VFS_RDONLY */
	dev_t dev;	/* st_dev of its files */
	void *priv;	/* the file system's */
};

/*
 * vfs_mount - mount a file system of type (a name, as above) from source
 * (a block device name such as "disk0", or NULL for ramfs) at the
 * directory path.  Errors: ENODEV (no such type or device), EBUSY (path is
 * already a mount point, or source is mounted already), ENOENT/ENOTDIR
 * (path), EINVAL (not a file system of that type: the driver says why on
 * the console), EIO, ENOMEM.
 */
int vfs_mount(const char *source, const char *path, const char *type, unsigned flags);

/* vfs_unmount - sync and detach the file system at path (EBUSY while in use). */
int vfs_unmount(const char *path);

/* vfs_sync - sync every mounted file system; the first error. */
int vfs_sync(void);

/* vfs_shutdown - the image is ending: every file system's shutdown (or
 * sync); the first error.  Run by the kernel's exit path. */
int vfs_shutdown(void);

/* vfs_statfs - the numbers of the file system holding path. */
int vfs_statfs(const char *path, struct vfs_statfs *st);

/* For file systems: the working path buffer size (PATH_MAX) and a
 * generic lseek over a file of the given size (f->pos). */
off_t vfs_lseek(struct file *f, off_t off, int whence, off_t size);

#endif /* HAKO_VFS_H */
