// SPDX-License-Identifier: MIT
/*
 * repair.c - the allocation bitmaps of a file system that was not cleanly
 * unmounted, rebuilt from what the inodes reference.
 *
 * Hako writes ext4 without its journal: a crash (SIGKILL, xl destroy)
 * can fall between a bitmap block and the group descriptor that holds its
 * checksum, or between an inode and the bitmap that allocates it.  The
 * bitmaps on disk are then torn or stale, and trusting them could hand
 * out a block a file holds.  The inodes are the truth: e2fsck's pass 5
 * compares the bitmaps with them, and this rebuilds the bitmaps from them
 * at mount, before anything is allocated.  Blocks the old bitmaps held
 * but nothing references come free (they were leaked by the crash).
 *
 * In use: the reserved inodes, and every inode with links.  Its blocks:
 * data and mapping blocks (block_iterate3: extent tree nodes, indirect
 * blocks) and its extended-attribute block.  Metadata: superblock and
 * descriptor copies, bitmaps, inode tables, the MMP block.  An inode
 * whose checksum fails (metadata_csum) is garbage a crash left: not in
 * use.  A group never initialised (INODE_UNINIT without ITABLE_ZEROED)
 * has no inodes to read.
 */
#include <hako/printk.h>

#include "e2.h"

struct rebuild {
	ext2_filsys fs;
	bool of_inode; /* marking an inode's blocks, not metadata */
	uint64_t blocks, bad_refs;
};

static void mark(struct rebuild *r, blk64_t b)
{
	ext2_filsys fs = r->fs;
	dgrp_t g;

	if (b < fs->super->s_first_data_block || b >= ext2fs_blocks_count(fs->super)) {
		r->bad_refs++; /* outside the disk: not ours to mark */
		return;
	}
	if (!ext2fs_fast_test_block_bitmap2(fs->block_map, b)) {
		ext2fs_fast_mark_block_bitmap2(fs->block_map, b);
		r->blocks++;
	}
	/* A group whose descriptor still says "only my own metadata" holds
	 * a file's block: its bitmap must be written now. */
	g = ext2fs_group_of_blk2(fs, b);
	if (r->of_inode && ext2fs_bg_flags_test(fs, g, EXT2_BG_BLOCK_UNINIT))
		ext2fs_bg_flags_clear(fs, g, EXT2_BG_BLOCK_UNINIT);
}

static int mark_block(ext2_filsys fs, blk64_t *blocknr, e2_blkcnt_t blockcnt, blk64_t ref_blk,
		      int ref_offset, void *priv)
{
	mark(priv, *blocknr);
	return 0;
}

static void mark_metadata(struct rebuild *r)
{
	ext2_filsys fs = r->fs;

	for (dgrp_t g = 0; g < fs->group_desc_count; g++) {
		blk64_t it = ext2fs_inode_table_loc(fs, g);

		ext2fs_reserve_super_and_bgd(fs, g, fs->block_map);
		mark(r, ext2fs_block_bitmap_loc(fs, g));
		mark(r, ext2fs_inode_bitmap_loc(fs, g));
		for (blk64_t b = it; b < it + fs->inode_blocks_per_group; b++)
			mark(r, b);
	}
	if (ext2fs_has_feature_mmp(fs->super) && fs->super->s_mmp_block)
		mark(r, fs->super->s_mmp_block);
}

/* How many inodes of group g can hold something. */
static uint32_t readable_inodes(ext2_filsys fs, dgrp_t g)
{
	if (!ext2fs_has_group_desc_csum(fs))
		return fs->super->s_inodes_per_group;
	if (ext2fs_bg_flags_test(fs, g, EXT2_BG_INODE_ZEROED))
		return fs->super->s_inodes_per_group;
	if (ext2fs_bg_flags_test(fs, g, EXT2_BG_INODE_UNINIT))
		return 0;
	return fs->super->s_inodes_per_group - ext2fs_bg_itable_unused(fs, g);
}

int e2_rebuild_bitmaps(ext2_filsys fs, const char *dev)
{
	struct rebuild r = {.fs = fs};
	uint32_t ipg = fs->super->s_inodes_per_group, first = EXT2_FIRST_INODE(fs->super);
	struct ext2_inode_large inode;
	uint64_t inodes = 0, garbage = 0;
	errcode_t err = 0;
	int flags = fs->flags;

	ext2fs_clear_block_bitmap(fs->block_map);
	ext2fs_clear_inode_bitmap(fs->inode_map);
	mark_metadata(&r);
	r.of_inode = true;
	/* Checksums are checked by hand below: a bad one is not an error. */
	fs->flags &= ~EXT2_FLAG_IGNORE_CSUM_ERRORS;
	for (dgrp_t g = 0; g < fs->group_desc_count && !err; g++) {
		uint32_t n = readable_inodes(fs, g), last = 0, dirs = 0, used = 0;

		for (uint32_t i = 0; i < n; i++) {
			ext2_ino_t ino = g * ipg + i + 1;
			bool reserved = ino < first;
			blk64_t acl;

			err = ext2fs_read_inode_full(fs, ino, (struct ext2_inode *)&inode,
						     sizeof(inode));
			if (err == EXT2_ET_INODE_CSUM_INVALID || err == EXT2_ET_INODE_IS_GARBAGE) {
				err = 0;
				if (!reserved) {
					garbage++;
					continue;
				}
			}
			if (err)
				break;
			if (!reserved && !inode.i_links_count)
				continue;
			ext2fs_fast_mark_inode_bitmap2(fs->inode_map, ino);
			used++;
			last = i + 1;
			if (LINUX_S_ISDIR(inode.i_mode))
				dirs++;
			if (ext2fs_inode_has_valid_blocks2(fs, (struct ext2_inode *)&inode)) {
				err = ext2fs_block_iterate3(fs, ino, BLOCK_FLAG_READ_ONLY, NULL,
							    mark_block, &r);
				if (err)
					break;
			}
			acl = ext2fs_file_acl_block(fs, (struct ext2_inode *)&inode);
			if (acl)
				mark(&r, acl);
		}
		inodes += used;
		ext2fs_bg_used_dirs_count_set(fs, g, dirs);
		ext2fs_bg_free_inodes_count_set(fs, g, ipg - used);
		if (used) {
			ext2fs_bg_flags_clear(fs, g, EXT2_BG_INODE_UNINIT);
			if (ext2fs_has_group_desc_csum(fs) &&
			    ext2fs_bg_itable_unused(fs, g) > ipg - last)
				ext2fs_bg_itable_unused_set(fs, g, ipg - last);
		}
	}
	fs->flags = flags;
	if (err)
		return e2_errno(err, "rebuilding the allocation bitmaps");

	/* The counts, from the new bitmaps. */
	uint64_t free_total = 0;
	for (dgrp_t g = 0; g < fs->group_desc_count; g++) {
		blk64_t b0 = ext2fs_group_first_block2(fs, g), b1 = ext2fs_group_last_block2(fs, g);
		uint32_t free = 0;

		for (blk64_t b = b0; b <= b1; b++) {
			if (!ext2fs_fast_test_block_bitmap2(fs->block_map, b))
				free++;
		}
		ext2fs_bg_free_blocks_count_set(fs, g, free);
		free_total += free;
		ext2fs_group_desc_csum_set(fs, g);
	}
	ext2fs_free_blocks_count_set(fs->super, EXT2FS_C2B(fs, free_total));
	fs->super->s_free_inodes_count = fs->super->s_inodes_count - (uint32_t)inodes;
	ext2fs_mark_bb_dirty(fs);
	ext2fs_mark_ib_dirty(fs);
	ext2fs_mark_super_dirty(fs);
	pr_warn("ext2: %s: allocation bitmaps rebuilt from the inodes: %llu inodes and %llu "
		"blocks in use (%llu garbage inodes, %llu references outside the disk)\n",
		dev, (unsigned long long)inodes, (unsigned long long)r.blocks,
		(unsigned long long)garbage, (unsigned long long)r.bad_refs);
	return 0;
}
