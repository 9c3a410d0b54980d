// SPDX-License-Identifier: MIT
/*
 * Thread-local storage, x86_64 variant II: the TLS block sits just below the
 * thread pointer, whose first word points to itself (what %fs:0 reads).
 * The port's linker script pads .tdata/.tbss to 64 bytes, so the block size
 * the compiler's local-exec offsets assume is exactly __tls_end - __tls_start.
 */
#include <string.h>

#include "sched_internal.h"

extern char __tls_start[], __tls_data_end[], __tls_end[];

size_t tls_block_size(void)
{
	return (size_t)(__tls_end - __tls_start);
}

uintptr_t tls_init_block(uintptr_t tp)
{
	size_t size = tls_block_size();
	size_t data = (size_t)(__tls_data_end - __tls_start);
	char *block = (char *)tp - size;

	memcpy(block, __tls_start, data);
	memset(block + data, 0, size - data);
	*(uintptr_t *)tp = tp;
	return tp;
}
