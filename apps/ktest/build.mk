objs-y += $(d)main.o $(d)t_threads.o $(d)t_sync.o $(d)t_memory.o $(d)t_libc.o
