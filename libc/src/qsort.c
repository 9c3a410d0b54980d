// SPDX-License-Identifier: MIT
/*
 * qsort: introsort-free but safe.  Median-of-three quicksort that recurses
 * into the smaller half (O(log n) stack), insertion sort below 12 elements,
 * and heapsort when the recursion gets too deep (O(n log n) worst case).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

typedef int (*cmp_fn)(const void *, const void *);

static void swap(char *a, char *b, size_t size)
{
	while (size--) {
		char t = *a;

		*a++ = *b;
		*b++ = t;
	}
}

static void insertion(char *base, size_t n, size_t size, cmp_fn cmp)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && cmp(base + (j - 1) * size, base + j * size) > 0; j--)
			swap(base + (j - 1) * size, base + j * size, size);
}

static void sift(char *base, size_t root, size_t n, size_t size, cmp_fn cmp)
{
	for (;;) {
		size_t child = 2 * root + 1;

		if (child >= n)
			return;
		if (child + 1 < n && cmp(base + child * size, base + (child + 1) * size) < 0)
			child++;
		if (cmp(base + root * size, base + child * size) >= 0)
			return;
		swap(base + root * size, base + child * size, size);
		root = child;
	}
}

static void heapsort(char *base, size_t n, size_t size, cmp_fn cmp)
{
	for (size_t i = n / 2; i-- > 0;)
		sift(base, i, n, size, cmp);
	for (size_t i = n; i-- > 1;) {
		swap(base, base + i * size, size);
		sift(base, 0, i, size, cmp);
	}
}

static void sort(char *base, size_t n, size_t size, cmp_fn cmp, int depth)
{
	while (n > 12) {
		char *lo = base, *mid = base + n / 2 * size, *hi = base + (n - 1) * size;
		size_t i, j;

		if (depth-- == 0) {
			heapsort(base, n, size, cmp);
			return;
		}
		/* Median of three into lo, pivot value kept at lo. */
		if (cmp(mid, lo) < 0)
			swap(mid, lo, size);
		if (cmp(hi, lo) < 0)
			swap(hi, lo, size);
		if (cmp(hi, mid) < 0)
			swap(hi, mid, size);
		swap(lo, mid, size);
		i = 0;
		j = n;
		for (;;) {
			do
				i++;
			while (i < n && cmp(base + i * size, lo) < 0);
			do
				j--;
			while (j > 0 && cmp(base + j * size, lo) > 0);
			if (i >= j)
				break;
			swap(base + i * size, base + j * size, size);
		}
		swap(lo, base + j * size, size);
		/* [0, j) <= pivot, [j + 1, n) >= pivot */
		if (j < n - j - 1) {
			sort(base, j, size, cmp, depth);
			base += (j + 1) * size;
			n -= j + 1;
		} else {
			sort(base + (j + 1) * size, n - j - 1, size, cmp, depth);
			n = j;
		}
	}
	insertion(base, n, size, cmp);
}

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	int depth = 0;

	for (size_t m = n; m; m >>= 1)
		depth += 2;
	if (n > 1 && size)
		sort(base, n, size, cmp, depth);
}
