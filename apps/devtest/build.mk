objs-y += $(d)main.o $(d)net.o $(d)frames.o
# devtest drives the HAL directly: it, like ktest, sees hal.h.
$(foreach f,main net frames,$(eval CFLAGS_$(d)$(f).o += -Ihal))
