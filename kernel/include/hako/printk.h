/* SPDX-License-Identifier: MIT */
/*
 * printk.h - kernel console output with log levels, and panic.
 *
 * printk() formats like printf and writes to the console through the HAL;
 * it never allocates and never blocks except to let the console drain.
 * Messages above CONFIG_LOG_LEVEL are compiled out entirely; the boot option
 * hako.loglevel=N hides more at run time.
 */
#ifndef HAKO_PRINTK_H
#define HAKO_PRINTK_H

#include <stdarg.h>
#include <stddef.h>

#define LOG_EMERG 0
#define LOG_ALERT 1
#define LOG_CRIT 2
#define LOG_ERR 3
#define LOG_WARNING 4
#define LOG_NOTICE 5
#define LOG_INFO 6
#define LOG_DEBUG 7

#ifndef CONFIG_LOG_LEVEL
#define CONFIG_LOG_LEVEL LOG_INFO
#endif

/* printk - print at a level; returns the number of characters written. */
int printk(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vprintk(int level, const char *fmt, va_list ap);

/* The run-time threshold: messages with level > it are dropped. */
void printk_set_level(int level);

#define pr_level(level, ...)                                                   \
	do {                                                                   \
		if ((level) <= CONFIG_LOG_LEVEL)                               \
			printk(level, __VA_ARGS__);                            \
	} while (0)
#define pr_err(...) pr_level(LOG_ERR, __VA_ARGS__)
#define pr_warn(...) pr_level(LOG_WARNING, __VA_ARGS__)
#define pr_notice(...) pr_level(LOG_NOTICE, __VA_ARGS__)
#define pr_info(...) pr_level(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) pr_level(LOG_DEBUG, __VA_ARGS__)

/*
 * Per-subsystem debug messages: pr_dbg(SCHED, "...") prints "sched: ..." at
 * LOG_DEBUG when the image was configured with CONFIG_DEBUG_SCHED, and is
 * compiled out entirely (text included) otherwise, whatever
 * CONFIG_LOG_LEVEL says.  Any DEBUG_* option makes level 7 the run-time
 * default, so the messages show unless hako.loglevel= hides them.  A
 * subsystem adds its own: a `config DEBUG_NET` that selects DEBUG_MESSAGES,
 * its prefix (`#define hako_dbg_name_NET "net"`, in its own header or
 * file), then pr_dbg(NET, ...).
 */
#define pr_dbg(sub, fmt, ...)                                                  \
	do {                                                                   \
		if (HAKO_IS_SET(CONFIG_DEBUG_##sub))                           \
			printk(LOG_DEBUG, "%s: " fmt, hako_dbg_name_##sub,     \
			       ##__VA_ARGS__);                                 \
	} while (0)
#define hako_dbg_name_SCHED "sched"
#define hako_dbg_name_MEM "mem"

/* HAKO_IS_SET(CONFIG_X): 1 when CONFIG_X is defined as 1 (a Kconfig bool
 * that is y), else 0, usable in a plain if: the code stays compiled (and
 * type-checked) and the compiler drops it.  CONFIG_X expands to 1 or to
 * itself; pasting that to HAKO_SET_ gives "0," for 1 only, which moves 1
 * into the second argument's place. */
#define HAKO_SET_1 0,
#define HAKO_IS_SET(x) hako_is_set_(x)
#define hako_is_set_(v) hako_is_set__(HAKO_SET_##v)
#define hako_is_set__(comma_or_junk) hako_second_(comma_or_junk 1, 0, 0)
#define hako_second_(a, b, ...) b

/* console_write - raw bytes to the console, no level, no formatting. */
void console_write(const char *buf, size_t len);

/*
 * panic - print "hako: panic: <reason>" with the current thread's name, then
 * end the image with a nonzero status (hal_abort).  Never returns.  Safe to
 * call from anywhere, including while panicking (the second one just aborts).
 */
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* HAKO_PRINTK_H */
