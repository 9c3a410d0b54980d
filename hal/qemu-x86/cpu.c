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

/* Networking and storage come with virtio drivers in later issues. */
int hal_net_acquire(const char *name, hal_handle_t *h, struct hal_net_info *info)
{
	return HAL_ENODEV;
}

int hal_net_write(hal_handle_t h, const void *frame, size_t len)
{
	return HAL_EINVAL;
}

int hal_net_read(hal_handle_t h, void *buf, size_t size, size_t *len)
{
	return HAL_EINVAL;
}

int hal_block_acquire(const char *name, hal_handle_t *h, struct hal_block_info *info)
{
	return HAL_ENODEV;
}

int hal_block_write(hal_handle_t h, uint64_t offset, const void *buf, size_t len)
{
	return HAL_EINVAL;
}

int hal_block_read(hal_handle_t h, uint64_t offset, void *buf, size_t len)
{
	return HAL_EINVAL;
}
