objs-y += $(d)main.o $(d)net.o $(d)block.o $(d)frames.o
# devtest drives the HAL directly: it, like ktest, sees hal.h.
$(foreach f,main net block frames,$(eval CFLAGS_$(d)$(f).o += -Ihal))
