# SPDX-License-Identifier: MIT
# The network service: lwIP 2.1.3 from Debian's source package (fetched
# once into a cache outside the tree by build/debsrc.sh, never vendored)
# plus Hako's glue.  $(d) is services/.

# Apps see <hako/net.h>.  The path is on every app's command line, with the
# service or without (it holds that one header, found after libc's): the
# object cache keys objects by their command, and an -I only the network
# apps had made every one of their kernel, libc and HAL objects a compile
# of its own.  Without CONFIG_NET the header's calls do not link.
CFLAGS += -I$(d)net/include

ifeq ($(CONFIG_NET),y)

LWIP_DIR := $(shell build/debsrc.sh lwip)
ifeq ($(findstring /lwip-2.1.3,$(LWIP_DIR)),)
$(error net: no lwIP 2.1.3 source (build/debsrc.sh lwip gave '$(LWIP_DIR)'))
endif

NET := $(d)net/
# (lwIP's headers are for the service alone)
LWIP_CFLAGS := -I$(NET)lwipport -I$(LWIP_DIR)/src/include

net_srcs := net netif sys_arch socket socket_io sockaddr socket_tcp tcp_data socket_udp sockopt \
	tcp_reopen serve
objs-y += $(net_srcs:%=$(NET)%.o)
$(foreach f,$(net_srcs),$(eval CFLAGS_$(NET)$(f).o += $$(LWIP_CFLAGS)))

lwip_core := init def inet_chksum ip mem memp netif pbuf stats sys tcp tcp_in \
	tcp_out timeouts udp ipv4/etharp ipv4/icmp ipv4/ip4_frag ipv4/ip4 ipv4/ip4_addr
lwip_core += $(if $(CONFIG_NET_DHCP),ipv4/dhcp)
lwip_core += $(if $(CONFIG_NET_IPV6),ipv6/ethip6 ipv6/icmp6 ipv6/inet6 ipv6/ip6 \
	ipv6/ip6_addr ipv6/ip6_frag ipv6/mld6 ipv6/nd6)
lwip_objs := $(lwip_core:%=lwip/core/%.o) lwip/api/tcpip.o lwip/netif/ethernet.o
objs-y += $(lwip_objs)

# lwIP's own code, with Hako's flags; its few warnings are relaxed for its
# files alone.
LWIP_WARN := -Wno-type-limits

$(OBJ)/lwip/%.o: $(LWIP_DIR)/src/%.c $(AUTOCONF) | $(OBJCACHE_TOOL)
	$(call quiet,CC,lwip/$*.o)
	$(Q)$(CC_OBJ) $(CFLAGS) -Ihal $(LWIP_CFLAGS) $(LWIP_WARN) -c $< -o $@

endif
