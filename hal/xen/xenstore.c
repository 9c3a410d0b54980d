// SPDX-License-Identifier: MIT
/*
 * The xenstore client (domU): one shared page with a request and a response
 * ring, and an event channel, set up by the toolstack (start_info).
 *
 * Requests are synchronous: write the request, then poll the store port
 * with events masked until the reply with our req_id arrives, handling
 * whatever else arrives first (watch events, replies to our asynchronous
 * requests).  Nothing here runs from the upcall.
 *
 * The control/shutdown watch costs no round trip to dom0 at boot: hal_wait()
 * sends the XS_WATCH the first time it runs, without waiting for the reply
 * (an image that never waits never talks to xenstore).  When the watch
 * fires, hal_wait() reads the node with an ordinary request (hal_wait may
 * block) and acknowledges a request it acts on by clearing the node, as
 * the toolstack expects.  A request written before the watch existed is
 * not lost: xenstored fires a new watch once at registration.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <hal.h>
#include <hako/printk.h>

#include "hypercall.h"
#include "port.h"
#include "ring.h"
#include "xs_wire.h"

#define TIMEOUT_NS 10000000000ULL /* a request xenstored does not answer */
#define SHUTDOWN_TOKEN "hako-shutdown"
#define SHUTDOWN_PATH "control/shutdown"

static volatile struct xenstore_domain_interface *xs;
static evtchn_port_t port;
static bool broken;
static uint32_t last_id;
static struct xs_reader reader;

/* The synchronous request waiting for its reply. */
static struct {
	uint32_t id, type;
	bool done;
	int result;
	char *buf;
	size_t size;
} wait;

/* The shutdown watch. */
static bool watch_started, check_shutdown;
static uint32_t watch_id;
static int shutdown_pending; /* a request not yet taken: SHUTDOWN_* + 1 */
static int broken_code = XS_ERR_IO; /* what a request gets once broken */

static uint32_t new_id(void)
{
	if (++last_id == 0)
		last_id = 1;
	return last_id;
}

static void give_up(const char *why, int code)
{
	if (!broken) {
		pr_err("xen: xenstore: %s; xenstore disabled\n", why);
		broken_code = code;
	}
	broken = true;
}

/* Copy len bytes into the request ring, waiting for room. */
static bool put(const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		long space = xs_ring_space(xs->req_cons, xs->req_prod);
		size_t n;

		if (space < 0) {
			give_up("backend sent a bad request ring index", XS_ERR_PROTO);
			return false;
		}
		if (space == 0) {
			xen_evtchn_notify(port);
			xen_evtchn_clear(port);
			if (xs_ring_space(xs->req_cons, xs->req_prod) == 0 &&
			    !xen_evtchn_poll(port, xen_time_now() + TIMEOUT_NS)) {
				give_up("request ring stays full", XS_ERR_IO);
				return false;
			}
			continue;
		}
		n = len < (size_t)space ? len : (size_t)space;
		ring_copy_in(xs->req, XENSTORE_RING_SIZE, xs->req_prod, p, n);
		barrier();
		xs->req_prod += (uint32_t)n;
		p += n;
		len -= n;
	}
	return true;
}

/* Send one request whose payload is the string a with its NUL, then lb
 * bytes of b.  Events must be masked. */
static int send(uint32_t type, uint32_t id, const char *a, const char *b, size_t lb)
{
	size_t la = strlen(a) + 1;
	struct xsd_sockmsg hdr = { .type = type, .req_id = id, .tx_id = 0 };

	if (!xs)
		return XS_ERR_NODEV;
	if (broken)
		return broken_code;
	if (la + lb > XENSTORE_PAYLOAD_MAX)
		return XS_ERR_TOOBIG;
	hdr.len = (uint32_t)(la + lb);
	if (!put(&hdr, sizeof(hdr)) || !put(a, la) || (lb && !put(b, lb)))
		return XS_ERR_IO;
	xen_evtchn_notify(port);
	return 0;
}

static void deliver(void)
{
	const struct xsd_sockmsg *h = &reader.hdr;
	const char *path, *token;

	if (h->type == XS_WATCH_EVENT) {
		if (xs_parse_watch_event(reader.body, h->len, &path, &token) == 0 &&
		    !strcmp(token, SHUTDOWN_TOKEN))
			check_shutdown = true;
		return;
	}
	if (wait.id && h->req_id == wait.id) {
		wait.done = true;
		if (h->type == XS_ERROR)
			wait.result = xs_error_code(reader.body, h->len);
		else if (h->type != wait.type)
			wait.result = XS_ERR_PROTO;
		else if ((size_t)h->len + 1 > wait.size)
			wait.result = XS_ERR_TOOBIG;
		else {
			memcpy(wait.buf, reader.body, (size_t)h->len + 1);
			wait.result = (int)h->len;
		}
		return;
	}
	if (watch_id && h->req_id == watch_id) {
		watch_id = 0;
		if (h->type == XS_ERROR)
			pr_err("xen: xenstore: cannot watch %s (%s): xl shutdown will not work\n",
			       SHUTDOWN_PATH, reader.body);
	}
}

/*
 * Handle everything the backend has sent.  Events must be masked.  The
 * backend is told about the room we made only when it had filled the ring
 * (it may be waiting to write the rest of a long message): each
 * notification costs a trip through dom0.
 */
static void drain(void)
{
	for (;;) {
		uint32_t start = xs->rsp_cons, cons = start, prod = xs->rsp_prod;
		int r = xs_reader_feed(&reader, xs->rsp, &cons, prod);

		barrier(); /* done reading before the space is given back */
		xs->rsp_cons = cons;
		if (r == XS_FEED_BAD) {
			give_up("backend sent a bad response index or an oversized message",
				XS_ERR_PROTO);
			return;
		}
		if (prod - start == XENSTORE_RING_SIZE && cons != start)
			xen_evtchn_notify(port);
		if (r == XS_FEED_MORE)
			return;
		deliver();
	}
}

static int request(uint32_t type, const char *a, const char *b, size_t lb, char *buf,
		   size_t size)
{
	unsigned long flags = xen_events_mask();
	uint64_t deadline = xen_time_now() + TIMEOUT_NS;
	int rc;

	wait.id = new_id();
	wait.type = type;
	wait.done = false;
	wait.buf = buf;
	wait.size = size;
	rc = send(type, wait.id, a, b, lb);
	while (rc == 0 && !wait.done) {
		xen_evtchn_clear(port);
		drain();
		if (broken) {
			rc = broken_code;
			break;
		}
		if (wait.done)
			break;
		if (xen_time_now() >= deadline) {
			pr_err("xen: xenstore: no reply in %llu s\n", TIMEOUT_NS / 1000000000ULL);
			rc = XS_ERR_IO;
			break;
		}
		xen_evtchn_poll(port, deadline);
	}
	if (rc == 0)
		rc = wait.result;
	wait.id = 0;
	xen_events_restore(flags);
	return rc;
}

int xen_xs_read(const char *path, char *buf, size_t size)
{
	return request(XS_READ, path, NULL, 0, buf, size);
}

int xen_xs_write(const char *path, const char *value)
{
	char ok[4];
	int rc = request(XS_WRITE, path, value, strlen(value), ok, sizeof(ok));

	return rc < 0 ? rc : 0;
}

int xen_xs_directory(const char *path, char *buf, size_t size)
{
	int rc = request(XS_DIRECTORY, path, NULL, 0, buf, size);

	if (rc < 0)
		return rc;
	rc = xs_parse_directory(buf, (uint32_t)rc);
	return rc < 0 ? XS_ERR_PROTO : rc;
}

int xen_xs_watch(const char *path, const char *token)
{
	char ok[4];
	/* The payload is "path\0token\0": the token keeps its NUL. */
	int rc = request(XS_WATCH, path, token, strlen(token) + 1, ok, sizeof(ok));

	return rc < 0 ? rc : 0;
}

bool xen_xs_available(void)
{
	return xs && !broken;
}

/* control/shutdown changed: act on "poweroff", "halt" and "reboot". */
static void read_shutdown(void)
{
	char v[16];
	int n = xen_xs_read(SHUTDOWN_PATH, v, sizeof(v));

	if (n < 0)
		return; /* ENOENT before the toolstack writes it; junk is too long */
	if (!strcmp(v, "poweroff") || !strcmp(v, "halt"))
		shutdown_pending = SHUTDOWN_poweroff + 1;
	else if (!strcmp(v, "reboot"))
		shutdown_pending = SHUTDOWN_reboot + 1;
	else
		return; /* "", "suspend" (not supported), or junk */
	xen_xs_write(SHUTDOWN_PATH, ""); /* the acknowledgement */
}

int xen_xs_poll_shutdown(void)
{
	unsigned long flags;
	int req;

	if (!xs || broken)
		return 0;
	flags = xen_events_mask();
	if (!watch_started) {
		watch_started = true;
		xen_evtchn_unmask(port);
		watch_id = new_id();
		send(XS_WATCH, watch_id, SHUTDOWN_PATH, SHUTDOWN_TOKEN, sizeof(SHUTDOWN_TOKEN));
	}
	drain();
	/* Bounded: a backend that keeps firing the watch cannot hold us. */
	for (int i = 0; i < 4 && check_shutdown && !broken; i++) {
		check_shutdown = false;
		read_shutdown();
	}
	req = shutdown_pending;
	shutdown_pending = 0;
	xen_events_restore(flags);
	return req;
}

void xen_xs_init(void)
{
	unsigned long pfn;

	if (xen_is_dom0 || !xen_start_info->store_mfn)
		return;
	pfn = xen_mfn_to_pfn(xen_start_info->store_mfn);
	if (pfn >= xen_nr_pages()) {
		pr_err("xen: xenstore page is not ours; xenstore disabled\n");
		return;
	}
	xs = xen_pfn_to_virt(pfn);
	port = xen_start_info->store_evtchn;
	if (xs_ring_space(xs->req_cons, xs->req_prod) < 0 ||
	    xs_ring_space(xs->rsp_cons, xs->rsp_prod) < 0)
		give_up("bad ring indices at boot", XS_ERR_PROTO);
}
