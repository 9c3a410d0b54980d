// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the split drivers' ring logic (hal/xen/netring.c,
 * hal/xen/blkring.c): the input's first byte picks netfront's rings or
 * blkfront's; the rest is a script of what a hostile backend writes into
 * the shared rings (responses with any fields, producer indices with any
 * value, at any time) interleaved with what the frontend does (post, take,
 * queue, reclaim).  ASan and UBSan catch memory errors; the checks below
 * catch a frame or id the ring code hands out that a driver would trust
 * wrongly.
 *   clang -fsanitize=fuzzer,address,undefined ... ; ./fuzz_rings -runs=N
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blkring.h"
#include "netring.h"

#define require(c)                                                             \
	do {                                                                   \
		if (!(c))                                                      \
			abort();                                               \
	} while (0)

static uint8_t pages[2][NETRING_PAGE] __attribute__((aligned(NETRING_PAGE)));

struct input {
	const uint8_t *p;
	size_t n;
};

static uint32_t take(struct input *in, unsigned int bytes)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < bytes && in->n; i++, in->n--)
		v = v << 8 | *in->p++;
	return v;
}

static void fuzz_blk(struct input *in)
{
	static struct blkring r;
	blkif_sring_t *s = (void *)pages[0];
	RING_IDX start = take(in, 4);
	bool busy[BLKRING_SIZE] = { false };
	unsigned int in_flight = 0;

	blkring_init(&r, s);
	r.ring.req_prod_pvt = r.ring.rsp_cons = start;
	s->rsp_prod = start;
	while (in->n) {
		unsigned int op = take(in, 1), k, id;
		blkif_request_t *req;
		int rc, st;

		switch (op % 4) {
		case 0: /* backend: raw bytes into a response slot */
			k = take(in, 1) % BLKRING_SIZE;
			for (unsigned int i = 0; i < sizeof(blkif_response_t); i++)
				((uint8_t *)&s->ring[k].rsp)[i] = (uint8_t)take(in, 1);
			break;
		case 1: /* backend: producer */
			k = take(in, 1);
			s->rsp_prod = k & 0x80 ? take(in, 4) : s->rsp_prod + (k & 7);
			break;
		case 2:
			req = blkring_get(&r, &id);
			if (req) {
				require(id < BLKRING_SIZE && !busy[id]);
				req->operation = (uint8_t)(op >> 4 & 3);
				blkring_put(&r, id, req->operation);
				busy[id] = true;
				in_flight++;
			}
			blkring_push(&r);
			break;
		case 3:
			rc = blkring_next(&r, &id, &st);
			require(rc >= -1 && rc <= 1);
			if (rc == 1) {
				/* Only an id we issued, once. */
				require(id < BLKRING_SIZE && busy[id]);
				busy[id] = false;
				in_flight--;
			}
			if (rc == -1)
				require(r.broken);
			break;
		}
		require(blkring_in_flight(&r) == in_flight);
		require(r.ring.req_prod_pvt - r.ring.rsp_cons <= BLKRING_SIZE);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct netring r;
	netif_tx_sring_t *txs = (void *)pages[0];
	netif_rx_sring_t *rxs = (void *)pages[1];
	grant_ref_t grefs[NETRING_RX];
	struct input in = { data, size };
	RING_IDX start;

	if (take(&in, 1) & 1) {
		fuzz_blk(&in);
		return 0;
	}
	start = take(&in, 4);
	bool busy[NETRING_TX] = { false };
	unsigned int in_flight = 0;

	netring_init(&r, txs, rxs, 1500);
	r.rx.req_prod_pvt = r.rx.rsp_cons = start;
	r.tx.req_prod_pvt = r.tx.rsp_cons = start;
	rxs->rsp_prod = txs->rsp_prod = start;
	for (unsigned int i = 0; i < NETRING_RX; i++)
		grefs[i] = i;

	while (in.n) {
		unsigned int op = take(&in, 1), k;
		struct netring_frame f;
		int rc, id;

		switch (op % 8) {
		case 0: /* backend: raw bytes into a response slot of the rx ring */
			k = take(&in, 1);
			for (unsigned int i = 0; i < 8; i++)
				((uint8_t *)&rxs->ring[k].rsp)[i] = (uint8_t)take(&in, 1);
			break;
		case 1: /* backend: rx producer moves by a little, or anywhere */
			k = take(&in, 1);
			rxs->rsp_prod = k & 0x80 ? take(&in, 4) : rxs->rsp_prod + (k & 7);
			break;
		case 2:
			netring_rx_fill(&r, grefs);
			netring_rx_push(&r);
			break;
		case 3:
			rc = netring_rx_next(&r, &f);
			require(rc >= -1 && rc <= 1);
			if (rc == 1)
				require(f.buf < NETRING_RX && f.len >= 14 && f.len <= 1514 &&
					f.offset + f.len <= NETRING_PAGE);
			if (rc == -1)
				require(r.broken);
			break;
		case 4:
			id = netring_tx_alloc(&r);
			if (id >= 0) {
				require(id < (int)NETRING_TX && !busy[id]);
				busy[id] = true;
				in_flight++;
				netring_tx_queue(&r, id, 1, 0, 60);
			}
			break;
		case 5: /* backend: raw bytes into a response slot of the tx ring */
			k = take(&in, 1);
			for (unsigned int i = 0; i < 4; i++)
				((uint8_t *)&txs->ring[k].rsp)[i] = (uint8_t)take(&in, 1);
			break;
		case 6: /* backend: tx producer */
			k = take(&in, 1);
			txs->rsp_prod = k & 0x80 ? take(&in, 4) : txs->rsp_prod + (k & 7);
			break;
		case 7:
			netring_tx_push(&r);
			rc = netring_tx_reclaim(&r, op & 8);
			require(rc >= -1);
			/* Our own view of the ids must agree with netring's. */
			for (unsigned int i = 0; i < NETRING_TX; i++)
				if (busy[i] && !r.tx_busy[i]) {
					busy[i] = false;
					in_flight--;
				}
			require(netring_tx_in_flight(&r) == in_flight);
			break;
		}
		require(r.nr_tx_free <= NETRING_TX);
		require(r.rx.req_prod_pvt - r.rx.rsp_cons <= NETRING_RX);
		require(r.tx.req_prod_pvt - r.tx.rsp_cons <= NETRING_TX);
	}
	return 0;
}
