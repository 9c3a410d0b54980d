// SPDX-License-Identifier: MIT
/* HTTP dates (RFC 9110 5.6.7), reason phrases and content types. */
#include <string.h>

#include "http.h"

static const char wkdays[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const long_wkdays[7] = { "Sunday",	"Monday", "Tuesday", "Wednesday",
					    "Thursday", "Friday", "Saturday" };
static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* Days since 1970-01-01 of a proleptic Gregorian date (March-based years,
 * so that the leap day is the last day of its year). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static void put2(char *o, int v)
{
	o[0] = (char)('0' + v / 10);
	o[1] = (char)('0' + v % 10);
}

size_t http_date_format(int64_t t, char *out)
{
	int64_t days, secs, y;
	int m, d;

	if (t < 0 || t > 253402300799LL) /* 9999-12-31 23:59:59 */
		return 0;
	days = t / 86400;
	secs = t % 86400;
	civil_from_days(days, &y, &m, &d);
	memcpy(out, wkdays[(days + 4) % 7], 3);
	memcpy(out + 3, ", ", 2);
	put2(out + 5, d);
	out[7] = ' ';
	memcpy(out + 8, months[m - 1], 3);
	out[11] = ' ';
	put2(out + 12, (int)(y / 100));
	put2(out + 14, (int)(y % 100));
	out[16] = ' ';
	put2(out + 17, (int)(secs / 3600));
	out[19] = ':';
	put2(out + 20, (int)(secs / 60 % 60));
	out[22] = ':';
	put2(out + 23, (int)(secs % 60));
	memcpy(out + 25, " GMT", 5);
	return HTTP_DATE_LEN;
}

/* n digits at s, or -1 */
static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int month_of(const char *s)
{
	for (int i = 0; i < 12; i++)
		if (!memcmp(s, months[i], 3))
			return i + 1;
	return 0;
}

/* "HH:MM:SS" at s: seconds into the day, or -1 */
static int64_t clock_of(const char *s)
{
	int h = digits(s, 2), mi = digits(s + 3, 2), se = digits(s + 6, 2);

	if (h < 0 || mi < 0 || se < 0 || s[2] != ':' || s[5] != ':' || h > 23 || mi > 59 ||
	    se > 60)
		return -1;
	return h * 3600 + mi * 60 + (se == 60 ? 59 : se);
}

static int64_t assemble(int64_t y, int m, int d, int64_t secs)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < 1970 || m < 1 || d < 1 || secs < 0 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !leap))
		return -1;
	return days_from_civil(y, m, d) * 86400 + secs;
}

int64_t http_date_parse(const char *s, size_t len)
{
	size_t w;

	/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
	if (len == HTTP_DATE_LEN) {
		if (!memcmp(s + 3, ", ", 2) && s[7] == ' ' && s[11] == ' ' && s[16] == ' ' &&
		    !memcmp(s + 25, " GMT", 4))
			return assemble(digits(s + 12, 4), month_of(s + 8), digits(s + 5, 2),
					clock_of(s + 17));
		return -1;
	}
	/* asctime: "Sun Nov  6 08:49:37 1994" */
	if (len == 24) {
		int d = s[8] == ' ' ? digits(s + 9, 1) : digits(s + 8, 2);

		if (s[3] != ' ' || s[7] != ' ' || s[10] != ' ' || s[19] != ' ')
			return -1;
		return assemble(digits(s + 20, 4), month_of(s + 4), d, clock_of(s + 11));
	}
	/* RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" */
	for (w = 0; w < 7; w++) {
		size_t k = strlen(long_wkdays[w]);
		int y;

		if (len != k + 24 || memcmp(s, long_wkdays[w], k))
			continue;
		s += k;
		if (memcmp(s, ", ", 2) || s[4] != '-' || s[8] != '-' || s[11] != ' ' ||
		    memcmp(s + 20, " GMT", 4))
			return -1;
		y = digits(s + 9, 2);
		if (y < 0)
			return -1;
		return assemble(y < 70 ? 2000 + y : 1900 + y, month_of(s + 5), digits(s + 2, 2),
				clock_of(s + 12));
	}
	return -1;
}

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

static const struct {
	const char *ext, *type;
} types[] = {
	{ "html", "text/html; charset=utf-8" },
	{ "htm", "text/html; charset=utf-8" },
	{ "txt", "text/plain; charset=utf-8" },
	{ "css", "text/css; charset=utf-8" },
	{ "js", "text/javascript; charset=utf-8" },
	{ "json", "application/json" },
	{ "xml", "application/xml" },
	{ "svg", "image/svg+xml" },
	{ "png", "image/png" },
	{ "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" },
	{ "gif", "image/gif" },
	{ "webp", "image/webp" },
	{ "ico", "image/vnd.microsoft.icon" },
	{ "wasm", "application/wasm" },
	{ "pdf", "application/pdf" },
};

const char *http_content_type(const char *path)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');

	if (dot && (!slash || dot > slash)) {
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
			const char *a = dot + 1, *b = types[i].ext;

			while (*a && *b && (*a | 0x20) == *b)
				a++, b++;
			if (!*a && !*b)
				return types[i].type;
		}
	}
	return "application/octet-stream";
}
