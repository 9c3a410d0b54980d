// SPDX-License-Identifier: MIT
/*
 * The x86_64 side of fault reports: names, page-fault bits and the register
 * dump, for kern_fault() (kernel/fault.c), which says what happened.  Only
 * runs on the way to a panic: it never returns to the faulting code, so it
 * need not care for SSE state.
 */
#include <string.h>

#include <hako/printk.h>
#include <x86_64/fault.h>

/* The exceptions' names, one after the other, in vector order (a packed
 * string: no table of pointers in a 16 KiB image). */
static const char names[] =
	"divide error\0debug\0NMI\0breakpoint\0overflow\0bound range\0invalid opcode\0"
	"device not available\0double fault\0coprocessor overrun\0invalid TSS\0"
	"segment not present\0stack fault\0general protection fault\0page fault\0\0"
	"x87 error\0alignment check\0machine check\0SIMD error\0virtualization\0"
	"control protection\0";

const char *x86_vector_name(uint64_t vector)
{
	const char *p = names;

	for (uint64_t v = 0; v < vector && p < names + sizeof(names) - 1; v++)
		p += strlen(p) + 1;
	return *p ? p : NULL;
}

void x86_fault(const struct x86_trap_frame *r, uint64_t cr2, const char *what)
{
	struct hal_fault f = {
	    .what = what ? what : x86_vector_name(r->vector),
	    .ip = r->rip,
	    .sp = r->rsp,
	    .fp = r->g.rbp,
	    .dump = x86_fault_dump,
	    .regs = r,
	};

	if (!f.what)
		f.what = "unexpected interrupt"; /* or a reserved vector */
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
	static const char gpr[] = "r15r14r13r12r11r10r9 r8 rbprdirsirdxrcxrbxrax";
	const struct x86_trap_frame *r = f->regs;
	const uint64_t *g = (const uint64_t *)&r->g;

	printk(LOG_EMERG, "  vector %lu error 0x%lx rip %016lx rflags %08lx cs %04lx ss %04lx\n",
	       r->vector, r->error, r->rip, r->rflags, r->cs & 0xffff, r->ss & 0xffff);
	/* rax rbx rcx rdx / rsi rdi rbp rsp / r8-r11 / r12-r15 */
	for (int i = 0; i < 16; i++) {
		int k = i < 7 ? 14 - i : i == 7 ? -1 : 15 - i;
		uint64_t v = k < 0 ? r->rsp : g[k];
		const char *n = k < 0 ? "rsp" : gpr + 3 * k;

		printk(LOG_EMERG, "%s%.3s %016lx%s", i % 4 ? " " : "  ", n, v, i % 4 == 3 ? "\n" : "");
	}
}
