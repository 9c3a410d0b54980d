// SPDX-License-Identifier: MIT
/* blkfront's shared ring without I/O (see blkring.h). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "blkring.h"
#include "ring.h"

/* More work in one call than a correct backend can cause. */
#define BUDGET (4 * BLKRING_SIZE)

static void set_broken(struct blkring *r, const char *why)
{
	if (!r->broken)
		r->why = why;
	r->broken = true;
}

void blkring_init(struct blkring *r, blkif_sring_t *s)
{
	memset(r, 0, sizeof(*r));
	memset(s, 0, BLKRING_PAGE);
	SHARED_RING_INIT(s);
	FRONT_RING_INIT(&r->ring, s, BLKRING_PAGE);
	for (unsigned int i = 0; i < BLKRING_SIZE; i++)
		r->free[i] = (uint16_t)(BLKRING_SIZE - 1 - i);
	r->nr_free = BLKRING_SIZE;
}

blkif_request_t *blkring_get(struct blkring *r, unsigned int *id)
{
	blkif_request_t *req;

	if (r->broken || r->nr_free == 0 || RING_FULL(&r->ring))
		return NULL;
	*id = r->free[r->nr_free - 1];
	req = RING_GET_REQUEST(&r->ring, r->ring.req_prod_pvt);
	memset(req, 0, sizeof(*req));
	req->id = *id;
	return req;
}

void blkring_put(struct blkring *r, unsigned int id, uint8_t op)
{
	r->nr_free--;
	r->busy[id] = true;
	r->op[id] = op; /* ours: the shared slot may have been scribbled on */
	r->ring.req_prod_pvt++;
}

bool blkring_push(struct blkring *r)
{
	bool notify;

	if (r->broken)
		return false;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&r->ring, notify);
	return notify;
}

static long avail(struct blkring *r)
{
	long n = ring_rsp_avail(r->ring.rsp_cons,
				__atomic_load_n(&r->ring.sring->rsp_prod, __ATOMIC_ACQUIRE),
				r->ring.req_prod_pvt);

	if (n < 0)
		set_broken(r, "bogus response index");
	return n;
}

int blkring_next(struct blkring *r, unsigned int *id, int *status)
{
	for (unsigned int budget = BUDGET;; budget--) {
		blkif_response_t rsp;
		long n;

		if (r->broken)
			return -1;
		if (budget == 0) {
			set_broken(r, "the ring's index keeps changing");
			return -1;
		}
		n = avail(r);
		if (n < 0)
			return -1;
		if (n == 0) {
			r->ring.sring->rsp_event = r->ring.rsp_cons + 1;
			xen_mb();
			n = avail(r);
			if (n <= 0)
				return n < 0 ? -1 : 0;
		}
		RING_COPY_RESPONSE(&r->ring, r->ring.rsp_cons, &rsp);
		r->ring.rsp_cons++;
		if (rsp.id >= BLKRING_SIZE || !r->busy[rsp.id] || rsp.operation != r->op[rsp.id]) {
			r->bad++;
			continue;
		}
		r->busy[rsp.id] = false;
		r->free[r->nr_free++] = (uint16_t)rsp.id;
		*id = (unsigned int)rsp.id;
		*status = rsp.status;
		return 1;
	}
}

unsigned int blkring_in_flight(const struct blkring *r)
{
	return BLKRING_SIZE - r->nr_free;
}
