/* SPDX-License-Identifier: MIT */
/*
 * %f %e %g for the printf engine (included by format.c only).
 *
 * A finite double is m * 2^e with m < 2^53.  Its exact decimal expansion is
 * the integer m * 2^e (e >= 0), or m * 5^-e with the point -e digits from
 * the right (e < 0).  We build that integer in base 10^9 limbs (at most 767
 * digits, for the smallest subnormal), print it, and round the digit string
 * half-to-even, as glibc does in the default rounding mode.
 */

#define FLT_DIGITS_MAX 800
#define LIMBS ((FLT_DIGITS_MAX + 8) / 9)

struct decimal {
	char d[FLT_DIGITS_MAX + 2]; /* digits, most significant first, no leading 0 */
	int len;		    /* 0 for the value zero */
	int point;		    /* digits before the decimal point (may be <= 0) */
};

static void big_mul(uint32_t *limb, int *n, uint32_t factor)
{
	uint64_t carry = 0;

	for (int i = 0; i < *n; i++) {
		uint64_t v = (uint64_t)limb[i] * factor + carry;

		limb[i] = (uint32_t)(v % 1000000000u);
		carry = v / 1000000000u;
	}
	while (carry) {
		limb[(*n)++] = (uint32_t)(carry % 1000000000u);
		carry /= 1000000000u;
	}
}

static void decimal_of(double v, struct decimal *dec)
{
	union {
		double d;
		uint64_t u;
	} bits = { v };
	uint64_t m = bits.u & ((1ULL << 52) - 1);
	int e = (int)(bits.u >> 52 & 0x7ff), n = 0, k = 0;
	uint32_t limb[LIMBS];
	char tmp[FLT_DIGITS_MAX + 9];
	int len = 0;

	if (e)
		m |= 1ULL << 52;
	else
		e = 1;
	e -= 1075;
	dec->len = 0;
	dec->point = 0;
	if (m == 0)
		return;
	limb[n++] = (uint32_t)(m % 1000000000u);
	m /= 1000000000u;
	while (m) {
		limb[n++] = (uint32_t)(m % 1000000000u);
		m /= 1000000000u;
	}
	for (; e >= 29; e -= 29)
		big_mul(limb, &n, 1u << 29);
	if (e > 0)
		big_mul(limb, &n, 1u << e);
	for (; e <= -13; e += 13, k += 13)
		big_mul(limb, &n, 1220703125u); /* 5^13 */
	for (; e < 0; e++, k++)
		big_mul(limb, &n, 5);
	for (int i = n - 1; i >= 0; i--) {
		uint32_t x = limb[i];

		for (int j = 8; j >= 0; j--) {
			tmp[len + j] = (char)('0' + x % 10);
			x /= 10;
		}
		len += 9;
	}
	{
		int skip = 0, end = len;

		while (skip < len && tmp[skip] == '0')
			skip++;
		while (end > skip && tmp[end - 1] == '0')
			end--; /* trailing zeros carry no information */
		dec->len = end - skip;
		memcpy(dec->d, tmp + skip, (size_t)dec->len);
		dec->point = len - skip - k;
	}
}

/* Keep the first keep digits, rounding half to even.  keep is long long:
 * point + precision overflows an int for a precision near INT_MAX. */
static void decimal_round(struct decimal *dec, long long keep)
{
	bool up;

	if (keep >= dec->len)
		return;
	if (keep < 0) {
		dec->len = 0;
		return;
	}
	if (dec->d[keep] != '5')
		up = dec->d[keep] > '5';
	else if (keep + 1 < dec->len)
		up = true; /* trailing zeros were stripped: anything after is > 0 */
	else
		up = keep > 0 && ((dec->d[keep - 1] - '0') & 1);
	dec->len = keep;
	if (!up) {
		while (dec->len && dec->d[dec->len - 1] == '0')
			dec->len--;
		return;
	}
	for (int i = keep - 1; i >= 0; i--) {
		if (dec->d[i] != '9') {
			dec->d[i]++;
			dec->len = i + 1;
			return;
		}
	}
	/* All nines (or keep == 0): the value becomes 10^point. */
	dec->d[0] = '1';
	dec->len = 1;
	dec->point++;
}

static char dec_digit(const struct decimal *dec, long long i)
{
	return i >= 0 && i < dec->len ? dec->d[i] : '0';
}

/* Emit digits [from, to) of dec's expansion, zero-filled outside it. */
static void emit_digits(struct fmt_sink *o, const struct decimal *dec, long long from,
			long long to)
{
	char buf[32];
	int n = 0;

	for (long long i = from; i < to; i++) {
		buf[n++] = dec_digit(dec, i);
		if (n == (int)sizeof(buf)) {
			emit(o, buf, (size_t)n);
			n = 0;
		}
	}
	emit(o, buf, (size_t)n);
}

static void fmt_float(struct fmt_sink *o, const struct spec *sp, double v, char conv)
{
	union {
		double d;
		uint64_t u;
	} bits = { v };
	bool neg = bits.u >> 63, upper = sp->flags & F_UPPER, hash = sp->flags & F_HASH;
	char lower = (char)(conv | 32), prefix[2];
	long long prec = sp->prec < 0 ? 6 : sp->prec, body, width; /* no int overflow */
	int plen = 0, exp10 = 0;
	bool use_e = lower == 'e', strip = false;
	char ebuf[8];
	int elen = 0;
	static struct decimal dec; /* 800 bytes: off the (small) thread stacks */

	if (neg)
		prefix[plen++] = '-';
	else if (sp->flags & F_PLUS)
		prefix[plen++] = '+';
	else if (sp->flags & F_SPACE)
		prefix[plen++] = ' ';
	if ((bits.u >> 52 & 0x7ff) == 0x7ff) {
		const char *s = (bits.u << 12) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");

		field(o, sp, prefix, (size_t)plen, 0, s, 3, false);
		return;
	}
	decimal_of(v, &dec);
	if (lower == 'g') {
		long long p = prec ? prec : 1;
		int x;

		decimal_round(&dec, p);
		x = dec.len ? dec.point - 1 : 0;
		if (p > x && x >= -4) {
			prec = p - 1 - x;
		} else {
			use_e = true;
			prec = p - 1;
		}
		strip = !hash;
	}
	if (use_e) {
		decimal_round(&dec, prec + 1);
		exp10 = dec.len ? dec.point - 1 : 0;
		if (strip) {
			int sig = dec.len ? dec.len : 1;

			prec = sig - 1 < prec ? sig - 1 : prec;
		}
		ebuf[elen++] = upper ? 'E' : 'e';
		ebuf[elen++] = exp10 < 0 ? '-' : '+';
		{
			int a = exp10 < 0 ? -exp10 : exp10;
			char t[6];
			int tn = 0;

			do {
				t[tn++] = (char)('0' + a % 10);
				a /= 10;
			} while (a);
			if (tn < 2)
				t[tn++] = '0';
			while (tn)
				ebuf[elen++] = t[--tn];
		}
		body = 1 + (prec || hash) + prec + elen;
	} else {
		decimal_round(&dec, dec.point + prec);
		if (strip) {
			long long frac = (long long)dec.len - dec.point;

			if (frac < 0)
				frac = 0;
			prec = frac < prec ? frac : prec;
		}
		body = (dec.point > 0 ? dec.point : 1) + (prec || hash) + prec;
	}

	width = sp->width - plen - body;
	if (width < 0)
		width = 0;
	if (!(sp->flags & F_MINUS) && !(sp->flags & F_ZERO))
		pad(o, ' ', (int)width);
	emit(o, prefix, (size_t)plen);
	if (!(sp->flags & F_MINUS) && (sp->flags & F_ZERO))
		pad(o, '0', (int)width);
	if (use_e) {
		int first = dec.len ? 0 : -1; /* zero prints "0" */

		emit_digits(o, &dec, first, first + 1);
		if (prec || hash)
			emit(o, ".", 1);
		emit_digits(o, &dec, 1, 1 + prec);
		emit(o, ebuf, (size_t)elen);
	} else {
		if (dec.point > 0)
			emit_digits(o, &dec, 0, dec.point);
		else
			emit(o, "0", 1);
		if (prec || hash)
			emit(o, ".", 1);
		emit_digits(o, &dec, dec.point, dec.point + prec);
	}
	if (sp->flags & F_MINUS)
		pad(o, ' ', (int)width);
}
