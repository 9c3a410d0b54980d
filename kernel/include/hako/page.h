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
};
void page_get_stats(struct page_stats *st);

#endif /* HAKO_PAGE_H */
