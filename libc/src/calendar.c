// SPDX-License-Identifier: MIT
/* The UTC calendar: gmtime_r, timegm, strftime.  Pure: host-testable. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const wday_name[7] = { "Sunday", "Monday", "Tuesday", "Wednesday",
					  "Thursday", "Friday", "Saturday" };
static const char *const mon_name[12] = { "January", "February", "March", "April",
					  "May", "June", "July", "August",
					  "September", "October", "November", "December" };

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; m 1-12). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static bool leap(long long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

struct tm *gmtime_r(const time_t *t, struct tm *tm)
{
	long long secs = *t, days = secs / 86400, rem = secs % 86400;
	long long z, era, y;
	unsigned doe, yoe, doy, mp, d, m;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (long long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (y - 1900 > 0x7fffffffLL || y - 1900 < -0x7fffffffLL - 1)
		return NULL;
	tm->tm_year = (int)(y - 1900);
	tm->tm_mon = (int)m - 1;
	tm->tm_mday = (int)d;
	tm->tm_hour = (int)(rem / 3600);
	tm->tm_min = (int)(rem / 60 % 60);
	tm->tm_sec = (int)(rem % 60);
	tm->tm_wday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
	tm->tm_yday = (int)(days - days_from_civil(y, 1, 1));
	tm->tm_isdst = 0;
	return tm;
}

struct tm *gmtime(const time_t *t)
{
	static struct tm tm;

	return gmtime_r(t, &tm);
}

time_t timegm(const struct tm *tm)
{
	static const unsigned char mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	long long y = (long long)tm->tm_year + 1900;

	if (tm->tm_mon < 0 || tm->tm_mon > 11 || tm->tm_mday < 1 || tm->tm_hour < 0 ||
	    tm->tm_hour > 23 || tm->tm_min < 0 || tm->tm_min > 59 || tm->tm_sec < 0 ||
	    tm->tm_sec > 60 ||
	    tm->tm_mday > mdays[tm->tm_mon] + (tm->tm_mon == 1 && leap(y)))
		return -1;
	return (time_t)(days_from_civil(y, (unsigned)tm->tm_mon + 1, (unsigned)tm->tm_mday) *
				86400 +
			tm->tm_hour * 3600 + tm->tm_min * 60 + tm->tm_sec);
}

/* Append s (n bytes) at *pos if it fits below max - 1. */
static bool put(char *s, size_t max, size_t *pos, const char *v, size_t n)
{
	if (*pos + n >= max)
		return false;
	memcpy(s + *pos, v, n);
	*pos += n;
	return true;
}

size_t strftime(char *restrict s, size_t max, const char *restrict fmt,
		const struct tm *restrict tm)
{
	size_t pos = 0;
	char buf[64];

	for (; *fmt; fmt++) {
		const char *v = buf;
		int n;

		if (*fmt != '%') {
			if (!put(s, max, &pos, fmt, 1))
				return 0;
			continue;
		}
		switch (*++fmt) {
		case 'a': v = tm->tm_wday >= 0 && tm->tm_wday < 7 ? wday_name[tm->tm_wday] : "?";
			n = snprintf(buf, sizeof(buf), "%.3s", v); v = buf; break;
		case 'A': v = tm->tm_wday >= 0 && tm->tm_wday < 7 ? wday_name[tm->tm_wday] : "?";
			n = (int)strlen(v); break;
		case 'b': case 'h':
			v = tm->tm_mon >= 0 && tm->tm_mon < 12 ? mon_name[tm->tm_mon] : "?";
			n = snprintf(buf, sizeof(buf), "%.3s", v); v = buf; break;
		case 'B': v = tm->tm_mon >= 0 && tm->tm_mon < 12 ? mon_name[tm->tm_mon] : "?";
			n = (int)strlen(v); break;
		case 'd': n = snprintf(buf, sizeof(buf), "%02d", tm->tm_mday); break;
		case 'e': n = snprintf(buf, sizeof(buf), "%2d", tm->tm_mday); break;
		case 'H': n = snprintf(buf, sizeof(buf), "%02d", tm->tm_hour); break;
		case 'I': n = snprintf(buf, sizeof(buf), "%02d", (tm->tm_hour + 11) % 12 + 1); break;
		case 'j': n = snprintf(buf, sizeof(buf), "%03d", tm->tm_yday + 1); break;
		case 'm': n = snprintf(buf, sizeof(buf), "%02d", tm->tm_mon + 1); break;
		case 'M': n = snprintf(buf, sizeof(buf), "%02d", tm->tm_min); break;
		case 'p': v = tm->tm_hour < 12 ? "AM" : "PM"; n = 2; break;
		case 'S': n = snprintf(buf, sizeof(buf), "%02d", tm->tm_sec); break;
		case 'y': n = snprintf(buf, sizeof(buf), "%02d", ((tm->tm_year % 100) + 100) % 100);
			break;
		case 'Y': n = snprintf(buf, sizeof(buf), "%lld", (long long)tm->tm_year + 1900); break;
		case 'Z': v = "GMT"; n = 3; break;
		case 'z': v = "+0000"; n = 5; break;
		case 'F': n = snprintf(buf, sizeof(buf), "%lld-%02d-%02d",
				       (long long)tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday);
			break;
		case 'T': n = snprintf(buf, sizeof(buf), "%02d:%02d:%02d", tm->tm_hour, tm->tm_min,
				       tm->tm_sec);
			break;
		case 'D': n = snprintf(buf, sizeof(buf), "%02d/%02d/%02d", tm->tm_mon + 1,
				       tm->tm_mday, ((tm->tm_year % 100) + 100) % 100);
			break;
		case '%': v = "%"; n = 1; break;
		case '\0': /* a lone % at the end: copy it, and stop there */
			fmt--;
			v = "%";
			n = 1;
			break;
		default: /* unknown: copy it as it is */
			buf[0] = '%';
			buf[1] = *fmt;
			n = 2;
			break;
		}
		if (!put(s, max, &pos, v, (size_t)n))
			return 0;
	}
	if (pos >= max)
		return 0;
	s[pos] = '\0';
	return pos;
}
