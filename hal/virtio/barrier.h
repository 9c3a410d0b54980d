/* SPDX-License-Identifier: MIT */
/*
 * barrier.h - memory ordering between the driver and a device that shares
 * its memory (the only architecture-specific part of the virtio code).
 *   vio_wmb: earlier stores are visible before later stores;
 *   vio_rmb: earlier loads complete before later loads;
 *   vio_mb:  both, and earlier stores before later loads (the notification
 *            checks: publish an index, then read the other side's hint).
 */
#ifndef HAL_VIRTIO_BARRIER_H
#define HAL_VIRTIO_BARRIER_H

#if defined(__x86_64__)
/* x86 orders stores with stores and loads with loads (TSO): only the
 * compiler must be held back, except for store-then-load. */
#define vio_wmb() __asm__ volatile("" ::: "memory")
#define vio_rmb() __asm__ volatile("" ::: "memory")
#define vio_mb() __asm__ volatile("lock; addl $0, -8(%%rsp)" ::: "memory", "cc")
#elif defined(__aarch64__)
#define vio_wmb() __asm__ volatile("dmb ishst" ::: "memory")
#define vio_rmb() __asm__ volatile("dmb ishld" ::: "memory")
#define vio_mb() __asm__ volatile("dmb ish" ::: "memory")
#else
#error "virtio: no memory barriers for this architecture"
#endif

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "virtio: the drivers assume a little-endian CPU (virtio 1.x is little-endian)"
#endif

#endif /* HAL_VIRTIO_BARRIER_H */
