// SPDX-License-Identifier: MIT
/*
 * Threads and the cooperative scheduler (CONFIG_THREADS).
 *
 * A thread lives in one run of pages: guard page, canary zone, stack, TLS
 * block, then the struct thread itself at the top.  One allocation per
 * thread keeps creation cheap and lets the guard sit right where an
 * overflow lands.
 *
 * Stack overflows (CONFIG_STACK_GUARD).  The guard page is made
 * inaccessible through hal_mem_guard(), so an overflow faults at once, even
 * one that never yields: the image is built with -fstack-clash-protection,
 * so a frame larger than a page probes each page on its way down and
 * cannot jump over the guard.  kern_fault() (fault.c) then names the thread
 * (sched_fault_thread).  Above the guard, a canary zone filled with a
 * pattern is checked at every context switch: a second line, and the only
 * one on a platform that cannot protect memory (there the guard page is
 * filled and checked too).  An overflow found at a switch is reported from
 * a stack of its own, since the thread's may have no room left.
 *
 * There is no idle thread: the thread that blocks runs the idle loop on its
 * own stack until something becomes runnable, so an image with one thread
 * never switches at all.
 */
#include <errno.h>
#include <string.h>

#include <hal.h>
#include <hako/io.h>
#include <hako/kernel.h>
#include <hako/list.h>
#include <hako/page.h>
#include <hako/printk.h>
#include <hako/thread.h>
#include <hako/timer.h>
#include <hako/waitq.h>

#include "sched_internal.h"

enum thread_state { T_RUNNABLE, T_BLOCKED, T_ZOMBIE };

struct thread {
	struct hal_context ctx;
	struct list_node node; /* run queue or a wait queue */
	enum thread_state state;
	bool woken;	       /* by waitq_wake_*, not by the deadline */
	bool joined;
	bool detached;	       /* freed by the scheduler once it has ended */
	struct thread *joiner;
	void *(*fn)(void *);
	void *arg;
	void *result;
	uintptr_t tls_tp;
	void *mem; /* the page run holding guard, stack, TLS and this */
	size_t pages;
	char *stack_low;  /* lowest usable stack byte */
	char *stack_high; /* the stack's top (the first push goes below) */
	char *canary_low; /* the canary zone is [canary_low, stack_low) */
	bool guarded;	  /* hal_mem_guard() protects the page at mem */
	struct list_node all; /* every thread, for kern_fault() and debuggers */
	struct waitq *waiting_on; /* while blocked in waitq_wait() (build/gdb/hako.py) */
	struct timer timer;
	int errno_val;
	char name[24];
};

#ifdef CONFIG_STACK_GUARD
#define GUARD_BYTES PAGE_SIZE
/* Enough for the deepest path below a switch's check (idle, hal_wait). */
#define CANARY_BYTES 1024
#else
#define GUARD_BYTES 0
#define CANARY_BYTES 0
#endif
#define GUARD_WORD 0x5afe57ac6b0a7d5eULL

static struct list_node runq = LIST_HEAD_INIT(runq);
/* Detached threads that ended, to be freed off their own stacks. */
static struct list_node dead = LIST_HEAD_INIT(dead);
static struct list_node threads = LIST_HEAD_INIT(threads);
static struct thread *current;
static struct thread *main_thread;
static struct waitq io_waiters[HAL_MAX_HANDLES];
static unsigned io_waiting; /* threads blocked in io_wait() */
static struct waitq shutdown_wq = { LIST_HEAD_INIT(shutdown_wq.waiters) };
static unsigned shutdown_waiting; /* threads blocked in kern_wait_shutdown() */
static struct sched_stats stats;
static struct hal_context boot_ctx;

int *__errno_location(void)
{
	static int early_errno;

	return current ? &current->errno_val : &early_errno;
}

struct thread *thread_self(void)
{
	return current;
}

const char *thread_name(const struct thread *t)
{
	return t ? t->name : "boot";
}

void sched_get_stats(struct sched_stats *st)
{
	*st = stats;
}

void thread_stack(const struct thread *t, struct thread_stack *st)
{
	if (!t)
		t = current;
	*st = (struct thread_stack){ 0 };
	if (!t)
		return;
	st->low = (uintptr_t)t->stack_low;
	st->high = (uintptr_t)t->stack_high;
	st->canary = (uintptr_t)t->canary_low;
	if (t->guarded) {
		st->guard = (uintptr_t)t->mem;
		st->guard_len = GUARD_BYTES;
	}
}

#ifdef CONFIG_STACK_GUARD
const struct thread *sched_fault_thread(const struct hal_fault *f)
{
	struct list_node *n;
	struct thread *t;

	list_for_each(n, &threads) {
		t = list_entry(n, struct thread, all);
		if (t->guarded && f->flags & HAL_FAULT_ADDR && f->addr - (uintptr_t)t->mem < GUARD_BYTES)
			return t;
	}
	t = current;
	if (t && f->sp >= (uintptr_t)t->mem && f->sp < (uintptr_t)t->stack_low)
		return t;
	return NULL;
}

static struct {
	struct thread *t;
	const char *what;
	uintptr_t at;
	uintptr_t fp; /* the overflowing thread's frame, for the backtrace */
} overflow;

static void overflow_report(void *unused)
{
	struct thread *t = overflow.t;

	panic_at(overflow.fp, "stack overflow: thread '%s' ran off its %zu-byte stack (%s 0x%lx, "
		 "seen at a context switch)", t->name, (size_t)(t->stack_high - t->stack_low),
		 overflow.what, (unsigned long)overflow.at);
}

/* Report on a stack of our own: the thread's may have no room for panic(). */
static _Noreturn void stack_overflow(struct thread *t, const char *what, uintptr_t at)
{
	static char stack[2048] __attribute__((aligned(16)));
	struct hal_context here, report;

	overflow.t = t;
	overflow.what = what;
	overflow.at = at;
	overflow.fp = (uintptr_t)__builtin_frame_address(0);
	hal_context_init(&report, stack + sizeof(stack), overflow_report, NULL);
	hal_context_switch(&here, &report);
	__builtin_unreachable();
}
#endif

void sched_check_stack(void)
{
#ifdef CONFIG_STACK_GUARD
	struct thread *t = current;
	uint64_t *w;
	char *sp = __builtin_frame_address(0);

	if (!t)
		return;
	if (sp < t->stack_low)
		stack_overflow(t, "sp below the stack at", (uintptr_t)sp);
	w = (uint64_t *)t->canary_low;
	for (size_t i = 0; i < (size_t)(t->stack_low - t->canary_low) / 8; i++)
		if (w[i] != GUARD_WORD)
			stack_overflow(t, "canary damaged at", (uintptr_t)&w[i]);
#endif
}

static void wake(struct thread *t)
{
	if (t->state != T_BLOCKED)
		return;
	list_remove(&t->node);
	t->state = T_RUNNABLE;
	list_push_back(&runq, &t->node);
}

/* Could anything ever make a thread runnable again? */
static bool anything_to_wait_for(void)
{
	return timer_next_deadline() != UINT64_MAX || io_waiting || kern_shutdown_can_wake();
}

/* Idle until something is runnable: timers, then devices, then hal_wait. */
static struct thread *pick_next(void)
{
	static unsigned polls;
	struct list_node *n;
	hal_ready_set ready;

	for (;;) {
		timer_run_expired(hal_clock_monotonic());
		if (!list_empty(&runq) && (++polls & 63))
			break;
		if (list_empty(&runq) && !anything_to_wait_for())
			panic("deadlock: every thread is blocked and no timer or device can wake one");
		if (list_empty(&runq))
			pr_dbg(SCHED, "idle until %llu ns\n",
			       (unsigned long long)timer_next_deadline());
		ready = hal_wait(list_empty(&runq) ? timer_next_deadline() : 0);
		if (list_empty(&runq))
			stats.idle_waits++;
		if (ready & HAL_READY_SHUTDOWN)
			kern_handle_shutdown_request();
		for (unsigned h = 0; ready && h < HAL_MAX_HANDLES; h++)
			if (ready & ((hal_ready_set)1 << h))
				waitq_wake_all(&io_waiters[h]);
		if (!list_empty(&runq))
			break;
	}
	n = list_pop_front(&runq);
	return list_entry(n, struct thread, node);
}

/* Not inlined: a switched-away thread's saved return address then names
 * schedule()'s own line, which debuggers and hako.py show as where it waits. */
static void reap_dead(void) __attribute__((noinline));

/* Switch away from current, whose state the caller has set. */
static void schedule(void)
{
	struct thread *prev = current, *next;

	sched_check_stack();
	if (prev->state == T_RUNNABLE)
		list_push_back(&runq, &prev->node);
	next = pick_next();
	if (next == prev)
		return;
	current = next;
	stats.switches++;
#ifdef CONFIG_TLS
	hal_tls_set_base(next->tls_tp);
#endif
	hal_context_switch(&prev->ctx, &next->ctx);
	reap_dead();
}

static void thread_start(void *unused)
{
	reap_dead();
	thread_exit(current->fn(current->arg));
}

/*
 * A runnable thread that will start in entry(arg): one page run holding,
 * from the bottom, the guard page, the canary zone (with any rounding
 * slack), stack_size bytes of stack, the TLS block below the thread
 * pointer, and the struct thread.
 */
static struct thread *thread_alloc(const char *name, size_t stack_size,
				   void (*entry)(void *), void *arg)
{
	size_t tls = tls_block_size();
	size_t top = sizeof(struct thread) + tls + 256; /* with the alignments below */
	size_t pages;
	char *mem;
	struct thread *t;
	uintptr_t tp;

	if (stack_size > SIZE_MAX / 2) /* the sum below would wrap around */
		return NULL;
	pages = (GUARD_BYTES + CANARY_BYTES + stack_size + top + PAGE_SIZE - 1) / PAGE_SIZE;
	mem = page_alloc(pages, 1);
	if (!mem)
		return NULL;
	t = (struct thread *)(mem + pages * PAGE_SIZE - sizeof(struct thread));
	t = (struct thread *)((uintptr_t)t & ~(uintptr_t)63);
	memset(t, 0, sizeof(*t));
	tp = ((uintptr_t)t - 16) & ~(uintptr_t)63;
	t->tls_tp = tls_init_block(tp);
	t->mem = mem;
	t->pages = pages;
	t->stack_high = (char *)((tp - tls - 64) & ~(uintptr_t)15);
	t->stack_low = (char *)(((uintptr_t)t->stack_high - stack_size) & ~(uintptr_t)15);
	t->canary_low = t->stack_low;
	list_init(&t->node);
	strncpy(t->name, name ? name : "?", sizeof(t->name) - 1);
#ifdef CONFIG_STACK_GUARD
	t->guarded = hal_mem_guard((uintptr_t)mem, GUARD_BYTES, true) == HAL_OK;
	t->canary_low = t->guarded ? t->stack_low - CANARY_BYTES : mem;
	for (uint64_t *w = (uint64_t *)t->canary_low; w < (uint64_t *)t->stack_low; w++)
		*w = GUARD_WORD;
#endif
	list_push_back(&threads, &t->all);
	t->state = T_RUNNABLE;
	hal_context_init(&t->ctx, t->stack_high, entry, arg);
	return t;
}

struct thread *thread_create(const char *name, void *(*fn)(void *), void *arg,
			     size_t stack_size)
{
	struct thread *t = thread_alloc(name,
					stack_size ? stack_size : CONFIG_THREAD_STACK_KIB * 1024,
					thread_start, NULL);

	if (!t) {
		errno = ENOMEM;
		return NULL;
	}
	t->fn = fn;
	t->arg = arg;
	list_push_back(&runq, &t->node);
	stats.threads++;
	pr_dbg(SCHED, "thread '%s' created: stack [%p, %p), %zu pages%s\n", t->name,
	       (void *)t->stack_low, (void *)t->stack_high, t->pages,
	       t->guarded ? " with a guard page" : "");
	return t;
}

void thread_exit(void *result)
{
	struct thread *t = current;

	if (t == main_thread)
		kern_exit(0);
	t->result = result;
	t->state = T_ZOMBIE;
	pr_dbg(SCHED, "thread '%s' exits\n", t->name);
	if (t->detached)
		list_push_back(&dead, &t->node);
	if (t->joiner)
		wake(t->joiner);
	schedule();
	panic("zombie thread '%s' was scheduled", t->name);
}

/* Give an ended thread's pages back; it is off the CPU for good. */
static void thread_free(struct thread *t)
{
	stats.threads--;
	list_remove(&t->all);
	if (t->guarded && hal_mem_guard((uintptr_t)t->mem, GUARD_BYTES, false) != HAL_OK) {
		/* Never hand out a page that would fault: keep it. */
		pr_warn("sched: cannot unprotect the guard page of '%s'; keeping it\n", t->name);
		page_free((char *)t->mem + GUARD_BYTES, t->pages - GUARD_BYTES / PAGE_SIZE);
		return;
	}
	page_free(t->mem, t->pages);
}

/* Free the detached threads that ended: the caller runs on another stack,
 * and each of them switched away for the last time. */
static void reap_dead(void)
{
	while (!list_empty(&dead))
		thread_free(list_entry(list_pop_front(&dead), struct thread, node));
}

int thread_join(struct thread *t, void **result)
{
	if (t == current || t->joined)
		return -1;
	t->joined = true;
	while (t->state != T_ZOMBIE) {
		t->joiner = current;
		current->state = T_BLOCKED;
		schedule();
	}
	if (result)
		*result = t->result;
	pr_dbg(SCHED, "thread '%s' joined by '%s'\n", t->name, current->name);
	/* t switched away for the last time before we could run: its stack
	 * is no longer in use. */
	thread_free(t);
	return 0;
}

int thread_detach(struct thread *t)
{
	if (t->joined)
		return -1;
	t->joined = true;
	t->detached = true;
	if (t->state == T_ZOMBIE && t != current)
		thread_free(t);
	return 0;
}

void thread_yield(void)
{
	schedule();
}

static void timer_wake(void *arg)
{
	wake(arg);
}

bool waitq_wait(struct waitq *wq, uint64_t deadline)
{
	struct thread *t = current;

	/* Queued already: a wait nested inside the idle loop of a thread
	 * that is itself waiting.  Linking the node twice would corrupt both
	 * lists and hang the next wake-up, silently. */
	if (!list_empty(&t->node))
		panic("thread '%s' waits while already waiting", t->name);
	t->woken = false;
	t->state = T_BLOCKED;
	t->waiting_on = wq;
	list_push_back(&wq->waiters, &t->node);
	if (deadline != WAITQ_FOREVER) {
		timer_init(&t->timer, timer_wake, t);
		timer_start(&t->timer, deadline);
	}
	schedule();
	t->waiting_on = NULL;
	if (deadline != WAITQ_FOREVER)
		timer_cancel(&t->timer);
	return t->woken;
}

void waitq_init(struct waitq *wq)
{
	list_init(&wq->waiters);
}

bool waitq_wake_one(struct waitq *wq)
{
	struct list_node *n = wq->waiters.next;
	struct thread *t;

	if (n == &wq->waiters)
		return false;
	t = list_entry(n, struct thread, node);
	t->woken = true;
	wake(t);
	return true;
}

int waitq_wake_all(struct waitq *wq)
{
	int n = 0;

	while (waitq_wake_one(wq))
		n++;
	return n;
}

void thread_sleep_until(uint64_t deadline)
{
	struct waitq never;

	waitq_init(&never);
	while (hal_clock_monotonic() < deadline)
		waitq_wait(&never, deadline);
}

void thread_sleep(uint64_t ns)
{
	thread_sleep_until(hal_clock_monotonic() + ns);
}

unsigned int sched_shutdown_waiters(void)
{
	return shutdown_waiting;
}

void sched_wake_shutdown_waiters(void)
{
	waitq_wake_all(&shutdown_wq);
}

bool kern_wait_shutdown(uint64_t deadline)
{
	while (!kern_shutdown_requested() && hal_clock_monotonic() < deadline) {
		shutdown_waiting++;
		waitq_wait(&shutdown_wq, deadline);
		shutdown_waiting--;
	}
	return kern_shutdown_requested();
}

/*
 * The exit a shutdown request starts runs the hooks, which block (a file
 * system's sync waits for its disk), on a thread of its own: requests
 * arrive in the idle loop, which runs on the stack of a thread that is
 * itself waiting.  Its pages are taken when the first hook is registered,
 * so that a request is honoured even when memory has run out by then.
 */
static struct thread *exit_thread;
static bool exit_thread_started;

static void *run_exit(void *unused)
{
	kern_exit(0);
}

int sched_reserve_exit_thread(void)
{
	if (exit_thread)
		return 0;
	exit_thread = thread_alloc("exit", CONFIG_THREAD_STACK_KIB * 1024, thread_start, NULL);
	if (!exit_thread)
		return -1;
	exit_thread->fn = run_exit;
	exit_thread->state = T_BLOCKED; /* on no queue: only the call below wakes it */
	return 0;
}

bool sched_start_exit_thread(void)
{
	if (!exit_thread || exit_thread_started)
		return false;
	exit_thread_started = true;
	stats.threads++;
	wake(exit_thread);
	return true;
}

void sched_park(void)
{
	struct waitq never;

	waitq_init(&never);
	for (;;)
		waitq_wait(&never, WAITQ_FOREVER);
}

bool io_wait(hal_handle_t h, uint64_t deadline)
{
	bool ready;

	if (h >= HAL_MAX_HANDLES)
		return false;
	io_waiting++;
	ready = waitq_wait(&io_waiters[h], deadline);
	io_waiting--;
	return ready;
}

/* Start the main thread on its own stack and never come back to boot's. */
void sched_start(void (*entry)(void *), void *arg)
{
	struct thread *t = thread_alloc("main", CONFIG_MAIN_STACK_KIB * 1024, entry, arg);

	if (!t)
		panic("out of memory for the main thread's %d KiB stack",
		      CONFIG_MAIN_STACK_KIB);
	for (unsigned h = 0; h < HAL_MAX_HANDLES; h++)
		waitq_init(&io_waiters[h]);
	current = t;
	main_thread = t;
	stats.threads = 1;
#ifdef CONFIG_TLS
	hal_tls_set_base(t->tls_tp);
#endif
	hal_context_switch(&boot_ctx, &t->ctx);
	panic("boot context resumed");
}
