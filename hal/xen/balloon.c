// SPDX-License-Identifier: MIT
/*
 * The balloon: the domain's memory follows xenstore's memory/target (KiB),
 * which `xl mem-set` writes.
 *
 * Going down, free pages are taken out of the kernel's page allocator
 * (page_surrender, highest first), unmapped, marked absent in the P2M and
 * given to Xen with XENMEM_decrease_reservation.  Going up, frames come
 * back with XENMEM_increase_reservation into the absent P2M slots, are
 * mapped again and returned to the allocator (page_restore).  Only the
 * free region's frames ever go: the image, Xen's bootstrap area and the
 * page tables stay.  The domain never grows past the frames it booted with
 * (the P2M and the page tables were sized for those; libxl refuses a target
 * above the config's maxmem anyway).
 *
 * A target below what the image uses is not an error of the image's: it
 * gives back what it can while keeping KEEP_PAGES free for the app, and
 * says so on the console.  A target that is not a number is said and
 * ignored.  Everything runs from hal_wait(), never from an upcall: the
 * allocator and the page tables are then ours to change.
 */
#include <stdbool.h>
#include <stdint.h>

#include <hal.h>
#include <hako/page.h>
#include <hako/printk.h>

#include <xen/memory.h>

#include "hypercall.h"
#include "port.h"
#include "xs_wire.h"

#define TOKEN "hako-balloon"
#define TARGET_PATH "memory/target"
#define BATCH 256	 /* frames per hypercall */
#define KEEP_PAGES 256UL /* free pages never given away: 1 MiB for the app */
#define KIB(pages) ((pages) * (XEN_PAGE_SIZE / 1024))

static bool started;
static unsigned long out;   /* frames given to Xen now */
static unsigned long scan;  /* where the search for absent frames resumes */
static uintptr_t addrs[BATCH];
static xen_pfn_t frames[BATCH];
static unsigned long pfns[BATCH];

static unsigned long pfn_of(uintptr_t va)
{
	return (va - XEN_VIRT_BASE) >> XEN_PAGE_SHIFT;
}

static long reservation(unsigned int cmd, unsigned long n)
{
	struct xen_memory_reservation r = {
		.nr_extents = n, .extent_order = 0, .domid = DOMID_SELF
	};

	set_xen_guest_handle(r.extent_start, frames);
	return hyp_memory_op(cmd, &r);
}

/* Give up to want frames to Xen; returns how many went. */
static unsigned long shrink(unsigned long want)
{
	unsigned long done = 0;

	while (done < want) {
		size_t n = page_surrender(addrs, want - done < BATCH ? want - done : BATCH,
					  KEEP_PAGES);
		long rc;

		if (!n)
			break;
		for (size_t i = 0; i < n; i++)
			frames[i] = xen_mm_drop(pfn_of(addrs[i]));
		xen_mm_commit(); /* unmapped before Xen takes them */
		rc = reservation(XENMEM_decrease_reservation, n);
		if (rc < 0)
			rc = 0;
		if ((size_t)rc < n) {
			/* The rest are still ours: back to how they were. */
			pr_err("xen: balloon: Xen took back only %ld of %zu frames\n", rc, n);
			for (size_t i = (size_t)rc; i < n; i++)
				xen_mm_fill(pfn_of(addrs[i]), frames[i]);
			xen_mm_commit();
			page_restore(addrs + rc, n - (size_t)rc);
		}
		out += (unsigned long)rc;
		done += (unsigned long)rc;
		if ((size_t)rc < n)
			break;
	}
	return done;
}

/* Take up to want frames back from Xen; returns how many came. */
static unsigned long expand(unsigned long want)
{
	unsigned long done = 0, nr = xen_nr_pages();

	if (scan < xen_mm_first_free_pfn())
		scan = xen_mm_first_free_pfn();
	while (done < want && out) {
		size_t n = 0;
		long rc;

		/* Absent frames, from where the last search stopped (it wraps:
		 * a frame given back later may lie below). */
		for (unsigned long seen = 0; seen < nr && n < BATCH && n < want - done; seen++) {
			if (scan >= nr)
				scan = xen_mm_first_free_pfn();
			if (xen_mm_dropped(scan))
				pfns[n++] = scan;
			scan++;
		}
		if (!n)
			break;
		rc = reservation(XENMEM_increase_reservation, n);
		if (rc <= 0) {
			pr_warn("xen: balloon: Xen has no memory to give (%s)\n",
				rc < 0 ? xen_strerror(rc) : "none left");
			break;
		}
		for (long i = 0; i < rc; i++) {
			xen_mm_fill(pfns[i], frames[i]);
			addrs[i] = (uintptr_t)xen_pfn_to_virt(pfns[i]);
		}
		xen_mm_commit(); /* mapped before the kernel gets them */
		page_restore(addrs, (size_t)rc);
		out -= (unsigned long)rc;
		done += (unsigned long)rc;
		if ((size_t)rc < n) {
			pr_warn("xen: balloon: Xen gave only %ld of %zu frames\n", rc, n);
			break;
		}
	}
	return done;
}

static void follow(unsigned long target)
{
	unsigned long nr = xen_nr_pages(), cur = nr - out, free, can, done;
	struct page_stats st;

	if (target > nr) {
		pr_warn("xen: balloon: target %lu KiB is above the %lu KiB this image booted "
			"with: growing to that only\n", KIB(target), KIB(nr));
		target = nr;
	}
	if (target == cur)
		return;
	if (target > cur) {
		done = expand(target - cur);
		pr_info("xen: balloon: took %lu KiB back, now %lu KiB\n", KIB(done),
			KIB(nr - out));
		return;
	}
	page_get_stats(&st);
	free = st.total - st.used - st.surrendered;
	can = free > KEEP_PAGES ? free - KEEP_PAGES : 0;
	if (cur - target > can)
		pr_warn("xen: balloon: target %lu KiB is below what the image uses (%lu KiB in "
			"use, %lu KiB kept free): giving back %lu KiB, not %lu\n",
			KIB(target), KIB(cur - free), KIB(KEEP_PAGES), KIB(can),
			KIB(cur - target));
	done = shrink(cur - target < can ? cur - target : can);
	pr_info("xen: balloon: gave back %lu KiB, now %lu KiB\n", KIB(done), KIB(nr - out));
}

/* Only printable characters of an untrusted value go to the console. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			*s = '?';
}

void xen_balloon_resume(void)
{
	started = false;
}

void xen_balloon_poll(void)
{
	char v[24];
	uint64_t kib;
	int n;

	if (!xen_xs_available())
		return;
	if (!started) {
		started = true;
		if (xen_xs_watch_nowait(TARGET_PATH, TOKEN) < 0)
			pr_warn("xen: balloon: cannot watch %s: xl mem-set will not work\n",
				TARGET_PATH);
		return;
	}
	if (!xen_xs_watch_take(TOKEN))
		return;
	n = xen_xs_read(TARGET_PATH, v, sizeof(v));
	if (n == -2) /* ENOENT: no target (yet) */
		return;
	if (n == XS_ERR_TOOBIG) {
		pr_err("xen: balloon: %s is too long for a number of KiB: ignored\n",
		       TARGET_PATH);
		return;
	}
	if (n < 0) {
		pr_err("xen: balloon: cannot read %s (error %d): ignored\n", TARGET_PATH, n);
		return;
	}
	if (xs_parse_uint(v, (uint32_t)n, UINT64_MAX / 1024, &kib) < 0) {
		sanitize(v);
		pr_err("xen: balloon: %s '%s' is not a number of KiB: ignored\n", TARGET_PATH, v);
		return;
	}
	follow((unsigned long)(kib / (XEN_PAGE_SIZE / 1024)));
}
