// SPDX-License-Identifier: MIT
/*
 * Event channels, two-level ABI.
 *
 * Xen sets a port's bit in shared_info's pending bitmap, then (if the port
 * is not masked) the word's bit in the vCPU's selector, then the vCPU's
 * upcall_pending flag, and calls the upcall unless the vCPU's upcall mask is
 * set.  Both the upcall and hal_wait() (with events masked) run
 * xen_evtchn_scan(), which moves pending bits into this file's own "fired"
 * bitmap; consumers take their port's bit from there.  Nothing else happens
 * asynchronously (hal.h: a port never calls back into the kernel).
 *
 * The upcall runs on whatever stack was current, between any two
 * instructions of the kernel: this file is built with -mgeneral-regs-only so
 * that it never touches the SSE state of the code it interrupted.
 */
#include <stdbool.h>
#include <stdint.h>

#include <hal.h>

#include "hypercall.h"
#include "port.h"

#define WORD_BITS (sizeof(xen_ulong_t) * 8)
#define NR_WORDS (sizeof(xen_ulong_t) * 8) /* 2-level: 64 words, 4096 ports */

static xen_ulong_t fired[NR_WORDS];
static bool live;		/* callbacks registered */
static uint8_t soft_mask = 1;	/* the state to apply once live */

static struct vcpu_info *vcpu(void)
{
	return &xen_shared->vcpu_info[0];
}

void xen_evtchn_scan(void)
{
	struct vcpu_info *v = vcpu();
	xen_ulong_t sel;

	/* Clear the flag before reading the selector: an event that arrives
	 * after the exchange sets it again and is seen next time. */
	v->evtchn_upcall_pending = 0;
	sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	while (sel) {
		unsigned int w = (unsigned int)__builtin_ctzl(sel);
		xen_ulong_t bits;

		sel &= sel - 1;
		bits = __atomic_load_n(&xen_shared->evtchn_pending[w], __ATOMIC_RELAXED) &
		       ~__atomic_load_n(&xen_shared->evtchn_mask[w], __ATOMIC_RELAXED);
		if (!bits)
			continue;
		__atomic_fetch_and(&xen_shared->evtchn_pending[w], ~bits, __ATOMIC_SEQ_CST);
		__atomic_fetch_or(&fired[w], bits, __ATOMIC_SEQ_CST);
	}
}

/* Called by entry.S with events masked; the return re-enables them. */
void xen_evtchn_upcall(void);
void xen_evtchn_upcall(void)
{
	xen_evtchn_scan();
}

bool xen_evtchn_take(evtchn_port_t port)
{
	xen_ulong_t bit = (xen_ulong_t)1 << (port % WORD_BITS);

	if (port >= NR_WORDS * WORD_BITS)
		return false;
	return __atomic_fetch_and(&fired[port / WORD_BITS], ~bit, __ATOMIC_SEQ_CST) & bit;
}

void xen_evtchn_clear(evtchn_port_t port)
{
	xen_ulong_t bit = (xen_ulong_t)1 << (port % WORD_BITS);

	if (port >= NR_WORDS * WORD_BITS)
		return;
	__atomic_fetch_and(&xen_shared->evtchn_pending[port / WORD_BITS], ~bit,
			   __ATOMIC_SEQ_CST);
	__atomic_fetch_and(&fired[port / WORD_BITS], ~bit, __ATOMIC_SEQ_CST);
}

static bool is_pending(evtchn_port_t port)
{
	return __atomic_load_n(&xen_shared->evtchn_pending[port / WORD_BITS],
			       __ATOMIC_SEQ_CST) >> (port % WORD_BITS) & 1;
}

void xen_evtchn_notify(evtchn_port_t port)
{
	struct evtchn_send send = { .port = port };

	hyp_event_channel_op(EVTCHNOP_send, &send);
}

evtchn_port_t xen_evtchn_bind_virq(uint32_t virq)
{
	struct evtchn_bind_virq bind = { .virq = virq, .vcpu = 0 };

	xen_check("event_channel_op(bind_virq)", hyp_event_channel_op(EVTCHNOP_bind_virq, &bind));
	return bind.port;
}

int xen_evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound op = { .dom = DOMID_SELF, .remote_dom = remote };
	long rc = hyp_event_channel_op(EVTCHNOP_alloc_unbound, &op);

	*port = op.port;
	return (int)rc;
}

int xen_evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port, evtchn_port_t *port)
{
	struct evtchn_bind_interdomain op = { .remote_dom = remote, .remote_port = remote_port };
	long rc = hyp_event_channel_op(EVTCHNOP_bind_interdomain, &op);

	*port = op.local_port;
	return (int)rc;
}

void xen_evtchn_close(evtchn_port_t port)
{
	struct evtchn_close op = { .port = port };

	xen_evtchn_mask(port);
	hyp_event_channel_op(EVTCHNOP_close, &op);
	xen_evtchn_clear(port);
}

/* Ports that stand for a HAL handle: hal_wait reports the handle when its
 * port fired. */
static struct {
	evtchn_port_t port;
	bool used;
} routes[HAL_MAX_HANDLES];

void xen_evtchn_route(evtchn_port_t port, unsigned int handle)
{
	if (handle < HAL_MAX_HANDLES) {
		routes[handle].port = port;
		routes[handle].used = true;
	}
}

void xen_evtchn_unroute(unsigned int handle)
{
	if (handle < HAL_MAX_HANDLES)
		routes[handle].used = false;
}

uint64_t xen_evtchn_take_ready(void)
{
	uint64_t ready = 0;

	for (unsigned int h = 0; h < HAL_MAX_HANDLES; h++)
		if (routes[h].used && xen_evtchn_take(routes[h].port))
			ready |= 1ULL << h;
	return ready;
}

void xen_evtchn_unmask(evtchn_port_t port)
{
	struct evtchn_unmask unmask = { .port = port };

	/* The hypercall, not a plain bit clear: Xen then delivers an event
	 * that became pending while the port was masked. */
	xen_check("event_channel_op(unmask)", hyp_event_channel_op(EVTCHNOP_unmask, &unmask));
}

void xen_evtchn_mask(evtchn_port_t port)
{
	__atomic_fetch_or(&xen_shared->evtchn_mask[port / WORD_BITS],
			  (xen_ulong_t)1 << (port % WORD_BITS), __ATOMIC_SEQ_CST);
}

bool xen_evtchn_poll(evtchn_port_t port, uint64_t timeout)
{
	struct sched_poll poll = { .nr_ports = 1, .timeout = timeout };

	/* SCHEDOP_poll checks the pending bit itself before blocking, and
	 * wakes on it even for a masked port or with events masked. */
	set_xen_guest_handle(poll.ports, &port);
	hyp_sched_op(SCHEDOP_poll, &poll);
	return is_pending(port);
}

unsigned long xen_events_mask(void)
{
	struct vcpu_info *v = vcpu();
	unsigned long was;

	if (!live) {
		was = soft_mask;
		soft_mask = 1;
		return was;
	}
	was = v->evtchn_upcall_mask;

	v->evtchn_upcall_mask = 1;
	barrier();
	return was;
}

void xen_events_restore(unsigned long was_masked)
{
	struct vcpu_info *v = vcpu();

	if (!live) {
		soft_mask = (uint8_t)was_masked;
		return;
	}
	barrier();
	v->evtchn_upcall_mask = (uint8_t)was_masked;
	barrier();
	/* Something arrived while masked: any hypercall makes Xen deliver
	 * the upcall on its way back to us. */
	if (!was_masked && v->evtchn_upcall_pending)
		hyp_xen_version(XENVER_version, NULL);
}

void xen_evtchn_resume(void)
{
	for (unsigned int w = 0; w < NR_WORDS; w++)
		fired[w] = 0;
	for (unsigned int h = 0; h < HAL_MAX_HANDLES; h++)
		routes[h].used = false;
	if (live)
		xen_callbacks_init();
}

void xen_events_go_live(void)
{
	if (live)
		return;
	xen_callbacks_init();
	vcpu()->evtchn_upcall_mask = soft_mask;
	live = true;
	xen_events_restore(soft_mask); /* delivers what is pending if enabled */
}
