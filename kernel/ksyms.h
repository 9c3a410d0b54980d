/* SPDX-License-Identifier: MIT */
/*
 * The in-image symbol table (CONFIG_KALLSYMS), as build/ksyms.py writes it
 * and the Makefile links it: after every function, so that adding it moves
 * none (the build checks this).
 */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H

#include <stdint.h>

struct ksyms_table {
	uint64_t base;	  /* address of the first function */
	uint32_t count;	  /* functions */
	uint32_t end;	  /* end of the code, from base */
	uint8_t shift;	  /* distances are in units of 1 << shift bytes */
	uint8_t ntokens;  /* ksyms_tokens has 2 * ntokens bytes */
	uint8_t deltas[]; /* each function's distance from the previous one
			   * (the first's from base: 0), LEB128 */
};

extern const struct ksyms_table ksyms_table;
/* Token i (byte 0x80 + i in a name) is the two bytes at 2 * i: characters
 * or tokens themselves. */
extern const uint8_t ksyms_tokens[];
/* The names, NUL-terminated, in the order of the offsets. */
extern const uint8_t ksyms_names[];

#ifdef CONFIG_KALLSYMS
/* ksym_index - the index of the function holding addr (its offset into it
 * in *offset), or -1 when addr is not in the image's code. */
long ksym_index(uintptr_t addr, uintptr_t *offset);
#else
static inline long ksym_index(uintptr_t addr, uintptr_t *offset)
{
	return (void)addr, (void)offset, -1;
}
#endif

#endif
