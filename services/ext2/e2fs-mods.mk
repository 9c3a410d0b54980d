# libext2fs's parts the driver can need (gc-sections drops what an image
# does not use); also built for the host fuzzer (test/unit/Makefile).
# Not nls_utf8 (64 KiB of Unicode tables): case-insensitive file systems
# are refused at mount (compat.c has its entry points).
E2FS_MODS := alloc alloc_sb alloc_stats alloc_tables badblocks bb_inode bitmaps bitops \
	blkmap64_ba blkmap64_rb blknum block bmap check_desc closefs crc16 crc32c csum \
	dblist dblist_dir dirblock dirhash dir_iterate expanddir ext_attr extent fallocate \
	fileio freefs gen_bitmap gen_bitmap64 get_num_dirs hashmap i_block icount \
	ind_block inline inline_data inode io_manager link lookup mkdir namei newdir \
	openfs orphan punch rbtree read_bb res_gdt rw_bitmaps sha512 symlink \
	unlink valid_blk version mmp
