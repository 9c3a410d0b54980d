/* SPDX-License-Identifier: MIT */
/*
 * arpa/inet.h - address text conversions (pure functions: no network
 * service needed).  inet_pton accepts the forms POSIX requires: dotted
 * decimal with exactly four parts for AF_INET, RFC 4291 text (with "::"
 * and a dotted IPv4 tail) for AF_INET6; it returns 1, 0 for text that is
 * not an address, -1 with errno EAFNOSUPPORT for another family.
 * inet_ntop writes RFC 5952 text and returns dst, or NULL with errno
 * ENOSPC (size too small) / EAFNOSUPPORT.  inet_aton takes the classic
 * forms too (a, a.b, a.b.c, hex and octal parts).
 */
#ifndef _ARPA_INET_H
#define _ARPA_INET_H

#include <netinet/in.h>

int inet_pton(int af, const char *restrict src, void *restrict dst);
const char *inet_ntop(int af, const void *restrict src, char *restrict dst, socklen_t size);
int inet_aton(const char *s, struct in_addr *addr);
/* INADDR_NONE for text that is not an address (and for 255.255.255.255) */
in_addr_t inet_addr(const char *s);
/* A per-thread static buffer, overwritten by the next call. */
char *inet_ntoa(struct in_addr addr);

#endif
