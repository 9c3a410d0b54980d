# The ext2/3/4 driver (services/ext2) and libext2fs from Debian's e2fsprogs
# source package: fetched by build/debsrc.sh into the build cache, compiled
# from there, never copied into the tree.  $(d) is services/.
ifeq ($(CONFIG_EXT2),y)
E2FS_SRC := $(shell build/debsrc.sh e2fsprogs)
ifeq ($(wildcard $(E2FS_SRC)/lib/ext2fs/ext2fs.h),)
$(error ext2: no e2fsprogs source (build/debsrc.sh e2fsprogs failed; see above))
endif
E2FS_LIB := $(E2FS_SRC)/lib
# libext2fs does not depend on the app's configuration, and the object
# cache gives each app its objects from whichever build compiled them first
# (any platform of the architecture, any variant).  The cache keys by the
# command with the app's folder as a placeholder, so every path on it is
# under $(OUT): the generated headers are reached through $(OUT)/e2fs-gen,
# a link to the platform's one copy of them.  (As objects of their own
# outside $(OBJ), they were compiled again for every platform and variant.)
E2FS_GEN_DIR := $(OUTROOT)/$(BUILD)/e2fs-gen
E2FS_GEN := $(OUT)/e2fs-gen
E2FS_INC := -isystem $(E2FS_GEN) -isystem $(d)ext2/include -isystem $(E2FS_LIB)

include $(d)ext2/e2fs-mods.mk
objs-y += $(addprefix e2fs/,$(addsuffix .o,$(E2FS_MODS)) ext2_err.o)
objs-y += $(addprefix $(d)ext2/,ext2.o dir.o file.o io.o compat.o repair.o)
$(foreach f,ext2 dir file io compat repair,$(eval CFLAGS_$(d)ext2/$(f).o += $(E2FS_INC)))

# Third-party code: its own warnings are not ours to fix (-w); no app
# configuration (-include autoconf.h).
E2FS_CFLAGS = $(filter-out -Werror -Wall -Wextra -include $(AUTOCONF),$(CFLAGS)) -w \
	$(E2FS_INC) -I$(E2FS_LIB)/ext2fs -DHAVE_CONFIG_H

$(OBJ)/e2fs/%.o: $(E2FS_LIB)/ext2fs/%.c $(E2FS_GEN)/stamp | $(OBJCACHE_TOOL)
	$(call quiet,CC,e2fsprogs/lib/ext2fs/$*.o)
	$(Q)$(CC_OBJ) $(E2FS_CFLAGS) -c $< -o $@

$(OBJ)/e2fs/ext2_err.o: $(E2FS_GEN)/stamp | $(OBJCACHE_TOOL)
	$(call quiet,CC,e2fsprogs/lib/ext2fs/ext2_err.o)
	$(Q)$(CC_OBJ) $(E2FS_CFLAGS) -c $(E2FS_GEN)/ext2_err.c -o $@

$(addprefix $(OBJ)/$(d)ext2/,ext2.o dir.o file.o io.o compat.o repair.o): $(E2FS_GEN)/stamp

# What e2fsprogs' configure and make would generate (build/e2fsgen.sh),
# once per platform, and the app's link to it.
$(E2FS_GEN)/ext2_err.c: $(E2FS_GEN)/stamp ;
$(E2FS_GEN)/stamp: $(E2FS_GEN_DIR)/stamp
	@mkdir -p $(OUT)
	$(Q)ln -sfn $(abspath $(E2FS_GEN_DIR)) $(E2FS_GEN)
$(E2FS_GEN_DIR)/stamp: build/e2fsgen.sh
	$(call quiet,GEN,$(E2FS_GEN_DIR))
	$(Q)build/e2fsgen.sh $(E2FS_LIB) $(E2FS_GEN_DIR)
endif
