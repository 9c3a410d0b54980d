// SPDX-License-Identifier: MIT
/* The x86_64 half of the usermode port: faults from signal frames, %fs. */
#include <stdbool.h>

#include <hal.h>
#include <x86_64/fault.h>

#include "../syscall.h"
#include "../usermode.h"

/*
 * A fault: the registers from the signal frame, in the x86_64 ports' own
 * format, to kern_fault().  The CPU's exception (trapno) names it when the
 * kernel raised it; an address comes only with a page-level fault
 * (SEGV_MAPERR, SEGV_ACCERR, SIGBUS's codes): a general-protection fault
 * is SIGSEGV with SI_KERNEL and si_addr 0, which is no NULL dereference.
 */
void usermode_fatal_signal(int sig, void *info, void *uctx)
{
	const uint64_t *g = (const uint64_t *)((char *)uctx + UC_GREGS);
	int code = *(int *)((char *)info + SIGINFO_CODE);
	bool from_cpu = code > 0; /* SI_USER (kill) and SI_QUEUE are <= 0 */
	struct x86_trap_frame r = {
		.g = { .r15 = g[REG_R15], .r14 = g[REG_R14], .r13 = g[REG_R13], .r12 = g[REG_R12],
		       .r11 = g[REG_R11], .r10 = g[REG_R10], .r9 = g[REG_R9], .r8 = g[REG_R8],
		       .rbp = g[REG_RBP], .rdi = g[REG_RDI], .rsi = g[REG_RSI], .rdx = g[REG_RDX],
		       .rcx = g[REG_RCX], .rbx = g[REG_RBX], .rax = g[REG_RAX] },
		.vector = g[REG_TRAPNO], .error = g[REG_ERR], .rip = g[REG_RIP],
		.cs = g[REG_CSGSFS] & 0xffff, .rflags = g[REG_EFL], .rsp = g[REG_RSP],
		.ss = g[REG_CSGSFS] >> 48,
	};
	struct hal_fault f = { .ip = r.rip, .sp = r.rsp, .fp = r.g.rbp, .dump = x86_fault_dump,
			       .regs = &r };

	f.what = from_cpu ? x86_vector_name(r.vector) : NULL;
	if (!f.what)
		f.what = sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS"
		       : sig == SIGFPE ? "SIGFPE" : sig == SIGILL ? "SIGILL" : "SIGTRAP";
	if ((sig == SIGSEGV || sig == SIGBUS) && from_cpu && code != SI_KERNEL) {
		f.addr = *(uintptr_t *)((char *)info + SIGINFO_ADDR);
		f.flags = HAL_FAULT_ADDR;
		if (sig == SIGSEGV && code == SEGV_MAPERR)
			f.flags |= HAL_FAULT_NOT_MAPPED;
		if (r.vector == X86_VEC_PAGE_FAULT && r.error & X86_PF_WRITE)
			f.flags |= HAL_FAULT_WRITE;
		if (r.vector == X86_VEC_PAGE_FAULT && r.error & X86_PF_FETCH)
			f.flags |= HAL_FAULT_EXEC;
	}
	kern_fault(&f);
}

int hal_tls_set_base(uintptr_t base)
{
	return sys2(SYS_arch_prctl, ARCH_SET_FS, base) == 0 ? HAL_OK : HAL_EIO;
}
