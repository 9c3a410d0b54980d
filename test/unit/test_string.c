// SPDX-License-Identifier: MIT
/*
 * string.h, ctype.h, strtol and friends, and the small stdlib.h helpers
 * (libc/src/string.c, ctype.c, strtol.c, misc.c), compared with glibc.
 *
 * Buffers under test are exact-size glibc heap blocks, so ASan reports any
 * byte read or written outside them.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <hako/page.h>

#include "hako_api.h"
#include "unit.h"

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* n random bytes, biased towards a small alphabet so that searches hit. */
static void fill(struct rng *r, unsigned char *p, size_t n, bool text)
{
	for (size_t i = 0; i < n; i++)
		p[i] = text ? (unsigned char)"abcAB\x80\xff"[rng_below(r, 7)]
			    : (unsigned char)rng_u64(r);
}

/* ------------------------------------------------------------ memory */

START_TEST(memcpy_memset_alignments)
{
	struct rng r;

	rng_init(&r, "string.memcpy_memset");
	for (int it = 0; it < 4000; it++) {
		size_t n = rng_chance(&r, 80) ? rng_below(&r, 80) : rng_below(&r, 3000);
		size_t so = rng_below(&r, 16), doff = rng_below(&r, 16);
		unsigned char *src = malloc(so + n + 1), *dst = malloc(doff + n + 1);
		unsigned char *ref = malloc(doff + n + 1);
		int c = (int)rng_range(&r, -300, 300);

		fill(&r, src, so + n + 1, false);
		fill(&r, dst, doff + n + 1, false);
		memcpy(ref, dst, doff + n + 1);
		ck_assert_ptr_eq(hako_memcpy(dst + doff, src + so, n), dst + doff);
		memcpy(ref + doff, src + so, n);
		ck_assert(!memcmp(dst, ref, doff + n + 1));
		ck_assert_ptr_eq(hako_memset(dst + doff, c, n), dst + doff);
		memset(ref + doff, c, n);
		ck_assert(!memcmp(dst, ref, doff + n + 1));
		free(src);
		free(dst);
		free(ref);
	}
	/* n == 0 touches nothing, even through a pointer one past the end. */
	{
		char *p = malloc(8);

		ck_assert_ptr_eq(hako_memcpy(p + 8, p, 0), p + 8);
		ck_assert_ptr_eq(hako_memset(p + 8, 0, 0), p + 8);
		ck_assert_ptr_eq(hako_memmove(p + 8, p, 0), p + 8);
		free(p);
	}
}
END_TEST

START_TEST(memmove_overlaps)
{
	struct rng r;

	rng_init(&r, "string.memmove");
	for (int it = 0; it < 6000; it++) {
		size_t total = 1 + rng_below(&r, rng_chance(&r, 80) ? 64 : 2000);
		size_t n = rng_below(&r, total + 1);
		size_t s = rng_below(&r, total - n + 1), d = rng_below(&r, total - n + 1);
		unsigned char *buf = malloc(total), *ref = malloc(total);

		fill(&r, buf, total, false);
		memcpy(ref, buf, total);
		ck_assert_ptr_eq(hako_memmove(buf + d, buf + s, n), buf + d);
		memmove(ref + d, ref + s, n);
		ck_assert_msg(!memcmp(buf, ref, total), "memmove(+%zu, +%zu, %zu) in %zu", d, s, n,
			      total);
		free(buf);
		free(ref);
	}
}
END_TEST

START_TEST(memcmp_memchr)
{
	struct rng r;

	rng_init(&r, "string.memcmp_memchr");
	for (int it = 0; it < 6000; it++) {
		size_t n = rng_below(&r, 100);
		unsigned char *a = malloc(n + 1), *b = malloc(n + 1);
		int c = (int)rng_range(&r, -260, 520);

		fill(&r, a, n + 1, true);
		memcpy(b, a, n + 1);
		if (n && rng_chance(&r, 70))
			b[rng_below(&r, n)] = (unsigned char)rng_u64(&r); /* often > 0x7f */
		ck_assert_int_eq(sign(hako_memcmp(a, b, n)), sign(memcmp(a, b, n)));
		ck_assert_ptr_eq(hako_memchr(a, c, n), memchr(a, c, n));
		free(a);
		free(b);
	}
	ck_assert_int_gt(hako_memcmp("\x80", "\x7f", 1), 0); /* unsigned char */
}
END_TEST

/* ------------------------------------------------------------ strings */

/* A NUL-terminated random string in an exact-size heap block. */
static char *rstr(struct rng *r, size_t max)
{
	size_t n = rng_below(r, max + 1);
	char *s = malloc(n + 1);

	for (size_t i = 0; i < n; i++)
		s[i] = "abcAB\x80\xff"[rng_below(r, 7)];
	s[n] = '\0';
	return s;
}

START_TEST(strlen_strcmp_family)
{
	struct rng r;

	rng_init(&r, "string.strlen_strcmp");
	for (int it = 0; it < 8000; it++) {
		char *a = rstr(&r, 40), *b;
		size_t n = rng_below(&r, 50);
		int c = rng_chance(&r, 10) ? 0 : (int)rng_range(&r, -300, 600);

		if (rng_chance(&r, 40)) { /* a shared prefix */
			b = strdup(a);
			if (*b && rng_chance(&r, 70))
				b[rng_below(&r, strlen(b))] = "abcAB\x80\xff"[rng_below(&r, 7)];
		} else {
			b = rstr(&r, 40);
		}
		ck_assert_uint_eq(hako_strlen(a), strlen(a));
		ck_assert_uint_eq(hako_strnlen(a, n), strnlen(a, n));
		ck_assert_int_eq(sign(hako_strcmp(a, b)), sign(strcmp(a, b)));
		ck_assert_int_eq(sign(hako_strncmp(a, b, n)), sign(strncmp(a, b, n)));
		ck_assert_ptr_eq(hako_strchr(a, c), strchr(a, c));
		ck_assert_ptr_eq(hako_strrchr(a, c), strrchr(a, c));
		ck_assert_ptr_eq(hako_strstr(a, b), strstr(a, b));
		if (*a) {
			size_t from = rng_below(&r, strlen(a)), len = rng_below(&r, 4);
			char needle[8] = {0};

			strncpy(needle, a + from, len);
			ck_assert_ptr_eq(hako_strstr(a, needle), strstr(a, needle));
		}
		free(a);
		free(b);
	}
	ck_assert_ptr_eq(hako_strstr("abc", ""), strstr("abc", ""));
	{
		const char *empty = "";

		ck_assert_ptr_eq(hako_strstr(empty, ""), empty);
	}
	ck_assert_ptr_null(hako_strstr("ab", "abc"));
	ck_assert_ptr_null(hako_strstr("", "a"));
}
END_TEST

START_TEST(copies)
{
	struct rng r;

	rng_init(&r, "string.copies");
	for (int it = 0; it < 5000; it++) {
		char *s = rstr(&r, 40);
		size_t len = strlen(s), n = rng_below(&r, 50);
		char *d = malloc(len + 1), *ref = malloc(n + 1), *dn = malloc(n + 1);
		char *cat, *catref;

		/* strcpy: exactly len + 1 bytes */
		ck_assert_ptr_eq(hako_strcpy(d, s), d);
		ck_assert_str_eq(d, s);
		/* strncpy: exactly n bytes, NUL padded, not terminated if short */
		memset(dn, 'Z', n + 1);
		memset(ref, 'Z', n + 1);
		ck_assert_ptr_eq(hako_strncpy(dn, s, n), dn);
		strncpy(ref, s, n);
		ck_assert(!memcmp(dn, ref, n + 1));
		/* strlcpy (not in glibc 2.36): at most n - 1 bytes and a NUL */
		memset(dn, 'Z', n + 1);
		ck_assert_uint_eq(hako_strlcpy(n ? dn : NULL, s, n), len);
		if (n) {
			size_t k = len < n - 1 ? len : n - 1;

			ck_assert(!memcmp(dn, s, k) && dn[k] == '\0');
			ck_assert_int_eq(dn[n], 'Z');
		}
		/* strcat into an exact-size buffer */
		cat = malloc(len + n + 1);
		catref = malloc(len + n + 1);
		memset(dn, 'q', n);
		dn[n] = '\0';
		strcpy(cat, dn);
		strcpy(catref, dn);
		ck_assert_ptr_eq(hako_strcat(cat, s), cat);
		strcat(catref, s);
		ck_assert_str_eq(cat, catref);
		free(s);
		free(d);
		free(ref);
		free(dn);
		free(cat);
		free(catref);
	}
}
END_TEST

START_TEST(strdup_uses_the_heap)
{
	const size_t size = 1 << 20;
	void *region = unit_map(size);
	char *p;

	page_add_region((uintptr_t)region, size);
	p = hako_strdup("hello, heap");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p, "hello, heap");
	ck_assert((char *)p > (char *)region && (char *)p < (char *)region + size);
	hako_free(p);
	p = hako_strdup("");
	ck_assert_str_eq(p, "");
	hako_free(p);
}
END_TEST

/* ------------------------------------------------------------- ctype */

START_TEST(ctype_matches_c_locale)
{
	static const struct {
		const char *name;
		int (*ours)(int), (*ref)(int);
	} fns[] = {
	    {"isalnum", hako_isalnum, isalnum}, {"isalpha", hako_isalpha, isalpha},
	    {"isdigit", hako_isdigit, isdigit}, {"isxdigit", hako_isxdigit, isxdigit},
	    {"isspace", hako_isspace, isspace}, {"isupper", hako_isupper, isupper},
	    {"islower", hako_islower, islower}, {"isprint", hako_isprint, isprint},
	    {"ispunct", hako_ispunct, ispunct}, {"iscntrl", hako_iscntrl, iscntrl},
	    {"isgraph", hako_isgraph, isgraph},
	};

	/* EOF and every unsigned char: the arguments C defines */
	for (int c = EOF; c <= UCHAR_MAX; c++) {
		for (size_t k = 0; k < sizeof(fns) / sizeof(fns[0]); k++)
			ck_assert_msg(!!fns[k].ours(c) == !!fns[k].ref(c),
				      "%s(%d): ours %d, glibc %d", fns[k].name, c, fns[k].ours(c),
				      fns[k].ref(c));
		ck_assert_int_eq(hako_toupper(c), toupper(c));
		ck_assert_int_eq(hako_tolower(c), tolower(c));
	}
}
END_TEST

/* ------------------------------------------------------------ strtol */

static const int bases[] = {0, 0, 0, 10, 10, 16, 16, 8, 2, 36, 36, 3, 7, 20, 35};

/* A random number-like string: spaces, sign, prefix, digits, junk. */
static void gen_number(struct rng *r, char *s, int base)
{
	static const char *const ws[] = {"", "", "", " ", "  ", "\t", "\n \v\f\r"};
	static const char *const signs[] = {"", "", "", "+", "-", "--", "+-"};
	static const char *const prefixes[] = {"", "", "", "", "0", "0x", "0X", "00", "0x0"};
	static const char *const junk[] = {"", "", "", " ", "x", "z", "9", "!", "0x", ".5", "g"};
	static const char *const boundary[] = {
	    "9223372036854775807",
	    "9223372036854775808",
	    "9223372036854775806",
	    "18446744073709551615",
	    "18446744073709551616",
	    "18446744073709551614",
	    "99999999999999999999999",
	    "7fffffffffffffff",
	    "8000000000000000",
	    "ffffffffffffffff",
	    "10000000000000000",
	    "777777777777777777777",
	    "1000000000000000000000",
	    "1777777777777777777777",
	    "2000000000000000000000",
	    "1y2p0ij32e8e7",
	    "3w5e11264sgsf",
	    "3w5e11264sgsg",
	    "1y2p0ij32e8e8",
	    "0",
	    "00000000000000000000000000000000000000000000000001",
	    "1111111111111111111111111111111111111111111111111111111111111111",
	    "10000000000000000000000000000000000000000000000000000000000000000",
	};
	int b = base ? base : 16;
	char *p = s;

	p += sprintf(p, "%s%s", ws[rng_below(r, 7)], signs[rng_below(r, 7)]);
	if (rng_chance(r, 25)) {
		p += sprintf(p, "%s",
			     boundary[rng_below(r, sizeof(boundary) / sizeof(boundary[0]))]);
	} else {
		int n = (int)rng_below(r, rng_chance(r, 80) ? 8 : 70);

		p += sprintf(p, "%s", prefixes[rng_below(r, 9)]);
		for (int i = 0; i < n; i++) {
			int v = (int)rng_below(r, (uint64_t)b + (rng_chance(r, 5) ? 3 : 0));

			*p++ = v < 10 ? (char)('0' + v)
				      : (char)((rng_chance(r, 50) ? 'a' : 'A') + v - 10);
		}
	}
	sprintf(p, "%s", junk[rng_below(r, sizeof(junk) / sizeof(junk[0]))]);
}

START_TEST(strtol_family_against_glibc)
{
	struct rng r;
	char s[200];

	rng_init(&r, "strtol.against_glibc");
	for (int it = 0; it < 40000; it++) {
		int base = rng_chance(&r, 3)
			       ? (int)rng_range(&r, 2, 36)
			       : bases[rng_below(&r, sizeof(bases) / sizeof(bases[0]))];
		char *e1, *e2;
		int err1, err2;

		gen_number(&r, s, base);
#define SAME(ours, ref, fmt)                                                                  \
	do {                                                                                  \
		errno = 0;                                                                    \
		__typeof__(ref(s, &e1, base)) v1 = ours(s, &e1, base);                        \
		err1 = errno;                                                                 \
		errno = 0;                                                                    \
		__typeof__(ref(s, &e2, base)) v2 = ref(s, &e2, base);                         \
		err2 = errno;                                                                 \
		ck_assert_msg(v1 == v2 && e1 == e2 && err1 == err2,                           \
			      #ref "(\"%s\", %d): ours " fmt " end +%td errno %d, glibc " fmt \
				   " end +%td errno %d",                                      \
			      s, base, v1, e1 - s, err1, v2, e2 - s, err2);                   \
	} while (0)
		SAME(hako_strtol, strtol, "%ld");
		SAME(hako_strtoul, strtoul, "%lu");
		SAME(hako_strtoll, strtoll, "%lld");
		SAME(hako_strtoull, strtoull, "%llu");
#undef SAME
	}
}
END_TEST

START_TEST(strtol_explicit)
{
	char *end;
	const char *s;

	errno = 0;
	ck_assert_int_eq(hako_strtol("  -42xyz", &end, 10), -42);
	ck_assert_str_eq(end, "xyz");
	ck_assert_int_eq(errno, 0);
	/* "0x" with no hex digit: the 0 is the number, the x is not eaten */
	s = "0x";
	ck_assert_int_eq(hako_strtol(s, &end, 16), 0);
	ck_assert_ptr_eq(end, s + 1);
	s = "0xg";
	ck_assert_int_eq(hako_strtol(s, &end, 0), 0);
	ck_assert_ptr_eq(end, s + 1);
	s = "-0x";
	ck_assert_int_eq(hako_strtol(s, &end, 0), 0);
	ck_assert_ptr_eq(end, s + 2);
	/* no digits at all: 0 and end == the string, spaces and sign included */
	s = "   +";
	ck_assert_int_eq(hako_strtol(s, &end, 0), 0);
	ck_assert_ptr_eq(end, s);
	s = "";
	ck_assert_int_eq(hako_strtol(s, &end, 10), 0);
	ck_assert_ptr_eq(end, s);
	/* overflow: saturate, ERANGE, end after all the digits */
	errno = 0;
	s = "99999999999999999999999 tail";
	ck_assert_int_eq(hako_strtol(s, &end, 10), LONG_MAX);
	ck_assert_int_eq(errno, ERANGE);
	ck_assert_str_eq(end, " tail");
	errno = 0;
	ck_assert_int_eq(hako_strtoll("-9223372036854775809", NULL, 10), LLONG_MIN);
	ck_assert_int_eq(errno, ERANGE);
	errno = 0;
	ck_assert_int_eq(hako_strtoll("-9223372036854775808", NULL, 10), LLONG_MIN);
	ck_assert_int_eq(errno, 0);
	errno = 0;
	ck_assert_uint_eq(hako_strtoull("18446744073709551616", NULL, 0), ULLONG_MAX);
	ck_assert_int_eq(errno, ERANGE);
	errno = 0;
	ck_assert_uint_eq(hako_strtoul("-1", NULL, 0), ULONG_MAX); /* negated, as C says */
	ck_assert_int_eq(errno, 0);
	ck_assert_int_eq(hako_strtol("zz", NULL, 36), 35 * 36 + 35);
	ck_assert_int_eq(hako_strtol("0777", NULL, 0), 0777);
	ck_assert_int_eq(hako_strtol("0x1F", NULL, 0), 31);
	ck_assert_int_eq(hako_strtol("0x1F", NULL, 16), 31);
	ck_assert_int_eq(hako_strtol("0x1F", NULL, 10), 0);
	/* bad bases: EINVAL, nothing consumed */
	for (int b = -1; b <= 40; b++) {
		if (b == 0 || (b >= 2 && b <= 36))
			continue;
		s = "123";
		errno = 0;
		ck_assert_int_eq(hako_strtol(s, &end, b), 0);
		ck_assert_int_eq(errno, EINVAL);
		ck_assert_ptr_eq(end, s);
	}
}
END_TEST

START_TEST(atoi_atol)
{
	ck_assert_int_eq(hako_atoi(" -123abc"), -123);
	ck_assert_int_eq(hako_atoi("2147483647"), INT_MAX);
	ck_assert_int_eq(hako_atoi("-2147483648"), INT_MIN);
	ck_assert_int_eq(hako_atol("-9223372036854775808"), LONG_MIN);
	ck_assert_int_eq(hako_atoi("x"), 0);
}
END_TEST

/* -------------------------------------------------------------- misc */

START_TEST(abs_rand_strerror)
{
	int first[8];

	ck_assert_int_eq(hako_abs(-5), 5);
	ck_assert_int_eq(hako_abs(INT_MAX), INT_MAX);
	ck_assert_int_eq(hako_abs(-INT_MAX), INT_MAX);
	ck_assert_int_eq(hako_labs(LONG_MIN + 1), LONG_MAX);
	hako_srand(7);
	for (int i = 0; i < 8; i++)
		first[i] = hako_rand();
	hako_srand(7);
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(hako_rand(), first[i]);
	hako_srand(0); /* must not get stuck at 0 (xorshift) */
	for (int i = 0, zeros = 0; i < 100000; i++) {
		int v = hako_rand();

		ck_assert(v >= 0 && v <= HAKO_RAND_MAX);
		zeros += v == 0;
		ck_assert_int_lt(zeros, 3);
	}
	ck_assert_str_eq(hako_strerror(0), "Success");
	ck_assert_str_eq(hako_strerror(ENOMEM), "Out of memory");
	ck_assert_str_eq(hako_strerror(ERANGE), "Result out of range");
	ck_assert_str_eq(hako_strerror(12345), "Unknown error");
}
END_TEST

void unit_register(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("string");
	tc = unit_tcase("string");
	tcase_add_test(tc, memcpy_memset_alignments);
	tcase_add_test(tc, memmove_overlaps);
	tcase_add_test(tc, memcmp_memchr);
	tcase_add_test(tc, strlen_strcmp_family);
	tcase_add_test(tc, copies);
	tcase_add_test(tc, strdup_uses_the_heap);
	suite_add_tcase(s, tc);
	unit_add_suite(s, true); /* strdup_uses_the_heap adds a page region */

	s = suite_create("ctype");
	tc = unit_tcase("ctype");
	tcase_add_test(tc, ctype_matches_c_locale);
	suite_add_tcase(s, tc);
	unit_add_suite(s, false);

	s = suite_create("strtol");
	tc = unit_tcase("strtol");
	tcase_add_test(tc, strtol_family_against_glibc);
	tcase_add_test(tc, strtol_explicit);
	tcase_add_test(tc, atoi_atol);
	suite_add_tcase(s, tc);
	unit_add_suite(s, false);

	s = suite_create("misc");
	tc = unit_tcase("misc");
	tcase_add_test(tc, abs_rand_strerror);
	suite_add_tcase(s, tc);
	unit_add_suite(s, false);
}
