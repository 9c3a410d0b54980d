// SPDX-License-Identifier: MIT
/* setsockopt and getsockopt: the options <sys/socket.h> lists. */
#include <errno.h>
#include <string.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include "lwip/priv/tcp_priv.h"

#include "net_internal.h"


static int int_arg(const void *val, socklen_t len, int *out)
{
	if (!val)
		return -EFAULT;
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(out, val, sizeof(int));
	return 0;
}

static int timeout_arg(const void *val, socklen_t len, uint64_t *ns)
{
	struct timeval tv;

	if (!val)
		return -EFAULT;
	if (len < sizeof(tv))
		return -EINVAL;
	memcpy(&tv, val, sizeof(tv));
	if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
		return -EDOM;
	if ((uint64_t)tv.tv_sec > UINT64_MAX / 4000000000ULL)
		*ns = UINT64_MAX / 4; /* practically forever */
	else
		*ns = (uint64_t)tv.tv_sec * 1000000000ULL + (uint64_t)tv.tv_usec * 1000;
	return 0;
}

static void set_flag(struct net_sock *s, unsigned flag, int on)
{
	if (on)
		s->flags |= flag;
	else
		s->flags &= ~flag;
}

static int set_locked(struct net_sock *s, int level, int name, const void *val, socklen_t len)
{
	struct tcp_pcb *tcp = s->type == SOCK_STREAM ? s->pcb.tcp : NULL;
	int v, rc;

	if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO))
		return timeout_arg(val, len, name == SO_RCVTIMEO ? &s->rcvtimeo : &s->sndtimeo);
	if (level == SOL_SOCKET && name == SO_LINGER) {
		struct linger l;

		if (!val)
			return -EFAULT;
		if (len < sizeof(l))
			return -EINVAL;
		memcpy(&l, val, sizeof(l));
		/* Only {1, 0} (reset on close) changes anything: a close
		 * never blocks here, so a positive linger time acts as 0's
		 * graceful close does. */
		set_flag(s, S_LINGER0, l.l_onoff && l.l_linger == 0);
		return 0;
	}
	rc = int_arg(val, len, &v);
	if (rc)
		return rc;
	switch (level) {
	case SOL_SOCKET:
		switch (name) {
		case SO_REUSEADDR:
		case SO_REUSEPORT:
			set_flag(s, S_REUSEADDR, v);
			return 0;
		case SO_KEEPALIVE:
			if (s->type != SOCK_STREAM)
				return -ENOPROTOOPT;
			set_flag(s, S_KEEPALIVE, v);
			tcp_sock_apply_keepalive(s);
			return 0;
		case SO_BROADCAST:
			set_flag(s, S_BROADCAST, v);
			if (s->type == SOCK_DGRAM && s->pcb.udp) {
				if (v)
					ip_set_option(s->pcb.udp, SOF_BROADCAST);
				else
					ip_reset_option(s->pcb.udp, SOF_BROADCAST);
			}
			return 0;
		case SO_RCVBUF:
		case SO_SNDBUF:
		case SO_RCVLOWAT:
		case SO_SNDLOWAT:
		case SO_DEBUG:
		case SO_DONTROUTE:
		case SO_OOBINLINE:
			return 0; /* accepted: the stack's sizes are fixed at build */
		}
		return -ENOPROTOOPT;
	case IPPROTO_TCP:
		if (s->type != SOCK_STREAM)
			return -ENOPROTOOPT;
		switch (name) {
		case TCP_NODELAY:
			set_flag(s, S_NODELAY, v);
			if (tcp && tcp->state != LISTEN) {
				if (v)
					tcp_nagle_disable(tcp);
				else
					tcp_nagle_enable(tcp);
			}
			return 0;
		case TCP_KEEPIDLE:
		case TCP_KEEPINTVL:
		case TCP_KEEPCNT:
			if (v < 1 || v > (name == TCP_KEEPCNT ? 127 : 32767))
				return -EINVAL;
			if (name == TCP_KEEPIDLE)
				s->keepidle = (u32_t)v;
			else if (name == TCP_KEEPINTVL)
				s->keepintvl = (u32_t)v;
			else
				s->keepcnt = (u32_t)v;
			tcp_sock_apply_keepalive(s);
			return 0;
		case TCP_MAXSEG:
			return 0;
		}
		return -ENOPROTOOPT;
	case IPPROTO_IP:
		if (s->family != AF_INET)
			return -ENOPROTOOPT;
		if (name == IP_TTL || name == IP_TOS) {
			if (v < 0 || v > 255 || (name == IP_TTL && v == 0))
				return -EINVAL;
			if (s->pcb.tcp) { /* ttl and tos sit alike in both pcbs */
				if (name == IP_TTL)
					s->pcb.tcp->ttl = (u8_t)v;
				else
					s->pcb.tcp->tos = (u8_t)v;
			}
			return 0;
		}
		return -ENOPROTOOPT;
	case IPPROTO_IPV6:
		if (s->family != AF_INET6)
			return -ENOPROTOOPT;
		if (name == IPV6_V6ONLY) {
			if (s->flags & S_BOUND)
				return -EINVAL;
			set_flag(s, S_V6ONLY, v);
			/* The pcb's address type follows (set at bind). */
			if (s->type == SOCK_STREAM && s->pcb.tcp) {
				IP_SET_TYPE_VAL(s->pcb.tcp->local_ip, sock_ip_type(s));
				IP_SET_TYPE_VAL(s->pcb.tcp->remote_ip, sock_ip_type(s));
			} else if (s->type == SOCK_DGRAM && s->pcb.udp) {
				IP_SET_TYPE_VAL(s->pcb.udp->local_ip, sock_ip_type(s));
				IP_SET_TYPE_VAL(s->pcb.udp->remote_ip, sock_ip_type(s));
			}
			return 0;
		}
		return -ENOPROTOOPT;
	}
	return -ENOPROTOOPT;
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct net_sock *s = sock_get(fd);
	int rc;

	if (!s)
		return -1;
	net_lock();
	rc = set_locked(s, level, name, val, len);
	net_unlock();
	return rc < 0 ? sock_fail(-rc) : 0;
}

static int get_locked(struct net_sock *s, int level, int name, void *val, socklen_t *len)
{
	struct tcp_pcb *tcp = s->type == SOCK_STREAM ? s->pcb.tcp : NULL;
	struct timeval tv;
	struct linger l;
	const void *src = NULL;
	socklen_t n = sizeof(int);
	int v = 0;

	switch (level) {
	case SOL_SOCKET:
		switch (name) {
		case SO_RCVTIMEO:
		case SO_SNDTIMEO: {
			uint64_t ns = name == SO_RCVTIMEO ? s->rcvtimeo : s->sndtimeo;

			tv.tv_sec = (time_t)(ns / 1000000000ULL);
			tv.tv_usec = (suseconds_t)(ns % 1000000000ULL / 1000);
			src = &tv;
			n = sizeof(tv);
			break;
		}
		case SO_LINGER:
			l.l_onoff = !!(s->flags & S_LINGER0);
			l.l_linger = 0;
			src = &l;
			n = sizeof(l);
			break;
		case SO_ERROR:
			v = s->so_error;
			s->so_error = 0;
			break;
		case SO_TYPE: v = s->type; break;
		case SO_DOMAIN: v = s->family; break;
		case SO_PROTOCOL: v = s->type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP; break;
		case SO_ACCEPTCONN: v = !!(s->flags & S_LISTENING); break;
		case SO_REUSEADDR:
		case SO_REUSEPORT: v = !!(s->flags & S_REUSEADDR); break;
		case SO_KEEPALIVE: v = !!(s->flags & S_KEEPALIVE); break;
		case SO_BROADCAST: v = !!(s->flags & S_BROADCAST); break;
		case SO_RCVBUF: v = s->type == SOCK_STREAM ? TCP_WND
					: CONFIG_NET_UDP_QUEUE * 1472; break;
		case SO_SNDBUF: v = s->type == SOCK_STREAM ? TCP_SND_BUF : 65535; break;
		case SO_RCVLOWAT:
		case SO_SNDLOWAT: v = 1; break;
		default: return -ENOPROTOOPT;
		}
		break;
	case IPPROTO_TCP:
		if (s->type != SOCK_STREAM)
			return -ENOPROTOOPT;
		switch (name) {
		case TCP_NODELAY: v = !!(s->flags & S_NODELAY); break;
		case TCP_MAXSEG: v = tcp && tcp->state != LISTEN ? tcp_mss(tcp) : TCP_MSS; break;
		case TCP_KEEPIDLE:
			v = (int)(s->keepidle ? s->keepidle : TCP_KEEPIDLE_DEFAULT / 1000);
			break;
		case TCP_KEEPINTVL:
			v = (int)(s->keepintvl ? s->keepintvl : TCP_KEEPINTVL_DEFAULT / 1000);
			break;
		case TCP_KEEPCNT:
			v = (int)(s->keepcnt ? s->keepcnt : TCP_KEEPCNT_DEFAULT);
			break;
		default: return -ENOPROTOOPT;
		}
		break;
	case IPPROTO_IP:
		if (s->family != AF_INET || (name != IP_TTL && name != IP_TOS))
			return -ENOPROTOOPT;
		v = !s->pcb.tcp ? (name == IP_TTL ? IP_DEFAULT_TTL : 0)
				: name == IP_TTL ? s->pcb.tcp->ttl : s->pcb.tcp->tos;
		break;
	case IPPROTO_IPV6:
		if (s->family != AF_INET6 || name != IPV6_V6ONLY)
			return -ENOPROTOOPT;
		v = !!(s->flags & S_V6ONLY);
		break;
	default:
		return -ENOPROTOOPT;
	}
	if (!src)
		src = &v;
	if (!val || !len)
		return -EFAULT;
	memcpy(val, src, *len < n ? *len : n);
	*len = n;
	return 0;
}

int getsockopt(int fd, int level, int name, void *restrict val, socklen_t *restrict len)
{
	struct net_sock *s = sock_get(fd);
	int rc;

	if (!s)
		return -1;
	net_lock();
	rc = get_locked(s, level, name, val, len);
	net_unlock();
	return rc < 0 ? sock_fail(-rc) : 0;
}
