/* SPDX-License-Identifier: MIT */
/* Process entry: Linux leaves argc at (%rsp), then argv, NULL, envp. */
	.text
	.globl _start
	.type _start, @function
_start:
	xorl %ebp, %ebp
	movq %rsp, %rdi
	andq $-16, %rsp
	callq usermode_start
	ud2
	.size _start, . - _start

/* Return path for signal handlers that return (SIGTERM). */
	.globl usermode_sigreturn
	.type usermode_sigreturn, @function
usermode_sigreturn:
	movl $15, %eax		/* rt_sigreturn */
	syscall
	ud2
	.size usermode_sigreturn, . - usermode_sigreturn

	.section .note.GNU-stack, "", @progbits
