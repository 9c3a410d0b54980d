// SPDX-License-Identifier: MIT
/*
 * The UTC calendar (libc/src/calendar.c) against glibc's: gmtime_r, timegm
 * and strftime for random times over +-3000 years, the corners (epoch,
 * leap days, the last second of a year, negative times), and strftime's
 * refusal to overflow.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hako_api.h"
#include "unit.h"

static void same_tm(time_t t)
{
	struct tm want, got;

	ck_assert_ptr_nonnull(gmtime_r(&t, &want));
	memset(&got, 0x55, sizeof(got));
	ck_assert_ptr_eq(hako_gmtime_r(&t, &got), &got);
	ck_assert_msg(got.tm_year == want.tm_year && got.tm_mon == want.tm_mon &&
			      got.tm_mday == want.tm_mday && got.tm_hour == want.tm_hour &&
			      got.tm_min == want.tm_min && got.tm_sec == want.tm_sec &&
			      got.tm_wday == want.tm_wday && got.tm_yday == want.tm_yday,
		      "gmtime(%ld): got %d-%d-%d %d:%d:%d wday %d yday %d", (long)t,
		      got.tm_year, got.tm_mon, got.tm_mday, got.tm_hour, got.tm_min, got.tm_sec,
		      got.tm_wday, got.tm_yday);
	ck_assert_int_eq(hako_timegm(&want), t);
}

START_TEST(gmtime_and_timegm_match_glibc)
{
	static const long corners[] = { 0, -1, 1, 86399, 86400, 951782400 /* 2000-02-29 */,
					951868799, 1078012800 /* 2004-02-29 */, 4107542399,
					-2208988800 /* 1900-01-01 */, -62135596800 /* 0001-01-01 */,
					253402300799 /* 9999-12-31 23:59:59 */, 68169600 };
	struct rng r;

	for (size_t i = 0; i < sizeof(corners) / sizeof(corners[0]); i++)
		same_tm(corners[i]);
	rng_init(&r, "calendar");
	for (int i = 0; i < 200000; i++)
		same_tm((time_t)rng_range(&r, -95617584000LL, 95617584000LL));
}
END_TEST

START_TEST(timegm_refuses_fields_out_of_range)
{
	struct tm tm = { .tm_year = 123, .tm_mon = 1, .tm_mday = 29 }; /* 2023-02-29 */

	ck_assert_int_eq(hako_timegm(&tm), -1);
	tm.tm_year = 124; /* 2024 is a leap year */
	ck_assert_int_ne(hako_timegm(&tm), -1);
	tm.tm_mon = 12;
	ck_assert_int_eq(hako_timegm(&tm), -1);
	tm.tm_mon = 0, tm.tm_hour = 24;
	ck_assert_int_eq(hako_timegm(&tm), -1);
}
END_TEST

START_TEST(strftime_matches_glibc)
{
	static const char *const fmts[] = { "%a, %d %b %Y %H:%M:%S GMT", "%A %B %e %j %I %p",
					    "%F %T %D %y %%", "%Z %z", "%q unknown", "end %" };
	struct rng r;

	rng_init(&r, "strftime");
	for (int i = 0; i < 20000; i++) {
		time_t t = (time_t)rng_range(&r, -62135596800LL, 253402300799LL);
		const char *fmt = fmts[i % (sizeof(fmts) / sizeof(fmts[0]))];
		char want[128], got[128];
		struct tm tm;
		size_t n, m;

		gmtime_r(&t, &tm);
		n = strftime(want, sizeof(want), fmt, &tm);
		m = hako_strftime(got, sizeof(got), fmt, &tm);
		ck_assert_msg(n == m && !strcmp(got, want), "strftime(\"%s\") of %ld: \"%s\", want \"%s\"",
			      fmt, (long)t, got, want);
	}
}
END_TEST

START_TEST(strftime_never_overflows)
{
	struct tm tm;
	time_t t = 1700000000;
	char buf[10];

	gmtime_r(&t, &tm);
	memset(buf, 'x', sizeof(buf));
	ck_assert_uint_eq(hako_strftime(buf, 8, "%a, %d %b %Y", &tm), 0);
	ck_assert_int_eq(buf[8], 'x');
	ck_assert_uint_eq(hako_strftime(buf, 5, "%Y", &tm), 4);
	ck_assert_str_eq(buf, "2023");
	ck_assert_uint_eq(hako_strftime(buf, 4, "%Y", &tm), 0);
}
END_TEST

void unit_register(void)
{
	Suite *s = suite_create("calendar");
	TCase *tc = unit_tcase("calendar");

	tcase_add_test(tc, gmtime_and_timegm_match_glibc);
	tcase_add_test(tc, timegm_refuses_fields_out_of_range);
	tcase_add_test(tc, strftime_matches_glibc);
	tcase_add_test(tc, strftime_never_overflows);
	suite_add_tcase(s, tc);
	unit_add_suite(s, false);
}
