// SPDX-License-Identifier: MIT
/*
 * The C end of vectors.S.  Interrupts are acknowledged, handed to the
 * device that raised them (which only records the event: hal.h's execution
 * model) and ended.  Synchronous exceptions panic through kern_fault() with
 * the syndrome decoded (hal/arm64/fault.c), except the semihosting probe.
 * Built -mgeneral-regs-only (port.mk): the interrupted code's FP/SIMD
 * registers are not saved.
 */
#include <arm64/fault.h>
#include <arm64/sysreg.h>
#include <hako/printk.h>

#include "qa.h"

long qa_semihost(long op, const void *arg);
extern volatile bool qa_semihost_missing;

static uint32_t timer_irq, gpio_irq;
static unsigned long unexpected_irqs;

void qa_trap_init(const struct qa_machine *m)
{
	timer_irq = m->timer_irq;
	gpio_irq = m->gpio ? m->gpio_irq : 0;
}

void qa_irq(struct a64_regs *r)
{
	/* Bounded: a line that stays asserted cannot keep us here for ever. */
	for (int n = 0; n < 16; n++) {
		uint32_t iar = qa_gic_ack(), id = iar & 0x3ff;

		if (id >= 1020)
			return;
		if (id == timer_irq)
			qa_timer_irq();
		else if (id == gpio_irq && gpio_irq)
			qa_button_irq();
		else if (!qa_devices_irq(id))
			unexpected_irqs++;
		qa_gic_eoi(iar);
	}
}

void qa_sync(struct a64_regs *r)
{
	if (ESR_EC(r->esr) == ESR_EC_UNKNOWN && r->elr == (uintptr_t)qa_semihost) {
		qa_semihost_missing = true;
		r->x[0] = (uint64_t)-1;
		r->elr += 4;
		return;
	}
	a64_fault(NULL, r);
}

_Noreturn void qa_unexpected(struct a64_regs *r, unsigned long kind)
{
	/* kind: vectors.S's KIND_FIQ (2), KIND_SERROR, KIND_LOWER */
	static const char *const names[] = { "FIQ", "SError", "exception from a lower EL" };

	panic("unexpected %s at pc %#lx (ESR %#lx)", names[kind >= 2 && kind <= 4 ? kind - 2 : 2],
	      (unsigned long)r->elr, (unsigned long)r->esr);
}
