// SPDX-License-Identifier: MIT
/*
 * The local APIC timer and hal_wait().  What wakes hal_wait(): its deadline
 * (the LAPIC timer), the ACPI power button (button.c), which it reports
 * as HAL_READY_SHUTDOWN once per press, and device interrupts (devices.c),
 * reported as their handles' bits.  Before halting, hal_wait() pushes out
 * the frames the network drivers still hold back (hal.h: hal_net_flush).
 *
 * hal_wait() arms the LAPIC timer in one-shot mode for the deadline and
 * halts.  The check of the clock and the halt happen with interrupts off,
 * and "sti; hlt" enables them only once hlt is reached (sti's one
 * instruction shadow), so an interrupt that arrives after the check wakes
 * the hlt instead of being lost before it.  The legacy 8259 PICs are
 * masked and cut off (LINT0 masked): the BIOS left their timer running at
 * vectors that are exceptions in long mode.
 */
#include <hako/printk.h>

#include "qx.h"

#define APIC_ENABLE (1ULL << 11)
#define EOI 0xb0
#define SVR 0xf0
#define SVR_ENABLE 0x100
#define LVT_TIMER 0x320
#define LVT_LINT0 0x350
#define LVT_ERROR 0x370
#define TIMER_INIT 0x380
#define TIMER_CURRENT 0x390
#define TIMER_DIVIDE 0x3e0
#define DIVIDE_BY_16 0x3
#define LVT_MASKED (1u << 16)

uintptr_t qx_lapic_eoi; /* the EOI register, for entry.S */
static uintptr_t lapic;

static void lapic_write(unsigned reg, uint32_t v)
{
	mmio_write32(lapic + reg, v);
}

void qx_lapic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	uint32_t r[4];

	cpuid(1, r);
	if (!(r[3] & (1 << 9))) {
		printk(LOG_EMERG, "hako: this CPU has no local APIC (no timer)\n");
		qx_fatal_exit(2);
	}
	if (!(base & APIC_ENABLE))
		wrmsr(MSR_APIC_BASE, base | APIC_ENABLE);
	lapic = (uintptr_t)(base & 0x000ffffffffff000ULL);
	qx_lapic_eoi = lapic + EOI;
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	lapic_write(SVR, SVR_ENABLE | QX_VEC_SPURIOUS);
	lapic_write(LVT_LINT0, LVT_MASKED);
	lapic_write(LVT_ERROR, LVT_MASKED);
	lapic_write(TIMER_DIVIDE, DIVIDE_BY_16);
	lapic_write(LVT_TIMER, QX_VEC_TIMER | LVT_MASKED);
}

uint32_t qx_lapic_id(void)
{
	return mmio_read32(lapic + 0x20) >> 24;
}

/* Free-running count for calibration: masked, from the top. */
void qx_lapic_start_count(void)
{
	lapic_write(LVT_TIMER, QX_VEC_TIMER | LVT_MASKED);
	lapic_write(TIMER_INIT, 0xffffffff);
}

uint32_t qx_lapic_read_count(void)
{
	return mmio_read32(lapic + TIMER_CURRENT);
}

void qx_lapic_arm(uint32_t ticks)
{
	lapic_write(LVT_TIMER, QX_VEC_TIMER);
	lapic_write(TIMER_INIT, ticks);
}

static bool events_pending(void)
{
	return qx_shutdown_pending() || qx_devices_pending();
}

hal_ready_set hal_wait(uint64_t deadline)
{
	uint64_t now;
	unsigned long flags;
	hal_ready_set ready;

	qx_devices_before_wait();
	now = hal_clock_monotonic();
	qx_clock_idle(now);
	if (deadline > now && !events_pending()) {
		flags = hal_irq_save();
		now = hal_clock_monotonic();
		if (now < deadline && !events_pending()) {
			qx_lapic_arm(qx_lapic_ticks(deadline - now));
			__asm__ volatile("sti; hlt; cli" ::: "memory");
		}
		hal_irq_restore(flags);
	}
	ready = qx_devices_take();
	if (qx_shutdown_take())
		ready |= HAL_READY_SHUTDOWN;
	return ready;
}
