// SPDX-License-Identifier: MIT
/*
 * Ending the image.  With QEMU's isa-debug-exit device at port 0xf4, writing
 * the status makes QEMU exit with (status << 1) | 1; a process exit code
 * keeps only 8 bits of that, so statuses 128-255 would lose their top bit.
 * The exact status is therefore also written, as a decimal line, to COM2,
 * which run.sh connects to a file.  Without the device the write does
 * nothing and the machine powers off through ACPI (QEMU then exits 0).
 */
#include "qx.h"

#define COM2 0x2f8
#define DEBUG_EXIT 0xf4

static void status_putc(char c)
{
	/* An absent COM2 reads 0xff: "empty", so this never waits for it. */
	for (unsigned n = 0; n < 100000 && !(inb(COM2 + 5) & 0x20); n++)
		;
	outb(COM2, (uint8_t)c);
}

void qx_fatal_exit(int status)
{
	char digits[3];
	int n = 0, v = status;

	__asm__ volatile("cli");
	qx_uart_drain();
	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < 3);
	while (n)
		status_putc(digits[--n]);
	status_putc('\n');
	outb(DEBUG_EXIT, (uint8_t)status);
	qx_acpi_poweroff();
}

void hal_exit(int status)
{
	qx_devices_exit();
	qx_fatal_exit(status & 0xff);
}

void hal_abort(const char *reason)
{
	qx_fatal_exit(255);
}
