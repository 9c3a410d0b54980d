# The hardware-neutral kernel.  $(d) is kernel/.
objs-y += $(d)main.o $(d)cmdline.o $(d)printk.o $(d)panic.o $(d)fault.o $(d)page.o
objs-$(CONFIG_MALLOC) += $(d)malloc.o
objs-$(CONFIG_BACKTRACE) += $(d)backtrace.o
objs-$(CONFIG_KALLSYMS) += $(d)ksyms.o
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
CFLAGS_kernel/main.o := -DHAKO_APP_NAME='"$(APP)"'
