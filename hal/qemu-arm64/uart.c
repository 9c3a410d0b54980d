// SPDX-License-Identifier: MIT
/*
 * The console: the PL011 UART, polled.  QEMU's -serial stdio sends each
 * byte on as it is written.  No interrupts: the kernel never reads the
 * console yet.
 */
#include <arm64/sysreg.h>

#include "qa.h"

#define DR 0x00
#define FR 0x18
#define FR_BUSY (1u << 3)
#define FR_TXFF (1u << 5) /* transmit FIFO full */
/* Bound on status polls: a UART that never drains must not hang a panic. */
#define SPIN_LIMIT (1u << 24)

static uintptr_t uart = QA_UART_DEFAULT;

void qa_uart_init(uint64_t base)
{
	uart = (uintptr_t)base;
}

void hal_console_write(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		for (unsigned n = 0; n < SPIN_LIMIT && a64_mmio_read32(uart + FR) & FR_TXFF; n++)
			;
		a64_mmio_write32(uart + DR, (uint8_t)buf[i]);
	}
}

/* Nothing is buffered in the guest: bytes are in the UART once written. */
void hal_console_flush(void)
{
}

void qa_uart_drain(void)
{
	for (unsigned n = 0; n < SPIN_LIMIT && a64_mmio_read32(uart + FR) & FR_BUSY; n++)
		;
}
