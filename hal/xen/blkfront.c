// SPDX-License-Identifier: MIT
/*
 * blkfront: the block half of the HAL (hal_block_*) on Xen, against a
 * blkback (Linux's xen-blkback in dom0).
 *
 * "diskN" is the N-th device/vbd in xenstore (lowest device id first).
 * Acquire does the handshake (xenbus.h): one ring page, its grant and an
 * event channel published with Initialised in one transaction; then, once
 * the backend is Connected, its size, sector size, read-only bit and
 * feature-flush-cache, and our Connected.
 *
 * Requests go to the backend without copying: each page of the kernel's
 * buffer is granted for the request (read-only for a write) and the grants
 * end when the response comes.  Up to 32 requests are in flight (one ring
 * page), each at most 11 segments: 40 KiB for any buffer aligned to 512
 * bytes (a page-aligned one could take 44).  Sector numbers on the wire
 * are 512-byte units (we do not offer feature-large-sector-size; Linux's
 * blkback counts "sectors" in them too).
 *
 * A flush is BLKIF_OP_FLUSH_DISKCACHE (no segments): blkback answers it
 * after the writes it has completed are on stable storage.  A backend
 * without feature-flush-cache says writes are durable when they complete:
 * a flush then completes at once, here.
 *
 * Submit queues; the batch is published when hal_block_complete() finds
 * nothing or hal_wait() runs, with one notification at most (none for a
 * backend still working: RING_PUSH_REQUESTS_AND_CHECK_NOTIFY).  Responses are checked
 * in blkring.c.  A backend that goes away, or whose indices are bogus,
 * fails every request with HAL_EIO; a request whose pages the backend
 * still maps is never handed back (its buffer is not safe to reuse).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <hal.h>
#include <hako/printk.h>

#include <xen/io/protocols.h>

#include "blkring.h"
#include "devices.h"
#include "port.h"
#include "xenbus.h"

#define NR_DEVS CONFIG_XEN_BLKFRONT_DEVICES
#define SEGS BLKIF_MAX_SEGMENTS_PER_REQUEST
#define SECTOR 512u
#define MAX_TRANSFER ((SEGS - 1) * XEN_PAGE_SIZE)
#define DONE_MAX (2 * BLKRING_SIZE) /* completed, not yet taken */
#define DRAIN_NS 2000000000ULL	     /* at exit, for requests in flight */
#define CLOSE_NS 3000000000ULL

struct slot {
	struct hal_block_req *req;
	grant_ref_t gref[SEGS];
	unsigned int nseg;
};

struct bf {
	struct xenbus_dev xb;
	struct blkring ring;
	uint8_t *ring_page;
	int ring_ref; /* -1: none */
	evtchn_port_t port;
	hal_handle_t handle;
	struct hal_block_info info;
	bool acquired, dead, closed, report;
	bool unpushed; /* requests queued, not yet published */
	struct slot slots[BLKRING_SIZE];
	struct hal_block_req *done[DONE_MAX];
	unsigned int done_head, done_count;
	uint64_t reads, writes, flushes, errors, leaks, notifies;
};

static uint8_t ring_pages[NR_DEVS][XEN_PAGE_SIZE] __attribute__((aligned(XEN_PAGE_SIZE)));
static struct bf devs[NR_DEVS];

static bool bf_poll(void *dev);
static void bf_close(void *dev);
static void bf_suspend(void *dev);
static void bf_resume(void *dev, bool cancelled);
static const struct xen_dev_ops ops = { .poll = bf_poll, .close = bf_close,
					.suspend = bf_suspend, .resume = bf_resume };

/* "diskN" -> N, strictly. */
static int parse_name(const char *name, unsigned int *n)
{
	const char *p = name + 4;
	unsigned int v = 0;

	if (strncmp(name, "disk", 4) || !*p || (p[0] == '0' && p[1]) || strlen(p) > 3)
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned int)(*p - '0');
	}
	*n = v;
	return 0;
}

static void notify(struct bf *d)
{
	d->notifies++;
	xen_evtchn_notify(d->port);
}

static void teardown(struct bf *d)
{
	if (d->acquired)
		xen_evtchn_unroute(d->handle); /* (its port number may be reused) */
	if (d->port) {
		xen_evtchn_close(d->port);
		d->port = 0;
	}
	if (d->ring_ref >= 0 && !xen_gnttab_end(d->ring_ref))
		pr_warn("xen: %s: the backend still maps the ring; left granted\n", d->xb.name);
	d->ring_ref = -1;
}

/* The backend's description of the disk, once it is Connected. */
static int read_info(struct bf *d)
{
	uint64_t sectors, ssize, info, flush;
	char mode[4];
	int n;

	if (xenbus_read_uint(&d->xb, true, "sectors", UINT64_MAX / SECTOR, 0, &sectors) < 0 ||
	    xenbus_read_uint(&d->xb, true, "sector-size", 1u << 16, SECTOR, &ssize) < 0 ||
	    xenbus_read_uint(&d->xb, true, "info", UINT32_MAX, 0, &info) < 0 ||
	    xenbus_read_uint(&d->xb, true, "feature-flush-cache", 1, 0, &flush) < 0)
		return HAL_EIO;
	if (ssize < SECTOR || ssize > XEN_PAGE_SIZE || (ssize & (ssize - 1)) ||
	    sectors % (ssize / SECTOR)) {
		pr_err("xen: %s: sector size %llu of a %llu-sector disk is not usable\n",
		       d->xb.name, (unsigned long long)ssize, (unsigned long long)sectors);
		return HAL_EIO;
	}
	n = xenbus_read(&d->xb, true, "mode", mode, sizeof(mode));
	d->info.capacity = sectors * SECTOR;
	d->info.block_size = (size_t)ssize;
	d->info.max_transfer = MAX_TRANSFER;
	d->info.read_only = (info & VDISK_READONLY) || (n == 1 && mode[0] == 'r');
	d->info.can_flush = flush;
	return HAL_OK;
}

static int connect(struct bf *d)
{
	struct xenbus_kv kv[] = {
		{ "ring-ref", "" }, { "event-channel", "" },
		{ "protocol", XEN_IO_PROTO_ABI_NATIVE }, { "feature-persistent", "0" },
	};
	int rc;

	if (xenbus_wait(&d->xb, XENBUS_MASK(XenbusStateInitWait), XENBUS_TIMEOUT_NS) < 0)
		return HAL_EIO;
	blkring_init(&d->ring, (blkif_sring_t *)d->ring_page);
	d->ring_ref = xen_gnttab_grant(d->xb.backend_id, xen_virt_to_mfn(d->ring_page), false);
	if (d->ring_ref < 0) {
		pr_err("xen: %s: out of grant references\n", d->xb.name);
		return HAL_EIO;
	}
	rc = xen_evtchn_alloc_unbound(d->xb.backend_id, &d->port);
	if (rc) {
		pr_err("xen: %s: cannot allocate an event channel: %s\n", d->xb.name,
		       xen_strerror(rc));
		d->port = 0;
		return HAL_EIO;
	}
	snprintf(kv[0].value, sizeof(kv[0].value), "%d", d->ring_ref);
	snprintf(kv[1].value, sizeof(kv[1].value), "%u", (unsigned int)d->port);
	if (xenbus_publish(&d->xb, kv, sizeof(kv) / sizeof(kv[0]), XenbusStateInitialised) < 0 ||
	    xenbus_wait(&d->xb, XENBUS_MASK(XenbusStateConnected), XENBUS_TIMEOUT_NS) < 0 ||
	    read_info(d) < 0 || xenbus_switch(&d->xb, XenbusStateConnected) < 0)
		return HAL_EIO;
	return HAL_OK;
}

int hal_block_acquire(const char *name, hal_handle_t *h, struct hal_block_info *info)
{
	struct xenbus_dev xb;
	unsigned int n;
	struct bf *d;
	int rc;

	if (!name || parse_name(name, &n) < 0 || n >= NR_DEVS)
		return HAL_ENODEV;
	d = &devs[n];
	if (d->acquired)
		return HAL_ENODEV;
	rc = xenbus_find("vbd", n, &xb);
	if (rc < 0)
		return rc;
	memset(d, 0, sizeof(*d));
	d->xb = xb;
	d->ring_page = ring_pages[n];
	d->ring_ref = -1;
	rc = connect(d);
	if (rc < 0) {
		xenbus_close(&d->xb, CLOSE_NS);
		teardown(d);
		return rc;
	}
	rc = xen_dev_register(&ops, d, &d->handle);
	if (rc < 0) {
		bf_close(d);
		return rc;
	}
	d->acquired = true;
	xen_evtchn_route(d->port, d->handle);
	xen_evtchn_unmask(d->port);
	*info = d->info;
	*h = d->handle;
	pr_info("xen: %s: disk%u, %llu MiB, %zu-byte sectors%s%s, backend domain %u\n",
		d->xb.name, n, (unsigned long long)(d->info.capacity >> 20), d->info.block_size,
		d->info.read_only ? ", read-only" : "", d->info.can_flush ? ", flush" : "",
		(unsigned int)d->xb.backend_id);
	return HAL_OK;
}

/* Queue a finished request for hal_block_complete(). */
static void finish(struct bf *d, struct hal_block_req *req, int status)
{
	req->status = status;
	if (status != HAL_OK)
		d->errors++;
	d->done[(d->done_head + d->done_count) % DONE_MAX] = req;
	d->done_count++;
}

/* End a slot's grants; false if the backend still maps one (the slot then
 * keeps its request for ever: its buffer is not safe to hand back). */
static bool release(struct bf *d, struct slot *s)
{
	bool ok = true;

	for (unsigned int i = 0; i < s->nseg; i++)
		if (!xen_gnttab_end((int)s->gref[i]))
			ok = false;
	if (!ok) {
		if (!d->leaks++)
			pr_err("xen: %s: the backend answered a request but still maps its "
			       "pages: the request is kept, never completed\n",
			       d->xb.name);
		return false;
	}
	s->nseg = 0;
	return true;
}

/* Fail everything in flight (the backend is gone and has let go, or the
 * ring is broken). */
static void fail_all(struct bf *d)
{
	for (unsigned int i = 0; i < BLKRING_SIZE; i++) {
		struct slot *s = &d->slots[i];

		if (s->req && release(d, s)) {
			finish(d, s->req, HAL_EIO);
			s->req = NULL;
		}
	}
}

static void disable(struct bf *d, const char *why)
{
	if (d->dead)
		return;
	pr_err("xen: %s: %s: device disabled\n", d->xb.name, why);
	d->dead = true;
}

/* Take the backend's responses into the done queue. */
static void reap(struct bf *d)
{
	unsigned int id;
	int status, r;

	while (d->done_count < DONE_MAX) {
		struct slot *s;

		r = blkring_next(&d->ring, &id, &status);
		if (r <= 0)
			break;
		s = &d->slots[id];
		if (!s->req || !release(d, s))
			continue;
		if (status == BLKIF_RSP_EOPNOTSUPP && s->req->op == HAL_BLOCK_FLUSH)
			pr_err("xen: %s: the backend refused a flush\n", d->xb.name);
		finish(d, s->req, status == BLKIF_RSP_OKAY ? HAL_OK : HAL_EIO);
		s->req = NULL;
	}
	if (d->ring.broken && !d->dead) {
		disable(d, d->ring.why);
		fail_all(d);
	}
}

/* Publish queued requests: one notification at most, and none for a
 * backend that is still working through earlier ones. */
static void push(struct bf *d)
{
	if (d->unpushed && !d->dead) {
		d->unpushed = false;
		if (blkring_push(&d->ring))
			notify(d);
	}
}

static int start(struct bf *d, struct hal_block_req *req);

static struct bf *lookup(hal_handle_t h)
{
	return xen_dev_lookup(h, &ops);
}

/* Grant the pages of [buf, buf + len) into s and req's segments. */
static bool grant_segments(struct bf *d, struct slot *s, blkif_request_t *breq, void *buf,
			   size_t len, bool readonly)
{
	uintptr_t a = (uintptr_t)buf, end = a + len;

	s->nseg = 0;
	while (a < end) {
		uintptr_t page = a & ~(uintptr_t)(XEN_PAGE_SIZE - 1);
		uintptr_t stop = page + XEN_PAGE_SIZE < end ? page + XEN_PAGE_SIZE : end;
		int ref = xen_gnttab_grant(d->xb.backend_id, xen_virt_to_mfn((void *)page),
					   readonly);

		if (ref < 0)
			return false;
		s->gref[s->nseg] = (grant_ref_t)ref;
		breq->seg[s->nseg].gref = (grant_ref_t)ref;
		breq->seg[s->nseg].first_sect = (uint8_t)((a - page) / SECTOR);
		breq->seg[s->nseg].last_sect = (uint8_t)((stop - page) / SECTOR - 1);
		s->nseg++;
		a = stop;
	}
	breq->nr_segments = (uint8_t)s->nseg;
	return true;
}

static bool valid(const struct bf *d, const struct hal_block_req *req)
{
	const struct hal_block_info *i = &d->info;

	if (req->op == HAL_BLOCK_FLUSH)
		return req->len == 0;
	if (req->op != HAL_BLOCK_READ && req->op != HAL_BLOCK_WRITE)
		return false;
	if (req->op == HAL_BLOCK_WRITE && i->read_only)
		return false;
	return req->len > 0 && req->len <= i->max_transfer && req->len % i->block_size == 0 &&
	       req->offset % i->block_size == 0 && req->offset <= i->capacity &&
	       req->len <= i->capacity - req->offset && (uintptr_t)req->buf % SECTOR == 0 &&
	       xen_virt_is_ram(req->buf, req->len);
}

int hal_block_submit(hal_handle_t h, struct hal_block_req *req)
{
	struct bf *d = lookup(h);

	if (!d || !req)
		return HAL_EINVAL;
	if (d->dead)
		return HAL_EIO;
	if (!valid(d, req))
		return HAL_EINVAL;
	if (d->done_count >= DONE_MAX - BLKRING_SIZE)
		return HAL_AGAIN; /* (the kernel has not taken its completions) */
	if (req->op == HAL_BLOCK_FLUSH && !d->info.can_flush) {
		d->flushes++;
		finish(d, req, HAL_OK); /* writes are durable once completed */
		d->report = true;
		return HAL_OK;
	}
	return start(d, req);
}

/* Put a valid request on the ring (or the done queue: a flush the device
 * does not need). */
static int start(struct bf *d, struct hal_block_req *req)
{
	blkif_request_t *breq;
	unsigned int id;
	struct slot *s;

	breq = blkring_get(&d->ring, &id);
	if (!breq) {
		reap(d); /* (arms the event for the next response) */
		if (d->dead)
			return HAL_EIO;
		breq = blkring_get(&d->ring, &id);
		if (!breq)
			return HAL_AGAIN;
	}
	s = &d->slots[id];
	breq->handle = (blkif_vdev_t)d->xb.devid;
	if (req->op == HAL_BLOCK_FLUSH) {
		breq->operation = BLKIF_OP_FLUSH_DISKCACHE;
		s->nseg = 0;
		d->flushes++;
	} else {
		breq->operation = req->op == HAL_BLOCK_READ ? BLKIF_OP_READ : BLKIF_OP_WRITE;
		breq->sector_number = req->offset / SECTOR;
		if (!grant_segments(d, s, breq, req->buf, req->len,
				    req->op == HAL_BLOCK_WRITE)) {
			release(d, s);
			/* Out of grants: others in flight will free theirs. */
			if (blkring_in_flight(&d->ring))
				return HAL_AGAIN;
			pr_err("xen: %s: out of grant references\n", d->xb.name);
			return HAL_EIO;
		}
		if (req->op == HAL_BLOCK_READ)
			d->reads++;
		else
			d->writes++;
	}
	s->req = req;
	blkring_put(&d->ring, id, breq->operation);
	d->unpushed = true;
	return HAL_OK;
}

struct hal_block_req *hal_block_complete(hal_handle_t h)
{
	struct bf *d = lookup(h);
	struct hal_block_req *req;

	if (!d)
		return NULL;
	if (!d->dead)
		reap(d);
	if (!d->done_count) {
		push(d); /* the caller is about to wait */
		return NULL;
	}
	req = d->done[d->done_head];
	d->done_head = (d->done_head + 1) % DONE_MAX;
	d->done_count--;
	return req;
}

static bool bf_poll(void *dev)
{
	struct bf *d = dev;
	bool ready = d->report;

	d->report = false;
	push(d);
	if (!d->closed && xenbus_backend_gone(&d->xb)) {
		/* (xl block-detach, or the backend died.)  Answer its Closing;
		 * it unmaps our pages as it closes, so what was in flight can
		 * be failed and handed back. */
		disable(d, "the backend went away");
		xenbus_close(&d->xb, CLOSE_NS);
		fail_all(d);
		teardown(d);
		d->closed = true;
		ready = true;
	}
	return ready;
}

/* Before a suspend: requests in flight finish (bounded), their
 * completions queued for the kernel. */
static void bf_suspend(void *dev)
{
	struct bf *d = dev;
	uint64_t deadline = xen_time_now() + DRAIN_NS;
	unsigned long flags;

	if (d->dead)
		return;
	push(d);
	flags = xen_events_mask();
	for (;;) {
		xen_evtchn_clear(d->port);
		reap(d);
		if (d->dead || !blkring_in_flight(&d->ring) || d->done_count >= DONE_MAX ||
		    xen_time_now() >= deadline)
			break;
		xen_evtchn_poll(d->port, deadline);
	}
	xen_events_restore(flags);
	d->report = true; /* the clears above took the completions' event */
	if (blkring_in_flight(&d->ring))
		pr_warn("xen: %s: %u requests still in flight at suspend: sent again after "
			"a resume\n", d->xb.name, blkring_in_flight(&d->ring));
}

/*
 * In a new domain: the old backend, its grants and port are gone with the
 * old domain; the handshake starts over with the backend xl restore made,
 * and requests that were in flight are sent again (a read or write done
 * twice gives the same result; a flush covers at least as much).
 */
static void bf_resume(void *dev, bool cancelled)
{
	struct bf *d = dev;
	struct hal_block_req *again[BLKRING_SIZE];
	struct hal_block_info was = d->info;
	unsigned int n = 0, idx = (unsigned int)(d - devs);
	int rc;

	if (cancelled || d->closed)
		return;
	for (unsigned int i = 0; i < BLKRING_SIZE; i++) {
		if (d->slots[i].req)
			again[n++] = d->slots[i].req;
		d->slots[i].req = NULL;
		d->slots[i].nseg = 0; /* (grants of the old domain's table) */
	}
	d->port = 0;
	d->ring_ref = -1;
	d->unpushed = false;
	rc = xenbus_find("vbd", idx, &d->xb);
	if (rc == 0)
		rc = connect(d);
	if (rc < 0) {
		disable(d, "cannot reconnect after the resume");
		xenbus_close(&d->xb, CLOSE_NS);
		teardown(d);
		d->closed = true;
	} else {
		d->dead = false;
		if (d->info.capacity != was.capacity || d->info.block_size != was.block_size)
			pr_warn("xen: %s: the disk changed across the resume (%llu bytes, was "
				"%llu)\n",
				d->xb.name, (unsigned long long)d->info.capacity,
				(unsigned long long)was.capacity);
		xen_evtchn_route(d->port, d->handle);
		xen_evtchn_unmask(d->port);
		pr_info("xen: %s: reconnected to backend %s, %u requests sent again\n",
			d->xb.name, d->xb.backend, n);
	}
	for (unsigned int i = 0; i < n; i++)
		if (d->dead || start(d, again[i]) != HAL_OK)
			finish(d, again[i], HAL_EIO);
	push(d);
	d->report = true;
}

static void bf_close(void *dev)
{
	struct bf *d = dev;
	uint64_t deadline = xen_time_now() + DRAIN_NS;

	push(d);
	if (!d->dead && blkring_in_flight(&d->ring)) {
		/* Let requests in flight finish (a last write, a flush). */
		unsigned long flags = xen_events_mask();

		for (;;) {
			unsigned int id;
			int status;

			xen_evtchn_clear(d->port);
			while (blkring_next(&d->ring, &id, &status) > 0)
				if (d->slots[id].req && release(d, &d->slots[id]))
					d->slots[id].req = NULL;
			if (d->ring.broken || !blkring_in_flight(&d->ring) ||
			    xen_time_now() >= deadline)
				break;
			xen_evtchn_poll(d->port, deadline);
		}
		xen_events_restore(flags);
	}
	if (!d->closed) {
		xenbus_close(&d->xb, CLOSE_NS);
		teardown(d);
		d->closed = true;
	}
	d->acquired = false;
	pr_info("xen: %s: %llu reads, %llu writes, %llu flushes, %llu errors, %llu "
		"notifications, %llu bad responses\n",
		d->xb.name, (unsigned long long)d->reads, (unsigned long long)d->writes,
		(unsigned long long)d->flushes, (unsigned long long)d->errors,
		(unsigned long long)d->notifies, (unsigned long long)d->ring.bad);
}
