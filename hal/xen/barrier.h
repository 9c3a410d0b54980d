/* SPDX-License-Identifier: MIT */
/*
 * barrier.h - the memory barriers Xen's shared-ring macros (xen/io/ring.h)
 * expect the guest to define: xen_mb() orders everything, xen_rmb() loads,
 * xen_wmb() stores, as seen by the other domain.  Include before any
 * xen/io/ header.  Pure C: the host unit tests use it too.
 */
#ifndef HAL_XEN_BARRIER_H
#define HAL_XEN_BARRIER_H

#if defined(__x86_64__)
/* x86 orders loads with loads and stores with stores (TSO): only a store
 * followed by a load needs a fence. */
#define xen_mb() __asm__ volatile("mfence" ::: "memory")
#define xen_rmb() __asm__ volatile("" ::: "memory")
#define xen_wmb() __asm__ volatile("" ::: "memory")
#elif defined(__aarch64__)
#define xen_mb() __asm__ volatile("dmb ish" ::: "memory")
#define xen_rmb() __asm__ volatile("dmb ishld" ::: "memory")
#define xen_wmb() __asm__ volatile("dmb ishst" ::: "memory")
#else
#error "hal/xen/barrier.h: no barriers for this architecture"
#endif

#endif /* HAL_XEN_BARRIER_H */
