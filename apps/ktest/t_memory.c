// SPDX-License-Identifier: MIT
/* The page allocator and the heap: stress with random sizes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hal.h>
#include <hako/heap.h>
#include <hako/page.h>

#include "ktest.h"

#define NBLOCKS 400

struct block {
	unsigned char *p;
	size_t size;
	unsigned char fill;
};

static struct block blocks[NBLOCKS];

static int by_address(const void *a, const void *b)
{
	const struct block *x = a, *y = b;

	return x->p < y->p ? -1 : x->p > y->p;
}

static size_t random_size(void)
{
	int r = rand() % 100;

	if (r < 60)
		return (size_t)(rand() % 128);
	if (r < 90)
		return (size_t)(rand() % 2048);
	return (size_t)(rand() % 40000);
}

static bool check_block(const struct block *b)
{
	for (size_t i = 0; i < b->size; i++)
		if (b->p[i] != b->fill)
			return false;
	return true;
}

static void test_heap_stress(void)
{
	struct heap_stats before, after;
	struct block sorted[NBLOCKS];
	int live = 0;

	srand(12345);
	heap_get_stats(&before);
	for (int round = 0; round < 3000; round++) {
		int i = rand() % NBLOCKS;
		struct block *b = &blocks[i];

		if (b->p) {
			CHECK_MSG(check_block(b), "block %d (%zu bytes) was overwritten", i, b->size);
			free(b->p);
			b->p = NULL;
			live--;
			continue;
		}
		b->size = random_size();
		b->fill = (unsigned char)rand();
		b->p = malloc(b->size);
		CHECK_MSG(b->p != NULL, "malloc(%zu) failed", b->size);
		if (!b->p)
			continue;
		CHECK_MSG((uintptr_t)b->p % 16 == 0, "malloc returned %p", (void *)b->p);
		memset(b->p, b->fill, b->size);
		live++;
	}
	/* No two live blocks overlap. */
	{
		int n = 0;

		for (int i = 0; i < NBLOCKS; i++)
			if (blocks[i].p)
				sorted[n++] = blocks[i];
		CHECK(n == live);
		qsort(sorted, (size_t)n, sizeof(sorted[0]), by_address);
		for (int i = 1; i < n; i++)
			CHECK_MSG(sorted[i - 1].p + sorted[i - 1].size <= sorted[i].p,
				  "blocks %p+%zu and %p overlap", (void *)sorted[i - 1].p,
				  sorted[i - 1].size, (void *)sorted[i].p);
	}
	for (int i = 0; i < NBLOCKS; i++) {
		if (!blocks[i].p)
			continue;
		CHECK(check_block(&blocks[i]));
		free(blocks[i].p);
		blocks[i].p = NULL;
	}
	heap_get_stats(&after);
	CHECK_MSG(after.in_use == before.in_use, "leak: %zu bytes in use, %zu before",
		  after.in_use, before.in_use);
	CHECK(after.peak >= before.in_use);
	CHECK(after.failures == before.failures);
}

static void test_aligned_and_realloc(void)
{
	for (size_t align = 16; align <= 16384; align *= 2) {
		void *p = aligned_alloc(align, 100);

		CHECK_MSG(p && (uintptr_t)p % align == 0, "aligned_alloc(%zu) gave %p", align, p);
		free(p);
	}
	CHECK(aligned_alloc(24, 10) == NULL && errno == EINVAL);
	{
		char *p = malloc(10), *q;

		REQUIRE(p != NULL);
		memcpy(p, "0123456789", 10);
		q = realloc(p, 5000);
		REQUIRE(q != NULL);
		CHECK(!memcmp(q, "0123456789", 10));
		p = realloc(q, 3);
		REQUIRE(p != NULL);
		CHECK(!memcmp(p, "012", 3));
		free(p);
	}
	{
		unsigned char *z = calloc(1000, 3);
		bool zero = z != NULL;

		for (int i = 0; z && i < 3000; i++)
			zero &= z[i] == 0;
		CHECK(zero);
		free(z);
	}
}

static void test_heap_exhaustion(void)
{
	struct heap_stats a, b;

	heap_get_stats(&a);
	errno = 0;
	CHECK(malloc((size_t)1 << 50) == NULL);
	CHECK(errno == ENOMEM);
	errno = 0;
	CHECK(calloc((size_t)1 << 40, (size_t)1 << 40) == NULL);
	CHECK(errno == ENOMEM);
	heap_get_stats(&b);
	CHECK(b.failures == a.failures + 2);
}

static void test_pages(void)
{
	struct page_stats a, b;
	void *p[32];

	page_get_stats(&a);
	for (int i = 0; i < 32; i++) {
		size_t align = (size_t)1 << (i % 5);

		p[i] = page_alloc((size_t)(i % 7) + 1, align);
		REQUIRE_MSG(p[i] != NULL, "page_alloc(%d, %zu) failed", i % 7 + 1, align);
		CHECK_MSG((uintptr_t)p[i] % (align * PAGE_SIZE) == 0, "%p not aligned to %zu pages",
			  p[i], align);
		memset(p[i], i, ((size_t)(i % 7) + 1) * PAGE_SIZE);
	}
	for (int i = 0; i < 32; i++)
		for (int j = 0; j < ((i % 7) + 1) * (int)PAGE_SIZE; j += 1024)
			CHECK(((unsigned char *)p[i])[j] == i);
	for (int i = 0; i < 32; i++)
		page_free(p[i], (size_t)(i % 7) + 1);
	page_get_stats(&b);
	CHECK(b.used == a.used);
	CHECK(page_alloc(b.total + 1, 1) == NULL);
	page_get_stats(&b);
	CHECK(b.failed == a.failed + 1);
}

/* The platform's entropy source: HAL_ENODEV where there is none; where
 * there is, two draws differ and neither is all zeros. */
static void test_entropy(void)
{
	static const uint8_t zero[32];
	uint8_t a[32], b[32];
	int r = hal_entropy(a, sizeof(a));

	CHECK_MSG(r == HAL_OK || r == HAL_ENODEV, "hal_entropy returned %d", r);
	if (r != HAL_OK) {
		printf("ktest: hal_entropy: no source on this platform\n");
		return;
	}
	REQUIRE(hal_entropy(b, sizeof(b)) == HAL_OK);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK(memcmp(a, zero, sizeof(a)) != 0 && memcmp(b, zero, sizeof(b)) != 0);
	printf("ktest: hal_entropy: two draws of 32 bytes, different\n");
}

const struct ktest_case ktest_memory[] = {
	{ "heap_stress", test_heap_stress },
	{ "heap_aligned_realloc_calloc", test_aligned_and_realloc },
	{ "heap_exhaustion", test_heap_exhaustion },
	{ "page_allocator", test_pages },
	{ "entropy", test_entropy },
	{ NULL, NULL },
};
