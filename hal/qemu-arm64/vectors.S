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

#define KIND_SYNC 0
#define KIND_IRQ 1
#define KIND_FIQ 2
#define KIND_SERROR 3
#define KIND_LOWER 4

	/*
	 * One 128-byte slot: save x0-x30 and the interrupted sp (SP_EL0 when
	 * the kernel ran on it, else the exception stack's value before the
	 * frame), then go to the common part with the kind in x0.
	 */
	.macro slot, kind, from_sp0
	.balign 128
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
	mov x0, #\kind
	b entry_common
	.endm

	.text
	.balign 2048
	.globl qa_vectors
qa_vectors:
	slot KIND_SYNC, 1		/* current EL, SP_EL0 */
	slot KIND_IRQ, 1
	slot KIND_FIQ, 1
	slot KIND_SERROR, 1
	slot KIND_SYNC, 0		/* current EL, SP_EL1 */
	slot KIND_IRQ, 0
	slot KIND_FIQ, 0
	slot KIND_SERROR, 0
	.rept 8				/* lower EL, AArch64 and AArch32 */
	slot KIND_LOWER, 0
	.endr

entry_common:
	mrs x1, elr_el1
	mrs x2, spsr_el1
	stp x1, x2, [sp, #256]
	mrs x1, esr_el1
	mrs x2, far_el1
	stp x1, x2, [sp, #272]
	mov x1, x0
	mov x0, sp
	cmp x1, #KIND_IRQ
	b.eq 1f
	cmp x1, #KIND_SYNC
	b.ne qa_unexpected		/* (regs, kind): never returns */
	bl qa_sync
	b 2f
1:	bl qa_irq
2:	ldp x0, x1, [sp, #256]
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
