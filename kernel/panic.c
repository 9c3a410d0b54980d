// SPDX-License-Identifier: MIT
/* panic: say why, on the console, then stop with a nonzero status. */
#include <stdarg.h>
#include <stdio.h>

#include <hal.h>
#include <hako/printk.h>
#include <hako/thread.h>

#include "backtrace.h"
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

static _Noreturn void vpanic_at(uintptr_t fp, const char *fmt, va_list ap)
{
	panic_begin();
	vdprintf(2, fmt, ap);
	dprintf(2, "\n");
	backtrace_from(fp);
	hal_abort("panic");
}

void panic_at(uintptr_t fp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic_at(fp, fmt, ap);
}

/* The backtrace starts at panic's caller: the frame record at panic's own
 * frame pointer holds the return address into it. */
void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic_at((uintptr_t)__builtin_frame_address(0), fmt, ap);
}

/* The compiler's and libc's hooks for impossible situations. */
void __assert_fail(const char *expr, const char *file, int line, const char *func)
{
	panic("assertion '%s' failed at %s:%d in %s()", expr, file, line, func);
}
