// SPDX-License-Identifier: MIT
/*
 * The split drivers' handles: which driver and device a HAL handle names,
 * and what hal_wait() and hal_exit() do for every acquired device (publish
 * batched requests, notice a backend that went away; disconnect cleanly).
 */
#include <stdbool.h>
#include <stdint.h>

#include <hal.h>

#include "devices.h"
#include "port.h"

static struct {
	const struct xen_dev_ops *ops;
	void *dev;
} handles[HAL_MAX_HANDLES];

int xen_dev_register(const struct xen_dev_ops *ops, void *dev, hal_handle_t *h)
{
	for (unsigned int i = 0; i < HAL_MAX_HANDLES; i++) {
		if (!handles[i].ops) {
			handles[i].ops = ops;
			handles[i].dev = dev;
			*h = i;
			return HAL_OK;
		}
	}
	return HAL_ENODEV;
}

void *xen_dev_lookup(hal_handle_t h, const struct xen_dev_ops *ops)
{
	return h < HAL_MAX_HANDLES && handles[h].ops == ops ? handles[h].dev : NULL;
}

hal_ready_set xen_devices_poll(void)
{
	hal_ready_set ready = 0;

	for (unsigned int i = 0; i < HAL_MAX_HANDLES; i++)
		if (handles[i].ops && handles[i].ops->poll(handles[i].dev))
			ready |= (hal_ready_set)1 << i;
	return ready;
}

void xen_devices_close(void)
{
	for (unsigned int i = 0; i < HAL_MAX_HANDLES; i++) {
		if (!handles[i].ops)
			continue;
		handles[i].ops->close(handles[i].dev);
		xen_evtchn_unroute(i);
		handles[i].ops = NULL;
	}
}

void xen_devices_suspend(void)
{
	for (unsigned int i = 0; i < HAL_MAX_HANDLES; i++)
		if (handles[i].ops && handles[i].ops->suspend)
			handles[i].ops->suspend(handles[i].dev);
}

void xen_devices_resume(bool cancelled)
{
	for (unsigned int i = 0; i < HAL_MAX_HANDLES; i++)
		if (handles[i].ops && handles[i].ops->resume)
			handles[i].ops->resume(handles[i].dev, cancelled);
}
