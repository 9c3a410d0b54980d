// SPDX-License-Identifier: MIT
/* printk and the console: formatted kernel messages straight to the HAL. */
#include <stdio.h>

#include <hal.h>
#include <hako/printk.h>

/* Selected debug messages (pr_dbg) show by default. */
static int runtime_level = HAKO_IS_SET(CONFIG_DEBUG_MESSAGES) ? LOG_DEBUG : CONFIG_LOG_LEVEL;

void printk_set_level(int level)
{
	runtime_level = level;
}

void console_write(const char *buf, size_t len)
{
	hal_console_write(buf, len);
}

int vprintk(int level, const char *fmt, va_list ap)
{
	if (level > runtime_level)
		return 0;
	return vdprintf(1, fmt, ap);
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
