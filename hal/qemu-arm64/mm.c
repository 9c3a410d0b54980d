// SPDX-License-Identifier: MIT
/*
 * Page tables and the memory handed to the kernel.
 *
 * Identity mapping (virtual = physical), 48-bit, 4 KiB granule, built at
 * boot to replace boot.S's early map:
 *  - the image with 4 KiB pages: text read-execute, rodata read-only, data
 *    and bss read-write no-execute (and SCTLR_EL1.WXN on top: nothing
 *    writable is ever executable);
 *  - RAM read-write no-execute, with 2 MiB blocks where it fills them;
 *  - the devices the port drives, as device memory;
 *  - nothing else: address 0 (virt's flash) stays unmapped, so a NULL
 *    dereference faults.
 * Mapping costs nothing on the host: QEMU backs a page only when the guest
 * touches it, and nothing here touches RAM except the page-table pages,
 * taken from the lowest free RAM (below the image on virt).
 *
 * Guard pages (hal_mem_guard): a guard in a 2 MiB block splits it into a
 * 4 KiB table first.  One table per 2 MiB block of free RAM is reserved at
 * boot (0.2%, untouched until a split uses it), so a guard never fails for
 * want of memory.  Splitting a live block in place maps the same frames
 * with the same attributes, so the old and new translations agree until
 * the TLB is invalidated (fine under QEMU; real hardware without FEAT_BBM
 * level 2 would want break-before-make, which would unmap the running
 * stack's neighbours for a moment).
 */
#include <string.h>

#include <arm64/sysreg.h>
#include <hako/printk.h>

#include "qa.h"

#define PAGE 4096ULL
#define BLOCK (1ULL << 21)
#define VA_LIMIT (1ULL << 48)
#define MAX_FREE (QA_MAX_RAM + QA_MAX_RSV + 4)

#define RAM_RW (PTE_AF | PTE_SH_INNER | PTE_ATTR_NORMAL | PTE_PXN | PTE_UXN)
#define TEXT (PTE_AF | PTE_SH_INNER | PTE_ATTR_NORMAL | PTE_AP_RO | PTE_UXN)
#define RODATA (RAM_RW | PTE_AP_RO)
#define DEVICE (PTE_AF | PTE_ATTR_DEVICE | PTE_PXN | PTE_UXN)

extern char __image_start[], __text_end[], __rodata_end[], __image_end[];

static uint64_t *l0;
static struct qa_range free_ram[MAX_FREE];
static size_t nr_free;
static uint64_t split_pool, split_left; /* reserved page tables for guards */
#ifdef CONFIG_VIRTIO
static size_t device_want; /* qa_mm_reserve() */
static uint64_t device_pool;
#endif

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
	qa_fatal_exit(2);
}

static void add_free(uint64_t base, uint64_t end)
{
	size_t i;

	if (base < PAGE)
		base = PAGE; /* the null page stays unmapped */
	if (end > VA_LIMIT)
		end = VA_LIMIT;
	if (base >= end || nr_free == MAX_FREE)
		return;
	for (i = nr_free++; i > 0 && free_ram[i - 1].base > base; i--)
		free_ram[i] = free_ram[i - 1];
	free_ram[i] = (struct qa_range){ base, end - base };
}

/* Take [lo, hi) out of the free list. */
static void carve(uint64_t lo, uint64_t hi)
{
	lo = align_down(lo, PAGE);
	hi = align_up(hi, PAGE);
	for (size_t i = 0; i < nr_free; i++) {
		uint64_t b = free_ram[i].base, e = b + free_ram[i].size;

		if (hi <= b || lo >= e)
			continue;
		if (lo <= b && hi >= e) {
			free_ram[i].size = 0;
		} else if (lo <= b) {
			free_ram[i] = (struct qa_range){ hi, e - hi };
		} else {
			free_ram[i].size = lo - b;
			if (hi < e)
				add_free(hi, e); /* sorted insert after i */
		}
	}
}

/* A zeroed page for a table, from the lowest free RAM the early map covers. */
static uint64_t *early_page(void)
{
	for (size_t i = 0; i < nr_free; i++) {
		struct qa_range *r = &free_ram[i];

		if (r->size >= PAGE && r->base + PAGE <= QA_EARLY_MAPPED) {
			uint64_t *p = (uint64_t *)(uintptr_t)r->base;

			r->base += PAGE;
			r->size -= PAGE;
			memset(p, 0, PAGE);
			return p;
		}
	}
	out_of_memory("the page tables");
}

static uint64_t *table_of(uint64_t e)
{
	return (uint64_t *)(uintptr_t)(e & PTE_ADDR);
}

/* The level-2 entry of va, creating the tables above it when asked. */
static uint64_t *l2_entry(uint64_t va, bool create)
{
	uint64_t *t = l0;

	for (int shift = 39; shift > 21; shift -= 9) {
		uint64_t *e = &t[va >> shift & 511];

		if (!(*e & PTE_VALID)) {
			if (!create)
				return NULL;
			*e = (uintptr_t)early_page() | PTE_TABLE;
		}
		t = table_of(*e);
	}
	return &t[va >> 21 & 511];
}

static void map_page(uint64_t a, uint64_t attrs)
{
	uint64_t *e = l2_entry(a, true), *pt;

	if (!(*e & PTE_VALID))
		*e = (uintptr_t)early_page() | PTE_TABLE;
	if ((*e & 3) != PTE_TABLE)
		return; /* inside a block already mapped */
	pt = table_of(*e);
	if (!(pt[a >> 12 & 511] & PTE_VALID))
		pt[a >> 12 & 511] = a | attrs | PTE_PAGE;
}

/* Map [base, end) with attrs: 2 MiB blocks where allowed and free, else
 * pages.  Never overwrites what is mapped; never maps the null page. */
static void map_range(uint64_t base, uint64_t end, uint64_t attrs, bool blocks)
{
	for (uint64_t a = align_down(base, PAGE); a < end && a < VA_LIMIT;) {
		uint64_t *e;

		if (a < PAGE) {
			a = PAGE;
			continue;
		}
		if (blocks && !(a & (BLOCK - 1)) && a + BLOCK <= end) {
			e = l2_entry(a, true);
			if (!(*e & PTE_VALID)) {
				*e = a | attrs | PTE_BLOCK;
				a += BLOCK;
				continue;
			}
		}
		map_page(a, attrs);
		a += PAGE;
	}
}

/* One split table per 2 MiB block of free RAM, from the largest range. */
static void reserve_split_tables(void)
{
	uint64_t need = 0;
	size_t best = 0;

	for (size_t i = 0; i < nr_free; i++) {
		uint64_t b = free_ram[i].base, e = b + free_ram[i].size;

		if (align_down(e, BLOCK) > align_up(b, BLOCK))
			need += (align_down(e, BLOCK) - align_up(b, BLOCK)) / BLOCK;
		if (free_ram[i].size > free_ram[best].size)
			best = i;
	}
	if (!need)
		return;
	if (free_ram[best].size < (need + 1) * PAGE)
		out_of_memory("the guard page tables");
	free_ram[best].size -= need * PAGE;
	split_pool = free_ram[best].base + free_ram[best].size;
	split_left = need;
}

#ifdef CONFIG_VIRTIO
void qa_mm_reserve(size_t size)
{
	device_want = (size_t)align_up(size, PAGE);
}

uint64_t qa_mm_reserved(void)
{
	return device_pool;
}

/* Device memory from the top of the largest free range (untouched). */
static void reserve_devices(void)
{
	size_t best = 0;

	if (!device_want)
		return;
	for (size_t i = 0; i < nr_free; i++)
		if (free_ram[i].size > free_ram[best].size)
			best = i;
	if (free_ram[best].size < device_want + PAGE) {
		printk(LOG_WARNING, "hako: not enough memory for the devices' %zu KiB\n",
		       device_want / 1024);
		return;
	}
	free_ram[best].size -= device_want;
	device_pool = free_ram[best].base + free_ram[best].size;
}
#else
static void reserve_devices(void)
{
}
#endif

size_t qa_mm_init(const struct qa_machine *m, uint64_t dtb, uint64_t dtb_size,
		  struct hal_mem_region *regions, size_t max_regions)
{
	uint64_t lo = (uintptr_t)__image_start, hi = (uintptr_t)__image_end;
	uint64_t text = (uintptr_t)__text_end, ro = (uintptr_t)__rodata_end;
	bool image_in_ram = false;
	size_t nr = 0;

	for (unsigned i = 0; i < m->nr_ram; i++) {
		uint64_t b = align_up(m->ram[i].base, PAGE);
		uint64_t e = align_down(m->ram[i].base + m->ram[i].size, PAGE);

		if (b <= lo && hi <= e)
			image_in_ram = true;
		add_free(b, e);
	}
	if (!image_in_ram)
		out_of_memory("the image (not in RAM)");
	carve(lo, hi);
	carve(dtb, dtb + dtb_size);
	if (m->initrd_end > m->initrd_start)
		carve(m->initrd_start, m->initrd_end);
	for (unsigned i = 0; i < m->nr_rsv; i++)
		carve(m->rsv[i].base, m->rsv[i].base + m->rsv[i].size);

	l0 = early_page();
	/* The image first, page by page, so RAM's blocks skip its chunk. */
	map_range(lo, text, TEXT, false);
	map_range(text, ro, RODATA, false);
	map_range(ro, hi, RAM_RW, false);
	for (unsigned i = 0; i < m->nr_ram; i++)
		map_range(m->ram[i].base, m->ram[i].base + m->ram[i].size, RAM_RW, true);
	map_range(m->uart, m->uart + PAGE, DEVICE, false);
	map_range(m->gicd, m->gicd + 0x10000, DEVICE, false);
	if (m->gic_v3)
		map_range(m->gicr, m->gicr + 0x20000, DEVICE, false); /* CPU 0's frames */
	else
		map_range(m->gicc, m->gicc + 0x2000, DEVICE, false);
	if (m->rtc)
		map_range(m->rtc, m->rtc + PAGE, DEVICE, false);
	if (m->gpio)
		map_range(m->gpio, m->gpio + PAGE, DEVICE, false);
#ifdef CONFIG_VIRTIO
	for (unsigned i = 0; i < m->nr_virtio; i++)
		map_range(m->virtio[i].base, m->virtio[i].base + m->virtio[i].size, DEVICE, false);
#endif
	reserve_devices();
	reserve_split_tables();

	a64_dsb_ish();
	a64_write_sysreg(ttbr0_el1, (uintptr_t)l0);
	a64_isb();
	__asm__ volatile("tlbi vmalle1\n\tdsb ish\n\tisb" ::: "memory");
	a64_write_sysreg(sctlr_el1, a64_read_sysreg(sctlr_el1) | SCTLR_WXN);
	__asm__ volatile("tlbi vmalle1\n\tdsb ish\n\tisb" ::: "memory");

	if (max_regions)
		regions[nr++] = (struct hal_mem_region){ (uintptr_t)lo, (size_t)(hi - lo),
							 HAL_MEM_IMAGE };
#ifdef CONFIG_INITRD
	/* hal.h: the base page aligned, the size the archive's exact length
	 * (QEMU loads it page aligned; anything else is refused here). */
	if (m->initrd_end > m->initrd_start && m->initrd_start % PAGE)
		printk(LOG_ERR, "hako: initrd at %#lx not page aligned: ignored\n",
		       (unsigned long)m->initrd_start);
	else if (m->initrd_end > m->initrd_start && nr < max_regions)
		regions[nr++] = (struct hal_mem_region){ (uintptr_t)m->initrd_start,
							 (size_t)(m->initrd_end - m->initrd_start),
							 HAL_MEM_INITRD };
#endif
	for (size_t i = 0; i < nr_free && nr < max_regions; i++)
		if (free_ram[i].size)
			regions[nr++] = (struct hal_mem_region){ (uintptr_t)free_ram[i].base,
								 (size_t)free_ram[i].size,
								 HAL_MEM_FREE };
	return nr;
}

static bool in_free_ram(uint64_t base, uint64_t len)
{
	for (size_t i = 0; i < nr_free; i++)
		if (base >= free_ram[i].base && len <= free_ram[i].size &&
		    base - free_ram[i].base <= free_ram[i].size - len)
			return true;
	return false;
}

/* The level-3 entry of a, splitting its 2 MiB block first if need be. */
static uint64_t *l3_entry(uint64_t a)
{
	uint64_t *e = l2_entry(a, false), *pt;

	if (!e || !(*e & PTE_VALID))
		return NULL;
	if ((*e & 3) == PTE_BLOCK) {
		uint64_t base = *e & PTE_ADDR & ~(BLOCK - 1), attrs = *e & ~PTE_ADDR & ~3ULL;

		if (!split_left)
			return NULL;
		pt = (uint64_t *)(uintptr_t)split_pool;
		split_pool += PAGE;
		split_left--;
		for (unsigned i = 0; i < 512; i++)
			pt[i] = (base + i * PAGE) | attrs | PTE_PAGE;
		a64_dsb_ishst();
		*e = (uintptr_t)pt | PTE_TABLE;
		__asm__ volatile("dsb ishst\n\ttlbi vaae1is, %0\n\tdsb ish\n\tisb"
				 : : "r"(base >> 12) : "memory");
	}
	return &table_of(*e)[a >> 12 & 511];
}

int hal_mem_guard(uintptr_t base, size_t len, bool guard)
{
	if (base % PAGE || len % PAGE || !len || !in_free_ram(base, len))
		return HAL_EINVAL;
	for (uint64_t a = base; a < base + len; a += PAGE) {
		uint64_t *e = l3_entry(a);

		if (!e)
			return HAL_EINVAL; /* cannot happen: one table per block */
		*e = guard ? 0 : a | RAM_RW | PTE_PAGE;
		__asm__ volatile("dsb ishst\n\ttlbi vaae1is, %0\n\tdsb ish\n\tisb"
				 : : "r"(a >> 12) : "memory");
	}
	return HAL_OK;
}
