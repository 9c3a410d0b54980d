// SPDX-License-Identifier: MIT
/*
 * Exceptions and unexpected interrupts: the TSS with its interrupt stacks,
 * the IDT, and the C end of entry.S's panic path.  Every exception panics
 * (there is no user mode and no demand paging to resolve), with the vector,
 * the error code, the instruction pointer and the registers.
 */
#include <stdint.h>
#include <stdio.h>

#include <hako/printk.h>
#include <x86_64/gprs.h>

#include "qx.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct idt_gate {
	uint64_t lo, hi;
};

/* What entry.S leaves on the stack: its pushes, the vector, the CPU's frame. */
struct trap_regs {
	struct x86_gprs g; /* push_gprs (x86_64/gprs.h) */
	uint64_t vector;
	uint64_t hw[6]; /* [error code,] rip, cs, rflags, rsp, ss */
};

/* Vectors for which the CPU pushes an error code: 8, 10-14, 17, 21, 29, 30. */
#define ERROR_CODE_VECTORS 0x60227d00u

#define IST_EMERGENCY 1
#define IST_IRQ 2

extern uint64_t qx_gdt[];
extern char qx_isr_table[], qx_isr_timer[], qx_isr_sci[], qx_isr_spurious[];
extern char boot_stack_top[];

static struct tss tss __attribute__((aligned(16)));
static struct idt_gate idt[256] __attribute__((aligned(16)));
static uint64_t irq_stack[64] __attribute__((aligned(16)));

static const char *const names[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range exceeded",
	"invalid opcode", "device not available", "double fault", "coprocessor overrun",
	"invalid TSS", "segment not present", "stack fault", "general protection fault",
	"page fault", "reserved", "x87 floating-point error", "alignment check",
	"machine check", "SIMD floating-point error", "virtualization exception",
	"control protection fault",
};

static void set_gate(unsigned vec, void *handler, unsigned ist)
{
	uint64_t a = (uint64_t)(uintptr_t)handler;

	idt[vec].lo = (a & 0xffff) | 0x08ULL << 16 | (uint64_t)ist << 32 |
		      0x8eULL << 40 /* present, interrupt gate */ | (a >> 16 & 0xffff) << 48;
	idt[vec].hi = a >> 32;
}

void qx_trap_init(void)
{
	uint64_t base = (uint64_t)(uintptr_t)&tss, limit = sizeof(tss) - 1;
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

	tss.ist[IST_EMERGENCY - 1] = (uint64_t)(uintptr_t)boot_stack_top;
	tss.ist[IST_IRQ - 1] = (uint64_t)(uintptr_t)(irq_stack + 64);
	tss.iomap_base = sizeof(tss);
	qx_gdt[3] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ULL << 40 |
		    (limit >> 16 & 0xf) << 48 | (base >> 24 & 0xff) << 56;
	qx_gdt[4] = base >> 32;
	__asm__ volatile("ltr %w0" : : "r"(0x18));

	for (unsigned v = 0; v < 256; v++)
		set_gate(v, qx_isr_table + 8 * v, IST_EMERGENCY);
	set_gate(QX_VEC_TIMER, qx_isr_timer, IST_IRQ);
#ifdef CONFIG_QEMU_ACPI_BUTTON
	set_gate(QX_VEC_SCI, qx_isr_sci, IST_IRQ);
#endif
	set_gate(QX_VEC_SPURIOUS, qx_isr_spurious, IST_IRQ);
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

static const char *page_fault_reason(uint64_t err, uint64_t addr)
{
	if (!(err & 1) && addr < 4096)
		return " (NULL pointer dereference)";
	if (err & 8)
		return " (reserved bit in a page table)";
	if (err & 16)
		return " (instruction fetch from a no-execute page)";
	if (err & 1 && err & 2)
		return " (write to a read-only page)";
	if (!(err & 1))
		return " (address not mapped)";
	return "";
}

_Noreturn void qx_trap(struct trap_regs *r)
{
	unsigned vec = (unsigned)(r->vector & 0xff);
	int has_err = vec < 32 && (ERROR_CODE_VECTORS >> vec & 1);
	const uint64_t *hw = r->hw + has_err;
	uint64_t err = has_err ? r->hw[0] : 0, cr2;
	const char *what = vec < 32 ? names[vec] : "unexpected interrupt";
	char where[80] = "";

	if (!what)
		what = "reserved exception";
	if (vec == 14) {
		__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
		snprintf(where, sizeof(where), ", address %#lx%s", (unsigned long)cr2,
			 page_fault_reason(err, cr2));
	}
	panic("%s (vector %u, error %#lx) at rip %#lx%s\n"
	      "  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n"
	      "  rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n"
	      "  r8  %016lx r9  %016lx r10 %016lx r11 %016lx\n"
	      "  r12 %016lx r13 %016lx r14 %016lx r15 %016lx\n"
	      "  rflags %08lx cs %04lx ss %04lx",
	      what, vec, (unsigned long)err, (unsigned long)hw[0], where,
	      r->g.rax, r->g.rbx, r->g.rcx, r->g.rdx, r->g.rsi, r->g.rdi, r->g.rbp, hw[3],
	      r->g.r8, r->g.r9, r->g.r10, r->g.r11, r->g.r12, r->g.r13, r->g.r14, r->g.r15,
	      hw[2], hw[1], hw[4]);
}
