// SPDX-License-Identifier: MIT
/*
 * kern_fault: the one place that says what a CPU exception or fatal signal
 * means, in one format on every port:
 *
 *   hako: panic in thread 'T': stack overflow: thread 'T' ran off its N-byte stack (...)
 *   hako: panic in thread 'T': NULL pointer dereference at address 0x0 (page fault, ...)
 *   hako: panic in thread 'T': general protection fault (ip 0x..., sp 0x...)
 *
 * then the port's register dump, the backtrace from the faulting
 * instruction (CONFIG_BACKTRACE), then hal_abort().  It runs on the stack
 * the port chose (an IST stack, the signal stack): it reads the scheduler's
 * thread records, never the stack that faulted.
 */
#include <stdio.h>

#include <hal.h>
#include <hako/printk.h>
#include <hako/thread.h>

#include "backtrace.h"
#include "sched_internal.h"

/* Faults below this address are taken for a NULL pointer plus an offset. */
#define NULL_PAGE 4096

/* The fault being reported, for debuggers: a core of the crashed image
 * still holds it (build/gdb/hako.py's hako-fault). */
const struct hal_fault *kern_last_fault;

void kern_fault(const struct hal_fault *f)
{
	const struct thread *t = sched_fault_thread(f);
	const char *what = f->what ? f->what : "fault";
	unsigned long ip = f->ip, sp = f->sp, a = f->addr;
	/* "write, not mapped, ": what the port could tell of the access */
	const char *acc = f->flags & HAL_FAULT_EXEC	 ? "instruction fetch, "
			  : f->flags & HAL_FAULT_WRITE ? "write, "
						       : "";
	const char *map = f->flags & HAL_FAULT_NOT_MAPPED ? "not mapped, " : "";

	kern_last_fault = f;
	panic_begin();
	if (t) {
		struct thread_stack st;

		thread_stack(t, &st);
		dprintf(2, "stack overflow: thread '%s' ran off its %zu-byte stack (%s",
			thread_name(t), (size_t)(st.high - st.low), what);
		if (f->flags & HAL_FAULT_ADDR)
			dprintf(2, " at address 0x%lx", a);
		dprintf(2, ", %s%ssp 0x%lx, ip 0x%lx)\n", acc, map, sp, ip);
	} else if (f->flags & HAL_FAULT_ADDR) {
		bool null = a < NULL_PAGE;

		dprintf(2, "%s at address 0x%lx (%s%s%s%sip 0x%lx)\n",
			null ? "NULL pointer dereference" : what, a, null ? what : "", null ? ", " : "",
			acc, map, ip);
	} else {
		dprintf(2, "%s (ip 0x%lx, sp 0x%lx)\n", what, ip, sp);
	}
	if (f->dump)
		f->dump(f);
	backtrace_fault(f);
	hal_abort("fault");
}
