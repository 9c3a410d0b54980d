/* SPDX-License-Identifier: MIT */
/*
 * gprs.h - saving all general-purpose registers on an x86_64 trap frame,
 * shared by the ports' exception entry code.
 *
 * push_gprs leaves, from the lowest address up:
 *   r15 r14 r13 r12 r11 r10 r9 r8 rbp rdi rsi rdx rcx rbx rax
 * which is the layout of struct x86_gprs.  pop_gprs undoes it.
 */
#ifndef HAL_X86_64_GPRS_H
#define HAL_X86_64_GPRS_H

#ifdef __ASSEMBLY__

.macro push_gprs
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

.macro pop_gprs
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
.endm

#else

#include <stdint.h>

struct x86_gprs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
};

#endif /* __ASSEMBLY__ */
#endif /* HAL_X86_64_GPRS_H */
