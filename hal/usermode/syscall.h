/* SPDX-License-Identifier: MIT */
/* Raw Linux x86_64 system calls for the usermode port (no host libc). */
#ifndef USERMODE_SYSCALL_H
#define USERMODE_SYSCALL_H

#include <stddef.h>
#include <stdint.h>

#define SYS_write 1
#define SYS_mmap 9
#define SYS_mprotect 10
#define SYS_rt_sigaction 13
#define SYS_rt_sigprocmask 14
#define SYS_sigaltstack 131
#define SYS_arch_prctl 158
#define SYS_clock_gettime 228
#define SYS_exit_group 231
#define SYS_ppoll 271
#define SYS_getrandom 318

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define ARCH_SET_FS 0x1002
#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_PRIVATE 0x02
#define MAP_ANONYMOUS 0x20
#define MAP_NORESERVE 0x4000
#define EINTR 4

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

/* ucontext_t: mcontext's gregs start at byte 40; their indices. */
#define UC_GREGS 40
enum {
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15, REG_RDI,
	REG_RSI, REG_RBP, REG_RBX, REG_RDX, REG_RAX, REG_RCX, REG_RSP, REG_RIP, REG_EFL,
	REG_CSGSFS, REG_ERR, REG_TRAPNO
};

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

static inline long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define sys1(n, a) sys6(n, (long)(a), 0, 0, 0, 0, 0)
#define sys2(n, a, b) sys6(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define sys3(n, a, b, c) sys6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys4(n, a, b, c, d) sys6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

#endif
