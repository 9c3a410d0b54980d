// SPDX-License-Identifier: MIT
/*
 * The AArch64 half of the usermode port: faults from signal frames.  The
 * thread pointer is TPIDR_EL0, which EL0 writes itself (hal/arm64/cpu.c).
 *
 * Linux puts the exception's syndrome in the signal frame (an ESR record
 * among sigcontext's __reserved ones): with it the fault is decoded as on
 * qemu-arm64 (hal/arm64/fault.c).  Without it (a signal sent by kill, or
 * an emulator that leaves the record out) the signal's own code says what
 * it can: the address, and whether it was mapped.
 */
#include <string.h>

#include <hal.h>
#include <arm64/fault.h>
#include <hako/printk.h>

#include "../syscall.h"
#include "../usermode.h"

static const char *signal_name(int sig)
{
	return sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : sig == SIGFPE ? "SIGFPE"
	       : sig == SIGILL ? "SIGILL" : "SIGTRAP";
}

/* The ESR record of the signal frame's sigcontext, or 0. */
static uint64_t frame_esr(const char *sc)
{
	const char *p = sc + SC_RESERVED, *end = p + SC_RESERVED_SIZE;

	while (p + 8 <= end) {
		uint32_t magic, size;

		memcpy(&magic, p, 4);
		memcpy(&size, p + 4, 4);
		if (!magic || size < 8 || size % 8 || size > (size_t)(end - p))
			return 0;
		if (magic == ESR_MAGIC && size >= 16) {
			uint64_t esr;

			memcpy(&esr, p + 8, 8);
			return esr;
		}
		p += size;
	}
	return 0;
}

static void dump(const struct hal_fault *f)
{
	const struct a64_regs *r = f->regs;

	for (int i = 0; i < 30; i += 2)
		printk(LOG_EMERG, "  x%-2d %016lx  x%-2d %016lx\n", i, (unsigned long)r->x[i],
		       i + 1, (unsigned long)r->x[i + 1]);
	printk(LOG_EMERG, "  x30 %016lx  sp  %016lx\n  pc  %016lx  pstate %08lx\n",
	       (unsigned long)r->x[30], (unsigned long)r->sp, (unsigned long)r->elr,
	       (unsigned long)r->spsr);
}

void usermode_fatal_signal(int sig, void *info, void *uctx)
{
	const char *sc = (const char *)uctx + UC_MCONTEXT;
	int code = *(int *)((char *)info + SIGINFO_CODE);
	bool from_cpu = code > 0 && code != SI_KERNEL;
	static struct a64_regs r;
	struct hal_fault f = { .what = signal_name(sig), .dump = dump, .regs = &r };

	memcpy(r.x, sc + SC_REGS, sizeof(r.x));
	memcpy(&r.sp, sc + SC_SP, 8);
	memcpy(&r.elr, sc + SC_PC, 8);
	memcpy(&r.spsr, sc + SC_PSTATE, 8);
	memcpy(&r.far, sc + SC_FAULT_ADDRESS, 8);
	r.esr = from_cpu ? frame_esr(sc) : 0;
	if (r.esr)
		a64_fault(signal_name(sig), &r);
	f.ip = r.elr;
	f.sp = r.sp;
	f.fp = r.x[29];
	f.lr = r.x[30];
	if ((sig == SIGSEGV || sig == SIGBUS) && from_cpu) {
		f.addr = *(uintptr_t *)((char *)info + SIGINFO_ADDR);
		f.flags = HAL_FAULT_ADDR;
		if (sig == SIGSEGV && code == SEGV_MAPERR)
			f.flags |= HAL_FAULT_NOT_MAPPED;
	}
	kern_fault(&f);
}
