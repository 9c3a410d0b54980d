objs-y += $(d)main.o
