/* SPDX-License-Identifier: MIT */
/*
 * entry.S - interrupt and exception entry points.
 *
 * Every vector has an 8-byte stub in qx_isr_table (push the vector, jump to
 * the panic path); trap.c points the IDT at them, except for the LAPIC timer
 * and the spurious vector, which have their own handlers below.  The CPU
 * pushes an error code for some exceptions only; rather than a second kind
 * of stub, trap.c knows which vectors have one.  Exceptions run on IST1
 * (the emergency stack), so even a fault on a broken stack (a double fault
 * after a stack overflow) reaches the panic path; the panic path never
 * returns, so it need not preserve SSE state.
 *
 * The timer's handler only acknowledges the interrupt: its one job is to
 * end hal_wait()'s hlt.  It and the SCI's run on IST2, never on the
 * interrupted stack, so code that uses the red zone (libgcc is built with
 * one) is safe.
 */
#include <x86_64/gprs.h>

#include "vectors.h"
	.text
	.balign 8
	.globl qx_isr_table
qx_isr_table:
	.set vec, 0
	.rept 256
	.balign 8
	.byte 0x6a, vec			/* push $vec (sign-extended; trap.c masks) */
	.byte 0xe9			/* jmp rel32 qx_isr_panic */
	.long qx_isr_panic - . - 4
	.set vec, vec + 1
	.endr

	.type qx_isr_panic, @function
qx_isr_panic:
	push_gprs
	movq %rsp, %rdi
	andq $-16, %rsp
	callq qx_trap
	ud2
	.size qx_isr_panic, . - qx_isr_panic

	.globl qx_isr_timer
	.type qx_isr_timer, @function
qx_isr_timer:
	pushq %rax
	movq qx_lapic_eoi(%rip), %rax
	movl $0, (%rax)
	popq %rax
	iretq
	.size qx_isr_timer, . - qx_isr_timer

#ifdef CONFIG_QEMU_ACPI_BUTTON
/*
 * The ACPI SCI (button.c): write the PM1 status back to clear it, which
 * lowers the level-triggered line before the EOI, and record it.
 */
	.globl qx_isr_sci
	.type qx_isr_sci, @function
qx_isr_sci:
	pushq %rax
	pushq %rdx
	movzwl qx_pm1a_status(%rip), %edx
	inw %dx, %ax
	outw %ax, %dx
	orw %ax, qx_pm1_events(%rip)
	movq qx_lapic_eoi(%rip), %rax
	movl $0, (%rax)
	popq %rdx
	popq %rax
	iretq
	.size qx_isr_sci, . - qx_isr_sci

#endif

#ifdef CONFIG_VIRTIO
/*
 * Device interrupts (MSI-X, edge): stub n sets bit n of qx_dev_pending,
 * which hal_wait() returns as handle n's readiness.  16 bytes a stub.
 */
	.balign 16
	.globl qx_isr_dev
	.type qx_isr_dev, @function
qx_isr_dev:
	.set n, 0
	.rept QX_DEV_VECTORS
	.balign 16
	lock btsq $n, qx_dev_pending(%rip)
	jmp qx_isr_eoi
	.set n, n + 1
	.endr
qx_isr_eoi:
	pushq %rax
	movq qx_lapic_eoi(%rip), %rax
	movl $0, (%rax)
	popq %rax
	iretq
	.size qx_isr_dev, . - qx_isr_dev
#endif

/* The LAPIC's spurious vector: no EOI, by the architecture's rules. */
	.globl qx_isr_spurious
	.type qx_isr_spurious, @function
qx_isr_spurious:
	iretq
	.size qx_isr_spurious, . - qx_isr_spurious

	.section .note.GNU-stack, "", @progbits
