/* SPDX-License-Identifier: MIT */
/* The printf engine's sink (libc internal). */
#ifndef LIBC_FORMAT_H
#define LIBC_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Bytes go to buf[0..cap).  When it fills, flush() (if set) empties it and
 * resets pos; without flush the rest is dropped (snprintf).  total counts
 * every byte produced, dropped or not.
 */
struct fmt_sink {
	char *buf;
	size_t cap;
	size_t pos;
	size_t total;
	void (*flush)(struct fmt_sink *o);
};

size_t fmt_vformat(struct fmt_sink *o, const char *fmt, va_list ap);

#endif
