/* SPDX-License-Identifier: MIT */
/* Internal interfaces of the ext2/3/4 driver (services/ext2). */
#ifndef EXT2_E2_H
#define EXT2_E2_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <ext2fs/ext2fs.h>

#include <hako/sync.h>

struct blk_dev;
struct file;
struct stat;
struct vfs_sb;

/* A regular file with descriptors open: its inode, kept here while open
 * (every descriptor sees this copy; it is written through on change). */
struct e2node {
	struct e2node *next;
	ext2_ino_t ino;
	struct ext2_inode inode;
	unsigned opens;
	/* The last extent found (file.c's map()), while the inode is
	 * unchanged: len 0 when none. */
	blk64_t ex_lblk, ex_pblk, ex_len;
	bool ex_unwritten;
};

struct dcache;

/* One mounted file system. */
struct e2fs {
	ext2_filsys fs;
	struct mutex lock; /* held around every call into the library */
	struct vfs_sb *sb;
	struct e2node *nodes;
	unsigned open_dirs;
	struct dcache *dcache; /* dir.c: directories' names, recent first */
	char dev[16];
};

/* io.c: the I/O manager ext2fs_open2() gets; the device name is the
 * "file" it opens ("disk0"). */
extern io_manager hako_io_manager;

struct e2io_stats {
	uint64_t hits, misses, readahead, evictions, written_back;
	uint64_t direct_reads, direct_writes, flushes;
};
void e2io_get_stats(io_channel ch, struct e2io_stats *st);

/* repair.c: rebuild the block and inode bitmaps (and the counts) of fs,
 * opened read-write with its bitmaps loaded, from what its inodes
 * reference; before anything is allocated.  0 or a negative errno. */
int e2_rebuild_bitmaps(ext2_filsys fs, const char *dev);

/* compat.c: a libext2fs error code as a negative errno, printing the
 * library's message (what failed) for the ones that mean a damaged file
 * system or an unsupported feature. */
int e2_errno(errcode_t err, const char *what);

/* ext2.c, with the lock held: paths and inodes. */
int e2_walk(struct e2fs *e, const char *path, ext2_ino_t *ino);
int e2_walk_parent(struct e2fs *e, const char *path, ext2_ino_t *dir, const char **name,
		   size_t *len);
int e2_read_inode(struct e2fs *e, ext2_ino_t ino, struct ext2_inode *inode);
int e2_write_inode(struct e2fs *e, ext2_ino_t ino, struct ext2_inode *inode);
int e2_create(struct e2fs *e, ext2_ino_t dir, const char *name, size_t len, mode_t mode,
	      ext2_ino_t *ino);
int e2_free_inode(struct e2fs *e, ext2_ino_t ino);
int e2_sync_locked(struct e2fs *e);

/* dir.c, with the lock held: names in directories (cached; changed in
 * place where the directory allows).  Errors: -ENOENT, -EEXIST,
 * -ENAMETOOLONG, -ENOSPC, -EUCLEAN (a damaged directory block), -EIO. */
int e2_dir_lookup(struct e2fs *e, ext2_ino_t dir, const char *name, size_t len,
		  ext2_ino_t *ino);
int e2_dir_link(struct e2fs *e, ext2_ino_t dir, const char *name, size_t len, ext2_ino_t ino,
		int type);
int e2_dir_unlink(struct e2fs *e, ext2_ino_t dir, const char *name, size_t len,
		  ext2_ino_t ino);
void e2_dir_forget(struct e2fs *e, ext2_ino_t dir);
void e2_dir_forget_all(struct e2fs *e);

/* file.c: open files and directories. */
int e2_open(struct vfs_sb *sb, const char *path, int flags, mode_t mode, struct file **f);
struct e2node *e2_node_find(struct e2fs *e, ext2_ino_t ino);
int e2_flush_nodes(struct e2fs *e);
int e2_stat_ino(struct e2fs *e, ext2_ino_t ino, struct stat *st);
/* 0 if want more blocks (and what they may need) are free, or -ENOSPC. */
int e2_have_space(struct e2fs *e, blk64_t want);

#endif
