// SPDX-License-Identifier: MIT
/*
 * netfront: the network half of the HAL (hal_net_*) on Xen, against a
 * netback (Linux's xen-netback in dom0).
 *
 * "netN" is the N-th device/vif in xenstore.  Acquire does the whole
 * handshake (xenbus.h): wait for the backend's InitWait, set up the two
 * rings, grant every buffer once, post all 256 receive buffers, publish
 * the ring references, event channel and features with Connected in one
 * transaction, and wait for the backend's Connected.  We ask netback to
 * copy received frames into our pages (request-rx-copy) and to fill in
 * checksums itself (feature-no-csum-offload): frames arrive whole, one
 * slot each, checksummed.
 *
 * Buffers are the port's own (static, only in images that select
 * netfront): 256 receive pages, and 256 transmit halves of 128 pages.
 * hal_net_write copies a frame into a free transmit half and queues its
 * request; hal_net_flush (or hal_wait) publishes the batch with one
 * notification at most.  hal_net_read copies a frame out and posts its
 * page again at once, so the receive ring stays full.  The one event
 * channel stands for both directions: hal_wait reports the handle when it
 * fires (rx after a read found nothing, tx after a write found no room).
 *
 * The ring logic, which checks everything the backend writes, is in
 * netring.c; a backend whose indices are bogus, or that leaves, makes
 * every later call fail with HAL_EIO.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <hal.h>
#include <hako/printk.h>

#include "devices.h"
#include "netring.h"
#include "port.h"
#include "xenbus.h"

#define NR_DEVS CONFIG_XEN_NETFRONT_DEVICES
#define MTU_MAX 1500 /* (a frame in half a page; no scatter-gather) */
#define MTU_MIN 576
#define TX_HALF (NETRING_PAGE / 2)
#define TX_PAGES (NETRING_TX / 2)
#define PUSH_EVERY 32		     /* receive buffers posted before we tell the backend */
#define DRAIN_NS 200000000ULL	     /* at exit, for the last frames to leave */
#define CLOSE_NS 3000000000ULL	     /* at exit, for the backend to close */

_Static_assert(MTU_MAX + NETRING_ETH_HLEN <= TX_HALF, "a frame fits half a page");

struct bufs {
	uint8_t rx[NETRING_RX][NETRING_PAGE];
	uint8_t tx[TX_PAGES][NETRING_PAGE];
	uint8_t tx_ring[NETRING_PAGE];
	uint8_t rx_ring[NETRING_PAGE];
};

struct nf {
	struct xenbus_dev xb;
	struct netring ring;
	struct bufs *b;
	hal_handle_t handle;
	evtchn_port_t port;
	bool acquired, connected, dead;
	bool closed; /* the handshake is over: the backend let go */
	bool kick;   /* report the handle on the next poll */
	unsigned int rx_unpushed;
	uint64_t notifies;
	grant_ref_t tx_ring_ref, rx_ring_ref;
	grant_ref_t rx_gref[NETRING_RX];
	grant_ref_t tx_gref[TX_PAGES];
	unsigned int nr_grants; /* how many of the refs above hold grants */
	uint8_t mac[6];
	size_t mtu;
};

static struct bufs bufs[NR_DEVS] __attribute__((aligned(NETRING_PAGE)));
static struct nf devs[NR_DEVS];

static bool nf_poll(void *dev);
static void nf_close(void *dev);
static void nf_suspend(void *dev);
static void nf_resume(void *dev, bool cancelled);
static const struct xen_dev_ops ops = { .poll = nf_poll, .close = nf_close,
					.suspend = nf_suspend, .resume = nf_resume };

/* "netN" -> N, strictly. */
static int parse_name(const char *name, unsigned int *n)
{
	unsigned int v = 0;
	const char *p = name + 3;

	if (strncmp(name, "net", 3) || !*p || (p[0] == '0' && p[1]) || strlen(p) > 3)
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned int)(*p - '0');
	}
	*n = v;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "xx:xx:xx:xx:xx:xx", exactly. */
static int parse_mac(const char *s, int len, uint8_t mac[6])
{
	if (len != 17)
		return -1;
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static void notify(struct nf *d)
{
	d->notifies++;
	xen_evtchn_notify(d->port);
}

/* A grant of page p to the backend, or false (table full: said). */
static bool grant(struct nf *d, grant_ref_t *ref, const void *p, bool readonly)
{
	int r = xen_gnttab_grant(d->xb.backend_id, xen_virt_to_mfn(p), readonly);

	if (r < 0)
		return false;
	*ref = (grant_ref_t)r;
	d->nr_grants++;
	return true;
}

/* Grant every page, in the order teardown ends them. */
static bool grant_all(struct nf *d)
{
	d->nr_grants = 0;
	if (!grant(d, &d->tx_ring_ref, d->b->tx_ring, false) ||
	    !grant(d, &d->rx_ring_ref, d->b->rx_ring, false))
		return false;
	for (unsigned int i = 0; i < NETRING_RX; i++)
		if (!grant(d, &d->rx_gref[i], d->b->rx[i], false))
			return false;
	for (unsigned int i = 0; i < TX_PAGES; i++)
		if (!grant(d, &d->tx_gref[i], d->b->tx[i], true))
			return false;
	return true;
}

/* End the grants (the backend has let go: it closed, or never connected).
 * Returns how many it could not end. */
static unsigned int end_grants(struct nf *d)
{
	unsigned int left = 0, n = d->nr_grants;

	for (unsigned int i = 0; i < n; i++) {
		grant_ref_t ref = i == 0 ? d->tx_ring_ref
				  : i == 1 ? d->rx_ring_ref
				  : i < 2 + NETRING_RX ? d->rx_gref[i - 2]
						       : d->tx_gref[i - 2 - NETRING_RX];

		if (!xen_gnttab_end((int)ref))
			left++;
	}
	d->nr_grants = 0;
	return left;
}

static void teardown(struct nf *d)
{
	unsigned int left;

	if (d->acquired)
		xen_evtchn_unroute(d->handle); /* (its port number may be reused) */
	if (d->port) {
		xen_evtchn_close(d->port);
		d->port = 0;
	}
	left = end_grants(d);
	if (left)
		pr_warn("xen: %s: %u grants still in use by the backend, left granted\n",
			d->xb.name, left);
}

static int connect(struct nf *d)
{
	/* Features we lack are not written: netif.h makes a missing key mean
	 * off, and each write costs dom0's xenstored about a millisecond
	 * under the test rig, on every boot. */
	struct xenbus_kv kv[] = {
		{ "tx-ring-ref", "" },	      { "rx-ring-ref", "" },
		{ "event-channel", "" },      { "request-rx-copy", "1" },
		{ "feature-rx-notify", "1" }, { "feature-no-csum-offload", "1" },
	};
	char v[24];
	uint64_t copy, mtu;
	int n, rc;

	n = xenbus_read(&d->xb, false, "mac", v, sizeof(v));
	if (n < 0 || parse_mac(v, n, d->mac) < 0) {
		pr_err("xen: %s: no valid mac in xenstore\n", d->xb.name);
		return HAL_EIO;
	}
	/* The bridge's MTU, written by the hotplug script (vif-bridge). */
	if (xenbus_read_uint(&d->xb, false, "mtu", 65535, MTU_MAX, &mtu) < 0)
		return HAL_EIO;
	if (mtu < MTU_MIN) {
		pr_err("xen: %s: mtu %u is too small\n", d->xb.name, (unsigned int)mtu);
		return HAL_EIO;
	}
	if (mtu > MTU_MAX) {
		pr_warn("xen: %s: mtu %u, using %u (larger frames are dropped)\n", d->xb.name,
			(unsigned int)mtu, MTU_MAX);
		mtu = MTU_MAX;
	}
	d->mtu = mtu;
	if (xenbus_wait(&d->xb, XENBUS_MASK(XenbusStateInitWait), XENBUS_TIMEOUT_NS) < 0)
		return HAL_EIO;
	if (xenbus_read_uint(&d->xb, true, "feature-rx-copy", 1, 0, &copy) < 0)
		return HAL_EIO;
	if (!copy) {
		pr_err("xen: %s: the backend cannot copy received frames (feature-rx-copy)\n",
		       d->xb.name);
		return HAL_EIO;
	}

	netring_init(&d->ring, (netif_tx_sring_t *)d->b->tx_ring,
		     (netif_rx_sring_t *)d->b->rx_ring, d->mtu);
	if (!grant_all(d)) {
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
	netring_rx_fill(&d->ring, d->rx_gref);
	netring_rx_push(&d->ring); /* (the backend looks once connected) */

	snprintf(kv[0].value, sizeof(kv[0].value), "%u", (unsigned int)d->tx_ring_ref);
	snprintf(kv[1].value, sizeof(kv[1].value), "%u", (unsigned int)d->rx_ring_ref);
	snprintf(kv[2].value, sizeof(kv[2].value), "%u", (unsigned int)d->port);
	if (xenbus_publish(&d->xb, kv, sizeof(kv) / sizeof(kv[0]), XenbusStateConnected) < 0)
		return HAL_EIO;
	if (xenbus_wait(&d->xb, XENBUS_MASK(XenbusStateConnected), XENBUS_TIMEOUT_NS) < 0)
		return HAL_EIO;
	d->connected = true;
	return HAL_OK;
}

int hal_net_acquire(const char *name, hal_handle_t *h, struct hal_net_info *info)
{
	unsigned int n;
	struct nf *d;
	int rc;

	if (!name || parse_name(name, &n) < 0 || n >= NR_DEVS)
		return HAL_ENODEV;
	d = &devs[n];
	if (d->acquired)
		return HAL_ENODEV;
	rc = xenbus_find("vif", n, &d->xb);
	if (rc < 0)
		return rc;
	d->b = &bufs[n];
	rc = connect(d);
	if (rc < 0) {
		/* Tell the backend we are not coming, then free what we set up
		 * (it never mapped our pages unless it connected). */
		xenbus_close(&d->xb, CLOSE_NS);
		teardown(d);
		return rc;
	}
	rc = xen_dev_register(&ops, d, &d->handle);
	if (rc < 0) {
		nf_close(d);
		return rc;
	}
	d->acquired = true;
	xen_evtchn_route(d->port, d->handle);
	xen_evtchn_unmask(d->port);
	notify(d); /* the receive buffers posted before we connected */
	memcpy(info->mac, d->mac, 6);
	info->mtu = d->mtu;
	info->link_up = true;
	*h = d->handle;
	pr_info("xen: %s: net%u, mac %02x:%02x:%02x:%02x:%02x:%02x, backend domain %u\n",
		d->xb.name, n, d->mac[0], d->mac[1], d->mac[2], d->mac[3], d->mac[4], d->mac[5],
		(unsigned int)d->xb.backend_id);
	return HAL_OK;
}

/* The device behind h if it is usable; *rc says why not. */
static struct nf *usable(hal_handle_t h, int *rc)
{
	struct nf *d = xen_dev_lookup(h, &ops);

	if (!d) {
		*rc = HAL_EINVAL;
		return NULL;
	}
	if (d->ring.broken && !d->dead) {
		pr_err("xen: %s: %s: device disabled\n", d->xb.name, d->ring.why);
		d->dead = true;
	}
	if (d->dead) {
		*rc = HAL_EIO;
		return NULL;
	}
	return d;
}

int hal_net_write(hal_handle_t h, const void *frame, size_t len)
{
	int rc, id;
	struct nf *d = usable(h, &rc);

	if (!d)
		return rc;
	if (len < NETRING_ETH_HLEN || len > d->mtu + NETRING_ETH_HLEN)
		return HAL_EINVAL;
	if (d->ring.nr_tx_free < NETRING_TX / 2)
		netring_tx_reclaim(&d->ring, false);
	id = netring_tx_alloc(&d->ring);
	if (id < 0) {
		/* No room: make the backend tell us when there is (a reply
		 * that came meanwhile counts too). */
		netring_tx_reclaim(&d->ring, true);
		id = netring_tx_alloc(&d->ring);
		if (id < 0) {
			if (!d->ring.broken)
				return HAL_AGAIN;
			usable(h, &rc); /* says why, once */
			return HAL_EIO;
		}
	}
	memcpy(d->b->tx[id / 2] + (id % 2) * TX_HALF, frame, len);
	netring_tx_queue(&d->ring, id, d->tx_gref[id / 2], (unsigned int)(id % 2) * TX_HALF,
			 (unsigned int)len);
	return HAL_OK;
}

static void flush(struct nf *d)
{
	bool tx = netring_tx_push(&d->ring), rx = false;

	if (d->rx_unpushed) {
		rx = netring_rx_push(&d->ring);
		d->rx_unpushed = 0;
	}
	if (tx || rx)
		notify(d);
}

void hal_net_flush(hal_handle_t h)
{
	int rc;
	struct nf *d = usable(h, &rc);

	if (d)
		flush(d);
}

int hal_net_read(hal_handle_t h, void *buf, size_t size, size_t *len)
{
	struct netring_frame f;
	int rc, r;
	struct nf *d = usable(h, &rc);

	if (!d)
		return rc;
	if (size < d->mtu + NETRING_ETH_HLEN)
		return HAL_EINVAL;
	r = netring_rx_next(&d->ring, &f);
	if (r < 0) {
		usable(h, &rc);
		return HAL_EIO;
	}
	if (r == 0) {
		/* Idle: let the backend see every buffer posted so far. */
		if (d->rx_unpushed) {
			d->rx_unpushed = 0;
			if (netring_rx_push(&d->ring))
				notify(d);
		}
		return HAL_AGAIN;
	}
	memcpy(buf, d->b->rx[f.buf] + f.offset, f.len);
	*len = f.len;
	d->rx_unpushed += netring_rx_fill(&d->ring, d->rx_gref);
	if (d->rx_unpushed >= PUSH_EVERY) {
		d->rx_unpushed = 0;
		if (netring_rx_push(&d->ring))
			notify(d);
	}
	return HAL_OK;
}

static bool nf_poll(void *dev)
{
	struct nf *d = dev;

	bool kick = d->kick;

	d->kick = false;
	if (d->dead)
		return kick;
	flush(d);
	if (xenbus_backend_gone(&d->xb)) {
		/* (xl network-detach, or the backend died.)  Answer its
		 * Closing, so that the toolstack's removal completes, and free
		 * what it no longer maps. */
		pr_err("xen: %s: the backend went away: device disabled\n", d->xb.name);
		d->dead = true;
		xenbus_close(&d->xb, CLOSE_NS);
		teardown(d);
		d->closed = true;
		return true; /* so that a waiting reader sees HAL_EIO */
	}
	return kick;
}

/* Let the frames queued leave (a FIN, the end of a reply), bounded. */
static void drain_tx(struct nf *d)
{
	uint64_t deadline = xen_time_now() + DRAIN_NS;
	unsigned long flags = xen_events_mask();

	flush(d);
	for (;;) {
		xen_evtchn_clear(d->port);
		if (netring_tx_reclaim(&d->ring, true) < 0 || !netring_tx_in_flight(&d->ring) ||
		    xen_time_now() >= deadline)
			break;
		xen_evtchn_poll(d->port, deadline);
	}
	xen_events_restore(flags);
	d->kick = true; /* the clears above may have taken a receive event */
}

/* Before a suspend: what was queued leaves.  Frames still in flight, and
 * frames received but not yet read, are lost with the old backend, as a
 * network may lose them. */
static void nf_suspend(void *dev)
{
	struct nf *d = dev;

	if (!d->dead)
		drain_tx(d);
}

/* In a new domain: the old backend, grants and port are gone with the old
 * domain; the handshake starts over with the backend xl restore made (its
 * path names our new domain id). */
static void nf_resume(void *dev, bool cancelled)
{
	struct nf *d = dev;
	struct netring_stats stats = d->ring.stats;
	unsigned int n = (unsigned int)(d - devs);
	int rc;

	if (cancelled || d->closed)
		return;
	d->port = 0;
	d->nr_grants = 0;
	d->connected = d->dead = false;
	d->rx_unpushed = 0;
	rc = xenbus_find("vif", n, &d->xb);
	if (rc == 0)
		rc = connect(d);
	d->ring.stats = stats;
	if (rc < 0) {
		pr_err("xen: %s: cannot reconnect after the resume: device disabled\n",
		       d->xb.name);
		xenbus_close(&d->xb, CLOSE_NS);
		teardown(d);
		d->dead = d->closed = d->kick = true;
		return;
	}
	d->kick = true;
	xen_evtchn_route(d->port, d->handle);
	xen_evtchn_unmask(d->port);
	notify(d);
	pr_info("xen: %s: reconnected to backend %s\n", d->xb.name, d->xb.backend);
}

static void nf_close(void *dev)
{
	struct nf *d = dev;
	const struct netring_stats *s = &d->ring.stats;

	if (!d->dead)
		drain_tx(d);
	if (!d->closed) {
		xenbus_close(&d->xb, CLOSE_NS);
		teardown(d);
		d->closed = true;
	}
	d->acquired = d->connected = false;
	pr_info("xen: %s: rx %llu frames %llu bytes (dropped: %llu bad, %llu errors, %llu "
		"multi-slot), tx %llu frames %llu bytes (%llu errors, %llu bad), %llu "
		"notifications\n",
		d->xb.name, (unsigned long long)s->rx_frames, (unsigned long long)s->rx_bytes,
		(unsigned long long)s->rx_bad, (unsigned long long)s->rx_errors,
		(unsigned long long)s->rx_multi, (unsigned long long)s->tx_frames,
		(unsigned long long)s->tx_bytes, (unsigned long long)s->tx_errors,
		(unsigned long long)s->tx_bad, (unsigned long long)d->notifies);
}
