/* SPDX-License-Identifier: MIT */
/*
 * usermode.h - what hal.c, the device files (block.c, net.c) and the
 * architecture's half of the usermode port (x86_64/arch.c, arm64/arch.c)
 * share.  Nothing outside
 * hal/usermode/ includes it.
 */
#ifndef USERMODE_USERMODE_H
#define USERMODE_USERMODE_H

#include <stdbool.h>
#include <stddef.h>

#include <hal.h>

/*
 * usermode_fatal_signal - SA_SIGINFO handler of SIGSEGV, SIGBUS, SIGFPE,
 * SIGILL and SIGTRAP, on the signal stack: the signal frame's registers to
 * kern_fault().  Never returns.
 */
void usermode_fatal_signal(int sig, void *info, void *uctx);

/*
 * um_usage_error - print "hako: WHAT 'ARGTAIL" (TAIL starts with the
 * closing quote) on stderr and exit with status 2: a bad command-line
 * option, before anything has started.
 */
_Noreturn void um_usage_error(const char *what, const char *arg, const char *tail);

/* Raw output on a host descriptor (usage errors, the port's own reports). */
void um_raw_write(int fd, const char *s, size_t n);

/*
 * A device, with its handle: every kind (disks, NICs) registers here when
 * acquired, and hal_wait() asks each before it sleeps.  prepare() flushes
 * what the device buffers, sets *tell when the kernel must hear of the
 * handle without waiting (a completion already queued: the wait does not
 * sleep), and returns the poll events its fd needs now (0: leave it out).
 * After the wait, ready() gets the fd's revents and returns whether the
 * kernel should be told.  Edge-triggered readiness (hal.h) is the device's
 * to keep: a NIC asks for POLLIN only after a read said HAL_AGAIN.
 */
struct um_dev {
	int fd;		    /* polled when prepare() asks; -1: never */
	hal_handle_t h;	    /* set by um_dev_register() */
	short (*prepare)(struct um_dev *d, bool *tell);
	bool (*ready)(struct um_dev *d, short revents); /* NULL: never polls */
};

/* um_dev_register - give d a handle; false when every handle is taken. */
bool um_dev_register(struct um_dev *d);

/* block.c: open the disk of one --disk=PATH[:ro] option (exits 2 when it
 * cannot). */
void um_disk_add(const char *spec);

/* net.c: a --net= option (the text after "--net="); false when malformed,
 * with *why set.  um_net_report() prints each device's counters (exit). */
bool um_net_option(const char *spec, const char **why);
void um_net_report(void);

#endif
