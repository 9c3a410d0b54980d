objs-y += $(d)main.o $(d)t_threads.o $(d)t_sync.o $(d)t_memory.o $(d)t_libc.o \
	$(d)t_shutdown.o $(d)t_vfs.o
# ktest tests the kernel and the HAL directly: it, alone of the apps, sees hal.h.
$(foreach f,main t_threads t_sync t_memory t_libc t_shutdown,$(eval CFLAGS_$(d)$(f).o += -Ihal))
