// SPDX-License-Identifier: MIT
/*
 * ext2/ext3/ext4 for the VFS (CONFIG_EXT2), over e2fsprogs' libext2fs and
 * the I/O manager of io.c: mounting, path lookup and the namespace calls.
 * Files and directories opened are in file.c.
 *
 * One mutex per mounted file system serialises every call into the
 * library (it is not thread-safe; a call may block on disk I/O, and other
 * threads run meanwhile).  The journal of ext3/ext4 is neither replayed
 * nor written: a file system that needs recovery is refused, and while
 * mounted read-write the superblock says "not clean" until unmounted,
 * as Linux does for ext2.  Symbolic links are not followed (ELOOP).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <hako/file.h>
#include <hako/printk.h>
#include <hako/vfs.h>

#include "e2.h"

/* ------------------------------------------------------------- lookup --- */

static int lookup(struct e2fs *e, ext2_ino_t dir, const char *name, size_t len,
		  ext2_ino_t *ino)
{
	int rc = e2_dir_lookup(e, dir, name, len, ino);

	if (!rc && (*ino < EXT2_ROOT_INO || *ino > e->fs->super->s_inodes_count)) {
		pr_err("ext2: %s: directory %u names inode %u, out of range\n", e->dev, dir, *ino);
		return -EUCLEAN;
	}
	return rc;
}

int e2_read_inode(struct e2fs *e, ext2_ino_t ino, struct ext2_inode *inode)
{
	struct e2node *n = e2_node_find(e, ino);

	if (n) {
		*inode = n->inode;
		return 0;
	}
	return e2_errno(ext2fs_read_inode(e->fs, ino, inode), "reading an inode");
}

/* Write inode, and into the open file's copy if it is open (file.c would
 * otherwise write its stale copy back later). */
int e2_write_inode(struct e2fs *e, ext2_ino_t ino, struct ext2_inode *inode)
{
	struct e2node *n = e2_node_find(e, ino);

	if (n) {
		n->inode = *inode;
		n->ex_len = 0;
	}
	return e2_errno(ext2fs_write_inode(e->fs, ino, inode), "writing an inode");
}

/* Walk path (hako/vfs.h's form) from the root. */
int e2_walk(struct e2fs *e, const char *path, ext2_ino_t *out)
{
	ext2_ino_t ino = EXT2_ROOT_INO;
	struct ext2_inode inode;
	int rc;

	while (*path) {
		const char *end = strchr(path, '/');
		size_t len = end ? (size_t)(end - path) : strlen(path);

		rc = e2_read_inode(e, ino, &inode);
		if (rc)
			return rc;
		if (LINUX_S_ISLNK(inode.i_mode))
			return -ELOOP;
		if (!LINUX_S_ISDIR(inode.i_mode))
			return -ENOTDIR;
		rc = lookup(e, ino, path, len, &ino);
		if (rc)
			return rc;
		path += len + (end ? 1 : 0);
	}
	*out = ino;
	return 0;
}

/* The directory holding path's last component, and that component. */
int e2_walk_parent(struct e2fs *e, const char *path, ext2_ino_t *dir, const char **name,
		   size_t *len)
{
	const char *slash = strrchr(path, '/');
	struct ext2_inode inode;
	char buf[PATH_MAX];
	int rc;

	if (slash) {
		memcpy(buf, path, (size_t)(slash - path));
		buf[slash - path] = '\0';
		rc = e2_walk(e, buf, dir);
		*name = slash + 1;
	} else {
		rc = e2_walk(e, "", dir);
		*name = path;
	}
	if (!rc)
		rc = e2_read_inode(e, *dir, &inode);
	if (rc)
		return rc;
	if (LINUX_S_ISLNK(inode.i_mode))
		return -ELOOP;
	if (!LINUX_S_ISDIR(inode.i_mode))
		return -ENOTDIR;
	*len = strlen(*name);
	return 0;
}

static uint32_t now(void)
{
	return (uint32_t)time(NULL);
}

/* ----------------------------------------------------- creating names --- */

static int link_name(struct e2fs *e, ext2_ino_t dir, const char *name, size_t len,
		     ext2_ino_t ino, int type)
{
	return e2_dir_link(e, dir, name, len, ino, type);
}

static int unlink_name(struct e2fs *e, ext2_ino_t dir, const char *name, size_t len,
		       ext2_ino_t ino)
{
	return e2_dir_unlink(e, dir, name, len, ino);
}

int e2_create(struct e2fs *e, ext2_ino_t dir, const char *name, size_t len, mode_t mode,
	      ext2_ino_t *out)
{
	ext2_filsys fs = e->fs;
	struct ext2_inode inode;
	ext2_ino_t ino;
	errcode_t err;
	int rc;

	rc = e2_have_space(e, 1); /* the directory may grow */
	if (rc)
		return rc;
	err = ext2fs_new_inode(fs, dir, LINUX_S_IFREG | (int)mode, NULL, &ino);
	if (err)
		return e2_errno(err, "allocating an inode");
	memset(&inode, 0, sizeof(inode));
	inode.i_mode = (__u16)(LINUX_S_IFREG | (mode & 07777));
	inode.i_links_count = 1;
	inode.i_atime = inode.i_ctime = inode.i_mtime = now();
	if (ext2fs_has_feature_extents(fs->super)) {
		ext2_extent_handle_t h;

		/* Opening the (empty) tree writes its header into i_block. */
		err = ext2fs_extent_open2(fs, ino, &inode, &h);
		if (err)
			return e2_errno(err, "starting an extent tree");
		ext2fs_extent_free(h);
	}
	err = ext2fs_write_new_inode(fs, ino, &inode);
	if (err)
		return e2_errno(err, "writing a new inode");
	ext2fs_inode_alloc_stats2(fs, ino, +1, 0);
	rc = link_name(e, dir, name, len, ino, EXT2_FT_REG_FILE);
	if (rc) {
		/* Unused again, and looking it. */
		inode.i_links_count = 0;
		inode.i_dtime = now();
		ext2fs_write_inode(fs, ino, &inode);
		ext2fs_inode_alloc_stats2(fs, ino, -1, 0);
		return rc;
	}
	*out = ino;
	return 0;
}

/* ---------------------------------------------------- removing inodes --- */

/* Free an inode nothing names any more: its blocks, its extended
 * attribute block, itself. */
int e2_free_inode(struct e2fs *e, ext2_ino_t ino)
{
	ext2_filsys fs = e->fs;
	struct ext2_inode inode;
	blk64_t acl;
	errcode_t err;
	int rc = e2_errno(ext2fs_read_inode(fs, ino, &inode), "reading an inode");

	if (rc)
		return rc;
	inode.i_links_count = 0;
	inode.i_dtime = now();
	if (ext2fs_inode_has_valid_blocks2(fs, &inode) || inode.i_flags & EXT4_INLINE_DATA_FL) {
		err = ext2fs_punch(fs, ino, &inode, NULL, 0, ~0ULL);
		if (err)
			return e2_errno(err, "freeing the blocks of an inode");
	}
	acl = ext2fs_file_acl_block(fs, &inode);
	if (acl) {
		__u32 count = 1;

		err = ext2fs_adjust_ea_refcount3(fs, acl, NULL, -1, &count, ino);
		if (!err && count == 0)
			ext2fs_block_alloc_stats2(fs, acl, -1);
		ext2fs_file_acl_block_set(fs, &inode, 0);
	}
	rc = e2_errno(ext2fs_write_inode(fs, ino, &inode), "writing an inode");
	if (!rc)
		ext2fs_inode_alloc_stats2(fs, ino, -1, LINUX_S_ISDIR(inode.i_mode));
	if (LINUX_S_ISDIR(inode.i_mode))
		e2_dir_forget(e, ino);
	return rc;
}

/* One link fewer for a non-directory; frees it when that was the last
 * (or when its last descriptor closes). */
static int drop_link(struct e2fs *e, ext2_ino_t ino)
{
	struct ext2_inode inode;
	int rc = e2_read_inode(e, ino, &inode);

	if (rc)
		return rc;
	if (inode.i_links_count)
		inode.i_links_count--;
	inode.i_ctime = now();
	rc = e2_write_inode(e, ino, &inode);
	if (rc || inode.i_links_count)
		return rc;
	if (e2_node_find(e, ino))
		return 0; /* file.c frees it at the last close */
	return e2_free_inode(e, ino);
}

struct empty_check {
	bool empty;
};

static int not_dots(ext2_ino_t dir, int entry, struct ext2_dir_entry *d, int offset,
		    int blocksize, char *buf, void *priv)
{
	struct empty_check *c = priv;
	int len = ext2fs_dirent_name_len(d);

	if (d->inode && !(len == 1 && d->name[0] == '.') &&
	    !(len == 2 && d->name[0] == '.' && d->name[1] == '.')) {
		c->empty = false;
		return DIRENT_ABORT;
	}
	return 0;
}

static int dir_empty(struct e2fs *e, ext2_ino_t ino)
{
	struct empty_check c = { true };
	errcode_t err = ext2fs_dir_iterate2(e->fs, ino, 0, NULL, not_dots, &c);

	if (err)
		return e2_errno(err, "reading a directory");
	return c.empty ? 0 : -ENOTEMPTY;
}

/* A directory is going: its parent loses the ".." link. */
static int parent_lost_subdir(struct e2fs *e, ext2_ino_t dir)
{
	struct ext2_inode inode;
	int rc = e2_read_inode(e, dir, &inode);

	if (rc)
		return rc;
	/* 1 means "many" with dir_nlink: leave it. */
	if (inode.i_links_count > 2)
		inode.i_links_count--;
	inode.i_mtime = inode.i_ctime = now();
	return e2_write_inode(e, dir, &inode);
}

static int parent_gained_subdir(struct e2fs *e, ext2_ino_t dir)
{
	struct ext2_inode inode;
	int rc = e2_read_inode(e, dir, &inode);

	if (rc)
		return rc;
	if (inode.i_links_count > 1 && inode.i_links_count < EXT2_LINK_MAX)
		inode.i_links_count++;
	else if (inode.i_links_count >= EXT2_LINK_MAX)
		inode.i_links_count = 1;
	inode.i_mtime = inode.i_ctime = now();
	return e2_write_inode(e, dir, &inode);
}

/* ------------------------------------------------------ path calls --- */

static int ext2_stat(struct vfs_sb *sb, const char *path, struct stat *st)
{
	struct e2fs *e = sb->priv;
	ext2_ino_t ino;
	int rc;

	mutex_lock(&e->lock);
	rc = e2_walk(e, path, &ino);
	if (!rc)
		rc = e2_stat_ino(e, ino, st);
	mutex_unlock(&e->lock);
	return rc;
}

static int ext2_mkdir(struct vfs_sb *sb, const char *path, mode_t mode)
{
	struct e2fs *e = sb->priv;
	struct ext2_inode inode;
	ext2_ino_t dir, ino;
	const char *name;
	size_t len;
	errcode_t err;
	int rc;

	mutex_lock(&e->lock);
	rc = e2_walk_parent(e, path, &dir, &name, &len);
	if (rc)
		goto out;
	rc = lookup(e, dir, name, len, &ino);
	if (rc != -ENOENT) {
		rc = rc ? rc : -EEXIST;
		goto out;
	}
	rc = e2_have_space(e, 2); /* its block, and the parent may grow */
	if (rc)
		goto out;
	/* The library makes the directory (unnamed); dir.c names it. */
	err = ext2fs_new_inode(e->fs, dir, LINUX_S_IFDIR | 0755, NULL, &ino);
	if (!err)
		err = ext2fs_mkdir(e->fs, dir, ino, NULL);
	rc = e2_errno(err, "making a directory");
	if (!rc) {
		rc = link_name(e, dir, name, len, ino, EXT2_FT_DIR);
		if (rc) {
			parent_lost_subdir(e, dir);
			e2_free_inode(e, ino);
			goto out;
		}
	}
	if (!rc)
		rc = e2_read_inode(e, ino, &inode);
	if (!rc) {
		inode.i_mode = (__u16)(LINUX_S_IFDIR | (mode & 07777));
		rc = e2_write_inode(e, ino, &inode);
	}
out:
	mutex_unlock(&e->lock);
	return rc;
}

static int ext2_rmdir(struct vfs_sb *sb, const char *path)
{
	struct e2fs *e = sb->priv;
	struct ext2_inode inode;
	ext2_ino_t dir, ino;
	const char *name;
	size_t len;
	int rc;

	mutex_lock(&e->lock);
	rc = e2_walk_parent(e, path, &dir, &name, &len);
	if (!rc)
		rc = lookup(e, dir, name, len, &ino);
	if (!rc)
		rc = e2_read_inode(e, ino, &inode);
	if (!rc && !LINUX_S_ISDIR(inode.i_mode))
		rc = -ENOTDIR;
	if (!rc)
		rc = dir_empty(e, ino);
	if (!rc)
		rc = unlink_name(e, dir, name, len, ino);
	if (!rc)
		rc = parent_lost_subdir(e, dir);
	if (!rc)
		rc = e2_free_inode(e, ino);
	mutex_unlock(&e->lock);
	return rc;
}

static int ext2_unlink(struct vfs_sb *sb, const char *path)
{
	struct e2fs *e = sb->priv;
	struct ext2_inode inode;
	ext2_ino_t dir, ino;
	const char *name;
	size_t len;
	int rc;

	mutex_lock(&e->lock);
	rc = e2_walk_parent(e, path, &dir, &name, &len);
	if (!rc)
		rc = lookup(e, dir, name, len, &ino);
	if (!rc)
		rc = e2_read_inode(e, ino, &inode);
	if (!rc && LINUX_S_ISDIR(inode.i_mode))
		rc = -EISDIR;
	if (!rc)
		rc = unlink_name(e, dir, name, len, ino);
	if (!rc)
		rc = drop_link(e, ino);
	mutex_unlock(&e->lock);
	return rc;
}

struct dotdot {
	ext2_ino_t parent;
};

static int set_dotdot(ext2_ino_t dir, int entry, struct ext2_dir_entry *d, int offset,
		      int blocksize, char *buf, void *priv)
{
	struct dotdot *p = priv;

	if (ext2fs_dirent_name_len(d) == 2 && d->name[0] == '.' && d->name[1] == '.') {
		d->inode = p->parent;
		return DIRENT_CHANGED | DIRENT_ABORT;
	}
	return 0;
}

static int file_type(__u16 mode)
{
	return LINUX_S_ISDIR(mode) ? EXT2_FT_DIR : LINUX_S_ISREG(mode) ? EXT2_FT_REG_FILE
	       : LINUX_S_ISLNK(mode) ? EXT2_FT_SYMLINK : EXT2_FT_UNKNOWN;
}

static int ext2_rename(struct vfs_sb *sb, const char *from, const char *to)
{
	struct e2fs *e = sb->priv;
	struct ext2_inode src, dst;
	ext2_ino_t d1, d2, ino, old = 0;
	const char *n1, *n2;
	size_t l1, l2;
	bool is_dir;
	int rc;

	mutex_lock(&e->lock);
	rc = e2_walk_parent(e, from, &d1, &n1, &l1);
	if (!rc)
		rc = e2_walk_parent(e, to, &d2, &n2, &l2);
	if (!rc)
		rc = lookup(e, d1, n1, l1, &ino);
	if (!rc)
		rc = e2_read_inode(e, ino, &src);
	if (rc)
		goto out;
	is_dir = LINUX_S_ISDIR(src.i_mode);
	rc = lookup(e, d2, n2, l2, &old);
	if (rc == -ENOENT) {
		old = 0;
		rc = 0;
	} else if (rc) {
		goto out;
	}
	if (old == ino)
		goto out;
	if (old) {
		rc = e2_read_inode(e, old, &dst);
		if (rc)
			goto out;
		if (is_dir && !LINUX_S_ISDIR(dst.i_mode)) {
			rc = -ENOTDIR;
			goto out;
		}
		if (!is_dir && LINUX_S_ISDIR(dst.i_mode)) {
			rc = -EISDIR;
			goto out;
		}
		if (is_dir && (rc = dir_empty(e, old)))
			goto out;
		/* The new name first replaces the old one, then the old
		 * name goes: a crash leaves one link too many, never none. */
		rc = unlink_name(e, d2, n2, l2, old);
		if (!rc)
			rc = link_name(e, d2, n2, l2, ino, file_type(src.i_mode));
		if (rc)
			goto out;
		if (is_dir) {
			rc = parent_lost_subdir(e, d2);
			if (!rc)
				rc = e2_free_inode(e, old);
		} else {
			rc = drop_link(e, old);
		}
	} else {
		rc = link_name(e, d2, n2, l2, ino, file_type(src.i_mode));
	}
	if (!rc)
		rc = unlink_name(e, d1, n1, l1, ino);
	if (!rc && is_dir && d1 != d2) {
		struct dotdot p = { d2 };

		rc = e2_errno(ext2fs_dir_iterate2(e->fs, ino, 0, NULL, set_dotdot, &p),
			      "updating '..'");
		if (!rc)
			rc = parent_lost_subdir(e, d1);
		if (!rc && !old)
			rc = parent_gained_subdir(e, d2);
	}
	if (!rc) {
		rc = e2_read_inode(e, ino, &src);
		src.i_ctime = now();
		if (!rc)
			rc = e2_write_inode(e, ino, &src);
	}
out:
	mutex_unlock(&e->lock);
	return rc;
}

static int ext2_statfs(struct vfs_sb *sb, struct vfs_statfs *st)
{
	struct e2fs *e = sb->priv;

	mutex_lock(&e->lock);
	st->block_size = e->fs->blocksize;
	st->blocks = ext2fs_blocks_count(e->fs->super);
	st->blocks_free = ext2fs_free_blocks_count(e->fs->super);
	st->files = e->fs->super->s_inodes_count;
	st->files_free = e->fs->super->s_free_inodes_count;
	mutex_unlock(&e->lock);
	return 0;
}

/* ------------------------------------------------------------ mounting --- */

/* Everything written so far durable: open files, metadata, the cache. */
int e2_sync_locked(struct e2fs *e)
{
	int rc = e2_flush_nodes(e);
	errcode_t err;

	if (!(e->fs->flags & EXT2_FLAG_RW))
		return rc;
	/* Writes superblock, group descriptors and dirty bitmaps, then
	 * flushes the I/O channel (our cache, then the device). */
	err = ext2fs_flush(e->fs);
	return rc ? rc : e2_errno(err, "syncing");
}

static int ext2_sync(struct vfs_sb *sb)
{
	struct e2fs *e = sb->priv;
	int rc;

	mutex_lock(&e->lock);
	rc = e2_sync_locked(e);
	mutex_unlock(&e->lock);
	return rc;
}

/* The lock stays held: nothing touches the file system after this. */
static int ext2_shutdown(struct vfs_sb *sb)
{
	struct e2fs *e = sb->priv;
	int rc;

	mutex_lock(&e->lock);
	if (!(e->fs->flags & EXT2_FLAG_RW))
		return 0;
	rc = e2_flush_nodes(e);
	if (!rc) {
		e->fs->super->s_state |= EXT2_VALID_FS;
		ext2fs_mark_super_dirty(e->fs);
	}
	rc = rc ? rc : e2_errno(ext2fs_flush(e->fs), "syncing at exit");
	return rc;
}

static int ext2_mount(struct vfs_sb *sb, const char *source)
{
	bool rw = !(sb->flags & VFS_RDONLY);
	int flags = EXT2_FLAG_64BITS | (rw ? EXT2_FLAG_RW : 0);
	struct e2fs *e;
	ext2_filsys fs;
	errcode_t err;
	int rc;

	if (!source)
		return -ENODEV;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	err = ext2fs_open2(source, NULL, flags, 0, 0, hako_io_manager, &fs);
	if (err) {
		rc = err == EXT2_ET_BAD_DEVICE_NAME ? -ENODEV
		     : err == EXT2_ET_RO_FILSYS    ? -EROFS
		     : err == EXT2_ET_BAD_MAGIC    ? -EINVAL
						   : e2_errno(err, source);
		if (err == EXT2_ET_BAD_MAGIC)
			pr_err("ext2: %s: no ext2/3/4 superblock\n", source);
		if (err == EXT2_ET_RO_UNSUPP_FEATURE)
			rc = -EROFS;
		free(e);
		return rc;
	}
	e->fs = fs;
	strlcpy(e->dev, source, sizeof(e->dev));
	mutex_init(&e->lock);
	rc = 0;
	if (ext2fs_has_feature_journal_needs_recovery(fs->super)) {
		pr_err("ext2: %s: the journal needs recovery (run e2fsck on the host)\n", source);
		rc = -EUCLEAN;
	} else if (ext2fs_has_feature_casefold(fs->super)) {
		pr_err("ext2: %s: case-insensitive names (casefold) are not supported\n", source);
		rc = -EOPNOTSUPP;
	} else if (ext2fs_has_feature_journal_dev(fs->super)) {
		pr_err("ext2: %s: is an external journal, not a file system\n", source);
		rc = -EINVAL;
	} else {
		/* Every group's bitmaps and inode table inside the disk and
		 * its group: libext2fs trusts the descriptors otherwise. */
		err = ext2fs_check_desc(fs);
		if (err)
			rc = e2_errno(err, "checking the group descriptors");
	}
	if (!rc && rw) {
		/* Not cleanly unmounted: the bitmaps may be torn or stale
		 * (repair.c); read them as they are, then rebuild them. */
		bool unclean = !(fs->super->s_state & EXT2_VALID_FS);

		if (unclean)
			fs->flags |= EXT2_FLAG_IGNORE_CSUM_ERRORS;
		err = ext2fs_read_bitmaps(fs);
		fs->flags &= ~EXT2_FLAG_IGNORE_CSUM_ERRORS;
		rc = e2_errno(err, "reading the allocation bitmaps");
		if (!rc && unclean)
			rc = e2_rebuild_bitmaps(fs, source);
	}
	if (rc) {
		ext2fs_close_free(&fs);
		free(e);
		return rc;
	}
	fs->umask = 0;
	if (rw) {
		/* Only the primary superblock and descriptors are kept up to
		 * date (as Linux does); "not clean" until unmounted. */
		fs->flags |= EXT2_FLAG_MASTER_SB_ONLY;
		if (!(fs->super->s_state & EXT2_VALID_FS) || fs->super->s_state & EXT2_ERROR_FS)
			pr_warn("ext2: %s was not cleanly unmounted or has errors: check it "
				"with e2fsck\n",
				source);
		fs->super->s_state &= (__u16)~EXT2_VALID_FS;
		fs->super->s_mnt_count++;
		fs->super->s_mtime = now();
		ext2fs_mark_super_dirty(fs);
		rc = e2_errno(ext2fs_flush(fs), "marking the file system mounted");
		if (rc) {
			ext2fs_close_free(&fs);
			free(e);
			return rc;
		}
	}
	e->sb = sb;
	sb->priv = e;
	return 0;
}

static int ext2_unmount(struct vfs_sb *sb)
{
	struct e2fs *e = sb->priv;
	errcode_t err;

	mutex_lock(&e->lock);
	if (e->nodes || e->open_dirs) {
		mutex_unlock(&e->lock);
		return -EBUSY;
	}
	e2_dir_forget_all(e);
	if (e->fs->flags & EXT2_FLAG_RW) {
		e->fs->super->s_state |= EXT2_VALID_FS;
		ext2fs_mark_super_dirty(e->fs);
	}
	err = ext2fs_close2(e->fs, 0);
	mutex_unlock(&e->lock);
	if (err) {
		/* The library freed nothing: keep it mounted, say why. */
		return e2_errno(err, "unmounting");
	}
	free(e);
	return 0;
}

const struct vfs_ops ext2_vfs_ops = {
	.name = "ext4",
	.mount = ext2_mount,
	.unmount = ext2_unmount,
	.sync = ext2_sync,
	.shutdown = ext2_shutdown,
	.statfs = ext2_statfs,
	.open = e2_open,
	.stat = ext2_stat,
	.mkdir = ext2_mkdir,
	.rmdir = ext2_rmdir,
	.unlink = ext2_unlink,
	.rename = ext2_rename,
};
