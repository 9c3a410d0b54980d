/* SPDX-License-Identifier: MIT */
/*
 * Context switch shared by every x86_64 port (hal.h: hal_context_*).
 *
 * A saved context is the stack pointer of a frame holding the System V
 * callee-saved registers and the floating-point control words.  Everything
 * else is caller-saved, so a switch is just a call that returns elsewhere.
 *
 * Frame, from the saved sp upwards:
 *   0: mxcsr (4 bytes), 4: x87 control word (2 bytes), 8: r15, 16: r14,
 *   24: r13, 32: r12, 40: rbx, 48: rbp, 56: return address
 */
	.text
	/* Call frame information for debuggers only (.debug_frame is not
	 * loaded; the image keeps no unwind tables). */
	.cfi_sections .debug_frame

	.globl hal_context_switch
	.type hal_context_switch, @function
hal_context_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	subq $8, %rsp
	stmxcsr (%rsp)
	fnstcw 4(%rsp)
	movq %rsp, (%rdi)
	movq (%rsi), %rsp
	ldmxcsr (%rsp)
	fldcw 4(%rsp)
	addq $8, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size hal_context_switch, . - hal_context_switch

/*
 * First code of a new context: hal_context_init() left entry in r12 and its
 * argument in r13.  The stack is 16-byte aligned here, as the ABI wants it
 * before a call.  entry must not return; if it does, trap.
 */
	.type hal_context_start, @function
hal_context_start:
	.cfi_startproc
	.cfi_undefined rip		/* a thread's outermost frame: gdb's bt ends here */
	movq %r13, %rdi
	xorl %ebp, %ebp
	callq *%r12
	ud2
	.cfi_endproc
	.size hal_context_start, . - hal_context_start

/* void hal_context_init(ctx, stack_top, entry, arg) */
	.globl hal_context_init
	.type hal_context_init, @function
hal_context_init:
	leaq -64(%rsi), %rax
	movl $0x1f80, (%rax)		/* mxcsr: all exceptions masked */
	movw $0x037f, 4(%rax)		/* x87: all masked, extended precision */
	movq $0, 8(%rax)		/* r15 */
	movq $0, 16(%rax)		/* r14 */
	movq %rcx, 24(%rax)		/* r13 = arg */
	movq %rdx, 32(%rax)		/* r12 = entry */
	movq $0, 40(%rax)		/* rbx */
	movq $0, 48(%rax)		/* rbp */
	leaq hal_context_start(%rip), %rdx
	movq %rdx, 56(%rax)
	movq %rax, (%rdi)
	ret
	.size hal_context_init, . - hal_context_init

	.section .note.GNU-stack, "", @progbits
