// SPDX-License-Identifier: MIT
/*
 * Exceptions and unexpected interrupts: the TSS with its interrupt stacks,
 * the IDT, and the C end of entry.S's panic path.  Every exception is fatal
 * (there is no user mode and no demand paging to resolve): it goes to
 * kern_fault() through the shared x86_64 reporter (hal/x86_64/fault.c).
 */
#include <stdint.h>

#include <x86_64/fault.h>

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
extern char qx_isr_table[], qx_isr_timer[], qx_isr_sci[], qx_isr_spurious[], qx_isr_dev[];
extern char boot_stack_top[];

static struct tss tss __attribute__((aligned(16)));
static struct idt_gate idt[256] __attribute__((aligned(16)));
static uint64_t irq_stack[64] __attribute__((aligned(16)));
/* The emergency stack (IST1): not the boot stack, which holds the frames of
 * an image without threads that the report's backtrace walks. */
static uint64_t fault_stack[1024] __attribute__((aligned(16)));

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

	tss.ist[IST_EMERGENCY - 1] = (uint64_t)(uintptr_t)(fault_stack + 1024);
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
#ifdef CONFIG_VIRTIO
	for (unsigned i = 0; i < QX_DEV_VECTORS; i++)
		set_gate(QX_VEC_DEV0 + i, qx_isr_dev + 16 * i, IST_IRQ);
#endif
	set_gate(QX_VEC_SPURIOUS, qx_isr_spurious, IST_IRQ);
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

_Noreturn void qx_trap(struct trap_regs *r)
{
	unsigned vec = (unsigned)(r->vector & 0xff);
	int has_err = vec < 32 && (ERROR_CODE_VECTORS >> vec & 1);
	const uint64_t *hw = r->hw + has_err;
	struct x86_trap_frame f = {
		.g = r->g, .vector = vec, .error = has_err ? r->hw[0] : 0,
		.rip = hw[0], .cs = hw[1], .rflags = hw[2], .rsp = hw[3], .ss = hw[4],
	};
	uint64_t cr2;

	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	x86_fault(&f, cr2, NULL);
}
