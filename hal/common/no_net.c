// SPDX-License-Identifier: MIT
/*
 * The network half of the HAL for a port with no network driver (yet, or
 * not selected): every device name is unknown, every handle invalid.  A
 * port links this file when it has no hal_net_* of its own (hal.h).
 */
#include <hal.h>

int hal_net_acquire(const char *name, hal_handle_t *h, struct hal_net_info *info)
{
	return HAL_ENODEV;
}

int hal_net_write(hal_handle_t h, const void *frame, size_t len)
{
	return HAL_EINVAL;
}

void hal_net_flush(hal_handle_t h)
{
}

int hal_net_read(hal_handle_t h, void *buf, size_t size, size_t *len)
{
	return HAL_EINVAL;
}
