// SPDX-License-Identifier: MIT
/*
 * AArch64 exceptions to kern_fault(): the syndrome (ESR) says what kind of
 * exception it was and, for aborts, why the access failed and whether it
 * was a write; FAR holds the faulting address.  Runs on the exception (or
 * signal) stack on the way to a panic and never returns, so it need not
 * care for the interrupted code's FP/SIMD state.
 */
#include <stdio.h>

#include <hal.h>
#include <hako/printk.h>

#include "fault.h"
#include "sysreg.h"

static const char *class_name(unsigned ec)
{
	switch (ec) {
	case ESR_EC_UNKNOWN: return "undefined instruction";
	case ESR_EC_FP: return "FP/SIMD access trapped";
	case ESR_EC_SVC64: return "SVC";
	case ESR_EC_SYSREG: return "trapped system register access";
	case ESR_EC_IABT_LOW:
	case ESR_EC_IABT_CUR: return "instruction abort";
	case ESR_EC_PC_ALIGN: return "PC alignment fault";
	case ESR_EC_DABT_LOW:
	case ESR_EC_DABT_CUR: return "data abort";
	case ESR_EC_SP_ALIGN: return "SP alignment fault";
	case ESR_EC_FP_EXC: return "floating-point exception";
	case ESR_EC_SERROR: return "SError";
	case ESR_EC_BRK: return "breakpoint (BRK)";
	default: return "exception";
	}
}

static bool is_abort(unsigned ec)
{
	return ec == ESR_EC_IABT_LOW || ec == ESR_EC_IABT_CUR || ec == ESR_EC_DABT_LOW ||
	       ec == ESR_EC_DABT_CUR;
}

/* The fault status code of an abort (ESR ISS[5:0]). */
static const char *status_name(unsigned fsc)
{
	switch (fsc & 0x3c) {
	case 0x04: return "translation fault";
	case 0x08: return "access flag fault";
	case 0x0c: return "permission fault";
	case 0x00: return "address size fault";
	}
	if (fsc == 0x21)
		return "alignment fault";
	if (fsc == 0x10)
		return "synchronous external abort";
	if (fsc == 0x30)
		return "TLB conflict abort";
	return "fault";
}

void a64_esr_describe(uint64_t esr, char *buf, unsigned long size)
{
	unsigned ec = ESR_EC(esr), fsc = ESR_FSC(esr);

	if (!is_abort(ec))
		snprintf(buf, size, "%s (ESR %#lx: class %#x)", class_name(ec),
			 (unsigned long)esr, ec);
	else
		snprintf(buf, size, "%s (ESR %#lx: %s, level %u)", class_name(ec),
			 (unsigned long)esr, status_name(fsc), fsc & 3);
}

static void dump(const struct hal_fault *f)
{
	const struct a64_regs *r = f->regs;

	for (int i = 0; i < 30; i += 2)
		printk(LOG_EMERG, "  x%-2d %016lx  x%-2d %016lx\n", i, (unsigned long)r->x[i],
		       i + 1, (unsigned long)r->x[i + 1]);
	printk(LOG_EMERG, "  x30 %016lx  sp  %016lx\n  elr %016lx  spsr %08lx  far %016lx\n",
	       (unsigned long)r->x[30], (unsigned long)r->sp, (unsigned long)r->elr,
	       (unsigned long)r->spsr, (unsigned long)r->far);
}

void a64_fault(const char *what_prefix, const struct a64_regs *r)
{
	static char what[128];
	unsigned ec = ESR_EC(r->esr), fsc = ESR_FSC(r->esr);
	struct hal_fault f = { .what = what, .ip = r->elr, .sp = r->sp, .fp = r->x[29],
			       .lr = r->x[30], .dump = dump, .regs = r };
	char desc[96];

	a64_esr_describe(r->esr, desc, sizeof(desc));
	snprintf(what, sizeof(what), "%s%s%s", what_prefix ? what_prefix : "",
		 what_prefix ? ": " : "", desc);
	if (is_abort(ec) && !(r->esr & ESR_ISS_FNV)) {
		f.addr = r->far;
		f.flags |= HAL_FAULT_ADDR;
		if ((fsc & 0x3c) == 0x04)
			f.flags |= HAL_FAULT_NOT_MAPPED;
	}
	if ((ec == ESR_EC_DABT_CUR || ec == ESR_EC_DABT_LOW) && r->esr & ESR_ISS_WNR)
		f.flags |= HAL_FAULT_WRITE;
	if (ec == ESR_EC_IABT_CUR || ec == ESR_EC_IABT_LOW)
		f.flags |= HAL_FAULT_EXEC;
	if (ec == ESR_EC_PC_ALIGN) {
		f.addr = r->far;
		f.flags |= HAL_FAULT_ADDR | HAL_FAULT_EXEC;
	}
	kern_fault(&f);
}
