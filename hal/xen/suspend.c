// SPDX-License-Identifier: MIT
/*
 * Suspend and resume of a PV domain: what `xl save`, `xl save -c` (a
 * checkpoint) and `xl migrate` ask of the guest through control/shutdown =
 * "suspend".
 *
 * The guest quiesces its devices (requests in flight finish, bounded),
 * drains xenstore and the console, and hands Xen a state the toolstack can
 * copy: the P2M frame tree published in shared_info (mm.c), no mapping of
 * a frame that is not the domain's own (shared_info and the grant frames
 * are unmapped), and start_info's xenstore and console frames written as
 * pseudo-physical frames (the toolstack turns them back into machine
 * frames of the new domain).  Then SCHEDOP_shutdown(SHUTDOWN_suspend) with
 * start_info's machine frame in the third argument (%rdx), as the PV save
 * code expects.
 *
 * The hypercall returns 0 in a new domain (after xl restore, or on the far
 * side of a migration): shared_info, event channels, VIRQs, the grant
 * table, the xenstore and console rings may all differ, so everything is
 * set up again from the start_info the toolstack rewrote, and the split
 * drivers go through the xenbus handshake again.  It returns 1 when the
 * suspend was cancelled (a save that failed, or a checkpoint: the domain
 * runs on where it was): only what this file took away comes back (the
 * mappings, start_info's frames).  The monotonic clock carries on from
 * where it was (time.c keeps an offset should the new host's system time
 * be behind); wall time is read from the new shared_info.
 *
 * Runs from hal_wait() with events masked, between two kernel steps: no
 * thread is inside a driver call, so the drivers' state is consistent.
 */
#include <stdbool.h>
#include <stdint.h>

#include <hal.h>
#include <hako/printk.h>

#include "devices.h"
#include "hypercall.h"
#include "port.h"

static struct start_info *si;

void xen_suspend_init(struct start_info *start_info)
{
	si = start_info;
}

int xen_suspend(void)
{
	unsigned long si_mfn = xen_virt_to_mfn(si), flags;
	unsigned long store_mfn = si->store_mfn, cons_mfn = si->console.domU.mfn;
	struct sched_shutdown sd = { .reason = SHUTDOWN_suspend };
	uint64_t t0 = hal_clock_monotonic(), mono;
	long rc;

	printk(LOG_NOTICE, "xen: suspending\n");
	xen_devices_suspend();
	flags = xen_events_mask();
	xen_console_push(true, xen_time_now() + 1000000000ULL);
	mono = xen_time_suspend();
	xen_mm_suspend();
	si->store_mfn = xen_mfn_to_pfn(store_mfn);
	si->console.domU.mfn = xen_mfn_to_pfn(cons_mfn);

	rc = HC3(__HYPERVISOR_sched_op, SCHEDOP_shutdown, &sd, si_mfn);

	if (rc) {
		/* Cancelled: the same domain, the same frames. */
		si->store_mfn = store_mfn;
		si->console.domU.mfn = cons_mfn;
	}
	xen_mm_resume(si);
	xen_time_resume(mono, rc == 0);
	if (!rc) {
		xen_traps_init();
		xen_evtchn_resume();
		xen_gnttab_resume(false);
		xen_console_resume(si);
		xen_xs_resume(si);
		xen_balloon_resume();
	} else {
		xen_gnttab_resume(true);
	}
	xen_events_restore(flags);
	printk(LOG_NOTICE, "xen: %s after %lu ms%s\n",
	       rc ? "suspend cancelled, running on" : "resumed in a new domain",
	       (unsigned long)((hal_clock_monotonic() - t0) / 1000000), rc ? "" : ": reconnecting devices");
	xen_devices_resume(rc != 0);
	return rc ? 1 : 0;
}
