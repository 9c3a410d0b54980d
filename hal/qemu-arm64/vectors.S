/* SPDX-License-Identifier: MIT */
/*
 * Exception vectors.  The kernel runs at EL1 on SP_EL0, so its exceptions
 * arrive at the "current EL, SP0" entries and run on SP_EL1, the exception
 * stack.  An exception taken while already on SP_EL1 (in an interrupt
 * handler, or at boot before the switch to SP_EL0) arrives at the "SPx"
 * entries; the lower-EL entries can only be a bug.
 *
 * Every entry saves x0-x30, the interrupted sp, ELR, SPSR, ESR and FAR as
 * a struct a64_regs (hal/arm64/fault.h) and calls C:
 *  - IRQ: qa_irq(regs), then restores everything and returns (qa_irq and
 *    what it calls are built -mgeneral-regs-only: FP/SIMD state is the
 *    interrupted code's and stays untouched);
 *  - synchronous: qa_sync(regs), which returns only for the semihosting
 *    probe (exit.c), having moved ELR past the instruction;
 *  - FIQ, SError and the rest: qa_unexpected(regs, kind), never returns.
 */
#define FRAME (36 * 8) /* struct a64_regs, 16-byte aligned */

	.macro save_regs, from_sp0
	sub sp, sp, #FRAME
	stp x0, x1, [sp, #0]
	stp x2, x3, [sp, #16]
	stp x4, x5, [sp, #32]
	stp x6, x7, [sp, #48]
	stp x8, x9, [sp, #64]
	stp x10, x11, [sp, #80]
	stp x12, x13, [sp, #96]
	stp x14, x15, [sp, #112]
	stp x16, x17, [sp, #128]
	stp x18, x19, [sp, #144]
	stp x20, x21, [sp, #160]
	stp x22, x23, [sp, #176]
	stp x24, x25, [sp, #192]
	stp x26, x27, [sp, #208]
	stp x28, x29, [sp, #224]
	.if \from_sp0
	mrs x0, sp_el0
	.else
	add x0, sp, #FRAME
	.endif
	stp x30, x0, [sp, #240]
	mrs x0, elr_el1
	mrs x1, spsr_el1
	stp x0, x1, [sp, #256]
	mrs x0, esr_el1
	mrs x1, far_el1
	stp x0, x1, [sp, #272]
	mov x0, sp
	.endm

	.macro restore_regs
	ldp x0, x1, [sp, #256]
	msr elr_el1, x0
	msr spsr_el1, x1
	ldp x0, x1, [sp, #0]
	ldp x2, x3, [sp, #16]
	ldp x4, x5, [sp, #32]
	ldp x6, x7, [sp, #48]
	ldp x8, x9, [sp, #64]
	ldp x10, x11, [sp, #80]
	ldp x12, x13, [sp, #96]
	ldp x14, x15, [sp, #112]
	ldp x16, x17, [sp, #128]
	ldp x18, x19, [sp, #144]
	ldp x20, x21, [sp, #160]
	ldp x22, x23, [sp, #176]
	ldp x24, x25, [sp, #192]
	ldp x26, x27, [sp, #208]
	ldp x28, x29, [sp, #224]
	ldr x30, [sp, #240]
	add sp, sp, #FRAME
	eret
	.endm

	/* One 128-byte slot: jump to the real handler. */
	.macro slot, target
	.balign 128
	b \target
	.endm

	.text
	.balign 2048
	.globl qa_vectors
qa_vectors:
	slot sp0_sync			/* current EL, SP_EL0 */
	slot sp0_irq
	slot sp0_fiq
	slot sp0_serror
	slot spx_sync			/* current EL, SP_EL1 */
	slot spx_irq
	slot spx_fiq
	slot spx_serror
	slot low_unexpected		/* lower EL, AArch64 */
	slot low_unexpected
	slot low_unexpected
	slot low_unexpected
	slot low_unexpected		/* lower EL, AArch32 */
	slot low_unexpected
	slot low_unexpected
	slot low_unexpected

sp0_sync:
	save_regs 1
	bl qa_sync
	restore_regs
sp0_irq:
	save_regs 1
	bl qa_irq
	restore_regs
sp0_fiq:
	save_regs 1
	mov x1, #0
	b qa_unexpected
sp0_serror:
	save_regs 1
	mov x1, #1
	b qa_unexpected
spx_sync:
	save_regs 0
	bl qa_sync
	restore_regs
spx_irq:
	save_regs 0
	bl qa_irq
	restore_regs
spx_fiq:
	save_regs 0
	mov x1, #0
	b qa_unexpected
spx_serror:
	save_regs 0
	mov x1, #1
	b qa_unexpected
low_unexpected:
	save_regs 0
	mov x1, #2
	b qa_unexpected


/*
 * long qa_semihost(long op, const void *arg): an Arm semihosting call.
 * Without QEMU's -semihosting the hlt is an undefined instruction: qa_sync
 * recognises this address, returns -1 in x0 and resumes after the hlt.
 */
	.text
	.globl qa_semihost
	.type qa_semihost, %function
qa_semihost:
	hlt #0xf000
	ret
	.size qa_semihost, . - qa_semihost

	.section .note.GNU-stack, "", %progbits
