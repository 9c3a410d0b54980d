/* SPDX-License-Identifier: MIT */
/*
 * fault.h - from an AArch64 exception (or a fatal signal's saved state on
 * usermode) to kern_fault(): the syndrome register decoded into a
 * struct hal_fault, and the register dump.  Shared by the arm64 ports.
 */
#ifndef HAL_ARM64_FAULT_H
#define HAL_ARM64_FAULT_H

#include <stdint.h>

/* What exception entry saves (hal/qemu-arm64/vectors.S lays it out the same). */
struct a64_regs {
	uint64_t x[31]; /* x0-x30 (x29 frame pointer, x30 link register) */
	uint64_t sp;	/* the interrupted stack pointer */
	uint64_t elr;	/* the faulting (or interrupted) instruction */
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
};

/*
 * a64_fault - report the exception r describes through kern_fault(), with
 * the ESR decoded (class, fault status, read or write) and the registers.
 * what_prefix names the source ("exception", "SIGSEGV"...).
 */
_Noreturn void a64_fault(const char *what_prefix, const struct a64_regs *r);

/* a64_esr_describe - the exception class and fault status of esr, in words. */
void a64_esr_describe(uint64_t esr, char *buf, unsigned long size);

#endif
