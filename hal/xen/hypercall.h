/* SPDX-License-Identifier: MIT */
/*
 * hypercall.h - calls into Xen for a 64-bit PV guest (port-private).
 *
 * Xen fills the image's hypercall page at build time (XEN_ELFNOTE_
 * HYPERCALL_PAGE): 32 bytes of code per hypercall number.  A call is a near
 * call into that page with the arguments in rdi, rsi, rdx, r10, r8 and the
 * result in rax.  The stubs save rcx and r11 themselves; Xen may clobber the
 * argument registers, so they are declared as outputs.
 *
 * Every wrapper returns Xen's result: 0 or a positive value on success, a
 * negative Xen errno (xen/errno.h) on failure.
 */
#ifndef HAL_XEN_HYPERCALL_H
#define HAL_XEN_HYPERCALL_H

#include <stdint.h>

#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/physdev.h>
#include <xen/vcpu.h>
#include <xen/version.h>
#include <xen/callback.h>

extern char hypercall_page[4096];

#define HYPERCALL_OFF(nr) ((nr) * 32)

static inline long xen_hypercall5(unsigned int nr, unsigned long a1, unsigned long a2,
				  unsigned long a3, unsigned long a4, unsigned long a5)
{
	register unsigned long r10 asm("r10") = a4;
	register unsigned long r8 asm("r8") = a5;
	long ret;

	asm volatile("call *%[fn]"
		     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
		     : [fn] "r"(hypercall_page + HYPERCALL_OFF(nr))
		     : "memory");
	return ret;
}

#define HC0(nr) xen_hypercall5(nr, 0, 0, 0, 0, 0)
#define HC1(nr, a) xen_hypercall5(nr, (unsigned long)(a), 0, 0, 0, 0)
#define HC2(nr, a, b) xen_hypercall5(nr, (unsigned long)(a), (unsigned long)(b), 0, 0, 0)
#define HC3(nr, a, b, c)                                                                 \
	xen_hypercall5(nr, (unsigned long)(a), (unsigned long)(b), (unsigned long)(c), 0, 0)
#define HC4(nr, a, b, c, d)                                                              \
	xen_hypercall5(nr, (unsigned long)(a), (unsigned long)(b), (unsigned long)(c),  \
		       (unsigned long)(d), 0)

static inline long hyp_console_io(int cmd, unsigned int len, const char *buf)
{
	return HC3(__HYPERVISOR_console_io, cmd, len, buf);
}

static inline long hyp_sched_op(int cmd, void *arg)
{
	return HC2(__HYPERVISOR_sched_op, cmd, arg);
}

static inline long hyp_event_channel_op(int cmd, void *arg)
{
	return HC2(__HYPERVISOR_event_channel_op, cmd, arg);
}

static inline long hyp_mmu_update(mmu_update_t *req, unsigned int count, unsigned int *done)
{
	return HC4(__HYPERVISOR_mmu_update, req, count, done, DOMID_SELF);
}

static inline long hyp_memory_op(unsigned int cmd, void *arg)
{
	return HC2(__HYPERVISOR_memory_op, cmd, arg);
}

static inline long hyp_mmuext_op(struct mmuext_op *op, unsigned int count)
{
	return HC4(__HYPERVISOR_mmuext_op, op, count, 0, DOMID_SELF);
}

static inline long hyp_update_va_mapping(unsigned long va, uint64_t pte, unsigned long flags)
{
	return HC3(__HYPERVISOR_update_va_mapping, va, pte, flags);
}

static inline long hyp_set_timer_op(uint64_t deadline)
{
	return HC1(__HYPERVISOR_set_timer_op, deadline);
}

static inline long hyp_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
	return HC3(__HYPERVISOR_vcpu_op, cmd, vcpu, arg);
}

static inline long hyp_set_trap_table(const struct trap_info *table)
{
	return HC1(__HYPERVISOR_set_trap_table, table);
}

static inline long hyp_callback_op(int cmd, const void *arg)
{
	return HC2(__HYPERVISOR_callback_op, cmd, arg);
}

static inline long hyp_set_segment_base(unsigned int which, unsigned long base)
{
	return HC2(__HYPERVISOR_set_segment_base, which, base);
}

static inline long hyp_physdev_op(int cmd, void *arg)
{
	return HC2(__HYPERVISOR_physdev_op, cmd, arg);
}

static inline long hyp_grant_table_op(unsigned int cmd, void *arg, unsigned int count)
{
	return HC3(__HYPERVISOR_grant_table_op, cmd, arg, count);
}

static inline long hyp_xen_version(int cmd, void *arg)
{
	return HC2(__HYPERVISOR_xen_version, cmd, arg);
}

#endif /* HAL_XEN_HYPERCALL_H */
