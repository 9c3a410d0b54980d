// SPDX-License-Identifier: MIT
/* The thread pointer of every arm64 port: TPIDR_EL0, writable at EL0 and EL1. */
#include <hal.h>

int hal_tls_set_base(uintptr_t base)
{
	__asm__ volatile("msr tpidr_el0, %0" : : "r"(base) : "memory");
	return HAL_OK;
}
