// SPDX-License-Identifier: MIT
/* Building and checking frames (frames.h). */
#include <string.h>

#include "frames.h"

const uint8_t eth_broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

uint16_t inet_csum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;

	for (; len > 1; p += 2, len -= 2)
		sum += get16(p);
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

size_t eth_header(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	put16(f + 12, type);
	return ETH_HLEN;
}

size_t arp_frame(uint8_t *f, const uint8_t eth_dst[6], const uint8_t mac[6], uint16_t op,
		 const uint8_t spa[4], const uint8_t tha[6], const uint8_t tpa[4])
{
	uint8_t *a = f + eth_header(f, eth_dst, mac, ETH_P_ARP);

	put16(a, 1);		/* Ethernet */
	put16(a + 2, ETH_P_IP);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, mac, 6);
	memcpy(a + 14, spa, 4);
	memcpy(a + 18, tha, 6);
	memcpy(a + 24, tpa, 4);
	memset(a + 28, 0, 60 - ETH_HLEN - 28); /* pad to the 60-byte minimum */
	return 60;
}

size_t ipv4_frame(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint8_t proto,
		  const uint8_t sip[4], const uint8_t dip[4], const void *payload, size_t plen)
{
	static uint16_t ident;
	uint8_t *ip = f + eth_header(f, dst, src, ETH_P_IP);
	size_t n;

	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (uint16_t)(IP_HLEN + plen));
	put16(ip + 4, ident++);
	put16(ip + 6, 0x4000); /* don't fragment */
	ip[8] = 64;
	ip[9] = proto;
	put16(ip + 10, 0);
	memcpy(ip + 12, sip, 4);
	memcpy(ip + 16, dip, 4);
	put16(ip + 10, inet_csum(ip, IP_HLEN, 0));
	memmove(ip + IP_HLEN, payload, plen);
	n = ETH_HLEN + IP_HLEN + plen;
	if (n < 60) {
		memset(f + n, 0, 60 - n);
		n = 60;
	}
	return n;
}

/* The UDP checksum over the pseudo-header and the datagram u (len bytes). */
static uint16_t udp_csum(const uint8_t sip[4], const uint8_t dip[4], const uint8_t *u,
			 size_t len)
{
	uint8_t pseudo[12];
	uint16_t c;

	memcpy(pseudo, sip, 4);
	memcpy(pseudo + 4, dip, 4);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	put16(pseudo + 10, (uint16_t)len);
	c = (uint16_t)~inet_csum(pseudo, sizeof(pseudo), 0);
	return inet_csum(u, len, c);
}

size_t udp_frame(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], const uint8_t sip[4],
		 const uint8_t dip[4], uint16_t sport, uint16_t dport, const void *data,
		 size_t len)
{
	uint8_t *u = f + ETH_HLEN + IP_HLEN;
	uint16_t c;

	/* Built in place, then the IP header in front of it. */
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (uint16_t)(UDP_HLEN + len));
	put16(u + 6, 0);
	memmove(u + UDP_HLEN, data, len);
	c = udp_csum(sip, dip, u, UDP_HLEN + len);
	put16(u + 6, c ? c : 0xffff);
	return ipv4_frame(f, dst, src, IPPROTO_UDP, sip, dip, u, UDP_HLEN + len);
}

bool ipv4_parse(const uint8_t *f, size_t len, struct ipv4_view *v)
{
	const uint8_t *ip = f + ETH_HLEN;
	size_t ihl, total;

	if (len < ETH_HLEN + IP_HLEN || get16(f + 12) != ETH_P_IP || ip[0] >> 4 != 4)
		return false;
	ihl = (size_t)(ip[0] & 15) * 4;
	total = get16(ip + 2);
	if (ihl < IP_HLEN || total < ihl || ETH_HLEN + total > len || inet_csum(ip, ihl, 0))
		return false;
	if (get16(ip + 6) & 0x3fff) /* a fragment: not ours to reassemble */
		return false;
	v->src_mac = f + 6;
	v->src = ip + 12;
	v->dst = ip + 16;
	v->proto = ip[9];
	v->payload = ip + ihl;
	v->len = total - ihl;
	return true;
}

bool udp_parse(const struct ipv4_view *v, uint16_t *sport, uint16_t *dport,
	       const uint8_t **data, size_t *len)
{
	const uint8_t *u = v->payload;
	size_t ulen;

	if (v->proto != IPPROTO_UDP || v->len < UDP_HLEN)
		return false;
	ulen = get16(u + 4);
	if (ulen < UDP_HLEN || ulen > v->len)
		return false;
	if (get16(u + 6) && udp_csum(v->src, v->dst, u, ulen))
		return false;
	*sport = get16(u);
	*dport = get16(u + 2);
	*data = u + UDP_HLEN;
	*len = ulen - UDP_HLEN;
	return true;
}
