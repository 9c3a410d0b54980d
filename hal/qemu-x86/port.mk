# The qemu-x86 port.  $(d) is hal/qemu-x86/.
objs-y += $(d)boot.o $(d)entry.o $(d)setup.o $(d)trap.o $(d)mm.o $(d)uart.o \
	$(d)acpi.o $(d)clock.o $(d)lapic.o $(d)cpu.o $(d)exit.o hal/x86_64/switch.o
objs-$(CONFIG_QEMU_ACPI_BUTTON) += $(d)button.o
PORT_LDSCRIPT := $(d)image.ld
PORT_LDFLAGS :=
PORT_CFLAGS :=
PORT_OUTPUTS :=
