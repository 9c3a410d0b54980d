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
 * Watches: the split drivers' (xenbus.c) are registered synchronously and
 * a table here remembers which tokens fired, for them to take; xenstored
 * fires every new watch once at registration, so a state written before
 * the watch existed is seen.  Transactions: a request carries its
 * transaction's id in the header (0: none).
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

#include "barrier.h"
#include "hypercall.h"
#include "port.h"
#include "ring.h"
#include "xs_wire.h"

#define TIMEOUT_NS 10000000000ULL /* a request xenstored does not answer */
#define SHUTDOWN_TOKEN "hako-shutdown"
#define SHUTDOWN_PATH "control/shutdown"
#define MAX_WATCHES 8
#ifdef CONFIG_XEN_SUSPEND
#define IS_ENABLED_SUSPEND 1
#else
#define IS_ENABLED_SUSPEND 0
#endif

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

/* The other watches, by token. */
static struct {
	char token[XS_TOKEN_MAX + 1];
	bool used, fired;
} watches[MAX_WATCHES];

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

		xen_mb(); /* the backend's index read before we write the space */

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
		xen_wmb(); /* the bytes before the index that publishes them */
		xs->req_prod += (uint32_t)n;
		p += n;
		len -= n;
	}
	return true;
}

/* Send one request whose payload is the string a with its NUL, then lb
 * bytes of b.  Events must be masked. */
static int send(uint32_t type, uint32_t id, uint32_t tx, const char *a, const char *b,
		size_t lb)
{
	size_t la = strlen(a) + 1;
	struct xsd_sockmsg hdr = { .type = type, .req_id = id, .tx_id = tx };

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
		if (xs_parse_watch_event(reader.body, h->len, &path, &token) < 0)
			return;
		if (!strcmp(token, SHUTDOWN_TOKEN))
			check_shutdown = true;
		for (int i = 0; i < MAX_WATCHES; i++)
			if (watches[i].used && !strcmp(token, watches[i].token))
				watches[i].fired = true;
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
		int r;

		xen_rmb(); /* the index before the bytes it covers */
		r = xs_reader_feed(&reader, xs->rsp, &cons, prod);
		xen_mb(); /* done reading before the space is given back */
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

static int request(uint32_t type, uint32_t tx, const char *a, const char *b, size_t lb,
		   char *buf, size_t size)
{
	unsigned long flags = xen_events_mask();
	uint64_t deadline = xen_time_now() + TIMEOUT_NS;
	int rc;

	wait.id = new_id();
	wait.type = type;
	wait.done = false;
	wait.buf = buf;
	wait.size = size;
	rc = send(type, wait.id, tx, a, b, lb);
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
	return request(XS_READ, 0, path, NULL, 0, buf, size);
}

int xen_xs_write_tx(uint32_t tx, const char *path, const char *value)
{
	char ok[4];
	int rc = request(XS_WRITE, tx, path, value, strlen(value), ok, sizeof(ok));

	return rc < 0 ? rc : 0;
}

int xen_xs_write(const char *path, const char *value)
{
	return xen_xs_write_tx(0, path, value);
}

int xen_xs_directory(const char *path, char *buf, size_t size)
{
	int rc = request(XS_DIRECTORY, 0, path, NULL, 0, buf, size);

	if (rc < 0)
		return rc;
	rc = xs_parse_directory(buf, (uint32_t)rc);
	return rc < 0 ? XS_ERR_PROTO : rc;
}

int xen_xs_transaction_start(uint32_t *tx)
{
	char id[16];
	uint64_t v;
	int rc = request(XS_TRANSACTION_START, 0, "", NULL, 0, id, sizeof(id));

	if (rc < 0)
		return rc;
	if (xs_parse_uint(id, (uint32_t)rc, UINT32_MAX, &v) < 0 || v == 0)
		return XS_ERR_PROTO;
	*tx = (uint32_t)v;
	return 0;
}

int xen_xs_transaction_end(uint32_t tx, bool commit)
{
	char ok[4];
	int rc = request(XS_TRANSACTION_END, tx, commit ? "T" : "F", NULL, 0, ok, sizeof(ok));

	return rc < 0 ? rc : 0;
}

/* The table entry for token, or a free one (add), or -1. */
static int watch_slot(const char *token, bool add)
{
	int free_slot = -1;

	for (int i = 0; i < MAX_WATCHES; i++) {
		if (watches[i].used && !strcmp(watches[i].token, token))
			return i;
		if (!watches[i].used && free_slot < 0)
			free_slot = i;
	}
	return add ? free_slot : -1;
}

/* Put token in the table (before the request: the event xenstored fires
 * at registration may come before the reply); its slot, or an error. */
static int watch_add(const char *token)
{
	int slot;

	if (strlen(token) > XS_TOKEN_MAX || !strcmp(token, SHUTDOWN_TOKEN))
		return XS_ERR_TOOBIG;
	slot = watch_slot(token, true);
	if (slot < 0)
		return XS_ERR_NOSPC;
	strcpy(watches[slot].token, token);
	watches[slot].used = true;
	watches[slot].fired = false;
	return slot;
}

int xen_xs_watch(const char *path, const char *token)
{
	char ok[4];
	int slot = watch_add(token), rc;

	if (slot < 0)
		return slot;
	/* The payload is "path\0token\0": the token keeps its NUL. */
	rc = request(XS_WATCH, 0, path, token, strlen(token) + 1, ok, sizeof(ok));
	if (rc < 0)
		watches[slot].used = false;
	return rc < 0 ? rc : 0;
}

int xen_xs_watch_nowait(const char *path, const char *token)
{
	unsigned long flags;
	int slot = watch_add(token), rc;

	if (slot < 0)
		return slot;
	flags = xen_events_mask();
	xen_evtchn_unmask(port);
	rc = send(XS_WATCH, new_id(), 0, path, token, strlen(token) + 1);
	xen_events_restore(flags);
	if (rc < 0)
		watches[slot].used = false;
	return rc;
}

int xen_xs_unwatch(const char *path, const char *token)
{
	char ok[4];
	int slot = watch_slot(token, false), rc;

	if (slot < 0)
		return XS_ERR_PROTO;
	watches[slot].used = false;
	rc = request(XS_UNWATCH, 0, path, token, strlen(token) + 1, ok, sizeof(ok));
	return rc < 0 ? rc : 0;
}

bool xen_xs_watch_take(const char *token)
{
	int slot = watch_slot(token, false);
	bool fired;

	if (slot < 0)
		return false;
	fired = watches[slot].fired;
	watches[slot].fired = false;
	return fired;
}

bool xen_xs_wait_watch(const char *token, uint64_t deadline)
{
	unsigned long flags;
	int slot = watch_slot(token, false);
	bool fired = false;

	if (!xs || slot < 0)
		return false;
	flags = xen_events_mask();
	for (;;) {
		xen_evtchn_clear(port);
		drain();
		if (watches[slot].fired || broken || xen_time_now() >= deadline)
			break;
		xen_evtchn_poll(port, deadline);
	}
	fired = watches[slot].fired;
	watches[slot].fired = false;
	xen_events_restore(flags);
	return fired;
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
	else if (IS_ENABLED_SUSPEND && !strcmp(v, "suspend"))
		shutdown_pending = SHUTDOWN_suspend + 1; /* (hal_wait: suspend.c) */
	else
		return; /* "" or junk */
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
		send(XS_WATCH, watch_id, 0, SHUTDOWN_PATH, SHUTDOWN_TOKEN,
		     sizeof(SHUTDOWN_TOKEN));
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

static void ring_init(const struct start_info *si)
{
	unsigned long pfn;

	if (xen_is_dom0 || !si->store_mfn)
		return;
	pfn = xen_mfn_to_pfn(si->store_mfn);
	if (pfn >= xen_nr_pages()) {
		pr_err("xen: xenstore page is not ours; xenstore disabled\n");
		return;
	}
	xs = xen_pfn_to_virt(pfn);
	port = si->store_evtchn;
	if (xs_ring_space(xs->req_cons, xs->req_prod) < 0 ||
	    xs_ring_space(xs->rsp_cons, xs->rsp_prod) < 0)
		give_up("bad ring indices at boot", XS_ERR_PROTO);
}

void xen_xs_init(void)
{
	ring_init(xen_start_info);
}

#ifdef CONFIG_XEN_SUSPEND
void xen_xs_resume(const struct start_info *si)
{
	if (!xs)
		return;
	/* A new connection: nothing of the old one is pending or watched. */
	xs = NULL;
	broken = false;
	broken_code = XS_ERR_IO;
	memset(&reader, 0, sizeof(reader));
	memset(&wait, 0, sizeof(wait));
	watch_started = check_shutdown = false;
	watch_id = 0;
	shutdown_pending = 0;
	for (int i = 0; i < MAX_WATCHES; i++)
		watches[i].used = watches[i].fired = false;
	ring_init(si);
	/* Replies the old xenstored left in the ring were drained before
	 * the suspend; whatever is there now belongs to nobody. */
	if (xs && !broken)
		xs->rsp_cons = xs->rsp_prod;
}
#endif
