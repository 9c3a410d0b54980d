// SPDX-License-Identifier: MIT
/*
 * The x86_64 side of fault reports: names, page-fault bits and the register
 * dump, for kern_fault() (kernel/fault.c), which says what happened.  Only
 * runs on the way to a panic: it never returns to the faulting code, so it
 * need not care for SSE state.
 */
#include <hako/printk.h>
#include <x86_64/fault.h>

static const char *const names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range exceeded",
	"invalid opcode", "device not available", "double fault", "coprocessor overrun",
	"invalid TSS", "segment not present", "stack fault", "general protection fault",
	"page fault", NULL, "x87 floating-point error", "alignment check",
	"machine check", "SIMD floating-point error", "virtualization exception",
	"control protection fault",
};

const char *x86_vector_name(uint64_t vector)
{
	return vector < 32 ? names[vector] : NULL;
}

void x86_fault(const struct x86_trap_frame *r, uint64_t cr2, const char *what)
{
	struct hal_fault f = {
	    .what = what ? what : x86_vector_name(r->vector),
	    .ip = r->rip,
	    .sp = r->rsp,
	    .dump = x86_fault_dump,
	    .regs = r,
	};

	if (!f.what)
		f.what = r->vector < 32 ? "reserved exception" : "unexpected interrupt";
	if (r->vector == X86_VEC_PAGE_FAULT) {
		f.addr = cr2;
		f.flags = HAL_FAULT_ADDR;
		if (!(r->error & X86_PF_PRESENT))
			f.flags |= HAL_FAULT_NOT_MAPPED;
		if (r->error & X86_PF_WRITE)
			f.flags |= HAL_FAULT_WRITE;
		if (r->error & X86_PF_FETCH)
			f.flags |= HAL_FAULT_EXEC;
	}
	kern_fault(&f);
}

void x86_fault_dump(const struct hal_fault *f)
{
	const struct x86_trap_frame *r = f->regs;
	const struct x86_gprs *g = &r->g;

	printk(LOG_EMERG,
	       "  vector %lu error 0x%lx rip %016lx rflags %08lx cs %04lx ss %04lx\n"
	       "  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n"
	       "  rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n"
	       "  r8  %016lx r9  %016lx r10 %016lx r11 %016lx\n"
	       "  r12 %016lx r13 %016lx r14 %016lx r15 %016lx\n",
	       r->vector, r->error, r->rip, r->rflags, r->cs & 0xffff, r->ss & 0xffff, g->rax,
	       g->rbx, g->rcx, g->rdx, g->rsi, g->rdi, g->rbp, r->rsp, g->r8, g->r9, g->r10, g->r11,
	       g->r12, g->r13, g->r14, g->r15);
}
