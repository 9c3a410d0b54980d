// SPDX-License-Identifier: MIT
/* string.h: simple byte loops, with word-sized copies where it pays. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * The compiler itself emits calls to memcpy, memmove, memset and memcmp
 * (struct copies and zeroing; -ffreestanding still allows it).  With -flto
 * those calls appear only after the link-time optimiser has decided which
 * functions nothing references: "used" keeps these four (seen on AArch64,
 * where GCC calls memset for a large zeroed struct).
 */

/* A word that may sit at any address (x86_64 loads and stores unaligned
 * words at full speed). */
typedef uint64_t __attribute__((may_alias, aligned(1))) uword;

__attribute__((used)) void *memcpy(void *restrict d, const void *restrict s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

#if defined(__x86_64__)
	/* Large copies (network payloads, page runs): the CPU's string copy
	 * moves whole cache lines whatever the alignment. */
	if (n >= 256) {
		__asm__ volatile("rep movsb" : "+D"(dp), "+S"(sp), "+c"(n) : : "memory");
		return d;
	}
	for (; n >= 8; n -= 8, dp += 8, sp += 8)
		*(uword *)dp = *(const uword *)sp;
#else
	if ((((uintptr_t)dp | (uintptr_t)sp) & 7) == 0) {
		for (; n >= 8; n -= 8, dp += 8, sp += 8)
			*(uint64_t *)dp = *(const uint64_t *)sp;
	}
#endif
	while (n--)
		*dp++ = *sp++;
	return d;
}

__attribute__((used)) void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	if (dp == sp || n == 0)
		return d;
	if (dp < sp || dp >= sp + n)
		return memcpy(d, s, n);
	while (n--)
		dp[n] = sp[n];
	return d;
}

__attribute__((used)) void *memset(void *d, int c, size_t n)
{
	unsigned char *dp = d;

	if (((uintptr_t)dp & 7) == 0) {
		uint64_t w = (unsigned char)c * 0x0101010101010101ULL;

		for (; n >= 8; n -= 8, dp += 8)
			*(uint64_t *)dp = w;
	}
	while (n--)
		*dp++ = (unsigned char)c;
	return d;
}

__attribute__((used)) int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strcpy(char *restrict d, const char *restrict s)
{
	char *r = d;

	while ((*d++ = *s++))
		;
	return r;
}

char *strncpy(char *restrict d, const char *restrict s, size_t n)
{
	size_t i = 0;

	for (; i < n && s[i]; i++)
		d[i] = s[i];
	for (; i < n; i++)
		d[i] = '\0';
	return d;
}

size_t strlcpy(char *restrict d, const char *restrict s, size_t n)
{
	size_t len = strlen(s);

	if (n) {
		size_t c = len < n - 1 ? len : n - 1;

		memcpy(d, s, c);
		d[c] = '\0';
	}
	return len;
}

char *strcat(char *restrict d, const char *restrict s)
{
	strcpy(d + strlen(d), s);
	return d;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *strstr(const char *h, const char *n)
{
	size_t len = strlen(n);

	for (; *h; h++)
		if (!strncmp(h, n, len))
			return (char *)h;
	return len ? NULL : (char *)h;
}

#ifdef CONFIG_MALLOC
char *strdup(const char *s)
{
	size_t len = strlen(s) + 1;
	char *d = malloc(len);

	return d ? memcpy(d, s, len) : NULL;
}
#endif
