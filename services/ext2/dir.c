// SPDX-License-Identifier: MIT
/*
 * Directories of the ext2/3/4 driver: a name cache per directory, and
 * entries added and removed in place.
 *
 * libext2fs finds a name, or room for one, by reading the whole directory
 * every time: making n files in one directory costs O(n^2).  So the first
 * lookup in a directory reads it once into a hash table of its names (each
 * with the block it sits in) and the room left in each block; lookups are
 * then answered from memory, and an entry is added to a block known to
 * have room, or removed from the block it is in, by rewriting that block
 * alone.  Every change to a directory goes through here, so the cache
 * stays true.  Directories with an htree index (made by Linux or e2fsck)
 * and inline ones are still cached for lookups, but changed through the
 * library, which keeps their index right.  (Case-insensitive file systems
 * are refused at mount: names compare byte for byte.)
 *
 * Directory blocks are untrusted: every entry's length is checked before
 * it is used, and a block that does not parse fails with EUCLEAN.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hako/printk.h>

#include "e2.h"

#define MAX_DIRS 32		 /* directories cached at once */
#define MAX_NAMES (256 * 1024) /* names cached at once, all directories */

struct dname {
	struct dname *next;
	uint32_t hash;
	ext2_ino_t ino;
	uint32_t lblk; /* the block holding it */
	uint8_t len;
	char name[];
};

struct dcache {
	struct dcache *next; /* most recently used first */
	ext2_ino_t dir;
	bool in_place;	     /* linear: changed here, not by the library */
	uint32_t nblocks;
	uint32_t *room;	     /* per block: the largest entry that fits */
	struct dname **buckets;
	size_t nbuckets, count;
};

static uint32_t hash_name(const char *s, size_t len)
{
	uint32_t h = 2166136261U;

	while (len--)
		h = (h ^ (unsigned char)*s++) * 16777619U;
	return h;
}

static void dc_free(struct dcache *c)
{
	for (size_t i = 0; i < c->nbuckets; i++) {
		struct dname *n = c->buckets[i], *next;

		for (; n; n = next) {
			next = n->next;
			free(n);
		}
	}
	free(c->buckets);
	free(c->room);
	free(c);
}

static size_t total_names(struct e2fs *e)
{
	size_t n = 0;

	for (struct dcache *c = e->dcache; c; c = c->next)
		n += c->count;
	return n;
}

void e2_dir_forget(struct e2fs *e, ext2_ino_t dir)
{
	for (struct dcache **p = &e->dcache; *p; p = &(*p)->next) {
		if ((*p)->dir == dir) {
			struct dcache *c = *p;

			*p = c->next;
			dc_free(c);
			return;
		}
	}
}

void e2_dir_forget_all(struct e2fs *e)
{
	while (e->dcache)
		e2_dir_forget(e, e->dcache->dir);
}

static int add_name(struct dcache *c, const char *name, size_t len, ext2_ino_t ino,
		    uint32_t lblk)
{
	struct dname *n = malloc(sizeof(*n) + len);
	size_t b;

	if (!n)
		return -ENOMEM;
	if (c->count >= c->nbuckets) {
		size_t nb = c->nbuckets ? c->nbuckets * 2 : 64;
		struct dname **t = calloc(nb, sizeof(*t));

		if (!t) {
			free(n);
			return -ENOMEM;
		}
		for (size_t i = 0; i < c->nbuckets; i++) {
			struct dname *m = c->buckets[i], *next;

			for (; m; m = next) {
				next = m->next;
				m->next = t[m->hash & (nb - 1)];
				t[m->hash & (nb - 1)] = m;
			}
		}
		free(c->buckets);
		c->buckets = t;
		c->nbuckets = nb;
	}
	n->hash = hash_name(name, len);
	n->ino = ino;
	n->lblk = lblk;
	n->len = (uint8_t)len;
	memcpy(n->name, name, len);
	b = n->hash & (c->nbuckets - 1);
	n->next = c->buckets[b];
	c->buckets[b] = n;
	c->count++;
	return 0;
}

static struct dname **find_name(struct dcache *c, const char *name, size_t len)
{
	uint32_t h = hash_name(name, len);
	struct dname **p;

	if (!c->nbuckets)
		return NULL;
	for (p = &c->buckets[h & (c->nbuckets - 1)]; *p; p = &(*p)->next)
		if ((*p)->hash == h && (*p)->len == len && !memcmp((*p)->name, name, len))
			return p;
	return NULL;
}

/* ------------------------------------------------------------- blocks --- */

static unsigned usable(struct e2fs *e)
{
	return e->fs->blocksize -
	       (ext2fs_has_feature_metadata_csum(e->fs->super) ? sizeof(struct ext2_dir_entry_tail)
								: 0);
}

static int block_of(struct e2fs *e, ext2_ino_t dir, uint32_t lblk, blk64_t *pblk)
{
	errcode_t err = ext2fs_bmap2(e->fs, dir, NULL, NULL, 0, lblk, NULL, pblk);

	if (!err && !*pblk)
		return -EUCLEAN; /* a hole in a directory */
	return e2_errno(err, "mapping a directory block");
}

static int read_block(struct e2fs *e, ext2_ino_t dir, blk64_t pblk, char *buf)
{
	return e2_errno(ext2fs_read_dir_block4(e->fs, pblk, buf, 0, dir), "reading a directory");
}

static int bad_block(struct e2fs *e, ext2_ino_t dir, uint32_t lblk, const char *why)
{
	pr_err("ext2: %s: directory %u, block %u: %s\n", e->dev, dir, lblk, why);
	return -EUCLEAN;
}

/*
 * Walk the entries of one directory block, checking each; the names go
 * into c (if set).  *room gets the largest entry that would still fit.
 * Returns 0 or -EUCLEAN.  In an indexed directory the entries run to the
 * block's end (its index blocks hold one empty entry, their checksum is
 * not a dirent tail), and room does not matter.
 */
static int walk_block(struct e2fs *e, struct dcache *c, ext2_ino_t dir, uint32_t lblk, char *buf,
		      bool indexed, unsigned *room)
{
	unsigned off = 0, end = indexed ? e->fs->blocksize : usable(e), best = 0;

	while (off < end) {
		struct ext2_dir_entry *d = (struct ext2_dir_entry *)(buf + off);
		unsigned rl, nl;

		if (end - off < 8 || ext2fs_get_rec_len(e->fs, d, &rl))
			return bad_block(e, dir, lblk, "truncated entry");
		nl = (unsigned)ext2fs_dirent_name_len(d);
		if (rl < 8 || rl % 4 || rl > end - off || (d->inode && nl + 8 > rl))
			return bad_block(e, dir, lblk, "entry with a bad length");
		if (d->inode) {
			bool dot = (nl == 1 && d->name[0] == '.') ||
				   (nl == 2 && d->name[0] == '.' && d->name[1] == '.');

			if (!nl || d->inode > e->fs->super->s_inodes_count)
				return bad_block(e, dir, lblk, "entry with a bad name or inode");
			if (c && !dot && add_name(c, d->name, nl, d->inode, lblk))
				return -ENOMEM;
			if (rl - EXT2_DIR_REC_LEN(nl) > best)
				best = rl - EXT2_DIR_REC_LEN(nl);
		} else if (rl > best) {
			best = rl;
		}
		off += rl;
	}
	*room = best;
	return 0;
}

/* The cache of directory dir, read in on first use; NULL on failure (*rc). */
static struct dcache *get_cache(struct e2fs *e, ext2_ino_t dir, int *rc)
{
	struct ext2_inode inode;
	struct dcache *c, **p;
	char *buf;
	uint64_t size;

	for (p = &e->dcache; *p; p = &(*p)->next) {
		if ((*p)->dir == dir) {
			c = *p;
			*p = c->next; /* to the front */
			c->next = e->dcache;
			e->dcache = c;
			return c;
		}
	}
	*rc = e2_read_inode(e, dir, &inode);
	if (*rc)
		return NULL;
	if (!LINUX_S_ISDIR(inode.i_mode)) {
		*rc = -ENOTDIR;
		return NULL;
	}
	size = EXT2_I_SIZE(&inode);
	if (inode.i_flags & EXT4_INLINE_DATA_FL || size % e->fs->blocksize ||
	    size / e->fs->blocksize > MAX_NAMES) {
		*rc = -EOPNOTSUPP; /* left to the library */
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	buf = malloc(e->fs->blocksize);
	if (!c || !buf) {
		free(c);
		free(buf);
		*rc = -ENOMEM;
		return NULL;
	}
	c->dir = dir;
	c->nblocks = (uint32_t)(size / e->fs->blocksize);
	c->in_place = !(inode.i_flags & EXT2_INDEX_FL);
	c->room = calloc(c->nblocks ? c->nblocks : 1, sizeof(*c->room));
	*rc = c->room ? 0 : -ENOMEM;
	for (uint32_t b = 0; b < c->nblocks && !*rc; b++) {
		blk64_t pblk;
		unsigned room = 0;

		*rc = block_of(e, dir, b, &pblk);
		if (!*rc)
			*rc = read_block(e, dir, pblk, buf);
		if (!*rc)
			*rc = walk_block(e, c, dir, b, buf, !c->in_place, &room);
		c->room[b] = room;
	}
	free(buf);
	if (*rc) {
		dc_free(c);
		return NULL;
	}
	/* Room for it: drop the least recently used directories. */
	while (e->dcache && (total_names(e) + c->count > MAX_NAMES)) {
		struct dcache **last = &e->dcache;

		while ((*last)->next)
			last = &(*last)->next;
		dc_free(*last);
		*last = NULL;
	}
	{
		size_t n = 0;

		for (struct dcache *d = e->dcache; d; d = d->next)
			if (++n >= MAX_DIRS) {
				struct dcache *rest = d->next;

				d->next = NULL;
				while (rest) {
					struct dcache *next = rest->next;

					dc_free(rest);
					rest = next;
				}
				break;
			}
	}
	c->next = e->dcache;
	e->dcache = c;
	return c;
}

/* ------------------------------------------------------------ lookups --- */

int e2_dir_lookup(struct e2fs *e, ext2_ino_t dir, const char *name, size_t len,
		  ext2_ino_t *ino)
{
	struct dcache *c;
	struct dname **n;
	errcode_t err;
	int rc;

	if (len == 1 && name[0] == '.') {
		*ino = dir;
		return 0;
	}
	c = get_cache(e, dir, &rc);
	if (!c && rc != -EOPNOTSUPP)
		return rc;
	if (!c) {
		err = ext2fs_lookup(e->fs, dir, name, (int)len, NULL, ino);
		return err == EXT2_ET_FILE_NOT_FOUND ? -ENOENT : e2_errno(err, "lookup");
	}
	n = find_name(c, name, len);
	if (!n)
		return -ENOENT;
	*ino = (*n)->ino;
	return 0;
}

/* --------------------------------------------------------- in place --- */

static int insert_in(struct e2fs *e, struct dcache *c, uint32_t lblk, const char *name,
		     size_t len, ext2_ino_t ino, int type, bool *done)
{
	unsigned need = EXT2_DIR_REC_LEN(len), off = 0, end = usable(e), room;
	char *buf = malloc(e->fs->blocksize);
	blk64_t pblk;
	int rc;

	*done = false;
	if (!buf)
		return -ENOMEM;
	rc = block_of(e, c->dir, lblk, &pblk);
	if (!rc)
		rc = read_block(e, c->dir, pblk, buf);
	if (!rc)
		rc = walk_block(e, NULL, c->dir, lblk, buf, false, &room); /* checked before use */
	while (!rc && off < end) {
		struct ext2_dir_entry *d = (struct ext2_dir_entry *)(buf + off), *n;
		unsigned rl, used;

		ext2fs_get_rec_len(e->fs, d, &rl);
		used = d->inode ? EXT2_DIR_REC_LEN(ext2fs_dirent_name_len(d)) : 0;
		if (rl - used >= need) {
			if (used) { /* split: d keeps what it uses */
				ext2fs_set_rec_len(e->fs, used, d);
				n = (struct ext2_dir_entry *)(buf + off + used);
				ext2fs_set_rec_len(e->fs, rl - used, n);
			} else {
				n = d;
			}
			n->inode = ino;
			ext2fs_dirent_set_name_len(n, (int)len);
			ext2fs_dirent_set_file_type(n, ext2fs_has_feature_filetype(e->fs->super)
							       ? type
							       : 0);
			memcpy(n->name, name, len);
			rc = e2_errno(ext2fs_write_dir_block4(e->fs, pblk, buf, 0, c->dir),
				      "writing a directory");
			if (!rc)
				rc = walk_block(e, NULL, c->dir, lblk, buf, false, &room);
			*done = !rc;
			break;
		}
		off += rl;
	}
	if (!rc && !*done)
		walk_block(e, NULL, c->dir, lblk, buf, false, &room);
	if (!rc)
		c->room[lblk] = room; /* what the block really has */
	free(buf);
	return rc;
}

static int link_in_place(struct e2fs *e, struct dcache *c, const char *name, size_t len,
			 ext2_ino_t ino, int type)
{
	unsigned need = EXT2_DIR_REC_LEN(len);
	uint32_t *room;
	bool done = false;
	int rc;

	for (uint32_t b = c->nblocks; b-- > 0;) { /* the last blocks first: fuller early */
		if (c->room[b] < need)
			continue;
		rc = insert_in(e, c, b, name, len, ino, type, &done);
		if (rc)
			return rc;
		if (done)
			return add_name(c, name, len, ino, b);
	}
	/* No room anywhere: one more block. */
	rc = e2_errno(ext2fs_expand_dir(e->fs, c->dir), "growing a directory");
	if (rc)
		return rc;
	room = realloc(c->room, (c->nblocks + 1) * sizeof(*room));
	if (!room)
		return -ENOMEM;
	c->room = room;
	c->room[c->nblocks++] = usable(e);
	rc = insert_in(e, c, c->nblocks - 1, name, len, ino, type, &done);
	if (!rc && !done)
		rc = -EUCLEAN;
	return rc ? rc : add_name(c, name, len, ino, c->nblocks - 1);
}

static int unlink_in_place(struct e2fs *e, struct dcache *c, struct dname **np)
{
	struct dname *n = *np;
	char *buf = malloc(e->fs->blocksize);
	struct ext2_dir_entry *prev = NULL;
	unsigned off = 0, end = usable(e), room;
	blk64_t pblk;
	int rc;

	if (!buf)
		return -ENOMEM;
	rc = n->lblk < c->nblocks ? block_of(e, c->dir, n->lblk, &pblk) : -EUCLEAN;
	if (!rc)
		rc = read_block(e, c->dir, pblk, buf);
	if (!rc)
		rc = walk_block(e, NULL, c->dir, n->lblk, buf, false, &room);
	while (!rc && off < end) {
		struct ext2_dir_entry *d = (struct ext2_dir_entry *)(buf + off);
		unsigned rl;

		ext2fs_get_rec_len(e->fs, d, &rl);
		if (d->inode == n->ino && (unsigned)ext2fs_dirent_name_len(d) == n->len &&
		    !memcmp(d->name, n->name, n->len)) {
			if (prev) {
				unsigned pl;

				ext2fs_get_rec_len(e->fs, prev, &pl);
				ext2fs_set_rec_len(e->fs, pl + rl, prev);
			} else {
				d->inode = 0;
			}
			rc = e2_errno(ext2fs_write_dir_block4(e->fs, pblk, buf, 0, c->dir),
				      "writing a directory");
			if (!rc)
				rc = walk_block(e, NULL, c->dir, n->lblk, buf, false, &room);
			if (!rc)
				c->room[n->lblk] = room;
			break;
		}
		prev = d;
		off += rl;
	}
	if (!rc && off >= end)
		rc = bad_block(e, c->dir, n->lblk, "a cached name is not there");
	free(buf);
	return rc;
}

/* ----------------------------------------------------------- changing --- */

static int lib_link(struct e2fs *e, ext2_ino_t dir, const char *name, size_t len,
		    ext2_ino_t ino, int type)
{
	char buf[EXT2_NAME_LEN + 1];
	errcode_t err;

	memcpy(buf, name, len);
	buf[len] = '\0';
	err = ext2fs_link(e->fs, dir, buf, ino, type);
	if (err == EXT2_ET_DIR_NO_SPACE) {
		err = ext2fs_expand_dir(e->fs, dir);
		if (!err)
			err = ext2fs_link(e->fs, dir, buf, ino, type);
	}
	return e2_errno(err, "adding a directory entry");
}

static void touch_dir(struct e2fs *e, ext2_ino_t dir)
{
	struct ext2_inode inode;

	if (!e2_read_inode(e, dir, &inode)) {
		inode.i_mtime = inode.i_ctime = (__u32)time(NULL);
		e2_write_inode(e, dir, &inode);
	}
}

int e2_dir_link(struct e2fs *e, ext2_ino_t dir, const char *name, size_t len, ext2_ino_t ino,
		int type)
{
	struct dcache *c = NULL;
	int rc = 0;

	if (!len || len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	c = get_cache(e, dir, &rc);
	if (!c && rc != -EOPNOTSUPP)
		return rc;
	if (c && find_name(c, name, len))
		return -EEXIST;
	if (c && c->in_place) {
		rc = link_in_place(e, c, name, len, ino, type);
	} else {
		rc = lib_link(e, dir, name, len, ino, type);
		if (!rc && c)
			rc = add_name(c, name, len, ino, UINT32_MAX);
	}
	if (rc)
		e2_dir_forget(e, dir); /* whatever happened, read it again */
	else
		touch_dir(e, dir);
	return rc;
}

int e2_dir_unlink(struct e2fs *e, ext2_ino_t dir, const char *name, size_t len,
		  ext2_ino_t ino)
{
	struct dcache *c = NULL;
	struct dname **n = NULL;
	char buf[EXT2_NAME_LEN + 1];
	int rc = 0;

	c = get_cache(e, dir, &rc);
	if (!c && rc != -EOPNOTSUPP)
		return rc;
	if (c) {
		n = find_name(c, name, len);
		if (!n || (*n)->ino != ino)
			return -ENOENT;
	}
	if (c && c->in_place) {
		rc = unlink_in_place(e, c, n);
	} else {
		memcpy(buf, name, len);
		buf[len] = '\0';
		rc = e2_errno(ext2fs_unlink(e->fs, dir, buf, ino, 0), "removing a directory entry");
	}
	if (!rc && n) {
		struct dname *gone = *n;

		*n = gone->next;
		free(gone);
		c->count--;
	}
	if (rc)
		e2_dir_forget(e, dir);
	else
		touch_dir(e, dir);
	return rc;
}
