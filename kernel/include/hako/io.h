/* SPDX-License-Identifier: MIT */
/*
 * io.h - waiting for a device, for the services that drive one through the
 * HAL (networking, storage).  Apps do not include it: they see devices only
 * through files and sockets.
 */
#ifndef HAKO_IO_H
#define HAKO_IO_H

#include <stdbool.h>
#include <stdint.h>

#include <hal.h>

/*
 * io_wait - block the calling thread until hal_wait() reports the device
 * handle h ready, or until deadline (monotonic ns; WAITQ_FOREVER for none).
 * Returns true if the handle became ready.  Readiness is the HAL's (edge-
 * triggered): call it only after the device said HAL_AGAIN.
 */
bool io_wait(hal_handle_t h, uint64_t deadline);

#endif /* HAKO_IO_H */
