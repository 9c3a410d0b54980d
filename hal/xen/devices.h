/* SPDX-License-Identifier: MIT */
/*
 * devices.h - HAL handles for the split drivers (netfront, blkfront), and
 * the hooks hal_wait() and hal_exit() run for them (devices.c).
 */
#ifndef HAL_XEN_DEVICES_H
#define HAL_XEN_DEVICES_H

#include <stdbool.h>

#include <hal.h>

struct xen_dev_ops {
	/* From hal_wait (events masked): publish what is batched, look at
	 * the backend; true to report the handle ready (e.g. the backend is
	 * gone, so that a waiting reader sees HAL_EIO). */
	bool (*poll)(void *dev);
	/* From hal_exit: disconnect cleanly (bounded). */
	void (*close)(void *dev);
	/* Around a suspend (suspend.c), events masked: let requests in
	 * flight finish (bounded); then, in a new domain (cancelled false),
	 * connect to the new backend and route the handle again, or mark
	 * the device gone (HAL_EIO from then on). */
	void (*suspend)(void *dev);
	void (*resume)(void *dev, bool cancelled);
};

/* A handle for dev; HAL_ENODEV when all HAL_MAX_HANDLES are taken. */
int xen_dev_register(const struct xen_dev_ops *ops, void *dev, hal_handle_t *h);
/* The device behind h if it is one of ops' kind, else NULL. */
void *xen_dev_lookup(hal_handle_t h, const struct xen_dev_ops *ops);

#if defined(CONFIG_XEN_NETFRONT) || defined(CONFIG_XEN_BLKFRONT)
hal_ready_set xen_devices_poll(void);
void xen_devices_close(void); /* every device, once, at exit */
void xen_devices_suspend(void);
void xen_devices_resume(bool cancelled);
#else
static inline void xen_devices_suspend(void)
{
}
static inline void xen_devices_resume(bool cancelled)
{
	(void)cancelled;
}
static inline hal_ready_set xen_devices_poll(void)
{
	return 0;
}
static inline void xen_devices_close(void)
{
}
#endif

#endif /* HAL_XEN_DEVICES_H */
