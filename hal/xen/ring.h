/* SPDX-License-Identifier: MIT */
/*
 * ring.h - checks on the indices of a shared byte ring (console, xenstore).
 *
 * Both sides count bytes with free-running 32-bit indices: the producer's
 * minus the consumer's is what is in the ring.  The other side's index is
 * shared memory it may have corrupted or may be lying about, so every use
 * goes through ring_used(), which refuses any value that claims more than a
 * ring's worth of data (or, seen from the producer, less than no space).
 * Pure C with no Xen dependency: test/xen-port/unit builds it on the host.
 */
#ifndef HAL_XEN_RING_H
#define HAL_XEN_RING_H

#include <stddef.h>
#include <stdint.h>

/* Bytes between cons and prod in a ring of size bytes, or -1 if impossible. */
static inline long ring_used(uint32_t cons, uint32_t prod, uint32_t size)
{
	uint32_t used = prod - cons;

	return used > size ? -1 : (long)used;
}

/* Copy len bytes out of ring (size a power of two) starting at index idx. */
static inline void ring_copy_out(const volatile char *ring, uint32_t size, uint32_t idx,
				 char *dst, size_t len)
{
	for (size_t i = 0; i < len; i++)
		dst[i] = ring[(idx + (uint32_t)i) & (size - 1)];
}

/* Copy len bytes into ring (size a power of two) starting at index idx. */
static inline void ring_copy_in(volatile char *ring, uint32_t size, uint32_t idx,
				const char *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		ring[(idx + (uint32_t)i) & (size - 1)] = src[i];
}

#endif /* HAL_XEN_RING_H */
