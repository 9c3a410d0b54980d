// SPDX-License-Identifier: MIT
/*
 * The page allocator (kernel/page.c) over regions mmap'd from the host.
 * Its state is static and cannot be reset, so every test runs in its own
 * child (the suite forces CK_FORK) and starts from an allocator that has
 * never been given memory.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hako/page.h>

#include "unit.h"

/* A region of `pages` pages whose base is aligned to 2^align_shift pages
 * (plus skew pages), so that alignment is tested from odd bases too.
 * Everything around it is inaccessible: an access outside it faults. */
static uintptr_t region(size_t pages, unsigned align_shift, size_t skew)
{
	size_t align = PAGE_SIZE << align_shift, len = pages * PAGE_SIZE + align + skew * PAGE_SIZE;
	char *p = unit_map(len);
	uintptr_t base = (((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1)) + skew * PAGE_SIZE;

	unit_protect(p, base - (uintptr_t)p);
	unit_protect((void *)(base + pages * PAGE_SIZE),
		     (uintptr_t)p + len - (base + pages * PAGE_SIZE));
	return base;
}

/* The bitmap takes whole pages at the start of the region. */
static size_t bitmap_pages(size_t pages)
{
	return ((pages + 63) / 64 * 8 + PAGE_SIZE - 1) / PAGE_SIZE;
}

static struct page_stats stats(void)
{
	struct page_stats st;

	page_get_stats(&st);
	return st;
}

START_TEST(add_region_accounting)
{
	uintptr_t a = region(100, 0, 0), b = region(40000, 0, 0);

	ck_assert_uint_eq(stats().total, 0);
	ck_assert_ptr_null(page_alloc(1, 1));
	ck_assert_uint_eq(stats().failed, 1);
	page_add_region(a, 100 * PAGE_SIZE);
	ck_assert_uint_eq(stats().total, 100 - bitmap_pages(100));
	page_add_region(b, 40000 * PAGE_SIZE);
	ck_assert_uint_eq(stats().total, 100 - bitmap_pages(100) + 40000 - bitmap_pages(40000));
	ck_assert_uint_eq(stats().used, 0);
	ck_assert_uint_eq(stats().peak, 0);
	/* a region no bigger than its own bitmap is ignored */
	page_add_region(region(1, 0, 0), PAGE_SIZE);
	ck_assert_uint_eq(stats().total, 100 - bitmap_pages(100) + 40000 - bitmap_pages(40000));
}
END_TEST

START_TEST(pages_are_in_the_region_past_the_bitmap)
{
	uintptr_t a = region(64, 0, 0);
	size_t total;

	page_add_region(a, 64 * PAGE_SIZE);
	total = stats().total;
	for (size_t i = 0; i < total; i++) {
		uintptr_t p = (uintptr_t)page_alloc(1, 1);

		ck_assert(p >= a + bitmap_pages(64) * PAGE_SIZE && p < a + 64 * PAGE_SIZE);
		ck_assert_uint_eq(p % PAGE_SIZE, 0);
		memset((void *)p, 0xee, PAGE_SIZE); /* must not hit the bitmap */
	}
	ck_assert_ptr_null(page_alloc(1, 1));
	ck_assert_uint_eq(stats().used, total);
	ck_assert_uint_eq(stats().failed, 1);
}
END_TEST

struct run {
	uintptr_t p;
	size_t n;
	unsigned tag;
};

static int by_addr(const void *a, const void *b)
{
	const struct run *x = a, *y = b;

	return (x->p > y->p) - (x->p < y->p);
}

static void stamp(const struct run *r)
{
	for (size_t i = 0; i < r->n; i++) {
		unsigned *w = (unsigned *)(r->p + i * PAGE_SIZE);

		w[0] = r->tag;
		w[PAGE_SIZE / sizeof(unsigned) - 1] = ~r->tag;
	}
}

static void check_stamp(const struct run *r)
{
	for (size_t i = 0; i < r->n; i++) {
		unsigned *w = (unsigned *)(r->p + i * PAGE_SIZE);

		ck_assert_msg(w[0] == r->tag && w[PAGE_SIZE / sizeof(unsigned) - 1] == ~r->tag,
			      "run %#lx+%zu page %zu was overwritten", (unsigned long)r->p, r->n,
			      i);
	}
}

/* Random allocations and frees of random sizes and alignments, in two
 * regions with odd bases: within a region, aligned, never overlapping,
 * contents intact, statistics exact. */
START_TEST(random_alloc_free)
{
	enum { MAXLIVE = 300 };
	struct rng r;
	struct run live[MAXLIVE], sorted[MAXLIVE];
	int nlive = 0;
	size_t used = 0, peak = 0, failed = 0;
	uintptr_t ra = region(3000, 6, 3), rb = region(1000, 0, 1);
	unsigned tag = 1;

	rng_init(&r, "page.random_alloc_free");
	page_add_region(ra, 3000 * PAGE_SIZE);
	page_add_region(rb, 1000 * PAGE_SIZE);
	for (int op = 0; op < 20000; op++) {
		if (nlive < MAXLIVE && (nlive == 0 || rng_chance(&r, 55))) {
			size_t n = rng_chance(&r, 80) ? (size_t)rng_range(&r, 1, 8)
						      : (size_t)rng_range(&r, 1, 300);
			size_t align = (size_t)1 << rng_below(&r, rng_chance(&r, 80) ? 3 : 8);
			void *p = page_alloc(n, align);

			if (!p) {
				failed++;
				continue;
			}
			live[nlive] = (struct run){(uintptr_t)p, n, tag++};
			ck_assert_msg((uintptr_t)p % (align * PAGE_SIZE) == 0,
				      "page_alloc(%zu, %zu) = %p: misaligned", n, align, p);
			ck_assert((live[nlive].p >= ra &&
				   live[nlive].p + n * PAGE_SIZE <= ra + 3000 * PAGE_SIZE) ||
				  (live[nlive].p >= rb &&
				   live[nlive].p + n * PAGE_SIZE <= rb + 1000 * PAGE_SIZE));
			stamp(&live[nlive]);
			nlive++;
			used += n;
			if (used > peak)
				peak = used;
		} else {
			int k = (int)rng_below(&r, (uint64_t)nlive);

			check_stamp(&live[k]);
			page_free((void *)live[k].p, live[k].n);
			used -= live[k].n;
			live[k] = live[--nlive];
		}
		ck_assert_uint_eq(stats().used, used);
		ck_assert_uint_eq(stats().peak, peak);
		ck_assert_uint_eq(stats().failed, failed);
		if (op % 50 == 0) {
			memcpy(sorted, live, (size_t)nlive * sizeof(live[0]));
			qsort(sorted, (size_t)nlive, sizeof(sorted[0]), by_addr);
			for (int i = 1; i < nlive; i++)
				ck_assert_msg(sorted[i - 1].p + sorted[i - 1].n * PAGE_SIZE <=
						  sorted[i].p,
					      "runs %#lx+%zu and %#lx overlap",
					      (unsigned long)sorted[i - 1].p, sorted[i - 1].n,
					      (unsigned long)sorted[i].p);
		}
	}
	while (nlive) {
		check_stamp(&live[--nlive]);
		page_free((void *)live[nlive].p, live[nlive].n);
	}
	ck_assert_uint_eq(stats().used, 0);
	/* everything is free again: one run as big as the bigger region fits */
	ck_assert_ptr_nonnull(page_alloc(3000 - bitmap_pages(3000), 1));
}
END_TEST

START_TEST(exhaustion_and_fragmentation)
{
	uintptr_t a = region(130, 0, 0);
	size_t total;
	void *p[130];

	page_add_region(a, 130 * PAGE_SIZE);
	total = stats().total;
	ck_assert_ptr_null(page_alloc(total + 1, 1));
	ck_assert_uint_eq(stats().failed, 1);
	for (size_t i = 0; i < total; i++)
		ck_assert_ptr_nonnull(p[i] = page_alloc(1, 1));
	ck_assert_ptr_null(page_alloc(1, 1));
	ck_assert_uint_eq(stats().failed, 2);
	ck_assert_uint_eq(stats().used, total);
	ck_assert_uint_eq(stats().peak, total);
	/* every other page free: plenty of pages, no run of two */
	for (size_t i = 0; i < total; i += 2)
		page_free(p[i], 1);
	ck_assert_ptr_null(page_alloc(2, 1));
	ck_assert_uint_eq(stats().failed, 3);
	ck_assert_ptr_nonnull(page_alloc(1, 1)); /* found behind the next-fit hint */
	ck_assert_uint_eq(stats().peak, total);
}
END_TEST

START_TEST(next_fit_wraps_around)
{
	uintptr_t a = region(70, 0, 0);
	size_t total;
	char *first, *q;

	page_add_region(a, 70 * PAGE_SIZE);
	total = stats().total;
	first = page_alloc(4, 1);
	ck_assert_ptr_nonnull(page_alloc(total - 4, 1)); /* the hint is now at the end */
	page_free(first, 4);
	q = page_alloc(3, 1);
	ck_assert_ptr_eq(q, first); /* found from the start again */
	ck_assert_ptr_eq(page_alloc(1, 1), first + 3 * PAGE_SIZE);
	ck_assert_ptr_null(page_alloc(1, 1));
}
END_TEST

START_TEST(alignment_from_odd_bases)
{
	/* Up to 8 regions, each based 1..8 pages off a 256-page boundary. */
	for (size_t k = 0; k < 8; k++)
		page_add_region(region(600, 8, k + 1), 600 * PAGE_SIZE);
	for (size_t align = 1; align <= 256; align *= 2)
		for (int i = 0; i < 4; i++) {
			void *p = page_alloc(1 + (size_t)i * 3, align);

			ck_assert_ptr_nonnull(p);
			ck_assert_msg((uintptr_t)p % (align * PAGE_SIZE) == 0,
				      "page_alloc(%d, %zu) = %p", 1 + i * 3, align, p);
		}
	/* An alignment no region can give: NULL, counted as a failure. */
	ck_assert_ptr_null(page_alloc(1, (size_t)1 << 40));
}
END_TEST

START_TEST(bad_arguments)
{
	page_add_region(region(100, 0, 0), 100 * PAGE_SIZE);
	ck_assert_ptr_null(page_alloc(0, 1));
	ck_assert_ptr_null(page_alloc(1, 0));
	ck_assert_ptr_null(page_alloc(1, 3)); /* not a power of two */
	ck_assert_uint_eq(stats().used, 0);
}
END_TEST

/* A request bigger than any region, once the next-fit hint is past 0,
 * must fail cleanly (a wrapped i + n once made find_run scan far beyond
 * the bitmap). */
START_TEST(huge_requests_fail_cleanly)
{
	page_add_region(region(100, 0, 0), 100 * PAGE_SIZE);
	ck_assert_ptr_nonnull(page_alloc(5, 1)); /* hint = 5 */
	ck_assert_ptr_null(page_alloc(SIZE_MAX, 1));
	ck_assert_ptr_null(page_alloc(SIZE_MAX - 3, 1));
	ck_assert_ptr_null(page_alloc(SIZE_MAX / 2, 1));
	ck_assert_ptr_null(page_alloc((size_t)1 << 62, 1));
	ck_assert_ptr_null(page_alloc(1, (size_t)1 << 63));
	ck_assert_ptr_null(page_alloc(3, (size_t)1 << 63));
	ck_assert_uint_eq(stats().used, 5);
	ck_assert_uint_eq(stats().failed, 6);
	ck_assert_ptr_nonnull(page_alloc(1, 1));
}
END_TEST

START_TEST(too_many_regions_warns)
{
	unsigned before;
	size_t total;

	for (int k = 0; k < 8; k++)
		page_add_region(region(10, 0, 0), 10 * PAGE_SIZE);
	total = stats().total;
	before = unit_log_count;
	page_add_region(region(10, 0, 0), 10 * PAGE_SIZE);
	ck_assert_uint_eq(stats().total, total);
	ck_assert_uint_eq(unit_log_count, before + 1);
	ck_assert_ptr_nonnull(strstr(unit_log_last, "more than 8"));
}
END_TEST

/* ---- panics */

START_TEST(surrender_and_restore)
{
	uintptr_t a = region(200, 0, 0), got[300];
	size_t total, n;
	void *p, *q;

	page_add_region(a, 200 * PAGE_SIZE);
	total = stats().total;
	p = page_alloc(10, 1);
	ck_assert_ptr_nonnull(p);
	/* keep: 20 pages stay free whatever is asked */
	n = page_surrender(got, 300, 20);
	ck_assert_uint_eq(n, total - 10 - 20);
	ck_assert_uint_eq(stats().surrendered, n);
	ck_assert_uint_eq(stats().used, 10);
	/* highest first, none of them the allocated run */
	ck_assert_uint_eq(got[0], a + 199 * PAGE_SIZE);
	for (size_t i = 0; i < n; i++) {
		ck_assert(got[i] < (uintptr_t)p || got[i] >= (uintptr_t)p + 10 * PAGE_SIZE);
		ck_assert(i == 0 || got[i] < got[i - 1]);
	}
	/* only the kept 20 can be allocated now */
	ck_assert_ptr_nonnull(q = page_alloc(20, 1));
	ck_assert_ptr_null(page_alloc(1, 1));
	ck_assert_uint_eq(page_surrender(got + n, 10, 0), 0);
	page_free(q, 20);
	page_restore(got, n);
	ck_assert_uint_eq(stats().surrendered, 0);
	ck_assert_ptr_nonnull(page_alloc(total - 10, 1));
}
END_TEST

START_TEST(restore_of_free_page_panics)
{
	uintptr_t a = region(100, 0, 0), got[4];

	page_add_region(a, 100 * PAGE_SIZE);
	ck_assert_uint_eq(page_surrender(got, 4, 0), 4);
	page_restore(got, 4);
	page_restore(got, 1); /* twice: panics */
}
END_TEST

START_TEST(restore_of_foreign_page_panics)
{
	uintptr_t a = region(100, 0, 0), got[1];

	page_add_region(a, 100 * PAGE_SIZE);
	ck_assert_uint_eq(page_surrender(got, 1, 0), 1);
	got[0] = a - PAGE_SIZE;
	page_restore(got, 1);
}
END_TEST

START_TEST(double_free_panics)
{
	void *p;

	page_add_region(region(100, 0, 0), 100 * PAGE_SIZE);
	p = page_alloc(3, 1);
	page_free(p, 3);
	page_free(p, 3);
}
END_TEST

START_TEST(partly_free_run_panics)
{
	char *p;

	page_add_region(region(100, 0, 0), 100 * PAGE_SIZE);
	p = page_alloc(3, 1);
	page_free(p, 4); /* the 4th page was never allocated */
}
END_TEST

START_TEST(foreign_address_panics)
{
	static char elsewhere[PAGE_SIZE * 2];

	page_add_region(region(100, 0, 0), 100 * PAGE_SIZE);
	(void)page_alloc(1, 1);
	page_free((void *)(((uintptr_t)elsewhere + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)), 1);
}
END_TEST

START_TEST(bitmap_address_panics)
{
	uintptr_t a = region(100, 0, 0);

	page_add_region(a, 100 * PAGE_SIZE);
	(void)page_alloc(1, 1);
	page_free((void *)a, 1); /* the region's first page holds the bitmap */
}
END_TEST

START_TEST(misaligned_address_panics)
{
	char *p;

	page_add_region(region(100, 0, 0), 100 * PAGE_SIZE);
	p = page_alloc(2, 1);
	page_free(p + 8, 1);
}
END_TEST

START_TEST(run_past_region_end_panics)
{
	uintptr_t a = region(100, 0, 0);
	char *p;

	page_add_region(a, 100 * PAGE_SIZE);
	p = page_alloc(stats().total, 1);
	page_free(p, stats().total + 1);
}
END_TEST

void unit_register(void)
{
	Suite *s = suite_create("page");
	TCase *tc = unit_tcase("page"), *pc = unit_tcase("panics");

	tcase_add_test(tc, add_region_accounting);
	tcase_add_test(tc, pages_are_in_the_region_past_the_bitmap);
	tcase_add_test(tc, random_alloc_free);
	tcase_add_test(tc, exhaustion_and_fragmentation);
	tcase_add_test(tc, next_fit_wraps_around);
	tcase_add_test(tc, alignment_from_odd_bases);
	tcase_add_test(tc, bad_arguments);
	tcase_add_test(tc, huge_requests_fail_cleanly);
	tcase_add_test(tc, too_many_regions_warns);
	tcase_add_test(tc, surrender_and_restore);
	suite_add_tcase(s, tc);
	tcase_add_test_raise_signal(pc, double_free_panics, SIGABRT);
	tcase_add_test_raise_signal(pc, partly_free_run_panics, SIGABRT);
	tcase_add_test_raise_signal(pc, foreign_address_panics, SIGABRT);
	tcase_add_test_raise_signal(pc, bitmap_address_panics, SIGABRT);
	tcase_add_test_raise_signal(pc, misaligned_address_panics, SIGABRT);
	tcase_add_test_raise_signal(pc, run_past_region_end_panics, SIGABRT);
	tcase_add_test_raise_signal(pc, restore_of_free_page_panics, SIGABRT);
	tcase_add_test_raise_signal(pc, restore_of_foreign_page_panics, SIGABRT);
	suite_add_tcase(s, pc);
	unit_add_suite(s, true);
}
