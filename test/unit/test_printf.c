// SPDX-License-Identifier: MIT
/*
 * The printf engine (libc/src/format.c, format_float.h, snprintf.c, stdio.c)
 * against glibc: a differential test over tens of thousands of generated
 * format/value pairs, plus explicit cases (truncation, long output, NULL
 * strings, the console path).
 *
 * Generated conversions never include what C leaves undefined, so that
 * glibc's answer is the one to match (C11 7.21.6.1):
 *   - '#' only with o x X e E f F g G (undefined with d i u c s p);
 *   - '0' only with d i o u x X e E f F g G (undefined with c s p);
 *   - a precision only with d i o u x X e E f F g G s (undefined with c p);
 *   - length modifiers only where they name a type: hh h l ll j z t with
 *     d i o u x X, l and L with the floating conversions, none with c s p
 *     (%lc and %ls are wide characters, which we do not implement);
 *   - %% only as the bare "%%".
 * '+' and ' ' with %p are not undefined (%p's form is implementation
 * defined); we follow glibc, which prints "+0x..." and " 0x...".
 * NaN's sign: glibc prints "-nan" for a NaN with the sign bit set; so do we
 * (the sign is part of the value's bits, and matching glibc keeps the
 * differential test simple), and "+nan" / " nan" with those flags.
 */
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hako_api.h"
#include "unit.h"

enum kind {
	K_NONE, /* no value: %% */
	K_INT,
	K_LONG,
	K_LLONG,
	K_INTMAX,
	K_SSIZE,
	K_PTRDIFF,
	K_UINT,
	K_ULONG,
	K_ULLONG,
	K_UINTMAX,
	K_SIZE,
	K_DOUBLE,
	K_LDOUBLE,
	K_PTR,
	K_STR,
	K_CHAR,
};

struct pcase {
	char fmt[160];
	int nstar;
	int star[2];
	enum kind kind;
	long long i;
	double d;
	const void *p;
	const char *s;
	/* The pieces fmt was made of, for the %#g oracle. */
	const char *lit1, *lit2;
	char flags[8], len[4], conv;
	int width, prec;	    /* -1: none */
	bool width_star, prec_star; /* the value is in star[] */
	bool lone_dot;		    /* precision 0 written "." */
};

/* A vsnprintf-shaped formatter: ours, glibc's, or ours through dprintf. */
typedef int (*vfmt_fn)(char *buf, size_t size, const char *fmt, va_list ap);

static int via(vfmt_fn f, char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = f(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Format case c with f, passing each argument with its exact C type. */
static int call(vfmt_fn f, char *buf, size_t size, const struct pcase *c)
{
#define CALL(...)                                                             \
	(c->nstar == 0	 ? via(f, buf, size, c->fmt, __VA_ARGS__)             \
	 : c->nstar == 1 ? via(f, buf, size, c->fmt, c->star[0], __VA_ARGS__) \
			 : via(f, buf, size, c->fmt, c->star[0], c->star[1], __VA_ARGS__))
	switch (c->kind) {
	case K_NONE:
		return via(f, buf, size, c->fmt);
	case K_INT:
		return CALL((int)c->i);
	case K_LONG:
		return CALL((long)c->i);
	case K_LLONG:
		return CALL((long long)c->i);
	case K_INTMAX:
		return CALL((intmax_t)c->i);
	case K_SSIZE:
		return CALL((ssize_t)c->i);
	case K_PTRDIFF:
		return CALL((ptrdiff_t)c->i);
	case K_UINT:
		return CALL((unsigned)c->i);
	case K_ULONG:
		return CALL((unsigned long)c->i);
	case K_ULLONG:
		return CALL((unsigned long long)c->i);
	case K_UINTMAX:
		return CALL((uintmax_t)c->i);
	case K_SIZE:
		return CALL((size_t)c->i);
	case K_DOUBLE:
		return CALL(c->d);
	case K_LDOUBLE:
		return CALL((long double)c->d);
	case K_PTR:
		return CALL(c->p);
	case K_STR:
		return CALL(c->s);
	case K_CHAR:
		return CALL((int)c->i);
	}
#undef CALL
	abort();
}

/* Ours through the console: vdprintf's 160-byte buffer and its flushes. */
static int console_vfmt(char *buf, size_t size, const char *fmt, va_list ap)
{
	int n;

	unit_console_reset();
	n = hako_vdprintf(1, fmt, ap);
	if (size) {
		size_t c = unit_console_len < size - 1 ? unit_console_len : size - 1;

		memcpy(buf, unit_console ? unit_console : "", c);
		buf[c] = '\0';
	}
	if ((size_t)n != unit_console_len)
		return -2; /* the return value must count what was written */
	return n;
}

/* -------------------------------------------------------------- values */

static const char *const strings[] = {
    "",
    "a",
    "hello",
    "hello, world",
    "  two  spaces  ",
    "tab\there\nnewline",
    "caf\xc3\xa9 \xe2\x82\xac", /* UTF-8: precision counts bytes */
    "%d %s %% not a format",
    "0123456789012345678901234567890123456789012345678901234567890123456789"
    "0123456789012345678901234567890123456789",
    NULL,
};

static long long pick_int(struct rng *r)
{
	static const long long special[] = {
	    0,
	    1,
	    -1,
	    7,
	    8,
	    9,
	    10,
	    15,
	    16,
	    17,
	    99,
	    100,
	    127,
	    128,
	    255,
	    256,
	    -127,
	    -128,
	    -129,
	    -255,
	    -256,
	    32767,
	    32768,
	    65535,
	    65536,
	    -32767,
	    -32768,
	    -32769,
	    INT_MAX,
	    INT_MIN,
	    (long long)INT_MAX + 1,
	    (long long)INT_MIN - 1,
	    UINT_MAX,
	    (long long)UINT_MAX + 1,
	    LLONG_MAX,
	    LLONG_MIN,
	    LLONG_MIN + 1,
	    1000000,
	    999999999,
	    1000000000,
	    1000000000000000000LL,
	    -1000000000000000000LL,
	    0x7fffffffffffffffLL,
	    (long long)0x8000000000000000ULL,
	    (long long)0xdeadbeefcafebabeULL,
	    01234567,
	};

	if (rng_chance(r, 35))
		return special[rng_below(r, sizeof(special) / sizeof(special[0]))];
	/* Random magnitude: every bit length equally likely. */
	return (long long)(rng_u64(r) >> rng_below(r, 64));
}

static double pow10_exact(int k)
{
	char s[16];

	snprintf(s, sizeof(s), "1e%d", k);
	return strtod(s, NULL); /* correctly rounded */
}

static double pick_double(struct rng *r)
{
	static const double special[] = {
	    0.0,
	    0.5,
	    1.5,
	    2.5,
	    3.5,
	    4.5,
	    0.125,
	    0.375,
	    0.625,
	    0.875,
	    0.0625,
	    1.0,
	    10.0,
	    100.0,
	    1e-5,
	    1e-4,
	    9.5,
	    99.5,
	    999.5,
	    0.05,
	    0.15,
	    0.25,
	    0.35,
	    0.45,
	    0.95,
	    1e15,
	    1e16,
	    1e17,
	    1e21,
	    1e22,
	    1e23,
	    123456789.0,
	    0.1,
	    0.2,
	    0.3,
	    1.0 / 3,
	    2.0 / 3,
	    3.14159265358979323846,
	    2.71828182845904523536,
	    9.9999995,
	    0.000099995,
	    999999.5,
	    9999995.0,
	    99999.95,
	    0.9999999999999999,
	    9.999999999999999e22,
	    DBL_MAX,
	    DBL_MIN,
	    DBL_EPSILON,
	    4.9406564584124654e-324, /* the smallest subnormal */
	    2.2250738585072009e-308, /* the largest subnormal */
	    1.48219693752373786e-323,
	    1e308,
	    1e-308,
	    1e-310,
	    1e-320,
	    5e-7,
	    9.5e-5,
	    1e300,
	    9223372036854775808.0,
	    18446744073709551616.0,
	    9007199254740993.0,
	    4503599627370496.5,
	    0.30000000000000004,
	    1e-300,
	    123.456,
	    5e-1,
	    5e-2,
	    5e-3,
	};
	double d;

	switch (rng_below(r, 10)) {
	case 0:
	case 1:
		d = special[rng_below(r, sizeof(special) / sizeof(special[0]))];
		break;
	case 2: { /* any bit pattern: normals, subnormals, infinities, NaNs */
		uint64_t u = rng_u64(r);

		if (rng_chance(r, 10))
			u &= 0x800fffffffffffffULL; /* subnormal (or zero) */
		else if (rng_chance(r, 5))
			u |= 0x7ff0000000000000ULL; /* inf or NaN */
		memcpy(&d, &u, sizeof(d));
		break;
	}
	case 3: /* halfway cases: odd / 2^m, exact ties at precision m-1 */
		d = ldexp((double)(2 * rng_below(r, 1000) + 1), -(int)rng_range(r, 1, 12));
		if (rng_chance(r, 30))
			d *= pow10_exact((int)rng_range(r, 0, 6));
		break;
	case 4: /* powers of ten, all of them */
		d = pow10_exact((int)rng_range(r, -323, 308));
		break;
	case 5: /* small integers and near-integers */
		d = (double)rng_below(r, 2000000) + (rng_chance(r, 50) ? 0.5 : 0.0);
		break;
	case 6: { /* decimal-looking numbers: near, not at, ties */
		char s[48];

		snprintf(s, sizeof(s), "%" PRIu64 ".%0*" PRIu64 "e%d", rng_below(r, 10),
			 (int)rng_range(r, 1, 17), rng_below(r, 100000000000000000ULL),
			 (int)rng_range(r, -30, 30));
		d = strtod(s, NULL);
		break;
	}
	case 7: /* a random mantissa at a moderate scale */
		d = ldexp((double)(rng_u64(r) >> 11), (int)rng_range(r, -90, 40));
		break;
	case 8: /* infinities and NaNs */
		d = rng_chance(r, 50) ? INFINITY : NAN;
		break;
	default: /* uniform-ish over a wide range */
		d = ldexp((double)(rng_u64(r) >> 11) / 9007199254740992.0,
			  (int)rng_range(r, -1074, 1024));
		break;
	}
	return rng_chance(r, 40) ? -d : d;
}

/* ------------------------------------------------------------ formats */

static bool has(const char *set, char c)
{
	return c && strchr(set, c);
}

/* A random conversion spec for conv into c (flags, width, precision,
 * length), minus the undefined combinations listed at the top. */
static void gen_spec(struct rng *r, struct pcase *c, char conv)
{
	static const char *const int_len[] = {"", "", "", "hh", "h", "l", "ll", "j", "z", "t"};
	bool is_int = has("diouxX", conv), is_float = has("fFeEgG", conv);
	bool is_signed = has("di", conv);
	int nf = 0;

	c->conv = conv;
	c->width = c->prec = -1;
	if (conv == '%') {
		c->kind = K_NONE;
		return;
	}
	for (int n = (int)rng_below(r, 4); n > 0; n--) {
		char fl = "-+ #0"[rng_below(r, 5)];

		if (fl == '#' && !has("oxXeEfFgG", conv))
			continue;
		if (fl == '0' && !(is_int || is_float))
			continue;
		c->flags[nf++] = fl;
	}
	unsigned w = (unsigned)rng_below(r, 10), p = (unsigned)rng_below(r, 20);

	if (w >= 4 && w < 8) { /* 40%: a number; 40% none */
		c->width = (int)rng_range(r, 1, rng_chance(r, 5) ? 300 : 40);
	} else if (w >= 8) { /* 20%: '*' */
		c->width_star = true;
		c->width = (int)rng_range(r, -40, 40);
		c->star[c->nstar++] = c->width;
	}
	if (!(is_int || is_float || conv == 's') || p < 8) {
		/* no precision */
	} else if (p < 10) { /* a lone '.' */
		c->prec = 0;
		c->lone_dot = true;
	} else if (p < 17) {
		c->prec = (int)(rng_chance(r, 70) ? rng_range(r, 0, 8) : rng_range(r, 0, 60));
	} else { /* ".*", negative sometimes: as if omitted */
		c->prec_star = true;
		c->prec = (int)rng_range(r, -3, 60);
		c->star[c->nstar++] = c->prec;
	}
	if (is_int)
		strcpy(c->len, int_len[rng_below(r, sizeof(int_len) / sizeof(int_len[0]))]);
	else if (is_float)
		strcpy(c->len, rng_chance(r, 15) ? "L" : rng_chance(r, 10) ? "l" : "");

	if (is_int) {
		static const enum kind s_kind[] = {K_INT,    K_LONG,  K_LLONG,
						   K_INTMAX, K_SSIZE, K_PTRDIFF};
		static const enum kind u_kind[] = {K_UINT,    K_ULONG, K_ULLONG,
						   K_UINTMAX, K_SIZE,  K_PTRDIFF};
		const char *len = c->len;
		int k = !strcmp(len, "l")    ? 1
			: !strcmp(len, "ll") ? 2
			: !strcmp(len, "j")  ? 3
			: !strcmp(len, "z")  ? 4
			: !strcmp(len, "t")  ? 5
					     : 0;

		c->kind = is_signed ? s_kind[k] : u_kind[k];
		c->i = pick_int(r);
		if (k == 0 && !rng_chance(r, 10)) /* mostly values that fit */
			c->i = is_signed ? (int)c->i : (long long)(unsigned)c->i;
	} else if (is_float) {
		c->kind = !strcmp(c->len, "L") ? K_LDOUBLE : K_DOUBLE;
		c->d = pick_double(r);
	} else if (conv == 'c') {
		c->kind = K_CHAR;
		c->i = rng_chance(r, 10) ? rng_range(r, -300, 600) : rng_range(r, 0, 255);
	} else if (conv == 's') {
		c->kind = K_STR;
		c->s = strings[rng_below(r, sizeof(strings) / sizeof(strings[0]))];
	} else if (conv == 'p') {
		static const uintptr_t ptrs[] = {
		    0, 1, 0xf, 0x1000, 0x7fffdeadbeef, UINTPTR_MAX, (uintptr_t)1 << 63};

		c->kind = K_PTR;
		c->p =
		    (const void *)(rng_chance(r, 50) ? ptrs[rng_below(r, 7)]
						     : (uintptr_t)(rng_u64(r) >> rng_below(r, 64)));
	}
}

/* c->fmt from its pieces. */
static void build_fmt(struct pcase *c)
{
	char *f = c->fmt;

	f += sprintf(f, "%s%%", c->lit1);
	if (c->conv != '%') {
		f += sprintf(f, "%s", c->flags);
		if (c->width_star)
			*f++ = '*';
		else if (c->width >= 0)
			f += sprintf(f, "%d", c->width);
		if (c->prec_star)
			f += sprintf(f, ".*");
		else if (c->lone_dot)
			*f++ = '.'; /* "%.d" is "%.0d" */
		else if (c->prec >= 0)
			f += sprintf(f, ".%d", c->prec);
		f += sprintf(f, "%s", c->len);
	}
	sprintf(f, "%c%s", c->conv, c->lit2);
}

static const char *gen_literal(struct rng *r)
{
	static const char *const lit[] = {"", "", "", "x", "[", "] ", "abc ", "%%", " = ", "\t"};

	return lit[rng_below(r, sizeof(lit) / sizeof(lit[0]))];
}

/* A case whose one conversion is drawn from convs. */
static void gen_case(struct rng *r, struct pcase *c, const char *convs)
{
	memset(c, 0, sizeof(*c));
	c->lit1 = gen_literal(r);
	gen_spec(r, c, convs[rng_below(r, strlen(convs))]);
	c->lit2 = gen_literal(r);
	build_fmt(c);
}

/*
 * glibc 2.36 gets "%#g" wrong when rounding to P digits carries into a new
 * decade and so switches to style e: "%#g" of 999999.5 is "1.e+06" where
 * C11 7.21.6.1 asks for "1.00000e+06" ('#' keeps the trailing zeros of
 * precision P - 1).  For "%#g" the reference is therefore C's definition
 * applied with glibc's %e and %f, which are right: X is the exponent that
 * %.(P-1)e prints; style f with precision P - 1 - X if P > X >= -4, else
 * style e with precision P - 1.
 */
static bool hash_g(const struct pcase *c)
{
	return (c->conv == 'g' || c->conv == 'G') && strchr(c->flags, '#') && isfinite(c->d);
}

static int oracle_vfmt(char *buf, size_t size, const char *fmt, va_list ap);
static const struct pcase *oracle_case;

static int oracle_vfmt(char *buf, size_t size, const char *fmt, va_list ap)
{
	const struct pcase *c = oracle_case;
	int w = c->width_star ? va_arg(ap, int) : c->width;
	int p = c->prec_star ? va_arg(ap, int) : c->prec;
	double d = c->kind == K_LDOUBLE ? (double)va_arg(ap, long double) : va_arg(ap, double);
	char e[400], f[64];
	int x;

	(void)fmt;
	p = p < 0 ? 6 : p == 0 ? 1 : p;
	snprintf(e, sizeof(e), "%.*e", p - 1, d);
	x = atoi(strchr(e, 'e') + 1);
	snprintf(f, sizeof(f), "%s%%%s*.*%c%s", c->lit1, c->flags,
		 p > x && x >= -4 ? c->conv - 'g' + 'f' : c->conv - 'g' + 'e', c->lit2);
	return snprintf(buf, size, f, w < 0 && !c->width_star ? 0 : w,
			p > x && x >= -4 ? p - 1 - x : p - 1, d);
}

/* The reference: glibc, or C's definition of %#g built on glibc. */
static int reference(char *buf, size_t size, const struct pcase *c)
{
	if (hash_g(c)) {
		oracle_case = c;
		return call(oracle_vfmt, buf, size, c);
	}
	return call((vfmt_fn)vsnprintf, buf, size, c);
}

static void describe(const struct pcase *c, char *out, size_t size)
{
	int n = snprintf(out, size, "fmt \"%s\"", c->fmt);

	for (int i = 0; i < c->nstar; i++)
		n += snprintf(out + n, size - (size_t)n, " star%d=%d", i, c->star[i]);
	switch (c->kind) {
	case K_NONE:
		break;
	case K_DOUBLE:
	case K_LDOUBLE:
		snprintf(out + n, size - (size_t)n, " double %a (%.17g)", c->d, c->d);
		break;
	case K_PTR:
		snprintf(out + n, size - (size_t)n, " ptr %#" PRIxPTR, (uintptr_t)c->p);
		break;
	case K_STR:
		snprintf(out + n, size - (size_t)n, " str \"%s\"", c->s ? c->s : "<NULL>");
		break;
	default:
		snprintf(out + n, size - (size_t)n, " int %lld (%#llx) kind %d", c->i,
			 (unsigned long long)c->i, c->kind);
		break;
	}
}

/* Shows a string with its NULs and non-printing bytes escaped. */
static const char *show(const char *s, int n)
{
	static char buf[2][4096];
	static int which;
	char *o = buf[which ^= 1];
	int k = 0;

	if (n < 0)
		return "<error>";
	for (int i = 0; i < n && k < (int)sizeof(buf[0]) - 8; i++) {
		unsigned char ch = (unsigned char)s[i];

		k += ch >= 0x20 && ch < 0x7f ? sprintf(o + k, "%c", ch)
					     : sprintf(o + k, "\\x%02x", ch);
	}
	o[k] = '\0';
	return o;
}

struct diff_stats {
	int cases, bad;
};

/* Compare ours (through f) with glibc on c, in a big buffer and, when
 * trunc, again with a random short size (ours in an exact-size heap
 * buffer, so ASan sees any write past it). */
static void diff_one(struct rng *r, struct diff_stats *st, const struct pcase *c, vfmt_fn ours,
		     bool trunc)
{
	static char want[8192], got[8192];
	int nw, ng;
	char what[512];

	st->cases++;
	memset(got, 0x5a, sizeof(got));
	nw = reference(want, sizeof(want), c);
	ng = call(ours, got, sizeof(got), c);
	if (nw >= 0 && nw < (int)sizeof(want) && ng == nw && !memcmp(want, got, (size_t)nw + 1)) {
		if (!trunc)
			return;
		{
			size_t size = rng_below(r, (uint64_t)nw + 3);
			char *small = size ? malloc(size) : NULL;
			int ns;

			ns = call(ours, small, size, c);
			nw = reference(want, size, c);
			if (ns == nw &&
			    (!size ||
			     !memcmp(small, want, (size_t)nw < size - 1 ? (size_t)nw + 1 : size))) {
				free(small);
				return;
			}
			describe(c, what, sizeof(what));
			if (st->bad++ < 10)
				fprintf(stderr,
					"printf differs: %s, size %zu: glibc %d \"%s\", ours %d "
					"\"%s\"\n",
					what, size, nw, show(want, size ? (int)size : 0), ns,
					show(small, size ? (int)size : 0));
			free(small);
			return;
		}
	}
	describe(c, what, sizeof(what));
	if (st->bad++ < 10)
		fprintf(stderr, "printf differs: %s: glibc %d \"%s\", ours %d \"%s\"\n", what, nw,
			show(want, nw), ng, show(got, ng < 0 ? 0 : ng));
}

static void run_diff(const char *name, const char *convs, int count, vfmt_fn ours,
		     unsigned trunc_percent)
{
	struct rng r;
	struct diff_stats st = {0, 0};
	struct pcase c;

	rng_init(&r, name);
	for (int i = 0; i < count; i++) {
		gen_case(&r, &c, convs);
		diff_one(&r, &st, &c, ours, rng_chance(&r, trunc_percent));
	}
	ck_assert_msg(st.bad == 0, "%s: %d of %d cases differ from glibc (HAKO_SEED=%" PRIu64 ")",
		      name, st.bad, st.cases, unit_seed);
}

START_TEST(diff_integers)
{
	run_diff("printf.diff_integers", "diouxX", 30000, hako_vsnprintf, 5);
}
END_TEST

START_TEST(diff_floats)
{
	run_diff("printf.diff_floats", "fFeEgG", 60000, hako_vsnprintf, 5);
}
END_TEST

START_TEST(diff_chars_strings_pointers)
{
	run_diff("printf.diff_chars_strings_pointers", "cspc%", 10000, hako_vsnprintf, 5);
}
END_TEST

START_TEST(diff_truncated)
{
	run_diff("printf.diff_truncated", "diouxXcspfFeEgG%", 15000, hako_vsnprintf, 100);
}
END_TEST

START_TEST(diff_console_dprintf)
{
	run_diff("printf.diff_console_dprintf", "diouxXcspfFeEgG%", 6000, console_vfmt, 0);
}
END_TEST

/* ------------------------------------------------------------ explicit */

/* Check ours against an expected string, and glibc against it too. */
static void expect(const char *want, const char *fmt, ...)
{
	char got[512], ref[512];
	va_list ap, ap2;
	int n, m;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = hako_vsnprintf(got, sizeof(got), fmt, ap);
	m = vsnprintf(ref, sizeof(ref), fmt, ap2);
	va_end(ap2);
	va_end(ap);
	ck_assert_msg(!strcmp(ref, want), "glibc disagrees with the test on \"%s\": \"%s\"", fmt,
		      ref);
	ck_assert_msg(!strcmp(got, want), "\"%s\": got \"%s\", want \"%s\"", fmt, got, want);
	ck_assert_int_eq(n, (int)strlen(want));
	ck_assert_int_eq(m, n);
}

START_TEST(halfway_rounds_to_even)
{
	expect("0", "%.0f", 0.5);
	expect("2", "%.0f", 1.5);
	expect("2", "%.0f", 2.5);
	expect("4", "%.0f", 3.5);
	expect("-2", "%.0f", -2.5);
	expect("0.12", "%.2f", 0.125);
	expect("0.38", "%.2f", 0.375);
	expect("0.6", "%.1f", 0.625);
	expect("2e+00", "%.0e", 2.5);
	expect("1.2e-01", "%.1e", 0.125);
	expect("0.2", "%.1f", 0.25);
	expect("0.1", "%.1f", 0.15); /* 0.1499999999999999944... in binary */
	expect("0.3", "%.1f", 0.35); /* 0.3499999999999999777... */
	expect("0.5", "%.1f", 0.45); /* 0.4500000000000000111... */
	expect("1e+01", "%.0e", 9.5);
	expect("10", "%.0f", 9.5);
	expect("1e+02", "%.2g", 99.5);
	expect("0.0001", "%g", 0.0001);
	expect("1e-05", "%g", 0.00001);
	expect("1e+06", "%g", 999999.5);
	expect("99999.9", "%g", 99999.95); /* 99999.94999999999709... */
}
END_TEST

START_TEST(inf_nan_and_signs)
{
	expect("inf", "%f", INFINITY);
	expect("-inf", "%f", -INFINITY);
	expect("INF", "%F", INFINITY);
	expect("nan", "%f", NAN);
	expect("-nan", "%f", -NAN);
	expect("+nan", "%+f", NAN);
	expect(" nan", "% e", NAN);
	expect("NAN", "%G", NAN);
	expect("     -inf", "%09f", -INFINITY); /* no zero padding for inf */
	expect("inf  |", "%-5f|", INFINITY);
	expect("-0.000000", "%f", -0.0);
	expect("-0", "%g", -0.0);
	expect("+0.0e+00", "%+.1e", 0.0);
}
END_TEST

START_TEST(extremes)
{
	char got[2048], ref[2048];
	static const double vals[] = {DBL_MAX, -DBL_MAX, DBL_MIN, 4.9406564584124654e-324,
				      2.2250738585072009e-308};
	static const char *const fmts[] = {"%f",     "%.60f",  "%e",	"%.60e", "%g",
					   "%.17g",  "%#.0f",  "%#.0e", "%#g",	 "%.0e",
					   "%.800f", "%.760e", "%.770g"};

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		for (size_t j = 0; j < sizeof(fmts) / sizeof(fmts[0]); j++) {
			int n = hako_snprintf(got, sizeof(got), fmts[j], vals[i]);
			int m = snprintf(ref, sizeof(ref), fmts[j], vals[i]);

			ck_assert_msg(n == m && !strcmp(got, ref),
				      "%s of %a: got %d \"%s\", want %d \"%s\"", fmts[j], vals[i],
				      n, got, m, ref);
		}
	expect("-9223372036854775808", "%lld", LLONG_MIN);
	expect("-2147483648", "%d", INT_MIN);
	expect("18446744073709551615", "%llu", ULLONG_MAX);
	expect("1777777777777777777777", "%llo", ULLONG_MAX);
	expect("01777777777777777777777", "%#llo", ULLONG_MAX);
	expect("0XFFFFFFFFFFFFFFFF", "%#llX", ULLONG_MAX);
	expect("-128 255 -1 65535", "%hhd %hhu %hd %hu", 128, 255, 65535, 65535);
}
END_TEST

START_TEST(integer_corners)
{
	expect("", "%.0d", 0);
	expect("+", "%+.0d", 0);
	expect(" ", "% .0i", 0);
	expect("0", "%#.0o", 0);
	expect("", "%#.0x", 0);
	expect("0", "%#x", 0);
	expect("0x00002a", "%#08x", 42);
	expect("  0x2a", "%#6x", 42);
	expect("0x2a  |", "%-#6x|", 42);
	expect("+0042", "%+05d", 42);
	expect("  042", "%05.3d", 42);	 /* a precision disables '0' */
	expect("-42  |", "%-05d|", -42); /* '-' wins over '0' */
	expect("010", "%#o", 8);
	expect("010", "%#.3o", 8);
	expect("   -0042", "%8.4d", -42);
	expect("42      |", "%*d|", -8, 42); /* negative width: '-' */
	expect("42", "%.*d", -5, 42);	     /* negative precision: none */
	expect("%", "%%");
	expect("a%b", "a%%b");
}
END_TEST

START_TEST(pointers)
{
	int x;
	char want[64];

	expect("(nil)", "%p", (void *)NULL);
	expect("     (nil)", "%10p", (void *)NULL);
	expect("(nil)     |", "%-10p|", (void *)NULL);
	expect("0x1", "%p", (void *)1);
	snprintf(want, sizeof(want), "%p", (void *)&x);
	expect(want, "%p", (void *)&x);
	/* gcc -Wformat calls these flags invalid with %p; C does not. */
	{
		const char *volatile plus = "%+p", *volatile space = "% 30p";

		snprintf(want, sizeof(want), plus, (void *)&x);
		ck_assert_int_eq(want[0], '+'); /* glibc 2.36 */
		expect(want, plus, (void *)&x);
		snprintf(want, sizeof(want), space, (void *)&x);
		expect(want, space, (void *)&x);
	}
}
END_TEST

START_TEST(null_string)
{
	expect("(null)", "%s", (char *)NULL);
	expect("    (null)", "%10s", (char *)NULL);
	expect("(null)  |", "%-8s|", (char *)NULL);
	expect("(null)", "%.6s", (char *)NULL);
	expect("", "%.5s", (char *)NULL); /* glibc: too short for "(null)": nothing */
	expect("   ", "%3.2s", (char *)NULL);
	expect("hel", "%.3s", "hello");
	expect("  hel", "%5.3s", "hello");
}
END_TEST

START_TEST(chars)
{
	char buf[8];
	int n;

	expect("a", "%c", 'a');
	expect("    a", "%5c", 'a');
	expect("a    |", "%-5c|", 'a');
	expect("\xff", "%c", -1);
	expect("A", "%c", 0x141); /* converted to unsigned char */
	/* A NUL character counts and is written. */
	memset(buf, 'x', sizeof(buf));
	n = hako_snprintf(buf, sizeof(buf), "a%cb", 0);
	ck_assert_int_eq(n, 3);
	ck_assert(!memcmp(buf, "a\0b\0", 4));
}
END_TEST

/* A format the compiler cannot check: for the deliberately odd ones. */
static int odd(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = hako_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

START_TEST(unknown_conversion_printed_as_written)
{
	char buf[32];
	const char *volatile fmt = "a%yb%";

	/* format.c: "Unknown or unsupported (%n, %a): print it as written."
	 * (undefined in C, so not compared with glibc). */
	ck_assert_int_eq(odd(buf, sizeof(buf), fmt), 5);
	ck_assert_str_eq(buf, "a%yb%");
}
END_TEST

START_TEST(truncation)
{
	static const struct {
		const char *fmt;
		int arg;
		const char *full;
	} cases[] = {
	    {"%d", 12345, "12345"},
	    {"[%8d]", -42, "[     -42]"},
	    {"abc%%def", 0, "abc%def"},
	    {"x%5dy", 3, "x    3y"},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		int len = (int)strlen(cases[k].full);

		/* size 0: nothing written (buf may be NULL), full length returned */
		ck_assert_int_eq(odd(NULL, 0, cases[k].fmt, cases[k].arg), len);
		for (size_t size = 1; size <= (size_t)len + 2; size++) {
			char *buf = malloc(size); /* exact: ASan catches a write past it */
			size_t keep = size - 1 < (size_t)len ? size - 1 : (size_t)len;

			memset(buf, 'Z', size);
			ck_assert_int_eq(odd(buf, size, cases[k].fmt, cases[k].arg), len);
			ck_assert_msg(!memcmp(buf, cases[k].full, keep) && buf[keep] == '\0',
				      "%s in %zu bytes: \"%s\"", cases[k].fmt, size, buf);
			free(buf);
		}
	}
	{
		/* Floats are produced in pieces: cut them anywhere. */
		char want[64];
		int len = snprintf(want, sizeof(want), "%+12.5e|%-9.3f|", -1234.5678, 0.1);

		for (size_t size = 0; size <= (size_t)len + 1; size++) {
			char *buf = size ? malloc(size) : NULL;

			ck_assert_int_eq(
			    hako_snprintf(buf, size, "%+12.5e|%-9.3f|", -1234.5678, 0.1), len);
			if (size) {
				ck_assert(!memcmp(buf, want, size - 1));
				ck_assert_int_eq(
				    buf[size - 1 < (size_t)len ? size - 1 : (size_t)len], '\0');
			}
			free(buf);
		}
	}
}
END_TEST

START_TEST(very_long_output)
{
	enum { BIG = 100000 };
	char *s = malloc(BIG + 1), *got = malloc(3 * BIG), *want = malloc(3 * BIG);
	int n, m;

	memset(s, 'q', BIG);
	s[BIG] = '\0';
	s[BIG / 2] = 'M';
	n = hako_snprintf(got, 3 * BIG, "<%s|%-70000d|%5000.3000f|%.700e>", s, -7, 1.0 / 3, 1e-300);
	m = snprintf(want, 3 * BIG, "<%s|%-70000d|%5000.3000f|%.700e>", s, -7, 1.0 / 3, 1e-300);
	ck_assert_int_eq(n, m);
	ck_assert(!memcmp(got, want, (size_t)m + 1));
	/* The same through a 100-byte buffer: the return value is the full
	 * length. */
	n = hako_snprintf(got, 100, "<%s|%-70000d|%5000.3000f|%.700e>", s, -7, 1.0 / 3, 1e-300);
	ck_assert_int_eq(n, m);
	ck_assert(!memcmp(got, want, 99) && got[99] == '\0');
	/* And through the console's 160-byte buffer and its flushes. */
	unit_console_reset();
	n = hako_dprintf(1, "<%s|%-70000d|%5000.3000f|%.700e>", s, -7, 1.0 / 3, 1e-300);
	ck_assert_int_eq(n, m);
	ck_assert_uint_eq(unit_console_len, (size_t)m);
	ck_assert(!memcmp(unit_console, want, (size_t)m));
	free(s);
	free(got);
	free(want);
}
END_TEST

START_TEST(output_over_int_max_is_an_error)
{
	const char *volatile fmt = "%*d%*d";

	/* 2^31 bytes: more than an int can count.  glibc says -1 (EOVERFLOW). */
	ck_assert_int_eq(odd(NULL, 0, fmt, INT_MAX, 1, 1, 2), -1);
}
END_TEST

/*
 * A width or precision near INT_MAX plus a sign or a 0x prefix: the field's
 * length is more than an int holds (once an overflow in the padding
 * arithmetic: UBSan stops the test).  The answer is -1 with EOVERFLOW, and
 * what fits is the start of the right text.
 */
START_TEST(huge_width_and_precision_with_prefix)
{
	const char *volatile fmt1 = "%+.*d", *volatile fmt2 = "%#*x", *volatile fmt3 = "%-*s|";
	char buf[8];

	errno = 0;
	ck_assert_int_eq(odd(buf, sizeof(buf), fmt1, INT_MAX, 5), -1);
	ck_assert_int_eq(errno, EOVERFLOW);
	ck_assert_str_eq(buf, "+000000");
	ck_assert_int_eq(odd(buf, sizeof(buf), fmt2, INT_MAX, 0xab), INT_MAX);
	ck_assert_str_eq(buf, "       ");
	ck_assert_int_eq(odd(buf, sizeof(buf), fmt3, INT_MAX, "ab"), -1);
	ck_assert_str_eq(buf, "ab     ");
}
END_TEST

/*
 * A precision near INT_MAX must not overflow the engine's int arithmetic
 * (undefined behaviour; UBSan stops the test).  "%.*g" with INT_MAX shows
 * every significant digit of the exact value: the same as "%.800g".
 * ("%.*e" and "%.*f" with INT_MAX overflow too, but a correct answer there
 * means producing 2^31 digits, seconds of work, so they are not run here.)
 */
START_TEST(huge_precision_g)
{
	static const double vals[] = {0.001, 0.5, 1.0, 123.25, 1e-300, 5e-324, 1e300};

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		char got[1024], want[1024];
		int n = hako_snprintf(got, sizeof(got), "%.*g", INT_MAX, vals[i]);
		int m = snprintf(want, sizeof(want), "%.800g", vals[i]);

		ck_assert_msg(n == m && !strcmp(got, want),
			      "%%.*g INT_MAX of %a: %d \"%s\", want %d \"%s\"", vals[i], n, got, m,
			      want);
	}
}
END_TEST

START_TEST(sprintf_family)
{
	char buf[64];

	ck_assert_int_eq(hako_sprintf(buf, "%s-%05.1f-%x", "ab", 2.25, 255u), 11);
	ck_assert_str_eq(buf, "ab-002.2-ff");
	unit_console_reset();
	ck_assert_int_eq(hako_printf("%d%c", 42, '!'), 3);
	ck_assert_int_eq(hako_puts("line"), 5);
	ck_assert_int_eq(hako_putchar(0x1ff), 0xff);
	ck_assert_uint_eq(unit_console_len, 9);
	ck_assert(!memcmp(unit_console, "42!line\n\xff", 9));
}
END_TEST

void unit_register(void)
{
	Suite *s = suite_create("printf");
	TCase *diff = unit_tcase("differential");
	TCase *tc = unit_tcase("explicit");

	tcase_add_test(diff, diff_integers);
	tcase_add_test(diff, diff_floats);
	tcase_add_test(diff, diff_chars_strings_pointers);
	tcase_add_test(diff, diff_truncated);
	tcase_add_test(diff, diff_console_dprintf);
	suite_add_tcase(s, diff);
	tcase_add_test(tc, halfway_rounds_to_even);
	tcase_add_test(tc, inf_nan_and_signs);
	tcase_add_test(tc, extremes);
	tcase_add_test(tc, integer_corners);
	tcase_add_test(tc, pointers);
	tcase_add_test(tc, null_string);
	tcase_add_test(tc, chars);
	tcase_add_test(tc, unknown_conversion_printed_as_written);
	tcase_add_test(tc, truncation);
	tcase_add_test(tc, very_long_output);
	tcase_add_test(tc, output_over_int_max_is_an_error);
	tcase_add_test(tc, huge_width_and_precision_with_prefix);
	tcase_add_test(tc, huge_precision_g);
	tcase_add_test(tc, sprintf_family);
	suite_add_tcase(s, tc);
	unit_add_suite(s, false);
}
