// SPDX-License-Identifier: MIT
/*
 * Host stand-ins for what the code under test calls outside itself: the
 * HAL's critical sections and clock, printk and the console, panic.
 * panic() prints and calls abort(), so a test expecting a panic is
 * registered with tcase_add_test_raise_signal(..., SIGABRT).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <hal.h>
#include <hako/printk.h>

#include "unit.h"

#define PAGE 4096

bool unit_irq_masked;
long unit_irq_depth;
uint64_t unit_clock;
unsigned unit_log_count;
char unit_log_last[1024];
char *unit_console;
size_t unit_console_len;
static size_t console_cap;

unsigned long hal_irq_save(void)
{
	unsigned long was = unit_irq_masked;

	unit_irq_masked = true;
	unit_irq_depth++;
	return was;
}

void hal_irq_restore(unsigned long flags)
{
	if (flags > 1) {
		fprintf(stderr, "hal_irq_restore(%lu): not a value hal_irq_save returned\n", flags);
		abort();
	}
	unit_irq_masked = flags;
	unit_irq_depth--;
}

uint64_t hal_clock_monotonic(void)
{
	return unit_clock;
}

uint64_t hal_clock_wall(void)
{
	return unit_clock;
}

/* Entropy: from the host (the kernel's generator seeds from it once).
 * Weak: a test that needs known bytes (test_virtio's MACs) defines its own. */
__attribute__((weak)) int hal_entropy(void *buf, size_t len)
{
	FILE *f = fopen("/dev/urandom", "rb");
	size_t n = f ? fread(buf, 1, len, f) : 0;

	if (f)
		fclose(f);
	return n == len ? HAL_OK : HAL_ENODEV;
}

int vprintk(int level, const char *fmt, va_list ap)
{
	int n = vsnprintf(unit_log_last, sizeof(unit_log_last), fmt, ap);

	unit_log_count++;
	if (getenv("HAKO_UNIT_LOG"))
		fprintf(stderr, "printk<%d>: %s", level, unit_log_last);
	return n;
}

int printk(int level, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(level, fmt, ap);
	va_end(ap);
	return n;
}

void printk_set_level(int level)
{
	(void)level;
}

void unit_console_reset(void)
{
	unit_console_len = 0;
	if (unit_console)
		unit_console[0] = '\0';
}

void console_write(const char *buf, size_t len)
{
	if (unit_console_len + len + 1 > console_cap) {
		console_cap = (unit_console_len + len + 1) * 2;
		unit_console = realloc(unit_console, console_cap);
		if (!unit_console)
			abort();
	}
	memcpy(unit_console + unit_console_len, buf, len);
	unit_console_len += len;
	unit_console[unit_console_len] = '\0';
}

void hal_console_write(const char *buf, size_t len)
{
	console_write(buf, len);
}

static _Noreturn void vpanic(const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs("hako: panic (SIGABRT): ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	abort();
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic(fmt, ap);
}

/* kernel/panic.c's panic with the backtrace from another frame: no
 * backtrace here either. */
_Noreturn void panic_at(uintptr_t fp, const char *fmt, ...);
void panic_at(uintptr_t fp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic(fmt, ap);
}

void *unit_map(size_t size)
{
	size_t len = (size + PAGE - 1) / PAGE * PAGE;
	char *p = mmap(NULL, len + 2 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		perror("unit_map: mmap");
		abort();
	}
	/* Guard pages on both sides: a stray access faults. */
	unit_protect(p, PAGE);
	unit_protect(p + PAGE + len, PAGE);
	return p + PAGE;
}

void unit_protect(void *p, size_t len)
{
	if (len && mprotect(p, len, PROT_NONE)) {
		perror("unit_protect: mprotect");
		abort();
	}
}
