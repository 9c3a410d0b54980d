// SPDX-License-Identifier: MIT
/* Critical sections, the thread pointer, and the devices this port lacks. */
#include "qx.h"

#define RFLAGS_IF 0x200UL

unsigned long hal_irq_save(void)
{
	unsigned long flags;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags & RFLAGS_IF;
}

void hal_irq_restore(unsigned long flags)
{
	if (flags & RFLAGS_IF)
		__asm__ volatile("sti" ::: "memory");
}

int hal_tls_set_base(uintptr_t base)
{
	/* wrmsr faults on a non-canonical address: refuse it instead. */
	if ((uintptr_t)((intptr_t)(base << 16) >> 16) != base)
		return HAL_EIO;
	wrmsr(MSR_FS_BASE, base);
	return HAL_OK;
}
