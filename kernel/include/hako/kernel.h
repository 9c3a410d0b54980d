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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KERN_MAX_ARGS 64
#define KERN_CMDLINE_MAX 1024

/* The app's entry point. */
int main(int argc, char **argv);

/*
 * kern_exit - run the shutdown hooks (last registered first), then end the
 * image with status.  Never returns.  Callable from any thread; the other
 * threads go on running while a hook blocks.  One exit at a time: a second
 * thread calling it meanwhile blocks until the first has ended the image
 * (a hook's own call goes on with the remaining hooks).
 */
_Noreturn void kern_exit(int status);

/*
 * kern_on_shutdown - register fn(arg) to run at kern_exit() or when the
 * platform asks the image to shut down.  Hooks may block (a sync waits for
 * its disk): a request's exit runs them on a thread of its own ("exit"),
 * whose stack is taken when the first hook is registered, so that a request
 * is honoured however little memory is left by then.  Up to 8 hooks.
 * Returns 0, -ENOSPC when the table is full, or -ENOMEM when there is no
 * memory for that thread.
 */
int kern_on_shutdown(void (*fn)(void *arg), void *arg);

/*
 * Shutdown requests: the platform asks the image to end (xl shutdown,
 * SIGTERM, the ACPI power button).  The kernel notices them when idle.  By
 * default the first request runs the hooks and exits with status 0.  An app
 * that wants to finish its work first either installs a handler, called
 * once per request from the idle loop (it must not block; it may wake
 * threads, e.g. post a semaphore), or has a thread wait in
 * kern_wait_shutdown().  Either way the image then keeps running normally
 * (its sleeps sleep) until it exits.
 *
 * Until the first request, a thread waiting for it, or an installed
 * handler, counts as something that can still happen: the deadlock check
 * does not fire while the platform can deliver a request.  On a platform
 * that cannot (Xen dom0, QEMU without the ACPI button), waiting for one
 * with nothing else to wake is a deadlock and panics.
 */
void kern_set_shutdown_handler(void (*fn)(void));

/* kern_shutdown_requested - a request has arrived (at least one). */
bool kern_shutdown_requested(void);

/*
 * kern_wait_shutdown - block until a request has arrived (returns true at
 * once if one already has) or until the monotonic clock reaches deadline
 * (UINT64_MAX: no limit; returns false).
 */
bool kern_wait_shutdown(uint64_t deadline);

/*
 * kern_split_cmdline - split a command line into words (the rules above).
 * buf receives the words NUL-terminated; words[] points into it.  Returns
 * the number of words (at most max_words; extra words are dropped with a
 * warning), or -1 for an unterminated quote.
 */
int kern_split_cmdline(const char *cmdline, char *buf, size_t bufsize, char **words,
		       int max_words);

/*
 * Kernel options: words hako.NAME=VALUE at the start of the command line.
 * A module that reads an option declares it once, at file scope:
 *     KERN_OPTION(ip, "ip", "static IPv4 address/prefix, e.g. 10.0.0.2/24");
 * and reads it with kern_option("ip") (the value of the last hako.ip=
 * word, or NULL).  Boot warns about a hako. word that no module linked into
 * the image declares, so a typo or an option of a feature left out is
 * never silently ignored.  hako.loglevel=N is the kernel's own.
 */
struct kern_option_decl {
	const char *name;
	const char *help;
};
#define KERN_OPTION(id, optname, helptext)                                             \
	static const struct kern_option_decl kern_option_##id                             \
		__attribute__((used, section("hako_options"), aligned(8))) = { optname, helptext }
const char *kern_option(const char *name);

/*
 * kern_initrd - the initial ramdisk the platform loaded (a cpio archive,
 * hal.h's HAL_MEM_INITRD): its bytes and exact length; false when there is
 * none.  kern_initrd_release - hand its pages to the page allocator once
 * it has been unpacked (its bytes are gone afterwards; kern_initrd then
 * returns false).
 */
bool kern_initrd(const void **data, size_t *len);
void kern_initrd_release(void);

/*
 * Service start-up: a service that must be running before the app (the
 * network brings up its interfaces and starts DHCP) declares, at file scope,
 *     KERN_INIT(net_start);
 * Boot calls every such function once, on the main thread, after the
 * command line is parsed and before main(); the order between services is
 * unspecified.  An init function may create threads and block briefly; it
 * must not wait for the outside world (DHCP finishes in the background).
 */
#define KERN_INIT(fn)                                                                  \
	static void (*const kern_init_##fn)(void)                                       \
		__attribute__((used, section("hako_inits"), aligned(8))) = fn

/* The platform name, as hal_boot_info gave it. */
const char *kern_platform(void);

#endif /* HAKO_KERNEL_H */
