# The store is apps/kv's (one implementation, two front ends).
objs-y += $(d)main.o $(d)proto.o apps/kv/store.o
