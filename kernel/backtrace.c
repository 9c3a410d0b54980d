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

#define HEAD 16			/* innermost frames shown */
#define TAIL 4			/* outermost frames shown after a gap */
#define BOOT_STACK_MAX 0x100000 /* no port's boot stack is larger */
#define WORD sizeof(uintptr_t)

uintptr_t backtrace_boot_frame;

struct walk {
	uintptr_t lo, hi; /* frame records must lie in [lo, hi) */
	unsigned n;	  /* frames so far */
	uintptr_t tail[TAIL];
	uintptr_t lr;	    /* a fault's link register, until looked at */
	const char *ip_fn;  /* the faulting function's name */
};

static void frame(unsigned n, uintptr_t addr, bool ret)
{
	uintptr_t off;
	/* A return address may be just past a call to a noreturn function,
	 * at the next function's first byte: name the call's function. */
	const char *name = ksym_name(ret ? addr - 1 : addr, &off);

	if (name)
		printk(LOG_EMERG, "   #%-2u 0x%016lx %s+0x%lx\n", n, (unsigned long)addr, name,
		       (unsigned long)(off + ret));
	else
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
	w->n = 0;
	w->lr = 0;
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
 * prologue: AArch64 stores it after a large frame's stack-clash probes)
 * has its caller only in the link register: show that when it names a
 * function that is neither the faulting one nor the chain's next.  (Once
 * the record is stored the register holds the return address into the
 * function itself, or into the chain's next: both skipped.)
 */
static void link_register(struct walk *w, uintptr_t next_ret)
{
#ifdef CONFIG_KALLSYMS
	uintptr_t off;
	const char *fn = w->lr ? ksym_name(w->lr - 1, &off) : NULL;

	if (fn && fn != w->ip_fn && (!next_ret || fn != ksym_name(next_ret - 1, &off)))
		add(w, w->lr, true);
#endif
	w->lr = 0;
}

static void walk(struct walk *w, uintptr_t fp)
{
	uintptr_t prev = 0, ret = 0, off;
	const char *why = NULL;
	bool bad_ret = false;

	while (fp) {
		const uintptr_t *rec = (const uintptr_t *)fp;

		if (fp % WORD)
			why = "is misaligned";
		else if (fp < w->lo || fp > w->hi - 2 * WORD)
			why = "is outside the stack";
		else if (fp <= prev)
			why = "does not climb the stack (a loop)";
		if (why)
			break;
		ret = rec[1];
#ifdef CONFIG_KALLSYMS
		if (!ksym_name(ret - 1, &off)) {
			why = "holds a return address outside the code";
			bad_ret = true;
			break;
		}
#endif
		(void)off;
		link_register(w, ret);
		add(w, ret, true);
		if (fp == backtrace_boot_frame)
			break; /* kern_main's: the boot stack's first frame */
		prev = fp;
		fp = rec[0];
	}
	link_register(w, 0);
	if (w->n > HEAD) {
		unsigned first = w->n - TAIL > HEAD ? w->n - TAIL : HEAD;

		if (first > HEAD)
			printk(LOG_EMERG, "   ... %u frames not shown\n", first - HEAD);
		for (unsigned i = first; i < w->n; i++)
			frame(i, w->tail[i % TAIL], true);
	}
	if (why == NULL)
		return;
	printk(LOG_EMERG, "  backtrace ends: frame pointer 0x%lx %s", (unsigned long)fp, why);
	if (bad_ret)
		printk(LOG_EMERG, " (0x%lx)\n", (unsigned long)ret);
	else
		printk(LOG_EMERG, " [0x%lx, 0x%lx)\n", (unsigned long)w->lo, (unsigned long)w->hi);
}

void backtrace_from(uintptr_t fp)
{
	struct walk w;

	printk(LOG_EMERG, "  backtrace:\n");
	if (!bounds(&w, fp)) {
		printk(LOG_EMERG, "  backtrace ends: frame pointer 0x%lx is on no known stack\n",
		       (unsigned long)fp);
		return;
	}
	walk(&w, fp);
}

void backtrace_fault(const struct hal_fault *f)
{
	uintptr_t off;
	struct walk w;
	bool known = bounds(&w, f->sp);

	printk(LOG_EMERG, "  backtrace:\n");
	add(&w, f->ip, false);
	w.lr = f->lr;
	w.ip_fn = ksym_name(f->ip, &off);
	if (!known) {
		printk(LOG_EMERG, "  backtrace ends: stack pointer 0x%lx is on no known stack\n",
		       (unsigned long)f->sp);
		return;
	}
	walk(&w, f->fp);
}

__attribute__((noinline)) void dump_stack(void)
{
	backtrace_from((uintptr_t)__builtin_frame_address(0));
}
