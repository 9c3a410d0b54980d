/* SPDX-License-Identifier: MIT */
/* frames.h - building and checking the few frames devtest needs. */
#ifndef DEVTEST_FRAMES_H
#define DEVTEST_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define IP_HLEN 20
#define UDP_HLEN 8
#define IPPROTO_ICMP 1
#define IPPROTO_UDP 17

extern const uint8_t eth_broadcast[6];

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The Internet checksum of len bytes, continuing sum (0 to start). */
uint16_t inet_csum(const void *data, size_t len, uint32_t sum);

/* Ethernet header into f; returns ETH_HLEN. */
size_t eth_header(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type);

/* An ARP frame (op 1 request, 2 reply) from mac. */
size_t arp_frame(uint8_t *f, const uint8_t eth_dst[6], const uint8_t mac[6], uint16_t op,
		 const uint8_t spa[4], const uint8_t tha[6], const uint8_t tpa[4]);

/* An IPv4 frame carrying payload (plen bytes) with protocol proto. */
size_t ipv4_frame(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint8_t proto,
		  const uint8_t sip[4], const uint8_t dip[4], const void *payload, size_t plen);

/* A UDP datagram in an IPv4 frame, checksummed. */
size_t udp_frame(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], const uint8_t sip[4],
		 const uint8_t dip[4], uint16_t sport, uint16_t dport, const void *data,
		 size_t len);

/* A received IPv4 frame, checked (header checksum, lengths). */
struct ipv4_view {
	const uint8_t *src_mac, *src, *dst;
	uint8_t proto;
	const uint8_t *payload;
	size_t len;
};
bool ipv4_parse(const uint8_t *f, size_t len, struct ipv4_view *v);

/* A received UDP datagram inside v, checked; false if malformed. */
bool udp_parse(const struct ipv4_view *v, uint16_t *sport, uint16_t *dport,
	       const uint8_t **data, size_t *len);

#endif
