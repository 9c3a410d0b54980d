# The ext2/3/4 driver (services/ext2) and libext2fs from Debian's e2fsprogs
# source package: fetched by build/debsrc.sh into the build cache, compiled
# from there, never copied into the tree.  $(d) is services/.
ifeq ($(CONFIG_EXT2),y)
E2FS_SRC := $(shell build/debsrc.sh e2fsprogs)
ifeq ($(wildcard $(E2FS_SRC)/lib/ext2fs/ext2fs.h),)
$(error ext2: no e2fsprogs source (build/debsrc.sh e2fsprogs failed; see above))
endif
E2FS_LIB := $(E2FS_SRC)/lib
E2FS_GEN := $(OUT)/e2fs-gen
E2FS_INC := -isystem $(E2FS_GEN) -isystem $(d)ext2/include -isystem $(E2FS_LIB)

# The library's parts an image can need (gc-sections drops what it does not).
E2FS_MODS := alloc alloc_sb alloc_stats alloc_tables badblocks bb_inode bitmaps bitops \
	blkmap64_ba blkmap64_rb blknum block bmap check_desc closefs crc16 crc32c csum \
	dblist dblist_dir dirblock dirhash dir_iterate expanddir ext_attr extent fallocate \
	fileio freefs gen_bitmap gen_bitmap64 get_num_dirs hashmap i_block icount \
	ind_block inline inline_data inode io_manager link lookup mkdir namei newdir \
	nls_utf8 openfs orphan punch rbtree read_bb res_gdt rw_bitmaps sha512 symlink \
	unlink valid_blk version mmp
objs-y += $(addprefix e2fs/,$(addsuffix .o,$(E2FS_MODS)) ext2_err.o)
objs-y += $(addprefix $(d)ext2/,ext2.o file.o io.o compat.o)
$(foreach f,ext2 file io compat,$(eval CFLAGS_$(d)ext2/$(f).o += $(E2FS_INC)))

# Third-party code: its own warnings are not ours to fix (-w).
E2FS_CFLAGS = $(filter-out -Werror -Wall -Wextra,$(CFLAGS)) -w $(E2FS_INC) \
	-I$(E2FS_LIB)/ext2fs -DHAVE_CONFIG_H

$(OBJ)/e2fs/%.o: $(E2FS_LIB)/ext2fs/%.c $(E2FS_GEN)/stamp $(AUTOCONF)
	$(quiet) CC e2fsprogs/lib/ext2fs/$*.o
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(E2FS_CFLAGS) -c $< -o $@

$(OBJ)/e2fs/ext2_err.o: $(E2FS_GEN)/stamp $(AUTOCONF)
	$(quiet) CC e2fsprogs/lib/ext2fs/ext2_err.o
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(E2FS_CFLAGS) -c $(E2FS_GEN)/ext2_err.c -o $@

$(addprefix $(OBJ)/$(d)ext2/,ext2.o file.o io.o compat.o): $(E2FS_GEN)/stamp

# What e2fsprogs' configure and make would generate, from its own inputs:
# the integer types, the error table (compile_et's awk scripts) and the
# CRC32c table (its generator, built for the host).
$(E2FS_GEN)/stamp: $(d)ext2/build.mk
	$(quiet) GEN $(E2FS_GEN)
	$(Q)rm -rf $(E2FS_GEN) && mkdir -p $(E2FS_GEN)/ext2fs
	$(Q)sed -e 's/@ASM_TYPES_HEADER@//' -e 's/@SIZEOF_SHORT@/2/g' -e 's/@SIZEOF_INT@/4/g' \
		-e 's/@SIZEOF_LONG@/8/g' -e 's/@SIZEOF_LONG_LONG@/8/g' \
		-e 's/@PUBLIC_CONFIG_HEADER@//' \
		$(E2FS_LIB)/ext2fs/ext2_types.h.in > $(E2FS_GEN)/ext2fs/ext2_types.h
	$(Q)sed 's/@E2FSPROGS_VERSION@/Debian e2fsprogs/' $(E2FS_LIB)/ext2fs/ext2_err.et.in \
		> $(E2FS_GEN)/ext2_err.et
	$(Q)cd $(E2FS_GEN) && awk -f $(E2FS_LIB)/et/et_h.awk outfile=ext2fs/ext2_err.h \
		outfn=ext2_err.h ext2_err.et && awk -f $(E2FS_LIB)/et/et_c.awk \
		outfile=ext2_err.c outfn=ext2_err.c ext2_err.et
	$(Q)gcc -O2 -o $(E2FS_GEN)/gen_crc32ctable $(E2FS_LIB)/ext2fs/gen_crc32ctable.c
	$(Q)$(E2FS_GEN)/gen_crc32ctable > $(E2FS_GEN)/crc32c_table.h
	$(Q)touch $@
endif
