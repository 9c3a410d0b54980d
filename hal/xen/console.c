// SPDX-License-Identifier: MIT
/*
 * The console.
 *
 * dom0 writes straight to Xen's serial line with console_io.  A domU has
 * only its console ring (console_io is refused on release builds of Xen):
 * bytes go into the ring's out half, and the backend (xenconsoled in dom0)
 * is notified once per batch, not per write, because each notification
 * hands the CPU to dom0 and costs milliseconds.  The batch is pushed by
 * hal_console_flush(), hal_wait(), hal_exit() and hal_abort(), and when the
 * ring is full, in which case the writer waits for the backend to make room:
 * output is never dropped while the backend behaves.
 *
 * A backend that publishes an impossible out_cons (more than a ring's worth
 * of space, or behind what it already consumed) is not trusted again: the
 * ring is abandoned and output goes to console_io, which a debug Xen prints.
 *
 * '\n' is written as "\r\n", as a tty would: `xl console` puts the
 * terminal in raw mode.
 */
#include <stdbool.h>
#include <stdint.h>

#include <hal.h>

#include <xen/io/console.h>

#include "barrier.h"
#include "hypercall.h"
#include "port.h"
#include "ring.h"

#define OUT_SIZE ((uint32_t)sizeof(((struct xencons_interface *)0)->out))
#define REPOLL_NS 1000000000ULL /* re-notify if the backend stays silent */

static volatile struct xencons_interface *ring;
static evtchn_port_t port;
static uint32_t prod;	  /* our out_prod: the shared copy is only written */
static uint32_t notified; /* prod at the last notification */

static void hyp_write(const char *buf, size_t len)
{
	while (len) {
		unsigned int n = len > 4096 ? 4096 : (unsigned int)len;

		hyp_console_io(CONSOLEIO_write, n, buf);
		buf += n;
		len -= n;
	}
}

static void abandon_ring(void)
{
	static const char msg[] = "\nhako: xen: console backend sent a bad ring index; "
				  "console ring abandoned\n";

	ring = NULL;
	hyp_write(msg, sizeof(msg) - 1);
}

/* Free bytes in the out ring, or -1 if the backend's index is impossible. */
static long ring_space(void)
{
	long used = ring_used(ring->out_cons, prod, OUT_SIZE);

	if (used < 0) {
		abandon_ring();
		return -1;
	}
	return (long)OUT_SIZE - used;
}

static void notify(void)
{
	if (prod != notified) {
		notified = prod;
		xen_evtchn_notify(port);
	}
}

/*
 * Wait, with events masked, until the backend has consumed everything
 * (drain) or made some room.  The port is cleared before each look at the
 * ring, so a notification sent after the look wakes the poll.  Returns
 * false at timeout (0: none) or when the ring was abandoned.
 */
static bool wait_backend(bool drain, uint64_t timeout)
{
	unsigned long flags = xen_events_mask();
	bool ok = false;

	for (;;) {
		long space;
		uint64_t now, until;

		xen_evtchn_clear(port);
		space = ring ? ring_space() : -1;
		if (space < 0)
			break;
		if (drain ? space == OUT_SIZE : space > 0) {
			ok = true;
			break;
		}
		notify();
		now = xen_time_now();
		if (timeout && now >= timeout)
			break;
		until = now + REPOLL_NS;
		if (timeout && until > timeout)
			until = timeout;
		if (!xen_evtchn_poll(port, until))
			notified = prod - 1; /* silent for a while: notify again */
	}
	xen_events_restore(flags);
	return ok;
}

static void ring_put(const char *buf, size_t len)
{
	while (len && ring) {
		long space = ring_space();
		size_t n;

		if (space < 0)
			break;
		if (space == 0) {
			if (!wait_backend(false, 0))
				break;
			continue;
		}
		n = len < (size_t)space ? len : (size_t)space;
		xen_mb(); /* the backend's index read before we overwrite */
		ring_copy_in(ring->out, OUT_SIZE, prod, buf, n);
		xen_wmb(); /* bytes before the index that publishes them */
		prod += (uint32_t)n;
		ring->out_prod = prod;
		buf += n;
		len -= n;
	}
	if (!ring && len)
		hyp_write(buf, len);
}

void hal_console_write(const char *buf, size_t len)
{
	size_t start = 0;

	xen_time_mark(XEN_MARK_FIRST_WRITE);
	if (!ring) {
		hyp_write(buf, len);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		ring_put(buf + start, i - start);
		ring_put("\r\n", 2);
		start = i + 1;
	}
	ring_put(buf + start, len - start);
}

void xen_console_push(bool drain, uint64_t timeout)
{
	if (!ring)
		return;
	notify();
	if (drain)
		wait_backend(true, timeout);
}

void hal_console_flush(void)
{
	xen_console_push(false, 0);
}

static void ring_init(const struct start_info *si)
{
	unsigned long pfn;

	if (xen_is_dom0)
		return;
	pfn = xen_mfn_to_pfn(si->console.domU.mfn);
	if (pfn >= xen_nr_pages()) {
		static const char msg[] = "hako: xen: console ring frame is not ours; "
					  "using console_io\n";

		hyp_write(msg, sizeof(msg) - 1);
		return;
	}
	port = si->console.domU.evtchn;
	ring = xen_pfn_to_virt(pfn);
	prod = ring->out_prod;
	notified = prod;
	ring_space(); /* abandons a ring that starts out broken */
}

void xen_console_init(void)
{
	ring_init(xen_start_info);
}

void xen_console_resume(const struct start_info *si)
{
	ring = NULL;
	ring_init(si);
	xen_console_mask_port();
	if (ring)
		notified = prod - 1; /* what the old backend had not taken */
}

void xen_console_mask_port(void)
{
	/* Only polled: the backend's notifications must not wake hal_wait. */
	if (ring)
		xen_evtchn_mask(port);
}
