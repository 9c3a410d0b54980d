// SPDX-License-Identifier: MIT
/*
 * Code addresses to function names (CONFIG_KALLSYMS): a binary search in
 * the table build/ksyms.py made from the image itself, then the name,
 * found by walking the packed names and expanded from its tokens.
 */
#include <stddef.h>

#include <hako/debug.h>

#include "ksyms.h"

#define NAME_MAX_LEN 63
#define TOKEN 0x80

/* A linear walk of the distances: a few hundred bytes, on a panic. */
long ksym_index(uintptr_t addr, uintptr_t *offset)
{
	const struct ksyms_table *t = &ksyms_table;
	const uint8_t *p = t->deltas;
	uintptr_t off = addr - (uintptr_t)t->base, at = 0, prev = 0;
	long i;

	if (addr < t->base || off >= t->end)
		return -1;
	for (i = 0; i < (long)t->count; i++) {
		uintptr_t d = 0;
		unsigned s = 0;

		do
			d |= (uintptr_t)(*p & 0x7f) << s, s += 7;
		while (*p++ & 0x80);
		at += d << t->shift;
		if (at > off)
			break;
		prev = at;
	}
	*offset = off - prev;
	return i - 1;
}

/* The name is valid until the next call: a panic prints it at once. */
const char *ksym_name(uintptr_t addr, uintptr_t *offset)
{
	static char name[NAME_MAX_LEN + 1];
	const uint8_t *p = ksyms_names;
	uint8_t stack[NAME_MAX_LEN];
	unsigned n = 0, sp;
	long i = ksym_index(addr, offset);

	if (i < 0)
		return NULL;
	while (i--)
		while (*p++)
			;
	for (; *p; p++) {
		stack[0] = *p;
		for (sp = 1; sp;) {
			uint8_t c = stack[--sp];

			if (c < TOKEN) {
				if (n < NAME_MAX_LEN)
					name[n++] = (char)c;
			} else if (sp + 2 <= sizeof(stack)) {
				stack[sp++] = ksyms_tokens[2 * (c - TOKEN) + 1];
				stack[sp++] = ksyms_tokens[2 * (c - TOKEN)];
			}
		}
	}
	name[n] = '\0';
	return name;
}
