// SPDX-License-Identifier: MIT
/*
 * Ending the image.  The exit status leaves through Arm semihosting, which
 * run.sh turns on (-semihosting-config): the status as a decimal line on
 * the semihosting console (SYS_WRITE0, which run.sh sends to a file), then
 * SYS_EXIT_EXTENDED, which makes QEMU exit with that status.  Without
 * semihosting the console gets the line "hako: exit status N" (as on Xen)
 * and the machine powers off through PSCI SYSTEM_OFF (QEMU then exits 0).
 */
#include <stdio.h>

#include <arm64/sysreg.h>

#include "qa.h"

#define SYS_WRITE0 0x04
#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026
#define PSCI_SYSTEM_OFF 0x84000008u

long qa_semihost(long op, const void *arg);
volatile bool qa_semihost_missing; /* set by trap.c when the hlt traps */

static bool psci, psci_smc;

void qa_psci_init(const struct qa_machine *m)
{
	psci = m->psci;
	psci_smc = m->psci_smc;
}

static void psci_off(void)
{
	register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;

	if (!psci)
		return;
	if (psci_smc)
		__asm__ volatile("smc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	else
		__asm__ volatile("hvc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
}

void qa_fatal_exit(int status)
{
	uint64_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint64_t)(status & 0xff) };
	char line[8];

	__asm__ volatile("msr daifset, #2" ::: "memory");
	qa_uart_drain();
	snprintf(line, sizeof(line), "%d\n", status & 0xff);
	qa_semihost(SYS_WRITE0, line);
	if (!qa_semihost_missing)
		qa_semihost(SYS_EXIT_EXTENDED, block);
	printf("hako: exit status %d\n", status & 0xff);
	qa_uart_drain();
	psci_off();
	for (;;)
		__asm__ volatile("wfi");
}

void hal_exit(int status)
{
	qa_devices_exit();
	qa_fatal_exit(status & 0xff);
}

void hal_abort(const char *reason)
{
	qa_fatal_exit(255);
}
