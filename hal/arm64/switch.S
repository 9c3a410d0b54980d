/* SPDX-License-Identifier: MIT */
/*
 * Context switch shared by every arm64 port (hal.h: hal_context_*).
 *
 * A saved context is the stack pointer of a frame holding the AAPCS64
 * callee-saved registers: x19-x28, the frame pointer x29, the return
 * address x30, the low halves of v8-v15 (d8-d15) and the floating-point
 * control register FPCR.  Everything else is caller-saved, so a switch is
 * just a call that returns elsewhere.
 *
 * Frame, from the saved sp upwards (176 bytes, a multiple of 16):
 *   0: x19 x20  16: x21 x22  32: x23 x24  48: x25 x26  64: x27 x28
 *   80: x29 x30  96: d8 d9  112: d10 d11  128: d12 d13  144: d14 d15
 *   160: fpcr  168: padding
 */
#define FRAME 176

	.text
	/* Call frame information for debuggers only (.debug_frame is not
	 * loaded; the image keeps no unwind tables). */
	.cfi_sections .debug_frame

	.globl hal_context_switch
	.type hal_context_switch, %function
	.balign 16
hal_context_switch:
	sub sp, sp, #FRAME
	stp x19, x20, [sp, #0]
	stp x21, x22, [sp, #16]
	stp x23, x24, [sp, #32]
	stp x25, x26, [sp, #48]
	stp x27, x28, [sp, #64]
	stp x29, x30, [sp, #80]
	stp d8, d9, [sp, #96]
	stp d10, d11, [sp, #112]
	stp d12, d13, [sp, #128]
	stp d14, d15, [sp, #144]
	mrs x9, fpcr
	str x9, [sp, #160]
	mov x9, sp
	str x9, [x0]
	ldr x9, [x1]
	mov sp, x9
	ldr x9, [sp, #160]
	msr fpcr, x9
	ldp x19, x20, [sp, #0]
	ldp x21, x22, [sp, #16]
	ldp x23, x24, [sp, #32]
	ldp x25, x26, [sp, #48]
	ldp x27, x28, [sp, #64]
	ldp x29, x30, [sp, #80]
	ldp d8, d9, [sp, #96]
	ldp d10, d11, [sp, #112]
	ldp d12, d13, [sp, #128]
	ldp d14, d15, [sp, #144]
	add sp, sp, #FRAME
	ret
	.size hal_context_switch, . - hal_context_switch

/*
 * First code of a new context: hal_context_init() left entry in x19 and
 * its argument in x20, and a zero frame pointer that ends backtraces.
 * entry must not return; if it does, trap.
 */
	.type hal_context_start, %function
hal_context_start:
	.cfi_startproc
	.cfi_undefined x30		/* a thread's outermost frame: gdb's bt ends here */
	mov x0, x20
	blr x19
	udf #0
	.cfi_endproc
	.size hal_context_start, . - hal_context_start

/* void hal_context_init(ctx, stack_top, entry, arg) */
	.globl hal_context_init
	.type hal_context_init, %function
hal_context_init:
	sub x9, x1, #FRAME
	stp x2, x3, [x9, #0]		/* x19 = entry, x20 = arg */
	stp xzr, xzr, [x9, #16]
	stp xzr, xzr, [x9, #32]
	stp xzr, xzr, [x9, #48]
	stp xzr, xzr, [x9, #64]
	adr x10, hal_context_start
	stp xzr, x10, [x9, #80]		/* x29 = 0, x30 = hal_context_start */
	stp xzr, xzr, [x9, #96]
	stp xzr, xzr, [x9, #112]
	stp xzr, xzr, [x9, #128]
	stp xzr, xzr, [x9, #144]
	stp xzr, xzr, [x9, #160]	/* fpcr 0: round to nearest, no traps */
	str x9, [x0]
	ret
	.size hal_context_init, . - hal_context_init

	.section .note.GNU-stack, "", %progbits
