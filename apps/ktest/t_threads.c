// SPDX-License-Identifier: MIT
/* Threads, scheduling, sleeping, timers, TLS and clocks. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <hal.h>
#include <hako/kernel.h>
#include <hako/page.h>
#include <hako/thread.h>
#include <hako/timer.h>

#include "ktest.h"

static void *return_arg_times_two(void *arg)
{
	thread_yield();
	return (void *)((uintptr_t)arg * 2);
}

static void test_create_join(void)
{
	struct thread *t[16];
	struct sched_stats before, after;

	sched_get_stats(&before);
	for (uintptr_t i = 0; i < 16; i++) {
		t[i] = thread_create("worker", return_arg_times_two, (void *)i, 0);
		REQUIRE(t[i] != NULL);
	}
	sched_get_stats(&after);
	CHECK(after.threads == before.threads + 16);
	for (uintptr_t i = 0; i < 16; i++) {
		void *res = NULL;

		CHECK(thread_join(t[i], &res) == 0);
		CHECK_MSG(res == (void *)(i * 2), "thread %lu returned %p", (unsigned long)i, res);
	}
	sched_get_stats(&after);
	CHECK(after.threads == before.threads);
	CHECK(thread_join(thread_self(), NULL) == -1);
	REQUIRE(thread_name(thread_self()) != NULL);
	CHECK(!strcmp(thread_name(thread_self()), "main"));
}

static char trace[64];
static int trace_len;

static void *yielder(void *arg)
{
	for (int i = 0; i < 3; i++) {
		trace[trace_len++] = *(const char *)arg;
		thread_yield();
	}
	return NULL;
}

static void test_yield_round_robin(void)
{
	struct thread *a, *b, *c;

	trace_len = 0;
	a = thread_create("a", yielder, "a", 0);
	b = thread_create("b", yielder, "b", 0);
	c = thread_create("c", yielder, "c", 0);
	REQUIRE(a && b && c);
	thread_join(a, NULL);
	thread_join(b, NULL);
	thread_join(c, NULL);
	trace[trace_len] = '\0';
	CHECK_MSG(!strcmp(trace, "abcabcabc"), "order was %s", trace);
}

static uint64_t wake_order[8];
static int wakes;
static uint64_t sleep_base;

/* Deadlines share one base, taken once every sleeper exists but before any
 * has run (creating a thread does not switch to it) and 20 ms ahead: every
 * sleeper is asleep before the first deadline even on a slow, loaded TCG
 * host, so the order they wake in depends on the deadlines alone. */
static void *sleeper(void *arg)
{
	uint64_t ms = (uintptr_t)arg;
	uint64_t deadline = sleep_base + ms * MS;

	thread_sleep_until(deadline);
	CHECK_MSG(hal_clock_monotonic() >= deadline, "woke %lu ns before its deadline",
		  (unsigned long)(deadline - hal_clock_monotonic()));
	wake_order[wakes++] = ms;
	return NULL;
}

static void test_sleep_order(void)
{
	static const uintptr_t ms[] = { 40, 10, 30, 0, 20, 5 };
	struct thread *t[6];

	wakes = 0;
	for (int i = 0; i < 6; i++) {
		t[i] = thread_create("sleeper", sleeper, (void *)ms[i], 0);
		REQUIRE(t[i] != NULL);
	}
	/* None has run yet (they start when we block): creating them, which
	 * costs a hypercall each on Xen, does not eat into the deadlines; and
	 * 20 ms of margin let all six fall asleep before the first deadline
	 * even when a loaded host stalls TCG for a few ms. */
	sleep_base = hal_clock_monotonic() + 20 * MS;
	for (int i = 0; i < 6; i++)
		thread_join(t[i], NULL);
	CHECK(wakes == 6);
	for (int i = 1; i < wakes; i++)
		CHECK_MSG(wake_order[i - 1] <= wake_order[i], "woke %lu ms before %lu ms",
			  (unsigned long)wake_order[i], (unsigned long)wake_order[i - 1]);
}

static void test_sleep_idles(void)
{
	struct sched_stats a, b;
	uint64_t t0 = hal_clock_monotonic();

	sched_get_stats(&a);
	thread_sleep(20 * MS);
	sched_get_stats(&b);
	CHECK(hal_clock_monotonic() - t0 >= 20 * MS);
	/* Sleeping must wait in the HAL, not spin: a handful of waits at most. */
	CHECK_MSG(b.idle_waits - a.idle_waits >= 1 && b.idle_waits - a.idle_waits < 50,
		  "%lu idle waits for one sleep", (unsigned long)(b.idle_waits - a.idle_waits));
}

static int fired[8], nfired;

static void on_timer(void *arg)
{
	if (nfired < (int)(sizeof(fired) / sizeof(fired[0])))
		fired[nfired] = (int)(uintptr_t)arg;
	nfired++;
}

static void test_timers(void)
{
	struct timer t[4];
	uint64_t now = hal_clock_monotonic();

	nfired = 0;
	timer_init(&t[0], on_timer, (void *)0);
	timer_init(&t[1], on_timer, (void *)1);
	timer_init(&t[2], on_timer, (void *)2);
	timer_init(&t[3], on_timer, (void *)3);
	timer_start(&t[0], now + 15 * MS);
	timer_start(&t[1], now + 5 * MS);
	timer_start(&t[2], now + 10 * MS);
	timer_start(&t[3], now + 8 * MS);
	CHECK(timer_cancel(&t[3]));
	CHECK(!timer_cancel(&t[3]));
	thread_sleep(30 * MS);
	CHECK_MSG(nfired == 3, "%d timers fired", nfired);
	CHECK(fired[0] == 1 && fired[1] == 2 && fired[2] == 0);
}

static __thread int tls_counter = 42;
static __thread char tls_zeroed[100];

static void *tls_worker(void *arg)
{
	int base = (int)(uintptr_t)arg;
	bool zero = true;

	for (int i = 0; i < 100; i++)
		zero &= tls_zeroed[i] == 0;
	CHECK(zero);
	CHECK_MSG(tls_counter == 42, "tls_counter starts at %d", tls_counter);
	tls_counter = base;
	memset(tls_zeroed, base, sizeof(tls_zeroed));
	errno = base;
	for (int i = 0; i < 5; i++) {
		thread_yield();
		tls_counter++;
	}
	CHECK(tls_counter == base + 5);
	CHECK(tls_zeroed[99] == (char)base);
	CHECK_MSG(errno == base, "errno %d, expected %d", errno, base);
	return NULL;
}

static void test_tls_and_errno(void)
{
	struct thread *a = thread_create("tls-a", tls_worker, (void *)1000, 0);
	struct thread *b = thread_create("tls-b", tls_worker, (void *)2000, 0);

	REQUIRE(a && b);
	errno = 7;
	thread_join(a, NULL);
	thread_join(b, NULL);
	CHECK(errno == 7);
	CHECK(tls_counter == 42);
}

static int deep(int n)
{
	volatile char buf[512];

	buf[0] = (char)n;
	buf[511] = (char)n;
	return n ? deep(n - 1) + buf[0] + buf[511] : 0;
}

static void *use_stack(void *arg)
{
	/* About 12 KiB of a 16 KiB stack: deep, but inside. */
	return (void *)(uintptr_t)deep(22);
}

static void test_stack_within_bounds(void)
{
	struct thread *t = thread_create("deep", use_stack, NULL, 16384);
	void *res;

	REQUIRE(t != NULL);
	thread_join(t, &res);
	CHECK(res == (void *)(uintptr_t)(2 * (22 * 23 / 2)));
}

/* Can hal_mem_guard() protect a free page?  (Unprotected after, and
 * written to: a page left protected would fault here.) */
static bool platform_guards(void)
{
	volatile char *p = page_alloc(1, 1);
	bool ok;

	if (!p)
		return false;
	ok = hal_mem_guard((uintptr_t)p, PAGE_SIZE, true) == HAL_OK;
	if (ok)
		CHECK(hal_mem_guard((uintptr_t)p, PAGE_SIZE, false) == HAL_OK);
	p[0] = 1;
	p[PAGE_SIZE - 1] = 1;
	page_free((void *)p, 1);
	return ok;
}

static void *stack_of_self(void *arg)
{
	thread_stack(NULL, arg);
	return __builtin_frame_address(0);
}

/* The layout thread_stack() promises, around a stack pointer seen in it. */
static void check_stack(const char *who, const struct thread_stack *st, uintptr_t sp,
			size_t size, bool guarded)
{
	CHECK_MSG(!size || st->high - st->low == size, "%s: %lu-byte stack, asked %lu", who,
		  (unsigned long)(st->high - st->low), (unsigned long)size);
	CHECK_MSG(sp >= st->low && sp < st->high, "%s: sp %#lx outside [%#lx, %#lx)", who,
		  (unsigned long)sp, (unsigned long)st->low, (unsigned long)st->high);
	CHECK_MSG(st->canary < st->low, "%s: no canary zone below the stack", who);
	if (!guarded) {
		CHECK_MSG(st->guard_len == 0, "%s: a guard the platform cannot make", who);
		return;
	}
	CHECK_MSG(st->guard_len == PAGE_SIZE && st->guard % PAGE_SIZE == 0,
		  "%s: guard %#lx+%lu, expected one page", who, (unsigned long)st->guard,
		  (unsigned long)st->guard_len);
	CHECK_MSG(st->guard + st->guard_len <= st->canary &&
			  st->canary - (st->guard + st->guard_len) < PAGE_SIZE,
		  "%s: guard %#lx not right below the canary zone at %#lx", who,
		  (unsigned long)st->guard, (unsigned long)st->canary);
}

static void test_stack_guard_page(void)
{
	const char *p = kern_platform();
	bool guarded = platform_guards();
	struct thread_stack st, mine;
	struct thread *t;
	void *sp = NULL;

	/* Every port Hako has can protect memory; a new one may not. */
	if (!strcmp(p, "usermode") || !strcmp(p, "qemu-x86") || !strcmp(p, "xen"))
		CHECK_MSG(guarded, "hal_mem_guard() fails on %s", p);
	t = thread_create("guarded", stack_of_self, &st, 8192);
	REQUIRE(t != NULL);
	thread_join(t, &sp);
	check_stack("new thread", &st, (uintptr_t)sp, 8192, guarded);
	thread_stack(NULL, &mine);
	check_stack("main", &mine, (uintptr_t)__builtin_frame_address(0), 0, guarded);
}

/* Guard and unguard pages spread over a run larger than 2 MiB (on
 * qemu-x86 at least one lies in a 2 MiB page, which gets split): each is
 * writable again afterwards. */
static void test_mem_guard(void)
{
	size_t n = 640;
	char *run = page_alloc(n, 1);

	if (!run)
		run = page_alloc(n = 32, 1);
	REQUIRE(run != NULL);
	CHECK(hal_mem_guard((uintptr_t)run + 1, PAGE_SIZE, true) == HAL_EINVAL);
	CHECK(hal_mem_guard((uintptr_t)run, 100, true) == HAL_EINVAL);
	for (size_t i = 0; i < n; i += 7) {
		int rc = hal_mem_guard((uintptr_t)run + i * PAGE_SIZE, PAGE_SIZE, true);

		if (rc == HAL_ENODEV)
			break; /* a platform without protection: nothing else to see */
		CHECK_MSG(rc == HAL_OK, "guard page %lu: %d", (unsigned long)i, rc);
		CHECK(hal_mem_guard((uintptr_t)run + i * PAGE_SIZE, PAGE_SIZE, false) == HAL_OK);
	}
	CHECK(hal_mem_guard((uintptr_t)run, n * PAGE_SIZE, true) != HAL_EINVAL);
	CHECK(hal_mem_guard((uintptr_t)run, n * PAGE_SIZE, false) != HAL_EINVAL);
	for (size_t i = 0; i < n; i++)
		((volatile char *)run)[i * PAGE_SIZE + i % PAGE_SIZE] = (char)i;
	page_free(run, n);
}

static void *float_worker(void *arg)
{
	double x = (double)(uintptr_t)arg;

	for (int i = 0; i < 10; i++) {
		x = x * 1.5 + 0.25;
		thread_yield();
	}
	return (void *)(uintptr_t)(x * 1000.0);
}

static void test_float_across_switches(void)
{
	struct thread *a = thread_create("fa", float_worker, (void *)1, 0);
	struct thread *b = thread_create("fb", float_worker, (void *)2, 0);
	void *ra, *rb;
	double ea = 1, eb = 2;

	REQUIRE(a && b);
	for (int i = 0; i < 10; i++) {
		ea = ea * 1.5 + 0.25;
		eb = eb * 1.5 + 0.25;
	}
	thread_join(a, &ra);
	thread_join(b, &rb);
	CHECK(ra == (void *)(uintptr_t)(ea * 1000.0));
	CHECK(rb == (void *)(uintptr_t)(eb * 1000.0));
}

static void test_clocks(void)
{
	uint64_t a = hal_clock_monotonic(), b = hal_clock_monotonic();
	uint64_t wall = hal_clock_wall();

	CHECK(b >= a);
	/* Somewhere after 2020 and before 2100. */
	CHECK_MSG(wall > 1577836800ULL * 1000000000ULL && wall < 4102444800ULL * 1000000000ULL,
		  "wall clock %lu s", (unsigned long)(wall / 1000000000ULL));
	for (int i = 0; i < 1000; i++) {
		uint64_t c = hal_clock_monotonic();

		CHECK(c >= b);
		b = c;
	}
}

static void *detach_self(void *arg)
{
	int *ended = arg;

	CHECK(thread_detach(thread_self()) == 0);
	CHECK(thread_detach(thread_self()) == -1); /* only once */
	thread_yield();
	(*ended)++;
	return NULL;
}

static void *end_at_once(void *arg)
{
	(*(int *)arg)++;
	return NULL;
}

/* Detached threads are freed by the scheduler: detached before they end,
 * by themselves, or after they ended; none can be joined. */
static void test_detach(void)
{
	struct sched_stats before, after;
	struct page_stats pages_before, pages_after;
	struct thread *t;
	int ended = 0;

	sched_get_stats(&before);
	page_get_stats(&pages_before);
	for (int i = 0; i < 8; i++) {
		t = thread_create("detached", end_at_once, &ended, 0);
		REQUIRE(t != NULL);
		CHECK(thread_detach(t) == 0);
		CHECK(thread_join(t, NULL) == -1);
		REQUIRE(thread_create("self-detached", detach_self, &ended, 0) != NULL);
	}
	t = thread_create("ends-first", end_at_once, &ended, 0);
	REQUIRE(t != NULL);
	for (int i = 0; i < 100 && ended < 17; i++)
		thread_yield();
	CHECK_MSG(ended == 17, "%d of 17 threads ended", ended);
	CHECK(thread_detach(t) == 0); /* already ended: freed here */
	thread_yield(); /* the last self-detached one is freed off its stack */
	sched_get_stats(&after);
	page_get_stats(&pages_after);
	CHECK_MSG(after.threads == before.threads, "%zu threads, %zu before",
		  (size_t)after.threads, (size_t)before.threads);
	CHECK_MSG(pages_after.used == pages_before.used, "%zu pages in use, %zu before",
		  pages_after.used, pages_before.used);
}

const struct ktest_case ktest_threads[] = {
	{ "threads_create_join", test_create_join },
	{ "threads_detach", test_detach },
	{ "threads_round_robin", test_yield_round_robin },
	{ "sleep_order_by_deadline", test_sleep_order },
	{ "sleep_idles_in_hal", test_sleep_idles },
	{ "timers", test_timers },
	{ "tls_and_errno", test_tls_and_errno },
	{ "stack_within_bounds", test_stack_within_bounds },
	{ "stack_guard_page", test_stack_guard_page },
	{ "mem_guard_and_unguard", test_mem_guard },
	{ "float_across_switches", test_float_across_switches },
	{ "clocks", test_clocks },
	{ NULL, NULL },
};
