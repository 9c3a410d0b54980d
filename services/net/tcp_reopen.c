// SPDX-License-Identifier: MIT
/*
 * A new connection over the addresses and ports of one in TIME-WAIT.
 *
 * lwIP 2.1 answers a SYN that matches a connection in TIME-WAIT with a
 * reset (in its window) or a bare ACK (outside it), so the new connection
 * fails or stalls for the whole 2 MSL.  Clients reuse ports all the time:
 * a Linux client cycles through its ephemeral ports for one destination in
 * order, and a server that closed first (an HTTP server answering
 * "Connection: close", a timeout) holds TIME-WAIT for the last of them.
 * RFC 1122 4.2.2.13 lets a SYN whose sequence number is beyond the old
 * connection's reopen it; this hook, before lwIP sees such a SYN (IPv4
 * and IPv6 without extension headers), ends the TIME-WAIT connection, so
 * that the SYN reaches the listener as a new connection.
 *
 * The packet is untrusted: every length is checked before it is read, and
 * the hook never consumes or changes it (lwIP validates it as before).
 */
#include <string.h>

#include "lwip/ip_addr.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/ip4.h"
#include "lwip/prot/ip6.h"
#include "lwip/prot/tcp.h"

#include "net_internal.h"

/* The TCP header at p's payload + off, if the first buffer holds it whole
 * and it is a bare SYN: its ports and sequence number (host order). */
static bool bare_syn(const struct pbuf *p, size_t off, u16_t *sport, u16_t *dport, u32_t *seq)
{
	const struct tcp_hdr *t;

	if (p->len < off + TCP_HLEN)
		return false;
	t = (const struct tcp_hdr *)((const u8_t *)p->payload + off);
	if ((TCPH_FLAGS(t) & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) != TCP_SYN)
		return false;
	*sport = lwip_ntohs(t->src);
	*dport = lwip_ntohs(t->dest);
	*seq = lwip_ntohl(t->seqno);
	return true;
}

static void reopen(const ip_addr_t *src, const ip_addr_t *dst, u16_t sport, u16_t dport,
		   u32_t seq)
{
	struct tcp_pcb *pcb;

	for (pcb = tcp_tw_pcbs; pcb; pcb = pcb->next) {
		if (pcb->remote_port != sport || pcb->local_port != dport ||
		    !ip_addr_cmp(&pcb->remote_ip, src) || !ip_addr_cmp(&pcb->local_ip, dst))
			continue;
		if (TCP_SEQ_GT(seq, pcb->rcv_nxt))
			tcp_abort(pcb); /* in TIME-WAIT: removed and freed, no reset */
		return;
	}
}

int net_ip4_input_hook(struct pbuf *p, struct netif *inp)
{
	const struct ip_hdr *h = p->payload;
	ip_addr_t src, dst;
	u16_t sport, dport;
	u32_t seq;
	size_t hl;

	(void)inp;
	if (!tcp_tw_pcbs || p->len < IP_HLEN || IPH_V(h) != 4 || IPH_PROTO(h) != IP_PROTO_TCP ||
	    (lwip_ntohs(IPH_OFFSET(h)) & (IP_OFFMASK | IP_MF)))
		return 0;
	hl = IPH_HL_BYTES(h);
	if (hl < IP_HLEN || !bare_syn(p, hl, &sport, &dport, &seq))
		return 0;
	ip_addr_copy_from_ip4(src, h->src);
	ip_addr_copy_from_ip4(dst, h->dest);
	reopen(&src, &dst, sport, dport, seq);
	return 0;
}

#if LWIP_IPV6
int net_ip6_input_hook(struct pbuf *p, struct netif *inp)
{
	const struct ip6_hdr *h = p->payload;
	ip_addr_t src, dst;
	u16_t sport, dport;
	u32_t seq;

	(void)inp;
	if (!tcp_tw_pcbs || p->len < IP6_HLEN || IP6H_V(h) != 6 || IP6H_NEXTH(h) != IP6_NEXTH_TCP ||
	    !bare_syn(p, IP6_HLEN, &sport, &dport, &seq))
		return 0;
	/* Without a zone: a link-local connection's pcb has one and is not
	 * matched, so lwIP treats such a SYN as before. */
	ip_addr_copy_from_ip6_packed(src, h->src);
	ip_addr_copy_from_ip6_packed(dst, h->dest);
	reopen(&src, &dst, sport, dport, seq);
	return 0;
}
#endif
