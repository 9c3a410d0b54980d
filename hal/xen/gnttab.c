// SPDX-License-Identifier: MIT
/*
 * The grant table (v1): how this domain lets a backend map its pages, for
 * the split drivers (netfront, blkfront) to come.  Xen allocates the table's
 * frames (GNTTABOP_setup_table) and we map them in the I/O window.  Entries
 * 0-7 are reserved for the toolstack (console and xenstore rings).
 */
#include <stdbool.h>
#include <stdint.h>

#include <hako/printk.h>

#include "hypercall.h"
#include "port.h"

#define NR_FRAMES 1
#define NR_ENTRIES (NR_FRAMES * XEN_PAGE_SIZE / sizeof(grant_entry_v1_t))

static grant_entry_v1_t *table;
static uint64_t used[NR_ENTRIES / 64];

/* On first use: most images never share a page. */
static void gnttab_init(void)
{
	struct gnttab_setup_table setup = { .dom = DOMID_SELF, .nr_frames = NR_FRAMES };
	xen_pfn_t frames[NR_FRAMES];
	long rc;

	set_xen_guest_handle(setup.frame_list, frames);
	xen_check("grant_table_op(setup_table)",
		  hyp_grant_table_op(GNTTABOP_setup_table, &setup, 1));
	if (setup.status != GNTST_okay)
		panic("xen: grant_table_op(setup_table) failed: status %d", setup.status);
	for (unsigned int i = 0; i < NR_FRAMES; i++) {
		void *va = xen_iomap(frames[i], &rc);

		if (!va)
			panic("xen: cannot map grant table frame %u: %s (%ld)", i,
			      xen_strerror(rc), rc);
		if (i == 0)
			table = va;
	}
	used[0] = (1ULL << GNTTAB_NR_RESERVED_ENTRIES) - 1;
}

int xen_gnttab_grant(domid_t domid, unsigned long mfn, bool readonly)
{
	if (!table)
		gnttab_init();
	if (mfn > UINT32_MAX) /* a v1 entry holds 32 bits */
		return -1;
	for (unsigned int w = 0; table && w < NR_ENTRIES / 64; w++) {
		unsigned int b, ref;

		if (used[w] == ~0ULL)
			continue;
		b = (unsigned int)__builtin_ctzll(~used[w]);
		used[w] |= 1ULL << b;
		ref = w * 64 + b;
		table[ref].frame = (uint32_t)mfn;
		table[ref].domid = domid;
		/* Frame and domain must be visible before the flags allow use. */
		__atomic_store_n(&table[ref].flags,
				 (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0)),
				 __ATOMIC_RELEASE);
		return (int)ref;
	}
	return -1;
}

bool xen_gnttab_end(int ref)
{
	uint16_t flags;

	if (ref < GNTTAB_NR_RESERVED_ENTRIES || (unsigned int)ref >= NR_ENTRIES || !table ||
	    !(used[ref / 64] >> (ref % 64) & 1))
		return false;
	flags = __atomic_load_n(&table[ref].flags, __ATOMIC_ACQUIRE);
	do {
		/* Still mapped or being copied by the other side: not yet. */
		if (flags & (GTF_reading | GTF_writing))
			return false;
	} while (!__atomic_compare_exchange_n(&table[ref].flags, &flags, 0, false,
					      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	used[ref / 64] &= ~(1ULL << (ref % 64));
	return true;
}
