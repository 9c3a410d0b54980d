/* SPDX-License-Identifier: MIT */
/*
 * AArch64 Linux: system call numbers (the generic table), the ucontext
 * layout, the svc instruction.
 */
#ifndef USERMODE_ARM64_SYS_H
#define USERMODE_ARM64_SYS_H

#define SYS_ppoll 73
#define SYS_fdatasync 83
#define SYS_openat 56
#define SYS_close 57
#define SYS_lseek 62
#define SYS_write 64
#define SYS_pread64 67
#define SYS_pwrite64 68
#define SYS_exit_group 94
#define SYS_clock_gettime 113
#define SYS_sigaltstack 132
#define SYS_rt_sigaction 134
#define SYS_rt_sigprocmask 135
#define SYS_rt_sigreturn 139
#define SYS_mmap 222
#define SYS_mprotect 226
#define SYS_getrandom 278
/* network devices (net.c) */
#define SYS_ioctl 29
#define SYS_openat 56
#define SYS_close 57
#define SYS_readv 65
#define SYS_socket 198
#define SYS_connect 203
#define SYS_sendto 206
#define SYS_recvfrom 207
#define SYS_sendmmsg 269

/*
 * ucontext_t: uc_flags, uc_link, uc_stack (24 bytes), uc_sigmask (8) and
 * 120 bytes of glibc-sized padding bring uc_mcontext, 16-byte aligned, to
 * byte 176.  struct sigcontext there: fault_address, regs[31], sp, pc,
 * pstate, then (16-byte aligned) records of {magic, size} such as the ESR.
 */
#define UC_MCONTEXT 176
#define SC_FAULT_ADDRESS 0
#define SC_REGS 8
#define SC_SP (8 + 31 * 8)
#define SC_PC (SC_SP + 8)
#define SC_PSTATE (SC_PC + 8)
#define SC_RESERVED 272 /* the records, 4096 bytes */
#define SC_RESERVED_SIZE 4096
#define ESR_MAGIC 0x45535201

static inline long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;

	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory");
	return x0;
}

#endif
