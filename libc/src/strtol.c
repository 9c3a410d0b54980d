// SPDX-License-Identifier: MIT
/* strtol and friends: C99 semantics, ERANGE on overflow. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>

/* Parse magnitude into *mag (saturating at limit); returns the end. */
static const char *parse(const char *s, int base, unsigned long long limit,
			 unsigned long long *mag, bool *neg, bool *overflow, bool *any)
{
	const char *p = s;

	*neg = false;
	*overflow = false;
	*any = false;
	*mag = 0;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] | 32) == 'x' &&
	    isxdigit((unsigned char)p[2])) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = *p == '0' ? 8 : 10;
	}
	if (base < 2 || base > 36) {
		errno = EINVAL;
		return s;
	}
	for (;; p++) {
		int c = (unsigned char)*p, v;

		if (isdigit(c))
			v = c - '0';
		else if (isalpha(c))
			v = (c | 32) - 'a' + 10;
		else
			break;
		if (v >= base)
			break;
		*any = true;
		if (*mag > (limit - (unsigned)v) / (unsigned)base) {
			*overflow = true;
			*mag = limit;
		} else if (!*overflow) {
			*mag = *mag * (unsigned)base + (unsigned)v;
		}
	}
	return *any ? p : s;
}

unsigned long long strtoull(const char *restrict s, char **restrict end, int base)
{
	unsigned long long m;
	bool neg, of, any;
	const char *e = parse(s, base, ULLONG_MAX, &m, &neg, &of, &any);

	if (end)
		*end = (char *)e;
	if (of) {
		errno = ERANGE;
		return ULLONG_MAX;
	}
	return neg ? -m : m;
}

long long strtoll(const char *restrict s, char **restrict end, int base)
{
	unsigned long long m;
	bool neg, of, any;
	const char *e = parse(s, base, (unsigned long long)LLONG_MAX + 1, &m, &neg, &of, &any);

	if (end)
		*end = (char *)e;
	if (of || (!neg && m > LLONG_MAX)) {
		errno = ERANGE;
		return neg ? LLONG_MIN : LLONG_MAX;
	}
	return neg ? (long long)(0 - m) : (long long)m;
}

long strtol(const char *restrict s, char **restrict end, int base)
{
	return strtoll(s, end, base);
}

unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
	return strtoull(s, end, base);
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}

long atol(const char *s)
{
	return strtol(s, NULL, 10);
}
