// SPDX-License-Identifier: MIT
/*
 * The page allocator: one bitmap per region (a set bit is an allocated
 * page), stored in the region's own first pages.  Only the bitmap and the
 * pages handed out are ever touched, so a 1 GiB region costs 32 KiB of
 * bitmap and nothing else until used.  Next-fit from the last allocation
 * keeps the common case (a fresh heap growing upwards) fast.
 */
#include <stdbool.h>
#include <string.h>

#include <hako/page.h>
#include <hako/printk.h>

#define MAX_REGIONS 8
#define WORD_BITS 64

struct region {
	uintptr_t base; /* first allocatable page */
	size_t pages;
	uint64_t *bitmap;
	size_t hint;
};

static struct region regions[MAX_REGIONS];
static unsigned nr_regions;
static struct page_stats stats;

void page_add_region(uintptr_t base, size_t size)
{
	size_t pages = size / PAGE_SIZE, map_pages;
	struct region *r;

	if (nr_regions == MAX_REGIONS) {
		pr_warn("page: more than %d memory regions, ignoring %#lx+%#zx\n",
			MAX_REGIONS, (unsigned long)base, size);
		return;
	}
	/* Whole 64-bit words, one bit per page (a few bits to spare). */
	map_pages = ((pages + 63) / 64 * 8 + PAGE_SIZE - 1) / PAGE_SIZE;
	if (pages <= map_pages)
		return;
	r = &regions[nr_regions++];
	r->bitmap = (uint64_t *)base;
	r->base = base + map_pages * PAGE_SIZE;
	r->pages = pages - map_pages;
	r->hint = 0;
	memset(r->bitmap, 0, (r->pages + 63) / 64 * 8);
	stats.total += r->pages;
	pr_dbg(MEM, "region %u: %zu pages at %#lx (bitmap %zu pages)\n", nr_regions - 1,
	       r->pages, (unsigned long)r->base, map_pages);
}

static bool test_bit(const uint64_t *map, size_t i)
{
	return map[i / WORD_BITS] >> (i % WORD_BITS) & 1;
}

static void set_bits(uint64_t *map, size_t i, size_t n, bool on)
{
	for (; n; i++, n--) {
		if (on)
			map[i / WORD_BITS] |= 1ULL << (i % WORD_BITS);
		else
			map[i / WORD_BITS] &= ~(1ULL << (i % WORD_BITS));
	}
}

/* First free aligned run of n pages in [from, to), or SIZE_MAX. */
static size_t find_run(struct region *r, size_t from, size_t to, size_t n, size_t align)
{
	size_t align_off = (r->base / PAGE_SIZE) & (align - 1);
	size_t i = from;

	while (i < to && n <= to - i) { /* not i + n <= to: n may be huge */
		size_t j, skew = ((i + align_off) & (align - 1));

		if (skew) {
			i += align - skew;
			continue;
		}
		if (n >= WORD_BITS && i % WORD_BITS == 0 && r->bitmap[i / WORD_BITS] == ~0ULL) {
			i += WORD_BITS;
			continue;
		}
		for (j = 0; j < n && !test_bit(r->bitmap, i + j); j++)
			;
		if (j == n)
			return i;
		i += j + 1;
	}
	return SIZE_MAX;
}

void *page_alloc(size_t n, size_t align)
{
	if (n == 0 || align == 0 || (align & (align - 1))) {
		stats.failed++;
		return NULL;
	}
	for (unsigned k = 0; k < nr_regions; k++) {
		struct region *r = &regions[k];
		size_t i = find_run(r, r->hint, r->pages, n, align);

		if (i == SIZE_MAX)
			i = find_run(r, 0, r->hint + n < r->pages ? r->hint + n : r->pages, n, align);
		if (i == SIZE_MAX)
			continue;
		set_bits(r->bitmap, i, n, true);
		r->hint = i + n;
		stats.used += n;
		if (stats.used > stats.peak)
			stats.peak = stats.used;
		pr_dbg(MEM, "page_alloc(%zu, %zu) = %#lx (%zu pages used)\n", n, align,
		       (unsigned long)(r->base + i * PAGE_SIZE), stats.used);
		return (void *)(r->base + i * PAGE_SIZE);
	}
	pr_dbg(MEM, "page_alloc(%zu, %zu): no room\n", n, align);
	stats.failed++;
	return NULL;
}

void page_free(void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p;

	for (unsigned k = 0; k < nr_regions; k++) {
		struct region *r = &regions[k];
		size_t i = (a - r->base) / PAGE_SIZE;

		if (a < r->base || i >= r->pages)
			continue;
		if (a % PAGE_SIZE || n > r->pages - i)
			break;
		for (size_t j = 0; j < n; j++)
			if (!test_bit(r->bitmap, i + j))
				panic("page_free(%p, %zu): page %zu is not allocated (double free?)",
				      p, n, j);
		set_bits(r->bitmap, i, n, false);
		stats.used -= n;
		pr_dbg(MEM, "page_free(%p, %zu) (%zu pages used)\n", p, n, stats.used);
		if (i < r->hint)
			r->hint = i;
		return;
	}
	panic("page_free(%p, %zu): not an allocated page run", p, n);
}

size_t page_surrender(uintptr_t *pages, size_t n, size_t keep)
{
	size_t got = 0, avail = stats.total - stats.used - stats.surrendered;

	if (avail <= keep)
		return 0;
	if (n > avail - keep)
		n = avail - keep;
	/* Top down, a whole word of allocated pages at a time. */
	for (unsigned k = nr_regions; k-- > 0 && got < n;) {
		struct region *r = &regions[k];

		for (size_t i = r->pages; i-- > 0 && got < n;) {
			if (i % WORD_BITS == WORD_BITS - 1 && r->bitmap[i / WORD_BITS] == ~0ULL) {
				i -= WORD_BITS - 1;
				continue;
			}
			if (test_bit(r->bitmap, i))
				continue;
			set_bits(r->bitmap, i, 1, true);
			pages[got++] = r->base + i * PAGE_SIZE;
		}
	}
	stats.surrendered += got;
	pr_dbg(MEM, "page_surrender(%zu): %zu pages (%zu surrendered)\n", n, got,
	       stats.surrendered);
	return got;
}

void page_restore(const uintptr_t *pages, size_t n)
{
	for (size_t j = 0; j < n; j++) {
		uintptr_t a = pages[j];
		bool ok = false;

		for (unsigned k = 0; k < nr_regions && !ok; k++) {
			struct region *r = &regions[k];
			size_t i = (a - r->base) / PAGE_SIZE;

			if (a < r->base || i >= r->pages || a % PAGE_SIZE)
				continue;
			if (!test_bit(r->bitmap, i) || !stats.surrendered)
				break;
			set_bits(r->bitmap, i, 1, false);
			stats.surrendered--;
			if (i < r->hint)
				r->hint = i;
			ok = true;
		}
		if (!ok)
			panic("page_restore(%#lx): not a surrendered page", (unsigned long)a);
	}
}

void page_get_stats(struct page_stats *st)
{
	*st = stats;
}
