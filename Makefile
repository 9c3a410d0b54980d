# SPDX-License-Identifier: MIT
# Hako: one application plus the OS features it selects, in one image.
#
#   make [PLATFORM=usermode|qemu-x86|qemu-arm64|xen] [APP=hello|ktest|...] [ARCH=...] [target]
#
# The architecture follows from the platform (hal/PLATFORM/arch.mk lists the
# ones it supports, its default first); usermode may be built for another
# one (make PLATFORM=usermode ARCH=arm64), by a cross compiler found as
# $(CROSS_COMPILE)gcc, as Linux does.
# `make help` lists platforms, apps and targets.

PLATFORM ?= usermode
APP ?= hello
V ?= 0

PLATFORMS := $(sort $(patsubst hal/%/port.mk,%,$(wildcard hal/*/port.mk)))
APPS := $(sort $(patsubst apps/%/build.mk,%,$(wildcard apps/*/build.mk)))

ifeq ($(filter $(PLATFORM),$(PLATFORMS)),)
$(error unknown PLATFORM '$(PLATFORM)'; valid platforms: $(PLATFORMS))
endif
ifeq ($(filter $(APP),$(APPS)),)
$(error unknown APP '$(APP)'; valid apps: $(APPS))
endif

# PORT_ARCHS: the architectures the port runs on, its default first.
include hal/$(PLATFORM)/arch.mk
HOST_ARCH := $(patsubst aarch64,arm64,$(shell uname -m))
ifeq ($(origin ARCH),undefined)
ARCH := $(if $(filter $(HOST_ARCH),$(PORT_ARCHS)),$(HOST_ARCH),$(firstword $(PORT_ARCHS)))
endif
ifeq ($(filter $(ARCH),$(PORT_ARCHS)),)
$(error PLATFORM=$(PLATFORM) does not run on ARCH '$(ARCH)'; it runs on: $(PORT_ARCHS))
endif
ARCH_GNU := $(patsubst arm64,aarch64,$(ARCH))
ifeq ($(ARCH),$(HOST_ARCH))
CROSS_COMPILE ?=
else
CROSS_COMPILE ?= $(ARCH_GNU)-linux-gnu-
endif

# Build with every core unless the caller chose (-j1 for a sequential log).
ifeq ($(filter -j%,$(MAKEFLAGS)),)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
endif

# $(call quiet,TAG,WHAT): a step's line, "  TAG     WHAT", printed by make
# itself: a build runs a few hundred steps, and a process each to say what
# it does was a tenth of a cached build's time.  Nothing with V=1 (the
# commands show) or under make -s.
ifeq ($(V),1)
Q :=
quiet =
else
Q := @
ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
quiet =
else
# (make has no printf: TAG's letters become words, which it counts, and it
# is padded to 7 columns)
quiet_alpha := A B C D E F G H I J K L M N O P Q R S T U V W X Y Z 0 1 2 3 4 5 6 7 8 9
quiet_split = $(if $(2),$(call quiet_split,$(subst $(firstword $(2)),$(firstword $(2)) ,$(1)),$(wordlist 2,99,$(2))),$(1))
quiet_pad = $(subst x, ,$(subst $() ,,$(or $(wordlist $(words $(call quiet_split,$(1),$(quiet_alpha))),7,x x x x x x x),x)))
quiet = $(info $()  $(1)$(call quiet_pad,$(1))$(2))
endif
MAKEFLAGS += --no-print-directory
endif

OUTROOT ?= out
# A build for an architecture other than the port's default gets a folder
# of its own: out/usermode-arm64/APP.
BUILD := $(PLATFORM)$(if $(filter-out $(firstword $(PORT_ARCHS)),$(ARCH)),-$(ARCH))
OUT := $(OUTROOT)/$(BUILD)/$(APP)
OBJ := $(OUT)/obj
IMAGE := $(OUT)/$(APP)
ELF := $(OUT)/$(APP).elf
# Debian's python3 (the deps step installs it; the build scripts name it in
# their #! line too): a python3 found first on PATH may be a version
# manager's shim that costs a tenth of a second a call, a few calls a build.
PYTHON := $(firstword $(wildcard /usr/bin/python3) python3)
KCONFIG := $(PYTHON) build/kconfig.py
KCONFIG_ARGS = --out $(OUT) --platform $(PLATFORM) --arch $(ARCH) --app $(APP)
KCONFIG_FILES := Kconfig $(wildcard */Kconfig */*/Kconfig)
# EXTRA_CONFIG=file adds a fragment of one's own after the port's and app's.
FRAGMENTS := hal/$(PLATFORM)/port.config apps/$(APP)/app.config $(EXTRA_CONFIG)
AUTOCONF := $(OUT)/include/generated/autoconf.h

# Targets that only look at the tree or the configuration do not need a
# generated configuration first.
NOCONFIG_GOALS := help clean distclean deps menuconfig defconfig olddefconfig \
	savedefconfig allnoconfig allyesconfig randconfig test bench unit-test
ifneq ($(filter-out $(NOCONFIG_GOALS),$(or $(MAKECMDGOALS),all)),)
-include $(OUT)/auto.conf
endif

CC := $(CROSS_COMPILE)gcc
OBJCOPY := $(CROSS_COMPILE)objcopy
NM := $(CROSS_COMPILE)nm
GCC_INCLUDE := $(shell $(CC) -print-file-name=include 2>/dev/null)

# ARCH_CFLAGS (hal/ARCH/arch.mk): what the architecture's code model and
# kernel-mode rules need (x86_64: no red zone).
# -fstack-clash-protection: a frame larger than a page probes every page on
# its way down, so an overflow faults on the thread's guard page instead of
# jumping over it into other memory (kernel/sched.c).
include hal/$(ARCH)/arch.mk
CFLAGS := -std=gnu11 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-ffreestanding -fno-builtin -nostdinc -isystem $(GCC_INCLUDE) \
	-fno-stack-protector -fstack-clash-protection -fno-pic -fno-pie $(ARCH_CFLAGS) \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-ffunction-sections -fdata-sections -fno-common \
	-Ilibc/include -Ikernel/include -I$(OUT)/include \
	-include $(AUTOCONF) -MMD -MP
# Backtraces walk the frame pointers (kernel/backtrace.c); whether leaf
# functions need one too is the architecture's (ARCH_BACKTRACE_CFLAGS).
ifeq ($(CONFIG_BACKTRACE),y)
CFLAGS += -fno-omit-frame-pointer $(ARCH_BACKTRACE_CFLAGS)
endif
ifeq ($(CONFIG_OPTIMIZE_SIZE),y)
CFLAGS += -Os
else
CFLAGS += -O2
endif
ASFLAGS = $(filter-out -std=gnu11,$(CFLAGS)) -D__ASSEMBLY__
LDFLAGS := -nostdlib -static -no-pie -Wl,--gc-sections -Wl,--build-id=none \
	-Wl,-z,noexecstack -Wl,-z,max-page-size=4096
# (=auto: the link-time code generation runs in parallel, on make's jobs or
# the CPUs, and says nothing about running serially)
ifeq ($(CONFIG_LTO),y)
CFLAGS += -flto=auto
LDFLAGS += -flto=auto -O2
endif

.PHONY: all
all:

# OBJCACHE: where objects are kept by the hash of their preprocessed source
# (build/objcache.c), so that an app's build takes most of its kernel, libc
# and HAL from the apps built before it; OBJCACHE= compiles everything.
# The compiler's identity is part of every key: asked once per make, not
# once per compile (the eval makes it a simple variable on first use).
# The tool is the host's, built once beside the cache.
OBJCACHE ?= out/.objcache
OBJCACHE_TOOL := $(or $(OBJCACHE),$(OUTROOT)/.objcache)/tool/objcache
CC_ID = $(eval CC_ID := $$(shell $(CC) -dumpmachine; $(CC) -dumpfullversion))$(CC_ID)
CC_OBJ = $(OBJCACHE_TOOL) '$(OBJCACHE)' $(OUT) '$(CC_ID)' $(CC)

# Each part lists its objects as objs-y / objs-$(CONFIG_X) (paths from the
# top); $(d) is the part's folder.
objs-y :=
d := kernel/
include kernel/build.mk
d := libc/
include libc/build.mk
d := hal/$(PLATFORM)/
include hal/$(PLATFORM)/port.mk
d := apps/$(APP)/
include apps/$(APP)/build.mk
d := services/
-include $(wildcard services/*/build.mk)

OBJS := $(addprefix $(OBJ)/,$(sort $(objs-y)))

.PHONY: run debug clean distclean help deps test bench size unit-test menuconfig defconfig \
	olddefconfig savedefconfig allnoconfig allyesconfig randconfig
all: $(IMAGE) $(PORT_OUTPUTS)

$(OUT)/auto.conf $(AUTOCONF) &: $(KCONFIG_FILES) $(FRAGMENTS) build/kconfig.py $(wildcard $(OUT)/.config)
	$(call quiet,KCONFIG,$(OUT)/.config)
	$(Q)build/deps.sh build $(ARCH)
	$(Q)$(KCONFIG) update $(KCONFIG_ARGS) $(FRAGMENTS)
	$(Q)touch $(OUT)/auto.conf $(AUTOCONF)

# Apps see the OS through libc and kernel/include only: hal/ (the HAL
# contract) is on the include path of everything but apps/ (an app that
# tests the HAL itself, like ktest, adds it in its build.mk).
hal_include = $(if $(filter apps/%,$*),,-Ihal)
# PORT_CFLAGS (Xen: its public headers) are for the port's own files: on
# the rest they would only make each object's command, and so its cache
# key, differ from the same object's on the other ports of the
# architecture (xen's kernel and libc were compiles of their own).
port_cflags = $(if $(filter hal/$(PLATFORM)/%,$<),$(PORT_CFLAGS))

OBJCACHE_SRCS := build/objcache.c build/objcache_direct.c build/sha256.c
$(OBJCACHE_TOOL): $(OBJCACHE_SRCS) build/objcache.h build/sha256.h
	@mkdir -p $(dir $@)
	$(Q)gcc -O2 -Wall -Wextra -Werror -o $@.$$$$ $(OBJCACHE_SRCS) && mv -f $@.$$$$ $@

# (the tool makes the object's folder)
$(OBJ)/%.o: %.c $(AUTOCONF) | $(OBJCACHE_TOOL)
	$(call quiet,CC,$*.o)
	$(Q)$(CC_OBJ) $(CFLAGS) $(hal_include) $(port_cflags) $(CFLAGS_$*.o) -c $< -o $@

$(OBJ)/%.o: %.S $(AUTOCONF)
	$(call quiet,AS,$*.o)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ASFLAGS) $(hal_include) $(port_cflags) -c $< -o $@

# link OUTPUT MAP EXTRA-OBJECTS: the image's link.
link = $(CC) $(LDFLAGS) $(PORT_LDFLAGS) -T $(PORT_LDSCRIPT) -Wl,-Map=$(2) -o $(1) $(OBJS) $(3) -lgcc

ifeq ($(CONFIG_KALLSYMS),y)
# The symbol table (CONFIG_KALLSYMS), as Linux's kallsyms: link once with an
# empty table, make the table of that image's functions, link again with
# it.  The table is read-only data linked last, after every function, so
# the second link moves none; ksyms.py --check proves it on every build.
KSYMS := $(OUT)/gen/ksyms
$(KSYMS)0.S: build/ksyms.py
	@mkdir -p $(dir $@)
	$(Q)$(PYTHON) build/ksyms.py --empty $@

$(KSYMS)%.o: $(KSYMS)%.S
	$(call quiet,AS,$@)
	$(Q)$(CC) $(ASFLAGS) -c $< -o $@

$(OUT)/$(APP).elf0: $(OBJS) $(PORT_LDSCRIPT) $(KSYMS)0.o
	$(call quiet,LD,$@)
	$(Q)$(call link,$@,$@.map,$(KSYMS)0.o)

$(KSYMS)1.S: $(OUT)/$(APP).elf0 build/ksyms.py
	$(call quiet,KSYMS,$@)
	$(Q)NM=$(NM) $(PYTHON) build/ksyms.py $< $@

$(ELF): $(OBJS) $(PORT_LDSCRIPT) $(KSYMS)1.o
	$(call quiet,LD,$@)
	$(Q)$(call link,$@,$(OUT)/$(APP).map,$(KSYMS)1.o)
	$(Q)NM=$(NM) $(PYTHON) build/ksyms.py --check $@ $(KSYMS)1.S || { rm -f $@; exit 1; }
else
$(ELF): $(OBJS) $(PORT_LDSCRIPT)
	$(call quiet,LD,$@)
	$(Q)$(call link,$@,$(OUT)/$(APP).map)
endif

# A port whose loader wants something other than a stripped ELF (a raw
# arm64 Image) sets PORT_OBJCOPY_FLAGS.
PORT_OBJCOPY_FLAGS ?= --strip-all -R .comment
$(IMAGE): $(ELF)
	$(call quiet,STRIP,$@)
	$(Q)$(OBJCOPY) $(PORT_OBJCOPY_FLAGS) $< $@

-include $(OBJS:.o=.d)

# An app's rootfs/ folder becomes its initrd, a newc cpio archive beside
# the image; every port's run.sh passes IMAGE.initrd along when it exists.
ROOTFS := $(wildcard apps/$(APP)/rootfs)
INITRD := $(OUT)/$(APP).initrd
ifeq ($(CONFIG_INITRD)$(if $(ROOTFS),y),yy)
all: $(INITRD)
$(INITRD): $(shell find -L $(ROOTFS) 2>/dev/null) build/mkinitrd.sh
	$(call quiet,CPIO,$@)
	$(Q)build/mkinitrd.sh $(ROOTFS) $@
else
# An image built without an initrd must not be handed a stale one.
all: drop-initrd
.PHONY: drop-initrd
drop-initrd:
	@rm -f $(INITRD)
endif

# ARGS="a 'b c'" passes arguments to the app; quotes keep spaces.
run: all
	$(Q)build/deps.sh $(PLATFORM) $(ARCH)
	$(Q)hal/$(PLATFORM)/run.sh $(IMAGE) $(ARGS)

# The image stopped at its entry under gdb, with its symbols and Hako's gdb
# commands (build/gdb/hako.py); hal/PLATFORM/debug.sh says how.
debug: all
	$(Q)build/deps.sh $(PLATFORM)
	$(Q)build/deps.sh debug
	$(Q)hal/$(PLATFORM)/debug.sh $(IMAGE) $(ARGS)

size: $(ELF)
	$(Q)$(PYTHON) build/size.py $(OUT)/$(APP).map $(ELF) $(IMAGE)

# ------------------------------------------------------------ configuration
menuconfig:
	$(Q)$(MAKE) -s $(AUTOCONF) >/dev/null
	$(Q)$(KCONFIG) menuconfig $(KCONFIG_ARGS)

defconfig olddefconfig savedefconfig:
	$(Q)build/deps.sh build $(ARCH)
	$(Q)mkdir -p $(OUT)
	$(Q)$(KCONFIG) $@ $(KCONFIG_ARGS) $(FRAGMENTS)

# EXTRA_CONFIG=file forces its values on top, as Linux's KCONFIG_ALLCONFIG.
allnoconfig allyesconfig:
	$(Q)build/deps.sh build $(ARCH)
	$(Q)mkdir -p $(OUT)
	$(Q)$(KCONFIG) $@ $(KCONFIG_ARGS) $(EXTRA_CONFIG)

SEED ?= 1
randconfig:
	$(Q)build/deps.sh build $(ARCH)
	$(Q)mkdir -p $(OUT)
	$(Q)$(KCONFIG) randconfig --seed $(SEED) $(KCONFIG_ARGS) $(EXTRA_CONFIG)

# ------------------------------------------------------------------- tools
deps:
	$(Q)build/deps.sh all

test:
	$(Q)test/run-all.sh

bench:
	$(Q)test/bench/run-all.sh

unit-test:
	$(Q)test/unit/run.sh

clean:
	rm -rf $(OUT)

distclean:
	rm -rf $(OUTROOT)

help:
	@echo "Hako: make [PLATFORM=p] [APP=a] [ARCH=x86_64|arm64] [V=1] [target]"
	@echo
	@echo "Platforms: $(PLATFORMS)   (default usermode)"
	@echo "ARCH:      the platform's own; usermode also builds for arm64 (runs under qemu-aarch64)"
	@echo "Apps:      $(APPS)   (default hello)"
	@echo
	@echo "Targets:"
	@echo "  all (default)  build out/PLATFORM/APP/APP (stripped) and APP.elf (debug)"
	@echo "  run            build and run; ARGS='...' are the app's arguments"
	@echo "  debug          build, then run stopped at the entry under gdb (hako-threads,"
	@echo "                 hako-bt...: build/gdb/hako.py); Xen: XEN_MODE=dom0"
	@echo "  size           what each module adds to the image (text, data, bss)"
	@echo "  menuconfig     edit this PLATFORM/APP's configuration"
	@echo "  defconfig      configuration from the platform's and app's fragments"
	@echo "  olddefconfig   update the configuration, new options at defaults"
	@echo "  savedefconfig  write the minimal configuration to out/PLATFORM/APP/defconfig"
	@echo "  allnoconfig allyesconfig randconfig (SEED=n)"
	@echo "  test           every test: unit, each port, configuration matrix"
	@echo "  bench          benchmarks with goals and ratios"
	@echo "  deps           install the Debian packages the build and tests need"
	@echo "  clean          remove out/PLATFORM/APP; distclean removes out/"
