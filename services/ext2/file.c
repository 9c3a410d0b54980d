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
	int rc;

	if (!n) {
		n = calloc(1, sizeof(*n));
		if (!n)
			return -ENOMEM;
		rc = e2_errno(ext2fs_read_inode(e->fs, ino, &n->inode), "reading an inode");
		if (rc) {
			free(n);
			return rc;
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
	int rc = 0;

	if (--n->opens)
		return 0;
	for (struct e2node **p = &e->nodes; *p; p = &(*p)->next) {
		if (*p == n) {
			*p = n->next;
			break;
		}
	}
	if (n->inode.i_links_count == 0 && e->fs->flags & EXT2_FLAG_RW)
		rc = e2_free_inode(e, n->ino); /* unlinked while open */
	free(n);
	return rc;
}

int e2_flush_nodes(struct e2fs *e)
{
	int first = 0;

	if (!(e->fs->flags & EXT2_FLAG_RW))
		return 0;
	for (struct e2node *n = e->nodes; n; n = n->next) {
		int rc = e2_errno(ext2fs_write_inode(e->fs, n->ino, &n->inode),
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
	st->st_blocks = (blkcnt_t)ext2fs_get_stat_i_blocks(e->fs, &inode);
	st->st_atim.tv_sec = inode.i_atime;
	st->st_mtim.tv_sec = inode.i_mtime;
	st->st_ctim.tv_sec = inode.i_ctime;
	return 0;
}

/* ---------------------------------------------------------- block maps --- */

/*
 * Where the file's data lives: map() gives, for logical block lblk, the
 * run of up to max blocks that follow it contiguously on disk (*pblk 0:
 * a hole of one block), and whether the run is unwritten (reads as
 * zeros).  Extent-mapped files keep one extent handle per transfer.
 */
struct mapper {
	struct e2fs *e;
	struct e2node *n;
	ext2_extent_handle_t h;
};

static int map(struct mapper *m, blk64_t lblk, blk64_t max, blk64_t *pblk, blk64_t *len,
	       bool *unwritten)
{
	ext2_filsys fs = m->e->fs;
	struct ext2fs_extent ex;
	errcode_t err;
	int flags = 0;

	*unwritten = false;
	*len = 1;
	if (m->n->ex_len && lblk >= m->n->ex_lblk && lblk - m->n->ex_lblk < m->n->ex_len) {
		*pblk = m->n->ex_pblk + (lblk - m->n->ex_lblk);
		*len = m->n->ex_len - (lblk - m->n->ex_lblk);
		if (*len > max)
			*len = max;
		*unwritten = m->n->ex_unwritten;
		return 0;
	}
	if (m->n->inode.i_flags & EXT4_EXTENTS_FL) {
		if (!m->h) {
			err = ext2fs_extent_open2(fs, m->n->ino, &m->n->inode, &m->h);
			if (err)
				return e2_errno(err, "reading an extent tree");
		}
		err = ext2fs_extent_goto2(m->h, 0, lblk);
		if (err == EXT2_ET_EXTENT_NOT_FOUND) {
			*pblk = 0;
			return 0;
		}
		if (!err)
			err = ext2fs_extent_get(m->h, EXT2_EXTENT_CURRENT, &ex);
		if (err)
			return e2_errno(err, "reading an extent tree");
		if (lblk < ex.e_lblk || lblk - ex.e_lblk >= ex.e_len) {
			*pblk = 0;
			return 0;
		}
		*pblk = ex.e_pblk + (lblk - ex.e_lblk);
		*len = ex.e_lblk + ex.e_len - lblk;
		if (*len > max)
			*len = max;
		*unwritten = ex.e_flags & EXT2_EXTENT_FLAGS_UNINIT;
		m->n->ex_lblk = ex.e_lblk;
		m->n->ex_pblk = ex.e_pblk;
		m->n->ex_len = ex.e_len;
		m->n->ex_unwritten = *unwritten;
		return 0;
	}
	err = ext2fs_bmap2(fs, m->n->ino, &m->n->inode, NULL, 0, lblk, &flags, pblk);
	if (err)
		return e2_errno(err, "mapping a block");
	*unwritten = flags & BMAP_RET_UNINIT;
	/* Indirect maps: extend the run while the next block follows. */
	while (*pblk && *len < max && *len < 256) {
		blk64_t next;

		err = ext2fs_bmap2(fs, m->n->ino, &m->n->inode, NULL, 0, lblk + *len, &flags,
				   &next);
		if (err || next != *pblk + *len || flags & BMAP_RET_UNINIT)
			break;
		(*len)++;
	}
	return 0;
}

/* The block map may change (a write, a truncate): forget the last extent. */
static void map_changed(struct mapper *m)
{
	m->n->ex_len = 0;
}

static void map_done(struct mapper *m)
{
	if (m->h)
		ext2fs_extent_free(m->h);
	m->h = NULL;
}

/* ---------------------------------------------------------------- data --- */

static ssize_t read_inline(struct e2fs *e, struct e2node *n, char *buf, size_t len, off_t off)
{
	size_t size = e->fs->blocksize * 2, got = 0;
	char *tmp = malloc(size);
	errcode_t err;

	if (!tmp)
		return -ENOMEM;
	err = ext2fs_inline_data_get(e->fs, n->ino, &n->inode, tmp, &got);
	if (!err && got > size)
		err = EXT2_ET_INLINE_DATA_CANT_ITERATE;
	if (err) {
		free(tmp);
		return e2_errno(err, "reading inline data");
	}
	if ((size_t)off >= got)
		len = 0;
	else if (len > got - (size_t)off)
		len = got - (size_t)off;
	memcpy(buf, tmp + off, len);
	free(tmp);
	return (ssize_t)len;
}

static ssize_t do_pread(struct e2fs *e, struct e2node *n, char *buf, size_t len, off_t off)
{
	__u64 size = EXT2_I_SIZE(&n->inode);
	size_t bs = e->fs->blocksize, done = 0;
	struct mapper m = { e, n, NULL };
	char *blk = NULL;
	int rc = 0;

	if ((__u64)off >= size || !len)
		return 0;
	if (len > size - (__u64)off)
		len = (size_t)(size - (__u64)off);
	if (n->inode.i_flags & EXT4_INLINE_DATA_FL)
		return read_inline(e, n, buf, len, off);
	while (done < len && !rc) {
		__u64 pos = (__u64)off + done;
		blk64_t lblk = pos / bs, pblk, run, last = ((__u64)off + len - 1) / bs;
		size_t in = pos % bs, l;
		bool unwritten;

		rc = map(&m, lblk, last - lblk + 1, &pblk, &run, &unwritten);
		if (rc)
			break;
		l = (size_t)(run * bs - in);
		if (l > len - done)
			l = len - done;
		if (!pblk || unwritten) {
			memset(buf + done, 0, l);
		} else if (in == 0 && l >= bs) {
			/* Whole blocks straight into the caller's buffer. */
			l -= l % bs;
			rc = e2_errno(io_channel_read_blk64(e->fs->io, pblk, (int)(l / bs),
							    buf + done),
				      "reading a file");
		} else {
			if (!blk && !(blk = malloc(bs))) {
				rc = -ENOMEM;
				break;
			}
			if (l > bs - in)
				l = bs - in;
			rc = e2_errno(io_channel_read_blk64(e->fs->io, pblk, 1, blk),
				      "reading a file");
			memcpy(buf + done, blk + in, l);
		}
		if (!rc)
			done += l;
	}
	map_done(&m);
	free(blk);
	return done ? (ssize_t)done : rc;
}

/*
 * Is there room for want more blocks, with the worst case of the extent
 * or indirect blocks they can need (a leaf holds 84 extents or more, a
 * tree is at most 5 deep)?  Allocations are checked first: libext2fs does
 * not give back all it took when one fails half-way.  So a disk reports
 * ENOSPC with a few blocks left, and nothing is lost.
 */
int e2_have_space(struct e2fs *e, blk64_t want)
{
	return ext2fs_free_blocks_count(e->fs->super) >= want + want / 64 + 16 ? 0 : -ENOSPC;
}

/*
 * Map [lblk, lblk + len) to blocks from pblk in an extent-mapped file
 * whose last extent ends before lblk: grow that extent when the new run
 * follows it on disk, else add one after it.  (libext2fs's fallocate
 * adds an extent per call, never merging: a file written a megabyte at a
 * time would get a deep tree of small extents.)
 */
static errcode_t append_run(ext2_extent_handle_t h, const struct ext2fs_extent *last,
			    bool have_last, blk64_t lblk, blk64_t pblk, blk64_t len)
{
	struct ext2fs_extent ex;
	errcode_t err;

	if (have_last && last->e_lblk + last->e_len == lblk && last->e_pblk + last->e_len == pblk &&
	    !(last->e_flags & EXT2_EXTENT_FLAGS_UNINIT) && last->e_len + len <= EXT_INIT_MAX_LEN) {
		ex = *last;
		ex.e_len += (__u32)len;
		err = ext2fs_extent_replace(h, 0, &ex);
	} else {
		ex = (struct ext2fs_extent){ .e_pblk = pblk, .e_lblk = lblk, .e_len = (__u32)len };
		err = ext2fs_extent_insert(h, have_last ? EXT2_EXTENT_INSERT_AFTER : 0, &ex);
	}
	return err ? err : ext2fs_extent_fix_parents(h);
}

/* The extent path of allocate_tail(): runs from the free space map,
 * each appended as above.  EXT2_ET_OP_NOT_SUPPORTED: some block past
 * from is mapped already (preallocated): the caller falls back. */
static errcode_t extend_tail(struct e2fs *e, struct e2node *n, blk64_t from, blk64_t to)
{
	ext2_filsys fs = e->fs;
	struct ext2fs_extent last;
	ext2_extent_handle_t h;
	bool have_last = false;
	blk64_t goal;
	errcode_t err = ext2fs_extent_open2(fs, n->ino, &n->inode, &h);

	if (err)
		return err;
	err = ext2fs_extent_get(h, EXT2_EXTENT_LAST_LEAF, &last);
	if (!err) {
		have_last = true;
		if (last.e_lblk + last.e_len > from) {
			ext2fs_extent_free(h);
			return EXT2_ET_OP_NOT_SUPPORTED;
		}
	} else if (err != EXT2_ET_EXTENT_NO_NEXT && err != EXT2_ET_EXTENT_NOT_FOUND) {
		ext2fs_extent_free(h);
		return err;
	}
	goal = have_last ? last.e_pblk + last.e_len
			 : ext2fs_find_inode_goal(fs, n->ino, &n->inode, from);
	for (err = 0; !err && from <= to;) {
		blk64_t pblk, plen;

		err = ext2fs_new_range(fs, 0, goal, to - from + 1, NULL, &pblk, &plen);
		if (err)
			break;
		if (plen > to - from + 1)
			plen = to - from + 1;
		if (plen > EXT_INIT_MAX_LEN)
			plen = EXT_INIT_MAX_LEN;
		ext2fs_block_alloc_stats_range(fs, pblk, (blk_t)plen, +1);
		err = append_run(h, &last, have_last, from, pblk, plen);
		if (err) {
			ext2fs_block_alloc_stats_range(fs, pblk, (blk_t)plen, -1);
			break;
		}
		ext2fs_iblk_add_blocks(fs, &n->inode, plen);
		/* Where the handle is now: the extent just made or grown. */
		err = ext2fs_extent_get(h, EXT2_EXTENT_CURRENT, &last);
		have_last = true;
		from += plen;
		goal = pblk + plen;
	}
	ext2fs_extent_free(h);
	return err;
}

/*
 * Allocate the blocks [from, to] of n that a write needs and that lie
 * beyond its old end (old_blocks): in one go, so that running out of space
 * is found before any data is written, and undone then.
 */
static int allocate_tail(struct e2fs *e, struct e2node *n, blk64_t from, blk64_t to,
			 blk64_t old_blocks)
{
	ext2_filsys fs = e->fs;
	errcode_t err = 0;
	int rc = e2_have_space(e, to - from + 1);

	if (rc)
		return rc;
	if (n->inode.i_flags & EXT4_EXTENTS_FL) {
		err = extend_tail(e, n, from, to);
		if (err == EXT2_ET_OP_NOT_SUPPORTED)
			err = ext2fs_fallocate(fs, EXT2_FALLOCATE_FORCE_INIT, n->ino, &n->inode,
					       ~0ULL, from, to - from + 1);
	} else {
		for (blk64_t b = from; b <= to && !err; b++) {
			blk64_t p = 0;

			err = ext2fs_bmap2(fs, n->ino, &n->inode, NULL, BMAP_ALLOC, b, NULL, &p);
		}
	}
	if (err) {
		/* Give back whatever this write took. */
		ext2fs_punch(fs, n->ino, &n->inode, NULL, old_blocks, ~0ULL);
		ext2fs_write_inode(fs, n->ino, &n->inode);
		return e2_errno(err, "allocating blocks");
	}
	return 0;
}

/* libext2fs's own (its private ext2fsP.h): inline data -> a block. */
errcode_t ext2fs_inline_data_expand(ext2_filsys fs, ext2_ino_t ino);

static int write_inline_expand(struct e2fs *e, struct e2node *n)
{
	errcode_t err = ext2fs_inline_data_expand(e->fs, n->ino);

	if (!err)
		err = ext2fs_read_inode(e->fs, n->ino, &n->inode);
	return e2_errno(err, "expanding inline data");
}

static ssize_t do_pwrite(struct e2fs *e, struct e2node *n, const char *buf, size_t len, off_t off)
{
	ext2_filsys fs = e->fs;
	size_t bs = fs->blocksize, done = 0;
	__u64 old = EXT2_I_SIZE(&n->inode), end;
	blk64_t first, last, old_blocks = (old + bs - 1) / bs;
	struct mapper m = { e, n, NULL };
	char *blk = NULL;
	int rc = 0;

	if (!len)
		return 0;
	if (off > LONG_MAX - (off_t)len || (__u64)off + len > (1ULL << 32) * bs - bs)
		return -EFBIG;
	end = (__u64)off + len;
	if (n->inode.i_flags & EXT4_INLINE_DATA_FL) {
		rc = write_inline_expand(e, n);
		if (rc)
			return rc;
	}
	first = (__u64)off / bs;
	last = (end - 1) / bs;
	map_changed(&m);
	/* Holes inside the old size get zeroed blocks, one at a time (rare:
	 * sparse files); blocks past the old end are allocated together. */
	for (blk64_t b = first; b <= last && b < old_blocks && !rc; b++) {
		blk64_t p, run;
		bool unwritten;

		rc = map(&m, b, 1, &p, &run, &unwritten);
		if (!rc && !p)
			rc = e2_have_space(e, 1);
		if (!rc && !p)
			rc = e2_errno(ext2fs_bmap2(fs, n->ino, &n->inode, NULL,
						   BMAP_ALLOC | BMAP_ZERO, b, NULL, &p),
				      "allocating a block");
		map_done(&m); /* the tree may have changed */
	}
	if (!rc && last >= old_blocks)
		rc = allocate_tail(e, n, first > old_blocks ? first : old_blocks, last, old_blocks);
	map_changed(&m);
	while (!rc && done < len) {
		__u64 pos = (__u64)off + done;
		blk64_t lblk = pos / bs, pblk, run;
		size_t in = pos % bs, l;
		bool unwritten;

		rc = map(&m, lblk, last - lblk + 1, &pblk, &run, &unwritten);
		if (!rc && !pblk)
			rc = -EUCLEAN; /* allocated above: the tree is inconsistent */
		if (rc)
			break;
		l = (size_t)(run * bs - in);
		if (l > len - done)
			l = len - done;
		if (in == 0 && l >= bs && !unwritten) {
			l -= l % bs;
			rc = e2_errno(io_channel_write_blk64(fs->io, pblk, (int)(l / bs),
							     buf + done),
				      "writing a file");
		} else {
			/* A partial block: what it held (zeros if it is new). */
			if (!blk && !(blk = malloc(bs))) {
				rc = -ENOMEM;
				break;
			}
			if (l > bs - in)
				l = bs - in;
			if (lblk >= old_blocks || unwritten)
				memset(blk, 0, bs);
			else
				rc = e2_errno(io_channel_read_blk64(fs->io, pblk, 1, blk),
					      "reading a file");
			memcpy(blk + in, buf + done, l);
			if (!rc)
				rc = e2_errno(io_channel_write_blk64(fs->io, pblk, 1, blk),
					      "writing a file");
			if (!rc && unwritten) {
				/* Written now: mark it so (splits the extent). */
				map_done(&m);
				map_changed(&m);
				rc = e2_errno(ext2fs_bmap2(fs, n->ino, &n->inode, NULL, BMAP_SET,
							   lblk, NULL, &pblk),
					      "marking a block written");
			}
		}
		if (!rc)
			done += l;
	}
	map_done(&m);
	free(blk);
	if (end > old && done)
		ext2fs_inode_size_set(fs, &n->inode, (__u64)off + done);
	n->inode.i_mtime = n->inode.i_ctime = (__u32)time(NULL);
	{
		int r = e2_errno(ext2fs_write_inode(fs, n->ino, &n->inode), "writing an inode");

		if (!rc)
			rc = r;
	}
	return done ? (ssize_t)done : rc; /* a later call reports the error */
}

/* Set the size through the library's file code, which frees the blocks
 * past the new end and zeroes the rest of the last one. */
static int do_truncate(struct e2fs *e, struct e2node *n, __u64 len)
{
	ext2_file_t file;
	errcode_t err;

	n->ex_len = 0;
	err = ext2fs_file_open2(e->fs, n->ino, &n->inode, EXT2_FILE_WRITE, &file);

	if (err)
		return e2_errno(err, "truncating");
	err = ext2fs_file_set_size2(file, len);
	n->inode = *ext2fs_file_get_inode(file);
	if (!err)
		err = ext2fs_file_close(file);
	else
		ext2fs_file_close(file);
	if (!err) {
		n->inode.i_mtime = n->inode.i_ctime = (__u32)time(NULL);
		err = ext2fs_write_inode(e->fs, n->ino, &n->inode);
	}
	return e2_errno(err, "truncating");
}

static ssize_t e2_pread(struct file *file, void *buf, size_t len, off_t off)
{
	struct e2file *f = ef(file);
	ssize_t n;

	mutex_lock(&f->e->lock);
	n = do_pread(f->e, f->node, buf, len, off);
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
	n = do_pwrite(f->e, f->node, buf, len, off);
	mutex_unlock(&f->e->lock);
	return n;
}

static ssize_t e2_write(struct file *file, const void *buf, size_t len)
{
	struct e2file *f = ef(file);
	ssize_t n;

	mutex_lock(&f->e->lock);
	if (file->flags & O_APPEND)
		file->pos = (off_t)EXT2_I_SIZE(&f->node->inode);
	n = do_pwrite(f->e, f->node, buf, len, file->pos);
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
	r = vfs_lseek(file, off, whence, (off_t)EXT2_I_SIZE(&f->node->inode));
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
	rc = do_truncate(f->e, f->node, (__u64)len);
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

static ssize_t e2_dir_read(struct file *file, void *buf, size_t len)
{
	return -EISDIR;
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
	.read = e2_dir_read,
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
		if (!rc && writing && flags & O_TRUNC && EXT2_I_SIZE(&f->node->inode)) {
			rc = do_truncate(e, f->node, 0);
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
