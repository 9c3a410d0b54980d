// SPDX-License-Identifier: MIT
/*
 * The console: COM1, a 16550 UART, polled.  QEMU's -serial stdio sends each
 * byte on as it is written; the FIFO lets us write 16 bytes per status
 * check.  No interrupts: the kernel never reads the console yet.
 */
#include "qx.h"

#define COM1 0x3f8
#define THR 0 /* transmit holding register */
#define IER 1
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define LSR_THRE 0x20 /* transmit FIFO empty */
#define LSR_TEMT 0x40 /* transmitter idle: every byte is out */
#define FIFO_SIZE 16
/* Bound on status polls: a UART that never drains must not hang a panic. */
#define SPIN_LIMIT (1u << 24)

static unsigned room; /* bytes the FIFO takes before the next status check */

void qx_uart_init(void)
{
	outb(COM1 + IER, 0);	/* no interrupts */
	outb(COM1 + LCR, 0x80); /* divisor latch: 115200 baud */
	outb(COM1 + THR, 1);
	outb(COM1 + IER, 0);
	outb(COM1 + LCR, 0x03);	/* 8N1 */
	outb(COM1 + FCR, 0x07); /* FIFO on, both cleared */
	outb(COM1 + MCR, 0x03); /* DTR, RTS */
}

static void wait_status(uint8_t bit)
{
	for (unsigned n = 0; n < SPIN_LIMIT && !(inb(COM1 + LSR) & bit); n++)
		__asm__ volatile("pause");
}

void hal_console_write(const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (!room) {
			wait_status(LSR_THRE);
			room = FIFO_SIZE;
		}
		outb(COM1 + THR, (uint8_t)buf[i]);
		room--;
	}
}

/* Nothing is buffered in the guest: bytes are in the UART once written. */
void hal_console_flush(void)
{
}

void qx_uart_drain(void)
{
	wait_status(LSR_TEMT);
	room = 0;
}
