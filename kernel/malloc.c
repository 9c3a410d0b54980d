// SPDX-License-Identifier: MIT
/*
 * malloc and friends over the page allocator.
 *
 * Every block starts with a 16-byte header (so pointers are 16-byte
 * aligned) that records its class and requested size, and a magic word that
 * catches double frees and stray pointers.  Small blocks come from
 * power-of-two classes carved out of pages; blocks over 2 KiB get their own
 * page run, returned to the page allocator on free.  Alignments above 16 are
 * served by over-allocating and placing an "aligned" header in front.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hako/heap.h>
#include <hako/page.h>
#include <hako/printk.h>

#define MAGIC_USED 0x48414b4fu	  /* "HAKO" */
#define MAGIC_FREE 0x46524545u	  /* "FREE" */
#define MAGIC_ALIGNED 0x414c4e44u /* "ALND" */
#define MIN_SHIFT 5		  /* 32-byte chunks */
#define NR_CLASSES 7		  /* up to 2048 */
#define CLASS_LARGE 0xffu

struct header {
	uint32_t magic;
	uint32_t cls; /* class index, CLASS_LARGE, or (aligned) the distance back
		       * to the real header in 16-byte units: 32 bits reach 64 GiB */
	size_t size;  /* requested bytes */
};

struct free_chunk {
	struct header h;
	struct free_chunk *next;
};

static struct free_chunk *free_lists[NR_CLASSES];
static struct heap_stats stats;

static struct header *raw_alloc(size_t size)
{
	size_t need = size + sizeof(struct header);
	struct header *h;
	unsigned c;

	if (size > SIZE_MAX / 2)
		return NULL;
	for (c = 0; c < NR_CLASSES && ((size_t)1 << (c + MIN_SHIFT)) < need; c++)
		;
	if (c == NR_CLASSES) {
		size_t pages = (need + PAGE_SIZE - 1) / PAGE_SIZE;

		h = page_alloc(pages, 1);
		if (!h)
			return NULL;
		h->cls = CLASS_LARGE;
	} else {
		if (!free_lists[c]) {
			size_t chunk = (size_t)1 << (c + MIN_SHIFT);
			char *page = page_alloc(1, 1);

			if (!page)
				return NULL;
			pr_dbg(MEM, "heap: a page of %zu-byte chunks at %p\n", chunk, (void *)page);
			for (size_t off = PAGE_SIZE; off >= chunk; off -= chunk) {
				struct free_chunk *f = (struct free_chunk *)(page + off - chunk);

				f->h.magic = MAGIC_FREE;
				f->next = free_lists[c];
				free_lists[c] = f;
			}
		}
		h = &free_lists[c]->h;
		free_lists[c] = free_lists[c]->next;
		h->cls = c;
	}
	h->magic = MAGIC_USED;
	h->size = size;
	return h;
}

static size_t capacity(const struct header *h)
{
	size_t total;

	if (h->cls == CLASS_LARGE)
		total = (h->size + sizeof(*h) + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
	else
		total = (size_t)1 << (h->cls + MIN_SHIFT);
	return total - sizeof(*h);
}

static void raw_free(struct header *h)
{
	if (h->cls == CLASS_LARGE) {
		h->magic = MAGIC_FREE;
		page_free(h, (h->size + sizeof(*h) + PAGE_SIZE - 1) / PAGE_SIZE);
	} else {
		struct free_chunk *f = (struct free_chunk *)h;

		f->h.magic = MAGIC_FREE;
		f->next = free_lists[h->cls];
		free_lists[h->cls] = f;
	}
}

static struct header *header_of(void *p, const char *who)
{
	struct header *h = (struct header *)p - 1;

	if ((uintptr_t)p % 16)
		panic("%s(%p): not a heap pointer (misaligned)", who, p);
	if (h->magic == MAGIC_FREE)
		panic("%s(%p): block already freed (double free?)", who, p);
	if (h->magic != MAGIC_USED && h->magic != MAGIC_ALIGNED)
		panic("%s(%p): not a heap pointer, or its header was overwritten", who, p);
	return h;
}

static void *account(struct header *h, size_t size)
{
	if (!h) {
		stats.failures++;
		errno = ENOMEM;
		return NULL;
	}
	stats.in_use += size;
	stats.allocs++;
	if (stats.in_use > stats.peak)
		stats.peak = stats.in_use;
	return h + 1;
}

void *malloc(size_t size)
{
	return account(raw_alloc(size), size);
}

void *aligned_alloc(size_t align, size_t size)
{
	struct header *h, *ah;
	uintptr_t user;

	if (align == 0 || (align & (align - 1))) {
		errno = EINVAL;
		return NULL;
	}
	if (align <= 16)
		return malloc(size);
	/* No wrap below; and past 2^35 the distance back to the real header
	 * could exceed what cls holds: memory that large is not to be had. */
	if (align > ((size_t)1 << 35) || size > SIZE_MAX / 2 - align)
		return account(NULL, 0);
	h = raw_alloc(size + align + sizeof(struct header));
	if (!h)
		return account(NULL, 0);
	user = ((uintptr_t)(h + 2) + align - 1) & ~(uintptr_t)(align - 1);
	ah = (struct header *)user - 1;
	ah->magic = MAGIC_ALIGNED;
	ah->cls = (uint32_t)(((uintptr_t)ah - (uintptr_t)h) / 16);
	ah->size = size;
	account(h, size);
	return (void *)user;
}

int posix_memalign(void **out, size_t align, size_t size)
{
	void *p;

	if (align < sizeof(void *))
		return EINVAL;
	p = aligned_alloc(align, size);
	if (!p)
		return errno;
	*out = p;
	return 0;
}

void free(void *p)
{
	struct header *h;

	if (!p)
		return;
	h = header_of(p, "free");
	stats.in_use -= h->size;
	if (h->magic == MAGIC_ALIGNED) {
		struct header *orig = (struct header *)((char *)h - (size_t)h->cls * 16);

		h->magic = MAGIC_FREE;
		h = orig;
	}
	raw_free(h);
}

void *calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return account(NULL, 0);
	p = malloc(n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *realloc(void *p, size_t size)
{
	struct header *h;
	void *q;

	if (!p)
		return malloc(size);
	if (size == 0) {
		free(p);
		return NULL;
	}
	h = header_of(p, "realloc");
	if (h->magic == MAGIC_USED && size <= capacity(h) && h->cls != CLASS_LARGE) {
		stats.in_use = stats.in_use - h->size + size;
		if (stats.in_use > stats.peak)
			stats.peak = stats.in_use;
		h->size = size;
		return p;
	}
	q = malloc(size);
	if (!q)
		return NULL;
	memcpy(q, p, h->size < size ? h->size : size);
	free(p);
	return q;
}

void heap_get_stats(struct heap_stats *st)
{
	*st = stats;
}
