/* SPDX-License-Identifier: MIT */
/* Backtraces for panics and fault reports (backtrace.c, CONFIG_BACKTRACE). */
#ifndef KERNEL_BACKTRACE_H
#define KERNEL_BACKTRACE_H

#include <stdint.h>

struct hal_fault;

#ifdef CONFIG_BACKTRACE
/* kern_main's frame: where the chain of the boot stack ends. */
extern uintptr_t backtrace_boot_frame;

/* The chain from the frame record at fp, which must be on the current
 * thread's stack (or the boot stack): its return address comes first. */
void backtrace_from(uintptr_t fp);

/* The chain of a fault: the faulting instruction, then the chain from the
 * fault's frame pointer. */
void backtrace_fault(const struct hal_fault *f);

#define backtrace_set_boot_frame() \
	(backtrace_boot_frame = (uintptr_t)__builtin_frame_address(0))
#else
static inline void backtrace_from(uintptr_t fp)
{
}
static inline void backtrace_fault(const struct hal_fault *f)
{
}
#define backtrace_set_boot_frame() ((void)0)
#endif

#endif
