# The C library.  $(d) is libc/.
objs-y += $(d)src/string.o $(d)src/ctype.o $(d)src/format.o $(d)src/stdio.o \
	$(d)src/snprintf.o $(d)src/strtol.o $(d)src/stdlib.o $(d)src/misc.o \
	$(d)src/time.o $(d)src/calendar.o $(d)src/inet.o $(d)src/netdb.o
objs-$(CONFIG_LIBC_QSORT) += $(d)src/qsort.o
objs-$(CONFIG_FILES) += $(d)src/file.o
