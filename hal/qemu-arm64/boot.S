/* SPDX-License-Identifier: MIT */
/*
 * Entry of the qemu-arm64 image: an arm64 Linux "Image" header, so that
 * qemu-system-aarch64 -kernel loads the image at RAM base + text_offset
 * (0x40080000 on virt) and enters it with the device tree's address in x0,
 * the MMU off, at EL1 or (virtualization=on) EL2.
 *
 * Before any C runs: drop from EL2 to EL1, turn FP/SIMD on (the compiler
 * uses its registers for copies), zero the bss, map memory with an early
 * identity map (the lowest GiB as device memory, the next seven as normal
 * cacheable memory: enough for the image, its stacks and the device tree)
 * and turn the MMU and caches on.  C code thus never runs with the MMU off,
 * where every access is a device access that must be aligned.  mm.c then
 * replaces the early map by the final one (W^X, the null page unmapped).
 *
 * Stacks: the kernel runs on SP_EL0 (PSTATE.SP = 0, "EL1t"); exceptions
 * switch to SP_EL1, a stack of their own, so that a thread's stack
 * overflow into its guard page can still be reported.
 */
#include "qa_boot.h"

	.section .text.boot, "ax"
	.globl _start
_start:
	b entry				/* code0: the header's first word must branch */
	.long 0				/* code1 */
	.quad QA_TEXT_OFFSET		/* text_offset from a 2 MiB aligned RAM base */
	.quad __image_size		/* image_size, bss included */
	.quad 0x2			/* flags: little endian, 4 KiB pages */
	.quad 0, 0, 0			/* reserved */
	.ascii "ARM\x64"		/* magic */
	.long 0				/* no PE header */

entry:
	mov x19, x0			/* the device tree */
	mrs x20, cntvct_el0		/* the entry's time, for the boot line */
	/* Loaded elsewhere than linked (not QEMU's virt): nothing can work. */
	adr x1, _start
	ldr x2, =_start
	cmp x1, x2
	b.ne stuck

	mrs x1, CurrentEL
	lsr x1, x1, #2
	cmp x1, #2
	b.lt at_el1
	b.gt stuck			/* EL3: not what -kernel gives */
	/* EL2 -> EL1: EL1 is AArch64, owns the physical timer and counter and
	 * FP/SIMD, and sees this CPU's own IDs. */
	mov x1, #(1 << 31)		/* HCR_EL2.RW */
	msr hcr_el2, x1
	mrs x1, cnthctl_el2
	orr x1, x1, #3			/* EL1PCEN | EL1PCTEN */
	msr cnthctl_el2, x1
	msr cntvoff_el2, xzr
	mov x1, #0x33ff			/* CPTR_EL2: RES1 bits, TFP clear */
	msr cptr_el2, x1
	msr hstr_el2, xzr
	mrs x1, midr_el1
	msr vpidr_el2, x1
	mrs x1, mpidr_el1
	msr vmpidr_el2, x1
	/* GICv3 system register interface usable from EL1, if there is one. */
	mrs x1, id_aa64pfr0_el1
	ubfx x1, x1, #24, #4
	cbz x1, 1f
	mrs x1, s3_4_c12_c9_5		/* ICC_SRE_EL2 */
	orr x1, x1, #0xf		/* SRE | DFB | DIB | Enable */
	msr s3_4_c12_c9_5, x1
	isb
1:	ldr x1, =SCTLR_EL1_OFF
	msr sctlr_el1, x1
	mov x1, #0x3c5			/* EL1h, D, A, I, F masked */
	msr spsr_el2, x1
	adr x1, at_el1
	msr elr_el2, x1
	eret

at_el1:
	msr daifset, #0xf
	ldr x1, =SCTLR_EL1_OFF		/* MMU and caches off, known state */
	msr sctlr_el1, x1
	mov x1, #(3 << 20)		/* CPACR_EL1.FPEN: no FP/SIMD traps */
	msr cpacr_el1, x1
	ldr x1, =qa_vectors
	msr vbar_el1, x1
	isb

	/* The exception stack on SP_EL1, the boot stack on SP_EL0. */
	ldr x1, =qa_exception_stack_top
	mov sp, x1
	msr spsel, #0
	ldr x1, =qa_boot_stack_top
	mov sp, x1

	/* Move data, then rodata, from where the file has them (right after
	 * text) up to their pages (image.ld); each from its end, since source
	 * and destination may overlap.  16 bytes at a time: with the MMU off
	 * every access is a device access and must be aligned. */
	ldr x1, =__data_load
	ldr x2, =__rodata_end		/* data runs from there */
	ldr x3, =__data_move_size
	bl move_up
	ldr x1, =__rodata_load
	ldr x2, =__text_end		/* rodata runs from there */
	ldr x3, =__rodata_move_size
	bl move_up
	/* Clear what the moves left behind in the text page's tail. */
	ldr x1, =__text_load_end
	add x1, x1, #15
	bic x1, x1, #15
	ldr x2, =__text_end
	bl zero_range
	ldr x1, =__rodata_run_end
	ldr x2, =__rodata_end
	bl zero_range
	/* Zero the bss (16-byte aligned by image.ld), page tables included. */
	ldr x1, =__bss_start
	ldr x2, =__bss_end
	bl zero_range
	/* The early identity map: L0[0] -> L1; L1[0] device; L1[1..7] normal. */
	ldr x1, =qa_early_l0
	ldr x2, =qa_early_l1
	orr x3, x2, #PTE_TABLE
	str x3, [x1]
	ldr x3, =(PTE_BLOCK | PTE_AF | PTE_ATTR_DEVICE | PTE_PXN | PTE_UXN)
	str x3, [x2]
	mov x4, #1
4:	ldr x3, =(PTE_BLOCK | PTE_AF | PTE_SH_INNER | PTE_ATTR_NORMAL)
	orr x3, x3, x4, lsl #30
	str x3, [x2, x4, lsl #3]
	add x4, x4, #1
	cmp x4, #8
	b.lo 4b

	ldr x1, =MAIR_VALUE
	msr mair_el1, x1
	/* TCR: 48-bit VA, 4 KiB granule, walks cacheable inner shareable,
	 * TTBR1 walks off, the output size the CPU supports. */
	mrs x2, id_aa64mmfr0_el1
	and x2, x2, #7
	cmp x2, #5
	mov x3, #5
	csel x2, x2, x3, ls		/* 48 bits at most: no 52-bit format */
	ldr x1, =TCR_VALUE
	orr x1, x1, x2, lsl #32
	msr tcr_el1, x1
	ldr x1, =qa_early_l0
	msr ttbr0_el1, x1
	dsb sy
	tlbi vmalle1
	dsb sy
	isb
	ldr x1, =SCTLR_EL1_ON
	msr sctlr_el1, x1
	isb

	mov x0, x19
	mov x1, x20
	mov x29, xzr			/* the end of the frame record chain */
	mov x30, xzr
	bl qa_boot
stuck:
	wfi
	b stuck

/* move_up(x1 source, x2 destination >= source, x3 bytes, a multiple of 16) */
move_up:
	cbz x3, 2f
	add x1, x1, x3
	add x2, x2, x3
1:	ldp x4, x5, [x1, #-16]!
	stp x4, x5, [x2, #-16]!
	subs x3, x3, #16
	b.ne 1b
2:	ret

/* zero_range(x1 start, x2 end), both 16-byte aligned */
zero_range:
	cmp x1, x2
	b.hs 1f
	stp xzr, xzr, [x1], #16
	b zero_range
1:	ret

	.ltorg

	.bss
	.balign 4096
	.globl qa_early_l0, qa_early_l1
qa_early_l0:
	.skip 4096
qa_early_l1:
	.skip 4096
	.balign 16
	.skip QA_BOOT_STACK
	.globl qa_boot_stack_top
qa_boot_stack_top:
	.skip QA_EXCEPTION_STACK
	.globl qa_exception_stack_top
qa_exception_stack_top:

	.section .note.GNU-stack, "", %progbits
