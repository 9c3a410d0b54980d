// SPDX-License-Identifier: MIT
/* The printf family into memory.  Host-testable: no kernel dependencies. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "format.h"

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
	struct fmt_sink o = { buf, size ? size - 1 : 0, 0, 0, NULL };

	fmt_vformat(&o, fmt, ap);
	if (size)
		buf[o.pos] = '\0';
	if (o.total > INT32_MAX) {
		errno = EOVERFLOW; /* as POSIX says: the count does not fit */
		return -1;
	}
	return (int)o.total;
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap)
{
	return vsnprintf(buf, SIZE_MAX / 2, fmt, ap);
}

int sprintf(char *restrict buf, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, SIZE_MAX / 2, fmt, ap);
	va_end(ap);
	return n;
}
