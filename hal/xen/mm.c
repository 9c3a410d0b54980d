// SPDX-License-Identifier: MIT
/*
 * PV memory: from the page tables Xen built to the kernel's regions.
 *
 * Xen hands over with the image, the P2M list (pfn -> machine frame),
 * start_info, the xenstore and console rings, the bootstrap page tables and
 * a one-page stack mapped contiguously from XEN_VIRT_BASE, followed by at
 * least 512 KiB of mapped padding, the whole ending on a 4 MiB boundary.
 * Everything is writable and executable except the page tables.
 *
 * Every frame of the domain gets the virtual address XEN_VIRT_BASE +
 * pfn * 4096 (the physmap).  A PV guest may not write its page tables: Xen
 * checks every entry that goes in (the frame must be ours, a frame that is a
 * page table must not also be mapped writable), so entries change through
 * mmu_update, and new tables are filled while they are ordinary pages and
 * hooked in afterwards.
 *
 * Boot does the least it can, because under emulation every hypercall path
 * Xen runs for the first time is expensive: one batch of mmu_update
 * requests rewrites the bootstrap mapping with W^X permissions (text RX,
 * read-only data R, everything else no-execute, page tables read-only, an
 * unmapped guard page below the boot stack) and maps shared_info over a
 * placeholder page of the image.  The physmap beyond the bootstrap mapping
 * is mapped on demand, as a prefix that only grows: a page fault above it
 * maps every 2 MiB chunk up to the faulting one.  Because the mapped part
 * is always a prefix, a stack whose top has been touched is mapped in full,
 * so Xen never has to push a fault frame onto an unmapped stack.  The page
 * tables for the rest of memory are reserved at boot (about 0.2%).
 *
 * Guard pages (hal_mem_guard) are holes punched into the mapped prefix.
 * Xen delivers a fault to a 64-bit PV kernel by writing the exception frame
 * just below the interrupted %rsp; there is no alternate stack for faults
 * in guest kernel mode (kernel_sp is used only on a switch from guest user
 * mode).  A stack overflow that faults with %rsp at or inside the guard
 * (a push, a stack-clash probe) therefore cannot be delivered: Xen crashes
 * the domain ("domain_crash_sync called from entry.S" on its console).  The
 * guard still does its job, nothing below it is ever written, but the
 * kernel cannot name the thread then; its canary names an overflow that
 * reaches a context switch first (README, test/ports.sh).
 *
 * The fault path interrupts arbitrary code: this file is built with
 * -mgeneral-regs-only and never calls a function that could touch SSE
 * registers on a path that returns.
 */
#include <stddef.h>
#include <stdint.h>

#include <hal.h>
#include <hako/printk.h>

#include <x86_64/pte.h>
#include <xen/errno.h>
#include <xen/memory.h>

#include "hypercall.h"
#include "port.h"

#define PTE_P X86_PTE_P
#define PTE_RW X86_PTE_W
#define PTE_USER X86_PTE_U
#define PTE_A X86_PTE_A
#define PTE_D X86_PTE_D
#define PTE_NX X86_PTE_NX
#define PTE_ADDR X86_PTE_ADDR
#define PT_UPPER (PTE_P | PTE_RW | PTE_USER | PTE_A | PTE_D)
#define ENTRIES 512UL
#define CHUNK_PAGES 512UL /* pages one L1 table maps: 2 MiB */
#define BASE_PFN (XEN_VIRT_BASE / XEN_PAGE_SIZE)

#define M2P ((const unsigned long *)MACH2PHYS_VIRT_START)

/* The I/O window: 2 MiB just below the physmap, for frames that are not
 * ours (grant frames, foreign pages).  Its table is made on first use. */
#define IOWIN_BASE (XEN_VIRT_BASE - CHUNK_PAGES * XEN_PAGE_SIZE)

extern char __image_start[], __boot_stack_guard[], __image_end[];
extern char __xen_shared_page[], __xen_scratch_page[];

static const unsigned long *p2m;
static unsigned long nr_pages;
static uint64_t nx;
static unsigned long shared_maddr;
static const uint64_t *l3;

/* Frames holding page tables: Xen's bootstrap ones, then our reserve. */
static unsigned long boot_pt_first, boot_pt_end, pool_first, pool_next, pool_end;
/* The P2M's frame tree for the toolstack (xen_mm_publish_p2m): one page
 * of frame-list frames, then the frame lists, right after the pool. */
static unsigned long p2m_entries, p2m_tree, p2m_tree_pages;
/* Chunks [0, mapped_chunks) of the physmap are mapped; the physmap has
 * last_chunk + 1 chunks (chunk 0 starts at XEN_VIRT_BASE). */
static unsigned long mapped_chunks, last_chunk;
static unsigned long iowin_next;
static unsigned long iowin_table; /* pfn of its L1, 0 until made */
/* Chunks [0, exec_chunks) hold executable pages (the image's text and the
 * hypercall page); the others are no-execute in their L2 entries. */
static unsigned long exec_chunks;

static mmu_update_t batch[128];
static unsigned int batch_len;

/* For xen_mm_report(): what boot and the fault path cost. */
static unsigned long boot_updates, boot_entries, boot_l2_nx, fault_grows, grown_chunks;

/* ------------------------------------------------------- translations --- */

void xen_mm_early(void)
{
	p2m = (const unsigned long *)xen_start_info->mfn_list;
	nr_pages = p2m_entries = xen_start_info->nr_pages;
}

unsigned long xen_nr_pages(void)
{
	return nr_pages;
}

unsigned long xen_pfn_to_mfn(unsigned long pfn)
{
	return p2m[pfn];
}

unsigned long xen_mfn_to_pfn(unsigned long mfn)
{
	unsigned long pfn;

	if (mfn >= MACH2PHYS_NR_ENTRIES)
		return ~0UL;
	pfn = M2P[mfn];
	/* The M2P says which pfn a frame had; check it is ours. */
	if (pfn >= nr_pages || p2m[pfn] != mfn)
		return ~0UL;
	return pfn;
}

void *xen_pfn_to_virt(unsigned long pfn)
{
	return (void *)(XEN_VIRT_BASE + pfn * XEN_PAGE_SIZE);
}

static unsigned long virt_to_pfn(const void *va)
{
	return ((uintptr_t)va - XEN_VIRT_BASE) >> XEN_PAGE_SHIFT;
}

unsigned long xen_virt_to_mfn(const void *va)
{
	return p2m[virt_to_pfn(va)];
}

bool xen_virt_is_ram(const void *va, size_t len)
{
	uintptr_t a = (uintptr_t)va;

	return a >= XEN_VIRT_BASE && len <= nr_pages * XEN_PAGE_SIZE &&
	       a - XEN_VIRT_BASE <= nr_pages * XEN_PAGE_SIZE - len;
}

static uint64_t maddr_of_pfn(unsigned long pfn)
{
	return (uint64_t)p2m[pfn] << XEN_PAGE_SHIFT;
}

/* A bootstrap table an entry points to (inside the physmap). */
static const uint64_t *table_of(uint64_t entry)
{
	unsigned long pfn = xen_mfn_to_pfn((entry & PTE_ADDR) >> XEN_PAGE_SHIFT);

	if (pfn == ~0UL)
		panic("xen: bootstrap page table entry %#lx names a frame that is not ours",
		      (unsigned long)entry);
	return xen_pfn_to_virt(pfn);
}

/* Machine address of entry index of the table in frame pfn. */
static uint64_t entry_maddr(unsigned long pfn, unsigned long index)
{
	return maddr_of_pfn(pfn) + index * 8;
}

/* ---------------------------------------------------------- hypercalls --- */

static void batch_flush(void)
{
	unsigned int done = 0;
	long rc;

	if (!batch_len)
		return;
	rc = hyp_mmu_update(batch, batch_len, &done);
	if (rc)
		panic("xen: mmu_update failed: %s (%ld), request %u of %u (ptr %#lx val %#lx)",
		      xen_strerror(rc), rc, done, batch_len, (unsigned long)batch[done].ptr,
		      (unsigned long)batch[done].val);
	batch_len = 0;
}

static void batch_add(uint64_t maddr, uint64_t val)
{
	if (batch_len == sizeof(batch) / sizeof(batch[0]))
		batch_flush();
	batch[batch_len].ptr = maddr | MMU_NORMAL_PT_UPDATE;
	batch[batch_len].val = val;
	batch_len++;
}

static long map_va(unsigned long va, uint64_t pte)
{
	return hyp_update_va_mapping(va, pte, UVMF_INVLPG | UVMF_LOCAL);
}

static void map_va_or_panic(unsigned long va, uint64_t pte, const char *what)
{
	long rc = map_va(va, pte);

	if (rc)
		panic("xen: update_va_mapping (%s at %#lx) failed: %s (%ld)", what, va,
		      xen_strerror(rc), rc);
}

/* ------------------------------------------------------------- entries --- */

/* The entry mapping frame pfn in the physmap: W^X for the image. */
static uint64_t physmap_pte(unsigned long pfn)
{
	uint64_t pte, perm;

	if (pfn >= nr_pages || p2m[pfn] == ~0UL)
		return 0;
	if (pfn == virt_to_pfn(__xen_shared_page))
		return shared_maddr | PTE_P | PTE_RW | PTE_A | PTE_D | nx;
	if (pfn == virt_to_pfn(__boot_stack_guard) || pfn == virt_to_pfn(__xen_scratch_page))
		return 0;
	pte = maddr_of_pfn(pfn) | PTE_P | PTE_A;
	if (pfn == virt_to_pfn(hypercall_page))
		return pte;
	if ((pfn >= boot_pt_first && pfn < boot_pt_end) || (pfn >= pool_first && pfn < pool_end))
		return pte | nx;
	perm = pfn < virt_to_pfn(__image_end) ? x86_image_perm((uintptr_t)xen_pfn_to_virt(pfn), nx)
					       : PTE_P | PTE_RW | nx;
	return pte | perm | (perm & PTE_RW ? PTE_D : 0);
}

/* The bits of an entry that matter when comparing with what we want. */
static uint64_t pte_key(uint64_t pte)
{
	return pte & (PTE_ADDR | PTE_P | PTE_RW | PTE_NX);
}

static void zero_page(void *p)
{
	unsigned long n = XEN_PAGE_SIZE / 8;

	asm volatile("rep stosq" : "+D"(p), "+c"(n) : "a"(0UL) : "memory");
}

/* Map frame pfn (not a table yet) at the scratch page: a writable window on
 * reserved frames the physmap does not reach yet. */
static uint64_t *scratch(unsigned long pfn)
{
	map_va_or_panic((unsigned long)__xen_scratch_page,
			maddr_of_pfn(pfn) | PTE_P | PTE_RW | PTE_A | PTE_D | nx, "scratch");
	return (uint64_t *)__xen_scratch_page;
}

static unsigned long pool_take(void)
{
	if (pool_next >= pool_end)
		panic("xen: page table reserve exhausted");
	return pool_next++;
}

/* ---------------------------------------------------------- the prefix --- */

/*
 * Map chunks [mapped_chunks, upto]: fill a reserved L1 per chunk (and an L2
 * per GiB that has none) through the scratch page, drop the scratch mapping
 * so no writable mapping of a table remains, then hook everything in with
 * one batch.  Entries only go from absent to present: no TLB flush needed.
 */
static void grow(unsigned long upto)
{
	unsigned long first = mapped_chunks, l1[16], n, g_new = 0, l2_new = 0;

	if (upto > last_chunk)
		upto = last_chunk;
	if (upto < first)
		return;
	/* At most 16 chunks (32 MiB) per round: l1[] lives on whatever
	 * stack faulted.  They span at most two GiBs: one new L2 at most. */
	n = upto - first + 1;
	if (n > sizeof(l1) / sizeof(l1[0]))
		n = sizeof(l1) / sizeof(l1[0]);
	for (unsigned long k = 0; k < n; k++) {
		unsigned long g = (BASE_PFN / CHUNK_PAGES + first + k) / ENTRIES;
		uint64_t *t;

		if (!(l3[g] & PTE_P) && !l2_new) {
			g_new = g;
			l2_new = pool_take();
			zero_page(scratch(l2_new));
		} else if (!(l3[g] & PTE_P) && g != g_new) {
			n = k; /* a second new L2: next round */
			break;
		}
		l1[k] = pool_take();
		t = scratch(l1[k]);
		for (unsigned long i = 0; i < ENTRIES; i++)
			t[i] = physmap_pte((first + k) * CHUNK_PAGES + i);
	}
	map_va_or_panic((unsigned long)__xen_scratch_page, 0, "scratch");

	/* The new L2 first (empty: cheap to check), then the L1s. */
	if (l2_new) {
		batch_add(entry_maddr(virt_to_pfn(l3), g_new), maddr_of_pfn(l2_new) | PT_UPPER);
		batch_flush();
	}
	for (unsigned long k = 0; k < n; k++) {
		unsigned long v = BASE_PFN / CHUNK_PAGES + first + k;

		batch_add((l3[v / ENTRIES] & PTE_ADDR) + (v % ENTRIES) * 8,
			  maddr_of_pfn(l1[k]) | PT_UPPER | (first + k >= exec_chunks ? nx : 0));
	}
	batch_flush();
	mapped_chunks = first + n;
}

/* Called by the page fault handler: true if addr is now mapped. */
bool xen_mm_fault(uintptr_t addr)
{
	unsigned long pfn;

	if (addr < XEN_VIRT_BASE)
		return false;
	pfn = (addr - XEN_VIRT_BASE) >> XEN_PAGE_SHIFT;
	if (pfn >= nr_pages || pfn / CHUNK_PAGES < mapped_chunks)
		return false;
	fault_grows++;
	grown_chunks += pfn / CHUNK_PAGES + 1 - mapped_chunks;
	while (mapped_chunks <= pfn / CHUNK_PAGES)
		grow(pfn / CHUNK_PAGES);
	return true;
}

void xen_mm_report(void)
{
	printk(LOG_DEBUG, "xen: mm: boot rewrote %lu of %lu bootstrap entries (%lu of %lu chunks "
	       "no-execute in their L2 entry); %lu page faults mapped %lu more chunks\n",
	       boot_updates, boot_entries, boot_l2_nx, boot_entries / CHUNK_PAGES, fault_grows,
	       grown_chunks);
}

/* --------------------------------------------------------- guard pages --- */

/*
 * hal_mem_guard: the chunk is mapped first (growing the prefix up to it),
 * then each page's entry is cleared or rewritten with update_va_mapping.
 * grow() only ever fills chunks beyond the prefix, and xen_mm_fault()
 * refuses any address inside it, so nothing maps a guarded page again
 * behind the kernel's back: only unguarding does.
 */
int hal_mem_guard(uintptr_t base, size_t len, bool guard)
{
	unsigned long first, n, last;

	if (base % XEN_PAGE_SIZE || len % XEN_PAGE_SIZE || !len || base < XEN_VIRT_BASE)
		return HAL_EINVAL;
	first = virt_to_pfn((const void *)base);
	n = len / XEN_PAGE_SIZE;
	if (first < p2m_tree + p2m_tree_pages || first >= nr_pages || n > nr_pages - first)
		return HAL_EINVAL; /* not in the free region */
	last = (first + n - 1) / CHUNK_PAGES;
	while (mapped_chunks <= last)
		grow(last);
	for (unsigned long pfn = first; pfn < first + n; pfn++)
		map_va_or_panic((unsigned long)xen_pfn_to_virt(pfn), guard ? 0 : physmap_pte(pfn),
				guard ? "guard page" : "unguarded page");
	return HAL_OK;
}

/* ------------------------------------------------------------ balloon --- */

/* The L1 entry that maps frame pfn of the physmap, when its chunk is in the
 * mapped prefix; 0 otherwise. */
static uint64_t pte_maddr(unsigned long pfn)
{
	unsigned long v = BASE_PFN / CHUNK_PAGES + pfn / CHUNK_PAGES;
	const uint64_t *l2;

	if (pfn / CHUNK_PAGES >= mapped_chunks)
		return 0;
	l2 = table_of(l3[v / ENTRIES]);
	return (l2[v % ENTRIES] & PTE_ADDR) + (pfn % CHUNK_PAGES) * 8;
}

unsigned long xen_mm_drop(unsigned long pfn)
{
	unsigned long mfn = p2m[pfn];
	uint64_t pte = pte_maddr(pfn);

	if (pte)
		batch_add(pte, 0);
	((unsigned long *)p2m)[pfn] = ~0UL;
	return mfn;
}

bool xen_mm_dropped(unsigned long pfn)
{
	return pfn < nr_pages && p2m[pfn] == ~0UL;
}

void xen_mm_fill(unsigned long pfn, unsigned long mfn)
{
	uint64_t pte = pte_maddr(pfn);

	/* The M2P first: Xen's own record of which pfn the frame is. */
	if (batch_len == sizeof(batch) / sizeof(batch[0]))
		batch_flush();
	batch[batch_len].ptr = (uint64_t)mfn << XEN_PAGE_SHIFT | MMU_MACHPHYS_UPDATE;
	batch[batch_len++].val = pfn;
	((unsigned long *)p2m)[pfn] = mfn;
	if (pte)
		batch_add(pte, physmap_pte(pfn));
}

void xen_mm_commit(void)
{
	struct mmuext_op flush = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };

	batch_flush();
	xen_check("mmuext_op(TLB_FLUSH_LOCAL)", hyp_mmuext_op(&flush, 1));
}

unsigned long xen_mm_first_free_pfn(void)
{
	return p2m_tree + p2m_tree_pages;
}

/* ---------------------------------------------------------------- boot --- */

static bool cpu_has_nx(void)
{
	uint32_t a, b, c, d;

	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000000));
	if (a < 0x80000001)
		return false;
	asm volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001));
	return d >> 20 & 1;
}

static unsigned long page_up(uintptr_t va)
{
	return (va - XEN_VIRT_BASE + XEN_PAGE_SIZE - 1) >> XEN_PAGE_SHIFT;
}

/* First frame after everything Xen put behind the image. */
static unsigned long bootstrap_end(uintptr_t boot_stack_top)
{
	const struct start_info *si = xen_start_info;
	unsigned long end = page_up((uintptr_t)__image_end), e;

#define AT_LEAST(x)                                                                      \
	do {                                                                             \
		e = (x);                                                                 \
		if (e > end)                                                             \
			end = e;                                                         \
	} while (0)
	AT_LEAST(page_up(si->pt_base + si->nr_pt_frames * XEN_PAGE_SIZE));
	AT_LEAST(page_up(si->mfn_list + si->nr_pages * sizeof(unsigned long)));
	AT_LEAST(page_up((uintptr_t)si + sizeof(*si)));
	AT_LEAST(page_up(boot_stack_top));
	if (si->mod_len && !(si->flags & SIF_MOD_START_PFN))
		AT_LEAST(page_up(si->mod_start + si->mod_len));
	if (!xen_is_dom0) {
		AT_LEAST(xen_mfn_to_pfn(si->store_mfn) + 1);
		AT_LEAST(xen_mfn_to_pfn(si->console.domU.mfn) + 1);
	}
#undef AT_LEAST
	return end;
}

#ifdef CONFIG_INITRD
static size_t with_initrd(struct hal_mem_region *r, uintptr_t start, uintptr_t mid,
			  uintptr_t end);
#endif

size_t xen_mm_init(uintptr_t boot_stack_top, struct hal_mem_region *regions)
{
	const struct start_info *si = xen_start_info;
	const uint64_t *l4 = (const uint64_t *)si->pt_base, *boot_l2;
	const unsigned long max_pages = (ENTRIES - 2) * ENTRIES * CHUNK_PAGES;
	unsigned long next, pool_size, c;

	nx = cpu_has_nx() ? PTE_NX : 0;
	shared_maddr = si->shared_info;
	if ((uintptr_t)__image_start != XEN_VIRT_BASE || !(l4[0] & PTE_P))
		panic("xen: unexpected bootstrap layout (image at %p)", (void *)__image_start);
	/* The physmap lives under the first L4 entry (512 GiB). */
	if (nr_pages > max_pages) {
		nr_pages = max_pages;
		pr_warn("xen: using only the first %lu MiB of memory\n", nr_pages >> 8);
	}
	l3 = table_of(l4[0]);
	boot_l2 = table_of(l3[0]);
	boot_pt_first = virt_to_pfn((void *)si->pt_base);
	boot_pt_end = boot_pt_first + si->nr_pt_frames;
	last_chunk = (nr_pages - 1) / CHUNK_PAGES;
	/* Xen maps whole tables from XEN_VIRT_BASE up. */
	for (c = 0; BASE_PFN / CHUNK_PAGES + c < ENTRIES; c++)
		if (!(boot_l2[BASE_PFN / CHUNK_PAGES + c] & PTE_P))
			break;
	mapped_chunks = c;
	next = bootstrap_end(boot_stack_top);
	if (!mapped_chunks || next >= nr_pages || next >= mapped_chunks * CHUNK_PAGES)
		panic("xen: no free page after the bootstrap area (%lu pages, %lu mapped, "
		      "%lu used)", nr_pages, mapped_chunks * CHUNK_PAGES, next);

	/* The reserve: an L1 per chunk still unmapped, an L2 per GiB without
	 * one (at most one more than the GiBs spanned), and the I/O window's
	 * L1.  Right after the bootstrap area, so mostly in the padding. */
	pool_size = 1;
	if (last_chunk >= mapped_chunks)
		pool_size += last_chunk - mapped_chunks + 1 +
			     (last_chunk + BASE_PFN / CHUNK_PAGES) / ENTRIES + 1;
	pool_first = pool_next = next;
	pool_end = next + pool_size;
	p2m_tree = pool_end;
	p2m_tree_pages = 1 + ((p2m_entries * 8 + XEN_PAGE_SIZE - 1) / XEN_PAGE_SIZE + ENTRIES - 1) /
				 ENTRIES;
	if (p2m_tree + p2m_tree_pages >= nr_pages)
		panic("xen: %lu pages of memory cannot hold their own page tables", nr_pages);

	/* One batch: the bootstrap mapping as physmap_pte() wants it.  Only
	 * changed entries are sent.  A chunk with no executable page gets
	 * no-execute in its L2 entry, one update instead of one per page
	 * (under emulation each costs microseconds: this is most of the
	 * guest's boot); its L1 entries then change only where more than
	 * no-execute differs (page tables, the guard, shared_info).  grow()
	 * hooks later chunks in with no-execute too. */
	exec_chunks = page_up((uintptr_t)__text_end);
	if (exec_chunks < virt_to_pfn(hypercall_page) + 1)
		exec_chunks = virt_to_pfn(hypercall_page) + 1;
	exec_chunks = (exec_chunks + CHUNK_PAGES - 1) / CHUNK_PAGES;
	for (c = 0; c < mapped_chunks; c++) {
		unsigned long l2i = BASE_PFN / CHUNK_PAGES + c;
		unsigned long l1pfn = virt_to_pfn(table_of(boot_l2[l2i]));
		const uint64_t *l1 = xen_pfn_to_virt(l1pfn);
		uint64_t ignore = 0;

		if (c >= exec_chunks && nx) {
			batch_add(entry_maddr(virt_to_pfn(boot_l2), l2i), boot_l2[l2i] | nx);
			ignore = nx;
			boot_l2_nx++;
		}
		for (unsigned long i = 0; i < ENTRIES; i++) {
			uint64_t want = physmap_pte(c * CHUNK_PAGES + i);

			boot_entries++;
			if ((pte_key(l1[i]) | ignore) != (pte_key(want) | ignore)) {
				batch_add(entry_maddr(l1pfn, i), want);
				boot_updates++;
			}
		}
	}
	batch_flush();
	{
		/* Permissions were reduced: drop what the TLB remembers. */
		struct mmuext_op flush = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };

		xen_check("mmuext_op(TLB_FLUSH_LOCAL)", hyp_mmuext_op(&flush, 1));
	}
	/* xen_shared already points at the placeholder, which now shows
	 * the real shared_info. */
	xen_shared->vcpu_info[0].evtchn_upcall_mask = 1; /* until boot is done */

	regions[0] = (struct hal_mem_region){ XEN_VIRT_BASE,
					      (size_t)(__image_end - __image_start), HAL_MEM_IMAGE };
	next = p2m_tree + p2m_tree_pages;
#ifdef CONFIG_INITRD
	return 1 + with_initrd(regions + 1, (uintptr_t)__image_end,
			       (uintptr_t)xen_pfn_to_virt(next),
			       (uintptr_t)xen_pfn_to_virt(nr_pages));
#else
	regions[1] = (struct hal_mem_region){ (uintptr_t)__image_end,
					      (next - virt_to_pfn(__image_end)) * XEN_PAGE_SIZE,
					      HAL_MEM_RESERVED };
	regions[2] = (struct hal_mem_region){ (uintptr_t)xen_pfn_to_virt(next),
					      (nr_pages - next) * XEN_PAGE_SIZE, HAL_MEM_FREE };
	return 3;
#endif
}

#ifdef CONFIG_INITRD

/*
 * The regions after the image: reserved [start, mid), free [mid, end),
 * with the initrd (start_info's module, an xl ramdisk= or dom0's second
 * multiboot module) cut out of whichever holds it.  Without the
 * MOD_START_PFN note (Hako has none) the module is at a virtual address
 * inside the bootstrap area; with the flag, it is a frame number.
 */
static size_t with_initrd(struct hal_mem_region *r, uintptr_t start, uintptr_t mid,
			  uintptr_t end)
{
	const struct hal_mem_region parts[2] = { { start, mid - start, HAL_MEM_RESERVED },
						 { mid, end - mid, HAL_MEM_FREE } };
	const struct start_info *si = xen_start_info;
	uintptr_t mb = 0, me = 0, top = 0;
	size_t n = 0;

	if (si->mod_start && si->mod_len) {
		mb = si->flags & SIF_MOD_START_PFN ? (uintptr_t)xen_pfn_to_virt(si->mod_start)
						   : (uintptr_t)si->mod_start;
		me = mb + si->mod_len;
		top = (me + XEN_PAGE_SIZE - 1) & ~(uintptr_t)(XEN_PAGE_SIZE - 1);
		/* Wholly inside one of the two parts, page aligned. */
		if (mb % XEN_PAGE_SIZE || me < mb || mb < start || top > end ||
		    (mb < mid && top > mid)) {
			pr_err("xen: initrd at %#lx (%lu bytes) misplaced: ignored\n",
			       (unsigned long)mb, (unsigned long)si->mod_len);
			mb = me = top = 0;
		}
	}
	for (int i = 0; i < 2; i++) {
		uintptr_t b = parts[i].base, e = b + parts[i].size;

		if (!me || mb < b || top > e) {
			if (e > b)
				r[n++] = parts[i];
			continue;
		}
		if (mb > b)
			r[n++] = (struct hal_mem_region){ b, mb - b, parts[i].type };
		r[n++] = (struct hal_mem_region){ mb, me - mb, HAL_MEM_INITRD };
		if (e > top)
			r[n++] = (struct hal_mem_region){ top, e - top, parts[i].type };
	}
	return n;
}
#endif

/*
 * The toolstack reads a PV guest's memory by pseudo-physical frame through
 * the guest's P2M, which the guest publishes in shared_info: xl dump-core
 * (and save) need it.  The P2M list Xen built stays where it is; this
 * publishes it as the three-level tree (the frames of the list, and the
 * frame of that list), in the pages reserved for it after the pool.  (The
 * linear form, p2m_cr3 and p2m_vaddr, would need the list at a 1 GiB
 * aligned address: libxenguest 4.17 reads it that way.)  Needs the page
 * fault handler: the tree may lie beyond the mapped prefix.
 */
void xen_mm_publish_p2m(void)
{
	unsigned long *fll = xen_pfn_to_virt(p2m_tree), *fl = fll + ENTRIES;
	unsigned long pages = (p2m_entries * 8 + XEN_PAGE_SIZE - 1) / XEN_PAGE_SIZE;

	if ((uintptr_t)p2m % XEN_PAGE_SIZE)
		return; /* not from a builder we know: nothing to publish */
	zero_page(fll);
	for (unsigned long i = 0; i < p2m_tree_pages - 1; i++) {
		zero_page(fl + i * ENTRIES);
		fll[i] = p2m[p2m_tree + 1 + i];
	}
	for (unsigned long i = 0; i < pages; i++)
		fl[i] = xen_virt_to_mfn(p2m + i * ENTRIES);
	xen_shared->arch.max_pfn = p2m_entries;
	xen_shared->arch.pfn_to_mfn_frame_list_list = p2m[p2m_tree];
}

/* ------------------------------------------------------------ suspend --- */

/* What xen_shared shows while the real shared_info is unmapped: a copy
 * (the clock reads its time record, the event code its masks). */
static uint64_t shared_copy[XEN_PAGE_SIZE / 8] __attribute__((aligned(XEN_PAGE_SIZE)));

/*
 * The toolstack's save refuses a page table entry naming a frame that is
 * not the domain's (it cannot name it as a pseudo-physical frame): unmap
 * shared_info and every page of the I/O window (the grant frames, which
 * gnttab.c maps again at resume).
 */
/*
 * Frames of the chunks never mapped have never been read or written (the
 * physmap is the only way the guest reaches its memory): at suspend they
 * go back to Xen (XENMEM_decrease_reservation, their P2M entries invalid),
 * so the toolstack neither copies nor stores them, and at resume the same
 * pfns get fresh frames (XENMEM_populate_physmap, which also sets the
 * M2P).  A 96 MiB image that touched 6 saves 6 MiB.  Frames the page
 * table reserve and the P2M tree use stay, wherever they lie.
 */
#define EXTENTS 512
static xen_pfn_t extents[EXTENTS];
static unsigned long released_first, released_end;
/* Above every frame ever granted: a backend may have written one the
 * guest never mapped (a read's buffer, not yet looked at). */
static unsigned long granted_end;

void xen_mm_granted(unsigned long mfn)
{
	unsigned long pfn = xen_mfn_to_pfn(mfn);

	if (pfn != ~0UL && pfn >= granted_end)
		granted_end = pfn + 1;
}

static long memory_op(unsigned int cmd, struct xen_memory_reservation *r)
{
	return HC2(__HYPERVISOR_memory_op, cmd, r);
}

static unsigned long reservation(unsigned int cmd, unsigned long n)
{
	struct xen_memory_reservation r = { .nr_extents = n, .domid = DOMID_SELF };

	set_xen_guest_handle(r.extent_start, extents);
	return (unsigned long)memory_op(cmd, &r);
}

static void release_untouched(void)
{
	unsigned long *p2m_w = (unsigned long *)p2m, first = mapped_chunks * CHUNK_PAGES;

	if (first < p2m_tree + p2m_tree_pages)
		first = p2m_tree + p2m_tree_pages;
	if (first < granted_end)
		first = granted_end;
	released_first = released_end = first;
	while (released_end < nr_pages) {
		unsigned long n = 0, done;

		while (n < EXTENTS && released_end + n < nr_pages) {
			extents[n] = p2m[released_end + n];
			n++;
		}
		done = reservation(XENMEM_decrease_reservation, n);
		for (unsigned long i = 0; i < done; i++)
			p2m_w[released_end + i] = ~0UL;
		released_end += done;
		if (done < n)
			break; /* (Xen kept the rest: they are saved as they are) */
	}
}

static void repopulate(void)
{
	unsigned long *p2m_w = (unsigned long *)p2m;

	while (released_first < released_end) {
		unsigned long n = released_end - released_first, done;

		if (n > EXTENTS)
			n = EXTENTS;
		for (unsigned long i = 0; i < n; i++)
			extents[i] = released_first + i;
		done = reservation(XENMEM_populate_physmap, n);
		for (unsigned long i = 0; i < done; i++)
			p2m_w[released_first + i] = extents[i];
		released_first += done;
		if (done < n)
			panic("xen: resume: the new domain has less memory than the image had "
			      "(%lu pages; Xen gave no frame for pfn %#lx and up): restore it "
			      "with at least its own memory",
			      nr_pages, released_first + done);
	}
}

void xen_mm_suspend(void)
{
	const uint64_t *from = (const uint64_t *)__xen_shared_page;

	for (unsigned long i = 0; i < XEN_PAGE_SIZE / 8; i++)
		shared_copy[i] = from[i];
	xen_shared = (struct shared_info *)shared_copy;
	map_va_or_panic((unsigned long)__xen_shared_page, 0, "shared_info");
	for (unsigned long i = 0; i < iowin_next; i++)
		map_va_or_panic(IOWIN_BASE + i * XEN_PAGE_SIZE, 0, "I/O window");
	iowin_next = 0;
	release_untouched();
}

void xen_mm_resume(const struct start_info *si)
{
	shared_maddr = si->shared_info;
	map_va_or_panic((unsigned long)__xen_shared_page,
			shared_maddr | PTE_P | PTE_RW | PTE_A | PTE_D | nx, "shared_info");
	xen_shared = (struct shared_info *)__xen_shared_page;
	xen_shared->vcpu_info[0].evtchn_upcall_mask = 1; /* until the caller restores */
	repopulate();
	/* The P2M's own frames may have moved: publish the tree again. */
	xen_mm_publish_p2m();
}

/* ----------------------------------------------------------- I/O window --- */

void *xen_iomap(unsigned long mfn, long *rc)
{
	unsigned long va = IOWIN_BASE + iowin_next * XEN_PAGE_SIZE;
	long r;

	if (!iowin_table) {
		/* Its L2 slot is in GiB 0, whose L2 Xen built. */
		iowin_table = pool_take();
		zero_page(scratch(iowin_table));
		map_va_or_panic((unsigned long)__xen_scratch_page, 0, "scratch");
		batch_add((l3[0] & PTE_ADDR) + (IOWIN_BASE >> 21) * 8,
			  maddr_of_pfn(iowin_table) | PT_UPPER);
		batch_flush();
	}
	if (iowin_next >= CHUNK_PAGES) {
		if (rc)
			*rc = -XEN_ENOMEM;
		return NULL;
	}
	r = map_va(va, (uint64_t)mfn << XEN_PAGE_SHIFT | PTE_P | PTE_RW | PTE_A | PTE_D | nx);
	if (rc)
		*rc = r;
	if (r)
		return NULL;
	iowin_next++;
	return (void *)va;
}
