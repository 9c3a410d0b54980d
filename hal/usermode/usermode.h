/* SPDX-License-Identifier: MIT */
/*
 * usermode.h - what hal.c, block.c and the architecture's half of the
 * usermode port (x86_64/arch.c, arm64/arch.c) share.  Nothing outside
 * hal/usermode/ includes it.
 */
#ifndef USERMODE_USERMODE_H
#define USERMODE_USERMODE_H

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

/* A free device handle for hal_*_acquire; HAL_ENODEV when all are taken. */
int um_handle_alloc(hal_handle_t *h);

/* block.c: open the disk of one --disk=PATH[:ro] option (exits 2 when it
 * cannot); the ready bits of the disks with a completion to report. */
void um_disk_add(const char *spec);
hal_ready_set um_block_ready(void);

#endif
