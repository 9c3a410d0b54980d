/* SPDX-License-Identifier: MIT */
/*
 * pte.h - the x86_64 page-table vocabulary of the bare ports (qemu-x86 and
 * Xen PV): entry bits, and the W^X policy for the pages of the image.
 *
 * Both ports map the image with the same rule: text read-execute,
 * read-only data read-only, everything after it (data, TLS, bss, stacks)
 * read-write and never executable.  A port adds its own exceptions around
 * that (Xen: the hypercall page is executable, its page tables read-only).
 */
#ifndef HAL_X86_64_PTE_H
#define HAL_X86_64_PTE_H

#include <stdint.h>

#define X86_PTE_P 0x001ULL   /* present */
#define X86_PTE_W 0x002ULL   /* writable */
#define X86_PTE_U 0x004ULL   /* user (Xen PV: the guest kernel runs in ring 3) */
#define X86_PTE_PWT 0x008ULL /* write-through */
#define X86_PTE_PCD 0x010ULL /* cache disabled */
#define X86_PTE_A 0x020ULL   /* accessed */
#define X86_PTE_D 0x040ULL   /* dirty */
#define X86_PTE_PS 0x080ULL  /* in a directory entry: a 2 MiB (or 1 GiB) page */
#define X86_PTE_NX (1ULL << 63)
#define X86_PTE_ADDR 0x000ffffffffff000ULL

#define X86_PAGE_SIZE 4096ULL
#define X86_ENTRIES 512

/* The image's boundaries, from the port's linker script (hal/PORTING.md). */
extern char __text_end[], __rodata_end[];

/*
 * x86_image_perm - the permission bits (P, W, NX) for the image page at
 * address a: a page holding any text is read-execute, one holding read-only
 * data is read-only, anything above is read-write.  nx is X86_PTE_NX, or 0
 * on a CPU without no-execute.
 */
static inline uint64_t x86_image_perm(uintptr_t a, uint64_t nx)
{
	uintptr_t page = a & ~(uintptr_t)(X86_PAGE_SIZE - 1);

	if (page < (uintptr_t)__text_end)
		return X86_PTE_P;
	if (page < (uintptr_t)__rodata_end)
		return X86_PTE_P | nx;
	return X86_PTE_P | X86_PTE_W | nx;
}

#endif /* HAL_X86_64_PTE_H */
