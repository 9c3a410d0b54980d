/* SPDX-License-Identifier: MIT */
/*
 * Entry points Xen calls asynchronously: the event upcall, the failsafe
 * callback and the exception handlers (callbacks registered in traps.c).
 *
 * A 64-bit PV kernel runs in ring 3 and takes its callbacks on the current
 * stack: Xen pushes ss, rsp, rflags, cs, rip, [error code,] r11, rcx
 * (rcx/r11 on top, as a SYSCALL would have clobbered them).  There is no
 * red zone (-mno-red-zone), so pushing below the interrupted rsp is safe.
 */
#include <xen/xen.h>
#include <x86_64/gprs.h>

/* Drop Xen's rcx/r11 from the top of the frame, restoring both registers. */
.macro pop_rcx_r11
	movq (%rsp), %rcx
	movq 8(%rsp), %r11
	addq $16, %rsp
.endm

/*
 * The event upcall.  Xen masked events (upcall mask = 1) before calling us
 * and recorded the old mask in the frame's rflags.IF.  The C side only moves
 * pending bits into the port's own bitmap and touches no SSE register
 * (evtchn.c is built with -mgeneral-regs-only), so only the caller-saved
 * general registers need saving.  The return goes through HYPERVISOR_iret,
 * which restores the mask from rflags.IF and re-checks for pending events
 * atomically: an event arriving during the return is not lost, and the
 * stack does not grow with back-to-back events.
 */
	.text
	.globl xen_upcall_entry
	.type xen_upcall_entry, @function
xen_upcall_entry:
	pop_rcx_r11
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %rbp
	movq %rsp, %rbp
	andq $-16, %rsp
	cld
	callq xen_evtchn_upcall
	movq %rbp, %rsp
	popq %rbp
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
	pushq $0			/* iret flags: not returning from a syscall */
	jmp hypercall_page + __HYPERVISOR_iret * 32
	.size xen_upcall_entry, . - xen_upcall_entry

/*
 * Exceptions: each stub leaves vector and error code (0 when the CPU gives
 * none) above the iret frame, then trap_common saves every general register
 * and calls xen_trap(frame).  That panics (a fault in a unikernel is a bug)
 * unless it was a page fault in the part of the physmap mapped on demand,
 * which it maps; then the faulting instruction runs again.  The C side of
 * that path is built with -mgeneral-regs-only, like the upcall's.
 */
.macro trap_noerr vec
	.globl xen_trap_\vec
xen_trap_\vec:
	pop_rcx_r11
	pushq $0
	pushq $\vec
	jmp trap_common
.endm

.macro trap_err vec
	.globl xen_trap_\vec
xen_trap_\vec:
	pop_rcx_r11
	pushq $\vec
	jmp trap_common
.endm

trap_noerr 0
trap_noerr 1
trap_noerr 3
trap_noerr 4
trap_noerr 5
trap_noerr 6
trap_noerr 7
trap_err 8
trap_noerr 9
trap_err 10
trap_err 11
trap_err 12
trap_err 13
trap_err 14
trap_noerr 16
trap_err 17
trap_noerr 18
trap_noerr 19

/* Failsafe: Xen could not load a segment register on return to us.  The
 * frame has ds, es, fs, gs below rcx/r11; report it as vector 256. */
	.globl xen_failsafe_entry
xen_failsafe_entry:
	addq $32, %rsp
	pop_rcx_r11
	pushq $0
	pushq $256
	jmp trap_common

trap_common:
	push_gprs
	movq %rsp, %rdi
	movq %rsp, %rbx
	andq $-16, %rsp
	cld
	callq xen_trap			/* returns only when the fault is fixed */
	movq %rbx, %rsp
	pop_gprs
	addq $16, %rsp			/* vector and error code */
	pushq $0
	jmp hypercall_page + __HYPERVISOR_iret * 32

/*
 * xen_fatal(frame, cr2, what): x86_fault() on a stack of the port's own.
 * Xen put the exception frame on the faulting stack, which may be a thread
 * stack that has just run into its guard page: the report must not need
 * more of it.  Never returns.
 */
	.globl xen_fatal
	.type xen_fatal, @function
xen_fatal:
	leaq emergency_stack_top(%rip), %rsp
	callq x86_fault
	ud2
	.size xen_fatal, . - xen_fatal

	.section .bss
	.balign 16
	.skip 8192
emergency_stack_top:

	.section .note.GNU-stack, "", @progbits
