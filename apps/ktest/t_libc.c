// SPDX-License-Identifier: MIT
/* The C library inside the image: printf formats, strings, numbers. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <hako/kernel.h>

#include "ktest.h"

#define FMT(expect, ...)                                                       \
	do {                                                                   \
		char buf[128];                                                 \
		int n = snprintf(buf, sizeof(buf), __VA_ARGS__);               \
		CHECK_MSG(!strcmp(buf, expect) && n == (int)strlen(expect),    \
			  "%s gave \"%s\" (%d), expected \"%s\"", #__VA_ARGS__, buf, n, \
			  expect);                                             \
	} while (0)

static void test_printf_formats(void)
{
	FMT("42", "%d", 42);
	FMT("-2147483648", "%d", INT_MIN);
	FMT("18446744073709551615", "%lu", ULONG_MAX);
	FMT("-9223372036854775808", "%lld", LLONG_MIN);
	FMT("  -42|-42  |-0042", "%5d|%-5d|%05d", -42, -42, -42);
	FMT("+7  7", "%+d % d", 7, 7);
	FMT("0x1f 0X1F 037 1f", "%#x %#X %#o %x", 31, 31, 31, 31);
	FMT("00042", "%.5d", 42);
	FMT("", "%.0d", 0);
	FMT("abc|  abc|ab", "%s|%5s|%.2s", "abc", "abc", "abc");
	FMT("x|    x", "%c|%5c", 'x', 'x');
	FMT("%", "%%");
	{
		const char *volatile null = NULL;

		FMT("(null)", "%s", null);
	}
	FMT("0x1234", "%p", (void *)0x1234);
	FMT("255 65535", "%hhu %hu", 511, 131071);
	FMT("3.141593", "%f", 3.14159265);
	FMT("3.14", "%.2f", 3.14159265);
	FMT("2", "%.0f", 2.5);
	FMT("4", "%.0f", 3.5);
	FMT("1.000000e+10", "%e", 1e10);
	FMT("1.5E-07", "%.1E", 1.5e-7);
	FMT("100000", "%g", 1e5);
	FMT("1e+06", "%g", 1e6);
	FMT("0.0001", "%g", 1e-4);
	FMT("1e-05", "%g", 1e-5);
	FMT("-inf nan", "%f %f", -__builtin_inf(), __builtin_nan(""));
	FMT("0.1000000000000000055511151231257827", "%.34f", 0.1);
	FMT("  -1.50", "%7.2f", -1.5);
	FMT("-0001.50", "%08.2f", -1.5);
	FMT("42      |", "%-8d|", 42);
	{
		char small[5];
		int n = snprintf(small, sizeof(small), "%s", "truncated");

		CHECK(n == 9 && !strcmp(small, "trun"));
		CHECK(snprintf(NULL, 0, "%d", 12345) == 5);
	}
}

static void test_strings(void)
{
	char buf[32];

	CHECK(strlen("hako") == 4);
	CHECK(strcmp("a", "b") < 0 && strcmp("b", "a") > 0 && !strcmp("x", "x"));
	CHECK(strncmp("abcd", "abcx", 3) == 0);
	REQUIRE(strchr("hello", 'l') != NULL && strrchr("hello", 'l') != NULL);
	CHECK(!strcmp(strchr("hello", 'l'), "llo") && !strcmp(strrchr("hello", 'l'), "lo"));
	CHECK(strchr("hello", 'z') == NULL && strrchr("hello", 'z') == NULL);
	REQUIRE(strstr("unikernel", "kern") != NULL);
	CHECK(!strcmp(strstr("unikernel", "kern"), "kernel") && strstr("abc", "d") == NULL);
	memset(buf, 'x', sizeof(buf));
	memmove(buf + 1, buf, 10);
	strcpy(buf, "overlap");
	memmove(buf + 2, buf, 8);
	CHECK(!memcmp(buf + 2, "overlap", 8));
	CHECK(strlcpy(buf, "too long for it", 5) == 15 && !strcmp(buf, "too "));
	CHECK(isdigit('7') && !isdigit('a') && isspace('\t') && toupper('q') == 'Q');
	CHECK(isxdigit('F') && !isxdigit('g') && ispunct('!') && !ispunct('a'));
}

static void test_numbers(void)
{
	char *end;

	CHECK(strtol("  -123xyz", &end, 10) == -123 && *end == 'x');
	CHECK(strtol("0x1F", NULL, 0) == 31 && strtol("017", NULL, 0) == 15);
	CHECK(strtoul("zz", NULL, 36) == 35 * 36 + 35);
	errno = 0;
	CHECK(strtol("99999999999999999999", NULL, 10) == LONG_MAX && errno == ERANGE);
	errno = 0;
	CHECK(strtol("-99999999999999999999", NULL, 10) == LONG_MIN && errno == ERANGE);
	CHECK(strtol("abc", &end, 10) == 0 && !strcmp(end, "abc"));
	CHECK(atoi("42") == 42 && abs(-5) == 5);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static void test_qsort(void)
{
	static int v[1000];

	srand(7);
	for (int n = 0; n <= 1000; n += n < 20 ? 1 : 97) {
		for (int i = 0; i < n; i++)
			v[i] = rand() % 50;
		qsort(v, (size_t)n, sizeof(int), cmp_int);
		for (int i = 1; i < n; i++)
			CHECK_MSG(v[i - 1] <= v[i], "n=%d unsorted at %d", n, i);
	}
}

static void test_cmdline_split(void)
{
	char buf[64], *w[8];
	int n = kern_split_cmdline(" a \"b c\" 'd \"e' f\\ g \"\" ", buf, sizeof(buf), w, 8);

	REQUIRE_MSG(n == 5, "%d words, expected 5", n);
	CHECK(!strcmp(w[0], "a") && !strcmp(w[1], "b c") && !strcmp(w[2], "d \"e") &&
	      !strcmp(w[3], "f g") && !strcmp(w[4], ""));
	CHECK(kern_split_cmdline("\"open", buf, sizeof(buf), w, 8) == -1);
	n = kern_split_cmdline("aaaaaaaaaa bbbbbbbbbb", buf, 8, w, 8);
	CHECK(n >= 1 && strlen(w[0]) < 8);
}

/* time.h and sys/time.h as an app sees them: no HAL in sight. */
static void test_libc_time(void)
{
	struct timespec a, b, req = { 0, 5 * 1000 * 1000 };
	struct timeval tv;
	struct tm tm;
	time_t now;
	char date[40];

	CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0);
	CHECK(nanosleep(&req, NULL) == 0);
	CHECK(clock_gettime(CLOCK_MONOTONIC, &b) == 0);
	CHECK_MSG((b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec) >= 5000000L,
		  "nanosleep(5 ms) took %ld ns",
		  (b.tv_sec - a.tv_sec) * 1000000000L + (b.tv_nsec - a.tv_nsec));
	CHECK(b.tv_nsec >= 0 && b.tv_nsec < 1000000000L);
	errno = 0;
	CHECK(clock_gettime(42, &a) == -1 && errno == EINVAL);
	req.tv_nsec = 1000000000L;
	errno = 0;
	CHECK(nanosleep(&req, NULL) == -1 && errno == EINVAL);
	CHECK(usleep(1000) == 0);

	now = time(NULL);
	CHECK(gettimeofday(&tv, NULL) == 0);
	CHECK(tv.tv_sec >= now && tv.tv_sec - now <= 2);
	/* The platform's wall clock says some time after 2020. */
	CHECK_MSG(now > 1577836800L, "time() = %ld", (long)now);
	REQUIRE(gmtime_r(&now, &tm) != NULL);
	CHECK(timegm(&tm) == now);
	CHECK(tm.tm_year >= 120 && tm.tm_mon >= 0 && tm.tm_mon < 12);
	CHECK(strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm) == 29);
	now = 784111777; /* RFC 7231's example date */
	REQUIRE(gmtime_r(&now, &tm) != NULL);
	CHECK(strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm) == 29 &&
	      !strcmp(date, "Sun, 06 Nov 1994 08:49:37 GMT"));
}

const struct ktest_case ktest_libc[] = {
	{ "libc_time", test_libc_time },
	{ "printf_formats", test_printf_formats },
	{ "strings_and_ctype", test_strings },
	{ "strtol_atoi", test_numbers },
	{ "qsort", test_qsort },
	{ "cmdline_split", test_cmdline_split },
	{ NULL, NULL },
};
