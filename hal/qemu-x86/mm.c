// SPDX-License-Identifier: MIT
/*
 * Page tables and the memory handed to the kernel.
 *
 * Identity mapping (virtual = physical), built once at boot into the tables
 * boot.S started with:
 *  - the 2 MiB chunks holding the image get 4 KiB page tables: the null page
 *    unmapped, text read-execute, rodata read-only, data and bss read-write
 *    no-execute, the rest of the chunk read-write no-execute;
 *  - every other 2 MiB chunk that holds RAM (or ACPI tables) is one 2 MiB
 *    read-write no-execute page; the LAPIC's and the IOAPIC's chunks are
 *    uncached ones.
 * Mapping costs nothing on the host: a page is backed by QEMU only when the
 * guest touches it, and nothing here touches RAM except the few page-table
 * pages, which are taken from the lowest free RAM (below 640 KiB on a PC)
 * and kept out of what the kernel is given.
 *
 * Devices (devices.c) get their registers mapped uncached and their memory
 * set aside from the top of free RAM at boot, before the kernel is given
 * the rest (qx_mm_regions).
 *
 * Guard pages (hal_mem_guard): a guard in a 2 MiB page splits it into a
 * 4 KiB table first.  One table per 2 MiB of free RAM is reserved at boot
 * (0.2%, never touched until a split uses it), so a guard never fails for
 * want of memory; a split table is kept for good.
 */
#include <string.h>

#include <hako/printk.h>
#include <x86_64/pte.h>

#include "qx.h"

#define PTE_P X86_PTE_P
#define PTE_W X86_PTE_W
#define PTE_PWT X86_PTE_PWT
#define PTE_PCD X86_PTE_PCD
#define PTE_PS X86_PTE_PS
#define PTE_ADDR X86_PTE_ADDR
#define PAGE X86_PAGE_SIZE
#define CHUNK (1ULL << 21)
#define GIB (1ULL << 30)
#define MAP_LIMIT (512 * GIB) /* what one PML4 entry covers */

extern uint64_t boot_pml4[512], boot_pdpt[512], boot_pd[512];
extern char __image_start[], __image_end[];

static uint64_t nx;
static struct qx_mem_range free_ram[QX_MAX_RANGES];
static size_t nr_free;
/* Reserved page-table pages for splitting 2 MiB pages: [next, end). */
static uint64_t split_next, split_end;

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static uint64_t align_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}

static _Noreturn void out_of_memory(const char *what)
{
	printk(LOG_EMERG, "hako: not enough memory for %s (raise -m)\n", what);
	qx_fatal_exit(2);
}

static void add_free(uint64_t base, uint64_t end)
{
	size_t i;

	if (base < PAGE)
		base = PAGE; /* the null page stays unmapped */
	if (end > MAP_LIMIT)
		end = MAP_LIMIT;
	if (base >= end || nr_free == QX_MAX_RANGES)
		return;
	/* Keep the list sorted: the lowest RAM feeds early_page(). */
	for (i = nr_free++; i > 0 && free_ram[i - 1].base > base; i--)
		free_ram[i] = free_ram[i - 1];
	free_ram[i] = (struct qx_mem_range){ base, end, 1 };
}

#ifdef CONFIG_INITRD
static uint64_t keep_lo, keep_hi;

void qx_mm_keep(uint64_t base, uint64_t end)
{
	keep_lo = align_down(base, PAGE);
	keep_hi = align_up(end, PAGE);
}

/* [b, e) minus what is kept, into the free list. */
static void add_free_kept(uint64_t b, uint64_t e)
{
	if (keep_lo >= keep_hi || e <= keep_lo || b >= keep_hi) {
		add_free(b, e);
		return;
	}
	if (b < keep_lo)
		add_free(b, keep_lo);
	if (e > keep_hi)
		add_free(keep_hi, e);
}
#else
#define add_free_kept add_free
#endif

/* Free RAM = the firmware's RAM ranges, page aligned, minus the image (and
 * what qx_mm_keep() named). */
static void find_free(const struct qx_mem_range *map, size_t n)
{
	uint64_t lo = (uintptr_t)__image_start, hi = (uintptr_t)__image_end;
	bool image_in_ram = false;

	for (size_t i = 0; i < n; i++) {
		uint64_t b = align_up(map[i].base, PAGE), e = align_down(map[i].end, PAGE);

		if (map[i].type != 1 || b >= e)
			continue;
		if (b <= lo && hi <= e)
			image_in_ram = true;
		if (b < lo)
			add_free_kept(b, e < lo ? e : lo);
		if (e > hi)
			add_free_kept(b > hi ? b : hi, e);
	}
	if (!image_in_ram)
		out_of_memory("the image at 1 MiB");
}

/* A zeroed page for a page table, from the lowest free RAM below 1 GiB
 * (what boot.S mapped). */
static uint64_t *early_page(void)
{
	for (size_t i = 0; i < nr_free; i++) {
		struct qx_mem_range *r = &free_ram[i];

		if (r->end - r->base >= PAGE && r->base + PAGE <= GIB) {
			uint64_t *p = (uint64_t *)(uintptr_t)r->base;

			r->base += PAGE;
			memset(p, 0, PAGE);
			return p;
		}
	}
	out_of_memory("the page tables");
}

/* Does [lo, hi) hold RAM or firmware tables worth mapping? */
static bool wanted(const struct qx_mem_range *map, size_t n, uint64_t lo, uint64_t hi)
{
	for (size_t i = 0; i < n; i++)
		if ((map[i].type == 1 || map[i].type == 3 || map[i].type == 4) &&
		    map[i].base < hi && map[i].end > lo)
			return true;
	return false;
}

/* A 4 KiB page table for the chunk at base: the image's pages W^X. */
static uint64_t *image_chunk(uint64_t base)
{
	uint64_t *pt = early_page();
	uint64_t lo = (uintptr_t)__image_start, hi = (uintptr_t)__image_end;

	for (unsigned i = 0; i < 512; i++) {
		uint64_t a = base + i * PAGE, f = PTE_P | PTE_W | nx;

		if (a == 0)
			continue;
		if (a >= lo && a < hi)
			f = x86_image_perm(a, nx);
		pt[i] = a | f;
	}
	return pt;
}

static void fill_pd(uint64_t *pd, uint64_t gib, const struct qx_mem_range *map, size_t n,
		    uint64_t lapic)
{
	uint64_t image_end = align_up((uintptr_t)__image_end, CHUNK);

	for (unsigned i = 0; i < 512; i++) {
		uint64_t a = gib * GIB + i * CHUNK;

		if (a < image_end)
			pd[i] = (uintptr_t)image_chunk(a) | PTE_P | PTE_W;
		else if (a == lapic || a == align_down(QX_IOAPIC_DEFAULT, CHUNK))
			pd[i] = a | PTE_P | PTE_W | PTE_PS | PTE_PCD | PTE_PWT | nx;
		else if (wanted(map, n, a, a + CHUNK))
			pd[i] = a | PTE_P | PTE_W | PTE_PS | nx;
		else
			pd[i] = 0;
	}
}

/* The first chunk past the image's 4 KiB-mapped ones. */
static uint64_t image_end_chunk(void)
{
	return align_up((uintptr_t)__image_end, CHUNK);
}

/*
 * Reserve a page-table page for every 2 MiB page that holds free RAM, taken
 * from the top of the highest free range that can spare them (untouched
 * until a split needs one).  Ranges are sorted: a chunk two of them share
 * is counted once.
 */
static void reserve_split_tables(uint64_t from)
{
	uint64_t need = 0, last = ~0ULL;

	for (size_t i = 0; i < nr_free; i++) {
		uint64_t b = free_ram[i].base > from ? free_ram[i].base : from;

		for (uint64_t c = b / CHUNK; b < free_ram[i].end && c <= (free_ram[i].end - 1) / CHUNK;
		     c++)
			if (c != last)
				need++, last = c;
	}
	for (size_t i = nr_free; need && i-- > 0;) {
		struct qx_mem_range *r = &free_ram[i];

		if (r->end - r->base > need * PAGE) {
			r->end -= need * PAGE;
			split_next = r->end;
			split_end = r->end + need * PAGE;
			return;
		}
	}
	/* No range can spare them (never on a real machine): a guard in a
	 * 2 MiB page then fails, and the kernel relies on its canary. */
}

void qx_mm_init(const struct qx_mem_range *map, size_t n)
{
	uint64_t lapic = align_down(rdmsr(MSR_APIC_BASE) & PTE_ADDR, CHUNK);
	uint32_t r[4];

	cpuid(0x80000001, r);
	nx = r[3] >> 20 & 1 ? X86_PTE_NX : 0;
	find_free(map, n);

	/*
	 * Rewriting the live tables is safe: every address in use (the image,
	 * its stack, the page-table pages) keeps the same identity mapping,
	 * only with tighter permissions once CR3 is reloaded.
	 */
	fill_pd(boot_pd, 0, map, n, lapic);
	for (uint64_t g = 1; g < 512; g++) {
		uint64_t *pd;

		if (!wanted(map, n, g * GIB, (g + 1) * GIB) && lapic / GIB != g &&
		    QX_IOAPIC_DEFAULT / GIB != g) {
			boot_pdpt[g] = 0;
			continue;
		}
		pd = early_page();
		fill_pd(pd, g, map, n, lapic);
		boot_pdpt[g] = (uintptr_t)pd | PTE_P | PTE_W;
	}
	__asm__ volatile("mov %0, %%cr3" : : "r"((uint64_t)(uintptr_t)boot_pml4) : "memory");
}

size_t qx_mm_regions(struct hal_mem_region *regions, size_t max_regions)
{
	size_t nr = 0;

	reserve_split_tables(image_end_chunk());
	if (max_regions)
		regions[nr++] = (struct hal_mem_region){
			(uintptr_t)__image_start,
			(size_t)(__image_end - __image_start), HAL_MEM_IMAGE };
	for (size_t i = 0; i < nr_free && nr < max_regions; i++)
		if (free_ram[i].end > free_ram[i].base)
			regions[nr++] = (struct hal_mem_region){
				(uintptr_t)free_ram[i].base,
				(size_t)(free_ram[i].end - free_ram[i].base), HAL_MEM_FREE };
	return nr;
}

#ifdef CONFIG_VIRTIO
uint64_t qx_mm_reserve(size_t size)
{
	size = align_up(size, PAGE);
	/* From the top of the highest range that has room: the low RAM the
	 * page tables come from is left alone. */
	for (size_t i = nr_free; size && i-- > 0;) {
		struct qx_mem_range *r = &free_ram[i];

		if (r->end - r->base >= size) {
			r->end -= size;
			return r->end;
		}
	}
	return 0;
}

volatile void *qx_mm_map_device(uint64_t phys, size_t len)
{
	uint64_t *pd;

	if (!len || phys + len < phys || phys + len > MAP_LIMIT)
		return NULL;
	for (uint64_t a = align_down(phys, CHUNK); a < phys + len; a += CHUNK) {
		uint64_t *e, g = a / GIB;

		if (!(boot_pdpt[g] & PTE_P)) {
			pd = early_page();
			boot_pdpt[g] = (uintptr_t)pd | PTE_P | PTE_W;
		}
		pd = (uint64_t *)(uintptr_t)(boot_pdpt[g] & PTE_ADDR);
		e = &pd[a / CHUNK % 512];
		/* Registers never share a chunk with RAM or the image on a PC;
		 * if they did, cached RAM must not become uncached. */
		if (*e & PTE_P && (*e & (PTE_PS | PTE_PCD)) != (PTE_PS | PTE_PCD))
			return NULL;
		*e = a | PTE_P | PTE_W | PTE_PS | PTE_PCD | PTE_PWT | nx;
	}
	__asm__ volatile("mov %0, %%cr3" : : "r"((uint64_t)(uintptr_t)boot_pml4) : "memory");
	return (volatile void *)(uintptr_t)phys;
}
#endif

static bool mapped_page(uint64_t a)
{
	uint64_t e;

	if (a >= MAP_LIMIT)
		return false;
	e = boot_pdpt[a / GIB];
	if (!(e & PTE_P))
		return false;
	e = ((const uint64_t *)(uintptr_t)(e & PTE_ADDR))[a / CHUNK % 512];
	if (!(e & PTE_P) || e & PTE_PS)
		return e & PTE_P;
	e = ((const uint64_t *)(uintptr_t)(e & PTE_ADDR))[a / PAGE % 512];
	return e & PTE_P;
}

bool qx_mapped(uintptr_t addr, size_t len)
{
	if (addr + len < addr)
		return false;
	for (uint64_t a = align_down(addr, PAGE); a < addr + len; a += PAGE)
		if (!mapped_page(a))
			return false;
	return true;
}

/*
 * The entry that maps page a (RAM, mapped), its 2 MiB page split into a
 * 4 KiB table first; NULL when a is not mapped that way or no reserved
 * table is left.  A split maps the same frames with the same rights, so
 * until the flush the old and the new translation agree.
 */
static uint64_t *pte_of(uint64_t a)
{
	uint64_t *pd, *e, *pt;

	if (a >= MAP_LIMIT || !(boot_pdpt[a / GIB] & PTE_P))
		return NULL;
	pd = (uint64_t *)(uintptr_t)(boot_pdpt[a / GIB] & PTE_ADDR);
	e = &pd[a / CHUNK % 512];
	if (!(*e & PTE_P))
		return NULL;
	if (*e & PTE_PS) {
		uint64_t base = *e & PTE_ADDR & ~(CHUNK - 1);
		uint64_t flags = *e & (PTE_P | PTE_W | PTE_PWT | PTE_PCD | X86_PTE_NX);

		if (split_next >= split_end)
			return NULL;
		pt = (uint64_t *)(uintptr_t)split_next;
		split_next += PAGE;
		for (unsigned i = 0; i < 512; i++)
			pt[i] = (base + i * PAGE) | flags;
		*e = (uintptr_t)pt | PTE_P | PTE_W;
		/* The 2 MiB translation may be cached: flush it all (no global
		 * pages here), once per chunk. */
		__asm__ volatile("mov %%cr3, %%rax; mov %%rax, %%cr3" : : : "rax", "memory");
	}
	pt = (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
	return &pt[a / PAGE % 512];
}

static bool in_free_ram(uint64_t base, uint64_t len)
{
	for (size_t i = 0; i < nr_free; i++)
		if (base >= free_ram[i].base && base < free_ram[i].end &&
		    len <= free_ram[i].end - base)
			return true;
	return false;
}

int hal_mem_guard(uintptr_t base, size_t len, bool guard)
{
	uint64_t *e;

	if (base % PAGE || len % PAGE || !len || !in_free_ram(base, len))
		return HAL_EINVAL;
	/* Split first, so that a shortage changes nothing. */
	for (uint64_t a = base; a < base + len; a += CHUNK - a % CHUNK)
		if (!pte_of(a))
			return HAL_ENODEV;
	for (uint64_t a = base; a < base + len; a += PAGE) {
		e = pte_of(a);
		*e = guard ? *e & ~PTE_P : *e | PTE_P;
		__asm__ volatile("invlpg (%0)" : : "r"(a) : "memory");
	}
	return HAL_OK;
}
