// SPDX-License-Identifier: MIT
/*
 * Host unit tests of netfront's ring logic (hal/xen/netring.c) against a
 * backend played by the test: a correct one, then a hostile one (bogus
 * producer indices, ids, offsets, sizes, statuses, never-ending packets).
 * Built with ASan and UBSan against the host's Xen headers (libxen-dev).
 * Prints one line per check and "N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netring.h"
#include "../../hostcheck.h"

static struct netring r;
static netif_tx_sring_t *txs;
static netif_rx_sring_t *rxs;
static grant_ref_t grefs[NETRING_RX];
/* The backend's private indices. */
static RING_IDX rx_rsp, tx_rsp;

static void setup(RING_IDX start)
{
	if (!txs) {
		txs = aligned_alloc(NETRING_PAGE, NETRING_PAGE);
		rxs = aligned_alloc(NETRING_PAGE, NETRING_PAGE);
	}
	netring_init(&r, txs, rxs, 1500);
	for (unsigned int i = 0; i < NETRING_RX; i++)
		grefs[i] = 1000 + i;
	/* Start both rings at start, to cross the 32-bit wrap. */
	r.rx.req_prod_pvt = r.rx.rsp_cons = start;
	r.tx.req_prod_pvt = r.tx.rsp_cons = start;
	rxs->req_prod = rxs->rsp_prod = start;
	txs->req_prod = txs->rsp_prod = start;
	rx_rsp = tx_rsp = start;
}

/* The backend answers the next receive request. */
static void rx_answer(uint16_t id, uint16_t offset, uint16_t flags, int16_t status)
{
	netif_rx_response_t *rsp = &rxs->ring[rx_rsp & (NETRING_RX - 1)].rsp;

	rsp->id = id;
	rsp->offset = offset;
	rsp->flags = flags;
	rsp->status = status;
	rx_rsp++;
}

static void rx_extra(uint8_t flags)
{
	struct netif_extra_info *e = (void *)&rxs->ring[rx_rsp & (NETRING_RX - 1)].rsp;

	memset(e, 0, sizeof(*e));
	e->type = XEN_NETIF_EXTRA_TYPE_GSO;
	e->flags = flags;
	rx_rsp++;
}

static void rx_publish(void)
{
	rxs->rsp_prod = rx_rsp;
}

static uint16_t slot_id(void)
{
	return (uint16_t)(rx_rsp & (NETRING_RX - 1));
}

static void test_rx_good(void)
{
	struct netring_frame f;
	bool all = true;

	setup(0xffffff00u);
	CHECK("rx: fill posts the whole ring", netring_rx_fill(&r, grefs) == NETRING_RX);
	CHECK("rx: a full ring takes no more", netring_rx_fill(&r, grefs) == 0);
	CHECK("rx: requests carry their slot's id and grant",
	      rxs->ring[5].req.id == 5 && rxs->ring[5].req.gref == 1005);
	rxs->req_event = r.rx.req_prod_pvt - 10; /* the backend waits for requests */
	CHECK("rx: push notifies a waiting backend", netring_rx_push(&r));
	CHECK("rx: push is visible", rxs->req_prod == r.rx.req_prod_pvt);
	CHECK("rx: nothing yet", netring_rx_next(&r, &f) == 0);
	CHECK("rx: asked for an event on the next response", rxs->rsp_event == r.rx.rsp_cons + 1);
	/* Three rounds of the whole ring: wraps the indices and the slots. */
	for (unsigned int i = 0; i < 3 * NETRING_RX && all; i++) {
		uint16_t len = (uint16_t)(14 + i % 1500), off = (uint16_t)(i % 3 ? 0 : 2);
		unsigned int slot = slot_id();

		rx_answer(slot_id(), off, NETRXF_data_validated, (int16_t)len);
		rx_publish();
		all = netring_rx_next(&r, &f) == 1 && f.buf == slot && f.offset == off &&
		      f.len == len;
		all = all && netring_rx_fill(&r, grefs) == 1;
	}
	CHECK("rx: 768 frames through a wrapping ring, buffers refilled", all);
	CHECK("rx: counted", r.stats.rx_frames == 3 * NETRING_RX && !r.broken);
}

static void test_rx_bad_fields(void)
{
	struct netring_frame f;
	int rc;

	setup(7);
	netring_rx_fill(&r, grefs);
	rx_answer((uint16_t)(slot_id() + 1), 0, 0, 100);	/* wrong id */
	rx_answer(slot_id(), 4000, 0, 200);			/* leaves the page */
	rx_answer(slot_id(), 0, 0, 13);				/* shorter than a header */
	rx_answer(slot_id(), 0, 0, 1515);			/* above the MTU */
	rx_answer(slot_id(), 0, 0, NETIF_RSP_ERROR);		/* the backend's error */
	rx_answer(slot_id(), 0xffff, 0, 0x7fff);		/* both huge */
	rx_answer(slot_id(), 2582, 0, 1514);			/* ends at exactly 4096 */
	rx_publish();
	rc = netring_rx_next(&r, &f);
	CHECK("rx: bad responses dropped, the good one after them taken",
	      rc == 1 && f.len == 1514 && f.offset == 2582 && f.buf == (7 + 6) % NETRING_RX);
	CHECK("rx: bad ones counted", r.stats.rx_bad == 5 && r.stats.rx_errors == 1);
	CHECK("rx: every slot comes back to be posted", netring_rx_fill(&r, grefs) == 7);
	CHECK("rx: not broken by bad fields", !r.broken);
}

static void test_rx_multi(void)
{
	struct netring_frame f;

	setup(0);
	netring_rx_fill(&r, grefs);
	/* A fragment chain (3 slots) and a frame with two extra-info slots. */
	rx_answer(slot_id(), 0, NETRXF_more_data, 4096);
	rx_answer(slot_id(), 0, NETRXF_more_data, 4096);
	rx_answer(slot_id(), 0, 0, 100);
	rx_answer(slot_id(), 0, NETRXF_extra_info, 60);
	rx_extra(XEN_NETIF_EXTRA_FLAG_MORE);
	rx_extra(0);
	rx_answer(slot_id(), 0, 0, 60);
	rx_publish();
	CHECK("rx: multi-slot packets skipped, the next frame taken",
	      netring_rx_next(&r, &f) == 1 && f.buf == 6 && f.len == 60);
	CHECK("rx: multi-slot packets counted", r.stats.rx_multi == 2 && r.stats.rx_frames == 1);

	/* A chain whose end has not been published yet: wait for it. */
	netring_rx_fill(&r, grefs);
	rx_answer(slot_id(), 0, NETRXF_more_data, 4096);
	rx_publish();
	CHECK("rx: an unfinished chain waits", netring_rx_next(&r, &f) == 0 && !r.broken);
	CHECK("rx: ...with an event asked for past it", rxs->rsp_event == r.rx.rsp_cons + 2);
	rx_answer(slot_id(), 0, 0, 100);
	rx_answer(slot_id(), 0, 0, 70);
	rx_publish();
	CHECK("rx: ...then it is skipped", netring_rx_next(&r, &f) == 1 && f.len == 70);

	/* A chain through every slot in flight never ends. */
	setup(0);
	netring_rx_fill(&r, grefs);
	for (unsigned int i = 0; i < NETRING_RX; i++)
		rx_answer(slot_id(), 0, NETRXF_more_data, 100);
	rx_publish();
	CHECK("rx: a packet over every slot breaks the ring", netring_rx_next(&r, &f) == -1 &&
								   r.broken && r.why);
	/* Extra info that claims more extras for ever. */
	setup(0);
	netring_rx_fill(&r, grefs);
	rx_answer(slot_id(), 0, NETRXF_extra_info, 60);
	for (unsigned int i = 1; i < NETRING_RX; i++)
		rx_extra(XEN_NETIF_EXTRA_FLAG_MORE);
	rx_publish();
	CHECK("rx: endless extra info breaks the ring", netring_rx_next(&r, &f) == -1 &&
							    r.broken);
}

static void test_rx_bogus_index(void)
{
	struct netring_frame f;

	setup(0xfffffff0u);
	netring_rx_fill(&r, grefs);
	rxs->rsp_prod = r.rx.req_prod_pvt + 1;
	CHECK("rx: answers to requests never made break the ring",
	      netring_rx_next(&r, &f) == -1 && r.broken);
	CHECK("rx: broken for good", netring_rx_next(&r, &f) == -1 &&
					     netring_rx_fill(&r, grefs) == 0 &&
					     !netring_rx_push(&r));

	setup(100);
	netring_rx_fill(&r, grefs);
	rxs->rsp_prod = 99; /* behind our consumer */
	CHECK("rx: a producer going backwards breaks the ring",
	      netring_rx_next(&r, &f) == -1 && r.broken);

	setup(0);
	netring_rx_fill(&r, grefs);
	for (unsigned int i = 0; i < 10; i++)
		rx_answer(slot_id(), 0, 0, 60);
	rx_publish();
	netring_rx_next(&r, &f);
	rxs->rsp_prod = 0x80000000u;
	CHECK("rx: a producer far ahead breaks the ring",
	      netring_rx_next(&r, &f) == -1 && r.broken);

	/* Only the requests the ring holds, not what req_prod_pvt says after
	 * a refill: a full ring's worth is fine. */
	setup(0);
	netring_rx_fill(&r, grefs);
	for (unsigned int i = 0; i < NETRING_RX; i++)
		rx_answer(slot_id(), 0, 0, 60);
	rx_publish();
	{
		int n = 0;

		while (netring_rx_next(&r, &f) == 1)
			n++;
		CHECK("rx: a full ring of answers is not bogus", n == NETRING_RX && !r.broken);
	}
}

/* The backend answers transmit request id. */
static void tx_answer(uint16_t id, int16_t status)
{
	netif_tx_response_t *rsp = &txs->ring[tx_rsp & (NETRING_TX - 1)].rsp;

	rsp->id = id;
	rsp->status = status;
	tx_rsp++;
}

static void test_tx(void)
{
	int ids[NETRING_TX + 1], id;
	unsigned int n = 0;

	setup(0xffffff80u);
	while ((id = netring_tx_alloc(&r)) >= 0 && n <= NETRING_TX) {
		ids[n++] = id;
		netring_tx_queue(&r, id, 77, (unsigned int)(id % 2) * 2048, 60);
	}
	CHECK("tx: 256 ids, then none", n == NETRING_TX && netring_tx_in_flight(&r) == NETRING_TX);
	txs->req_event = r.tx.req_prod_pvt; /* the backend wants the last one */
	CHECK("tx: push notifies", netring_tx_push(&r) && txs->req_prod == r.tx.req_prod_pvt);
	CHECK("tx: request fields",
	      txs->ring[(0xffffff80u + 3) & (NETRING_TX - 1)].req.id == ids[3] &&
		      txs->ring[(0xffffff80u + 3) & (NETRING_TX - 1)].req.size == 60);
	CHECK("tx: no responses, nothing freed", netring_tx_reclaim(&r, true) == 0 &&
						     txs->rsp_event == r.tx.rsp_cons + 1);
	/* Out of order, with an error, a duplicate, an unknown and a huge id. */
	tx_answer((uint16_t)ids[10], NETIF_RSP_OKAY);
	tx_answer((uint16_t)ids[2], NETIF_RSP_ERROR);
	tx_answer((uint16_t)ids[10], NETIF_RSP_OKAY);
	tx_answer(0xffff, NETIF_RSP_OKAY);
	tx_answer((uint16_t)ids[0], NETIF_RSP_DROPPED);
	txs->rsp_prod = tx_rsp;
	CHECK("tx: good responses free their ids", netring_tx_reclaim(&r, false) == 3);
	CHECK("tx: errors and bad ids counted", r.stats.tx_errors == 2 && r.stats.tx_bad == 2 &&
							 !r.broken);
	CHECK("tx: freed ids reused", netring_tx_alloc(&r) >= 0);
	txs->rsp_prod = r.tx.req_prod_pvt + 1;
	CHECK("tx: answers beyond the requests break the ring",
	      netring_tx_reclaim(&r, false) == -1 && r.broken && netring_tx_alloc(&r) == -1 &&
		      !netring_tx_push(&r));
}

int main(void)
{
	test_rx_good();
	test_rx_bad_fields();
	test_rx_multi();
	test_rx_bogus_index();
	test_tx();
	free(txs);
	free(rxs);
	return check_summary();
}
