# The qemu-x86 port.  $(d) is hal/qemu-x86/.
objs-y += $(d)boot.o $(d)entry.o $(d)setup.o $(d)trap.o $(d)mm.o $(d)uart.o \
	$(d)acpi.o $(d)acpi_parse.o $(d)clock.o $(d)lapic.o $(d)cpu.o $(d)exit.o hal/x86_64/switch.o hal/x86_64/entropy.o hal/x86_64/fault.o \
	$(if $(CONFIG_VIRTIO_NET),,hal/common/no_net.o) $(if $(CONFIG_VIRTIO_BLK),,hal/common/no_block.o)
objs-$(CONFIG_QEMU_ACPI_BUTTON) += $(d)button.o
objs-$(CONFIG_VIRTIO) += $(d)devices.o
include hal/virtio/virtio.mk
PORT_LDSCRIPT := $(d)image.ld
# Segments are packed in the file at 64-byte steps (image.ld: file offset =
# load address - 1 MiB; __load_align there must match); boot.S moves rodata
# and data up to their own pages.
PORT_LDFLAGS := -Wl,-z,max-page-size=64 -Wl,-z,common-page-size=64
PORT_CFLAGS :=
# A stamp proving the image's file offsets fit the flat multiboot copy (the
# linker chooses them: a mismatch fails the build, not a boot).
PORT_OUTPUTS := $(OUT)/$(APP).layoutcheck

$(OUT)/$(APP).layoutcheck: $(IMAGE) $(d)checkimage.sh
	$(call quiet,CHECK,$(IMAGE))
	$(Q)hal/qemu-x86/checkimage.sh $(IMAGE)
	$(Q)touch $@
