/* SPDX-License-Identifier: MIT */
/*
 * arch/cc.h - lwIP's compiler and platform definitions for Hako: Hako's
 * libc and printk, panics for lwIP's assertions, the kernel's random
 * numbers, byte swaps as compiler builtins.
 */
#ifndef HAKO_LWIP_ARCH_CC_H
#define HAKO_LWIP_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <hako/printk.h>
#include <hako/random.h>

#define BYTE_ORDER LITTLE_ENDIAN

/* lwIP's byte-order functions as builtins; the POSIX names (htons...)
 * come from <netinet/in.h>, not from lwIP. */
#define LWIP_DONT_PROVIDE_BYTEORDER_FUNCTIONS 1
#define lwip_htons(x) ((u16_t)__builtin_bswap16((u16_t)(x)))
#define lwip_htonl(x) ((u32_t)__builtin_bswap32((u32_t)(x)))

/* ctype from our libc */
#define LWIP_NO_CTYPE_H 0

/*
 * lwIP 2.1.3's tcp_new_port() steps from the range's last port (0xffff) to
 * port 0, not back to its start, when tcp_init() drew 0xffff as the last
 * port used (it keeps the draw's low 14 bits): the first connect of that
 * boot then fails with ERR_BUF, ENOBUFS to the app (one boot in 16384;
 * seen once in `make test`).  So no draw has those 14 bits all set.
 */
#define LWIP_RAND() ((u32_t)hako_lwip_rand())
uint32_t hako_lwip_rand(void);

/* An lwIP invariant that does not hold is a bug: stop with the reason. */
#define LWIP_PLATFORM_ASSERT(x) panic("lwIP: assertion \"%s\" failed at %s:%d", x, __FILE__, __LINE__)
#define LWIP_PLATFORM_DIAG(x) hako_lwip_diag x
int hako_lwip_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

typedef unsigned long sys_prot_t;

#endif
