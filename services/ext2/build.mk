# The ext2/3/4 driver (services/ext2) and libext2fs from Debian's e2fsprogs
# source package: fetched by build/debsrc.sh into the build cache, compiled
# from there, never copied into the tree.  $(d) is services/.
ifeq ($(CONFIG_EXT2),y)
E2FS_SRC := $(shell build/debsrc.sh e2fsprogs)
ifeq ($(wildcard $(E2FS_SRC)/lib/ext2fs/ext2fs.h),)
$(error ext2: no e2fsprogs source (build/debsrc.sh e2fsprogs failed; see above))
endif
E2FS_LIB := $(E2FS_SRC)/lib
# libext2fs does not depend on the app's configuration: built once per
# platform and build flavour, shared by every app (objs-shared).  Objects
# are written whole (.tmp, then renamed): two builds may share them.
E2FS_OBJ := $(OUTROOT)/$(BUILD)/e2fs$(if $(CONFIG_OPTIMIZE_SIZE),-Os)$(if $(CONFIG_LTO),-lto)
E2FS_GEN := $(E2FS_OBJ)/gen
E2FS_INC := -isystem $(E2FS_GEN) -isystem $(d)ext2/include -isystem $(E2FS_LIB)

include $(d)ext2/e2fs-mods.mk
objs-shared += $(addprefix $(E2FS_OBJ)/,$(addsuffix .o,$(E2FS_MODS)) ext2_err.o)
objs-y += $(addprefix $(d)ext2/,ext2.o dir.o file.o io.o compat.o repair.o)
$(foreach f,ext2 dir file io compat repair,$(eval CFLAGS_$(d)ext2/$(f).o += $(E2FS_INC)))

# Third-party code: its own warnings are not ours to fix (-w); no app
# configuration (-include autoconf.h) and no dependency files.
E2FS_CFLAGS = $(filter-out -Werror -Wall -Wextra -include $(AUTOCONF) -MMD -MP,$(CFLAGS)) -w \
	$(E2FS_INC) -I$(E2FS_LIB)/ext2fs -DHAVE_CONFIG_H

$(E2FS_OBJ)/%.o: $(E2FS_LIB)/ext2fs/%.c $(E2FS_GEN)/stamp
	$(call quiet,CC,e2fsprogs/lib/ext2fs/$*.o)
	$(Q)$(CC) $(E2FS_CFLAGS) -c $< -o $@.$$$$.tmp && mv $@.$$$$.tmp $@

$(E2FS_OBJ)/ext2_err.o: $(E2FS_GEN)/stamp
	$(call quiet,CC,e2fsprogs/lib/ext2fs/ext2_err.o)
	$(Q)$(CC) $(E2FS_CFLAGS) -c $(E2FS_GEN)/ext2_err.c -o $@.$$$$.tmp && mv $@.$$$$.tmp $@

$(addprefix $(OBJ)/$(d)ext2/,ext2.o dir.o file.o io.o compat.o repair.o): $(E2FS_GEN)/stamp

# What e2fsprogs' configure and make would generate (build/e2fsgen.sh).
$(E2FS_GEN)/ext2_err.c: $(E2FS_GEN)/stamp ;
$(E2FS_GEN)/stamp: build/e2fsgen.sh
	$(call quiet,GEN,$(E2FS_GEN))
	$(Q)build/e2fsgen.sh $(E2FS_LIB) $(E2FS_GEN)
endif
