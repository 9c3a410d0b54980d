// SPDX-License-Identifier: MIT
/*
 * Exceptions and callbacks: the trap table and the event/failsafe callback
 * registration.  A fault in a unikernel is a bug, so every exception panics
 * with its name, the faulting address and the instruction pointer (the
 * convention PORTING.md gives for all ports), except a page fault on the
 * part of memory mm.c maps on first touch.  Built with -mgeneral-regs-only:
 * the path that returns must not touch the interrupted code's SSE state.
 */
#include <stdint.h>

#include <hako/printk.h>
#include <x86_64/gprs.h>

#include "hypercall.h"
#include "port.h"

/* What entry.S's trap_common leaves on the stack (lowest address first). */
struct trap_frame {
	struct x86_gprs g; /* push_gprs (x86_64/gprs.h) */
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

void xen_trap(struct trap_frame *f);
void xen_upcall_entry(void);
void xen_failsafe_entry(void);

#define TRAPS(X)                                                                         \
	X(0, "divide error") X(1, "debug") X(3, "breakpoint") X(4, "overflow")            \
	X(5, "bound range") X(6, "invalid opcode") X(7, "device not available")           \
	X(8, "double fault") X(9, "coprocessor overrun") X(10, "invalid TSS")             \
	X(11, "segment not present") X(12, "stack fault") X(13, "general protection")    \
	X(14, "page fault") X(16, "x87 error") X(17, "alignment check")                   \
	X(18, "machine check") X(19, "SIMD error")

#define DECLARE(v, name) void xen_trap_##v(void);
TRAPS(DECLARE)

/* flags: bits 0-1 the privilege level allowed to raise it with INT n (0:
 * none, so only the CPU can), bit 2 would mask events on entry (we do not:
 * a panic needs the console, which polls with events masked anyway). */
#define ENTRY(v, name) { v, (v) == 3 ? 3 : 0, FLAT_KERNEL_CS, (unsigned long)xen_trap_##v },
static const struct trap_info trap_table[] = { TRAPS(ENTRY){ 0, 0, 0, 0 } };

static const char *trap_name(uint64_t v)
{
#define NAME(n, name) case n: return name;
	switch (v) {
	TRAPS(NAME)
	case 256:
		return "failsafe callback (bad segment on return)";
	}
	return "unknown trap";
#undef NAME
}

/* Returns only when the fault was a first touch of the physmap. */
void xen_trap(struct trap_frame *f)
{
	if (f->vector == 14) {
		uint64_t addr = xen_shared->vcpu_info[0].arch.cr2;

		if (!(f->error & 1) && xen_mm_fault(addr))
			return;
		panic("page fault (vector 14): %s at address %#lx (rip %#lx, error %#lx: %s, %s)",
		      addr < 4096 ? "NULL pointer dereference" : "fatal fault",
		      (unsigned long)addr, (unsigned long)f->rip, (unsigned long)f->error,
		      f->error & 2 ? "write" : f->error & 16 ? "instruction fetch" : "read",
		      f->error & 1 ? "protection violation" : "page not present");
	}
	panic("%s (vector %lu, error %#lx) at rip %#lx, rsp %#lx",
	      trap_name(f->vector), (unsigned long)f->vector, (unsigned long)f->error,
	      (unsigned long)f->rip, (unsigned long)f->rsp);
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
