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

/*
 * Incoming TCP segments of a connection, before lwIP looks at them: false
 * (not ERR_OK) drops the segment.  lwIP 2.1 answers a bare ACK that arrives
 * at RCV.NXT while its own receive window is closed with another ACK (it
 * takes the segment for one outside an empty window, where RFC 9293 3.10.7.4
 * accepts it); two lwIP ends whose windows are both closed, as two sockets
 * of one image over loopback, then ACK each other for ever, and on loopback
 * that loop never lets the apps run to reopen a window.  The hook drops
 * exactly such a segment when it says nothing new (same ACK, same window).
 */
struct tcp_pcb;
struct tcp_hdr;
struct pbuf;
err_t net_tcp_inpacket(struct tcp_pcb *pcb, const struct tcp_hdr *hdr, const struct pbuf *p);
#define LWIP_HOOK_TCP_INPACKET_PCB(pcb, hdr, optlen, opt1len, opt2, p) net_tcp_inpacket(pcb, hdr, p)

/*
 * IPv4 and IPv6 packets before lwIP looks at them (tcp_reopen.c): a SYN
 * for the addresses and ports of a connection in TIME-WAIT ends that
 * connection first, so that the SYN opens a new one (RFC 1122 4.2.2.13)
 * instead of drawing lwIP's reset.  Never consumes the packet.
 */
struct netif;
int net_ip4_input_hook(struct pbuf *p, struct netif *inp);
int net_ip6_input_hook(struct pbuf *p, struct netif *inp);
#define LWIP_HOOK_IP4_INPUT(p, inp) net_ip4_input_hook(p, inp)
#define LWIP_HOOK_IP6_INPUT(p, inp) net_ip6_input_hook(p, inp)

#endif
