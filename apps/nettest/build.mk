# nettest is ktest with networking: ktest's runner and cases, plus the
# socket cases of t_net.c (main.c runs them when built with KTEST_NET).
# ktest itself never runs them, whatever its configuration, so that its
# count of cases stays fixed.
# rootfs/ is ktest's (a link), for the initrd case.
d := apps/ktest/
include apps/ktest/build.mk
objs-y += apps/nettest/t_net.o
CFLAGS_apps/nettest/t_net.o += -Ihal -Iapps/ktest
CFLAGS_apps/ktest/main.o += -DKTEST_NET
