// SPDX-License-Identifier: MIT
/*
 * Shutdown requests, run only on request (`ktest shutdown`): the harness
 * sends the platform's request (SIGTERM, xl shutdown, the ACPI button) once
 * the case says it is waiting.  Checks that waiting for a request is not a
 * deadlock, that a handler and a waiting thread both see it, and that the
 * image then keeps running without spinning: hal_wait() reports a request
 * once, so a sleep after it idles as any other.
 */
#include <stdio.h>

#include <hal.h>
#include <hako/kernel.h>
#include <hako/sync.h>
#include <hako/thread.h>

#include "ktest.h"

static struct semaphore posted;
static int handler_calls;

/* Called from the idle loop: must not block; wakes the waiter below. */
static void on_request(void)
{
	handler_calls++;
	sem_up(&posted);
}

static void *sem_waiter(void *arg)
{
	sem_down(&posted); /* no deadline: only the handler can wake it */
	return arg;
}

static void test_shutdown_request(void)
{
	struct sched_stats before, after;
	struct thread *t;
	uint64_t t0;
	void *res = NULL;

	sem_init(&posted, 0);
	kern_set_shutdown_handler(on_request);
	t = thread_create("sem-waiter", sem_waiter, (void *)42, 0);
	REQUIRE(t != NULL);
	CHECK(!kern_shutdown_requested());
	printf("ktest: waiting for a shutdown request\n");
	/* Main and the waiter block with no timer armed: only the platform's
	 * request can wake them, which the deadlock check must allow. */
	CHECK(kern_wait_shutdown(UINT64_MAX));
	CHECK(kern_shutdown_requested());
	CHECK(thread_join(t, &res) == 0);
	CHECK(res == (void *)42);
	CHECK_MSG(handler_calls == 1, "handler ran %d times", handler_calls);

	/* Draining after the request: a 200 ms sleep must idle, not spin. */
	sched_get_stats(&before);
	t0 = hal_clock_monotonic();
	thread_sleep(200 * MS);
	sched_get_stats(&after);
	CHECK(hal_clock_monotonic() - t0 >= 200 * MS);
	CHECK_MSG(after.idle_waits - before.idle_waits < 20,
		  "%lu idle waits in a 200 ms sleep after the request (spinning?)",
		  (unsigned long)(after.idle_waits - before.idle_waits));
	kern_set_shutdown_handler(NULL);
	printf("ktest: drained after the shutdown request\n");
}

const struct ktest_case ktest_on_request[] = {
	{ "shutdown", test_shutdown_request },
	{ NULL, NULL },
};
