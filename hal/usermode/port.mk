# The usermode port.  $(d) is hal/usermode/.
objs-y += $(d)start.o $(d)hal.o hal/x86_64/switch.o hal/x86_64/fault.o hal/common/no_devices.o
PORT_LDSCRIPT := $(d)image.ld
PORT_LDFLAGS :=
PORT_CFLAGS :=
PORT_OUTPUTS :=
