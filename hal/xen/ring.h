/* SPDX-License-Identifier: MIT */
/*
 * ring.h - checks on the indices of the rings shared with other domains:
 * byte rings (console, xenstore) and request/response rings (xen/io/ring.h:
 * netfront, blkfront).
 *
 * Both sides count with free-running 32-bit indices (bytes, or ring slots):
 * the producer's minus the consumer's is what is in the ring.  The other
 * side's index is shared memory it may have corrupted or may be lying
 * about, so every use goes through ring_used() or ring_rsp_avail(), which
 * refuse any value that claims more than the ring can hold (or, seen from
 * the producer, less than no space).
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

/*
 * Responses a frontend may consume from a request/response ring: the
 * backend's rsp_prod minus the frontend's rsp_cons, or -1 when that is more
 * than the requests the frontend has issued and not seen answered
 * (req_prod_pvt - rsp_cons): a backend never answers a request it was not
 * given, so such an index is bogus.  The one place a frontend turns the
 * backend's producer index into a count (netfront, blkfront).
 */
static inline long ring_rsp_avail(uint32_t rsp_cons, uint32_t rsp_prod, uint32_t req_prod_pvt)
{
	uint32_t avail = rsp_prod - rsp_cons, issued = req_prod_pvt - rsp_cons;

	return avail > issued ? -1 : (long)avail;
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
