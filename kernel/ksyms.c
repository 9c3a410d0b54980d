// SPDX-License-Identifier: MIT
/*
 * Code addresses to function names (CONFIG_KALLSYMS): a binary search in
 * the table build/ksyms.py made from the image itself, then a walk along
 * the packed names (no table of pointers: it would double the size).
 */
#include <string.h>

#include <hako/debug.h>

#include "ksyms.h"

const char *ksym_name(uintptr_t addr, uintptr_t *offset)
{
	const struct ksyms_table *t = &ksyms_table;
	const char *name = ksyms_names;
	uint32_t lo = 0, hi = t->count;
	uintptr_t off = addr - (uintptr_t)t->base;

	if (!t->count || addr < t->base || off >= t->end)
		return NULL;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (t->offset[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	for (uint32_t i = 0; i < lo; i++)
		name += strlen(name) + 1;
	*offset = off - t->offset[lo];
	return name;
}
