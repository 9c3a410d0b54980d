// SPDX-License-Identifier: MIT
/*
 * Time: Xen's PV clock and the one-shot timer.
 *
 * Monotonic time is Xen system time (ns since Xen booted), computed from the
 * vCPU's vcpu_time_info and the TSC.  Xen updates that record under a
 * version counter that is odd during an update, so a read retries until it
 * sees the same even version before and after.  Because the kernel's
 * deadlines are in the same time base, they go to set_timer_op unchanged;
 * VIRQ_TIMER is bound the first time a deadline is armed.  The wall clock
 * is shared_info's wallclock base plus system time.
 */
#include <stdint.h>

#include <hal.h>
#include <hako/printk.h>

#include "hypercall.h"
#include "oneshot.h"
#include "port.h"

static evtchn_port_t timer_port;
static bool timer_ready;
static struct oneshot timer = { ONESHOT_NONE };
static uint64_t last_now;
static uint64_t mono_offset; /* hal_clock_monotonic() - Xen system time */

/* Nanoseconds for a TSC delta, with the record's scale. */
static uint64_t scale(uint64_t delta, uint32_t mul, int8_t shift)
{
	if (shift >= 0)
		delta <<= shift;
	else
		delta >>= -shift;
	return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

uint64_t xen_time_now(void)
{
	const volatile struct vcpu_time_info *t = &xen_shared->vcpu_info[0].time;
	uint64_t sys, ns;
	int64_t delta;
	uint32_t version, mul;
	int8_t shift;

	do {
		version = t->version;
		barrier();
		sys = t->system_time;
		/* Signed and modular: a TSC read just before the record's stamp
		 * (or a TSC that wraps) must not become a huge delta. */
		delta = (int64_t)(xen_rdtsc() - t->tsc_timestamp);
		mul = t->tsc_to_system_mul;
		shift = t->tsc_shift;
		barrier();
	} while ((version & 1) || version != t->version);

	ns = sys + (delta > 0 ? scale((uint64_t)delta, mul, shift) : 0);
	/* Xen resynchronises the record now and then; never step back. */
	if (ns < last_now)
		return last_now;
	last_now = ns;
	return ns;
}

uint64_t hal_clock_monotonic(void)
{
	return xen_time_now() + mono_offset;
}

uint64_t xen_time_from_mono(uint64_t mono)
{
	if (mono == UINT64_MAX)
		return mono; /* no deadline */
	return mono > mono_offset ? mono - mono_offset : 0;
}

uint64_t xen_time_suspend(void)
{
	return hal_clock_monotonic();
}

/* Another host's system time counts from its own boot: it may be behind
 * ours.  The monotonic clock then goes on from where it stopped. */
void xen_time_resume(uint64_t mono, bool fresh)
{
	uint64_t now;

	if (!fresh)
		return;
	last_now = 0;
	now = xen_time_now();
	if (now + mono_offset < mono)
		mono_offset = mono - now;
	timer_ready = false; /* VIRQ_TIMER is bound again on the next deadline */
	timer.armed = ONESHOT_NONE;
}

uint64_t hal_clock_wall(void)
{
	const volatile struct shared_info *s = xen_shared;
	uint32_t version, nsec;
	uint64_t sec;

	do {
		version = s->wc_version;
		barrier();
		sec = (uint64_t)s->wc_sec_hi << 32 | s->wc_sec;
		nsec = s->wc_nsec;
		barrier();
	} while ((version & 1) || version != s->wc_version);
	return sec * 1000000000ULL + nsec + xen_time_now();
}

/* On first use: binding VIRQ_TIMER is only needed once the image sleeps. */
static void timer_init(void)
{
	/* PV vCPUs may start with a periodic tick; we only want the one-shot. */
	hyp_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
	timer_port = xen_evtchn_bind_virq(VIRQ_TIMER);
	xen_evtchn_unmask(timer_port);
	timer_ready = true;
}

void xen_timer_arm(uint64_t deadline)
{
	uint64_t program;

	if (!timer_ready && deadline != UINT64_MAX)
		timer_init();
	if (oneshot_arm(&timer, deadline, deadline == UINT64_MAX ? 0 : xen_time_now(), &program))
		xen_check("set_timer_op", hyp_set_timer_op(program));
}

bool xen_timer_port_fired(void)
{
	if (!timer_ready || !xen_evtchn_take(timer_port))
		return false;
	oneshot_fired(&timer);
	return true;
}

/*
 * Boot milestones, for `hako.loglevel=7` and the benchmarks.  Each records
 * Xen system time (the time base of Xen's console_timestamps) and how long
 * the vCPU has been out of the offline state: running, runnable or blocked,
 * i.e. since the toolstack unpaused it (domU) or Xen handed over (dom0).
 */
static uint64_t marks[XEN_MARKS]; /* TSC values: no hypercall on the way */

void xen_time_mark(unsigned int which)
{
	if (which < XEN_MARKS && !marks[which])
		marks[which] = xen_rdtsc();
}

/* A TSC value to Xen time, for values before or after the record's. */
static uint64_t tsc_to_ns(uint64_t tsc)
{
	const volatile struct vcpu_time_info *t = &xen_shared->vcpu_info[0].time;
	int64_t d = (int64_t)(tsc - t->tsc_timestamp);
	uint64_t sys = t->system_time;

	if (d >= 0)
		return sys + scale((uint64_t)d, t->tsc_to_system_mul, t->tsc_shift);
	return sys - scale((uint64_t)-d, t->tsc_to_system_mul, t->tsc_shift);
}

uint64_t xen_time_since_entry(void)
{
	return marks[XEN_MARK_ENTRY] ? xen_time_now() - tsc_to_ns(marks[XEN_MARK_ENTRY]) : 0;
}

/*
 * The vCPU has been running, runnable or blocked (not offline) since it was
 * unpaused, so now minus that total is the unpause, as Xen time.  Each
 * milestone is printed as Xen time and as time since that unpause.
 */
void xen_time_report(void)
{
	static const char *const names[XEN_MARKS] = { "entry", "kern_main", "first console write",
						      "memory set up", "traps set up", "p2m published" };
	struct vcpu_runstate_info rs;
	uint64_t now = xen_time_now(), start = 0;

	if (hyp_vcpu_op(VCPUOP_get_runstate_info, 0, &rs) == 0)
		start = now - (rs.time[RUNSTATE_running] + rs.time[RUNSTATE_runnable] +
			       rs.time[RUNSTATE_blocked]);
	printk(LOG_DEBUG, "xen: boot: vCPU unpaused at Xen time %lu.%06lu s\n",
	       (unsigned long)(start / 1000000000ULL), (unsigned long)(start % 1000000000ULL / 1000));
	static const uint8_t order[XEN_MARKS] = { XEN_MARK_ENTRY, XEN_MARK_MM, XEN_MARK_TRAPS,
						  XEN_MARK_P2M, XEN_MARK_MAIN,
						  XEN_MARK_FIRST_WRITE };

	for (unsigned int k = 0; k < XEN_MARKS; k++) {
		unsigned int i = order[k];
		uint64_t ns;

		if (!marks[i])
			continue;
		ns = tsc_to_ns(marks[i]);
		printk(LOG_DEBUG, "xen: boot: %-19s at Xen time %lu.%06lu s, +%lu us\n", names[i],
		       (unsigned long)(ns / 1000000000ULL), (unsigned long)(ns % 1000000000ULL / 1000),
		       (unsigned long)((ns - start) / 1000));
	}
}
