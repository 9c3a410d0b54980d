/* SPDX-License-Identifier: MIT */
/*
 * The qemu-arm64 benchmark's floor (test/bench/qemu-arm64.sh): an arm64
 * Image that only prints one line on virt's PL011 and powers off through
 * PSCI SYSTEM_OFF (hvc: virt's conduit at EL1).  What a kernel cannot do
 * with less: the time of QEMU itself, loading an Image and one line out.
 *   aarch64-linux-gnu-gcc -nostdlib -static -Wl,-Ttext=0x40080000 floor-arm64.S
 *   aarch64-linux-gnu-objcopy -O binary
 */
	.text
	.globl _start
_start:
	b 1f
	.long 0
	.quad 0x80000			/* text_offset */
	.quad 4096			/* image_size */
	.quad 0x2			/* flags: little endian, 4 KiB pages */
	.quad 0, 0, 0
	.ascii "ARM\x64"
	.long 0
1:	ldr x1, =0x09000000		/* PL011 data register */
	adr x2, msg
2:	ldrb w3, [x2], #1
	cbz w3, 3f
	str w3, [x1]
	b 2b
3:	ldr x0, =0x84000008		/* PSCI SYSTEM_OFF */
	hvc #0
4:	wfi
	b 4b
	.ltorg
msg:	.asciz "Hello from the floor!\n"
