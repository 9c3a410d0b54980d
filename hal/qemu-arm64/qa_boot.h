/* SPDX-License-Identifier: MIT */
/*
 * qa_boot.h - constants shared by the qemu-arm64 port's assembly and C:
 * page-table descriptor bits, memory attributes, the boot-time system
 * register values, the stacks.
 */
#ifndef QEMU_ARM64_QA_BOOT_H
#define QEMU_ARM64_QA_BOOT_H

#ifdef __ASSEMBLY__
#define UL(x) x
#else
#define UL(x) x##UL
#endif

/* QEMU loads an Image at RAM base + text_offset; image.ld links there. */
#define QA_TEXT_OFFSET 0x80000
#define QA_BOOT_STACK 16384
#define QA_EXCEPTION_STACK 16384

/* Stage 1 descriptors, 4 KiB granule. */
#define PTE_VALID UL(0x1)
#define PTE_TABLE UL(0x3)     /* level 0-2: next-level table */
#define PTE_BLOCK UL(0x1)     /* level 1-2: block */
#define PTE_PAGE UL(0x3)      /* level 3: page */
#define PTE_ATTR(i) ((i) << 2) /* MAIR index */
#define PTE_AP_RO (UL(1) << 7)  /* read-only (else read-write), EL1 only */
#define PTE_SH_INNER (UL(3) << 8)
#define PTE_AF (UL(1) << 10)
#define PTE_PXN (UL(1) << 53)
#define PTE_UXN (UL(1) << 54)
#define PTE_ADDR UL(0x0000fffffffff000)

/* MAIR_EL1: 0 Device-nGnRnE, 1 Device-nGnRE, 2 Normal write-back,
 * 3 Normal non-cacheable. */
#define MAIR_VALUE UL(0x44ff0400)
#define PTE_ATTR_DEVICE PTE_ATTR(UL(1))
#define PTE_ATTR_NORMAL PTE_ATTR(UL(2))

/* TCR_EL1 without IPS: T0SZ 16, IRGN0/ORGN0 write-back, SH0 inner, TG0
 * 4 KiB, EPD1 (no TTBR1 walks). */
#define TCR_VALUE (16 | UL(1) << 8 | UL(1) << 10 | UL(3) << 12 | UL(1) << 23)

/* SCTLR_EL1: the ARMv8.0 RES1 bits (11, 20, 22, 23, 28, 29) and, when on,
 * M (MMU), C (data cache), SA (stack alignment check), I (instruction
 * cache).  WXN (19) is set by mm.c with the final tables. */
#define SCTLR_EL1_OFF UL(0x30d00800)
#define SCTLR_EL1_ON (SCTLR_EL1_OFF | UL(1) << 0 | UL(1) << 2 | UL(1) << 3 | UL(1) << 12)
#define SCTLR_WXN (UL(1) << 19)

#endif
