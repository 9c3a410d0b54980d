// SPDX-License-Identifier: MIT
/*
 * Thread-local storage.  The port's linker script pads .tdata/.tbss to 64
 * bytes and aligns them to 64, so the block the compiler's local-exec
 * offsets assume is exactly __tls_end - __tls_start, 64-byte aligned.
 * Where it sits relative to the thread pointer is the architecture's ELF
 * TLS variant:
 *  - variant II (x86_64): the block ends at the thread pointer, whose first
 *    word points to itself (what %fs:0 reads);
 *  - variant I (AArch64, CONFIG_TLS_VARIANT_1): the thread pointer points
 *    at a 16-byte control block (unused here, zeroed) and the block starts
 *    at the thread pointer plus 16 rounded up to the block's alignment: 64.
 * The scheduler hands tls_init_block() a 64-byte aligned tp with
 * tls_block_size() bytes free below it; variant I moves the thread pointer
 * down to the start of that room.
 */
#include <string.h>

#include "sched_internal.h"

extern char __tls_start[], __tls_data_end[], __tls_end[];

#ifdef CONFIG_TLS_VARIANT_1
#define TCB_ROOM 64 /* 16 rounded up to the 64-byte TLS alignment */
#else
#define TCB_ROOM 0
#endif

size_t tls_block_size(void)
{
	return (size_t)(__tls_end - __tls_start) + TCB_ROOM;
}

uintptr_t tls_init_block(uintptr_t tp)
{
	size_t size = (size_t)(__tls_end - __tls_start);
	size_t data = (size_t)(__tls_data_end - __tls_start);
	char *block = (char *)tp - size;

#ifdef CONFIG_TLS_VARIANT_1
	tp -= size + TCB_ROOM;
	memset((void *)tp, 0, TCB_ROOM);
	block = (char *)tp + TCB_ROOM;
#endif
	memcpy(block, __tls_start, data);
	memset(block + data, 0, size - data);
#ifndef CONFIG_TLS_VARIANT_1
	*(uintptr_t *)tp = tp;
#endif
	return tp;
}
