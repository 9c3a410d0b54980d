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
#define EPERM 1
#define ENOENT 2
#define EINTR 4
#define EIO 5
#define EAGAIN 11
#define EACCES 13
#define EBUSY 16
#define EINVAL 22
#define EPIPE 32
#define ECONNRESET 104
#define ENOBUFS 105
#define ECONNREFUSED 111

/* Files (block.c, the initrd) and network devices (net.c): the same values
 * on x86_64 and arm64. */
#define AT_FDCWD (-100)
#define O_RDONLY 0
#define O_RDWR 02
#define O_NONBLOCK 04000
#define O_CLOEXEC 02000000
#define SEEK_END 2
#define SOCK_STREAM 1
#define SOCK_CLOEXEC 02000000
#define MSG_DONTWAIT 0x40
#define MSG_NOSIGNAL 0x4000
#define TUNSETIFF 0x400454ca /* _IOW('T', 202, int) */
#define IFF_TAP 0x0002
#define IFF_NO_PI 0x1000

#ifndef POLLIN
#define POLLIN 0x001
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#endif

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

struct linux_pollfd {
	int fd;
	short events;
	short revents;
};

struct linux_iovec {
	void *base;
	size_t len;
};

struct linux_msghdr {
	void *name;
	int namelen;
	struct linux_iovec *iov;
	size_t iovlen;
	void *control;
	size_t controllen;
	int flags;
};

struct linux_mmsghdr {
	struct linux_msghdr hdr;
	unsigned int len;
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
