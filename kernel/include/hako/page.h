/* SPDX-License-Identifier: MIT */
/*
 * page.h - the page allocator: 4 KiB pages from the platform's free regions.
 *
 * A bitmap per region, kept in the region's first pages; a page is touched
 * only when allocated, so unused memory is never backed by the host.
 * Allocations are contiguous runs of pages.  Never blocks.
 */
#ifndef HAKO_PAGE_H
#define HAKO_PAGE_H

#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE 4096UL
#define PAGE_SHIFT 12

struct hal_mem_region;

/* Hand a region to the allocator (at boot, or later for memory given up,
 * such as the unpacked initrd; base/size page aligned).  Up to 8 regions;
 * the rest are ignored with a warning. */
void page_add_region(uintptr_t base, size_t size);

/*
 * page_alloc - n contiguous pages aligned to align_pages (a power of two,
 * 1 for none).  Contents are not zeroed.  Returns NULL when no run is free.
 */
void *page_alloc(size_t n, size_t align_pages);

/* page_free - give back n pages from page_alloc.  Panics on a double free
 * or an address the allocator never gave out. */
void page_free(void *p, size_t n);

struct page_stats {
	size_t total;  /* pages managed */
	size_t used;   /* pages allocated now */
	size_t peak;   /* most pages allocated at once */
	size_t failed; /* page_alloc calls that returned NULL */
	size_t surrendered; /* pages given to the platform (page_surrender) */
};
void page_get_stats(struct page_stats *st);

/*
 * Ballooning: a platform that can hand memory back to its host (Xen's
 * memory/target) takes free pages out of the allocator and later returns
 * them.  Only a port calls these, and only from hal_wait() (thread context,
 * never from an upcall or fault): nothing else runs in the allocator then,
 * so no locking is needed.  Free pages stay free in every other respect:
 * the kernel never sees a difference except in page_stats.
 *
 * page_surrender - take up to n free pages out of circulation, highest
 * addresses first (away from where allocations start), leaving at least
 * keep pages free.  Stores their addresses in pages[] and returns how many
 * (0 when no page can go).  They count as surrendered, not used, and are
 * never handed out until page_restore().  The caller owns their frames and
 * must not touch their contents until it has backed them again.
 *
 * page_restore - give n pages from page_surrender back to the allocator
 * (the platform has backed them again).  Panics on an address that is not
 * a surrendered page of a region.
 */
size_t page_surrender(uintptr_t *pages, size_t n, size_t keep);
void page_restore(const uintptr_t *pages, size_t n);

#endif /* HAKO_PAGE_H */
