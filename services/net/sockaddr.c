// SPDX-License-Identifier: MIT
/*
 * Socket addresses to lwIP's and back (IPv4, IPv6, and IPv4 peers of
 * dual-stack AF_INET6 sockets as ::ffff:a.b.c.d), and lwIP's errors as
 * errno values.
 */
#include <errno.h>
#include <string.h>

#include <netinet/in.h>

#include "lwip/ip.h"

#include "net_internal.h"

int net_err_to_errno(err_t err)
{
	switch (err) {
	case ERR_OK: return 0;
	case ERR_MEM: return ENOMEM;
	case ERR_BUF: return ENOBUFS;
	case ERR_TIMEOUT: return ETIMEDOUT;
	case ERR_RTE: return ENETUNREACH;
	case ERR_INPROGRESS: return EINPROGRESS;
	case ERR_VAL: return EINVAL;
	case ERR_WOULDBLOCK: return EWOULDBLOCK;
	case ERR_USE: return EADDRINUSE;
	case ERR_ALREADY: return EALREADY;
	case ERR_ISCONN: return EISCONN;
	case ERR_CONN: return ENOTCONN;
	case ERR_IF: return ENETDOWN;
	case ERR_ABRT: return ECONNABORTED;
	case ERR_RST: return ECONNRESET;
	case ERR_CLSD: return ENOTCONN;
	case ERR_ARG: return EINVAL;
	default: return EIO;
	}
}

int sock_to_ip(const struct net_sock *s, const struct sockaddr *sa, socklen_t len,
	       ip_addr_t *ip, u16_t *port)
{
	if (!sa)
		return -EFAULT;
	if (len < sizeof(sa_family_t))
		return -EINVAL;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		if (len < sizeof(*in))
			return -EINVAL;
		if (s->family != AF_INET)
			return -EAFNOSUPPORT;
		ip_addr_set_ip4_u32_val(*ip, in->sin_addr.s_addr);
		*port = lwip_ntohs(in->sin_port);
		return 0;
	}
#if LWIP_IPV6
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		const uint32_t *w = in6->sin6_addr.s6_addr32;

		if (len < sizeof(*in6))
			return -EINVAL;
		if (s->family != AF_INET6)
			return -EAFNOSUPPORT;
		*port = lwip_ntohs(in6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
			if (s->flags & S_V6ONLY)
				return -EINVAL;
			ip_addr_set_ip4_u32_val(*ip, w[3]);
			return 0;
		}
		IP_ADDR6(ip, w[0], w[1], w[2], w[3]);
		if (ip6_addr_has_scope(ip_2_ip6(ip), IP6_UNKNOWN) && in6->sin6_scope_id)
			ip6_addr_set_zone(ip_2_ip6(ip), (u8_t)in6->sin6_scope_id);
		else
			ip6_addr_assign_zone(ip_2_ip6(ip), IP6_UNKNOWN, netif_default);
		return 0;
	}
#endif
	return -EAFNOSUPPORT;
}

void sock_from_ip(const struct net_sock *s, const ip_addr_t *ip, u16_t port,
		  struct sockaddr *sa, socklen_t *len)
{
	union {
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} u;
	socklen_t n;

	if (!sa || !len)
		return;
	memset(&u, 0, sizeof(u));
	if (s->family == AF_INET) {
		u.in.sin_family = AF_INET;
		u.in.sin_port = lwip_htons(port);
		u.in.sin_addr.s_addr = ip && IP_IS_V4(ip) ? ip4_addr_get_u32(ip_2_ip4(ip)) : 0;
		n = sizeof(u.in);
	} else {
		u.in6.sin6_family = AF_INET6;
		u.in6.sin6_port = lwip_htons(port);
#if LWIP_IPV6
		if (ip && IP_IS_V6(ip)) {
			memcpy(&u.in6.sin6_addr, ip_2_ip6(ip)->addr, 16);
			if (ip6_addr_has_zone(ip_2_ip6(ip)))
				u.in6.sin6_scope_id = ip6_addr_zone(ip_2_ip6(ip));
		} else if (ip && !ip_addr_isany(ip)) {
			/* An IPv4 peer of a dual-stack socket: ::ffff:a.b.c.d */
			u.in6.sin6_addr.s6_addr32[2] = lwip_htonl(0xffff);
			u.in6.sin6_addr.s6_addr32[3] = ip4_addr_get_u32(ip_2_ip4(ip));
		}
#endif
		n = sizeof(u.in6);
	}
	memcpy(sa, &u, *len < n ? *len : n);
	*len = n;
}

