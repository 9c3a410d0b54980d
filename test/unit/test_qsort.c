// SPDX-License-Identifier: MIT
/*
 * qsort (libc/src/qsort.c): random arrays of many lengths and element sizes
 * against a reference sort; adversarial inputs (equal, sorted, reverse,
 * organ pipe, sawtooth, and McIlroy's "killer adversary" that makes any
 * plain quicksort quadratic) with a bound on comparisons; every comparator
 * call checked to point at an element of the array.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hako_api.h"
#include "unit.h"

/* The array being sorted, for the comparator's range check. */
static const char *arr_base;
static size_t arr_n, arr_size;
static unsigned long ncmp;
static bool bad_ptr;

static void check_ptr(const void *p)
{
	const char *c = p;

	if (c < arr_base || c >= arr_base + arr_n * arr_size || (size_t)(c - arr_base) % arr_size) {
		if (!bad_ptr)
			fprintf(stderr, "qsort: comparator called with %p, array %p + %zu x %zu\n",
				p, (const void *)arr_base, arr_n, arr_size);
		bad_ptr = true;
	}
}

/* Elements: a 32-bit key at the start, then filler bytes that identify the
 * element (so a lost or duplicated element is seen). */
static int cmp_key(const void *a, const void *b)
{
	uint32_t x, y;

	ncmp++;
	check_ptr(a);
	check_ptr(b);
	if (bad_ptr) /* do not read outside the array */
		return 0;
	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	return (x > y) - (x < y);
}

/* A byte-keyed comparator for 1..3-byte elements. */
static int cmp_byte(const void *a, const void *b)
{
	ncmp++;
	check_ptr(a);
	check_ptr(b);
	if (bad_ptr)
		return 0;
	return *(const unsigned char *)a - *(const unsigned char *)b;
}

/* A total order on whole elements, for comparing multisets. */
static size_t whole_size;
static int cmp_whole(const void *a, const void *b)
{
	return memcmp(a, b, whole_size);
}

static void sort_ours(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	arr_base = base;
	arr_n = n;
	arr_size = size;
	ncmp = 0;
	bad_ptr = false;
	hako_qsort(base, n, size, cmp);
	ck_assert_msg(!bad_ptr,
		      "qsort(n %zu, size %zu): comparator got a pointer outside the array", n,
		      size);
}

/* Sorted by cmp, and a permutation of orig. */
static void check_sorted(const char *a, const char *orig, size_t n, size_t size,
			 int (*cmp)(const void *, const void *))
{
	char *x, *y;

	arr_base = a;
	arr_n = n;
	arr_size = size;
	for (size_t i = 1; i < n; i++)
		ck_assert_msg(cmp(a + (i - 1) * size, a + i * size) <= 0,
			      "n %zu size %zu: out of order at %zu", n, size, i);
	x = malloc(n * size + 1);
	y = malloc(n * size + 1);
	memcpy(x, a, n * size);
	memcpy(y, orig, n * size);
	whole_size = size;
	qsort(x, n, size, cmp_whole);
	qsort(y, n, size, cmp_whole);
	ck_assert_msg(!memcmp(x, y, n * size), "n %zu size %zu: not a permutation of the input", n,
		      size);
	free(x);
	free(y);
}

START_TEST(random_arrays)
{
	static const size_t sizes[] = {1, 2, 3, 4, 5, 7, 8, 12, 16, 24, 100};
	struct rng r;

	rng_init(&r, "qsort.random_arrays");
	for (int it = 0; it < 700; it++) {
		size_t n = rng_chance(&r, 70) ? rng_below(&r, 40) : rng_below(&r, 2500);
		size_t size = sizes[rng_below(&r, sizeof(sizes) / sizeof(sizes[0]))];
		uint32_t range = rng_chance(&r, 30) ? (uint32_t)rng_range(&r, 1, 5) : UINT32_MAX;
		char *a = malloc(n * size + 1), *orig = malloc(n * size + 1); /* exact, for ASan */
		int (*cmp)(const void *, const void *) = size < 4 ? cmp_byte : cmp_key;

		for (size_t i = 0; i < n * size; i++)
			a[i] = (char)rng_u64(&r);
		if (size >= 4)
			for (size_t i = 0; i < n; i++) {
				uint32_t k = (uint32_t)(range == UINT32_MAX ? rng_u64(&r)
									    : rng_below(&r, range));

				memcpy(a + i * size, &k, sizeof(k));
			}
		else if (range != UINT32_MAX)
			for (size_t i = 0; i < n; i++)
				a[i * size] = (char)rng_below(&r, range);
		memcpy(orig, a, n * size);
		sort_ours(a, n, size, cmp);
		check_sorted(a, orig, n, size, cmp);
		free(a);
		free(orig);
	}
}
END_TEST

enum pattern { P_EQUAL, P_SORTED, P_REVERSE, P_ORGAN, P_SAWTOOTH, P_ALMOST, P_TWO, NR_PATTERNS };
static const char *const pattern_name[] = {"equal",    "sorted",	"reverse",   "organ pipe",
					   "sawtooth", "almost sorted", "two values"};

START_TEST(adversarial_patterns)
{
	struct rng r;

	rng_init(&r, "qsort.adversarial");
	for (int p = 0; p < NR_PATTERNS; p++)
		for (size_t n = 1; n <= 20000; n = n < 20 ? n + 1 : n * 3) {
			uint32_t *a = malloc(n * sizeof(*a) + 1),
				 *orig = malloc(n * sizeof(*a) + 1);
			double bound = 8.0 * (double)n * log2((double)n + 1) + 64;

			for (size_t i = 0; i < n; i++) {
				switch (p) {
				case P_EQUAL:
					a[i] = 7;
					break;
				case P_SORTED:
					a[i] = (uint32_t)i;
					break;
				case P_REVERSE:
					a[i] = (uint32_t)(n - i);
					break;
				case P_ORGAN:
					a[i] = (uint32_t)(i < n / 2 ? i : n - i);
					break;
				case P_SAWTOOTH:
					a[i] = (uint32_t)(i % 17);
					break;
				case P_ALMOST:
					a[i] = (uint32_t)(rng_chance(&r, 2) ? rng_u64(&r) : i);
					break;
				default:
					a[i] = (uint32_t)(i & 1);
					break;
				}
			}
			memcpy(orig, a, n * sizeof(*a));
			sort_ours(a, n, sizeof(*a), cmp_key);
			ck_assert_msg(ncmp <= bound, "%s, n %zu: %lu comparisons (bound %.0f)",
				      pattern_name[p], n, ncmp, bound);
			check_sorted((char *)a, (char *)orig, n, sizeof(*a), cmp_key);
			free(a);
			free(orig);
		}
}
END_TEST

/*
 * McIlroy, "A Killer Adversary for Quicksort" (1999): values are decided
 * lazily during the sort so that every pivot is nearly the smallest.  The
 * comparator stays consistent, so the sort must finish in O(n log n): the
 * heapsort fallback has to kick in.
 */
static int *killer_val, killer_gas, killer_nsolid, killer_candidate;

static int killer_cmp(const void *pa, const void *pb)
{
	int a = *(const int *)pa, b = *(const int *)pb;

	ncmp++;
	check_ptr(pa);
	check_ptr(pb);
	if (killer_val[a] == killer_gas && killer_val[b] == killer_gas) {
		if (a == killer_candidate)
			killer_val[a] = killer_nsolid++;
		else
			killer_val[b] = killer_nsolid++;
	}
	if (killer_val[a] == killer_gas)
		killer_candidate = a;
	else if (killer_val[b] == killer_gas)
		killer_candidate = b;
	return killer_val[a] - killer_val[b];
}

START_TEST(killer_adversary)
{
	for (int n = 100; n <= 30000; n *= 3) {
		int *idx = malloc((size_t)n * sizeof(int));
		double bound = 8.0 * n * log2(n);

		killer_val = malloc((size_t)n * sizeof(int));
		killer_gas = n;
		killer_nsolid = 0;
		killer_candidate = 0;
		for (int i = 0; i < n; i++) {
			idx[i] = i;
			killer_val[i] = killer_gas;
		}
		sort_ours(idx, (size_t)n, sizeof(int), killer_cmp);
		ck_assert_msg(ncmp <= bound, "killer adversary, n %d: %lu comparisons (bound %.0f)",
			      n, ncmp, bound);
		for (int i = 1; i < n; i++)
			ck_assert_int_le(killer_val[idx[i - 1]], killer_val[idx[i]]);
		free(idx);
		free(killer_val);
	}
}
END_TEST

/*
 * A comparator that is not a consistent order is undefined behaviour in C,
 * but a sort must still not walk off the array (glibc's CVE-2023-?: a
 * nontransitive comparator made its qsort write out of bounds).  Random
 * answers, including cmp(x, x) != 0.
 */
static struct rng chaos;
static int cmp_chaos(const void *a, const void *b)
{
	ncmp++;
	check_ptr(a);
	check_ptr(b);
	return (int)rng_below(&chaos, 3) - 1;
}

START_TEST(inconsistent_comparator_stays_in_bounds)
{
	rng_init(&chaos, "qsort.chaos");
	for (int it = 0; it < 3000; it++) {
		/* mostly short arrays: their partitions end near the edges */
		size_t n = (size_t)(rng_chance(&chaos, 90) ? rng_range(&chaos, 13, 40)
							   : rng_range(&chaos, 0, 2000));
		uint32_t *a = malloc(n * sizeof(*a) + 1);

		for (size_t i = 0; i < n; i++)
			a[i] = (uint32_t)i;
		sort_ours(a, n, sizeof(*a), cmp_chaos);
		/* Still a permutation: nothing lost, nothing duplicated. */
		arr_base = (char *)a;
		qsort(a, n, sizeof(*a), cmp_key);
		for (size_t i = 0; i < n; i++)
			ck_assert_uint_eq(a[i], i);
		free(a);
	}
}
END_TEST

START_TEST(degenerate_calls)
{
	uint32_t one = 5;

	sort_ours(NULL, 0, 4, cmp_key); /* nothing to sort: no call */
	ck_assert_uint_eq(ncmp, 0);
	sort_ours(&one, 1, sizeof(one), cmp_key);
	ck_assert_uint_eq(ncmp, 0);
	ck_assert_uint_eq(one, 5);
	hako_qsort(&one, 1, 0, cmp_key); /* size 0 */
}
END_TEST

void unit_register(void)
{
	Suite *s = suite_create("qsort");
	TCase *tc;

#define ADD(name)                         \
	do {                              \
		tc = unit_tcase(#name);   \
		tcase_add_test(tc, name); \
		suite_add_tcase(s, tc);   \
	} while (0)
	ADD(random_arrays);
	ADD(adversarial_patterns);
	ADD(killer_adversary);
	ADD(inconsistent_comparator_stays_in_bounds);
	ADD(degenerate_calls);
#undef ADD
	unit_add_suite(s, false);
}
