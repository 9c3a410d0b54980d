objs-y += $(d)main.o $(d)store.o
