// SPDX-License-Identifier: MIT
/*
 * Host unit tests of blkfront's ring logic (hal/xen/blkring.c) against a
 * backend played by the test: correct answers out of order, then hostile
 * ones (ids not in flight, twice, the wrong operation, bogus producer
 * indices).  ASan and UBSan; host Xen headers (libxen-dev).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blkring.h"
#include "../../hostcheck.h"

static struct blkring r;
static blkif_sring_t *s;
static RING_IDX rsp; /* the backend's */

static void setup(RING_IDX start)
{
	if (!s)
		s = aligned_alloc(BLKRING_PAGE, BLKRING_PAGE);
	blkring_init(&r, s);
	r.ring.req_prod_pvt = r.ring.rsp_cons = start;
	s->req_prod = s->rsp_prod = start;
	rsp = start;
}

static int queue(uint8_t op)
{
	unsigned int id;
	blkif_request_t *req = blkring_get(&r, &id);

	if (!req)
		return -1;
	req->operation = op;
	req->nr_segments = 1;
	req->sector_number = id * 8;
	blkring_put(&r, id, op);
	return (int)id;
}

static void answer(uint64_t id, uint8_t op, int16_t status)
{
	blkif_response_t *p = &s->ring[rsp & (BLKRING_SIZE - 1)].rsp;

	p->id = id;
	p->operation = op;
	p->status = status;
	rsp++;
	s->rsp_prod = rsp;
}

static void test_good(void)
{
	int ids[BLKRING_SIZE];
	unsigned int n = 0, id, total = 0;
	int st;
	bool ok = true;

	setup(0xfffffff0u);
	while (n < BLKRING_SIZE && (ids[n] = queue(BLKIF_OP_WRITE)) >= 0)
		n++;
	CHECK("blk: 32 requests in flight, then no room", n == BLKRING_SIZE &&
							    queue(BLKIF_OP_READ) == -1 &&
							    blkring_in_flight(&r) == BLKRING_SIZE);
	s->req_event = r.ring.req_prod_pvt;
	CHECK("blk: push notifies an idle backend", blkring_push(&r) &&
							s->req_prod == r.ring.req_prod_pvt);
	CHECK("blk: request slots hold what was queued",
	      s->ring[(0xfffffff0u + 5) & (BLKRING_SIZE - 1)].req.id == (uint64_t)ids[5] &&
		      s->ring[(0xfffffff0u + 5) & (BLKRING_SIZE - 1)].req.sector_number ==
			      (uint64_t)ids[5] * 8);
	CHECK("blk: nothing answered yet", blkring_next(&r, &id, &st) == 0 &&
					      s->rsp_event == r.ring.rsp_cons + 1);
	/* Answers in reverse order; ids are reused as they come back, for
	 * several rounds through the wrapping ring. */
	for (unsigned int round = 0; round < 4 && ok; round++) {
		for (int i = BLKRING_SIZE - 1; i >= 0; i--)
			answer((uint64_t)ids[i], BLKIF_OP_WRITE, i == 3 ? BLKIF_RSP_ERROR : 0);
		for (unsigned int i = 0; i < BLKRING_SIZE && ok; i++) {
			ok = blkring_next(&r, &id, &st) == 1 &&
			     id == (unsigned int)ids[BLKRING_SIZE - 1 - i] &&
			     st == (BLKRING_SIZE - 1 - i == 3 ? BLKIF_RSP_ERROR : 0);
			total++;
		}
		for (unsigned int i = 0; i < BLKRING_SIZE && ok; i++)
			ok = (ids[i] = queue(BLKIF_OP_WRITE)) >= 0;
	}
	CHECK("blk: 128 answers out of order through a wrapping ring", ok && total == 128);
	CHECK("blk: no bad responses counted", r.bad == 0 && !r.broken);
}

static void test_hostile(void)
{
	unsigned int id;
	int a, b, st;

	setup(100);
	a = queue(BLKIF_OP_READ);
	b = queue(BLKIF_OP_FLUSH_DISKCACHE);
	for (int i = 0; i < 4; i++)
		queue(BLKIF_OP_WRITE);
	blkring_push(&r);
	answer(BLKRING_SIZE, BLKIF_OP_READ, 0);			/* id out of range */
	answer(0x100000000ull | (uint64_t)a, BLKIF_OP_READ, 0);	/* high bits set */
	answer((uint64_t)b, BLKIF_OP_READ, 0);			/* wrong operation */
	answer((uint64_t)(a + 20), BLKIF_OP_READ, 0);		/* not in flight */
	CHECK("blk: bad ids and operations are counted, not taken",
	      blkring_next(&r, &id, &st) == 0 && r.bad == 4 && !r.broken &&
		      blkring_in_flight(&r) == 6);
	setup(100);
	a = queue(BLKIF_OP_READ);
	b = queue(BLKIF_OP_WRITE);
	blkring_push(&r);
	answer((uint64_t)a, BLKIF_OP_READ, 0);
	CHECK("blk: the good answer is taken", blkring_next(&r, &id, &st) == 1 &&
						   id == (unsigned int)a && st == 0);
	/* The same id again: already free: counted, ignored... but now the
	 * backend has answered two requests of the two issued. */
	answer((uint64_t)a, BLKIF_OP_READ, 0);
	CHECK("blk: a second answer for an id is ignored", blkring_next(&r, &id, &st) == 0 &&
							       r.bad == 1 && blkring_in_flight(&r) == 1);
	answer((uint64_t)b, BLKIF_OP_WRITE, 0);
	CHECK("blk: ...and an answer beyond the requests breaks the ring",
	      blkring_next(&r, &id, &st) == -1 && r.broken && r.why);
	CHECK("blk: broken for good", blkring_get(&r, &id) == NULL && !blkring_push(&r));

	setup(0);
	queue(BLKIF_OP_READ);
	s->rsp_prod = 0xffffffffu; /* behind the consumer */
	CHECK("blk: a producer going backwards breaks the ring",
	      blkring_next(&r, &id, &st) == -1 && r.broken);
	setup(0);
	s->rsp_prod = 1; /* nothing was ever issued */
	CHECK("blk: an answer with nothing issued breaks the ring",
	      blkring_next(&r, &id, &st) == -1 && r.broken);
}

int main(void)
{
	test_good();
	test_hostile();
	free(s);
	return check_summary();
}
