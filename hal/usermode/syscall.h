/* SPDX-License-Identifier: MIT */
/* Raw Linux system calls for the usermode port (no host libc). */
#ifndef USERMODE_SYSCALL_H
#define USERMODE_SYSCALL_H

#include <stddef.h>
#include <stdint.h>

/* The system call numbers, the ucontext layout and sys6(): per architecture. */
#if defined(__x86_64__)
#include "x86_64/sys.h"
#elif defined(__aarch64__)
#include "arm64/sys.h"
#else
#error "usermode: no system call layer for this architecture"
#endif

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_SHARED 0x01
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_ANONYMOUS 0x20
#define MAP_NORESERVE 0x4000
#define EINTR 4
#define AT_FDCWD (-100)
#define O_RDONLY 0
#define O_RDWR 2
#define O_CLOEXEC 02000000
#define SEEK_END 2
#define O_RDONLY 0
#define O_RDWR 2
#define O_CLOEXEC 02000000
#define SEEK_END 2

#define SIGILL 4
#define SIGTRAP 5
#define SIGBUS 7
#define SIGFPE 8
#define SIGSEGV 11
#define SIGTERM 15
#define SIG_BLOCK 0
#define SIG_SETMASK 2
#define SA_SIGINFO 4
#define SA_ONSTACK 0x08000000
#define SA_RESTORER 0x04000000

/* siginfo_t: si_code values, and where si_code and si_addr are. */
#define SI_KERNEL 0x80	/* sent by the kernel, no address (a #GP, int3) */
#define SEGV_MAPERR 1	/* no mapping at si_addr */
#define SEGV_ACCERR 2	/* a mapping without the right permission */
#define SIGINFO_CODE 8
#define SIGINFO_ADDR 16

struct linux_timespec {
	long tv_sec;
	long tv_nsec;
};

struct linux_sigaction {
	void (*handler)(int, void *, void *);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

struct linux_stack {
	void *sp;
	int flags;
	size_t size;
};

#define sys1(n, a) sys6(n, (long)(a), 0, 0, 0, 0, 0)
#define sys2(n, a, b) sys6(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define sys3(n, a, b, c) sys6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys4(n, a, b, c, d) sys6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

#endif
