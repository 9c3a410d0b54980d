// SPDX-License-Identifier: MIT
/*
 * The Xen PV port: boot, waiting, exit, and the HAL calls that need no
 * file of their own.
 *
 * Boot order matters: the console first (a domU's ring is inside Xen's
 * bootstrap mapping, so it works before our page tables exist), then
 * memory (which maps shared_info), then the trap table.  Until shared_info
 * is mapped, xen_shared points at a zeroed stand-in so that a panic during
 * boot still reaches the console and the exit.  Everything else is set up
 * on first use: the event callbacks and the xenstore watch by the first
 * hal_wait(), the timer by the first deadline, the grant table by the first
 * grant.  Under emulation each hypercall path Xen runs for the first time
 * costs up to milliseconds, and an image that never sleeps needs none.
 *
 * Events are enabled from kern_main on, except inside hal_irq_save()
 * sections and the port's own ring waits (evtchn.c).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <hal.h>
#include <hako/printk.h>

#include <xen/errno.h>

#include "devices.h"
#include "hypercall.h"
#include "port.h"

#define EXIT_DRAIN_NS 3000000000ULL /* how long hal_exit waits for the console */
#define SERIAL_DRAIN_NS 20000000ULL /* dom0: let Xen's serial buffer empty */

_Noreturn void xen_start(struct start_info *si, uintptr_t boot_stack_top);

/* A page of the image; mm.c maps the real shared_info over it.  Until then
 * it is a zeroed stand-in, so early boot code can read and write it. */
extern char __xen_shared_page[];
struct shared_info *xen_shared = (struct shared_info *)__xen_shared_page;
struct start_info *xen_start_info;
bool xen_is_dom0;

static char cmdline[MAX_GUEST_CMDLINE];
static struct hal_mem_region regions[XEN_MAX_REGIONS];
static struct hal_boot_info boot = { .platform = "xen", .cmdline = cmdline, .regions = regions };
static int shutdown_request; /* the last request: SHUTDOWN_* + 1, or 0 */

/* Names of the errors hypercalls return, packed: a switch here compiled
 * to a 760-byte jump table, a tenth of a minimal image's budget. */
static const uint8_t err_codes[] = { XEN_EPERM,	 XEN_ENOENT, XEN_ESRCH,	 XEN_EIO,
				     XEN_E2BIG,	 XEN_ENOMEM, XEN_EACCES, XEN_EFAULT,
				     XEN_EBUSY,	 XEN_EEXIST, XEN_ENODEV, XEN_EINVAL,
				     XEN_ENOSPC, XEN_ENOSYS, XEN_EOPNOTSUPP };
static const char err_names[] = "EPERM\0ENOENT\0ESRCH\0EIO\0E2BIG\0ENOMEM\0EACCES\0EFAULT\0"
				"EBUSY\0EEXIST\0ENODEV\0EINVAL\0ENOSPC\0ENOSYS\0EOPNOTSUPP";

const char *xen_strerror(long rc)
{
	const char *name = err_names;

	for (size_t i = 0; i < sizeof(err_codes); i++, name += strlen(name) + 1)
		if (-rc == err_codes[i])
			return name;
	return "error";
}

void xen_check(const char *what, long rc)
{
	if (rc)
		panic("xen: %s failed: %s (%ld)", what, xen_strerror(rc), rc);
}

/* ------------------------------------------------------------ boot --- */

static void copy_cmdline(const struct start_info *si)
{
	size_t i = 0;

	/* Bounded: the field is not guaranteed to hold a NUL. */
	for (; i < sizeof(cmdline) - 1 && i < MAX_GUEST_CMDLINE && si->cmd_line[i]; i++)
		cmdline[i] = (char)si->cmd_line[i];
	cmdline[i] = '\0';
	/* The toolstack cuts longer lines to fit: say so, the kernel cannot. */
	if (i == sizeof(cmdline) - 1)
		pr_warn("xen: the command line fills all %zu bytes of start_info: probably "
			"truncated\n", sizeof(cmdline));
}

void xen_start(struct start_info *si, uintptr_t boot_stack_top)
{
	xen_time_mark(XEN_MARK_ENTRY);
	xen_start_info = si;
	/* (dom0's magic ends in "p": compare the prefix) */
	if (strncmp(si->magic, "xen-3.0-x86_64", 14))
		panic("xen: not a 64-bit PV start_info (magic '%.31s')", si->magic);
	xen_is_dom0 = si->flags & SIF_INITDOMAIN;
	xen_mm_early();
	xen_console_init();
	copy_cmdline(si);
	boot.nr_regions = xen_mm_init(boot_stack_top, regions);
	xen_time_mark(XEN_MARK_MM);
	xen_console_mask_port();
	xen_traps_init();
	xen_time_mark(XEN_MARK_TRAPS);
	if (!xen_is_dom0) /* (no toolstack reads a dom0's) */
		xen_mm_publish_p2m();
	xen_time_mark(XEN_MARK_P2M);
	xen_xs_init();
#ifdef CONFIG_XEN_SUSPEND
	xen_suspend_init(si);
#endif
	if (xen_xs_available())
		boot.flags |= HAL_BOOT_SHUTDOWN_SOURCE;
	xen_start_info = NULL; /* its page is reserved; only suspend.c reads it again */
	xen_events_restore(0);
	xen_time_mark(XEN_MARK_MAIN);
	boot.since_entry_ns = xen_time_since_entry();
	kern_main(&boot);
}

/* ----------------------------------------------------------- waiting --- */

hal_ready_set hal_wait(uint64_t deadline)
{
	hal_ready_set ready = 0;
	unsigned long flags;

	xen_console_push(false, 0);
	deadline = xen_time_from_mono(deadline);
	flags = xen_events_mask();
	xen_events_go_live();
	for (;;) {
		int req;

		xen_evtchn_scan();
		xen_timer_port_fired(); /* only ends the block; the clock decides */
		req = xen_xs_poll_shutdown(); /* (takes store events first) */
		xen_balloon_poll();
		ready |= xen_devices_poll();  /* (publishes batched requests) */
		ready |= xen_evtchn_take_ready();
#ifdef CONFIG_XEN_SUSPEND
		if (req == SHUTDOWN_suspend + 1) {
			/* Not the kernel's business: we come back here, in this
			 * domain or a new one, and return as a spurious wake-up
			 * (the deadline above may be in another host's time). */
			xen_suspend();
			ready |= xen_devices_poll(); /* (a device lost on the way) */
			ready |= xen_evtchn_take_ready();
			break;
		}
#endif
		if (req) {
			/* The latest request decides how hal_exit ends us. */
			shutdown_request = req;
			ready |= HAL_READY_SHUTDOWN;
		}
		if (ready || xen_time_now() >= deadline)
			break;
		xen_timer_arm(deadline);
		/* Re-enables events and sleeps unless one is pending: an event
		 * that arrived since the scan above wakes us at once. */
		hyp_sched_op(SCHEDOP_block, NULL);
		xen_events_mask();
	}
	xen_events_restore(flags);
	return ready;
}

unsigned long hal_irq_save(void)
{
	return xen_events_mask();
}

void hal_irq_restore(unsigned long flags)
{
	xen_events_restore(flags);
}

int hal_tls_set_base(uintptr_t base)
{
	return hyp_set_segment_base(SEGBASE_FS, base) ? HAL_EIO : HAL_OK;
}

/* -------------------------------------------------------------- exit --- */

static void sleep_until(uint64_t t)
{
	struct sched_poll poll = { .nr_ports = 0, .timeout = t };

	set_xen_guest_handle(poll.ports, NULL);
	while (xen_time_now() < t)
		hyp_sched_op(SCHEDOP_poll, &poll);
}

/* dom0 under the test rig's QEMU: end QEMU through isa-debug-exit (it
 * exits with code * 2 + 1).  Without that device the write does nothing
 * and the caller's shutdown follows. */
static void dom0_exit_qemu(unsigned int code)
{
	struct physdev_set_iopl iopl = { .iopl = 1 };

	sleep_until(xen_time_now() + SERIAL_DRAIN_NS);
	if (hyp_physdev_op(PHYSDEVOP_set_iopl, &iopl))
		return;
	asm volatile("outb %b0, %w1" ::"a"((uint8_t)code), "Nd"((uint16_t)0xf4));
}

/* qemu_code < 0: no QEMU exit code (a crash: Xen reports it itself). */
static _Noreturn void shut_down(unsigned int reason, int qemu_code)
{
	struct sched_shutdown sd = { .reason = reason };

	xen_events_mask();
	xen_console_push(true, xen_time_now() + EXIT_DRAIN_NS);
	if (xen_is_dom0 && qemu_code >= 0)
		dom0_exit_qemu((unsigned int)qemu_code);
	for (;;) {
		hyp_sched_op(SCHEDOP_shutdown, &sd);
		sd.reason = SHUTDOWN_crash; /* only if Xen refused the first */
	}
}

void hal_exit(int status)
{
	char line[40];
	int n = snprintf(line, sizeof(line), "hako: exit status %d\n", status & 0xff);

	xen_devices_close();
	xen_time_report();
	xen_mm_report();
	hal_console_write(line, (size_t)n);
	shut_down(shutdown_request == SHUTDOWN_reboot + 1 ? SHUTDOWN_reboot : SHUTDOWN_poweroff,
		  status & 0xff);
}

void hal_abort(const char *reason)
{
	shut_down(SHUTDOWN_crash, -1);
}
