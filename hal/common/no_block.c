// SPDX-License-Identifier: MIT
/*
 * The block half of the HAL for a port with no block driver (yet, or not
 * selected): every device name is unknown, every handle invalid.  A port
 * links this file when it has no hal_block_* of its own (hal.h).
 */
#include <hal.h>

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
