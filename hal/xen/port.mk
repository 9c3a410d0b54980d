# The Xen PV port.  $(d) is hal/xen/.
#
# Xen's public headers come from the host (Debian: libxen-dev), included,
# never copied.  The build is -nostdinc, so /usr/include itself must not be
# on the search path (host libc headers would shadow ours): $(OUT)/xen-include
# holds only a symlink named xen to $(XEN_PUBLIC).
XEN_PUBLIC ?= /usr/include/xen
comma := ,
XEN_INTERFACE_VERSION ?= 0x00040e00
XEN_INC := $(OUT)/xen-include

xen-objs := $(addprefix $(d),boot.o entry.o hal.o mm.o evtchn.o time.o console.o traps.o \
	$(if $(CONFIG_XEN_XENSTORE),xenstore.o xs_wire.o) $(if $(CONFIG_XEN_BALLOON),balloon.o) $(if $(CONFIG_XEN_SUSPEND),suspend.o) $(if $(CONFIG_XEN_GNTTAB),gnttab.o) \
	$(if $(CONFIG_XEN_NETFRONT)$(CONFIG_XEN_BLKFRONT),xenbus.o devices.o) \
	$(if $(CONFIG_XEN_NETFRONT),netfront.o netring.o) \
	$(if $(CONFIG_XEN_BLKFRONT),blkfront.o blkring.o))
objs-y += $(xen-objs) hal/x86_64/switch.o hal/x86_64/entropy.o hal/x86_64/fault.o \
	$(if $(CONFIG_XEN_NETFRONT),,hal/common/no_net.o) \
	$(if $(CONFIG_XEN_BLKFRONT),,hal/common/no_block.o)
PORT_LDSCRIPT := $(d)image.ld
PORT_LDFLAGS :=
PORT_CFLAGS := -isystem $(XEN_INC) -D__XEN_INTERFACE_VERSION__=$(XEN_INTERFACE_VERSION)
# The upcall and the page fault handler interrupt arbitrary code and return
# to it: never touch its SSE registers, nor call a libc routine that might.
CFLAGS_$(d)evtchn.o := -mgeneral-regs-only
CFLAGS_$(d)traps.o := -mgeneral-regs-only
CFLAGS_$(d)mm.o := -mgeneral-regs-only -fno-tree-loop-distribute-patterns

$(addprefix $(OBJ)/,$(xen-objs)): | $(XEN_INC)/xen

$(XEN_INC)/xen:
	@test -f $(XEN_PUBLIC)/xen.h || { echo "xen: no Xen public headers in" \
		"$(XEN_PUBLIC) (Debian: apt-get install libxen-dev)" >&2; exit 1; }
	@mkdir -p $(XEN_INC)
	$(Q)ln -sfn $(XEN_PUBLIC) $@

# Beside the image: an xl config for `xl create -c`, and a stamp proving
# that libxenguest's own ELF-note and layout checks accept the image (a
# broken note then fails the build in a second, not a boot later).  Set
# XEN_LOADERCHECK=0 to skip the check on a machine without libxen-dev.
XEN_LOADERCHECK ?= 1
PORT_OUTPUTS := $(OUT)/$(APP).xl $(OUT)/$(APP).libvirt.xml
XEN_DISK := $(if $(filter-out 0,$(CONFIG_XEN_DISK_MIB)),$(OUT)/$(APP).disk)
PORT_OUTPUTS += $(XEN_DISK)
ifneq ($(XEN_LOADERCHECK),0)
ifneq ($(wildcard test/xen/loadercheck.sh),)
PORT_OUTPUTS += $(OUT)/$(APP).loadercheck
endif
endif

# With the app's initrd (the top Makefile builds it from apps/APP/rootfs/).
XEN_RAMDISK = $(if $(and $(CONFIG_INITRD),$(wildcard apps/$(APP)/rootfs)),$(abspath $(OUT)/$(APP).initrd))
$(OUT)/$(APP).xl: $(IMAGE) $(d)mkxl.sh $(OUT)/auto.conf
	$(call quiet,XL,$@)
	$(Q)hal/xen/mkxl.sh --name hako-$(APP) --memory $(CONFIG_XEN_MEM_MIB) \
		$(if $(CONFIG_XEN_VIF),--vif $(CONFIG_XEN_VIF)) \
		$(if $(XEN_DISK),--disk format=raw$(comma)vdev=xvda$(comma)access=rw$(comma)target=$(abspath $(XEN_DISK))) \
		$(if $(XEN_RAMDISK),--ramdisk $(XEN_RAMDISK)) $(abspath $(IMAGE)) > $@.tmp && mv $@.tmp $@

# The same domain for libvirt (virsh -c xen:/// create APP.libvirt.xml).
$(OUT)/$(APP).libvirt.xml: $(IMAGE) $(d)mkxl.sh $(OUT)/auto.conf
	$(call quiet,XML,$@)
	$(Q)hal/xen/mkxl.sh --libvirt --name hako-$(APP) --memory $(CONFIG_XEN_MEM_MIB) \
		$(if $(CONFIG_XEN_VIF),--vif $(CONFIG_XEN_VIF)) \
		$(if $(XEN_DISK),--disk format=raw$(comma)vdev=xvda$(comma)access=rw$(comma)target=$(abspath $(XEN_DISK))) \
		$(if $(XEN_RAMDISK),--ramdisk $(XEN_RAMDISK)) $(abspath $(IMAGE)) > $@.tmp && mv $@.tmp $@

# The app's disk: made once, sparse; an existing one (data!) is never
# replaced, whatever its size.
ifneq ($(XEN_DISK),)
$(XEN_DISK):
	$(call quiet,DISK,$@)
	$(Q)truncate -s $(CONFIG_XEN_DISK_MIB)M $@
endif

$(OUT)/$(APP).loadercheck: $(IMAGE)
	$(call quiet,CHECK,$(IMAGE))
	$(Q)test/xen/loadercheck.sh $(IMAGE) > $@.tmp 2>&1 || { cat $@.tmp >&2; \
		rm -f $@.tmp; exit 1; }
	$(Q)mv $@.tmp $@
