// SPDX-License-Identifier: MIT
/* panic: say why, on the console, then stop with a nonzero status. */
#include <stdarg.h>
#include <stdio.h>

#include <hal.h>
#include <hako/printk.h>
#include <hako/thread.h>

#include "sched_internal.h"

void panic_begin(void)
{
	static int panicking;

	hal_irq_save();
	if (panicking++) {
		static const char again[] = "\nhako: panic while panicking\n";

		hal_console_write(again, sizeof(again) - 1);
		hal_abort("nested panic");
	}
	dprintf(2, "\nhako: panic in thread '%s': ", thread_name(thread_self()));
}

void panic(const char *fmt, ...)
{
	va_list ap;

	panic_begin();
	va_start(ap, fmt);
	vdprintf(2, fmt, ap);
	va_end(ap);
	dprintf(2, "\n");
	hal_abort("panic");
}

/* The compiler's and libc's hooks for impossible situations. */
void __assert_fail(const char *expr, const char *file, int line, const char *func)
{
	panic("assertion '%s' failed at %s:%d in %s()", expr, file, line, func);
}
