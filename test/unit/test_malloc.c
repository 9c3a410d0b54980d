// SPDX-License-Identifier: MIT
/*
 * malloc and friends (kernel/malloc.c) over the page allocator, over a
 * region mmap'd from the host with guard pages around it.  The heap's
 * state is static: every test runs in its own child (CK_FORK forced).
 *
 * ASan does not see inside our heap (it is one big mmap to it), so the
 * tests check for themselves: live blocks never overlap (an interval set),
 * each block's contents survive every other allocation and free (a
 * pattern per block), alignment, statistics, errno.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <hako/heap.h>
#include <hako/page.h>

#include "hako_api.h"
#include "unit.h"

static char *heap_lo, *heap_hi;

static void heap_region(size_t size)
{
	heap_lo = unit_map(size);
	heap_hi = heap_lo + size;
	page_add_region((uintptr_t)heap_lo, size);
}

static void setup(void)
{
	heap_region(64 << 20);
}

static struct heap_stats hstats(void)
{
	struct heap_stats st;

	heap_get_stats(&st);
	return st;
}

/* ---- live blocks: address-sorted, with a fill pattern each */

struct block {
	unsigned char *p;
	size_t size;
	unsigned seed;
};

static struct block *blocks;
static size_t nblocks, cap_blocks;

static unsigned char pat(unsigned seed, size_t i)
{
	return (unsigned char)(seed * 31 + i * 7 + (i >> 8));
}

static void fill_block(const struct block *b)
{
	for (size_t i = 0; i < b->size; i++)
		b->p[i] = pat(b->seed, i);
}

static void check_block(const struct block *b)
{
	for (size_t i = 0; i < b->size; i++)
		if (b->p[i] != pat(b->seed, i))
			ck_abort_msg("block %p (%zu bytes): byte %zu overwritten", (void *)b->p,
				     b->size, i);
}

static size_t find_pos(const unsigned char *p)
{
	size_t lo = 0, hi = nblocks;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (blocks[mid].p < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Record a new block: inside the heap, aligned, overlapping no live one. */
static void track(void *ptr, size_t size, size_t align, unsigned seed)
{
	unsigned char *p = ptr;
	size_t k = find_pos(p);
	size_t span = size ? size : 1; /* malloc(0) is a unique pointer too */

	ck_assert_msg((uintptr_t)p % align == 0, "%p not %zu-byte aligned", ptr, align);
	ck_assert_msg((char *)p >= heap_lo && (char *)p + size <= heap_hi,
		      "%p+%zu outside the heap", ptr, size);
	if (k > 0) {
		const struct block *b = &blocks[k - 1];

		ck_assert_msg(b->p + (b->size ? b->size : 1) <= p, "%p+%zu overlaps %p+%zu", ptr,
			      size, (void *)b->p, b->size);
	}
	if (k < nblocks)
		ck_assert_msg(p + span <= blocks[k].p, "%p+%zu overlaps %p+%zu", ptr, size,
			      (void *)blocks[k].p, blocks[k].size);
	if (nblocks == cap_blocks) {
		cap_blocks = cap_blocks ? 2 * cap_blocks : 1024;
		blocks = realloc(blocks, cap_blocks * sizeof(*blocks));
	}
	memmove(&blocks[k + 1], &blocks[k], (nblocks - k) * sizeof(*blocks));
	blocks[k] = (struct block){p, size, seed};
	nblocks++;
	fill_block(&blocks[k]);
}

static struct block untrack(size_t k)
{
	struct block b = blocks[k];

	memmove(&blocks[k], &blocks[k + 1], (nblocks - k - 1) * sizeof(*blocks));
	nblocks--;
	return b;
}

static size_t live_bytes(void)
{
	size_t sum = 0;

	for (size_t i = 0; i < nblocks; i++)
		sum += blocks[i].size;
	return sum;
}

static size_t random_size(struct rng *r)
{
	switch (rng_below(r, 20)) {
	case 0:
		return 0;
	case 1:
		return (size_t)rng_range(r, 64 << 10, 1 << 20); /* large: own page run */
	case 2:
	case 3:
	case 4:
		return (size_t)rng_range(r, 2033, 64 << 10);
	default: /* the small classes, and their edges (capacity 2^k - 16) */
		return rng_chance(r, 20)
			   ? ((size_t)32 << rng_below(r, 7)) - 16 + (size_t)rng_range(r, -1, 1)
			   : (size_t)rng_range(r, 1, 2048);
	}
}

START_TEST(random_malloc_free_realloc)
{
	struct rng r;
	size_t peak = 0;
	unsigned long allocs = 0;

	rng_init(&r, "malloc.random");
	for (int op = 0; op < 15000; op++) {
		unsigned kind = (unsigned)rng_below(&r, 10);

		if (nblocks < 600 && (kind < 5 || nblocks == 0)) {
			size_t size = random_size(&r);
			void *p;

			if (kind == 4) { /* calloc: n elements of size / 4 + 1 */
				size_t n = 1 + rng_below(&r, 4);

				size = size / 4 + 1;
				p = hako_calloc(n, size);
				size *= n;
				ck_assert_ptr_nonnull(p);
				for (size_t i = 0; i < size; i++)
					ck_assert_int_eq(((unsigned char *)p)[i], 0);
			} else {
				p = hako_malloc(size);
			}
			ck_assert_ptr_nonnull(p);
			track(p, size, 16, (unsigned)op);
			allocs++;
		} else if (kind < 8 || nblocks == 1) {
			size_t k = rng_below(&r, nblocks);
			struct block b = untrack(k);

			check_block(&b);
			hako_free(b.p);
		} else {
			size_t k = rng_below(&r, nblocks), size = random_size(&r);
			struct block b = untrack(k);
			unsigned char *q;

			check_block(&b);
			q = hako_realloc(b.p, size);
			if (size == 0) {
				ck_assert_ptr_null(q); /* realloc(p, 0) frees p */
				continue;
			}
			ck_assert_ptr_nonnull(q);
			if (q != b.p) { /* moved: both blocks were in use for a moment */
				allocs++;
				if (live_bytes() + b.size + size > peak)
					peak = live_bytes() + b.size + size;
			}
			for (size_t i = 0; i < (size < b.size ? size : b.size); i++)
				ck_assert_msg(q[i] == pat(b.seed, i),
					      "realloc(%zu -> %zu) lost byte %zu", b.size, size, i);
			track(q, size, 16, (unsigned)op);
		}
		{
			struct heap_stats st = hstats();
			size_t live = live_bytes();

			ck_assert_uint_eq(st.in_use, live);
			ck_assert_uint_eq(st.allocs, allocs);
			if (st.in_use > peak)
				peak = st.in_use;
			ck_assert_uint_eq(st.peak, peak);
			ck_assert_uint_eq(st.failures, 0);
		}
		if (op % 1000 == 0)
			for (size_t i = 0; i < nblocks; i++)
				check_block(&blocks[i]);
	}
	while (nblocks) {
		struct block b = untrack(nblocks - 1);

		check_block(&b);
		hako_free(b.p);
	}
	ck_assert_uint_eq(hstats().in_use, 0); /* nothing leaked in the accounting */
	(void)allocs;
}
END_TEST

START_TEST(in_use_returns_to_zero)
{
	struct rng r;
	void *p[500];
	size_t sizes[500], sum = 0;
	struct heap_stats st;

	rng_init(&r, "malloc.in_use");
	for (int i = 0; i < 500; i++) {
		sizes[i] = random_size(&r);
		p[i] = i % 5 == 4 ? hako_aligned_alloc((size_t)32 << rng_below(&r, 8), sizes[i])
				  : hako_malloc(sizes[i]);
		ck_assert_ptr_nonnull(p[i]);
		sum += sizes[i];
	}
	st = hstats();
	ck_assert_uint_eq(st.in_use, sum);
	ck_assert_uint_eq(st.peak, sum);
	ck_assert_uint_eq(st.allocs, 500);
	ck_assert_uint_eq(st.failures, 0);
	for (int i = 0; i < 500; i++)
		hako_free(p[(i * 7) % 500]);
	st = hstats();
	ck_assert_uint_eq(st.in_use, 0);
	ck_assert_uint_eq(st.peak, sum);
	hako_free(NULL); /* nothing */
	ck_assert_uint_eq(hstats().in_use, 0);
}
END_TEST

START_TEST(large_blocks_go_back_to_the_page_allocator)
{
	struct page_stats before, after;
	void *p;

	page_get_stats(&before);
	p = hako_malloc(1 << 20);
	ck_assert_ptr_nonnull(p);
	memset(p, 1, 1 << 20);
	hako_free(p);
	page_get_stats(&after);
	ck_assert_uint_eq(after.used, before.used);
	ck_assert_uint_ge(after.peak, before.used + (1 << 20) / PAGE_SIZE);
}
END_TEST

START_TEST(aligned_alloc_alignments)
{
	struct rng r;

	rng_init(&r, "malloc.aligned");
	for (int it = 0; it < 3000; it++) {
		size_t align = (size_t)1 << rng_range(&r, 0, 13); /* 1 .. 8192 */
		size_t size = random_size(&r) / (rng_chance(&r, 50) ? 16 : 1);
		void *p;

		if (rng_chance(&r, 50)) {
			p = hako_aligned_alloc(align, size);
		} else {
			int rc = hako_posix_memalign(&p, align, size);

			if (align < sizeof(void *)) {
				ck_assert_int_eq(rc, EINVAL);
				continue;
			}
			ck_assert_int_eq(rc, 0);
		}
		ck_assert_ptr_nonnull(p);
		track(p, size, align < 16 ? 16 : align, (unsigned)it);
		if (nblocks > 200 || rng_chance(&r, 30)) {
			struct block b = untrack(rng_below(&r, nblocks));

			check_block(&b);
			if (rng_chance(&r, 30)) { /* realloc of an aligned block */
				unsigned char *q = hako_realloc(b.p, b.size + 100);

				ck_assert_ptr_nonnull(q);
				for (size_t i = 0; i < b.size; i++)
					ck_assert_int_eq(q[i], pat(b.seed, i));
				hako_free(q);
			} else {
				hako_free(b.p);
			}
		}
	}
	while (nblocks) {
		struct block b = untrack(0);

		check_block(&b);
		hako_free(b.p);
	}
	ck_assert_uint_eq(hstats().in_use, 0);
}
END_TEST

START_TEST(aligned_alloc_bad_alignment)
{
	void *p = (void *)1;

	errno = 0;
	ck_assert_ptr_null(hako_aligned_alloc(0, 16));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(hako_aligned_alloc(48, 16));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(hako_posix_memalign(&p, 4, 16), EINVAL);
	ck_assert_int_eq(hako_posix_memalign(&p, 24, 16), EINVAL);
	ck_assert_ptr_eq(p, (void *)1); /* untouched on failure */
}
END_TEST

/*
 * An alignment whose distance from the allocation's start to the aligned
 * block exceeds 4 GiB: the header must record it without truncation (it
 * was a 32-bit byte count, and free() then found no header).  The region
 * starts one page past an 8 GiB boundary, so that distance is close to
 * 8 GiB.  Nothing is backed but the pages touched.
 */
START_TEST(aligned_alloc_beyond_4gib)
{
	const size_t g8 = (size_t)8 << 30;
	char *raw = mmap(NULL, 4 * g8, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	struct page_stats before, after;
	char *base;
	unsigned char *p;

	ck_assert_ptr_ne(raw, MAP_FAILED);
	base = (char *)(((uintptr_t)raw + g8 - 1) & ~(uintptr_t)(g8 - 1)) + 4096;
	page_add_region((uintptr_t)base, 2 * g8 + g8 / 2);
	page_get_stats(&before);
	p = hako_aligned_alloc(g8, 64);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq((uintptr_t)p % g8, 0);
	ck_assert_uint_gt((uintptr_t)p - (uintptr_t)base, (size_t)4 << 30);
	memset(p, 0x5a, 64);
	hako_free(p);
	/* The whole 8 GiB run went back to the page allocator (with the
	 * distance truncated, free found a wrong "header" inside the block). */
	page_get_stats(&after);
	ck_assert_uint_eq(after.used, before.used);
	ck_assert_uint_eq(hstats().in_use, 0);
	errno = 0;
	ck_assert_ptr_null(hako_aligned_alloc((size_t)1 << 36, 16));
	ck_assert_int_eq(errno, ENOMEM);
	munmap(raw, 4 * g8);
}
END_TEST

START_TEST(realloc_contents_and_corners)
{
	unsigned char *p = hako_realloc(NULL, 10); /* realloc(NULL) is malloc */
	struct heap_stats st;

	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(hstats().in_use, 10);
	for (int i = 0; i < 10; i++)
		p[i] = (unsigned char)i;
	/* grow through every class and into page runs, shrink back */
	for (size_t size = 10; size < 300000; size = size * 3 / 2 + 1) {
		p = hako_realloc(p, size);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq((uintptr_t)p % 16, 0);
		for (int i = 0; i < 10; i++)
			ck_assert_int_eq(p[i], i);
		ck_assert_uint_eq(hstats().in_use, size);
	}
	p = hako_realloc(p, 5);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(p[i], i);
	ck_assert_uint_eq(hstats().in_use, 5);
	/* a failed realloc leaves the block alone */
	errno = 0;
	ck_assert_ptr_null(hako_realloc(p, SIZE_MAX / 2 + 1));
	ck_assert_int_eq(errno, ENOMEM);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(p[i], i);
	st = hstats();
	ck_assert_uint_eq(st.in_use, 5);
	ck_assert_uint_eq(st.failures, 1);
	ck_assert_ptr_null(hako_realloc(p, 0)); /* frees */
	ck_assert_uint_eq(hstats().in_use, 0);
}
END_TEST

START_TEST(calloc_zeroes_and_checks_overflow)
{
	unsigned char *p;

	/* dirty some memory first, so that zeroes are calloc's doing */
	for (int i = 0; i < 64; i++) {
		p = hako_malloc(1000);
		memset(p, 0xa5, 1000);
		hako_free(p);
		p = hako_malloc(70000);
		memset(p, 0xa5, 70000);
		hako_free(p);
	}
	p = hako_calloc(10, 100);
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(p[i], 0);
	hako_free(p);
	p = hako_calloc(7, 10000);
	for (int i = 0; i < 70000; i++)
		ck_assert_int_eq(p[i], 0);
	hako_free(p);
	ck_assert_ptr_nonnull(p = hako_calloc(0, 5));
	hako_free(p);
	ck_assert_ptr_nonnull(p = hako_calloc(5, 0));
	hako_free(p);
	/* n * size overflows: NULL and ENOMEM, not a short block */
	errno = 0;
	ck_assert_ptr_null(hako_calloc(SIZE_MAX / 2 + 1, 2));
	ck_assert_int_eq(errno, ENOMEM);
	errno = 0;
	ck_assert_ptr_null(hako_calloc((size_t)1 << 33, (size_t)1 << 31));
	ck_assert_int_eq(errno, ENOMEM);
	errno = 0;
	ck_assert_ptr_null(hako_calloc(SIZE_MAX, SIZE_MAX));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_uint_eq(hstats().failures, 3);
	ck_assert_uint_eq(hstats().in_use, 0);
}
END_TEST

START_TEST(exhaustion_gives_null_and_enomem)
{
	void **p = malloc(100000 * sizeof(void *));
	size_t n = 0, failures;
	struct heap_stats st;

	/* setup() gave 64 MiB; ask for more, then fill it */
	errno = 0;
	ck_assert_ptr_null(hako_malloc(65 << 20));
	ck_assert_int_eq(errno, ENOMEM);
	errno = 0;
	ck_assert_ptr_null(hako_malloc(SIZE_MAX));
	ck_assert_int_eq(errno, ENOMEM);
	errno = 0;
	ck_assert_ptr_null(hako_aligned_alloc(4096, SIZE_MAX - 100));
	ck_assert_int_eq(errno, ENOMEM);
	failures = 3;
	while ((p[n] = hako_malloc(60000)) != NULL)
		n++;
	ck_assert_int_eq(errno, ENOMEM);
	failures++;
	ck_assert_uint_ge(n, (64 << 20) / 65536 - 2);
	/* the small classes still find a page?  no: every page is taken */
	errno = 0;
	while ((p[n] = hako_malloc(100)) != NULL)
		n++;
	ck_assert_int_eq(errno, ENOMEM);
	failures++;
	st = hstats();
	ck_assert_uint_eq(st.failures, failures);
	for (size_t i = 0; i < n; i++)
		hako_free(p[i]);
	ck_assert_uint_eq(hstats().in_use, 0);
	/* and everything is usable again */
	ck_assert_ptr_nonnull(p[0] = hako_malloc(60 << 20));
	hako_free(p[0]);
	free(p);
}
END_TEST

/* aligned_alloc(2^63, 2^63 - 16): size + align + 16 wraps to 0, which once
 * gave a 32-byte block and a "user" pointer far outside it. */
START_TEST(aligned_alloc_huge_alignment_fails_cleanly)
{
	size_t big = (size_t)1 << 63;

	errno = 0;
	ck_assert_ptr_null(hako_aligned_alloc(big, big - 16));
	ck_assert_int_eq(errno, ENOMEM);
	ck_assert_ptr_null(hako_aligned_alloc(big, 0));
	ck_assert_ptr_null(hako_aligned_alloc(big >> 1, big >> 1));
	ck_assert_ptr_null(hako_aligned_alloc(big >> 1, (big >> 1) - 16));
	ck_assert_uint_eq(hstats().in_use, 0);
}
END_TEST

/* ---- panics */

START_TEST(double_free_small_panics)
{
	void *p = hako_malloc(40);

	hako_free(p);
	hako_free(p);
}
END_TEST

START_TEST(double_free_large_panics)
{
	void *p = hako_malloc(100000);

	hako_free(p);
	hako_free(p);
}
END_TEST

START_TEST(double_free_aligned_panics)
{
	void *p = hako_aligned_alloc(256, 100);

	hako_free(p);
	hako_free(p);
}
END_TEST

START_TEST(free_misaligned_pointer_panics)
{
	char *p = hako_malloc(64);

	hako_free(p + 8);
}
END_TEST

START_TEST(free_foreign_pointer_panics)
{
	static _Alignas(16) char not_heap[64];

	hako_free(not_heap + 32);
}
END_TEST

START_TEST(realloc_freed_pointer_panics)
{
	void *p = hako_malloc(64);

	hako_free(p);
	(void)hako_realloc(p, 128);
}
END_TEST

void unit_register(void)
{
	Suite *s = suite_create("malloc");
	TCase *tc;

#define ADD(name)                                           \
	do {                                                \
		tc = unit_tcase(#name);                     \
		tcase_add_checked_fixture(tc, setup, NULL); \
		tcase_add_test(tc, name);                   \
		suite_add_tcase(s, tc);                     \
	} while (0)
#define ADD_PANIC(name)                                         \
	do {                                                    \
		tc = unit_tcase(#name);                         \
		tcase_add_checked_fixture(tc, setup, NULL);     \
		tcase_add_test_raise_signal(tc, name, SIGABRT); \
		suite_add_tcase(s, tc);                         \
	} while (0)
	ADD(random_malloc_free_realloc);
	ADD(in_use_returns_to_zero);
	ADD(large_blocks_go_back_to_the_page_allocator);
	ADD(aligned_alloc_alignments);
	ADD(aligned_alloc_bad_alignment);
	ADD(aligned_alloc_beyond_4gib);
	ADD(realloc_contents_and_corners);
	ADD(calloc_zeroes_and_checks_overflow);
	ADD(exhaustion_gives_null_and_enomem);
	ADD(aligned_alloc_huge_alignment_fails_cleanly);
	ADD_PANIC(double_free_small_panics);
	ADD_PANIC(double_free_large_panics);
	ADD_PANIC(double_free_aligned_panics);
	ADD_PANIC(free_misaligned_pointer_panics);
	ADD_PANIC(free_foreign_pointer_panics);
	ADD_PANIC(realloc_freed_pointer_panics);
#undef ADD
#undef ADD_PANIC
	unit_add_suite(s, true);
}
