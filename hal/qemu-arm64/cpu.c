// SPDX-License-Identifier: MIT
/* Critical sections: DAIF.I masks IRQs, the only asynchronous events. */
#include <arm64/sysreg.h>

#include "qa.h"

unsigned long hal_irq_save(void)
{
	unsigned long daif;

	__asm__ volatile("mrs %0, daif\n\tmsr daifset, #2" : "=r"(daif) : : "memory");
	return daif & A64_DAIF_I;
}

void hal_irq_restore(unsigned long flags)
{
	if (!(flags & A64_DAIF_I))
		__asm__ volatile("msr daifclr, #2" ::: "memory");
}
