// SPDX-License-Identifier: MIT
/*
 * Without CONFIG_THREADS: the app runs alone on the boot stack.  Sleeping
 * idles in hal_wait() directly; timers (if selected) still run while idle.
 */
#include <hal.h>
#include <hako/printk.h>
#include <hako/io.h>
#include <hako/kernel.h>
#include <hako/thread.h>
#include <hako/timer.h>

#include "sched_internal.h"

static int the_errno;
static struct sched_stats stats = { .threads = 1 };

int *__errno_location(void)
{
	return &the_errno;
}

struct thread *thread_self(void)
{
	return NULL;
}

const char *thread_name(const struct thread *t)
{
	return "main";
}

void sched_get_stats(struct sched_stats *st)
{
	*st = stats;
}

void sched_check_stack(void)
{
}

void thread_stack(const struct thread *t, struct thread_stack *st)
{
	*st = (struct thread_stack){ 0 };
}

static hal_ready_set idle_until(uint64_t deadline)
{
	hal_ready_set ready;
	uint64_t next = deadline;

#ifdef CONFIG_TIMERS
	timer_run_expired(hal_clock_monotonic());
	if (timer_next_deadline() < next)
		next = timer_next_deadline();
#endif
	ready = hal_wait(next);
	stats.idle_waits++;
	if (ready & HAL_READY_SHUTDOWN)
		kern_handle_shutdown_request();
	return ready;
}

void thread_sleep_until(uint64_t deadline)
{
	while (hal_clock_monotonic() < deadline)
		idle_until(deadline);
}

void thread_sleep(uint64_t ns)
{
	thread_sleep_until(hal_clock_monotonic() + ns);
}

void thread_yield(void)
{
	idle_until(0);
}

static unsigned int shutdown_waiting;

unsigned int sched_shutdown_waiters(void)
{
	return shutdown_waiting;
}

void sched_wake_shutdown_waiters(void)
{
}

bool kern_wait_shutdown(uint64_t deadline)
{
	if (deadline == UINT64_MAX && !kern_shutdown_source() && !kern_shutdown_requested())
		panic("deadlock: waiting for a shutdown request on a platform that cannot send one");
	shutdown_waiting++;
	while (!kern_shutdown_requested() && hal_clock_monotonic() < deadline)
		idle_until(deadline);
	shutdown_waiting--;
	return kern_shutdown_requested();
}

/* One thread: the app's hooks run in the idle loop, where nothing else
 * is queued, and no other thread can be exiting meanwhile. */
int sched_reserve_exit_thread(void)
{
	return 0;
}

bool sched_start_exit_thread(void)
{
	return false;
}

void sched_park(void)
{
	panic("sched_park: no other thread to finish the exit");
}

bool io_wait(hal_handle_t h, uint64_t deadline)
{
	hal_ready_set bit;

	if (h >= HAL_MAX_HANDLES)
		return false;
	bit = (hal_ready_set)1 << h;
	do {
		if (idle_until(deadline) & bit)
			return true;
	} while (hal_clock_monotonic() < deadline);
	return false;
}

void sched_start(void (*entry)(void *), void *arg)
{
	entry(arg);
	kern_exit(0);
}
