// SPDX-License-Identifier: MIT
/*
 * ramfs: files and directories in memory (the root file system, and what
 * the initrd unpacks into).  File data lives in whole pages from the page
 * allocator, a page table per file (holes read as zeros); a full memory
 * gives ENOSPC.  Directories are arrays of child nodes.
 *
 * Nothing here blocks, and the kernel is cooperative, so no operation can
 * interleave with another: ramfs needs no lock.  A node unlinked while
 * open lives on until its last descriptor is closed, as POSIX says.
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
#include <hako/page.h>
#include <hako/vfs.h>

#include "fs.h"

struct rnode {
	struct rnode *parent; /* NULL for the root and for unlinked nodes */
	char *name;
	mode_t mode;
	ino_t ino;
	unsigned opens;
	struct timespec mtime, ctime;
	struct rnode **kids; /* directories */
	size_t nkids, capkids;
	char **pages; /* regular files: page table, NULL = hole */
	size_t npages;
	off_t size;
};

struct rfile {
	struct file f;
	struct rnode *node;
	struct vfs_sb *sb;
};

struct ramfs {
	struct rnode *root;
	ino_t next_ino;
};

static const struct file_ops ramfs_file_ops, ramfs_dir_ops;

static void now(struct timespec *ts)
{
	clock_gettime(CLOCK_REALTIME, ts);
}

static struct rnode *node_new(struct ramfs *fs, const char *name, size_t len, mode_t mode)
{
	struct rnode *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = malloc(len + 1);
	if (!n->name) {
		free(n);
		return NULL;
	}
	memcpy(n->name, name, len);
	n->name[len] = '\0';
	n->mode = mode;
	n->ino = fs->next_ino++;
	now(&n->mtime);
	n->ctime = n->mtime;
	return n;
}

static void truncate_pages(struct rnode *n, size_t keep)
{
	for (size_t i = keep; i < n->npages; i++) {
		if (n->pages[i])
			page_free(n->pages[i], 1);
		n->pages[i] = NULL;
	}
}

static void node_free(struct rnode *n)
{
	truncate_pages(n, 0);
	free(n->pages);
	free(n->kids);
	free(n->name);
	free(n);
}

/* Free a node nothing names and nothing has open. */
static void node_put(struct rnode *n)
{
	if (!n->parent && !n->opens && n->name[0] != '/')
		node_free(n);
}

/* ----------------------------------------------------------- lookups --- */

static struct rnode *child(const struct rnode *dir, const char *name, size_t len, size_t *at)
{
	for (size_t i = 0; i < dir->nkids; i++) {
		struct rnode *k = dir->kids[i];

		if (!strncmp(k->name, name, len) && k->name[len] == '\0') {
			if (at)
				*at = i;
			return k;
		}
	}
	return NULL;
}

/* Walk path from the root.  Errors: -ENOENT, -ENOTDIR. */
static int walk(struct ramfs *fs, const char *path, struct rnode **out)
{
	struct rnode *n = fs->root;

	while (*path) {
		const char *end = strchr(path, '/');
		size_t len = end ? (size_t)(end - path) : strlen(path);

		if (!S_ISDIR(n->mode))
			return -ENOTDIR;
		n = child(n, path, len, NULL);
		if (!n)
			return -ENOENT;
		path += len + (end ? 1 : 0);
	}
	*out = n;
	return 0;
}

/* The parent directory of path and its last component (path is not ""). */
static int walk_parent(struct ramfs *fs, const char *path, struct rnode **dir,
		       const char **name, size_t *len)
{
	const char *slash = strrchr(path, '/');
	char buf[PATH_MAX];
	int rc;

	if (slash) {
		memcpy(buf, path, (size_t)(slash - path));
		buf[slash - path] = '\0';
		rc = walk(fs, buf, dir);
		*name = slash + 1;
	} else {
		rc = walk(fs, "", dir);
		*name = path;
	}
	if (rc)
		return rc;
	if (!S_ISDIR((*dir)->mode))
		return -ENOTDIR;
	*len = strlen(*name);
	return 0;
}

static int add_child(struct rnode *dir, struct rnode *n)
{
	if (dir->nkids == dir->capkids) {
		size_t cap = dir->capkids ? dir->capkids * 2 : 8;
		struct rnode **k = realloc(dir->kids, cap * sizeof(*k));

		if (!k)
			return -ENOSPC;
		dir->kids = k;
		dir->capkids = cap;
	}
	dir->kids[dir->nkids++] = n;
	n->parent = dir;
	now(&dir->mtime);
	dir->ctime = dir->mtime;
	return 0;
}

static void remove_child(struct rnode *dir, size_t at)
{
	struct rnode *n = dir->kids[at];

	dir->kids[at] = dir->kids[--dir->nkids];
	n->parent = NULL;
	now(&dir->mtime);
	dir->ctime = dir->mtime;
}

/* --------------------------------------------------------- file data --- */

static ssize_t data_read(struct rnode *n, char *buf, size_t len, off_t off)
{
	size_t done = 0;

	if (off >= n->size)
		return 0;
	if (len > (size_t)(n->size - off))
		len = (size_t)(n->size - off);
	while (done < len) {
		size_t pg = (size_t)(off / PAGE_SIZE), in = (size_t)(off % PAGE_SIZE);
		size_t l = PAGE_SIZE - in < len - done ? PAGE_SIZE - in : len - done;

		if (n->pages[pg])
			memcpy(buf + done, n->pages[pg] + in, l);
		else
			memset(buf + done, 0, l);
		done += l;
		off += (off_t)l;
	}
	return (ssize_t)done;
}

static int grow_table(struct rnode *n, size_t pages)
{
	size_t cap;
	char **t;

	if (pages <= n->npages)
		return 0;
	cap = n->npages ? n->npages : 4;
	while (cap < pages)
		cap *= 2;
	t = realloc(n->pages, cap * sizeof(*t));
	if (!t)
		return -ENOSPC;
	memset(t + n->npages, 0, (cap - n->npages) * sizeof(*t));
	n->pages = t;
	n->npages = cap;
	return 0;
}

static ssize_t data_write(struct rnode *n, const char *buf, size_t len, off_t off)
{
	size_t done = 0;

	if (off > LONG_MAX - (off_t)len)
		return -EFBIG;
	if (len && grow_table(n, (size_t)((off + (off_t)len + PAGE_SIZE - 1) / PAGE_SIZE)))
		return -ENOSPC;
	while (done < len) {
		size_t pg = (size_t)(off / PAGE_SIZE), in = (size_t)(off % PAGE_SIZE);
		size_t l = PAGE_SIZE - in < len - done ? PAGE_SIZE - in : len - done;

		if (!n->pages[pg]) {
			n->pages[pg] = page_alloc(1, 1);
			if (!n->pages[pg])
				break;
			memset(n->pages[pg], 0, PAGE_SIZE);
		}
		memcpy(n->pages[pg] + in, buf + done, l);
		done += l;
		off += (off_t)l;
		if (off > n->size)
			n->size = off;
	}
	if (done) {
		now(&n->mtime);
		n->ctime = n->mtime;
	}
	return done || !len ? (ssize_t)done : -ENOSPC;
}

static int data_truncate(struct rnode *n, off_t len)
{
	size_t keep = (size_t)((len + PAGE_SIZE - 1) / PAGE_SIZE);

	if (len < n->size) {
		if (keep < n->npages)
			truncate_pages(n, keep);
		/* Zero the tail of the last page kept, for a later extension. */
		if (len % PAGE_SIZE && n->pages[keep - 1])
			memset(n->pages[keep - 1] + len % PAGE_SIZE, 0,
			       PAGE_SIZE - len % PAGE_SIZE);
	} else if (grow_table(n, keep)) {
		return -ENOSPC;
	}
	n->size = len;
	now(&n->mtime);
	n->ctime = n->mtime;
	return 0;
}

/* ---------------------------------------------------------- file ops --- */

static struct rnode *node_of(struct file *f)
{
	return ((struct rfile *)f)->node;
}

static ssize_t rf_pread(struct file *f, void *buf, size_t len, off_t off)
{
	return data_read(node_of(f), buf, len, off);
}

static ssize_t rf_pwrite(struct file *f, const void *buf, size_t len, off_t off)
{
	return data_write(node_of(f), buf, len, off);
}

static ssize_t rf_read(struct file *f, void *buf, size_t len)
{
	ssize_t n = data_read(node_of(f), buf, len, f->pos);

	if (n > 0)
		f->pos += n;
	return n;
}

static ssize_t rf_write(struct file *f, const void *buf, size_t len)
{
	ssize_t n;

	if (f->flags & O_APPEND)
		f->pos = node_of(f)->size;
	n = data_write(node_of(f), buf, len, f->pos);
	if (n > 0)
		f->pos += n;
	return n;
}

static off_t rf_lseek(struct file *f, off_t off, int whence)
{
	return vfs_lseek(f, off, whence, node_of(f)->size);
}

static void fill_stat(const struct vfs_sb *sb, const struct rnode *n, struct stat *st)
{
	size_t pages = 0;

	for (size_t i = 0; i < n->npages; i++)
		pages += n->pages[i] != NULL;
	memset(st, 0, sizeof(*st));
	st->st_dev = sb->dev;
	st->st_ino = n->ino;
	st->st_mode = n->mode;
	st->st_nlink = S_ISDIR(n->mode) ? 2 : n->parent || n->name[0] == '/' ? 1 : 0;
	st->st_size = S_ISDIR(n->mode) ? (off_t)(n->nkids + 2) * 32 : n->size;
	st->st_blksize = PAGE_SIZE;
	st->st_blocks = (blkcnt_t)pages * (PAGE_SIZE / 512);
	st->st_mtim = n->mtime;
	st->st_ctim = n->ctime;
	st->st_atim = n->mtime;
}

static int rf_fstat(struct file *f, struct stat *st)
{
	fill_stat(((struct rfile *)f)->sb, node_of(f), st);
	return 0;
}

static int rf_fsync(struct file *f, bool data_only)
{
	return 0; /* memory is all there is */
}

static int rf_ftruncate(struct file *f, off_t len)
{
	return data_truncate(node_of(f), len);
}

static int rf_release(struct file *f)
{
	struct rnode *n = node_of(f);

	n->opens--;
	node_put(n);
	free(f);
	return 0;
}

static int rd_readdir(struct file *f, struct dirent *de)
{
	struct rnode *n = node_of(f);
	const struct rnode *e;
	const char *name;

	if (f->pos < 0)
		return -EINVAL;
	if (f->pos == 0) {
		e = n;
		name = ".";
	} else if (f->pos == 1) {
		e = n->parent ? n->parent : n;
		name = "..";
	} else if ((size_t)f->pos - 2 < n->nkids) {
		e = n->kids[f->pos - 2];
		name = e->name;
	} else {
		return 0;
	}
	f->pos++;
	de->d_ino = e->ino;
	de->d_off = f->pos;
	de->d_reclen = sizeof(*de);
	de->d_type = S_ISDIR(e->mode) ? DT_DIR : DT_REG;
	strlcpy(de->d_name, name, sizeof(de->d_name));
	return 1;
}

static ssize_t rd_read(struct file *f, void *buf, size_t len)
{
	return -EISDIR;
}

static off_t rd_lseek(struct file *f, off_t off, int whence)
{
	if (whence != SEEK_SET || off < 0)
		return -EINVAL;
	f->pos = off;
	return off;
}

static const struct file_ops ramfs_file_ops = {
	.read = rf_read,
	.write = rf_write,
	.pread = rf_pread,
	.pwrite = rf_pwrite,
	.lseek = rf_lseek,
	.fstat = rf_fstat,
	.fsync = rf_fsync,
	.ftruncate = rf_ftruncate,
	.release = rf_release,
};

static const struct file_ops ramfs_dir_ops = {
	.read = rd_read,
	.lseek = rd_lseek,
	.fstat = rf_fstat,
	.fsync = rf_fsync,
	.readdir = rd_readdir,
	.release = rf_release,
};

/* ------------------------------------------------------ path calls --- */

static struct ramfs *fs_of(struct vfs_sb *sb)
{
	return sb->priv;
}

static int ramfs_open(struct vfs_sb *sb, const char *path, int flags, mode_t mode,
		      struct file **out)
{
	struct ramfs *fs = fs_of(sb);
	struct rnode *n, *dir;
	struct rfile *rf;
	const char *name;
	size_t len;
	int rc = walk(fs, path, &n);

	if (rc == -ENOENT && flags & O_CREAT && *path) {
		rc = walk_parent(fs, path, &dir, &name, &len);
		if (rc)
			return rc;
		n = node_new(fs, name, len, S_IFREG | (mode & 07777));
		if (!n)
			return -ENOSPC;
		rc = add_child(dir, n);
		if (rc) {
			node_free(n);
			return rc;
		}
	} else if (rc) {
		return rc;
	} else if (flags & O_CREAT && flags & O_EXCL) {
		return -EEXIST;
	}
	if (S_ISDIR(n->mode) && (flags & O_ACCMODE) != O_RDONLY)
		return -EISDIR;
	if (!S_ISDIR(n->mode) && flags & O_DIRECTORY)
		return -ENOTDIR;
	rf = calloc(1, sizeof(*rf));
	if (!rf)
		return -ENOMEM;
	if (S_ISREG(n->mode) && flags & O_TRUNC && (flags & O_ACCMODE) != O_RDONLY)
		data_truncate(n, 0);
	rf->f.ops = S_ISDIR(n->mode) ? &ramfs_dir_ops : &ramfs_file_ops;
	rf->node = n;
	rf->sb = sb;
	n->opens++;
	*out = &rf->f;
	return 0;
}

static int ramfs_stat(struct vfs_sb *sb, const char *path, struct stat *st)
{
	struct rnode *n;
	int rc = walk(fs_of(sb), path, &n);

	if (!rc)
		fill_stat(sb, n, st);
	return rc;
}

static int ramfs_mkdir(struct vfs_sb *sb, const char *path, mode_t mode)
{
	struct ramfs *fs = fs_of(sb);
	struct rnode *dir, *n;
	const char *name;
	size_t len;
	int rc = walk_parent(fs, path, &dir, &name, &len);

	if (rc)
		return rc;
	if (child(dir, name, len, NULL))
		return -EEXIST;
	n = node_new(fs, name, len, S_IFDIR | (mode & 07777));
	if (!n)
		return -ENOSPC;
	rc = add_child(dir, n);
	if (rc)
		node_free(n);
	return rc;
}

static int ramfs_remove(struct vfs_sb *sb, const char *path, bool dir_wanted)
{
	struct rnode *dir, *n;
	const char *name;
	size_t len, at;
	int rc = walk_parent(fs_of(sb), path, &dir, &name, &len);

	if (rc)
		return rc;
	n = child(dir, name, len, &at);
	if (!n)
		return -ENOENT;
	if (dir_wanted && !S_ISDIR(n->mode))
		return -ENOTDIR;
	if (!dir_wanted && S_ISDIR(n->mode))
		return -EISDIR;
	if (dir_wanted && n->nkids)
		return -ENOTEMPTY;
	remove_child(dir, at);
	node_put(n);
	return 0;
}

static int ramfs_rmdir(struct vfs_sb *sb, const char *path)
{
	return ramfs_remove(sb, path, true);
}

static int ramfs_unlink(struct vfs_sb *sb, const char *path)
{
	return ramfs_remove(sb, path, false);
}

static int ramfs_rename(struct vfs_sb *sb, const char *from, const char *to)
{
	struct ramfs *fs = fs_of(sb);
	struct rnode *d1, *d2, *n, *old;
	const char *n1, *n2;
	size_t l1, l2, at1, at2;
	char *name;
	int rc = walk_parent(fs, from, &d1, &n1, &l1);

	if (!rc)
		rc = walk_parent(fs, to, &d2, &n2, &l2);
	if (rc)
		return rc;
	n = child(d1, n1, l1, &at1);
	if (!n)
		return -ENOENT;
	old = child(d2, n2, l2, &at2);
	if (old == n)
		return 0;
	if (old) {
		if (S_ISDIR(n->mode) && !S_ISDIR(old->mode))
			return -ENOTDIR;
		if (!S_ISDIR(n->mode) && S_ISDIR(old->mode))
			return -EISDIR;
		if (old->nkids)
			return -ENOTEMPTY;
	}
	name = malloc(l2 + 1);
	if (!name)
		return -ENOSPC;
	memcpy(name, n2, l2);
	name[l2] = '\0';
	if (old) {
		/* Take old's slot: nothing can fail. */
		d2->kids[at2] = n;
		old->parent = NULL;
		node_put(old);
	} else {
		rc = add_child(d2, n); /* appends: the slot at1 stays valid */
		if (rc) {
			free(name);
			return rc;
		}
	}
	/* Drop n's old slot (n is also in its new one, never at at1). */
	d1->kids[at1] = d1->kids[--d1->nkids];
	n->parent = d2;
	now(&d1->mtime);
	free(n->name);
	n->name = name;
	now(&n->ctime);
	return 0;
}

static int ramfs_statfs(struct vfs_sb *sb, struct vfs_statfs *st)
{
	struct page_stats ps;

	page_get_stats(&ps);
	st->block_size = PAGE_SIZE;
	st->blocks = ps.total;
	st->blocks_free = ps.total - ps.used;
	return 0;
}

static int ramfs_mount(struct vfs_sb *sb, const char *source)
{
	struct ramfs *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return -ENOMEM;
	fs->next_ino = 1;
	/* The root's name "/" marks it as never freed (node_put). */
	fs->root = node_new(fs, "/", 1, S_IFDIR | 0755);
	if (!fs->root) {
		free(fs);
		return -ENOMEM;
	}
	sb->priv = fs;
	return 0;
}

static void free_tree(struct rnode *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		free_tree(n->kids[i]);
	node_free(n);
}

static bool any_open(const struct rnode *n)
{
	if (n->opens)
		return true;
	for (size_t i = 0; i < n->nkids; i++)
		if (any_open(n->kids[i]))
			return true;
	return false;
}

static int ramfs_unmount(struct vfs_sb *sb)
{
	struct ramfs *fs = fs_of(sb);

	if (any_open(fs->root))
		return -EBUSY;
	free_tree(fs->root);
	free(fs);
	return 0;
}

const struct vfs_ops ramfs_ops = {
	.name = "ramfs",
	.mount = ramfs_mount,
	.unmount = ramfs_unmount,
	.statfs = ramfs_statfs,
	.open = ramfs_open,
	.stat = ramfs_stat,
	.mkdir = ramfs_mkdir,
	.rmdir = ramfs_rmdir,
	.unlink = ramfs_unlink,
	.rename = ramfs_rename,
};
