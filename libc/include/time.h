/* SPDX-License-Identifier: MIT */
/*
 * time.h - clocks and calendar time for apps.  CLOCK_MONOTONIC counts from
 * an arbitrary point before boot and never goes backwards; CLOCK_REALTIME
 * is the platform's wall clock (1970 on a machine without one).  nanosleep
 * blocks the calling thread only.  The calendar is UTC: there are no time
 * zones in an image.
 */
#ifndef _TIME_H
#define _TIME_H

#include <stddef.h>
#include <sys/types.h>

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1

struct timespec {
	time_t tv_sec;
	long tv_nsec;
};

struct tm {
	int tm_sec, tm_min, tm_hour; /* 0-60 (leap second), 0-59, 0-23 */
	int tm_mday, tm_mon, tm_year; /* 1-31, 0-11, years since 1900 */
	int tm_wday, tm_yday;	      /* 0-6 from Sunday, 0-365 */
	int tm_isdst;		      /* always 0 */
};

/* 0, or -1 with errno EINVAL (unknown clock) / EFAULT (NULL ts). */
int clock_gettime(clockid_t clk, struct timespec *ts);
/* Sleeps at least *req; 0, or -1 with errno EINVAL for a bad *req.  Never
 * interrupted, so rem (if not NULL) is set to zero. */
int nanosleep(const struct timespec *req, struct timespec *rem);
/* Seconds since 1970 by the wall clock; stored in *t too if not NULL. */
time_t time(time_t *t);

/* UTC calendar conversions: gmtime_r returns tm, or NULL for a year that
 * does not fit an int; timegm normalises nothing and returns -1 for fields
 * out of range. */
struct tm *gmtime_r(const time_t *t, struct tm *tm);
struct tm *gmtime(const time_t *t);
time_t timegm(const struct tm *tm);
/* strftime: the conversions %a %A %b %B %d %e %H %I %j %m %M %p %S %y %Y %Z
 * (always "GMT") %z ("+0000") %% %F %T %D; returns 0 when max is too small. */
size_t strftime(char *restrict s, size_t max, const char *restrict fmt,
		const struct tm *restrict tm);

#endif
