// SPDX-License-Identifier: MIT
/*
 * The scheduler and its run queue (kernel/sched.c, kernel/tls_none.c) on
 * the host, switching stacks with the ports' own hal/x86_64/switch.S:
 * round-robin order of yields, wait queues (FIFO wake-up, timeouts),
 * sleeping in deadline order, join, per-thread errno, io_wait, the stack
 * canary's panic, and guard pages (protected at create, unprotected before
 * the pages are freed).
 *
 * Each test starts the scheduler with sched_start() from a boot stack of
 * its own and gets back to Check's stack when its main thread is done
 * (sched_start never returns).  The scheduler's state is static: every test
 * runs in its own child (CK_FORK forced).
 *
 * ASan is told about every stack switch (__sanitizer_*_switch_fiber), and
 * this file and sched.c are built with --param asan-stack=0 (see the
 * Makefile): thread stacks are page-allocator memory that is freed and
 * reused, where stale stack poisoning would be reported falsely.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <sanitizer/common_interface_defs.h>

#include <hal.h>
#include <hako/io.h>
#include <hako/page.h>
#include <hako/thread.h>
#include <hako/timer.h>
#include <hako/waitq.h>

#include "unit.h"

/* kernel/sched_internal.h and kernel.h */
_Noreturn void sched_start(void (*entry)(void *), void *arg);
unsigned int sched_shutdown_waiters(void);
void sched_wake_shutdown_waiters(void);
bool kern_wait_shutdown(uint64_t deadline);
int sched_reserve_exit_thread(void);
bool sched_start_exit_thread(void);
_Noreturn void sched_park(void);
/* sched.c's __errno_location, renamed for the host (see the Makefile) */
int *hako_errno_location(void);

/* ---------------------------------------------- context switch, for ASan */

void unit_raw_init(struct hal_context *ctx, void *stack_top, void (*entry)(void *), void *arg);
void unit_raw_switch(struct hal_context *from, struct hal_context *to);

static char *region_lo;

struct fiber {
	struct hal_context *ctx;
	const void *bottom;
	size_t size;
	void (*entry)(void *);
	void *arg;
};
static struct fiber fibers[256];
static int nfibers;
static struct fiber *cur_fiber;

static struct fiber *fiber_of(struct hal_context *ctx)
{
	for (int i = 0; i < nfibers; i++)
		if (fibers[i].ctx == ctx)
			return &fibers[i];
	if (nfibers == (int)(sizeof(fibers) / sizeof(fibers[0])))
		abort();
	fibers[nfibers].ctx = ctx;
	return &fibers[nfibers++];
}

static void fiber_start(void *arg)
{
	struct fiber *f = arg;

	__sanitizer_finish_switch_fiber(NULL, NULL, NULL);
	cur_fiber = f;
	f->entry(f->arg);
	abort(); /* entries never return */
}

void hal_context_init(struct hal_context *ctx, void *stack_top, void (*entry)(void *), void *arg)
{
	struct fiber *f = fiber_of(ctx);

	/* A thread's stack lies somewhere below stack_top in the page
	 * allocator's region: call all of that below it the stack.  Any
	 * other stack (sched.c's overflow report's, in .bss) is taken to be
	 * 2 KiB. */
	f->bottom = region_lo;
	f->size = (size_t)((char *)stack_top - region_lo);
	if ((char *)stack_top <= region_lo) {
		f->bottom = (char *)stack_top - 2048;
		f->size = 2048;
	}
	f->entry = entry;
	f->arg = arg;
	unit_raw_init(ctx, stack_top, fiber_start, f);
}

void hal_context_switch(struct hal_context *from, struct hal_context *to)
{
	struct fiber *f = fiber_of(from), *t = fiber_of(to);
	void *fake = NULL;

	f->bottom = cur_fiber->bottom;
	f->size = cur_fiber->size;
	__sanitizer_start_switch_fiber(&fake, t->bottom, t->size);
	unit_raw_switch(from, to);
	__sanitizer_finish_switch_fiber(fake, NULL, NULL);
	cur_fiber = f;
}

/* ------------------------------------------------- the rest of the HAL */

static hal_ready_set ready_next;
static uint64_t ready_at = UINT64_MAX;
static unsigned hal_waits, shutdown_requests;

/* Time passes only here: to the deadline, or to when a device is ready. */
hal_ready_set hal_wait(uint64_t deadline)
{
	hal_waits++;
	if (ready_next && ready_at <= deadline) {
		hal_ready_set r = ready_next;

		if (unit_clock < ready_at)
			unit_clock = ready_at;
		ready_next = 0;
		return r;
	}
	if (deadline == UINT64_MAX) {
		fprintf(stderr, "hal_wait(forever): every thread is blocked\n");
		abort();
	}
	if (unit_clock < deadline)
		unit_clock = deadline;
	return 0;
}

/* hal_mem_guard: "cannot" unless a test turns on the real thing (mprotect
 * of the page allocator's region, which unit_map() made). */
static bool guard_works;
static unsigned guards, unguards;

int hal_mem_guard(uintptr_t base, size_t len, bool guard)
{
	if (!guard_works)
		return HAL_ENODEV;
	if (base % 4096 || len != 4096 || base < (uintptr_t)region_lo)
		abort();
	if (mprotect((void *)base, len, guard ? PROT_NONE : PROT_READ | PROT_WRITE))
		abort();
	if (guard)
		guards++;
	else
		unguards++;
	return HAL_OK;
}

/* A test's stand-in for the shutdown hooks: kern_exit runs it, then parks
 * (the image would end there). */
static void (*exit_hook)(void);

_Noreturn void kern_exit(int status)
{
	if (exit_hook) {
		exit_hook();
		sched_park();
	}
	fprintf(stderr, "kern_exit(%d)\n", status);
	abort();
}

static bool shutdown_can_wake;
/* How a request ends the image: 0 not at all, 1 on the exit thread (as
 * main.c does), 2 in place, inside the idle loop (as it used to). */
static int exit_on_request;

/* main.c's side of shutdown requests, reduced to what sched.c asks. */
void kern_handle_shutdown_request(void)
{
	shutdown_requests++;
	sched_wake_shutdown_waiters();
	if (exit_on_request == 1 && !sched_start_exit_thread())
		abort();
	if (exit_on_request == 2)
		kern_exit(0);
}

bool kern_shutdown_requested(void)
{
	return shutdown_requests > 0;
}

bool kern_shutdown_can_wake(void)
{
	return shutdown_can_wake && sched_shutdown_waiters();
}

/* --------------------------------------------------------- harness */

static struct hal_context check_ctx, boot_ctx, left_behind;
static void (*test_body)(void);
static char *boot_stack;

static void main_thread(void *unused)
{
	test_body();
	/* Back to Check's stack, for good. */
	hal_context_switch(&left_behind, &check_ctx);
	abort();
}

static void boot(void *unused)
{
	sched_start(main_thread, NULL);
}

/* Run body as the main thread of a fresh scheduler. */
static void run_threads(void (*body)(void))
{
	const size_t size = 32 << 20, boot_size = 256 << 10;
	struct fiber *cf = fiber_of(&check_ctx);

	region_lo = unit_map(size);
	page_add_region((uintptr_t)region_lo, size);
	boot_stack = malloc(boot_size);
	test_body = body;
	cf->bottom = NULL; /* Check's stack: ASan knows it already */
	cf->size = 0;
	cur_fiber = cf;
	hal_context_init(&boot_ctx, boot_stack + boot_size, boot, NULL);
	fiber_of(&boot_ctx)->bottom = boot_stack;
	fiber_of(&boot_ctx)->size = boot_size;
	hal_context_switch(&check_ctx, &boot_ctx);
	/* main_thread came back: the scheduler is left as it was */
}

#define STACK (256 << 10) /* ASan's frames are big: no 16 KiB stacks */

static char trace[4096];
static int ntrace;

static void note(char c)
{
	trace[ntrace++] = c;
	trace[ntrace] = '\0';
}

/* ------------------------------------------------------------ tests */

static void *yielder(void *arg)
{
	char c = *(const char *)arg;

	for (int i = 0; i < 3; i++) {
		note(c);
		thread_yield();
	}
	return (void *)(uintptr_t)c;
}

static void body_round_robin(void)
{
	struct thread *t[3];
	struct sched_stats st;
	void *res;

	ck_assert_str_eq(thread_name(thread_self()), "main");
	t[0] = thread_create("a", yielder, "a", STACK);
	t[1] = thread_create("b", yielder, "b", STACK);
	t[2] = thread_create("c", yielder, "c", STACK);
	sched_get_stats(&st);
	ck_assert_uint_eq(st.threads, 4);
	ck_assert_str_eq(thread_name(t[1]), "b");
	note('M');
	thread_yield(); /* a b c each run once, in creation order */
	note('M');
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(thread_join(t[i], &res), 0);
		ck_assert_uint_eq((uintptr_t)res, "abc"[i]);
	}
	ck_assert_str_eq(trace, "MabcMabcabc");
	sched_get_stats(&st);
	ck_assert_uint_eq(st.threads, 1);
	ck_assert_uint_ge(st.switches, 10);
}

START_TEST(round_robin)
{
	run_threads(body_round_robin);
}
END_TEST

static void *self_join(void *arg)
{
	ck_assert_int_eq(thread_join(thread_self(), NULL), -1);
	return arg;
}

static void body_join_rules(void)
{
	struct thread *t = thread_create("selfjoin", self_join, (void *)42, STACK);
	void *res = NULL;

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(thread_join(thread_self(), NULL), -1);
	ck_assert_int_eq(thread_join(t, &res), 0);
	ck_assert_uint_eq((uintptr_t)res, 42);
	/* create, join, repeat: every thread's pages go back */
	{
		struct page_stats before, ps;

		page_get_stats(&before);
		for (int i = 0; i < 200; i++) {
			t = thread_create(i % 2 ? "odd" : "even", self_join, NULL, STACK);
			ck_assert_int_eq(thread_join(t, NULL), 0);
			page_get_stats(&ps);
			ck_assert_uint_eq(ps.used, before.used);
		}
	}
}

START_TEST(join_rules_and_reuse)
{
	run_threads(body_join_rules);
}
END_TEST

static void *deep_exit(void *arg)
{
	thread_exit(arg); /* same as returning */
}

static void body_thread_exit(void)
{
	void *res;
	struct thread *t = thread_create("exit", deep_exit, (void *)7, STACK);

	ck_assert_int_eq(thread_join(t, &res), 0);
	ck_assert_uint_eq((uintptr_t)res, 7);
}

START_TEST(thread_exit_result)
{
	run_threads(body_thread_exit);
}
END_TEST

static struct waitq wq;

static void *waiter(void *arg)
{
	char c = *(const char *)arg;

	note(c);
	ck_assert(waitq_wait(&wq, WAITQ_FOREVER));
	note((char)(c - 32)); /* upper case once woken */
	return NULL;
}

static void body_waitq_fifo(void)
{
	struct thread *t[4];
	static const char *const names[] = {"a", "b", "c", "d"};

	waitq_init(&wq);
	ck_assert(!waitq_wake_one(&wq));
	for (int i = 0; i < 4; i++)
		t[i] = thread_create(names[i], waiter, (void *)names[i], STACK);
	thread_yield(); /* all four now wait, in order */
	ck_assert_str_eq(trace, "abcd");
	ck_assert(waitq_wake_one(&wq));
	ck_assert(waitq_wake_one(&wq));
	thread_yield();
	ck_assert_str_eq(trace, "abcdAB");
	ck_assert_int_eq(waitq_wake_all(&wq), 2);
	ck_assert_int_eq(waitq_wake_all(&wq), 0);
	for (int i = 0; i < 4; i++)
		thread_join(t[i], NULL);
	ck_assert_str_eq(trace, "abcdABCD");
}

START_TEST(waitq_fifo)
{
	run_threads(body_waitq_fifo);
}
END_TEST

static void *timed_waiter(void *arg)
{
	uint64_t deadline = (uintptr_t)arg;
	bool woken = waitq_wait(&wq, deadline);

	ck_assert(!woken);
	ck_assert_uint_ge(hal_clock_monotonic(), deadline);
	note('T');
	return NULL;
}

static void body_waitq_timeout(void)
{
	struct thread *t;

	waitq_init(&wq);
	unit_clock = 1000;
	t = thread_create("timed", timed_waiter, (void *)(uintptr_t)5000, STACK);
	ck_assert_int_eq(thread_join(t, NULL), 0); /* idles until 5000 */
	ck_assert_str_eq(trace, "T");
	ck_assert_uint_eq(unit_clock, 5000);
	ck_assert(!waitq_wake_one(&wq)); /* the timed-out waiter left the queue */
	/* woken before the deadline: true, and the timer is cancelled */
	ck_assert(waitq_wait(&wq, 3000) == false); /* nobody to wake us: times out at once */
	ck_assert_uint_eq(timer_next_deadline(), UINT64_MAX);
}

START_TEST(waitq_timeout)
{
	run_threads(body_waitq_timeout);
}
END_TEST

static void *sleeper(void *arg)
{
	uint64_t ns = (uintptr_t)arg;
	uint64_t start = hal_clock_monotonic();

	thread_sleep(ns);
	ck_assert_uint_ge(hal_clock_monotonic(), start + ns);
	note((char)('0' + ns / 1000));
	return NULL;
}

static void body_sleep_order(void)
{
	static const unsigned ms[] = {5, 1, 9, 3, 7, 3};
	struct thread *t[6];

	unit_clock = 0;
	for (int i = 0; i < 6; i++)
		t[i] = thread_create("sleeper", sleeper, (void *)(uintptr_t)(ms[i] * 1000), STACK);
	for (int i = 0; i < 6; i++)
		thread_join(t[i], NULL);
	ck_assert_str_eq(trace, "133579"); /* by deadline; the two 3s in start order */
	thread_sleep_until(20000);
	ck_assert_uint_ge(unit_clock, 20000);
	thread_sleep_until(10); /* in the past: returns at once */
}

START_TEST(sleep_in_deadline_order)
{
	run_threads(body_sleep_order);
}
END_TEST

static void *errno_thread(void *arg)
{
	*hako_errno_location() = (int)(uintptr_t)arg;
	thread_yield();
	ck_assert_int_eq(*hako_errno_location(), (int)(uintptr_t)arg);
	return NULL;
}

static void body_errno(void)
{
	struct thread *a = thread_create("e1", errno_thread, (void *)11, STACK);
	struct thread *b = thread_create("e2", errno_thread, (void *)22, STACK);

	*hako_errno_location() = 5;
	thread_join(a, NULL);
	thread_join(b, NULL);
	ck_assert_int_eq(*hako_errno_location(), 5);
}

START_TEST(errno_is_per_thread)
{
	run_threads(body_errno);
}
END_TEST

static void *io_thread(void *arg)
{
	ck_assert(io_wait(3, WAITQ_FOREVER));
	note('I');
	ck_assert(!io_wait(3, hal_clock_monotonic() + 100)); /* nothing: times out */
	ck_assert(!io_wait(HAL_MAX_HANDLES, WAITQ_FOREVER)); /* no such handle */
	return arg;
}

static void body_io_wait(void)
{
	struct thread *t = thread_create("io", io_thread, NULL, STACK);

	ready_next = (hal_ready_set)1 << 3;
	ready_at = 777;
	thread_join(t, NULL);
	ck_assert_str_eq(trace, "I");
	ck_assert_uint_ge(unit_clock, 777);
}

START_TEST(io_wait_wakes_on_ready_handle)
{
	run_threads(body_io_wait);
}
END_TEST

static void body_shutdown(void)
{
	ready_next = HAL_READY_SHUTDOWN;
	ready_at = 0;
	thread_sleep(1000); /* the idle loop sees the request */
	ck_assert_uint_eq(shutdown_requests, 1);
}

START_TEST(shutdown_request_reaches_the_kernel)
{
	run_threads(body_shutdown);
}
END_TEST

/* Waiting for a request with no timer armed is not a deadlock while the
 * platform can send one: the idle loop waits for ever (here: until the
 * fake request at time 500) instead of panicking. */
static void body_wait_shutdown(void)
{
	shutdown_requests = 0;
	shutdown_can_wake = true;
	ready_next = HAL_READY_SHUTDOWN;
	ready_at = 500;
	ck_assert(kern_wait_shutdown(UINT64_MAX));
	ck_assert_uint_eq(shutdown_requests, 1);
	ck_assert_uint_ge(unit_clock, 500);
	shutdown_can_wake = false;
}

START_TEST(waiting_for_shutdown_is_not_a_deadlock)
{
	run_threads(body_wait_shutdown);
}
END_TEST

/* The hooks a shutdown request runs may block (a sync waits for its
 * disk).  The request arrives in the idle loop of a thread that is itself
 * waiting (here: main, on gate); the hooks run on the exit thread, which
 * blocks in its turn, and then wakes gate: main's one wait ends normally. */
static struct waitq gate;
static const char *hook_ran_on;

static void blocking_hook(void)
{
	hook_ran_on = thread_name(thread_self());
	thread_sleep(50);
	waitq_wake_all(&gate);
}

static void body_exit_thread(void)
{
	ck_assert_int_eq(sched_reserve_exit_thread(), 0);
	ck_assert_int_eq(sched_reserve_exit_thread(), 0); /* one, however often asked */
	waitq_init(&gate);
	exit_hook = blocking_hook;
	exit_on_request = 1;
	ready_next = HAL_READY_SHUTDOWN;
	ready_at = 100;
	ck_assert(waitq_wait(&gate, 10000)); /* woken, not timed out */
	ck_assert_str_eq(hook_ran_on, "exit");
	ck_assert_uint_ge(unit_clock, 150);
	ck_assert(!sched_start_exit_thread()); /* once */
}

START_TEST(shutdown_hooks_run_on_the_exit_thread)
{
	run_threads(body_exit_thread);
}
END_TEST

/* The same hooks run in place, inside the idle loop: the hook's sleep
 * would queue main a second time.  That must panic (abort here), not
 * corrupt the wait queues and hang at the next wake-up. */
static void body_exit_in_place(void)
{
	waitq_init(&gate);
	exit_hook = blocking_hook;
	exit_on_request = 2;
	ready_next = HAL_READY_SHUTDOWN;
	ready_at = 100;
	waitq_wait(&gate, 10000);
}

START_TEST(a_wait_nested_in_the_idle_loop_panics)
{
	run_threads(body_exit_in_place);
}
END_TEST

START_TEST(no_memory_for_a_thread)
{
	/* not run_threads: no scheduler, no memory */
	errno = 0;
	*hako_errno_location() = 0;
	ck_assert_ptr_null(thread_create("big", yielder, "x", 1 << 20));
	ck_assert_int_eq(*hako_errno_location(), ENOMEM);
}
END_TEST

/*
 * A stack size no memory can hold must give NULL and ENOMEM; sched.c's
 * thread_alloc adds it to the guard and header sizes, which wraps around
 * to a one-page "stack" for sizes near SIZE_MAX.
 */
static void body_huge_stack(void)
{
	static const size_t sizes[] = {SIZE_MAX, SIZE_MAX - 4096, SIZE_MAX / 2, (size_t)1 << 40};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct thread *t;

		*hako_errno_location() = 0;
		t = thread_create("huge", yielder, "h", sizes[i]);
		ck_assert_msg(t == NULL, "thread_create with a %#zx-byte stack succeeded",
			      sizes[i]);
		ck_assert_int_eq(*hako_errno_location(), ENOMEM);
	}
}

START_TEST(huge_stack_size_fails_cleanly)
{
	run_threads(body_huge_stack);
}
END_TEST

static void body_long_name(void)
{
	struct thread *t =
	    thread_create("a-thread-name-longer-than-23-characters", self_join, NULL, STACK);

	ck_assert_str_eq(thread_name(t), "a-thread-name-longer-th");
	ck_assert_str_eq(thread_name(NULL), "boot");
	thread_join(t, NULL);
}

START_TEST(names_are_copied_and_cut)
{
	run_threads(body_long_name);
}
END_TEST

/* Damage the guard zone below this thread's stack: the next switch must
 * panic.  The guard is the page of GUARD_WORDs lowest in the thread's run. */
static void *smash_guard(void *arg)
{
	uint64_t *p = (uint64_t *)((uintptr_t)__builtin_frame_address(0) & ~(uintptr_t)4095);

	while (*p != 0x5afe57ac6b0a7d5eULL || p[511] != 0x5afe57ac6b0a7d5eULL)
		p -= 512;
	p[100] = 0;
	thread_yield();
	return arg;
}

static void *report_stack(void *arg)
{
	thread_stack(NULL, arg);
	thread_yield();
	return arg;
}

/* With a platform that protects memory: one guard page per thread (main
 * included), right below the canary zone, given back before the pages
 * are freed (writing to it afterwards would fault). */
static void body_guard_pages(void)
{
	struct thread_stack st[3], mine;
	struct thread *t[3];

	ck_assert_uint_eq(guards, 1); /* main's */
	for (int i = 0; i < 3; i++)
		t[i] = thread_create("guarded", report_stack, &st[i], STACK);
	ck_assert_uint_eq(guards, 4);
	for (int i = 0; i < 3; i++)
		thread_join(t[i], NULL);
	ck_assert_uint_eq(unguards, 3);
	for (int i = 0; i < 3; i++) {
		ck_assert_uint_eq(st[i].guard_len, 4096);
		ck_assert_uint_eq(st[i].high - st[i].low, STACK);
		ck_assert(st[i].guard + 4096 <= st[i].canary && st[i].canary < st[i].low);
		memset((void *)st[i].guard, 0, 4096);
	}
	thread_stack(NULL, &mine);
	ck_assert_uint_eq(mine.guard_len, 4096);
}

START_TEST(guard_pages_protected_and_given_back)
{
	guard_works = true;
	run_threads(body_guard_pages);
}
END_TEST

static void body_guard(void)
{
	struct thread *t = thread_create("smasher", smash_guard, NULL, STACK);

	thread_join(t, NULL);
}

START_TEST(stack_guard_damage_panics)
{
	run_threads(body_guard);
}
END_TEST

void unit_register(void)
{
	Suite *s = suite_create("sched");
	TCase *tc = unit_tcase("sched");

	trace[0] = '\0';
	tcase_add_test(tc, round_robin);
	tcase_add_test(tc, join_rules_and_reuse);
	tcase_add_test(tc, thread_exit_result);
	tcase_add_test(tc, waitq_fifo);
	tcase_add_test(tc, waitq_timeout);
	tcase_add_test(tc, sleep_in_deadline_order);
	tcase_add_test(tc, errno_is_per_thread);
	tcase_add_test(tc, io_wait_wakes_on_ready_handle);
	tcase_add_test(tc, shutdown_request_reaches_the_kernel);
	tcase_add_test(tc, waiting_for_shutdown_is_not_a_deadlock);
	tcase_add_test(tc, shutdown_hooks_run_on_the_exit_thread);
	tcase_add_test_raise_signal(tc, a_wait_nested_in_the_idle_loop_panics, SIGABRT);
	tcase_add_test(tc, no_memory_for_a_thread);
	tcase_add_test(tc, huge_stack_size_fails_cleanly);
	tcase_add_test(tc, names_are_copied_and_cut);
	tcase_add_test_raise_signal(tc, stack_guard_damage_panics, SIGABRT);
	tcase_add_test(tc, guard_pages_protected_and_given_back);
	suite_add_tcase(s, tc);
	unit_add_suite(s, true);
}
