// SPDX-License-Identifier: MIT
/*
 * The device half of the HAL for a port with no network or block driver
 * (yet): every device name is unknown, every handle invalid.  A port links
 * this file until it has drivers of its own (hal.h: hal_net_*, hal_block_*).
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

int hal_block_acquire(const char *name, hal_handle_t *h, struct hal_block_info *info)
{
	return HAL_ENODEV;
}

int hal_block_submit(hal_handle_t h, struct hal_block_req *req)
{
	return HAL_EINVAL;
}

struct hal_block_req *hal_block_complete(hal_handle_t h)
{
	return NULL;
}
