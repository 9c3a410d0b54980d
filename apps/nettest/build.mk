# nettest is ktest built with CONFIG_NET: ktest's runner and cases, plus
# the socket cases of t_net.c (ktest's build.mk adds them under CONFIG_NET);
# rootfs/ is ktest's (a link), for the initrd case.
d := apps/ktest/
include apps/ktest/build.mk
