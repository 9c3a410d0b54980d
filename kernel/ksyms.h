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
	uint64_t base;	    /* address of the first function */
	uint32_t count;	    /* functions */
	uint32_t end;	    /* end of the code, from base */
	uint32_t offset[];  /* each function's address - base, ascending */
};

extern const struct ksyms_table ksyms_table;
/* The names, NUL-terminated, in the order of offset[]. */
extern const char ksyms_names[];

#endif
