// SPDX-License-Identifier: MIT
/* netfront's shared rings without I/O (see netring.h). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "netring.h"
#include "ring.h"

static void set_broken(struct netring *r, const char *why)
{
	if (!r->broken)
		r->why = why;
	r->broken = true;
}

void netring_init(struct netring *r, netif_tx_sring_t *txs, netif_rx_sring_t *rxs,
		  size_t mtu)
{
	memset(r, 0, sizeof(*r));
	memset(txs, 0, NETRING_PAGE);
	memset(rxs, 0, NETRING_PAGE);
	SHARED_RING_INIT(txs);
	SHARED_RING_INIT(rxs);
	FRONT_RING_INIT(&r->tx, txs, NETRING_PAGE);
	FRONT_RING_INIT(&r->rx, rxs, NETRING_PAGE);
	r->mtu = mtu;
	for (unsigned int i = 0; i < NETRING_TX; i++)
		r->tx_free[i] = (uint16_t)(NETRING_TX - 1 - i);
	r->nr_tx_free = NETRING_TX;
}

/* The backend's producer index, read once, before anything it published. */
static uint32_t load_prod(const RING_IDX *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* ------------------------------------------------------------ receive --- */

unsigned int netring_rx_fill(struct netring *r, const grant_ref_t *gref)
{
	unsigned int n = 0;

	if (r->broken)
		return 0;
	while (r->rx.req_prod_pvt - r->rx.rsp_cons < NETRING_RX) {
		unsigned int slot = r->rx.req_prod_pvt & (NETRING_RX - 1);
		netif_rx_request_t *req = RING_GET_REQUEST(&r->rx, r->rx.req_prod_pvt);

		req->id = (uint16_t)slot;
		req->gref = gref[slot];
		r->rx.req_prod_pvt++;
		n++;
	}
	return n;
}

bool netring_rx_push(struct netring *r)
{
	bool notify;

	if (r->broken)
		return false;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&r->rx, notify);
	return notify;
}

/* Responses available, or -1 (and broken) if the backend's index is bogus. */
static long rx_avail(struct netring *r)
{
	long n = ring_rsp_avail(r->rx.rsp_cons, load_prod(&r->rx.sring->rsp_prod),
				r->rx.req_prod_pvt);

	if (n < 0)
		set_broken(r, "bogus receive response index");
	return n;
}

/*
 * The slot at rsp_cons started a packet with flags: skip it and the rest of
 * the packet (its extra-info slots and further fragments), all within the
 * avail slots the backend produced.  False, skipping nothing, when the
 * packet goes on past them.
 */
static bool skip_packet(struct netring *r, uint16_t flags, long avail)
{
	RING_IDX i = r->rx.rsp_cons + 1;
	long left = avail - 1;
	bool extra = flags & NETRXF_extra_info, more = flags & NETRXF_more_data;

	while (extra || more) {
		if (left-- == 0)
			return false;
		if (extra) {
			struct netif_extra_info e;

			memcpy(&e, (const void *)RING_GET_RESPONSE(&r->rx, i), sizeof(e));
			extra = e.flags & XEN_NETIF_EXTRA_FLAG_MORE;
		} else {
			netif_rx_response_t rsp;

			RING_COPY_RESPONSE(&r->rx, i, &rsp);
			more = rsp.flags & NETRXF_more_data;
		}
		i++;
	}
	r->rx.rsp_cons = i;
	return true;
}

/* More work in one call than a correct backend can cause: it keeps moving
 * its index back and forth. */
#define BUDGET (4 * NETRING_RX)

int netring_rx_next(struct netring *r, struct netring_frame *f)
{
	for (unsigned int budget = BUDGET;; budget--) {
		long avail;
		netif_rx_response_t rsp;
		unsigned int slot;

		if (r->broken)
			return -1;
		if (budget == 0) {
			set_broken(r, "the receive ring's index keeps changing");
			return -1;
		}
		avail = rx_avail(r);
		if (avail < 0)
			return -1;
		if (avail == 0) {
			/* Nothing: ask for an event on the next one, then look
			 * once more (it may have come before the request). */
			r->rx.sring->rsp_event = r->rx.rsp_cons + 1;
			xen_mb();
			avail = rx_avail(r);
			if (avail <= 0)
				return avail < 0 ? -1 : 0;
		}
		slot = r->rx.rsp_cons & (NETRING_RX - 1);
		RING_COPY_RESPONSE(&r->rx, r->rx.rsp_cons, &rsp);
		if (rsp.flags & (NETRXF_extra_info | NETRXF_more_data)) {
			/* A packet over several slots (we offered no
			 * scatter-gather) or with extra info: dropped whole.
			 * The backend pushes a packet's slots together; one
			 * that spans every slot in flight never ends. */
			if (!skip_packet(r, rsp.flags, avail)) {
				if (avail == (long)(r->rx.req_prod_pvt - r->rx.rsp_cons)) {
					set_broken(r, "a received packet never ends");
					return -1;
				}
				/* The rest is still coming: ask for an event
				 * when it does, then look once more. */
				r->rx.sring->rsp_event = r->rx.rsp_cons + (RING_IDX)avail + 1;
				xen_mb();
				if (rx_avail(r) != avail)
					continue;
				return r->broken ? -1 : 0;
			}
			r->stats.rx_multi++;
			continue;
		}
		r->rx.rsp_cons++;
		if (rsp.status < 0) {
			r->stats.rx_errors++;
			continue;
		}
		if (rsp.id != slot || (unsigned int)rsp.status < NETRING_ETH_HLEN ||
		    (unsigned int)rsp.status > r->mtu + NETRING_ETH_HLEN ||
		    (unsigned int)rsp.offset + (unsigned int)rsp.status > NETRING_PAGE) {
			r->stats.rx_bad++;
			continue;
		}
		f->buf = slot;
		f->offset = rsp.offset;
		f->len = (unsigned int)rsp.status;
		r->stats.rx_frames++;
		r->stats.rx_bytes += f->len;
		return 1;
	}
}

/* ----------------------------------------------------------- transmit --- */

int netring_tx_alloc(struct netring *r)
{
	if (r->broken || r->nr_tx_free == 0 || RING_FULL(&r->tx))
		return -1;
	return r->tx_free[--r->nr_tx_free];
}

void netring_tx_queue(struct netring *r, int id, grant_ref_t gref, unsigned int offset,
		      unsigned int len)
{
	netif_tx_request_t *req = RING_GET_REQUEST(&r->tx, r->tx.req_prod_pvt);

	req->gref = gref;
	req->offset = (uint16_t)offset;
	req->flags = 0; /* checksums are in the frame; one slot; no extras */
	req->id = (uint16_t)id;
	req->size = (uint16_t)len;
	r->tx.req_prod_pvt++;
	r->tx_busy[id] = true;
	r->stats.tx_frames++;
	r->stats.tx_bytes += len;
}

bool netring_tx_push(struct netring *r)
{
	bool notify;

	if (r->broken)
		return false;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&r->tx, notify);
	return notify;
}

int netring_tx_reclaim(struct netring *r, bool want_event)
{
	int freed = 0;

	for (unsigned int budget = BUDGET;; budget--) {
		long avail;

		if (r->broken)
			return -1;
		if (budget == 0) {
			set_broken(r, "the transmit ring's index keeps changing");
			return -1;
		}
		avail = ring_rsp_avail(r->tx.rsp_cons, load_prod(&r->tx.sring->rsp_prod),
				       r->tx.req_prod_pvt);
		if (avail < 0) {
			set_broken(r, "bogus transmit response index");
			return -1;
		}
		for (; avail > 0; avail--) {
			netif_tx_response_t rsp;

			RING_COPY_RESPONSE(&r->tx, r->tx.rsp_cons, &rsp);
			r->tx.rsp_cons++;
			if (rsp.id >= NETRING_TX || !r->tx_busy[rsp.id]) {
				r->stats.tx_bad++;
				continue;
			}
			if (rsp.status != NETIF_RSP_OKAY)
				r->stats.tx_errors++;
			r->tx_busy[rsp.id] = false;
			r->tx_free[r->nr_tx_free++] = rsp.id;
			freed++;
		}
		if (!want_event)
			return freed;
		r->tx.sring->rsp_event = r->tx.rsp_cons + 1;
		xen_mb();
		/* More came in before the request: take them too (bounded:
		 * the backend answers at most what is in flight). */
		if (load_prod(&r->tx.sring->rsp_prod) == r->tx.rsp_cons)
			return freed;
	}
}

unsigned int netring_tx_in_flight(const struct netring *r)
{
	return NETRING_TX - r->nr_tx_free;
}
