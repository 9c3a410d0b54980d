/* SPDX-License-Identifier: MIT */
/*
 * stdio.h - formatted output.  There are no files: descriptors 1 and 2 are
 * the console.  The printf family supports the C99 conversions except %n
 * and %a: flags "-+ #0", width and precision (also "*"), the length
 * modifiers hh h l ll j z t L; %f %e %g only with CONFIG_LIBC_PRINTF_FLOAT.
 */
#ifndef _STDIO_H
#define _STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

int printf(const char *restrict fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *restrict fmt, va_list ap);
int dprintf(int fd, const char *restrict fmt, ...) __attribute__((format(printf, 2, 3)));
int vdprintf(int fd, const char *restrict fmt, va_list ap);
int sprintf(char *restrict buf, const char *restrict fmt, ...)
	__attribute__((format(printf, 2, 3)));
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap);
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap);
int puts(const char *s);
int putchar(int c);

#endif
