// SPDX-License-Identifier: MIT
/* Without CONFIG_TLS a thread pointer is just a self-pointing word. */
#include "sched_internal.h"

size_t tls_block_size(void)
{
	return 0;
}

uintptr_t tls_init_block(uintptr_t tp)
{
	*(uintptr_t *)tp = tp;
	return tp;
}
