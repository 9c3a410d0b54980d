// SPDX-License-Identifier: MIT
/*
 * Clocks.  Monotonic time is the TSC scaled to nanoseconds; the TSC's rate
 * comes from CPUID when the CPU or hypervisor says it (leaves 0x40000010,
 * 0x15, 0x16), otherwise from a 1 ms window against the ACPI PM timer
 * (3.579545 MHz; PIT channel 2 when there is no ACPI).  The window opens
 * before the LAPIC and the rest of boot are set up and closes just before
 * the kernel starts, so boot waits only for what is left of it: no 100 ms
 * busy-wait.  A 1 ms window is good to about 1e-4; the first time the image
 * idles 1-2 s later, the rate is measured again over that long window
 * (about 1e-7) and the clock rebased so that it never jumps backwards.
 *
 * The LAPIC timer's rate is measured over the same window (or taken from
 * CPUID 0x40000010).  Wall time is the CMOS RTC, read at the first
 * hal_clock_wall() call rather than at boot, plus monotonic time since.
 */
#include <string.h>

#include <hako/printk.h>

#include "qx.h"

#define NS 1000000000ULL
#define PM_HZ 3579545ULL
#define PIT_HZ 1193182ULL
#define BOOT_WINDOW_NS 1000000ULL
#define REFINE_MIN_NS 1000000000ULL
/* Under the PM timer's 24-bit wrap (4.68 s), and small enough that
 * window_ns << 32 fits in 64 bits. */
#define REFINE_MAX_NS 2000000000ULL
#define LAPIC_DIVIDER 16

/* monotonic = ns_base + ((tsc - tsc_base) * mult >> 32) */
static uint64_t tsc_base, ns_base, mult;
static uint64_t lapic_mult; /* LAPIC timer ticks per ns, 32.32 fixed point */
static uint64_t cpuid_tsc_hz, cpuid_bus_hz;
static uint16_t pm_port;
static bool refined;

/* The reference, the TSC and the LAPIC count, read at one instant. */
struct sample {
	uint64_t tsc;
	uint32_t ref;
	uint32_t lapic;
};

static struct sample win; /* the start of the current calibration window */

/* The reference counter, counting up: the PM timer, or PIT channel 2. */
static uint32_t ref_read(void)
{
	uint8_t lo, hi;

	if (pm_port)
		return inl(pm_port) & 0xffffff;
	outb(0x43, 0x80); /* latch channel 2 */
	lo = inb(0x42);
	hi = inb(0x42);
	return ~(uint32_t)(lo | hi << 8) & 0xffff;
}

static uint32_t ref_mask(void)
{
	return pm_port ? 0xffffff : 0xffff;
}

static uint64_t ref_hz(void)
{
	return pm_port ? PM_HZ : PIT_HZ;
}

/*
 * Take a sample on an edge of the reference (the moment it ticks), so that
 * its coarse resolution does not count.  The host may deschedule QEMU
 * between two reads while every clock keeps running, so take a few samples
 * and keep the one whose reads were closest together in TSC time.  Returns
 * false when the reference does not tick at all.
 */
static bool take_sample(struct sample *s)
{
	uint64_t best = UINT64_MAX;

	for (unsigned tries = 0; tries < 4; tries++) {
		uint32_t a = ref_read(), b = a, lapic;
		uint64_t t0 = 0, t1, t2;

		for (unsigned n = 0; n < 1000000 && b == a; n++) {
			t0 = rdtsc();
			b = ref_read();
		}
		if (b == a)
			return false;
		t1 = rdtsc();
		lapic = qx_lapic_read_count();
		t2 = rdtsc();
		if (t2 - t0 < best) {
			best = t2 - t0;
			*s = (struct sample){ t1, b, lapic };
		}
	}
	return true;
}

static void pit_start(void)
{
	outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate on, speaker off */
	outb(0x43, 0xb4);			/* channel 2, lo/hi, rate generator */
	outb(0x42, 0xff);
	outb(0x42, 0xff);
}

static void cpuid_rates(void)
{
	uint32_t r[4], max;

	cpuid(0, r);
	max = r[0];
	if (max >= 0x15) {
		cpuid(0x15, r);
		if (r[0] && r[1] && r[2])
			cpuid_tsc_hz = (uint64_t)r[2] * r[1] / r[0];
	}
	if (!cpuid_tsc_hz && max >= 0x16) {
		cpuid(0x16, r);
		cpuid_tsc_hz = (uint64_t)(r[0] & 0xffff) * 1000000;
	}
	cpuid(1, r);
	if (r[2] >> 31) { /* running under a hypervisor */
		cpuid(0x40000000, r);
		if (r[0] >= 0x40000010 && r[0] < 0x40000100) {
			cpuid(0x40000010, r);
			if (r[0] && r[1]) {
				cpuid_tsc_hz = (uint64_t)r[0] * 1000;
				cpuid_bus_hz = (uint64_t)r[1] * 1000;
			}
		}
	}
}

static _Noreturn void no_clock(void)
{
	printk(LOG_EMERG, "hako: neither the ACPI PM timer nor the PIT ticks: no clock\n");
	qx_fatal_exit(2);
}

static uint64_t tsc_to_ns(uint64_t tsc)
{
	return ns_base + (uint64_t)((unsigned __int128)(tsc - tsc_base) * mult >> 32);
}

void qx_clock_start(void)
{
	cpuid_rates();
	if (cpuid_tsc_hz && cpuid_bus_hz)
		return;
	qx_lapic_start_count();
	pm_port = qx_acpi_pm_timer_port();
	if (pm_port && !take_sample(&win))
		pm_port = 0; /* a PM timer that does not tick */
	if (!pm_port) {
		pit_start();
		if (!take_sample(&win))
			no_clock();
	}
}

void qx_clock_finish(void)
{
	struct sample end;
	uint64_t ticks, window_ns;

	if (cpuid_tsc_hz && cpuid_bus_hz) {
		mult = (NS << 32) / cpuid_tsc_hz;
		lapic_mult = (cpuid_bus_hz / LAPIC_DIVIDER << 32) / NS;
		tsc_base = rdtsc();
		return;
	}
	do {
		if (!take_sample(&end))
			no_clock();
		ticks = (end.ref - win.ref) & ref_mask();
	} while (ticks * NS < BOOT_WINDOW_NS * ref_hz());
	window_ns = ticks * NS / ref_hz();
	mult = cpuid_tsc_hz ? (NS << 32) / cpuid_tsc_hz : (window_ns << 32) / (end.tsc - win.tsc);
	lapic_mult = ((uint64_t)(win.lapic - end.lapic) << 32) / window_ns;
	tsc_base = win.tsc;
	win = end; /* the refinement window starts here */
}

uint64_t hal_clock_monotonic(void)
{
	return tsc_to_ns(rdtsc());
}

uint64_t qx_entry_tsc;

uint64_t qx_clock_since(uint64_t tsc)
{
	return (uint64_t)((unsigned __int128)(rdtsc() - tsc) * mult >> 32);
}

void qx_clock_idle(uint64_t now)
{
	struct sample end;
	uint64_t elapsed, window_ns, old_now;

	if (refined || !pm_port || cpuid_tsc_hz)
		return;
	elapsed = now - tsc_to_ns(win.tsc);
	if (elapsed < REFINE_MIN_NS || !take_sample(&end))
		return;
	if (elapsed > REFINE_MAX_NS) { /* idled too late: the PM timer may have wrapped */
		win = end;
		return;
	}
	window_ns = ((end.ref - win.ref) & ref_mask()) * NS / ref_hz();
	old_now = tsc_to_ns(end.tsc);
	mult = (window_ns << 32) / (end.tsc - win.tsc);
	tsc_base = end.tsc;
	ns_base = old_now; /* continuous: never backwards */
	refined = true;
}

uint32_t qx_lapic_ticks(uint64_t ns)
{
	unsigned __int128 t = (unsigned __int128)ns * lapic_mult >> 32;

	return t == 0 ? 1 : t > 0xffffffffu ? 0xffffffffu : (uint32_t)t;
}

/* ------------------------------------------------------------ wall time --- */

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned from_bcd(uint8_t v, bool bcd)
{
	return bcd ? (v >> 4) * 10 + (v & 15) : v;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; March-based years). */
static int64_t days_since_epoch(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy;

	if (m <= 2)
		y--;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static uint64_t rtc_seconds(void)
{
	static const uint8_t regs[7] = { 0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32 };
	uint8_t now[7], again[7], b;
	unsigned hour, year;
	bool bcd;

	/* Read until two reads agree, outside an update (bounded). */
	for (unsigned tries = 0; tries < 1000; tries++) {
		for (unsigned n = 0; n < 100000 && cmos(0x0a) & 0x80; n++)
			;
		for (unsigned i = 0; i < 7; i++)
			now[i] = cmos(regs[i]);
		for (unsigned i = 0; i < 7; i++)
			again[i] = cmos(regs[i]);
		if (!memcmp(now, again, sizeof(now)))
			break;
	}
	b = cmos(0x0b);
	bcd = !(b & 4);
	hour = from_bcd(now[2] & 0x7f, bcd);
	if (!(b & 2)) /* 12-hour clock: 12 AM is 0, bit 7 means PM */
		hour = hour % 12 + (now[2] & 0x80 ? 12 : 0);
	year = from_bcd(now[6], bcd) * 100 + from_bcd(now[5], bcd);
	if (year < 1970)
		year = 2000 + from_bcd(now[5], bcd); /* no century register */
	return (uint64_t)days_since_epoch(year, from_bcd(now[4], bcd), from_bcd(now[3], bcd)) *
		       86400 + hour * 3600 + from_bcd(now[1], bcd) * 60 + from_bcd(now[0], bcd);
}

uint64_t hal_clock_wall(void)
{
	static uint64_t wall_at, mono_at;
	static bool known;
	uint64_t now;

	if (!known) {
		wall_at = rtc_seconds() * NS;
		mono_at = hal_clock_monotonic();
		known = true;
	}
	now = hal_clock_monotonic();
	return wall_at + (now - mono_at);
}
