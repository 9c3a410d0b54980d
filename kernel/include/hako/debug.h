/* SPDX-License-Identifier: MIT */
/*
 * debug.h - backtraces and the in-image symbol table, for the kernel and
 * for apps that want to say where they are.
 *
 * Every panic and fault report already ends with a backtrace
 * (CONFIG_BACKTRACE); these calls give the same on demand.  Without
 * CONFIG_BACKTRACE dump_stack() prints nothing; without CONFIG_KALLSYMS
 * ksym_name() knows no name and frames are bare addresses (`addr2line -e
 * APP.elf` names them).
 */
#ifndef HAKO_DEBUG_H
#define HAKO_DEBUG_H

#include <stdint.h>

/*
 * dump_stack - print the caller's call chain on the console, innermost
 * first, one "   #N 0xADDRESS function+0xOFFSET" line per frame, ending with
 * a "  backtrace ends: ..." note when the chain is corrupt (never a fault).
 * Callable from any thread.
 */
#ifdef CONFIG_BACKTRACE
void dump_stack(void);
#else
static inline void dump_stack(void)
{
}
#endif

/*
 * ksym_name - the name of the image's function that holds the code address
 * addr, with addr's offset into it in *offset; NULL (and *offset untouched)
 * when addr is not in the image's code or there is no symbol table.  The
 * name is in a buffer the next call overwrites (print it, or copy it).
 */
#ifdef CONFIG_KALLSYMS
const char *ksym_name(uintptr_t addr, uintptr_t *offset);
#else
static inline const char *ksym_name(uintptr_t addr, uintptr_t *offset)
{
	return (void)addr, (void)offset, (const char *)0;
}
#endif

#endif /* HAKO_DEBUG_H */
