/* SPDX-License-Identifier: MIT */
/*
 * usermode.h - what hal.c and the architecture's half of the usermode port
 * (x86_64/arch.c, arm64/arch.c) share.  Nothing outside hal/usermode/
 * includes it.
 */
#ifndef USERMODE_USERMODE_H
#define USERMODE_USERMODE_H

/*
 * usermode_fatal_signal - SA_SIGINFO handler of SIGSEGV, SIGBUS, SIGFPE,
 * SIGILL and SIGTRAP, on the signal stack: the signal frame's registers to
 * kern_fault().  Never returns.
 */
void usermode_fatal_signal(int sig, void *info, void *uctx);

#endif
