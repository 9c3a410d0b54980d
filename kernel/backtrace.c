// SPDX-License-Identifier: MIT
/*
 * Backtraces (CONFIG_BACKTRACE): the call chain along the frame pointers,
 * named from the in-image symbol table where there is one (ksyms.c).
 *
 * A frame record is two words, the caller's frame pointer then the return
 * address, at the address the frame pointer holds: x86_64's push %rbp; mov
 * %rsp, %rbp and AArch64's stp x29, x30, [sp, #-N]!; mov x29, sp both leave
 * that, so the walk is the same on every architecture.  A chain ends where
 * a thread began (hal_context_init leaves a zero frame pointer) or at
 * kern_main's frame on the boot stack.
 *
 * The chain is data on a stack that may be what went wrong, so every frame
 * pointer is checked before it is read: aligned, inside the stack the walk
 * is on (the current thread's, down to its guard page, or the boot stack
 * from the starting stack pointer up to kern_main's frame), and above the
 * previous one (a caller's frame is always higher: a loop cannot pass); with
 * a symbol table, each return address must also be in the image's code.
 * The first check that fails ends the trace with a note saying which: a
 * backtrace never faults.  Deep chains (a runaway recursion) show their
 * innermost and outermost frames.
 */
#include <stdbool.h>

#include <hal.h>
#include <hako/debug.h>
#include <hako/printk.h>
#include <hako/thread.h>

#include "backtrace.h"
#include "ksyms.h"

#define HEAD 16			/* innermost frames shown */
#define TAIL 4			/* outermost frames shown after a gap */
#define BOOT_STACK_MAX 0x100000 /* no port's boot stack is larger */
#define WORD sizeof(uintptr_t)

uintptr_t backtrace_boot_frame;

struct walk {
	uintptr_t lo, hi; /* frame records must lie in [lo, hi) */
	unsigned n;	  /* frames so far */
	uintptr_t tail[TAIL];
	uintptr_t lr;	  /* a fault's link register, until looked at */
	long ip_fn;	  /* the faulting function (ksym_index), or -1 */
};

static void frame(unsigned n, uintptr_t addr, bool ret)
{
	uintptr_t off = 0;
	/* A return address may be just past a call to a noreturn function,
	 * at the next function's first byte: name the call's function. */
	const char *name = ksym_name(addr - ret, &off);

	if (name)
		printk(LOG_EMERG, "   #%-2u 0x%016lx %s+0x%lx\n", n, (unsigned long)addr, name,
		       (unsigned long)(off + ret));
	else /* no table, or not in it */
		printk(LOG_EMERG, "   #%-2u 0x%016lx\n", n, (unsigned long)addr);
}

static void add(struct walk *w, uintptr_t addr, bool ret)
{
	if (w->n < HEAD)
		frame(w->n, addr, ret);
	else
		w->tail[w->n % TAIL] = addr;
	w->n++;
}

/* The stack a walk starting at sp may read: the current thread's, or the
 * boot stack between sp and kern_main's frame record. */
static bool bounds(struct walk *w, uintptr_t sp)
{
	struct thread_stack st;

	thread_stack(NULL, &st);
	if (st.high) {
		/* All of the thread's page run above the guard page is
		 * mapped: rounding slack and canary zone included. */
		w->lo = st.guard_len ? st.guard + st.guard_len : st.canary;
		w->hi = st.high;
		return true;
	}
	w->lo = sp;
	w->hi = backtrace_boot_frame + 2 * WORD;
	return backtrace_boot_frame && sp < w->hi && w->hi - sp <= BOOT_STACK_MAX;
}

/*
 * A fault in a function that has not stored its frame record yet (in its
 * prologue: AArch64 stores it after a large frame's stack-clash probes, and
 * leaf functions store none there) has its caller only in the link
 * register: show that when it names a function that is neither the
 * faulting one nor the chain's next.  (Once the record is stored the
 * register holds a return address into the function itself, or into the
 * chain's next: both skipped.)
 */
static void link_register(struct walk *w, uintptr_t next_ret)
{
	uintptr_t off;
	long fn = w->lr ? ksym_index(w->lr - 1, &off) : -1;

	if (fn >= 0 && fn != w->ip_fn && (!next_ret || fn != ksym_index(next_ret - 1, &off)))
		add(w, w->lr, true);
	w->lr = 0;
}

/* The chain from the frame record at fp, after the fault's ip if not 0. */
static void trace(uintptr_t ip, uintptr_t fp, uintptr_t sp, uintptr_t lr)
{
	struct walk w = { .lr = lr, .ip_fn = -1 };
	uintptr_t prev = 0, ret = 0, off;
	const char *why = NULL;

	printk(LOG_EMERG, "  backtrace:\n");
	if (ip) {
		add(&w, ip, false);
		w.ip_fn = ksym_index(ip, &off);
	}
	if (!bounds(&w, sp))
		why = "is on no stack the kernel knows";
	while (fp && !why) {
		const uintptr_t *rec = (const uintptr_t *)fp;

		if (fp % WORD)
			why = "is misaligned";
		else if (fp < w.lo || fp > w.hi - 2 * WORD)
			why = "is outside the stack";
		else if (fp <= prev)
			why = "does not climb the stack (a loop)";
		else if (ret = rec[1],
			 HAKO_IS_SET(CONFIG_KALLSYMS) && ksym_index(ret - 1, &off) < 0)
			why = "holds a return address outside the code";
		if (why)
			break;
		link_register(&w, ret);
		add(&w, ret, true);
		if (fp == backtrace_boot_frame)
			break; /* kern_main's: the boot stack's first frame */
		prev = fp;
		fp = rec[0];
	}
	link_register(&w, 0);
	if (w.n > HEAD) {
		unsigned first = w.n - TAIL > HEAD ? w.n - TAIL : HEAD;

		if (first > HEAD)
			printk(LOG_EMERG, "   ... %u frames not shown\n", first - HEAD);
		for (unsigned i = first; i < w.n; i++)
			frame(i, w.tail[i % TAIL], true);
	}
	if (!why)
		return;
	printk(LOG_EMERG, "  backtrace ends: frame pointer 0x%lx %s", (unsigned long)fp, why);
	if (*why == 'h') /* the return address */
		printk(LOG_EMERG, " (0x%lx)\n", (unsigned long)ret);
	else
		printk(LOG_EMERG, " [0x%lx, 0x%lx)\n", (unsigned long)w.lo, (unsigned long)w.hi);
}

void backtrace_from(uintptr_t fp)
{
	trace(0, fp, fp, 0);
}

void backtrace_fault(const struct hal_fault *f)
{
	trace(f->ip, f->fp, f->sp, f->lr);
}

__attribute__((noinline)) void dump_stack(void)
{
	backtrace_from((uintptr_t)__builtin_frame_address(0));
}
