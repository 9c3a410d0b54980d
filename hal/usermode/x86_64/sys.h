/* SPDX-License-Identifier: MIT */
/* x86_64 Linux: system call numbers, the ucontext layout, the syscall instruction. */
#ifndef USERMODE_X86_64_SYS_H
#define USERMODE_X86_64_SYS_H

#define SYS_write 1
#define SYS_close 3
#define SYS_lseek 8
#define SYS_mmap 9
#define SYS_mprotect 10
#define SYS_pread64 17
#define SYS_pwrite64 18
#define SYS_fdatasync 75
#define SYS_rt_sigaction 13
#define SYS_rt_sigprocmask 14
#define SYS_sigaltstack 131
#define SYS_arch_prctl 158
#define SYS_clock_gettime 228
#define SYS_exit_group 231
#define SYS_ppoll 271
#define SYS_openat 257
#define SYS_getrandom 318
/* network devices (net.c) */
#define SYS_close 3
#define SYS_ioctl 16
#define SYS_readv 19
#define SYS_socket 41
#define SYS_connect 42
#define SYS_sendto 44
#define SYS_recvfrom 45
#define SYS_openat 257
#define SYS_sendmmsg 307

#define ARCH_SET_FS 0x1002

/* ucontext_t: mcontext's gregs start at byte 40; their indices. */
#define UC_GREGS 40
enum {
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15, REG_RDI,
	REG_RSI, REG_RBP, REG_RBX, REG_RDX, REG_RAX, REG_RCX, REG_RSP, REG_RIP, REG_EFL,
	REG_CSGSFS, REG_ERR, REG_TRAPNO
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

#endif
