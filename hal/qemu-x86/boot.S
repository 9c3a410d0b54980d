/* SPDX-License-Identifier: MIT */
/*
 * boot.S - from QEMU's `-kernel IMAGE` to C in 64-bit long mode.
 *
 * Boot protocol: multiboot v1 with the address fields (the "a.out kludge",
 * header flag bit 16), not the PVH ELF note.  Why:
 *  - QEMU tries multiboot before PVH, and with the address fields it copies
 *    one flat range of the file to 1 MiB and zeroes the bss itself: the
 *    stripped ELF64 image the Makefile produces is bootable as it is, with
 *    no ELF32 conversion step (QEMU refuses ELF64 multiboot images and
 *    ELF-parses PVH ones).
 *  - The multiboot info gives the e820 map and the -append line in one
 *    structure; GRUB and other multiboot loaders boot the same file.
 *  - The boot-time floor the benchmark compares against is a multiboot
 *    kernel, so both pay the same loader.
 * For the flat copy to be right, the linker script keeps file offsets equal
 * to load address - 1 MiB.  To keep the file small, rodata and data are
 * loaded packed right after text; _start32 moves them up to their own
 * pages (W^X) before it writes anything else to memory.
 *
 * The loader enters _start32 in 32-bit protected mode, paging off, with
 * eax = 0x2badb002 and ebx = the multiboot info.  Before touching any stack
 * we check that the machine has the memory the image needs and a 64-bit
 * CPU; if not, a message goes to COM1 and the machine stops (QEMU's
 * isa-debug-exit, else ACPI power-off through QEMU's PM1a port).  This code
 * and its messages sit in the image's first page, which is the only part
 * known to be loaded when memory is short.
 */
#define MB_HEADER_MAGIC 0x1badb002
#define MB_HEADER_FLAGS 0x00010002 /* want the memory map; address fields valid */
#define MB_BOOT_MAGIC 0x2badb002

#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_TS (1 << 3)
#define CR0_NE (1 << 5)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)

#define COM1 0x3f8

	.section .text.multiboot, "ax"
	.balign 4
	.globl mb_header
mb_header:
	.long MB_HEADER_MAGIC
	.long MB_HEADER_FLAGS
	.long -(MB_HEADER_MAGIC + MB_HEADER_FLAGS)
	.long mb_header		/* header_addr */
	.long __image_start	/* load_addr: the file's first byte */
	.long __file_end	/* load_end_addr: end of the file-backed data */
	.long __image_end	/* bss_end_addr: the loader zeroes up to here */
	.long _start32		/* entry_addr */

	.code32
	.globl _start32
	.type _start32, @function
_start32:
	cli
	cld
	cmpl $MB_BOOT_MAGIC, %eax
	jne .Lnot_multiboot
	movl %ebx, %ebp			/* cpuid clobbers ebx */

	/* mem_upper (KiB of contiguous RAM from 1 MiB) must cover the image. */
	testb $1, (%ebp)
	jz 1f
	movl 8(%ebp), %eax
	cmpl $(0xffffffff - 0x100000) >> 10, %eax
	jae 1f
	shll $10, %eax
	addl $0x100000, %eax
	cmpl $__image_end, %eax
	jb .Lno_memory
1:
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb .Lno_long_mode
	movl $0x80000001, %eax
	cpuid
	btl $29, %edx			/* LM */
	jnc .Lno_long_mode
	movl %edx, %esi			/* bit 20: NX */

	/*
	 * Move data, then rodata, from their load addresses (packed after
	 * text) up to their run addresses (image.ld).  Each destination is
	 * above its source, and data's is above rodata's source: copy the
	 * highest block first, each from its end downwards.  All of this lies
	 * below __load_end, so the bss the loader zeroed stays zero; what is
	 * left of the sources in the tails of the text and rodata pages is
	 * cleared.  Nothing else in the image may be written before this.
	 */
	std
	movl $__file_end - 1, %esi
	movl $__load_end - 1, %edi
	movl $__data_move_size, %ecx
	rep movsb
	movl $__rodata_load_end - 1, %esi
	movl $__rodata_run_end - 1, %edi
	movl $__rodata_move_size, %ecx
	rep movsb
	cld
	xorl %eax, %eax
	movl $__text_load_end, %edi
	movl $__text_gap_size, %ecx
	rep stosb
	movl $__rodata_run_end, %edi
	movl $__rodata_gap_size, %ecx
	rep stosb
	/* The entry's time stamp, for the boot line (the first write the
	 * moves above allow; they take microseconds). */
	rdtsc
	movl %eax, qx_entry_tsc
	movl %edx, qx_entry_tsc + 4

	movl $boot_stack_top, %esp

	/* Identity-map the first GiB with 2 MiB pages; C replaces this map. */
	movl $(boot_pdpt + 3), boot_pml4
	movl $(boot_pd + 3), boot_pdpt
	movl $boot_pd, %edi
	movl $0x83, %eax		/* present, writable, 2 MiB */
	movl $512, %ecx
2:	movl %eax, (%edi)
	addl $0x200000, %eax
	addl $8, %edi
	loop 2b

	movl %cr4, %eax
	orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	btl $20, %esi
	jnc 3f
	orl $EFER_NXE, %eax
3:	wrmsr
	movl %cr0, %eax
	andl $~(CR0_EM | CR0_TS), %eax
	orl $(CR0_PE | CR0_MP | CR0_NE | CR0_WP | CR0_PG), %eax
	movl %eax, %cr0
	lgdt gdt_desc
	ljmp $8, $start64

.Lnot_multiboot:
	movl $msg_not_multiboot, %esi
	jmp boot_fail32
.Lno_memory:
	movl $msg_no_memory, %esi
	jmp boot_fail32
.Lno_long_mode:
	movl $msg_no_long_mode, %esi

/* Print the string at esi on COM1 and stop with status 2. */
boot_fail32:
	movb (%esi), %cl
	testb %cl, %cl
	jz 2f
	movw $(COM1 + 5), %dx
1:	inb %dx, %al
	testb $0x20, %al		/* transmitter holding register empty */
	jz 1b
	movw $COM1, %dx
	movb %cl, %al
	outb %al, %dx
	incl %esi
	jmp boot_fail32
2:	movw $(COM1 + 5), %dx
3:	inb %dx, %al
	testb $0x40, %al		/* everything sent */
	jz 3b
	movw $0x2f8, %dx		/* the status channel run.sh reads */
	movb $'2', %al
	outb %al, %dx
	movb $'\n', %al
	outb %al, %dx
	movw $0xf4, %dx			/* isa-debug-exit */
	movb $2, %al
	outb %al, %dx
	movw $0x604, %dx		/* QEMU's PM1a control: S5 */
	movw $0x2000, %ax
	outw %ax, %dx
4:	hlt
	jmp 4b
	.size _start32, . - _start32

msg_not_multiboot:
	.asciz "hako: not started by a multiboot loader (use qemu -kernel)\n"
msg_no_memory:
	.asciz "hako: not enough memory: the image does not fit in the RAM above 1 MiB (raise -m)\n"
msg_no_long_mode:
	.asciz "hako: this CPU has no 64-bit long mode\n"
	.globl __boot32_end
__boot32_end:

	.code64
	.text
	.type start64, @function
start64:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movq $boot_stack_top, %rsp
	fninit
	movl %ebp, %edi			/* the multiboot info, zero-extended */
	xorl %ebp, %ebp			/* the end of the frame pointer chain */
	callq qx_boot
	ud2
	.size start64, . - start64

/*
 * The GDT: flat code and data, and the TSS that trap.c fills in (it holds
 * the interrupt stacks).  Selectors: 0x08 code, 0x10 data, 0x18 TSS.
 */
	.data
	.balign 16
	.globl qx_gdt
qx_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 64-bit code, present, DPL 0 */
	.quad 0x00cf92000000ffff	/* data, present, writable */
	.quad 0, 0			/* 64-bit TSS descriptor */
qx_gdt_end:
	.balign 4
gdt_desc:
	.word qx_gdt_end - qx_gdt - 1
	.long qx_gdt

/*
 * Boot page tables (kept: C builds the final map into them) and the boot
 * stack, on which an image without threads runs its app.  Exceptions have
 * a stack of their own (trap.c), so a fault report never overwrites the
 * frames it walks for its backtrace.
 */
	.section .bss.boot, "aw", @nobits
	.balign 4096
	.globl boot_pml4, boot_pdpt, boot_pd, boot_stack_top
boot_pml4:
	.skip 4096
boot_pdpt:
	.skip 4096
boot_pd:
	.skip 4096
	.balign 16
	.skip 8192
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
