# The hardware-neutral kernel.  $(d) is kernel/.
objs-y += $(d)main.o $(d)cmdline.o $(d)printk.o $(d)panic.o $(d)fault.o $(d)page.o \
	$(d)random.o
objs-$(CONFIG_MALLOC) += $(d)malloc.o
objs-$(CONFIG_BACKTRACE) += $(d)backtrace.o
objs-$(CONFIG_KALLSYMS) += $(d)ksyms.o
# Only ever run on the way to a panic (or once at boot): small, not fast.
CFLAGS_kernel/backtrace.o := -Os
CFLAGS_kernel/ksyms.o := -Os
CFLAGS_kernel/fault.o := -Os
CFLAGS_kernel/panic.o := -Os
objs-$(CONFIG_TIMERS) += $(d)timer.o
objs-$(CONFIG_SYNC) += $(d)sync.o
objs-$(CONFIG_FILES) += $(d)file.o
objs-$(CONFIG_BLOCK) += $(d)blk.o
ifeq ($(CONFIG_THREADS),y)
objs-y += $(d)sched.o
else
objs-y += $(d)sched_single.o
endif
ifeq ($(CONFIG_TLS),y)
objs-y += $(d)tls.o
else
objs-y += $(d)tls_none.o
endif
# Boot code runs once: small, not fast (as the cold paths above).
CFLAGS_kernel/main.o := -DHAKO_APP_NAME='"$(APP)"' -Os
CFLAGS_kernel/cmdline.o := -Os
CFLAGS_kernel/banner.o := -DHAKO_APP_NAME='"$(APP)"' -Os
objs-$(CONFIG_BOOT_BANNER) += $(d)banner.o

# The build id (build/buildid.sh): checked on every build, rewritten (and
# banner.c recompiled) only when it changes.
BUILD_ID_H := $(OUT)/include/generated/build_id.h
.PHONY: FORCE
$(BUILD_ID_H): FORCE $(OUT)/auto.conf
	$(Q)build/buildid.sh $(OUT)/auto.conf $@
$(OBJ)/$(d)banner.o: $(BUILD_ID_H)
