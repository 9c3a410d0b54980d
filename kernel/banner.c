// SPDX-License-Identifier: MIT
/*
 * The boot line (CONFIG_BOOT_BANNER), printed just before the app's main:
 *
 *   hako: hello on xen, build 186945a-dirty config 5d41402a, 1234 us from entry to main
 *
 * which image this is (the app, the platform, git describe of the tree it
 * was built from, a hash of its configuration: build/buildid.sh) and how
 * long the port and the kernel took from the platform's entry point to
 * main (the port's part is hal_boot_info.since_entry_ns).
 */
#include <hal.h>
#include <hako/kernel.h>
#include <hako/printk.h>

#include "generated/build_id.h"
#include "sched_internal.h"

#ifndef HAKO_APP_NAME
#define HAKO_APP_NAME "app"
#endif

/* For debuggers too (build/gdb/hako.py's hako-info). */
const char kern_build_id[] = "build " HAKO_BUILD_GIT " config " HAKO_BUILD_CONFIG;

static uint64_t kern_main_at, port_ns;

void banner_mark(const struct hal_boot_info *info)
{
	kern_main_at = hal_clock_monotonic();
	port_ns = info->since_entry_ns;
}

void banner_print(void)
{
	uint64_t us = (hal_clock_monotonic() - kern_main_at + port_ns) / 1000;

	printk(LOG_INFO, "hako: " HAKO_APP_NAME " on %s, %s, %lu us from %s to main\n",
	       kern_platform(), kern_build_id, (unsigned long)us, port_ns ? "entry" : "kern_main");
}
