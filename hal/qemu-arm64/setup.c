// SPDX-License-Identifier: MIT
/*
 * qa_boot: from boot.S (EL1, MMU on with the early map, the boot stack) to
 * kern_main().  The device tree QEMU passed in x0 says where memory and
 * the devices are; the command line is copied out of it, then the final
 * page tables, the interrupt controller, the timer and the power button
 * are set up.  A tree that is malformed or lacks what the port needs ends
 * the image with a message and status 2.
 */
#include <string.h>

#include <hako/printk.h>

#include "qa.h"

#define CMDLINE_MAX 4096 /* above the kernel's limit, which warns */
#define MAX_REGIONS 8	 /* the kernel's page allocator takes 8 */

void qa_trap_init(const struct qa_machine *m);
extern char __image_start[], __image_end[];

static char cmdline[CMDLINE_MAX];
static struct qa_machine machine;
static struct hal_mem_region regions[MAX_REGIONS];
static struct hal_boot_info boot = { .platform = "qemu-arm64", .cmdline = cmdline,
				     .regions = regions };

static void copy_cmdline(const char *s)
{
	size_t n;

	if (!s)
		return;
	for (n = 0; n < CMDLINE_MAX - 1 && s[n]; n++)
		cmdline[n] = s[n];
	cmdline[n] = '\0';
	if (s[n])
		pr_warn("hako: command line longer than %d bytes, truncated\n", CMDLINE_MAX - 1);
}

_Noreturn void qa_boot(uint64_t dtb, uint64_t entry_ticks)
{
	uint64_t dtb_size = 0;
	size_t dev_need;
	const char *why;

	qa_uart_init(QA_UART_DEFAULT);
	/* The tree must lie in RAM the early map covers. */
	if (dtb < (1ULL << 30) || dtb >= QA_EARLY_MAPPED || dtb % 8) {
		printk(LOG_EMERG, "hako: no device tree from the loader (x0 = %#lx)\n",
		       (unsigned long)dtb);
		qa_fatal_exit(2);
	}
	/* QEMU puts it at half the RAM: with a tiny -m that can be inside the
	 * image's bss, which boot.S has zeroed. */
	if (dtb >= (uintptr_t)__image_start && dtb < (uintptr_t)__image_end) {
		printk(LOG_EMERG, "hako: the device tree at %#lx lies inside the image "
		       "(raise -m)\n", (unsigned long)dtb);
		qa_fatal_exit(2);
	}
	why = qa_dt_parse((const void *)(uintptr_t)dtb, QA_EARLY_MAPPED - dtb, &machine,
			  &dtb_size);
	if (why) {
		printk(LOG_EMERG, "hako: device tree at %#lx refused: %s\n", (unsigned long)dtb,
		       why);
		qa_fatal_exit(2);
	}
	qa_psci_init(&machine);
	copy_cmdline(machine.bootargs);
	dev_need = qa_devices_probe(&machine);
	qa_mm_reserve(dev_need);
	boot.nr_regions = qa_mm_init(&machine, dtb, dtb_size, regions, MAX_REGIONS);
	qa_uart_init(machine.uart);
	qa_trap_init(&machine);
	qa_gic_init(&machine);
	qa_timer_init(&machine);
	qa_button_init(&machine);
	qa_devices_start(qa_mm_reserved(), dev_need);
	if (qa_button_present())
		boot.flags |= HAL_BOOT_SHUTDOWN_SOURCE;
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	boot.since_entry_ns = qa_clock_since(entry_ticks);
	kern_main(&boot);
}
