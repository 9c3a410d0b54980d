/* SPDX-License-Identifier: MIT */
/* net_hooks.h - the lwIP hooks Hako sets (lwipopts.h: LWIP_HOOK_FILENAME). */
#ifndef HAKO_NET_HOOKS_H
#define HAKO_NET_HOOKS_H

/*
 * TCP initial sequence numbers (RFC 6528): a keyed hash of the connection's
 * addresses and ports under a per-boot secret, plus a clock that moves 1 per
 * 4 us.  lwIP's own ISNs count up from boot and are guessable.  The
 * addresses are const ip_addr_t *, left untyped here because this header
 * is read before lwIP's address types in some files.
 */
u32_t net_tcp_isn(const void *local_ip, u16_t local_port, const void *remote_ip,
		  u16_t remote_port);
#define LWIP_HOOK_TCP_ISN(lip, lport, rip, rport) net_tcp_isn(lip, lport, rip, rport)

#endif
