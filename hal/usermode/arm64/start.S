/* SPDX-License-Identifier: MIT */
/* Process entry: Linux leaves argc at [sp], then argv, NULL, envp; sp is
 * 16-byte aligned. */
	.text
	.globl _start
	.type _start, %function
_start:
	mov x29, #0
	mov x30, #0
	mov x0, sp
	bl usermode_start
	udf #0
	.size _start, . - _start

/* Return path for signal handlers that return (SIGTERM). */
	.globl usermode_sigreturn
	.type usermode_sigreturn, %function
usermode_sigreturn:
	mov x8, #139		/* rt_sigreturn */
	svc #0
	udf #0
	.size usermode_sigreturn, . - usermode_sigreturn

	.section .note.GNU-stack, "", %progbits
