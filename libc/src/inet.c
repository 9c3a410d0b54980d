// SPDX-License-Identifier: MIT
/*
 * Address text conversions (arpa/inet.h).  The accepted and produced forms
 * follow glibc's, which the host unit tests compare against: inet_pton's
 * AF_INET wants exactly four decimal parts without leading zeros;
 * inet_ntop's AF_INET6 compresses the longest run of two or more zero
 * groups (the first of equal runs) and writes an IPv4 tail for mapped and
 * compatible addresses.
 */
#include <errno.h>
#include <string.h>

#include <arpa/inet.h>

const struct in6_addr in6addr_any = IN6ADDR_ANY_INIT;
const struct in6_addr in6addr_loopback = IN6ADDR_LOOPBACK_INIT;

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four decimal parts 0-255, no leading zeros, nothing after.  src ends at
 * end (exclusive) or at its NUL. */
static int pton4(const char *src, uint8_t out[4])
{
	int parts = 0;

	while (parts < 4) {
		unsigned v = 0;
		int digits = 0;

		for (; *src >= '0' && *src <= '9'; src++, digits++) {
			if (digits && v == 0)
				return 0; /* leading zero */
			v = v * 10 + (unsigned)(*src - '0');
			if (v > 255)
				return 0;
		}
		if (!digits)
			return 0;
		out[parts++] = (uint8_t)v;
		if (parts < 4 && *src++ != '.')
			return 0;
	}
	return *src == '\0';
}

static int pton6(const char *src, uint8_t out[16])
{
	uint8_t tmp[16] = { 0 };
	int n = 0, gap = -1;

	if (*src == ':' && *++src != ':')
		return 0;
	while (*src) {
		const char *start = src;
		unsigned v = 0;
		int digits = 0, h;

		if (*src == ':') {
			if (gap >= 0)
				return 0; /* a second "::" */
			gap = n;
			src++;
			if (!*src)
				break;
			continue;
		}
		for (; (h = hexval(*src)) >= 0; src++) {
			if (++digits > 4)
				return 0;
			v = v << 4 | (unsigned)h;
		}
		if (*src == '.') {
			/* An IPv4 tail takes the last four bytes. */
			if (n > 12 || pton4(start, tmp + n) != 1)
				return 0;
			n += 4;
			break;
		}
		if (!digits || n > 14)
			return 0;
		tmp[n++] = (uint8_t)(v >> 8);
		tmp[n++] = (uint8_t)v;
		if (*src == ':') {
			if (!*++src)
				return 0; /* a trailing single ':' */
		} else if (*src) {
			return 0;
		}
	}
	if (gap >= 0) {
		if (n == 16)
			return 0; /* "::" standing for nothing */
		memmove(tmp + 16 - (n - gap), tmp + gap, (size_t)(n - gap));
		memset(tmp + gap, 0, (size_t)(16 - n));
	} else if (n != 16) {
		return 0;
	}
	memcpy(out, tmp, 16);
	return 1;
}

int inet_pton(int af, const char *restrict src, void *restrict dst)
{
	if (af == AF_INET)
		return pton4(src, dst);
	if (af == AF_INET6)
		return pton6(src, dst);
	errno = EAFNOSUPPORT;
	return -1;
}

static size_t put_dec(char *p, unsigned v)
{
	char t[3];
	size_t n = 0, i;

	do
		t[n++] = (char)('0' + v % 10);
	while (v /= 10);
	for (i = 0; i < n; i++)
		p[i] = t[n - 1 - i];
	return n;
}

static size_t ntop4(const uint8_t *a, char *p)
{
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		if (i)
			p[n++] = '.';
		n += put_dec(p + n, a[i]);
	}
	p[n] = '\0';
	return n;
}

static size_t ntop6(const uint8_t *a, char *p)
{
	static const char hex[] = "0123456789abcdef";
	unsigned w[8];
	int best = -1, best_len = 0, i;
	size_t n = 0;

	for (i = 0; i < 8; i++)
		w[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	for (i = 0; i < 8;) {
		int j = i;

		while (j < 8 && w[j] == 0)
			j++;
		if (j - i > best_len) {
			best = i;
			best_len = j - i;
		}
		i = j == i ? i + 1 : j;
	}
	if (best_len < 2)
		best = -1;
	for (i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				p[n++] = ':';
			continue;
		}
		if (i)
			p[n++] = ':';
		if (i == 6 && best == 0 &&
		    (best_len == 6 || (best_len == 7 && w[7] != 1) ||
		     (best_len == 5 && w[5] == 0xffff))) {
			n += ntop4(a + 12, p + n);
			return n;
		}
		{
			int started = 0;

			for (int s = 12; s >= 0; s -= 4) {
				unsigned d = w[i] >> s & 15;

				if (d || started || s == 0) {
					p[n++] = hex[d];
					started = 1;
				}
			}
		}
	}
	if (best >= 0 && best + best_len == 8)
		p[n++] = ':';
	p[n] = '\0';
	return n;
}

const char *inet_ntop(int af, const void *restrict src, char *restrict dst, socklen_t size)
{
	char tmp[INET6_ADDRSTRLEN];
	size_t n;

	if (af == AF_INET)
		n = ntop4(src, tmp);
	else if (af == AF_INET6)
		n = ntop6(src, tmp);
	else {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	if (n >= size) {
		errno = ENOSPC;
		return NULL;
	}
	memcpy(dst, tmp, n + 1);
	return dst;
}

/* The classic forms: a.b.c.d, a.b.c (c 16 bits), a.b (b 24 bits), a (32
 * bits); each part decimal, 0-octal or 0x-hex.  Ends at NUL or white space. */
int inet_aton(const char *s, struct in_addr *addr)
{
	uint32_t part[4];
	int n = 0;

	for (;;) {
		uint64_t v = 0;
		unsigned base = 10;
		int digits = 0, d;

		if (*s == '0') {
			base = 8;
			digits = 1; /* "0" alone is a number */
			s++;
			if (*s == 'x' || *s == 'X') {
				base = 16;
				digits = 0;
				s++;
			}
		}
		for (;; s++, digits++) {
			d = hexval(*s);
			if (d < 0 || (unsigned)d >= base)
				break;
			v = v * base + (unsigned)d;
			if (v > 0xffffffffULL)
				return 0;
		}
		if (!digits)
			return 0;
		part[n++] = (uint32_t)v;
		if (*s != '.')
			break;
		if (n == 4)
			return 0;
		s++;
	}
	if (*s && *s != ' ' && (*s < '\t' || *s > '\r')) /* glibc: any isspace() */
		return 0;
	{
		uint32_t v = part[n - 1], max = n == 1 ? 0xffffffffu : 0xffffffu >> (8 * (n - 2));

		if (v > max)
			return 0;
		for (int i = 0; i < n - 1; i++) {
			if (part[i] > 255)
				return 0;
			v |= part[i] << (24 - 8 * i);
		}
		if (addr)
			addr->s_addr = htonl(v);
	}
	return 1;
}

in_addr_t inet_addr(const char *s)
{
	struct in_addr a;

	return inet_aton(s, &a) ? a.s_addr : INADDR_NONE;
}

char *inet_ntoa(struct in_addr addr)
{
	static char buf[INET_ADDRSTRLEN];

	ntop4((const uint8_t *)&addr.s_addr, buf);
	return buf;
}
