// SPDX-License-Identifier: MIT
/*
 * Open files and directories of the ext2/3/4 driver.
 *
 * Every descriptor of one regular file shares a library file handle (an
 * e2node), so they all see one inode.  A write is flushed into the block
 * cache before write() returns, so that running out of space shows as
 * ENOSPC from write(), never later: a write that fails leaves the file's
 * size as it was.  Directories are read from a snapshot taken by the first
 * readdir (and again after a rewind).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <hako/file.h>
#include <hako/vfs.h>

#include "e2.h"

#define CHUNK (1U << 30) /* the library counts in unsigned ints */

struct dent {
	ext2_ino_t ino;
	unsigned char type;
	size_t name; /* offset in names */
};

struct e2file {
	struct file f;
	struct e2fs *e;
	ext2_ino_t ino;
	struct e2node *node; /* regular files */
	/* directories: the snapshot */
	struct dent *ents;
	size_t nents, capents;
	char *names;
	size_t nbytes, capbytes;
	bool snap;
};

static const struct file_ops e2_file_ops, e2_dir_ops;

static __u64 size_of(ext2_file_t file)
{
	__u64 size = 0;

	ext2fs_file_get_lsize(file, &size);
	return size;
}

static struct e2file *ef(struct file *f)
{
	return (struct e2file *)f;
}

/* -------------------------------------------------------------- nodes --- */

struct e2node *e2_node_find(struct e2fs *e, ext2_ino_t ino)
{
	for (struct e2node *n = e->nodes; n; n = n->next)
		if (n->ino == ino)
			return n;
	return NULL;
}

static int node_get(struct e2fs *e, ext2_ino_t ino, struct e2node **out)
{
	struct e2node *n = e2_node_find(e, ino);
	int flags = e->fs->flags & EXT2_FLAG_RW ? EXT2_FILE_WRITE : 0;
	errcode_t err;

	if (!n) {
		n = calloc(1, sizeof(*n));
		if (!n)
			return -ENOMEM;
		err = ext2fs_file_open2(e->fs, ino, NULL, flags, &n->file);
		if (err) {
			free(n);
			return e2_errno(err, "opening a file");
		}
		n->ino = ino;
		n->next = e->nodes;
		e->nodes = n;
	}
	n->opens++;
	*out = n;
	return 0;
}

static int node_put(struct e2fs *e, struct e2node *n)
{
	struct ext2_inode *inode = ext2fs_file_get_inode(n->file);
	bool gone = inode->i_links_count == 0;
	int rc;

	if (--n->opens)
		return 0;
	rc = e2_errno(ext2fs_file_close(n->file), "closing a file");
	for (struct e2node **p = &e->nodes; *p; p = &(*p)->next) {
		if (*p == n) {
			*p = n->next;
			break;
		}
	}
	if (gone && e->fs->flags & EXT2_FLAG_RW) {
		int r = e2_free_inode(e, n->ino); /* unlinked while open */

		if (!rc)
			rc = r;
	}
	free(n);
	return rc;
}

int e2_flush_nodes(struct e2fs *e)
{
	int first = 0;

	for (struct e2node *n = e->nodes; n; n = n->next) {
		int rc = e2_errno(ext2fs_file_flush(n->file), "flushing a file");

		if (!rc && e->fs->flags & EXT2_FLAG_RW)
			rc = e2_errno(ext2fs_write_inode(e->fs, n->ino,
							 ext2fs_file_get_inode(n->file)),
				      "writing an inode");
		if (rc && !first)
			first = rc;
	}
	return first;
}

/* --------------------------------------------------------------- stat --- */

int e2_stat_ino(struct e2fs *e, ext2_ino_t ino, struct stat *st)
{
	struct ext2_inode inode;
	int rc = e2_read_inode(e, ino, &inode);

	if (rc)
		return rc;
	memset(st, 0, sizeof(*st));
	st->st_dev = e->sb->dev;
	st->st_ino = ino;
	st->st_mode = inode.i_mode; /* Linux's S_IF* values, as ours */
	st->st_nlink = inode.i_links_count;
	st->st_uid = inode_uid(inode);
	st->st_gid = inode_gid(inode);
	st->st_size = (off_t)EXT2_I_SIZE(&inode);
	st->st_blksize = e->fs->blocksize;
	st->st_blocks = (blkcnt_t)ext2fs_get_stat_i_blocks(e->fs, (struct ext2_inode *)&inode);
	st->st_atim.tv_sec = inode.i_atime;
	st->st_mtim.tv_sec = inode.i_mtime;
	st->st_ctim.tv_sec = inode.i_ctime;
	return 0;
}

/* ------------------------------------------------------------ file ops --- */

static ssize_t do_pread(struct e2file *f, void *buf, size_t len, off_t off)
{
	ext2_file_t file = f->node->file;
	size_t done = 0;
	errcode_t err;

	err = ext2fs_file_llseek(file, (__u64)off, EXT2_SEEK_SET, NULL);
	while (!err && done < len) {
		unsigned int got = 0, want = len - done < CHUNK ? (unsigned)(len - done) : CHUNK;

		err = ext2fs_file_read(file, (char *)buf + done, want, &got);
		done += got;
		if (!got)
			break;
	}
	if (err && !done)
		return e2_errno(err, "reading a file");
	return (ssize_t)done;
}

static void touch_mtime(struct e2file *f)
{
	struct ext2_inode *inode = ext2fs_file_get_inode(f->node->file);

	inode->i_mtime = inode->i_ctime = (__u32)time(NULL);
}

static ssize_t do_pwrite(struct e2file *f, const void *buf, size_t len, off_t off)
{
	ext2_file_t file = f->node->file;
	__u64 old = size_of(file);
	size_t done = 0;
	errcode_t err;

	if (off > LONG_MAX - (off_t)len)
		return -EFBIG;
	err = ext2fs_file_llseek(file, (__u64)off, EXT2_SEEK_SET, NULL);
	while (!err && done < len) {
		unsigned int put = 0, want = len - done < CHUNK ? (unsigned)(len - done) : CHUNK;

		err = ext2fs_file_write(file, (const char *)buf + done, want, &put);
		done += put;
		if (!put)
			break;
	}
	/* Allocation happens when the buffered block is flushed: do it now,
	 * so that ENOSPC is this write's. */
	if (!err)
		err = ext2fs_file_flush(file);
	if (err) {
		if (size_of(file) > old)
			ext2fs_file_set_size2(file, old);
		return e2_errno(err, "writing a file");
	}
	touch_mtime(f);
	return (ssize_t)done;
}

static ssize_t e2_pread(struct file *file, void *buf, size_t len, off_t off)
{
	struct e2file *f = ef(file);
	ssize_t n;

	mutex_lock(&f->e->lock);
	n = do_pread(f, buf, len, off);
	mutex_unlock(&f->e->lock);
	return n;
}

static ssize_t e2_read(struct file *file, void *buf, size_t len)
{
	ssize_t n = e2_pread(file, buf, len, file->pos);

	if (n > 0)
		file->pos += n;
	return n;
}

static ssize_t e2_pwrite(struct file *file, const void *buf, size_t len, off_t off)
{
	struct e2file *f = ef(file);
	ssize_t n;

	mutex_lock(&f->e->lock);
	n = do_pwrite(f, buf, len, off);
	mutex_unlock(&f->e->lock);
	return n;
}

static ssize_t e2_write(struct file *file, const void *buf, size_t len)
{
	struct e2file *f = ef(file);
	ssize_t n;

	mutex_lock(&f->e->lock);
	if (file->flags & O_APPEND)
		file->pos = (off_t)size_of(f->node->file);
	n = do_pwrite(f, buf, len, file->pos);
	if (n > 0)
		file->pos += n;
	mutex_unlock(&f->e->lock);
	return n;
}

static off_t e2_lseek(struct file *file, off_t off, int whence)
{
	struct e2file *f = ef(file);
	off_t r;

	mutex_lock(&f->e->lock);
	r = vfs_lseek(file, off, whence, (off_t)size_of(f->node->file));
	mutex_unlock(&f->e->lock);
	return r;
}

static int e2_fstat(struct file *file, struct stat *st)
{
	struct e2file *f = ef(file);
	int rc;

	mutex_lock(&f->e->lock);
	rc = e2_stat_ino(f->e, f->ino, st);
	mutex_unlock(&f->e->lock);
	return rc;
}

static int e2_fsync(struct file *file, bool data_only)
{
	struct e2file *f = ef(file);
	int rc;

	mutex_lock(&f->e->lock);
	rc = e2_sync_locked(f->e);
	mutex_unlock(&f->e->lock);
	return rc;
}

static int e2_ftruncate(struct file *file, off_t len)
{
	struct e2file *f = ef(file);
	int rc;

	mutex_lock(&f->e->lock);
	rc = e2_errno(ext2fs_file_set_size2(f->node->file, (ext2_off64_t)len), "truncating");
	if (!rc)
		touch_mtime(f);
	mutex_unlock(&f->e->lock);
	return rc;
}

static int e2_release(struct file *file)
{
	struct e2file *f = ef(file);
	struct e2fs *e = f->e;
	int rc = 0;

	mutex_lock(&e->lock);
	if (f->node)
		rc = node_put(e, f->node);
	else
		e->open_dirs--;
	mutex_unlock(&e->lock);
	free(f->ents);
	free(f->names);
	free(f);
	return rc;
}

/* ---------------------------------------------------------- directories --- */

static unsigned char dtype(int ft)
{
	switch (ft) {
	case EXT2_FT_REG_FILE: return DT_REG;
	case EXT2_FT_DIR: return DT_DIR;
	case EXT2_FT_SYMLINK: return DT_LNK;
	case EXT2_FT_CHRDEV: return DT_CHR;
	case EXT2_FT_BLKDEV: return DT_BLK;
	case EXT2_FT_FIFO: return DT_FIFO;
	case EXT2_FT_SOCK: return DT_SOCK;
	default: return DT_UNKNOWN;
	}
}

static int snap_one(ext2_ino_t dir, int entry, struct ext2_dir_entry *d, int offset,
		    int blocksize, char *buf, void *priv)
{
	struct e2file *f = priv;
	size_t len = (size_t)ext2fs_dirent_name_len(d);

	if (!d->inode)
		return 0;
	if (f->nents == f->capents) {
		size_t cap = f->capents ? f->capents * 2 : 64;
		struct dent *n = realloc(f->ents, cap * sizeof(*n));

		if (!n)
			return DIRENT_ABORT;
		f->ents = n;
		f->capents = cap;
	}
	if (f->nbytes + len + 1 > f->capbytes) {
		size_t cap = f->capbytes ? f->capbytes * 2 : 1024;
		char *n;

		while (cap < f->nbytes + len + 1)
			cap *= 2;
		n = realloc(f->names, cap);
		if (!n)
			return DIRENT_ABORT;
		f->names = n;
		f->capbytes = cap;
	}
	memcpy(f->names + f->nbytes, d->name, len);
	f->names[f->nbytes + len] = '\0';
	f->ents[f->nents++] = (struct dent){ d->inode, dtype(ext2fs_dirent_file_type(d)),
					     f->nbytes };
	f->nbytes += len + 1;
	return 0;
}

static int take_snapshot(struct e2file *f)
{
	errcode_t err;

	f->nents = f->nbytes = 0;
	err = ext2fs_dir_iterate2(f->e->fs, f->ino, 0, NULL, snap_one, f);
	if (err)
		return e2_errno(err, "reading a directory");
	f->snap = true;
	return 0;
}

static int e2_readdir(struct file *file, struct dirent *de)
{
	struct e2file *f = ef(file);
	const struct dent *d;
	int rc = 0;

	if (file->pos < 0)
		return -EINVAL;
	if (!f->snap || file->pos == 0) {
		mutex_lock(&f->e->lock);
		rc = take_snapshot(f);
		mutex_unlock(&f->e->lock);
		if (rc)
			return rc;
	}
	if ((size_t)file->pos >= f->nents)
		return 0;
	d = &f->ents[file->pos++];
	de->d_ino = d->ino;
	de->d_off = file->pos;
	de->d_reclen = sizeof(*de);
	de->d_type = d->type;
	strlcpy(de->d_name, f->names + d->name, sizeof(de->d_name));
	return 1;
}

static off_t e2_dir_lseek(struct file *file, off_t off, int whence)
{
	if (whence != SEEK_SET || off < 0)
		return -EINVAL;
	file->pos = off;
	return off;
}

static const struct file_ops e2_file_ops = {
	.read = e2_read,
	.write = e2_write,
	.pread = e2_pread,
	.pwrite = e2_pwrite,
	.lseek = e2_lseek,
	.fstat = e2_fstat,
	.fsync = e2_fsync,
	.ftruncate = e2_ftruncate,
	.release = e2_release,
};

static const struct file_ops e2_dir_ops = {
	.lseek = e2_dir_lseek,
	.fstat = e2_fstat,
	.fsync = e2_fsync,
	.readdir = e2_readdir,
	.release = e2_release,
};

/* ---------------------------------------------------------------- open --- */

int e2_open(struct vfs_sb *sb, const char *path, int flags, mode_t mode, struct file **out)
{
	struct e2fs *e = sb->priv;
	bool writing = (flags & O_ACCMODE) != O_RDONLY;
	struct ext2_inode inode;
	struct e2file *f;
	ext2_ino_t ino, dir;
	const char *name;
	size_t len;
	int rc;

	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	mutex_lock(&e->lock);
	rc = e2_walk(e, path, &ino);
	if (rc == -ENOENT && flags & O_CREAT && *path) {
		rc = e2_walk_parent(e, path, &dir, &name, &len);
		if (!rc)
			rc = e2_create(e, dir, name, len, mode, &ino);
	} else if (!rc && flags & O_CREAT && flags & O_EXCL) {
		rc = -EEXIST;
	}
	if (!rc)
		rc = e2_read_inode(e, ino, &inode);
	if (rc)
		goto fail;
	f->e = e;
	f->ino = ino;
	if (LINUX_S_ISLNK(inode.i_mode)) {
		rc = -ELOOP;
	} else if (LINUX_S_ISDIR(inode.i_mode)) {
		if (writing)
			rc = -EISDIR;
		f->f.ops = &e2_dir_ops;
		if (!rc)
			e->open_dirs++;
	} else if (LINUX_S_ISREG(inode.i_mode)) {
		if (flags & O_DIRECTORY)
			rc = -ENOTDIR;
		if (!rc)
			rc = node_get(e, ino, &f->node);
		if (!rc && writing && flags & O_TRUNC && size_of(f->node->file)) {
			rc = e2_errno(ext2fs_file_set_size2(f->node->file, 0), "truncating");
			if (rc)
				node_put(e, f->node);
		}
		f->f.ops = &e2_file_ops;
	} else {
		rc = -ENXIO; /* devices, fifos, sockets: not here */
	}
	if (rc)
		goto fail;
	mutex_unlock(&e->lock);
	*out = &f->f;
	return 0;
fail:
	mutex_unlock(&e->lock);
	free(f);
	return rc;
}
