/* SPDX-License-Identifier: MIT */
/* Kernel-internal glue between boot, the scheduler and TLS. */
#ifndef KERNEL_SCHED_INTERNAL_H
#define KERNEL_SCHED_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct thread;

/* Run entry(arg) as the main thread; never returns. */
_Noreturn void sched_start(void (*entry)(void *), void *arg);

/* Panic if the current thread's stack guard is damaged. */
void sched_check_stack(void);

/* The thread whose stack overflow the fault f is (an access to its guard
 * page, or the current thread's stack pointer below its stack), or NULL.
 * Without threads (and guards) there is none: kern_fault() then carries no
 * code for it. */
struct hal_fault;
#ifdef CONFIG_STACK_GUARD
const struct thread *sched_fault_thread(const struct hal_fault *f);
#else
static inline const struct thread *sched_fault_thread(const struct hal_fault *f)
{
	return NULL;
}
#endif

/* Start a panic's line ("hako: panic in thread 'T': "), masking events;
 * a panic inside a panic ends the image at once (panic.c). */
void panic_begin(void);

/* panic() with the backtrace from the frame record at fp (on the current
 * thread's stack) rather than from the caller: for a report made on a
 * stack of its own. */
_Noreturn void panic_at(uintptr_t fp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The boot line (banner.c, CONFIG_BOOT_BANNER): mark kern_main's start,
 * print the line just before main. */
struct hal_boot_info;
#ifdef CONFIG_BOOT_BANNER
void banner_mark(const struct hal_boot_info *info);
void banner_print(void);
#else
static inline void banner_mark(const struct hal_boot_info *info)
{
}
static inline void banner_print(void)
{
}
#endif

/* Called from the idle loop when hal_wait() reports a shutdown request. */
void kern_handle_shutdown_request(void);
/* Can the platform still deliver a shutdown request that wakes something?
 * (main.c; the deadlock check asks.) */
bool kern_shutdown_can_wake(void);
bool kern_shutdown_source(void);
/*
 * The thread a shutdown request's exit runs on (the hooks may block; the
 * idle loop, where requests arrive, must not).  Reserve it when the first
 * hook is registered: 0, or -1 without the memory (without threads: 0).
 * Start it once: it calls kern_exit(0); false when there is none to start
 * (then the caller exits in place).
 */
int sched_reserve_exit_thread(void);
bool sched_start_exit_thread(void);
/* Block the calling thread for good: another thread is ending the image. */
_Noreturn void sched_park(void);
/* Threads blocked in kern_wait_shutdown(), and waking them (sched*.c). */
unsigned int sched_shutdown_waiters(void);
void sched_wake_shutdown_waiters(void);

/*
 * TLS (tls.c): the bytes a thread's TLS block (and, on a variant I
 * architecture, its control block) needs below tp, and the set-up of that
 * block for tp (64-byte aligned, with tls_block_size() bytes free below it
 * and 16 above).  Returns the thread pointer to use: tp on x86_64, the
 * bottom of the room below tp on AArch64.  Without CONFIG_TLS: 0 bytes, and
 * tp is returned unchanged.
 */
size_t tls_block_size(void);
uintptr_t tls_init_block(uintptr_t tp);

#endif
