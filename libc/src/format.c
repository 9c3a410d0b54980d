// SPDX-License-Identifier: MIT
/*
 * The printf engine: parses a format and streams the result to a sink.
 * Output matches glibc's for every conversion it supports (a differential
 * unit test checks thousands of cases), floating point included: doubles are
 * expanded to their exact decimal value and rounded half-to-even from there.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "format.h"

#define F_MINUS 1
#define F_PLUS 2
#define F_SPACE 4
#define F_HASH 8
#define F_ZERO 16
#define F_UPPER 32

struct spec {
	int flags;
	int width;
	int prec; /* -1: none */
};

static void emit(struct fmt_sink *o, const char *s, size_t n)
{
	o->total += n;
	while (n) {
		size_t room = o->cap - o->pos, c = n < room ? n : room;

		memcpy(o->buf + o->pos, s, c);
		o->pos += c;
		s += c;
		n -= c;
		if (!n || !o->flush)
			return;
		o->flush(o);
	}
}

/* n is long long: a width or precision near INT_MAX plus a prefix must not
 * overflow an int on the way here. */
static void pad(struct fmt_sink *o, char c, long long n)
{
	static const char spaces[16] = "                ", zeros[16] = "0000000000000000";

	/* A full buffer that cannot be emptied (snprintf) only counts: a
	 * width of INT_MAX costs no two billion bytes of copying. */
	if (n > 0 && !o->flush && o->pos == o->cap) {
		o->total += (size_t)n;
		return;
	}
	while (n > 0) {
		int k = n < 16 ? (int)n : 16;

		emit(o, c == ' ' ? spaces : zeros, (size_t)k);
		n -= k;
	}
}

/* prefix (sign, 0x), zero padding, body, with the field's width. */
static void field(struct fmt_sink *o, const struct spec *sp, const char *prefix, size_t plen,
		  int zeros, const char *body, size_t blen, bool zero_pad_ok)
{
	long long len = (long long)(plen + blen) + zeros;
	long long fill = sp->width > len ? sp->width - len : 0;

	if (!(sp->flags & F_MINUS) && !((sp->flags & F_ZERO) && zero_pad_ok))
		pad(o, ' ', fill);
	emit(o, prefix, plen);
	if (!(sp->flags & F_MINUS) && (sp->flags & F_ZERO) && zero_pad_ok)
		pad(o, '0', fill);
	pad(o, '0', zeros);
	emit(o, body, blen);
	if (sp->flags & F_MINUS)
		pad(o, ' ', fill);
}

static void fmt_int(struct fmt_sink *o, const struct spec *sp, uintmax_t v, bool neg,
		    int base, char conv)
{
	const char *digits = (sp->flags & F_UPPER) ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24], prefix[3];
	size_t plen = 0;
	int n = 0, zeros;
	bool sign = conv == 'd' || conv == 'i' || conv == 'p'; /* as glibc: "%+p" is "+0x..." */

	while (v) {
		buf[sizeof(buf) - 1 - n++] = digits[v % (unsigned)base];
		v /= (unsigned)base;
	}
	if (neg)
		prefix[plen++] = '-';
	else if (sign && (sp->flags & F_PLUS))
		prefix[plen++] = '+';
	else if (sign && (sp->flags & F_SPACE))
		prefix[plen++] = ' ';
	if ((sp->flags & F_HASH) && base == 16 && n) {
		prefix[plen++] = '0';
		prefix[plen++] = (sp->flags & F_UPPER) ? 'X' : 'x';
	}
	zeros = sp->prec > n ? sp->prec - n : 0;
	if (sp->prec < 0 && n == 0)
		zeros = 1;
	if ((sp->flags & F_HASH) && base == 8 && zeros == 0 && (n == 0 || buf[sizeof(buf) - n] != '0'))
		zeros = 1;
	field(o, sp, prefix, plen, zeros, buf + sizeof(buf) - n, (size_t)n, sp->prec < 0);
}

#ifdef CONFIG_LIBC_PRINTF_FLOAT
#include "format_float.h"
#endif

static void fmt_double(struct fmt_sink *o, const struct spec *sp, double d, char conv)
{
#ifdef CONFIG_LIBC_PRINTF_FLOAT
	fmt_float(o, sp, d, conv);
#else
	(void)d;
	(void)conv;
	field(o, sp, "", 0, 0, "?", 1, false);
#endif
}

enum { L_NONE, L_HH, L_H, L_L, L_LL, L_J, L_Z, L_T, L_BIG_L };

size_t fmt_vformat(struct fmt_sink *o, const char *f, va_list ap)
{
	while (*f) {
		struct spec sp = { 0, 0, -1 };
		const char *start = f;
		int len = L_NONE;
		char conv;

		while (*f && *f != '%')
			f++;
		emit(o, start, (size_t)(f - start));
		if (!*f)
			break;
		f++;
		for (;; f++) {
			if (*f == '-')
				sp.flags |= F_MINUS;
			else if (*f == '+')
				sp.flags |= F_PLUS;
			else if (*f == ' ')
				sp.flags |= F_SPACE;
			else if (*f == '#')
				sp.flags |= F_HASH;
			else if (*f == '0')
				sp.flags |= F_ZERO;
			else
				break;
		}
		if (*f == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.flags |= F_MINUS;
				sp.width = sp.width == INT_MIN ? INT_MAX : -sp.width;
			}
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				sp.width = sp.width < INT_MAX / 10 ? sp.width * 10 + (*f++ - '0') : (f++, INT_MAX);
		}
		if (*f == '.') {
			f++;
			sp.prec = 0;
			if (*f == '*') {
				sp.prec = va_arg(ap, int);
				if (sp.prec < 0)
					sp.prec = -1;
				f++;
			} else {
				while (*f >= '0' && *f <= '9')
					sp.prec = sp.prec < INT_MAX / 10 ? sp.prec * 10 + (*f++ - '0') : (f++, INT_MAX);
			}
		}
		switch (*f) {
		case 'h':
			len = f[1] == 'h' ? (f++, L_HH) : L_H;
			f++;
			break;
		case 'l':
			len = f[1] == 'l' ? (f++, L_LL) : L_L;
			f++;
			break;
		case 'j':
			len = L_J, f++;
			break;
		case 'z':
			len = L_Z, f++;
			break;
		case 't':
			len = L_T, f++;
			break;
		case 'L':
			len = L_BIG_L, f++;
			break;
		}
		conv = *f;
		if (conv)
			f++;
		if (conv >= 'A' && conv <= 'Z')
			sp.flags |= F_UPPER;
		switch (conv) {
		case 'd':
		case 'i': {
			intmax_t v;

			switch (len) {
			case L_HH: v = (signed char)va_arg(ap, int); break;
			case L_H: v = (short)va_arg(ap, int); break;
			case L_L: v = va_arg(ap, long); break;
			case L_LL: v = va_arg(ap, long long); break;
			case L_J: v = va_arg(ap, intmax_t); break;
			case L_Z: v = va_arg(ap, long); break;
			case L_T: v = va_arg(ap, ptrdiff_t); break;
			default: v = va_arg(ap, int); break;
			}
			fmt_int(o, &sp, v < 0 ? -(uintmax_t)v : (uintmax_t)v, v < 0, 10, conv);
			break;
		}
		case 'u':
		case 'o':
		case 'x':
		case 'X': {
			uintmax_t v;

			switch (len) {
			case L_HH: v = (unsigned char)va_arg(ap, unsigned); break;
			case L_H: v = (unsigned short)va_arg(ap, unsigned); break;
			case L_L: v = va_arg(ap, unsigned long); break;
			case L_LL: v = va_arg(ap, unsigned long long); break;
			case L_J: v = va_arg(ap, uintmax_t); break;
			case L_Z: v = va_arg(ap, size_t); break;
			case L_T: v = (uintmax_t)va_arg(ap, ptrdiff_t); break;
			default: v = va_arg(ap, unsigned); break;
			}
			fmt_int(o, &sp, v, false, conv == 'u' ? 10 : conv == 'o' ? 8 : 16, conv);
			break;
		}
		case 'p': {
			void *p = va_arg(ap, void *);

			if (!p) {
				sp.prec = -1;
				field(o, &sp, "", 0, 0, "(nil)", 5, false);
				break;
			}
			sp.flags |= F_HASH;
			fmt_int(o, &sp, (uintptr_t)p, false, 16, 'p');
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);

			field(o, &sp, "", 0, 0, &c, 1, false);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			size_t n;

			if (!s)
				s = sp.prec < 0 || sp.prec >= 6 ? "(null)" : "";
			n = sp.prec >= 0 ? strnlen(s, (size_t)sp.prec) : strlen(s);
			field(o, &sp, "", 0, 0, s, n, false);
			break;
		}
		case 'f':
		case 'F':
		case 'e':
		case 'E':
		case 'g':
		case 'G': {
			/* long double is IEEE binary128 on AArch64: converting it is
			 * a libgcc software routine, worth linking only when the
			 * value is printed. */
#ifdef CONFIG_LIBC_PRINTF_FLOAT
			double d = len == L_BIG_L ? (double)va_arg(ap, long double) : va_arg(ap, double);
#else
			double d = 0;

			if (len == L_BIG_L)
				(void)va_arg(ap, long double);
			else
				(void)va_arg(ap, double);
#endif
			fmt_double(o, &sp, d, conv);
			break;
		}
		case '%':
			emit(o, "%", 1);
			break;
		default:
			/* Unknown or unsupported (%n, %a): print it as written. */
			emit(o, "%", 1);
			if (conv)
				emit(o, &conv, 1);
			break;
		}
	}
	return o->total;
}
