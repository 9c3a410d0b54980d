// SPDX-License-Identifier: MIT
/*
 * Exceptions and callbacks: the trap table and the event/failsafe callback
 * registration.  A fault in a unikernel is a bug, so every exception goes
 * to kern_fault() through the shared x86_64 reporter (hal/x86_64/fault.c),
 * except a page fault on the part of memory mm.c maps on first touch.
 * Built with -mgeneral-regs-only: the path that returns must not touch the
 * interrupted code's SSE state.
 */
#include <stdint.h>

#include <hako/printk.h>
#include <x86_64/fault.h>

#include "hypercall.h"
#include "port.h"

/* entry.S's trap_common leaves a struct x86_trap_frame on the stack: the
 * registers, vector, error code (0 when none) and Xen's iret frame. */
void xen_trap(struct x86_trap_frame *f);
/* entry.S: x86_fault() on the port's emergency stack. */
_Noreturn void xen_fatal(const struct x86_trap_frame *f, uint64_t cr2, const char *what);
void xen_upcall_entry(void);
void xen_failsafe_entry(void);

/* The exceptions entry.S has a stub for (x86_vector_name() names them). */
#define TRAPS(X)                                                                         \
	X(0) X(1) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(16)  \
	X(17) X(18) X(19)

#define DECLARE(v) void xen_trap_##v(void);
TRAPS(DECLARE)

/* flags: bits 0-1 the privilege level allowed to raise it with INT n (0:
 * none, so only the CPU can), bit 2 would mask events on entry (we do not:
 * a panic needs the console, which polls with events masked anyway). */
#define ENTRY(v) { v, (v) == 3 ? 3 : 0, FLAT_KERNEL_CS, (unsigned long)xen_trap_##v },
static const struct trap_info trap_table[] = { TRAPS(ENTRY){ 0, 0, 0, 0 } };

/* Returns only when the fault was a first touch of the physmap. */
void xen_trap(struct x86_trap_frame *f)
{
	uint64_t cr2 = 0;

	if (f->vector == X86_VEC_PAGE_FAULT) {
		cr2 = xen_shared->vcpu_info[0].arch.cr2;
		if (!(f->error & X86_PF_PRESENT) && xen_mm_fault(cr2))
			return;
	}
	xen_fatal(f, cr2, f->vector == 256 ? "failsafe callback (bad segment on return)" : NULL);
}

void xen_traps_init(void)
{
	xen_check("set_trap_table", hyp_set_trap_table(trap_table));
}

void xen_callbacks_init(void)
{
	struct callback_register event = {
		.type = CALLBACKTYPE_event,
		.address = (unsigned long)xen_upcall_entry,
	};
	struct callback_register failsafe = {
		.type = CALLBACKTYPE_failsafe,
		.address = (unsigned long)xen_failsafe_entry,
	};

	xen_check("callback_op(register event)", hyp_callback_op(CALLBACKOP_register, &event));
	xen_check("callback_op(register failsafe)",
		  hyp_callback_op(CALLBACKOP_register, &failsafe));
}
