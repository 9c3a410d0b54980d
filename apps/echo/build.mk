objs-y += $(d)main.o $(d)client.o
