// SPDX-License-Identifier: MIT
/*
 * Clocks and waiting: the generic timer's virtual counter (CNTVCT_EL0, at
 * CNTFRQ_EL0 Hz: 62.5 MHz on QEMU) is the monotonic clock; its EL1 virtual
 * timer wakes hal_wait() from wfi at the deadline.  The PL031 RTC gives
 * the wall clock's seconds at the first call.
 */
#include <arm64/sysreg.h>

#include "qa.h"

#define NS 1000000000ULL
#define CTL_ENABLE 1u
#define CTL_IMASK 2u

static uint64_t freq, mult; /* ns = ticks * mult >> 32 */
static uint64_t inv;	     /* ticks = ns * inv >> 32 */
static uintptr_t rtc;
static uint32_t timer_irq;

void qa_timer_init(const struct qa_machine *m)
{
	freq = a64_read_sysreg(cntfrq_el0);
	if (!freq)
		freq = 62500000; /* QEMU's; a zero CNTFRQ is a firmware bug */
	/* 64-bit divisions (no libgcc): NS << 32 < 2^62, and counters run
	 * below 4 GHz. */
	mult = (NS << 32) / freq;
	inv = (freq << 32) / NS + 1;
	rtc = (uintptr_t)m->rtc;
	timer_irq = m->timer_irq;
	a64_write_sysreg(cntv_ctl_el0, 0);
	qa_gic_enable(timer_irq, false);
}

static uint64_t ticks(void)
{
	a64_isb(); /* not read early, out of order */
	return a64_read_sysreg(cntvct_el0);
}

uint64_t hal_clock_monotonic(void)
{
	return (uint64_t)((unsigned __int128)ticks() * mult >> 32);
}

uint64_t qa_clock_since(uint64_t then)
{
	return (uint64_t)((unsigned __int128)(ticks() - then) * mult >> 32);
}

uint64_t hal_clock_wall(void)
{
	static uint64_t wall_at, mono_at;
	static bool known;

	if (!known) {
		wall_at = rtc ? a64_mmio_read32(rtc) * NS : 0;
		mono_at = hal_clock_monotonic();
		known = true;
	}
	return wall_at ? wall_at + (hal_clock_monotonic() - mono_at) : 0;
}

/* The counter value at or after deadline ns (saturating). */
static uint64_t deadline_ticks(uint64_t deadline)
{
	unsigned __int128 t = ((unsigned __int128)deadline * inv >> 32) + 1;

	return t > UINT64_MAX ? UINT64_MAX : (uint64_t)t;
}

void qa_timer_irq(void)
{
	a64_write_sysreg(cntv_ctl_el0, 0); /* one-shot: the line drops */
}

hal_ready_set hal_wait(uint64_t deadline)
{
	hal_ready_set ready;
	unsigned long flags;

	qa_devices_before_wait();
	flags = hal_irq_save();
	if (!qa_shutdown_pending() && !qa_devices_pending() && hal_clock_monotonic() < deadline) {
		/* With IRQs masked, wfi still wakes on a pending interrupt, which
		 * is taken once they are unmasked below: nothing is lost between
		 * the check above and the wait. */
		if (deadline != UINT64_MAX) {
			a64_write_sysreg(cntv_cval_el0, deadline_ticks(deadline));
			a64_write_sysreg(cntv_ctl_el0, CTL_ENABLE);
		}
		__asm__ volatile("dsb sy\n\twfi" ::: "memory");
		hal_irq_restore(flags);
		flags = hal_irq_save();
	}
	ready = qa_devices_take();
	if (qa_shutdown_take())
		ready |= HAL_READY_SHUTDOWN;
	hal_irq_restore(flags);
	return ready;
}
