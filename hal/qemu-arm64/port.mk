# The qemu-arm64 port.  $(d) is hal/qemu-arm64/.
objs-y += $(d)boot.o $(d)vectors.o $(d)setup.o $(d)dt.o $(d)mm.o $(d)uart.o $(d)gic.o \
	$(d)timer.o $(d)cpu.o $(d)trap.o $(d)exit.o $(d)button.o hal/common/fdt.o \
	hal/arm64/switch.o hal/arm64/cpu.o hal/arm64/entropy.o hal/arm64/fault.o \
	$(if $(CONFIG_VIRTIO_NET),,hal/common/no_net.o) $(if $(CONFIG_VIRTIO_BLK),,hal/common/no_block.o)
objs-$(CONFIG_VIRTIO) += $(d)devices.o
VIRTIO_TRANSPORTS := mmio
include hal/virtio/virtio.mk
PORT_LDSCRIPT := $(d)image.ld
PORT_LDFLAGS :=
PORT_CFLAGS :=
# QEMU loads a raw arm64 Image (the ELF's bytes from its first section on).
PORT_OBJCOPY_FLAGS := -O binary
PORT_OUTPUTS :=
# Code that runs in exception context and returns to what it interrupted
# must not touch FP/SIMD registers (vectors.S saves only the general ones).
CFLAGS_$(d)trap.o := -mgeneral-regs-only
CFLAGS_$(d)timer.o := -mgeneral-regs-only
CFLAGS_$(d)button.o := -mgeneral-regs-only
CFLAGS_$(d)gic.o := -mgeneral-regs-only
CFLAGS_$(d)devices.o := -mgeneral-regs-only
CFLAGS_hal/virtio/mmio.o := -mgeneral-regs-only
