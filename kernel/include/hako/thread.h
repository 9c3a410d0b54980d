/* SPDX-License-Identifier: MIT */
/*
 * thread.h - threads, sleeping and the scheduler.
 *
 * Cooperative: a thread runs until it blocks, sleeps, yields or exits.  When
 * nothing is runnable the scheduler runs expired timers and otherwise idles
 * in hal_wait() until the next timer deadline or device event.
 *
 * Each thread has its own stack (CONFIG_THREAD_STACK_KIB unless given) with,
 * below it (CONFIG_STACK_GUARD), an inaccessible guard page where the
 * platform can protect memory (hal_mem_guard) and a canary zone checked at
 * every context switch.  An overflow, even one that never yields, ends in a
 * panic naming the thread: "stack overflow: thread 'T' ran off its N-byte
 * stack".  (On Xen PV an overflow that faults with the stack pointer in the
 * guard page ends as a domain crash instead: see README.)
 *
 * Without CONFIG_THREADS only the main thread exists: thread_sleep*,
 * thread_yield, thread_self, thread_name (and hako/io.h's io_wait) still work; the rest is
 * absent (a link error in an app that needs it but did not select it).
 */
#ifndef HAKO_THREAD_H
#define HAKO_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct thread;

/*
 * thread_create - start fn(arg) in a new thread, runnable at once (it first
 * runs when the caller blocks or yields).  stack_size 0 means the default.
 * name is copied (up to 23 characters).  Returns NULL with errno = ENOMEM
 * when memory for the stack is short.
 */
struct thread *thread_create(const char *name, void *(*fn)(void *), void *arg,
			     size_t stack_size);

/*
 * thread_join - wait for t to end, store its result in *result (if not
 * NULL), free it.  Blocks.  Every thread must be joined exactly once,
 * or detached.
 * Returns 0, or -1 when t is the caller itself or already has a joiner.
 */
int thread_join(struct thread *t, void **result);

/*
 * thread_detach - nobody will join t: the scheduler frees it once it has
 * ended (its result is dropped), instead of a thread_join.  Does not block.
 * Returns 0, or -1 when t already has a joiner or was detached.
 */
int thread_detach(struct thread *t);

/* thread_exit - end the calling thread with result; returning from the
 * thread's function does the same.  Ending the main thread ends the image
 * with status 0 (main's return value is used when main returns). */
_Noreturn void thread_exit(void *result);

/* thread_yield - let every other runnable thread run once. */
void thread_yield(void);

/* thread_sleep_until - block until the monotonic clock (clock_gettime's
 * CLOCK_MONOTONIC in ns, hal_clock_monotonic() to services) >= deadline.
 * thread_sleep - block for at least ns nanoseconds. */
void thread_sleep_until(uint64_t deadline);
void thread_sleep(uint64_t ns);

struct thread *thread_self(void);
const char *thread_name(const struct thread *t);

/*
 * thread_stack - where t's stack is (t NULL: the caller's).  The stack is
 * [low, high); below it the canary zone [canary, low); below that, when
 * guard_len is not 0, the inaccessible guard page [guard, guard +
 * guard_len), which ends at or below canary.  guard_len is 0 without
 * CONFIG_STACK_GUARD or when the platform cannot protect memory; all is 0
 * without CONFIG_THREADS (the app runs on the port's boot stack).
 */
struct thread_stack {
	uintptr_t low, high;
	uintptr_t canary;
	uintptr_t guard;
	size_t guard_len;
};
void thread_stack(const struct thread *t, struct thread_stack *st);

/* sched_stats - context switches and idle waits so far, for tests. */
struct sched_stats {
	uint64_t switches;
	uint64_t idle_waits;
	unsigned threads; /* threads alive, main included */
};
void sched_get_stats(struct sched_stats *st);

#endif /* HAKO_THREAD_H */
