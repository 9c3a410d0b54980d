# The usermode port.  $(d) is hal/usermode/.  The architecture's half
# (start-up, system call numbers, signal frames) is in $(d)$(ARCH)/.
objs-y += $(d)$(ARCH)/start.o $(d)$(ARCH)/arch.o $(d)hal.o hal/$(ARCH)/switch.o \
	hal/$(ARCH)/fault.o \
	$(if $(CONFIG_HAL_NET),$(d)net.o $(d)stream.o,hal/common/no_net.o) \
	$(if $(CONFIG_HAL_BLOCK),$(d)block.o,hal/common/no_block.o)
objs-$(CONFIG_ARCH_ARM64) += hal/arm64/cpu.o
PORT_LDSCRIPT := $(d)image.ld
PORT_LDFLAGS :=
PORT_CFLAGS :=
PORT_OUTPUTS :=
