/* SPDX-License-Identifier: MIT */
/*
 * Boot of the Xen PV image: the ELF notes the domain builder reads, the
 * hypercall page it fills, the boot stack and the entry point.
 *
 * Xen (as dom0) or libxenguest (as a domU) loads the PT_LOAD segments at
 * their link addresses, maps the domain's first frames there, builds
 * start_info and jumps to _start in 64-bit mode with %rsi = &start_info and
 * %rsp at the top of a one-page bootstrap stack, events masked.
 */
#include <xen/elfnote.h>

#define VIRT_BASE 0x400000	/* port.h XEN_VIRT_BASE, image.ld */

#ifdef CONFIG_THREADS
#define BOOT_STACK_SIZE (16 * 1024)	/* boot only: the main thread has its own */
#else
#define BOOT_STACK_SIZE (64 * 1024)	/* the app runs on it */
#endif

/* One Xen ELF note: name "Xen", a type, a descriptor. */
#define ELFNOTE(type, desc...)			\
	.pushsection .note.Xen, "a", @note;	\
	.balign 4;				\
	.long 2f - 1f;				\
	.long 4f - 3f;				\
	.long type;				\
1:	.asciz "Xen";				\
2:	.balign 4;				\
3:	desc;					\
4:	.balign 4;				\
	.popsection

ELFNOTE(XEN_ELFNOTE_GUEST_OS, .asciz "Hako")
ELFNOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz "0")
ELFNOTE(XEN_ELFNOTE_XEN_VERSION, .asciz "xen-3.0")
ELFNOTE(XEN_ELFNOTE_LOADER, .asciz "generic")
ELFNOTE(XEN_ELFNOTE_VIRT_BASE, .quad VIRT_BASE)
/* Program headers carry link addresses: no offset between them. */
ELFNOTE(XEN_ELFNOTE_PADDR_OFFSET, .quad VIRT_BASE)
ELFNOTE(XEN_ELFNOTE_ENTRY, .quad _start)
ELFNOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page)

	.section .xen.hypercall, "aw", @nobits
	.balign 4096
	.globl hypercall_page
	.type hypercall_page, @object
hypercall_page:
	.skip 4096
	.size hypercall_page, 4096

	.section .boot_stack, "aw", @nobits
	.balign 16
boot_stack:
	.skip BOOT_STACK_SIZE
boot_stack_top:

	.section .text.boot, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	cld
	movq %rsp, %rdx			/* top of Xen's bootstrap stack */
	leaq boot_stack_top(%rip), %rsp
	movq %rsi, %rdi			/* &start_info */
	movq %rdx, %rsi
	xorl %ebp, %ebp
	callq xen_start
	ud2
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
