/* SPDX-License-Identifier: MIT */
/*
 * kernel.h - the kernel's life cycle: boot, the app's entry, exit.
 *
 * Boot (kern_main, declared in hal.h) parses the command line, hands the
 * platform's free memory to the page allocator, starts the main thread and
 * calls the app's main(argc, argv).  The status main returns, or the one
 * given to exit(), ends the image through kern_exit().
 *
 * Command line: words separated by spaces; "double" or 'single' quotes keep
 * spaces; a backslash escapes the next character outside single quotes.
 * Words of the form hako.NAME=VALUE before an optional lone "--" are kernel
 * options (hako.loglevel=N); the rest is the app's argv, after argv[0] (the
 * app's name).
 */
#ifndef HAKO_KERNEL_H
#define HAKO_KERNEL_H

#include <stddef.h>

#define KERN_MAX_ARGS 64
#define KERN_CMDLINE_MAX 1024

/* The app's entry point. */
int main(int argc, char **argv);

/*
 * kern_exit - run the shutdown hooks (last registered first), then end the
 * image with status.  Never returns.  Callable from any thread.
 */
_Noreturn void kern_exit(int status);

/*
 * kern_on_shutdown - register fn(arg) to run at kern_exit() or when the
 * platform asks the image to shut down.  Up to 8 hooks; returns 0, or -1
 * when the table is full.
 */
int kern_on_shutdown(void (*fn)(void *arg), void *arg);

/*
 * kern_shutdown_requested - the platform asked the image to shut down
 * (xl shutdown, SIGTERM...).  The kernel notices when idle: it runs the
 * hooks and exits with status 0, unless the app installed its own
 * handler with kern_set_shutdown_handler(), which is then called instead
 * (from the idle loop: it must not block).
 */
void kern_set_shutdown_handler(void (*fn)(void));

/*
 * kern_split_cmdline - split a command line into words (the rules above).
 * buf receives the words NUL-terminated; words[] points into it.  Returns
 * the number of words (at most max_words; extra words are dropped with a
 * warning), or -1 for an unterminated quote.
 */
int kern_split_cmdline(const char *cmdline, char *buf, size_t bufsize, char **words,
		       int max_words);

/* The platform name, as hal_boot_info gave it. */
const char *kern_platform(void);

#endif /* HAKO_KERNEL_H */
