// SPDX-License-Identifier: MIT
/*
 * The grant table (v1): how this domain lets a backend map or copy its
 * pages (netfront, blkfront).  Xen allocates the table's frames
 * (GNTTABOP_setup_table) and we map them in the I/O window.  The table
 * starts with one frame (512 entries) on first use and grows a frame at a
 * time, up to what Xen allows this domain (GNTTABOP_query_size) and
 * MAX_FRAMES, when every entry is taken.  Entries 0-7 are reserved for the
 * toolstack (console and xenstore rings).
 *
 * Frames are mapped wherever the I/O window has room, not necessarily
 * next to each other: an entry is found through its frame's address.
 */
#include <stdbool.h>
#include <stdint.h>

#include <hako/printk.h>

#include "hypercall.h"
#include "port.h"

#define PER_FRAME (XEN_PAGE_SIZE / sizeof(grant_entry_v1_t)) /* 512 */
#define MAX_FRAMES 16					    /* 8192 entries */
#define MAX_ENTRIES (MAX_FRAMES * PER_FRAME)

static grant_entry_v1_t *frames[MAX_FRAMES];
static unsigned int nr_frames, max_frames;
static uint64_t used[MAX_ENTRIES / 64];
static unsigned int hint; /* a word of used[] that may have a free bit */

/* Make the table nr frames long and map the new frames.  False (said on
 * the console once) when Xen refuses. */
static bool grow(unsigned int nr)
{
	struct gnttab_setup_table setup = { .dom = DOMID_SELF, .nr_frames = nr };
	xen_pfn_t list[MAX_FRAMES];
	long rc;

	set_xen_guest_handle(setup.frame_list, list);
	rc = hyp_grant_table_op(GNTTABOP_setup_table, &setup, 1);
	if (rc || setup.status != GNTST_okay) {
		pr_err("xen: grant table: cannot grow to %u frames: %s (%ld, status %d)\n", nr,
		       xen_strerror(rc), rc, setup.status);
		max_frames = nr_frames; /* do not try again */
		return false;
	}
	for (unsigned int i = nr_frames; i < nr; i++) {
		frames[i] = xen_iomap(list[i], &rc);
		if (!frames[i]) {
			pr_err("xen: grant table: cannot map frame %u: %s (%ld)\n", i,
			       xen_strerror(rc), rc);
			max_frames = nr_frames;
			return false;
		}
		nr_frames = i + 1;
	}
	return true;
}

/* On first use: most images never share a page. */
static void gnttab_init(void)
{
	struct gnttab_query_size q = { .dom = DOMID_SELF };

	max_frames = 1;
	if (hyp_grant_table_op(GNTTABOP_query_size, &q, 1) == 0 && q.status == GNTST_okay)
		max_frames = q.max_nr_frames < MAX_FRAMES ? q.max_nr_frames : MAX_FRAMES;
	if (max_frames == 0 || !grow(1))
		panic("xen: cannot set up the grant table");
	used[0] = (1ULL << GNTTAB_NR_RESERVED_ENTRIES) - 1;
}

static grant_entry_v1_t *entry(unsigned int ref)
{
	return &frames[ref / PER_FRAME][ref % PER_FRAME];
}

/* A free entry, marked used; growing the table if needed; -1 if none. */
static int take(void)
{
	for (;;) {
		unsigned int words = nr_frames * PER_FRAME / 64;

		for (unsigned int n = 0; n < words; n++) {
			unsigned int w = (hint + n) % words, b;

			if (used[w] == ~0ULL)
				continue;
			b = (unsigned int)__builtin_ctzll(~used[w]);
			used[w] |= 1ULL << b;
			hint = w;
			return (int)(w * 64 + b);
		}
		if (nr_frames >= max_frames || !grow(nr_frames + 1))
			return -1;
		hint = (nr_frames - 1) * PER_FRAME / 64;
	}
}

int xen_gnttab_grant(domid_t domid, unsigned long mfn, bool readonly)
{
	int ref;

	if (!nr_frames)
		gnttab_init();
	if (mfn > UINT32_MAX) /* a v1 entry holds 32 bits */
		return -1;
	ref = take();
	if (ref < 0)
		return -1;
	xen_mm_granted(mfn);
	entry((unsigned int)ref)->frame = (uint32_t)mfn;
	entry((unsigned int)ref)->domid = domid;
	/* Frame and domain must be visible before the flags allow use. */
	__atomic_store_n(&entry((unsigned int)ref)->flags,
			 (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0)),
			 __ATOMIC_RELEASE);
	return ref;
}

bool xen_gnttab_end(int ref)
{
	grant_entry_v1_t *e;
	uint16_t flags;

	if (ref < GNTTAB_NR_RESERVED_ENTRIES || (unsigned int)ref >= nr_frames * PER_FRAME ||
	    !(used[ref / 64] >> (ref % 64) & 1))
		return false;
	e = entry((unsigned int)ref);
	flags = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);
	do {
		/* Still mapped or being copied by the other side: not yet. */
		if (flags & (GTF_reading | GTF_writing))
			return false;
	} while (!__atomic_compare_exchange_n(&e->flags, &flags, 0, false, __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE));
	used[ref / 64] &= ~(1ULL << (ref % 64));
	return true;
}

void xen_gnttab_resume(bool cancelled)
{
	unsigned int n = nr_frames;

	if (!n)
		return;
	nr_frames = 0;
	if (cancelled) {
		/* The same table: setup_table gives its frames again, and
		 * grow() maps them where the I/O window now has room. */
		if (!grow(n))
			panic("xen: grant table: cannot map it again after a cancelled suspend");
		return;
	}
	/* A new domain's table is empty: set up again on the next grant. */
	for (unsigned int w = 0; w < MAX_ENTRIES / 64; w++)
		used[w] = 0;
	hint = 0;
}

unsigned int xen_gnttab_frames(void)
{
	return nr_frames;
}
